"""Event counts from the QEMU counting plugin, joined to cells.

The run directory may hold ``counts-KERNEL.jsonl`` (KERNEL = stock,
patched, ...), written by the pmcount plugin (crashtest/qemu/README.md,
"Record"): one JSON object per closed window, in order. window_counters()
is the one place that knows the record's shape; it reads the plugin's
record and, for older fixtures, the draft it was written against:

    pmcount: {"window": 0, "label": "ext4-dax-pmem__fault-write-pmd__m",
      "mark_id": 0, "ops": 4096, "unit": "fault", "bytes": "exact",
      "insns": N, "loads": N, "stores": N, "clwb": N, "clflushopt": N,
      "clflush": N, "sfence": N, "mfence": N, "lfence": N, "locked": N,
      "ntstores": N, "load_bytes_pmem": N, "load_bytes_dram": N,
      "store_bytes_pmem": N, "store_bytes_dram": N, "nt_bytes_pmem": N,
      "nt_bytes_dram": N, "user": {the same 17}, "kernel": {the same 17},
      "functions": {"dax_iomap_pmd_fault": [insns, calls], ...} or null,
      "kernel_other_insns": N, "protocol_errors": N}

    draft: {"window", "label", "mark_id", "ops", "unit",
      "insns": {"user": N, "kernel": N},
      "mem": {"load": {"pmem": {"n": N, "bytes": N}, "dram": {...}},
              "store": {...}, "nt_store": {...}},
      "flush": {"clwb", "clflushopt", "clflush"},
      "fence": {"sfence", "mfence", "lfence", "locked"},
      "functions": {...}, "errors": N}

Labels are GROUP__CELL__w for the traced warm-up run and GROUP__CELL__m
for the process that runs the measured repetitions; the windows under an
__m label are repetitions 1..n in order. Warm-up windows are read (and
must be readable) but not used: tracing was on. Windows with no label or
a label of another shape are not the bench's: they are noted and skipped.

Per cell the report divides each measured window's counters by its ops
(the tool's operations of that repetition; the plugin's 0 = unknown falls
back to the tool's own count): per-operation counts, one value per
repetition, so that the same significance rule as for timings applies to
them. Under icount they should agree within 0.5 % across repetitions; a
cell whose do not is flagged. Byte counts the plugin marks "partial" (a
lower bound) or "off" are left out, so nothing is computed from them. As
with raw records, nothing is taken from damaged data: a line that is not
a record, a window with protocol errors, or a different number of
windows than repetitions makes that cell's counts unreadable (with the
file and line named), and a damaged line that names no window makes the
whole file unusable.
"""
import glob
import os
import re

from . import files, stats

LABEL_RE = re.compile(r'"label"\s*:\s*"([^"]*)"')
# Per-op counters whose repetitions must agree within stats.COUNT_AGREEMENT.
# Counters whose per-op values must repeat (stats.COUNT_AGREEMENT). The
# total, not user and kernel apart: a membw op has about 100 kernel
# instructions (timer ticks) against 10^5 in user space, and their relative
# spread says nothing about the cell. Counters below one per op (a fence
# of a timer tick in a copy loop) are not judged either.
CHECKED = ("insns.total", "mem.bytes", "flush.total", "fence.total")
CHECK_MIN_PER_OP = 1.0
MEM_KINDS = ("load", "store", "nt_store")
FLUSHES = ("clwb", "clflushopt", "clflush")
FENCES = ("sfence", "mfence", "lfence", "locked")
# pmcount's byte counters: (kind, place) -> key
PMC_BYTES = {("load", "pmem"): "load_bytes_pmem", ("load", "dram"): "load_bytes_dram",
             ("store", "pmem"): "store_bytes_pmem", ("store", "dram"): "store_bytes_dram",
             ("nt_store", "pmem"): "nt_bytes_pmem", ("nt_store", "dram"): "nt_bytes_dram"}


def _num(x, what):
    if not isinstance(x, (int, float)) or isinstance(x, bool) or x < 0:
        raise ValueError(f"{what} is not a count ({x!r})")
    return x


def _totals(c):
    """The sums every section uses, from the per-kind counters."""
    if any(k.startswith("mem.") and k.endswith(".bytes") for k in c):
        places = {}
        for kind in MEM_KINDS:
            for place in ("pmem", "dram"):
                by = c.get(f"mem.{kind}.{place}.bytes", 0)
                places[place] = places.get(place, 0) + by
        c["mem.bytes"] = sum(places.values())
        for place, by in places.items():
            c[f"mem.{place}.bytes"] = by
    if "flush.clwb" in c:
        c["flush.total"] = sum(c[f"flush.{k}"] for k in FLUSHES)
    if "fence.sfence" in c:
        c["fence.total"] = c["fence.sfence"] + c["fence.mfence"]
    c["insns.total"] = c["insns.user"] + c["insns.kernel"]
    return c


