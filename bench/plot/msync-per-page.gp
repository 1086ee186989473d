# msync cost per dirtied page against the number of pages per msync.
# Set by the caller: datafile, outbase, width, series (columns after x);
# from charts.list: ttl, ylab (they name the clock: µs on the wall clock,
# instructions under icount). The x tics are the page counts of the data.
if (!exists("ttl")) ttl = "msync(MS_SYNC) cost per dirtied page"
if (!exists("ylab")) ylab = "cost per page (µs)"
set datafile separator "\t"
set datafile missing "NaN"
set title ttl font ",13"
set xlabel "dirty pages per msync"
set ylabel ylab
set logscale xy
set offsets graph 0.05, graph 0.05, 0, 0
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
	plot for [i=2:series+1] datafile using 1:i:xtic(1) with linespoints lw 2 pt 7 title columnheader(i)
	unset output
}
