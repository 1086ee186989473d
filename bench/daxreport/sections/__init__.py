"""The summary's sections, one function each, in the order they appear.

Each takes the report (report.Report) and returns a list of Markdown
blocks; comparisons leave their answer lines in ctx.answers. Answers are
rendered after every other section has run and placed after the header.
"""
from .answers import answers
from .header import header
from .instructions import cost_model, where
from .paths import dm, faults, msync
from .status import charts, counters, status
from .throughput import access, fio, membw, stock_patched

# After the header and the answers, in this order.
BODY = (membw, stock_patched, access, faults, msync, dm, fio, where, cost_model, counters,
        status)


def render(ctx):
    head = header(ctx)
    body = []
    for section in BODY:
        body += section(ctx)
    md = head + answers(ctx) + body + charts(ctx)
    return "\n".join(md)
