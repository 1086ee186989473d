"""daxreport.fstests: the fstests gate's report (scripts/fstests runs it).

    python3 -m daxreport fstests [--base NAME] [--known FILE] [--out DIR [--force]] RUN

RUN is the run directory scripts/fstests filled: provenance.json, probes,
known (optional) and runs/KERNEL-FS/ for each kernel and file system.
The base kernel is --base (default stock), the series kernel the one
other kernel in runs/. --known FILE replaces RUN/known. Writes
summary.md (also printed on stdout) and summary.json into RUN, or DIR;
an output that would overwrite an input, or an earlier report in DIR
without --force, is refused.

Exit status: 0 no regression and every combination complete and
readable; 1 a regression (a lost test too), a test or a combination
incomplete or unreadable, a kernel report on a console, a probe whose
events the series kernel lacks (or the outputs could not be written);
2 bad usage or input, nothing written.

The modules, in the order data flows through them:

    load      the run directory -> combinations of Results, probes,
              known entries; damaged combinations named, never dropped
    failure   a failure's kind, signature and short "what"
    compare   (fs, test) -> passed, regression, shared, fix, ...; known
              differences
    reach     which tests reached each patch on the series kernel
    verdict   the counts, the exit status, summary.md's first line
    fmt       summary.md's sections
"""
import os
import sys
import traceback

from .. import EXIT_FINDING, EXIT_USAGE
from ..files import inside, write_report
from . import compare, fmt, load, reach, verdict

PROG = "daxreport fstests"
USAGE = ("usage: python3 -m daxreport fstests [--base NAME] [--known FILE] "
         "[--out DIR [--force]] RUN")
OUTPUTS = ("summary.md", "summary.json")
INPUTS = ("provenance.json", "probes", "known")
SCHEMA = 1


def say(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


class Usage(Exception):
    pass


def real(p):
    return os.path.realpath(p)


def check_out(run, out, force, known):
    """Why writing the report of RUN into OUT must be refused, or None:
    as the bench report's check_out, the outputs never replace an input
    (the run's own files, anything under runs/, the known file given)."""
    if os.path.exists(out) and not os.path.isdir(out):
        return f"--out {out} exists and is not a directory"
    runs = real(os.path.join(run, "runs"))
    if inside(real(out), runs):
        return f"--out {out} is inside the run's runs/: the report would mix with the guests' files"
    inputs = {real(os.path.join(run, f)) for f in INPUTS}
    if known is not None:
        inputs.add(real(known))
    for name in OUTPUTS:
        p = real(os.path.join(out, name))
        if p in inputs or inside(p, runs):
            return (f"--out {out}: {name} there is an input of the run ({p}); refusing to "
                    "overwrite it")
    if real(out) == real(run):
        return None     # a run's own report is rebuilt: that is what the command is for
    present = [n for n in OUTPUTS if os.path.lexists(os.path.join(out, n))]
    if present and not force:
        return f"--out {out} already holds a report ({', '.join(present)}); --force replaces it"
    return None


def parse(argv):
    """argv -> (run, out, base, known, force); Usage when it is not one."""
    opts = {"--base": "stock", "--known": None, "--out": None}
    force, rest = False, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in opts:
            if i + 1 >= len(argv) or not argv[i + 1]:
                raise Usage(f"{a} needs a value")
            opts[a] = argv[i + 1]
            i += 2
            continue
        if a == "--force":
            force = True
        elif a.startswith("-"):
            raise Usage(f"unknown option {a!r}; {USAGE}")
        else:
            rest.append(a)
        i += 1
    if len(rest) != 1:
        raise Usage(USAGE)
    if force and opts["--out"] is None:
        raise Usage("--force only applies with --out (a run's own report is always rebuilt)")
    return rest[0], opts["--out"], opts["--base"], opts["--known"], force


def build(run, base, known_path):
    """Read and compare the run: (exit status, summary.md, summary.json's
    object). Raises load.BadInput."""
    series, pairs = load.combos(run, base)
    prov = load.provenance(run)
    probes = load.probes(run)
    entries = load.known(known_path)
    items, not_compared = [], {}
    for fs, (bc, sc) in pairs.items():
        if compare.comparable(bc, sc):
            items += compare.compare(fs, bc, sc)
        else:
            gone = [c.name for c in (bc, sc) if c.tests is None]
            not_compared[fs] = f"no results from {' and '.join(gone)}"
    stale, other = compare.apply_known(items, entries, series,
                                       {fs for fs in pairs if fs not in not_compared})
    rows = reach.reach(probes, [p[1] for p in pairs.values()], [p[0] for p in pairs.values()])
    t = verdict.tally(items, pairs.values(), rows, stale)
    rc = verdict.status(t)
    selection = fmt.text_of((prov or {}).get("selection")) or "selection unknown"
    doc = fmt.Doc(base, series, selection, pairs, items, not_compared, stale, other, rows,
                  prov, t, known_path)
    md = fmt.render(doc)
    data = {"schema": SCHEMA, "base": base, "series": series, "selection": selection,
            "verdict": dict(t, exit=rc, passed_gate=rc == 0, failures=verdict.failures(t),
                            headline=md.split("\n", 1)[0]),
            "provenance": prov,
            "combinations": [c.json() for p in pairs.values() for c in p],
            "not_compared": not_compared,
            "tests": [it.json() for it in items],
            "known": {"file": known_path,
                      "explained": [{"fs": it.fs, "test": it.test, "signature": it.signature(),
                                     "reason": it.known.reason, "line": it.known.line}
                                    for it in compare.by_class(items, compare.EXPLAINED)],
                      "stale": [dict(known_json(e), now=now) for e, now in stale],
                      "not_applicable": [known_json(e) for e in other]},
            "reach": rows}
    return rc, md, data


def known_json(e):
    return {"fs": e.fs, "test": e.test, "kernel": e.kernel, "signature": e.signature,
            "reason": e.reason, "line": e.line}


def main(argv):
    if "-h" in argv or "--help" in argv:
        print(USAGE)
        print(__doc__.split("\n\n", 2)[2].split("\n\nThe modules")[0])
        return 0
    try:
        run, out, base, known, force = parse(argv)
    except Usage as e:
        say(str(e))
        return EXIT_USAGE
    if not os.path.isdir(run):
        say(f"{run} is not a directory")
        return EXIT_USAGE
    if known is None and os.path.lexists(os.path.join(run, "known")):
        known = os.path.join(run, "known")
    out = out or run
    why = check_out(run, out, force, known)
    if why:
        say(why)
        return EXIT_USAGE
    try:
        rc, md, data = build(run, base, known)
    except load.BadInput as e:
        say(str(e))
        return EXIT_USAGE
    except Exception:       # a bug: say so, distinctly from "the gate failed"
        traceback.print_exc()
        say("internal error: the report could not be made")
        return EXIT_FINDING
    try:
        write_report(out, "summary", data, md)
    except OSError as e:
        say(f"cannot write the report into {out}: {e}")
        return EXIT_FINDING
    sys.stdout.write(md)
    return rc
