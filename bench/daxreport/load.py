"""Raw records -> rows: one dict per run of a cell, with neutral metric names.

A raw record (bench/lib/record.sh) is ``raw/KERNEL__GROUP__CELL__REP.json``:
``{"bench": {...who, which repetition, status, trace counts...},
"output": <the tool's JSON>}``. Rep 0 is the traced warm-up.

Why so strict: a record that cannot be read used to become a "failed"
row while its cell stayed "ok", so a damaged warm-up record silently
dropped the cell's trace counts and the stock-vs-patched answer turned a
missing count into "0 PMD faults". Now anything that cannot be read in
full gives the row status "unreadable" with the file named, and cells
(cells.py) make the whole cell unreadable: no figure is taken from it.

Unreadable means: the file is not JSON or has no "bench" object; its
fields contradict its file name; its status is unknown; a run the bench
called ok has a tool output that is missing, cut or garbled (no
results/throughput where the tool always writes one, or the runner's own
"tool output is not JSON"); its trace counters are garbled; its clock is
unknown.

Metric names are neutral (tput, per_fault, per_page, lat_*): units.py
says what they are called under each clock. Under icount per-op figures
are exact means (daxwl's lat_ns.mean is sum/count; its percentiles are
power-of-two buckets), on the wall clock the summary keeps the p50 it
always used.
"""
import glob
import os

from . import files, units

