"""What every section needs: a cell's value as text, a comparison of two
cells under the significance rule, and the same refusal wording for cells
that cannot be used."""
from .. import stats, units
from ..text import fmt, fnoise, verdict


def cell_text(c, metric="tput", scale=1.0):
    """median ± IQR/2 of the measured repetitions, marked when the cell is
    partial or its own spread is above 5 % ("high variance")."""
    if c is None:
        return "—"
    if not c.usable:
        return {"unsupported": "not supported", "unreadable": "unreadable"}.get(c.status, c.status)
    s = c.stat(metric)
    if not s:
        return "n/a"
    suffix = ""
    if c.run_clock == units.MIXED and metric in units.METRICS:
        # no one unit for the table: each value says its own
        u, scale = units.display(metric, c.clock)
        suffix = f" {u}"
    t = f"{fmt(s['median'] * scale)} ± {fmt(s['iqr'] * scale / 2)}{suffix}"
    if s["spread"] is not None and s["spread"] > stats.HIGH_VARIANCE:
        t += f" (high variance {fnoise(s['spread'])})"
    if c.status == "partial":
        t += f" (partial: {s['n']} of {len(c.reps)} runs)"
    return t


def cell_value(c, metric="tput"):
    """The median, only from a cell whose numbers may be shown."""
    if c is None or not c.usable:
        return None
    return c.value(metric)


def not_compared(a, b, names=("A", "B")):
    """Why A and B cannot be compared, or None when they can."""
    for c, n in zip((a, b), names):
        if c is None:
            return f"no {n} cell"
        if not c.complete:
            return f"{n} cell {c.status}"
    if a.clock != b.clock:
        return f"different clocks ({a.clock} / {b.clock})"
    return None


def compare_cells(a, b, metric="tput", names=("A", "B")):
    """(Comparison of B against A, reason it could not be made)."""
    why = not_compared(a, b, names)
    if why:
        return None, why
    return stats.compare(a.values(metric), b.values(metric)), None


def verdict_cell(cmp, why, metric, clock, subject=""):
    """A table cell with the verdict, or why there is none."""
    if cmp is None:
        return f"not compared: {why}"
    return verdict(cmp, units.lower_is_better(metric), clock, subject)


def ratio_text(c):
    """A throughput as a share of membw of the same boot."""
    s = c.stat("membw_ratio") if c is not None and c.usable else None
    return "n/a" if not s else f"{s['median'] * 100:.1f} %"


def status_text(c):
    if c.status == "ok":
        return None
    why = c.reason
    return f"{c.status}: {why}" if why else c.status
