"""Sections about throughput: the membw denominator, stock against patched,
DAX against page cache and O_DIRECT, daxwl against fio."""
import math

from .. import cells as cellsmod
from .. import keys, stats, units
from ..text import fci, fmt, fratio, sentence, table, verdict
from .common import cell_text, compare_cells, ratio_text, status_text, verdict_cell


def membw(ctx):
    out = ["## Memory bandwidth (the denominator)\n"]
    rows = []
    for k in ctx.kernels:
        for key in keys.MEMBW:
            c = ctx.find(k, keys.RAM_GROUP, key)
            if c:
                rows.append([k, key.split("/")[1], cell_text(c)])
    u = units.unit("tput", ctx.clock)
    out.append(table(["kernel", "op", u], rows) if rows else "No membw cells.\n")
    return out


def metric_of(c):
    """msync cells are judged by their cost per page, the rest by throughput."""
    return "per_page" if (c.attr("key") or "").startswith(keys.MSYNC_PREFIX) else "tput"


def kernel_pairs(ctx, a, b):
    """(A's cell, B's cell, metric, clock, comparison of B against A, why
    not compared) for every cell both kernels ran, membw's ram group
    aside, by group and cell: stock against patched here, and any two
    kernels of a series (daxreport.judge) by the same rule."""
    for c in sorted((c for c in ctx.cells.values() if c.kernel == a and c.group != keys.RAM_GROUP),
                    key=lambda c: (c.group, c.cell)):
        p = ctx.get(b, c.group, c.cell)
        if p is None:
            continue
        metric = metric_of(c)
        clock = ctx.cell_clock(c, p) or ctx.clock
        cmp, why = compare_cells(c, p, metric, (a, b))
        yield c, p, metric, clock, cmp, why


def stock_patched(ctx):
    out = ["## Stock vs patched\n"]
    if not {"stock", "patched"} <= set(ctx.kernels):
        out.append("Only one kernel in this run: no comparison.\n")
        return out
    rows, dat, diff = [], [], []
    for c, p, metric, clock, cmp, why in kernel_pairs(ctx, "stock", "patched"):
        unit, scale = units.display(metric, clock)
        if "unreadable" in (c.status, p.status) or \
                (cmp is None and {c.status, p.status} & {"failed", "partial"}):
            ctx.answer("not_compared", f"{c.group} {c.cell} ({why})")
        if c.status != p.status and "unreadable" not in (c.status, p.status):
            diff.append([c.group, c.cell, status_text(c) or "ok", status_text(p) or "ok"])
            ctx.answer("kdiff", f"{c.group} {c.cell}: stock {c.status}; patched {p.status}")
        elif (c.attr("key") or "").startswith(keys.FAULT_PREFIX):
            ta, tb = c.trace(), p.trace()
            if ta and tb and ta.get("trace_pmd_nopage") != tb.get("trace_pmd_nopage"):
                ctx.answer("kdiff", f"{c.group} {c.cell}: stock {ta.get('trace_pmd_nopage')} PMD "
                                    f"faults; patched {tb.get('trace_pmd_nopage')} PMD faults "
                                    "(trace counters of the warm-up runs)")
            elif c.complete and p.complete and (ta is None) != (tb is None):
                # one side without counters: say so rather than drop the line
                ctx.answer("kdiff", f"{c.group} {c.cell}: PMD faults not compared, no trace "
                                    f"counters on the {'stock' if ta is None else 'patched'} "
                                    "kernel")
        ratio = cmp.ratio if cmp else None
        rows.append([c.group, c.cell, unit, cell_text(c, metric, scale),
                     cell_text(p, metric, scale), fratio(ratio) if cmp else "n/a",
                     fci(cmp.ci) if cmp else "n/a",
                     verdict_cell(cmp, why, metric, clock)])
        if cmp and cmp.is_result:
            ctx.answer("stock_patched", f"{c.group} {c.cell}: patched "
                       + sentence(cmp, units.lower_is_better(metric), clock))
        if cmp and ratio and metric == "tput":
            lo, hi = cmp.ci if cmp.ci else (None, None)
            l2 = math.log2(ratio)
            dat.append([f"{c.group} {c.cell}", l2 if cmp.is_result else None,
                        None if cmp.is_result else l2,
                        math.log2(lo) if lo else None, math.log2(hi) if hi else None])
    out.append("Median ± IQR/2 per cell; ratio is patched/stock of the medians in the row's unit "
               "(throughput cells: higher is better; msync cells: cost per page, lower is "
               "better), with its bootstrap 95 % interval; the verdict applies the rule above. "
               "Only the results go into the answers.\n")
    out.append(table(["group", "cell", "unit", "stock", "patched", "ratio", "95 % interval",
                      "verdict"], rows))
    if diff:
        out.append("\nCells whose outcome differs between the kernels:\n")
        out.append(table(["group", "cell", "stock", "patched"], diff))
    lim = max([abs(x) for r in dat for x in r[1:] if x is not None] + [1.0])
    ylim = max(2, math.ceil(lim + 0.25))
    ctx.charts.add("stock-vs-patched",
                   "Throughput ratio, patched against stock" if ctx.clock != units.ICOUNT else
                   "B/insn ratio, patched against stock",
                   ["cell", "result (ranges do not overlap)", "no difference detected",
                    "ci_lo", "ci_hi"], dat,
                   "patched / stock throughput (log2 scale)" if ctx.clock != units.ICOUNT else
                   "patched / stock B/insn (log2 scale; icount, not time)",
                   note="bootstrap 95 % interval whiskers", ylim=ylim)
    return out


