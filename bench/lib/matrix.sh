# shellcheck shell=bash
# The bench matrix: parse a matrix file (bench/matrix/*) and the cell sets
# it names (bench/cells/*.cells) into a plan, one line per cell:
#
#   INDEX GROUP FS ACCESS DEVICE SET NAME KEY TOOL ARGS...   (tab-separated)
#
# Settings ("set KEY VALUE") go to MATRIX_SET_<KEY> variables. Every error
# names the file and line and returns 1; nothing here measures anything.

BENCH_FS_CHOICES="ext2 ext4 xfs -"
BENCH_ACCESS_CHOICES="dax pagecache odirect devdax -"
BENCH_DEVICE_CHOICES="pmem dm-linear dm-stripe devdax ram"
BENCH_TOOL_CHOICES="daxwl fio"
BENCH_SETTINGS="reps warmup size runtime nvdimm nvdimm_size mem timeout"

matrix_err() { echo "bench: $*" >&2; return 1; }

# in_list WORD "LIST": is WORD one of the space-separated LIST?
in_list() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }

# matrix_setting_ok KEY VALUE: numbers for counts, sizes with K/M/G.
matrix_setting_ok() {
	case $1 in
	reps | nvdimm | timeout) [[ $2 =~ ^[1-9][0-9]*$ ]] ;;
	warmup) [[ $2 =~ ^[0-9]+$ ]] ;;
	size | nvdimm_size | mem) [[ $2 =~ ^[1-9][0-9]*[KMG]?$ ]] ;;
	runtime) [[ $2 =~ ^[1-9][0-9]*(ms|s)$ ]] ;;
	*) return 1 ;;
	esac
}

