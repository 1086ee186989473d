"""Units follow the clock: nothing measured under icount is called time."""
import unittest

from daxreport import stats, text, units


class TestUnits(unittest.TestCase):
    def test_columns(self):
        self.assertEqual(units.column("tput", units.WALL), "gbps")
        self.assertEqual(units.column("tput", units.ICOUNT), "bytes_per_insn")
        self.assertEqual(units.column("per_fault", units.ICOUNT), "insns_per_fault")
        self.assertEqual(units.column("per_page", units.ICOUNT), "insns_per_page")
        self.assertEqual(units.column("lat_p50", units.ICOUNT), "lat_p50_insns")
        self.assertEqual(units.column("lat_p50", units.WALL), "lat_p50_ns")

    def test_icount_units_name_no_time(self):
        for m in units.METRICS:
            u = units.unit(m, units.ICOUNT)
            self.assertNotRegex(u, r"\bns\b|µs|\bs\b", m)
            self.assertNotIn("/s", u, m)
            self.assertNotIn("GB", u, m)

    def test_display(self):
        self.assertEqual(units.display("per_page", units.WALL), ("µs/page", 1e-3))
        self.assertEqual(units.display("per_page", units.ICOUNT), ("insns/page", 1.0))

    def test_run_clock(self):
        self.assertEqual(units.run_clock(["icount", "icount"], None), units.ICOUNT)
        self.assertEqual(units.run_clock(["icount", "wall"], None), units.MIXED)
        self.assertEqual(units.run_clock([], None), units.WALL)
        self.assertEqual(units.env_clock({"clock": {"mode": "icount", "icount_shift": 0,
                                                    "qemu_icount": "shift=0,align=off"}}),
                         ("icount", "QEMU -icount shift=0,align=off"))
        self.assertEqual(units.env_clock({}), (None, None))

    def test_header(self):
        self.assertIn("instruction", units.header_text(units.ICOUNT))
        self.assertIn("not time", units.header_text(units.ICOUNT))
        self.assertIn("Clock: wall", units.header_text(units.WALL))

    def test_verdict_words(self):
        c = stats.compare([100, 100.1, 99.9], [110, 110.1, 109.9])
        w = text.verdict(c, False, units.WALL)
        self.assertTrue(w.startswith("faster by 10.0 %"), w)
        i = text.verdict(c, False, units.ICOUNT)
        self.assertNotIn("faster", i)
        self.assertIn("fewer instructions", i)
        # a cost metric: lower is better
        self.assertIn("slower", text.verdict(c, True, units.WALL))
        self.assertIn("more instructions", text.verdict(c, True, units.ICOUNT))

    def test_verdict_big_ratio_and_none(self):
        c = stats.compare([1, 1.01, 0.99], [16, 16.1, 15.9])
        self.assertEqual(text.verdict(c, False, units.WALL), "16.00x faster")
        n = stats.compare([1, 1.2, 0.9], [1.1, 1.0, 1.3])
        self.assertTrue(text.verdict(n).startswith("no difference detected at ±"))
        f = stats.compare([1, 2], [3, 4])
        self.assertEqual(text.verdict(f), "too few repetitions to judge")


if __name__ == "__main__":
    unittest.main()
