#!/usr/bin/env bash
# Crash test on xfs, small: xfs needs the kernel to replay its log, so its
# crash images are judged in a guest that mounts each one. That guest meets
# torn logs by design, and xfs reports each with a stack dump on the
# console; every boot fails on an unexpected console report, so the run
# must declare those expected and still judge every image. One scenario
# (write + fsync) on the patched kernel: complete, images judged in the
# guest, no violation, nothing partial, and images that differ from one
# mounted before only in file data take its verdict without a mount
# (crashtest/oracles/src/xfs_reuse.h).
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
scenario=xfs-write-fsync

# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir crashtest-xfs
finish() {
	tap_finish crashtest-xfs
	exit
}

tests=("patched kernel: $scenario is judged completely, in the guest"
	"patched kernel: $scenario has crash images and no violation"
	"patched kernel: images differing only in file data take a mounted one's verdict")

if ! "$top/scripts/kernel" path patched >/dev/null 2>&1; then
	tap_skip_rest crashtest-xfs "the patched kernel is not built (make kernel)" "${tests[@]}"
fi

rc=0
"$top/crashtest/run" --set quick --scenario "$scenario" --kernel patched \
	--mutants none --skip-unit --out "$work/run" >"$work/run.log" 2>&1 || rc=$?
json=$work/run/crash.json
if [ ! -f "$json" ]; then
	for t in "${tests[@]}"; do not_ok "$t" "crashtest/run exited with $rc and wrote no crash.json:" "$(tail -n 20 "$work/run.log")"; done
	finish
fi

r=$(jq -c '.runs[] | select(.kernel == "patched") | .result' "$json")
status=$(jq -r '.runs[] | select(.kernel == "patched") | .status' "$json")
partial=$(jq -r '.partial' "$json")
if [ "$rc" = 0 ] && [ "$status" = clean ] && [ "$partial" = false ]; then
	ok "${tests[0]}"
else
	not_ok "${tests[0]}" "crashtest/run exit $rc, run status $status, partial $partial: $(jq -c '.partial_reasons' "$json")" \
		"$(tail -n 12 "$work/run/$scenario/patched/guest-judge.log" 2>/dev/null)"
fi

distinct=$(jq -r '.distinct_images // 0' <<<"$r")
dur=$(jq -r '.durability_violations // -1' <<<"$r")
fsck=$(jq -r '.fsck_violations // -1' <<<"$r")
if [ "$distinct" -gt 0 ] && [ "$dur" = 0 ] && [ "$fsck" = 0 ]; then
	ok "${tests[1]} ($distinct distinct images)"
else
	not_ok "${tests[1]}" "result: $r"
fi

glog=$work/run/$scenario/patched/guest-judge.log
took=$(sed -n 's/^\([0-9]*\) images took their representative.s verdict, \([0-9]*\) to judge.*/\1 \2/p' "$glog" 2>/dev/null || true)
if [ -n "$took" ] && [ "${took%% *}" -gt 0 ]; then
	ok "${tests[2]} (${took%% *} of them, ${took#* } mounted after all)"
else
	not_ok "${tests[2]}" "guest-judge.log: $(tail -n 5 "$glog" 2>/dev/null)"
fi
finish
