"""Sections built on the counting plugin's event counts: where the
instructions go (per cell, and what changed between the kernels), the
exact answers (faults, msync, reads, dm) and the platform cost model.

Per-operation counts come in two flavours. The generic tables divide by
the window's own ops (counts.py, "per op" in the window's unit). The
answers divide by what the tool says it did in that repetition (the raw
record): per fault (daxwl's fault count), per 2 MiB touched, per msync
call, per byte read, per I/O: those are the questions' units, and they do
not depend on what the plugin chose to call an op.
"""
from .. import keys, model, stats, units
from ..text import fcount, fnoise, table, verdict

TWO_MIB = 2 * 1024 * 1024
LINES_2M = TWO_MIB // 64        # 32768 cache lines in a 2 MiB entry
TOP = 8
# The fault handlers whose calls per 2 MiB the fault answer states, where the
# kernel has them as functions (static ones may be inlined into a caller).
FAULT_FNS = ("dax_iomap_fault", "dax_iomap_pte_fault", "dax_iomap_pmd_fault",
             "ext2_dax_fault", "ext2_dax_huge_fault", "ext4_dax_huge_fault",
             "__xfs_filemap_fault", "xfs_filemap_huge_fault")


def plural(n, word):
    return f"{fcount(n)} {word}" + ("" if n == 1 else "s")


def counted(c):
    return c is not None and c.complete and c.counts is not None and c.counts.ok


def divisors(c, kind):
    """One divisor per measured repetition, from the tool's own record."""
    out = []
    for r in c.reps:
        if kind == "op":
            v = r.get("ops")
        elif kind == "byte":
            v = r.get("bytes")
        elif kind == "fault":
            v = r.get("faults")
        elif kind == "2m":
            v = (r.get("bytes") or 0) / TWO_MIB
        else:
            raise ValueError(kind)
        out.append(v)
    return out


def per(c, counter, kind):
    """Per-repetition values of COUNTER per KIND ('window' = the window's ops)."""
    if not counted(c):
        return []
    if kind == "window":
        return c.counts.values(counter)
    return c.counts.values_per(counter, divisors(c, kind))


def med(xs):
    return stats.median(xs) if xs else None


def spread_text(cc):
    v = cc.values("insns.total")
    t = fnoise((stats.spread(v) if v else None) or 0.0)
    if cc.flags:
        t += " **disagree: " + ", ".join(f"{k} {fnoise(s)}" for k, s in cc.flags) + "**"
    return t


def where(ctx):
    out = ["## Where the instructions go\n"]
    if not ctx.counts:
        out.append("No event counts in this run (no counts-KERNEL.jsonl: they come from the "
                   "QEMU counting plugin, which counts guest instructions by privilege level "
                   "and kernel function, memory accesses by kind and place, cache-line flushes "
                   "and fences in each measured window).\n")
        return out
    rows = []
    for c in sorted(ctx.cells.values(),
                    key=lambda c: (c.kernel != "stock", c.kernel, c.group, c.cell)):
        cc = c.counts
        if cc is None:
            continue
        if not cc.ok:
            rows.append([c.kernel, c.group, c.cell, "—", "—", "—", cc.status, cc.reason])
            continue
        fns = sorted(cc.functions(), key=lambda f: -(med(cc.fn_values(f)) or 0))[:TOP]
        top = "; ".join(f"{f} {fcount(med(cc.fn_values(f)))} "
                        f"({fcount(med(cc.fn_values(f, 'calls')))} calls)" for f in fns)
        rows.append([c.kernel, c.group, c.cell, cc.unit, fcount(cc.median("insns.user")),
                     fcount(cc.median("insns.kernel")), spread_text(cc), top or "—"])
    out.append("Event counts of the measured windows (QEMU counting plugin), divided by the "
               "window's operations: one value per repetition, the median shown. \"spread\" is "
               "the (max - min)/median of all instructions per op over the repetitions; under "
               f"icount they should agree within {stats.COUNT_AGREEMENT * 100:.1f} % and cells "
               "where a counter (instructions, bytes, flushes, fences; those above one per op) "
               "does not are marked. Functions: the kernel functions "
               f"with the most instructions per op (top {TOP}): instructions executed in the "
               "function's own code (not its callees) and calls (entries at its address), per "
               "op.\n")
    out.append(table(["kernel", "group", "cell", "per", "user insns/op", "kernel insns/op",
                      "spread", "top kernel functions: insns/op (calls/op)"], rows))
    out += changed(ctx)
    out += exact(ctx)
    notes = ctx.count_notes + [f"{c.kernel} {c.group} {c.cell}: {n}" for c in ctx.cells.values()
                               if c.counts is not None for n in c.counts.notes]
    if notes:
        out.append("\nNotes on the counts:\n")
        out += [f"- {n}" for n in notes[:20]]
        if len(notes) > 20:
            out.append(f"- ... and {len(notes) - 20} more")
        out.append("")
    return out


