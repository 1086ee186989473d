"""The fstests gate's report (daxreport.fstests) on small run directories
(fstests_fixtures): each classification of a test, failure signatures,
known differences, reach with its qualifiers, damaged and incomplete
combinations, console reports, the exit statuses, the refused outputs
and summary.md's first line."""
import contextlib
import hashlib
import io
import json
import os
import tempfile
import threading
import unittest

from daxreport import fstests
from daxreport.fstests import failure, load
from daxreport.tests import fstests_fixtures as fx
from daxreport.tests.fstests_fixtures import failed, notrun, passed
from daxreport.tests.fixtures import run_report, section

G1, G2, G3 = "generic/001", "generic/470", "generic/413"


def run_fstests(*argv):
    """(status, stdout, stderr) of `python3 -m daxreport fstests ARGV`."""
    return run_report("fstests", *argv)


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.root = os.path.join(self.d, "run")

    def tearDown(self):
        self.tmp.cleanup()

    def run_(self, **kw):
        return fx.Run(self.root, **kw)

    def report(self, *extra, rc=None, run=None):
        """Run the report on the run; (status, summary.md, summary.json).
        RC: the status it must exit with."""
        code, out, err = run_fstests(*extra, run or self.root)
        if rc is not None:
            self.assertEqual(code, rc, out + err)
        if code == 2:
            return code, out, err
        where = self.root
        if "--out" in extra:
            where = extra[extra.index("--out") + 1]
        with open(os.path.join(where, "summary.md")) as fh:
            md = fh.read()
        with open(os.path.join(where, "summary.json")) as fh:
            js = json.load(fh)
        self.assertEqual(out, md, "stdout is summary.md")
        self.assertEqual(err, "")
        return code, md, js

    def item(self, js, test, fs="ext2"):
        [it] = [t for t in js["tests"] if t["test"] == test and t["fs"] == fs]
        return it

    def one(self, base, series, **kw):
        """A run of ext2 alone: BASE's and SERIES' tests."""
        return self.run_().both("ext2", base, series, **kw)


# ---------------------------------------------------------------- classification

