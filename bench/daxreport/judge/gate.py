"""The fstests gate's report (fstests/summary.json, daxreport.fstests).

The gate decides (its verdict's passed_gate); this part says its first
line, names its regressions and its other reasons to fail, and gives
for each patch how many tests reached it. The reach rows name patches by
number (the probes file), taken here by position in the series.
"""
import os

from .. import files
from .part import FUNCTION_FAILURE, FUNCTION_REGRESSION, Part, PartError, need

REGRESSION, SHARED, FIX = "regression", "shared failure", "fix"


def names(tests, cls):
    return [f"{t.get('fs')} {t.get('test')}" for t in tests
            if isinstance(t, dict) and t.get("class") == cls]


def read(path):
    try:
        doc = files.loads(files.read_text(path))
    except (OSError, ValueError) as e:
        raise PartError(f"summary.json is not readable JSON ({e})") from None
    if not isinstance(doc, dict):
        raise PartError("summary.json is not a JSON object")
    v = need(doc, "verdict", dict, "summary.json")
    need(v, "passed_gate", bool, "summary.json verdict")
    need(v, "headline", str, "summary.json verdict")
    fails = v.get("failures", [])
    if not isinstance(fails, list) or not all(isinstance(f, str) for f in fails):
        raise PartError("summary.json verdict: failures is not a list of strings")
    tests = need(doc, "tests", list, "summary.json")
    reach = need(doc, "reach", list, "summary.json")
    for r in reach:
        if not isinstance(r, dict) or not isinstance(r.get("id"), str) or \
                not isinstance(r.get("n_tests"), int):
            raise PartError("summary.json: a reach row without its id or n_tests")
    return doc, v, fails, tests, reach


def judge(path, rel, jd):
    part = Part("fstests", path, rel)
    f = os.path.join(path, "summary.json")
    if not os.path.lexists(f):
        part.problem(f"no {rel}/summary.json: the gate's report is missing")
        return part
    try:
        doc, v, fails, tests, reach = read(f)
    except PartError as e:
        part.problem(f"{rel}/{e}")
        return part
    base, series = doc.get("base"), doc.get("series")
    if (base, series) != (jd.base.name, jd.series.name):
        part.problem(f"the gate compared {series!r} against {base!r}, not {jd.series.name} "
                     f"against {jd.base.name}")
    reg = [t for t in tests if isinstance(t, dict) and t.get("class") == REGRESSION]
    for t in reg:
        what = f"fstests {t.get('fs')} {t.get('test')}"
        if t.get("kind"):
            what += f" ({t['kind']})"
        part.flag(FUNCTION_REGRESSION, what)
    if reg and v["passed_gate"]:
        part.problem("summary.json lists regressions, yet its verdict passed the gate")
    if not v["passed_gate"]:
        other = [x for x in fails if "regression" not in x]
        for x in other:
            part.flag(FUNCTION_FAILURE, f"fstests gate: {x}")
        if not reg and not other:
            part.flag(FUNCTION_FAILURE, f"fstests gate failed: {v['headline']}")
    per = {}
    n = jd.n_patches
    for r in reach:
        if r["id"].isdigit() and 1 <= int(r["id"]) <= n:
            per[int(r["id"])] = {"tests": r["n_tests"],
                                 "names": [x for x in r.get("test_names") or []
                                           if isinstance(x, str)],
                                 "probe": r.get("description")}
    beyond = [r["id"] for r in reach if not (r["id"].isdigit() and 1 <= int(r["id"]) <= n)]
    prov = doc.get("provenance") if isinstance(doc.get("provenance"), dict) else {}
    part.data.update(headline=v["headline"], passed_gate=v["passed_gate"],
                     failures=fails, regressions=[f"{t.get('fs')} {t.get('test')}" for t in reg],
                     shared_failures=names(tests, SHARED), fixes=names(tests, FIX),
                     reach={str(k): x for k, x in sorted(per.items())},
                     probes_beyond_series=beyond, provenance=prov)
    return part


def reach_text(part, patch):
    """The fstests column of the per-patch table."""
    if not part.ran:
        return "not run"
    r = (part.data.get("reach") or {}).get(str(patch))
    if "reach" not in part.data:
        return "unknown"
    if r is None:
        return "no probe"
    return "not reached" if r["tests"] == 0 else \
        f"{r['tests']} test{'s' if r['tests'] != 1 else ''}"


def patch_entry(part, patch):
    """verdict.json's fstests reach of one patch."""
    r = (part.data.get("reach") or {}).get(str(patch))
    return {"text": reach_text(part, patch), "tests": r["tests"] if r else None,
            "names": r["names"] if r else []}
