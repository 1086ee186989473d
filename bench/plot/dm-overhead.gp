# Device-mapper overhead: throughput lost against bare pmem, in percent.
# bench/report sets ttl and ylab from charts.list (they name the clock); defaults:
if (!exists("ttl")) ttl = "Device-mapper overhead against the bare pmem namespace"
if (!exists("ylab")) ylab = "throughput overhead vs bare pmem (%)"
xlab = "kernel, file system, workload"
series = 2; errorbars = 0; yfrom0 = 0
load plotdir . "/bars.gp"
