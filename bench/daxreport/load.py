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
import json
import os

from . import units

STATUSES = ("ok", "unsupported", "failed")


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def read_env(run):
    """env.json as a dict, and a list of problems (a damaged env.json is
    reported, not fatal: every figure comes from raw/)."""
    f = os.path.join(run, "env.json")
    if not os.path.exists(f):
        return {}, []
    try:
        with open(f) as fh:
            env = json.load(fh)
        if not isinstance(env, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as e:
        return {}, [f"env.json: unreadable ({e}); host and version details are missing"]
    probs = []
    mode, _ = units.env_clock(env)
    if mode is not None and mode not in units.CLOCKS:
        probs.append(f"env.json: unknown clock mode {mode!r}; records decide")
    return env, probs


def read_params(run):
    """plan.env (MATRIX_SET_reps=5 ...) as {'reps': '5', ...}."""
    p = {}
    f = os.path.join(run, "plan.env")
    if os.path.exists(f):
        with open(f) as fh:
            for line in fh:
                if "=" in line:
                    k, v = line.strip().split("=", 1)
                    p[k.replace("MATRIX_SET_", "")] = v.strip("'\"")
    return p


def read_plan(run):
    """plan.tsv -> {(group, cell): {group, fs, access, device, set, cell, key, tool}}:
    what each cell was meant to be, for cells whose records cannot say."""
    plan = {}
    f = os.path.join(run, "plan.tsv")
    if os.path.exists(f):
        with open(f) as fh:
            for line in fh:
                p = line.rstrip("\n").split("\t")
                if len(p) >= 9:
                    d = dict(zip(("group", "fs", "access", "device", "set", "cell", "key",
                                  "tool"), p[1:9]))
                    plan[(d["group"], d["cell"])] = d
    return plan


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


def unreadable_row(base, parts, why):
    k, g, c, rep = parts
    return {"kernel": k, "group": g, "cell": c, "rep": rep, "warmup": rep == 0,
            "status": "unreadable", "reason": f"unreadable raw record {base}: {why}",
            "file": base, "tool": "", "key": "", "fs": "", "access": "", "device": "",
            "set": "", "clock": None}


def read_record(path, env_clock):
    """One raw record -> a row. Never raises for bad data: a record that
    cannot be read in full is a row with status 'unreadable'."""
    base = os.path.basename(path)
    parts = split_name(base)
    try:
        with open(path) as fh:
            rec = json.load(fh)
        if not isinstance(rec, dict) or not isinstance(rec.get("bench"), dict):
            raise Unreadable("no 'bench' object")
        b = rec["bench"]
    except (OSError, ValueError, Unreadable) as e:
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
                daxwl_metrics(out, m, clock)
        if isinstance(out, dict) and b.get("tool") != "fio":
            daxwl_env(out, m)
        trace_metrics(b.get("trace"), m)
    except Unreadable as e:
        if parts is None:
            return None
        row = unreadable_row(base, parts, e)
        for k in ("fs", "access", "device", "set", "key", "tool"):
            if isinstance(m.get(k), str):
                row[k] = m[k]
        row["clock"] = clock if clock in units.CLOCKS else None
        return row
    return m


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
    return rows, problems
