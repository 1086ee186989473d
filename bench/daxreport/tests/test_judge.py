"""The verdict on a patch series (daxreport.judge) on small JUDGE_DIRs
(judge_fixtures): a clean PASS; a speed regression held against the
patch that adds it while a harmless patch is not flagged, a small
significant change listed as minor, costs that add up over the series;
the VM suite in the same role (regression, shared failure, fix) and in
different roles (the real 6.12 logs), a run cut short, tapcount's
counting; an fstests regression and the reach per patch; durability
regressions, shared violations, fixes and errors; build warnings,
checkpatch and apply failures; parts not run; damaged parts (exit 1)
and bad input (exit 2, one message, no traceback)."""
import json
import os
import tempfile
import unittest

from daxreport.judge import vmtap
from daxreport.tests import judge_fixtures as fx
from daxreport.tests.fixtures import around, run_report, section


def run_judge(*argv):
    """(status, stdout, stderr) of `python3 -m daxreport judge ARGV`."""
    return run_report("judge", *argv)


def row(md, patch):
    """The per-patch table's row of PATCH, as its cells."""
    for line in md.splitlines():
        if line.startswith(f"| {patch} "):
            return [c.strip() for c in line.strip("|").split("|")]
    raise AssertionError(f"no row for patch {patch} in:\n{md}")


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = fx.clean(os.path.join(self.tmp.name, "judge"))

    def tearDown(self):
        self.tmp.cleanup()

    def judge(self, *extra, rc=None):
        """Judge self.root; (status, verdict.md, verdict.json's object)."""
        code, out, err = run_judge(*extra, self.root)
        if rc is not None:
            self.assertEqual(code, rc, out + err)
        self.assertNotIn("Traceback", err)
        with open(os.path.join(self.root, "verdict.md")) as fh:
            md = fh.read()
        with open(os.path.join(self.root, "verdict.json")) as fh:
            doc = json.load(fh)
        self.assertEqual(out, md)
        self.assertEqual(doc["exit"], code)
        self.assertEqual(md.split("\n", 1)[0], doc["headline"])
        return code, md, doc

    def kinds(self, doc, kind):
        return [f for f in doc["flagged"] if f["kind"] == kind]

    def write(self, rel, text):
        fx.write(os.path.join(self.root, rel), text)


class TestClean(Case):
    def test_pass(self):
        _, md, doc = self.judge(rc=0)
        self.assertEqual(md.split("\n", 1)[0],
                         "**daxlab verdict: PASS** — no regression in function, speed or "
                         "durability")
        self.assertEqual(doc["verdict"], "PASS")
        self.assertEqual(doc["flagged"], [])
        self.assertEqual({n: p["status"] for n, p in doc["parts"].items()},
                         dict.fromkeys(("build", "vm", "fstests", "bench", "crash"), "ok"))

    def test_series_and_patches(self):
        _, md, doc = self.judge(rc=0)
        self.assertIn("Base **6.12** (pkg, 6.12-6.12.117-1~deb12u1); series "
                      "**tests/series/6.12** (dir, 2 patches, sha256 5e5e5e5e5e5e)", md)
        self.assertEqual(row(md, 1), ["1 [PATCH 1/2] ext2: DAX PMD faults", "yes", "yes",
                                      "0 errors, 0 warnings, 0 checks",
                                      "no change beyond spread", "4 tests"])
        self.assertEqual(row(md, 2)[4:], ["no change beyond spread", "1 test"])
        p = doc["patches"][1]
        self.assertEqual((p["number"], p["file"], p["subject"]), (2, fx.FILES[1], fx.SUBJECTS[1]))
        self.assertEqual(p["checks"]["build"], {"status": "ok", "detail": ""})
        self.assertEqual(p["fstests_reach"]["names"], ["generic/470 (ext2)"])
        self.assertEqual((p["speed"]["from"], p["speed"]["to"], p["speed"]["alone"]),
                         ("prefix-1", "patched", True))

    def test_sections(self):
        _, md, _ = self.judge(rc=0)
        fn = section(md, "Function")
        self.assertIn("stock (role stock) 7 passed, 0 failed, 0 skipped; patched (role stock) "
                      "7 passed, 0 failed, 0 skipped", fn)
        self.assertIn("fstests: **fstests gate: 0 regressions**", fn)
        self.assertIn("Shared failures: ext2 generic/607", fn)
        sp = section(md, "Speed")
        self.assertIn("Clock: icount", sp)
        self.assertIn("[min, max] ranges do not overlap", sp)
        self.assertIn("**Overall** (stock → patched): no change beyond spread", sp)
        du = section(md, "Durability")
        self.assertIn("| ext2-write-fsync | 3 fsck | 3 fsck | clean |", du)
        self.assertIn("stock 0 / 0 / 3; patched 0 / 0 / 4", du)
        self.assertEqual(section(md, "Parts not run"), "")

    def test_provenance_and_links(self):
        _, md, doc = self.judge(rc=0)
        pv = section(md, "Provenance")
        for x in ("| daxlab | b295a3f0c0ffee |", "| accel | tcg |",
                  "| config sha256 patched | abababababab (bench), abababababab (fstests) |",
                  "| finished | 2026-12-01T05:10:00Z |"):
            self.assertIn(x, pv)
        self.assertNotIn("differs", pv)
        self.assertEqual(doc["links"], {
            "VM suite, stock": "vm/stock.tap", "VM suite, patched": "vm/patched.tap",
            "build and checkpatch log": "build.tsv", "fstests gate": "fstests/summary.md",
            "bench": "bench/summary.md", "crash tests": "crash/report.md"})
        self.assertIn("- fstests gate: [fstests/summary.md](fstests/summary.md)", md)

    def test_out_elsewhere(self):
        out = os.path.join(self.tmp.name, "out")
        rc, md, _ = run_judge("--out", out, self.root)
        self.assertEqual(rc, 0)
        self.assertFalse(os.path.exists(os.path.join(self.root, "verdict.md")))
        with open(os.path.join(out, "verdict.json")) as fh:
            doc = json.load(fh)
        self.assertEqual(doc["links"]["bench"], "../judge/bench/summary.md")

    def test_another_series_recorded(self):
        fx.set_judge(self.root, kernel_source=dict(fx.judge_json()["kernel_source"],
                                                   series={"kind": "dir", "sha256": "77" * 32}))
        _, md, doc = self.judge(rc=0)
        self.assertIn("bench recorded series sha256 5e5e5e5e5e5e, judge.json's series is "
                      "777777777777", section(md, "Provenance"))
        self.assertEqual(len(doc["provenance"]["notes"]), 2)


