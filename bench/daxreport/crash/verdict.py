"""What a crash-test run found, and its exit status.

Stock and patched must be free of durability and flush-contract
violations (fsck rejections are listed, not failed: they are torn in-place
rewrites the hardware allows, results/crash-reference/README.md); every
mutant must be caught by at least one oracle in at least one of its
scenarios; the libpmsim unit tests must pass.

A violation whose signature (signature.py) the run's known-findings list
names is listed as known and does not fail the run, as an expunge list
does for fstests: the exit status says whether anything new was found.
Runs recorded before signatures existed have no list: every violation
is new.

Exit status (the project's convention), the first that applies:
    1  a finding: a violation on stock or patched, a mutant not caught, a
       unit test failed, or a run failed (guest hung or panicked, judging
       failed, a file of the run unreadable)
    5  the run stopped early for lack of disk space (nothing else wrong)
    4  incomplete: some run was judged only in part, or a trace or the
       overhead measurement is partial (nothing else wrong)
    0  every run complete, nothing found
"""
from .. import EXIT_FINDING, EXIT_INCOMPLETE, EXIT_OK, EXIT_RESOURCES
from .fmt import alt
from .load import mutant_names


def caught(r):
    """A run's violations of any oracle: what catches a mutant."""
    res = r["result"]
    return (alt(res.get("durability_violations"), 0) + alt(res.get("fsck_violations"), 0)
            + alt(res.get("flush_contract_violations"), 0))


def findings(crash):
    """Stock/patched runs with durability or flush-contract violations."""
    return [r for r in crash["runs"] if r["role"] == "kernel" and
            alt(r["result"].get("durability_violations"), 0) +
            alt(r["result"].get("flush_contract_violations"), 0) > 0]


def groups(crash, kinds):
    """The signatures of stock/patched runs whose kind is in KINDS, one
    group each, in first-seen order: {"id", "signature", "kind",
    "fsck_expected", "known" (its why, or None), "count", "witnesses":
    [{"run", "count", "first", "reproducer"}]}."""
    known = {k["id"]: k["why"] for k in crash.get("known_findings") or []}
    out, by_id = [], {}
    for r in crash["runs"]:
        if r["role"] != "kernel":
            continue
        for s in r.get("signatures") or []:
            if s["kind"] not in kinds:
                continue
            g = by_id.get(s["id"])
            if not g:
                g = {"id": s["id"], "signature": s["signature"], "kind": s["kind"],
                     "fsck_expected": s.get("fsck_expected"), "known": known.get(s["id"]),
                     "count": 0, "witnesses": []}
                by_id[s["id"]] = g
                out.append(g)
            g["count"] += s["count"]
            g["witnesses"].append({"run": f"{r['scenario']}/{r['kernel']}", "count": s["count"],
                                   "first": s.get("first"), "reproducer": s.get("reproducer")})
    return out


FAILING = ("durability", "durability+fsck", "flush-contract")


def new_findings(crash):
    """What fails the run: stock/patched runs with durability or flush-
    contract violations none of whose signatures is known, as
    "scenario/kernel" names, or, where signatures exist, the new ones'
    ids."""
    out = []
    for r in findings(crash):
        sigs = [s for s in r.get("signatures") or [] if s["kind"] in FAILING]
        if not sigs or "known_findings" not in crash:
            out.append(f"{r['scenario']}/{r['kernel']}")
    out += [f"{g['id']} ({g['signature']})" for g in groups(crash, FAILING)
            if g["known"] is None and "known_findings" in crash]
    return out


def fsck_runs(crash):
    return [r for r in crash["runs"] if r["role"] == "kernel" and
            alt(r["result"].get("fsck_violations"), 0) > 0]


def missed(crash):
    """The mutants none of whose runs any oracle caught."""
    return [m for m in mutant_names(crash)
            if sum(caught(r) for r in crash["runs"] if r["kernel"] == f"mutant-{m}") <= 0]


def kinds(crash):
    """Each partial reason's kind; older files did not say: a failed run
    made every reason "failed", else they were incomplete."""
    k = crash.get("partial_kinds")
    if k is not None:
        return k
    failed = any(r["status"] == "error" for r in crash["runs"])
    return ["failed" if failed else "incomplete"] * len(crash["partial_reasons"])


def errors(crash):
    return [r for r in crash["runs"] if r["status"] == "error"]


def status(crash):
    """(exit status, [one line per thing that decided it])."""
    why = []
    f = new_findings(crash)
    if f and "known_findings" in crash:
        why.append("new durability or flush-contract findings on stock/patched: " + "; ".join(f))
    elif f:
        why.append("durability or flush-contract violations on stock/patched: " + " ".join(f))
    m = missed(crash)
    if m:
        why.append("mutants not caught: " + " ".join(m))
    if alt(crash["unit"].get("failed"), 0) > 0:
        why.append(f"libpmsim unit tests failed: {crash['unit']['failed']}")
    e = errors(crash)
    if e:
        why.append("runs failed: " + " ".join(f"{r['scenario']}/{r['kernel']}" for r in e))
    ks = kinds(crash)
    if "failed" in ks and not e:
        why.append("part of the run failed (see report.md)")
    if why:
        return EXIT_FINDING, why
    if "resources" in ks:
        return EXIT_RESOURCES, ["stopped early for lack of disk space (see report.md)"]
    if ks or any(r["status"] == "partial" for r in crash["runs"]):
        return EXIT_INCOMPLETE, ["results are partial (see report.md)"]
    return EXIT_OK, []


def coverage(crash):
    """(complete runs, planned runs or None): what fraction was covered."""
    done = sum(1 for r in crash["runs"]
               if r["status"] in ("clean", "violations", "unsupported", "inapplicable"))
    return done, crash.get("planned_runs")
