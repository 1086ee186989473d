# Device-mapper overhead: throughput lost against bare pmem, in percent.
ttl = "Device-mapper overhead against the bare pmem namespace"
ylab = "throughput overhead vs bare pmem (%)"
xlab = "kernel, file system, workload"
series = 2; errorbars = 0; yfrom0 = 0
load plotdir . "/bars.gp"
