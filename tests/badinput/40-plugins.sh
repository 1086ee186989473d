#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The QEMU plugins' argument parsers (pmtrace: crashtest/qemu/tracer_args.c,
# pmcount: pmcount_args.c) with hostile KEY=VALUE arguments. Most cases
# run the parsers without QEMU through tests/plugin-args, which exits 2
# with the plugin's one-line message ("pmtrace: ..."); a few load the
# real plugins into qemu-system-x86_64, which must refuse them before it
# boots anything (QEMU exits 1) and leave the files named in the
# arguments as they were: an output that aliases an input is refused
# before the plugin truncates it. drain-points, which computes drain=
# arguments from a kernel build, refuses a missing or foreign kernel.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init plugins

pa=$BI_BIN/crashtest/qemu/tests/plugin-args
t='^pmtrace: '
c='^pmcount: '
map=$BI_TMP/System.map
printf '%s\n' 'ffffffff81000000 T _text' 'ffffffff81000100 t f' \
	'ffffffff82a1b2c8 D page_offset_base' >"$map"
cp "$map" "$map.orig"
backing=$BI_TMP/nv0
printf 'pmem' >"$backing"
cp "$backing" "$backing.orig"
mkfifo "$BI_TMP/fifo"
tr=trace=$BI_TMP/run.trace
cn=counts=$BI_TMP/run.jsonl

# The driver itself.
bi_class usage
bi_run 0 '^usage: plugin-args pmtrace\|pmcount' -- "$pa" --help
bi_run 0 '^plugin-args [0-9]+\.[0-9]+$' -- "$pa" --version
bi_run 2 '^usage: plugin-args' -- "$pa"
bi_run 2 '^usage: plugin-args' -- "$pa" pmfoo trace=x
bi_run 0 '"trace":".*/run.trace".*"max_trace_bytes":10240' -- "$pa" pmtrace "$tr" max_trace_bytes=10K

# pmtrace: keys.
bi_class usage
bi_run 2 "${t}give trace=PATH \(one window\) or windows=DIR" -- "$pa" pmtrace
bi_run 2 "${t}give trace=PATH \(one window\) or windows=DIR" -- "$pa" pmtrace region=0x1000:4K
bi_run 2 "${t}give trace=PATH \(one window\) or windows=DIR" -- "$pa" pmtrace "$tr" "windows=$BI_TMP"
bi_run 2 "${t}stats= is for trace=" -- "$pa" pmtrace "windows=$BI_TMP" stats=s
bi_run 2 "${t}windows=$BI_TMP/none: not a directory" -- "$pa" pmtrace "windows=$BI_TMP/none"
bi_run 2 "${t}unknown argument 'colour=blue' \(expected trace=PATH, windows=DIR, region=" -- "$pa" pmtrace "$tr" colour=blue
bi_run 2 "${t}unknown argument 'noequals'" -- "$pa" pmtrace "$tr" noequals
bi_run 2 "${t}unknown argument '=x'" -- "$pa" pmtrace "$tr" =x
bi_run 2 "${t}unknown argument ''" -- "$pa" pmtrace "$tr" ''
bi_run 2 "${t}unknown argument 'TRACE=x'" -- "$pa" pmtrace "$tr" TRACE=x
bi_run 2 "${t}trace= given twice" -- "$pa" pmtrace "$tr" "$tr"
bi_run 2 "${t}stats= given twice" -- "$pa" pmtrace "$tr" stats=a stats=b
bi_run 2 "${t}trace=: empty path" -- "$pa" pmtrace trace=
bi_run 2 "${t}stats=: empty path" -- "$pa" pmtrace "$tr" stats=

