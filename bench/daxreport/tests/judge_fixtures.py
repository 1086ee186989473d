"""JUDGE_DIRs for the verdict's tests, in the formats scripts/judge writes.

clean(root) makes a whole JUDGE_DIR where nothing is wrong: a two-patch
series (stock, prefix-1, patched), build.tsv all ok, the VM suite on
stock and patched in the same role with every test ok, the fstests gate's
summary.json (results/fstests-reference's, which passed the gate), a
bench run over the three kernels with no difference beyond the spread
(fixtures.Run) and the crash tests (results/crash-reference's crash.json
with its durability violations taken out). A test then changes the one
part it is about.

The VM suite's TAP is written as scripts/guest/run-tests and tests/vm/run
print it (suite()); REAL_STOCK and REAL_PATCHED are two real logs of the
suite on Linux 6.12 (the reference series in role patched against the
base in role stock: two tests fail on patched, one on stock).
"""
import copy
import json
import os
import shutil

from . import crash_fixtures
from .fixtures import Run, around

TOP = crash_fixtures.TOP
FSTESTS_REFERENCE = os.path.join(TOP, "results", "fstests-reference", "dax-group")
SERIES_SHA = "5e" * 32
KERNELS = ("stock", "prefix-1", "patched")
SUBJECTS = ("[PATCH 1/2] ext2: DAX PMD faults", "[PATCH 2/2] ext2: MAP_SYNC for DAX files")
FILES = ("0001-ext2-DAX-PMD-faults.patch", "0002-ext2-MAP_SYNC-for-DAX-files.patch")

REAL_STOCK = """\
# stock: 50-ext2-dax-pmd.sh
ok 1 - stock: mapping at 0x7ff040400000 is 2 MiB aligned
# stock: 0 PMD faults NOPAGE of 0 PMD faults, 16384 PTE faults, 32 huge pages
ok 2 - stock: 16384 PTE faults and no PMD fault for 16384 pages
ok 3 - stock: file reads back as written
ok 4 - stock: e2fsck -fn finds the file system clean
# stock, no free 2 MiB run (59 1 MiB files, every other removed): 0 PMD NOPAGE of 0 PMD faults, 4096 PTE faults
ok 5 - stock: no free aligned run: the 16 MiB file maps through 4096 PTE faults
ok 6 - stock: no free aligned run: file reads back as written
ok 7 - stock: no free aligned run: e2fsck -fn finds the file system clean
1..7
# stock: 50-ext2-dax-pmd.sh took 16 s
# stock: 50-ext2-dax-pmd.sh: 7 passed, 0 failed, 0 skipped
# stock: 51-ext2-map-sync.sh
ok 1 - stock: mmap(MAP_SYNC) fails with EOPNOTSUPP
not ok 2 - stock: without MAP_SYNC a new file's name is not yet on the device
#   debugfs 1.47.0 (5-Feb-2023)
#   Inode: 13   Type: bad type    Mode:  0000   Flags: 0x0
#   Generation: 0    Version: 0x00000000
ok 3 - stock: without MAP_SYNC the new block is not yet on the device
ok 4 - stock: after sync the new block 10241 is on the device
1..4
# stock: 51-ext2-map-sync.sh took 3 s
# stock: 51-ext2-map-sync.sh: 3 passed, 1 failed, 0 skipped
# stock: 52-pmem-trace.sh
ok 1 - stock: stock kernel has no pmem trace events
1..1
# stock: 52-pmem-trace.sh took 0 s
# stock: 52-pmem-trace.sh: 1 passed, 0 failed, 0 skipped
# stock: 53-dm-flakey-dax.sh
ok 1 - stock: ext4 -o dax on dm-flakey does not mount: DAX unsupported by block device
1..1
# stock: 53-dm-flakey-dax.sh took 3 s
# stock: 53-dm-flakey-dax.sh: 1 passed, 0 failed, 0 skipped
# stock: 54-dm-log-writes-zero.sh
ok 1 - stock: xfs -o dax on dm-log-writes: the file is DAX
ok 2 - stock: a 4 KiB write allocated a 64 KiB extent
ok 3 - stock: truncate 4 KiB -> 64 KiB fails with EIO (byte count passed as page count)
1..3
# stock: 54-dm-log-writes-zero.sh took 4 s
# stock: 54-dm-log-writes-zero.sh: 3 passed, 0 failed, 0 skipped
stock: 15 passed, 1 failed, 0 skipped
scripts/vm: stock kernel, tcg: boot to first command 3.6 s, total 34.2 s, status 1
"""

