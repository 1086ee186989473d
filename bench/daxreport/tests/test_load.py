"""Damaged records make their cell unreadable; nothing is taken from it."""
import json
import os
import tempfile
import unittest

from daxreport import cells, load
from daxreport.tests import fixtures


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.run = fixtures.Run(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def cells(self):
        rows, problems = load.load(self.run.path)
        return cells.build(rows, 5, True), rows, problems


class TestRecords(Base):
    def test_reads_a_good_cell(self):
        self.run.cell("stock", "ext4-dax-pmem", "rw-read-seq-1m", "read/seq/1m",
                      [1.0, 1.1, 1.2, 1.3, 1.4])
        cs, rows, _ = self.cells()
        c = cs[("stock", "ext4-dax-pmem", "rw-read-seq-1m")]
        self.assertEqual(c.status, "ok")
        self.assertEqual(c.values("tput"), [1.0, 1.1, 1.2, 1.3, 1.4])
        self.assertEqual(c.clock, "wall")

    def test_not_json(self):
        self.run.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        with open(os.path.join(self.run.raw, "stock__ext4-dax-pmem__c__0.json"), "w") as fh:
            fh.write('{"bench": ')
        cs, rows, _ = self.cells()
        c = cs[("stock", "ext4-dax-pmem", "c")]
        self.assertEqual(c.status, "unreadable")
        self.assertIn("stock__ext4-dax-pmem__c__0.json", c.reason)
        self.assertEqual(c.values("tput"), [])
        self.assertIsNone(c.trace())

    def test_cut_tool_output(self):
        self.run.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        p = os.path.join(self.run.raw, "stock__ext4-dax-pmem__c__3.json")
        with open(p) as fh:
            rec = json.load(fh)
        del rec["output"]["results"]["gbps"]
        with open(p, "w") as fh:
            json.dump(rec, fh)
        cs, _, _ = self.cells()
        c = cs[("stock", "ext4-dax-pmem", "c")]
        self.assertEqual(c.status, "unreadable")
        self.assertIn("no results.gbps", c.reason)

    def test_runner_saw_garbled_output(self):
        self.run.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        self.run.record("stock", "ext4-dax-pmem", "c", 2, None, status="failed",
                        reason="tool output is not JSON")
        cs, _, _ = self.cells()
        self.assertEqual(cs[("stock", "ext4-dax-pmem", "c")].status, "unreadable")

    def test_name_mismatch(self):
        self.run.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        src = os.path.join(self.run.raw, "stock__ext4-dax-pmem__c__2.json")
        dst = os.path.join(self.run.raw, "patched__ext4-dax-pmem__c__2.json")
        os.rename(src, dst)
        cs, _, _ = self.cells()
        self.assertEqual(cs[("patched", "ext4-dax-pmem", "c")].status, "unreadable")
        self.assertIn("file name says 'patched'", cs[("patched", "ext4-dax-pmem", "c")].reason)
        # and the stock cell now lacks repetition 2
        self.assertEqual(cs[("stock", "ext4-dax-pmem", "c")].status, "unreadable")
        self.assertIn("missing raw record stock__ext4-dax-pmem__c__2.json",
                      cs[("stock", "ext4-dax-pmem", "c")].reason)

    def test_planned_cell_without_records(self):
        self.run.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        with open(os.path.join(self.run.path, "plan.tsv"), "w") as fh:
            fh.write("1\text4-dax-pmem\text4\tdax\tpmem\ts\tc\tread/x\tdaxwl\trw\n")
            fh.write("2\text4-dax-pmem\text4\tdax\tpmem\ts\tgone\tread/y\tdaxwl\trw\n")
        rows, _ = load.load(self.run.path)
        cs = cells.build(rows, 5, True, load.read_plan(self.run.path)[0])
        g = cs[("stock", "ext4-dax-pmem", "gone")]
        self.assertEqual(g.status, "unreadable")
        self.assertIn("missing raw record stock__ext4-dax-pmem__gone__0.json", g.reason)
        self.assertEqual(g.attr("key"), "read/y")

    def test_unreadable_cell_keeps_its_key_from_the_plan(self):
        self.run.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        for rep in range(6):
            name = f"stock__ext4-dax-pmem__c__{rep}.json"
            with open(os.path.join(self.run.raw, name), "w") as fh:
                fh.write("garbage")
        with open(os.path.join(self.run.path, "plan.tsv"), "w") as fh:
            fh.write("1\text4-dax-pmem\text4\tdax\tpmem\ts\tc\tread/x\tdaxwl\trw\n")
        rows, _ = load.load(self.run.path)
        cs = cells.build(rows, 5, True, load.read_plan(self.run.path)[0])
        c = cs[("stock", "ext4-dax-pmem", "c")]
        self.assertEqual((c.status, c.attr("key"), c.attr("tool")),
                         ("unreadable", "read/x", "daxwl"))

    def test_garbled_trace(self):
        self.run.cell("stock", "ext4-dax-pmem", "c", "fault/write/pmd", [1] * 5, sub="fault",
                      trace_={"systems": ["fs_dax"], "events": {"dax_pmd_fault": "x"}})
        cs, _, _ = self.cells()
        self.assertEqual(cs[("stock", "ext4-dax-pmem", "c")].status, "unreadable")

    def test_hostile_files(self):
        """A FIFO is never opened (it would wait for a writer forever), JSON
        nested past the parser's limit and bytes that are not UTF-8 are
        unreadable records like any other."""
        self.run.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        raw = self.run.raw
        os.unlink(os.path.join(raw, "stock__ext4-dax-pmem__c__1.json"))
        os.mkfifo(os.path.join(raw, "stock__ext4-dax-pmem__c__1.json"))
        with open(os.path.join(raw, "stock__ext4-dax-pmem__c__2.json"), "w") as fh:
            fh.write("[" * 200000)
        with open(os.path.join(raw, "stock__ext4-dax-pmem__c__3.json"), "wb") as fh:
            fh.write(b'{"bench": {"kernel": "\xff\xfe"}}')
        os.unlink(os.path.join(raw, "stock__ext4-dax-pmem__c__4.json"))
        os.mkdir(os.path.join(raw, "stock__ext4-dax-pmem__c__4.json"))
        with open(os.path.join(self.run.path, "env.json"), "w") as fh:
            fh.write('{"a":' * 200000)
        cs, rows, _ = self.cells()
        c = cs[("stock", "ext4-dax-pmem", "c")]
        self.assertEqual(c.status, "unreadable")
        why = {r["rep"]: r["reason"] for r in rows if r["status"] == "unreadable"}
        self.assertIn("is not a regular file", why[1])
        self.assertIn("JSON nested too deeply", why[2])
        self.assertIn("not JSON", why[3])
        self.assertIn("is not a regular file", why[4])
        _, _, probs = load.read_env(self.run.path)
        self.assertIn("JSON nested too deeply", probs[0])

    def test_unattributable_file(self):
        with open(os.path.join(self.run.raw, "junk.json"), "w") as fh:
            fh.write("nonsense")
        self.run.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        _, _, problems = self.cells()
        self.assertEqual(len(problems), 1)
        self.assertIn("junk.json", problems[0])

    def test_failed_and_unsupported_are_not_unreadable(self):
        self.run.cell("stock", "ext4-dax-pmem", "u", "fault/x", [1] * 5, status="unsupported",
                      reason="MAP_SYNC refused")
        self.run.cell("stock", "ext4-dax-pmem", "f", "fault/x", [1] * 5, status="failed",
                      reason="exit 1: boom")
        cs, _, _ = self.cells()
        self.assertEqual(cs[("stock", "ext4-dax-pmem", "u")].status, "unsupported")
        self.assertEqual(cs[("stock", "ext4-dax-pmem", "f")].status, "failed")

    def test_partial(self):
        self.run.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        self.run.record("stock", "ext4-dax-pmem", "c", 4, None, status="failed",
                        reason="timed out after 3s")
        cs, _, _ = self.cells()
        c = cs[("stock", "ext4-dax-pmem", "c")]
        self.assertEqual(c.status, "partial")
        self.assertTrue(c.usable)
        self.assertFalse(c.complete)

    def test_clock_from_record_or_env(self):
        r = fixtures.Run(self.tmp.name, "icount", clock="icount")
        r.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        rows, _ = load.load(r.path)
        self.assertEqual({x["clock"] for x in rows}, {"icount"})
        r2 = fixtures.Run(self.tmp.name, "envonly", env_clock="icount")
        r2.cell("stock", "ext4-dax-pmem", "c", "read/x", [1] * 5)
        rows, _ = load.load(r2.path, "icount")
        self.assertEqual({x["clock"] for x in rows}, {"icount"})
        rows, _ = load.load(r2.path, None)
        self.assertEqual({x["clock"] for x in rows}, {"wall"})

    def test_icount_uses_exact_means(self):
        r = fixtures.Run(self.tmp.name, "ic", clock="icount")
        r.cell("stock", "ext4-dax-pmem", "msync-16", "msync/16", [0.2] * 5, sub="msync",
               pages=16, lat_means=[160000.0] * 5)
        rows, _ = load.load(r.path)
        self.assertEqual({x["per_page"] for x in rows}, {10000.0})
        w = fixtures.Run(self.tmp.name, "wall")
        w.cell("stock", "ext4-dax-pmem", "msync-16", "msync/16", [0.2] * 5, sub="msync",
               pages=16, lat_means=[160000.0] * 5)
        rows, _ = load.load(w.path)
        self.assertEqual({x["per_page"] for x in rows}, {8191})


if __name__ == "__main__":
    unittest.main()
