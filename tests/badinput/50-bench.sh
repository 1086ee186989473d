#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/run and bench/report against hostile input. bench/run: bad
# options, values, sets, matrices, clocks, accelerators and kernels (2),
# TARGET paths that are missing, files, not DAX (2), DEVICE paths that are
# missing, not block devices, or mounted (2): every refusal before
# anything is built or booted and with no results directory left behind.
# Every VM-mode case runs with --accel tcg and an empty DAXLAB_CACHE, so
# that a refusal that failed to happen would find no kernel to boot.
# bench/report: bad usage and missing runs (2), records damaged every way
# (truncated, empty, not JSON, binary, nested too deep, a FIFO, a
# directory, missing) and damaged env.json or counts (1, the file named,
# the raw data unchanged), an --out that aliases an input or holds another
# report (2, nothing overwritten), no gnuplot (3, CSV and summary
# written), and SIGTERM while it works (143, the earlier report whole, no
# temporary file left).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init bench

run=$TOP/bench/run
rep=$TOP/bench/report
ref=$TOP/results/reference
d=$BI_TMP
res=$d/results
export DAXLAB_CACHE=$d/cache
b='^bench: '
r='^bench/report: '

# ---- bench/run: options --------------------------------------------------------
bi_class usage
# shellcheck disable=SC2016 # the backquotes are the help's own
bi_run 0 '^`make bench`: run the bench matrix' -- "$run" --help
bi_run 0 '^bench/run [0-9]+\.[0-9]+$' -- "$run" --version
bi_run 2 "${b}unknown argument '--fast'" -- "$run" --fast
bi_run 2 '^bench/run: --set needs a value' -- "$run" --set
bi_run 2 '^bench/run: --clock needs a value' -- "$run" --results "$res" --clock ''
bi_run 2 "${b}--set is the name of a matrix in bench/matrix/" -- "$run" --results "$res" --set ../../etc/passwd
bi_run 2 "${b}no matrix 'huge'" -- "$run" --results "$res" --accel tcg --set huge
bi_run 2 "${b}no matrix 'none'" -- "$run" --results "$res" --accel tcg --matrix "$d/none"
printf 'set reps 3\ngroup ext4 dax pmem no-such-set\n' >"$d/badmatrix"
bi_run 2 "no-such-set" -- "$run" --results "$res" --accel tcg --matrix "$d/badmatrix"
printf 'frobnicate 1\n' >"$d/badmatrix2"
bi_run 2 "unknown keyword 'frobnicate'" -- "$run" --results "$res" --accel tcg --matrix "$d/badmatrix2"
bi_run 2 "${b}CLOCK is auto, icount or wall, not 'cycles'" -- "$run" --results "$res" --accel tcg --clock cycles
bi_run 2 "${b}ACCEL is kvm or tcg, not 'hvf'" -- "$run" --results "$res" --accel hvf
bi_run 2 "${b}CLOCK=icount needs QEMU's TCG, not ACCEL=kvm" -- "$run" --results "$res" --clock icount --accel kvm
bi_run 2 "${b}--kernels takes stock, patched and prefix-K \(the first K patches\), not 'vanilla'" -- "$run" --results "$res" --accel tcg --kernels vanilla
bi_run 2 "${b}--kernels: 'prefix-1x' is not prefix-K" -- "$run" --results "$res" --accel tcg --kernels "stock prefix-1x"
bi_run 2 "${b}--kernels names stock twice" -- "$run" --results "$res" --accel tcg --kernels "stock stock"
bi_run 2 "${b}--kernels names no kernel" -- "$run" --results "$res" --accel tcg --kernels " "
: >"$d/afile"
bi_run 2 "${b}--results $d/afile is not a directory" -- "$run" --results "$d/afile" --accel tcg

