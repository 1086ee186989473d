"""counts-KERNEL.jsonl: the schema mapping, the join to cells, per-op division,
and damaged counts."""
import tempfile
import unittest

from daxreport import counts
from daxreport.report import Report
from daxreport.tests import fixtures

G = "ext4-dax-pmem"


class TestMapping(unittest.TestCase):
    def check(self, schema):
        w = fixtures.window(f"{G}__c__m", 100, 1000, 5000, pmem_load=6400, pmem_nt=640,
                            dram_store=80, clwb=3, clflushopt=2, sfence=4, locked=7,
                            functions={"dax_iomap_pmd_fault": [900, 2]}, schema=schema)
        meta, c = counts.window_counters(w)
        self.assertEqual(meta["ops"], 100)
        self.assertEqual(c["insns.total"], 6000)
        self.assertEqual(c["insns.kernel"], 5000)
        self.assertEqual(c["mem.load.pmem.bytes"], 6400)
        self.assertEqual(c["mem.nt_store.pmem.bytes"], 640)
        self.assertEqual(c["mem.bytes"], 6400 + 640 + 80)
        self.assertEqual(c["mem.pmem.bytes"], 7040)
        self.assertEqual(c["flush.total"], 5)
        self.assertEqual(c["fence.total"], 4)       # sfence + mfence
        self.assertEqual(c["fence.locked"], 7)
        self.assertEqual(c["fn.dax_iomap_pmd_fault.insns"], 900)
        self.assertEqual(c["fn.dax_iomap_pmd_fault.calls"], 2)

    def test_pmcount_record(self):
        self.check("pmcount")

    def test_draft_record(self):
        self.check("draft")

    def test_bytes_off_leaves_no_byte_counters(self):
        w = fixtures.window(f"{G}__c__m", 10, 1, 1, pmem_load=64, bytes_="off")
        meta, c = counts.window_counters(w)
        self.assertEqual(meta["bytes"], "off")
        self.assertFalse([k for k in c if "bytes" in k])

    def test_bad_windows(self):
        good = fixtures.window(f"{G}__c__m", 10, 1, 1)
        for bad in ({"label": "a__b__m"},
                    dict(good, ops=-1),
                    dict(good, insns=3),                          # not user + kernel
                    dict(good, clwb="x"),
                    dict(good, functions={"f": [1]}),
                    dict(good, bytes="maybe"),
                    {k: v for k, v in good.items() if k != "kernel"}):
            with self.assertRaises(ValueError):
                counts.window_counters(bad)

    def test_labels(self):
        self.assertEqual(counts.split_label("g-x__cell__m"), ("g-x", "cell", "m"))
        self.assertIsNone(counts.split_label("g__cell__x"))
        self.assertIsNone(counts.split_label(""))