class TestSpeed(Case):
    """Three kernels on the icount clock (B/insn: lower is more
    instructions, the worse outcome)."""

    def values(self, cell, stock, prefix, patched, spread):
        return {("stock", cell): around(stock, spread), ("prefix-1", cell): around(prefix, spread),
                ("patched", cell): around(patched, spread)}

    def test_regression_held_against_its_patch(self):
        v = self.values("rw-read-rand-4k", 1.0, 1.0, 0.97, 0.001)   # patch 2: 3 % more
        v.update(self.values("rw-write-rand-4k", 1.0, 1.0, 0.995, 0.0005))  # 0.5 %: minor
        fx.set_bench(self.root, v)
        _, md, doc = self.judge(rc=1)
        self.assertEqual(md.split("\n", 1)[0], "**daxlab verdict: FAIL** — 1 speed regression "
                                               "(patch 2), 0 function, 0 durability")
        sp = self.kinds(doc, "speed regression")
        self.assertEqual(len(sp), 1)
        self.assertEqual(sp[0]["patches"], [2])
        self.assertIn("ext4-dax-pmem rw-read-rand-4k: 3.1 % more instructions (prefix-1 1.00 → "
                      "patched 0.97 B/insn, ratio 0.970x, 95 % interval", sp[0]["what"])
        # the harmless patch 1: nothing flagged, nothing listed
        self.assertEqual(row(md, 1)[4], "no change beyond spread")
        self.assertIn("**patch 1** (stock → prefix-1): no change beyond spread", md)
        self.assertEqual(row(md, 2)[4], "**ext4-dax-pmem rw-read-rand-4k 3.1 % more "
                                        "instructions**")
        sec = section(md, "Speed")
        self.assertIn("- **regression**: ext4-dax-pmem rw-read-rand-4k: 3.1 % more instructions",
                      sec)
        self.assertIn("- minor: ext4-dax-pmem rw-write-rand-4k: 0.5 % more instructions", sec)
        self.assertNotIn("rw-read-seq-1m", sec)     # 10 % spread: no result
        # the overall comparison shows the same cell, counted once
        self.assertIn("**Overall** (stock → patched):", sec)
        p2 = doc["patches"][1]["speed"]
        self.assertEqual((p2["regressions"], p2["minor"]), (["ext4-dax-pmem rw-read-rand-4k"], 1))
        self.assertEqual(doc["patches"][0]["speed"]["regressions"], [])
        self.assertEqual(doc["parts"]["bench"]["status"], "flagged")

    def test_min_change(self):
        fx.set_bench(self.root, self.values("rw-read-rand-4k", 1.0, 1.0, 0.97, 0.001))
        _, md, doc = self.judge("--min-change", "5", rc=0)
        self.assertEqual(doc["flagged"], [])
        self.assertEqual(row(md, 2)[4], "1 minor")
        self.assertIn("by at least 5 %", md)
        self.assertEqual(doc["min_change_pct"], 5.0)

    def test_improvement_is_not_flagged(self):
        fx.set_bench(self.root, self.values("rw-read-rand-4k", 1.0, 1.2, 1.2, 0.001))
        _, md, doc = self.judge(rc=0)
        self.assertEqual(row(md, 1)[4], "1 better")
        self.assertIn("- improvement: ext4-dax-pmem rw-read-rand-4k: 16.7 % fewer instructions",
                      md)

    def test_costs_that_add_up(self):
        """1.2 % per patch is minor each time (below the 2 % default), 2.4 %
        over the series is a regression of the series as a whole."""
        fx.set_bench(self.root, self.values("rw-read-rand-4k", 1.0, 0.988, 0.976, 0.0005))
        _, md, doc = self.judge(rc=1)
        sp = self.kinds(doc, "speed regression")
        self.assertEqual([f["patches"] for f in sp], [[1, 2]])
        self.assertIn("the series as a whole", sp[0]["what"])
        self.assertEqual(row(md, 1)[4], "1 minor")
        self.assertTrue(md.startswith("**daxlab verdict: FAIL** — 1 speed regression "
                                      "(patches 1–2)"))

    def test_two_kernels_only(self):
        fx.set_bench(self.root, {("patched", "rw-read-rand-4k"): around(0.97, 0.001)},
                     kernels=("stock", "patched"))
        _, md, doc = self.judge(rc=1)
        self.assertEqual([f["patches"] for f in self.kinds(doc, "speed regression")], [[1, 2]])
        self.assertEqual(row(md, 1)[4], "measured only with patches 1–2")
        self.assertIn("the step above is the overall comparison", md)

    def test_outcome_differs(self):
        fx.set_bench(self.root, {})
        r = fx.Run(self.root, "bench", clock="icount")
        for k in ("stock", "prefix-1"):
            r.cell(k, "ext2-dax-pmem", "fault-write-pte-sync", "fault/write/pte/sync", [0] * 5,
                   sub="fault", status="unsupported", reason="MAP_SYNC refused")
        r.cell("patched", "ext2-dax-pmem", "fault-write-pte-sync", "fault/write/pte/sync",
               around(0.9, 0.001), sub="fault")
        _, md, _ = self.judge(rc=0)
        self.assertIn("- outcome differs: ext2-dax-pmem fault-write-pte-sync: prefix-1 "
                      "unsupported, patched ok", md)

    def test_failed_cell_is_incomplete(self):
        fx.Run(self.root, "bench", clock="icount").cell(
            "patched", "ext4-dax-pmem", "rw-read-rand-4k", "read/rand/4k", [1.0] * 5,
            status="failed", reason="daxwl exited 1")
        _, md, doc = self.judge(rc=1)
        self.assertIn("incomplete: bench", md.split("\n", 1)[0])
        self.assertEqual(doc["parts"]["bench"]["status"], "incomplete")
        self.assertIn("- outcome differs: ext4-dax-pmem rw-read-rand-4k: prefix-1 ok, patched "
                      "failed", md)


