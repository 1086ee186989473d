"""The significance rule on data with a known spread."""
import unittest

from daxreport import stats


def around(center, rel_spread, n=5):
    """N values centred on CENTER whose (max - min)/median is REL_SPREAD."""
    if n == 1:
        return [center]
    step = center * rel_spread / (n - 1)
    return [center - center * rel_spread / 2 + i * step for i in range(n)]


class TestRule(unittest.TestCase):
    def test_known_spread_of_fixture(self):
        self.assertAlmostEqual(stats.spread(around(100, 0.001)), 0.001)
        self.assertAlmostEqual(stats.spread(around(100, 0.10)), 0.10)

    def test_small_change_low_noise_is_a_result(self):
        c = stats.compare(around(100, 0.001), around(103, 0.001))
        self.assertEqual(c.kind, stats.RESULT)
        self.assertAlmostEqual(c.ratio, 1.03)
        lo, hi = c.ci
        self.assertTrue(lo <= 1.03 <= hi)
        self.assertAlmostEqual(c.p, 2 / 252)

    def test_small_change_high_noise_is_not(self):
        c = stats.compare(around(100, 0.10), around(103, 0.10))
        self.assertEqual(c.kind, stats.NONE)
        self.assertFalse(c.is_result)
        self.assertAlmostEqual(c.noise_a, 0.10)

    def test_overlapping_ranges_never_are(self):
        # medians 2x apart, but one repetition of B reaches into A's range
        a = [10, 10, 10, 10, 12]
        b = [12, 20, 20, 20, 20]
        self.assertEqual(stats.compare(a, b).kind, stats.NONE)
        # touching ranges overlap too
        self.assertEqual(stats.compare([1, 2, 3], [3, 4, 5]).kind, stats.NONE)

    def test_too_few_repetitions(self):
        self.assertEqual(stats.compare([1, 1], [5, 5, 5]).kind, stats.FEW)
        self.assertEqual(stats.compare([1, 1, 1], [5, 5]).kind, stats.FEW)
        self.assertIsNone(stats.compare([1, 1], [5, 5]).ci)

    def test_three_is_enough(self):
        self.assertEqual(stats.compare([1, 1.01, 1.02], [2, 2.01, 2.02]).kind, stats.RESULT)

    def test_no_data(self):
        self.assertEqual(stats.compare([], [1, 2, 3]).kind, stats.NA)
        self.assertEqual(stats.compare([0, 0, 0], [1, 2, 3]).kind, stats.NA)

    def test_extreme_p(self):
        self.assertAlmostEqual(stats.extreme_p(5, 5), 0.0079365, places=6)
        self.assertAlmostEqual(stats.extreme_p(3, 3), 0.1)

    def test_bootstrap_is_deterministic(self):
        a, b = around(100, 0.05), around(110, 0.05)
        self.assertEqual(stats.bootstrap_ratio(a, b), stats.bootstrap_ratio(a, b))
        # independent of anything drawn before
        import random
        random.random()
        self.assertEqual(stats.compare(a, b).ci, stats.compare(a, b).ci)

    def test_bootstrap_interval_brackets_the_ratio(self):
        c = stats.compare(around(50, 0.02), around(100, 0.02))
        self.assertLess(c.ci[0], 2.0)
        self.assertGreater(c.ci[1], 2.0)
        self.assertLess(c.ci[1] / c.ci[0], 1.1)

    def test_high_variance(self):
        self.assertFalse(stats.high_variance(around(100, 0.049)))
        self.assertTrue(stats.high_variance(around(100, 0.051)))
        self.assertEqual(stats.spread([7, 7, 7]), 0.0)

    def test_quartiles(self):
        self.assertEqual(stats.quartiles([1, 2, 3, 4, 5]), (2, 3, 4))
        self.assertEqual(stats.quartiles([4]), (4, 4, 4))


if __name__ == "__main__":
    unittest.main()
