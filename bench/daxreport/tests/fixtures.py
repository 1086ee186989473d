"""Synthetic bench runs for the tests, in the real formats.

Raw records copy the shape of results/reference/raw/*.json (bench object
around daxwl's or fio's own JSON); env.json and plan.env that of a real
run; counts-KERNEL.jsonl follows the counting plugin's draft schema
(daxreport/counts.py). The values are chosen by the test, so the spread
of every cell is known exactly.

    python3 -m daxreport.tests.fixtures counts-example   # one example window
"""
import contextlib
import io
import json
import os
import sys

MIB = 1024 * 1024


def daxwl_output(sub, gbps, ops=4096, nbytes=16 * MIB, per_fault=None, faults=None,
                 pages=None, lat_mean=None, kernel_release="6.1.0-test", dax=True):
    """daxwl's JSON for one repetition: elapsed and iops follow from gbps."""
    elapsed = int(round(nbytes / gbps))
    lat = {"count": ops, "min": 1, "mean": lat_mean if lat_mean is not None else elapsed / ops,
           "p50": 8191, "p90": 8191, "p99": 16383, "p99_9": 16383, "max": 20000}
    res = {"threads": 1, "ops": ops, "bytes": nbytes, "elapsed_ns": elapsed,
           "iops": ops / (elapsed / 1e9), "gbps": gbps, "lat_ns": lat, "minflt": 0,
           "majflt": 0, "verify": None, "per_thread": []}
    if sub == "fault":
        res["faults"] = faults if faults is not None else ops
        res["ns_per_fault"] = per_fault if per_fault is not None else elapsed / res["faults"]
        res.update({"maps": 1, "map_ns": 1000, "touch_ns": elapsed - 1000,
                    "maps_2m_aligned": 1, "maps_pte_only": 0})
    if sub == "msync":
        res["sync"] = "msync"
        res["pages_per_sync"] = pages or 1
        res["bytes_per_page"] = 4096
        res["lat_per_page_ns"] = {"count": ops, "min": 1, "mean": lat["mean"] / (pages or 1),
                                  "p50": 8191, "p90": 8191, "p99": 8191, "p99_9": 8191,
                                  "max": 8191}
        res["store_granularity"] = None
    return {"tool": "daxwl", "version": "1.0", "schema": 1, "subcommand": sub,
            "repeat_index": 0, "params": {"size": nbytes},
            "target": {"path": "/mnt/daxlab-bench/x.dat", "type": "file"},
            "env": {"kernel_release": kernel_release, "dax": dax,
                    "map_sync": {"accepted": True, "errno": None}},
            "results": res, "error": None}


def fio_output(gbps, nbytes=16 * MIB, ios=16):
    side = {"io_bytes": nbytes, "bw_bytes": gbps * 1e9, "iops": ios / 0.3, "total_ios": ios,
            "clat_ns": {"min": 1, "max": 9, "mean": 5, "percentile": {"50.000000": 5}},
            "lat_ns": {"min": 1, "max": 9, "mean": 5.5}}
    idle = {"io_bytes": 0, "bw_bytes": 0, "iops": 0, "total_ios": 0}
    return {"fio version": "fio-3.33", "jobs": [{"jobname": "j", "error": 0, "read": side,
                                                 "write": idle}]}


def trace(pte=0, pmd_nopage=0, pmd_fallback=0):
    """A warm-up's counters as bench/lib/trace.sh writes them: each
    *_fault_done event also counted under its result."""
    ev = {"dax_pte_fault": pte, "dax_pte_fault_done": pte,
          "dax_pmd_fault": pmd_nopage + pmd_fallback,
          "dax_pmd_fault_done": pmd_nopage + pmd_fallback}
    res = {}
    if pte:
        res["dax_pte_fault_done/NOPAGE"] = pte
    if pmd_nopage:
        res["dax_pmd_fault_done/NOPAGE"] = pmd_nopage
    if pmd_fallback:
        res["dax_pmd_fault_done/FALLBACK"] = pmd_fallback
    return {"systems": ["fs_dax"], "events": {k: v for k, v in ev.items() if v},
            "results": res, "overrun": 0}