class TestClassification(Case):
    def test_passed_on_both(self):
        self.one([passed(G1)], [passed(G1)])
        _, md, js = self.report(rc=0)
        self.assertEqual(self.item(js, G1)["class"], "passed")
        self.assertTrue(md.startswith("**fstests gate: 0 regressions** (0 explained, 0 fixed, "
                                      "0 shared failures"), md.splitlines()[0])
        self.assertNotIn("## Regressions", md)

    def test_fails_only_on_the_series_is_a_regression(self):
        self.one([passed(G1), passed(G2)],
                 [passed(G1), failed(G2, out_bad="wrote 4096 bytes\nread mismatch at 0\nz\n")])
        _, md, js = self.report(rc=1)
        it = self.item(js, G2)
        self.assertEqual((it["class"], it["kind"]), ("regression", "new failure"))
        self.assertEqual(it["what_series"], ["output mismatch", "wrote 4096 bytes",
                                             "read mismatch at 0"])
        self.assertIn("| ext2 | generic/470 | new failure | output mismatch / wrote 4096 bytes "
                      f"/ read mismatch at 0 | {it['signature']} |", section(md, "Regressions"))
        self.assertTrue(md.startswith("**fstests gate: FAILED: 1 regression** "))
        self.assertEqual(self.item(js, G1)["class"], "passed")

    def test_different_failure_on_both_is_a_changed_failure(self):
        self.one([failed(G2, out_bad="same line\nold detail\n")],
                 [failed(G2, out_bad="same line\nnew detail\n")])
        _, md, js = self.report(rc=1)
        it = self.item(js, G2)
        self.assertEqual((it["class"], it["kind"]), ("regression", "changed failure"))
        # the lines that differ between the kernels, not the shared first one
        self.assertEqual(it["what_base"], ["output mismatch", "old detail"])
        self.assertEqual(it["what_series"], ["output mismatch", "new detail"])
        self.assertIn("stock: output mismatch / old detail; patched: output mismatch / new "
                      "detail", section(md, "Regressions"))

    def test_other_kind_of_failure_is_a_changed_failure(self):
        # same .out.bad, but now the test also leaves a kernel report
        self.one([failed(G2, out_bad="x\n")],
                 [failed(G2, message="_check_dmesg: something found (see /r/generic/470.dmesg)",
                         out_bad="x\n", dmesg="[ 1.0] WARNING: CPU: 0 PID: 7 at fs/dax.c:1\n")])
        _, _, js = self.report(rc=1)
        it = self.item(js, G2)
        self.assertEqual(it["kind"], "changed failure")
        self.assertEqual(it["series"]["kind"], "dmesg")
        self.assertEqual(it["what_series"], ["_check_dmesg: something found",
                                             "[ 1.0] WARNING: CPU: 0 PID: 7 at fs/dax.c:1"])

    def test_same_failure_on_both_is_shared(self):
        # the paths in the messages differ (run directory, pmem device):
        # still the same failure
        self.one([failed(G2, message="_check_generic_filesystem: filesystem on /dev/pmem1 is "
                                     "inconsistent (see /run/a/results/generic/470.full)",
                         out_bad="bad extent\n")],
                 [failed(G2, message="_check_generic_filesystem: filesystem on /dev/pmem2 is "
                                     "inconsistent (see /run/b/results/generic/470.full)",
                         out_bad="bad extent\n")])
        _, md, js = self.report(rc=0)
        it = self.item(js, G2)
        self.assertEqual(it["class"], "shared failure")
        self.assertEqual(it["base"]["signature"], it["series"]["signature"])
        self.assertEqual(it["series"]["kind"], "fsck")
        self.assertIn(f"- ext2 generic/470 ({it['signature']}): _check_generic_filesystem: "
                      "filesystem on /dev/pmem2 is inconsistent / bad extent",
                      section(md, "Shared failures"))
        self.assertIn("(0 explained, 0 fixed, 1 shared failure, ", md.splitlines()[0])

    def test_fails_only_on_the_base_is_a_fix(self):
        self.one([failed(G2, out_bad="oops\n")], [passed(G2)])
        _, md, js = self.report(rc=0)
        self.assertEqual(self.item(js, G2)["class"], "fix")
        self.assertIn("- ext2 generic/470: failed on stock: output mismatch / oops",
                      section(md, "Fixes"))
        self.assertIn("(0 explained, 1 fixed, 0 shared failures", md.splitlines()[0])

    def test_not_run_on_both_grouped_by_reason(self):
        self.one([notrun(G1, "requires huge pages"), notrun(G2, "requires huge pages"),
                  notrun(G3, "no dm-log-writes")],
                 [notrun(G1, "requires huge pages"), notrun(G2, "requires huge pages"),
                  notrun(G3, "dm-log-writes lacks DAX", in_xml=False)])
        _, md, js = self.report(rc=0)
        self.assertEqual({self.item(js, t)["class"] for t in (G1, G2, G3)}, {"not run"})
        nr = section(md, "Not run")
        self.assertIn("- ext2: requires huge pages: generic/001, generic/470", nr)
        # the reasons differ by kernel: both are shown; the series' came
        # from its .notrun file
        self.assertIn("- ext2: stock: no dm-log-writes; patched: dm-log-writes lacks DAX "
                      "(reasons differ): generic/413", nr)

    def test_run_on_base_not_on_series_is_lost(self):
        self.one([passed(G1), failed(G2, out_bad="x\n")],
                 [notrun(G1, "DAX not supported"), notrun(G2, "DAX not supported")])
        _, md, js = self.report(rc=1)
        for t in (G1, G2):
            it = self.item(js, t)
            self.assertEqual((it["class"], it["kind"]), ("regression", "lost"), t)
        reg = section(md, "Regressions")
        self.assertIn("| generic/001 | lost | not run on patched: DAX not supported; passed on "
                      "stock |", reg)
        self.assertIn("failed (output mismatch / x) on stock", reg)
        self.assertTrue(md.startswith("**fstests gate: FAILED: 2 regressions (2 lost)**"))

    def test_gained_pass_and_gained_failure(self):
        self.one([notrun(G1, "no DAX"), notrun(G2, "no DAX")],
                 [passed(G1), failed(G2, out_bad="boom\n")])
        _, md, js = self.report(rc=1)
        self.assertEqual(self.item(js, G1)["class"], "gained")
        it = self.item(js, G2)
        self.assertEqual((it["class"], it["kind"]), ("regression", "gained failure"))
        self.assertIn("output mismatch / boom (not run on stock: no DAX)",
                      section(md, "Regressions"))
        self.assertIn("- ext2: generic/001", section(md, "Gained"))
        self.assertEqual(js["verdict"]["gained"], 2)

    def test_gained_pass_alone_passes(self):
        self.one([notrun(G1, "no DAX")], [passed(G1)])
        self.report(rc=0)

    def test_in_one_kernels_results_only_is_incomplete(self):
        self.one([passed(G1), passed(G2)], [passed(G1), passed(G3)])
        _, md, js = self.report(rc=1)
        self.assertEqual(self.item(js, G2)["class"], "incomplete")
        self.assertEqual(self.item(js, G3)["class"], "incomplete")
        inc = section(md, "Incomplete or unreadable")
        self.assertIn("- ext2: only in stock's results: generic/470", inc)
        self.assertIn("- ext2: only in patched's results: generic/413", inc)
        self.assertIn("2 tests in one kernel's results only", md.splitlines()[0])


