#!/usr/bin/env bash
# The bench's deterministic mode end to end: a small matrix on the stock
# kernel, run twice (two boots) with CLOCK=icount. Under QEMU -icount the
# guest clock counts instructions, so the repetitions inside a cell and
# the same cell in the two runs must agree within 0.5 %, and so must the
# pmcount plugin's per-operation counts. Also: every figure is labelled as
# instruction-time (env.json, raw records, summary, CSV), and a forced
# wall clock is labelled as such.
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir icount

tol=0.005	# 0.5 %: the bar for "deterministic"
# jqe ARGS...: jq -e without its output, for check.
jqe() { jq -e "$@" >/dev/null; }

cat >"$work/matrix" <<'MATRIX'
set reps 3
set warmup 1
set size 16M
set runtime 50ms
set nvdimm 1
set nvdimm_size 1G
set mem 1G
set timeout 600
group -    -   ram  membw
group ext4 dax pmem fault-write rw-read
MATRIX

# bench_run NAME CLOCK: one bench run into $work/NAME; prints its directory.
bench_run() {
	local rc=0
	"$top/bench/run" --matrix "$work/matrix" --kernels stock --results "$work/$1" \
		--clock "$2" >"$work/$1.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "# bench/run ($1, $2) exited with $rc:"
		tail -n 15 "$work/$1.log" | sed 's/^/#   /'
	fi
	readlink -f "$work/$1/latest" 2>/dev/null || true
}

a=$(bench_run a icount)
b=$(bench_run b icount)
if [ -z "$a" ] || [ -z "$b" ] || [ ! -d "$a/raw" ] || [ ! -d "$b/raw" ]; then
	not_ok "two icount bench runs of the small matrix"
	tap_finish bench-icount
	exit 1
fi
ok "two icount bench runs of the small matrix"

check "env.json: clock icount, shift 0, the pmcount plugin, the series hash" \
	jqe '.clock.mode == "icount" and .clock.icount_shift == 0 and .plugin.name == "pmcount"
		and (.series_sha256 | test("^[0-9a-f]{64}$"))' "$a/env.json"