def _functions(fns, c):
    if fns is None:
        return
    if not isinstance(fns, dict):
        raise ValueError("functions is not an object")
    for name, v in fns.items():
        if not isinstance(v, (list, tuple)) or len(v) != 2:
            raise ValueError(f"functions.{name} is not [insns, calls]")
        c[f"fn.{name}.insns"] = _num(v[0], f"functions.{name} insns")
        c[f"fn.{name}.calls"] = _num(v[1], f"functions.{name} calls")


def _from_pmcount(w, c, meta):
    user, kern = w.get("user"), w.get("kernel")
    if not isinstance(user, dict) or not isinstance(kern, dict):
        raise ValueError("record has no user/kernel split")
    c["insns.user"] = _num(user.get("insns"), "user.insns")
    c["insns.kernel"] = _num(kern.get("insns"), "kernel.insns")
    if _num(w.get("insns"), "insns") != c["insns.user"] + c["insns.kernel"]:
        raise ValueError("insns is not user.insns + kernel.insns")
    for k in FLUSHES:
        c[f"flush.{k}"] = _num(w.get(k), k)
    for k in FENCES:
        c[f"fence.{k}"] = _num(w.get(k), k)
    for k in ("loads", "stores", "ntstores"):
        c[f"mem.{k}"] = _num(w.get(k), k)
    meta["bytes"] = w.get("bytes", "exact")
    if meta["bytes"] not in ("exact", "partial", "off"):
        raise ValueError(f"bytes is {meta['bytes']!r}")
    if meta["bytes"] == "exact":
        for (kind, place), key in PMC_BYTES.items():
            c[f"mem.{kind}.{place}.bytes"] = _num(w.get(key), key)
    _functions(w.get("functions"), c)
    if w.get("kernel_other_insns") is not None:
        c["insns.kernel_other"] = _num(w["kernel_other_insns"], "kernel_other_insns")
    meta["errors"] = _num(w.get("protocol_errors", 0), "protocol_errors")


def _from_draft(w, c, meta):
    ins = w["insns"]
    c["insns.user"] = _num(ins.get("user"), "insns.user")
    c["insns.kernel"] = _num(ins.get("kernel"), "insns.kernel")
    mem = w.get("mem")
    if mem is not None:
        if not isinstance(mem, dict):
            raise ValueError("mem is not an object")
        for kind in MEM_KINDS:
            per = mem.get(kind) or {}
            if not isinstance(per, dict):
                raise ValueError(f"mem.{kind} is not an object")
            for place, v in per.items():
                if not isinstance(v, dict):
                    raise ValueError(f"mem.{kind}.{place} is not an object")
                c[f"mem.{kind}.{place}.bytes"] = _num(v.get("bytes", 0),
                                                      f"mem.{kind}.{place}.bytes")
    for part, keys in (("flush", FLUSHES), ("fence", FENCES)):
        sec = w.get(part)
        if sec is None:
            continue
        if not isinstance(sec, dict):
            raise ValueError(f"{part} is not an object")
        for k in keys:
            c[f"{part}.{k}"] = _num(sec.get(k, 0), f"{part}.{k}")
    _functions(w.get("functions"), c)
    meta["errors"] = _num(w.get("errors", 0), "errors")


def window_counters(w):
    """THE mapping from one plugin record to flat counters. Returns
    (meta, counters): meta = {label, ops, unit, window, errors, bytes};
    counters = {"insns.user", "insns.kernel", "insns.total",
    "mem.load.pmem.bytes", ..., "mem.nt_store.dram.bytes", "mem.bytes",
    "mem.pmem.bytes", "mem.dram.bytes", "flush.clwb", "flush.clflushopt",
    "flush.clflush", "flush.total", "fence.sfence", "fence.mfence",
    "fence.lfence", "fence.locked", "fence.total" (sfence + mfence: the
    explicit fences), "fn.NAME.insns", "fn.NAME.calls"}. ops 0 means
    unknown (join() takes the tool's). Raises ValueError on anything that
    does not fit; counters the record does not have (bytes off or
    partial, no System.map) are absent and shown as n/a."""
    if not isinstance(w, dict):
        raise ValueError("window is not a JSON object")
    label = w.get("label")
    if not isinstance(label, str):
        raise ValueError("window has no label")
    meta = {"label": label, "ops": _num(w.get("ops"), "ops"), "unit": w.get("unit") or "op",
            "window": w.get("window"), "errors": 0, "bytes": "exact"}
    c = {}
    if isinstance(w.get("insns"), dict):
        _from_draft(w, c, meta)
    else:
        _from_pmcount(w, c, meta)
    return meta, _totals(c)


