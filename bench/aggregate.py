#!/usr/bin/env python3
"""Aggregate a bench run: RUN/raw/*.json -> results.csv, summary.md and the
chart data in RUN/charts/*.dat. Reads nothing but the raw records and
env.json; standard library only. bench/report runs this, then gnuplot.
"""
import csv
import glob
import json
import os
import statistics
import sys

CSV_FIELDS = [
    "kernel", "group", "fs", "access", "device", "set", "cell", "key", "tool",
    "rep", "warmup", "status", "reason", "gbps", "membw_ratio", "iops",
    "lat_p50_ns", "lat_p90_ns", "lat_p99_ns", "lat_p99_9_ns", "lat_max_ns",
    "ns_per_fault", "faults", "ns_per_page", "pages_per_sync", "dax",
    "map_sync", "trace_pte_fault_done", "trace_pmd_fault_done",
    "trace_pmd_fallback", "trace_pmem_events", "wall_s", "file",
]
KERNEL_ORDER = {"stock": 0, "patched": 1, "host": 2}


def die(msg):
    print("bench/report: " + msg, file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- loading

def fio_metrics(out, m):
    jobs = out.get("jobs") or []
    if not jobs:
        return
    j = jobs[0]
    rd, wr = j.get("read") or {}, j.get("write") or {}
    side = rd if rd.get("io_bytes", 0) >= wr.get("io_bytes", 0) else wr
    m["gbps"] = side.get("bw_bytes", 0) / 1e9
    m["iops"] = side.get("iops")
    lat = side.get("clat_ns") or {}
    pct = lat.get("percentile") or {}
    for name, p in (("lat_p50_ns", "50.000000"), ("lat_p90_ns", "90.000000"),
                    ("lat_p99_ns", "99.000000"), ("lat_p99_9_ns", "99.900000")):
        if p in pct:
            m[name] = pct[p]
    if "max" in lat:
        m["lat_max_ns"] = lat["max"]


def daxwl_metrics(out, m):
    r = out.get("results") or {}
    env = out.get("env") or {}
    m["gbps"] = r.get("gbps")
    m["iops"] = r.get("iops")
    lat = r.get("lat_ns") or {}
    for name, k in (("lat_p50_ns", "p50"), ("lat_p90_ns", "p90"), ("lat_p99_ns", "p99"),
                    ("lat_p99_9_ns", "p99_9"), ("lat_max_ns", "max")):
        m[name] = lat.get(k)
    if "ns_per_fault" in r:
        m["ns_per_fault"] = r.get("ns_per_fault")
        m["faults"] = r.get("faults")
    if "lat_per_page_ns" in r:
        m["ns_per_page"] = (r.get("lat_per_page_ns") or {}).get("p50")
        m["pages_per_sync"] = r.get("pages_per_sync")
    m["dax"] = env.get("dax")
    ms = env.get("map_sync")
    if isinstance(ms, dict):
        m["map_sync"] = ms.get("accepted")
    if not m.get("kernel_release"):
        m["kernel_release"] = env.get("kernel_release")


def trace_metrics(trace, m):
    if not isinstance(trace, dict):
        return
    ev = trace.get("events") or {}
    res = trace.get("results") or {}
    m["trace_pte_fault_done"] = ev.get("dax_pte_fault_done", 0)
    m["trace_pmd_fault_done"] = ev.get("dax_pmd_fault_done", 0)
    m["trace_pmd_fallback"] = sum(
        v for k, v in res.items() if k.startswith("dax_pmd_fault_done/") and "FALLBACK" in k)
    m["trace_pmd_nopage"] = sum(
        v for k, v in res.items() if k.startswith("dax_pmd_fault_done/") and "NOPAGE" in k)
    systems = trace.get("systems") or []
    if "pmem" in systems:
        m["trace_pmem_events"] = sum(v for k, v in ev.items() if not k.startswith("dax_"))
        m["trace_pmem"] = {k: v for k, v in ev.items() if not k.startswith("dax_")}
    m["trace_overrun"] = trace.get("overrun", 0)
    m["trace_events"] = ev


def load(run):
    rows = []
    files = sorted(glob.glob(os.path.join(run, "raw", "*.json")))
    if not files:
        die(f"{run}/raw has no records")
    for f in files:
        base = os.path.basename(f)
        try:
            with open(f) as fh:
                rec = json.load(fh)
            b = rec["bench"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            parts = base[:-5].split("__")
            if len(parts) != 4:
                print(f"bench/report: skipping {base}: not a bench record ({e})", file=sys.stderr)
                continue
            rows.append({"kernel": parts[0], "group": parts[1], "cell": parts[2],
                         "rep": int(parts[3]) if parts[3].isdigit() else 0,
                         "warmup": parts[3] == "0", "status": "failed",
                         "reason": f"unreadable raw record: {e}", "file": base,
                         "tool": "", "key": "", "fs": "", "access": "", "device": "", "set": ""})
            continue
        m = {k: b.get(k) for k in ("kernel", "group", "fs", "access", "device", "set",
                                   "cell", "key", "tool", "rep", "warmup", "status",
                                   "reason", "wall_s")}
        m["file"] = base
        out = rec.get("output")
        if isinstance(out, dict):
            if b.get("tool") == "fio":
                fio_metrics(out, m)
            else:
                daxwl_metrics(out, m)
            if m["status"] == "ok" and m.get("gbps") is None:
                m["status"], m["reason"] = "failed", "the tool reported no throughput"
        elif m["status"] == "ok":
            m["status"], m["reason"] = "failed", "no tool output"
        trace_metrics(b.get("trace"), m)
        rows.append(m)
    return rows


# ------------------------------------------------------------- statistics

def quartiles(xs):
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], statistics.median(xs), q[2]


def membw_kind(key):
    """Which membw figure a cell is a fraction of: loads for reads,
    non-temporal stores for writes and flushes (the kernel's DAX write
    path is movnti), memcpy for the mixed rest (faults, msync)."""
    if "read" in key:
        return "membw/read"
    if key.startswith(("write", "flush", "devdax/write")):
        return "membw/nt"
    return "membw/memcpy"


class Cell:
    def __init__(self, kernel, group, cell):
        self.kernel, self.group, self.cell = kernel, group, cell
        self.reps, self.warm = [], None

    def first(self):
        return self.warm or (self.reps[0] if self.reps else {})

    def attr(self, k):
        return self.first().get(k)

    @property
    def status(self):
        runs = self.reps or ([self.warm] if self.warm else [])
        st = [r["status"] for r in runs]
        if st and all(s == "ok" for s in st):
            return "ok"
        if any(s == "unsupported" for s in st):
            return "unsupported"
        if any(s == "ok" for s in st):
            return "partial"
        return "failed"

    @property
    def reason(self):
        for r in ([self.warm] if self.warm else []) + self.reps:
            if r and r.get("status") != "ok" and r.get("reason"):
                return r["reason"]
        return ""

    def values(self, metric):
        return [r[metric] for r in self.reps
                if r.get("status") == "ok" and isinstance(r.get(metric), (int, float))]

    def stat(self, metric):
        v = self.values(metric)
        if not v:
            return None
        q1, med, q3 = quartiles(v)
        return {"median": med, "q1": q1, "q3": q3, "iqr": q3 - q1, "n": len(v)}


def build_cells(rows):
    cells = {}
    for r in rows:
        k = (r["kernel"], r["group"], r["cell"])
        c = cells.setdefault(k, Cell(*k))
        if r.get("warmup") or r.get("rep") == 0:
            c.warm = r
        else:
            c.reps.append(r)
    for c in cells.values():
        c.reps.sort(key=lambda r: r.get("rep") or 0)
    return cells


def add_ratios(rows, cells):
    """membw_ratio: the run's throughput over the median membw figure of
    the same kernel (the same boot)."""
    ref = {}
    for c in cells.values():
        if c.group == "ram" and c.stat("gbps"):
            ref[(c.kernel, c.attr("key"))] = c.stat("gbps")["median"]
    for r in rows:
        kind = membw_kind(r.get("key") or "")
        d = ref.get((r["kernel"], kind))
        if d and isinstance(r.get("gbps"), (int, float)) and r.get("group") != "ram":
            r["membw_ratio"] = r["gbps"] / d
            r["membw_ref"] = kind
    return ref


# -------------------------------------------------------------- formatting

def fmt(x, digits=3):
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if x == 0:
            return "0"
        a = abs(x)
        if a >= 1000:
            return f"{x:,.0f}"
        if a >= 100:
            return f"{x:.0f}"
        if a >= 10:
            return f"{x:.1f}"
        return f"{x:.{digits}g}" if a < 1 else f"{x:.2f}"
    return str(x)


def med_iqr(s, scale=1.0):
    if not s:
        return "n/a"
    return f"{fmt(s['median'] * scale)} ± {fmt(s['iqr'] * scale / 2)}"


def pct(a, b):
    """Change from b to a in percent."""
    if a is None or b is None or b == 0:
        return None
    return (a - b) / b * 100.0


def fpct(x):
    return "n/a" if x is None else f"{x:+.1f} %"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(x) for x in r) + " |")
    return "\n".join(out) + "\n"


