"""Rows -> cells: one (kernel, group, cell) with its warm-up, its measured
repetitions and one status that every section obeys.

Status, in order of precedence:

    unreadable   a record of the cell is unreadable (load.py), missing
                 (plan.env says how many there should be), or its records
                 disagree on the clock: no figure of the cell is used
    unsupported  the tool said the kernel/file system cannot do it
    ok           warm-up and every repetition ran
    partial      some measured repetitions ran, some failed (or the
                 warm-up, which holds the trace counters, failed)
    failed       nothing usable

Tables show ok and partial cells (partial marked); comparisons and answers
take only ok cells, so no answer comes from a partial cell.
"""
from . import keys
from . import load as loadmod
from . import stats

KERNEL_ORDER = {"stock": 0, "patched": 1, "host": 2}


def kernel_key(k):
    return (KERNEL_ORDER.get(k, 9), k)


def membw_kind(key):
    """Which membw figure a cell is a fraction of (keys.py says why)."""
    if "read" in key:
        return keys.MEMBW_READ
    if key.startswith(keys.NT_PREFIXES):
        return keys.MEMBW_NT
    return keys.MEMBW_MEMCPY


class Cell:
    def __init__(self, kernel, group, cell):
        self.kernel, self.group, self.cell = kernel, group, cell
        self.reps, self.warm = [], None
        self.missing = []       # record files plan.env says should exist
        self.counts = None      # counts.CellCounts, joined later
        self.planned = None     # the plan's line, for a cell with no record
        self.run_clock = None   # the whole run's clock (units.MIXED: say units per value)

    def runs(self):
        return ([self.warm] if self.warm else []) + self.reps

    def attr(self, k):
        for r in self.runs():
            if r.get(k) not in (None, ""):
                return r[k]
        return (self.planned or {}).get(k)

    @property
    def clock(self):
        cs = {r.get("clock") for r in self.runs() if r.get("clock")}
        return cs.pop() if len(cs) == 1 else None

    def unreadable_files(self):
        return [r["file"] for r in self.runs() if r.get("status") == "unreadable"] + self.missing

    def missing_rows(self):
        """A CSV row for each record that should exist and does not, so that
        the CSV names the file as the summary does."""
        out = []
        for f in self.missing:
            parts = loadmod.split_name(f)
            rep = parts[3] if parts else None
            row = {"kernel": self.kernel, "group": self.group, "cell": self.cell, "rep": rep,
                   "warmup": rep == 0 if rep is not None else None, "status": "unreadable",
                   "reason": f"missing raw record {f}", "file": f, "clock": None}
            for k in ("fs", "access", "device", "set", "key", "tool"):
                row[k] = self.attr(k)
            out.append(row)
        return out

    @property
    def status(self):
        runs = self.runs()
        if self.missing or any(r.get("status") == "unreadable" for r in runs):
            return "unreadable"
        if len({r.get("clock") for r in runs}) > 1 or not runs:
            return "unreadable"
        st = [r["status"] for r in runs]
        if any(s == "unsupported" for s in st):
            return "unsupported"
        if st and all(s == "ok" for s in st):
            return "ok"
        if any(r["status"] == "ok" for r in self.reps):
            return "partial"
        return "failed"

    @property
    def reason(self):
        if self.status == "unreadable":
            bits = [r["reason"] for r in self.runs() if r.get("status") == "unreadable"]
            bits += [f"missing raw record {f}" for f in self.missing]
            if not bits:
                bits = ["its records disagree on the clock ("
                        + ", ".join(sorted({str(r.get('clock')) for r in self.runs()})) + ")"]
            return "; ".join(bits)
        for r in self.runs():
            if r and r.get("status") != "ok" and r.get("reason"):
                return r["reason"]
        return ""

    @property
    def usable(self):
        """May tables show its numbers?"""
        return self.status in ("ok", "partial")

    @property
    def complete(self):
        """May comparisons and answers use it?"""
        return self.status == "ok"

    def values(self, metric):
        """The measured repetitions' values of METRIC (never the warm-up)."""
        if not self.usable:
            return []
        return [r[metric] for r in self.reps
                if r.get("status") == "ok" and loadmod.is_num(r.get(metric))]

    def stat(self, metric):
        v = self.values(metric)
        if not v:
            return None
        q1, med, q3 = stats.quartiles(v)
        return {"median": med, "q1": q1, "q3": q3, "iqr": q3 - q1, "n": len(v),
                "min": min(v), "max": max(v), "spread": stats.spread(v)}

    def value(self, metric):
        s = self.stat(metric)
        return s["median"] if s else None

    def trace(self):
        """The warm-up's trace counters, or None (no tracing, or warm-up
        not usable): never a made-up zero."""
        w = self.warm
        if not w or w.get("status") != "ok" or not w.get("trace"):
            return None
        return w


def build(rows, reps=None, warmup=None, plan=None):
    """Group rows into cells. With REPS/WARMUP from plan.env, a cell that
    lacks one of the records it should have is unreadable; with PLAN
    (plan.tsv), so is a planned cell with no record at all, and rows that
    cannot say what their cell is (unreadable ones) take it from the plan."""
    cells = {}
    plan = plan or {}
    for r in rows:
        p = plan.get((r["group"], r["cell"]))
        if p and r.get("status") == "unreadable":
            for k in ("fs", "access", "device", "set", "key", "tool"):
                if not r.get(k):
                    r[k] = p[k]
        k = (r["kernel"], r["group"], r["cell"])
        c = cells.setdefault(k, Cell(*k))
        if r.get("warmup") or r.get("rep") == 0:
            c.warm = r
        else:
            c.reps.append(r)
    kernels = {k for k, _, _ in cells}
    for k in kernels:
        for (g, name), p in plan.items():
            if (k, g, name) not in cells:
                c = cells[(k, g, name)] = Cell(k, g, name)
                c.planned = p
                if not reps:
                    c.missing.append(f"{k}__{g}__{name}__*.json")
    for c in cells.values():
        c.reps.sort(key=lambda r: r.get("rep") or 0)
        if reps:
            want = set(range(1, reps + 1)) | ({0} if warmup else set())
            have = {r.get("rep") for r in c.runs()}
            for n in sorted(want - have):
                c.missing.append(f"{c.kernel}__{c.group}__{c.cell}__{n}.json")
    return cells


def add_membw_ratios(rows, cells):
    """membw_ratio: the run's throughput over the median membw figure of
    the same kernel (the same boot)."""
    ref = {}
    for c in cells.values():
        if c.group == keys.RAM_GROUP and c.complete and c.value("tput"):
            ref[(c.kernel, c.attr("key"))] = c.value("tput")
    for r in rows:
        kind = membw_kind(r.get("key") or "")
        d = ref.get((r["kernel"], kind))
        if d and loadmod.is_num(r.get("tput")) and r.get("group") != keys.RAM_GROUP:
            r["membw_ratio"] = r["tput"] / d
            r["membw_ref"] = kind
    return ref


def ordered(cells):
    """Cells sorted by kernel, group, cell."""
    return sorted(cells.values(), key=lambda c: (kernel_key(c.kernel), c.group, c.cell))
