#!/usr/bin/env bash
# The pmcount QEMU plugin on the real guest: bad arguments and -smp 2 fail
# the load; then the stock kernel boots under icount with one NVDIMM
# (fsdax, ext4 -o dax) and runs pmcount-seq twice
# (crashtest/qemu/tests/guest-count.sh). Checks: the sequence window's
# user-mode counts are exactly what pmcount-seq executed; the empty window
# holds next to nothing; a store between a START and a STOP in one
# translation block is counted; kernel functions are counted under real
# names; the two runs give identical user-mode counts; protocol errors
# are counted, not fatal; and the bytes counted with callbacks installed
# per window (mem=on) equal those of callbacks installed for the whole
# run (mem=always, a second boot).
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXLAB_BUILD:-$top/build/rel}
plugin=$build/crashtest/qemu/libpmcount.so
guest_script=$top/crashtest/qemu/tests/guest-count.sh
# pmcount-seq's parameters: K flushes of each kind, M fences of each kind
# and M locked RMW of each kind, N movnti, a memcpy of B bytes.
K=64 M=32 N=512 B=65536

work=$(mktemp -d /tmp/daxlab-pmcount.XXXXXX)
# shellcheck disable=SC2317 # called through the trap
cleanup() {
	rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=../lib/plugin.sh
. "$top/tests/lib/plugin.sh"
finish() {
	tap_finish pmcount
	exit
}
skip_rest() { tap_skip_rest pmcount "$@"; }

vm_tests=("counted guest run completes" "sequence window counts are exact"
	"empty window counts next to nothing" "a window inside one translation block counts its store"
	"kernel functions are counted under System.map names"
	"two runs under icount give identical user-mode counts"
	"protocol errors are counted in the record and the stats"
	"bytes with per-window callbacks equal bytes with callbacks always on")

# --- plugin loading: no guest needed --------------------------------------

if [ ! -f "$plugin" ]; then
	skip_rest "$plugin is not built (make -C crashtest/qemu)" \
		"bad argument fails the load" "bad mem= value fails the load" \
		"-smp 2 fails the load" "${vm_tests[@]}"
fi

load_fails() { plugin_load_fails "$plugin" "$@"; }
load_fails "bad argument fails the load" "unknown argument 'colour=blue'" \
	"counts=$work/x.jsonl,colour=blue" -smp 1
load_fails "bad mem= value fails the load" "mem=sometimes: expected on, off, always or first" \
	"counts=$work/x.jsonl,mem=sometimes" -smp 1
load_fails "-smp 2 fails the load" "needs -smp 1" "counts=$work/x.jsonl" -smp 2

# --- guest runs ------------------------------------------------------------

if ! kdir=$("$top/scripts/kernel" path stock 2>/dev/null); then
	skip_rest "the stock kernel is not built (make kernel)" "${vm_tests[@]}"
fi
for f in "$build/crashtest/guest/pmmark" "$build/crashtest/qemu/tests/pmcount-seq"; do
	[ -x "$f" ] || skip_rest "$f is not built (make build)" "${vm_tests[@]}"
done
command -v jq >/dev/null || skip_rest "jq is missing (scripts/deps)" "${vm_tests[@]}"
sysmap=$kdir/System.map

# counted_run NAME RUNS [PLUGIN-ARG...]: boot under icount with the plugin
# and run the guest script; records in $work/NAME.jsonl, exit statistics in
# $work/NAME.stats, the guest's output and the plugin's messages in
# $work/NAME.log.
counted_run() {
	local name=$1 runs=$2 args
	shift 2
	args="counts=$work/$name.jsonl,stats=$work/$name.stats,system_map=$sysmap"
	for a in "$@"; do args+=",$a"; done
	"$top/scripts/vm" --kernel stock --nvdimm 1 --nvdimm-size 256M --smp 1 \
		--timeout 900 --qemu-arg -icount --qemu-arg shift=0,align=off,sleep=off \
		--plugin "$plugin,$args" \
		-- "$guest_script" "$build" "$runs" "$K" "$M" "$N" "$B" >"$work/$name.log" 2>&1
}

# holds DESC NAME JQ-EXPR: ok when EXPR is true of NAME's records (an array).
holds() {
	local desc=$1 name=$2 expr=$3
	if jq -e -s --argjson K "$K" --argjson M "$M" --argjson N "$N" --argjson B "$B" \
		"$expr" "$work/$name.jsonl" >/dev/null 2>"$work/jq.err"; then
		ok "$desc"
	else
		not_ok "$desc" "not true: $expr" "$(cat "$work/jq.err")" \
			"records:" "$(jq -c 'del(.functions)' "$work/$name.jsonl" 2>&1 | cut -c1-600)"
	fi
}

if counted_run on 2 && [ "$(jq -r .windows "$work/on.stats" 2>/dev/null)" = 9 ]; then
	ok "counted guest run completes"
else
	not_ok "counted guest run completes" "$(tail -n 30 "$work/on.log")" \
		"stats: $(cat "$work/on.stats" 2>/dev/null)"
	skip_rest "the counted run failed" "${vm_tests[@]:1}"
fi

# Windows: 0 seq, 1 empty, 2 same block, 3 pwrite (first run); 4 to 7
# (second run); 8 the protocol-error window.
# shellcheck disable=SC2016 # $K and the others are jq variables
holds "sequence window counts are exact" on '
	.[0] | .label == "pmcount-seq" and .mark_id == 1 and .ops == $K and
	.unit == "seq" and .bytes == "exact" and .protocol_errors == 0 and
	(.user | .clwb == $K and .clflushopt == $K and .clflush == $K and
	 .sfence == $M and .mfence == $M and .lfence == $M and
	 .locked == 2 * $M and .ntstores == $N and .nt_bytes_pmem == 8 * $N and
	 .nt_bytes_dram == 0 and .store_bytes_pmem >= $B and
	 .store_bytes_pmem < $B + 4096 and .load_bytes_dram >= $B and
	 .load_bytes_pmem == 0 and .loads >= ($B / 32) and .stores >= ($B / 32))'

holds "empty window counts next to nothing" on '
	.[1] | .label == "empty" and .ops == 0 and .unit == "empty" and
	.insns < 200 and .loads < 50 and .stores < 50 and
	([.clwb, .clflushopt, .clflush, .sfence, .mfence, .lfence, .locked,
	  .ntstores, .store_bytes_pmem, .nt_bytes_pmem, .nt_bytes_dram] | add) == 0'

# START, one 8-byte store to pmem, STOP, in straight-line code: the
# memory-callback reset comes after the block, so only the callbacks given
# to the instructions after a cpuid can see the store.
holds "a window inside one translation block counts its store" on '
	.[2] | .label == "same block" and .ops == 0 and .unit == "" and
	.bytes == "exact" and .insns < 20 and .user.stores == 1 and
	.user.store_bytes_pmem == 8 and .user.loads == 0'

# Every name is a text symbol of System.map; the write path is there with
# its calls; the functions hold no more than the kernel executed.
jq -r '.[3].functions | keys[]' -s "$work/on.jsonl" >"$work/names" 2>/dev/null || true
awk '$2 ~ /^[tTwW]$/ { print $3 }' "$sysmap" | sort -u >"$work/text-symbols"
unknown=$(sort -u "$work/names" | comm -23 - "$work/text-symbols" | head -n 5)
if [ -s "$work/names" ] && [ -z "$unknown" ] &&
	jq -e -s '.[3] | .unit == "io" and .functions.vfs_write[1] >= 1 and
		.functions.pmem_submit_bio[1] >= 1 and .functions.vfs_fsync_range[1] >= 1 and
		([.functions[][0]] | add) + .kernel_other_insns == .kernel.insns and
		.kernel_other_insns < .kernel.insns / 100' "$work/on.jsonl" >/dev/null; then
	ok "kernel functions are counted under System.map names ($(wc -l <"$work/names") in the pwrite window)"
else
	not_ok "kernel functions are counted under System.map names" \
		"names not in System.map: ${unknown:-none}" \
		"$(jq -c -s '.[3] | {kernel: .kernel.insns, other: .kernel_other_insns, vfs_write: .functions.vfs_write, pmem_submit_bio: .functions.pmem_submit_bio, n: (.functions | length)}' "$work/on.jsonl" 2>&1)"
fi

holds "two runs under icount give identical user-mode counts" on '
	.[0].user == .[4].user and .[1].user == .[5].user and
	.[2].user == .[6].user and .[0].user.insns > 0 and
	.[4].label == "pmcount-seq"'

# One error before the window (stop without start), one in it (a second
# start): both in its record, and in the exit statistics.
if jq -e -s '.[8] | .label == "protocol errors" and .mark_id == 5 and
	.ops == 0 and .unit == "" and .protocol_errors == 2' "$work/on.jsonl" >/dev/null &&
	jq -e '.protocol_errors == 2 and .window_open_at_exit == false' "$work/on.stats" >/dev/null; then
	ok "protocol errors are counted in the record and the stats"
else
	not_ok "protocol errors are counted in the record and the stats" \
		"record: $(jq -c -s '.[8] | del(.functions)' "$work/on.jsonl" 2>&1 | cut -c1-400)" \
		"stats: $(cat "$work/on.stats")"
fi

# The bytes must not depend on when the callbacks came: per window, every
# window is exact and matches the run that had them all along.
if ! counted_run always 1 mem=always; then
	not_ok "bytes with per-window callbacks equal bytes with callbacks always on" \
		"the mem=always run failed:" "$(tail -n 20 "$work/always.log")"
	finish
fi
if jq -e -s --slurpfile a "$work/always.jsonl" '
	.[0].user == $a[0].user and .[2].user == $a[2].user and
	all(.[]; .bytes == "exact")' "$work/on.jsonl" >/dev/null &&
	jq -e '.mem_toggling and .mem_resets >= .windows and .bytes_partial_windows == 0' \
		"$work/on.stats" >/dev/null; then
	ok "bytes with per-window callbacks equal bytes with callbacks always on ($(jq -r .mem_resets "$work/on.stats") resets)"
else
	not_ok "bytes with per-window callbacks equal bytes with callbacks always on" \
		"mem=on:     $(jq -c -s '.[0].user' "$work/on.jsonl")" \
		"mem=always: $(jq -c -s '.[0].user' "$work/always.jsonl")" "stats: $(cat "$work/on.stats")"
fi

finish
