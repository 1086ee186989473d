# DAX vs page cache vs O_DIRECT: GB/s per workload, IQR whiskers.
ttl = "DAX vs page cache vs O_DIRECT (median, IQR whiskers)"
ylab = "throughput (GB/s)"
xlab = "kernel, file system, workload (rw/order/block size)"
series = 3; errorbars = 1; yfrom0 = 1
load plotdir . "/bars.gp"
