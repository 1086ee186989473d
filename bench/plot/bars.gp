# Clustered bar chart, PNG and SVG, from a tab-separated .dat file whose
# first column is the label and then, per series, a value (errorbars = 0)
# or a median, first and third quartile (errorbars = 1: IQR whiskers).
# Set by the caller: datafile, outbase, width; by the chart: ttl, ylab,
# series, errorbars, yfrom0.
set datafile separator "\t"
set datafile missing "NaN"
set style data histogram
if (errorbars) {
	set style histogram errorbars gap 1 lw 1.5
} else {
	set style histogram clustered gap 1
}
set style fill solid 0.85 border rgb "#333333"
set boxwidth 0.9 relative
set xtics rotate by 35 right nomirror font ",9"
set ytics nomirror
set grid ytics lc rgb "#cccccc"
set border 3
set key top right box opaque
set title ttl font ",13"
set ylabel ylab
set xlabel xlab
set bmargin 16
set lmargin 20
set rmargin 4
if (yfrom0) { set yrange [0:*] } else { set yrange [*:*]; set xzeroaxis lt -1 lw 1 }
set linetype 1 lc rgb "#1f77b4"
set linetype 2 lc rgb "#ff7f0e"
set linetype 3 lc rgb "#2ca02c"
set linetype 4 lc rgb "#d62728"
step = errorbars ? 3 : 1
do for [t in "png svg"] {
	if (t eq "png") {
		set terminal pngcairo size width, 840 noenhanced font "DejaVu Sans,10"
	} else {
		set terminal svg size width, 840 noenhanced font "DejaVu Sans,10" background rgb "white"
	}
	set output outbase . "." . t
	if (errorbars) {
		plot for [i=0:series-1] datafile using (column(2+i*step)):(column(3+i*step)):(column(4+i*step)):xtic(1) \
			title columnheader(2+i*step) lt i+1
	} else {
		plot for [i=0:series-1] datafile using (column(2+i*step)):xtic(1) title columnheader(2+i*step) lt i+1
	}
	unset output
}