# pmtrace: region=BASE:SIZE[:NAME].
bi_class numbers
bi_run 2 "${t}region=0x1000: expected BASE:SIZE" -- "$pa" pmtrace "$tr" region=0x1000
bi_run 2 "${t}region=zz:4K: BASE: 'zz' is not a size" -- "$pa" pmtrace "$tr" region=zz:4K
bi_run 2 "${t}region=-1:4K: BASE: '-1' is not a size" -- "$pa" pmtrace "$tr" region=-1:4K
bi_run 2 "${t}region=0x1000:0: SIZE: 0 is below the minimum 1" -- "$pa" pmtrace "$tr" region=0x1000:0
bi_run 2 "${t}region=0x1000:-4K: SIZE: '-4K' is not a size" -- "$pa" pmtrace "$tr" region=0x1000:-4K
bi_run 2 "${t}region=0x1000:\+4K: SIZE" -- "$pa" pmtrace "$tr" region=0x1000:+4K
bi_run 2 "SIZE: '4X' has an unknown size suffix" -- "$pa" pmtrace "$tr" region=0x1000:4X
bi_run 2 "SIZE: '16777216T' is too large" -- "$pa" pmtrace "$tr" region=0x1000:16777216T
bi_run 2 "BASE: '99999999999999999999' is too large" -- "$pa" pmtrace "$tr" region=99999999999999999999:4K
bi_run 2 "size is zero or the range wraps" -- "$pa" pmtrace "$tr" region=0xfffffffffffff000:8K
bi_run 2 "region name 'bad name'" -- "$pa" pmtrace "$tr" 'region=0x1000:4K:bad name'
bi_run 2 "region name 'x{40}'" -- "$pa" pmtrace "$tr" "region=0x1000:4K:$(printf 'x%.0s' {1..40})"
bi_run 2 "overlaps" -- "$pa" pmtrace "$tr" region=0x1000:8K region=0x2000:4K
bi_run 2 "more than 8 regions" -- "$pa" pmtrace "$tr" \
	region=1M:4K region=2M:4K region=3M:4K region=4M:4K region=5M:4K \
	region=6M:4K region=7M:4K region=8M:4K region=9M:4K
bi_run 2 "${t}region=0{200}.*: too long" --desc "a 200-character region= is refused" \
	-- "$pa" pmtrace "$tr" "region=$(printf '0%.0s' {1..200})"
# "010" is ten, never octal eight.
bi_run 0 '"base":10,"size":4096' -- "$pa" pmtrace "$tr" region=010:4K

# pmtrace: numbers.
bi_class numbers
bi_run 2 "${t}page_offset_base: '-1' is not an unsigned integer" -- "$pa" pmtrace "$tr" page_offset_base=-1
bi_run 2 "${t}page_offset_base: ' 0xffff888000000000' is not an unsigned integer" -- "$pa" pmtrace "$tr" 'page_offset_base= 0xffff888000000000'
bi_run 2 "${t}page_offset_base: '0x1ffff888000000000' is too large" -- "$pa" pmtrace "$tr" page_offset_base=0x1ffff888000000000
bi_run 2 "${t}page_offset_base=0x1000: expected a page-aligned kernel address" -- "$pa" pmtrace "$tr" page_offset_base=0x1000
bi_run 2 "${t}page_offset_base=0xffff888000000001: expected a page-aligned" -- "$pa" pmtrace "$tr" page_offset_base=0xffff888000000001
bi_run 2 "${t}page_offset_base=010: expected a page-aligned" -- "$pa" pmtrace "$tr" page_offset_base=010
bi_run 2 "${t}max_trace_bytes: '-5' is not a size" -- "$pa" pmtrace "$tr" max_trace_bytes=-5
bi_run 2 "${t}max_trace_bytes: '\+5M' is not a size" -- "$pa" pmtrace "$tr" max_trace_bytes=+5M
bi_run 2 "${t}max_trace_bytes: '' is not a size" -- "$pa" pmtrace "$tr" max_trace_bytes=
bi_run 2 "${t}max_trace_bytes: '1Q' has an unknown size suffix" -- "$pa" pmtrace "$tr" max_trace_bytes=1Q
bi_run 2 "${t}max_trace_bytes: '1.5G' has an unknown size suffix" -- "$pa" pmtrace "$tr" max_trace_bytes=1.5G
bi_run 2 "${t}max_trace_bytes: 12 is below the minimum 4K" -- "$pa" pmtrace "$tr" max_trace_bytes=12
bi_run 2 "${t}max_trace_bytes: 010 is below the minimum 4K" -- "$pa" pmtrace "$tr" max_trace_bytes=010
bi_run 2 "${t}max_trace_bytes: '18446744073709551616' is too large" -- "$pa" pmtrace "$tr" max_trace_bytes=18446744073709551616

