"""One report: load everything once, let each section read it, write the
outputs. Sections get this object (``ctx``) and return Markdown; they
leave their answer lines in ``ctx.answers`` for the Answers section, which
is rendered last but printed first.
"""
import os

from . import cells as cellsmod
from . import charts as chartsmod
from . import counts as countsmod
from . import csvout, files, load, model, sections, units

PLATFORMS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "platforms")


class Report:
    def __init__(self, run, platforms=PLATFORMS, out=None):
        self.run = run
        self.out = out or run       # where the CSV, the summary and the charts go
        self.name = os.path.basename(os.path.abspath(run))
        self.env, self.warnings, env_problems = load.read_env(run)
        self.params, param_problems = load.read_params(run)
        plan, plan_problems = load.read_plan(run)
        env_mode, self.clock_desc = units.env_clock(self.env)
        self.rows, self.problems = load.load(run, env_mode)
        self.problems = env_problems + param_problems + plan_problems + self.problems
        self.clock = units.run_clock([r.get("clock") for r in self.rows],
                                     env_mode if env_mode in units.CLOCKS else None)
        if env_mode in units.CLOCKS and self.clock not in (env_mode, units.MIXED):
            self.warnings.append(f"env.json says clock {env_mode}, the records say {self.clock}")
        reps = self.params.get("reps")
        warm = self.params.get("warmup")
        self.cells = cellsmod.build(self.rows, int(reps) if reps and reps.isdigit() else None,
                                    warm not in (None, "0"), plan)
        for c in self.cells.values():
            c.run_clock = self.clock
        cellsmod.add_membw_ratios(self.rows, self.cells)
        self.kernels = sorted({c.kernel for c in self.cells.values()}, key=cellsmod.kernel_key)
        self.counts = countsmod.read_all(run)
        self.count_problems, self.count_notes = countsmod.join(self.cells, self.counts)
        self.platforms, self.model_problems = model.load_all(platforms)
        self.charts = chartsmod.Charts(os.path.join(self.out, "charts"), self.clock)
        self.answers = {}

    # ------------------------------------------------------------ lookups
    def get(self, kernel, group, cell):
        return self.cells.get((kernel, group, cell))

    def find(self, kernel, group, key, tool="daxwl"):
        for c in self.cells.values():
            if (c.kernel, c.group, c.attr("tool"), c.attr("key")) == (kernel, group, tool, key):
                return c
        return None

    def groups(self):
        """(group, fs, access, device), membw's ram group first."""
        seen = []
        for c in cellsmod.ordered(self.cells):
            g = (c.group, c.attr("fs"), c.attr("access"), c.attr("device"))
            if g not in seen:
                seen.append(g)
        order = {"ram": 0}
        return sorted(seen, key=lambda g: (order.get(g[0], 1), g[3] or "", g[1] or "", g[2] or ""))

    def kernel_groups(self, access=None, device=None):
        """(kernel, group, fs, access, device) for every kernel and group,
        kept to the given access and device (a value or a tuple of them):
        the loop of every per-group table."""
        def wanted(value, want):
            return want is None or value in (want if isinstance(want, tuple) else (want,))
        for k in self.kernels:
            for gid, fs, acc, dev in self.groups():
                if wanted(acc, access) and wanted(dev, device):
                    yield k, gid, fs, acc, dev

    def answer(self, topic, line):
        self.answers.setdefault(topic, []).append(line)

    @property
    def has_counts(self):
        return any(c.counts is not None and c.counts.ok for c in self.cells.values())

    def cell_clock(self, *cs):
        """The clock of these cells if they share one, else None."""
        ks = {c.clock for c in cs if c is not None}
        return ks.pop() if len(ks) == 1 else None

    # ------------------------------------------------------------ status
    def failed_cells(self):
        return [c for c in cellsmod.ordered(self.cells) if c.status in ("failed", "partial",
                                                                     "unreadable")]

    def exit_status(self):
        """1 when a cell failed or could not be read, or counts could not."""
        return 1 if (self.failed_cells() or self.problems or self.count_problems) else 0

    # ------------------------------------------------------------ outputs
    def write(self):
        n = csvout.write(self.out, self.rows, self.cells, self.clock, bool(self.counts))
        md = sections.render(self)
        files.write_atomic(os.path.join(self.out, "summary.md"), md)
        self.charts.write_list()
        return n
