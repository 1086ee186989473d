"""The command line of the reports.

    python3 -m daxreport [bench] RUN [--out DIR [--force]]
        results.csv, summary.md and chart data of a bench run, from its raw
        records alone, into RUN (or DIR). bench/report runs this, then
        gnuplot.
    python3 -m daxreport crash [--assemble] RUN
        report.md (and crash.json) of a crash-test run (daxreport.crash).
    python3 -m daxreport fstests [--base NAME] [--known FILE] [--out DIR [--force]] RUN
        summary.md and summary.json of an fstests gate run, base against
        series (daxreport.fstests).
    python3 -m daxreport judge [--min-change PCT] [--out DIR] JUDGE_DIR
        verdict.md and verdict.json of a patch series: base against base +
        series, per patch and overall, on function, speed and durability,
        from what scripts/judge put in JUDGE_DIR (daxreport.judge).
    python3 -m daxreport --help | --version

Exit status: see daxreport/__init__.py (0 ok, 1 a finding or an internal
error, 2 bad usage or input)."""
import os
import signal
import sys
import traceback

from . import EXIT_FINDING, EXIT_OK, EXIT_USAGE, __version__
from .files import inside

# What the bench report writes, and what it reads: an output must never
# be one of the inputs.
OUTPUTS = ("results.csv", "summary.md", "charts")
INPUTS = ("raw", "env.json", "plan.env", "plan.tsv", "matrix")
CHART_SUFFIXES = (".dat", ".png", ".svg", ".list")


def say(msg):
    print("bench/report: " + msg, file=sys.stderr)


def real(p):
    return os.path.realpath(p)


def check_out(run, out, force):
    """Why writing the report of RUN into OUT must be refused, or None."""
    if os.path.exists(out) and not os.path.isdir(out):
        return f"--out {out} exists and is not a directory"
    ro, rr = real(out), real(run)
    inputs = [real(os.path.join(run, f)) for f in INPUTS] + \
        [real(os.path.join(run, f)) for f in os.listdir(run) if f.startswith("counts-")]
    if inside(ro, real(os.path.join(run, "raw"))):
        return f"--out {out} is inside the run's raw/ records: the report would mix with them"
    for name in OUTPUTS:
        p = real(os.path.join(out, name))
        if p in inputs or inside(p, real(os.path.join(run, "raw"))):
            return f"--out {out}: {name} there is an input of the run ({p}); refusing to overwrite it"
    if ro == rr:
        return None     # rebuilding a run's own report is what the command is for
    present = [n for n in OUTPUTS if os.path.lexists(os.path.join(out, n))]
    if present and not force:
        return (f"--out {out} already holds a report ({', '.join(present)}); --force "
                "replaces it")
    charts = os.path.join(out, "charts")
    if os.path.isdir(charts) and any(not f.endswith(CHART_SUFFIXES) for f in os.listdir(charts)):
        return f"--out {out}: charts/ there holds files that are not charts; not removing them"
    return None


def clear_charts(out):
    """Stale charts of an earlier report go: only the report's own files."""
    charts = os.path.join(out, "charts")
    if os.path.isdir(charts) and not os.path.islink(charts):
        for f in os.listdir(charts):
            if f.endswith(CHART_SUFFIXES):
                os.unlink(os.path.join(charts, f))


def bench(argv):
    force = "--force" in argv
    args = [a for a in argv if a != "--force"]
    out = None
    if "--out" in args:
        i = args.index("--out")
        if i + 1 >= len(args) or not args[i + 1]:
            say("--out needs a directory")
            return EXIT_USAGE
        out = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1 or args[0].startswith("-"):
        say("usage: bench/report [--out DIR [--force]] RUN")
        return EXIT_USAGE
    run = args[0]
    if not os.path.isdir(run):
        say(f"{run} is not a directory")
        return EXIT_USAGE
    if not os.path.isdir(os.path.join(run, "raw")):
        say(f"{run} is not a bench run (no raw/ directory)")
        return EXIT_USAGE
    if force and out is None:
        say("--force only applies with --out (a run's own report is always rebuilt)")
        return EXIT_USAGE
    out = out or run
    why = check_out(run, out, force)
    if why:
        say(why)
        return EXIT_USAGE
    from .report import Report
    try:
        os.makedirs(out, exist_ok=True)
        clear_charts(out)
        rep = Report(run, out=out)
        if not rep.rows and not rep.problems:
            say(f"{run}/raw has no records")
            return EXIT_USAGE
        n = rep.write()
    except OSError as e:    # the output cannot be written: a failed run
        say(f"cannot write the report into {out}: {e}")
        return EXIT_FINDING
    except Exception:       # a bug: say so, distinctly from "cells failed"
        traceback.print_exc()
        say("internal error: the report could not be made")
        return EXIT_FINDING
    say(f"{n} rows in {out}/results.csv, {len(rep.cells)} cells")
    bad = rep.failed_cells()
    if rep.exit_status():
        unread = [c for c in bad if c.status == "unreadable"]
        say(f"{len(bad)} cells failed, are partial or unreadable ({len(unread)} unreadable), "
            f"{len(rep.problems)} other files unreadable, {len(rep.count_problems)} count "
            "problems; see summary.md")
        for c in unread[:10]:
            say(f"unreadable: {c.kernel} {c.group} {c.cell}: " + ", ".join(c.unreadable_files()))
        for p in (rep.problems + rep.count_problems)[:10]:
            say(p)
        return EXIT_FINDING
    return EXIT_OK


def on_term(signum, _frame):
    # SystemExit unwinds: the files being written are removed, the
    # earlier report stays whole (files.write_atomic).
    sys.exit(128 + signum)


def main(argv):
    signal.signal(signal.SIGTERM, on_term)
    try:
        return dispatch(argv)
    except KeyboardInterrupt:
        return 128 + signal.SIGINT


def dispatch(argv):
    if argv in (["-h"], ["--help"]):
        print(__doc__.split("\n\n")[1])
        return EXIT_OK
    if argv == ["--version"]:
        print(f"daxreport {__version__}")
        return EXIT_OK
    if argv[:1] == ["crash"]:
        from . import crash
        return crash.main(argv[1:])
    if argv[:1] == ["fstests"]:
        from . import fstests
        return fstests.main(argv[1:])
    if argv[:1] == ["judge"]:
        from . import judge
        return judge.main(argv[1:])
    if argv[:1] == ["bench"]:
        argv = argv[1:]
    return bench(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