# pmtrace: drain=ADDR:NAME.
bi_class malformed
bi_run 2 "${t}drain=0xffffffff81000000: expected ADDR:NAME" -- "$pa" pmtrace "$tr" drain=0xffffffff81000000
bi_run 2 "${t}drain=:fua: expected ADDR:NAME" -- "$pa" pmtrace "$tr" drain=:fua
bi_run 2 "${t}drain=0x1000:: expected ADDR:NAME" -- "$pa" pmtrace "$tr" drain=0x1000:
bi_run 2 "${t}drain=zz:fua: ADDR: 'zz' is not an unsigned integer" -- "$pa" pmtrace "$tr" drain=zz:fua
bi_run 2 "${t}drain=0:fua: ADDR: 0 is below the minimum 1" -- "$pa" pmtrace "$tr" drain=0:fua
bi_run 2 "${t}drain=-1:fua: ADDR: '-1' is not" -- "$pa" pmtrace "$tr" drain=-1:fua
bi_run 2 "ADDR: '0x10000000000000000' is too large" -- "$pa" pmtrace "$tr" drain=0x10000000000000000:fua
bi_run 2 "the name must be printable, without spaces" -- "$pa" pmtrace "$tr" 'drain=0x1000:a b'
bi_run 2 "the name must be printable, without spaces" -- "$pa" pmtrace "$tr" "drain=0x1000:a$(printf '\t')b"
bi_run 2 "at most 47 characters" -- "$pa" pmtrace "$tr" "drain=0x1000:$(printf 'n%.0s' {1..48})"
bi_run 2 "${t}drain=: more than 8 points" -- "$pa" pmtrace "$tr" \
	drain=1:a drain=2:b drain=3:c drain=4:d drain=5:e drain=6:f drain=7:g drain=8:h drain=9:i

# pmtrace: files.
bi_class aliasing
bi_run 2 "${t}backing=.*/nothere: No such file" -- "$pa" pmtrace "$tr" "backing=$BI_TMP/nothere"
bi_run 2 "${t}backing=.*: not a regular file" -- "$pa" pmtrace "$tr" "backing=$BI_TMP"
bi_run 2 "${t}1 region= but 2 backing= arguments" -- "$pa" pmtrace "$tr" region=0x1000:4K "backing=$backing" "backing=$backing"
bi_run 2 "${t}system_map=.*/nothere: cannot open .*No such file" -- "$pa" pmtrace "$tr" "system_map=$BI_TMP/nothere"
bi_run 2 "${t}system_map=: empty path" -- "$pa" pmtrace "$tr" system_map=
bi_run 2 "${t}system_map=.* is not a regular file" -- "$pa" pmtrace "$tr" "system_map=$BI_TMP"
bi_run 2 "${t}system_map=/dev/zero: /dev/zero is not a regular file" --timeout 10 -- "$pa" pmtrace "$tr" system_map=/dev/zero
bi_run 2 "${t}system_map=.*/fifo: .*fifo is not a regular file" --timeout 10 -- "$pa" pmtrace "$tr" "system_map=$BI_TMP/fifo"
: >"$BI_TMP/empty.map"
bi_run 2 "${t}system_map=.*empty.map has no text symbols" -- "$pa" pmtrace "$tr" "system_map=$BI_TMP/empty.map"
printf 'ffffffff81000000 D only_data\n' >"$BI_TMP/data.map"
bi_run 2 "data.map has no text symbols: not a System.map" -- "$pa" pmtrace "$tr" "system_map=$BI_TMP/data.map"
# Random bytes: the first line the parser refuses need not be line 1
# (a blank line, which a System.map may have, is passed over).
head -c 4096 /dev/urandom >"$BI_TMP/random.map"
bi_run 2 "${t}system_map=.*random.map:[0-9]+: '[ -~]*' is not 'ADDRESS TYPE NAME'" -- "$pa" pmtrace "$tr" "system_map=$BI_TMP/random.map"
printf 'ffffffff81000000 T _text\nffffffff81000010 T f\0junk\n' >"$BI_TMP/nul.map"
bi_run 2 "nul.map:2: .* is not 'ADDRESS TYPE NAME'" -- "$pa" pmtrace "$tr" "system_map=$BI_TMP/nul.map"
bi_run 2 "${t}give page_offset_base= or system_map=, not both" -- "$pa" pmtrace "$tr" "system_map=$map" page_offset_base=0xffff888000000000
bi_run 0 '"page_offset_base_symbol":18446744071606219464' -- "$pa" pmtrace "$tr" "system_map=$map"

