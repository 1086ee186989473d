#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# daxwl against hostile input. Every numeric option at and past its
# limits (2 naming the option, nothing created); paths that alias (--json
# = the target through any name, standard output into the target, the
# target a directory, /dev/null, a FIFO or a dangling link: 2, the files
# byte-identical); existing files without --overwrite (2, unchanged);
# MAP_SYNC and libpmem2 persistence off DAX (3, decided before any fill,
# nothing left); signals while the file is filled, refilled and measured
# (128+N, a record saying "interrupted", no half-filled file, a marker
# where a fill could not be undone); a full file system (5 with the
# numbers, nothing left; SIGBUS on a hole it cannot back is a message,
# not a crash); --runtime 1ns (1, null rates and latencies, a note).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init daxwl

dx=$BI_BIN/workloads/daxwl
d=$BI_TMP
e='^daxwl'

# The helpers below are called through bi_check.
# shellcheck disable=SC2317
# jqf FILE EXPR: EXPR (over the array of the file's JSON objects) is true.
jqf() { jq -e -s "$2" "$1" >/dev/null; }
# shellcheck disable=SC2317
# jqo EXPR: the same over the last case's output, its JSON lines only.
jqo() { grep '^{' "$BI_OUT" | jq -e -s "$1" >/dev/null; }
# shellcheck disable=SC2317
# empty DIR: nothing in it, hidden files included.
empty() { [ -z "$(ls -A "$1")" ]; }
# shellcheck disable=SC2317
# stdout_only CMD...: CMD succeeds, writes to stdout and nothing to stderr.
stdout_only() {
	local out
	out=$("$@" 2>"$d/stderr") || return 1
	[ -n "$out" ] && [ ! -s "$d/stderr" ]
}

# ---- help, version, subcommands ----------------------------------------
bi_class usage
bi_run 0 '^usage: daxwl SUBCOMMAND' -- "$dx" --help
bi_check "daxwl --help writes to stdout only" stdout_only "$dx" --help
bi_run 0 '^usage: daxwl rw ' -- "$dx" rw --bs -1 --help
bi_run 0 '^daxwl [0-9]+\.[0-9]+$' -- "$dx" --version
bi_run 0 '^daxwl [0-9]+\.[0-9]+$' -- "$dx" fault --size 1x --version
bi_run 2 "$e: no subcommand given" -- "$dx"
bi_run 2 "$e: unknown subcommand 'frob'" -- "$dx" frob
bi_run 2 "$e rw: unexpected argument 'f'" -- "$dx" rw f
bi_run 2 "$e rw: --file needs a value" -- "$dx" rw --file
bi_run 2 "$e rw: --file needs a non-empty value" -- "$dx" rw --file=

# ---- numbers at and past their limits ------------------------------------
# None of these may create the file.
bi_class numbers
n=$d/n
num() { # STATUS ERE OPTION VALUE [MORE...]: rw on a new 1 MiB file
	local st=$1 ere=$2
	shift 2
	bi_run "$st" "$ere" -- "$dx" rw --file "$n" --size 1M "$@"
}
num 2 "$e rw: --threads: 0 is out of range \[1, 1024\]" --threads 0
num 2 "$e rw: --threads: 1025 is out of range \[1, 1024\]" --threads 1025
num 2 "$e rw: --threads: '-1' is not an unsigned integer" --threads -1
num 2 "$e rw: --threads: '\+1' is not an unsigned integer" --threads +1
num 2 "$e rw: --threads: ' 1' is not an unsigned integer" --threads ' 1'
num 2 "$e rw: --threads: '2x' is not an unsigned integer" --threads 2x
num 2 "$e rw: --threads: '1e3' is not an unsigned integer" --threads 1e3
num 2 "$e rw: --threads: '18446744073709551616' is too large" --threads 18446744073709551616
num 2 "$e rw: --seed: '18446744073709551616' is too large" --seed 18446744073709551616
num 2 "$e rw: --seed: '0x' is not an unsigned integer" --seed 0x
num 2 "$e rw: --repeat: 0 is out of range \[1, 100000\]" --repeat 0
num 2 "$e rw: --repeat: 100001 is out of range" --repeat 100001
num 2 "$e rw: --mix: 101 is above the maximum 100" --mix 101
num 2 "$e rw: --bs: 0 is out of range \[8, 1G\]" --bs 0
num 2 "$e rw: --bs must be a multiple of 512 between 512 and 16M \(got 33554432\)" --bs 32M
num 2 "$e rw: --bs must be a multiple of 512 between 512 and 16M \(got 1000\)" --bs 1000
num 2 "$e rw: --runtime: '18446744074s' is too long" --runtime 18446744074s
num 2 "$e rw: --runtime: '1.5ns' is finer than one nanosecond" --runtime 1.5ns
num 2 "$e rw: --runtime: '-1s' is not a duration" --runtime -1s
num 2 "$e rw: --runtime: '5x' has an unknown unit" --runtime 5x
num 2 "$e rw: --warmup: '99999999999999999999' is too long" --warmup 99999999999999999999
num 2 "$e rw: --iterations: '-1' is not an unsigned integer" --iterations -1
bi_run 2 "$e rw: --size: '16777216T' is too large" -- "$dx" rw --file "$n" --size 16777216T
bi_run 2 "$e rw: --size: '-1' is not a size" -- "$dx" rw --file "$n" --size -1
bi_run 2 "$e rw: --size 1000 is not a multiple of 512" -- "$dx" rw --file "$n" --size 1000
bi_run 2 "$e rw: --size 4K split over 2 threads leaves less than one 4K unit" -- \
	"$dx" rw --file "$n" --size 4K --threads 2