class TestVM(Case):
    def tap(self, kernel, text):
        self.write(f"vm/{kernel}.tap", text)

    def test_regression_same_role(self):
        self.tap("patched", fx.suite("stock", {("51-ext2-map-sync.sh", 2): "not ok"}))
        _, md, doc = self.judge(rc=1)
        self.assertEqual(md.split("\n", 1)[0], "**daxlab verdict: FAIL** — 0 speed regressions, "
                                               "1 function (1 regression), 0 durability")
        f = self.kinds(doc, "function regression")
        self.assertEqual(len(f), 1)
        self.assertEqual(f[0]["what"], "VM 51-ext2-map-sync.sh #2 passes on stock, fails on "
                                       "patched: without MAP_SYNC a new file's name is not yet "
                                       "on the device")
        self.assertIn("- regression on patched: 51-ext2-map-sync.sh #2: without MAP_SYNC",
                      section(md, "Function"))

    def test_shared_failure_and_fix(self):
        self.tap("stock", fx.suite("stock", {("51-ext2-map-sync.sh", 2): "not ok",
                                             ("50-ext2-dax-pmd.sh", 1): "not ok"}))
        self.tap("patched", fx.suite("stock", {("51-ext2-map-sync.sh", 2): "not ok"}))
        _, md, doc = self.judge(rc=1)
        self.assertTrue(md.startswith("**daxlab verdict: FAIL** — 0 speed regressions, "
                                      "1 function (1 shared failure), 0 durability"))
        self.assertEqual(self.kinds(doc, "function regression"), [])
        [f] = self.kinds(doc, "function failure")
        self.assertTrue(f["shared"])
        fn = section(md, "Function")
        self.assertIn("- shared failure on patched: 51-ext2-map-sync.sh #2", fn)
        self.assertIn("- fix on stock: 50-ext2-dax-pmd.sh #1", fn)

    def test_roles_differ(self):
        """The real 6.12 run: the series in role patched, the base in role
        stock; every failure on either kernel counts, none is compared."""
        fx.set_judge(self.root, roles={"stock": "stock", "patched": "patched"})
        self.tap("stock", fx.REAL_STOCK)
        self.tap("patched", fx.REAL_PATCHED)
        _, md, doc = self.judge(rc=1)
        f = self.kinds(doc, "function failure")
        self.assertEqual([x["what"].split(":")[0] for x in f],
                         ["VM 51-ext2-map-sync.sh #4 fails on patched (role patched)",
                          "VM 52-pmem-trace.sh #9 fails on patched (role patched)",
                          "VM 51-ext2-map-sync.sh #2 fails on stock (role stock)"])
        self.assertEqual(self.kinds(doc, "function regression"), [])
        fn = section(md, "Function")
        self.assertIn("stock (role stock) 15 passed, 1 failed, 0 skipped; patched (role "
                      "patched) 30 passed, 2 failed, 0 skipped (roles differ", fn)
        self.assertIn("DAX read of a bad page: failed direct_access events: 0, expected 1..4",
                      fn)

    def test_role_mismatch(self):
        self.tap("patched", fx.REAL_PATCHED)     # its headers say role patched
        _, md, doc = self.judge(rc=1)
        self.assertIn("vm/patched.tap ran in role patched, judge.json says stock",
                      doc["parts"]["vm"]["problems"])

    def test_cut_short(self):
        text = fx.suite("stock")
        self.tap("patched", text[:text.index("# stock: 53-dm-flakey-dax.sh") + 40])
        _, md, doc = self.judge(rc=1)
        self.assertIn("incomplete: vm", md.split("\n", 1)[0])
        vm = doc["parts"]["vm"]
        self.assertEqual(vm["status"], "incomplete")
        self.assertEqual(vm["problems"], ["vm/patched.tap is cut short: no closing 'N passed, "
                                          "N failed, N skipped' line (it ends in "
                                          "53-dm-flakey-dax.sh)"])
        # the script the file ends in is not failed for it: the part is incomplete
        self.assertEqual(vm["tests"], [])
        self.assertEqual(self.kinds(doc, "function regression"), [])
        self.assertIn("patched (role stock) 6 passed, 0 failed, 0 skipped, cut short",
                      section(md, "Function"))

    def test_script_stopped_early(self):
        """A script that stopped without its plan, in a whole file: one
        failure of the script, as tapcount counts it."""
        text = fx.suite("stock").replace("1..1\n# stock: 53-dm-flakey-dax.sh took 3 s\n"
                                         "# stock: 53-dm-flakey-dax.sh: 1 passed, 0 failed",
                                         "# stock: 53-dm-flakey-dax.sh took 3 s\n"
                                         "# stock: 53-dm-flakey-dax.sh: 1 passed, 1 failed")
        self.tap("patched", text)
        _, md, doc = self.judge(rc=1)
        [f] = self.kinds(doc, "function regression")
        self.assertEqual(f["what"], "VM 53-dm-flakey-dax.sh is absent on stock, fails on "
                                    "patched: no plan line: the script stopped after 1 test(s)")

    def test_missing_file(self):
        os.unlink(os.path.join(self.root, "vm", "stock.tap"))
        _, _, doc = self.judge(rc=1)
        self.assertIn("no vm/stock.tap: the stock kernel's VM suite is missing",
                      doc["parts"]["vm"]["problems"])

    def test_counting(self):
        """tapcount's rules: "not ok # SKIP" and "# TODO" are skips, a
        script that exits non-zero without a "not ok" fails once."""
        text = fx.suite("stock", {("50-ext2-dax-pmd.sh", 1): "not ok # SKIP no daxwl",
                                  ("50-ext2-dax-pmd.sh", 2): "not ok # TODO known",
                                  ("51-ext2-map-sync.sh", 1): "ok # skip no tool"})
        tap = vmtap.parse(text)
        self.assertEqual(tap.counts(), {"pass": 4, "fail": 0, "skip": 3})
        text = text.replace("# stock: 53-dm-flakey-dax.sh: 1 passed, 0 failed, 0 skipped",
                            "# stock: 53-dm-flakey-dax.sh: the producer exited with status 124\n"
                            "# stock: 53-dm-flakey-dax.sh: 1 passed, 1 failed, 0 skipped")
        [f] = vmtap.parse(text).failures()
        self.assertEqual((f.script, f.num, f.desc),
                         ("53-dm-flakey-dax.sh", None, "the producer exited with status 124"))
        planless = "# stock: 50-x.sh\nok 1 - stock: a\nok 2 - stock: b\n1..3\n" \
                   "# stock: 50-x.sh: 2 passed, 1 failed, 0 skipped\nstock: 2 passed, 1 failed\n"
        [f] = vmtap.parse(planless).failures()
        self.assertEqual(f.desc, "planned 3 test(s), ran 2")

    def test_console_pseudo_script(self):
        text = fx.suite("stock").replace("ok 7 - stock: the kernel console holds no unexpected "
                                         "report", "not ok 7 - stock: the kernel console holds "
                                         "no unexpected report")
        self.tap("patched", text)
        _, md, doc = self.judge(rc=1)
        [f] = self.kinds(doc, "function regression")
        self.assertTrue(f["what"].startswith("VM console #7 passes on stock, fails on patched"))