# pmtrace: outputs that would overwrite an input or each other.
bi_class aliasing
bi_run 2 "${t}stats=.*run.trace: the same file as trace=" -- "$pa" pmtrace "$tr" "stats=$BI_TMP/run.trace"
bi_run 2 "${t}trace=.*System.map: the same file as system_map=" -- "$pa" pmtrace "trace=$map" "system_map=$map"
bi_run 2 "${t}stats=.*System.map: the same file as system_map=" -- "$pa" pmtrace "$tr" "stats=$map" "system_map=$map"
bi_run 2 "${t}trace=.*nv0: the same file as backing=" -- "$pa" pmtrace "trace=$backing" "backing=$backing"
ln -s "$backing" "$BI_TMP/nv0-link"
bi_run 2 "${t}trace=.*nv0-link: the same file as backing=" -- "$pa" pmtrace "trace=$BI_TMP/nv0-link" "backing=$backing"
bi_run 2 "${t}trace=.*: a directory, not a file to write" -- "$pa" pmtrace "trace=$BI_TMP"
bi_run 2 "${t}stats=.*fifo: a FIFO, not a file to write" --timeout 10 -- "$pa" pmtrace "$tr" "stats=$BI_TMP/fifo"

# pmcount.
bi_class usage
bi_run 2 "${c}counts=PATH is required" -- "$pa" pmcount
bi_run 2 "${c}counts=PATH is required" -- "$pa" pmcount mem=off
bi_run 2 "${c}unknown argument 'trace=x' \(expected counts=PATH, stats=PATH" -- "$pa" pmcount "$cn" trace=x
bi_run 2 "${c}counts= given twice" -- "$pa" pmcount "$cn" "$cn"
bi_run 2 "${c}counts=: empty path" -- "$pa" pmcount counts=
bi_run 2 "${c}mem=sometimes: expected on, off, always or first" -- "$pa" pmcount "$cn" mem=sometimes
bi_run 2 "${c}mem=: expected on, off, always or first" -- "$pa" pmcount "$cn" mem=
bi_run 2 "${c}mem=ON: expected on, off, always or first" -- "$pa" pmcount "$cn" mem=ON
bi_run 2 "${c}mem= given twice" -- "$pa" pmcount "$cn" mem=on mem=off
bi_run 2 "${c}region=0x1000:0: SIZE: 0 is below the minimum 1" -- "$pa" pmcount "$cn" region=0x1000:0
bi_run 2 "${c}system_map=.*/nothere: cannot open" -- "$pa" pmcount "$cn" "system_map=$BI_TMP/nothere"
bi_run 2 "${c}system_map=.*/fifo: .*not a regular file" --timeout 10 -- "$pa" pmcount "$cn" "system_map=$BI_TMP/fifo"
bi_run 2 "${c}system_map=.*random.map:[0-9]+: .* is not 'ADDRESS TYPE NAME'" -- "$pa" pmcount "$cn" "system_map=$BI_TMP/random.map"
bi_run 2 "${c}stats=.*run.jsonl: the same file as counts=" -- "$pa" pmcount "$cn" "stats=$BI_TMP/run.jsonl"
bi_run 2 "${c}counts=.*System.map: the same file as system_map=" -- "$pa" pmcount "counts=$map" "system_map=$map"
bi_run 2 "${c}counts=.*: a directory, not a file to write" -- "$pa" pmcount "counts=$BI_TMP"
bi_run 0 '"functions":2,"mem":"first"' -- "$pa" pmcount "$cn" "system_map=$map" mem=first

bi_check "System.map untouched" cmp "$map" "$map.orig"
bi_check "backing file untouched" cmp "$backing" "$backing.orig"
bi_absent "the parsers write no output file" "$BI_TMP/run.trace" "$BI_TMP/run.jsonl"