# ---------------------------------------------------------------- signatures

class TestSignature(unittest.TestCase):
    def test_the_documented_recipe(self):
        out = b"QA output created by 470\nx\n"
        want = hashlib.sha256(b"- output mismatch\n" + out + b"output").hexdigest()[:12]
        msg = "- output mismatch (see /work/build/fstests/runs/p-ext2/results/generic/470.out.bad)"
        self.assertEqual(failure.signature(msg, out, failure.kind(msg)), want)
        # no .out.bad: nothing between the newline and the kind
        want = hashlib.sha256(b"_check_dmesg: something found\ndmesg").hexdigest()[:12]
        msg = "_check_dmesg: something found (see /r/generic/470.dmesg)"
        self.assertEqual(failure.signature(msg, None, failure.kind(msg)), want)

    def test_paths_do_not_count_and_bytes_do(self):
        a = failure.signature("filesystem on /dev/pmem0 is inconsistent (see /a/b)", b"x", "fsck")
        b = failure.signature("filesystem on /dev/pmem1 is inconsistent", b"x", "fsck")
        self.assertEqual(a, b)
        self.assertNotEqual(a, failure.signature("filesystem on /dev/pmem0 is inconsistent",
                                                 b"x ", "fsck"))
        self.assertNotEqual(a, failure.signature("filesystem on /dev/pmem0 is inconsistent",
                                                 b"x", "other"))
        self.assertNotEqual(a, failure.signature("filesystem on /dev/pmem0 was inconsistent",
                                                 b"x", "fsck"))

    def test_kinds(self):
        self.assertEqual(failure.kind("- output mismatch (see x)"), "output")
        self.assertEqual(failure.kind("_check_dmesg: something found (see x)"), "dmesg")
        self.assertEqual(failure.kind("_check_xfs_filesystem: filesystem on /dev/pmem1 is "
                                      "inconsistent (r) (see x)"), "fsck")
        self.assertEqual(failure.kind("Test generic/1 failed, reason unknown"), "other")

    def test_what_skips_the_header(self):
        r = load.Result(G2, load.FAIL, "- output mismatch (see /x)")
        r.outbad = b"QA output created by 470\n\nfirst\nsecond\nthird\n"
        self.assertEqual(failure.what(r), ["output mismatch", "first", "second"])


# ---------------------------------------------------------------- known differences

KNOWN_HEAD = "# FS\tTEST\tKERNEL\tSIGNATURE\tREASON\n"


class TestKnown(Case):
    def regression_sig(self):
        """The series' signature of the fixture's regression."""
        return failure.signature(f"- output mismatch (see /guest/run/results/{G2}.out.bad)",
                                 b"QA output created by 470\nnew\n", "output")

    def setup(self, known, where="run"):
        r = self.one([passed(G1), passed(G2)], [passed(G1), failed(G2, out_bad="new\n")])
        if where == "run":
            fx.write(r.path("known"), KNOWN_HEAD + known)
        return r

    def test_explained(self):
        sig = self.regression_sig()
        self.setup(f"ext2\t{G2}\tpatched\t{sig}\tthe series changes the error code; expected\n")
        _, md, js = self.report(rc=0)
        it = self.item(js, G2)
        self.assertEqual(it["class"], "explained")
        self.assertEqual(it["explained_by"]["reason"], "the series changes the error code; "
                                                      "expected")
        self.assertTrue(md.startswith("**fstests gate: 0 regressions** (1 explained, "))
        self.assertIn(f"- ext2 generic/470 (new failure, {sig}): the series changes the error "
                      "code; expected", section(md, "Explained"))
        self.assertEqual(js["verdict"]["regressions"], 0)

    def test_a_different_signature_stays_a_regression(self):
        self.setup(f"ext2\t{G2}\tpatched\t0123456789ab\tan older failure\n")
        _, md, js = self.report(rc=1)
        self.assertEqual(self.item(js, G2)["class"], "regression")
        self.assertIn(f"0123456789ab: an older failure - now a regression (new failure) with "
                      f"signature {self.regression_sig()}", md)
        self.assertEqual(len(js["known"]["stale"]), 1)

    def test_other_file_system_or_kernel_explains_nothing(self):
        sig = self.regression_sig()
        self.setup(f"ext4\t{G2}\tpatched\t{sig}\tfor ext4\n"
                   f"ext2\t{G2}\tvariant\t{sig}\tfor another series\n")
        _, _, js = self.report(rc=1)
        self.assertEqual(self.item(js, G2)["class"], "regression")
        self.assertEqual(len(js["known"]["not_applicable"]), 2)

    def test_stale_entry_is_shown_not_failed(self):
        self.setup(f"ext2\t{G2}\tpatched\t{self.regression_sig()}\texplains it\n"
                   f"ext2\t{G1}\tpatched\taaaaaaaaaaaa\tfixed upstream long ago\n")
        _, md, js = self.report(rc=0)
        self.assertIn("Stale known entries", md)
        self.assertIn("- line 3: ext2 generic/001 patched aaaaaaaaaaaa: fixed upstream long ago "
                      "- now passed", md)
        self.assertEqual([e["test"] for e in js["known"]["stale"]], [G1])

    def test_lost_test_explained_by_its_reason(self):
        self.one([passed(G1)], [notrun(G1, "requires dax=never")])
        sig = failure.signature("requires dax=never", None, "notrun")
        fx.write(os.path.join(self.root, "known"),
                 f"ext2\t{G1}\tpatched\t{sig}\tthe series makes it refuse\n")
        _, _, js = self.report(rc=0)
        self.assertEqual(self.item(js, G1)["class"], "explained")

    def test_known_option_overrides_the_runs_copy(self):
        sig = self.regression_sig()
        self.setup(f"ext2\t{G2}\tpatched\t{sig}\tin the run's copy\n")
        other = os.path.join(self.d, "known")
        fx.write(other, KNOWN_HEAD)
        self.report("--known", other, rc=1)
        fx.write(other, f"ext2\t{G2}\tpatched\t{sig}\tgiven on the command line\n")
        _, md, _ = self.report("--known", other, rc=0)
        self.assertIn("given on the command line", md)

    def test_malformed_or_missing_known_file_is_bad_input(self):
        self.setup("ext2\tgeneric/470\tpatched\tnothex\tno\n")
        rc, _, err = self.report(rc=2)
        self.assertIn("daxreport fstests: ", err)
        self.assertIn("line 2: signature 'nothex' is not 12 hex digits", err)
        self.assertFalse(os.path.exists(os.path.join(self.root, "summary.md")))
        rc, _, err = self.report("--known", os.path.join(self.d, "nope"), rc=2)
        self.assertIn("no known-differences file", err)