STATUSES = ("ok", "unsupported", "failed")
TOOLS = ("daxwl", "fio")
# Every field bench/lib/record.sh has always written ("clock" came later and
# may be absent): a record without one of them is not a whole record.
FIELDS = ("kernel", "group", "fs", "access", "device", "set", "cell", "key", "tool", "args",
          "rep", "warmup", "status", "reason", "exit_code", "started", "wall_s", "cpu", "trace")


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def read_env(run):
    """(env.json as a dict, warnings, problems). Every figure comes from
    raw/, so a damaged env.json costs the host and version details; but a
    record without its own clock takes env.json's, so an env.json that
    exists and cannot be read is a problem (exit 1), not a warning."""
    f = os.path.join(run, "env.json")
    if not os.path.exists(f):
        return {}, [], []
    try:
        env = files.loads(files.read_text(f))
        if not isinstance(env, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as e:
        return {}, [], [f"env.json: unreadable ({e}); host and version details are missing, "
                        "and records without a clock of their own are taken as wall-clock"]
    warns = []
    mode, _ = units.env_clock(env)
    if mode is not None and mode not in units.CLOCKS:
        warns.append(f"env.json: unknown clock mode {mode!r}; records decide")
    return env, warns, []


def read_params(run):
    """plan.env (MATRIX_SET_reps=5 ...) as ({'reps': '5', ...}, problems).
    bench/run always writes reps and warmup: without them no missing
    record could be noticed, so a plan.env that lacks them is a problem."""
    p = {}
    f = os.path.join(run, "plan.env")
    if not os.path.exists(f):
        return p, []
    try:
        for line in files.read_text(f).splitlines():
            if "=" in line:
                k, v = line.strip().split("=", 1)
                p[k.replace("MATRIX_SET_", "")] = v.strip("'\"")
    except (OSError, UnicodeDecodeError) as e:
        return {}, [f"plan.env: unreadable ({e}); missing records cannot be told"]
    probs = [f"plan.env: no whole number for {k} ({p.get(k)!r}); missing records cannot be told"
             for k in ("reps", "warmup") if not (p.get(k) or "").isdigit()]
    return p, probs


def read_plan(run):
    """plan.tsv -> ({(group, cell): {group, fs, access, device, set, cell, key,
    tool}}, problems): what each cell was meant to be, for cells whose
    records cannot say. A line that is not a whole plan line is a problem:
    a cell it named could be missing unnoticed."""
    plan, probs = {}, []
    f = os.path.join(run, "plan.tsv")
    if not os.path.exists(f):
        return plan, probs
    try:
        lines = files.read_text(f).splitlines()
    except (OSError, UnicodeDecodeError) as e:
        return {}, [f"plan.tsv: unreadable ({e}); missing cells cannot be told"]
    for n, line in enumerate(lines, 1):
        p = line.split("\t")
        if len(p) < 9 or not all(p[1:9]):
            probs.append(f"plan.tsv line {n}: not a plan line; a cell it named could be missing")
            continue
        d = dict(zip(("group", "fs", "access", "device", "set", "cell", "key", "tool"), p[1:9]))
        plan[(d["group"], d["cell"])] = d
    return plan, probs


def split_name(base):
    """'K__G__C__R.json' -> (K, G, C, R) or None."""
    if not base.endswith(".json"):
        return None
    parts = base[:-5].split("__")
    if len(parts) != 4 or not parts[3].isdigit():
        return None
    return parts[0], parts[1], parts[2], int(parts[3])


class Unreadable(Exception):
    """The record, or the tool output in it, cannot be read in full."""


def fio_metrics(out, m):
    jobs = out.get("jobs")
    if not isinstance(jobs, list) or not jobs or not isinstance(jobs[0], dict):
        raise Unreadable("fio output has no job")
    j = jobs[0]
    rd, wr = j.get("read"), j.get("write")
    if not isinstance(rd, dict) or not isinstance(wr, dict):
        raise Unreadable("fio job has no read/write statistics")
    side = rd if rd.get("io_bytes", 0) >= wr.get("io_bytes", 0) else wr
    for k in ("io_bytes", "bw_bytes"):
        if not is_num(side.get(k)):
            raise Unreadable(f"fio job has no {k}")
    m["tput"] = side["bw_bytes"] / 1e9
    m["iops"] = side.get("iops")
    m["bytes"] = side["io_bytes"]
    m["ops"] = side.get("total_ios")
    lat = side.get("clat_ns") or {}
    pct = lat.get("percentile") or {}
    for name, p in (("lat_p50", "50.000000"), ("lat_p90", "90.000000"),
                    ("lat_p99", "99.000000"), ("lat_p99_9", "99.900000")):
        if p in pct:
            m[name] = pct[p]
    if "max" in lat:
        m["lat_max"] = lat["max"]
    tl = side.get("lat_ns") or {}
    if is_num(tl.get("mean")):
        m["lat_mean"] = tl["mean"]


def daxwl_metrics(out, m, clock):
    r = out.get("results")
    if not isinstance(r, dict):
        raise Unreadable("daxwl output has no results")
    for k in ("gbps", "ops", "bytes", "elapsed_ns"):
        if not is_num(r.get(k)):
            raise Unreadable(f"daxwl output has no results.{k}")
    lat = r.get("lat_ns")
    if not isinstance(lat, dict):
        raise Unreadable("daxwl output has no results.lat_ns")
    m["tput"] = r["gbps"]
    m["iops"] = r.get("iops")
    m["ops"], m["bytes"], m["elapsed"] = r["ops"], r["bytes"], r["elapsed_ns"]
    for name, k in (("lat_p50", "p50"), ("lat_p90", "p90"), ("lat_p99", "p99"),
                    ("lat_p99_9", "p99_9"), ("lat_max", "max"), ("lat_mean", "mean")):
        m[name] = lat.get(k)
    sub = out.get("subcommand")
    if sub == "fault":
        if not is_num(r.get("ns_per_fault")) or not is_num(r.get("faults")):
            raise Unreadable("daxwl fault output has no ns_per_fault/faults")
        m["per_fault"] = r["ns_per_fault"]      # (map + touch time) / faults: an exact mean
        m["faults"] = r["faults"]
    if sub == "msync":
        pp = r.get("lat_per_page_ns")
        if not isinstance(pp, dict) or not is_num(r.get("pages_per_sync")):
            raise Unreadable("daxwl msync output has no lat_per_page_ns/pages_per_sync")
        m["pages_per_sync"] = r["pages_per_sync"]
        if clock == units.ICOUNT:
            # exact: mean sync cost over the pages it covered
            mean = lat.get("mean")
            ok = is_num(mean) and r["pages_per_sync"]
            m["per_page"] = mean / r["pages_per_sync"] if ok else None
        else:
            m["per_page"] = pp.get("p50")


def daxwl_env(out, m):
    """What daxwl saw of its environment; present even when it refused."""
    env = out.get("env") if isinstance(out.get("env"), dict) else {}
    m["dax"] = env.get("dax")
    ms = env.get("map_sync")
    if isinstance(ms, dict):
        m["map_sync"] = ms.get("accepted")
    m["kernel_release"] = env.get("kernel_release")


def trace_metrics(trace, m):
    if trace is None:
        return
    if not isinstance(trace, dict):
        raise Unreadable("trace counters are not an object")
    ev = trace.get("events")
    res = trace.get("results") or {}
    if not isinstance(ev, dict) or not isinstance(res, dict) or \
            not all(is_num(v) for v in list(ev.values()) + list(res.values())):
        raise Unreadable("trace counters are garbled")
    # bench/lib/trace.sh counts every *_fault_done event once in events and
    # once under its result: the two must add up.
    by_event = {}
    for k, v in res.items():
        by_event[k.split("/")[0]] = by_event.get(k.split("/")[0], 0) + v
    for e in set(by_event) | {e for e in ev if e.endswith("_fault_done")}:
        if by_event.get(e, 0) != ev.get(e, 0):
            raise Unreadable(f"trace counters contradict themselves ({e}: {ev.get(e, 0)} "
                             f"events, {by_event.get(e, 0)} results)")
    m["trace"] = True
    m["trace_pte_fault_done"] = ev.get("dax_pte_fault_done", 0)
    m["trace_pmd_fault_done"] = ev.get("dax_pmd_fault_done", 0)
    m["trace_pmd_fallback"] = sum(
        v for k, v in res.items() if k.startswith("dax_pmd_fault_done/") and "FALLBACK" in k)
    m["trace_pmd_nopage"] = sum(
        v for k, v in res.items() if k.startswith("dax_pmd_fault_done/") and "NOPAGE" in k)
    systems = trace.get("systems") or []
    if "pmem" in systems:
        m["trace_pmem_events"] = sum(v for k, v in ev.items() if not k.startswith("dax_"))
    m["trace_overrun"] = trace.get("overrun", 0)
    m["trace_events"] = ev


def unreadable_row(base, parts, why, m=None):
    """The row of a record that cannot be read in full: no figure, only who
    it is (from its name) and what its cell is (from whatever it said)."""
    k, g, c, rep = parts
    row = {"kernel": k, "group": g, "cell": c, "rep": rep, "warmup": rep == 0,
           "status": "unreadable", "reason": f"unreadable raw record {base}: {why}",
           "file": base, "tool": "", "key": "", "fs": "", "access": "", "device": "",
           "set": "", "clock": None}
    for f in ("fs", "access", "device", "set", "key", "tool"):
        if isinstance((m or {}).get(f), str):
            row[f] = m[f]
    if (m or {}).get("clock") in units.CLOCKS:
        row["clock"] = m["clock"]
    return row


def read_record(path, env_clock):
    """One raw record -> a row. Never raises for bad data: a record that
    cannot be read in full is a row with status 'unreadable'."""
    base = os.path.basename(path)
    parts = split_name(base)
    try:
        text = files.read_text(path)
        if not text.strip():
            raise Unreadable("empty file")
        rec = files.loads(text)
        if not isinstance(rec, dict) or not isinstance(rec.get("bench"), dict):
            raise Unreadable("no 'bench' object")
        b = rec["bench"]
        lacking = [k for k in FIELDS if k not in b] + ([] if "output" in rec else ["output"])
        if lacking:
            raise Unreadable("not a whole record, it lacks " + ", ".join(lacking))
    except (OSError, ValueError, Unreadable) as e:
        if isinstance(e, ValueError):
            e = f"not JSON ({e})"
        return unreadable_row(base, parts, e) if parts else None
    m = {k: b.get(k) for k in ("kernel", "group", "fs", "access", "device", "set",
                               "cell", "key", "tool", "rep", "warmup", "status",
                               "reason", "wall_s")}
    m["file"] = base
    clock = b.get("clock", env_clock if env_clock in units.CLOCKS else units.WALL)
    m["clock"] = clock
    try:
        if parts is None:
            raise Unreadable("file name is not KERNEL__GROUP__CELL__REP.json")
        named = dict(zip(("kernel", "group", "cell", "rep"), parts))
        for k, v in named.items():
            if m.get(k) != v:
                raise Unreadable(f"its {k} is {m.get(k)!r}, its file name says {v!r}")
        if clock not in units.CLOCKS:
            raise Unreadable(f"unknown clock {clock!r}")
        if m["status"] not in STATUSES:
            raise Unreadable(f"unknown status {m['status']!r}")
        if m["tool"] not in TOOLS:
            raise Unreadable(f"unknown tool {m['tool']!r}")
        m["warmup"] = bool(m.get("warmup")) or m["rep"] == 0
        reason = m.get("reason") or ""
        if m["status"] == "failed" and reason.startswith("tool output is not JSON"):
            raise Unreadable(f"the tool's output was cut or garbled ({reason})")
        out = rec.get("output")
        if m["status"] == "ok":
            if not isinstance(out, dict):
                raise Unreadable("the run is ok but its tool output is missing")
            if b.get("tool") == "fio":
                fio_metrics(out, m)
            else:
                args = (b.get("args") or "").split()
                if args and out.get("subcommand") != args[0]:
                    raise Unreadable(f"daxwl output is of subcommand {out.get('subcommand')!r}, "
                                     f"the cell ran {args[0]!r}")
                daxwl_metrics(out, m, clock)
        if isinstance(out, dict) and b.get("tool") != "fio":
            daxwl_env(out, m)
        trace_metrics(b.get("trace"), m)
    except Unreadable as e:
        return unreadable_row(base, parts, e, m) if parts else None
    return m


def check_warmup_traces(rows):
    """bench/run-cells traces every warm-up of a boot or none: an ok warm-up
    without counters beside others with them is a damaged record, and
    taking it as "no trace" would drop or invent a PMD answer."""
    traced = {r["kernel"] for r in rows
              if r.get("warmup") and r.get("status") == "ok" and r.get("trace")}
    for i, r in enumerate(rows):
        if r.get("warmup") and r.get("status") == "ok" and not r.get("trace") and \
                r["kernel"] in traced:
            rows[i] = unreadable_row(r["file"], split_name(r["file"]),
                                     "a warm-up without trace counters in a traced boot", r)


def load(run, env_clock=None):
    """Every raw record of RUN -> (rows, problems). problems lists files
    that could not even be attributed to a cell."""
    rows, problems = [], []
    files = sorted(glob.glob(os.path.join(run, "raw", "*.json")))
    for f in files:
        r = read_record(f, env_clock)
        if r is None:
            problems.append(f"raw/{os.path.basename(f)}: not a readable bench record and its "
                            "name is not KERNEL__GROUP__CELL__REP.json; ignored")
        else:
            rows.append(r)
    check_warmup_traces(rows)
    return rows, problems
