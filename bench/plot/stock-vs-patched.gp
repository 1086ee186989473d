# Stock vs patched: the patched/stock throughput ratio per cell on a log2
# axis labelled as ratios (1/16 .. 16), so a 16x change and a 3 % change fit
# one chart. Results (repetition ranges do not overlap) in colour, "no
# difference detected" in grey; whiskers: bootstrap 95 % interval; each
# result is labelled with its ratio.
# Columns: label, log2 ratio (result), log2 ratio (no difference), interval
# low, interval high (log2). Set by the caller: datafile, outbase, width;
# from charts.list: ttl, ylab, ylim (the largest |log2 ratio| to show).
if (!exists("ttl")) ttl = "Patched against stock: throughput ratio per cell"
if (!exists("ylab")) ylab = "patched / stock throughput (log2 scale)"
if (!exists("ylim")) ylim = 4
set datafile separator "\t"
set datafile missing "NaN"
set key autotitle columnhead
set style fill solid 0.85 border rgb "#333333"
set boxwidth 0.7
set xtics rotate by 35 right nomirror font ",9"
set ytics nomirror
set grid ytics lc rgb "#cccccc"
set border 3
set xzeroaxis lt -1 lw 1
set key outside top center horizontal box
set title ttl font ",13"
set ylabel ylab
set xlabel "group and cell"
set bmargin 16
set lmargin 14
set rmargin 4
set yrange [-ylim:ylim]
set offsets 0.5, 0.5, 0, 0
set ytics ()
do for [i=-ylim:ylim] {
	if (i >= 0) { set ytics add (sprintf("%d", 2**i) i) } else { set ytics add (sprintf("1/%d", 2**(-i)) i) }
}
do for [t in "png svg"] {
	if (t eq "png") {
		set terminal pngcairo size width, 840 noenhanced font "DejaVu Sans,10"
	} else {
		set terminal svg size width, 840 noenhanced font "DejaVu Sans,10" background rgb "white"
	}
	set output outbase . "." . t
	plot datafile using 0:2:xtic(1) with boxes lc rgb "#1f77b4" title columnheader(2), \
		'' using 0:3 with boxes lc rgb "#b0b0b0" title columnheader(3), \
		'' using 0:2:4:5 with yerrorbars lc rgb "#333333" pt -1 title "bootstrap 95 % interval", \
		'' using 0:3:4:5 with yerrorbars lc rgb "#777777" pt -1 notitle, \
		'' using 0:($2 >= 0 ? $2 + 0.15 : $2 - 0.15):(sprintf("%.3gx", 2**$2)) with labels \
			font ",8" textcolor rgb "#1f4f7f" notitle
	unset output
}
