"""Crash-test runs for the tests, made from results/crash-reference.

reference() is its crash.json; run_dir() writes the directory crashtest/run
would have left behind for a crash.json (meta.tsv, runs.tsv, partial.tsv,
and per run result.json, tracer.json, vm-seconds, judge-ms, the first
violation report and last-fences.txt), so that assembling it must give
the same crash.json back.
"""
import copy
import json
import os
import re

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
REFERENCE = os.path.join(TOP, "results", "crash-reference")


def reference():
    with open(os.path.join(REFERENCE, "crash.json")) as fh:
        return json.load(fh)


def reference_report():
    with open(os.path.join(REFERENCE, "report.md")) as fh:
        return fh.read()


def reference_excerpts():
    """{"scenario/kernel": [lines]}: the violation reports the reference
    run printed under "Findings". Its run directories were not kept, so
    report.md is the only place these lines still exist."""
    md = reference_report()
    out = {}
    for m in re.finditer(r"^### (\S+)\n\n```\n(.*?)\n```$", md, re.S | re.M):
        out[m.group(1)] = m.group(2).split("\n")
    return out


def with_reference_gaps_filled(crash=None):
    """The reference's crash.json with what it predates: the host's core
    count (2, results/crash-reference/README.md) and the violation
    excerpts, as a run made now would record them."""
    crash = copy.deepcopy(crash or reference())
    crash["cores"] = 2
    ex = reference_excerpts()
    for r in crash["runs"]:
        r["first_violation"] = ex.get(f"{r['scenario']}/{r['kernel']}")
        r["last_fences_summary"] = None
    return crash


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)


def meta(crash, overhead=False, planned=None, unit_skipped=0):
    o = crash["options"]
    mode = "" if o["mode"] == "budget" else o["mode"]
    kernels = crash.get("kernels") or list(dict.fromkeys(r["kernel"] for r in crash["runs"]
                                                         if r["role"] == "kernel"))
    scenarios = crash.get("scenarios") or sorted({r["scenario"] for r in crash["runs"]})
    mutants = crash.get("mutants")
    if mutants is None:
        mutants = []
        for r in crash["runs"]:
            m = r["kernel"][len("mutant-"):]
            if r["role"] == "mutant" and m not in mutants:
                mutants.append(m)
    kv = {"date": crash["date"], "set": crash["set"], "host": crash["host"],
          "cores": crash.get("cores", 2), "seconds": crash["seconds"], "bytes": o["bytes"],
          "mode": mode, "crash_points": o["crash_points"], "budget": o["budget"],
          "xfs_budget": o.get("xfs_budget", min(o["budget"], 150)),
          "max_states": o.get("max_states", o["budget"] * 2),
          "kernels": " ".join(kernels), "scenarios": " ".join(scenarios),
          "mutants": " ".join(mutants), "overhead": "1" if overhead else "0",
          "unit_passed": crash["unit"]["passed"], "unit_failed": crash["unit"]["failed"],
          "unit_skipped": unit_skipped,
          "planned": planned if planned is not None else len(crash["runs"])}
    return "".join(f"{k}\t{v}\n" for k, v in kv.items())


def run_dir(root, crash, overhead=None, **kw):
    """The directory crashtest/run leaves for CRASH; OVERHEAD: {kernel:
    (plain seconds, plain workload ms, traced workload ms)}."""
    os.makedirs(root, exist_ok=True)
    write(os.path.join(root, "meta.tsv"), meta(crash, overhead=bool(overhead), **kw))
    kinds = crash.get("partial_kinds") or ["incomplete"] * len(crash["partial_reasons"])
    write(os.path.join(root, "partial.tsv"),
          "".join(f"{k}\t{r}\n" for k, r in zip(kinds, crash["partial_reasons"])))
    lines = []
    for r in crash["runs"]:
        d = os.path.join(root, r["dir"])
        os.makedirs(d, exist_ok=True)
        if r["result"]:
            write(os.path.join(d, "result.json"), json.dumps(r["result"], indent=2))
        if r.get("tracer"):
            write(os.path.join(d, "tracer.json"), json.dumps(r["tracer"]))
        write(os.path.join(d, "vm-seconds"), f"{r['vm_seconds']:.1f}\n")
        write(os.path.join(d, "judge-ms"), f"{round(r['judge_seconds'] * 1000)}\n")
        if r.get("boot_shared_by", 1) > 1:
            write(os.path.join(d, "batch"), f"batch batch/x\nruns {r['boot_shared_by']}\n"
                  "status 0\n")
        if r.get("first_violation") is not None:
            write(os.path.join(d, "violations", "001.txt"),
                  "\n".join(r["first_violation"] + ["(more lines the report leaves out)"] * 3)
                  + "\n")
        if r.get("last_fences_summary") is not None:
            write(os.path.join(d, "last-fences.txt"),
                  "mark 100 closed by sfence at x\n"
                  + "".join(f"summary: {s}\n" for s in r["last_fences_summary"]))
        lines.append("\t".join([r["scenario"], r["kernel"], r["role"], r["status"], r["dir"],
                                str(r["trace_bytes"])]))
    write(os.path.join(root, "runs.tsv"), "".join(x + "\n" for x in lines))
    for k, (plain, pw, tw) in (overhead or {}).items():
        write(os.path.join(root, "overhead", k, "vm-seconds"), f"{plain:.1f}\n")
        write(os.path.join(root, "overhead", k, "guest-times"), f"workload_ms {pw}\n")
        s0 = (crash.get("scenarios") or sorted({r["scenario"] for r in crash["runs"]}))[0]
        write(os.path.join(root, s0, k, "guest-times"), f"workload_ms {tw}\n")
    return root


def write_crash(root, crash):
    os.makedirs(root, exist_ok=True)
    write(os.path.join(root, "crash.json"), json.dumps(crash, indent=2))
    return root
