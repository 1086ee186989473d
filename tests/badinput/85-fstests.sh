#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/fstests refuses a bad --fs, --kernels, --group, --tests, --list,
# --jobs, --timeout, --out, --known and --fstests, and an unknown option,
# with status 2 and one message, before anything is built or booted: no
# fstests build appears in the cache and no run directory is made.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init fstests
bi_class usage

fst=$TOP/scripts/fstests
export DAXLAB_CACHE=$BI_TMP/cache
mkdir -p "$DAXLAB_CACHE" "$BI_TMP/empty" "$BI_TMP/old/runs"
: >"$BI_TMP/file"
: >"$BI_TMP/no-tests.list"
echo '# only a comment' >"$BI_TMP/comment.list"
tar -czf "$BI_TMP/not-fstests.tar.gz" -C "$BI_TMP" empty
p='^scripts/fstests: '

bi_run 0 'fstests gate' -- "$fst" --help
bi_run 0 '^scripts/fstests [0-9]+\.[0-9]+' -- "$fst" --version
bi_run 2 "${p}unknown argument '--frob'" -- "$fst" --frob
bi_run 2 "${p}unknown argument 'ext2'" -- "$fst" ext2
bi_run 2 "${p}--fs needs a value" -- "$fst" --fs
bi_run 2 "${p}--fs: 'btrfs' is not ext2, ext4 or xfs" -- "$fst" --fs ext2,btrfs
bi_run 2 "${p}--kernels names two kernels" -- "$fst" --kernels stock
bi_run 2 "${p}--kernels names two kernels" -- "$fst" --kernels stock,patched,other
bi_run 2 "${p}--kernels: the base and the series kernel are both 'stock'" -- "$fst" --kernels stock,stock
bi_run 2 "${p}--kernels: no built kernel 'nosuch'" -- "$fst" --kernels nosuch,other
bi_run 2 "${p}--group: 'a b' is not an fstests group name" -- "$fst" --group 'a b'
bi_run 2 "${p}'bogus' is not an fstests test name" -- "$fst" --tests 'generic/470 bogus'
bi_run 2 "${p}'generic/470;reboot' is not an fstests test name" -- "$fst" --tests 'generic/470;reboot'
bi_run 2 "${p}--tests and --list exclude each other" -- "$fst" --tests generic/470 --list "$BI_TMP/file"
bi_run 2 "${p}--list: cannot read $BI_TMP/nope" -- "$fst" --list "$BI_TMP/nope"
bi_run 2 "${p}--list: .* names no test" -- "$fst" --list "$BI_TMP/no-tests.list"
bi_run 2 "${p}--list: .* names no test" -- "$fst" --list "$BI_TMP/comment.list"

bi_class numbers
bi_run 2 "${p}--jobs must be between 1 and 64, not '0'" -- "$fst" --jobs 0
bi_run 2 "${p}--jobs must be between 1 and 64, not '65'" -- "$fst" --jobs 65
bi_run 2 "${p}--jobs wants a whole decimal number, not '2x'" -- "$fst" --jobs 2x
bi_run 2 "${p}--timeout must be between 60 and 86400, not '10'" -- "$fst" --timeout 10
bi_run 2 "${p}--timeout wants a whole decimal number, not '-1'" -- "$fst" --timeout -1

bi_class existing
bi_run 2 "${p}--out: $BI_TMP/file is not a directory" -- "$fst" --out "$BI_TMP/file"
bi_run 2 "${p}--out: $BI_TMP/old already holds a run; --force replaces it" -- "$fst" --out "$BI_TMP/old"
bi_run 2 "${p}--known: cannot read $BI_TMP/nope" -- "$fst" --known "$BI_TMP/nope"

bi_class malformed
bi_run 2 "${p}--fstests: no such file or directory: $BI_TMP/nope" -- "$fst" --build-only --fstests "$BI_TMP/nope"
bi_run 2 "${p}--fstests: .*empty is not an fstests tree" -- "$fst" --build-only --fstests "$BI_TMP/empty"
bi_run 2 "${p}--fstests: .*not-fstests.tar.gz is not a tarball of an fstests tree" -- "$fst" --build-only --fstests "$BI_TMP/not-fstests.tar.gz"
bi_run 2 "${p}--fstests: .*file is not a tarball of an fstests tree" -- "$fst" --build-only --fstests "$BI_TMP/file"

bi_absent "no refusal built fstests or made a run" "$DAXLAB_CACHE/fstests" "$DAXLAB_CACHE/runs" "$BI_TMP/old/summary.md" "$TOP/build/fstests.refused"
bi_done
