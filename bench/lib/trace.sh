# shellcheck shell=bash
# The guest kernel's own counters: fs_dax tracepoints (PTE and PMD faults,
# their results and fallbacks) and, where the kernel has them, the pmem
# dax_operations events. Only the traced warm-up run of each cell pays
# for tracing; the measured repetitions run with the events disabled.

TRACEFS=${TRACEFS:-/sys/kernel/tracing}
TRACE_SYSTEMS=()

# trace_init: mount tracefs if needed, size the buffer, find the event
# systems this kernel has. Returns 1 (with a message) if there is none.
trace_init() {
	if [ ! -e "$TRACEFS/trace" ]; then
		mkdir -p "$TRACEFS" 2>/dev/null || true
		mount -t tracefs nodev "$TRACEFS" 2>/dev/null ||
			{ echo "bench: no tracefs at $TRACEFS: no kernel counters" >&2; return 1; }
	fi
	local s
	TRACE_SYSTEMS=()
	for s in fs_dax pmem; do
		[ -d "$TRACEFS/events/$s" ] && TRACE_SYSTEMS+=("$s")
	done
	[ ${#TRACE_SYSTEMS[@]} -gt 0 ] ||
		{ echo "bench: the kernel has no fs_dax or pmem trace events" >&2; return 1; }
	echo 0 >"$TRACEFS/tracing_on"
	echo 16384 >"$TRACEFS/buffer_size_kb" 2>/dev/null || true
}

# trace_events 0|1: disable or enable the event systems. tracing_on=0
# alone is not enough between warm-ups: an enabled event still runs its
# probe up to the ring buffer (about 250 instructions per DAX fault or
# read under QEMU -icount), which the measured repetitions must not pay.
trace_events() {
	local s
	for s in "${TRACE_SYSTEMS[@]}"; do echo "$1" >"$TRACEFS/events/$s/enable"; done
}

trace_start() { : >"$TRACEFS/trace"; trace_events 1; echo 1 >"$TRACEFS/tracing_on"; }

# trace_stop_json: stop tracing and print the counts as one JSON object:
#   {"systems": [...], "events": {"dax_pmd_fault_done": N, ...},
#    "results": {"dax_pmd_fault_done/FALLBACK": N, ...}, "overrun": N}
# The result of a fault event is the VM_FAULT flags it printed last.
trace_stop_json() {
	echo 0 >"$TRACEFS/tracing_on"
	trace_events 0
	local overrun=0 f v
	for f in "$TRACEFS"/per_cpu/cpu*/stats; do
		[ -e "$f" ] || continue
		v=$(awk '/^overrun:/ {print $2}' "$f")
		overrun=$((overrun + ${v:-0}))
	done
	awk -v systems="${TRACE_SYSTEMS[*]}" -v overrun="$overrun" '
	/^#/ { next }
	{
		for (i = 1; i <= NF; i++) if ($i ~ /^[a-z_0-9]+:$/ && $(i - 1) ~ /^[0-9.]+:$/) break
		if (i > NF) next
		ev = substr($i, 1, length($i) - 1)
		n[ev]++
		if (ev ~ /fault_done$/) r[ev "/" key($NF)]++
	}
	# The last field is whatever the kernel printed: keep a JSON key to
	# characters that need no escaping, so a quote or a backslash there
	# cannot break the record.
	function key(s) { gsub(/[^A-Za-z0-9_|\/.:+-]/, "_", s); return s }
	END {
		printf "{\"systems\":["
		m = split(systems, s, " ")
		for (i = 1; i <= m; i++) printf "%s\"%s\"", (i > 1 ? "," : ""), s[i]
		printf "],\"events\":{"
		sep = ""
		for (e in n) { printf "%s\"%s\":%d", sep, e, n[e]; sep = "," }
		printf "},\"results\":{"
		sep = ""
		for (e in r) { printf "%s\"%s\":%d", sep, e, r[e]; sep = "," }
		printf "},\"overrun\":%d}\n", overrun
	}' "$TRACEFS/trace"
}