REAL_PATCHED = """\
# patched: 50-ext2-dax-pmd.sh
ok 1 - patched: mapping at 0x7f084a800000 is 2 MiB aligned
# patched: 32 PMD faults NOPAGE of 32 PMD faults, 0 PTE faults, 32 huge pages
ok 2 - patched: 32 of 32 huge pages mapped by PMD faults (NOPAGE)
ok 3 - patched: file reads back as written
ok 4 - patched: e2fsck -fn finds the file system clean
# patched, no free 2 MiB run (59 1 MiB files, every other removed): 0 PMD NOPAGE of 16 PMD faults, 4096 PTE faults
ok 5 - patched: no free aligned run: the 16 MiB file maps through 4096 PTE faults
ok 6 - patched: no free aligned run: file reads back as written
ok 7 - patched: no free aligned run: e2fsck -fn finds the file system clean
1..7
# patched: 50-ext2-dax-pmd.sh took 15 s
# patched: 50-ext2-dax-pmd.sh: 7 passed, 0 failed, 0 skipped
# patched: 51-ext2-map-sync.sh
ok 1 - patched: mmap(MAP_SYNC) and a write fault succeed on ext2 -o dax
ok 2 - patched: new block 18432 is in the block map on the device right after the MAP_SYNC fault
ok 3 - patched: a new, never synced file is on the device by its name, with block 28672, right after the MAP_SYNC fault
not ok 4 - patched: without MAP_SYNC a new file's name is not yet on the device
#   debugfs 1.47.0 (5-Feb-2023)
#   Inode: 14   Type: bad type    Mode:  0000   Flags: 0x0
#   Generation: 0    Version: 0x00000000
ok 5 - patched: without MAP_SYNC the new block is not yet on the device
ok 6 - patched: after sync the new block 24576 is on the device
1..6
# patched: 51-ext2-map-sync.sh took 3 s
# patched: 51-ext2-map-sync.sh: 5 passed, 1 failed, 0 skipped
# patched: 52-pmem-trace.sh
ok 1 - patched: event pmem:pmem_dax_direct_access exists
ok 2 - patched: event pmem:pmem_dax_zero_page_range exists
ok 3 - patched: event pmem:pmem_dax_recovery_write exists
ok 4 - patched: 256 x 4 KiB DAX writes: direct_access events: 256
ok 5 - patched: 256 x 4 KiB DAX writes: direct_access events that failed: 0
ok 6 - patched: 256 x 4 KiB DAX reads: direct_access events: 256
ok 7 - patched: 256 x 4 KiB DAX reads: zero_page_range events: 0
ok 8 - patched: truncate 4 KiB -> 64 KiB over a 64 KiB extent: zero_page_range events: 15
not ok 9 - patched: DAX read of a bad page: failed direct_access events: 0, expected 1..4
ok 10 - patched: DAX write over a bad page: recovery_write events: 1
# recovery_write on pmem0: pmem0 pgoff 0xc bytes 4096 written 0
1..10
# patched: 52-pmem-trace.sh took 4 s
# patched: 52-pmem-trace.sh: 9 passed, 1 failed, 0 skipped
# patched: 53-dm-flakey-dax.sh
ok 1 - patched: ext4 -o dax on dm-flakey: the file is DAX
ok 2 - patched: device up: DAX reads succeed
ok 3 - patched: device down (drop_writes): DAX reads fail with EIO
ok 4 - patched: device down (drop_writes): block-layer reads still succeed
ok 5 - patched: device up again: DAX reads succeed
1..5
# patched: 53-dm-flakey-dax.sh took 3 s
# patched: 53-dm-flakey-dax.sh: 5 passed, 0 failed, 0 skipped
# patched: 54-dm-log-writes-zero.sh
ok 1 - patched: xfs -o dax on dm-log-writes: the file is DAX
ok 2 - patched: a 4 KiB write allocated a 64 KiB extent
ok 3 - patched: truncate 4 KiB -> 64 KiB (15 whole pages zeroed) succeeds
ok 4 - patched: the new pages read back as zeroes
1..4
# patched: 54-dm-log-writes-zero.sh took 3 s
# patched: 54-dm-log-writes-zero.sh: 4 passed, 0 failed, 0 skipped
patched: 30 passed, 2 failed, 0 skipped
scripts/vm: patched kernel, tcg: boot to first command 3.6 s, total 33.4 s, status 1
"""

