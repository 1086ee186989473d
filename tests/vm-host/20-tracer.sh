#!/usr/bin/env bash
# The pmtrace QEMU plugin on the real guest: boots the stock kernel with
# one NVDIMM (fsdax, map=mem, ext4 -o dax), runs pmseq's known sequence of
# stores, NT stores, flushes and fences in a traced window, and checks the
# decoded events with `pmsim dump`. The window also holds a write+fsync and
# the unmount, so the initial image plus every traced store must rebuild
# the NVDIMM's final content byte for byte (`pmsim replay`, all stores
# persisted). Also: bad plugin arguments fail the load with a clear
# message, and max_trace_bytes ends a trace as partial.
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXLAB_BUILD:-$top/build/rel}
plugin=$build/crashtest/qemu/libpmtrace.so
pmsim=$build/crashtest/pmsim
guest_script=$top/crashtest/qemu/tests/guest-trace.sh

work=$(mktemp -d /tmp/daxlab-tracer.XXXXXX)
kept=''
# shellcheck disable=SC2317 # called through the trap
cleanup() {
	rm -rf "$work"
	[ -z "$kept" ] || rm -rf "$kept"
}
trap cleanup EXIT

# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=../lib/plugin.sh
. "$top/tests/lib/plugin.sh"
finish() {
	tap_finish tracer
	exit
}
skip_rest() { tap_skip_rest tracer "$@"; }

vm_tests=("traced guest run completes" "trace registers the region and its image"
	"pmseq events decode in program order" "every flush resolves to a physical address"
	"initial image + traced stores = final pmem content"
	"max_trace_bytes ends the trace as partial"
	"windows=: two windows of one boot, each whole, the second starting where the first ended")

# --- plugin loading: no guest needed --------------------------------------

if [ ! -f "$plugin" ]; then
	skip_rest "$plugin is not built (make -C crashtest/qemu)" \
		"bad argument fails the load" "-smp 2 fails the load" "${vm_tests[@]}"
fi

load_fails() { plugin_load_fails "$plugin" "$@"; }
load_fails "bad argument fails the load" "unknown argument 'colour=blue'" \
	"trace=$work/x.trace,colour=blue" -smp 1
load_fails "-smp 2 fails the load" "needs -smp 1" "trace=$work/x.trace" -smp 2

# --- guest runs ------------------------------------------------------------

if ! kdir=$("$top/scripts/kernel" path stock 2>/dev/null); then
	skip_rest "the stock kernel is not built (make kernel)" "${vm_tests[@]}"
fi
for f in "$pmsim" "$build/crashtest/guest/pmmark" "$build/crashtest/qemu/tests/pmseq"; do
	[ -x "$f" ] || skip_rest "$f is not built (make build)" "${vm_tests[@]}"
done

# traced_run NAME WORKLOAD [PLUGIN-ARG...]: boot with the plugin, run the
# guest script; the trace is $work/NAME.trace, the guest log $work/NAME.log.
# The VM's run directory (with the NVDIMM file) is kept; its path goes to
# $kept, which the cleanup removes.
traced_run() {
	local name=$1 what=$2 args rc=0
	shift 2
	args="trace=$work/$name.trace,system_map=$kdir/System.map,stats=$work/$name.json"
	[ "$what" != windows ] || args="system_map=$kdir/System.map"
	for a in "$@"; do args+=",$a"; done
	"$top/scripts/vm" --kernel stock --nvdimm 1 --nvdimm-size 256M --smp 1 \
		--timeout 900 --keep --plugin "$plugin,$args" \
		-- "$guest_script" "$build" "$what" >"$work/$name.log" 2>&1 || rc=$?
	[ -z "$kept" ] || rm -rf "$kept"
	kept=$(sed -n 's/^scripts\/vm: kept \(.*\)$/\1/p' "$work/$name.log" | tail -n 1)
	return "$rc"
}

if traced_run seq seq,fsync,umount; then
	ok "traced guest run completes"
else
	not_ok "traced guest run completes" "$(tail -n 30 "$work/seq.log")"
	skip_rest "the traced run failed" "${vm_tests[@]:1}"
fi

if ! "$pmsim" dump "$work/seq.trace" >"$work/seq.txt" 2>"$work/dump.err"; then
	not_ok "trace registers the region and its image" "pmsim dump failed:" \
		"$(cat "$work/dump.err")"
	skip_rest "pmsim cannot read the trace" "${vm_tests[@]:2}"
