# shellcheck shell=bash
# One raw record per run: raw/<kernel>__<group>__<cell>__<rep>.json =
#   {"bench": {who, where, which repetition, status, reason, trace counts},
#    "output": <the tool's own JSON object, verbatim, or null>}
# status is ok, unsupported or failed. The report reads nothing else.

# record_path RAWDIR KERNEL GROUP CELL REP
record_path() { printf '%s/%s__%s__%s__%s.json' "$1" "$2" "$3" "$4" "$5"; }

# jfield KEY VALUE s|n|raw: append "KEY":VALUE to $jrec as a JSON string
# (empty: null), a number (else null) or raw JSON. Plain bash without
# subshells: under TCG jq costs most of a second a call and every fork
# counts, and a cell writes six records.
jfield() {
	local v=$2
	case $3 in
	s)
		if [ -z "$v" ]; then
			v=null
		else
			v=${v//\\/\\\\}
			v=${v//\"/\\\"}
			v=${v//$'\n'/\\n}
			v=${v//$'\t'/\\t}
			v=\"${v//[[:cntrl:]]/}\"
		fi
		;;
	n) [[ $v =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || v=null ;;
	esac
	jrec+="${jrec:+,}\"$1\":$v"
}

# output_looks_json FILE: one JSON object (daxwl: one line; fio: a
# pretty-printed document). A truncated or garbled output fails this and
# turns the record into a failure instead of an unreadable file.
output_looks_json() {
	local first='' last
	[ -s "$1" ] || return 1
	IFS= read -r -n 1 first <"$1" || true
	last=$(tail -c 2 "$1")
	last=${last//[[:space:]]/}
	[ "$first" = "{" ] && [ "$last" = "}" ]
}

# record_write FILE OUTPUT_JSON_FILE_OR_EMPTY, with the fields as env:
#   R_KERNEL R_GROUP R_FS R_ACCESS R_DEVICE R_SET R_CELL R_KEY R_TOOL
#   R_ARGS R_REP R_WARMUP(0/1) R_STATUS R_REASON R_EXIT R_TRACE(JSON or
#   empty) R_STARTED R_WALL_S R_CPU R_CLOCK (icount or wall: what the
#   tool's nanoseconds are, bench/lib/clock.sh)
# The tool's output goes in verbatim: it is already JSON.
record_write() {
	local file=$1 out=${2:-} status=$R_STATUS reason=${R_REASON:-} warm=false jrec=''
	if [ -n "$out" ] && [ -s "$out" ] && ! output_looks_json "$out"; then
		status=failed
		reason="tool output is not JSON${reason:+; $reason}"
		out=''
	fi
	[ "${R_WARMUP:-0}" != 1 ] || warm=true
	jfield kernel "$R_KERNEL" s
	jfield group "$R_GROUP" s
	jfield fs "$R_FS" s
	jfield access "$R_ACCESS" s
	jfield device "$R_DEVICE" s
	jfield set "$R_SET" s
	jfield cell "$R_CELL" s
	jfield key "$R_KEY" s
	jfield tool "$R_TOOL" s
	jfield args "$R_ARGS" s
	jfield rep "$R_REP" n
	jfield warmup "$warm" raw
	jfield status "$status" s
	jfield reason "$reason" s
	jfield exit_code "${R_EXIT:-}" n
	jfield started "${R_STARTED:-}" s
	jfield wall_s "${R_WALL_S:-}" n
	jfield cpu "${R_CPU:-}" s
	jfield clock "${R_CLOCK:-wall}" s
	jfield trace "${R_TRACE:-null}" raw
	{
		printf '{"bench":{%s},\n"output":' "$jrec"
		if [ -n "$out" ] && [ -s "$out" ]; then cat "$out"; else printf 'null'; fi
		printf '}\n'
	} >"$file.tmp"
	mv "$file.tmp" "$file"
}

# record_fill_missing PLAN RAWDIR KERNEL REPS WHY: a failed record, with
# WHY as its reason, for every run of PLAN that has no record yet (the
# guest died, hung or was interrupted before it got there). Prints how
# many it wrote.
record_fill_missing() {
	local plan=$1 raw=$2 k=$3 reps=$4 why=$5 idx group fs access dev set name key tool args r f n=0
	while IFS=$'\t' read -r idx group fs access dev set name key tool args; do
		: "$idx"
		for r in 0 $(seq 1 "$reps"); do
			f=$(record_path "$raw" "$k" "$group" "$name" "$r")
			[ ! -e "$f" ] || continue
			R_KERNEL=$k R_GROUP=$group R_FS=$fs R_ACCESS=$access R_DEVICE=$dev R_SET=$set
			R_CELL=$name R_KEY=$key R_TOOL=$tool R_ARGS=$args R_REP=$r R_STATUS=failed
			R_WARMUP=0
			[ "$r" != 0 ] || R_WARMUP=1
			R_REASON=$why R_EXIT='' R_TRACE='' R_STARTED='' R_WALL_S='' R_CPU=''
			record_write "$f" ""
			n=$((n + 1))
		done
	done <"$plan"
	echo "$n"
}

# new_run_dir RESULTS: create and print RESULTS/<date>-<host>[-N]. mkdir
# is the lock: two runs never share a directory, an old one is never reused.
new_run_dir() {
	local base run n=1
	mkdir -p "$1" || return 1
	base=$1/$(date -u +%Y%m%d-%H%M%S)-$(uname -n)
	run=$base
	until mkdir "$run" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -lt 1000 ] || return 1
		run=$base-$n
	done
	echo "$run"
}