# The suite of clean(): script -> its tests' descriptions (all ok).
SUITE = {"50-ext2-dax-pmd.sh": ["mapping at 0x7f084a800000 is 2 MiB aligned",
                                "file reads back as written"],
         "51-ext2-map-sync.sh": ["mmap(MAP_SYNC) fails with EOPNOTSUPP",
                                 "without MAP_SYNC a new file's name is not yet on the device",
                                 "after sync the new block 10241 is on the device"],
         "53-dm-flakey-dax.sh": ["ext4 -o dax on dm-flakey: the file is DAX"]}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)


def suite(role, results=None, console=True, closing=True, status=None):
    """The VM suite's TAP for one kernel in ROLE. RESULTS: {(script,
    number): "not ok" | "not ok # SKIP why" | "ok # SKIP why"} for the
    tests of SUITE that do not simply pass."""
    results = results or {}
    out, tp, tf, ts = [], 0, 0, 0
    for script, descs in SUITE.items():
        out.append(f"# {role}: {script}")
        p = f = s = 0
        for n, d in enumerate(descs, 1):
            r = results.get((script, n), "ok")
            head, _, directive = r.partition(" # ")
            line = f"{head} {n} - {role}: {d}" + (f" # {directive}" if directive else "")
            out.append(line)
            if directive.upper().startswith(("SKIP", "TODO")):
                s += 1
            elif head == "ok":
                p += 1
            else:
                f += 1
                out.append("#   debugfs 1.47.0 (5-Feb-2023)")
        out += [f"1..{len(descs)}", f"# {role}: {script} took 3 s",
                f"# {role}: {script}: {p} passed, {f} failed, {s} skipped"]
        tp, tf, ts = tp + p, tf + f, ts + s
    if closing:
        out.append(f"{role}: {tp} passed, {tf} failed, {ts} skipped")
        out.append(f"scripts/vm: {role} kernel, tcg: boot to first command 3.6 s, total 30.0 s, "
                   f"status {status if status is not None else (1 if tf else 0)}")
        if console:
            out.append(f"ok {tp + tf + ts + 1} - {role}: the kernel console holds no "
                       "unexpected report")
            out.append(f"{tp + 1} passed, {tf} failed, {ts} skipped")
    return "\n".join(out) + "\n"


def build_tsv(n=2, lines=None):
    """build.tsv with every check ok; LINES: {(patch, kind): (status,
    detail) or None to leave the line out}."""
    lines = lines or {}
    out = []
    for p in range(1, n + 1):
        for kind in ("apply", "build", "checkpatch"):
            v = lines.get((p, kind), ("ok", "0 errors, 0 warnings, 0 checks"
                                      if kind == "checkpatch" else ""))
            if v is not None:
                out.append(f"{p}\t{kind}\t{v[0]}\t{v[1]}")
    return "\n".join(out) + "\n"


def bench(root, values=None, kernels=KERNELS, name="bench"):
    """A bench run (icount: B/insn, "more instructions" is worse) over
    KERNELS. VALUES: {(kernel, cell): [5 values]}; by default every
    kernel measures every cell alike (no result)."""
    values = values or {}
    r = Run(root, name, clock="icount", env_clock="icount")
    for k in kernels:
        for cell, key, center, spread in (("rw-read-rand-4k", "read/rand/4k", 1.0, 0.001),
                                          ("rw-write-rand-4k", "write/rand/4k", 1.0, 0.0005),
                                          ("rw-read-seq-1m", "read/seq/1m", 2.0, 0.10)):
            v = values.get((k, cell)) or around(center, spread)
            r.cell(k, "ext4-dax-pmem", cell, key, v, ops=1000, nbytes=1000 * 4096)
    env_path = os.path.join(r.path, "env.json")
    with open(env_path) as fh:
        env = json.load(fh)
    env["guest_kernels"] = {k: {"release": f"6.12.0-daxlab-{k}", "config_sha256": "ab" * 32}
                            for k in kernels}
    env["series_sha256"] = SERIES_SHA
    write(env_path, json.dumps(env))
    write(os.path.join(r.path, "summary.md"), "# daxlab bench: test\n")
    return r.path


def fstests_summary():
    with open(os.path.join(FSTESTS_REFERENCE, "summary.json")) as fh:
        return json.load(fh)