# ---- bench/run: TARGET and DEVICE ------------------------------------------------
bi_class aliasing
bi_run 2 "${b}TARGET=$d/none does not exist" -- "$run" --results "$res" --target "$d/none"
bi_run 2 "${b}TARGET=$d/afile is not a directory" -- "$run" --results "$res" --target "$d/afile"
bi_run 2 "${b}TARGET=/dev/shm is not on a DAX mount" -- "$run" --results "$res" --target /dev/shm
bi_run 2 "${b}TARGET=$d is not on a DAX mount" -- "$run" --results "$res" --target "$d"
bi_run 2 "refusing without DESTRUCTIVE=yes" -- "$run" --results "$res" --device /dev/null
bi_run 2 "${b}DEVICE=$d/none does not exist" -- "$run" --results "$res" --device "$d/none" --destructive yes
bi_run 2 "${b}DEVICE=/dev/null is not a block device" -- "$run" --results "$res" --device /dev/null --destructive yes
bi_run 2 "${b}DEVICE=$d/afile is not a block device" -- "$run" --results "$res" --device "$d/afile" --destructive yes
bi_run 2 "${b}DESTRUCTIVE=yes without DEVICE" -- "$run" --results "$res" --destructive yes
bi_run 2 "${b}TARGET and DEVICE exclude each other" -- "$run" --results "$res" --target "$d" --device /dev/null
root=$(findmnt -n -o SOURCE / 2>/dev/null || true)
if [ -b "$root" ]; then
	bi_run 2 "${b}DEVICE=$root is mounted \(/" -- "$run" --results "$res" --device "$root" --destructive yes
else
	bi_skip "DEVICE that is mounted" "the root file system's source ($root) is no block device here"
fi
bi_absent "no refused run left a results directory" "$res" "$d/afile/results"
bi_run 2 "RUN=results/<id> is required" -- make -s -C "$TOP" bench-report

# ---- bench/report --------------------------------------------------------------
# A small real run: the ext2 PTE/PMD write-fault cells of results/reference.
bi_class malformed
small() {
	local to=$1
	mkdir -p "$to/raw"
	cp "$ref/env.json" "$ref/plan.env" "$to/"
	awk -F'\t' '$2 == "ext2-dax-pmem" && ($7 == "fault-write-pte" || $7 == "fault-write-pmd")' \
		"$ref/plan.tsv" >"$to/plan.tsv"
	cp "$ref"/raw/*__ext2-dax-pmem__fault-write-p[mt][de]__*.json "$to/raw/"
}
w=patched__ext2-dax-pmem__fault-write-pmd__0.json
# same_tree A B: the same names, types and (for files) contents (diff -r
# cannot compare FIFOs). Called through bi_check.
# shellcheck disable=SC2317
same_tree() {
	local f
	[ "$(cd "$1" && ls -A)" = "$(cd "$2" && ls -A)" ] || return 1
	for f in "$1"/*; do
		[ "$(stat -c %F "$f")" = "$(stat -c %F "$2/${f##*/}")" ] || return 1
		[ ! -f "$f" ] || cmp -s "$f" "$2/${f##*/}" || return 1
	done
}

# shellcheck disable=SC2016 # the backquotes are the help's own
bi_run 0 '^`make bench-report RUN=results/<id>`: rebuild' -- "$rep" --help
bi_run 0 '^bench/report [0-9]+\.[0-9]+$' -- "$rep" --version
bi_run 2 "${r}usage: bench/report" -- "$rep"
bi_run 2 "${r}usage: bench/report" -- "$rep" "$d" "$d"
bi_run 2 "${r}unknown option '--fast'" -- "$rep" --fast "$d"
bi_run 2 "${r}$d/none is not a directory" -- "$rep" "$d/none"
bi_run 2 "${r}$d is not a bench run \(no raw/ directory\)" -- "$rep" "$d"
mkdir -p "$d/empty/raw"
bi_run 2 "${r}$d/empty/raw has no records" -- "$rep" "$d/empty"

small "$d/ok"
bi_run 0 "${r}24 rows in $d/ok/results.csv, 4 cells" -- "$rep" "$d/ok"