# ---------------------------------------------------------------- reach

class TestReach(Case):
    def reach(self, js, pid):
        [r] = [r for r in js["reach"] if r["id"] == pid]
        return r

    def test_clean_run_reaches_every_patch(self):
        fx.clean(self.root)
        _, md, js = self.report(rc=0)
        self.assertEqual([self.reach(js, p)["n_tests"] for p in fx.PROBE_IDS], [1, 2, 1, 1, 1])
        self.assertIn("| 2 | ext2: MAP_SYNC for DAX files | fs=ext2,ext4 | 2 | 4 | generic/001 "
                      "(ext4), generic/470 (ext2) |", section(md, "Reach per patch"))

    def test_fs_qualifier(self):
        r = self.run_()
        tests = [passed(G1), passed(G2)]
        r.combo("stock", "ext2", tests)
        r.combo("stock", "ext4", tests)
        r.combo("patched", "ext2", tests, reach=[(G1, "1", 5, "-")])
        # probe 1 is fs=ext2: ext4's events are code the series does not touch
        r.combo("patched", "ext4", tests, reach=[(G2, "1", 100, "-"), (G2, "3", 2, "-")])
        _, md, js = self.report(rc=0)
        p1 = self.reach(js, "1")
        self.assertEqual((p1["n_tests"], p1["total_events"]), (1, 5))
        self.assertEqual(p1["tests"], [{"fs": "ext2", "test": G1, "events": 5}])
        self.assertEqual(self.reach(js, "3")["tests"], [{"fs": "ext4", "test": G2, "events": 2}])

    def test_dm_qualifier(self):
        tests = [passed(G1), passed(G2), passed(G3)]
        self.one(tests, tests, reach=[(G1, "4", 10, "linear"), (G2, "4", 3, "flakey,linear"),
                                      (G3, "4", 0, "flakey")])
        _, _, js = self.report(rc=0)
        p4 = self.reach(js, "4")
        self.assertEqual(p4["tests"], [{"fs": "ext2", "test": G2, "events": 3}])

    def test_fs_and_dm_together(self):
        r = self.run_()
        tests = [passed(G1)]
        for fs in ("ext2", "xfs"):
            r.combo("stock", fs, tests)
        r.combo("patched", "ext2", tests, reach=[(G1, "5", 4, "log-writes")])
        r.combo("patched", "xfs", tests, reach=[(G1, "5", 6, "log-writes")])
        _, _, js = self.report(rc=0)
        self.assertEqual(self.reach(js, "5")["tests"], [{"fs": "xfs", "test": G1, "events": 6}])

    def test_not_reached_is_said_plainly(self):
        self.one([passed(G1)], [passed(G1)], reach=[(G1, "1", 3, "-")])
        _, md, js = self.report(rc=0)
        self.assertEqual(self.reach(js, "2")["n_tests"], 0)
        self.assertIn("| 2 | ext2: MAP_SYNC for DAX files | fs=ext2,ext4 | 0 | 0 | "
                      "**not reached by any test** |", md)
        self.assertIn("4 patches not reached", md.splitlines()[0])

    def test_base_counts_do_not_reach(self):
        r = self.run_()
        r.combo("stock", "ext2", [passed(G1)], reach=[(G1, "3", 50, "-")])
        r.combo("patched", "ext2", [passed(G1)])
        _, _, js = self.report(rc=0)
        p3 = self.reach(js, "3")
        self.assertEqual(p3["n_tests"], 0)
        self.assertEqual(p3["base"]["total_events"], 50)

    def test_events_missing_on_the_series_fail_the_gate(self):
        self.one([passed(G1)], [passed(G1)], reach=[(G1, "3", "-", "-")])
        _, md, js = self.report(rc=1)
        self.assertEqual(self.reach(js, "3")["missing_on"], ["patched-ext2"])
        self.assertIn("**events missing on the series kernel** (patched-ext2)", md)
        self.assertIn("1 probe without events on the series kernel", md.splitlines()[0])

    def test_events_missing_on_the_base_only_do_not(self):
        r = self.run_()
        r.combo("stock", "ext2", [passed(G1)], reach=[(G1, "3", "-", "-")])
        r.combo("patched", "ext2", [passed(G1)], reach=[(G1, "3", 1, "-")])
        self.report(rc=0)

    def test_missing_or_damaged_reach_on_the_series(self):
        self.one([passed(G1)], [passed(G1)], reach_tsv=False)
        _, md, _ = self.report(rc=1)
        self.assertIn("patched-ext2: no reach.tsv", md)
        self.one([passed(G1)], [passed(G1)], reach_tsv="generic/001\t3\tmany\t-\n")
        _, md, js = self.report(rc=1)
        self.assertIn("patched-ext2/reach.tsv line 1", md)
        self.assertEqual(js["combinations"][1]["state"], "unreadable")

    def test_malformed_probes_file_is_bad_input(self):
        for text, msg in (("1\tfs_dax:x\n", "line 1: not ID"),
                          ("1\tnot-an-event\t-\tx\n", "is not a list of system:event"),
                          ("1\ta:b\tfs=ext2 size=3\tx\n", "qualifier 'size=3'"),
                          ("1\ta:b\t-\tx\n1\ta:c\t-\ty\n", "patch 1 has a second line")):
            self.run_(probes=text).both("ext2", [passed(G1)], [passed(G1)])
            _, _, err = self.report(rc=2)
            self.assertIn(msg, err)

    def test_no_probes_file_is_bad_input(self):
        self.run_(probes=None).both("ext2", [passed(G1)], [passed(G1)])
        _, _, err = self.report(rc=2)
        self.assertIn("has no probes file", err)


