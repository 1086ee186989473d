"""A crash-test run -> one dict, the content of crash.json.

Two sources. A run directory crashtest/run has just filled holds
meta.tsv (what was asked: set, options, kernels, mutants, unit tests),
runs.tsv (one traced run a line, in the order they were judged),
partial.tsv (what did not complete, and why) and one directory per
scenario and kernel (result.json from ctoracle, tracer.json from the
plugin, vm-seconds, judge-ms, violations/001.txt, last-fences.txt):
assemble() turns them into crash.json. Every later report is made from
crash.json alone (read()), so crash.json keeps what the report prints
from the per-run files: the first violation report of each run and the
last-fences summary of each mutant run.

crash.json files written before those fields existed (results/
crash-reference) are read too; what they lack the report derives (the
xfs budget and the state cap follow from the budget) or leaves out (the
host's cores, the violation excerpts when their files are gone).

Nothing here raises on bad data but BadInput, with one sentence saying
which file and what is wrong with it.
"""
import math
import os

from .. import files
from . import signature
from .fmt import alt, is_num

ROLES = ("kernel", "mutant")
# unsupported: the workload refused the kernel (ctwl); inapplicable: the
# scenario does not name the kernel (MAP_SYNC on stock ext2), not traced.
STATUSES = ("clean", "violations", "partial", "error", "unsupported", "inapplicable")
# partial.tsv kinds: a run that failed (exit 1), stopped for lack of space
# (exit 5), or ran but covered only part of what was asked (exit 4).
KINDS = ("failed", "resources", "incomplete")
EXCERPT_LINES = 25
META_NUMBERS = ("cores", "seconds", "bytes", "budget", "xfs_budget", "max_states",
                "unit_passed", "unit_failed", "unit_skipped", "planned")
META_KEYS = ("date", "set", "host", "mode", "crash_points", "kernels", "scenarios",
             "mutants", "overhead") + META_NUMBERS
# Keys runs made before them lack.
META_OPTIONAL = ("known_findings", "known_findings_shown", "jobs", "hosts", "cpu_code",
                 "batch")


class BadInput(Exception):
    """The run directory or crash.json cannot be read as a crash-test run."""


def read_text(path):
    """Text the run's tools wrote (tool messages may hold any bytes)."""
    return files.read_text(path, errors="replace")


def run_file(path):
    """The text of one of the run's own files: BadInput when unreadable."""
    try:
        return read_text(path)
    except OSError as e:
        raise BadInput(f"{path} cannot be read ({e})") from None


def read_json_file(path, what):
    try:
        v = files.loads(read_text(path))
    except (OSError, ValueError) as e:
        raise BadInput(f"{what} {path} is not readable JSON ({e})") from None
    return v


# ------------------------------------------------------------ run directory

def read_meta(run):
    """meta.tsv: KEY <TAB> VALUE lines, every key of META_KEYS once."""
    path = os.path.join(run, "meta.tsv")
    meta = {}
    for n, line in enumerate(run_file(path).splitlines(), 1):
        k, sep, v = line.partition("\t")
        if not sep or k not in META_KEYS + META_OPTIONAL or k in meta:
            raise BadInput(f"{path} line {n}: not a KEY<TAB>VALUE line of a known key ({line!r})")
        meta[k] = v
    lacking = [k for k in META_KEYS if k not in meta]
    if lacking:
        raise BadInput(f"{path} lacks " + ", ".join(lacking))
    for k in META_NUMBERS:
        if not meta[k].isdigit():
            raise BadInput(f"{path}: {k} is not a whole number ({meta[k]!r})")
        meta[k] = int(meta[k])
    if meta["overhead"] not in ("0", "1"):
        raise BadInput(f"{path}: overhead is 0 or 1, not {meta['overhead']!r}")
    if meta.get("cpu_code", "up") not in ("up", "smp"):
        raise BadInput(f"{path}: cpu_code is up or smp, not {meta['cpu_code']!r}")
    for k in ("kernels", "scenarios", "mutants"):
        meta[k] = meta[k].split()
    return meta


def tab_pairs(run, name):
    """RUN/NAME's "A <TAB> B" lines as (path, line number, A, B, line),
    B holding any further tabs; none when the file is absent (the caller
    checks the fields: its message names what they must be)."""
    path = os.path.join(run, name)
    if not os.path.exists(path):
        return []
    return [(path, n, a, b, line) for n, line in enumerate(run_file(path).splitlines(), 1)
            for a, _, b in [line.partition("\t")]]


def read_left_out(run):
    """left-out.tsv: NAME <TAB> WHY lines, the mutants asked for that did
    not run (not for the base's kernel version, or running no chosen
    scenario) -> [{"mutant", "why"}]; none when the file is absent."""
    out = []
    for path, n, name, why, line in tab_pairs(run, "left-out.tsv"):
        if not name or not why:
            raise BadInput(f"{path} line {n}: not NAME<TAB>WHY ({line!r})")
        out.append({"mutant": name, "why": why})
    return out


