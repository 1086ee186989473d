"""daxreport.judge: the one verdict on a patch series, base kernel against
base + series, per patch and overall, on function, speed and durability.

    python3 -m daxreport judge [--min-change PCT] [--out DIR] JUDGE_DIR

JUDGE_DIR is what scripts/judge filled: judge.json (the kernels in series
order, the role the VM suite ran each in, each part's path or why it did
not run, provenance) and the parts: build.tsv (apply, build, checkpatch
per patch), vm/KERNEL.tap (the VM suite), fstests/ (the fstests gate's
run), bench/ (a bench run over the base, the prefix kernels and the
series) and crash/ (a crash-test run). Writes verdict.md and
verdict.json into JUDGE_DIR, or DIR. A result of the bench worse by at
least PCT percent (default 2) is a speed regression; a smaller one is
listed as minor.

Exit status: 0 nothing flagged; 1 something flagged (a function failure
or regression, a speed or durability regression, a patch that does not
apply, build without warnings or pass checkpatch, a part incomplete or
unreadable), or the outputs could not be written; 2 bad usage or input
(no JUDGE_DIR, no valid judge.json, a part missing without a reason),
nothing written.

The modules, in the order data flows through them:

    inputs      judge.json -> the kernels, roles, parts (BadInput: exit 2)
    part        one part's findings and flags
    buildlog    build.tsv
    vmtap, vm   the VM suite's TAP; base against series
    gate        the fstests gate's summary.json and reach per patch
    speed       the bench, kernel by kernel along the series
    durability  the crash tests, scenario by scenario
    verdict     flags -> PASS/FAIL, the first line, verdict.json
    provenance  what ran where, and the links to the detailed reports
    render      verdict.md
"""
import os
import re
import sys
import traceback

from .. import EXIT_FINDING, EXIT_USAGE
from ..files import inside, write_report
from . import buildlog, durability, gate, inputs, provenance, render, speed, verdict, vm
from .part import Part

PROG = "daxreport judge"
USAGE = "usage: python3 -m daxreport judge [--min-change PCT] [--out DIR] JUDGE_DIR"
OUTPUTS = ("verdict.md", "verdict.json")
DEFAULT_MIN_CHANGE = 2.0
PCT = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def say(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


class Usage(Exception):
    pass


def parse(argv):
    """argv -> (judge dir, out dir or None, min change); Usage when it is
    not one."""
    out, pct, rest = None, DEFAULT_MIN_CHANGE, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--out", "--min-change"):
            if i + 1 >= len(argv) or not argv[i + 1]:
                raise Usage(f"{a} needs a value")
            v = argv[i + 1]
            if a == "--out":
                out = v
            else:
                if not PCT.match(v) or float(v) > 1000:
                    raise Usage(f"--min-change is a percentage from 0 to 1000, not {v!r}")
                pct = float(v)
            i += 2
            continue
        if a.startswith("-"):
            raise Usage(f"unknown option {a!r}; {USAGE}")
        rest.append(a)
        i += 1
    if len(rest) != 1:
        raise Usage(USAGE)
    return rest[0], out, pct


def check_out(jd, out):
    """Why writing into OUT must be refused, or None: never over a file
    or directory one of the parts is."""
    if os.path.exists(out) and not os.path.isdir(out):
        return f"--out {out} exists and is not a directory"
    ins = [os.path.realpath(p) for p in jd.parts.values() if p is not None]
    ins.append(os.path.realpath(os.path.join(jd.dir, "judge.json")))
    for name in OUTPUTS:
        p = os.path.realpath(os.path.join(out, name))
        if any(inside(p, i) for i in ins):
            return f"--out {out}: {name} there would overwrite an input ({p})"
    return None


def judge_parts(jd, min_change):
    """{part name: Part}, each part judged from its own files."""
    runners = {"build": lambda p, r: buildlog.judge(p, r, jd.n_patches),
               "vm": lambda p, r: vm.judge(p, r, jd),
               "fstests": lambda p, r: gate.judge(p, r, jd),
               "bench": lambda p, r: speed.judge(p, r, jd, min_change),
               "crash": lambda p, r: durability.judge(p, r, jd)}
    parts = {}
    for name in inputs.PARTS:
        path = jd.parts[name]
        if path is None:
            parts[name] = Part(name, reason=jd.skipped[name])
        else:
            parts[name] = runners[name](path, jd.rel[name])
    return parts


def build(jd, out, min_change):
    """(exit status, verdict.md, verdict.json's object)."""
    parts = judge_parts(jd, min_change)
    prov = provenance.collect(jd, parts)
    links = provenance.links(jd, parts, out)
    doc = verdict.document(jd, parts, prov, links, min_change)
    return doc["exit"], render.render(jd, parts, prov, links), doc


def main(argv):
    if "-h" in argv or "--help" in argv:
        print(USAGE)
        print(__doc__.split("\n\n", 2)[2].split("\n\nThe modules")[0])
        return 0
    try:
        directory, out, pct = parse(argv)
    except Usage as e:
        say(str(e))
        return EXIT_USAGE
    try:
        jd = inputs.read(directory)
    except inputs.BadInput as e:
        say(str(e))
        return EXIT_USAGE
    out = out or directory
    why = check_out(jd, out)
    if why:
        say(why)
        return EXIT_USAGE
    try:
        rc, md, doc = build(jd, out, pct)
    except Exception:       # a bug: say so, distinctly from a FAIL verdict
        traceback.print_exc()
        say("internal error: the verdict could not be made")
        return EXIT_FINDING
    try:
        write_report(out, "verdict", doc, md)
    except OSError as e:
        say(f"cannot write the verdict into {out}: {e}")
        return EXIT_FINDING
    sys.stdout.write(md)
    return rc