fi

# The region pmmark announced is the one in the trace, and the image file
# has exactly the region's size.
region=$(grep -m1 '^region ' "$work/seq.txt" || true)
guest_region=$(grep -m1 '^pmem0 ' "$work/seq.log" || true)
read -r _ base size name <<<"${region:-x 0 0 none}"
read -r _ gbase gsize <<<"${guest_region:-x 1 1}"
image=$(awk -v b="$base" '$1 == "image-file" && $2 == b { print $3 }' "$work/seq.txt")
if [ -n "$region" ] && [ "$((base))" -eq "$((gbase))" ] && [ "$((size))" -eq "$((gsize))" ] &&
	[ -n "$image" ] && [ "$(stat -c %s "$work/$image")" -eq "$((size))" ]; then
	ok "trace registers the region and its image"
else
	not_ok "trace registers the region and its image" "trace: $region" \
		"guest: $guest_region" "image: ${image:-none}"
fi

# Events between mark 1 and mark 2, from pmseq itself (user-space pc),
# with addresses relative to pmseq's page. A fence from an interrupt
# handler (kernel pc) is shown as "kfence": it may stand in for a pmseq
# fence that the tracer folded into it.
awk '
	function hex(s,  v, k) {
		s = tolower(s); sub(/^0x/, "", s); v = 0
		for (k = 1; k <= length(s); k++) v = v * 16 + index("0123456789abcdef", substr(s, k, 1)) - 1
		return v
	}
	/^mark 1 / { on = 1; next }
	/^mark 2 / { on = 0 }
	!on { next }
	{
		pc = ""
		for (i = 1; i <= NF; i++) if ($i ~ /^pc=/) { pc = substr($i, 4); $i = "" }
		user = length(pc) > 2 && length(pc) < 15	# below 0x800000000000
		if (!user) { if ($1 == "fence") print "kfence"; next }
		if ($1 == "store" || $1 == "ntstore" || $1 == "flush") {
			a = ($1 == "flush") ? 3 : 2
			addr = hex($a)
			if (base == "") base = addr - addr % 4096
			$a = sprintf("+0x%x", addr - base)
		}
		sub(/ +$/, "")
		print
	}' "$work/seq.txt" >"$work/observed"

cat >"$work/expected" <<'EOF'
store +0x0 8 1111111111111111
ntstore +0x40 8 2222222222222222
flush clwb +0x0
fence sfence
store +0x80 4 33333333
flush clflushopt +0x80
fence mfence
store +0xc0 8 4444444444444444
flush clflush +0xc0
store +0x100 8 0100000000000000
fence rmw
store +0x140 8 5555555555555555
fence xchg
ntstore +0x180 16 606162636465666768696a6b6c6d6e6f
fence sfence
EOF

# A kfence is dropped, or matched against an expected fence that is missing.
awk 'NR == FNR { want[++nw] = $0; next }
     { got[++ng] = $0 }
     END {
	i = 1
	for (j = 1; j <= ng; j++) {
		if (got[j] == "kfence") {
			if (i <= nw && want[i] ~ /^fence / && got[j + 1] != want[i]) i++
			continue
		}
		if (i > nw || got[j] != want[i]) { print "mismatch at expected line " i ": got " got[j]; exit 1 }
		i++
	}
	if (i <= nw) { print "missing from expected line " i ": " want[i]; exit 1 }
     }' "$work/expected" "$work/observed" >"$work/cmp" 2>&1 && cmp_rc=0 || cmp_rc=$?
if [ "$cmp_rc" -eq 0 ]; then
	ok "pmseq events decode in program order"
else
	not_ok "pmseq events decode in program order" "$(cat "$work/cmp")" \
		"observed:" "$(cat "$work/observed")"
fi

unresolved=$(jq -r '.flushes_unresolved' "$work/seq.json" 2>/dev/null || echo missing)
resolved=$(jq -r '.flushes_resolved' "$work/seq.json" 2>/dev/null || echo 0)
if [ "$unresolved" = 0 ] && [ "$resolved" -ge 3 ]; then
	ok "every flush resolves to a physical address ($resolved resolved)"
else
	not_ok "every flush resolves to a physical address" "stats: $(cat "$work/seq.json" 2>/dev/null)"
fi

