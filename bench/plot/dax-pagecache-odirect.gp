# DAX vs page cache vs O_DIRECT: GB/s per workload, IQR whiskers.
# bench/report sets ttl and ylab from charts.list (they name the clock); defaults:
if (!exists("ttl")) ttl = "DAX vs page cache vs O_DIRECT (median, IQR whiskers)"
if (!exists("ylab")) ylab = "throughput (GB/s)"
xlab = "kernel, file system, workload (rw/order/block size)"
series = 3; errorbars = 1; yfrom0 = 1
load plotdir . "/bars.gp"