class Run:
    """A run directory under ROOT: Run(root).cell(...)...; .path."""

    def __init__(self, root, name="run", clock=None, env_clock=None, reps=5, warmup=True,
                 accel="tcg", traced=True):
        self.path = os.path.join(root, name)
        self.raw = os.path.join(self.path, "raw")
        os.makedirs(self.raw, exist_ok=True)
        self.clock, self.reps, self.warmup, self.traced = clock, reps, warmup, traced
        env = {"date": "2026-11-30T12:00:00Z", "host": "test", "mode": "vm", "set": "test",
               "matrix": "bench/matrix/test", "accel": accel,
               "cpu": {"model": "Test CPU", "online": 2},
               "guest_kernels": {k: {"release": f"6.1.0-{k}", "config_sha256": "ab" * 32}
                                 for k in ("stock", "patched")},
               "versions": {"qemu": "test"}}
        if env_clock:
            env["clock"] = {"mode": env_clock, "icount_shift": 0,
                            "qemu_icount": "shift=0,align=off,sleep=off"}
        with open(os.path.join(self.path, "env.json"), "w") as fh:
            json.dump(env, fh)
        with open(os.path.join(self.path, "plan.env"), "w") as fh:
            fh.write(f"MATRIX_SET_reps={reps}\nMATRIX_SET_warmup={1 if warmup else 0}\n"
                     "MATRIX_SET_size=16M\nMATRIX_SET_runtime=300ms\n")

    def record(self, kernel, group, cell, rep, output, status="ok", reason=None, key="k",
               tool="daxwl", trace_=None, fs="ext4", access="dax", device="pmem", clock="run"):
        b = {"kernel": kernel, "group": group, "fs": fs, "access": access, "device": device,
             "set": "s", "cell": cell, "key": key, "tool": tool, "args": "", "rep": rep,
             "warmup": rep == 0, "status": status, "reason": reason, "exit_code": 0,
             "started": "2026-11-30T12:00:00Z", "wall_s": 0.3, "cpu": "1", "trace": trace_}
        c = self.clock if clock == "run" else clock
        if c:
            b["clock"] = c
        path = os.path.join(self.raw, f"{kernel}__{group}__{cell}__{rep}.json")
        with open(path, "w") as fh:
            fh.write('{"bench":' + json.dumps(b) + ',\n"output":' + json.dumps(output) + "}\n")
        return path

    def cell(self, kernel, group, cell, key, values, sub="rw", tool="daxwl", warm=None,
             trace_=None, status="ok", reason=None, per_fault=None, faults=None, pages=None,
             lat_means=None, ops=4096, nbytes=16 * MIB, **where):
        """A cell: warm-up (rep 0) and one measured repetition per VALUE
        (GB/s, or B/insn under icount). PER_FAULT/LAT_MEANS: per rep lists."""
        parts = group.split("-")
        if len(parts) >= 3:
            fs, acc, dev = parts[0], parts[1], "-".join(parts[2:])
        else:
            fs, acc, dev = "-", "-", group
        where = {"fs": fs, "access": acc, "device": dev, **where}

        def out(i, v):
            if status != "ok":
                return None
            if tool == "fio":
                return fio_output(v)
            return daxwl_output(sub, v, ops=ops, nbytes=nbytes,
                                per_fault=per_fault[i] if per_fault else None,
                                faults=faults, pages=pages,
                                lat_mean=lat_means[i] if lat_means else None,
                                dax=where["access"] != "pagecache")
        if self.warmup:
            w = warm if warm is not None else values[0]
            # a traced boot gives every ok warm-up counters, if only empty ones
            if trace_ is None and status == "ok" and self.traced:
                trace_ = trace()
            self.record(kernel, group, cell, 0, out(0, w), status, reason, key, tool,
                        trace_, **where)
        for i, v in enumerate(values, 1):
            self.record(kernel, group, cell, i, out(i - 1, v), status, reason, key, tool,
                        None, **where)
        return self

    def counts(self, kernel, windows):
        with open(os.path.join(self.path, f"counts-{kernel}.jsonl"), "w") as fh:
            for w in windows:
                fh.write((w if isinstance(w, str) else json.dumps(w)) + "\n")


