#!/usr/bin/env bash
# Generated crash-test workloads end to end: one workload of seq-1
# (pwrite across the 2 MiB boundary, then fsync) traced on ext4 on the
# patched kernel through `crashtest/run --gen`, judged clean; its manifest
# holds exactly the promises `ctseq show` gives for it on ext4, the
# guaranteed-durable state at its mark was checked, and the guest took its
# namespace from the cached NVDIMM image (and makes it on a blank one);
# with --cpu-code smp the same workload runs in the kernel's SMP code.
# About 60 s here.
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXLAB_BUILD:-$top/build/rel}
workload=seq1-0064
scenario=ext4-$workload

# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir crashtest-gen
finish() {
	tap_finish crashtest-gen
	exit
}

tests=("patched kernel: generated workload $scenario has crash images and no violation"
	"its manifest holds the promises ctseq shows for $workload on ext4"
	"the durable state at the persistence point's mark was judged"
	"the guest took the namespace kept in the cached NVDIMM image, not a new one"
	"on a blank NVDIMM the guest makes the namespace itself and runs the workload"
	"--cpu-code smp keeps the kernel's LOCK prefixes: at least 3x the fences in the same workload")

"$top/scripts/kernel" path patched >/dev/null 2>&1 ||
	tap_skip_rest crashtest-gen "the patched kernel is not built (make kernel)" "${tests[@]}"
for f in crashtest/scenarios/ctseq crashtest/scenarios/ctwl crashtest/oracles/ctoracle \
	crashtest/qemu/libpmtrace.so crashtest/guest/pmmark crashtest/pmsim; do
	[ -e "$build/$f" ] ||
		tap_skip_rest crashtest-gen "$build/$f is not built (make crashtest builds it)" "${tests[@]}"
done

rc=0
t0=$(date +%s)
"$top/crashtest/run" --set quick --gen seq-1 --workload "$workload" --fs ext4 --kernel patched \
	--skip-unit --no-build --out "$work/run" >"$work/run.log" 2>&1 || rc=$?
secs=$(($(date +%s) - t0))
json=$work/run/crash.json
if [ ! -f "$json" ]; then
	for t in "${tests[@]}"; do not_ok "$t" "crashtest/run exited with $rc and wrote no crash.json:" "$(tail -n 20 "$work/run.log")"; done
	finish
fi

r=$(jq -c --arg s "$scenario" '.runs[] | select(.scenario == $s and .kernel == "patched")' "$json")
st=$(jq -r '.status // ""' <<<"$r")
distinct=$(jq -r '.result.distinct_images // 0' <<<"$r")
dur=$(jq -r '.result.durability_violations // -1' <<<"$r")
fsck=$(jq -r '.result.fsck_violations // -1' <<<"$r")
if [ "$rc" = 0 ] && [ "$st" = clean ] && [ "$distinct" -gt 0 ] && [ "$dur" = 0 ] && [ "$fsck" = 0 ]; then
	ok "${tests[0]} ($distinct distinct images, $(jq -r '.result.crash_points' <<<"$r") crash points, ${secs} s)"
else
	not_ok "${tests[0]}" "status $rc, run: $r" "$(tail -n 5 "$work/run/$scenario/patched/judge.log" 2>/dev/null)"
fi

dir=$work/run/$scenario/patched
"$build/crashtest/scenarios/ctseq" --fs ext4 show "$workload" | sed -n 's/^  \(101 .*\)/\1/p' >"$work/want"
grep '^101 ' "$dir/manifest" >"$work/got" 2>/dev/null || true
if [ -s "$work/want" ] && cmp -s "$work/want" "$work/got" && cmp -s "$dir/sequence" <("$build/crashtest/scenarios/ctseq" emit "$workload"); then
	ok "${tests[1]} ($(wc -l <"$work/got") promises)"
else
	not_ok "${tests[1]}" "ctseq shows:" "$(cat "$work/want")" "the manifest has:" "$(cat "$work/got")"
fi

