# msync cost per dirtied page against the number of pages per msync.
# Set by the caller: datafile, outbase, width, series (columns after x).
set datafile separator "\t"
set datafile missing "NaN"
set title "msync(MS_SYNC) cost per dirtied page" font ",13"
set xlabel "dirty pages per msync"
set ylabel "cost per page (µs)"
set logscale xy
set xtics ("1" 1, "16" 16, "256" 256)
set xrange [0.7:400]
set grid xtics ytics lc rgb "#cccccc"
set key outside right top box
set border 3
set xtics nomirror
set ytics nomirror
do for [t in "png svg"] {
	if (t eq "png") {
		set terminal pngcairo size width, 600 noenhanced font "DejaVu Sans,10"
	} else {
		set terminal svg size width, 600 noenhanced font "DejaVu Sans,10" background rgb "white"
	}
	set output outbase . "." . t
	plot for [i=2:series+1] datafile using 1:i with linespoints lw 2 pt 7 title columnheader(i)
	unset output
}