bi_run 2 "$e msync: --pages: 0 is out of range \[1, 1048576\]" -- "$dx" msync --file "$n" --size 1M --pages 0
bi_run 2 "$e msync: --pages: 1048577 is out of range" -- "$dx" msync --file "$n" --size 1M --pages 1048577
bi_run 2 "$e odirect: --iodepth: 1025 is out of range \[1, 1024\]" -- "$dx" odirect --file "$n" --size 1M --iodepth 1025
bi_run 5 "$e rw: .*/n needs 18446744073709551104 bytes, [0-9]+ bytes are free there" -- \
	"$dx" rw --file "$n" --size 18446744073709551104
bi_run 5 "$e membw: .* needs [0-9]+ bytes of memory, [0-9]+ bytes are available" -- \
	"$dx" membw --size 16T --op read
bi_absent "no refused number created the file" "$n" "$d/.n.daxwl-filling"
# At the limits and in other spellings, accepted: decimal even with a
# leading zero, hex after 0x, the largest values.
bi_run 0 '"threads":10,' -- "$dx" rw --file "$n" --size 10M --threads 010 --iterations 1
bi_run 0 '"seed":255,' -- "$dx" rw --file "$n" --seed 0xff --iterations 1
bi_run 0 '"seed":18446744073709551615,' -- "$dx" rw --file "$n" --seed 18446744073709551615 --iterations 1
bi_run 0 '"iterations":18446744073709551615,' -- \
	"$dx" rw --file "$n" --iterations 18446744073709551615 --runtime 100ms
# fault's budget is passes x pages: 2^56 + 1 passes of 2560 pages must not
# wrap around to a few passes (or to "no limit" without --runtime).
bi_run 0 '"iterations":72057594037927937,' -- \
	"$dx" fault --file "$n" --touch read --iterations 72057594037927937 --runtime 300ms
bi_check "fault ran for its --runtime, not for a wrapped-around budget" jqo '.[0].results.ops > 2560 and .[0].results.maps > 1'
bi_run 0 '"threads":1024,' --timeout 60 -- "$dx" membw --op read --size 64M --bs 64K --threads 1024 --iterations 1
bi_check "1024 threads, one record each" jqo '(.[0].results.per_thread | length) == 1024'
rm -f "$n"

