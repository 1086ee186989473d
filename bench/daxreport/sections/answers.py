"""The Answers section: what the other sections found, in their words.
Rendered after them (they leave their lines in ctx.answers) and printed
first. Comparisons list results only; everything else says it is not one."""
from .paths import dm_answers
from .throughput import fio_answers


def block(out, title, lines):
    if lines:
        out.append(title + "\n")
        out += [x if x.startswith(("-", "  -")) else f"- {x}" for x in lines]
        out.append("")


def answers(ctx):
    a = ctx.answers.get
    out = ["## Answers\n"]
    block(out, "**PMD against PTE faults** (write touch, DAX on pmem):", a("pmd"))
    block(out, "**DAX read against page-cache read** (pread, 1 MiB sequential and 4 KiB "
               "random):", a("dax_read"))
    sp = (a("kdiff") or []) + (a("stock_patched") or [])
    if a("not_compared"):
        sp.append("not compared, a cell failed, ran only partly or is unreadable: "
                  + "; ".join(a("not_compared")))
    if {"stock", "patched"} <= set(ctx.kernels):
        if sp:
            block(out, "**Stock against patched:** cells whose outcome differs, and the "
                       "differences that are results by the rule above:", sp)
        else:
            block(out, "**Stock against patched:**",
                  ["no cell's outcome differs and no difference is a result by the rule above"])
    block(out, "**msync cost per page:**", a("msync"))
    block(out, "**Device-mapper overhead** (against bare pmem, by the rule above):",
          dm_answers(ctx))
    block(out, "**daxwl against fio** (same work, same group):", fio_answers(ctx))
    if ctx.has_counts:
        out.append("**Exact answers from the event counts** (instruction counts, not time):\n")
        block(out, "*Instructions per fault, PTE against PMD:*", a("x_faults"))
        block(out, "*msync: instructions, flushes and fences per msync against dirtied pages:*",
              a("x_msync"))
        block(out, "*DAX read against page-cache read, per byte read:*", a("x_read"))
        block(out, "*dm-linear and dm-stripe overhead per operation, in instructions:*", a("x_dm"))
        out.append("What these events would cost on DRAM, Optane and CXL memory: \"Platform "
                   "cost model\" below (a model).\n")
    if len(out) == 1:
        out.append("No cell produced a comparable number.\n")
    return ["\n".join(out) + "\n"]