class TestFstests(Case):
    def test_regression(self):
        fx.set_fstests(self.root, fx.with_fstests_regression(fx.fstests_summary()))
        _, md, doc = self.judge(rc=1)
        self.assertEqual(md.split("\n", 1)[0], "**daxlab verdict: FAIL** — 0 speed regressions, "
                                               "1 function (1 regression), 0 durability")
        [f] = self.kinds(doc, "function regression")
        self.assertEqual((f["part"], f["what"]),
                         ("fstests", "fstests ext2 generic/428 (new failure)"))
        fn = section(md, "Function")
        self.assertIn("fstests: **fstests gate: FAILED: 1 regression**", fn)
        self.assertIn("- Regressions: ext2 generic/428", fn)

    def test_reach(self):
        doc = fx.fstests_summary()
        doc["reach"][1]["n_tests"] = 0
        doc["reach"][1]["test_names"] = []
        fx.set_fstests(self.root, doc)
        _, md, out = self.judge(rc=0)
        self.assertEqual(row(md, 1)[5], "4 tests")
        self.assertEqual(row(md, 2)[5], "not reached")
        self.assertEqual(out["parts"]["fstests"]["probes_beyond_series"], ["3", "4", "5"])

    def test_gate_failed_otherwise(self):
        doc = fx.fstests_summary()
        doc["verdict"].update(passed_gate=False, failures=["1 incomplete combination"])
        fx.set_fstests(self.root, doc)
        _, _, out = self.judge(rc=1)
        [f] = self.kinds(out, "function failure")
        self.assertEqual(f["what"], "fstests gate: 1 incomplete combination")

    def test_unreadable(self):
        self.write("fstests/summary.json", '{"verdict": 3}')
        _, md, doc = self.judge(rc=1)
        self.assertEqual(doc["parts"]["fstests"]["problems"],
                         ["fstests/summary.json: verdict is missing or not an object"])
        self.assertEqual(row(md, 1)[5], "unknown")

    def test_other_kernels(self):
        doc = fx.fstests_summary()
        doc["series"] = "prefix-1"
        fx.set_fstests(self.root, doc)
        _, _, out = self.judge(rc=1)
        self.assertIn("the gate compared 'prefix-1' against 'stock', not patched against stock",
                      out["parts"]["fstests"]["problems"])