def label(c):
    return c.cell


def status_text(c):
    if c.status == "ok":
        return None
    why = c.reason
    return f"{c.status}: {why}" if why else c.status


# ------------------------------------------------------------------- run

class Report:
    def __init__(self, run):
        self.run = run
        self.env = {}
        envf = os.path.join(run, "env.json")
        if os.path.exists(envf):
            try:
                with open(envf) as fh:
                    self.env = json.load(fh)
            except ValueError:
                self.env = {}
        self.rows = load(run)
        self.cells = build_cells(self.rows)
        self.membw = add_ratios(self.rows, self.cells)
        # ratios are per repetition; recompute cell stats after.
        self.kernels = sorted({c.kernel for c in self.cells.values()},
                              key=lambda k: (KERNEL_ORDER.get(k, 9), k))
        self.charts = os.path.join(run, "charts")
        os.makedirs(self.charts, exist_ok=True)
        self.md = []
        self.answers = []

    def get(self, kernel, group, cell):
        return self.cells.get((kernel, group, cell))

    def find(self, kernel, group, key, tool="daxwl"):
        for c in self.cells.values():
            if (c.kernel, c.group, c.attr("tool"), c.attr("key")) == (kernel, group, tool, key):
                return c
        return None

    def groups(self):
        seen = []
        for r in self.rows:
            g = (r["group"], r.get("fs"), r.get("access"), r.get("device"))
            if g not in seen:
                seen.append(g)
        order = {"ram": 0}
        return sorted(seen, key=lambda g: (order.get(g[0], 1), g[3] or "", g[1] or "", g[2] or ""))

    def cell_value(self, c, metric="gbps"):
        if not c or c.status not in ("ok", "partial"):
            return None
        s = c.stat(metric)
        return s["median"] if s else None

    def cell_text(self, c, metric="gbps", scale=1.0):
        if c is None:
            return "—"
        if c.status not in ("ok", "partial"):
            return "not supported" if c.status == "unsupported" else "failed"
        return med_iqr(c.stat(metric), scale)

    def ratio_text(self, c):
        s = c.stat("membw_ratio") if c else None
        return "n/a" if not s else f"{s['median'] * 100:.1f} %"

    def write_dat(self, name, header, rows):
        path = os.path.join(self.charts, name + ".dat")
        with open(path, "w") as fh:
            fh.write("\t".join(header) + "\n")
            for r in rows:
                fh.write("\t".join(x if isinstance(x, str) else
                                   ("NaN" if x is None else repr(float(x))) for x in r) + "\n")
        return len(rows)

    def chart(self, name, title, header, rows):
        """A chart only when there is something to draw."""
        if any(isinstance(x, float) for r in rows for x in r[1:]):
            self.write_dat(name, header, rows)
            self.chart_list.append((name, title))

    # ------------------------------------------------------------ csv
    def write_csv(self):
        path = os.path.join(self.run, "results.csv")
        rows = sorted(self.rows, key=lambda r: (KERNEL_ORDER.get(r["kernel"], 9), r["kernel"],
                                                r["group"], r.get("cell") or "", r.get("rep") or 0))
        with open(path, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=CSV_FIELDS, extrasaction="ignore")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in CSV_FIELDS})
        return len(rows)

    # --------------------------------------------------------- sections
    def header(self):
        e = self.env
        accel = e.get("accel") or "unknown"
        kern = ", ".join(self.kernels)
        ok = sum(1 for c in self.cells.values() if c.status == "ok")
        uns = sum(1 for c in self.cells.values() if c.status == "unsupported")
        bad = sum(1 for c in self.cells.values() if c.status in ("failed", "partial"))
        when = f" on {e['host']}, {e['date']}" if e.get("host") and e.get("date") else ""
        self.md.append(f"# daxlab bench: {os.path.basename(os.path.abspath(self.run))}{when}\n")
        if e.get("mode", "vm") == "vm" and "kvm" not in accel:
            self.md.append(
                "> **These are QEMU TCG numbers, not hardware numbers.** The guest runs on an "
                "emulated CPU and its NVDIMMs are host memory behind a file: absolute figures "
                "are emulator speeds, and the ratios between paths only show what the kernel's "
                "code does (faults taken, copies made, flushes issued), not what persistent "
                "memory would cost. Use `make bench TARGET=/mnt/pmem` on real hardware.\n")
        elif e.get("mode") == "vm":
            self.md.append("> KVM guest on emulated NVDIMMs (host memory behind a file): not "
                           "persistent-memory numbers.\n")
        rows = [
            ["date", e.get("date", "?")], ["mode", e.get("mode", "?")],
            ["matrix", f"{e.get('set', '?')} ({e.get('matrix', '?')})"],
            ["kernels", kern], ["accelerator", accel],
            ["host CPU", f"{(e.get('cpu') or {}).get('model', '?')}, "
                         f"{(e.get('cpu') or {}).get('online', '?')} CPUs"],
            ["host kernel", e.get("host_kernel", "?")],
        ]
        for k, v in (e.get("guest_kernels") or {}).items():
            cfg = (v.get("config_sha256") or "?")[:12]
            rows.append([f"guest kernel {k}", f"{v.get('release') or self.release(k)}, config sha256 {cfg}"])
        for k, v in (e.get("versions") or {}).items():
            rows.append([k, v])
        rows.append(["cells", f"{len(self.cells)}: {ok} ok, {uns} not supported, {bad} failed"])
        self.md.append(table(["", ""], rows))
        p = self.params()
        self.md.append(
            "Method: every cell runs once as a warm-up with the guest's trace events on "
            "(its counters are kept, its timing is not), then "
            f"{p.get('reps', '?')} measured repetitions with tracing off; tables give the "
            "median ± half the interquartile range of those repetitions. Workloads run pinned "
            "to one guest CPU (taskset; daxwl also pins its thread) and QEMU to one host CPU. "
            f"Files are {p.get('size', '?')}, timed runs last {p.get('runtime', '?')} "
            "(sized for TCG). The VM's file systems are made with 2 MiB alignment hints "
            "(mkfs.ext4 -E stride=512,stripe_width=512, mkfs.xfs -d agcount=2,su=2m,sw=1,extszinherit=512 -l size=64m; ext2 without, "
            "its PMD patch aligns by itself). Every throughput is also a ratio to `daxwl membw` of the same "
            "boot: reads to its load bandwidth, writes and flushes to its non-temporal store "
            "bandwidth, faults and msync to memcpy.\n")

    def release(self, k):
        for r in self.rows:
            if r["kernel"] == k and r.get("kernel_release"):
                return r["kernel_release"]
        return "?"

    def params(self):
        p = {}
        envf = os.path.join(self.run, "plan.env")
        if os.path.exists(envf):
            with open(envf) as fh:
                for line in fh:
                    if "=" in line:
                        k, v = line.strip().split("=", 1)
                        p[k.replace("MATRIX_SET_", "")] = v.strip("'\"")
        return p

    def sec_membw(self):
        self.md.append("## Memory bandwidth (the denominator)\n")
        rows = []
        for k in self.kernels:
            for key in ("membw/read", "membw/memcpy", "membw/nt"):
                c = self.find(k, "ram", key)
                if c:
                    rows.append([k, key.split("/")[1], self.cell_text(c)])
        self.md.append(table(["kernel", "op", "GB/s"], rows) if rows else "No membw cells.\n")

    def sec_stock_patched(self):
        self.md.append("## Stock vs patched\n")
        if not {"stock", "patched"} <= set(self.kernels):
            self.md.append("Only one kernel in this run: no comparison.\n")
            return
        rows, dat, diff = [], [], []
        for (k, g, name), c in sorted(self.cells.items(), key=lambda x: (x[0][1], x[0][2])):
            if k != "stock" or g == "ram":
                continue
            p = self.get("patched", g, name)
            if p is None:
                continue
            metric = "ns_per_page" if (c.attr("key") or "").startswith("msync") else "gbps"
            unit = "ns/page" if metric == "ns_per_page" else "GB/s"
            a, b = self.cell_value(c, metric), self.cell_value(p, metric)
            ch = pct(b, a)
            if c.status != p.status:
                diff.append([g, name, status_text(c) or "ok", status_text(p) or "ok"])
                self.kdiff.append((g, name, c.status, p.status))
            elif (c.attr("key") or "").startswith("fault/") and c.warm and p.warm:
                a_pmd = c.warm.get("trace_pmd_nopage") or 0
                b_pmd = p.warm.get("trace_pmd_nopage") or 0
                if a_pmd != b_pmd:
                    self.kdiff.append((g, name, f"{a_pmd} PMD faults", f"{b_pmd} PMD faults"))
            rows.append([g, name, unit, self.cell_text(c, metric), self.cell_text(p, metric), fpct(ch)])
            if ch is not None and metric == "gbps":
                dat.append([f"{g} {name}", ch])
        self.md.append("Median ± IQR/2 per cell; change is patched against stock "
                       "(throughput cells: higher is better; msync cells: ns per page, lower is better).\n")
        self.md.append(table(["group", "cell", "unit", "stock", "patched", "change"], rows))
        if diff:
            self.md.append("\nCells whose outcome differs between the kernels:\n")
            self.md.append(table(["group", "cell", "stock", "patched"], diff))
        self.chart("stock-vs-patched", "Throughput change, patched against stock",
                   ["cell", "patched vs stock (%)"], dat)

    def sec_access(self):
        self.md.append("## DAX vs page cache vs O_DIRECT\n")
        keys = ["read/seq/1m", "read/rand/4k", "write/seq/1m", "write/rand/4k"]
        rows, dat = [], []
        fss = sorted({g[1] for g in self.groups() if g[3] == "pmem" and g[1] not in (None, "-")})
        for k in self.kernels:
            for fs in fss:
                for key in keys:
                    d = self.find(k, f"{fs}-dax-pmem", key)
                    pc = self.find(k, f"{fs}-pagecache-pmem", key)
                    od = self.find(k, f"{fs}-odirect-pmem", key + "/qd1")
                    if not (d or pc or od):
                        continue
                    rows.append([k, fs, key, self.cell_text(d), self.ratio_text(d),
                                 self.cell_text(pc), self.ratio_text(pc), self.cell_text(od)])
                    vals = []
                    for c in (d, pc, od):
                        s = c.stat("gbps") if c and c.status in ("ok", "partial") else None
                        vals += [s["median"], s["q1"], s["q3"]] if s else [None] * 3
                    dat.append([f"{k} {fs} {key}"] + vals)
                    if key.startswith("read/") and d and pc:
                        a, b = self.cell_value(d), self.cell_value(pc)
                        if a and b:
                            self.dax_read.append(f"{k} {fs} {key}: DAX {fmt(a)} GB/s vs page cache "
                                                 f"{fmt(b)} GB/s ({a / b:.2f}x)")
        devdax = [(k, self.find(k, "devdax", "devdax/read/seq/1m", "fio")) for k in self.kernels]
        self.md.append("GB/s, median ± IQR/2, and the share of `membw` of the same boot. "
                       "O_DIRECT is `daxwl odirect` (io_uring, queue depth 1) on a non-DAX mount, "
                       "so it reaches the pmem block driver.\n")
        self.md.append(table(["kernel", "fs", "workload", "DAX", "DAX/membw", "page cache",
                              "pc/membw", "O_DIRECT"], rows) if rows else "No such cells.\n")
        dv = [[k, self.cell_text(c), self.ratio_text(c)] for k, c in devdax if c]
        if dv:
            self.md.append("\nFor scale, fio on a devdax namespace (no file system), 1 MiB sequential reads:\n")
            self.md.append(table(["kernel", "GB/s", "of membw"], dv))
        self.chart("dax-pagecache-odirect", "DAX vs page cache vs O_DIRECT",
                   ["workload", "DAX", "q1", "q3", "page cache", "q1", "q3", "O_DIRECT", "q1", "q3"], dat)

    def sec_faults(self):
        self.md.append("## PTE vs PMD faults\n")
        rows, dat = [], []
        for k in self.kernels:
            for g in self.groups():
                gid = g[0]
                if g[2] not in ("dax", "pagecache"):
                    continue
                for touch in ("read", "write"):
                    a = self.find(k, gid, f"fault/{touch}/pte")
                    b = self.find(k, gid, f"fault/{touch}/pmd")
                    if not (a and b):
                        continue
                    va, vb = self.cell_value(a), self.cell_value(b)
                    sp = f"{vb / va:.2f}x" if va and vb else "n/a"
                    tr = b.warm or {}
                    ta = a.warm or {}
                    rows.append([k, gid, touch, self.cell_text(a), self.cell_text(b), sp,
                                 self.cell_text(a, "ns_per_fault"), self.cell_text(b, "ns_per_fault"),
                                 fmt(ta.get("trace_pte_fault_done")), fmt(tr.get("trace_pte_fault_done")),
                                 fmt(tr.get("trace_pmd_nopage")), fmt(tr.get("trace_pmd_fallback"))])
                    sa = a.stat("gbps") if va else None
                    sb = b.stat("gbps") if vb else None
                    dat.append([f"{k} {gid} {touch}"] +
                               ([sa["median"], sa["q1"], sa["q3"]] if sa else [None] * 3) +
                               ([sb["median"], sb["q1"], sb["q3"]] if sb else [None] * 3))
                    if g[2] == "dax" and g[3] == "pmem" and touch == "write" and (va or vb):
                        pmd = tr.get("trace_pmd_nopage")
                        self.pmd.append(f"{k} {g[1]}: PMD-capable {fmt(vb)} GB/s vs PTE-only "
                                        f"{fmt(va)} GB/s ({sp}); the kernel mapped {fmt(pmd)} PMDs "
                                        f"({fmt(tr.get('trace_pmd_fallback'))} fell back) and "
                                        f"{fmt(tr.get('trace_pte_fault_done'))} PTEs, against "
                                        f"{fmt(ta.get('trace_pte_fault_done'))} PTEs with --align 4k")
        p = self.params()
        self.md.append(
            f"`daxwl fault` touches every page of a fresh {p.get('size', '?')} shared mapping placed on "
            "a 2 MiB-aligned address (`--align 2M`): the file system may map whole 2 MiB pages. "
            "PTE-only: the same run with the mapping one page past a 2 MiB boundary (`--align 4k`), "
            "where virtual address and file offset can never be 2 MiB-aligned together, so every "
            "PMD attempt falls back and each 4 KiB page is mapped separately; left to itself the "
            "kernel aligns DAX mappings to 2 MiB (thp_get_unmapped_area), so an unaligned request "
            "is no PTE baseline. GB/s touched and ns per fault are "
            "median ± IQR/2. The fault counts come from the guest kernel's fs_dax tracepoints in the "
            "traced warm-up run of the same cell: dax_pte_fault_done events, and dax_pmd_fault_done "
            "by result (NOPAGE: a PMD was mapped; FALLBACK: the kernel fell back to PTEs). "
            "Page-cache mounts take no DAX faults, so they show no events.\n")
        self.md.append(table(["kernel", "group", "touch", "PTE-only GB/s", "PMD-capable GB/s",
                              "speed-up", "ns/fault PTE-only", "ns/fault PMD-capable",
                              "PTE faults (PTE-only run)", "PTE faults (PMD run)", "PMD faults",
                              "PMD fallbacks"], rows)
                       if rows else "No fault cells.\n")
        self.chart("pte-vs-pmd", "Fault throughput, PTE-only vs PMD-capable mappings",
                   ["mapping", "PTE only (--align 4k)", "q1", "q3", "PMD-capable", "q1", "q3"], dat)

    def sec_msync(self):
        self.md.append("## msync cost per page\n")
        rows, series = [], []
        for k in self.kernels:
            for g in self.groups():
                cs = [self.find(k, g[0], f"msync/{n}") for n in (1, 16, 256)]
                if not any(cs):
                    continue
                rows.append([k, g[0]] + [self.cell_text(c, "ns_per_page", 1e-3) for c in cs])
                vals = [self.cell_value(c, "ns_per_page") for c in cs]
                series.append((f"{k} {g[0]}", [None if v is None else v / 1e3 for v in vals]))
                if g[2] == "dax" and g[3] == "pmem" and vals[0] and vals[2]:
                    self.msync.append(f"{k} {g[1]} DAX: {fmt(vals[0] / 1e3)} µs/page at 1 page, "
                                      f"{fmt(vals[2] / 1e3)} µs/page at 256 pages")
                elif g[2] == "pagecache" and vals[0] and vals[2]:
                    self.msync.append(f"{k} {g[1]} page cache: {fmt(vals[0] / 1e3)} µs/page at 1 page, "
                                      f"{fmt(vals[2] / 1e3)} µs/page at 256 pages")
        self.md.append("`daxwl msync` dirties N pages of a shared mapping and calls msync(MS_SYNC); "
                       "µs per dirtied page (sync latency / N), median ± IQR/2 of the per-run medians. "
                       "On DAX msync writes the dirty cache lines back (clwb loop); on the page cache "
                       "it writes the pages to the pmem block device.\n")
        self.md.append(table(["kernel", "group", "1 page", "16 pages", "256 pages"], rows)
                       if rows else "No msync cells.\n")
        path = os.path.join(self.charts, "msync-per-page.dat")
        with open(path, "w") as fh:
            fh.write("pages\t" + "\t".join(s for s, _ in series) + "\n")
            for i, n in enumerate((1, 16, 256)):
                fh.write(str(n) + "\t" + "\t".join(
                    "NaN" if v[i] is None else repr(v[i]) for _, v in series) + "\n")
        self.msync_series = len(series)
        if series:
            self.chart_list.append(("msync-per-page", "msync cost per dirtied page"))

    def sec_dm(self):
        self.md.append("## Device-mapper overhead\n")
        rows, dat = [], []
        for k in self.kernels:
            for g in self.groups():
                if g[3] != "pmem":
                    continue
                lin = f"{g[1]}-{g[2]}-dm-linear"
                stp = f"{g[1]}-{g[2]}-dm-stripe"
                for c in sorted((c for c in self.cells.values() if c.kernel == k and c.group == g[0]
                                 and c.attr("tool") == "daxwl"), key=lambda c: c.cell):
                    key = c.attr("key")
                    l_, s_ = self.find(k, lin, key), self.find(k, stp, key)
                    if not (l_ or s_):
                        continue
                    base = self.cell_value(c)
                    ol = pct(self.cell_value(l_), base)
                    os_ = pct(self.cell_value(s_), base)
                    # overhead: how much slower than plain pmem
                    ol = None if ol is None else -ol
                    os_ = None if os_ is None else -os_
                    rows.append([k, f"{g[1]} {g[2]}", key, self.cell_text(c), self.cell_text(l_),
                                 fpct(ol), self.cell_text(s_), fpct(os_)])
                    dat.append([f"{k} {g[1]} {key}", ol, os_])
                    if ol is not None:
                        self.dm.append((k, g[1], key, ol, os_))
        self.md.append("GB/s, median ± IQR/2; overhead = how much lower the throughput is through "
                       "the dm device than on the bare pmem namespace (negative: faster). dm-stripe "
                       "spreads 2 MiB chunks over two namespaces.\n")
        self.md.append(table(["kernel", "group", "workload", "pmem", "dm-linear", "linear overhead",
                              "dm-stripe", "stripe overhead"], rows) if rows else "No dm cells.\n")
        self.chart("dm-overhead", "Device-mapper overhead against bare pmem",
                   ["workload", "dm-linear", "dm-stripe"], dat)

    def sec_fio(self):
        self.md.append("## daxwl vs fio\n")
        rows, dat, only = [], [], []
        for (k, g, name), c in sorted(self.cells.items(), key=lambda x: (KERNEL_ORDER.get(x[0][0], 9), x[0][1], x[0][2])):
            if c.attr("tool") != "fio":
                continue
            key = c.attr("key")
            d = self.find(k, g, key, "daxwl")
            if d is None:
                only.append([k, g, name, self.cell_text(c), self.ratio_text(c)])
                continue
            a, b = self.cell_value(d), self.cell_value(c)
            diff = pct(b, a)
            rows.append([k, g, key, d.cell, self.cell_text(d), name, self.cell_text(c), fpct(diff)])
            sa, sb = d.stat("gbps") if a else None, c.stat("gbps") if b else None
            dat.append([f"{k} {g} {key}"] + ([sa["median"], sa["q1"], sa["q3"]] if sa else [None] * 3)
                       + ([sb["median"], sb["q1"], sb["q3"]] if sb else [None] * 3))
            if diff is not None:
                self.fio.append((k, g, key, diff))
        self.md.append("Cells with the same key in the same group measure the same thing: "
                       "daxwl rw against fio psync (pread/pwrite), daxwl odirect against fio io_uring "
                       "(O_DIRECT), daxwl fault --touch copy against fio mmap (copying out of a fresh "
                       "mapping), daxwl flush nt against fio libpmem (non-temporal copy + fence). "
                       "GB/s, median ± IQR/2; difference = fio against daxwl. Under TCG each tool's "
                       "own per-I/O code is emulated as well, so the tool with more instructions per "
                       "I/O loses more than it would on hardware; on the host, "
                       "`workloads/compare-fio` puts the two side by side natively.\n")
        self.md.append(table(["kernel", "group", "workload", "daxwl cell", "daxwl GB/s", "fio cell",
                              "fio GB/s", "difference"], rows) if rows else "No paired cells.\n")
        if only:
            self.md.append("\nfio cells without a daxwl peer:\n")
            self.md.append(table(["kernel", "group", "cell", "GB/s", "of membw"], only))
        self.chart("daxwl-vs-fio", "daxwl vs fio on the same work",
                   ["workload", "daxwl", "q1", "q3", "fio", "q1", "q3"], dat)

    def sec_counters(self):
        self.md.append("## Kernel counters\n")
        rows = []
        for (k, g, name), c in sorted(self.cells.items(), key=lambda x: (KERNEL_ORDER.get(x[0][0], 9), x[0][1], x[0][2])):
            w = c.warm or {}
            ev = w.get("trace_events")
            if not ev:
                continue
            top = ", ".join(f"{e} {n}" for e, n in sorted(ev.items(), key=lambda x: -x[1])[:5])
            rows.append([k, g, name, top + (" (buffer overrun)" if w.get("trace_overrun") else "")])
        if rows:
            self.md.append("Trace events counted in each cell's warm-up run (the five most frequent). "
                           "fs_dax events exist on both kernels; the pmem dax_operations events "
                           "(pmem_direct_access and friends) only on the patched one.\n")
            self.md.append(table(["kernel", "group", "cell", "events"], rows))
        else:
            self.md.append("No trace counters in this run (TARGET and DEVICE modes run on the host "
                           "and leave its tracing alone).\n")

    def sec_status(self):
        self.md.append("## Not supported and failed cells\n")
        rows = []
        for (k, g, name), c in sorted(self.cells.items(), key=lambda x: (KERNEL_ORDER.get(x[0][0], 9), x[0][1], x[0][2])):
            if c.status != "ok":
                rows.append([k, g, name, c.status, (c.reason or "").replace("|", "/")])
        self.md.append(table(["kernel", "group", "cell", "status", "reason"], rows)
                       if rows else "Every cell ran.\n")
        # DAX must be what the group says it is: statx's DAX flag on the file.
        wrong = []
        for (k, g, name), c in sorted(self.cells.items()):
            d = c.attr("dax")
            acc = c.attr("access")
            if d is None or acc not in ("dax", "pagecache"):
                continue
            if (acc == "dax") != bool(d):
                wrong.append([k, g, name, "DAX" if d else "no DAX"])
        if wrong:
            self.md.append("\n**Warning:** in these cells statx reported a DAX state other "
                           "than the group's access mode; their numbers do not measure what the "
                           "group says:\n")
            self.md.append(table(["kernel", "group", "cell", "statx says"], wrong))

    def sec_answers(self):
        out = ["## Answers\n"]
        if self.pmd:
            out.append("**PMD against PTE faults** (write touch, DAX on pmem):\n")
            out += [f"- {s}" for s in self.pmd]
            out.append("")
        if self.dax_read:
            out.append("**DAX read against page-cache read** (pread, 1 MiB sequential and "
                       "4 KiB random):\n")
            out += [f"- {s}" for s in self.dax_read]
            out.append("")
        if self.kdiff:
            out.append("**Stock against patched:** cells whose outcome differs:\n")
            out += [f"- {g} {c}: stock {a}; patched {b}" for g, c, a, b in self.kdiff]
            out.append("")
        if self.msync:
            out.append("**msync cost per page:**\n")
            out += [f"- {s}" for s in self.msync]
            out.append("")
        if self.dm:
            lin = [x[3] for x in self.dm if x[3] is not None]
            st = [x[4] for x in self.dm if x[4] is not None]
            out.append("**Device-mapper overhead** (throughput lost against bare pmem, "
                       "over all paired cells):\n")
            out.append(f"- dm-linear: median {statistics.median(lin):+.1f} %, range "
                       f"{min(lin):+.1f} % to {max(lin):+.1f} % over {len(lin)} cells")
            if st:
                out.append(f"- dm-stripe: median {statistics.median(st):+.1f} %, range "
                           f"{min(st):+.1f} % to {max(st):+.1f} % over {len(st)} cells")
            out.append("")
        if self.fio:
            d = [x[3] for x in self.fio]
            out.append("**daxwl against fio** (same work, same group):\n")
            out.append(f"- fio differs from daxwl by a median of {statistics.median(d):+.1f} % "
                       f"(range {min(d):+.1f} % to {max(d):+.1f} % over {len(d)} pairs)")
            for k, g, key, x in sorted(self.fio, key=lambda x: -abs(x[3]))[:3]:
                out.append(f"- largest: {k} {g} {key}: {x:+.1f} %")
            out.append("")
        if len(out) == 1:
            out.append("No cell produced a comparable number.\n")
        return "\n".join(out) + "\n"

    def generate(self):
        self.chart_list = []
        self.pmd, self.dax_read, self.msync, self.dm, self.fio = [], [], [], [], []
        self.kdiff = []
        self.header()
        head = len(self.md)
        self.sec_membw()
        self.sec_stock_patched()
        self.sec_access()
        self.sec_faults()
        self.sec_msync()
        self.sec_dm()
        self.sec_fio()
        self.sec_counters()
        self.sec_status()
        self.md.insert(head, self.sec_answers())
        charts = ["## Charts\n"]
        for name, title in self.chart_list:
            charts.append(f"- {title}: [charts/{name}.png](charts/{name}.png), "
                          f"[svg](charts/{name}.svg)")
        self.md.append("\n".join(charts) + "\n")
        self.md.append("Raw records: `raw/*.json`; one row per cell and repetition: `results.csv` "
                       "(repetition 0 is the traced warm-up); this file and the charts come from "
                       "them alone (`make bench-report RUN=...`).\n")
        with open(os.path.join(self.run, "summary.md"), "w") as fh:
            fh.write("\n".join(self.md))
        with open(os.path.join(self.charts, "charts.list"), "w") as fh:
            for name, title in self.chart_list:
                extra = str(self.msync_series) if name == "msync-per-page" else ""
                fh.write(f"{name}\t{title}\t{extra}\n")


def main():
    if len(sys.argv) != 2:
        die("usage: aggregate.py RUN")
    run = sys.argv[1]
    if not os.path.isdir(os.path.join(run, "raw")):
        die(f"{run} is not a bench run (no raw/ directory)")
    rep = Report(run)
    n = rep.write_csv()
    rep.generate()
    print(f"bench/report: {n} rows in {run}/results.csv, {len(rep.cells)} cells", file=sys.stderr)


if __name__ == "__main__":
    main()