# ---------------------------------------------------------------- damaged runs

class TestDamaged(Case):
    def two_fs(self, **series_ext4):
        r = self.run_()
        r.both("ext2", [passed(G1)], [passed(G1)])
        r.combo("stock", "ext4", [passed(G1), passed(G2)])
        r.combo("patched", "ext4", [passed(G1), passed(G2)], **series_ext4)
        return r

    def test_malformed_xml_is_unreadable_and_named(self):
        self.two_fs(result_xml='<?xml version="1.0"?>\n<testsuite name="xfstests">\n'
                               '\t<testcase name="generic/001"\n')
        _, md, js = self.report(rc=1)
        inc = section(md, "Incomplete or unreadable")
        self.assertIn("- unreadable: patched-ext4/results/result.xml is not well-formed XML", inc)
        self.assertIn("- ext4 not compared: no results from patched-ext4", inc)
        self.assertIn("| ext4 | patched | 0 | 0 | 0 | - |", md)
        self.assertIn("UNREADABLE", md)
        self.assertIn("1 unreadable combination", md.splitlines()[0])
        # the other file system is still compared
        self.assertEqual(self.item(js, G1)["class"], "passed")
        self.assertEqual(js["not_compared"], {"ext4": "no results from patched-ext4"})

    def test_wrong_root_or_test_name_is_unreadable(self):
        self.two_fs(result_xml="<testsuites/>")
        _, md, _ = self.report(rc=1)
        self.assertIn("the root element is <testsuites>", md)
        self.two_fs(result_xml='<testsuite><testcase name="../../etc/x"/></testsuite>')
        _, md, _ = self.report(rc=1)
        self.assertIn("testcase name '../../etc/x' is not SUITE/NUMBER", md)

    def test_missing_result_xml_is_incomplete(self):
        self.two_fs(result_xml=False, vm_status=124,
                    reach_tsv="generic/001\t1\t0\t-\ngeneric/470\t1\t0\t-\n")
        _, md, js = self.report(rc=1)
        self.assertIn("- incomplete: patched-ext4: no results/result.xml (the guest hung); "
                      "last test started: generic/470", md)
        self.assertIn("1 incomplete combination", md.splitlines()[0])
        self.assertEqual(js["combinations"][3]["state"], "incomplete")

    def test_missing_combination_is_incomplete(self):
        r = self.run_()
        r.both("ext2", [passed(G1)], [passed(G1)])
        r.combo("stock", "xfs", [passed(G1)])
        _, md, _ = self.report(rc=1)
        self.assertIn("runs/patched-xfs is missing", md)

    def test_hung_guest_with_partial_results(self):
        # fstests rewrites result.xml after each test: a hang leaves the
        # tests before it; the rest are incomplete, not passed
        self.two_fs(result_xml=fx.xml([passed(G1)], "ext4"), vm_status=124)
        _, md, js = self.report(rc=1)
        self.assertEqual(self.item(js, G2, "ext4")["class"], "incomplete")
        self.assertIn("patched-ext4: the guest hung (status 124) after 1 tests; results are "
                      "partial; last test started: generic/470", md)

    def test_vm_status_1_with_a_console_report_is_the_report(self):
        self.two_fs(vm_status=1, console="BUG: kernel NULL pointer dereference, address: 0\n"
                                         "RIP: dax_iomap_rw+0x10\nCall Trace:\n<TASK>\n")
        _, md, js = self.report(rc=1)
        self.assertIn("- patched-ext4: BUG: kernel NULL pointer dereference, address: 0 / RIP: "
                      "dax_iomap_rw+0x10 / Call Trace: (+1 lines)", section(md, "Console reports"))
        self.assertEqual(js["combinations"][3]["state"], "complete")
        self.assertIn("1 console report", md.splitlines()[0])
        self.assertIn("FAILED: 0 regressions, but 1 console report", md.splitlines()[0])

    def test_vm_status_1_without_a_report_is_incomplete(self):
        self.two_fs(vm_status=1)
        _, md, js = self.report(rc=1)
        self.assertIn("- incomplete: patched-ext4: scripts/vm exited 1 (status 1) after 2 tests",
                      md)
        self.assertEqual(js["combinations"][3]["state"], "incomplete")

    def test_console_report_on_a_clean_exit(self):
        self.two_fs(console="WARNING: CPU: 1 PID: 9 at mm/memory.c:1 x\n")
        _, md, _ = self.report(rc=1)
        self.assertIn("| ext4 | patched | 2 | 0 | 0 | 2 | 6 min 11 s | REPORT (1 lines) | ok |",
                      md)

    def test_no_vm_status_is_incomplete(self):
        self.two_fs(vm_status=None)
        _, md, _ = self.report(rc=1)
        self.assertIn("patched-ext4: no vm.status", md)

    def test_damaged_combination_file_is_named(self):
        self.two_fs()
        fx.write(os.path.join(self.root, "runs", "patched-ext4", "vm.status"), "zero\n")
        _, md, _ = self.report(rc=1)
        self.assertIn("patched-ext4/vm.status is not a number: 'zero'", md)

    def test_a_fifo_is_not_waited_on(self):
        self.two_fs()
        p = os.path.join(self.root, "runs", "patched-ext4", "results", "result.xml")
        os.unlink(p)
        os.mkfifo(p)
        got = []

        def report():
            # the package's main: only the main thread may set __main__'s
            # signal handler
            with contextlib.redirect_stdout(io.StringIO()) as out, \
                    contextlib.redirect_stderr(io.StringIO()):
                got.append((fstests.main([self.root]), out.getvalue()))
        t = threading.Thread(target=report, daemon=True)
        t.start()
        t.join(20)
        if t.is_alive():
            # a report stuck opening the FIFO: a writer that closes at once
            # lets it go, and the test fails instead of hanging
            os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
            t.join(20)
            self.fail("the report waited for a writer on a FIFO")
        self.assertEqual(got[0][0], 1)
        self.assertIn("is not a regular file", got[0][1])

    def test_repeated_iterations(self):
        # fstests -i 3 lists a test once per iteration: one failure fails it
        once = [passed(G1), passed(G2)]
        xml = fx.xml([passed(G1), failed(G1, out_bad="x\n"), notrun(G2, "later"), passed(G2),
                      passed(G1)], "ext2")
        self.one(once, once, result_xml=xml)
        _, _, js = self.report(rc=1)
        self.assertEqual(self.item(js, G1)["series"]["status"], "fail")
        self.assertEqual(self.item(js, G2)["class"], "passed")
        self.assertEqual(js["combinations"][1]["total"], 2)