class TestDurability(Case):
    def test_regression_and_shared(self):
        crash = fx.crash_clean()
        fx.set_run(crash, "ext4-write-fsync", "patched", "violations", durability_violations=2)
        fx.set_run(crash, "ext4-map-sync", "stock", "violations", durability_violations=1)
        fx.set_run(crash, "ext4-map-sync", "patched", "violations", durability_violations=1)
        fx.set_run(crash, "xfs-map-sync", "stock", "violations", flush_contract_violations=3)
        fx.set_crash(self.root, crash)
        _, md, doc = self.judge(rc=1)
        self.assertEqual(md.split("\n", 1)[0], "**daxlab verdict: FAIL** — 0 speed regressions, "
                                               "0 function, 1 durability")
        [f] = self.kinds(doc, "durability regression")
        self.assertEqual(f["what"], "crash ext4-write-fsync: violations on the series kernel "
                                    "of a kind the base does not show (clean on stock, "
                                    "2 durability on patched)")
        du = section(md, "Durability")
        self.assertIn("| ext4-write-fsync | clean | 2 durability | regression (violations "
                      "on the series kernel of a kind the base does not show) |", du)
        self.assertIn("| ext4-map-sync | 1 durability | 1 durability | shared (violations on "
                      "both kernels (how many depends on the states sampled, so the counts "
                      "are not compared)) |", du)
        self.assertIn("| xfs-map-sync | 3 flush-contract | clean | fix (violations on the base "
                      "only) |", du)
        self.assertIn("stock 1 / 3 / 3; patched 3 / 0 / 4", du)

    def test_reference(self):
        """results/crash-reference as it is: ext4-map-sync shows one
        durability violation on stock and two on patched. The states are
        sampled, so the counts are not compared: shared, not a regression."""
        fx.set_crash(self.root, fx.crash_fixtures.reference())
        _, md, doc = self.judge(rc=0)
        self.assertEqual(self.kinds(doc, "durability regression"), [])
        self.assertIn("| ext4-map-sync | 1 durability | 2 durability | shared", section(md, "Durability"))

    def test_error_on_patched_only(self):
        crash = fx.set_run(fx.crash_clean(), "xfs-map-sync", "patched", "error")
        fx.set_crash(self.root, crash)
        _, md, doc = self.judge(rc=1)
        [f] = self.kinds(doc, "durability regression")
        self.assertIn("errors on the series kernel only", f["what"])

    def test_error_on_both_and_missing(self):
        crash = fx.crash_clean()
        fx.set_run(crash, "xfs-map-sync", "patched", "error")
        fx.set_run(crash, "xfs-map-sync", "stock", "error")
        crash["runs"] = [r for r in crash["runs"]
                         if (r["scenario"], r["kernel"]) != ("ext4-dir-ops", "patched")]
        fx.set_crash(self.root, crash)
        _, md, doc = self.judge(rc=1)
        self.assertEqual(doc["parts"]["crash"]["problems"],
                         ["crash ext4-dir-ops: the series kernel did not run it",
                          "crash xfs-map-sync: errors on both kernels"])
        self.assertIn("incomplete: crash", md.split("\n", 1)[0])

    def test_not_applicable_on_stock(self):
        """A scenario that does not name stock (inapplicable) is judged on
        the series kernel alone; one the workload refuses on both is not
        applicable."""
        crash = fx.crash_clean()
        row = dict(next(r for r in crash["runs"] if (r["scenario"], r["kernel"]) ==
                        ("ext2-map-sync", "patched")), kernel="stock", result={})
        at = [(r["scenario"], r["kernel"]) for r in crash["runs"]].index(("ext2-map-sync", "patched"))
        crash["runs"].insert(at, row)
        fx.set_run(crash, "ext2-map-sync", "stock", "inapplicable")
        fx.set_run(crash, "xfs-map-sync", "stock", "inapplicable")
        fx.set_run(crash, "xfs-map-sync", "patched", "unsupported")
        fx.set_crash(self.root, crash)
        _, md, doc = self.judge(rc=0)
        du = section(md, "Durability")
        self.assertIn("| ext2-map-sync | not applicable | 1 fsck | clean (series kernel only) |", du)
        self.assertIn("| xfs-map-sync | not applicable | not applicable | not applicable |", du)

    def test_mutants_ignored(self):
        _, _, doc = self.judge(rc=0)        # the reference's mutants have many violations
        self.assertEqual(doc["parts"]["crash"]["other_kernels"], [])

    def test_unreadable(self):
        self.write("crash/crash.json", "{not json")
        _, _, doc = self.judge(rc=1)
        [p] = doc["parts"]["crash"]["problems"]
        self.assertIn("crash/crash.json is not readable JSON", p)


