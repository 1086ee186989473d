"""Sections about the three DAX paths the patches touch: PTE against PMD
faults, msync cost per page, and device-mapper overhead."""
from .. import keys, stats, units
from ..text import fmt, fratio, sentence, table, verdict
from .common import cell_text, cell_value, compare_cells, verdict_cell


def faults(ctx):
    out = ["## PTE vs PMD faults\n"]
    rows, dat = [], []
    for k, gid, fs, acc, dev in ctx.kernel_groups(access=("dax", "pagecache")):
        for touch in keys.FAULT_TOUCHES:
            a = ctx.find(k, gid, keys.fault(touch, "pte"))
            b = ctx.find(k, gid, keys.fault(touch, "pmd"))
            if not (a and b):
                continue
            clock = ctx.cell_clock(a, b) or ctx.clock
            cmp, why = compare_cells(a, b, "tput", ("PTE-only", "PMD-capable"))
            va, vb = cell_value(a), cell_value(b)
            sp = f"{vb / va:.2f}x" if va and vb else "n/a"
            ta, tb = a.trace() or {}, b.trace() or {}
            rows.append([k, gid, touch, cell_text(a), cell_text(b), sp,
                         verdict_cell(cmp, why, "tput", clock, "PMD"),
                         cell_text(a, "per_fault"), cell_text(b, "per_fault"),
                         fmt(ta.get("trace_pte_fault_done")),
                         fmt(tb.get("trace_pte_fault_done")),
                         fmt(tb.get("trace_pmd_nopage")), fmt(tb.get("trace_pmd_fallback"))])
            sa = a.stat("tput") if va else None
            sb = b.stat("tput") if vb else None
            dat.append([f"{k} {gid} {touch}"] +
                       ([sa["median"], sa["q1"], sa["q3"]] if sa else [None] * 3) +
                       ([sb["median"], sb["q1"], sb["q3"]] if sb else [None] * 3))
            if acc == "dax" and dev == "pmem" and touch == "write":
                u = units.unit("tput", clock)
                if cmp is None:
                    ctx.answer("pmd", f"{k} {fs}: not compared, {why}")
                    continue
                line = (f"{k} {fs}: PMD-capable {fmt(cmp.med_b)} {u} vs PTE-only "
                        f"{fmt(cmp.med_a)} {u} ({fratio(cmp.ratio)}): "
                        + sentence(cmp, False, clock, "PMD-capable"))
                if tb and ta:
                    line += (f"; the kernel mapped {fmt(tb.get('trace_pmd_nopage'))} PMDs "
                             f"({fmt(tb.get('trace_pmd_fallback'))} fell back) and "
                             f"{fmt(tb.get('trace_pte_fault_done'))} PTEs, against "
                             f"{fmt(ta.get('trace_pte_fault_done'))} PTEs with --align 4k")
                else:
                    line += "; no trace counters for these cells"
                ctx.answer("pmd", line)
    size = ctx.params.get("size", "?")
    uf = units.unit("per_fault", ctx.clock)
    out.append(
        f"`daxwl fault` touches every page of a fresh {size} shared mapping placed on "
        "a 2 MiB-aligned address (`--align 2M`): the file system may map whole 2 MiB pages. "
        "PTE-only: the same run with the mapping one page past a 2 MiB boundary (`--align 4k`), "
        "where virtual address and file offset can never be 2 MiB-aligned together, so every "
        "PMD attempt falls back and each 4 KiB page is mapped separately; left to itself the "
        "kernel aligns DAX mappings to 2 MiB (thp_get_unmapped_area), so an unaligned request "
        f"is no PTE baseline. {units.unit('tput', ctx.clock)} touched and {uf} are "
        "median ± IQR/2; the verdict judges PMD-capable against PTE-only by the rule above. "
        "The fault counts come from the guest kernel's fs_dax tracepoints in the "
        "traced warm-up run of the same cell: dax_pte_fault_done events, and dax_pmd_fault_done "
        "by result (NOPAGE: a PMD was mapped; FALLBACK: the kernel fell back to PTEs). "
        "Page-cache mounts take no DAX faults, so they show no events.\n")
    tu = units.unit("tput", ctx.clock)
    out.append(table(["kernel", "group", "touch", f"PTE-only {tu}", f"PMD-capable {tu}",
                      "speed-up" if ctx.clock != units.ICOUNT else "ratio", "verdict",
                      f"{uf} PTE-only", f"{uf} PMD-capable", "PTE faults (PTE-only run)",
                      "PTE faults (PMD run)", "PMD faults", "PMD fallbacks"], rows)
               if rows else "No fault cells.\n")
    ctx.charts.add("pte-vs-pmd", "Fault throughput, PTE-only vs PMD-capable mappings",
                   ["mapping", "PTE only (--align 4k)", "q1", "q3", "PMD-capable", "q1", "q3"],
                   dat, units.tput_axis(ctx.clock, " touching a fresh mapping"),
                   note="median, IQR whiskers")
    return out


def msync_cells(ctx, k, gid):
    """[(pages, pte?, cell)] of a group's msync-N and msync-pte-N cells."""
    out = []
    for c in ctx.cells.values():
        if c.kernel != k or c.group != gid:
            continue
        m = keys.MSYNC_CELL.match(c.cell)
        if m:
            out.append((int(m.group(2)), bool(m.group(1)), c))
    return sorted(out, key=lambda x: (x[1], x[0]))


