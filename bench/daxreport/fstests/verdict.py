"""The gate's verdict: the counts, the exit status and the first line.

Exit 1 (the gate fails) for anything that means the series broke
something or that the run cannot vouch for it: a regression (a lost test
is one), a test one kernel's results lack, a combination incomplete or
unreadable, a kernel report on a guest's console, or a probe whose
events the series kernel does not have. Otherwise 0. Explained
regressions, fixes, shared failures, stale known entries and patches no
test reached are shown, and do not fail it: "not reached" is said
plainly instead, next to the count of regressions.
"""
from .. import EXIT_FINDING, EXIT_OK
from . import compare as C


def plural(n, word, many=None):
    return f"{n} {word if n == 1 else (many or word + 's')}"


def tally(items, pairs, reach_rows, stale):
    """The counts summary.json's "verdict" holds."""
    reg = C.by_class(items, C.REGRESSION)
    combos = [c for p in pairs for c in p]
    return {"regressions": len(reg),
            "lost": sum(1 for it in reg if it.kind == C.LOST),
            "explained": len(C.by_class(items, C.EXPLAINED)),
            "fixed": len(C.by_class(items, C.FIX)),
            "shared_failures": len(C.by_class(items, C.SHARED)),
            "gained": len(C.by_class(items, C.GAINED)) +
            sum(1 for it in reg if it.kind == C.GAINED_FAIL),
            "passed": len(C.by_class(items, C.PASSED)),
            "not_run": len(C.by_class(items, C.NOT_RUN)),
            "incomplete_tests": len(C.by_class(items, C.INCOMPLETE)),
            "incomplete_combinations": sum(1 for c in combos if c.state() == "incomplete"),
            "unreadable_combinations": sum(1 for c in combos if c.state() == "unreadable"),
            "console_reports": sum(1 for c in combos if c.console),
            "probes_missing_events": sum(1 for r in reach_rows if r["missing_on"]),
            "patches_not_reached": sum(1 for r in reach_rows if r["n_tests"] == 0),
            "stale_known": len(stale)}


def failures(t):
    """The reasons the gate fails, worded for the first line; [] if none."""
    out = []
    if t["regressions"]:
        lost = f" ({t['lost']} lost)" if t["lost"] else ""
        out.append(plural(t["regressions"], "regression") + lost)
    if t["incomplete_combinations"]:
        out.append(plural(t["incomplete_combinations"], "incomplete combination"))
    if t["unreadable_combinations"]:
        out.append(plural(t["unreadable_combinations"], "unreadable combination"))
    if t["incomplete_tests"]:
        out.append(plural(t["incomplete_tests"], "test") + " in one kernel's results only")
    if t["console_reports"]:
        out.append(plural(t["console_reports"], "console report"))
    if t["probes_missing_events"]:
        out.append(plural(t["probes_missing_events"], "probe") +
                   " without events on the series kernel")
    return out


def status(t):
    return EXIT_FINDING if failures(t) else EXIT_OK


def headline(t, base, series, selection):
    """summary.md's first line: the verdict, then what it rests on."""
    bad = failures(t)
    if bad:
        head = f"**fstests gate: FAILED: {', '.join(bad)}**"
        if not t["regressions"]:
            head = f"**fstests gate: FAILED: 0 regressions, but {', '.join(bad)}**"
    else:
        head = f"**fstests gate: {plural(0, 'regression')}**"
    rest = [f"{t['explained']} explained", f"{t['fixed']} fixed",
            plural(t["shared_failures"], "shared failure")]
    if t["patches_not_reached"]:
        rest.append(plural(t["patches_not_reached"], "patch", "patches") + " not reached")
    return f"{head} ({', '.join(rest)}) - base {base}, series {series}, {selection}"
