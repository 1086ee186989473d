"""results/reference with one raw record damaged, in every way a record
can be: the cell becomes unreadable in the summary, the CSV and the exit
status, and no answer is lost silently or made up from what is left.

The damaged record is the patched ext2 PMD-capable write-fault warm-up:
its trace counters carry the "stock 0 PMD faults; patched 8" answer and its
cell the "patched ext2: PMD-capable 13.41x" answer. A damaged warm-up once
left the report at exit 0, "0 failed", with the first answer gone or
turned into "stock 0 PMD faults; patched 0"."""
import csv
import json
import os
import tempfile
import unittest

from daxreport.tests.test_report import REFERENCE, read, run_main, section

BAD = "patched__ext2-dax-pmem__fault-write-pmd__0.json"
SIBLING = "stock__ext2-dax-pmem__fault-write-pmd__0.json"


def reference_copy(root, name="reference", counts=False):
    """A run directory whose raw records link to results/reference's (the
    damaged one is then written as a file of its own). The event counts
    answer nothing these tests look at and take half the report's time:
    left out unless asked for."""
    path = os.path.join(root, name)
    os.makedirs(os.path.join(path, "raw"))
    for f in ("env.json", "plan.env", "plan.tsv", "matrix") + \
            (("counts-stock.jsonl", "counts-patched.jsonl") if counts else ()):
        with open(os.path.join(REFERENCE, f)) as src, open(os.path.join(path, f), "w") as dst:
            dst.write(src.read())
    for f in os.listdir(os.path.join(REFERENCE, "raw")):
        os.symlink(os.path.join(REFERENCE, "raw", f), os.path.join(path, "raw", f))
    return path


def good_record():
    with open(os.path.join(REFERENCE, "raw", BAD)) as fh:
        return fh.read()


def edit(fn):
    """A damage that edits the parsed record with FN."""
    def damage(text):
        rec = json.loads(text)
        fn(rec)
        return json.dumps(rec)
    return damage


def drop(key):
    def fn(rec):
        del rec["bench"][key]
    return fn


def set_trace(value):
    def fn(rec):
        rec["bench"]["trace"] = value
    return fn


def empty_events(rec):
    rec["bench"]["trace"]["events"] = {}


def other_subcommand(rec):
    rec["output"]["subcommand"] = "rw"


