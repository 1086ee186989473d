# shellcheck shell=bash
# What the bench's clock is. Under QEMU's TCG the guest's time depends on
# how busy the host is (the same cell varied 0.45-1.38 between runs), so
# the default there is deterministic instruction-time: QEMU -icount with
# shift 0 advances the guest clock by 1 ns per guest instruction, the
# same for every run whatever the host does. What the guest then measures
# as nanoseconds are instructions: a cost model, never called time. Wall
# clock stays for KVM, the host (TARGET=, DEVICE=) and for comparison.
#
#   shift 0: 1 ns per instruction, so figures read directly as instruction
#            counts (GB/s = bytes per instruction). A larger shift would
#            only scale them by 2^shift.
#   align=off: do not slow the guest down to host time (nothing to align to).
#   sleep=off: an idle guest jumps to its next timer instead of waiting in
#            host time, so idle periods cost no wall time and no variance.

BENCH_ICOUNT_SHIFT=0
BENCH_ICOUNT_OPTS="shift=$BENCH_ICOUNT_SHIFT,align=off,sleep=off"

# clock_resolve WANTED MODE ACCEL: print the clock to use (icount or wall),
# or fail with a message. WANTED is auto, icount or wall.
clock_resolve() {
	local wanted=$1 mode=$2 accel=$3
	case $wanted in
	auto)
		if [ "$mode" = vm ] && [ "$accel" = tcg ]; then echo icount; else echo wall; fi ;;
	wall) echo wall ;;
	icount)
		if [ "$mode" != vm ]; then
			echo "bench: CLOCK=icount needs the VM: on the host ($mode mode) there is no instruction clock" >&2
			return 1
		fi
		if [ "$accel" != tcg ]; then
			echo "bench: CLOCK=icount needs QEMU's TCG, but this machine boots the guest with $accel (force TCG with CLOCK=icount ACCEL=tcg)" >&2
			return 1
		fi
		echo icount ;;
	*)
		echo "bench: CLOCK is auto, icount or wall, not '$wanted'" >&2
		return 1 ;;
	esac
}

# clock_json CLOCK: the env.json object that says what the figures are.
clock_json() {
	if [ "$1" = icount ]; then
		jq -cn --argjson s "$BENCH_ICOUNT_SHIFT" --arg o "$BENCH_ICOUNT_OPTS" \
			'{mode: "icount", icount_shift: $s, qemu_icount: $o,
			  unit: "instruction-time: 1 ns = 2^shift guest instructions (shift 0: 1 ns = 1 instruction); not time"}'
	else
		jq -cn '{mode: "wall", unit: "wall-clock time"}'
	fi
}
