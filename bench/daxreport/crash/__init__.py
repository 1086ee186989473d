"""daxreport.crash: the crash-test report (crashtest/run's crash.json and
report.md), in the same package as the bench report.

    python3 -m daxreport crash [--assemble] RUN
    python3 -m daxreport crash --known FILE
    python3 -m daxreport crash --campaigns [--known FILE] [--out FILE] RUN...

--assemble: RUN is a directory crashtest/run has just filled (meta.tsv,
runs.tsv, partial.tsv and one directory per run): write RUN/crash.json
from it first. Without it RUN/crash.json is read as it is. Either way
RUN/report.md is (re)written from crash.json alone, and the verdict
(verdict.py) is the exit status: 0 clean and complete, 1 a finding or a
failed run, 2 bad usage or a file that is not what it should be, 4
incomplete, 5 stopped for lack of disk space.

--known FILE checks a known-findings list (crashtest/known-findings):
0 when every line is ID, signature and why with the signature's id, else
2 and the line that is wrong.

--campaigns: one summary of several runs (campaigns.py): each one's
figures and their findings de-duplicated across all of them, on stdout
or into --out FILE.

The modules, in the order data flows through them:

    load      the run directory or crash.json -> one checked dict
    verdict   findings, mutants caught, the exit status
    sections  one function per section of report.md
    fmt       numbers and jq's rules, as the first (jq) report printed them
    campaigns several runs' crash.json -> one summary
"""
import json
import os
import sys

from .. import EXIT_USAGE
from ..files import write_atomic
from . import load, sections, verdict

PROG = "crashtest/run"
USAGE = ("usage: python3 -m daxreport crash [--assemble] RUN | --known FILE | "
         "--campaigns [--known FILE] [--out FILE] RUN...")


def say(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


def make(run, assemble=False):
    """Write RUN's report.md (and with ASSEMBLE its crash.json); return
    (exit status, verdict lines). Raises load.BadInput."""
    path = os.path.join(run, "crash.json")
    if assemble:
        crash = load.check(load.assemble(run), path)
        write_atomic(path, json.dumps(crash, indent=2) + "\n")
    else:
        crash = load.read(path)
    write_atomic(os.path.join(run, "report.md"), sections.render(crash))
    return verdict.status(crash)


def main(argv):
    if argv in (["-h"], ["--help"]):
        print(USAGE)
        print(__doc__.split("\n\n", 2)[1])
        return 0
    if argv[:1] == ["--campaigns"]:
        from . import campaigns
        return campaigns.main(argv[1:], say)
    if argv[:1] == ["--known"] and len(argv) == 2:
        try:
            load.known_findings(argv[1])
        except load.BadInput as e:
            say(str(e))
            return EXIT_USAGE
        return 0
    args = [a for a in argv if a != "--assemble"]
    if len(args) != 1 or args[0].startswith("-"):
        say(USAGE)
        return EXIT_USAGE
    run = args[0]
    if not os.path.isdir(run):
        say(f"{run} is not a directory")
        return EXIT_USAGE
    assemble = "--assemble" in argv
    need = "runs.tsv" if assemble else "crash.json"
    if not os.path.isfile(os.path.join(run, need)):
        say(f"{run} is not a crash-test run (no {need})")
        return EXIT_USAGE
    try:
        rc, why = make(run, assemble)
    except load.BadInput as e:
        say(str(e))
        return EXIT_USAGE
    say(f"{os.path.join(run, 'report.md')}")
    for w in why:
        say(w)
    return rc