# ---- paths that alias, and files that are not files ---------------------
bi_class aliasing
f=$d/f
"$dx" rw --file "$f" --size 1M --iterations 1 >/dev/null
cp "$f" "$d/f.orig"
ln -s "$f" "$d/sym"
ln "$f" "$d/hard"
mkdir "$d/sub" "$d/ms"
bi_run 2 "$e rw: --json .*/f is the --file .*/f: the record would overwrite" -- "$dx" rw --file "$f" --json "$f"
bi_run 2 "$e rw: --json .*/sym is the --file" -- "$dx" rw --file "$f" --json "$d/sym" --overwrite
bi_run 2 "$e rw: --json .*/f is the --file .*/hard" -- "$dx" rw --file "$d/hard" --json "$f" --overwrite
bi_run 2 "$e rw: --json .*/new is the --file" -- "$dx" rw --file "$d/new" --size 1M --json "$d/sub/../new"
# shellcheck disable=SC2016 # expanded by the command's shell
bi_run 2 "$e rw: standard output is the --file" -- bash -c '"$1" rw --file "$2" >>"$2"' sh "$dx" "$f"
bi_check "the target is byte-identical after every alias" cmp "$f" "$d/f.orig"
bi_absent "the aliased new target was not created" "$d/new"
echo '{"keep":1}' >"$d/keep.json"
cp "$d/keep.json" "$d/keep.orig"
bi_run 2 "$e rw: --json .*/keep.json exists; pass --overwrite to replace it" -- \
	"$dx" rw --file "$f" --json "$d/keep.json"
bi_check "an existing --json file is not appended to" cmp "$d/keep.json" "$d/keep.orig"
bi_run 0 '' -- "$dx" rw --file "$f" --json "$d/keep.json" --overwrite --iterations 1
bi_check "with --overwrite it holds the one new record" jqf "$d/keep.json" 'length == 1 and .[0].error == null'
mkfifo "$d/fifo"
bi_run 2 "$e rw: --json .*/fifo: nothing reads this FIFO" --timeout 10 -- "$dx" rw --file "$f" --json "$d/fifo"
bi_run 2 "$e rw: --json .* is a directory" -- "$dx" rw --file "$f" --json "$d"
bi_run 1 "$e membw: writing the JSON output to /dev/full failed" -- "$dx" membw --size 1M --op read --json /dev/full
if mknod "$d/bdev" b 7 1000 2>/dev/null; then
	bi_run 2 "$e rw: --json .*/bdev is a block device" -- "$dx" rw --file "$f" --json "$d/bdev"
	bi_run 2 "$e fault: .*/bdev is a block device; only rw and odirect" -- "$dx" fault --file "$d/bdev"
	rm -f "$d/bdev"
else
	bi_skip "--json and --file on a block device node" "mknod needs root"
fi
bi_run 2 "$e rw: .* is neither a regular file nor a block device" -- "$dx" rw --file "$d"
bi_run 2 "$e rw: /dev/null is neither a regular file nor a block device" -- "$dx" rw --file /dev/null --overwrite --rw write
bi_run 2 "$e rw: .*/fifo is neither a regular file nor a block device" --timeout 10 -- "$dx" rw --file "$d/fifo"
ln -s "$d/nowhere" "$d/dangling"
bi_run 2 "$e rw: .*/dangling is a symbolic link to nothing" -- "$dx" rw --file "$d/dangling" --size 1M
bi_absent "the dangling link's target was not created" "$d/nowhere"
bi_run 2 "$e rw: .*/nodir/f: its directory is not usable" -- "$dx" rw --file "$d/nodir/f" --size 1M
bi_run 2 "$e rw: .*/x/ names a directory" -- "$dx" rw --file "$d/x/" --size 1M
bi_run 2 "$e membw: membw works on anonymous memory and takes no --file" -- "$dx" membw --file "$f"
bi_run 2 "$e rw: --json .*/.g.daxwl-filling is a daxwl fill marker's name" -- \
	"$dx" rw --file "$d/g" --size 1M --json "$d/.g.daxwl-filling"
bi_run 2 "$e rw: .*/.g.daxwl-filling is the fill marker of another file" -- \
	"$dx" rw --file "$d/.g.daxwl-filling" --size 1M
bi_absent "neither made a file" "$d/g" "$d/.g.daxwl-filling"

# ---- existing files without --overwrite ---------------------------------
bi_class existing
bi_run 2 "$e rw: refusing to write to .*/f: it exists" -- "$dx" rw --file "$f" --rw write
bi_run 2 "$e rw: refusing to write .*--verify rewrites the pattern" -- "$dx" rw --file "$f" --verify
bi_run 2 "$e fault: refusing to write to" -- "$dx" fault --file "$f"
bi_run 2 "$e msync: refusing to write to" -- "$dx" msync --file "$f"
bi_run 2 "$e flush: refusing to write to" -- "$dx" flush --file "$f"
bi_run 2 "$e odirect: refusing to write to" -- "$dx" odirect --file "$f" --rw mixed
bi_run 2 "$e rw: .*/f is 1048576 bytes, smaller than --size 2097152; pass --overwrite" -- "$dx" rw --file "$f" --size 2M
bi_check "the existing file is byte-identical" cmp "$f" "$d/f.orig"