# cells_parse CELLSDIR SET: print "NAME<TAB>KEY<TAB>TOOL<TAB>ARGS" lines.
cells_parse() {
	local dir=$1 set=$2 f ln=0 line name key tool args
	f=$dir/$set.cells
	[ -f "$f" ] || { matrix_err "cell set '$set' has no file $f"; return 1; }
	local -A seen=()
	while IFS= read -r line || [ -n "$line" ]; do
		ln=$((ln + 1))
		line=${line%%#*}
		[[ $line =~ [^[:space:]] ]] || continue
		read -r name key tool args <<<"$line"
		[ -n "$tool" ] || { matrix_err "$f:$ln: expected NAME KEY TOOL ARGS..."; return 1; }
		[[ $name =~ ^[a-z0-9][a-z0-9.-]*$ ]] ||
			{ matrix_err "$f:$ln: bad cell name '$name' (lower case, digits, '-', '.')"; return 1; }
		[ -z "${seen[$name]:-}" ] ||
			{ matrix_err "$f:$ln: cell '$name' already defined on line ${seen[$name]}"; return 1; }
		seen[$name]=$ln
		[[ $key =~ ^[a-z0-9/.-]+$ ]] ||
			{ matrix_err "$f:$ln: bad comparison key '$key'"; return 1; }
		in_list "$tool" "$BENCH_TOOL_CHOICES" ||
			{ matrix_err "$f:$ln: unknown tool '$tool' (expected: $BENCH_TOOL_CHOICES)"; return 1; }
		[ -n "$args" ] || { matrix_err "$f:$ln: cell '$name' has no arguments"; return 1; }
		if [ "$tool" = fio ]; then
			local job=${args%% *}
			[ -f "$dir/../fio/$job" ] ||
				{ matrix_err "$f:$ln: fio job '$job' not found in bench/fio/"; return 1; }
		fi
		printf '%s\t%s\t%s\t%s\n' "$name" "$key" "$tool" "$args"
	done <"$f"
	[ ${#seen[@]} -gt 0 ] || { matrix_err "$f: no cells"; return 1; }
}

# matrix_parse MATRIXFILE CELLSDIR: set MATRIX_SET_* and print the plan.
# Runs in the caller's shell for the settings: use it with a file
# redirect, not in a pipeline or $( ).
matrix_parse() {
	local f=$1 dir=$2 ln=0 line kw a b c d rest n=0 s id cells
	[ -f "$f" ] || { matrix_err "no matrix file $f"; return 1; }
	local -A groups=() cellsin=()
	for s in $BENCH_SETTINGS; do unset "MATRIX_SET_$s"; done
	while IFS= read -r line || [ -n "$line" ]; do
		ln=$((ln + 1))
		line=${line%%#*}
		[[ $line =~ [^[:space:]] ]] || continue
		read -r kw a b c d rest <<<"$line"
		case $kw in
		set)
			in_list "$a" "$BENCH_SETTINGS" ||
				{ matrix_err "$f:$ln: unknown setting '$a' (expected: $BENCH_SETTINGS)"; return 1; }
			if [ -z "$b" ] || [ -n "$c" ]; then
				matrix_err "$f:$ln: expected 'set $a VALUE'"; return 1
			fi
			matrix_setting_ok "$a" "$b" ||
				{ matrix_err "$f:$ln: bad value '$b' for $a"; return 1; }
			printf -v "MATRIX_SET_$a" '%s' "$b"
			;;
		group)
			[ -n "$d" ] || { matrix_err "$f:$ln: expected 'group FS ACCESS DEVICE SET...'"; return 1; }
			in_list "$a" "$BENCH_FS_CHOICES" ||
				{ matrix_err "$f:$ln: unknown file system '$a' (expected: $BENCH_FS_CHOICES)"; return 1; }
			in_list "$b" "$BENCH_ACCESS_CHOICES" ||
				{ matrix_err "$f:$ln: unknown access '$b' (expected: $BENCH_ACCESS_CHOICES)"; return 1; }
			in_list "$c" "$BENCH_DEVICE_CHOICES" ||
				{ matrix_err "$f:$ln: unknown device '$c' (expected: $BENCH_DEVICE_CHOICES)"; return 1; }
			case $c in
			ram)
				if [ "$a" != - ] || [ "$b" != - ]; then
					matrix_err "$f:$ln: device ram takes no file system or access ('- -')"; return 1
				fi ;;
			devdax)
				if [ "$a" != - ] || [ "$b" != devdax ]; then
					matrix_err "$f:$ln: device devdax needs '- devdax' (no file system)"; return 1
				fi ;;
			*)
				if [ "$a" = - ] || [ "$b" = - ] || [ "$b" = devdax ]; then
					matrix_err "$f:$ln: device $c needs a file system and an access of dax, pagecache or odirect"; return 1
				fi ;;
			esac
			id=$c
			[ "$a" = - ] || id=$a-$b-$c
			[ -z "${groups[$id]:-}" ] ||
				{ matrix_err "$f:$ln: group $id already declared on line ${groups[$id]}"; return 1; }
			groups[$id]=$ln
			for s in $d $rest; do
				cells=$(cells_parse "$dir" "$s") || { matrix_err "$f:$ln: in group $id"; return 1; }
				while IFS=$'\t' read -r name key tool args; do
					[ -z "${cellsin[$id/$name]:-}" ] ||
						{ matrix_err "$f:$ln: cell '$name' is in both set ${cellsin[$id/$name]} and set $s of group $id"; return 1; }
					cellsin[$id/$name]=$s
					n=$((n + 1))
					printf '%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
						"$n" "$id" "$a" "$b" "$c" "$s" "$name" "$key" "$tool" "$args"
				done <<<"$cells"
			done
			;;
		*) matrix_err "$f:$ln: unknown keyword '$kw' (expected 'set' or 'group')"; return 1 ;;
		esac
	done <"$f"
	[ "$n" -gt 0 ] || { matrix_err "$f: no groups"; return 1; }
	for s in reps warmup size runtime; do
		id=MATRIX_SET_$s
		[ -n "${!id:-}" ] ||
			{ matrix_err "$f: missing 'set $s VALUE'"; return 1; }
	done
}
