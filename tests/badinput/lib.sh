# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# The bad-input suite's helpers (sourced by tests/badinput/NN-name.sh).
# Each helper prints one TAP line; a "not ok" is followed by "#   " lines
# with the expected and the actual status and the first lines of output.
#
#   source "$(dirname "$0")/lib.sh"; bi_init NAME
#       $TOP is the repository, $BI_TMP an empty scratch directory removed
#       at exit, $BI_BIN=$TOP/build/rel (tests/badinput/run builds it).
#   bi_run STATUS ERE [--timeout S] [--cwd DIR] [--desc TEXT] -- CMD ARGS...
#       CMD must exit with STATUS, its stdout+stderr must match the extended
#       regex ERE (grep -E) and it must end within S seconds (default 60;
#       then its process group gets SIGTERM, 5 s later SIGKILL). CMD may be
#       a shell function; stdin is the caller's. The output is kept in the
#       file "$BI_OUT" and the status in $BI_STATUS until the next case.
#   bi_check DESC CMD ARGS...       ok when CMD (command or function) succeeds
#   bi_absent DESC PATH...          ok when no PATH exists
#   bi_present DESC PATH...         ok when every PATH exists
#   bi_signal SIG WHEN STATUS ERE [--timeout S] [--desc TEXT] [--pid] -- CMD ARGS...
#       starts CMD in the background in its own process group, waits WHEN
#       (seconds, or "file:PATH": until PATH exists), sends SIG to the group
#       (as a terminal's ^C does; --pid: to CMD alone), then checks as
#       bi_run does. S bounds the whole case, the wait for PATH included.
#   bi_small_fs SIZE_MIB VAR        mounts a SIZE_MIB tmpfs (as root, else
#       in an `unshare -rm` namespace reached through /proc/PID/root) and
#       stores its path in VAR; unmounted at exit. When neither works it
#       prints a TAP skip with the reason and returns 1, so call it as
#       `if bi_small_fs 4 fs; then ...; fi`.
#   bi_skip DESC REASON
#   bi_class CLASS                  the class of the cases that follow: one
#       of usage, numbers, malformed, aliasing, existing, unsupported,
#       resources, signals, selftest; their TAP lines start with "[CLASS] "
#       and tests/badinput/run counts the suite by class.
#   bi_done                         prints "1..N" and "NAME: N passed, N
#       failed, N skipped", exits 1 when a case failed, else 0.
# A script that stops before bi_done (set -e, a signal) gets one more
# "not ok" naming where, so its TAP stays whole.

# shellcheck source=../lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"

bi_init() {
	BI_NAME=${1:?bi_init NAME}
	TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	BI_BIN=$TOP/build/rel
	_bi_dir=$(mktemp -d "${TMPDIR:-/tmp}/badinput-$BI_NAME.XXXXXX")
	BI_TMP=$_bi_dir/tmp
	BI_OUT=$_bi_dir/out
	BI_STATUS=''
	mkdir "$BI_TMP" "$_bi_dir/lib"
	: >"$BI_OUT"
	_bi_class='' _bi_pgid='' _bi_mounts=() _bi_holders=() _bi_done=0 _bi_where='' _bi_main=$BASHPID
	export TOP BI_TMP BI_BIN
	set -o errtrace
	trap '_bi_where="line $LINENO: $BASH_COMMAND"' ERR
	trap '_bi_exit' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# A reader that went away must not skip the cleanup.
	trap 'exit 141' PIPE
}

# shellcheck disable=SC2317 # called through the trap
_bi_exit() {
	local rc=$? m p
	# A child forked from this shell can meet a signal before it has
	# dropped the traps: only the shell that ran bi_init cleans up.
	[ "$BASHPID" = "$_bi_main" ] || exit "$rc"
	trap - ERR
	trap '' PIPE
	set +e
	if [ "$_bi_done" = 0 ]; then
		not_ok "$BI_NAME: the script stopped before bi_done, status $rc${_bi_where:+, at $_bi_where}"
		tap_finish "$BI_NAME"
		[ "$rc" -ne 0 ] || rc=1
	fi
	[ -z "$_bi_pgid" ] || kill -KILL -- "-$_bi_pgid" 2>/dev/null
	for m in "${_bi_mounts[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	for p in "${_bi_holders[@]}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$_bi_dir"
	exit "$rc"
}

