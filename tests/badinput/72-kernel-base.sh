#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/kernel's base and series (DAXLAB_BASE, DAXLAB_SERIES; make BASE=
# SERIES=): a base that is not 6.1, 6.12, a kernel tree, a git work tree
# at a commit or a tarball, a series that is not a directory of patches or
# a linear git range of the base, a base with no reference series, all
# refused with status 2 and one message before anything is copied or
# built. A small git repository shaped like a kernel tree shows what is
# accepted: `describe` names the base's commit and the range's patches,
# and two ranges never share a cache entry. A build that fails names the
# first error and the full log; an interrupted one removes what it was
# making.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init kernel-base
bi_class usage

k=$TOP/scripts/kernel
cache=$BI_TMP/cache
export DAXLAB_CACHE=$cache
p='^scripts/kernel: '

bi_run 2 "${p}BASE 'nonsense' is not 6.1, 6.12, a directory" -- env DAXLAB_BASE=nonsense "$k" path stock
bi_run 2 "${p}BASE: no readable tarball .*/none.tar.xz" -- env DAXLAB_BASE="$BI_TMP/none.tar.xz" "$k" path stock
mkdir "$BI_TMP/empty"
bi_run 2 "${p}BASE: .*/empty is not a kernel source tree \(no Makefile\)" \
	-- env DAXLAB_BASE="$BI_TMP/empty" "$k" describe
bi_run 2 "${p}BASE: .*/empty is not the top of a git work tree, so @v1 means nothing" \
	-- env DAXLAB_BASE="$BI_TMP/empty@v1" "$k" describe
bi_run 2 "${p}SERIES '/nowhere' is neither a directory of patches nor a git range" \
	-- env DAXLAB_SERIES=/nowhere "$k" series-hash
bi_run 2 "${p}SERIES: no patches in .*/empty" -- env DAXLAB_SERIES="$BI_TMP/empty" "$k" series-hash
mkdir "$BI_TMP/bad"
printf 'not a patch\n' >"$BI_TMP/bad/0001-x.patch"
bi_run 2 "${p}.*0001-x.patch is not a well-formed patch: no hunk" \
	-- env DAXLAB_SERIES="$BI_TMP/bad" "$k" series-hash
bi_run 2 "${p}SERIES=v1..v2 is a git range: BASE must be a git work tree" \
	-- env DAXLAB_SERIES=v1..v2 "$k" series-hash
bi_absent "nothing refused touched the cache" "$cache/kernel/trees" "$cache/kernel/series"

# A tree shaped like a kernel: what scripts/kernel reads before a build.
bi_class malformed
tree=$BI_TMP/linux
mkdir -p "$tree/kernel"
printf 'VERSION = 6\nPATCHLEVEL = 99\nSUBLEVEL = 0\n' >"$tree/Makefile"
: >"$tree/Kconfig"
printf 'int fork;\n' >"$tree/kernel/fork.c"
bi_run 2 "${p}no reference series for Linux 6.99: name one with SERIES=DIR or SERIES=A..B" \
	-- env DAXLAB_BASE="$tree" "$k" series-hash
bi_run 0 '"kind": "tree"' -- env DAXLAB_BASE="$tree" "$k" describe
bi_run 0 '^6\.99$' -- env DAXLAB_BASE="$tree" "$k" base-version

g() {
	GIT_COMMITTER_DATE='2000-01-01 00:00:00 +0000' GIT_AUTHOR_DATE='2000-01-01 00:00:00 +0000' \
		git -C "$tree" -c user.name=daxlab -c user.email=daxlab@localhost "$@" >/dev/null
}
g init -q -b main
g add -A
g commit -q -m base
g tag v6.99
printf 'int fork = 1;\n' >"$tree/kernel/fork.c"
g commit -q -am 'kernel: one'
g tag one
g checkout -q -b side v6.99
printf 'x\n' >"$tree/side"
g add side
g commit -q -m side
g checkout -q main
g merge -q --no-edit side
bi_run 2 "${p}BASE: 'nosuch' is not a commit in .*/linux" -- env DAXLAB_BASE="$tree@nosuch" "$k" describe
bi_run 2 "${p}SERIES: 'nosuch' is not a commit in .*/linux" \
	-- env DAXLAB_BASE="$tree" DAXLAB_SERIES=v6.99..nosuch "$k" describe