# name: (how the text becomes damaged (None: the file is removed), what
# the reason must say)
DAMAGES = {
    "truncated": (lambda t: t[:len(t) // 2], "not JSON"),
    "empty": (lambda t: "", "empty file"),
    "not JSON": (lambda t: "<html>502 Bad Gateway</html>\n", "not JSON"),
    "a JSON array": (lambda t: "[1, 2, 3]\n", "no 'bench' object"),
    "no bench fields": (lambda t: '{"bench": {"kernel": "patched"}, "output": null}',
                        "not a whole record"),
    "no trace field": (edit(drop("trace")), "not a whole record, it lacks trace"),
    "trace null": (edit(set_trace(None)), "a warm-up without trace counters in a traced boot"),
    "trace events emptied": (edit(empty_events), "trace counters contradict themselves"),
    "trace garbled": (edit(set_trace({"events": {"dax_pmd_fault_done": "8"}})),
                      "trace counters are garbled"),
    "unknown status": (edit(lambda r: r["bench"].update(status="OK")), "unknown status 'OK'"),
    "another cell's output": (edit(other_subcommand), "daxwl output is of subcommand 'rw'"),
    "missing": (None, f"missing raw record {BAD}"),
}


class TestDamagedReference(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One copy, damaged one way after the other: each report is read
        # before the next damage.
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = {}
        path = reference_copy(cls.tmp.name)
        bad = os.path.join(path, "raw", BAD)
        for name, (damage, _) in DAMAGES.items():
            os.unlink(bad)
            if damage is not None:
                with open(bad, "w") as fh:
                    fh.write(damage(good_record()))
            rc, err = run_main(path)
            with open(os.path.join(path, "results.csv"), newline="") as fh:
                rows = list(csv.DictReader(fh))
            cls.out[name] = (rc, err, read(path, "summary.md"), rows)
            if damage is not None:
                os.unlink(bad)
            os.symlink(os.path.join(REFERENCE, "raw", BAD), bad)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def each(self):
        for name, (_, why) in DAMAGES.items():
            with self.subTest(damage=name):
                yield name, why, self.out[name]

    def test_exit_status_names_the_file(self):
        for name, _, (rc, err, _, _) in self.each():
            self.assertEqual(rc, 1, err)
            self.assertIn(f"unreadable: patched ext2-dax-pmem fault-write-pmd: {BAD}", err)

    def test_summary_counts_and_names_it(self):
        for name, why, (_, _, md, _) in self.each():
            self.assertIn("| cells | 140: 133 ok, 6 not supported, 0 failed, 1 unreadable |", md)
            self.assertIn("**1 cells failed, ran only partly or could not be read "
                          "(1 unreadable).**", md)
            self.assertIn(f"- patched ext2-dax-pmem fault-write-pmd: raw/{BAD}", md)
            self.assertRegex(md, r"\| patched \| ext2-dax-pmem \| fault-write-pmd \| unreadable "
                                 r"\| [^|]*" + why.replace("(", r"\(").replace(")", r"\)"))

    def test_no_answer_lost_or_made_up(self):
        for name, _, (_, _, md, _) in self.each():
            ans = section(md, "Answers")
            self.assertIn("- patched ext2: not compared, PMD-capable cell unreadable", ans)
            self.assertNotRegex(ans, r"patched ext2: PMD-capable [0-9]")
            self.assertNotIn("ext2-dax-pmem fault-write-pmd: stock", ans)
            self.assertIn("ext2-dax-pmem fault-write-pmd (patched cell unreadable)", ans)
            # the same cell's read twin and the stock answers are untouched
            self.assertIn("- ext2-dax-pmem fault-read-pmd: stock 0 PMD faults; patched 8 PMD "
                          "faults (trace counters of the warm-up runs)", ans)
            self.assertRegex(ans, r"- stock ext2: PMD-capable 0\.942 B/insn")
            # nor does a table take a figure from it
            pmd = [ln for ln in section(md, "PTE vs PMD faults").splitlines()
                   if ln.startswith("| patched | ext2-dax-pmem | write |")]
            self.assertEqual(len(pmd), 1)
            self.assertIn("| unreadable |", pmd[0])

    def test_csv_rows(self):
        for name, why, (_, _, _, rows) in self.each():
            cell = [r for r in rows if (r["kernel"], r["group"], r["cell"]) ==
                    ("patched", "ext2-dax-pmem", "fault-write-pmd")]
            self.assertEqual(len(cell), 6)
            self.assertEqual({r["cell_status"] for r in cell}, {"unreadable"})
            bad = [r for r in cell if r["file"] == BAD]
            self.assertEqual(len(bad), 1)
            self.assertEqual((bad[0]["rep"], bad[0]["status"]), ("0", "unreadable"))
            self.assertIn(why, bad[0]["reason"])
            self.assertEqual(bad[0]["key"], "fault/write/pmd")
            self.assertEqual(len(rows), 840)
            others = {r["cell_status"] for r in rows if r not in cell}
            self.assertEqual(others, {"ok", "unsupported"})


class TestDamagedStockWarmup(unittest.TestCase):
    """The other side of the same answer: stock's warm-up without counters
    in a traced boot must not turn into "stock 0 PMD faults"."""

    def test_stock_trace_null(self):
        with tempfile.TemporaryDirectory() as d:
            path = reference_copy(d)
            bad = os.path.join(path, "raw", SIBLING)
            with open(bad) as fh:
                text = fh.read()
            os.unlink(bad)
            with open(bad, "w") as fh:
                fh.write(edit(set_trace(None))(text))
            rc, err = run_main(path)
            self.assertEqual(rc, 1, err)
            ans = section(read(path, "summary.md"), "Answers")
            self.assertIn("- stock ext2: not compared, PMD-capable cell unreadable", ans)
            self.assertNotIn("ext2-dax-pmem fault-write-pmd: stock", ans)
            self.assertIn("ext2-dax-pmem fault-write-pmd (stock cell unreadable)", ans)


class TestOneKernelUntraced(unittest.TestCase):
    """A kernel whose boot had no trace events at all is no damage, but the
    stock-against-patched PMD-fault line must say it cannot be made rather
    than vanish."""

    def test_patched_untraced(self):
        with tempfile.TemporaryDirectory() as d:
            path = reference_copy(d)
            raw = os.path.join(path, "raw")
            for f in os.listdir(raw):
                if f.startswith("patched__") and f.endswith("__0.json"):
                    with open(os.path.join(raw, f)) as fh:
                        text = fh.read()
                    os.unlink(os.path.join(raw, f))
                    with open(os.path.join(raw, f), "w") as fh:
                        fh.write(edit(set_trace(None))(text))
            rc, err = run_main(path)
            self.assertEqual(rc, 0, err)
            ans = section(read(path, "summary.md"), "Answers")
            self.assertIn("- ext2-dax-pmem fault-write-pmd: PMD faults not compared, no trace "
                          "counters on the patched kernel", ans)
            self.assertIn("- patched ext2: PMD-capable 12.5 B/insn vs PTE-only 0.93 B/insn "
                          "(13.41x): PMD-capable 13.41x fewer instructions (95 % interval of "
                          "the ratio 13.40x – 13.42x; ranges do not overlap, p = 0.008); no "
                          "trace counters for these cells", ans)


class TestRunFiles(unittest.TestCase):
    """The run's other files: a damaged env.json, plan.env or plan.tsv is a
    problem (exit 1), since without them a missing record or a record's
    clock could go unnoticed."""

    def check(self, name, text, says):
        with tempfile.TemporaryDirectory() as d:
            path = reference_copy(d)
            with open(os.path.join(path, name), "w") as fh:
                fh.write(text)
            rc, err = run_main(path)
            self.assertEqual(rc, 1, err)
            self.assertIn(says, err)
            self.assertIn(says, read(path, "summary.md"))

    def test_env_json_cut(self):
        self.check("env.json", '{"host": "vm", "clock": {"mo', "env.json: unreadable")

    def test_plan_env_without_reps(self):
        self.check("plan.env", "MATRIX_SET_warmup=1\n", "plan.env: no whole number for reps")

    def test_plan_tsv_cut_line(self):
        with open(os.path.join(REFERENCE, "plan.tsv")) as fh:
            text = fh.read()
        self.check("plan.tsv", text[:text.index("\n", 200) + 20],
                   "not a plan line; a cell it named could be missing")


if __name__ == "__main__":
    unittest.main()