class TestBuild(Case):
    def test_warning_and_checkpatch(self):
        self.write("build.tsv", fx.build_tsv(2, {
            (2, "build"): ("fail", "fs/ext2/file.c:120:7: warning: unused variable 'x'"),
            (1, "checkpatch"): ("fail", "1 errors, 2 warnings, 0 checks")}))
        _, md, doc = self.judge(rc=1)
        self.assertEqual(md.split("\n", 1)[0],
                         "**daxlab verdict: FAIL** — 0 speed regressions, 0 function, "
                         "0 durability, 1 build warning or error (patch 2), 1 checkpatch "
                         "failure (patch 1)")
        self.assertEqual(row(md, 2)[2], "**no**: fs/ext2/file.c:120:7: warning: unused variable "
                                        "'x'")
        self.assertEqual(row(md, 1)[3], "**fail**: 1 errors, 2 warnings, 0 checks")
        self.assertEqual([(f["kind"], f["patches"]) for f in doc["flagged"]],
                         [("checkpatch", [1]), ("build", [2])])

    def test_does_not_apply(self):
        self.write("build.tsv", "1\tapply\tfail\tpatch failed at fs/ext2/file.c\n")
        _, md, doc = self.judge(rc=1)
        self.assertIn("does not apply (patch 1)", md.split("\n", 1)[0])
        self.assertEqual(row(md, 1)[1:4], ["**no**: patch failed at fs/ext2/file.c",
                                           "not tried", "not tried"])
        self.assertEqual(row(md, 2)[1], "not tried (patch 1 does not apply)")
        self.assertEqual(doc["parts"]["build"]["problems"], [])

    def test_missing_and_malformed_lines(self):
        self.write("build.tsv", fx.build_tsv(2, {(2, "checkpatch"): None}) + "3\tbuild\tok\t\n"
                   + "x\tbuild\tok\t\n")
        _, md, doc = self.judge(rc=1)
        self.assertEqual(doc["parts"]["build"]["problems"],
                         ["build.tsv line 6: patch 3, the series has 2",
                          "build.tsv line 7: not PATCHES<TAB>apply|build|checkpatch<TAB>ok|fail"
                          "<TAB>DETAIL ('x\\tbuild\\tok\\t')",
                          "build.tsv has no checkpatch line for patch 2"])
        self.assertEqual(row(md, 2)[3], "missing")


