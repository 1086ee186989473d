"""The verdict: every part's flags -> PASS or FAIL, the first line, the
exit status and verdict.json.

FAIL (exit 1) when anything is flagged: a function failure or regression
(VM suite, fstests gate), a speed regression, a durability regression, a
patch that does not apply, build without warnings or pass checkpatch, a
part that is incomplete or unreadable. A part that did not run, with its
reason, does not fail the verdict; the first line says it did not run.
"""
from .. import EXIT_FINDING, EXIT_OK
from . import gate, speed
from .part import (APPLY, BUILD, CHECKPATCH, DURABILITY, FUNCTION_FAILURE,
                   FUNCTION_REGRESSION, INCOMPLETE, SPEED, patch_label, plural)

SCHEMA = 1


def flags(parts):
    return [f for p in parts.values() for f in p.flags]


def of(fl, *kinds):
    return [f for f in fl if f["kind"] in kinds]


def patches_of(fl):
    """'(patch 2)', '(patches 1, 3)' or '' for flags held against patches."""
    ps = sorted({p for f in fl if f["patches"] for p in f["patches"]})
    return f" ({patch_label(ps)})" if ps else ""


def headline(parts):
    fl = flags(parts)
    not_run = [n for n, p in parts.items() if not p.ran]
    tail = f" (not run: {', '.join(not_run)})" if not_run else ""
    if not fl:
        return ("**daxlab verdict: PASS** — no regression in function, speed or durability"
                + tail)
    sp = of(fl, SPEED)
    fr, ff = of(fl, FUNCTION_REGRESSION), of(fl, FUNCTION_FAILURE)
    du = of(fl, DURABILITY)
    shared = [f for f in ff if f.get("shared")]
    fn = f"{len(fr) + len(ff)} function"
    if fr or ff:
        fn += " (" + ", ".join(x for x in (
            plural(len(fr), "regression") if fr else "",
            plural(len(shared), "shared failure") if shared else "",
            plural(len(ff) - len(shared), "failure") if len(ff) > len(shared) else "")
            if x) + ")"
    bits = [plural(len(sp), "speed regression") + patches_of(sp), fn,
            f"{len(du)} durability"]
    for kind, word in ((APPLY, "does not apply"), (BUILD, "build warning or error"),
                       (CHECKPATCH, "checkpatch failure")):
        k = of(fl, kind)
        if k:
            bits.append((word if kind == APPLY else plural(len(k), word)) + patches_of(k))
    inc = sorted({f["part"] for f in of(fl, INCOMPLETE)})
    if inc:
        bits.append("incomplete: " + ", ".join(inc))
    return "**daxlab verdict: FAIL** — " + ", ".join(bits) + tail


def status(parts):
    return EXIT_FINDING if flags(parts) else EXIT_OK


def patch_entries(jd, parts):
    """verdict.json's per-patch entries: checks, speed, fstests reach."""
    b, bn, fs = parts["build"], parts["bench"], parts["fstests"]
    out = []
    for p in jd.patches():
        n = p["number"]
        e = dict(p)
        e["checks"] = (b.data.get("patches") or {}).get(str(n)) if b.ran else None
        e["speed"] = speed.patch_entry(bn, n)
        e["fstests_reach"] = gate.patch_entry(fs, n)
        e["flagged"] = [f for f in flags(parts) if n in f["patches"]]
        out.append(e)
    return out


def document(jd, parts, prov, links, min_change):
    rc = status(parts)
    return {"schema": SCHEMA, "verdict": "FAIL" if rc else "PASS", "exit": rc,
            "headline": headline(parts), "min_change_pct": min_change,
            "base": jd.kernel_source.get("base"), "series": jd.kernel_source.get("series"),
            "kernels": [k.json() for k in jd.kernels], "roles": jd.roles,
            "patches": patch_entries(jd, parts),
            "parts": {n: p.json() for n, p in parts.items()},
            "flagged": flags(parts), "provenance": prov, "links": links}
