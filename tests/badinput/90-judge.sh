#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/judge and its report (python3 -m daxreport judge) refuse bad
# options, a bad base or series and a verdict directory they must not
# overwrite with status 2 and one message, before anything is built or
# booted: the cache given in DAXLAB_CACHE stays empty.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init judge
bi_class usage

j=$TOP/scripts/judge
cache=$BI_TMP/cache
export DAXLAB_CACHE=$cache
p='^scripts/judge: '

bi_run 2 "${p}unknown argument '--frobnicate'" -- "$j" --frobnicate
bi_run 2 "${p}--parts: unknown part 'speed'" -- "$j" --parts vm,speed
bi_run 2 "${p}--bench-set is quick or full, not 'huge'" -- "$j" --bench-set huge
bi_run 2 "${p}--crash-set is quick, default or full, not 'x'" -- "$j" --crash-set x
bi_run 2 "${p}--min-change wants a percentage like 1 or 0.5, not '-3'" -- "$j" --min-change -3
bi_run 2 "${p}--out needs a value" -- "$j" --out
bi_run 2 "${p}--fstests-group and --fstests-tests exclude each other" \
	-- "$j" --fstests-group dax --fstests-tests generic/470
bi_run 0 'one verdict on a patch series' -- "$j" --help
bi_run 2 "^scripts/kernel: BASE 'nonsense' is not 6.1, 6.12" -- env DAXLAB_BASE=nonsense "$j"
mkdir -p "$BI_TMP/linux/kernel"
printf 'VERSION = 6\nPATCHLEVEL = 99\n' >"$BI_TMP/linux/Makefile"
: >"$BI_TMP/linux/Kconfig"
: >"$BI_TMP/linux/kernel/fork.c"
bi_run 2 "${p}no reference series for Linux 6.99" -- env DAXLAB_BASE="$BI_TMP/linux" "$j"
mkdir -p "$BI_TMP/verdict"
echo '{}' >"$BI_TMP/verdict/judge.json"
bi_run 2 "${p}--out .*/verdict already holds a verdict; --force replaces it" -- "$j" --out "$BI_TMP/verdict"
bi_absent "nothing refused touched the cache" "$cache/kernel/trees"

bi_class malformed
# shellcheck disable=SC2317 # called through bi_run
r() { PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$TOP/bench" python3 -m daxreport judge "$@"; }
bi_run 2 "^daxreport judge: .*nowhere" -- r "$BI_TMP/nowhere"
bi_run 2 "^daxreport judge: .*judge.json" -- r "$BI_TMP/verdict"
printf '{"schema": 1' >"$BI_TMP/verdict/judge.json"
bi_run 2 "^daxreport judge: .*judge.json" -- r "$BI_TMP/verdict"
# shellcheck disable=SC2016 # expanded by the command's shell
bi_check "no traceback for a cut judge.json" bash -c '! grep -q Traceback "$1"' sh "$BI_OUT"
bi_run 2 "--min-change is a percentage from 0 to 1000, not 'x'" -- r --min-change x "$BI_TMP/verdict"
bi_done
