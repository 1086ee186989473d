#!/usr/bin/env bash
# bench/lib/trace.sh's trace_stop_json on a fixture tracefs: the counts per
# event and per fault result, and a record that stays valid JSON whatever
# the kernel printed as a fault's result (a quote, a backslash).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
# shellcheck source=../../bench/lib/trace.sh
. "$top/bench/lib/trace.sh"

TRACEFS=$scratch/tracefs
TRACE_SYSTEMS=(fs_dax)
mkdir -p "$TRACEFS/events/fs_dax" "$TRACEFS/per_cpu/cpu0"
printf 'overrun: 3\n' >"$TRACEFS/per_cpu/cpu0/stats"
cat >"$TRACEFS/trace" <<'TRACE'
# tracer: nop
  daxwl-1  [000] .....  12.3: dax_pmd_fault: dev 259:0 ino 0x1 shared
  daxwl-1  [000] .....  12.3: dax_pmd_fault_done: dev 259:0 ino 0x1 NOPAGE
  daxwl-1  [000] .....  12.4: dax_pmd_fault_done: dev 259:0 ino 0x1 FALLBACK
  daxwl-1  [000] .....  12.5: dax_pmd_fault_done: dev 259:0 ino 0x1 a"b\c
TRACE
json=$(trace_stop_json)
# holds FILTER: the record makes the jq FILTER true.
holds() { jq -e "$1" >/dev/null 2>&1 <<<"$json"; }
check "the record is valid JSON" holds .
check "events are counted" holds '.events.dax_pmd_fault == 1 and .events.dax_pmd_fault_done == 3'
check "fault results are counted" \
	holds '.results["dax_pmd_fault_done/NOPAGE"] == 1 and .results["dax_pmd_fault_done/FALLBACK"] == 1'
check "a result with a quote and a backslash keeps the record valid" \
	holds '.results["dax_pmd_fault_done/a_b_c"] == 1'
check "overruns are summed" holds '.overrun == 3'
finish
