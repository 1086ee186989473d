"""python3 -m daxreport RUN: results.csv, summary.md and chart data of a
bench run, from its raw records alone. bench/report runs this, then
gnuplot. Exit status: see daxreport/__init__.py (0 ok, 1 some cells
failed or are unreadable, 2 bad usage, 3 internal error)."""
import os
import sys
import traceback

from . import EXIT_CELLS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE


def say(msg):
    print("bench/report: " + msg, file=sys.stderr)


def main(argv):
    if len(argv) != 1:
        say("usage: python3 -m daxreport RUN")
        return EXIT_USAGE
    run = argv[0]
    if not os.path.isdir(run):
        say(f"{run} is not a directory")
        return EXIT_USAGE
    if not os.path.isdir(os.path.join(run, "raw")):
        say(f"{run} is not a bench run (no raw/ directory)")
        return EXIT_USAGE
    from .report import Report
    try:
        rep = Report(run)
        if not rep.rows and not rep.problems:
            say(f"{run}/raw has no records")
            return EXIT_USAGE
        n = rep.write()
    except Exception:     # a bug: say so, distinctly from "cells failed"
        traceback.print_exc()
        say("internal error: the report could not be made")
        return EXIT_INTERNAL
    say(f"{n} rows in {run}/results.csv, {len(rep.cells)} cells")
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
        return EXIT_CELLS
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
