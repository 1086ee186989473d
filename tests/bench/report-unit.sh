#!/usr/bin/env bash
# The report's unit tests (bench/daxreport/tests/, Python standard library
# only, no VM): the significance rule on data with a known spread, units
# by clock (summary, CSV header, chart titles), unreadable records and
# event counts, the counts join and per-op division, the cost model's
# arithmetic, and the report on results/reference. One TAP line per test.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
py=python3
[ ! -x /usr/bin/python3 ] || py=/usr/bin/python3
cd "$top/bench"
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$top/bench${PYTHONPATH:+:$PYTHONPATH}" exec "$py" -m daxreport.tests.tap