def split_label(label):
    """'GROUP__CELL__m' -> (group, cell, 'm') or None."""
    parts = label.split("__")
    if len(parts) != 3 or parts[2] not in ("w", "m"):
        return None
    return parts[0], parts[1], parts[2]


class KernelCounts:
    """One counts-KERNEL.jsonl: measured windows per (group, cell), in order."""

    def __init__(self, kernel, path):
        self.kernel, self.path = kernel, path
        self.name = os.path.basename(path)
        self.measured = {}      # (group, cell) -> [(line, meta, counters)]
        self.damaged = {}       # (group, cell) -> reason
        self.fatal = None       # the whole file is unusable: why
        self.labels = set()     # (group, cell) of every window
        self.foreign = 0        # windows with no or another kind of label

    def read(self):
        try:
            lines = files.read_text(self.path).split("\n")
        except (OSError, UnicodeDecodeError) as e:
            self.fatal = f"{self.name}: cannot be read ({e})"
            return self
        if lines and lines[-1] == "":
            lines.pop()
        for no, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{self.name} line {no}"
            rec = None
            try:
                rec = files.loads(line)
                meta, ctr = window_counters(rec)
            except ValueError as e:
                lab = rec.get("label") if isinstance(rec, dict) else None
                if not isinstance(lab, str):
                    m = LABEL_RE.search(line)
                    lab = m.group(1) if m else None
                lab = split_label(lab) if lab else None
                if lab is None:
                    self.fatal = (f"{where} is cut or garbled and names no window ({e}): "
                                  f"no count of this kernel is used")
                    continue
                self.damaged.setdefault(lab[:2], f"{where}: {e}")
                self.labels.add(lab[:2])
                continue
            lab = split_label(meta["label"])
            if lab is None:
                self.foreign += 1
                continue
            g, c, phase = lab
            self.labels.add((g, c))
            if meta["errors"]:
                self.damaged.setdefault((g, c), f"{where}: the plugin reported "
                                                 f"{meta['errors']} protocol errors")
            if phase == "m":
                self.measured.setdefault((g, c), []).append((no, meta, ctr))
        return self


class CellCounts:
    """Per-operation counts of one cell, one value per measured repetition."""

    def __init__(self, kernel, group, cell, source):
        self.kernel, self.group, self.cell = kernel, group, cell
        self.source = source
        self.status = "ok"
        self.reason = ""
        self.unit = "op"
        self.ops = []
        self.raw = []           # per repetition: {counter: count}
        self.per_op = []        # per repetition: {counter: count / ops}
        self.flags = []         # (counter, spread) beyond COUNT_AGREEMENT
        self.notes = []

    @property
    def ok(self):
        return self.status == "ok"

    def values(self, counter):
        """Per-op values over the repetitions that have the counter: byte
        counters exist only in windows whose bytes are exact (under
        bench/run, the first measured window of a cell; the deterministic
        clock makes the others repeat it)."""
        return [p[counter] for p in self.per_op if p.get(counter) is not None]

    def values_per(self, counter, divisors):
        """counter / divisor per repetition (divisors: one per repetition)."""
        if not self.raw or len(divisors) != len(self.raw):
            return []
        out = []
        for r, d in zip(self.raw, divisors):
            if not d:
                return []
            if r.get(counter) is not None:
                out.append(r[counter] / d)
        return out

    def median(self, counter):
        v = self.values(counter)
        return stats.median(v) if v else None

    def functions(self):
        names = set()
        for p in self.per_op:
            names |= {k[3:-6] for k in p if k.startswith("fn.") and k.endswith(".insns")}
        return sorted(names)

    def fn_values(self, name, what="insns"):
        """Per-op values of a function; a repetition that never entered it
        counts 0 (absent from its window)."""
        if not self.per_op:
            return []
        return [p.get(f"fn.{name}.{what}", 0) for p in self.per_op]

    def finish(self):
        self.per_op = [{k: v / ops for k, v in r.items()} for r, ops in zip(self.raw, self.ops)]
        for k in CHECKED:
            v = self.values(k)
            if len(v) >= 2 and stats.median(v) >= CHECK_MIN_PER_OP:
                s = stats.spread(v)
                if s is not None and s > stats.COUNT_AGREEMENT:
                    self.flags.append((k, s))


