#!/usr/bin/env bash
# Host side of the kernel cache and of what the crash tests read from a
# kernel build: `scripts/kernel gc` removes old trees and builds but keeps
# the current stock and patched ones and every variant's, and
# crashtest/qemu/drain-points finds the pmem driver's two flush
# completions in vmlinux (and refuses a build without them).
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir kcache

tests=("gc keeps the current stock, patched and variant builds, and other bases' builds"
	"gc removes old trees and old builds of current trees"
	"drain-points names the REQ_PREFLUSH and REQ_FUA completions in pmem_submit_bio"
	"drain-points refuses a kernel without pmem_submit_bio")

if ! stock=$("$top/scripts/kernel" path stock 2>/dev/null) ||
	! patched=$("$top/scripts/kernel" path patched 2>/dev/null); then
	tap_skip_rest kernel-cache "the kernels are not built (make kernel)" "${tests[@]}"
fi

# A cache of empty directories named like the real one: gc decides by
# names and links only.
cache=$work/cache
k=$cache/kernel
st_tree=$(basename "$(dirname "$stock")") st_obj=$(basename "$stock")
pa_tree=$(basename "$(dirname "$patched")") pa_obj=$(basename "$patched")
mkdir -p "$k/trees/$st_tree/$st_obj" "$k/trees/$st_tree/build-0ld0ld0ld0ld0ld0" \
	"$k/trees/$pa_tree/$pa_obj" "$k/trees/patched-0123456789abcdef/build-0123456789abcdef" \
	"$k/trees/variant-m-aaaaaaaaaaaaaaaa/build-bbbbbbbbbbbbbbbb" \
	"$k/trees/variant-m-cccccccccccccccc/build-dddddddddddddddd" \
	"$k/trees/stock-1111111111111111/build-2222222222222222" \
	"$k/bases/6.1/series-0123456789abcdef/variants" "$k/bases/6.12" "$k/variants"
ln -s "$k/trees/variant-m-aaaaaaaaaaaaaaaa/build-bbbbbbbbbbbbbbbb" "$k/bases/6.1/series-0123456789abcdef/variants/m"
ln -s "$k/trees/variant-gone-eeeeeeeeeeeeeeee/build-ffffffffffffffff" "$k/bases/6.1/series-0123456789abcdef/variants/gone"
# Another base's build, and a link from before there were bases.
ln -s "$k/trees/stock-1111111111111111/build-2222222222222222" "$k/bases/6.12/stock"
ln -s "$k/trees/variant-gone-eeeeeeeeeeeeeeee/build-ffffffffffffffff" "$k/variants/old"
rc=0
DAXLAB_CACHE=$cache "$top/scripts/kernel" gc >"$work/gc.out" 2>&1 || rc=$?

kept=("$st_tree/$st_obj" "$pa_tree/$pa_obj" variant-m-aaaaaaaaaaaaaaaa/build-bbbbbbbbbbbbbbbb
	stock-1111111111111111/build-2222222222222222)
missing=()
for d in "${kept[@]}"; do [ -d "$k/trees/$d" ] || missing+=("$d"); done
if [ "$rc" = 0 ] && [ ${#missing[@]} -eq 0 ]; then
	ok "${tests[0]}"
else
	not_ok "${tests[0]}" "exit $rc, missing: ${missing[*]}" "$(cat "$work/gc.out")"
fi

left=()
for d in "$st_tree/build-0ld0ld0ld0ld0ld0" patched-0123456789abcdef variant-m-cccccccccccccccc; do
	[ ! -e "$k/trees/$d" ] || left+=("$d")
done
[ ! -L "$k/bases/6.1/series-0123456789abcdef/variants/gone" ] || left+=("variants/gone")
[ ! -L "$k/variants/old" ] || left+=("variants/old")
if [ "$rc" = 0 ] && [ ${#left[@]} -eq 0 ] && grep -q '^3 old kernel tree' "$work/gc.out"; then
	ok "${tests[1]}"
else
	not_ok "${tests[1]}" "exit $rc, still there: ${left[*]}" "$(cat "$work/gc.out")"
fi

if out=$("$top/crashtest/qemu/drain-points" "$patched" 2>&1) &&
	[[ $out =~ ^drain=0x(ffffffff[0-9a-f]{8}):pmem_preflush,drain=0x(ffffffff[0-9a-f]{8}):pmem_fua$ ]]; then
	pre=${BASH_REMATCH[1]} fua=${BASH_REMATCH[2]}
	start=$(awk '$3 == "pmem_submit_bio" { print $1 }' "$patched/System.map")
	# Both inside the function, the PREFLUSH one first.
	if [ $((16#$start)) -lt $((16#$pre)) ] && [ $((16#$pre)) -lt $((16#$fua)) ]; then
		ok "${tests[2]}"
	else
		not_ok "${tests[2]}" "pmem_submit_bio at $start, points $pre $fua"
	fi
else
	not_ok "${tests[2]}" "$out"
fi

mkdir -p "$work/fake"
printf 'ffffffff81000000 T _text\nffffffff81000100 T other\n' >"$work/fake/System.map"
: >"$work/fake/vmlinux"
if out=$("$top/crashtest/qemu/drain-points" "$work/fake" 2>&1); then
	not_ok "${tests[3]}" "accepted: $out"
elif grep -q 'no pmem_submit_bio' <<<"$out"; then
	ok "${tests[3]}"
else
	not_ok "${tests[3]}" "$out"
fi
tap_finish kernel-cache
