#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The suite's own helpers (lib.sh): cases that must pass, and a child
# instance of the library whose cases must fail (wrong status, wrong
# message, a hang, a path that should not be there, a signal the command
# ignores, a script that dies mid-way), each reported as "not ok" with
# what was expected and what happened.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init lib
bi_class selftest

# What must pass.
bi_run 0 '^hello$' -- echo hello
bi_run 3 'to stderr' -- sh -c 'echo to stderr >&2; exit 3'
bi_check "BI_OUT holds the output of the last case" grep -qx 'to stderr' "$BI_OUT"
bi_check "BI_STATUS holds its status" test "$BI_STATUS" = 3
mkdir "$BI_TMP/d"
bi_run 0 "^$BI_TMP/d\$" --cwd "$BI_TMP/d" -- pwd
bi_run 0 '^in: abc$' --desc "stdin is the caller's" -- sed 's/^/in: /' <<<abc
# shellcheck disable=SC2317 # called through bi_run
say() { echo "function $1"; return 4; }
bi_run 4 '^function x$' -- say x
bi_run 1 '' --desc "an empty ERE matches empty output" -- false
: >"$BI_TMP/there"
bi_present "a file that exists" "$BI_TMP/there" "$BI_TMP/d"
bi_absent "a file that does not" "$BI_TMP/not-there" "$BI_TMP"/*.none
bi_signal TERM 0.2 143 '' -- sleep 30
# shellcheck disable=SC2016 # expanded by the command's shell
bi_signal INT "file:$BI_TMP/ready" 130 '^cleaned$' --timeout 10 -- \
	bash -c 'trap "echo cleaned; exit 130" INT; : >"$1"; while :; do sleep 0.1; done' sh "$BI_TMP/ready"
bi_signal TERM 0.2 7 '^term$' --pid -- bash -c 'trap "echo term; exit 7" TERM; sleep 30 & wait'
small=''
if bi_small_fs 1 small; then
	bi_run 1 'No space left' -- dd if=/dev/zero of="$small/f" bs=64k count=64
	bi_check "the small file system is 1 MiB" test "$(stat -c %s "$small/f")" -le $((1024 * 1024))
fi

# What must fail, in a child instance of the library.
child=$BI_TMP/child.sh
cat >"$child" <<EOF
set -euo pipefail
source "$TOP/tests/badinput/lib.sh"
bi_init child
bi_run 2 'usage' -- sh -c 'echo "usage: x"; exit 0'
bi_run 0 'expected text' -- echo other text
bi_run 0 '' --timeout 1 -- sleep 30
bi_absent "stays absent" "\$BI_TMP"
bi_present "is present" "\$BI_TMP/nothing"
bi_check "a failing check" false
bi_signal TERM 0.2 143 '' --timeout 2 -- sh -c 'trap "" TERM; sleep 30'
bi_signal TERM "file:\$BI_TMP/never" 143 '' --timeout 1 -- sleep 30
bi_run 0 '' -- true
echo "tmp=\$BI_TMP"
false
bi_done
EOF
start=${EPOCHREALTIME%.*}
bi_run 1 'child: 1 passed, 9 failed, 0 skipped' --timeout 40 --desc "the child's failures" -- bash "$child"
took=$((${EPOCHREALTIME%.*} - start))
out=$(cat "$BI_OUT")
expect() {
	local desc=$1 ere=$2
	bi_check "child: $desc" grep -qE -e "$ere" <<<"$out"
}
expect "wrong status" '^not ok 1 - .*=> 2 /usage/'
expect "wrong status, explained" '^#   expected status 2, got 0$'
expect "the output is shown" '^#     usage: x$'
expect "wrong message" '^not ok 2 - echo other text'
expect "wrong message, explained" '^#   expected output matching /expected text/$'
expect "a hang is killed" '^not ok 3 - sleep 30 => 0'
expect "a hang, explained" '^#   did not end within 1 s: killed \(status 143\)$'
expect "a path that exists" '^not ok 4 - stays absent'
expect "a path that is missing" '^not ok 5 - is present'
expect "a failing check" '^not ok 6 - a failing check'
expect "an ignored signal ends in SIGKILL" '^#   did not end within 2 s: killed \(status 137\)$'
expect "a file that never appears" '^#   .*/never never appeared$'
expect "a true command passes" '^ok 9 - true => 0'
expect "a script that stops mid-way" '^not ok 10 - child: the script stopped before bi_done, status 1, at line 14: false$'
expect "its TAP stays whole" '^1\.\.10$'
# shellcheck disable=SC2016 # expanded by the command's shell
bi_check "the child's counts pass through tapcount" bash -c \
	'"$1" <<<"$2"; [ $? = 1 ] && "$1" <<<"$2" | grep -qx "1 passed, 9 failed, 0 skipped"' \
	sh "$TOP/tests/lib/tapcount" "$out"
ctmp=$(sed -n 's/^tmp=//p' <<<"$out")
bi_check "the child printed its scratch directory" test -n "$ctmp"
bi_absent "the child's scratch directory is gone" "$(dirname "${ctmp:-/nonexistent/x}")"
bi_check "the hangs took their time limits, not longer ($took s)" test "$took" -lt 20
bi_done
