"""Several crash-test runs -> one summary: the figures of each campaign and
its findings de-duplicated across all of them.

    python3 -m daxreport crash --campaigns [--known FILE] [--out FILE] RUN...

A campaign (seq-1 on ext2 with the stock kernel, say) is one crashtest/run
directory, or a directory results/ keeps of it: crash.json, or crash.json.xz
where the full file is too large to keep plain. One table row per campaign
(workloads by status, crash points, crash states, distinct images, the
violations by oracle, wall, guest and judging time, and the exit status
its report gave); then every durability or flush-contract signature once,
with the campaigns and runs that witnessed it; then the checker
rejections by signature, the same way.

A signature is known when the list the campaign ran with named it, or
when --known FILE (crashtest/known-findings) does: a list that grew after
a campaign ran still reads its findings as known, and the summary says
which list.

Exit status: 0 written; 2 a RUN that is not a crash-test run, a bad list
or an --out that cannot be written (one sentence on stderr).
"""
import lzma
import os

from .. import files
from . import load, verdict
from .fmt import alt, num

CAMPAIGN_FILES = ("crash.json", "crash.json.xz")
# Runs with this status traced nothing: not a workload of the campaign.
NOT_TRACED = ("inapplicable",)


def read(run):
    """RUN's crash.json (plain or xz), checked: BadInput otherwise."""
    for name in CAMPAIGN_FILES:
        path = os.path.join(run, name)
        if not os.path.lexists(path):
            continue
        if name == "crash.json":
            return load.read(path)
        try:
            if not os.path.isfile(path):
                raise OSError("not a regular file")
            with lzma.open(path, "rt", encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        except (OSError, lzma.LZMAError, EOFError) as e:
            raise load.BadInput(f"{path} cannot be read ({e})") from None
        try:
            crash = files.loads(text)
        except ValueError as e:
            raise load.BadInput(f"crash.json {path} is not readable JSON ({e})") from None
        return load.check(crash, path)
    raise load.BadInput(f"{run} is not a crash-test run (no crash.json or crash.json.xz)")


def total(runs, key):
    return sum(alt(r["result"].get(key), 0) for r in runs)


def row(name, crash):
    """One campaign's figures: a dict, the table's columns."""
    runs = [r for r in crash["runs"] if r["role"] == "kernel" and r["status"] not in NOT_TRACED]
    fss = sorted({r["result"].get("fs") for r in runs if r["result"].get("fs")})
    by_status = {}
    for r in runs:
        by_status[r["status"]] = by_status.get(r["status"], 0) + 1
    failing = verdict.groups(crash, verdict.FAILING)
    fsck = verdict.groups(crash, ("fsck",))
    return {
        "name": name, "set": crash["set"], "fs": ",".join(fss) or "-",
        "kernels": ",".join(crash["kernels"]), "workloads": len(runs),
        "status": by_status,
        "crash_points": total(runs, "crash_points"), "states": total(runs, "states_explored"),
        "distinct": total(runs, "distinct_images"),
        "durability": total(runs, "durability_violations"),
        "fsck": total(runs, "fsck_violations"),
        "flush": total(runs, "flush_contract_violations"),
        "seconds": crash["seconds"],
        "vm_seconds": sum(alt(r.get("vm_seconds"), 0) for r in runs),
        "judge_seconds": sum(alt(r.get("judge_seconds"), 0) for r in runs),
        "findings": len(failing),
        "fsck_signatures": len(fsck),
        "fsck_unexpected": sum(1 for g in fsck if g["fsck_expected"] is False),
        "exit": verdict.status(crash)[0],
        "cpu_code": crash["options"].get("cpu_code", "up"),
        "commit": ((crash.get("provenance") or {}).get("daxlab") or "")[:12],
    }


def merged(named, kinds, known):
    """The signatures of KINDS over every campaign, first seen first:
    {"id", "signature", "kind", "fsck_expected", "known", "count",
    "campaigns": [(name, runs, violations, first witness run)]}."""
    out, by_id = [], {}
    for name, crash in named:
        for g in verdict.groups(crash, kinds):
            m = by_id.get(g["id"])
            if not m:
                m = {"id": g["id"], "signature": g["signature"], "kind": g["kind"],
                     "fsck_expected": g["fsck_expected"], "known": None, "count": 0,
                     "campaigns": []}
                by_id[g["id"]] = m
                out.append(m)
            m["known"] = m["known"] or g["known"] or known.get(g["id"])
            # One campaign's checker message said it was not the expected
            # manual fsck: the signature is not, whatever the others said.
            if g["fsck_expected"] is False or m["fsck_expected"] is None:
                m["fsck_expected"] = g["fsck_expected"]
            m["count"] += g["count"]
            m["campaigns"].append((name, len(g["witnesses"]), g["count"],
                                   g["witnesses"][0]["run"]))
    return out


def fmt_status(st):
    order = ("clean", "violations", "unsupported", "partial", "error")
    return ", ".join(f"{st[k]} {k}" for k in order if st.get(k)) or "-"


def render(named, known_file=None, known=None):
    known = known or {}
    rows = [row(n, c) for n, c in named]
    out = ["# Crash-test campaigns", "",
           "| campaign | set | fs | kernel | workloads | runs | crash points | crash states | "
           "distinct images | durability | fsck | flush contract | wall s | guest s | judging s | exit |",
           "|---|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['name']} | {r['set']} | {r['fs']} | {r['kernels']} | {r['workloads']} | "
                   f"{fmt_status(r['status'])} | {r['crash_points']} | {r['states']} | "
                   f"{r['distinct']} | {r['durability']} | {r['fsck']} | {r['flush']} | "
                   f"{num(r['seconds'])} | {num(round(r['vm_seconds']))} | "
                   f"{num(round(r['judge_seconds']))} | {r['exit']} |")
    t = {k: sum(r[k] for r in rows) for k in ("workloads", "crash_points", "states", "distinct",
                                              "durability", "fsck", "flush", "seconds")}
    out.append(f"| all | | | | {t['workloads']} | | {t['crash_points']} | {t['states']} | "
               f"{t['distinct']} | {t['durability']} | {t['fsck']} | {t['flush']} | "
               f"{num(t['seconds'])} | | | |")
    notes = sorted({f"{r['name']}: kernel code {r['cpu_code']}" for r in rows if r["cpu_code"] != "up"})
    out += ["", "Wall time is each campaign's, over all its attempts; guest and judging "
            "seconds are the sums over its runs (jobs ran at once). The exit is the one its "
            "own report gave, with the known-findings list it ran with."
            + (" " + "; ".join(notes) + "." if notes else "")]
    commits = sorted({r["commit"] for r in rows if r["commit"]})
    if commits:
        out.append(f"Made by commit(s) {', '.join(commits)}.")

    found = merged(named, verdict.FAILING, known)
    out += ["", "## Findings by signature, across the campaigns", ""]
    if not found:
        out.append("No durability or flush-contract violation on the stock or patched kernel.")
    else:
        new = sum(1 for g in found if g["known"] is None)
        src = f"`{known_file}` or the campaign's own list" if known_file else "each campaign's own list"
        out.append(f"{len(found)} distinct finding(s), {new} not known ({src}).")
    for n, g in enumerate(found, 1):
        state = f"known ({g['known']})" if g["known"] else "**not known**"
        out += ["", f"### {n}. `{g['id']}` {state}", "", f"`{g['signature']}`", "",
                f"{g['count']} violation(s):"]
        out += [f"- {c}: {runs} run(s), {v} violation(s); first witness {w}"
                for c, runs, v, w in g["campaigns"]]

    fsck = merged(named, ("fsck",), known)
    if fsck:
        unexpected = [g for g in fsck if g["fsck_expected"] is False]
        out += ["", "## Checker rejections by signature", "",
                f"{len(fsck)} signature(s); {len(unexpected)} not the \"manual fsck needed\" "
                "of a journal-less file system. Listed, not failed.", "",
                "| id | kind | images | campaigns (runs) | signature |", "|---|---|---:|---|---|"]
        for g in fsck:
            kind = {True: "expected", False: "**not expected**"}.get(g["fsck_expected"], "-")
            camps = ", ".join(f"{c} ({runs})" for c, runs, _, _ in g["campaigns"])
            sig = g["signature"].replace("|", "\\|")
            out.append(f"| `{g['id']}` | {kind} | {g['count']} | {camps} | `{sig}` |")
    return "\n".join(out) + "\n"


def main(argv, say):
    """--campaigns [--known FILE] [--out FILE] RUN...: see the module."""
    known_file = out = None
    runs = []
    it = iter(argv)
    for a in it:
        if a in ("--known", "--out"):
            v = next(it, None)
            if v is None:
                say(f"{a} needs a value")
                return 2
            if a == "--known":
                known_file = v
            else:
                out = v
        elif a.startswith("-"):
            say(f"unknown option {a}")
            return 2
        else:
            runs.append(a)
    if not runs:
        say("--campaigns needs at least one RUN")
        return 2
    try:
        known = {k["id"]: k["why"] for k in load.known_findings(known_file)} if known_file else {}
        named, seen = [], set()
        for r in runs:
            name = os.path.basename(os.path.normpath(r))
            if name in seen:
                raise load.BadInput(f"{r}: two campaigns named {name}")
            seen.add(name)
            named.append((name, read(r)))
    except load.BadInput as e:
        say(str(e))
        return 2
    md = render(named, known_file, known)
    if out is None:
        print(md, end="")
        return 0
    try:
        files.write_atomic(out, md)
    except OSError as e:
        say(f"--out {out} cannot be written ({e})")
        return 2
    say(out)
    return 0
