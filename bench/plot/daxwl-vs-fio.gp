# daxwl vs fio on the same work: GB/s, IQR whiskers.
ttl = "daxwl vs fio on the same work (median, IQR whiskers)"
ylab = "throughput (GB/s)"
xlab = "kernel, group, workload"
series = 2; errorbars = 1; yfrom0 = 1
load plotdir . "/bars.gp"