def with_fstests_regression(doc, fs="ext2", test="generic/428"):
    """DOC with one test turned into a regression, as the gate reports one."""
    doc = copy.deepcopy(doc)
    for t in doc["tests"]:
        if (t["fs"], t["test"]) == (fs, test):
            t["class"], t["kind"] = "regression", "new failure"
            break
    else:
        raise AssertionError(f"no {fs} {test} in the reference summary.json")
    v = doc["verdict"]
    v.update(regressions=1, exit=1, passed_gate=False, failures=["1 regression"],
             headline="**fstests gate: FAILED: 1 regression** (1 explained, 0 fixed, 1 shared "
                      "failure, 2 patches not reached) - base stock, series patched, -g dax")
    return doc


def crash_clean():
    """The reference crash.json with no durability or flush-contract
    violation on stock or patched (its fsck rejections stay: listed, not
    failed)."""
    crash = crash_fixtures.reference()
    for r in crash["runs"]:
        if r["role"] == "kernel":
            r["result"]["durability_violations"] = 0
            r["result"]["flush_contract_violations"] = 0
    return crash


def set_run(crash, scenario, kernel, status=None, **counts):
    """Change one kernel run of CRASH (status, result counts)."""
    for r in crash["runs"]:
        if (r["scenario"], r["kernel"], r["role"]) == (scenario, kernel, "kernel"):
            if status:
                r["status"] = status
            r["result"].update(counts)
            return crash
    raise AssertionError(f"no run {scenario}/{kernel}")


def judge_json(**over):
    doc = {"schema": 1, "started": "2026-12-01T03:00:00Z", "finished": "2026-12-01T05:10:00Z",
           "host": "vm", "daxlab": "b295a3f0c0ffee",
           "qemu": "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)",
           "accel": "tcg",
           "kernel_source": {
               "base": {"name": "6.12", "kind": "pkg",
                        "source": "/usr/src/linux-source-6.12.tar.xz", "version": "6.12",
                        "source_version": "6.12-6.12.117-1~deb12u1"},
               "series": {"kind": "dir", "named": "tests/series/6.12",
                          "dir": "tests/series/6.12", "sha256": SERIES_SHA,
                          "patches": [{"file": f, "sha256": "0f" * 32, "subject": s}
                                      for f, s in zip(FILES, SUBJECTS)]}},
           "kernels": [{"name": "stock", "patches": 0},
                       {"name": "prefix-1", "patches": 1, "patch": FILES[0],
                        "subject": SUBJECTS[0]},
                       {"name": "patched", "patches": 2, "patch": FILES[1],
                        "subject": SUBJECTS[1]}],
           "roles": {"stock": "stock", "patched": "stock"},
           "parts": {"build": "build.tsv", "vm": "vm", "fstests": "fstests", "bench": "bench",
                     "crash": "crash"},
           "skipped": {}}
    doc.update(over)
    return doc


def set_judge(root, **over):
    """Rewrite ROOT/judge.json with OVER applied to its current content."""
    path = os.path.join(root, "judge.json")
    with open(path) as fh:
        doc = json.load(fh)
    doc.update(over)
    write(path, json.dumps(doc, indent=1))
    return doc


def clean(root):
    """A whole JUDGE_DIR in which nothing is wrong; returns ROOT."""
    os.makedirs(root, exist_ok=True)
    write(os.path.join(root, "judge.json"), json.dumps(judge_json(), indent=1))
    write(os.path.join(root, "build.tsv"), build_tsv())
    for k in ("stock", "patched"):
        write(os.path.join(root, "vm", f"{k}.tap"), suite("stock"))
    fs = os.path.join(root, "fstests")
    os.makedirs(fs)
    for f in ("summary.json", "summary.md", "provenance.json"):
        shutil.copy(os.path.join(FSTESTS_REFERENCE, f), fs)
    doc = fstests_summary()
    for k in doc["provenance"]["kernels"].values():
        k["config_sha256"] = "ab" * 32
    doc["provenance"]["kernels"]["patched"]["series_sha256"] = SERIES_SHA
    write(os.path.join(fs, "summary.json"), json.dumps(doc, indent=2))
    bench(root)
    crash_fixtures.write_crash(os.path.join(root, "crash"), crash_clean())
    write(os.path.join(root, "crash", "report.md"), "# crash tests\n")
    return root


def set_fstests(root, doc):
    write(os.path.join(root, "fstests", "summary.json"), json.dumps(doc, indent=2))


def set_crash(root, crash):
    crash_fixtures.write_crash(os.path.join(root, "crash"), crash)


def set_bench(root, values, kernels=KERNELS):
    shutil.rmtree(os.path.join(root, "bench"))
    bench(root, values, kernels)
