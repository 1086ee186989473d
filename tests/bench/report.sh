#!/usr/bin/env bash
# The report pipeline on real daxwl (and fio) output: bench/run-cells runs
# a small plan on /dev/shm on the host (TARGET mode, no VM), then
# bench/report builds results.csv, summary.md and the charts from raw/
# alone. The plan holds an unsupported cell (MAP_SYNC on tmpfs), a failing
# cell (a bad daxwl option), a cell that times out, and cells a dead guest
# never reached, so every status path shows up in the report.
set -euo pipefail
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"
# shellcheck source=bench/lib/matrix.sh
. "$top/bench/lib/matrix.sh"
# shellcheck source=bench/lib/record.sh
. "$top/bench/lib/record.sh"

if [ ! -x "$DAXWL" ]; then
	echo "# daxwl is not built ($DAXWL): make -C workloads"
	not_ok "daxwl is built"
	finish
	exit 1
fi

# A cell directory of our own: the shipped sets plus test-only cells.
mkdir -p "$scratch/bench/cells" "$scratch/bench/fio" "$scratch/run"
cp "$top"/bench/cells/*.cells "$scratch/bench/cells/"
cp "$top"/bench/fio/*.fio "$scratch/bench/fio/"
cat >"$scratch/bench/cells/broken.cells" <<'CELLS'
bad-option   read/bad      daxwl  rw --file {file} --size {size} --no-such-option
too-slow     read/slow     daxwl  rw --file {file} --size {size} --rw read --runtime 30s
CELLS
cat >"$scratch/m" <<'MATRIX'
set reps 3
set warmup 1
set size 8M
set runtime 100ms
group -    -   ram   membw
group ext4 dax pmem  fault-write fault-sync rw-read fio-pc broken
group ext4 dax dm-linear rw-read
MATRIX
matrix_parse "$scratch/m" "$scratch/bench/cells" >"$scratch/run/plan.tsv"
for s in $BENCH_SETTINGS; do
	v=MATRIX_SET_$s
	[ -z "${!v:-}" ] || printf '%s=%q\n' "$v" "${!v}"
done >"$scratch/run/plan.env"
ncells=$(wc -l <"$scratch/run/plan.tsv")
# The dm-linear group stands for cells a dead guest never reached.
head -n -2 "$scratch/run/plan.tsv" >"$scratch/run/plan-run.tsv"
cp "$scratch/run/plan.env" "$scratch/run/plan-run.env"

rc=0
BENCH_RUN_TIMEOUT=3 "$top/bench/run-cells" --plan "$scratch/run/plan-run.tsv" --out "$scratch/run" \
	--kernel host --mode target --target /dev/shm --total "$ncells" 2>"$scratch/progress" || rc=$?
check "run-cells finishes with status 0 although cells fail" [ "$rc" -eq 0 ]
check "progress lines say cell k of N, elapsed and ETA" \
	grep -qE "^bench: cell $((ncells - 2)) of $ncells \(host ext4-dax-pmem/too-slow\), elapsed [0-9]+m[0-9]{2}s, ETA [0-9]+m[0-9]{2}s$" "$scratch/progress"
nfill=$(record_fill_missing "$scratch/run/plan.tsv" "$scratch/run/raw" host 3 "the host guest died before this cell ran")
check "the runs a dead guest never reached are filled in: 2 cells x 4 = $nfill" [ "$nfill" -eq 8 ]
nraw=$(find "$scratch/run/raw" -name '*.json' | wc -l)
check "one raw record per cell and run: $ncells cells x (warm-up + 3) = $nraw" [ "$nraw" -eq $((ncells * 4)) ]
# jq_true FILTER FILE: the filter holds (its output is not TAP).
jq_true() { jq -e "$1" "$2" >/dev/null; }
check "raw records are the tool's JSON wrapped with the cell" \
	jq_true '.bench.cell == "rw-read-seq-1m" and .bench.status == "ok" and .output.tool == "daxwl"
		and .output.subcommand == "rw" and .output.results.gbps > 0' \
	"$scratch/run/raw/host__ext4-dax-pmem__rw-read-seq-1m__2.json"

rc=0
"$top/bench/report" "$scratch/run" >"$scratch/report.out" 2>&1 || rc=$?
# Cells failed on purpose: exit 1, with every output written all the same.
check "bench/report exits 1 when cells failed, and writes its outputs" \
	bash -c "[ $rc -eq 1 ] && [ -s '$scratch/run/summary.md' ] && [ -s '$scratch/run/results.csv' ]"
[ "$rc" -eq 1 ] || sed 's/^/#   /' "$scratch/report.out"
check "bench/report says which cells failed" grep -q "cells failed, are partial or unreadable" "$scratch/report.out"
csv=$scratch/run/results.csv
check "results.csv has one row per cell and repetition" [ "$(($(wc -l <"$csv") - 1))" -eq $((ncells * 4)) ]
# csv_field CELL REP COLUMN [GROUP]: the column of that run (of every group
# that has the cell, without GROUP).
csv_field() {
	python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["cell"] == sys.argv[2] and r["rep"] == sys.argv[3] and sys.argv[5] in ("", r["group"]):
        print(r[sys.argv[4]])' "$csv" "$1" "$2" "$3" "${4:-}"
}
# row_says CELL REP STATUS RE [GROUP]: that run's status is STATUS and its
# reason matches the grep pattern RE.
row_says() {
	[ "$(csv_field "$1" "$2" status "${5:-}")" = "$3" ] &&
		grep -q "$4" <<<"$(csv_field "$1" "$2" reason "${5:-}")"
}
check "a measured cell has throughput and a membw ratio in the CSV" \
	python3 -c 'import sys; g=float(sys.argv[1]); r=float(sys.argv[2]); sys.exit(not (g > 0 and 0 < r < 10))' \
	"$(csv_field rw-read-rand-4k 1 gbps)" "$(csv_field rw-read-rand-4k 1 membw_ratio)"
check "fio output is parsed into the same columns" \
	python3 -c 'import sys; sys.exit(not float(sys.argv[1]) > 0)' "$(csv_field fio-psync-read-seq-1m 2 gbps)"
check "MAP_SYNC on tmpfs is recorded as not supported, with daxwl's error" \
	row_says fault-write-pte-sync 0 unsupported 'MAP_SYNC refused'
check "its measured repetitions are not supported too, not dropped" \
	[ "$(csv_field fault-write-pte-sync 3 status)" = unsupported ]
check "the PTE-only fault cell maps one page past 2 MiB" \
	bash -c "[ '$(csv_field fault-write-pte 2 status)' = ok ] &&
		grep -q '\"maps_pte_only\":1' '$scratch/run/raw/host__ext4-dax-pmem__fault-write-pte__2.json'"
check "a bad option is a failed cell with daxwl's message" row_says bad-option 1 failed 'no-such-option'
check "a run over its time limit is failed as timed out" row_says too-slow 0 failed 'timed out after 3s'
check "cells a dead guest never reached are failed with the reason" \
	bash -c "[ '$(csv_field rw-read-rand-4k 2 status | sort -u | tr '\n' ' ')' = 'failed ok ' ] &&
		grep -q 'guest died' '$csv'"
sum=$scratch/run/summary.md
for s in "## Answers" "## Stock vs patched" "## DAX vs page cache vs O_DIRECT" "## PTE vs PMD faults" \
	"## msync cost per page" "## Device-mapper overhead" "## daxwl vs fio" "## Not supported and failed cells"; do
	check "summary has '$s'" grep -qF "$s" "$sum"
done
# A value is "median ± IQR/2", maybe marked "(high variance ±x %)"; a verdict
# follows the significance rule.
val='[0-9.]+ ± [0-9.]+( \(high variance ±[0-9.]+ %\))?'
verdict='(([a-zA-Z-]+ )?((faster|slower) by [0-9.]+ %|[0-9.]+x (faster|slower))|no difference detected at ±[0-9.]+ % / ±[0-9.]+ %|too few repetitions to judge)'
check "summary has a PTE vs PMD row for the write touch, with a verdict" \
	grep -qE "^\| host \| ext4-dax-pmem \| write \| $val \| $val \| [0-9.]+x \| $verdict \|" "$sum"
check "summary states the significance rule" grep -qF "**When a difference is a result.**" "$sum"
check "summary says which clock the figures come from" grep -qF "**Clock: wall.**" "$sum"
check "summary lists the unsupported and failed cells with reasons" \
	bash -c "grep -q '| fault-write-pmd-sync | unsupported | [^|]*MAP_SYNC refused' '$sum' &&
		grep -q '| too-slow | failed | timed out' '$sum'"
check "summary puts daxwl and fio side by side, with a verdict" \
	grep -qE "^\| host \| ext4-dax-pmem \| read/seq/1m \| rw-read-seq-1m \| $val \| fio-psync-read-seq-1m \| $val \| [+-][0-9.]+ % \| $verdict \|\$" "$sum"
png=$scratch/run/charts/daxwl-vs-fio.png
check "the daxwl-vs-fio chart is a PNG and an SVG" \
	bash -c "[ \"\$(head -c 8 '$png' | od -An -tx1 | tr -d ' ')\" = 89504e470d0a1a0a ] &&
		grep -q '<svg' '${png%.png}.svg' && grep -q 'throughput (GB/s)' '${png%.png}.svg'"

# The report comes from raw/ alone: remove everything else and rebuild.
cp "$csv" "$scratch/csv.first"
rm -rf "$scratch/run/charts" "$csv" "$sum" "$scratch/run/plan"* "$scratch/run/progress"
"$top/bench/report" "$scratch/run" >/dev/null 2>&1 || true
check "bench/report rebuilds the same CSV from raw/ alone" cmp -s "$csv" "$scratch/csv.first"

# A broken raw record makes its whole cell unreadable, not a crash and not
# a quietly shorter cell: named in the CSV, the summary and on stderr.
bad=host__ext4-dax-pmem__rw-read-seq-1m__3.json
echo '{"bench": ' >"$scratch/run/raw/$bad"
rc=0
"$top/bench/report" "$scratch/run" >"$scratch/report.out" 2>&1 || rc=$?
check "an unreadable raw record is an unreadable row, naming the file" \
	row_says rw-read-seq-1m 3 unreadable "unreadable raw record $bad" ext4-dax-pmem
check "its cell is unreadable in every row" \
	[ "$(csv_field rw-read-seq-1m 1 cell_status ext4-dax-pmem)" = unreadable ]
check "the summary and stderr name the file; the exit status is 1" \
	bash -c "[ $rc -eq 1 ] && grep -qF 'raw/$bad' '$sum' && grep -qF '$bad' '$scratch/report.out'"
refuses "bench/report refuses a directory without raw/" "not a bench run" "$top/bench/report" "$scratch/bench"
refuses "bench/report refuses a missing run" "is not a directory" "$top/bench/report" "$scratch/nothing"
refuses "bench/report wants exactly one run" "usage: bench/report" "$top/bench/report"

# A new run never overwrites an old one. Both runs start in one second of
# the test's own clock: on a loaded machine two calls of date can fall in
# two seconds, and the case would test nothing.
in_one_second() {
	date() { echo 20261130-120000; }
	new_run_dir "$1"
}
d1=$(in_one_second "$scratch/results") d2=$(in_one_second "$scratch/results")
check "two runs started in the same second get two directories" \
	bash -c "[ -d '$d1' ] && [ -d '$d2' ] && [ '$d1' != '$d2' ] && [ '$d2' = '$d1-2' ]"
finish