# drain-points KERNEL_BUILD_DIR: the tracer's drain= arguments.
bi_class unsupported
dp=$TOP/crashtest/qemu/drain-points
d='^drain-points: '
bi_run 0 '^usage: drain-points KERNEL_BUILD_DIR' -- "$dp" --help
bi_run 0 '^drain-points [0-9]+\.[0-9]+$' -- "$dp" --version
bi_run 2 '^usage: drain-points' -- "$dp"
bi_run 2 '^usage: drain-points' -- "$dp" a b
bi_run 2 "${d}.*/nokernel/System.map: no such file" -- "$dp" "$BI_TMP/nokernel"
mkdir "$BI_TMP/kernel"
cp "$map" "$BI_TMP/kernel/System.map"
bi_run 2 "${d}.*/kernel/vmlinux: no such file" -- "$dp" "$BI_TMP/kernel"
printf 'not an ELF file\n' >"$BI_TMP/kernel/vmlinux"
if command -v objdump >/dev/null; then
	bi_run 3 "${d}.*System.map has no pmem_submit_bio" -- "$dp" "$BI_TMP/kernel"
	printf '%s\n' 'ffffffff81000000 T pmem_submit_bio' 'ffffffff81000100 T next' \
		>"$BI_TMP/kernel/System.map"
	bi_run 1 "${d}objdump of .*/vmlinux failed" -- "$dp" "$BI_TMP/kernel"
else
	bi_skip "drain-points on a kernel without pmem_submit_bio" "objdump is not installed"
fi

# The real plugins in QEMU: refused at load, before any boot.
bi_class usage
qemu=${DAXLAB_QEMU:-qemu-system-x86_64}
so_t=$BI_BIN/crashtest/qemu/libpmtrace.so
so_c=$BI_BIN/crashtest/qemu/libpmcount.so
if ! command -v "$qemu" >/dev/null; then
	bi_skip "plugin loads refused in QEMU" "$qemu is not installed"
elif [ ! -f "$so_t" ] || [ ! -f "$so_c" ]; then
	bi_skip "plugin loads refused in QEMU" "the plugins are not built (scripts/deps fetches the plugin header)"
else
	q=("$qemu" -nodefaults -display none -machine pc -accel tcg -smp 1)
	bi_run 1 "${t}unknown argument 'colour=blue'" --timeout 20 -- "${q[@]}" -plugin "$so_t,$tr,colour=blue"
	bi_run 1 "${t}max_trace_bytes: 010 is below the minimum 4K" --timeout 20 -- "${q[@]}" -plugin "$so_t,$tr,max_trace_bytes=010"
	bi_run 1 "${t}trace=.*System.map: the same file as system_map=" --timeout 20 -- "${q[@]}" -plugin "$so_t,trace=$map,system_map=$map"
	bi_run 1 "${t}trace=.*nv0: the same file as backing=" --timeout 20 -- "${q[@]}" -plugin "$so_t,trace=$backing,backing=$backing"
	bi_run 1 "${t}stats=.*fifo: a FIFO" --timeout 20 -- "${q[@]}" -plugin "$so_t,$tr,stats=$BI_TMP/fifo"
	bi_run 1 "${t}.*/no/such/dir/x.trace" --timeout 20 -- "${q[@]}" -plugin "$so_t,trace=$BI_TMP/no/such/dir/x.trace"
	bi_run 1 "${c}counts=.*System.map: the same file as system_map=" --timeout 20 -- "${q[@]}" -plugin "$so_c,counts=$map,system_map=$map"
	bi_run 1 "${c}counts=.*/no/such/dir/c.jsonl: No such file" --timeout 20 -- "${q[@]}" -plugin "$so_c,counts=$BI_TMP/no/such/dir/c.jsonl"
	bi_run 1 "${c}needs -smp 1" --timeout 20 -- "$qemu" -nodefaults -display none -machine pc -accel tcg -smp 2 -plugin "$so_c,$cn"
	bi_check "System.map untouched by QEMU" cmp "$map" "$map.orig"
	bi_check "backing file untouched by QEMU" cmp "$backing" "$backing.orig"
	bi_absent "no trace or counts file after a refused load" "$BI_TMP/run.trace" "$BI_TMP/run.jsonl"
fi

bi_done
