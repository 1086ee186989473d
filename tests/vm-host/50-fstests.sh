#!/usr/bin/env bash
# The fstests gate, small: three DAX tests on ext2 -o dax, stock against
# patched, two guests at once. ext2 is where the series changes the most:
# generic/437 (PMD and PTE faults racing) reaches patch 1, generic/470
# (MAP_SYNC stores replayed with dm-log-writes) reaches patch 2, and
# generic/462 is a control both kernels pass. The gate must find no
# regression (generic/470's patched output is explained in fstests/known),
# stock generic/470 must fail for want of MAP_SYNC, the patched one must
# find the new file with its data after the replay, and the reach table
# must see each patch's events. Needs an fstests source: FSTESTS, or the
# snapshot in ../shared/fstests/; without one every test is skipped,
# saying so.
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)

# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir fstests
finish() {
	tap_finish fstests
	exit
}

tests=("the gate runs on ext2 for both kernels and finds no regression"
	"stock generic/470 fails because stock ext2 has no MAP_SYNC"
	"patched generic/470 finds the new file and its data after the replay"
	"the reach table sees patch 1 in generic/437 and patch 2 in generic/470"
	"the summary's first line states the verdict")

# scripts/fstests finds the source (FSTESTS, else the snapshot) and says
# with status 3 that there is none.
rc=0
"$top/scripts/fstests" --build-only >"$work/build.log" 2>&1 || rc=$?
if [ "$rc" = 3 ]; then
	tap_skip_rest fstests "$(tail -n 1 "$work/build.log")" "${tests[@]}"
elif [ "$rc" != 0 ]; then
	for t in "${tests[@]}"; do not_ok "$t" "scripts/fstests --build-only exited with $rc:" "$(tail -n 10 "$work/build.log")"; done
	finish
fi
for k in stock patched; do
	if ! "$top/scripts/kernel" path "$k" >/dev/null 2>&1; then
		tap_skip_rest fstests "the $k kernel is not built (make kernel)" "${tests[@]}"
	fi
done

run=$work/run
rc=0
"$top/scripts/fstests" --fs ext2 --tests "generic/437 generic/462 generic/470" \
	--out "$run" >"$work/gate.log" 2>&1 || rc=$?
json=$run/summary.json
if [ ! -f "$json" ]; then
	for t in "${tests[@]}"; do not_ok "$t" "scripts/fstests exited with $rc and wrote no summary.json:" "$(tail -n 20 "$work/gate.log")"; done
	finish
fi

regressions=$(jq -r '.verdict.regressions' "$json")
if [ "$rc" = 0 ] && [ "$regressions" = 0 ]; then
	ok "${tests[0]}"
else
	not_ok "${tests[0]}" "exit $rc, $regressions regressions:" "$(head -n 30 "$run/summary.md")"
fi

bad=$run/runs/stock-ext2/results/generic/470.out.bad
if [ -f "$bad" ] && grep -q 'mmap: Operation not supported' "$bad"; then
	ok "${tests[1]}"
else
	not_ok "${tests[1]}" "$(cat "$bad" 2>/dev/null || echo "no $bad")"
fi

# du of the replayed file: 1 MiB of data and, on ext2, its indirect block
# (1.1M, where fstests expects 1.0M: the explained difference).
bad=$run/runs/patched-ext2/results/generic/470.out.bad
if [ -f "$bad" ] && grep -Eq '^1\.[01]M SCRATCH_MNT/test$' "$bad" && ! grep -q 'cannot access' "$bad"; then
	ok "${tests[2]} ($(grep SCRATCH_MNT "$bad"))"
else
	not_ok "${tests[2]}" "$(cat "$bad" 2>/dev/null || echo "no $bad")"
fi

# reached ID TEST: the patched run counted events of patch ID during TEST.
reached() {
	awk -F'\t' -v t="$2" -v id="$1" '$1 == t && $2 == id && $3 ~ /^[0-9]+$/ && $3 > 0 { f = 1 } END { exit !f }' \
		"$run/runs/patched-ext2/reach.tsv"
}
if reached 1 generic/437 && reached 2 generic/470; then
	ok "${tests[3]}"
else
	not_ok "${tests[3]}" "$(cat "$run/runs/patched-ext2/reach.tsv" 2>/dev/null)"
fi

first=$(head -n 1 "$run/summary.md")
if grep -q '^\*\*fstests gate: 0 regressions\*\*' <<<"$first"; then
	ok "${tests[4]}: $first"
else
	not_ok "${tests[4]}" "$first"
fi
finish
