# shellcheck shell=bash
# Sourced by the guest tests tests/vm/NN-*.sh, which run inside the VM
# (scripts/guest/run-tests). Gives TAP helpers, a cleanup trap and the
# places of the helpers and workloads.
#
#   ok DESC / not_ok DESC [DIAG...] / skip DESC REASON / check DESC CMD...
#   skip_all REASON            the whole test cannot run here: say why, exit
#   fail_all REASON            the test cannot check what it must: not ok, exit 1
#   feature_missing REASON     the kernel lacks what the test checks: fail_all
#                              on the patched kernel, which must have it,
#                              skip_all on the others. A skip is for a missing
#                              tool or VM resource, never for a missing feature
#                              of the kernel under test.
#   on_cleanup FUNCTION        run FUNCTION on exit (before the TAP plan)
#   need_nvdimms N             skip_all unless the VM was given N NVDIMMs;
#                              fail_all when it was and the kernel shows fewer
#   need_daxwl                 skip_all unless build/rel/workloads/daxwl exists
#   need_base_code SYMBOL WHAT skip_all when the base kernel has no WHAT at all
#                              (SYMBOL is not in /proc/kallsyms): a base
#                              without a DAX path is not judged on it
#   has_dax_attr FILE          true when statx reports STATX_ATTR_DAX
#
# $DAXLAB_KERNEL is stock or patched; $kernel holds it for descriptions.
set -euo pipefail

repo=${DAXLAB_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck disable=SC2034 # used by the tests that source this file
guest=$repo/scripts/guest
# shellcheck disable=SC2034
daxwl=$repo/build/rel/workloads/daxwl
kernel=${DAXLAB_KERNEL:-unknown}
# die, need_cmd, run_or_die, size_bytes; DM_DISABLE_UDEV.
# shellcheck source=scripts/guest/common disable=SC1091
. "$guest/common"

tap_n=0
tap_cleanup_fn=''

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $kernel: $1"; }

not_ok() {
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - $kernel: $1"
	shift
	local line
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/#   /'
	done
}

skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $kernel: $1 # SKIP $2"; }

# check DESC CMD...: ok when CMD succeeds, else not_ok with its output.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "command: $*" "$out"
	fi
}

skip_all() {
	trap - EXIT
	[ -z "$tap_cleanup_fn" ] || "$tap_cleanup_fn" || true
	echo "1..0 # SKIP $kernel: $1"
	exit 0
}

fail_all() {
	not_ok "$1"
	exit 1
}

feature_missing() {
	[ "$kernel" != patched ] || fail_all "$1 (the patched kernel must have it)"
	skip_all "$1"
}

tap_finish() {
	local rc=$?
	trap - EXIT
	if [ -n "$tap_cleanup_fn" ] && ! "$tap_cleanup_fn"; then
		not_ok "cleanup ($tap_cleanup_fn)"
	fi
	echo "1..$tap_n"
	exit "$rc"
}
trap tap_finish EXIT

on_cleanup() { tap_cleanup_fn=$1; }

nvdimm_regions() {
	local n=0 r
	for r in /sys/bus/nd/devices/region*; do
		[ -e "$r" ] && n=$((n + 1))
	done
	echo "$n"
}

# scripts/vm says in DAXLAB_NVDIMMS how many NVDIMMs the VM was given.
need_nvdimms() {
	local have given=${DAXLAB_NVDIMMS:-}
	have=$(nvdimm_regions)
	[ "$have" -lt "$1" ] || return 0
	if [ -n "$given" ] && [ "$given" -ge "$1" ]; then
		fail_all "the VM has $given NVDIMM(s), the kernel shows $have region(s); the test needs $1"
	fi
	skip_all "needs $1 NVDIMM regions, the VM has ${given:-$have} (scripts/vm --nvdimm $1)"
}

need_daxwl() {
	[ -x "$daxwl" ] || skip_all "$daxwl is not built (make daxwl)"
}

# The symbol names the code path in every kernel that has it (6.1 and
# later): its absence means the base was built without that path, which
# the series cannot be asked to keep.
need_base_code() {
	[ -r /proc/kallsyms ] || return 0
	grep -qE "[[:space:]]$1(\.[a-z0-9.]+)?\$" /proc/kallsyms ||
		skip_all "the base kernel has no $2 ($1 is not in /proc/kallsyms)"
}

# STATX_ATTR_DAX (0x00200000, include/uapi/linux/stat.h) from xfs_io's raw
# statx output.
has_dax_attr() {
	local attrs
	attrs=$(xfs_io -r -c 'statx -r' "$1" | awk '$1 == "stat.attributes" { print $3 }')
	[ -n "$attrs" ] || { echo "xfs_io statx printed no attributes for $1" >&2; return 2; }
	(( attrs & 0x00200000 ))
}
