# shellcheck shell=bash
# Shared by the bench tests (sourced): TAP helpers, a scratch directory
# removed on exit, and the daxwl binary the tests run for real.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DAXWL=${DAXWL:-${DAXLAB_BUILD:-$top/build/rel}/workloads/daxwl}
export DAXWL
scratch=$(mktemp -d /tmp/daxlab-benchtest.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

t_n=0 t_pass=0 t_fail=0
ok() { t_n=$((t_n + 1)) t_pass=$((t_pass + 1)); echo "ok $t_n - $1"; }
not_ok() {
	t_n=$((t_n + 1)) t_fail=$((t_fail + 1))
	echo "not ok $t_n - $1"
	shift
	local line
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
}
# check DESC COMMAND...: ok when COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}
# refuses DESC PATTERN COMMAND...: COMMAND must fail and say PATTERN on stderr.
refuses() {
	local desc=$1 pat=$2 out rc=0
	shift 2
	out=$("$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" -ne 0 ] && grep -q -- "$pat" <<<"$out"; then
		ok "$desc"
	else
		not_ok "$desc" "exit $rc, expected a failure saying '$pat'; stderr:" "$out"
	fi
}
finish() {
	echo "1..$t_n"
	echo "$(basename "$0" .sh): $t_pass passed, $t_fail failed"
	[ "$t_fail" -eq 0 ]
}
