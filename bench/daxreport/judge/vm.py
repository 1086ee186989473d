"""The VM suite on the base and the series kernel (vm/KERNEL.tap).

Every "not ok" on the series kernel is a function failure. When both
kernels ran in the same role the suite expected the same of both, so a
test is compared by (script, TAP number): ok on the base and not ok on
the series is a regression, not ok on both a shared failure (a failure,
not blamed on the series), not ok on the base only a fix. When the roles
differ the suite expects each role to pass in full: every "not ok" on
either kernel fails the verdict. A file cut short (no closing count)
leaves the part incomplete.
"""
import os

from .. import files
from . import vmtap
from .part import FUNCTION_FAILURE, FUNCTION_REGRESSION, Part

REGRESSION, SHARED, FIX, FAILURE = "regression", "shared failure", "fix", "failure"


def read(part, name, role):
    """vm/NAME.tap -> vmtap.Tap, or None (a problem of the part)."""
    path = os.path.join(part.path, f"{name}.tap")
    rel = f"{part.rel}/{name}.tap"
    if not os.path.lexists(path):
        part.problem(f"no {rel}: the {name} kernel's VM suite is missing")
        return None
    try:
        tap = vmtap.parse(files.read_text(path, errors="replace"))
    except OSError as e:
        part.problem(f"{rel} cannot be read ({e})")
        return None
    if tap.closing is None:
        where = f" (it ends in {tap.cut_in})" if tap.cut_in else ""
        part.problem(f"{rel} is cut short: no closing 'N passed, N failed, N skipped' "
                     f"line{where}")
    if not tap.tests:
        part.problem(f"{rel} holds no test")
    other = [r for r in tap.roles if r != role]
    if other:
        part.problem(f"{rel} ran in role {', '.join(other)}, judge.json says {role}")
    return tap


def item(t, cls, kernel, base=None):
    d = {"class": cls, "kernel": kernel, **t.json()}
    if base is not None:
        d["base_status"] = base
    return d


def judge(path, rel, jd):
    part = Part("vm", path, rel)
    base, series = jd.base.name, jd.series.name
    ran = [k.name for k in jd.kernels if k.name in jd.roles]
    taps, kernels = {}, []
    for k in ran:
        tap = read(part, k, jd.roles[k])
        taps[k] = tap
        kernels.append({"kernel": k, "role": jd.roles[k], "file": f"{rel}/{k}.tap",
                        "complete": tap is not None and tap.closing is not None,
                        **(tap.counts() if tap is not None else {})})
    if series not in jd.roles:
        part.problem(f"the series kernel {series} did not run the VM suite (judge.json roles)")
    items = []
    st, bt = taps.get(series), taps.get(base)
    same = base in jd.roles and series in jd.roles and jd.roles[base] == jd.roles[series]
    if st is not None:
        for t in st.failures():
            if same and bt is not None:
                b = bt.get(t.key)
                if b is not None and b.status == vmtap.FAIL:
                    items.append(item(t, SHARED, series, b.status))
                    part.flag(FUNCTION_FAILURE, f"VM {t.name()} fails on {base} and {series} "
                              f"(shared): {t.desc}", shared=True)
                else:
                    items.append(item(t, REGRESSION, series, b.status if b else "absent"))
                    was = {vmtap.PASS: "passes", vmtap.SKIP: "skips"}.get(
                        b.status if b is not None else None, "is absent")
                    part.flag(FUNCTION_REGRESSION, f"VM {t.name()} {was} on {base}, fails on "
                              f"{series}: {t.desc}")
            else:
                items.append(item(t, FAILURE, series))
                part.flag(FUNCTION_FAILURE, f"VM {t.name()} fails on {series} (role "
                          f"{jd.roles[series]}): {t.desc}")
    if bt is not None:
        for t in bt.failures():
            if same and st is not None:
                s = st.get(t.key)
                if s is not None and s.status == vmtap.PASS:
                    items.append(item(t, FIX, base))
            elif not same:
                items.append(item(t, FAILURE, base))
                part.flag(FUNCTION_FAILURE, f"VM {t.name()} fails on {base} (role "
                          f"{jd.roles[base]}): {t.desc}")
    part.data.update(kernels=kernels, same_role=same, tests=items)
    return part
