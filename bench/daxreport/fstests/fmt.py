"""summary.md: one function per section, each returning its lines.

Written for a maintainer who reads the first line and maybe the screen
below it: the verdict first, then one table of what ran, then only the
sections that have something in them. Long lists stop after a few names
("+N"): summary.json has everything.
"""
import os

from ..text import table
from . import compare as C
from . import verdict
from .load import FAIL, NOTRUN, PASS

NAMES = 8       # test names listed before "+N"
ROWS = 25       # rows of a list section before "... N more"


def names(tests, n=NAMES):
    tests = list(tests)
    more = f" +{len(tests) - n}" if len(tests) > n else ""
    return ", ".join(tests[:n]) + more


def capped(lines, n=ROWS):
    if len(lines) <= n:
        return lines
    return lines[:n] + [f"- ... {len(lines) - n} more in summary.json"]


def duration(s):
    if s is None:
        return "?"
    s = int(round(s))
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def joined(lines):
    return " / ".join(lines) if lines else "-"


def code(text):
    return f"`{text}`" if text else "(none)"


class Doc:
    """What every section reads: the run, compared."""

    def __init__(self, base, series, selection, pairs, items, not_compared, stale,
                 other_known, reach_rows, prov, tally, known_path):
        self.base, self.series, self.selection = base, series, selection
        self.pairs, self.items, self.not_compared = pairs, items, not_compared
        self.stale, self.other_known, self.reach = stale, other_known, reach_rows
        self.prov, self.tally, self.known_path = prov, tally, known_path

    def cls(self, c):
        return C.by_class(self.items, c)


def head(d):
    return [verdict.headline(d.tally, d.base, d.series, d.selection)]


def console_cell(c):
    if c.console:
        return f"REPORT ({len(c.console)} lines)"
    return "clean" if c.console_recorded else "not recorded"


def runs_table(d):
    rows = []
    for fs, pair in d.pairs.items():
        for c in pair:
            n = c.counts()
            total = len(c.tests) if c.tests is not None else "-"
            st = c.state()
            rows.append([fs, c.kernel, n[PASS], n[FAIL], n[NOTRUN], total,
                         duration(c.seconds if c.seconds is not None else c.xml_time),
                         console_cell(c), "ok" if st == "complete" else st.upper()])
    return ["", table(["fs", "kernel", "passed", "failed", "not run", "total", "wall",
                       "console", "results"], rows).rstrip("\n")]


def regression_what(d, it):
    wb, ws = it.whats()
    b, s = it.base, it.series
    if it.kind == C.CHANGED:
        return f"{d.base}: {joined(wb)}; {d.series}: {joined(ws)}"
    if it.kind == C.LOST:
        was = "passed" if b.status == PASS else f"failed ({joined(wb)})"
        return f"not run on {d.series}: {s.reason}; {was} on {d.base}"
    if it.kind == C.GAINED_FAIL:
        return f"{joined(ws)} (not run on {d.base}: {b.reason})"
    return joined(ws)


def regressions(d):
    reg = d.cls(C.REGRESSION)
    if not reg:
        return []
    rows = [[it.fs, it.test, it.kind, regression_what(d, it), it.signature()]
            for it in reg]
    more = []
    if len(rows) > 2 * ROWS:
        more = ["", f"... {len(rows) - 2 * ROWS} more in summary.json"]
        rows = rows[:2 * ROWS]
    return ["", "## Regressions", "",
            table(["fs", "test", "kind", "what", f"signature on {d.series}"],
                  rows).rstrip("\n")] + more


def explained(d):
    out = []
    ex = d.cls(C.EXPLAINED)
    src = os.path.basename(d.known_path) if d.known_path else "known"
    if ex:
        out += ["", f"## Explained ({src})", ""]
        out += capped([f"- {it.fs} {it.test} ({it.kind}, {it.signature()}): {it.known.reason}"
                       for it in ex])
    if d.stale:
        out += ["", f"Stale known entries (explain nothing in this run; {src}):", ""]
        out += capped([f"- line {e.line}: {e.fs} {e.test} {e.kernel} {e.signature}: "
                       f"{e.reason} - {now}" for e, now in d.stale])
    return out


def fixes(d):
    fx = d.cls(C.FIX)
    if not fx:
        return []
    return ["", "## Fixes", ""] + capped(
        [f"- {it.fs} {it.test}: failed on {d.base}: {joined(it.whats()[0])}" for it in fx])


def shared(d):
    sh = d.cls(C.SHARED)
    if not sh:
        return []
    return ["", "## Shared failures", ""] + capped(
        [f"- {it.fs} {it.test} ({it.signature()}): {joined(it.whats()[1])}" for it in sh])


def gained(d):
    g = d.cls(C.GAINED)
    if not g:
        return []
    per = {}
    for it in g:
        per.setdefault(it.fs, []).append(it.test)
    return ["", f"## Gained (not run on {d.base}, passed on {d.series})", ""] + \
        [f"- {fs}: {names(t)}" for fs, t in per.items()]


