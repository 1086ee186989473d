# shellcheck shell=bash
# Command lines of bench/run, bench/report and crashtest/run under the
# project's exit status convention: a bad option or value is one message
# on stderr and status 2; --help is usage on stdout and status 0;
# --version prints "PROG VERSION".
#
# Numbers are strict: decimal digits only (a leading zero is still
# decimal: "010" is ten, never eight as bash's $((010)) would have it), no
# sign, nothing after the digits, and a range.

DAXLAB_TOOLS_VERSION=1.1

# cli_help SCRIPT: the script's header comment (up to `set -euo`) is its
# usage: print it on stdout and exit 0.
cli_help() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$1"; exit 0; }

# cli_version PROG
cli_version() { printf '%s %s\n' "$1" "$DAXLAB_TOOLS_VERSION"; }

# cli_fail PROG MESSAGE: the one message of a refused command line; exit 2.
cli_fail() { echo "$1: $2" >&2; exit 2; }

# cli_value PROG OPTION NARGS [VALUE]: exit 2 unless OPTION was given a
# non-empty value (NARGS: the "$#" where OPTION is $1).
cli_value() {
	if [ "$3" -lt 2 ] || [ -z "${4:-}" ]; then cli_fail "$1" "$2 needs a value"; fi
}

# cli_uint VAR PROG OPTION VALUE MIN MAX: store VALUE in VAR as a decimal
# number between MIN and MAX, or exit 2 saying why not.
cli_uint() {
	local var=$1 prog=$2 opt=$3 v=$4 min=$5 max=$6 d
	[[ $v =~ ^[0-9]+$ ]] ||
		cli_fail "$prog" "$opt wants a whole decimal number, not '$v'"
	d=${v#"${v%%[!0]*}"}
	d=${d:-0}
	# 18 digits stay below 2^63: no overflow in the comparison below.
	if [ ${#d} -gt 18 ] || [ "$d" -lt "$min" ] || [ "$d" -gt "$max" ]; then
		cli_fail "$prog" "$opt must be between $min and $max, not '$v'"
	fi
	printf -v "$var" '%s' "$d"
}

# cli_kill_tree PID: SIGTERM to a process and everything it started,
# children first seen from the top (a stopped command's helpers must not
# outlive it when only its own PID was signalled).
cli_kill_tree() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do cli_kill_tree "$c"; done
	kill -TERM "$1" 2>/dev/null || true
}

# vm_accel_file: where scripts/vm keeps this machine's KVM verdict (it
# probes KVM once per machine: nested virtualisation may stall it).
vm_accel_file() { echo "${DAXLAB_CACHE:-$HOME/.cache/daxlab}/accel-$(uname -n)"; }

# vm_accel: the accelerator scripts/vm boots with here unless told: tcg
# without a writable /dev/kvm (no verdict is kept then), else the probe's
# verdict, or "kvm (to be probed)" before the first boot. Provenance
# records this, so it must follow scripts/vm's choice exactly.
vm_accel() {
	local f
	f=$(vm_accel_file)
	if [ ! -w /dev/kvm ]; then echo tcg; elif [ -f "$f" ]; then cat "$f"; else echo "kvm (to be probed)"; fi
}