def msync(ctx):
    out = ["## msync cost per page\n"]
    unit, scale = units.display("per_page", ctx.clock)
    pages = sorted({n for k in ctx.kernels for g in ctx.groups()
                    for n, _, _ in msync_cells(ctx, k, g[0])})
    rows, series = [], []
    for k in ctx.kernels:
        for gid, fs, acc, dev in ctx.groups():
            cs = msync_cells(ctx, k, gid)
            for pte in (False, True):
                sel = {n: c for n, p, c in cs if p == pte}
                if not sel:
                    continue
                name = f"{gid}{' (PTE-mapped)' if pte else ''}"
                rows.append([k, name] + [cell_text(sel.get(n), "per_page", scale) for n in pages])
                vals = [cell_value(sel.get(n), "per_page") for n in pages]
                series.append((f"{k} {name}", [None if v is None else v * scale for v in vals]))
                lo, hi = sel.get(pages[0]), sel.get(pages[-1])
                if lo and hi and lo.complete and hi.complete and len(pages) > 1:
                    what = {"dax": "DAX", "pagecache": "page cache"}.get(acc, acc)
                    ctx.answer("msync", f"{k} {fs} {what}{' PTE-mapped' if pte else ''}: "
                                        f"{fmt(lo.value('per_page') * scale)} {unit} at "
                                        f"{pages[0]} page{'s' if pages[0] > 1 else ''}, "
                                        f"{fmt(hi.value('per_page') * scale)} {unit} at "
                                        f"{pages[-1]} pages")
    how = ("the exact mean cost of a sync divided by N" if ctx.clock == units.ICOUNT else
           "sync latency / N; median ± IQR/2 of the per-run medians")
    out.append("`daxwl msync` dirties N pages of a shared mapping and calls msync(MS_SYNC); "
               f"the table gives {unit}, the cost per dirtied page ({how}). On DAX msync writes "
               "the dirty cache lines back (clwb loop); on the page cache it writes the pages "
               "to the pmem block device. "
               "msync-pte-N cells map the file so that it is PTE-mapped; msync-N cells let the "
               "kernel map 2 MiB where it can.\n")
    out.append(table(["kernel", "group"] + [f"{n} page{'s' if n > 1 else ''}" for n in pages],
                     rows) if rows else "No msync cells.\n")
    dat = [[str(n)] + [v[i] for _, v in series] for i, n in enumerate(pages)]
    ylab = ("instructions per dirtied page (icount, not time)" if ctx.clock == units.ICOUNT
            else "cost per page (µs)")
    ctx.charts.add("msync-per-page", "msync cost per dirtied page",
                   ["pages"] + [s for s, _ in series], dat, ylab, series=len(series), width=1100,
                   note="median of each cell")
    return out


def dm(ctx):
    out = ["## Device-mapper overhead\n"]
    rows, dat = [], []
    for k, gid, fs, acc, dev in ctx.kernel_groups(device="pmem"):
        for c in sorted((c for c in ctx.cells.values() if c.kernel == k and c.group == gid
                         and c.attr("tool") == "daxwl"), key=lambda c: c.cell):
            key = c.attr("key")
            l_, s_ = (ctx.find(k, keys.group(fs, acc, d), key) for d in keys.DM_DEVICES)
            if not (l_ or s_):
                continue
            clock = ctx.cell_clock(c, l_, s_) or ctx.clock
            row = [k, f"{fs} {acc}", key, cell_text(c)]
            bars = []
            for d, name in zip((l_, s_), keys.DM_DEVICES):
                cmp, why = compare_cells(c, d, "tput", ("bare pmem", name))
                ov = None if cmp is None or cmp.ratio is None else 1 - cmp.ratio
                row += [cell_text(d), "n/a" if ov is None else f"{ov * 100:+.1f} %",
                        verdict_cell(cmp, why, "tput", clock, name)]
                bars.append(None if ov is None else ov * 100)
                if d is not None:
                    ctx.answer("dm", (name, k, fs, key, cmp, clock))
            rows.append(row)
            dat.append([f"{k} {fs} {key}"] + bars)
    u = units.unit("tput", ctx.clock)
    out.append(f"{u}, median ± IQR/2; overhead = how much lower the throughput is through the dm "
               "device than on the bare pmem namespace (negative: higher), judged by the rule "
               "above. dm-stripe spreads 2 MiB chunks over two namespaces.\n")
    out.append(table(["kernel", "group", "workload", "pmem", "dm-linear", "linear overhead",
                      "linear verdict", "dm-stripe", "stripe overhead", "stripe verdict"], rows)
               if rows else "No dm cells.\n")
    ctx.charts.add("dm-overhead", "Device-mapper overhead against bare pmem",
                   ["workload", "dm-linear", "dm-stripe"], dat,
                   "throughput overhead vs bare pmem (%)" if ctx.clock != units.ICOUNT else
                   "B/insn overhead vs bare pmem (%; icount, not time)")
    return out


def dm_answers(ctx):
    pairs = ctx.answers.get("dm") or []
    out = []
    for name in keys.DM_DEVICES:
        ps = [p for p in pairs if p[0] == name]
        if not ps:
            continue
        res = [p for p in ps if p[4] is not None and p[4].is_result]
        none = [p for p in ps if p[4] is not None and p[4].kind == stats.NONE]
        line = (f"- {name}: {len(res)} of {len(ps)} cells differ from bare pmem beyond the noise, "
                f"{len(none)} show no difference detected at their noise")
        if len(res) + len(none) < len(ps):
            line += f", {len(ps) - len(res) - len(none)} could not be judged"
        out.append(line)
        for _, k, fs, key, cmp, clock in sorted(res, key=lambda p: -abs(p[4].change()))[:6]:
            what = "B/insn" if clock == units.ICOUNT else "throughput"
            out.append(f"  - {k} {fs} {key}: {what} {fratio(cmp.ratio)} of bare pmem, "
                       + verdict(cmp, False, clock, name))
    return out