def not_run(d):
    nr = d.cls(C.NOT_RUN)
    if not nr:
        return []
    groups = {}
    for it in nr:
        groups.setdefault((it.fs, it.base.reason, it.series.reason), []).append(it.test)
    lines = []
    for (fs, rb, rs), tests in groups.items():
        why = rb if rb == rs else f"{d.base}: {rb}; {d.series}: {rs} (reasons differ)"
        lines.append(f"- {fs}: {why}: {names(tests)}")
    return ["", "## Not run", ""] + capped(lines)


def reach(d):
    rows = []
    for r in d.reach:
        if r["missing_on"]:
            reached = f"**events missing on the series kernel** ({', '.join(r['missing_on'])})"
        elif r["n_tests"] == 0:
            reached = "**not reached by any test**"
        else:
            reached = names(r["test_names"])
        if r["unknown_on"]:
            reached += f" (reach unknown on {', '.join(r['unknown_on'])})"
        rows.append([r["id"], r["description"], r["qualifiers"], r["n_tests"],
                     r["total_events"], reached])
    out = ["", f"## Reach per patch ({d.series})", ""]
    if not rows:
        return out + ["The probes file lists no patch: what the tests reached is unknown."]
    return out + [table(["patch", "subject", "only", "tests", "events", "reached by"],
                        rows).rstrip("\n")]


def console(d):
    out = []
    for pair in d.pairs.values():
        for c in pair:
            if c.console:
                first = c.console[:3]
                more = f" (+{len(c.console) - 3} lines)" if len(c.console) > 3 else ""
                out.append(f"- {c.name}: {' / '.join(first)}{more}")
    return ["", "## Console reports", ""] + out if out else []


def incomplete(d):
    out = []
    for pair in d.pairs.values():
        for c in pair:
            out += [f"- {c.state()}: {text}" for _, text in c.issues]
    for fs, why in d.not_compared.items():
        out.append(f"- {fs} not compared: {why}")
    per = {}
    for it in d.cls(C.INCOMPLETE):
        k = d.base if it.base is not None else d.series
        per.setdefault((it.fs, k), []).append(it.test)
    for (fs, k), tests in per.items():
        out.append(f"- {fs}: only in {k}'s results: {names(tests)}")
    return ["", "## Incomplete or unreadable", ""] + out if out else []


def text_of(v):
    """A provenance value as text; None for what is not a plain value."""
    if isinstance(v, bool) or v is None or isinstance(v, (dict, list)):
        return None
    return str(v)


def provenance_line(d):
    p = d.prov
    if p is None:
        return "no provenance.json: what ran is not recorded"
    parts = []
    f = p.get("fstests") if isinstance(p.get("fstests"), dict) else {}
    commit, src, h = (text_of(f.get(k)) for k in ("commit", "source", "hash"))
    if commit or src or h:
        parts.append("fstests " + (commit[:12] if commit else "(commit unknown)") +
                     (f" from {os.path.basename(src)}" if src else "") +
                     (f", build {h}" if h else ""))
    ks = p.get("kernels") if isinstance(p.get("kernels"), dict) else {}
    for name, k in ks.items():
        if not isinstance(k, dict):
            continue
        bits = [f"config {text_of(k.get('config_sha256'))[:12]}"
                if text_of(k.get("config_sha256")) else None,
                f"series {text_of(k.get('series_sha256'))[:12]}"
                if text_of(k.get("series_sha256")) else None]
        bits = [b for b in bits if b]
        parts.append(f"{name}" + (f" ({', '.join(bits)})" if bits else ""))
    for key, label in (("selection", ""), ("qemu", ""), ("accel", "accel "),
                       ("jobs", "jobs "), ("host", "host "), ("started", "started ")):
        v = text_of(p.get(key))
        if v:
            parts.append(label + v)
    w = p.get("wall_seconds")
    if isinstance(w, (int, float)) and not isinstance(w, bool):
        parts.append(f"wall {duration(w)}")
    return "; ".join(parts) or "provenance.json says nothing the report knows"


def options(c):
    g = c.config.get
    return f"mkfs {code(g('MKFS_OPTIONS'))}, mount {code(g('MOUNT_OPTIONS'))}"


def provenance(d):
    out = ["", "## Provenance", "", provenance_line(d), ""]
    for fs, (bc, sc) in d.pairs.items():
        ob, os_ = options(bc), options(sc)
        if not bc.config and not sc.config:
            out.append(f"- {fs}: no config recorded")
        elif ob == os_ or not bc.config or not sc.config:
            out.append(f"- {fs}: {ob if bc.config else os_}")
        else:
            out.append(f"- {fs}: {d.base}: {ob}; {d.series}: {os_} (options differ)")
    return out


SECTIONS = (head, runs_table, regressions, explained, fixes, shared, gained, not_run,
            reach, console, incomplete, provenance)


def render(d):
    lines = []
    for s in SECTIONS:
        lines += s(d)
    return "\n".join(lines) + "\n"
