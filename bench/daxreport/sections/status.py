"""Sections about the run itself: the kernel's trace counters, the cells
that did not run (or cannot be read), and the list of charts."""
from .. import cells as cellsmod
from ..text import table


def counters(ctx):
    out = ["## Kernel counters\n"]
    rows = []
    for c in cellsmod.ordered(ctx.cells):
        w = c.trace()
        if not w or not w.get("trace_events"):
            continue
        ev = w["trace_events"]
        top = ", ".join(f"{e} {n}" for e, n in sorted(ev.items(), key=lambda x: -x[1])[:5])
        over = " (buffer overrun)" if w.get("trace_overrun") else ""
        rows.append([c.kernel, c.group, c.cell, top + over])
    if rows:
        out.append("Trace events counted in each cell's warm-up run (the five most frequent). "
                   "fs_dax events exist on both kernels; the pmem dax_operations events "
                   "(pmem_direct_access and friends) only on the patched one.\n")
        out.append(table(["kernel", "group", "cell", "events"], rows))
    else:
        out.append("No trace counters in this run (TARGET and DEVICE modes run on the host "
                   "and leave its tracing alone).\n")
    return out


def status(ctx):
    out = ["## Not supported and failed cells\n"]
    rows = []
    for c in cellsmod.ordered(ctx.cells):
        if c.status != "ok":
            rows.append([c.kernel, c.group, c.cell, c.status, (c.reason or "")])
    out.append(table(["kernel", "group", "cell", "status", "reason"], rows)
               if rows else "Every cell ran.\n")
    if any(c.status == "unreadable" for c in ctx.cells.values()) or ctx.problems:
        out.append("\n**Unreadable records.** A cell is unreadable when one of its raw records "
                   "cannot be read in full (not JSON, contradicts its file name, a cut or garbled "
                   "tool output or trace) or is missing; none of its figures is used anywhere "
                   "above, and bench/report exits with status 1. The files:\n")
        for c in cellsmod.ordered(ctx.cells):
            if c.status == "unreadable":
                files = [f"raw/{f}" for f in c.unreadable_files()] or \
                    ["(its records disagree on the clock)"]
                out.append(f"- {c.kernel} {c.group} {c.cell}: " + ", ".join(files))
        out += [f"- {p}" for p in ctx.problems]
        out.append("")
    if ctx.count_problems:
        out.append("\n**Unreadable event counts** (no answer uses them; exit status 1):\n")
        out += [f"- {p}" for p in ctx.count_problems]
        out.append("")
    if ctx.warnings:
        out.append("\nWarnings:\n")
        out += [f"- {w}" for w in ctx.warnings]
        out.append("")
    # DAX must be what the group says it is: statx's DAX flag on the file.
    wrong = []
    for c in cellsmod.ordered(ctx.cells):
        d, acc = c.attr("dax"), c.attr("access")
        if d is None or acc not in ("dax", "pagecache"):
            continue
        if (acc == "dax") != bool(d):
            wrong.append([c.kernel, c.group, c.cell, "DAX" if d else "no DAX"])
    if wrong:
        out.append("\n**Warning:** in these cells statx reported a DAX state other "
                   "than the group's access mode; their numbers do not measure what the "
                   "group says:\n")
        out.append(table(["kernel", "group", "cell", "statx says"], wrong))
    return out


def charts(ctx):
    out = ["## Charts\n"]
    for name, title, _ in ctx.charts.list:
        out.append(f"- {title}: [charts/{name}.png](charts/{name}.png), "
                   f"[svg](charts/{name}.svg)")
    return ["\n".join(out) + "\n",
            "Raw records: `raw/*.json`; one row per cell and repetition: `results.csv` "
            "(repetition 0 is the traced warm-up); this file and the charts come from "
            "them alone (`make bench-report RUN=...`).\n"]
