#!/usr/bin/env bash
# ext2's promises follow the kernel: one generated workload (creat A; fsync
# A) on ext2 -o dax on three kernels in one crashtest/run. Stock ext2
# writes the inode only, so the run promises nothing and is judged by fsck;
# on the patched kernel ext2 offers MAP_SYNC, ctwl finds that out, and the
# run promises the new name as Documentation/filesystems/ext2.rst states
# with it (the promises ctseq shows "with MAP_SYNC"), kept in every crash
# state; the mutant whose ext2_sync_parent() writes nothing (built here if
# needed) loses the name, and this generated workload alone catches it.
# About 90 s here.
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXLAB_BUILD:-$top/build/rel}
workload=seq1-0001
scenario=ext2-$workload
mutant="mutant-no-ext2-dir-sync"

# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir crashtest-gen-ext2
finish() {
	tap_finish crashtest-gen-ext2
	exit
}

tests=("stock kernel: $scenario promises nothing (ext2 fsync writes the inode only) and loses nothing"
	"patched kernel: its manifest holds the promises ctseq shows for ext2 with MAP_SYNC"
	"patched kernel: the new name is kept in every crash state judged"
	"$mutant: the generated workload alone shows the name lost")

"$top/scripts/kernel" path patched >/dev/null 2>&1 ||
	tap_skip_rest crashtest-gen-ext2 "the patched kernel is not built (make kernel)" "${tests[@]}"

rc=0
"$top/crashtest/run" --set quick --gen seq-1 --workload "$workload" --fs ext2 \
	--kernel stock --kernel patched --kernel "$mutant" --skip-unit --out "$work/run" \
	>"$work/run.log" 2>&1 || rc=$?
json=$work/run/crash.json
if [ ! -f "$json" ]; then
	for t in "${tests[@]}"; do not_ok "$t" "crashtest/run exited with $rc and wrote no crash.json:" "$(tail -n 20 "$work/run.log")"; done
	finish
fi
run_of() { jq -c --arg s "$scenario" --arg k "$1" '.runs[] | select(.scenario == $s and .kernel == $k)' "$json"; }
# Judged without a lost promise: clean, or only the checker rejections
# ext2 is expected to need a manual fsck for (a torn inode-table or
# directory write falls into the sampled states on some boots, not all).
sound() {
	jq -e '(.status == "clean" or .status == "violations") and
		.result.durability_violations == 0 and .result.flush_contract_violations == 0 and
		all(.signatures[]?; .kind == "fsck" and .fsck_expected == true)' <<<"$1" >/dev/null
}
promised() { grep '^101 ' "$work/run/$scenario/$1/manifest" 2>/dev/null || true; }

s=$(run_of stock)
if sound "$s" && [ -f "$work/run/$scenario/stock/manifest" ] &&
	[ -z "$(promised stock)" ]; then
	ok "${tests[0]} ($(jq -r '.result.distinct_images // 0' <<<"$s") distinct images)"
else
	not_ok "${tests[0]}" "run: $s" "promises:" "$(promised stock)"
fi

"$build/crashtest/scenarios/ctseq" --fs ext2 show "$workload" |
	sed -n '/^on ext2 with MAP_SYNC:/,/^on /s/^  \(101 .*\)/\1/p' >"$work/want"
promised patched >"$work/got"
if grep -qx '101 name A' "$work/want" && cmp -s "$work/want" "$work/got"; then
	ok "${tests[1]} ($(wc -l <"$work/got") promises)"
else
	not_ok "${tests[1]}" "ctseq shows:" "$(cat "$work/want")" "the manifest has:" "$(cat "$work/got")"
fi

p=$(run_of patched)
checked=$(jq -r '[.result.passes[]? | select(.what == "durable at marks") | .points_checked] | add // 0' <<<"$p")
if sound "$p" && [ "$checked" -gt 0 ]; then
	ok "${tests[2]} ($(jq -r '.result.distinct_images' <<<"$p") distinct images, $checked marks)"
else
	not_ok "${tests[2]}" "run: $p" "$(tail -n 5 "$work/run/$scenario/patched/judge.log" 2>/dev/null)"
fi

# crashtest/run leaves the mutant out on a base its not-for file names
# (6.12's ext2 writes every directory change at once: nothing to take
# away), and the report says why.
left_out=$(jq -r --arg m "${mutant#mutant-}" '.mutants_left_out[]? | select(.mutant == $m) | .why' "$json")
m=$(run_of "$mutant")
dur=$(jq -r '.result.durability_violations // 0' <<<"$m")
if [ -n "$left_out" ] && [ -z "$m" ] && grep -q "^- ${mutant#mutant-}: not for Linux" "$work/run/report.md"; then
	skip "${tests[3]}" "the mutant is left out: $left_out"
elif [ "$dur" -gt 0 ] && grep -q 'A' "$work/run/$scenario/$mutant/violations/001.txt" 2>/dev/null; then
	ok "${tests[3]} ($dur durability violations; crashtest/run exit $rc)"
else
	not_ok "${tests[3]}" "run: $m" "$(tail -n 5 "$work/run/$scenario/$mutant/judge.log" 2>/dev/null)"
fi
finish
