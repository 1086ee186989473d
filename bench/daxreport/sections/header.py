"""The summary's head: what ran where, on which clock, and the rule by
which the rest of the report calls a difference a result."""
from .. import stats, units
from ..text import table


def kernel_release(ctx, k):
    for r in ctx.rows:
        if r["kernel"] == k and r.get("kernel_release"):
            return r["kernel_release"]
    return "?"


def header(ctx):
    e = ctx.env
    out = []
    accel = e.get("accel") or "unknown"
    when = f" on {e['host']}, {e['date']}" if e.get("host") and e.get("date") else ""
    out.append(f"# daxlab bench: {ctx.name}{when}\n")
    if e.get("mode", "vm") == "vm" and "kvm" not in accel:
        out.append("> **These are QEMU TCG numbers, not hardware numbers.** The guest runs on an "
                   "emulated CPU and its NVDIMMs are host memory behind a file: absolute figures "
                   "are emulator speeds, and the ratios between paths only show what the kernel's "
                   "code does (faults taken, copies made, flushes issued), not what persistent "
                   "memory would cost. Use `make bench TARGET=/mnt/pmem` on real hardware.\n")
    elif e.get("mode") == "vm":
        out.append("> KVM guest on emulated NVDIMMs (host memory behind a file): not "
                   "persistent-memory numbers.\n")
    out.append(units.header_text(ctx.clock, ctx.clock_desc))
    cs = list(ctx.cells.values())
    n = {s: sum(1 for c in cs if c.status == s) for s in
         ("ok", "unsupported", "failed", "partial", "unreadable")}
    counts = (f"{len(cs)}: {n['ok']} ok, {n['unsupported']} not supported, "
              f"{n['failed'] + n['partial']} failed")
    if n["partial"]:
        counts += f" ({n['partial']} partly)"
    counts += f", {n['unreadable']} unreadable"
    cpu = e.get("cpu") or {}
    rows = [["date", e.get("date", "?")], ["mode", e.get("mode", "?")],
            ["matrix", f"{e.get('set', '?')} ({e.get('matrix', '?')})"],
            ["kernels", ", ".join(ctx.kernels)], ["accelerator", accel],
            ["clock", ctx.clock + (f" ({ctx.clock_desc})" if ctx.clock_desc else "")],
            ["host CPU", f"{cpu.get('model', '?')}, {cpu.get('online', '?')} CPUs"],
            ["host kernel", e.get("host_kernel", "?")]]
    for k, v in (e.get("guest_kernels") or {}).items():
        cfg = ((v or {}).get("config_sha256") or "?")[:12]
        rows.append([f"guest kernel {k}",
                     f"{(v or {}).get('release') or kernel_release(ctx, k)}, config sha256 {cfg}"])
    for tool, v in (e.get("versions") or {}).items():
        rows.append([tool, v])
    rows.append(["cells", counts])
    if ctx.counts:
        rows.append(["event counts", ", ".join(kc.name for kc in ctx.counts.values())])
    out.append(table(["", ""], rows))
    bad = n["failed"] + n["partial"] + n["unreadable"]
    if bad or ctx.problems or ctx.count_problems:
        what = (f"{bad} cells failed, ran only partly or could not be read "
                f"({n['unreadable']} unreadable)")
        if ctx.problems or ctx.count_problems:
            what += (f"; {len(ctx.problems)} other files and {len(ctx.count_problems)} event "
                     "counts could not be read")
        out.append(f"**{what}.** No figure below comes from them; see \"Not supported and "
                   "failed cells\".\n")
    out.append(method(ctx))
    out.append(rule())
    return out


def method(ctx):
    p = ctx.params
    size, rt = p.get("size", "?"), p.get("runtime", "?")
    return ("Method: every cell runs once as a warm-up with the guest's trace events on (its "
            "counters are kept, its timing is not), then "
            f"{p.get('reps', '?')} measured repetitions with tracing off; tables give the "
            "median ± half the interquartile range of those repetitions. Workloads run pinned "
            "to one guest CPU (taskset; daxwl also pins its thread) and QEMU to one host CPU. "
            f"Files are {size}, timed runs last {rt} (sized for TCG). The VM's file systems are "
            "made with 2 MiB alignment hints (mkfs.ext4 -E stride=512,stripe_width=512,lazy_itable_init=0,lazy_journal_init=0, mkfs.xfs "
            "-d agcount=2,su=2m,sw=1,extszinherit=512 -l size=64m; ext2 without, its PMD patch "
            "aligns by itself). Every throughput is also a ratio to `daxwl membw` of the same "
            "boot: reads to its load bandwidth, writes and flushes to its non-temporal store "
            "bandwidth, faults and msync to memcpy.\n")


def rule():
    p = stats.extreme_p(5, 5)
    return ("**When a difference is a result.** Every comparison in this summary (stock against "
            "patched, PTE against PMD, DAX against page cache, dm against bare pmem, daxwl "
            f"against fio) uses one rule: with at least {stats.MIN_REPS} repetitions on each "
            "side, a difference is a result only when the two cells' repetition ranges "
            "[min, max] do not overlap. For 5 against 5 repetitions that is the most extreme "
            f"outcome of an exact Mann-Whitney test, two-sided p = 2/C(10,5) = {p:.3f}. The "
            "size of a result is the ratio of the medians with a bootstrap 95 % interval "
            f"({stats.RESAMPLES} resamples of each side, fixed seed). Any other comparison reads "
            "\"no difference detected at this noise (±a % / ±b %)\", the noise being each "
            "side's (max - min)/median; with fewer repetitions, \"too few repetitions to "
            "judge\". A cell whose own (max - min)/median exceeds "
            f"{stats.HIGH_VARIANCE * 100:.0f} % is marked \"high variance\" wherever it "
            "appears. Only complete cells are compared: a failed, partial or unreadable cell "
            "gives no answer.\n")
