#!/usr/bin/env bash
# Several crash-test runs traced in one boot (crashtest/run --batch,
# guest-run --batch, the tracer's windows=), on the patched kernel with
# the cached NVDIMM image, where a second program run in one boot reuses
# the first one's translations (crashtest/qemu/README.md): every window
# of the boot starts, and each run's trace holds the same pmem writes and
# flushes as in a boot of its own, with the same verdict. (Its fences, and
# so its crash points, can differ as they do between any two boots: where
# the kernel's timing puts a fence of another path, or a background write's
# sfence, between the workload's writes.) A boot that
# fails part-way (here a descriptor naming a file system guest-run does
# not know) has its runs traced again one boot each: the good ones judged,
# the bad one failed with its own reason. On xfs, whose images a guest
# mounts, a batch's images are judged in one guest too. About 5 minutes
# here.
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXLAB_BUILD:-$top/build/rel}
# Two workloads whose traces do not depend on the boot's timing: creat
# then fsync, and a 2 MiB-crossing pwrite then fsync.
w1=seq1-0001 w2=seq1-0064

# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir crashtest-batch
finish() {
	tap_finish crashtest-batch
	exit
}

tests=("a boot that fails part-way: each of its runs traced again in a boot of its own"
	"... the run that broke the boot failed with its own reason, the others judged clean"
	"--batch 2: both runs traced in one boot, each window started and whole"
	"... each run's pmem writes, flushes and verdict are those of its own boot"
	"... the report says how the runs were traced; each run has its share of the boot's time"
	"xfs, --batch 2: both runs traced in one boot and their images judged in one more, clean")

"$top/scripts/kernel" path patched >/dev/null 2>&1 ||
	tap_skip_rest crashtest-batch "the patched kernel is not built (make kernel)" "${tests[@]}"
for f in crashtest/scenarios/ctseq crashtest/scenarios/ctwl crashtest/oracles/ctoracle \
	crashtest/qemu/libpmtrace.so crashtest/guest/pmmark crashtest/pmsim; do
	[ -e "$build/$f" ] ||
		tap_skip_rest crashtest-batch "$build/$f is not built (make crashtest builds it)" "${tests[@]}"
done

# One job of a sharded run, as GNU parallel hands it: three descriptors,
# the middle one naming a file system guest-run refuses after the first
# has run.
scn=$work/one/scn
mkdir -p "$scn"
for w in "$w1" "$w2"; do
	"$build/crashtest/scenarios/ctseq" emit "$w" >"$scn/ext4-$w.seq"
	printf 'fs=ext4\ndevice=pmem\nworkload=seq\nseq=ext4-%s.seq\nkernels="stock patched"\n' "$w" >"$scn/ext4-$w.scn"
done
printf 'fs=nofs\ndevice=pmem\nworkload=seq\nseq=ext4-%s.seq\nkernels="stock patched"\n' "$w1" >"$scn/nofs-$w1.scn"
orc=0
(cd "$work/one" && "$top/crashtest/run" --one "scn/ext4-$w1.scn,scn/nofs-$w1.scn,scn/ext4-$w2.scn" \
	--kernel patched --one-role kernel --one-index 1/3 --out . --set quick --no-build --skip-unit \
	--known-findings none --keep-traces) >"$work/one.log" 2>&1 || orc=$?
row() { cut -f4 "$work/$1/row.tsv" 2>/dev/null || echo none; }
# A run traced again in a boot of its own has no note of a batch.
singles=0
for s in "ext4-$w1" "nofs-$w1" "ext4-$w2"; do
	[ -e "$work/one/$s/patched/batch" ] || [ ! -f "$work/one/$s/patched/row.tsv" ] || singles=$((singles + 1))
done
if [ "$orc" = 0 ] && [ "$singles" = 3 ] && grep -q 'failed (scripts/vm status 2; .*one boot per run' "$work/one.log"; then
	ok "${tests[0]}"
else
	not_ok "${tests[0]}" "status $orc, $singles of 3 in boots of their own" "$(tail -n 8 "$work/one.log")"
fi
if [ "$(row "one/nofs-$w1/patched")" = error ] && grep -q "unknown file system 'nofs'" "$work/one/nofs-$w1/patched/vm.log" &&
	[ "$(row "one/ext4-$w1/patched")" = clean ] && [ "$(row "one/ext4-$w2/patched")" = clean ]; then
	ok "${tests[1]}"
else
	not_ok "${tests[1]}" "rows: $(row "one/ext4-$w1/patched") $(row "one/nofs-$w1/patched") $(row "one/ext4-$w2/patched")" \
		"$(cat "$work/one/nofs-$w1/patched/partial.tsv" 2>/dev/null)"
fi

