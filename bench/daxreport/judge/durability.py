"""The crash tests (crash/crash.json, daxreport.crash): each scenario on the
base against the series kernel.

Only the kernels' own runs (role "kernel") count; mutant runs test the
oracles, not the series. A scenario whose series kernel shows durability
or flush-contract violations of a kind the base does not show, or that
fails to run (status error) on the series kernel only, is a durability
regression. Violations of a kind both kernels show are shared (listed:
the crash tests sample states at random, so how many are found varies
from run to run and the counts are not compared); violations on the
base only are a fix. fsck rejections are listed, never failed
(torn in-place rewrites the hardware allows: results/crash-reference).
A scenario the series kernel did not run, errors on both, or a partial
run leaves the part incomplete.
"""
import os

from ..crash import load as crashload
from ..crash.fmt import alt
from .part import DURABILITY, Part

COUNTS = ("durability_violations", "flush_contract_violations", "fsck_violations")
REGRESSION, SHARED, FIX, CLEAN = "regression", "shared", "fix", "clean"


def counts(r):
    if r is None:
        return None
    res = r["result"]
    return {k: alt(res.get(k), 0) for k in COUNTS}


# A run the workload refused (unsupported) or the scenario does not name
# (inapplicable): nothing to judge on that kernel.
NA = ("unsupported", "inapplicable")


def bad(c):
    """Durability and flush-contract violations: what the verdict counts."""
    return c["durability_violations"] + c["flush_contract_violations"]


def side(r):
    if r is None:
        return None
    return {"status": r["status"], **counts(r)}


def classify(b, s):
    """(class, why) of one scenario; B, S the base's and series' runs."""
    if s is None:
        return "not run", "the series kernel did not run it"
    if s["status"] in NA and (b is None or b["status"] in NA):
        return "not applicable", ""
    if s["status"] == "error":
        if b is not None and b["status"] == "error":
            return "error", "errors on both kernels"
        return REGRESSION, "errors on the series kernel only"
    cs = counts(s)
    if b is None or b["status"] == "error" or b["status"] in NA:
        if bad(cs):
            return REGRESSION, "violations on the series kernel, none to compare on the base"
        return CLEAN, "series kernel only"
    cb = counts(b)
    # The crash states are sampled, so the number of violations found
    # varies from run to run: a kind of violation the base never showed is
    # a regression, more of a kind it shows too is not a result.
    new = [k for k in ("durability_violations", "flush_contract_violations")
           if cs[k] > 0 and cb[k] == 0]
    if new:
        return REGRESSION, "violations on the series kernel of a kind the base does not show"
    if bad(cs):
        return SHARED, ("violations on both kernels (how many depends on the "
                        "states sampled, so the counts are not compared)")
    if bad(cb):
        return FIX, "violations on the base only"
    return CLEAN, ""


def judge(path, rel, jd):
    part = Part("crash", path, rel)
    f = os.path.join(path, "crash.json")
    if not os.path.lexists(f):
        part.problem(f"no {rel}/crash.json: the crash tests' results are missing")
        return part
    try:
        crash = crashload.read(f)
    except crashload.BadInput as e:
        part.problem(str(e).replace(path, rel, 1))
        return part
    base, series = jd.base.name, jd.series.name
    runs = [r for r in crash["runs"] if r["role"] == "kernel"]
    order = list(dict.fromkeys(r["scenario"] for r in runs))
    rows, totals = [], {base: dict.fromkeys(COUNTS, 0), series: dict.fromkeys(COUNTS, 0)}
    for scn in order:
        b = next((r for r in runs if r["scenario"] == scn and r["kernel"] == base), None)
        s = next((r for r in runs if r["scenario"] == scn and r["kernel"] == series), None)
        for k, r in ((base, b), (series, s)):
            if r is not None:
                for c in COUNTS:
                    totals[k][c] += counts(r)[c]
        cls, why = classify(b, s)
        rows.append({"scenario": scn, "base": side(b), "series": side(s), "class": cls,
                     "why": why})
        if cls == REGRESSION:
            part.flag(DURABILITY, f"crash {scn}: {why} ({text(side(b))} on {base}, "
                      f"{text(side(s))} on {series})")
        elif cls in ("not run", "error"):
            part.problem(f"crash {scn}: {why}")
        for k, r in ((base, b), (series, s)):
            if r is not None and r["status"] == "partial":
                part.problem(f"crash {scn} on {k} was judged only in part")
    if not any(r["kernel"] == series for r in runs):
        part.problem(f"crash.json has no run of the series kernel {series}")
    elif not any(r["kernel"] == base for r in runs):
        part.problem(f"crash.json has no run of the base kernel {base}")
    others = sorted({r["kernel"] for r in runs} - {base, series})
    part.data.update(scenarios=rows, totals=totals, other_kernels=others,
                     partial_reasons=crash["partial_reasons"])
    return part


def text(c):
    """A run's outcome in a table cell: 'clean', 'error', '2 durability,
    1 fsck' ..."""
    if c is None:
        return "not run"
    if c["status"] in ("error", "partial") + NA and not bad(c) and \
            not c["fsck_violations"]:
        return "not applicable" if c["status"] in NA else c["status"]
    bits = [f"{c[k]} {k.split('_')[0].replace('flush', 'flush-contract')}"
            for k in COUNTS if c[k]]
    t = ", ".join(bits) if bits else "clean"
    return t + (" (partial)" if c["status"] == "partial" else "")
