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
    # One vCPU: the kernel runs its UP code unless booted with noreplace-smp
    # (crashtest/run --cpu-code); files from before the option lack it.
    code = {"up": " (UP kernel code: LOCK prefixes patched out, atomics fence nothing)",
            "smp": " (SMP kernel code, noreplace-smp: atomics are locked, fences)"}.get(
                o.get("cpu_code"), "")
    out = [f"# Crash test, {crash['date']}", "",
           f"Set `{crash['set']}` on {crash['host']}{cores}, QEMU TCG guest, one vCPU{code}. "
           f"Workload {num(o['bytes'])} bytes;"]
    if o["mode"] != "budget":
        out.append(f"crash points at every `{o['crash_points']}`, enumeration `{o['mode']}`, "
                   f"at most {num(o['max_states'])} states per run.")
    else:
        out.append(f"crash points at every `{o['crash_points']}`, about {num(o['budget'])} states "
                   f"per run sampled over the whole trace ({num(o['xfs_budget'])} for xfs, "
                   "judged in a guest).")
    out += provenance(crash)
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


def logins(hosts, jobs):
    """--sshloginfile's "[SLOTS/]LOGIN" lines as read: each login with its
    slots (its "N/", else --jobs, else parallel counts its cores)."""
    out = []
    for h in hosts.split():
        slots, sep, login = h.rpartition("/")
        login = "this host" if login == ":" else login
        if sep and slots.isdigit():
            out.append(f"{login} ({slots} slot{'s' if slots != '1' else ''})")
        else:
            out.append(f"{login} ({jobs + ' slots' if jobs != '1' else '1 slot with --jobs 1, else one per core'})")
    return ", ".join(out)


def provenance(crash):
    """What was tested, with what (runs that recorded provenance.json)."""
    out = []
    if crash.get("hosts"):
        out.append(f"Sharded with GNU parallel over {len(crash['hosts'].split())} ssh "
                   f"login(s): {logins(crash['hosts'], crash.get('jobs', '1'))}.")
    elif crash.get("jobs", "1") != "1":
        out.append(f"Sharded with GNU parallel: {crash['jobs']} job slot(s) on this host.")
    if crash.get("batch", "1") != "1":
        # a resumed campaign may have batched only in some attempts: count
        runs = crash.get("runs", [])
        shared = sum(1 for r in runs if r.get("boot_shared_by", 1) > 1)
        out.append(f"Up to {crash['batch']} runs of one kernel traced per guest boot "
                   f"(`--batch`), each with a trace of its own: {shared} of "
                   f"{len(runs)} runs shared a boot.")
    p = crash.get("provenance")
    if not p:
        return out
    ks = p.get("kernel_source") or {}
    b, se = ks.get("base") or {}, ks.get("series") or {}
    base = " ".join(str(x) for x in (b.get("name"), b.get("kind"),
                                      b.get("source_version") or b.get("commit")) if x)
    cfg = ", ".join(f"{k} {v[:12]}" for k, v in sorted((p.get("kernel_configs") or {}).items()))
    return [f"Base {base or '?'}; series {se.get('kind', '?')} "
            f"{(se.get('sha256') or '?')[:12]} ({len(se.get('patches') or [])} patches); "
            f"kernel configs (sha256) {cfg or '?'}; {p.get('qemu', '?')}, accelerator "
            f"{p.get('accel', '?')}; daxlab {str(p.get('daxlab', '?'))[:12]}."] + out


def scenario_row(r):
    res = r["result"]
    drains = res.get("drain_marks")
    noise = res.get("noise_share")
    return [r["scenario"], r["kernel"],
            "not applicable" if r["status"] == "inapplicable" else r["status"],
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
            "written-back stores still waited for a fence, of all such completions."] + \
        not_applicable(crash)


def not_applicable(crash):
    na = [r for r in crash["runs"] if r["status"] in ("inapplicable", "unsupported")]
    if not na:
        return []
    return ["", "Not applicable:"] + [
        f"- {r['scenario']}/{r['kernel']}: " +
        (r.get("why") or "the workload says the kernel does not support it") for r in na]


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
    left = crash.get("mutants_left_out") or []
    if left:
        out += ["", "Left out:"] + [f"- {x['mutant']}: {x['why']}" for x in left]
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


MAX_WITNESSES = 12


def witnesses(g):
    w = [f"{x['run']} ({x['count']})" for x in g["witnesses"]]
    more = f", and {len(w) - MAX_WITNESSES} more" if len(w) > MAX_WITNESSES else ""
    return ", ".join(w[:MAX_WITNESSES]) + more


def group(g, n, crash):
    """One finding: its signature, whether it is known, its witnesses,
    the first report and how to rebuild and judge its image."""
    first = g["witnesses"][0]
    if g["kind"] not in verdict.FAILING:
        state = ""          # listed, never failed: neither new nor known
    elif g["known"] is not None:
        state = f" known ({g['known']})"
    else:
        state = " **NEW**" if "known_findings" in crash else " new"
    out = [f"### {n}. `{g['id']}`{state}", "", f"`{g['signature']}`", "",
           f"{g['count']} violation(s) in {len(g['witnesses'])} run(s): {witnesses(g)}."]
    if g["kind"] == "fsck" and g["fsck_expected"] is not None:
        out += ["", "Expected of a journal-less file system: e2fsck -p stops at what only a "
                "manual fsck repairs (\"RUN fsck MANUALLY\")." if g["fsck_expected"] else
                "Not the \"manual fsck needed\" of a journal-less file system: the checker "
                "could not repair or read the image."]
    r = next((r for r in crash["runs"] if f"{r['scenario']}/{r['kernel']}" == first["run"]), None)
    if first["first"] and first["first"].endswith("/001.txt") and r and r.get("first_violation"):
        out += ["", "```"] + r["first_violation"] + ["```"]
    if first["reproducer"]:
        out += ["", f"Reproducer: `{first['reproducer']}`; report `{first['first']}` "
                "(its last lines give the replay and judge commands)."]
    return out


def grouped_findings(crash):
    """Findings de-duplicated by signature (runs made with a known-findings
    list, even an empty one; older runs list each run's first report)."""
    out = ["", "## Findings on stock and patched", ""]
    found = verdict.groups(crash, verdict.FAILING)
    new = sum(1 for g in found if g["known"] is None)
    if not found:
        out.append("No durability or flush-contract violation on the stock or patched kernel.")
    else:
        out.append(f"{len(found)} distinct finding(s) by signature, {new} new; the known "
                   f"ones are listed in `{crash.get('known_findings_file') or '(no list)'}`.")
    for n, g in enumerate(found, 1):
        out += [""] + group(g, n, crash)
    fsck = verdict.groups(crash, ("fsck",))
    if fsck:
        out += ["", "## Crash images the file-system checker rejects", "",
                "Listed, not failed: torn in-place rewrites of metadata the hardware allows "
                "(results/crash-reference/README.md)."]
        for n, g in enumerate(fsck, len(found) + 1):
            out += [""] + group(g, n, crash)
    return out


def findings(crash):
    if "known_findings" in crash:
        return grouped_findings(crash)
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
