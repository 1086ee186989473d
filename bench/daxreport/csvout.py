"""results.csv: one row per cell and repetition (rep 0 = traced warm-up).

The figures' columns are named by their unit (units.py): gbps, ns_per_fault
... on the wall clock; bytes_per_insn, insns_per_fault, lat_p50_insns ...
under icount, so that a spreadsheet cannot mistake an instruction count
for time. A mixed run has both sets; each row fills the set of its clock.
Every row says its clock, its own status and its cell's status (a row can
be ok in a cell that is unreadable because another of its records is).
A record the plan says should exist and that is missing gets a row of its
own, status unreadable, naming the file.
Event counts per operation (counts.py) are added to measured repetitions
when the run has them.
"""
import csv
import io
import os

from . import cells as cellsmod
from . import files, units

HEAD = ["kernel", "group", "fs", "access", "device", "set", "cell", "key", "tool",
        "rep", "warmup", "clock", "status", "reason", "cell_status"]
METRICS = ["tput", "membw_ratio", "iops", "lat_p50", "lat_p90", "lat_p99", "lat_p99_9",
           "lat_max", "lat_mean", "per_fault", "faults", "per_page", "pages_per_sync"]
TAIL = ["dax", "map_sync", "trace_pte_fault_done", "trace_pmd_fault_done",
        "trace_pmd_fallback", "trace_pmem_events"]
COUNTS = [("counts_ops", None), ("insns_user_per_op", "insns.user"),
          ("insns_kernel_per_op", "insns.kernel"),
          ("pmem_load_bytes_per_op", "mem.load.pmem.bytes"),
          ("pmem_store_bytes_per_op", "mem.store.pmem.bytes"),
          ("pmem_nt_store_bytes_per_op", "mem.nt_store.pmem.bytes"),
          ("flushes_per_op", "flush.total"), ("fences_per_op", "fence.total")]
END = ["wall_s", "file"]


def metric_columns(clock):
    """[(csv column, metric, clock)]; membw_ratio, faults and pages_per_sync
    are unit-free and appear once."""
    clocks = [units.WALL, units.ICOUNT] if clock == units.MIXED else [clock]
    out = []
    for m in METRICS:
        if m in units.METRICS:
            for c in clocks:
                out.append((units.column(m, c), m, c))
        else:
            out.append((m, m, None))
    return out


def fields(clock, with_counts):
    return (HEAD + [c for c, _, _ in metric_columns(clock)] + TAIL
            + ([c for c, _ in COUNTS] if with_counts else []) + END)


def write(run, rows, cells, clock, with_counts):
    path = os.path.join(run, "results.csv")
    mcols = metric_columns(clock)
    counts_of = {}
    for c in cells.values():
        if c.counts is not None and c.counts.ok:
            for i, rep in enumerate(c.reps):
                counts_of[id(rep)] = (c.counts.ops[i], c.counts.per_op[i])
    rows = rows + [m for c in cells.values() for m in c.missing_rows()]
    rows = sorted(rows, key=lambda r: (cellsmod.kernel_key(r["kernel"]), r["group"],
                                       r.get("cell") or "", r.get("rep") or 0))
    head = fields(clock, with_counts)
    fh = io.StringIO(newline="")
    w = csv.DictWriter(fh, fieldnames=head, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        out = {k: r.get(k) for k in HEAD + TAIL + END}
        c = cells.get((r["kernel"], r["group"], r["cell"]))
        out["cell_status"] = c.status if c else ""
        for col, m, ck in mcols:
            if ck is None or ck == r.get("clock") or (r.get("clock") is None and ck == clock):
                out[col] = r.get(m)
        if with_counts and id(r) in counts_of:
            ops, per = counts_of[id(r)]
            out["counts_ops"] = ops
            for col, k in COUNTS[1:]:
                out[col] = per.get(k)
        w.writerow({k: ("" if out.get(k) is None else out[k]) for k in head})
    files.write_atomic(path, fh.getvalue())
    return len(rows)
