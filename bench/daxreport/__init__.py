"""daxreport: the project's reports. A bench run's raw records -> results.csv,
summary.md and chart data; a crash-test run -> crash.json and report.md.

bench/report runs it (``PYTHONPATH=bench python3 -m daxreport RUN``) and then
gnuplot. Standard library only: the report must run on a fresh Debian 12
with nothing but python3.

The modules, in the order data flows through them:

    load      raw/*.json, env.json, plan.env -> rows; damaged records are
              "unreadable", never dropped or half-read
    units     the clock a run used and the unit every figure therefore has
    stats     quartiles, noise, the significance rule, the bootstrap
    cells     rows -> cells (kernel, group, cell) with a status
    keys      the cell keys, cell names and group names the sections look
              for, in one table (checked against bench/cells by a test)
    counts    counts-KERNEL.jsonl (QEMU counting plugin) joined to cells
    model     bench/platforms/*.model: a cost model over counted events
    sections  one function per summary section
    charts    the .dat files and the list gnuplot draws from
    csvout    results.csv
    report    ties them together; __main__ is the command line

The crash-test report is the subpackage ``crash`` (``python3 -m daxreport
crash RUN``, crashtest/run runs it): see daxreport/crash/__init__.py.

Exit statuses follow the project's convention, for both reports:

    0  every cell could be read and none failed / the crash run is clean
    1  a finding: some cell failed, is partial or unreadable, or event
       counts are unreadable (the outputs are still written and say which);
       in the crash report a violation, a mutant not caught, a failed run;
       also an internal error of the report itself (a bug: the traceback
       says so)
    2  bad usage or bad input: no such run, no raw/ or crash.json, a
       malformed crash.json, an output that would overwrite an input or
       an earlier report without --force
    3  not supported here: bench/report cannot draw (no gnuplot)
    4  incomplete: a crash run that covered only part of what was asked
    5  not enough resources: a crash run stopped for lack of disk space
"""

__version__ = "1.1"     # bench/lib/cli.sh's DAXLAB_TOOLS_VERSION, checked by a test

EXIT_OK, EXIT_FINDING, EXIT_USAGE, EXIT_UNSUPPORTED, EXIT_INCOMPLETE, EXIT_RESOURCES = range(6)