checked=$(jq -r '[.result.passes[]? | select(.what == "durable at marks") | .points_checked] | add // 0' <<<"$r")
if [ "$checked" -gt 0 ] && [ "$(jq -r '.result.promises // 0' <<<"$r")" -gt 0 ]; then
	ok "${tests[2]} ($checked marks)"
else
	not_ok "${tests[2]}" "passes: $(jq -c '.result.passes' <<<"$r")"
fi

# crashtest/run keeps one NVDIMM image per kernel build whose labels hold
# guest-run's namespace; the guest must find it there (4 s under TCG).
img=$(find "$("$top/scripts/kernel" path patched)" -maxdepth 1 -name 'crash-ns-*.img' -print -quit)
if [ -n "$img" ] && grep -qx 'namespace kept' "$dir/guest-times" 2>/dev/null; then
	ok "${tests[3]} ($(basename "$img"))"
else
	not_ok "${tests[3]}" "image: ${img:-none}; guest-times:" "$(cat "$dir/guest-times" 2>/dev/null)"
fi

# Without the image (its boot failed, or another tool's NVDIMM) guest-run
# must still work: it makes the namespace as it always did.
# The guest sees --out (the host's /tmp is not its /tmp): the descriptor
# and the sequence go there.
mkdir -p "$work/blank"
cp "$dir/sequence" "$work/blank/sequence"
sed "s|^seq=.*|seq=$work/blank/sequence|" "$dir/$scenario.scn" >"$work/blank/$scenario.scn"
brc=0
"$top/scripts/vm" --kernel patched --nvdimm 1 --nvdimm-size 80M --timeout 300 --out "$work/blank" \
	-- "$top/crashtest/scenarios/guest-run" "$work/blank/$scenario.scn" "$build" "$work/blank" 262144 \
	>"$work/blank.log" 2>&1 || brc=$?
if [ "$brc" = 0 ] && grep -qx 'namespace made' "$work/blank/guest-times" 2>/dev/null &&
	grep -q '^101 ' "$work/blank/manifest"; then
	ok "${tests[4]}"
else
	not_ok "${tests[4]}" "scripts/vm status $brc; guest-times:" "$(cat "$work/blank/guest-times" 2>/dev/null)" "$(tail -n 5 "$work/blank.log")"
fi

# One vCPU: the kernel patches its LOCK prefixes out (UP code) unless booted
# with noreplace-smp; then each bio's completion takes a locked RMW after
# its pmem writes, which the tracer records as a fence.
src=0
"$top/crashtest/run" --set quick --gen seq-1 --workload "$workload" --fs ext4 --kernel patched \
	--cpu-code smp --skip-unit --no-build --out "$work/smp" >"$work/smp.log" 2>&1 || src=$?
# The tracer counts every fence it saw (tracer.json), also those with no
# pmem event between them that the trace writes once: in UP code that is
# only what cannot be patched (xchg, explicit fences), some tens here.
up_f=$(jq -r '.fences // 0' "$dir/tracer.json" 2>/dev/null || echo 0)
smp_f=$(jq -r '.fences // 0' "$work/smp/$scenario/patched/tracer.json" 2>/dev/null || echo 0)
smp_r=$(jq -c '.runs[0] // {}' "$work/smp/crash.json" 2>/dev/null || echo '{}')
if [ "$src" = 0 ] && [ "$(jq -r .status <<<"$smp_r")" = clean ] && [ "$up_f" -gt 0 ] &&
	[ "$smp_f" -ge $((3 * up_f)) ] &&
	jq -e '.options.cpu_code == "smp"' "$work/smp/crash.json" >/dev/null &&
	grep -q 'one vCPU (SMP kernel code' "$work/smp/report.md"; then
	ok "${tests[5]} ($up_f fences in UP code, $smp_f in SMP code)"
else
	not_ok "${tests[5]}" "status $src, fences UP $up_f, SMP $smp_f" "$(tail -n 5 "$work/smp.log")"
fi
finish