rc=0
"$top/crashtest/run" --set quick --gen seq-1 --workload "$w1,$w2" --fs ext4 --kernel patched \
	--batch 2 --keep-traces --skip-unit --no-build --out "$work/batch" >"$work/batch.log" 2>&1 || rc=$?
json=$work/batch/crash.json
boots=$(find "$work/batch/batch" -name vm.log 2>/dev/null | wc -l)
whole=0
for w in "$w1" "$w2"; do
	d=$work/batch/ext4-$w/patched
	jq -e '.started and .partial == false and .ntstores_pmem + .stores_pmem > 0' "$d/tracer.json" >/dev/null 2>&1 &&
		grep -qx 'runs 2' "$d/batch" && grep -qx 0 "$d/guest-status" && whole=$((whole + 1))
done
if [ "$rc" = 0 ] && [ "$boots" = 1 ] && [ "$whole" = 2 ] && ! grep -q 'start failed\|start ignored' "$work/batch/batch/"*/vm.log; then
	ok "${tests[2]}"
else
	not_ok "${tests[2]}" "status $rc, $boots boots, $whole of 2 windows whole" "$(tail -n 8 "$work/batch.log")" \
		"$(grep -h 'start\|partial' "$work/batch/batch/"*/vm.log 2>/dev/null | head -n 5)"
fi

# What a run's trace holds that does not depend on the boot's timing: its
# pmem writes and flushes, and the run's verdict.
figures() {
	local st
	st=$(cut -f4 "$(dirname "$1")/row.tsv" 2>/dev/null || echo none)
	"$build/crashtest/pmsim" stats "$1" 2>/dev/null | awk -v st="$st" '
		/^  (store|ntstore|flush) / || /^(bytes stored|lines touched|flushes) / { printf "%s; ", $0 }
		END { printf "verdict %s", st }' | tr -s ' '
}
same=0 diffs=''
for w in "$w1" "$w2"; do
	a=$(figures "$work/one/ext4-$w/patched/trace") b=$(figures "$work/batch/ext4-$w/patched/trace")
	if [ "$a" = "$b" ] && [[ $a == *ntstore* ]]; then same=$((same + 1)); else diffs+=" ext4-$w: own boot: $a; batch: $b."; fi
done
if [ "$same" = 2 ]; then
	ok "${tests[3]}"
else
	not_ok "${tests[3]}" "$diffs"
fi

sum=$(awk '{ s += $1 } END { print s + 0 }' "$work/batch/ext4-$w1/patched/vm-seconds" "$work/batch/ext4-$w2/patched/vm-seconds")
if jq -e '.batch == "2"' "$json" >/dev/null 2>&1 && grep -q 'Up to 2 runs of one kernel traced per guest boot' "$work/batch/report.md" &&
	cmp -s "$work/batch/ext4-$w1/patched/vm-seconds" "$work/batch/ext4-$w2/patched/vm-seconds" &&
	awk -v s="$sum" 'BEGIN { exit !(s > 0) }'; then
	ok "${tests[4]} ($sum s of guest for both)"
else
	not_ok "${tests[4]}" "batch: $(jq -c .batch "$json" 2>/dev/null); vm-seconds $sum"
fi

# xfs: two workloads of seq-1 (creat then fsync; creat then fdatasync).
xrc=0
"$top/crashtest/run" --set quick --gen seq-1 --workload seq1-0001,seq1-0002 --fs xfs --kernel patched \
	--batch 2 --skip-unit --no-build --out "$work/xfs" >"$work/xfs.log" 2>&1 || xrc=$?
tboots=$(find "$work/xfs/batch" -path '*/patched-*/vm.log' 2>/dev/null | wc -l)
jboots=$(find "$work/xfs/batch" -path '*/judge-patched-*/vm.log' 2>/dev/null | wc -l)
judged=0
for w in seq1-0001 seq1-0002; do
	d=$work/xfs/xfs-$w/patched
	# Verdicts from the batch's guest (no guest of its own), and taken.
	grep -qx 0 "$d/export/guest-status" 2>/dev/null && [ -s "$d/export/verdicts" ] && [ ! -e "$d/guest-judge.log" ] &&
		[ "$(cut -f4 "$d/row.tsv" 2>/dev/null)" = clean ] &&
		jq -e '.judged_with_tools > 0 and .judge_errors == 0' "$d/result.json" >/dev/null 2>&1 && judged=$((judged + 1))
done
if [ "$xrc" = 0 ] && [ "$tboots" = 1 ] && [ "$jboots" = 1 ] && [ "$judged" = 2 ]; then
	ok "${tests[5]}"
else
	not_ok "${tests[5]}" "status $xrc, $tboots tracing and $jboots judging boots, $judged of 2 judged there" "$(tail -n 6 "$work/xfs.log")"
fi
finish
