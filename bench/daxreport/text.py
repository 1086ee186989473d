"""Number formatting, Markdown tables and the wording of verdicts.

Kept apart so that every section words a comparison the same way: the
significance rule (stats) decides, this module only says it.
"""
import math

from . import stats, units


def fmt(x, digits=3):
    """A number the way the summary has always printed it."""
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if math.isinf(x) or math.isnan(x):
            return "n/a"
        if x == 0:
            return "0"
        a = abs(x)
        if a >= 1000:
            return f"{x:,.0f}"
        if a >= 100:
            return f"{x:.0f}"
        if a >= 10:
            return f"{x:.1f}"
        return f"{x:.{digits}g}" if a < 1 else f"{x:.2f}"
    return str(x)


def fcount(x):
    """An event count per operation: exact enough to read a difference of
    one call or a few instructions off it."""
    if x is None:
        return "n/a"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 100:
        return f"{x:,.0f}" if abs(x - round(x)) < 0.05 or a >= 10000 else f"{x:,.1f}"
    if a >= 1:
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return f"{x:.3g}"


def fnoise(x):
    """A noise figure (max-min)/median as '±1.2 %'."""
    if x is None:
        return "n/a"
    if math.isinf(x):
        return "±inf"
    return f"±{x * 100:.1f} %"


def fratio(r):
    if r is None:
        return "n/a"
    if r >= 100 or r < 0.01:
        return f"{r:.3g}x"
    return f"{r:.2f}x" if r >= 10 else f"{r:.3f}x"


def fci(ci):
    if not ci:
        return "n/a"
    return f"{fratio(ci[0])} – {fratio(ci[1])}"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(x).replace("|", "/") for x in r) + " |")
    return "\n".join(out) + "\n"


def noise_text(cmp):
    return f"{fnoise(cmp.noise_a)} / {fnoise(cmp.noise_b)}"


def direction(cmp, lower_better, clock):
    """(favourable?, factor) for B against A, from the ratio of medians.
    The factor is stated in the terms a reader expects of the clock: on
    the wall clock the speed ratio (throughput, or the inverse of a time),
    under icount the cost ratio (instructions for the same work)."""
    r = cmp.ratio
    good = (r < 1) if lower_better else (r > 1)
    if clock == units.ICOUNT:
        return good, (r if lower_better else 1 / r)
    return good, ((1 / r) if lower_better else r)


def verdict(cmp, lower_better=False, clock=units.WALL, subject=""):
    """The verdict column: 'faster by 3.1 %', '2.50x faster', '4.0 % fewer
    instructions', 'no difference detected at ±0.4 % / ±2.0 %', 'too few
    repetitions to judge'."""
    if cmp.kind == stats.NA:
        return "n/a"
    if cmp.kind == stats.FEW:
        return "too few repetitions to judge"
    if cmp.kind == stats.NONE:
        return f"no difference detected at {noise_text(cmp)}"
    good, f = direction(cmp, lower_better, clock)
    better, worse = units.better_worse(clock)
    s = f"{subject} " if subject else ""
    if clock == units.ICOUNT:
        # f = cost ratio: < 1 means fewer instructions
        if f <= 0.5:
            return f"{s}{1 / f:.2f}x {better}"
        if f >= 2:
            return f"{s}{f:.2f}x {worse}"
        return f"{s}{abs(f - 1) * 100:.1f} % {better if good else worse}"
    # f = speed ratio: > 1 means faster
    if f >= 2:
        return f"{s}{f:.2f}x {better}"
    if f <= 0.5:
        return f"{s}{1 / f:.2f}x {worse}"
    return f"{s}{better if good else worse} by {abs(f - 1) * 100:.1f} %"


def sentence(cmp, lower_better=False, clock=units.WALL, subject=""):
    """The verdict for prose: results carry their interval and p, the rest
    say they are not results."""
    if cmp.kind == stats.NONE:
        return f"no difference detected at this noise ({noise_text(cmp)})"
    v = verdict(cmp, lower_better, clock, subject)
    if cmp.kind == stats.RESULT:
        return (f"{v} (95 % interval of the ratio {fci(cmp.ci)}; ranges do not overlap, "
                f"p = {cmp.p:.3f})")
    return v