bi_run 2 "${p}SERIES: v6.99..main has merge commits; a series must be linear" \
	-- env DAXLAB_BASE="$tree" DAXLAB_SERIES=v6.99..main "$k" describe
bi_run 2 "${p}SERIES: one..one has no commits" -- env DAXLAB_BASE="$tree" DAXLAB_SERIES=one..one "$k" describe
# shellcheck disable=SC2016 # expanded by the command's shell
bi_run 2 "${p}BASE: .*/linux at nofork is not a kernel source tree \(no kernel/fork.c\)" \
	-- bash -c 'git -C "$1" rm -q kernel/fork.c && git -C "$1" -c user.name=d -c user.email=d@l commit -q -m rm &&
		git -C "$1" branch -q nofork && git -C "$1" reset -q --hard HEAD~1 && DAXLAB_BASE="$1@nofork" "$2" describe' \
	sh "$tree" "$k"
bi_run 0 '"commit": "'"$(git -C "$tree" rev-parse v6.99)"'"' \
	-- env DAXLAB_BASE="$tree" DAXLAB_SERIES=v6.99..one "$k" describe
bi_run 0 '"subject": "\[PATCH\] kernel: one"' \
	-- env DAXLAB_BASE="$tree" DAXLAB_SERIES=v6.99..one "$k" describe
bi_run 1 "${p}the stock kernel is not built" -- env DAXLAB_BASE="$tree" DAXLAB_SERIES=v6.99..one "$k" path stock
h1=$(DAXLAB_BASE=$tree DAXLAB_SERIES=v6.99..one "$k" series-hash)
h2=$(DAXLAB_BASE=$tree@v6.99 DAXLAB_SERIES=v6.99..side "$k" series-hash)
bi_check "two ranges have two series hashes" test "$h1" != "$h2"

# A build that cannot configure: the first error and where the log is; a
# build interrupted while it runs: nothing of it stays in the cache.
bi_class existing
printf 'VERSION = 6\nPATCHLEVEL = 99\n%%config:\n\t@echo "Makefile:3: *** no such configuration" >&2; exit 2\n' >"$BI_TMP/Makefile.bad"
cp "$BI_TMP/Makefile.bad" "$BI_TMP/empty/Makefile"
: >"$BI_TMP/empty/Kconfig"
mkdir -p "$BI_TMP/empty/kernel"
printf 'int fork;\n' >"$BI_TMP/empty/kernel/fork.c"
bi_run 1 "${p}configuring the stock kernel failed; see .*/build.log" \
	--timeout 120 -- env DAXLAB_BASE="$BI_TMP/empty" DAXLAB_KERNEL_NEED_MIB=0 "$k" build stock
bi_check "the failed build quotes its first error and its line" \
	grep -Eq '^the first error \(.*/build.log, line 1\):$' "$BI_OUT"
bi_check "the failed build quotes the error itself" grep -q '^  Makefile:3: \*\*\* no such configuration' "$BI_OUT"
# shellcheck disable=SC2016 # $(O) is make's
printf 'VERSION = 6\nPATCHLEVEL = 99\n%%config:\n\t@touch $(O)/../../configuring; sleep 60\n' >"$BI_TMP/empty/Makefile"
rm -rf "$cache"
bi_signal TERM "file:$cache/kernel/trees/configuring" 143 "${p}interrupted: removed the unfinished .*/build-" \
	--timeout 120 --pid -- env DAXLAB_BASE="$BI_TMP/empty" DAXLAB_KERNEL_NEED_MIB=0 "$k" build stock
# shellcheck disable=SC2016 # expanded by the command's shell
bi_check "the interrupted build left no build directory" \
	bash -c '! compgen -G "$1/kernel/trees/stock-*/build-*" >/dev/null' sh "$cache"
bi_done
