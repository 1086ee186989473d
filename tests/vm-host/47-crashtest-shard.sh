#!/usr/bin/env bash
# Crash-test runs sharded with GNU parallel: two generated workloads of
# seq-1 on ext4, patched kernel, traced and judged
#  - over two job slots on this host (--jobs 2): both runs clean, merged
#    in the plan's order, parallel's job log with two jobs;
#  - resumed (--resume): nothing is run again, the report is the same;
#  - over two ssh logins (--sshloginfile) to an sshd of the test's own on
#    127.0.0.1 (tests/lib/local-sshd.sh): each login traces and judges its
#    run in its own work directory, parallel returns the run's directory,
#    the work directory is removed, and the report reads as the first;
#  - over the same logins with --batch 2: one job, both runs traced in one
#    boot on one login, returned in the job's directory and merged here.
# About 90 s here. Prints TAP and a closing "N passed, N failed, N
# skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXLAB_BUILD:-$top/build/rel}
# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=../lib/local-sshd.sh
. "$top/tests/lib/local-sshd.sh"
work=$(mktemp -d /tmp/daxlab-crashtest-shard.XXXXXX)
export DAXLAB_SHARD_DIR=$work/remote
# shellcheck disable=SC2317 # called through the trap
cleanup() {
	local_sshd_stop "$work/sshd"
	rm -rf "$work"
}
trap cleanup EXIT
finish() {
	tap_finish crashtest-shard
	exit
}

tests=("two job slots: both runs clean, merged in the plan's order"
	"... parallel ran the two jobs at once"
	"resumed: nothing run again, the same verdicts"
	"two ssh logins: each traced and judged one run, returned here"
	"... the hosts' work directory is gone"
	"... the report's verdicts are those of the local run"
	"--batch 2 over ssh: one job traced both runs in one boot, merged here as the others")
"$top/scripts/kernel" path patched >/dev/null 2>&1 ||
	tap_skip_rest crashtest-shard "the patched kernel is not built (make kernel)" "${tests[@]}"
for f in crashtest/scenarios/ctseq crashtest/scenarios/ctwl crashtest/oracles/ctoracle \
	crashtest/qemu/libpmtrace.so crashtest/guest/pmmark crashtest/pmsim; do
	[ -e "$build/$f" ] ||
		tap_skip_rest crashtest-shard "$build/$f is not built (make crashtest builds it)" "${tests[@]}"
done

args=(--set quick --gen seq-1 --workload seq1-0001 --workload seq1-0064 --fs ext4
	--kernel patched --skip-unit --no-build)
# verdicts RUN: "scenario kernel status" lines of its crash.json
verdicts() { jq -r '.runs[] | "\(.scenario) \(.kernel) \(.status)"' "$1/crash.json" 2>/dev/null; }
want=$'ext4-seq1-0001 patched clean\next4-seq1-0064 patched clean'

rc=0
t0=$(date +%s)
"$top/crashtest/run" "${args[@]}" --jobs 2 --out "$work/par" >"$work/par.log" 2>&1 || rc=$?
secs=$(($(date +%s) - t0))
if [ "$rc" = 0 ] && [ "$(verdicts "$work/par")" = "$want" ]; then
	ok "${tests[0]} (${secs} s)"
else
	not_ok "${tests[0]}" "exit $rc, runs: $(verdicts "$work/par" | tr '\n' ';')" "$(tail -n 8 "$work/par.log")"
fi
# Both jobs started before either ended.
if awk -F'\t' 'NR > 1 { s[NR] = $3; e[NR] = $3 + $4 } END { exit !(NR == 3 && s[3] < e[2] && s[2] < e[3]) }' \
	"$work/par/parallel.joblog" 2>/dev/null; then
	ok "${tests[1]}"
else
	not_ok "${tests[1]}" "$(cat "$work/par/parallel.joblog" 2>/dev/null)"
fi

cp "$work/par/crash.json" "$work/par-crash.json"
rc=0
"$top/crashtest/run" "${args[@]}" --jobs 2 --out "$work/par" --resume >"$work/resume.log" 2>&1 || rc=$?
if [ "$rc" = 0 ] && grep -q 'resuming: 0 of 2 runs to do' "$work/resume.log" &&
	[ "$(jq -c '[.runs[] | [.scenario, .kernel, .status, .result.distinct_images]]' "$work/par/crash.json")" = \
		"$(jq -c '[.runs[] | [.scenario, .kernel, .status, .result.distinct_images]]' "$work/par-crash.json")" ]; then
	ok "${tests[2]}"
else
	not_ok "${tests[2]}" "exit $rc" "$(tail -n 5 "$work/resume.log")"
fi

if ! local_sshd_start "$work/sshd" 2 >"$work/sshd.out" 2>&1; then
	for t in "${tests[@]:3}"; do not_ok "$t" "the test's sshd did not start:" "$(cat "$work/sshd.out" "$work/sshd/sshd.log" 2>/dev/null)"; done
	finish
fi
rc=0
t0=$(date +%s)
"$top/crashtest/run" "${args[@]}" --sshloginfile "$work/sshd/logins" --out "$work/ssh" >"$work/ssh.log" 2>&1 || rc=$?
secs=$(($(date +%s) - t0))
hosts=$(tail -n +2 "$work/ssh/parallel.joblog" 2>/dev/null | cut -f2 | sort | paste -sd' ')
if [ "$rc" = 0 ] && [ "$hosts" = "shard-1 shard-2" ] && [ -s "$work/ssh/ext4-seq1-0001/patched/result.json" ] &&
	[ -s "$work/ssh/ext4-seq1-0064/patched/result.json" ]; then
	ok "${tests[3]} (${secs} s)"
else
	not_ok "${tests[3]}" "exit $rc, hosts '$hosts'" "$(tail -n 8 "$work/ssh.log")"
fi
if [ -z "$(ls -A "$work/remote" 2>/dev/null)" ]; then
	ok "${tests[4]}"
else
	not_ok "${tests[4]}" "left: $(find "$work/remote" | head -n 5 | tr '\n' ' ')"
fi
if [ "$(verdicts "$work/ssh")" = "$want" ] && grep -q '^Sharded with GNU parallel over 2 ssh login(s): shard-1 (1 slot), shard-2 (1 slot)\.$' "$work/ssh/report.md"; then
	ok "${tests[5]}"
else
	not_ok "${tests[5]}" "runs: $(verdicts "$work/ssh" | tr '\n' ';')" "$(sed -n 1,8p "$work/ssh/report.md" 2>/dev/null)"
fi

rc=0
"$top/crashtest/run" "${args[@]}" --batch 2 --sshloginfile "$work/sshd/logins" --out "$work/sshb" >"$work/sshb.log" 2>&1 || rc=$?
jobs=$(tail -n +2 "$work/sshb/parallel.joblog" 2>/dev/null | wc -l)
boots=$(find "$work/sshb/batch" -name vm.log 2>/dev/null | wc -l)
if [ "$rc" = 0 ] && [ "$jobs" = 1 ] && [ "$boots" = 1 ] && [ "$(verdicts "$work/sshb")" = "$want" ] &&
	grep -qx 'runs 2' "$work/sshb/ext4-seq1-0064/patched/batch" && [ ! -e "$work/sshb/b0001" ] &&
	[ -z "$(ls -A "$work/remote" 2>/dev/null)" ]; then
	ok "${tests[6]}"
else
	not_ok "${tests[6]}" "exit $rc, $jobs jobs, $boots boots, runs: $(verdicts "$work/sshb" | tr '\n' ';')" "$(tail -n 8 "$work/sshb.log")"
fi
finish
