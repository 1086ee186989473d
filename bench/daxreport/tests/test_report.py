"""The whole report on synthetic runs and on results/reference: units by
clock, the significance rule in the tables and answers, unreadable cells,
the counts sections, and bench/report's exit status."""
import contextlib
import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from daxreport.__main__ import main
from daxreport.tests import fixtures

BENCH = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOP = os.path.dirname(BENCH)
REFERENCE = os.path.join(TOP, "results", "reference")


def run_main(path):
    return run_main_args([path])


def run_main_args(argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, err.getvalue()


def read(path, name):
    with open(os.path.join(path, name)) as fh:
        return fh.read()


def csv_rows(path):
    with open(os.path.join(path, "results.csv"), newline="") as fh:
        return list(csv.DictReader(fh))


def table_lines(md):
    return [ln for ln in md.splitlines() if ln.startswith("|")]


def section(md, title):
    """The text of one '## title' section."""
    i = md.index("## " + title)
    j = md.find("\n## ", i + 1)
    return md[i:] if j < 0 else md[i:j]


class Fixture(unittest.TestCase):
    clock = "icount"
    counts = True

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.fx = fixtures.example_run(cls.tmp.name, clock=cls.clock, counts=cls.counts)
        cls.rc, cls.err = run_main(cls.fx.path)
        cls.md = read(cls.fx.path, "summary.md")
        cls.rows = csv_rows(cls.fx.path)
        cls.charts = read(cls.fx.path, "charts/charts.list")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()


class TestIcount(Fixture):
    def test_exit_ok(self):
        self.assertEqual(self.rc, 0, self.err)

    def test_summary_says_icount(self):
        self.assertIn("**Clock: icount (QEMU -icount shift=0,align=off,sleep=off).**", self.md)
        self.assertIn("instruction count", self.md)
        self.assertIn("| clock | icount", self.md)

    def test_tables_name_no_time(self):
        model = section(self.md, "Platform cost model")
        measured = self.md.replace(model, "")
        for ln in table_lines(measured):
            self.assertNotRegex(ln, r"GB/s|\bns/|µs|\bns\b|faster|slower", ln)
        # the model prices events in ns, and says so in every column
        for ln in table_lines(model)[:1]:
            self.assertEqual(ln.count("modelled ns/op"), 3)
        self.assertIn("| kernel | op | B/insn |", self.md)
        self.assertIn("insns/fault PTE-only", self.md)
        self.assertRegex(self.md, r"\| ext4-dax-pmem \| msync-1 \| insns/page \|")

    def test_answers_name_no_time(self):
        ans = section(self.md, "Answers")
        self.assertNotRegex(ans, r"GB/s|µs|faster|slower")
        self.assertIn("B/insn", ans)
        self.assertNotIn("GB/s", self.md)       # nowhere, as tests/vm-host/35-bench-icount.sh checks

    def test_csv_columns(self):
        head = list(self.rows[0].keys())
        for c in ("clock", "bytes_per_insn", "insns_per_fault", "insns_per_page",
                  "lat_p50_insns", "lat_mean_insns", "ops_per_ginsn"):
            self.assertIn(c, head)
        for c in ("gbps", "ns_per_fault", "ns_per_page", "lat_p50_ns", "iops"):
            self.assertNotIn(c, head)
        self.assertEqual({r["clock"] for r in self.rows}, {"icount"})

    def test_chart_titles(self):
        for line in self.charts.splitlines():
            name, title, gpvars = line.split("\t")
            self.assertIn("icount", title, name)
            self.assertNotIn("GB/s", gpvars, name)
            self.assertNotRegex(gpvars, r"µs|\(ns\)", name)
        self.assertRegex(self.charts, r'pte-vs-pmd\t.*ylab="bytes per guest instruction.*B/insn')

    def test_exact_means(self):
        """msync per page under icount: the exact mean / pages, not a bucket."""
        r = [x for x in self.rows if x["cell"] == "msync-16" and x["rep"] == "1"][0]
        self.assertEqual(float(r["insns_per_page"]), 130000.0 / 16)


class TestWall(Fixture):
    clock = "wall"
    counts = False

    def test_summary_says_wall(self):
        self.assertIn("**Clock: wall.**", self.md)
        self.assertIn("| kernel | op | GB/s |", self.md)
        self.assertIn("ns/fault PTE-only", self.md)
        self.assertIn("µs/page", self.md)

    def test_csv_columns(self):
        head = list(self.rows[0].keys())
        for c in ("clock", "gbps", "ns_per_fault", "ns_per_page", "lat_p50_ns"):
            self.assertIn(c, head)
        self.assertNotIn("bytes_per_insn", head)
        self.assertEqual({r["clock"] for r in self.rows}, {"wall"})

    def test_chart_titles(self):
        for line in self.charts.splitlines():
            self.assertIn("[wall clock]", line.split("\t")[1])
        self.assertRegex(self.charts,
                         r'pte-vs-pmd\t.*ylab="throughput touching a fresh mapping \(GB/s\)"')

    def test_no_counts_sections_say_so(self):
        self.assertIn("No event counts in this run", section(self.md, "Where the instructions go"))
        self.assertIn("a MODEL", self.md)


class TestSignificance(Fixture):
    """3 % with 0.1 % spread is a result; 3 % with 10 % spread is not."""
    clock = "wall"
    counts = False

    def row(self, group, cell):
        for ln in table_lines(section(self.md, "Stock vs patched")):
            if ln.startswith(f"| {group} | {cell} |"):
                return ln
        self.fail(f"no row {group} {cell}")

    def test_rule_is_stated(self):
        self.assertIn("**When a difference is a result.**", self.md)
        self.assertIn("2/C(10,5) = 0.008", self.md)

    def test_small_noise_result(self):
        ln = self.row("ext4-dax-pmem", "rw-read-rand-4k")
        self.assertIn("| 1.030x |", ln)
        self.assertIn("faster by 3.0 %", ln)
        self.assertIn("ext4-dax-pmem rw-read-rand-4k: patched faster by 3.0 %",
                      section(self.md, "Answers"))

    def test_large_noise_no_result(self):
        ln = self.row("ext4-dax-pmem", "rw-read-seq-1m")
        self.assertIn("no difference detected at ±10.0 % / ±10.0 %", ln)
        self.assertIn("high variance", ln)
        self.assertNotIn("rw-read-seq-1m: patched", section(self.md, "Answers"))

    def test_columns(self):
        self.assertIn("| group | cell | unit | stock | patched | ratio | 95 % interval | verdict |",
                      self.md)

    def test_chart_data(self):
        with open(os.path.join(self.fx.path, "charts", "stock-vs-patched.dat")) as fh:
            rows = [ln.rstrip("\n").split("\t") for ln in fh][1:]
        by = {r[0]: r for r in rows}
        res = by["ext4-dax-pmem rw-read-rand-4k"]
        self.assertAlmostEqual(float(res[1]), 0.0426, places=3)   # log2(1.03)
        self.assertEqual(res[2], "NaN")
        none = by["ext4-dax-pmem rw-read-seq-1m"]
        self.assertEqual(none[1], "NaN")
        self.assertNotEqual(none[2], "NaN")


class TestUnreadableWarmup(unittest.TestCase):
    """A damaged warm-up record: its cell is unreadable, the report exits 1
    naming the file, and no PMD answer comes from that cell."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.fx = fixtures.example_run(self.tmp.name, clock="wall", counts=False)
        self.bad = "patched__ext2-dax-pmem__fault-write-pmd__0.json"
        with open(os.path.join(self.fx.raw, self.bad), "w") as fh:
            fh.write('{"bench":{"kernel":"patched","group":"ext2-dax-pmem","cell":"fault-wr')

    def tearDown(self):
        self.tmp.cleanup()

    def test_unreadable(self):
        rc, err = run_main(self.fx.path)
        self.assertEqual(rc, 1)
        self.assertIn(self.bad, err)
        md = read(self.fx.path, "summary.md")
        self.assertIn(f"raw/{self.bad}", md)
        self.assertRegex(md, r"\| patched \| ext2-dax-pmem \| fault-write-pmd \| unreadable \| "
                             r"unreadable raw record " + re.escape(self.bad))
        ans = section(md, "Answers")
        # no PMD answer (and no invented "0 PMD faults") from the damaged cell
        self.assertNotRegex(ans, r"patched ext2: PMD-capable [0-9]")
        self.assertIn("patched ext2: not compared, PMD-capable cell unreadable", ans)
        self.assertNotIn("fault-write-pmd: stock 0 PMD faults", ans)
        self.assertNotIn("ext2-dax-pmem fault-write-pmd: patched", ans)
        self.assertIn("not compared, a cell failed, ran only partly or is unreadable: "
                      "ext2-dax-pmem fault-write-pmd (patched cell unreadable)", ans)
        rows = [r for r in csv_rows(self.fx.path) if r["cell"] == "fault-write-pmd"
                and r["kernel"] == "patched"]
        self.assertEqual(len(rows), 6)
        self.assertEqual({r["cell_status"] for r in rows}, {"unreadable"})
        self.assertEqual([r["status"] for r in rows if r["rep"] == "0"], ["unreadable"])
        # the measured repetitions were fine, but give no figure either
        self.assertIn("| ext2-dax-pmem | fault-write-pmd | GB/s | 0.4 ± 0.0002 | unreadable |", md)

    def test_cut_output_in_a_repetition(self):
        p = os.path.join(self.fx.raw, "stock__ext4-dax-pmem__rw-read-rand-4k__3.json")
        with open(p) as fh:
            text = fh.read()
        with open(p, "w") as fh:
            fh.write(text.replace('"gbps"', '"gb'))
        rc, _ = run_main(self.fx.path)
        self.assertEqual(rc, 1)
        md = read(self.fx.path, "summary.md")
        self.assertIn("stock__ext4-dax-pmem__rw-read-rand-4k__3.json", md)
        self.assertNotIn("ext4-dax-pmem rw-read-rand-4k: patched faster", section(md, "Answers"))


class TestCountsSections(Fixture):
    clock = "icount"
    counts = True

    def test_where_the_instructions_go(self):
        w = section(self.md, "Where the instructions go")
        self.assertRegex(w, r"\| patched \| ext2-dax-pmem \| fault-write-pmd \| fault \| 30 \| "
                            r"39\.06 \| ±0\.1 % \| dax_iomap_pmd_fault 29\.3 \(0\.00195 calls\) \|")
        self.assertIn("filemap_read 2,000 (1 calls)", w)

    def test_changed_functions(self):
        w = section(self.md, "Where the instructions go")
        self.assertIn("| ext2-dax-pmem | fault-write-pmd | dax_iomap_pte_fault | 1,200 | 0 | "
                      "-1,200 | 1 | 0 |", w)
        self.assertIn("| ext4-dax-pmem | rw-read-rand-4k | pmem_dax_direct_access | 200 | 260 | "
                      "+60.0 | 1 | 1 |", w)
        # unchanged functions are not listed
        self.assertNotIn("| dax_iomap_rw |", w)

    def test_exact_fault_answer(self):
        ans = section(self.md, "Answers")
        self.assertIn("patched ext2 write fault, per 2 MiB touched: PMD-capable mapping 1 fault "
                      "(calls: dax_iomap_pmd_fault 1), 20,000 kernel instructions (20,000 per "
                      "fault); PTE-only mapping 512 faults x 2,000 kernel instructions = "
                      "1,024,000: PMD 51.20x fewer instructions", ans)

    def test_exact_msync_answer(self):
        ans = section(self.md, "Answers")
        self.assertIn("patched ext4 DAX, PMD-capable mapping, 1 dirtied page (64 lines) per msync: "
                      "cache-line flushes 32,768 (clwb 32,768, clflushopt 0; 512.00x the dirtied "
                      "lines, 1.000x a 2 MiB entry's 32768), fences 1, kernel instructions 158,304",
                      ans)
        self.assertIn("PTE mapping, 1 dirtied page (64 lines) per msync: cache-line flushes 64 ",
                      ans)

    def test_exact_read_and_dm_answers(self):
        ans = section(self.md, "Answers")
        self.assertIn("stock ext4 read/rand/4k: DAX 0.781 instructions and 2 bytes moved per byte "
                      "read, page cache 0.659 instructions", ans)
        self.assertIn("stock ext4 read/rand/4k: dm-stripe 3,500 instructions per op against 3,200 "
                      "on bare pmem (+300; dm-stripe 9.4 % more instructions)", ans)

    def test_cost_model(self):
        m = section(self.md, "Platform cost model (a MODEL, not a measurement)")
        # msync-1 on optane-adr: 163,304 insns x 0.33 + 64 stored lines x 27.8 + 32768 clwb x 1
        # + 1 sfence x 2 + 1 drain x 90 = 88,530
        self.assertRegex(m, r"\| stock \| ext4-dax-pmem \| msync-1 \| op \| 163,304 \| .* \| "
                            r"88,530 \(61 / 2 / 37 %\) \|")

    def test_csv_counts(self):
        r = [x for x in self.rows if x["cell"] == "msync-1" and x["rep"] == "2"
             and x["kernel"] == "stock"][0]
        self.assertEqual(float(r["flushes_per_op"]), 32768.0)
        self.assertEqual(r["counts_ops"], "10")


class TestReference(unittest.TestCase):
    """results/reference, a real quick-set run in deterministic mode with the
    pmcount plugin's counts: every section and the known answers, exact."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.tmp.name, "reference")
        os.makedirs(cls.path)
        for f in ("env.json", "plan.env", "matrix", "plan.tsv",
                  "counts-stock.jsonl", "counts-patched.jsonl"):
            shutil.copy(os.path.join(REFERENCE, f), cls.path)
        shutil.copytree(os.path.join(REFERENCE, "raw"), os.path.join(cls.path, "raw"))
        cls.rc, cls.err = run_main(cls.path)
        cls.md = read(cls.path, "summary.md")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_exit_ok(self):
        self.assertEqual(self.rc, 0, self.err)

    def test_sections(self):
        for s in ("## Answers", "## Memory bandwidth (the denominator)", "## Stock vs patched",
                  "## DAX vs page cache vs O_DIRECT", "## PTE vs PMD faults",
                  "## msync cost per page", "## Device-mapper overhead", "## daxwl vs fio",
                  "## Kernel counters", "## Not supported and failed cells", "## Charts",
                  "## Where the instructions go", "## Platform cost model"):
            self.assertIn(s, self.md)

    def test_answers(self):
        ans = section(self.md, "Answers")
        for s in ("**PMD against PTE faults**", "**DAX read against page-cache read**",
                  "**Stock against patched:**", "**msync cost per page:**",
                  "**Device-mapper overhead**", "**daxwl against fio**",
                  "**Exact answers from the event counts**"):
            self.assertIn(s, ans)
        self.assertIn("ext2-dax-pmem fault-write-pmd: stock 0 PMD faults; patched 8 PMD faults",
                      ans)
        self.assertIn("ext2-dax-pmem fault-write-pmd-sync: stock unsupported; patched ok", ans)
        self.assertIn("- stock ext4 DAX PTE-mapped: 5,107 insns/page at 1 page, "
                      "1,719 insns/page at 256 pages", ans)
        self.assertRegex(ans, r"- patched ext2: PMD-capable 12\.5 B/insn vs PTE-only 0\.93 B/insn "
                              r"\(13\.41x\): PMD-capable 13\.41x fewer instructions")
        self.assertNotIn("GB/s", ans)

    def test_exact_answers(self):
        ans = section(self.md, "Answers")
        # One PMD fault per 2 MiB on patched ext2; stock ext2 has none.
        self.assertRegex(ans, r"- patched ext2 write fault, per 2 MiB touched: PMD-capable "
                              r"mapping 1 fault \(calls: dax_iomap_fault 1, dax_iomap_pmd_fault 1")
        self.assertRegex(ans, r"- stock ext2 write fault, per 2 MiB touched: PMD-capable "
                              r"mapping 512 faults")
        # A PTE-mapped DAX msync writes back exactly the dirtied lines.
        self.assertIn("- stock ext4 DAX, PTE mapping, 16 dirtied pages (1024 lines) per msync: "
                      "cache-line flushes 1,024 (clwb 1,024", ans)

    def test_header_and_rows(self):
        self.assertIn("| cells | 140: 134 ok, 6 not supported, 0 failed, 0 unreadable |", self.md)
        self.assertIn("**Clock: icount", self.md)
        rows = csv_rows(self.path)
        self.assertEqual(len(rows), 840)
        self.assertIn("bytes_per_insn", rows[0])
        self.assertTrue(all(r["clock"] == "icount" for r in rows))


class TestReferenceRebuild(unittest.TestCase):
    """results/reference's summary.md, results.csv and chart data rebuild
    byte for byte from its raw data, read in place and written elsewhere
    (--out)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "out")
        cls.rc, cls.err = run_main_args([REFERENCE, "--out", cls.out])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_exit_ok(self):
        self.assertEqual(self.rc, 0, self.err)

    def test_identical(self):
        for name in ("summary.md", "results.csv"):
            with self.subTest(file=name):
                self.assertEqual(read(self.out, name), read(REFERENCE, name))
        dats = sorted(f for f in os.listdir(os.path.join(REFERENCE, "charts"))
                      if f.endswith(".dat"))
        self.assertEqual(len(dats), 6)
        for name in dats:
            with self.subTest(file=name):
                self.assertEqual(read(self.out, "charts/" + name),
                                 read(REFERENCE, "charts/" + name))

    def test_the_run_is_untouched(self):
        self.assertFalse(os.path.exists(os.path.join(REFERENCE, "charts", "charts.list")))


class TestMixedClocks(unittest.TestCase):
    def test_mixed(self):
        with tempfile.TemporaryDirectory() as d:
            r = fixtures.Run(d)
            for k, clock in (("stock", "icount"), ("patched", "wall")):
                r.clock = clock
                r.cell(k, "ext4-dax-pmem", "rw-read-rand-4k", "read/rand/4k",
                       fixtures.around(1.0, 0.001))
            rc, err = run_main(r.path)
            self.assertEqual(rc, 0, err)
            md = read(r.path, "summary.md")
            self.assertIn("**Clock: mixed.**", md)
            self.assertIn("| ext4-dax-pmem | rw-read-rand-4k | unit as stated per value | "
                          "1.00 ± 0.00025 B/insn | 1.00 ± 0.00025 GB/s | n/a | n/a | "
                          "not compared: different clocks (icount / wall) |", md)
            head = csv_rows(r.path)[0].keys()
            self.assertIn("gbps", head)
            self.assertIn("bytes_per_insn", head)
            rows = csv_rows(r.path)
            self.assertTrue(all((x["gbps"] == "") == (x["clock"] == "icount") for x in rows))


class TestCommandLine(unittest.TestCase):
    def test_usage(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(run_main(os.path.join(d, "nothing"))[0], 2)
            self.assertEqual(run_main(d)[0], 2)
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                self.assertEqual(main([]), 2)

    def test_out_refusals(self):
        """--out never writes over an input of the run, nor over another
        report without --force: status 2, one message, nothing written."""
        with tempfile.TemporaryDirectory() as d:
            r = fixtures.example_run(d, counts=False)
            other = os.path.join(d, "other")
            os.makedirs(other)
            with open(os.path.join(other, "summary.md"), "w") as fh:
                fh.write("someone's report\n")
            alias = os.path.join(d, "alias")
            os.makedirs(alias)
            os.symlink(os.path.join(r.path, "plan.env"), os.path.join(alias, "results.csv"))
            foreign = os.path.join(d, "foreign")
            os.makedirs(os.path.join(foreign, "charts"))
            for f in ("summary.md", "charts/notes.txt"):
                with open(os.path.join(foreign, f), "w") as fh:
                    fh.write("keep me\n")
            afile = os.path.join(d, "afile")
            with open(afile, "w") as fh:
                fh.write("x\n")
            cases = [([r.path, "--out", r.raw], "is inside the run's raw/ records"),
                     ([r.path, "--out", os.path.join(r.raw, "sub")], "inside the run's raw/"),
                     ([r.path, "--out", other], "already holds a report (summary.md); --force"),
                     ([r.path, "--out", alias, "--force"], "is an input of the run"),
                     ([r.path, "--out", foreign, "--force"], "holds files that are not charts"),
                     ([r.path, "--out", afile], "exists and is not a directory"),
                     ([r.path, "--force"], "--force only applies with --out"),
                     ([r.path, "--out"], "--out needs a directory")]
            for argv, says in cases:
                with self.subTest(says=says):
                    rc, err = run_main_args(argv)
                    self.assertEqual(rc, 2, err)
                    self.assertIn(says, err)
                    self.assertEqual(len(err.strip().splitlines()), 1, err)
            self.assertEqual(read(other, "summary.md"), "someone's report\n")
            self.assertEqual(read(r.path, "plan.env")[:15], "MATRIX_SET_reps")
            self.assertEqual(read(foreign, "charts/notes.txt"), "keep me\n")
            self.assertEqual(os.listdir(r.raw), [f for f in os.listdir(r.raw)
                                                 if f.endswith(".json")])
            # --force replaces another report
            rc, err = run_main_args([r.path, "--out", other, "--force"])
            self.assertEqual(rc, 0, err)
            self.assertIn("# daxlab bench: run", read(other, "summary.md"))

    @unittest.skipUnless(shutil.which("gnuplot"), "gnuplot is not installed (scripts/deps)")
    def test_bench_report(self):
        """bench/report end to end: charts labelled by the clock; exit 1 and
        charts still drawn when a cell is unreadable; 2 for bad usage."""
        with tempfile.TemporaryDirectory() as d:
            r = fixtures.example_run(d, clock="icount")
            p = subprocess.run([os.path.join(BENCH, "report"), r.path], capture_output=True,
                               text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            svg = read(r.path, "charts/pte-vs-pmd.svg")
            self.assertIn("B/insn", svg)
            self.assertIn("icount", svg)
            self.assertTrue(os.path.exists(os.path.join(r.path, "charts/stock-vs-patched.png")))
            self.assertFalse(os.path.exists(os.path.join(r.path, "charts/charts.list")))
            with open(os.path.join(r.raw, "stock__ext4-dax-pmem__msync-1__0.json"), "w") as fh:
                fh.write("garbage")
            p = subprocess.run([os.path.join(BENCH, "report"), r.path], capture_output=True,
                               text=True)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("stock__ext4-dax-pmem__msync-1__0.json", p.stderr)
            self.assertTrue(os.path.exists(os.path.join(r.path, "charts/msync-per-page.svg")))
            p = subprocess.run([os.path.join(BENCH, "report")], capture_output=True, text=True)
            self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()