# ---- MAP_SYNC and persistence where there is no DAX ---------------------
# Decided on the empty file before the fill: nothing left but the record.
bi_class unsupported
for fs in host tmpfs; do
	if [ "$fs" = host ]; then m=$d/ms; else m=''; bi_small_fs 300 m || continue; fi
	bi_run 3 "$e fault: --map-sync: MAP_SYNC refused for .*: Operation not supported; .* is removed" -- \
		"$dx" fault --file "$m/a" --size 256M --map-sync
	bi_run 3 "$e msync: --sync persist needs a MAP_SYNC-capable DAX file" -- \
		"$dx" msync --file "$m/a" --size 256M --sync persist
	bi_check "the refusal's record says the file was created and removed ($fs)" jqo '.[0].target | .created and .removed'
	bi_run 3 "$e msync: --map-sync: MAP_SYNC refused" -- "$dx" msync --file "$m/a" --size 256M --map-sync
	bi_check "nothing is left of the refused files ($fs)" empty "$m"
done
bi_run 3 "$e fault: --map-sync: MAP_SYNC refused" -- "$dx" fault --file "$f" --map-sync --overwrite --verify
bi_check "an existing file is not refilled before MAP_SYNC is refused" cmp "$f" "$d/f.orig"

# ---- signals --------------------------------------------------------------
# While the file is created: the partial file goes, the record says so.
bi_class signals
bi_signal TERM "file:$d/.big.daxwl-filling" 143 "$e rw: interrupted by SIGTERM while creating .*/big \([0-9]+ of 4294967296 bytes written\); .* is removed" \
	--pid -- "$dx" rw --file "$d/big" --size 4G
bi_check "the record says interrupted, exit_code 143" jqo '.[0].error | .class == "interrupted" and .exit_code == 143'
bi_absent "no partial file, no marker" "$d/big" "$d/.big.daxwl-filling"
# While measuring: a record with what was measured; the created file goes.
bi_signal INT 1 130 "$e rw: interrupted by SIGINT during the run, after [1-9][0-9]* ops" \
	-- "$dx" rw --file "$d/run" --size 1M --runtime 60s --json "$d/int.json"
bi_check "--json holds one record: interrupted, with the ops measured" \
	jqf "$d/int.json" 'length == 1 and .[0].error.class == "interrupted" and .[0].results.ops > 0 and (.[0].results.note | test("SIGINT"))'
bi_absent "the file the interrupted run created is removed" "$d/run"
bi_signal TERM 1 143 "$e rw: interrupted by SIGTERM during the run" --pid -- \
	"$dx" rw --file "$f" --runtime 18446744073709551615ns
bi_check "the longest --runtime measured until the signal" jqo '.[0].results | .ops > 0 and .elapsed_ns > 500000000'
bi_signal HUP 1 129 "$e rw: interrupted by SIGHUP" --pid -- "$dx" rw --file "$f" --runtime 60s --warmup 60s
bi_check "stopped in the warm-up: nothing measured, rates null" jqo '.[0].results | .ops == 0 and .iops == null and .lat_ns.p50 == null'
bi_check "the existing file stays" cmp "$f" "$d/f.orig"
# Killed outright while filling: the marker stays, never a file at the
# target's name; later runs refuse until --overwrite fills it again.
bi_signal KILL "file:$d/.k.daxwl-filling" 137 '' --pid -- "$dx" rw --file "$d/k" --size 4G
bi_absent "no half-filled file at the target's name" "$d/k"
bi_present "the killed fill's marker" "$d/.k.daxwl-filling"
bi_run 2 "$e rw: a daxwl creating .*/k stopped before the end .*; pass --overwrite" -- "$dx" rw --file "$d/k" --size 1M
bi_run 0 'removed it, creating the file again' -- "$dx" rw --file "$d/k" --size 1M --overwrite --iterations 1
bi_absent "the stale marker is gone" "$d/.k.daxwl-filling"
# Refilling an existing file in place, stopped: the marker stays.
"$dx" rw --file "$d/r" --size 1G --sparse --iterations 1 >/dev/null
bi_signal TERM "file:$d/.r.daxwl-filling" 143 "$e rw: interrupted by SIGTERM while refilling .*; .*/.r.daxwl-filling stays to mark" \
	--pid -- "$dx" rw --file "$d/r" --verify --overwrite
