# shellcheck shell=bash
# TAP helpers for the host-side test scripts (sourced): ok, not_ok, skip,
# check, and tap_finish LABEL, which prints the plan and the closing
# "LABEL: N passed, N failed, N skipped" line and fails when a test did.

tap_n=0 tap_pass=0 tap_fail=0 tap_skip=0
ok() { tap_n=$((tap_n + 1)) tap_pass=$((tap_pass + 1)); echo "ok $tap_n - $1"; }
# not_ok DESC [DETAIL-LINE...]
not_ok() {
	tap_n=$((tap_n + 1)) tap_fail=$((tap_fail + 1))
	echo "not ok $tap_n - $1"
	shift
	local line
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
}
# skip DESC REASON
skip() { tap_n=$((tap_n + 1)) tap_skip=$((tap_skip + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
# check DESC COMMAND...: ok when COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}
tap_finish() {
	echo "1..$tap_n"
	echo "$1: $tap_pass passed, $tap_fail failed, $tap_skip skipped"
	[ "$tap_fail" -eq 0 ]
}
# tap_skip_rest LABEL REASON DESC...: skip each DESC because of REASON,
# then finish with tap_finish LABEL and exit with its status.
tap_skip_rest() {
	local label=$1 reason=$2 desc
	shift 2
	for desc in "$@"; do skip "$desc" "$reason"; done
	tap_finish "$label"
	exit
}

# tap_workdir NAME: a fresh directory /tmp/daxlab-NAME.XXXXXX in $work,
# removed with everything in it when the script exits (a script with more
# to clean up sets its own trap instead).
tap_workdir() {
	work=$(mktemp -d "/tmp/daxlab-$1.XXXXXX")
	trap 'rm -rf "$work"' EXIT
}

# tap_count [--label LABEL] [--status RC] <TAP: count a TAP stream with the
# project's one counter (tests/lib/tapcount; "not ok ... # SKIP" is a skip).
_tap_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tap_count() { "$_tap_lib/tapcount" "$@"; }
# tap_count_file LABEL STATUS FILE: count the TAP in FILE, written by a
# producer that exited with STATUS, with tapcount; print the counts as
# "#" comments (the runner's own closing line stays the only one) and add
# them to tap_pass, tap_fail and tap_skip.
tap_count_file() {
	local counts line
	counts=$(tap_count --label "$1" --status "$2" <"$3") || true
	while IFS= read -r line; do
		case $line in '#'*) echo "$line" ;; *) echo "# $line" ;; esac
	done <<<"$counts"
	tap_sum "${counts##*$'\n'}"
}

# A closing line: "[LABEL: ]N passed, N failed[, N skipped]".
_tap_result_re='([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?'
# tap_sum LINE: add a closing line (tapcount's, tap_finish's) to tap_pass,
# tap_fail and tap_skip; returns 1, adding nothing, when LINE is not one.
tap_sum() {
	[[ $1 =~ $_tap_result_re ]] || return 1
	tap_pass=$((tap_pass + BASH_REMATCH[1]))
	tap_fail=$((tap_fail + BASH_REMATCH[2]))
	tap_skip=$((tap_skip + ${BASH_REMATCH[4]:-0}))
}
# tap_last_result FILE: print the last closing line in FILE, "#" comments
# (tap_count_file's counts of a part) left out; returns 1 when there is
# none.
tap_last_result() {
	local line last=''
	while IFS= read -r line; do
		[[ $line != '#'* && $line =~ $_tap_result_re ]] && last=$line
	done <"$1"
	[ -n "$last" ] && printf '%s\n' "$last"
}