def read_partial(run):
    """partial.tsv: KIND <TAB> REASON lines -> [(kind, reason)]."""
    out = []
    for path, n, kind, why, line in tab_pairs(run, "partial.tsv"):
        if kind not in KINDS or not why:
            raise BadInput(f"{path} line {n}: not KIND<TAB>REASON with KIND one of "
                           f"{', '.join(KINDS)} ({line!r})")
        out.append((kind, why))
    return out


def number_file(path):
    """A number a file holds (vm-seconds, judge-ms), or 0 when absent or
    not a number: as the jq report took it, with a note when garbled."""
    if not os.path.exists(path):
        return 0, None
    try:
        t = read_text(path).strip()
    except OSError as e:
        return 0, f"{os.path.basename(path)} cannot be read ({e})"
    try:
        v = float(t)
        if not math.isfinite(v):
            raise ValueError(t)
        return (int(v) if v.is_integer() and "." not in t else v), None
    except ValueError:
        return 0, f"{os.path.basename(path)} is not a number ({t[:40]!r})"


def object_file(path):
    """A JSON object file (result.json, tracer.json): {} when absent; when
    unreadable, {} and a note."""
    if not os.path.exists(path):
        return {}, None
    try:
        v = files.loads(read_text(path))
        if not isinstance(v, dict):
            raise ValueError("not a JSON object")
        return v, None
    except (OSError, ValueError) as e:
        return {}, f"{os.path.basename(path)} is unreadable ({e})"


def excerpt(path, n=EXCERPT_LINES):
    """The first N lines of a text file, or None when there is none."""
    if not os.path.exists(path):
        return None
    try:
        return read_text(path).splitlines()[:n]
    except OSError as e:
        return [f"(cannot be read: {e})"]


def fence_summary(path):
    """The 'summary:' lines of ctoracle last-fences, without the prefix."""
    if not os.path.exists(path):
        return None
    try:
        text = read_text(path)
    except OSError as e:
        return [f"(cannot be read: {e})"]
    return [ln[len("summary: "):] if ln.startswith("summary: ") else ln[len("summary:"):]
            for ln in text.splitlines() if ln.startswith("summary:")]


def assemble_run(run, fields, n, path):
    scn, kern, role, status, rdir, tbytes = fields
    if role not in ROLES or status not in STATUSES or not tbytes.isdigit() or \
            os.path.isabs(rdir) or ".." in rdir.split("/") or not scn or not kern:
        raise BadInput(f"{path} line {n}: not SCENARIO KERNEL ROLE STATUS DIR TRACE_BYTES "
                       f"({' '.join(fields)!r})")
    d = os.path.join(run, rdir)
    res, note_r = object_file(os.path.join(d, "result.json"))
    tracer, note_t = object_file(os.path.join(d, "tracer.json"))
    vm, note_v = number_file(os.path.join(d, "vm-seconds"))
    jms, note_j = number_file(os.path.join(d, "judge-ms"))
    shared, note_b = batch_file(os.path.join(d, "batch"))
    notes = [x for x in (note_r, note_t, note_v, note_j, note_b) if x]
    sigs, note_s = signature.of_run(run, rdir)
    notes += note_s
    distinct = alt(res.get("distinct_images"), 0)
    if not is_num(distinct):
        distinct, notes = 0, notes + ["result.json: distinct_images is not a number"]
    r = {"scenario": scn, "kernel": kern, "role": role,
         "status": "error" if notes and status != "error" else status, "dir": rdir,
         "vm_seconds": vm, "judge_seconds": jms / 1000, "trace_bytes": int(tbytes),
         "images_per_second": math.floor(distinct * 1000 / jms * 10) / 10 if jms > 0 else 0,
         "result": res, "tracer": tracer,
         "first_violation": excerpt(os.path.join(d, "violations", "001.txt")),
         "last_fences_summary": fence_summary(os.path.join(d, "last-fences.txt")),
         "signatures": sigs, "boot_shared_by": shared}
    why = excerpt(os.path.join(d, "why"), 1)
    if why:
        r["why"] = why[0]
    if notes:
        r["problems"] = notes
    return r


def batch_file(path):
    """How many runs shared the run's guest boot: the "runs N" line of the
    batch file crashtest/run writes for a batched run; 1 when absent (one
    boot of its own), with a note when garbled."""
    if not os.path.exists(path):
        return 1, None
    try:
        t = read_text(path)
    except OSError as e:
        return 1, f"batch cannot be read ({e})"
    for line in t.splitlines():
        k, _, v = line.partition(" ")
        if k == "runs" and v.isdigit() and int(v) >= 1:
            return int(v), None
    return 1, "batch has no \"runs N\" line"