# Replay with every store persisted (eADR, crash at the final mark): the
# result must equal the NVDIMM file, whose first region-size bytes are the
# region, as it was when QEMU exited.
nevents=$(sed -n 's/^# pmtrace .*: \([0-9]*\) events.*/\1/p' "$work/seq.txt")
last=$((nevents - 1))
printf 'trace %s\ncrash-event %s\nwindow %s\neadr 1\n' "$work/seq.trace" "$last" "$last" \
	>"$work/all.repro"
if [ -n "$kept" ] && [ -f "$kept/nvdimm0" ] && tail -n 1 "$work/seq.txt" | grep -q '^mark 99 ' &&
	"$pmsim" replay "$work/all.repro" "$work/final.img" >/dev/null 2>"$work/replay.err" &&
	cmp -n "$((size))" "$work/final.img" "$kept/nvdimm0" >"$work/cmp.out" 2>&1; then
	ok "initial image + traced stores = final pmem content"
else
	not_ok "initial image + traced stores = final pmem content" \
		"last event: $(tail -n 1 "$work/seq.txt")" "$(cat "$work/replay.err" "$work/cmp.out" 2>/dev/null)"
fi
rm -f "$work/final.img" "$work"/seq.trace.*.img

# A 64 KiB limit cannot hold 64 KiB of written data: the trace must stop
# below the limit and end with the partial mark.
limit=65536
if traced_run small fsync "max_trace_bytes=$limit" &&
	[ "$(stat -c %s "$work/small.trace")" -le "$limit" ] &&
	"$pmsim" dump "$work/small.trace" 2>&1 | tail -n 1 |
	grep -q '^mark 18446744073709551615 "partial: max_trace_bytes=65536'; then
	ok "max_trace_bytes ends the trace as partial"
else
	not_ok "max_trace_bytes ends the trace as partial" \
		"size $(stat -c %s "$work/small.trace" 2>/dev/null || echo none)" \
		"$(tail -n 5 "$work/small.log")"
fi

# windows=DIR: each window in DIR/NAME/ with its trace, image and stats.
# w1 ends unmounted and w2 starts before mounting, so replaying w1 with
# every store persisted gives w2's initial image, and replaying w2 gives
# the NVDIMM's final content. The name "../escape" is refused.
win=$work/win
mkdir -p "$win/w1" "$win/w2"
replay_all() { # TRACE OUT: the image with every traced store persisted
	local n
	n=$("$pmsim" dump "$1" | sed -n 's/^# pmtrace .*: \([0-9]*\) events.*/\1/p')
	printf 'trace %s\ncrash-event %s\nwindow %s\neadr 1\n' "$1" "$((n - 1))" "$((n - 1))" \
		>"$2.repro"
	"$pmsim" replay "$2.repro" "$2" >/dev/null
}
why=''
if ! traced_run windows windows "windows=$win"; then
	why="the guest run failed: $(tail -n 20 "$work/windows.log")"
else
	for w in w1 w2; do
		imgs=("$win/$w"/trace.*.img)
		[ -s "$win/$w/trace" ] && [ ${#imgs[@]} = 1 ] && [ -f "${imgs[0]}" ] &&
			[ "$(jq -r .started "$win/$w/tracer.json" 2>/dev/null)" = true ] &&
			[ "$(jq -r .reason "$win/$w/tracer.json" 2>/dev/null)" = null ] &&
			"$pmsim" dump "$win/$w/trace" | tail -n 1 | grep -q '^mark 99 ' ||
			why+=" $w: not whole ($(cd "$win/$w" && echo *))"
	done
	grep -q "window '../escape' ignored" "$work/windows.log" || why+=" ../escape was not refused"
	if [ -z "$why" ]; then
		replay_all "$win/w1/trace" "$work/w1.final" &&
			cmp -s "$work/w1.final" "$win"/w2/trace.*.img || why+=" w1's end is not w2's start"
		replay_all "$win/w2/trace" "$work/w2.final" && [ -n "$kept" ] &&
			cmp -s -n "$(stat -c %s "$work/w2.final")" "$work/w2.final" "$kept/nvdimm0" ||
			why+=" w2's end is not the NVDIMM's final content"
	fi
fi
if [ -z "$why" ]; then
	ok "${vm_tests[-1]}"
else
	not_ok "${vm_tests[-1]}" "$why"
fi
rm -rf "$win" "$work"/w?.final*

finish