# damage NAME HOW: a copy of the small run whose warm-up record $w is
# damaged HOW (a printf format, "fifo", "dir" or "missing").
damage() {
	local to=$d/dmg-$1 how=$2
	small "$to"
	rm "$to/raw/$w"
	case $how in
	fifo) mkfifo "$to/raw/$w" ;;
	dir) mkdir "$to/raw/$w" ;;
	missing) ;;
	deep) head -c 300000 /dev/zero | tr '\0' '[' >"$to/raw/$w" ;;
	half) head -c 700 "$ref/raw/$w" >"$to/raw/$w" ;;
	*) printf '%b' "$how" >"$to/raw/$w" ;;
	esac
	cp -a "$to/raw" "$to/raw.orig"
	echo "$to"
}
for c in "truncated:half:not JSON" "empty::empty file" "html:<html>502</html>\n:not JSON" \
	"binary:\x89PNG\x00\xff\xfe:not JSON" "deep:deep:JSON nested too deeply" \
	"fifo:fifo:is not a regular file" "dir:dir:is not a regular file" \
	"schema:{\"bench\": {\"kernel\": \"patched\"}, \"output\": null}:not a whole record" \
	"missing:missing:missing raw record $w"; do
	name=${c%%:*} rest=${c#*:} how=${rest%:*} says=${rest##*:}
	[ "$name" != empty ] || how=''
	dir=$(damage "$name" "$how")
	bi_run 1 "unreadable: patched ext2-dax-pmem fault-write-pmd: $w" --timeout 20 \
		--desc "bench/report on a run whose warm-up record is $name => 1, the file named" -- "$rep" "$dir"
	bi_check "... $name: the summary says why and answers nothing from the cell" \
		grep -qF "$says" "$dir/summary.md"
	bi_check "... $name: the CSV names the record unreadable" \
		grep -q "^patched,ext2-dax-pmem,.*,fault-write-pmd,[^,]*,[^,]*,0,[^,]*,[^,]*,unreadable,[^,]*$w" "$dir/results.csv"
	bi_check "... $name: and every row of its cell" \
		grep -q "^patched,ext2-dax-pmem,.*,fault-write-pmd,[^,]*,[^,]*,1,[^,]*,[^,]*,ok,,unreadable," "$dir/results.csv"
	bi_check "... $name: the raw records are untouched" same_tree "$dir/raw" "$dir/raw.orig"
done

small "$d/env"
printf '{"host": "vm", "clock": {"mo' >"$d/env/env.json"
bi_run 1 "${r}env.json: unreadable" -- "$rep" "$d/env"
small "$d/counts"
printf '{"window": 0, "label": "ext2-dax-pmem__fault-write-pmd__m", "ops": 40\n' >"$d/counts/counts-patched.jsonl"
bi_run 1 "${r}.*counts-patched.jsonl line 1" -- "$rep" "$d/counts"

# --out: never over an input, never over another report without --force.
small "$d/o"
printf 'keep\n' >"$d/keep"
mkdir -p "$d/other" && cp "$d/keep" "$d/other/summary.md"
bi_run 2 "${r}--out $d/o/raw is inside the run's raw/ records" -- "$rep" --out "$d/o/raw" "$d/o"
bi_run 2 "${r}--out $d/other already holds a report \(summary.md\); --force replaces it" -- "$rep" --out "$d/other" "$d/o"
bi_check "the other report is untouched" cmp "$d/other/summary.md" "$d/keep"
mkdir -p "$d/alias" && ln -s "$d/o/plan.tsv" "$d/alias/summary.md"
bi_run 2 "${r}--out $d/alias: summary.md there is an input of the run" -- "$rep" --out "$d/alias" --force "$d/o"
bi_run 2 "${r}--out $d/afile exists and is not a directory" -- "$rep" --out "$d/afile" "$d/o"
bi_run 2 "${r}--force only applies with --out" -- "$rep" --force "$d/o"
bi_absent "no refused --out wrote a report" "$d/o/raw/results.csv" "$d/o/results.csv" "$d/afile.csv"
bi_run 0 "${r}24 rows in $d/other/results.csv" -- "$rep" --out "$d/other" --force "$d/o"

# No gnuplot: 3, and the CSV and the summary are there all the same.
mkdir -p "$d/bin"
for t in bash python3 dirname mktemp rm grep cat sed; do
	p=$(command -v "$t") && ln -sf "$p" "$d/bin/$t"
done
small "$d/nognuplot"
bi_run 3 "${r}gnuplot is missing" -- env PATH="$d/bin" "$rep" "$d/nognuplot"
bi_present "... results.csv and summary.md are written" "$d/nognuplot/results.csv" "$d/nognuplot/summary.md"

# SIGTERM while the whole reference report is made: 143, the earlier
# report whole, nothing temporary left, results/reference untouched.
mkdir -p "$d/tmp"
bi_run 0 "${r}840 rows" --timeout 60 -- "$rep" --out "$d/full" "$ref"
cp "$d/full/summary.md" "$d/summary.first"
bi_signal TERM 1 143 '' --timeout 60 -- env TMPDIR="$d/tmp" "$rep" --out "$d/full" --force "$ref"
bi_check "the earlier summary is still whole" cmp "$d/full/summary.md" "$d/summary.first"
bi_check "no temporary file is left" test -z "$(find "$d/full" "$d/tmp" -name '*.tmp.*' -o -name 'tmp.*')"
bi_check "results/reference is untouched" git -C "$TOP" diff --quiet -- results/reference
bi_done
