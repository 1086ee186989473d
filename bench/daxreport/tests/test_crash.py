"""The crash-test report (daxreport.crash) on results/crash-reference and on
run directories made from it: assembling crash.json, its schema check,
the verdict and exit status, and each section of report.md."""
import contextlib
import copy
import io
import json
import os
import tempfile
import unittest

from daxreport import crash as crashmod
from daxreport.__main__ import main
from daxreport.crash import fmt, load, sections, verdict
from daxreport.tests import crash_fixtures as fx


def run_crash(*argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(["crash", *argv])
    return rc, err.getvalue()


def read(*p):
    with open(os.path.join(*p)) as fh:
        return fh.read()


class Tmp(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()


def clean(crash):
    """CRASH with no violation on stock and patched."""
    c = copy.deepcopy(crash)
    for r in c["runs"]:
        if r["role"] == "kernel":
            r["result"]["durability_violations"] = 0
            r["result"]["flush_contract_violations"] = 0
    return c


# ---------------------------------------------------------------- the reference

class TestReferenceRebuild(Tmp):
    """report.md of results/crash-reference, rebuilt from its crash.json."""

    def test_identical_with_what_the_old_schema_lacks(self):
        # What crash.json did not record then (cores, the violation
        # excerpts) is supplied as a run made now records it.
        run = fx.write_crash(self.d, fx.with_reference_gaps_filled())
        rc, err = run_crash(run)
        self.assertEqual(rc, 1, err)
        self.assertEqual(read(run, "report.md"), fx.reference_report())

    def test_as_it_is_only_those_lines_differ(self):
        run = fx.write_crash(self.d, fx.reference())
        self.assertEqual(run_crash(run)[0], 1)
        new, old = read(run, "report.md").splitlines(), fx.reference_report().splitlines()
        self.assertEqual(new[2], "Set `default` on vm, QEMU TCG guest, one vCPU. Workload "
                                 "1048576 bytes;")
        self.assertEqual(old[2], "Set `default` on vm (2 cores), QEMU TCG guest, one vCPU. "
                                 "Workload 1048576 bytes;")
        self.assertEqual(new.count("(no report file)"), 2)
        ex = [ln for v in fx.reference_excerpts().values() for ln in v]
        self.assertEqual(len(old) - len(new), len(ex) - 2)
        rest_old = [ln for i, ln in enumerate(old) if i != 2 and ln not in ex]
        rest_new = [ln for i, ln in enumerate(new) if i != 2 and ln != "(no report file)"]
        self.assertEqual(rest_new, rest_old)

    def test_old_run_directory_still_has_its_reports(self):
        # a crash.json from before the excerpts, beside its run directories
        run = fx.write_crash(self.d, dict(fx.reference(), cores=2))
        for key, lines in fx.reference_excerpts().items():
            fx.write(os.path.join(run, key, "violations", "001.txt"),
                     "\n".join(lines + ["line 26", "line 27"]) + "\n")
        self.assertEqual(run_crash(run)[0], 1)
        self.assertEqual(read(run, "report.md"), fx.reference_report())

    def test_assembled_from_a_run_directory(self):
        """crashtest/run's files for the reference run -> the same numbers,
        the same report."""
        run = fx.run_dir(os.path.join(self.d, "run"), fx.with_reference_gaps_filled())
        rc, err = run_crash("--assemble", run)
        self.assertEqual(rc, 1, err)
        self.assertEqual(read(run, "report.md"), fx.reference_report())
        got = json.loads(read(run, "crash.json"))
        ref = fx.reference()
        for a, b in zip(got["runs"], ref["runs"]):
            for k in ("scenario", "kernel", "role", "status", "dir", "vm_seconds",
                      "judge_seconds", "trace_bytes", "images_per_second", "result", "tracer"):
                self.assertEqual(a[k], b[k], (a["dir"], k))
        self.assertEqual(got["options"]["xfs_budget"], 150)
        self.assertEqual(got["mutants"], ["no-flush-fence", "no-flushcache-tail",
                                          "no-wb-cache-pmem"])


# ---------------------------------------------------------------- load

class TestAssemble(Tmp):
    def assemble(self, crash=None, **kw):
        run = fx.run_dir(os.path.join(self.d, "run"), crash or clean(fx.reference()), **kw)
        return run, load.assemble(run)

    def test_runs_in_order_with_their_files(self):
        _, c = self.assemble()
        self.assertEqual(len(c["runs"]), 28)
        r = c["runs"][0]
        self.assertEqual((r["scenario"], r["kernel"], r["judge_seconds"], r["vm_seconds"],
                          r["images_per_second"]),
                         ("dm-ext4-write-fsync", "stock", 10.33, 14.6, 77.8))
        self.assertEqual(c["planned_runs"], 28)
        self.assertFalse(c["partial"])

    def test_excerpt_is_25_lines(self):
        crash = fx.with_reference_gaps_filled()
        _, c = self.assemble(crash)
        ex = [r["first_violation"] for r in c["runs"] if r["first_violation"]]
        self.assertEqual([len(x) for x in ex], [25, 25])

    def test_unreadable_result_is_a_failed_run(self):
        run = fx.run_dir(os.path.join(self.d, "run"), clean(fx.reference()))
        fx.write(os.path.join(run, "ext4-dir-ops", "stock", "result.json"), '{"crash_po')
        c = load.assemble(run)
        r = [r for r in c["runs"] if r["dir"] == "ext4-dir-ops/stock"][0]
        self.assertEqual((r["status"], r["result"]), ("error", {}))
        self.assertIn("ext4-dir-ops/stock: result.json is unreadable", c["partial_reasons"][0])
        self.assertEqual(c["partial_kinds"], ["failed"])
        self.assertEqual(verdict.status(c)[0], 1)

    def test_garbled_timing_is_a_failed_run(self):
        run = fx.run_dir(os.path.join(self.d, "run"), clean(fx.reference()))
        fx.write(os.path.join(run, "ext4-dir-ops", "stock", "judge-ms"), "12ms\n")
        c = load.assemble(run)
        self.assertIn("judge-ms is not a number", c["partial_reasons"][0])

    def test_overhead(self):
        _, c = self.assemble(overhead={"stock": (10.0, 100, 400), "patched": (20.0, 0, 300)})
        o = c["tracer_overhead"]
        self.assertEqual([x["kernel"] for x in o], ["stock", "patched"])
        self.assertEqual(o[0]["traced_seconds"], 14.6)       # dm-ext4-write-fsync/stock
        self.assertEqual(o[0]["slowdown"], 1.46)
        self.assertEqual(o[0]["workload_slowdown"], 4.0)
        self.assertIsNone(o[1]["workload_slowdown"])          # plain workload 0 ms
        self.assertTrue(c["overhead"])

    def test_cpu_code_recorded(self):
        run = fx.run_dir(os.path.join(self.d, "run"), clean(fx.reference()))
        self.assertNotIn("cpu_code", load.assemble(run)["options"])   # before the option
        fx.write(os.path.join(run, "meta.tsv"), read(run, "meta.tsv") + "cpu_code\tsmp\n")
        self.assertEqual(load.assemble(run)["options"]["cpu_code"], "smp")

    def test_batch_recorded_and_reported(self):
        run = fx.run_dir(os.path.join(self.d, "run"), clean(fx.reference()))
        c = load.assemble(run)
        self.assertNotIn("batch", c)                      # before the option
        self.assertNotIn("per guest boot", "\n".join(sections.provenance(c)))
        fx.write(os.path.join(run, "meta.tsv"), read(run, "meta.tsv") + "batch\t8\n")
        c = load.assemble(run)
        self.assertEqual(c["batch"], "8")
        self.assertIn("Up to 8 runs of one kernel traced per guest boot",
                      "\n".join(sections.provenance(c)))
        # a resumed campaign: only the runs with a batch file shared a boot
        n = len(c["runs"])
        self.assertIn(f": 0 of {n} runs shared a boot", "\n".join(sections.provenance(c)))
        fx.write(os.path.join(run, c["runs"][0]["dir"], "batch"),
                 "batch batch/patched-x\nruns 2\nstatus 0\n")
        c = load.assemble(run)
        self.assertEqual(c["runs"][0]["boot_shared_by"], 2)
        self.assertIn(f": 1 of {n} runs shared a boot", "\n".join(sections.provenance(c)))
        fx.write(os.path.join(run, c["runs"][0]["dir"], "batch"), "garbled\n")
        self.assertIn("batch has no", " ".join(load.assemble(run)["runs"][0]["problems"]))
        fx.write(os.path.join(run, "meta.tsv"), read(run, "meta.tsv").replace("batch\t8\n", "batch\t1\n"))
        self.assertNotIn("per guest boot", "\n".join(sections.provenance(load.assemble(run))))

    def test_left_out_mutants_are_reported(self):
        run = fx.run_dir(os.path.join(self.d, "run"), clean(fx.reference()))
        c = load.assemble(run)
        self.assertNotIn("mutants_left_out", c)            # none left out
        self.assertNotIn("Left out:", sections.mutants(c))
        fx.write(os.path.join(run, "left-out.tsv"),
                 "no-ext2-dir-sync\tnot for Linux 6.12: ext2 has no MAP_SYNC there\n")
        c = load.assemble(run)
        self.assertEqual(c["mutants_left_out"], [
            {"mutant": "no-ext2-dir-sync", "why": "not for Linux 6.12: ext2 has no MAP_SYNC there"}])
        out = sections.mutants(c)
        self.assertEqual(out[out.index("Left out:") + 1],
                         "- no-ext2-dir-sync: not for Linux 6.12: ext2 has no MAP_SYNC there")
        # what crash.json keeps, the report made again from it says too
        self.assertIn("- no-ext2-dir-sync: not for Linux 6.12",
                      "\n".join(sections.mutants(json.loads(json.dumps(c)))))

    def test_ssh_logins_named_with_their_slots(self):
        _, c = self.assemble()
        c = dict(c, hosts="1/shard-1 1/shard-2", jobs="1")
        self.assertIn("Sharded with GNU parallel over 2 ssh login(s): shard-1 (1 slot), "
                      "shard-2 (1 slot).", sections.provenance(c))
        c = dict(c, hosts="4/big : other", jobs="3")
        self.assertIn("Sharded with GNU parallel over 3 ssh login(s): big (4 slots), "
                      "this host (3 slots), other (3 slots).", sections.provenance(c))
        c = dict(c, hosts="", jobs="2")
        self.assertIn("Sharded with GNU parallel: 2 job slot(s) on this host.",
                      sections.provenance(c))

    def test_bad_files(self):
        run = fx.run_dir(os.path.join(self.d, "run"), clean(fx.reference()))
        good_meta = read(run, "meta.tsv")
        for name, text, says in (
                ("meta.tsv", good_meta.replace("budget\t1500", "budget\t-1"),
                 "budget is not a whole number"),
                ("meta.tsv", good_meta.replace("cores\t2\n", ""), "lacks cores"),
                ("meta.tsv", good_meta + "color\tred\n", "not a KEY<TAB>VALUE line"),
                ("meta.tsv", good_meta + "cpu_code\tquantum\n", "cpu_code is up or smp"),
                ("partial.tsv", "oops\tsomething\n", "not KIND<TAB>REASON"),
                ("left-out.tsv", "no-tab-here\n", "not NAME<TAB>WHY"),
                ("left-out.tsv", "\tno name\n", "not NAME<TAB>WHY"),
                ("runs.tsv", "a\tb\tc\n", "3 fields, not 6"),
                ("runs.tsv", "a\tstock\tkernel\tfine\ta/stock\t0\n", "not SCENARIO KERNEL"),
                ("runs.tsv", "a\tstock\tkernel\tclean\t../../etc\t0\n", "not SCENARIO KERNEL")):
            with self.subTest(file=name, says=says):
                f = os.path.join(run, name)
                keep = read(f) if os.path.exists(f) else None
                fx.write(f, text)
                with self.assertRaises(load.BadInput) as e:
                    load.assemble(run)
                self.assertIn(says, str(e.exception))
                if keep is None:
                    os.unlink(f)
                else:
                    fx.write(f, keep)


class TestCheck(Tmp):
    """crash.json that is not one: exit 2, one message naming what."""

    def bad(self, crash, says):
        run = tempfile.mkdtemp(dir=self.d)
        fx.write(os.path.join(run, "crash.json"),
                 crash if isinstance(crash, str) else json.dumps(crash))
        rc, err = run_crash(run)
        self.assertEqual(rc, 2, err)
        self.assertIn(says, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertFalse(os.path.exists(os.path.join(run, "report.md")))

    def test_malformed(self):
        ref = fx.reference()

        def edit(fn):
            c = copy.deepcopy(ref)
            fn(c)
            return c
        cases = [
            ('{"date": "x", "runs": [', "is not readable JSON"),
            ("", "is not readable JSON"),
            ("[]", "not a JSON object"),
            (edit(lambda c: c.pop("runs")), "no runs list"),
            (edit(lambda c: c.pop("unit")), "unit lacks passed or failed"),
            (edit(lambda c: c["options"].pop("budget")), "options lack"),
            (edit(lambda c: c["runs"][3].update(status="fine")), "runs[3]: role 'kernel' or "
                                                                 "status 'fine' unknown"),
            (edit(lambda c: c["runs"][0].update(result=[])), "runs[0] has no result object"),
            (edit(lambda c: c["runs"][0]["result"].update(durability_violations="1")),
             "result.durability_violations is not a number"),
            (edit(lambda c: c["runs"][0].update(vm_seconds=None)), "vm_seconds is not a number"),
            (edit(lambda c: c["runs"][0].update(dir="/etc")), "is not a directory inside"),
            (edit(lambda c: c.update(partial_kinds=["failed"])), "partial_kinds does not match"),
            (edit(lambda c: c["runs"][1].update(first_violation="x")), "not a list of lines"),
        ]
        for crash, says in cases:
            with self.subTest(says=says):
                self.bad(crash, says)

    def test_usage(self):
        self.assertEqual(run_crash()[0], 2)
        self.assertEqual(run_crash(os.path.join(self.d, "none"))[0], 2)
        rc, err = run_crash(self.d)
        self.assertEqual(rc, 2)
        self.assertIn("not a crash-test run (no crash.json)", err)
        rc, err = run_crash("--assemble", self.d)
        self.assertIn("no runs.tsv", err)
        self.assertEqual(run_crash("a", "b")[0], 2)


# ---------------------------------------------------------------- verdict

class TestVerdict(unittest.TestCase):
    def test_reference_findings(self):
        c = fx.reference()
        self.assertEqual([f"{r['scenario']}/{r['kernel']}" for r in verdict.findings(c)],
                         ["ext4-map-sync/stock", "ext4-map-sync/patched"])
        self.assertEqual(verdict.missed(c), [])
        self.assertEqual(verdict.status(c), (1, [
            "durability or flush-contract violations on stock/patched: ext4-map-sync/stock "
            "ext4-map-sync/patched"]))

    def test_clean(self):
        self.assertEqual(verdict.status(clean(fx.reference())), (0, []))

    def test_fsck_alone_is_listed_not_failed(self):
        c = clean(fx.reference())
        self.assertEqual(len(verdict.fsck_runs(c)), 3)
        self.assertEqual(verdict.status(c)[0], 0)

    def test_mutant_caught_by_any_oracle(self):
        c = clean(fx.reference())
        for r in c["runs"]:
            if r["kernel"] == "mutant-no-wb-cache-pmem":
                r["result"].update(durability_violations=0, fsck_violations=2)
        self.assertEqual(verdict.missed(c), [])
        for r in c["runs"]:
            if r["kernel"] == "mutant-no-wb-cache-pmem":
                r["result"]["fsck_violations"] = 0
        self.assertEqual(verdict.missed(c), ["no-wb-cache-pmem"])
        self.assertEqual(verdict.status(c), (1, ["mutants not caught: no-wb-cache-pmem"]))

    def test_mutant_that_never_ran_is_not_caught(self):
        c = dict(clean(fx.reference()), mutants=["no-flush-fence", "never-ran"])
        self.assertEqual(verdict.missed(c), ["never-ran"])

    def test_exit_statuses(self):
        base = clean(fx.reference())
        cases = [
            ({"partial_reasons": ["ext4-dir-ops/stock: judged in part"],
              "partial_kinds": ["incomplete"]}, 4),
            ({"partial_reasons": ["disk nearly full"], "partial_kinds": ["resources"]}, 5),
            ({"partial_reasons": ["x", "y"], "partial_kinds": ["resources", "failed"]}, 1),
            ({"partial_reasons": ["x"], "partial_kinds": ["incomplete"],
              "unit": {"passed": 54, "failed": 1}}, 1),
            # older files: a reason without a kind is incomplete...
            ({"partial_reasons": ["trace partial"]}, 4),
        ]
        for change, want in cases:
            with self.subTest(change=change):
                c = dict(base, **change)
                self.assertEqual(verdict.status(c)[0], want)
        # ... unless a run failed
        c = copy.deepcopy(base)
        c["runs"][0]["status"] = "error"
        c["partial_reasons"] = ["guest hung"]
        self.assertEqual(verdict.kinds(c), ["failed"])
        self.assertEqual(verdict.status(c)[0], 1)
        c = copy.deepcopy(base)
        c["runs"][0]["status"] = "partial"
        self.assertEqual(verdict.status(c)[0], 4)


# ---------------------------------------------------------------- sections

class TestSections(unittest.TestCase):
    def test_header_budget(self):
        h = sections.header(fx.with_reference_gaps_filled())
        self.assertEqual(h[:5], [
            "# Crash test, 20261121-101904", "",
            "Set `default` on vm (2 cores), QEMU TCG guest, one vCPU. Workload 1048576 bytes;",
            "crash points at every `fence`, about 1500 states per run sampled over the whole "
            "trace (150 for xfs, judged in a guest).",
            "Total time 749 s. libpmsim unit tests: 55 passed, 0 failed."])

    def test_header_cpu_code(self):
        for code, words in (("up", "(UP kernel code: LOCK prefixes patched out, atomics "
                                   "fence nothing)"),
                            ("smp", "(SMP kernel code, noreplace-smp: atomics are locked, "
                                    "fences)")):
            c = fx.with_reference_gaps_filled()
            c["options"]["cpu_code"] = code
            self.assertEqual(sections.header(c)[2],
                             f"Set `default` on vm (2 cores), QEMU TCG guest, one vCPU {words}. "
                             "Workload 1048576 bytes;")

    def test_header_mode_partial_skipped(self):
        c = fx.reference()
        c["options"].update(mode="bounded:2", max_states=77)
        c["unit"]["skipped"] = 3
        c.update(partial_reasons=["a", "b"], planned_runs=30)
        h = sections.header(c)
        self.assertEqual(h[3], "crash points at every `fence`, enumeration `bounded:2`, at most "
                               "77 states per run.")
        self.assertTrue(h[4].endswith("55 passed, 0 failed, 3 skipped."))
        self.assertEqual(h[5:], ["", "**PARTIAL RESULTS.** What did not complete:", "- a",
                                 "- b", "- covered: 28 of 30 planned runs judged completely"])

    def test_scenario_row_as_jq_printed_it(self):
        r = fx.reference()["runs"][0]
        self.assertEqual(sections.scenario_row(r), [
            "dm-ext4-write-fsync", "stock", "clean", "224", "960", "804", "623", "0", "0",
            "0 of 51", "77.8", "9.6", "315988", "0%", "14.6", "10.3"])
        # an errored run has no result: dashes, and zeros where jq added
        e = dict(r, status="error", result={}, trace_bytes=0, images_per_second=0,
                 judge_seconds=0, vm_seconds=3.2)
        self.assertEqual(sections.scenario_row(e)[2:], [
            "error", "-", "-", "-", "-", "-", "-", "-", "0", "0", "0", "-", "3.2", "0"])
        # jq's truth: 0 drain marks still print, a noise share of 0.4266 is 42.6%
        z = dict(r, result=dict(r["result"], drain_marks=0, noise_share=0.4266))
        self.assertEqual(sections.scenario_row(z)[9], "0 of 0")
        self.assertEqual(sections.scenario_row(z)[13], "42.6%")

    def test_mutants_not_caught_with_last_fences(self):
        c = clean(fx.reference())
        for r in c["runs"]:
            if r["kernel"] == "mutant-no-flush-fence":
                r["result"]["flush_contract_violations"] = 0
                r["last_fences_summary"] = [f"{r['scenario']}: 17 marks closed by sfence"]
        out = sections.mutants(c)
        self.assertIn("| mutant-no-flush-fence | ext4-write-fsync | violations | 0 | 0 | 0 | no |",
                      out[3])
        i = out.index("Not caught: no-flush-fence. The fence that closed each promise on the "
                      "mutant")
        self.assertEqual(out[i + 1:], [
            "(`ctoracle last-fences`):",
            "", "- no-flush-fence, ext4-mmap-msync:", "  - ext4-mmap-msync: 17 marks closed by sfence",
            "", "- no-flush-fence, ext4-osync-write:", "  - ext4-osync-write: 17 marks closed by sfence",
            "", "- no-flush-fence, ext4-write-fsync:", "  - ext4-write-fsync: 17 marks closed by sfence"])

    def test_findings(self):
        out = sections.findings(clean(fx.reference()))
        self.assertEqual(out[:4], ["", "## Findings on stock and patched", "",
                                   "No durability or flush-contract violation on the stock or "
                                   "patched kernel."])
        self.assertEqual(out[-3:], ["- ext2-map-sync/patched: 1", "- ext2-write-fsync/stock: 3",
                                    "- ext2-write-fsync/patched: 3"])
        c = fx.with_reference_gaps_filled()
        out = sections.findings(c)
        self.assertEqual(out[3:6], ["### ext4-map-sync/stock", "", "```"])
        self.assertEqual(out[6], "scenario:     ext4-map-sync/stock")
        self.assertEqual(out[31], "```")

    def test_overhead(self):
        c = dict(fx.reference(), overhead=True, scenarios=["dm-ext4-write-fsync"],
                 tracer_overhead=[
                     {"kernel": "stock", "plain_seconds": 10.0, "traced_seconds": 14.6,
                      "slowdown": 1.46, "plain_workload_ms": 100, "traced_workload_ms": 403,
                      "workload_slowdown": 4.03},
                     {"kernel": "patched", "plain_seconds": 10.0, "traced_seconds": 14.1,
                      "slowdown": 1.41, "plain_workload_ms": 0, "traced_workload_ms": 300,
                      "workload_slowdown": None}])
        self.assertEqual(sections.overhead(c), [
            "", "## Tracer overhead (boot + dm-ext4-write-fsync, wall seconds)", "",
            "- stock: plain TCG 10 s, traced 14.6 s, 1.46x; traced window alone (guest clock) "
            "100 ms plain, 403 ms traced, 4.03x",
            "- patched: plain TCG 10 s, traced 14.1 s, 1.41x; traced window alone (guest clock) "
            "0 ms plain, 300 ms traced, -"])
        self.assertEqual(sections.overhead(fx.reference()), [])
        self.assertEqual(len(sections.overhead(dict(fx.reference(), overhead=True))), 3)

    def test_footer(self):
        self.assertTrue(sections.footer({})[1].startswith("Per run: `<scenario>/<kernel>/`"))

    def test_numbers_as_jq_printed_them(self):
        for x, s in ((16.0, "16"), (10.33, "10.33"), (0.1 + 0.2, "0.30000000000000004"),
                     (1e17, "1e+17"), (1.5e16, "15000000000000000"), (1e-5, "1e-05"),
                     (0.0001, "0.0001"), (-0.0, "-0"), (2.5e-7, "2.5e-07"), (300, "300")):
            self.assertEqual(fmt.num(x), s)
        self.assertEqual([fmt.truthy(x) for x in (0, "", None, False)], [True, True, False, False])


class TestPackage(unittest.TestCase):
    def test_one_version(self):
        import daxreport
        cli = read(fx.TOP, "bench", "lib", "cli.sh")
        self.assertIn(f"DAXLAB_TOOLS_VERSION={daxreport.__version__}\n", cli)

    def test_help(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(crashmod.main(["--help"]), 0)
        self.assertIn("python3 -m daxreport crash", out.getvalue())


if __name__ == "__main__":
    unittest.main()
