"""A platform cost model: counted events x published per-event costs.

Under icount the bench measures instructions; a flush-heavy path (msync:
one clwb per dirty 64 B line, then a fence that waits for them) and an
instruction-heavy path (a fault walking page tables) cost the same per
instruction there, and very differently on real persistent memory. This
module prices the event counts (counts.py) with the parameters of one
platform file, bench/platforms/NAME.model, to show that difference. It is
a MODEL: every number in it comes from a paper or is marked an estimate
in the file, and it ignores caches, overlap and contention except as
described here.

Per operation, with counts per op from the plugin:

    cpu    = insns x ns_per_insn
    memory = sum over place (pmem, dram) of
               load bytes/64 x P_load_64b_ns + store bytes/64 x P_store_64b_ns
             + nt_store bytes/64 x P_ntstore_64b_ns
             (streaming: each 64 B costs the device's time per line at its
             bandwidth; load latency is assumed hidden by prefetch, and a
             cached store pays its eventual write-back here, once)
    flush  = clwb x clwb_ns + clflushopt x clflushopt_ns + clflush x clflush_ns
             (issue cost; the line's write-back is in memory)
    fence  = sfence x sfence_ns + mfence x mfence_ns + lfence x lfence_ns
             + locked x locked_ns
             + min(F, L) x drain_ns
             where F = sfence + mfence + locked (the draining fences of the
             x86 persistency rules) and L = pmem lines outstanding =
             clwb + clflushopt + clflush + pmem nt_store bytes/64: a fence
             that drains k >= 1 outstanding lines waits one persist latency
             (drain_ns) for the last of them to reach the persistence
             domain; their bandwidth is already in memory. With F fences
             and L lines per operation, min(F, L) fences are assumed to
             wait (k = L/F lines each).
"""
import glob
import os

KEYS = ("ns_per_insn",
        "pmem_load_64b_ns", "pmem_store_64b_ns", "pmem_ntstore_64b_ns",
        "dram_load_64b_ns", "dram_store_64b_ns", "dram_ntstore_64b_ns",
        "clwb_ns", "clflushopt_ns", "clflush_ns",
        "sfence_ns", "mfence_ns", "lfence_ns", "locked_ns", "drain_ns")
PLACES = ("pmem", "dram")


class Platform:
    def __init__(self, name, path):
        self.name, self.path = name, path
        self.title = name
        self.p = {}
        self.sources = {}

    def __getitem__(self, k):
        return self.p[k]


def parse(path):
    """One .model file -> Platform. Format: 'KEY VALUE  # source' lines,
    '#' comments, and 'title TEXT'. Raises ValueError naming the line for
    an unknown key, a bad number or a missing key."""
    name = os.path.basename(path)[:-len(".model")]
    pl = Platform(name, path)
    with open(path) as fh:
        for no, line in enumerate(fh, 1):
            body, _, comment = line.partition("#")
            body = body.strip()
            if not body:
                continue
            key, _, val = body.partition(" ")
            val = val.strip()
            if key == "title":
                pl.title = val
                continue
            if key not in KEYS:
                raise ValueError(f"{name}.model:{no}: unknown key {key!r}")
            try:
                v = float(val)
            except ValueError:
                raise ValueError(f"{name}.model:{no}: {key}: {val!r} is not a number") from None
            if v < 0:
                raise ValueError(f"{name}.model:{no}: {key} is negative")
            pl.p[key] = v
            pl.sources[key] = comment.strip()
    missing = [k for k in KEYS if k not in pl.p]
    if missing:
        raise ValueError(f"{name}.model: missing {', '.join(missing)}")
    return pl


def load_all(directory):
    """Every NAME.model in DIRECTORY -> ([Platform], [problem])."""
    out, probs = [], []
    for f in sorted(glob.glob(os.path.join(directory, "*.model"))):
        try:
            out.append(parse(f))
        except (OSError, ValueError) as e:
            probs.append(str(e))
    return out, probs


def cost(per_op, pl):
    """Modelled ns per operation from per-op counters (counts.window_counters
    names) -> {"cpu", "memory", "flush", "fence", "total"}, or None when
    the instructions, flushes or fences were not counted. Without byte
    counts (the plugin's mem=off, or not exact) memory and total are None:
    a model that silently priced memory at zero would flatter the path."""
    if any(per_op.get(k) is None for k in ("insns.total", "flush.total", "fence.total")):
        return None
    g = per_op.get
    cpu = g("insns.total") * pl["ns_per_insn"]
    mem = 0.0
    for place in PLACES:
        mem += g(f"mem.load.{place}.bytes", 0) / 64 * pl[f"{place}_load_64b_ns"]
        mem += g(f"mem.store.{place}.bytes", 0) / 64 * pl[f"{place}_store_64b_ns"]
        mem += g(f"mem.nt_store.{place}.bytes", 0) / 64 * pl[f"{place}_ntstore_64b_ns"]
    fl = (g("flush.clwb", 0) * pl["clwb_ns"] + g("flush.clflushopt", 0) * pl["clflushopt_ns"]
          + g("flush.clflush", 0) * pl["clflush_ns"])
    fences = g("fence.sfence", 0) + g("fence.mfence", 0) + g("fence.locked", 0)
    lines = (g("flush.clwb", 0) + g("flush.clflushopt", 0) + g("flush.clflush", 0)
             + g("mem.nt_store.pmem.bytes", 0) / 64)
    fe = (g("fence.sfence", 0) * pl["sfence_ns"] + g("fence.mfence", 0) * pl["mfence_ns"]
          + g("fence.lfence", 0) * pl["lfence_ns"] + g("fence.locked", 0) * pl["locked_ns"]
          + min(fences, lines) * pl["drain_ns"])
    if per_op.get("mem.bytes") is None:
        return {"cpu": cpu, "memory": None, "flush": fl, "fence": fe, "total": None}
    return {"cpu": cpu, "memory": mem, "flush": fl, "fence": fe,
            "total": cpu + mem + fl + fe}


def cost_median(cc, pl):
    """The median over a cell's repetitions of the modelled ns per op."""
    totals = [cost(p, pl) for p in cc.per_op]
    if not totals or any(t is None or t["total"] is None for t in totals):
        return next((t for t in totals if t), None)
    totals.sort(key=lambda t: t["total"])
    return totals[len(totals) // 2] if len(totals) % 2 else {
        k: (totals[len(totals) // 2 - 1][k] + totals[len(totals) // 2][k]) / 2 for k in totals[0]}
