#!/usr/bin/env bash
# scripts/judge, the build part: on the reference series every patch
# applies, builds without warnings and passes checkpatch, and the verdict
# says PASS with the parts not asked for named; a series whose first patch
# does not apply gets FAIL, naming the patch and the file, with exit 1,
# and no later part runs. The other parts (VM suite, fstests, bench, crash
# tests) are the entry points tested elsewhere; `make judge` runs them.
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir judge

tests=("the reference series: every patch applies, builds and passes checkpatch"
	"the reference series: PASS, with the parts not asked for named"
	"a patch that does not apply: FAIL naming the patch and the file, exit 1"
	"a patch that does not apply: the later parts are not run, with the reason")

if ! "$top/scripts/kernel" path patched >/dev/null 2>&1; then
	tap_skip_rest judge "the kernels are not built (make kernel)" "${tests[@]}"
fi

rc=0
"$top/scripts/judge" --parts build --out "$work/ref" >"$work/ref.log" 2>&1 || rc=$?
n=$(awk -F'\t' '$3 == "ok"' "$work/ref/build.tsv" 2>/dev/null | wc -l)
if [ "$rc" = 0 ] && [ "$n" = 15 ]; then
	ok "${tests[0]}"
else
	not_ok "${tests[0]}" "exit $rc, $n of 15 checks ok" "$(cat "$work/ref/build.tsv" 2>/dev/null)" "$(tail -n 5 "$work/ref.log")"
fi
first=$(head -n 1 "$work/ref/verdict.md" 2>/dev/null || true)
if [[ $first == '**daxlab verdict: PASS**'* ]] && grep -q 'bench: not asked for' "$work/ref/verdict.md"; then
	ok "${tests[1]}"
else
	not_ok "${tests[1]}" "first line: $first"
fi

# A series of one patch against a file the base does not have.
mkdir -p "$work/series"
cat >"$work/series/0001-nowhere.patch" <<'EOF'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: daxlab developers <dev@daxlab.invalid>
Subject: [PATCH] fs: change a file that does not exist

Signed-off-by: daxlab developers <dev@daxlab.invalid>
---
--- a/fs/no-such-file.c
+++ b/fs/no-such-file.c
@@ -1,2 +1,2 @@
 one
-two
+three
EOF
rc=0
DAXLAB_SERIES=$work/series "$top/scripts/judge" --parts build,bench --out "$work/bad" >"$work/bad.log" 2>&1 || rc=$?
first=$(head -n 1 "$work/bad/verdict.md" 2>/dev/null || true)
if [ "$rc" = 1 ] && [[ $first == '**daxlab verdict: FAIL**'* ]] &&
	grep -Pq '^1\tapply\tfail\t0001-nowhere.patch: .*no-such-file.c' "$work/bad/build.tsv"; then
	ok "${tests[2]}"
else
	not_ok "${tests[2]}" "exit $rc; first line: $first" "$(cat "$work/bad/build.tsv" 2>/dev/null)" "$(tail -n 5 "$work/bad.log")"
fi
if [ ! -e "$work/bad/bench" ] && grep -q 'bench: not run: the series does not build' "$work/bad/verdict.md"; then
	ok "${tests[3]}"
else
	not_ok "${tests[3]}" "$(grep -A3 'not run' "$work/bad/verdict.md" 2>/dev/null | head -n 8)"
fi
tap_finish judge
