# Stock vs patched: throughput change per cell, in percent.
ttl = "Patched against stock kernel: throughput change per cell"
ylab = "throughput change, patched vs stock (%)"
xlab = "group and cell"
series = 1; errorbars = 0; yfrom0 = 0
load plotdir . "/bars.gp"