def changed(ctx):
    """Stock against patched: the functions whose per-op instructions or
    calls changed beyond the noise, with exact numbers."""
    out = ["\n### Stock against patched: what changed per operation\n"]
    rows = []
    for s in sorted((c for c in ctx.cells.values() if c.kernel == "stock"),
                    key=lambda c: (c.group, c.cell)):
        p = ctx.get("patched", s.group, s.cell)
        if not (counted(s) and counted(p)):
            continue
        items = []
        for k, label in (("insns.kernel", "(kernel total)"), ("insns.user", "(user total)")):
            cmp = stats.compare(s.counts.values(k), p.counts.values(k))
            if cmp.is_result:
                items.append((label, cmp, None))
        for f in sorted(set(s.counts.functions()) | set(p.counts.functions())):
            ci = stats.compare(s.counts.fn_values(f), p.counts.fn_values(f))
            cc = stats.compare(s.counts.fn_values(f, "calls"), p.counts.fn_values(f, "calls"))
            if ci.is_result or cc.is_result or \
                    (ci.kind == stats.NA and (ci.med_a or 0) != (ci.med_b or 0)):
                items.append((f, ci, cc))
        items.sort(key=lambda x: -abs((x[1].med_b or 0) - (x[1].med_a or 0)))
        for name, ci, cc in items[:12]:
            d = (ci.med_b or 0) - (ci.med_a or 0)
            rows.append([s.group, s.cell, name, fcount(ci.med_a), fcount(ci.med_b),
                         f"{d:+,.1f}" if abs(d) < 100 else f"{d:+,.0f}",
                         fcount(cc.med_a) if cc else "", fcount(cc.med_b) if cc else ""])
        if len(items) > 12:
            rows.append([s.group, s.cell, f"... {len(items) - 12} more", "", "", "", "", ""])
    if not rows:
        out.append("No function's instructions or calls per op changed beyond the noise (or the "
                   "run lacks counts of one kernel).\n")
        return out
    out.append("Per operation of the window, sorted by the absolute change in instructions; "
               "listed when stock and patched repetitions do not overlap (the rule above) in "
               "instructions or in calls, or a function appears on one kernel only.\n")
    out.append(table(["group", "cell", "function", "stock insns/op", "patched insns/op",
                      "change", "stock calls/op", "patched calls/op"], rows))
    return out


# ---------------------------------------------------------------- answers

def exact(ctx):
    out = []
    out += fault_table(ctx)
    out += msync_table(ctx)
    out += read_table(ctx)
    out += dm_table(ctx)
    return out


def fn_calls_2m(c, name):
    return med(per(c, f"fn.{name}.calls", "2m")) if counted(c) else None