class TestDamaged(Case):
    """A part whose files cannot be read is incomplete (exit 1), never a
    traceback: the other parts are still judged."""

    def test_unreadable_files(self):
        os.unlink(os.path.join(self.root, "vm", "stock.tap"))
        os.mkdir(os.path.join(self.root, "vm", "stock.tap"))
        with open(os.path.join(self.root, "build.tsv"), "wb") as fh:
            fh.write(b"1\tapply\tok\t\xff\xfe\n")
        os.rename(os.path.join(self.root, "bench", "raw"), os.path.join(self.root, "raw.old"))
        _, md, doc = self.judge(rc=1)
        self.assertEqual(md.split("\n", 1)[0], "**daxlab verdict: FAIL** — 0 speed regressions, "
                                               "0 function, 0 durability, incomplete: bench, "
                                               "build, vm")
        self.assertIn("vm/stock.tap cannot be read", doc["parts"]["vm"]["problems"][0])
        self.assertIn("build.tsv cannot be read", doc["parts"]["build"]["problems"][0])
        self.assertEqual(doc["parts"]["bench"]["problems"],
                         ["bench is not a bench run (no raw/ directory)"])
        self.assertEqual(doc["parts"]["crash"]["status"], "ok")
        self.assertEqual(row(md, 1)[4], "unknown")


class TestNotRun(Case):
    def test_part_not_run(self):
        fx.set_judge(self.root, parts=dict(fx.judge_json()["parts"], fstests=None),
                     skipped={"fstests": "no fstests source on this host"})
        _, md, doc = self.judge(rc=0)
        self.assertEqual(md.split("\n", 1)[0],
                         "**daxlab verdict: PASS** — no regression in function, speed or "
                         "durability (not run: fstests)")
        self.assertIn("- fstests: no fstests source on this host", section(md, "Parts not run"))
        self.assertEqual(row(md, 1)[5], "not run")
        self.assertEqual(doc["parts"]["fstests"],
                         {"status": "not run", "path": None,
                          "reason": "no fstests source on this host", "problems": []})
        self.assertNotIn("fstests gate", doc["links"])

    def test_named_but_missing_with_reason(self):
        fx.set_judge(self.root, skipped={"crash": "the crash tests ran out of disk"})
        os.rename(os.path.join(self.root, "crash"), os.path.join(self.root, "crash.old"))
        _, md, doc = self.judge(rc=0)
        self.assertEqual(doc["parts"]["crash"]["status"], "not run")
        self.assertIn("Not run (the crash tests ran out of disk).", section(md, "Durability"))