class TestJoin(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.run = fixtures.Run(self.tmp.name, clock="icount", env_clock="icount")
        self.run.cell("stock", G, "c", "read/x", [1.0] * 5)
        self.run.cell("stock", G, "d", "read/y", [1.0] * 5)

    def tearDown(self):
        self.tmp.cleanup()

    def report(self):
        return Report(self.run.path)

    def test_per_op_division(self):
        ws = fixtures.cell_windows(G, "c", 5, ops=100,
                                   user=1000, kernel=[5000, 5010, 4990, 5000, 5000],
                                   clwb=[50, 50, 50, 50, 50])
        ws += fixtures.cell_windows(G, "d", 5, ops=10, user=10, kernel=20, start=6)
        self.run.counts("stock", ws)
        r = self.report()
        cc = r.get("stock", G, "c").counts
        self.assertTrue(cc.ok, cc.reason)
        self.assertEqual(cc.values("insns.kernel"), [50.0, 50.1, 49.9, 50.0, 50.0])
        self.assertEqual(cc.median("flush.clwb"), 0.5)
        self.assertEqual(cc.flags, [])      # 0.4 % < 0.5 %
        self.assertEqual(r.count_problems, [])
        self.assertEqual(r.get("stock", G, "d").counts.median("insns.total"), 3.0)

    def test_disagreeing_counts_are_flagged(self):
        ws = fixtures.cell_windows(G, "c", 5, ops=100, user=1000,
                                   kernel=[5000, 5100, 5000, 5000, 5000])
        self.run.counts("stock", ws)
        cc = self.report().get("stock", G, "c").counts
        self.assertTrue(cc.ok)
        self.assertEqual([k for k, _ in cc.flags], ["insns.total"])

    def test_window_count_must_match_repetitions(self):
        ws = fixtures.cell_windows(G, "c", 4, ops=100, user=1, kernel=1)
        self.run.counts("stock", ws)
        r = self.report()
        cc = r.get("stock", G, "c").counts
        self.assertEqual(cc.status, "unreadable")
        self.assertIn("4 measured windows for 5 repetitions", cc.reason)
        self.assertEqual(r.exit_status(), 1)

    def test_garbled_line_names_its_cell(self):
        ws = fixtures.cell_windows(G, "c", 5, ops=100, user=1, kernel=1)
        ws += fixtures.cell_windows(G, "d", 5, ops=100, user=1, kernel=1, start=6)
        line = __import__("json").dumps(ws[3])
        ws[3] = line[:len(line) // 2]       # cut in the middle
        self.run.counts("stock", ws)
        r = self.report()
        self.assertEqual(r.get("stock", G, "c").counts.status, "unreadable")
        self.assertIn("counts-stock.jsonl line 4", r.get("stock", G, "c").counts.reason)
        self.assertTrue(r.get("stock", G, "d").counts.ok)
        self.assertEqual(r.exit_status(), 1)

    def test_garbled_line_without_label_spoils_the_file(self):
        ws = fixtures.cell_windows(G, "c", 5, ops=100, user=1, kernel=1)
        ws.insert(2, '{"window": 9, "ops"')
        self.run.counts("stock", ws)
        r = self.report()
        self.assertEqual(r.get("stock", G, "c").counts.status, "unreadable")
        self.assertEqual(r.get("stock", G, "d").counts.status, "unreadable")
        self.assertTrue(any("names no window" in p for p in r.count_problems))

    def test_plugin_errors_spoil_the_cell(self):
        ws = fixtures.cell_windows(G, "c", 5, ops=100, user=1, kernel=1,
                                   errors=[0, 0, 3, 0, 0])
        self.run.counts("stock", ws)
        cc = self.report().get("stock", G, "c").counts
        self.assertEqual(cc.status, "unreadable")
        self.assertIn("3 protocol errors", cc.reason)


    def test_only_exact_byte_windows_are_used(self):
        """bench/run counts bytes in the first measured window of a cell
        only ("off" in the others); a "partial" window is a lower bound.
        Byte figures come from the exact windows alone."""
        ws = fixtures.cell_windows(G, "c", 5, ops=100, user=1, kernel=1, pmem_load=6400,
                                   bytes_=["exact", "off", "partial", "off", "off"])
        self.run.counts("stock", ws)
        cc = self.report().get("stock", G, "c").counts
        self.assertTrue(cc.ok)
        self.assertEqual(cc.values("mem.load.pmem.bytes"), [64.0])
        self.assertEqual(len(cc.values("insns.kernel")), 5)
        self.assertTrue(any("from 1 of 5 windows" in n for n in cc.notes))

    def test_first_window_bytes_is_the_normal_case(self):
        ws = fixtures.cell_windows(G, "c", 5, ops=100, user=1, kernel=1, pmem_load=6400,
                                   bytes_=["exact", "off", "off", "off", "off"])
        self.run.counts("stock", ws)
        cc = self.report().get("stock", G, "c").counts
        self.assertEqual(cc.values("mem.load.pmem.bytes"), [64.0])
        self.assertFalse(any("byte" in n for n in cc.notes), cc.notes)

    def test_no_exact_byte_window_gives_no_bytes(self):
        ws = fixtures.cell_windows(G, "c", 5, ops=100, user=1, kernel=1, pmem_load=6400,
                                   bytes_=["partial", "off", "off", "off", "off"])
        self.run.counts("stock", ws)
        cc = self.report().get("stock", G, "c").counts
        self.assertTrue(cc.ok)
        self.assertIsNone(cc.median("mem.load.pmem.bytes"))
        self.assertTrue(any("no window has exact byte counts" in n for n in cc.notes))

    def test_unknown_ops_take_the_tools(self):
        ws = fixtures.cell_windows(G, "c", 5, ops=0, user=4096, kernel=4096)
        self.run.counts("stock", ws)
        cc = self.report().get("stock", G, "c").counts
        self.assertTrue(cc.ok, cc.reason)
        self.assertEqual(cc.ops, [4096] * 5)       # daxwl's ops in the fixture records
        self.assertEqual(cc.median("insns.total"), 2.0)

    def test_foreign_windows_are_skipped(self):
        ws = [fixtures.window("", 1, 1, 1), fixtures.window("boot-probe", 1, 1, 1)]
        ws += fixtures.cell_windows(G, "c", 5, ops=100, user=1, kernel=1, start=2)
        self.run.counts("stock", ws)
        r = self.report()
        self.assertTrue(r.get("stock", G, "c").counts.ok)
        self.assertEqual(r.count_problems, [])
        self.assertTrue(any("2 windows without" in n for n in r.count_notes))


if __name__ == "__main__":
    unittest.main()