def access(ctx):
    out = ["## DAX vs page cache vs O_DIRECT\n"]
    rows, dat = [], []
    fss = sorted({g[1] for g in ctx.groups() if g[3] == "pmem" and g[1] not in (None, "-")})
    for k in ctx.kernels:
        for fs in fss:
            for key in keys.ACCESS:
                d = ctx.find(k, keys.group(fs, "dax", "pmem"), key)
                pc = ctx.find(k, keys.group(fs, "pagecache", "pmem"), key)
                od = ctx.find(k, keys.group(fs, "odirect", "pmem"), keys.ODIRECT[key]) \
                    if key in keys.ODIRECT else None
                if not (d or pc or od):
                    continue
                clock = ctx.cell_clock(d, pc) or ctx.clock
                if d and pc:
                    cmp, why = compare_cells(pc, d, "tput", ("page-cache", "DAX"))
                    v = verdict_cell(cmp, why, "tput", clock, "DAX")
                else:
                    cmp, v = None, "—"
                rows.append([k, fs, key, cell_text(d), ratio_text(d), cell_text(pc),
                             ratio_text(pc), cell_text(od), v])
                vals = []
                for c in (d, pc, od):
                    s = c.stat("tput") if c is not None and c.usable else None
                    vals += [s["median"], s["q1"], s["q3"]] if s else [None] * 3
                dat.append([f"{k} {fs} {key}"] + vals)
                if key.startswith(keys.READ_PREFIX) and cmp is not None:
                    u = units.unit("tput", clock)
                    ctx.answer("dax_read", f"{k} {fs} {key}: DAX {fmt(cmp.med_b)} {u} vs page "
                                           f"cache {fmt(cmp.med_a)} {u} ({fratio(cmp.ratio)}): "
                                           + sentence(cmp, False, clock, "DAX"))
    u = units.unit("tput", ctx.clock)
    out.append(f"{u}, median ± IQR/2, and the share of `membw` of the same boot. "
               "O_DIRECT is `daxwl odirect` (io_uring, queue depth 1) on a non-DAX mount, "
               "so it reaches the pmem block driver. The last column judges DAX against the "
               "page cache by the rule above.\n")
    out.append(table(["kernel", "fs", "workload", "DAX", "DAX/membw", "page cache", "pc/membw",
                      "O_DIRECT", "DAX vs page cache"], rows) if rows else "No such cells.\n")
    devdax = [(k, ctx.find(k, keys.DEVDAX_GROUP, keys.DEVDAX_READ, "fio")) for k in ctx.kernels]
    dv = [[k, cell_text(c), ratio_text(c)] for k, c in devdax if c]
    if dv:
        out.append("\nFor scale, fio on a devdax namespace (no file system), 1 MiB sequential "
                   "reads:\n")
        out.append(table(["kernel", u, "of membw"], dv))
    ctx.charts.add("dax-pagecache-odirect", "DAX vs page cache vs O_DIRECT",
                   ["workload", "DAX", "q1", "q3", "page cache", "q1", "q3", "O_DIRECT", "q1",
                    "q3"], dat, units.tput_axis(ctx.clock), note="median, IQR whiskers")
    return out


