"""The platform cost model: the shipped files parse and cite, and the
arithmetic is what model.py documents."""
import os
import tempfile
import unittest

from daxreport import model, report

PARAMS = {"ns_per_insn": 0.5,
          "pmem_load_64b_ns": 10, "pmem_store_64b_ns": 20, "pmem_ntstore_64b_ns": 30,
          "dram_load_64b_ns": 1, "dram_store_64b_ns": 2, "dram_ntstore_64b_ns": 3,
          "clwb_ns": 4, "clflushopt_ns": 5, "clflush_ns": 6,
          "sfence_ns": 7, "mfence_ns": 8, "lfence_ns": 9, "locked_ns": 11, "drain_ns": 100}


def write_model(d, name, params, extra=""):
    p = os.path.join(d, name + ".model")
    with open(p, "w") as fh:
        fh.write("# test platform\ntitle Test platform\n")
        for k, v in params.items():
            fh.write(f"{k} {v}   # test value\n")
        fh.write(extra)
    return p


class TestPlatformFiles(unittest.TestCase):
    def test_shipped_files(self):
        pls, probs = model.load_all(report.PLATFORMS)
        self.assertEqual(probs, [])
        self.assertEqual(sorted(p.name for p in pls), ["cxl", "dram", "optane-adr"])
        for p in pls:
            for k in model.KEYS:
                self.assertTrue(p.sources[k], f"{p.name}: {k} cites no source")
        # Optane's write cost is its published bandwidth: 64 B / 2.3 GB/s
        opt = [p for p in pls if p.name == "optane-adr"][0]
        self.assertAlmostEqual(opt["pmem_store_64b_ns"], 64 / 2.3, places=1)

    def test_bad_files(self):
        with tempfile.TemporaryDirectory() as d:
            p = dict(PARAMS)
            del p["drain_ns"]
            with self.assertRaisesRegex(ValueError, "missing drain_ns"):
                model.parse(write_model(d, "a", p))
            with self.assertRaisesRegex(ValueError, r"b.model:\d+: unknown key 'drian_ns'"):
                model.parse(write_model(d, "b", PARAMS, "drian_ns 5\n"))
            q = dict(PARAMS, sfence_ns="fast")
            with self.assertRaisesRegex(ValueError, "is not a number"):
                model.parse(write_model(d, "c", q))


class TestArithmetic(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.pl = model.parse(write_model(self.tmp.name, "t", PARAMS))

    def tearDown(self):
        self.tmp.cleanup()

    def test_cost(self):
        per_op = {"insns.total": 1000, "mem.bytes": 1, "flush.total": 10, "fence.total": 3,
                  "mem.load.pmem.bytes": 640, "mem.store.pmem.bytes": 128,
                  "mem.nt_store.pmem.bytes": 64 * 4, "mem.load.dram.bytes": 64,
                  "mem.store.dram.bytes": 64, "flush.clwb": 8, "flush.clflushopt": 1,
                  "flush.clflush": 1, "fence.sfence": 2, "fence.mfence": 1,
                  "fence.lfence": 1, "fence.locked": 3}
        m = model.cost(per_op, self.pl)
        self.assertAlmostEqual(m["cpu"], 500)
        self.assertAlmostEqual(m["memory"], 10 * 10 + 2 * 20 + 4 * 30 + 1 * 1 + 1 * 2)
        self.assertAlmostEqual(m["flush"], 8 * 4 + 5 + 6)
        # 6 draining fences (2 sfence + 1 mfence + 3 locked), 14 lines outstanding
        # (10 flushes + 4 NT lines): each of min(6, 14) fences waits drain_ns
        self.assertAlmostEqual(m["fence"], 2 * 7 + 8 + 9 + 3 * 11 + 6 * 100)
        self.assertAlmostEqual(m["total"], m["cpu"] + m["memory"] + m["flush"] + m["fence"])

    def test_fence_without_lines_does_not_drain(self):
        base = {"insns.total": 0, "flush.total": 0, "fence.total": 5, "mem.bytes": 0}
        m = model.cost(dict(base, **{"fence.sfence": 5}), self.pl)
        self.assertAlmostEqual(m["fence"], 35)
        m = model.cost(dict(base, **{"fence.sfence": 5, "flush.clwb": 2}), self.pl)
        self.assertAlmostEqual(m["fence"], 35 + 2 * 100)

    def test_needs_instructions(self):
        self.assertIsNone(model.cost({}, self.pl))

    def test_no_bytes_no_total(self):
        m = model.cost({"insns.total": 10, "flush.total": 0, "fence.total": 0}, self.pl)
        self.assertIsNone(m["total"])
        self.assertIsNone(m["memory"])
        self.assertAlmostEqual(m["cpu"], 5)


if __name__ == "__main__":
    unittest.main()
