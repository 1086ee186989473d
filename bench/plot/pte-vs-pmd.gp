# PTE vs PMD faults: GB/s touched, --align 4k (PTE only) vs --align 2M (PMD-capable).
ttl = "Page-fault throughput: PTE-only vs PMD-capable 2 MiB-aligned mappings"
ylab = "throughput touching a fresh mapping (GB/s)"
xlab = "kernel, group, touch"
series = 2; errorbars = 1; yfrom0 = 1
load plotdir . "/bars.gp"