def fault_table(ctx):
    rows = []
    for k, gid, fs, acc, dev in ctx.kernel_groups(access="dax"):
        for touch in keys.FAULT_TOUCHES:
            a = ctx.find(k, gid, keys.fault(touch, "pte"))
            b = ctx.find(k, gid, keys.fault(touch, "pmd"))
            if not (counted(a) and counted(b)):
                continue
            info = {}
            for c, m in ((a, "PTE-only"), (b, "PMD-capable")):
                f2m = med([f / (by / TWO_MIB) for f, by in
                           zip(divisors(c, "fault"), divisors(c, "byte")) if f and by])
                info[m] = {"f2m": f2m,
                           "pf": per(c, "insns.kernel", "fault"),
                           "p2m": per(c, "insns.kernel", "2m"),
                           "calls": {n: v for n in FAULT_FNS
                                     if (v := fn_calls_2m(c, n))}}
            cmp = stats.compare(info["PTE-only"]["p2m"], info["PMD-capable"]["p2m"])
            clock = ctx.cell_clock(a, b) or ctx.clock
            for m in ("PTE-only", "PMD-capable"):
                i = info[m]
                rows.append([k, gid, touch, m, fcount(i["f2m"]), fcount(med(i["pf"])),
                             fcount(med(i["p2m"])),
                             ", ".join(f"{n} {fcount(v)}" for n, v in i["calls"].items())
                             or "—",
                             verdict(cmp, True, units.ICOUNT, "PMD")
                             if m == "PMD-capable" else ""])
            if dev == "pmem":
                pm, pt = info["PMD-capable"], info["PTE-only"]
                calls = ", ".join(f"{n} {fcount(v)}" for n, v in pm["calls"].items())
                ctx.answer("x_faults",
                           f"{k} {fs} {touch} fault, per 2 MiB touched: PMD-capable mapping "
                           f"{plural(pm['f2m'], 'fault')}"
                           + (f" (calls: {calls})" if calls else "")
                           + f", {fcount(med(pm['p2m']))} kernel instructions "
                           f"({fcount(med(pm['pf']))} per fault); PTE-only mapping "
                           f"{plural(pt['f2m'], 'fault')} x {fcount(med(pt['pf']))} kernel "
                           f"instructions = {fcount(med(pt['p2m']))}: "
                           + verdict(cmp, True, units.ICOUNT, "PMD"))
    if not rows:
        return []
    return ["\n### Faults: instructions per fault, PTE against PMD\n",
            "Kernel instructions counted in the measured windows of the write/read touch cells, "
            "divided by daxwl's fault count (per fault) and by the 2 MiB units it touched "
            "(per 2 MiB), with the calls per 2 MiB of the DAX fault handlers the plugin saw. "
            "The verdict compares instructions per 2 MiB (fewer is better).\n",
            table(["kernel", "group", "touch", "mapping", "faults per 2 MiB",
                   "kernel insns per fault", "kernel insns per 2 MiB", "calls per 2 MiB",
                   "verdict"], rows)]


def msync_table(ctx):
    rows = []
    for k in ctx.kernels:
        for gid, fs, acc, dev in ctx.groups():
            cs = []
            for c in ctx.cells.values():
                m = keys.MSYNC_CELL.match(c.cell) if c.kernel == k and c.group == gid else None
                if m and counted(c):
                    cs.append((bool(m.group(1)), int(m.group(2)), c))
            for pte, n, c in sorted(cs, key=lambda x: (x[0], x[1])):
                pages = c.attr("pages_per_sync") or n
                ins = med(per(c, "insns.kernel", "op"))
                fl = med(per(c, "flush.total", "op"))
                clwb = med(per(c, "flush.clwb", "op"))
                clo = med(per(c, "flush.clflushopt", "op"))
                fe = med(per(c, "fence.total", "op"))
                lines = 64 * pages
                mapping = "PTE" if pte else "PMD-capable"
                rows.append([k, gid, mapping, pages, fcount(ins), fcount(clwb), fcount(clo),
                             fcount(fl), lines,
                             "n/a" if fl is None else f"{fl / lines:.2f}",
                             "n/a" if fl is None else f"{fl / LINES_2M:.3f}",
                             fcount(fe), fcount(None if ins is None else ins / pages)])
                if acc == "dax" and fl is not None:
                    ctx.answer("x_msync",
                               f"{k} {fs} DAX, {mapping} mapping, {plural(pages, 'dirtied page')} "
                               f"({lines} lines) per msync: cache-line flushes {fcount(fl)} "
                               f"(clwb {fcount(clwb)}, clflushopt {fcount(clo)}; "
                               f"{fl / lines:.2f}x the dirtied lines, {fl / LINES_2M:.3f}x a "
                               f"2 MiB entry's {LINES_2M}), fences {fcount(fe)}, kernel "
                               f"instructions {fcount(ins)}")
    if not rows:
        return []
    return ["\n### msync: instructions, flushes and fences per msync\n",
            "Per msync call (daxwl's op count of the repetition), for msync-N (the kernel may map "
            "2 MiB) and msync-pte-N (PTE-mapped) cells. The counts include the whole cycle: "
            "dirtying N pages (and the write faults that re-dirty a written-back entry), then "
            "msync. On a PMD-mapped DAX file the kernel tracks dirtiness per mapping entry, so "
            f"each msync is expected to write back the whole 2 MiB entry - {LINES_2M} clwb - "
            "however little was dirtied; the flush columns show what the counters say.\n",
            table(["kernel", "group", "mapping", "pages", "kernel insns/msync", "clwb/msync",
                   "clflushopt/msync", "flushes/msync", "dirtied lines", "flushes per dirtied line",
                   "x 2 MiB entry", "fences/msync", "kernel insns per page"], rows)]


