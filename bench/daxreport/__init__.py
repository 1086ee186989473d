"""daxreport: a bench run's raw records -> results.csv, summary.md and chart data.

bench/report runs it (``PYTHONPATH=bench python3 -m daxreport RUN``) and then
gnuplot. Standard library only: the report must run on a fresh Debian 12
with nothing but python3.

The modules, in the order data flows through them:

    load      raw/*.json, env.json, plan.env -> rows; damaged records are
              "unreadable", never dropped or half-read
    units     the clock a run used and the unit every figure therefore has
    stats     quartiles, noise, the significance rule, the bootstrap
    cells     rows -> cells (kernel, group, cell) with a status
    counts    counts-KERNEL.jsonl (QEMU counting plugin) joined to cells
    model     bench/platforms/*.model: a cost model over counted events
    sections  one function per summary section
    charts    the .dat files and the list gnuplot draws from
    csvout    results.csv
    report    ties them together; __main__ is the command line

Exit status of ``python3 -m daxreport RUN`` (and of bench/report): 0 every
cell could be read and none failed; 1 some cell failed, is partial or is
unreadable (the outputs are still written and say which); 2 bad usage;
3 the report itself could not be made (a bug, or gnuplot missing/failing
in bench/report).
"""

EXIT_OK, EXIT_CELLS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
