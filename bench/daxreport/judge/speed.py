"""The bench run (bench/): each patch's cost, step by step along the series.

The bench report's own rule and code decide (stats.compare through
sections.throughput.kernel_pairs, the loop of its "Stock vs patched"):
with 3 or more repetitions on each side a difference is a result only
when the two cells' [min, max] ranges do not overlap, sized by the ratio
of medians with its bootstrap 95 % interval, and worded by the metric
and the clock ("more instructions" under icount, "slower" on the wall
clock). Here every consecutive pair of the kernels the bench ran, in
series order, is compared, and what differs is held against the patches
the later kernel adds; then the base against the whole series.

A result that is worse by at least --min-change percent is a speed
regression of those patches; a smaller one is minor; a better one an
improvement. A regression of the whole series that no single step shows
(small costs that add up) is held against the series. Cells whose
outcome differs (ok against unsupported or failed) are listed. A run
whose own report would fail (a cell failed, partial or unreadable) is
incomplete.
"""
import os
import tempfile

from .. import units
from ..report import Report
from ..sections.throughput import kernel_pairs
from ..text import direction, fci, fmt, fratio, verdict
from .part import SPEED, Part, patch_label

REGRESSION, MINOR, IMPROVEMENT = "regression", "minor", "improvement"
BROKEN = ("failed", "partial", "unreadable")


def load(path):
    """The bench run as its report sees it. The report object makes its
    chart directory when created: a scratch one, so that the run is only
    read."""
    with tempfile.TemporaryDirectory(prefix="daxlab-judge-") as tmp:
        return Report(path, out=tmp)


def step(rep, a, b, patches, min_change):
    """The results, outcome differences and cells not compared of B
    against A."""
    out = {"from": a.name, "to": b.name, "patches": patches, "results": [],
           "outcome": [], "not_compared": []}
    for c, p, metric, clock, cmp, why in kernel_pairs(rep, a.name, b.name):
        if c.status != p.status and "unreadable" not in (c.status, p.status):
            out["outcome"].append({"group": c.group, "cell": c.cell, "from": c.status,
                                   "to": p.status})
            continue
        if cmp is None:
            if {c.status, p.status} & set(BROKEN):
                out["not_compared"].append({"group": c.group, "cell": c.cell, "why": why})
            continue
        if not cmp.is_result:
            continue
        if not cmp.ratio:
            # a median of 0 against a non-zero one: no ratio to size it by
            out["not_compared"].append({"group": c.group, "cell": c.cell,
                                        "why": f"a median of 0 on {b.name}"})
            continue
        lower = units.lower_is_better(metric)
        good, f = direction(cmp, lower, clock)
        change = abs(f - 1) * 100
        unit, scale = units.display(metric, clock)
        cls = IMPROVEMENT if good else (REGRESSION if change >= min_change else MINOR)
        out["results"].append({
            "group": c.group, "cell": c.cell, "class": cls, "metric": metric, "unit": unit,
            "clock": clock, "median_from": cmp.med_a * scale, "median_to": cmp.med_b * scale,
            "ratio": cmp.ratio, "interval": list(cmp.ci) if cmp.ci else None,
            "change_pct": change, "verdict": verdict(cmp, lower, clock)})
    return out


def of(st, cls):
    return [r for r in st["results"] if r["class"] == cls]


def cell_text(r, a, b):
    """One result as the verdict lists it: medians, ratio, interval."""
    return (f"{r['group']} {r['cell']}: {r['verdict']} ({a} {fmt(r['median_from'])} → "
            f"{b} {fmt(r['median_to'])} {r['unit']}, ratio {fratio(r['ratio'])}, 95 % "
            f"interval {fci(r['interval'])})")


def judge(path, rel, jd, min_change):
    part = Part("bench", path, rel)
    if not os.path.isdir(os.path.join(path, "raw")):
        part.problem(f"{rel} is not a bench run (no raw/ directory)")
        return part
    rep = load(path)
    if not rep.rows and not rep.problems:
        part.problem(f"{rel}/raw has no records")
        return part
    if rep.exit_status():
        bad = rep.failed_cells()
        part.problem(f"{len(bad)} cells failed, ran partly or are unreadable, "
                     f"{len(rep.problems)} other files and {len(rep.count_problems)} event "
                     f"counts unreadable (see {rel}/summary.md)")
    ran = [k for k in jd.kernels if k.name in rep.kernels]
    extra = [k for k in rep.kernels if jd.kernel(k) is None]
    for k in (jd.base, jd.series):
        if k not in ran:
            part.problem(f"the bench did not run the {k.name} kernel")
    steps = []
    for a, b in zip(ran, ran[1:]):
        steps.append(step(rep, a, b, list(range(a.patches + 1, b.patches + 1)), min_change))
    overall = None
    if jd.base in ran and jd.series in ran:
        if len(ran) == 2:
            overall = steps[0]
        else:
            overall = step(rep, jd.base, jd.series, list(range(1, jd.n_patches + 1)),
                           min_change)
    flagged = set()
    for st in steps:
        for r in of(st, REGRESSION):
            flagged.add((r["group"], r["cell"]))
            part.flag(SPEED, f"{patch_label(st['patches'])}: "
                      + cell_text(r, st["from"], st["to"]), st["patches"])
    if overall is not None and overall not in steps:
        for r in of(overall, REGRESSION):
            if (r["group"], r["cell"]) not in flagged:
                part.flag(SPEED, "the series as a whole (no single step shows it): "
                          + cell_text(r, overall["from"], overall["to"]), overall["patches"])
    clock = rep.clock
    part.data.update(clock=clock, clock_text=units.clock_label(clock),
                     clock_desc=rep.clock_desc, min_change_pct=min_change,
                     kernels=[k.name for k in ran], kernels_not_in_series=extra, steps=steps,
                     overall=overall)
    part.env = rep.env
    return part


def own_step(part, patch):
    """The step that adds PATCH alone, else the one that adds it with
    others, else None."""
    for st in part.data.get("steps") or []:
        if patch in st["patches"]:
            return st
    return None


def patch_entry(part, patch):
    """verdict.json's speed of one patch."""
    st = own_step(part, patch)
    e = {"text": patch_text(part, patch), "from": None, "to": None, "alone": False}
    if st is not None:
        e.update({"from": st["from"], "to": st["to"], "alone": st["patches"] == [patch],
                  "regressions": [f"{r['group']} {r['cell']}" for r in of(st, REGRESSION)],
                  "minor": len(of(st, MINOR)), "improvements": len(of(st, IMPROVEMENT)),
                  "outcome_changes": len(st["outcome"])})
    return e


def patch_text(part, patch):
    """The speed column of the per-patch table."""
    if not part.ran:
        return "not run"
    steps = part.data.get("steps")
    if steps is None:
        return "unknown"
    for st in steps:
        if st["patches"] == [patch]:
            reg, minor, imp = of(st, REGRESSION), of(st, MINOR), of(st, IMPROVEMENT)
            if reg:
                return "**" + "; ".join(f"{r['group']} {r['cell']} {r['verdict']}"
                                        for r in reg) + "**"
            bits = []
            if minor:
                bits.append(f"{len(minor)} minor")
            if imp:
                bits.append(f"{len(imp)} better")
            if st["outcome"]:
                bits.append(f"{len(st['outcome'])} outcome changes")
            return ", ".join(bits) if bits else "no change beyond spread"
        if patch in st["patches"]:
            return f"measured only with {patch_label(st['patches'])}"
    return "not measured"
