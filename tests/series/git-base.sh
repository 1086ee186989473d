#!/usr/bin/env bash
# A git work tree as the base and a git range as the series: Debian's
# linux-source-6.12 made into a git repository (git init, one commit,
# a tag), the demonstration series applied on top as commits (git am),
# then BASE=TREE SERIES=TAG..HEAD: scripts/kernel describes and builds
# both kernels in cache entries of their own, and the VM suite's first
# test boots each. Needs linux-source-6.12 (DAXLAB_BASE=6.12 scripts/deps)
# and about 3 GiB under TMPDIR; it takes minutes, so it is `make
# test-series`, not part of `make test`.
#
#   tests/series/git-base.sh [--keep DIR]   (--keep: make the tree in DIR
#                                            and leave it there)
# Prints TAP and "git-base: N passed, N failed, N skipped".
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
keep=''
if [ "${1:-}" = --keep ]; then keep=${2:?--keep needs a directory}; fi
tarball=/usr/src/linux-source-6.12.tar.xz
tests=("the tree is a git repository with the base tagged and the series on top"
	"describe names the git base at the tag and the range's two patches"
	"both kernels build from the git base and the range"
	"the git base has cache entries of its own"
	"the VM suite's first test passes on both kernels, the series in the role stock")
if [ ! -f "$tarball" ]; then
	tap_skip_rest git-base "no $tarball (DAXLAB_BASE=6.12 scripts/deps)" "${tests[@]}"
fi
if [ -n "$keep" ]; then
	work=$keep
	mkdir -p "$work"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
tree=$work/linux
export GIT_AUTHOR_NAME=daxlab GIT_AUTHOR_EMAIL=dev@daxlab.invalid
export GIT_COMMITTER_NAME=daxlab GIT_COMMITTER_EMAIL=dev@daxlab.invalid
export GIT_AUTHOR_DATE='2026-12-01 00:00:00 +0000' GIT_COMMITTER_DATE='2026-12-01 00:00:00 +0000'

if [ ! -d "$tree/.git" ]; then
	rm -rf "$tree"
	mkdir -p "$tree"
	tar -xf "$tarball" -C "$tree" --strip-components=1
	git -C "$tree" init -q -b main
	# Debian's tarball ignores everything in its top .gitignore: add by force.
	git -C "$tree" add -A -f
	git -C "$tree" commit -q -m "Debian linux-source-6.12"
	git -C "$tree" tag debian-6.12
	git -C "$tree" am -q "$top"/tests/series/6.12/*.patch
fi
if [ "$(git -C "$tree" rev-list --count debian-6.12..HEAD)" = 2 ] &&
	[ -z "$(git -C "$tree" status --porcelain -uno)" ]; then
	ok "${tests[0]}"
else
	not_ok "${tests[0]}" "$(git -C "$tree" log --oneline -3)"
fi

export DAXLAB_BASE=$tree DAXLAB_SERIES=debian-6.12..HEAD
desc=$("$top/scripts/kernel" describe 2>&1) || true
want=$(git -C "$tree" rev-parse debian-6.12)
subjects=$(jq -r '.series.patches[].subject' <<<"$desc" 2>/dev/null || true)
if [ "$(jq -r '.base.kind + " " + .base.commit + " " + .series.kind' <<<"$desc" 2>/dev/null)" = "git $want range" ] &&
	[ "$(wc -l <<<"$subjects")" = 2 ] && grep -q 'document what dax_iomap_fault' <<<"$subjects"; then
	ok "${tests[1]}"
else
	not_ok "${tests[1]}" "$desc"
fi

if out=$("$top/scripts/kernel" build 2>&1); then
	ok "${tests[2]}"
else
	not_ok "${tests[2]}" "$out"
fi

own=$("$top/scripts/kernel" path stock 2>/dev/null || echo none)
pkg=$(DAXLAB_BASE=6.12 DAXLAB_SERIES='' "$top/scripts/kernel" path stock 2>/dev/null || echo none)
if [ "$own" != none ] && [ "$own" != "$pkg" ]; then
	ok "${tests[3]}"
else
	not_ok "${tests[3]}" "git base: $own; Debian package base: $pkg"
fi

if out=$("$top/tests/vm/run" --logdir "$work/vm" 10-dax-active.sh 2>&1) &&
	grep -q '^# patched kernel (role stock)' <<<"$out"; then
	ok "${tests[4]}"
else
	not_ok "${tests[4]}" "$(tail -n 15 <<<"$out")"
fi
tap_finish git-base
