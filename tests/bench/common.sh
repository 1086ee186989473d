# shellcheck shell=bash
# Shared by the bench tests (sourced): TAP helpers (tests/lib/tap.sh), a scratch directory
# removed on exit, and the daxwl binary the tests run for real.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DAXWL=${DAXWL:-${DAXLAB_BUILD:-$top/build/rel}/workloads/daxwl}
export DAXWL
scratch=$(mktemp -d /tmp/daxlab-benchtest.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
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
finish() { tap_finish "$(basename "$0" .sh)"; }