check "every raw record says clock icount" \
	jqe -s 'length > 0 and all(.[]; .bench.clock == "icount")' "$a"/raw/*.json

# spread DIR: per measured cell "cell max-min/median" of its throughput.
spread() {
	jq -rs '[.[] | select(.bench.warmup == false and .bench.status == "ok"
			and .bench.group != "ram")
		| {c: .bench.cell, g: (.output.results.gbps // (.output.jobs[0].read.bw_bytes)) }]
		| group_by(.c)[] | (map(.g) | sort) as $v
		| "\(.[0].c) \(($v[-1] - $v[0]) / $v[($v | length) / 2 | floor])"' "$1"/raw/*.json
}
worst=$(spread "$a" | sort -k2 -g | tail -n1 || true)
check "repetitions inside each cell agree within 0.5 % (worst: ${worst:-none})" \
	awk -v t="$tol" -v w="${worst:-x 1}" 'BEGIN { split(w, f, " "); exit !(f[2] <= t) }'

# medians DIR: "cell median" of the measured repetitions.
medians() {
	jq -rs '[.[] | select(.bench.warmup == false and .bench.status == "ok" and .bench.group != "ram")
		| {c: .bench.cell, g: .output.results.gbps}] | group_by(.c)[]
		| (map(.g) | sort) as $v | "\(.[0].c) \($v[($v | length) / 2 | floor])"' "$1"/raw/*.json
}
medians "$a" | sort >"$work/ma" || true
medians "$b" | sort >"$work/mb" || true
worst=$(join "$work/ma" "$work/mb" | awk '{ d = ($2 - $3) / $2; if (d < 0) d = -d; print $1, d }' |
	sort -k2 -g | tail -n1 || true)
check "each cell's median agrees between the two runs within 0.5 % (worst: ${worst:-none})" \
	awk -v t="$tol" -v w="${worst:-x 1}" 'BEGIN { split(w, f, " "); exit !(f[2] <= t) }'
check "the two runs measured the same cells" \
	[ "$(wc -l <"$work/ma")" -gt 0 ] && [ "$(cut -d' ' -f1 "$work/ma")" = "$(cut -d' ' -f1 "$work/mb")" ]

# The plugin's counts: one window per measured repetition of each daxwl cell.
c=$a/counts-stock.jsonl
check "counts-stock.jsonl has the measured windows (3 per cell)" \
	jqe -s '[.[] | select(.label | startswith("ext4-dax-pmem__") and endswith("__m"))] | group_by(.label)
		| length == 4 and all(.[]; length == 3 and all(.[]; .ops > 0))' "$c"
# perop FILE: "label insns-per-op" of each measured window, all of them.
perop() {
	jq -r 'select(.label | endswith("__m"))
		| "\(.label) \(.insns / .ops)"' "$1"
}
worst=$(perop "$c" | awk '{ v[$1] = v[$1] " " $2 }
	END { for (l in v) { n = split(v[l], x, " "); lo = hi = x[1]
		for (i = 2; i <= n; i++) { if (x[i] < lo) lo = x[i]; if (x[i] > hi) hi = x[i] }
		print l, (hi - lo) / lo } }' | sort -k2 -g | tail -n1 || true)
check "instructions per operation agree between repetitions within 0.5 % (worst: ${worst:-none})" \
	awk -v t="$tol" -v w="${worst:-x 1}" 'BEGIN { split(w, f, " "); exit !(f[2] <= t) }'
paste -d' ' <(perop "$c" || true) <(perop "$b/counts-stock.jsonl" || true) >"$work/pp"
worst=$(awk '$1 == $3 { d = ($2 - $4) / $2; if (d < 0) d = -d; print $1, d; n++ }
	END { if (!n) print "none 1" }' "$work/pp" | sort -k2 -g | tail -n1 || true)
check "instructions per operation agree between the two runs within 0.5 % (worst: $worst)" \
	awk -v t="$tol" -v w="$worst" 'BEGIN { split(w, f, " "); exit !(f[2] <= t) }'
check "a PMD-capable write fault window names dax_iomap_pmd_fault or its fallback path" \
	jqe -s '[.[] | select(.label == "ext4-dax-pmem__fault-write-pmd__m") | .functions | keys[]]
		| any(test("dax_iomap_pmd_fault|dax_iomap_pte_fault"))' "$c"

labels_icount() { grep -q "instruction" "$1" && ! grep -q "GB/s" "$1"; }
# csv_clock CSV CLOCK: the CSV has a clock column and it says CLOCK on every row.
csv_clock() {
	awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "clock") c = i; next }
		!c || $c != want { bad = 1 } END { exit bad || !c }' "$1"
}
check "the summary labels figures as instruction-time and never as GB/s" labels_icount "$a/summary.md"
check "the CSV says clock icount on every row" csv_clock "$a/results.csv" icount

w=$(bench_run w wall)
if [ -n "$w" ] && [ -f "$w/env.json" ]; then
	check "CLOCK=wall under TCG: env.json and every record say wall, no counts" \
		jqe '.clock.mode == "wall" and .plugin == null' "$w/env.json"
	check "CLOCK=wall: every raw record says clock wall" \
		jqe -s 'all(.[]; .bench.clock == "wall")' "$w"/raw/*.json
	check "CLOCK=wall: no counts file, the summary speaks of GB/s" \
		test ! -e "$w/counts-stock.jsonl" -a -n "$(grep -l "GB/s" "$w/summary.md")"
	check "CLOCK=wall: the CSV says clock wall" csv_clock "$w/results.csv" wall
else
	not_ok "CLOCK=wall under TCG: env.json, records and summary say wall-clock" "the wall run failed"
fi
tap_finish bench-icount
