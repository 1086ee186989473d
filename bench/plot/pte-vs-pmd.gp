# PTE vs PMD faults: GB/s touched, --align 4k (PTE only) vs --align 2M (PMD-capable).
# bench/report sets ttl and ylab from charts.list (they name the clock); defaults:
if (!exists("ttl")) ttl = "Page-fault throughput: PTE-only vs PMD-capable 2 MiB-aligned mappings"
if (!exists("ylab")) ylab = "throughput touching a fresh mapping (GB/s)"
xlab = "kernel, group, touch"
series = 2; errorbars = 1; yfrom0 = 1
load plotdir . "/bars.gp"