def read_table(ctx):
    rows = []
    for k in ctx.kernels:
        fss = sorted({g[1] for g in ctx.groups() if g[3] == "pmem" and g[1] not in (None, "-")})
        for fs in fss:
            for key in keys.READS:
                d = ctx.find(k, keys.group(fs, "dax", "pmem"), key)
                pc = ctx.find(k, keys.group(fs, "pagecache", "pmem"), key)
                if not (counted(d) and counted(pc)):
                    continue
                vals = {}
                for c, name in ((d, "DAX"), (pc, "page cache")):
                    vals[name] = {"ins": per(c, "insns.total", "byte"),
                                  "kins": per(c, "insns.kernel", "byte"),
                                  "moved": per(c, "mem.bytes", "byte"),
                                  "pmem": per(c, "mem.load.pmem.bytes", "byte")}
                cmp = stats.compare(vals["page cache"]["ins"], vals["DAX"]["ins"])
                for name in ("DAX", "page cache"):
                    v = vals[name]
                    rows.append([k, fs, key, name, fcount(med(v["ins"])), fcount(med(v["kins"])),
                                 fcount(med(v["moved"])), fcount(med(v["pmem"])),
                                 verdict(cmp, True, units.ICOUNT, "DAX") if name == "DAX" else ""])
                dv, pv = vals["DAX"], vals["page cache"]
                ctx.answer("x_read",
                           f"{k} {fs} {key}: DAX {fcount(med(dv['ins']))} instructions and "
                           f"{fcount(med(dv['moved']))} bytes moved per byte read, page cache "
                           f"{fcount(med(pv['ins']))} instructions and {fcount(med(pv['moved']))} "
                           f"bytes moved ({verdict(cmp, True, units.ICOUNT, 'DAX')})")
    if not rows:
        return []
    return ["\n### DAX read against page-cache read, per byte read\n",
            "Per byte the tool read (its byte count of the repetition): instructions (user + "
            "kernel, and kernel alone), bytes moved (every load, store and NT store the plugin "
            "counted, DRAM and pmem) and pmem bytes loaded. The verdict compares instructions "
            "per byte (fewer is better).\n",
            table(["kernel", "fs", "workload", "access", "insns/byte", "kernel insns/byte",
                   "bytes moved/byte", "pmem bytes loaded/byte", "verdict"], rows)]


