#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/vm's console check on real boots of the patched kernel: a clean
# boot passes; a report on the console (a WARNING written to /dev/kmsg by
# the guest command, which otherwise succeeds) fails the run with status
# 1 and names the report's first line; the same report declared with
# --expect-report passes. Three boots, about 5 s each under TCG.
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir console

tests=("a clean boot passes the console check"
	"an unexpected WARNING fails a run whose command succeeded"
	"--expect-report lets the declared WARNING pass")
if ! "$top/scripts/kernel" path patched >/dev/null 2>&1; then
	tap_skip_rest console-check "the patched kernel is not built (make kernel)" "${tests[@]}"
fi

warning='WARNING: CPU: 0 PID: 1 at daxlab/console-check:1 injected+0x0/0x0'
inject=(sh -c "echo '<4>$warning' >/dev/kmsg")

# boot STATUS DESC VM-ARG... -- CMD...: scripts/vm exits STATUS.
boot() {
	local want=$1 desc=$2 rc=0
	shift 2
	"$top/scripts/vm" --kernel patched --console-report "$work/report" "$@" >"$work/out" 2>&1 || rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc" "expected status $want, got $rc:" "$(cat "$work/out")"
	fi
}

boot 0 "${tests[0]}" -- true
check "a clean boot writes an empty console report" test -f "$work/report" -a ! -s "$work/report"
boot 1 "${tests[1]}" -- "${inject[@]}"
check "the report names the WARNING" grep -qF "  $warning" "$work/report"
check "scripts/vm names it on stderr" grep -qF "  $warning" "$work/out"
boot 0 "${tests[2]}" --expect-report 'daxlab/console-check' -v -- "${inject[@]}"
check "the expected report is counted" grep -q '1 expected console report' "$work/out"
tap_finish console-check