# ---------------------------------------------------------------- the command line

class TestCommandLine(Case):
    def test_help(self):
        rc, out, err = run_fstests("--help")
        self.assertEqual((rc, err), (0, ""))
        self.assertTrue(out.startswith("usage: python3 -m daxreport fstests"))
        self.assertIn("Exit status", out)

    def test_bad_usage(self):
        fx.clean(self.root)
        for argv, msg in (([], "usage:"), (["--frob", self.root], "unknown option '--frob'"),
                          ([self.root, self.root], "usage:"), (["--base"], "--base needs a value"),
                          (["--force", self.root], "--force only applies with --out"),
                          ([os.path.join(self.d, "nope")], "is not a directory")):
            rc, out, err = run_fstests(*argv)
            self.assertEqual(rc, 2, argv)
            self.assertEqual(out, "")
            self.assertTrue(err.startswith("daxreport fstests: "), err)
            self.assertIn(msg, err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_bad_runs(self):
        os.makedirs(self.root)
        _, _, err = self.report(rc=2)
        self.assertIn("is not an fstests run (no runs/ directory)", err)
        self.run_()
        _, _, err = self.report(rc=2)
        self.assertIn("holds no combination", err)
        os.makedirs(os.path.join(self.root, "runs", "oddname"))
        _, _, err = self.report(rc=2)
        self.assertIn("runs/oddname is not named KERNEL-FS", err)

    def test_kernels_must_be_the_base_and_one_other(self):
        r = self.run_()
        r.combo("patched", "ext2", [passed(G1)])
        r.combo("variant", "ext2", [passed(G1)])
        _, _, err = self.report(rc=2)
        self.assertIn("no combination of the base kernel 'stock'", err)
        r.combo("stock", "ext2", [passed(G1)])
        _, _, err = self.report(rc=2)
        self.assertIn("exactly one other, not patched, stock, variant", err)
        # with only the base
        r2 = fx.Run(os.path.join(self.d, "only"))
        r2.combo("stock", "ext2", [passed(G1)])
        rc, _, err = run_fstests(r2.root)
        self.assertEqual(rc, 2)
        self.assertIn("exactly one other", err)

    def test_base_option_names_the_base(self):
        r = self.run_()
        r.both("ext2", [passed(G1)], [failed(G1, out_bad="x\n")], base="v6.9-rc1",
               series="v6.9-dax")
        _, md, js = self.report("--base", "v6.9-rc1", rc=1)
        self.assertEqual((js["base"], js["series"]), ("v6.9-rc1", "v6.9-dax"))
        self.assertIn("- base v6.9-rc1, series v6.9-dax, -g dax", md.splitlines()[0])
        # the other way round, the failure is a fix
        _, _, js = self.report("--base", "v6.9-dax", rc=0)
        self.assertEqual(self.item(js, G1)["class"], "fix")

    def test_malformed_provenance_is_bad_input(self):
        fx.clean(self.root)
        fx.write(os.path.join(self.root, "provenance.json"), "[1, 2")
        _, _, err = self.report(rc=2)
        self.assertIn("provenance.json is not JSON", err)

    def test_out_refuses_to_overwrite_inputs(self):
        fx.clean(self.root)
        runs = os.path.join(self.root, "runs", "stock-ext2")
        _, _, err = self.report("--out", runs, rc=2)
        self.assertIn("is inside the run's runs/", err)
        # the known file given is where summary.md would go
        other = os.path.join(self.d, "out")
        fx.write(os.path.join(other, "summary.md"), KNOWN_HEAD)
        _, _, err = self.report("--known", os.path.join(other, "summary.md"), "--out", other,
                                "--force", rc=2)
        self.assertIn("summary.md there is an input of the run", err)
        # a run's summary.json that is a link to its provenance
        os.symlink("provenance.json", os.path.join(self.root, "summary.json"))
        _, _, err = self.report(rc=2)
        self.assertIn("summary.json there is an input of the run", err)
        with open(os.path.join(self.root, "provenance.json")) as fh:
            self.assertEqual(json.load(fh), fx.PROVENANCE)

    def test_out_needs_force_over_an_earlier_report(self):
        fx.clean(self.root)
        other = os.path.join(self.d, "out")
        self.report("--out", other, rc=0)
        _, _, err = self.report("--out", other, rc=2)
        self.assertIn("already holds a report (summary.md, summary.json); --force", err)
        self.report("--out", other, "--force", rc=0)
        self.assertFalse(os.path.exists(os.path.join(self.root, "summary.md")))
        # a run's own report is rebuilt without --force
        self.report(rc=0)
        self.report(rc=0)

    def test_out_not_a_directory(self):
        fx.clean(self.root)
        f = os.path.join(self.d, "file")
        fx.write(f, "x")
        _, _, err = self.report("--out", f, rc=2)
        self.assertIn("exists and is not a directory", err)

    def test_unwritable_output_is_a_failed_run(self):
        fx.clean(self.root)
        os.makedirs(os.path.join(self.root, "summary.json"))
        rc, out, err = run_fstests(self.root)
        self.assertEqual(rc, 1)
        self.assertIn("daxreport fstests: cannot write the report", err)


# ---------------------------------------------------------------- the outputs

class TestOutputs(Case):
    def test_clean_run(self):
        fx.clean(self.root)
        _, md, js = self.report(rc=0)
        lines = md.splitlines()
        self.assertEqual(lines[0], "**fstests gate: 0 regressions** (0 explained, 0 fixed, "
                                   "0 shared failures) - base stock, series patched, -g dax")
        self.assertIn("| ext2 | stock | 2 | 0 | 0 | 2 | 6 min 11 s | clean | ok |", md)
        rows = [ln for ln in lines if ln.startswith(("| ext2 |", "| ext4 |", "| xfs |"))]
        self.assertEqual(len(rows), 6)
        for s in ("Regressions", "Explained", "Fixes", "Shared failures", "Not run",
                  "Console reports", "Incomplete"):
            self.assertNotIn("## " + s, md)
        self.assertEqual(js["schema"], 1)
        self.assertEqual(js["provenance"], fx.PROVENANCE)
        self.assertEqual(js["verdict"]["exit"], 0)
        self.assertEqual(js["verdict"]["headline"], lines[0])
        self.assertEqual(len(js["tests"]), 6)
        self.assertEqual(len(js["combinations"]), 6)

    def test_provenance_section(self):
        fx.clean(self.root)
        _, md, _ = self.report(rc=0)
        prov = section(md, "Provenance")
        self.assertIn("fstests 0123456789ab from xfstests-dev.tar.gz, build feedc0de12345678; "
                      "stock (config aaaaaaaaaaaa); patched (config bbbbbbbbbbbb, series "
                      "cccccccccccc); -g dax; QEMU emulator version 8.2.2; accel tcg; jobs 2; "
                      "host box; started 2024-05-01T10:00:00Z; wall 25 min 00 s", prov)
        self.assertIn("- ext2: mkfs `-b 4096`, mount `-o dax`", prov)
        self.assertIn("- xfs: mkfs `-b size=4096`, mount `-o dax=always`", prov)

    def test_without_provenance(self):
        fx.clean(self.root, provenance=None)
        _, md, js = self.report(rc=0)
        self.assertIn("selection unknown", md.splitlines()[0])
        self.assertIn("no provenance.json", md)
        self.assertIsNone(js["provenance"])

    def test_long_lists_are_cut(self):
        tests = [notrun(f"generic/{n:03d}", "requires scratch_shutdown") for n in range(20)]
        self.one(tests, tests)
        _, md, js = self.report(rc=0)
        self.assertIn("generic/007 +12", section(md, "Not run"))
        self.assertEqual(js["verdict"]["not_run"], 20)

    def test_everything_at_once(self):
        """Each class in one run: the first line counts each of them."""
        r = self.run_()
        r.both("ext2",
               [passed(G1), failed(G2, out_bad="a\n"), failed(G3, out_bad="s\n"),
                failed("generic/100", out_bad="f\n"), passed("generic/200")],
               [failed(G1, out_bad="n\n"), failed(G2, out_bad="b\n"), failed(G3, out_bad="s\n"),
                passed("generic/100"), notrun("generic/200", "gone")])
        sig = failure.signature(f"- output mismatch (see /guest/run/results/{G1}.out.bad)",
                                b"QA output created by 001\nn\n", "output")
        fx.write(r.path("known"), f"ext2\t{G1}\tpatched\t{sig}\texpected\n")
        _, md, js = self.report(rc=1)
        self.assertEqual(md.splitlines()[0],
                         "**fstests gate: FAILED: 2 regressions (1 lost)** (1 explained, "
                         "1 fixed, 1 shared failure, 5 patches not reached) - base stock, series "
                         "patched, -g dax")
        v = js["verdict"]
        self.assertEqual((v["regressions"], v["lost"], v["explained"], v["fixed"],
                          v["shared_failures"]), (2, 1, 1, 1, 1))

    def test_dispatch_from_the_package(self):
        # `python3 -m daxreport fstests` is what scripts/fstests runs
        fx.clean(self.root)
        import subprocess
        import sys
        bench = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        p = subprocess.run([sys.executable, "-m", "daxreport", "fstests", self.root],
                           cwd=bench, capture_output=True, text=True,
                           env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith("**fstests gate: 0 regressions**"))


if __name__ == "__main__":
    unittest.main()