bi_run 2 "$e rw: .*/r was not filled completely" -- "$dx" rw --file "$d/r" --iterations 1
bi_run 0 'filling it again' --timeout 60 -- "$dx" rw --file "$d/r" --size 1M --overwrite --iterations 1
bi_check "the file was filled again" jqo '.[0].target.refilled == true'
bi_absent "and the marker is gone" "$d/.r.daxwl-filling"
rm -f "$d/r" "$d/k"

# ---- a full file system ---------------------------------------------------
bi_class resources
small=''
if bi_small_fs 16 small; then
	bi_run 5 "$e rw: .*/big needs 67108864 bytes, [0-9]+ bytes are free there" -- "$dx" rw --file "$small/big" --size 64M
	bi_check "nothing is left of the refused file" empty "$small"
	# shellcheck disable=SC2016 # expanded by the command's shell
	bi_run 5 "$e rw: .*/fs needs 2097152 bytes, the file size limit \(ulimit -f\) allows 1048576" -- \
		bash -c 'ulimit -f 1024; exec "$1" rw --file "$2" --size 2M' sh "$dx" "$small/fs"
	bi_check "nothing is left of it either" empty "$small"
	# A sparse file's holes, then the room taken: writes into the holes
	# meet a full file system, through write() and through a mapping.
	"$dx" rw --file "$small/sp" --size 12M --sparse --iterations 1 >/dev/null
	"$dx" rw --file "$small/full" --size 10M --iterations 1 >/dev/null
	bi_run 5 "$e rw: write of 4096 bytes at offset [0-9]+: 0 bytes are free: No space left" -- \
		"$dx" rw --file "$small/sp" --rw write --overwrite
	bi_run 5 "$e fault: worker 0: the kernel could not provide a page .*\(SIGBUS\).* 0 bytes are free" -- \
		"$dx" fault --file "$small/sp" --overwrite
	bi_run 5 "$e msync: worker 0: the kernel could not provide a page" -- \
		"$dx" msync --file "$small/sp" --overwrite --pages 64 --iterations 100
	bi_run 5 "$e rw: .*/sp: the file system was full after [0-9]+ of the 12582912 bytes of the pattern \(0 bytes free now\)" -- \
		"$dx" rw --file "$small/sp" --verify --overwrite
	bi_present "a refill that did not finish leaves its marker" "$small/.sp.daxwl-filling"
	rm -f "$small/full"
	bi_run 0 'filling it again' -- "$dx" rw --file "$small/sp" --overwrite --iterations 1 --json /dev/null
	bi_absent "a complete refill drops the marker" "$small/.sp.daxwl-filling"
	rm -f "$small/sp"
	# Two fills at once that each fit but not together: each ends complete
	# or with 5, and nothing half-filled stays.
	# shellcheck disable=SC2317
	race() {
		local a b
		"$dx" rw --file "$small/a" --size 10M --iterations 1 >/dev/null 2>&1 &
		"$dx" rw --file "$small/b" --size 10M --iterations 1 >/dev/null 2>&1 && b=0 || b=$?
		wait $! && a=0 || a=$?
		echo "statuses $a $b"
		case "$a $b" in "0 5" | "5 0" | "5 5") ;; *) return 1 ;; esac
		for x in "$small"/* "$small"/.[!.]*; do
			[ -e "$x" ] || continue
			case ${x##*/} in a | b) ;; *) echo "left: $x"; return 1 ;; esac
			[ "$(stat -c %s "$x")" = 10485760 ] || { echo "partial: $x"; return 1; }
		done
	}
	bi_check "two fills that do not fit together: one fails with 5, no partial file" race
fi

# ---- measuring nothing ------------------------------------------------------
bi_class numbers
bi_run 1 "$e rw: measured no operation: the measured phase \(--runtime 1 ns\) ended before" -- \
	"$dx" rw --file "$f" --runtime 1ns
bi_check "rates and latencies are null, with a note" \
	jqo '.[0].results | .ops == 0 and .iops == null and .gbps == null and .lat_ns.p99 == null and (.note | test("no operation"))'
bi_check "and the file it did not create stays" cmp "$f" "$d/f.orig"
bi_done
