"""Which tests reached each patch of the series.

"0 regressions" means something only for code that ran: each probe
(RUN/probes) names the tracefs events that show its patch's code ran,
and each guest counted them per test (reach.tsv). A test reached patch
ID on the series kernel when its count is above zero, its file system is
one the probe names (fs=, the events also fire in code the series does
not touch) and, for dm=TARGET, a device-mapper table of that target was
live during the test (the pmem events do not say who called them).

Only the series kernel counts: the base has none of the series' code.
The base's counts are kept for summary.json alone. A probe whose events
the series kernel does not have ("-") is an error of the probe or of
the series, and fails the gate: it measured nothing.
"""


def applies(probe, fs):
    return probe.fs is None or fs in probe.fs


def count(probe, combos):
    """{"tests": [{fs, test, events}], "events": total, "missing": [combo
    names whose kernel lacks the events], "unknown": [combo names whose
    reach.tsv is missing or unreadable]} over COMBOS of one kernel."""
    tests, total, missing, unknown = [], 0, [], []
    for c in combos:
        if not applies(probe, c.fs):
            continue
        if c.reach is None:
            if c.tests is not None:
                unknown.append(c.name)
            continue
        per = {}
        for test, pid, events, dm in c.reach:
            if pid != probe.id:
                continue
            if events is None:
                if c.name not in missing:
                    missing.append(c.name)
                continue
            if events > 0 and (probe.dm is None or probe.dm in dm):
                per[test] = per.get(test, 0) + events
        for test, n in per.items():
            tests.append({"fs": c.fs, "test": test, "events": n})
            total += n
    return {"tests": tests, "events": total, "missing": missing, "unknown": unknown}


def names(tests, several_fs):
    """The distinct test names that reached a patch, each with the file
    systems it reached it on when the run had several."""
    fss = {}
    for t in tests:
        fss.setdefault(t["test"], []).append(t["fs"])
    return [f"{t} ({','.join(f)})" if several_fs else t for t, f in sorted(fss.items())]


def reach(probes, series_combos, base_combos):
    """One dict per probe, in the probes file's order."""
    several = len({c.fs for c in series_combos}) > 1
    out = []
    for p in probes:
        s = count(p, series_combos)
        b = count(p, base_combos)
        out.append({"id": p.id, "description": p.description, "events": p.events,
                    "qualifiers": p.qualifiers(),
                    "tests": s["tests"], "test_names": names(s["tests"], several),
                    "n_tests": len({t["test"] for t in s["tests"]}),
                    "total_events": s["events"], "missing_on": s["missing"],
                    "unknown_on": s["unknown"],
                    "base": {"total_events": b["events"], "missing_on": b["missing"],
                             "tests": b["tests"]}})
    return out


def missing(rows):
    """The probes whose events the series kernel lacks."""
    return [r for r in rows if r["missing_on"]]