class TestBadInput(unittest.TestCase):
    """Exit 2, one line "daxreport judge: ..." on stderr, nothing written."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = fx.clean(os.path.join(self.tmp.name, "judge"))

    def tearDown(self):
        self.tmp.cleanup()

    def refused(self, words, *argv):
        rc, out, err = run_judge(*(argv or (self.root,)))
        self.assertEqual(rc, 2, err)
        self.assertEqual(out, "")
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertTrue(err.startswith("daxreport judge: "), err)
        self.assertIn(words, err)
        self.assertFalse(os.path.exists(os.path.join(self.root, "verdict.md")))

    def test_no_directory(self):
        self.refused("is not a directory", os.path.join(self.tmp.name, "none"))

    def test_no_judge_json(self):
        os.unlink(os.path.join(self.root, "judge.json"))
        self.refused("has no judge.json")

    def test_not_json(self):
        fx.write(os.path.join(self.root, "judge.json"), "{\"schema\": 1,")
        self.refused("is not readable JSON")

    def test_not_an_object(self):
        fx.write(os.path.join(self.root, "judge.json"), "[1]")
        self.refused("is not a JSON object")

    def test_nested_too_deep(self):
        fx.write(os.path.join(self.root, "judge.json"), "[" * 100000)
        self.refused("is not readable JSON")

    def test_schema(self):
        fx.set_judge(self.root, schema=2)
        self.refused("schema 2, this report reads 1")

    def test_kernels(self):
        for kernels, words in (([{"name": "stock", "patches": 0}], "at least two kernels"),
                               ([{"name": "stock", "patches": 1}, {"name": "p", "patches": 2}],
                                "is not the base"),
                               ([{"name": "stock", "patches": 0}, {"name": "p", "patches": 0}],
                                "not more than stock"),
                               ([{"name": "stock", "patches": 0}, {"name": "../x", "patches": 1}],
                                "is not a kernel name"),
                               ([{"name": "stock", "patches": 0}, {"name": "p", "patches": "1"}],
                                "is not a whole number")):
            with self.subTest(words=words):
                fx.set_judge(self.root, kernels=kernels, roles={})
                self.refused(words)

    def test_roles(self):
        fx.set_judge(self.root, roles={"stock": "stock", "other": "patched"})
        self.refused("roles names 'other'")
        fx.set_judge(self.root, roles={"stock": "base"})
        self.refused("is 'base', not stock or patched")

    def test_part_without_reason(self):
        fx.set_judge(self.root, parts=dict(fx.judge_json()["parts"], bench=None))
        self.refused("part bench did not run and judge.json's skipped gives no reason")

    def test_part_missing(self):
        fx.set_judge(self.root, parts=dict(fx.judge_json()["parts"], crash="crash2"))
        self.refused("names part crash at crash2, which does not exist")

    def test_part_outside(self):
        fx.set_judge(self.root, parts=dict(fx.judge_json()["parts"], bench="../bench"))
        self.refused("is not a path inside JUDGE_DIR")

    def test_part_of_the_wrong_kind(self):
        fx.set_judge(self.root, parts=dict(fx.judge_json()["parts"], vm="build.tsv"))
        self.refused("part vm at build.tsv is not a directory")

    def test_unknown_part(self):
        fx.set_judge(self.root, parts=dict(fx.judge_json()["parts"], lockdep="x"))
        self.refused("unknown part 'lockdep'")

    def test_options(self):
        self.refused("--min-change is a percentage", "--min-change", "-1", self.root)
        self.refused("--min-change is a percentage", "--min-change", "1e3", self.root)
        self.refused("--min-change needs a value", self.root, "--min-change")
        self.refused("unknown option '--force'", "--force", self.root)
        self.refused("usage:", self.root, self.root)

    def test_out_is_a_file(self):
        self.refused("exists and is not a directory", "--out",
                     os.path.join(self.root, "build.tsv"), self.root)

    def test_out_over_an_input(self):
        self.refused("would overwrite an input", "--out", os.path.join(self.root, "bench"),
                     self.root)
        self.assertFalse(os.path.exists(os.path.join(self.root, "bench", "verdict.md")))


if __name__ == "__main__":
    unittest.main()
