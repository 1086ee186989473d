"""Chart data: one tab-separated .dat file per chart, and charts.list.

gnuplot draws them (bench/report runs bench/plot/NAME.gp on each). Every
chart's title and axis label come from here, so that they name the clock:
"GB/s" only on the wall clock, "B/insn (icount, not time)" under icount.

charts.list has one line per chart: NAME <TAB> TITLE <TAB> GNUPLOT-VARS,
the last a ';'-separated list of gnuplot assignments (ttl, ylab, series,
width, ...) that bench/report passes with -e before the script runs.
"""
import math
import os

from . import files, units


def gp_str(s):
    """A gnuplot double-quoted string literal (newlines become \\n, which
    gnuplot turns back into line breaks)."""
    s = str(s).replace("\\", "\\\\").replace('"', "'").replace("\t", " ")
    return '"' + s.replace("\n", "\\n") + '"'


class Charts:
    def __init__(self, directory, clock):
        self.dir, self.clock = directory, clock
        self.list = []          # (name, title, vars)
        os.makedirs(directory, exist_ok=True)

    def title(self, t):
        return f"{t} [{units.clock_label(self.clock)}]"

    def write_dat(self, name, header, rows):
        out = ["\t".join(header) + "\n"]
        for r in rows:
            out.append("\t".join(x if isinstance(x, str) else
                                 ("NaN" if x is None or (isinstance(x, float) and math.isnan(x))
                                  else repr(float(x))) for x in r) + "\n")
        files.write_atomic(os.path.join(self.dir, name + ".dat"), "".join(out))

    def add(self, name, title, header, rows, ylab, note="", **gpvars):
        """A chart only when there is something to draw. NOTE goes into the
        chart's own title only ('median, IQR whiskers')."""
        if not any(isinstance(x, (int, float)) and not isinstance(x, bool)
                   for r in rows for x in r[1:]):
            return False
        self.write_dat(name, header, rows)
        t = self.title(title)
        full = title + (f" ({note})" if note else "") + f"\n[{units.clock_label(self.clock)}]"
        v = [f"ttl={gp_str(full)}",
             f"ylab={gp_str(ylab)}"]
        v += [f"{k}={gp_str(x) if isinstance(x, str) else x}" for k, x in gpvars.items()]
        self.list.append((name, t, "; ".join(v)))
        return True

    def write_list(self):
        files.write_atomic(os.path.join(self.dir, "charts.list"),
                           "".join(f"{name}\t{title}\t{v}\n" for name, title, v in self.list))