PMC_KEYS = ("insns", "loads", "stores", "clwb", "clflushopt", "clflush", "sfence", "mfence",
            "lfence", "locked", "ntstores", "load_bytes_pmem", "load_bytes_dram",
            "store_bytes_pmem", "store_bytes_dram", "nt_bytes_pmem", "nt_bytes_dram")


def window(label, ops, user, kernel, n=0, unit="op", pmem_load=0, pmem_store=0, pmem_nt=0,
           dram_load=0, dram_store=0, clwb=0, clflushopt=0, clflush=0, sfence=0, mfence=0,
           lfence=0, locked=0, functions=None, errors=0, mark_id=0, schema="pmcount",
           bytes_="exact"):
    """One window: the pmcount plugin's record (crashtest/qemu/README.md,
    "Record"), or with schema="draft" the draft it was written against.
    USER and KERNEL are instruction counts; every other event is put in
    kernel mode, as the DAX paths run it."""
    if schema == "draft":
        def acc(b):
            return {"n": b // 8, "bytes": b}
        return {"window": n, "label": label, "mark_id": mark_id, "ops": ops, "unit": unit,
                "insns": {"user": user, "kernel": kernel},
                "mem": {"load": {"pmem": acc(pmem_load), "dram": acc(dram_load)},
                        "store": {"pmem": acc(pmem_store), "dram": acc(dram_store)},
                        "nt_store": {"pmem": acc(pmem_nt), "dram": acc(0)}},
                "flush": {"clwb": clwb, "clflushopt": clflushopt, "clflush": clflush},
                "fence": {"sfence": sfence, "mfence": mfence, "lfence": lfence,
                          "locked": locked},
                "functions": functions or {}, "errors": errors}
    k = {"insns": kernel, "loads": (pmem_load + dram_load) // 8,
         "stores": (pmem_store + dram_store + pmem_nt) // 8, "clwb": clwb,
         "clflushopt": clflushopt, "clflush": clflush, "sfence": sfence, "mfence": mfence,
         "lfence": lfence, "locked": locked, "ntstores": pmem_nt // 8,
         "load_bytes_pmem": pmem_load, "load_bytes_dram": dram_load,
         "store_bytes_pmem": pmem_store, "store_bytes_dram": dram_store,
         "nt_bytes_pmem": pmem_nt, "nt_bytes_dram": 0}
    u = {key: 0 for key in PMC_KEYS}
    u["insns"] = user
    if bytes_ == "off":
        for key in PMC_KEYS[11:]:
            k[key] = u[key] = None
    rec = {"window": n, "label": label, "mark_id": mark_id, "ops": ops, "unit": unit,
           "bytes": bytes_}
    rec.update({key: (None if k[key] is None else k[key] + u[key]) for key in PMC_KEYS})
    fns = functions or {}
    rec.update({"user": u, "kernel": k, "functions": fns,
                "kernel_other_insns": max(0, kernel - sum(v[0] for v in fns.values())),
                "protocol_errors": errors})
    return rec


def cell_windows(group, cell, reps, ops, start=0, warm=True, **kw):
    """The warm-up window and REPS measured windows of one cell. Keyword
    values may be lists (one per measured repetition) or single values."""
    out = []
    n = start
    if warm:
        first = {k: (v[0] if isinstance(v, list) else v) for k, v in kw.items()}
        out.append(window(f"{group}__{cell}__w", ops, n=n, **first))
        n += 1
    for i in range(reps):
        one = {k: (v[i] if isinstance(v, list) else v) for k, v in kw.items()}
        out.append(window(f"{group}__{cell}__m", ops, n=n, **one))
        n += 1
    return out


if __name__ == "__main__":
    if sys.argv[1:] == ["counts-example"]:
        print(json.dumps(window("ext4-dax-pmem__fault-write-pmd__m", 4096, 1_000_000, 2_000_000,
                                unit="fault", pmem_store=16 * MIB, clwb=0, sfence=8,
                                functions={"dax_iomap_pmd_fault": [40000, 8]})))
    else:
        print("usage: python3 -m daxreport.tests.fixtures counts-example", file=sys.stderr)
        sys.exit(2)


def around(center, rel_spread, n=5):
    """N values centred on CENTER whose (max - min)/median is REL_SPREAD."""
    if n == 1:
        return [center]
    step = center * rel_spread / (n - 1)
    return [center - center * rel_spread / 2 + i * step for i in range(n)]


def example_run(root, name="run", clock="icount", counts=True):
    """A small two-kernel run with every kind of cell the summary answers
    from, known spreads, and (optionally) event counts:

    - ext4-dax-pmem rw-read-rand-4k: patched 3 % higher, 0.1 % spread (a result)
    - ext4-dax-pmem rw-read-seq-1m: patched 3 % higher, 10 % spread (not one)
    - ext2-dax-pmem fault-write-pte/pmd: PMD only on the patched kernel
    - ext4 DAX and page-cache reads, msync-1/16 and msync-pte-1, dm cells,
      a fio peer, and the membw denominators
    """
    r = Run(root, name, clock=clock if clock != "wall" else None,
            env_clock=clock if clock != "wall" else None)
    rc = {}
    for k in ("stock", "patched"):
        for op in ("read", "memcpy", "nt"):
            r.cell(k, "ram", f"membw-{op}", f"membw/{op}", around(2.0, 0.01), sub="membw")
        g = "ext4-dax-pmem"
        r.cell(k, g, "rw-read-rand-4k", "read/rand/4k",
               around(1.0 if k == "stock" else 1.03, 0.001), ops=1000, nbytes=1000 * 4096)
        r.cell(k, g, "rw-read-seq-1m", "read/seq/1m",
               around(1.0 if k == "stock" else 1.03, 0.10), ops=100, nbytes=100 * MIB)
        r.cell(k, "ext4-pagecache-pmem", "rw-read-rand-4k", "read/rand/4k", around(0.5, 0.002),
               ops=1000, nbytes=1000 * 4096)
        r.cell(k, "ext4-pagecache-pmem", "rw-read-seq-1m", "read/seq/1m", around(0.5, 0.002),
               ops=100, nbytes=100 * MIB)
        r.cell(k, g, "fio-psync-read-seq-1m", "read/seq/1m", around(0.8, 0.01), tool="fio")
        r.cell(k, g, "msync-1", "msync/1", around(0.02, 0.002), sub="msync", pages=1,
               lat_means=[120000.0] * 5, ops=10, nbytes=10 * 4096)
        r.cell(k, g, "msync-16", "msync/16", around(0.2, 0.002), sub="msync", pages=16,
               lat_means=[130000.0] * 5, ops=10, nbytes=10 * 16 * 4096)
        r.cell(k, g, "msync-pte-1", "msync/pte/1", around(0.1, 0.002), sub="msync", pages=1,
               lat_means=[9000.0] * 5, ops=10, nbytes=10 * 4096)
        for dev in ("dm-linear", "dm-stripe"):
            r.cell(k, f"ext4-dax-{dev}", "rw-read-rand-4k", "read/rand/4k",
                   around(0.9 if dev == "dm-linear" else 1.0, 0.001), ops=1000,
                   nbytes=1000 * 4096)
        g2 = "ext2-dax-pmem"
        pmd = k == "patched"
        r.cell(k, g2, "fault-write-pte", "fault/write/pte", around(0.4, 0.002), sub="fault",
               faults=4096, per_fault=[10000.0] * 5, trace_=trace(pte=4096))
        r.cell(k, g2, "fault-write-pmd", "fault/write/pmd",
               around(6.9 if pmd else 0.4, 0.002), sub="fault", faults=8 if pmd else 4096,
               per_fault=[190000.0 if pmd else 10000.0] * 5,
               trace_=trace(pmd_nopage=8) if pmd else trace(pte=4096))
        if counts:
            ws = []

            def add(group, cell, ops, **kw):
                ws.extend(cell_windows(group, cell, 5, ops, start=len(ws), **kw))
            jit = [1.0, 1.001, 0.999, 1.0, 1.0]
            add(g, "rw-read-rand-4k", 1000, user=[int(2e5 * j) for j in jit],
                kernel=[int(3e6 * j) for j in jit], pmem_load=4096 * 1000,
                dram_store=4096 * 1000,
                functions={"dax_iomap_rw": [1500000, 1000], "pmem_dax_direct_access":
                           [200000 if k == "stock" else 260000, 1000]})
            add("ext4-pagecache-pmem", "rw-read-rand-4k", 1000, user=200000, kernel=2500000,
                dram_load=4096 * 1000, dram_store=4096 * 1000,
                functions={"filemap_read": [2000000, 1000]})
            add(g, "rw-read-seq-1m", 100, user=20000, kernel=5000000,
                pmem_load=100 * MIB, dram_store=100 * MIB)
            add("ext4-pagecache-pmem", "rw-read-seq-1m", 100, user=20000, kernel=4000000,
                dram_load=100 * MIB, dram_store=100 * MIB)
            for dev, extra in (("dm-linear", 1.05), ("dm-stripe", 1.10)):
                add(f"ext4-dax-{dev}", "rw-read-rand-4k", 1000, user=200000,
                    kernel=[int(3e6 * extra * j) for j in jit], pmem_load=4096 * 1000,
                    dram_store=4096 * 1000)
            # msync: a PMD-mapped entry writes back all 32768 lines whatever was dirtied
            for cell, pages, lines in (("msync-1", 1, 32768), ("msync-16", 16, 32768),
                                       ("msync-pte-1", 1, 64)):
                add(g, cell, 10, user=10 * 5000, kernel=10 * (60000 + 3 * lines),
                    pmem_store=10 * pages * 4096, clwb=10 * lines, sfence=10,
                    functions={"dax_writeback_one": [10 * 3 * lines, 10]})
            add(g2, "fault-write-pte", 4096, unit="fault", user=4096 * 30,
                kernel=[int(4096 * 2000 * j) for j in jit], pmem_store=16 * MIB,
                functions={"dax_iomap_pte_fault": [4096 * 1200, 4096]})
            if pmd:
                add(g2, "fault-write-pmd", 4096, unit="fault", user=4096 * 30,
                    kernel=[int(8 * 20000 * j) for j in jit], pmem_store=16 * MIB,
                    functions={"dax_iomap_pmd_fault": [8 * 15000, 8]})
            else:
                add(g2, "fault-write-pmd", 4096, unit="fault", user=4096 * 30,
                    kernel=[int(4096 * 2000 * j) for j in jit], pmem_store=16 * MIB,
                    functions={"dax_iomap_pte_fault": [4096 * 1200, 4096]})
            rc[k] = ws
            r.counts(k, ws)
    return r


def run_report(*argv):
    """(status, stdout, stderr) of `python3 -m daxreport ARGV`, in process."""
    from daxreport.__main__ import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(list(argv))
    return rc, out.getvalue(), err.getvalue()


def section(md, title):
    """The text of one '## title' section ('' when there is none)."""
    i = md.find("\n## " + title)
    if i < 0:
        return ""
    j = md.find("\n## ", i + 1)
    return md[i:] if j < 0 else md[i:j]