def read_all(run):
    """{kernel: KernelCounts} for every counts-*.jsonl of RUN."""
    out = {}
    for f in sorted(glob.glob(os.path.join(run, "counts-*.jsonl"))):
        k = os.path.basename(f)[len("counts-"):-len(".jsonl")]
        out[k] = KernelCounts(k, f).read()
    return out


def join(cells, by_kernel):
    """Attach CellCounts to cells (cell.counts). Returns a list of problems
    that make the report exit non-zero (unreadable counts) and a list of
    notes (windows for no known cell)."""
    problems, notes = [], []
    for k, kc in by_kernel.items():
        if kc.fatal:
            problems.append(kc.fatal)
        known = set()
        for c in cells.values():
            if c.kernel != k:
                continue
            key = (c.group, c.cell)
            known.add(key)
            if key not in kc.labels and not kc.fatal:
                continue
            cc = CellCounts(k, c.group, c.cell, kc.name)
            c.counts = cc
            wins = kc.measured.get(key, [])
            if kc.fatal:
                cc.status, cc.reason = "unreadable", kc.fatal
            elif key in kc.damaged:
                cc.status, cc.reason = "unreadable", kc.damaged[key]
            elif not c.complete:
                cc.status, cc.reason = "unused", f"the cell is {c.status}"
                continue
            elif len(wins) != len(c.reps):
                cc.status = "unreadable"
                cc.reason = (f"{kc.name}: {len(wins)} measured windows for "
                             f"{len(c.reps)} repetitions of {c.group}__{c.cell}")
            if cc.status == "unreadable":
                if not kc.fatal:
                    problems.append(f"counts of {k} {c.group} {c.cell} unreadable: {cc.reason}")
                continue
            units_ = {m["unit"] for _, m, _ in wins}
            cc.unit = units_.pop() if len(units_) == 1 else "op"
            differ, unknown, partial = [], 0, 0
            for (no, meta, ctr), rep in zip(wins, c.reps):
                ops, tool_ops = meta["ops"], rep.get("ops")
                if not ops:
                    unknown += 1
                    ops = tool_ops if isinstance(tool_ops, (int, float)) else 0
                elif isinstance(tool_ops, (int, float)) and tool_ops != ops:
                    differ.append((ops, tool_ops))
                if not ops:
                    cc.status = "unreadable"
                    cc.reason = f"{kc.name} line {no}: the window's ops are unknown (0)"
                    break
                if meta["bytes"] != "exact":
                    # "off" (the plugin counts bytes in the first window
                    # after a mark only) or "partial" (a lower bound): this
                    # window gives no byte figure; the others still do.
                    partial += 1
                    ctr = {key: v for key, v in ctr.items()
                           if not (key.startswith("mem.") and "bytes" in key)}
                cc.ops.append(ops)
                cc.raw.append(ctr)
            if cc.status == "unreadable":
                problems.append(f"counts of {k} {c.group} {c.cell} unreadable: {cc.reason}")
                continue
            if partial == len(wins):
                cc.notes.append("no window has exact byte counts (the plugin's \"bytes\"): "
                                "no byte figure is used")
            elif partial and not (wins[0][1]["bytes"] == "exact" and
                                  all(m["bytes"] == "off" for _, m, _ in wins[1:])):
                # Exact bytes in the first window and "off" in the rest is
                # what bench/run asks for (mem=first): nothing to say.
                cc.notes.append(f"byte figures come from {len(wins) - partial} of {len(wins)} "
                                "windows (the others count no bytes or a lower bound)")
            if unknown:
                cc.notes.append(f"{unknown} windows give ops 0 (unknown): the tool's count is used")
            if differ:
                cc.notes.append(f"in {len(differ)} of {len(wins)} repetitions the window counts "
                                f"{differ[0][0]} {cc.unit}s where the tool counts {differ[0][1]} "
                                "ops (per-op tables use the window's, answers the tool's)")
            cc.finish()
        silent = [c for c in cells.values() if c.kernel == k and c.complete
                  and c.counts is None]
        if silent and not kc.fatal:
            notes.append(f"{kc.name}: no windows for {len(silent)} complete cells (e.g. "
                         f"{silent[0].group} {silent[0].cell}): they have no counts")
        if kc.foreign:
            notes.append(f"{kc.name}: {kc.foreign} windows without a GROUP__CELL__w|m label "
                         "were skipped")
        for key in sorted(kc.labels - known):
            notes.append(f"{kc.name}: windows for {key[0]}__{key[1]}, which is no cell of "
                         f"kernel {k}")
    return problems, notes