# _bi_desc TEXT: a TAP description: repository paths shortened, one line,
# "#" escaped so that no argument reads as a SKIP or TODO directive.
_bi_desc() {
	local d=$1
	d=${d//"$BI_TMP"/\$BI_TMP}
	d=${d//"$TOP/"/}
	d=${d//$'\n'/\\n}
	d=${d//\#/\\#}
	[ ${#d} -le 200 ] || d="${d:0:197}..."
	printf '%s' "$d"
}

# The classes a case can be in (bi_class): what kind of hostility it is.
_bi_classes=' usage numbers malformed aliasing existing unsupported resources signals selftest '
bi_class() {
	case $_bi_classes in
	*" ${1:-} "*) _bi_class=$1 ;;
	*) echo "bi_class: unknown class '${1:-}' (one of:$_bi_classes)" >&2; exit 2 ;;
	esac
}

# _bi_report OK DESC DETAIL...: the TAP line of one case.
_bi_report() {
	local good=$1 desc
	desc=${_bi_class:+[$_bi_class] }$(_bi_desc "$2")
	shift 2
	if [ "$good" = 1 ]; then ok "$desc"; else not_ok "$desc" "$@"; fi
}

# _bi_output: the first lines of the last case's output, for a report.
_bi_output() {
	local n
	n=$(wc -l <"$BI_OUT")
	if [ ! -s "$BI_OUT" ]; then
		echo "output: (none)"
	else
		echo "output ($n line(s)):"
		head -n 10 "$BI_OUT" | cut -c1-300 | sed 's/^/  /'
		[ "$n" -le 10 ] || echo "  ..."
	fi
}

# _bi_start CWD CMD...: start CMD in the background in a process group
# of its own (job control on for the fork only), output to $BI_OUT.
_bi_start() {
	local cwd=$1
	shift
	set -m
	(
		trap - ERR EXIT HUP INT TERM PIPE
		set +o errtrace
		if [ -n "$cwd" ]; then cd "$cwd" || exit 126; fi
		"$@"
	) >"$BI_OUT" 2>&1 &
	_bi_pgid=$!
	set +m
}

# _bi_wait DEADLINE: wait for the started command until DEADLINE (epoch
# seconds); sets BI_STATUS, and _bi_timedout=1 after killing it at the
# deadline (SIGTERM to its group, SIGKILL 5 s later).
_bi_wait() {
	local deadline=$1 now left sleeper done_pid='' rc=0
	_bi_timedout=0 _bi_stray=0
	now=${EPOCHREALTIME%.*}
	left=$((deadline - now))
	[ "$left" -gt 0 ] || left=0
	sleep "$left" &
	sleeper=$!
	wait -n -p done_pid "$_bi_pgid" "$sleeper" 2>/dev/null || rc=$?
	if [ "$done_pid" = "$_bi_pgid" ]; then
		# What the command left running in its group would outlive it.
		if kill -0 -- "-$_bi_pgid" 2>/dev/null; then
			_bi_stray=1
			kill -KILL -- "-$_bi_pgid" 2>/dev/null || true
		fi
	else
		_bi_timedout=1
		kill -TERM -- "-$_bi_pgid" 2>/dev/null || true
		sleep 5 &
		sleeper=$!
		done_pid='' rc=0
		wait -n -p done_pid "$_bi_pgid" "$sleeper" 2>/dev/null || rc=$?
		if [ "$done_pid" != "$_bi_pgid" ]; then
			kill -KILL -- "-$_bi_pgid" 2>/dev/null || true
			rc=0
			wait "$_bi_pgid" 2>/dev/null || rc=$?
		fi
		kill -KILL -- "-$_bi_pgid" 2>/dev/null || true
	fi
	# SIGKILL: a sleeper not yet past its fork would run our TERM trap.
	kill -KILL "$sleeper" 2>/dev/null || true
	wait "$sleeper" 2>/dev/null || true
	BI_STATUS=$rc
	_bi_pgid=''
}

# _bi_judge STATUS ERE TIMEOUT DESC [NOTE...]: the TAP line for the case
# that just ended; a NOTE is a reason to fail it.
_bi_judge() {
	local want=$1 ere=$2 limit=$3 desc=$4 good=1 why=()
	shift 4
	why=("$@")
	[ $# -eq 0 ] || good=0
	if [ "$_bi_timedout" = 1 ]; then
		good=0
		why+=("did not end within $limit s: killed (status $BI_STATUS)")
	fi
	if [ "$BI_STATUS" != "$want" ]; then
		good=0
		why+=("expected status $want, got $BI_STATUS")
	fi
	# An empty ERE asks nothing, not even one line of output.
	if [ -n "$ere" ] && ! grep -aEq -e "$ere" "$BI_OUT"; then
		good=0
		why+=("expected output matching /$ere/")
	fi
	[ "$_bi_stray" = 0 ] || why+=("note: processes of its group outlived it (killed)")
	[ "$good" = 1 ] || why+=("$(_bi_output)")
	_bi_report "$good" "$desc" "${why[@]}"
}

# _bi_opts FUNC ARGS...: parse [--timeout S] [--cwd DIR] [--desc TEXT]
# [--pid] up to "--"; sets _bi_limit, _bi_cwd, _bi_text, _bi_topid and
# _bi_shift (how many arguments were options, "--" included).
_bi_opts() {
	local fn=$1
	shift
	_bi_limit=60 _bi_cwd='' _bi_text='' _bi_topid=0 _bi_shift=0
	while [ $# -gt 0 ]; do
		case $1 in
		--timeout) _bi_limit=${2:-}; _bi_shift=$((_bi_shift + 2)); shift 2 ;;
		--cwd) _bi_cwd=${2:-}; _bi_shift=$((_bi_shift + 2)); shift 2 ;;
		--desc) _bi_text=${2:-}; _bi_shift=$((_bi_shift + 2)); shift 2 ;;
		--pid) [ "$fn" = bi_signal ] || break; _bi_topid=1; _bi_shift=$((_bi_shift + 1)); shift ;;
		--) _bi_shift=$((_bi_shift + 1)); shift
			[ $# -gt 0 ] || { echo "$fn: no command after --" >&2; return 2; }
			[[ $_bi_limit =~ ^[1-9][0-9]*$ ]] || { echo "$fn: --timeout wants whole seconds, not '$_bi_limit'" >&2; return 2; }
			return 0 ;;
		*) break ;;
		esac
	done
	echo "$fn: usage: $fn ... [--timeout S] [--cwd DIR] [--desc TEXT] -- CMD ARGS... (got '${1:-}')" >&2
	return 2
}

bi_run() {
	local want=${1:?bi_run STATUS ERE [OPTIONS] -- CMD...} ere=${2?bi_run STATUS ERE [OPTIONS] -- CMD...}
	shift 2
	_bi_opts bi_run "$@"
	shift "$_bi_shift"
	local desc=${_bi_text:-"$* => $want /$ere/"}
	_bi_start "$_bi_cwd" "$@"
	_bi_wait $((${EPOCHREALTIME%.*} + _bi_limit))
	_bi_judge "$want" "$ere" "$_bi_limit" "$desc"
}

bi_signal() {
	local usage='bi_signal SIG WHEN STATUS ERE [OPTIONS] -- CMD...'
	local sig=${1:?$usage} when=${2:?$usage} want=${3:?$usage} ere=${4?$usage}
	shift 4
	_bi_opts bi_signal "$@"
	shift "$_bi_shift"
	local desc=${_bi_text:-"$* (SIG${sig#SIG} after $when) => $want /$ere/"}
	local deadline=$((${EPOCHREALTIME%.*} + _bi_limit)) notes=() target path
	case $when in
	file:?*) ;;
	*) [[ $when =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "bi_signal: WHEN is seconds or file:PATH, not '$when'" >&2; return 2; } ;;
	esac
	_bi_start '' "$@"
	target=-$_bi_pgid
	[ "$_bi_topid" = 0 ] || target=$_bi_pgid
	if [[ $when == file:* ]]; then
		path=${when#file:}
		while [ ! -e "$path" ] && kill -0 "$_bi_pgid" 2>/dev/null &&
			[ "${EPOCHREALTIME%.*}" -lt "$deadline" ]; do
			sleep 0.05
		done
		[ -e "$path" ] || notes+=("$path never appeared")
	else
		sleep "$when"
	fi
	if kill -0 "$_bi_pgid" 2>/dev/null; then
		kill -s "${sig#SIG}" -- "$target" 2>/dev/null || notes+=("could not send SIG${sig#SIG}")
	else
		notes+=("it had ended before the signal")
	fi
	_bi_wait "$deadline"
	# A signal that never met the command as asked fails the case even
	# when the status happens to match.
	_bi_judge "$want" "$ere" "$_bi_limit" "$desc" "${notes[@]}"
}

bi_check() {
	local desc=${1:?bi_check DESC CMD...} rc=0
	shift
	[ $# -gt 0 ] || { echo "bi_check: no command" >&2; return 2; }
	"$@" >"$_bi_dir/lib/check" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		_bi_report 1 "$desc"
	elif [ -s "$_bi_dir/lib/check" ]; then
		_bi_report 0 "$desc" "failed with status $rc: $(_bi_desc "$*")" \
			"$(head -n 10 "$_bi_dir/lib/check" | cut -c1-300 | sed 's/^/  /')"
	else
		_bi_report 0 "$desc" "failed with status $rc: $(_bi_desc "$*")"
	fi
}

bi_absent() {
	local desc=${1:?bi_absent DESC PATH...} p found=()
	shift
	for p in "$@"; do
		if [ -e "$p" ] || [ -L "$p" ]; then found+=("exists: $(_bi_desc "$p")"); fi
	done
	if [ ${#found[@]} -eq 0 ]; then _bi_report 1 "$desc"; else _bi_report 0 "$desc" "${found[@]}"; fi
}

bi_present() {
	local desc=${1:?bi_present DESC PATH...} p missing=()
	shift
	for p in "$@"; do
		[ -e "$p" ] || missing+=("missing: $(_bi_desc "$p")")
	done
	if [ ${#missing[@]} -eq 0 ]; then _bi_report 1 "$desc"; else _bi_report 0 "$desc" "${missing[@]}"; fi
}

bi_skip() {
	skip "${_bi_class:+[$_bi_class] }$(_bi_desc "${1:?bi_skip DESC REASON}")" "$(_bi_desc "${2:?bi_skip DESC REASON}")"
}

bi_small_fs() {
	local mib=${1:?bi_small_fs SIZE_MIB VAR} var=${2:?bi_small_fs SIZE_MIB VAR}
	local dir=$_bi_dir/fs${#_bi_mounts[@]}-${#_bi_holders[@]} ready pid err='' i
	[[ $mib =~ ^[1-9][0-9]*$ ]] || { echo "bi_small_fs: SIZE_MIB is a whole number, not '$mib'" >&2; return 2; }
	mkdir "$dir"
	if [ "$(id -u)" = 0 ] &&
		err=$(mount -t tmpfs -o "size=${mib}m,mode=0700" daxlab-badinput "$dir" 2>&1); then
		_bi_mounts+=("$dir")
		printf -v "$var" '%s' "$dir"
		return 0
	fi
	# A namespace lives as long as a process in it: a holder mounts the
	# tmpfs and sleeps; its /proc/PID/root shows the mount to us.
	ready=$_bi_dir/lib/ready-${#_bi_holders[@]}
	# shellcheck disable=SC2016 # expanded by the holder's sh
	unshare -rm --propagation private sh -c \
		'mount -t tmpfs -o "size=$1m,mode=0700" daxlab-badinput "$2" && : >"$3" && exec sleep 86400' \
		sh "$mib" "$dir" "$ready" >"$_bi_dir/lib/unshare" 2>&1 &
	pid=$!
	_bi_holders+=("$pid")
	for ((i = 0; i < 200; i++)); do
		[ ! -e "$ready" ] || break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if [ -e "$ready" ] && [ -d "/proc/$pid/root$dir" ]; then
		printf -v "$var" '%s' "/proc/$pid/root$dir"
		return 0
	fi
	err="${err:+mount: $err; }unshare -rm: $(head -n 1 "$_bi_dir/lib/unshare")"
	bi_skip "a ${mib} MiB file system" "cannot mount a tmpfs ($err)"
	return 1
}

bi_done() {
	_bi_done=1
	tap_finish "$BI_NAME" && exit 0
	exit 1
}
