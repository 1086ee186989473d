#!/usr/bin/env python3
"""Kept for old callers: the report is the daxreport package (bench/daxreport/,
`PYTHONPATH=bench python3 -m daxreport RUN`); bench/report runs it."""
import os, sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # noqa: E401,E702
from daxreport.__main__ import main; sys.exit(main(sys.argv[1:]))  # noqa: E402,E702