def fio(ctx):
    out = ["## daxwl vs fio\n"]
    rows, dat, only = [], [], []
    for c in cellsmod.ordered(ctx.cells):
        if c.attr("tool") != "fio":
            continue
        key = c.attr("key")
        d = ctx.find(c.kernel, c.group, key, "daxwl")
        if d is None:
            only.append([c.kernel, c.group, c.cell, cell_text(c), ratio_text(c)])
            continue
        clock = ctx.cell_clock(c, d) or ctx.clock
        cmp, why = compare_cells(d, c, "tput", ("daxwl", "fio"))
        diff = cmp.change() if cmp else None
        rows.append([c.kernel, c.group, key, d.cell, cell_text(d), c.cell, cell_text(c),
                     "n/a" if diff is None else f"{diff * 100:+.1f} %",
                     verdict_cell(cmp, why, "tput", clock, "fio")])
        sa = d.stat("tput") if d.usable else None
        sb = c.stat("tput") if c.usable else None
        dat.append([f"{c.kernel} {c.group} {key}"] +
                   ([sa["median"], sa["q1"], sa["q3"]] if sa else [None] * 3) +
                   ([sb["median"], sb["q1"], sb["q3"]] if sb else [None] * 3))
        ctx.answer("fio", (c.kernel, c.group, key, cmp, clock))
    u = units.unit("tput", ctx.clock)
    out.append("Cells with the same key in the same group measure the same thing: daxwl rw "
               "against fio psync (pread/pwrite), daxwl odirect against fio io_uring (O_DIRECT), "
               "daxwl fault --touch copy against fio mmap (copying out of a fresh mapping), daxwl "
               f"flush nt against fio libpmem (non-temporal copy + fence). {u}, median ± IQR/2; "
               "difference = fio against daxwl, judged by the rule above. Under TCG each tool's "
               "own per-I/O code is emulated as well, so the tool with more instructions per I/O "
               "loses more than it would on hardware; on the host, `workloads/compare-fio` puts "
               "the two side by side natively.\n")
    out.append(table(["kernel", "group", "workload", "daxwl cell", f"daxwl {u}", "fio cell",
                      f"fio {u}", "difference", "verdict"], rows) if rows else "No paired cells.\n")
    if only:
        out.append("\nfio cells without a daxwl peer:\n")
        out.append(table(["kernel", "group", "cell", u, "of membw"], only))
    ctx.charts.add("daxwl-vs-fio", "daxwl vs fio on the same work",
                   ["workload", "daxwl", "q1", "q3", "fio", "q1", "q3"], dat,
                   units.tput_axis(ctx.clock), note="median, IQR whiskers")
    return out


def fio_answers(ctx):
    """The daxwl/fio answer: how many pairs differ beyond the noise."""
    pairs = ctx.answers.get("fio") or []
    if not pairs:
        return []
    res = [p for p in pairs if p[3] is not None and p[3].is_result]
    judged = [p for p in pairs if p[3] is not None and p[3].kind in (stats.RESULT, stats.NONE)]
    out = [f"- fio and daxwl differ beyond the noise in {len(res)} of {len(pairs)} pairs "
           f"({len(judged) - len(res)} show no difference detected at their noise"
           + (f", {len(pairs) - len(judged)} could not be judged" if len(judged) < len(pairs)
              else "") + ")"]
    if res:
        ch = sorted(p[3].change() for p in res)
        med = ch[len(ch) // 2] if len(ch) % 2 else (ch[len(ch) // 2 - 1] + ch[len(ch) // 2]) / 2
        u = units.unit("tput", ctx.clock)
        out.append(f"- among them fio's {u} differs from daxwl's by a median of "
                   f"{med * 100:+.1f} % (range {ch[0] * 100:+.1f} % to {ch[-1] * 100:+.1f} %)")
        for k, g, key, cmp, clock in sorted(res, key=lambda p: -abs(p[3].change()))[:3]:
            out.append(f"- largest: {k} {g} {key}: " + verdict(cmp, False, clock, "fio"))
    return out
