"""The clock a figure came from, and the unit it may therefore be given.

A run is measured either on the wall clock (KVM, plain TCG, real hardware)
or under QEMU ``-icount shift=0``, where the guest clock advances exactly
1 ns per guest instruction. Under icount every "time" a tool reports is an
instruction count: a deterministic cost model, not time. Calling it ns or
GB/s would mislead, so every section asks this module for a metric's
column name, unit and wording instead of writing units itself.

The numbers are not converted: bytes per ns under icount *are* bytes per
guest instruction, ns per fault *are* instructions per fault.

Which clock: each raw record's ``bench.clock`` ("icount" or "wall"); a
record without one takes env.json's ``clock.mode``; without both it is
wall (runs made before the field existed). A run
whose records disagree is "mixed": its cells are compared only with cells
of the same clock.
"""

WALL, ICOUNT, MIXED = "wall", "icount", "mixed"
CLOCKS = (WALL, ICOUNT)

# metric: (wall column, wall unit, icount column, icount unit)
METRICS = {
    "tput": ("gbps", "GB/s", "bytes_per_insn", "B/insn"),
    "iops": ("iops", "ops/s", "ops_per_ginsn", "ops/Ginsn"),
    "lat_mean": ("lat_mean_ns", "ns", "lat_mean_insns", "insns"),
    "lat_p50": ("lat_p50_ns", "ns", "lat_p50_insns", "insns"),
    "lat_p90": ("lat_p90_ns", "ns", "lat_p90_insns", "insns"),
    "lat_p99": ("lat_p99_ns", "ns", "lat_p99_insns", "insns"),
    "lat_p99_9": ("lat_p99_9_ns", "ns", "lat_p99_9_insns", "insns"),
    "lat_max": ("lat_max_ns", "ns", "lat_max_insns", "insns"),
    "per_fault": ("ns_per_fault", "ns/fault", "insns_per_fault", "insns/fault"),
    "per_page": ("ns_per_page", "ns/page", "insns_per_page", "insns/page"),
}
# Metrics where a smaller number is the better outcome.
LOWER_IS_BETTER = {"lat_mean", "lat_p50", "lat_p90", "lat_p99", "lat_p99_9", "lat_max",
                   "per_fault", "per_page"}


def column(metric, clock):
    """The CSV column of METRIC under CLOCK (wall or icount)."""
    w, _, i, _ = METRICS[metric]
    return i if clock == ICOUNT else w


MIXED_UNIT = "unit as stated per value"


def unit(metric, clock):
    """The unit METRIC is stated in under CLOCK, as the tables print it. A
    mixed run has no one unit: its values carry their own."""
    _, wu, _, iu = METRICS[metric]
    if clock == MIXED:
        return MIXED_UNIT
    return iu if clock == ICOUNT else wu


def display(metric, clock):
    """(unit, scale) for tables: msync cost per page reads better in µs on
    the wall clock; instruction counts are printed as they are."""
    if metric == "per_page" and clock == WALL:
        return "µs/page", 1e-3
    return unit(metric, clock), 1.0


def lower_is_better(metric):
    return metric in LOWER_IS_BETTER


def better_worse(clock):
    """How a favourable and an unfavourable change are worded. Under icount
    nothing is faster or slower: the same work takes fewer or more guest
    instructions."""
    if clock == ICOUNT:
        return "fewer instructions", "more instructions"
    return "faster", "slower"


def clock_label(clock):
    """Short label for chart titles and table headers."""
    if clock == ICOUNT:
        return "icount: guest instructions, not time"
    if clock == MIXED:
        return "mixed clocks"
    return "wall clock"


def tput_axis(clock, context=""):
    """Axis label of a throughput chart; CONTEXT (' touching a fresh
    mapping') goes after the quantity."""
    if clock == ICOUNT:
        return f"bytes per guest instruction{context} (B/insn; icount, not time)"
    if clock == MIXED:
        return f"throughput{context} (GB/s or B/insn: mixed clocks)"
    return f"throughput{context} (GB/s)"


def run_clock(record_clocks, env_clock):
    """The clock of a whole run: the one every record has, else MIXED."""
    s = {c for c in record_clocks if c}
    if not s:
        return env_clock or WALL
    if len(s) == 1:
        return s.pop()
    return MIXED


def env_clock(env):
    """(mode, description) from env.json's "clock" object, or (None, None)
    when the run predates it. An unknown mode is returned as is; load
    reports it."""
    c = env.get("clock") if isinstance(env, dict) else None
    if not isinstance(c, dict):
        return None, None
    mode = c.get("mode")
    desc = None
    if mode == ICOUNT:
        q = c.get("qemu_icount") or f"shift={c.get('icount_shift', 0)}"
        desc = f"QEMU -icount {q}"
    return mode, desc


def header_text(clock, desc=None):
    """The paragraph the summary opens with: which clock, and what its
    figures mean."""
    if clock == ICOUNT:
        how = desc or "QEMU -icount shift=0"
        return (f"> **Clock: icount ({how}).** The guest clock advances 1 ns per guest "
                "instruction, so every figure a tool reports as time is an **instruction "
                "count**: a deterministic cost model of the code path, not time. This summary "
                "therefore gives B/insn (bytes per guest instruction: numerically the "
                "`gbps` field daxwl prints, since 1 ns = 1 instruction), insns/fault, insns/page and insns "
                "for latencies, and says \"fewer/more instructions\" where a wall-clock report "
                "would say faster/slower. Memory traffic, cache-line flushes and fences cost "
                "no instructions here: they are counted apart (event counts) and priced only "
                "by the platform cost model, which is a model. Per-operation figures are exact "
                "means (bytes/elapsed, elapsed/ops); daxwl's latency percentiles are "
                "power-of-two histogram buckets and are not used for them.\n")
    if clock == MIXED:
        return ("> **Clock: mixed.** Some records were measured under QEMU -icount "
                "(instruction counts) and some on the wall clock. Each table states its unit; "
                "cells are only compared with cells of the same clock.\n")
    return ("> **Clock: wall.** Times are what the guest's clock showed while it ran; "
            "under an emulator they move with the host's load, so each comparison below "
            "states the noise it was judged against.\n")