def dm_table(ctx):
    rows = []
    for k, gid, fs, acc, dev in ctx.kernel_groups(device="pmem"):
        for c in sorted((c for c in ctx.cells.values() if c.kernel == k and c.group == gid),
                        key=lambda c: c.cell):
            if not counted(c):
                continue
            base = per(c, "insns.total", "op")
            for name in keys.DM_DEVICES:
                d = ctx.find(k, keys.group(fs, acc, name), c.attr("key"), c.attr("tool"))
                if not counted(d):
                    continue
                dv = per(d, "insns.total", "op")
                cmp = stats.compare(base, dv)
                extra = (med(dv) - med(base)) if dv and base else None
                rows.append([k, f"{fs} {acc}", c.attr("key"), name, fcount(med(base)),
                             fcount(med(dv)), "n/a" if extra is None else f"{extra:+,.0f}",
                             verdict(cmp, True, units.ICOUNT, name)])
                if extra is not None:
                    ctx.answer("x_dm", f"{k} {fs} {c.attr('key')}: {name} {fcount(med(dv))} "
                                       f"instructions per op against {fcount(med(base))} on "
                                       f"bare pmem ({extra:+,.0f}; "
                                       + verdict(cmp, True, units.ICOUNT, name) + ")")
    if not rows:
        return []
    return ["\n### Device-mapper overhead per operation, in instructions\n",
            "User + kernel instructions per operation of the tool (per I/O, per page touched), "
            "dm device against the bare pmem namespace; the verdict compares them (fewer is "
            "better).\n",
            table(["kernel", "group", "workload", "device", "bare pmem insns/op", "dm insns/op",
                   "extra per op", "verdict"], rows)]


# ---------------------------------------------------------------- model

def answer_cell(c):
    key = c.attr("key") or ""
    return (key.startswith((keys.FAULT_PREFIX, keys.READ_PREFIX, keys.MSYNC_PREFIX))
            or keys.MSYNC_CELL.match(c.cell) or keys.is_dm_group(c.group))


def cost_model(ctx):
    out = ["## Platform cost model (a MODEL, not a measurement)\n"]
    if not ctx.platforms:
        out.append("No platform files (bench/platforms/*.model).\n")
        out += [f"- {p}" for p in ctx.model_problems]
        return out
    cs = [c for c in sorted(ctx.cells.values(), key=lambda c: (c.kernel != "stock", c.kernel,
                                                               c.group, c.cell))
          if counted(c) and answer_cell(c)]
    if not cs:
        out.append("No event counts for the answer cells in this run, so nothing to price. With "
                   "counts, this section multiplies them by the per-event costs of each "
                   "bench/platforms/*.model file: "
                   + ", ".join(f"{p.name} ({p.title})" for p in ctx.platforms) + ".\n")
        out += [f"- {p}" for p in ctx.model_problems]
        return out
    out.append("What the counted events would cost on other platforms, per operation of the "
               "window: instructions x ns per instruction (the CPU), 64 B lines loaded and "
               "stored per place at the platform's per-line cost, each flush instruction, and "
               "each fence, a draining fence waiting one persist latency for its outstanding "
               "lines (bench/daxreport/model.py gives the formula; each .model file cites its "
               "numbers and marks estimates). It is a model: it shows that a flush-heavy path "
               "and an instruction-heavy path of the same instruction count cost differently "
               "on persistent memory, not what any machine would measure. Each cell: modelled "
               "ns per op, then the shares of CPU / memory / flush+fence.\n")
    out.append("Platforms: " + "; ".join(f"**{p.name}**: {p.title}" for p in ctx.platforms) + ".\n")
    rows = []
    for c in cs:
        cc = c.counts
        row = [c.kernel, c.group, c.cell, cc.unit, fcount(cc.median("insns.total"))]
        for pl in ctx.platforms:
            m = model.cost_median(cc, pl)
            if not m:
                row.append("n/a (flushes or fences not counted)")
                continue
            if m["total"] is None:
                row.append("n/a (no exact byte counts)")
                continue
            t = m["total"]
            row.append(f"{fcount(t)} ({m['cpu'] / t * 100:.0f} / {m['memory'] / t * 100:.0f} / "
                       f"{(m['flush'] + m['fence']) / t * 100:.0f} %)")
        rows.append(row)
    out.append(table(["kernel", "group", "cell", "per", "insns/op"] +
                     [f"{p.name}: modelled ns/op (cpu / mem / flush+fence)"
                      for p in ctx.platforms], rows))
    if any("mem.bytes" not in p for c in cs for p in c.counts.per_op):
        out.append("\nCells without exact byte counts (the plugin's mem=off, or a window "
                   "whose memory callbacks came late) get no modelled total: pricing their "
                   "memory at zero would flatter them.\n")
    if ctx.model_problems:
        out += [f"- {p}" for p in ctx.model_problems]
    return out