def workload_ms(path):
    """guest-times' "workload_ms N", or 0."""
    try:
        text = read_text(path) if os.path.exists(path) else ""
    except OSError:
        text = ""
    if text:
        for line in text.splitlines():
            if line.startswith("workload_ms "):
                v = line.split(None, 1)[1].strip()
                if v.isdigit():
                    return int(v)
    return 0


def overhead(run, meta, runs):
    """The tracer's slowdown per kernel: the plain boot against the first
    traced run of the first scenario on that kernel."""
    out = []
    if meta["overhead"] != "1" or not meta["scenarios"]:
        return out
    s0 = meta["scenarios"][0]
    for k in meta["kernels"]:
        f = os.path.join(run, "overhead", k, "vm-seconds")
        traced = [r["vm_seconds"] for r in runs
                  if r["kernel"] == k and r["scenario"] == s0 and r["status"] != "error"]
        plain, note = number_file(f)
        if not os.path.exists(f) or note or not traced or not plain:
            continue
        pw = workload_ms(os.path.join(run, "overhead", k, "guest-times"))
        tw = workload_ms(os.path.join(run, s0, k, "guest-times"))
        out.append({"kernel": k, "plain_seconds": plain, "traced_seconds": traced[0],
                    "slowdown": traced[0] / plain, "plain_workload_ms": pw,
                    "traced_workload_ms": tw, "workload_slowdown": tw / pw if pw > 0 else None})
    return out


def assemble(run):
    """crash.json's content from what crashtest/run left in RUN."""
    meta = read_meta(run)
    partial = read_partial(run)
    path = os.path.join(run, "runs.tsv")
    runs = []
    for n, line in enumerate(run_file(path).splitlines(), 1):
        fields = line.split("\t")
        if len(fields) != 6:
            raise BadInput(f"{path} line {n}: {len(fields)} fields, not 6 ({line!r})")
        r = assemble_run(run, fields, n, path)
        for p in r.get("problems", []):
            partial.append(("failed", f"{r['scenario']}/{r['kernel']}: {p}"))
        runs.append(r)
    mode = meta["mode"]
    prov, note = object_file(os.path.join(run, "provenance.json"))
    if note:
        partial.append(("failed", note))
    extra = {"provenance": prov} if prov else {}
    left_out = read_left_out(run)
    if left_out:
        extra["mutants_left_out"] = left_out
    if "known_findings" in meta:
        extra["known_findings"] = known_findings(meta["known_findings"])
        # The list is read by its absolute path and named as the run's
        # own tree knows it (crashtest/known-findings), not by a machine's.
        extra["known_findings_file"] = meta.get("known_findings_shown") or meta["known_findings"]
    for k in ("jobs", "hosts", "batch"):
        if k in meta:
            extra[k] = meta[k]
    return dict(extra, **{"date": meta["date"], "set": meta["set"], "host": meta["host"],
            "cores": meta["cores"], "seconds": meta["seconds"],
            "options": {"bytes": meta["bytes"], "mode": mode or "budget",
                        "crash_points": meta["crash_points"], "budget": meta["budget"],
                        "xfs_budget": meta["xfs_budget"], "max_states": meta["max_states"],
                        **({"cpu_code": meta["cpu_code"]} if "cpu_code" in meta else {})},
            "scenarios": meta["scenarios"], "kernels": meta["kernels"],
            "mutants": meta["mutants"], "planned_runs": meta["planned"],
            "overhead": meta["overhead"] == "1",
            "unit": {"passed": meta["unit_passed"], "failed": meta["unit_failed"],
                     "skipped": meta["unit_skipped"]},
            "partial": bool(partial), "partial_reasons": [why for _, why in partial],
            "partial_kinds": [kind for kind, _ in partial],
            "tracer_overhead": overhead(run, meta, runs), "runs": runs})


def known_findings(path):
    """The known-findings list (crashtest/known-findings): ID <TAB>
    SIGNATURE <TAB> WHY lines, # comments and blank lines. An id that is
    not its signature's is refused: a list edited by hand must not pass a
    finding it does not name. "" (none asked for) is an empty list."""
    if not path:
        return []
    out = []
    for n, line in enumerate(run_file(path).splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) != 3 or not all(x.strip() for x in f):
            raise BadInput(f"{path} line {n}: not ID<TAB>SIGNATURE<TAB>WHY ({line[:80]!r})")
        if signature.sig_id(f[1]) != f[0]:
            raise BadInput(f"{path} line {n}: id {f[0]} is not its signature's "
                           f"({signature.sig_id(f[1])})")
        out.append({"id": f[0], "signature": f[1], "why": f[2]})
    return out


# ------------------------------------------------------------ crash.json

