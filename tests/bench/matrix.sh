#!/usr/bin/env bash
# The matrix parser (bench/lib/matrix.sh): the shipped matrices parse, and
# each kind of bad data file is refused with the file, the line and why.
# MATRIX_SET_* come from matrix_parse:
# shellcheck disable=SC2154
set -euo pipefail
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"
# shellcheck source=bench/lib/matrix.sh
. "$top/bench/lib/matrix.sh"

cells=$top/bench/cells

# parse FILE: the plan on stdout, errors in $scratch/err.
parse() { matrix_parse "$1" "$cells" >"$scratch/plan" 2>"$scratch/err"; }

# A matrix file from the lines given.
mk() { printf '%s\n' "set reps 5" "set warmup 1" "set size 16M" "set runtime 300ms" "$@" >"$scratch/m"; }

# bad DESC PATTERN LINE...: a matrix with these lines is refused saying PATTERN.
bad() {
	local desc=$1 pat=$2
	shift 2
	mk "$@"
	if parse "$scratch/m"; then
		not_ok "$desc" "parsed without error"
	elif grep -q -- "$pat" "$scratch/err"; then
		ok "$desc"
	else
		not_ok "$desc" "expected '$pat', got:" "$(cat "$scratch/err")"
	fi
}

for set in quick full; do
	if parse "$top/bench/matrix/$set"; then
		n=$(wc -l <"$scratch/plan")
		ngroups=$(cut -f2 "$scratch/plan" | sort -u | wc -l)
		if [ "$n" -gt 20 ] && [ "$ngroups" -ge 8 ] && [ "$MATRIX_SET_reps" -ge 5 ]; then
			ok "bench/matrix/$set parses: $n cells in $ngroups groups, $MATRIX_SET_reps repetitions"
		else
			not_ok "bench/matrix/$set parses" "$n cells, $ngroups groups, reps $MATRIX_SET_reps"
		fi
	else
		not_ok "bench/matrix/$set parses" "$(cat "$scratch/err")"
	fi
done

parse "$top/bench/matrix/quick"
# Every file system and device of the issue is in the quick set, and the
# impossible MAP_SYNC-on-ext2 cell is there to be recorded, not dropped.
check "quick set covers ext2, ext4, xfs on pmem, dm-linear, dm-stripe and devdax" \
	bash -c "cut -f3,5 '$scratch/plan' | sort -u | tr '\t' ' ' | tr '\n' ',' |
		grep -q 'ext2 pmem' && cut -f5 '$scratch/plan' | sort -u | tr '\n' ' ' |
		grep -q 'devdax dm-linear dm-stripe pmem ram'"
check "quick set keeps MAP_SYNC cells on ext2" \
	grep -qP '^\d+\text2-dax-pmem\t.*\tfault-write-pte-sync\t' "$scratch/plan"
check "plan lines have 10 tab-separated fields" \
	awk -F'\t' 'NF != 10 { exit 1 }' "$scratch/plan"

mk "group ext4 dax pmem rw-read"
parse "$scratch/m" && check "a minimal matrix gives the set's cells in order" \
	[ "$(cut -f7 "$scratch/plan" | tr '\n' ' ')" = "rw-read-seq-1m rw-read-rand-4k " ]

bad "unknown keyword" "m:5: unknown keyword 'grup'" "grup ext4 dax pmem rw-read"
bad "unknown file system" "m:5: unknown file system 'btrfs'" "group btrfs dax pmem rw-read"
bad "unknown access" "m:5: unknown access 'mmap'" "group ext4 mmap pmem rw-read"
bad "unknown device" "m:5: unknown device 'nvme'" "group ext4 dax nvme rw-read"
bad "missing cell set" "m:5: expected 'group FS ACCESS DEVICE SET...'" "group ext4 dax pmem"
bad "cell set without a file" "cell set 'nosuch' has no file" "group ext4 dax pmem nosuch"
bad "file system on ram" "device ram takes no file system" "group ext4 - ram membw"
bad "devdax with a file system" "device devdax needs '- devdax'" "group ext4 devdax devdax fio-devdax"
bad "pmem without a file system" "device pmem needs a file system" "group - - pmem rw-read"
bad "duplicate group" "m:6: group ext4-dax-pmem already declared on line 5" \
	"group ext4 dax pmem rw-read" "group ext4 dax pmem fault"
bad "a cell in two sets of one group" "cell 'rw-read-seq-1m' is in both set rw-read and set rw-quick" \
	"group ext4 dax pmem rw-read rw-quick"
bad "unknown setting" "m:5: unknown setting 'repeats'" "set repeats 3" "group ext4 dax pmem rw-read"
bad "bad setting value" "m:5: bad value 'five' for reps" "set reps five" "group ext4 dax pmem rw-read"
bad "bad runtime unit" "bad value '3min' for runtime" "set runtime 3min" "group ext4 dax pmem rw-read"
bad "setting without a value" "expected 'set size VALUE'" "set size" "group ext4 dax pmem rw-read"
bad "no groups" "m: no groups"
printf '%s\n' "set reps 5" "group ext4 dax pmem rw-read" >"$scratch/m"
if parse "$scratch/m"; then not_ok "missing settings are refused" "parsed"; else
	check "missing settings are refused" grep -q "missing 'set warmup VALUE'" "$scratch/err"; fi
refuses "a missing matrix file is refused" "no matrix file" matrix_parse "$scratch/none" "$cells"

# Bad cell-set files.
mkdir -p "$scratch/c" "$scratch/fio"
cp "$top"/bench/fio/*.fio "$scratch/fio/"
badcells() {
	local desc=$1 pat=$2
	shift 2
	printf '%s\n' "$@" >"$scratch/c/x.cells"
	mk "group ext4 dax pmem x"
	if matrix_parse "$scratch/m" "$scratch/c" >/dev/null 2>"$scratch/err"; then
		not_ok "$desc" "parsed without error"
	elif grep -q -- "$pat" "$scratch/err"; then
		ok "$desc"
	else
		not_ok "$desc" "expected '$pat', got:" "$(cat "$scratch/err")"
	fi
}
badcells "cell with an unknown tool" "x.cells:1: unknown tool 'dd'" "a read/x dd if=/dev/zero"
badcells "cell without arguments" "x.cells:1: expected NAME KEY TOOL ARGS" "a read/x"
badcells "cell with a bad name" "x.cells:1: bad cell name 'A_B'" "A_B read/x daxwl rw"
badcells "duplicate cell in a set" "x.cells:2: cell 'a' already defined on line 1" \
	"a read/x daxwl rw" "a read/y daxwl rw"
badcells "fio cell with a missing job" "fio job 'nosuch.fio' not found" "a read/x fio nosuch.fio RW=read"
badcells "empty cell set" "x.cells: no cells" "# nothing"

finish
