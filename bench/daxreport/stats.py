"""Quartiles, noise and the rule that decides when a difference is a result.

The bench repeats each cell a few times (5 by default). With so few
repetitions and a noisy emulator, a difference of medians means nothing
by itself: the reference run saw patched/stock ratios from 0.56 to 1.38 on
code the patches do not touch. So every comparison in the report goes
through compare() here, and only one rule makes a result:

    with n >= 3 repetitions on each side, the two cells' repetition ranges
    [min, max] must not overlap.

For 5 against 5 that is the most extreme outcome of an exact Mann-Whitney
test (U = 0, two-sided p = 2 / C(10, 5) = 0.008); for 3 against 3 it is
p = 0.1, which is why 3 is the least the rule accepts. The size of the
effect is the ratio of medians with a bootstrap 95 % interval (resampling
each side, 2000 times, fixed seed, so a report is reproducible byte for
byte). Everything else is "no difference detected at this noise", the
noise being each side's (max - min) / median.
"""
import functools
import math
import random
import statistics

MIN_REPS = 3            # fewer on either side: too few to judge
HIGH_VARIANCE = 0.05    # a cell's own (max - min) / median above this is flagged
COUNT_AGREEMENT = 0.005  # per-op event counts of one cell should agree this well
RESAMPLES = 2000
SEED = 20261130

RESULT, NONE, FEW, NA = "result", "none", "few", "na"


def median(xs):
    return statistics.median(xs) if xs else None


def quartiles(xs):
    """(q1, median, q3), inclusive method (what the summary always used)."""
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], statistics.median(xs), q[2]


def spread(xs):
    """(max - min) / |median|: the noise of one cell's repetitions. 0 for a
    single value or identical values; inf when the median is 0 but the
    values are not."""
    if not xs:
        return None
    lo, hi, med = min(xs), max(xs), statistics.median(xs)
    if hi == lo:
        return 0.0
    if med == 0:
        return math.inf
    return (hi - lo) / abs(med)


def high_variance(xs, limit=HIGH_VARIANCE):
    s = spread(xs)
    return s is not None and s > limit


def overlap(a, b):
    """Do the ranges [min a, max a] and [min b, max b] touch or overlap?"""
    return max(a) >= min(b) and max(b) >= min(a)


def extreme_p(n, m):
    """Two-sided exact Mann-Whitney p of complete separation (U = 0)."""
    return 2.0 / math.comb(n + m, n)


def bootstrap_ratio(a, b, resamples=RESAMPLES, seed=SEED):
    """95 % percentile interval of median(b) / median(a), resampling each
    side with replacement. Deterministic: a fresh generator with a fixed
    seed per call, so the interval depends only on the data. None when a
    resampled median of a is 0."""
    rng = random.Random(seed)
    na, nb = len(a), len(b)
    ratios = []
    for _ in range(resamples):
        ma = statistics.median(rng.choices(a, k=na))
        mb = statistics.median(rng.choices(b, k=nb))
        if ma == 0:
            return None
        ratios.append(mb / ma)
    ratios.sort()
    lo = ratios[int(0.025 * resamples)]
    hi = ratios[min(resamples - 1, int(math.ceil(0.975 * resamples)) - 1)]
    return lo, hi


class Comparison:
    """B against A (B / A) under the significance rule.

    kind: RESULT (ranges do not overlap, n >= 3 each side), NONE (they
    overlap), FEW (fewer than MIN_REPS on a side) or NA (no data, or a
    zero median that makes a ratio meaningless)."""

    def __init__(self, a, b):
        self.a, self.b = list(a or []), list(b or [])
        self.na, self.nb = len(self.a), len(self.b)
        self.med_a = median(self.a)
        self.med_b = median(self.b)
        self.noise_a = spread(self.a)
        self.noise_b = spread(self.b)
        self.ratio = None
        if self.med_a not in (None, 0) and self.med_b is not None:
            self.ratio = self.med_b / self.med_a
        self.p = None
        if not self.a or not self.b or self.ratio is None:
            self.kind = NA
        elif self.na < MIN_REPS or self.nb < MIN_REPS:
            self.kind = FEW
        elif overlap(self.a, self.b):
            self.kind = NONE
        else:
            self.kind = RESULT
            self.p = extreme_p(self.na, self.nb)

    @functools.cached_property
    def ci(self):
        """The bootstrap interval, computed when a table shows it: the
        report compares thousands of per-function counts and prints the
        interval of few (2000 resamples each would take minutes)."""
        if self.kind in (RESULT, NONE):
            return bootstrap_ratio(self.a, self.b)
        return None

    @property
    def is_result(self):
        return self.kind == RESULT

    def change(self):
        """Relative change of B against A (ratio - 1), or None."""
        return None if self.ratio is None else self.ratio - 1.0


def compare(a, b):
    return Comparison(a, b)