def check(crash, path):
    """Raise BadInput unless CRASH has the shape the report reads."""
    def bad(what):
        raise BadInput(f"{path}: {what}")
    if not isinstance(crash, dict):
        bad("not a JSON object")
    for k in ("date", "set", "host"):
        if not isinstance(crash.get(k), str):
            bad(f"no {k} string")
    if not is_num(crash.get("seconds")):
        bad("no seconds number")
    opts = crash.get("options")
    if not isinstance(opts, dict) or not is_num(opts.get("bytes")) or \
            not is_num(opts.get("budget")) or not isinstance(opts.get("mode"), str) or \
            not isinstance(opts.get("crash_points"), str):
        bad("options lack bytes, budget, mode or crash_points")
    unit = crash.get("unit")
    if not isinstance(unit, dict) or not is_num(unit.get("passed")) or \
            not is_num(unit.get("failed")):
        bad("unit lacks passed or failed")
    reasons = crash.get("partial_reasons")
    if not isinstance(reasons, list) or not all(isinstance(x, str) for x in reasons):
        bad("partial_reasons is not a list of strings")
    kinds = crash.get("partial_kinds")
    if kinds is not None and (not isinstance(kinds, list) or len(kinds) != len(reasons) or
                              not all(k in KINDS for k in kinds)):
        bad("partial_kinds does not match partial_reasons")
    if not isinstance(crash.get("tracer_overhead", []), list):
        bad("tracer_overhead is not a list")
    for k in ("scenarios", "kernels", "mutants"):
        v = crash.get(k)
        if v is not None and (not isinstance(v, list) or not all(isinstance(x, str) for x in v)):
            bad(f"{k} is not a list of names")
    known = crash.get("known_findings")
    if known is not None and (not isinstance(known, list) or not all(
            isinstance(x, dict) and isinstance(x.get("id"), str) and
            isinstance(x.get("signature"), str) for x in known)):
        bad("known_findings is not a list of id and signature")
    runs = crash.get("runs")
    if not isinstance(runs, list):
        bad("no runs list")
    for i, r in enumerate(runs):
        where = f"runs[{i}]"
        if not isinstance(r, dict):
            bad(f"{where} is not an object")
        for k in ("scenario", "kernel", "role", "status"):
            if not isinstance(r.get(k), str):
                bad(f"{where} has no {k}")
        if r["role"] not in ROLES or r["status"] not in STATUSES:
            bad(f"{where}: role {r['role']!r} or status {r['status']!r} unknown")
        if not isinstance(r.get("result"), dict):
            bad(f"{where} has no result object")
        d = r.get("dir")
        if d is not None and (not isinstance(d, str) or os.path.isabs(d) or
                              ".." in d.split("/")):
            bad(f"{where}: dir {d!r} is not a directory inside the run")
        for k in ("vm_seconds", "judge_seconds", "trace_bytes", "images_per_second"):
            if not is_num(r.get(k)):
                bad(f"{where}: {k} is not a number")
        for k in ("first_violation", "last_fences_summary"):
            v = r.get(k)
            if v is not None and (not isinstance(v, list) or
                                  not all(isinstance(x, str) for x in v)):
                bad(f"{where}: {k} is not a list of lines")
        sigs = r.get("signatures")
        if sigs is not None and (not isinstance(sigs, list) or not all(
                isinstance(x, dict) and isinstance(x.get("id"), str) and
                isinstance(x.get("signature"), str) and isinstance(x.get("kind"), str) and
                is_num(x.get("count")) for x in sigs)):
            bad(f"{where}: signatures is not a list of id, signature, kind and count")
        for k, v in r["result"].items():
            if k.endswith(("violations", "_images", "crash_points", "states_explored",
                           "drain_marks", "stores", "judged_with_tools")) and \
                    v is not None and not is_num(v):
                bad(f"{where}: result.{k} is not a number")
    return crash


def read(path):
    """crash.json -> its content, checked (BadInput when it is not one).
    A file older than the excerpts takes them from the run's directories
    beside it, where they are still there, as the first report did."""
    crash = check(read_json_file(path, "crash.json"), path)
    run = os.path.dirname(path)
    for r in crash["runs"]:
        d = os.path.join(run, r.get("dir") or f"{r['scenario']}/{r['kernel']}")
        if "first_violation" not in r:
            r["first_violation"] = excerpt(os.path.join(d, "violations", "001.txt"))
        if "last_fences_summary" not in r:
            r["last_fences_summary"] = fence_summary(os.path.join(d, "last-fences.txt"))
    return crash


def mutant_names(crash):
    """The mutants the run was asked for (older files: those that ran)."""
    if crash.get("mutants") is not None:
        return crash["mutants"]
    seen = []
    for r in crash["runs"]:
        m = r["kernel"][len("mutant-"):] if r["kernel"].startswith("mutant-") else None
        if r["role"] == "mutant" and m and m not in seen:
            seen.append(m)
    return seen
