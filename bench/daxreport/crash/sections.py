"""report.md of a crash-test run, one function per section, each taking
crash.json's content and returning its lines. render() joins them."""
from ..text import table
from . import verdict
from .fmt import alt, floor_div, floor_to, num, text, truthy


def options(crash):
    """The options, with what files older than these fields lack derived
    as crashtest/run derives them."""
    o = dict(crash["options"])
    o.setdefault("xfs_budget", min(o["budget"], 150))
    o.setdefault("max_states", o["budget"] * 2)
    return o


def header(crash):
    o = options(crash)
    cores = f" ({num(crash['cores'])} cores)" if crash.get("cores") is not None else ""
    out = [f"# Crash test, {crash['date']}", "",
           f"Set `{crash['set']}` on {crash['host']}{cores}, QEMU TCG guest, one vCPU. "
           f"Workload {num(o['bytes'])} bytes;"]
    if o["mode"] != "budget":
        out.append(f"crash points at every `{o['crash_points']}`, enumeration `{o['mode']}`, "
                   f"at most {num(o['max_states'])} states per run.")
    else:
        out.append(f"crash points at every `{o['crash_points']}`, about {num(o['budget'])} states "
                   f"per run sampled over the whole trace ({num(o['xfs_budget'])} for xfs, "
                   "judged in a guest).")
    u = crash["unit"]
    skipped = f", {num(u['skipped'])} skipped" if u.get("skipped") else ""
    out.append(f"Total time {num(crash['seconds'])} s. libpmsim unit tests: {num(u['passed'])} "
               f"passed, {num(u['failed'])} failed{skipped}.")
    if crash["partial_reasons"]:
        out += ["", "**PARTIAL RESULTS.** What did not complete:"]
        out += [f"- {r}" for r in crash["partial_reasons"]]
        done, planned = verdict.coverage(crash)
        if planned:
            out.append(f"- covered: {done} of {planned} planned runs judged completely")
    return out


def scenario_row(r):
    res = r["result"]
    drains = res.get("drain_marks")
    noise = res.get("noise_share")
    return [r["scenario"], r["kernel"], r["status"],
            text(alt(res.get("crash_points"), "-")), text(alt(res.get("states_explored"), "-")),
            text(alt(res.get("distinct_images"), "-")),
            text(alt(res.get("judged_with_tools"), "-")),
            text(alt(res.get("durability_violations"), "-")),
            text(alt(res.get("fsck_violations"), "-")),
            f"{text(res.get('flush_contract_violations'))} of {text(drains)}"
            if truthy(drains) else "-",
            text(r["images_per_second"]), text(floor_to(r["trace_bytes"] / 1048576, 10)),
            text(alt(res.get("stores"), 0) + alt(res.get("ntstores"), 0)),
            text(floor_div(noise, 1000, 10)) + "%" if truthy(noise) else "-",
            text(r["vm_seconds"]), text(floor_to(r["judge_seconds"], 10))]


def scenarios(crash):
    rows = [scenario_row(r) for r in crash["runs"] if r["role"] == "kernel"]
    return ["", "## Scenarios", "",
            table(["scenario", "kernel", "status", "crash points", "states", "distinct images",
                   "judged", "durability", "fsck", "flush contract", "images/s", "trace MiB",
                   "stores", "noise share", "VM s", "judge s"], rows).rstrip("\n"),
            "",
            "images/s: distinct crash images judged per second of judging wall time (trace scan,",
            "enumeration, fsck and durability checks; for xfs including the guest that mounts",
            "the images), measured while the next guest runs on the other core. noise share:",
            "cached pmem stores never written back before the trace ends, of all pmem stores.",
            "flush contract: pmem REQ_PREFLUSH/REQ_FUA completions (drain marks) at which",
            "written-back stores still waited for a fence, of all such completions."]


def mutants(crash):
    rows = []
    for r in crash["runs"]:
        if r["role"] != "mutant":
            continue
        res = r["result"]
        rows.append([r["kernel"], r["scenario"], r["status"],
                     text(alt(res.get("durability_violations"), "-")),
                     text(alt(res.get("fsck_violations"), "-")),
                     text(alt(res.get("flush_contract_violations"), "-")),
                     "yes" if verdict.caught(r) > 0 else "no"])
    out = ["", "## Mutant kernels", "",
           table(["mutant", "scenario", "status", "durability", "fsck", "flush contract",
                  "caught"], rows).rstrip("\n")]
    missed = verdict.missed(crash)
    if missed:
        out += ["", f"Not caught: {' '.join(missed)}. The fence that closed each promise on "
                "the mutant", "(`ctoracle last-fences`):"]
        for m in missed:
            for r in sorted((r for r in crash["runs"] if r["kernel"] == f"mutant-{m}"
                             and r.get("last_fences_summary") is not None),
                            key=lambda r: r["scenario"]):
                out += ["", f"- {m}, {r['scenario']}:"]
                out += [f"  - {s}" for s in r["last_fences_summary"]]
    return out


def findings(crash):
    out = ["", "## Findings on stock and patched", ""]
    found = verdict.findings(crash)
    if not found:
        out.append("No durability or flush-contract violation on the stock or patched kernel.")
    for r in found:
        out += [f"### {r['scenario']}/{r['kernel']}", "", "```"]
        first = r.get("first_violation")
        out += first if first is not None else ["(no report file)"]
        out.append("```")
    fsck = verdict.fsck_runs(crash)
    if fsck:
        out += ["", "Crash images the file-system checker rejects (first report in each run's "
                "violations/):", ""]
        out += [f"- {r['scenario']}/{r['kernel']}: {text(r['result']['fsck_violations'])}"
                for r in fsck]
    return out


def overhead(crash):
    asked = crash.get("overhead")
    if asked is None:
        # older files do not say whether it was asked for: an empty list
        # means it was not
        asked = bool(crash.get("tracer_overhead"))
    if not asked:
        return []
    s0 = (crash.get("scenarios") or [""])[0]
    out = ["", f"## Tracer overhead (boot + {s0}, wall seconds)", ""]
    for o in crash["tracer_overhead"]:
        ws = o.get("workload_slowdown")
        out.append(f"- {o['kernel']}: plain TCG {text(o['plain_seconds'])} s, traced "
                   f"{text(o['traced_seconds'])} s, {text(floor_to(o['slowdown'], 100))}x; "
                   f"traced window alone (guest clock) {text(o['plain_workload_ms'])} ms plain, "
                   f"{text(o['traced_workload_ms'])} ms traced, "
                   + (f"{text(floor_to(ws, 100))}x" if truthy(ws) else "-"))
    return out


def footer(crash):
    return ["", "Per run: `<scenario>/<kernel>/` holds the trace, the manifest, result.json,",
            "violations.txt and violations/NNN.{txt,repro}; `pmsim replay NNN.repro image`",
            "rebuilds a crash image and `ctoracle judge --manifest ... image` judges it again."]


SECTIONS = (header, scenarios, mutants, findings, overhead, footer)


def render(crash):
    lines = []
    for s in SECTIONS:
        lines += s(crash)
    return "\n".join(lines) + "\n"
