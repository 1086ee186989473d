#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/kernel refuses a bad command, kernel or variant name, PATCHDIR
# (missing, empty, a malformed or truncated patch, a series naming a file
# that is not there) and a bad DAXLAB_JOBS or DAXLAB_KERNEL_NEED_MIB with
# status 2 and one message, before it extracts or builds anything: the
# cache given in DAXLAB_CACHE stays empty. Not enough disk space is 5
# with the numbers, a missing source tarball 3.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init kernel
bi_class usage

k=$TOP/scripts/kernel
cache=$BI_TMP/cache
export DAXLAB_CACHE=$cache
p='^scripts/kernel: '

# stdout_only CMD...: CMD succeeds, writes to stdout and nothing to stderr.
# shellcheck disable=SC2317 # called through bi_check
stdout_only() {
	local out err
	out=$("$@" 2>"$BI_TMP/stderr") || return 1
	err=$(cat "$BI_TMP/stderr")
	[ -n "$out" ] && [ -z "$err" ]
}

bi_run 2 "${p}no command" -- "$k"
bi_run 2 "${p}unknown command 'frobnicate'" -- "$k" frobnicate
bi_run 2 "${p}unknown command '--build'" -- "$k" --build
bi_run 0 'build-variant NAME PATCHDIR' -- "$k" --help
bi_check "--help writes to stdout only" stdout_only "$k" --help
bi_run 0 '^scripts/kernel [0-9]+\.[0-9]+' -- "$k" --version
bi_run 2 "${p}unknown kernel 'foo'" -- "$k" build foo
bi_run 2 "${p}build takes one kernel" -- "$k" build stock patched
bi_run 2 "${p}path takes one kernel" -- "$k" path
bi_run 2 "${p}variant name '\.\./\.\./etc'" -- "$k" path ../../etc
bi_run 2 "${p}no kernel variant 'no-such-variant'" -- "$k" path no-such-variant
bi_run 2 "${p}gc takes no arguments" -- "$k" gc now
bi_run 2 "${p}check-patches takes no arguments" -- "$k" check-patches x

# build-variant NAME PATCHDIR.
bi_class malformed
pd=$BI_TMP/patches
mkdir "$pd"
bi_run 2 "${p}build-variant takes NAME PATCHDIR" -- "$k" build-variant v
bi_run 2 "${p}variant name 'bad name'" -- "$k" build-variant 'bad name' "$pd"
bi_run 2 "${p}variant name '-x'" -- "$k" build-variant -x "$pd"
bi_run 2 "${p}variant name 'stock' is reserved" -- "$k" build-variant stock "$pd"
bi_run 2 "${p}no patch directory .*/nowhere" -- "$k" build-variant v "$BI_TMP/nowhere"
bi_run 2 "${p}nothing in .*/patches" -- "$k" build-variant v "$pd"
printf 'This is not a patch.\n' >"$pd/0001-text.patch"
bi_run 2 "${p}.*0001-text.patch is not a well-formed patch: no hunk" -- "$k" build-variant v "$pd"
rm "$pd"/*
: >"$pd/0001-empty.patch"
bi_run 2 "${p}.*0001-empty.patch is not a well-formed patch: no hunk" -- "$k" build-variant v "$pd"
rm "$pd"/*
# A real mutant patch cut after the first line of its first hunk.
real=$(find "$TOP/crashtest/mutants" "$TOP/patches" -name '*.patch' | sort | head -n 1)
awk '{ print } /^@@ / { getline; print; exit }' "$real" >"$pd/0001-cut.patch"
bi_run 2 "${p}.*0001-cut.patch is not a well-formed patch: the last hunk ends early" -- "$k" build-variant v "$pd"
sed -n '1,/^@@ /p' "$real" | sed '$s/^@@ .*/@@ -x +y @@/' >"$pd/0001-cut.patch"
bi_run 2 "${p}.*0001-cut.patch is not a well-formed patch: malformed hunk header" -- "$k" build-variant v "$pd"
rm "$pd"/*
cp "$real" "$pd/0001-real.patch"
printf '0001-real.patch\n0002-gone.patch\n' >"$pd/series"
bi_run 2 "${p}.*series names 0002-gone.patch, which is not in" -- "$k" build-variant v "$pd"
bi_check "PATCHDIR is left as it was" test "$(ls "$pd")" = "$(printf '0001-real.patch\nseries')"

# The environment.
bi_class numbers
for v in abc -1 0 1025 0x10 '4 ' 99999999999999999999; do
	bi_run 2 "${p}DAXLAB_JOBS (wants a whole decimal number|must be between 1 and 1024), not '$v'" \
		-- env DAXLAB_JOBS="$v" "$k" build
done
for v in abc -5 1e9 16777217 99999999999999999999 ''; do
	bi_run 2 "${p}DAXLAB_KERNEL_NEED_MIB (wants a whole decimal number|must be between 0 and 16777216), not '$v'" \
		-- env DAXLAB_KERNEL_NEED_MIB="$v" "$k" build
done
bi_absent "nothing refused touched the cache" "$cache"

tarball=${DAXLAB_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
bi_run 3 "${p}linux source tarball /nonexistent/linux.tar.xz is missing" \
	-- env DAXLAB_LINUX_TARBALL=/nonexistent/linux.tar.xz "$k" build
if [ -f "$tarball" ]; then
	# 16 TiB: more than any disk here; the extraction must not start.
	bi_run 5 "${p}not enough disk space in .*: [0-9]+ MiB free, need 16777216 MiB" \
		-- env DAXLAB_KERNEL_NEED_MIB=16777216 "$k" build stock
	# shellcheck disable=SC2016 # expanded by the command's shell
	bi_check "no source was extracted" bash -c '! compgen -G "$1/kernel/linux-*" >/dev/null' sh "$cache"
else
	bi_skip "not enough disk space is status 5" "no $tarball"
fi

# Well-formed patches that do not apply are refused before a build. This
# needs the real cache's patched tree, and its lock free.
bi_class malformed
real_cache=$HOME/.cache/daxlab
if ! DAXLAB_CACHE=$real_cache "$k" path patched >/dev/null 2>&1; then
	bi_skip "patches that do not apply are status 2" "the patched kernel is not built"
elif ! flock -n "$real_cache/kernel/lock" true; then
	bi_skip "patches that do not apply are status 2" "a kernel build holds the lock"
else
	rm -f "$pd"/*
	cat >"$pd/0001-nowhere.patch" <<'EOF'
--- a/fs/no-such-file.c
+++ b/fs/no-such-file.c
@@ -1,2 +1,2 @@
 one
-two
+three
EOF
	before=$(ls "$real_cache/kernel/trees")
	bi_run 2 "${p}the patches in .* do not apply on top of the patched tree" --timeout 120 \
		-- env DAXLAB_CACHE="$real_cache" "$k" build-variant badinput-noapply "$pd"
	# shellcheck disable=SC2016 # expanded by the command's shell
	bi_check "no tree or variant left behind" bash -c \
		'[ "$(ls "$1/kernel/trees")" = "$2" ] && [ ! -e "$1/kernel/variants/badinput-noapply" ]' \
		sh "$real_cache" "$before"
fi
bi_done
