# daxwl vs fio on the same work: GB/s, IQR whiskers.
# bench/report sets ttl and ylab from charts.list (they name the clock); defaults:
if (!exists("ttl")) ttl = "daxwl vs fio on the same work (median, IQR whiskers)"
if (!exists("ylab")) ylab = "throughput (GB/s)"
xlab = "kernel, group, workload"
series = 2; errorbars = 1; yfrom0 = 1
load plotdir . "/bars.gp"
