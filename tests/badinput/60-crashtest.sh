#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# crashtest/run and its report (python3 -m daxreport crash) against hostile
# input, without booting anything. Every crashtest/run here runs with
# --no-build and an empty DAXLAB_CACHE: no kernel is built there, so even
# a refusal that failed to happen would build nothing and boot nothing.
# crashtest/run: bad options, numbers, sets, scenarios, kernels, mutants,
# modes and crash points, generated sets, workload names and sequence
# files (2, nothing written), an --out that holds an
# earlier run (2 without --force, the run untouched), lies in the sources
# or is a file (2), --no-build without a build (2), too little disk space
# (5 with the numbers, before anything is written), a run whose kernels
# are not built (1, crash.json and report.md saying so), SIGINT and
# SIGTERM during the unit tests (130/143, report.md saying what ran);
# sharding and resuming: bad --jobs, --batch, --sshloginfile, --known-findings and
# --resume (2, nothing written), a host that does not answer (2, before
# anything is written), resuming another plan (2, the report untouched),
# resuming the same plan over two job slots (the failed runs redone).
# The report: crash.json and run files that are not what they should be
# (2, one message naming the file and what is wrong).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init crashtest

ct=$TOP/crashtest/run
d=$BI_TMP
export DAXLAB_CACHE=$d/cache
c='^crashtest/run: '
n=(--no-build)

# ---- options --------------------------------------------------------------------
bi_class usage
bi_run 0 '^Full-system crash testing' -- "$ct" --help
bi_run 0 '^crashtest/run [0-9]+\.[0-9]+$' -- "$ct" --version
bi_run 2 "${c}unknown argument '--fast'" -- "$ct" "${n[@]}" --fast
for o in --set --scenario --kernel --mutants --out --bytes --budget --mode --crash-points --max-states; do
	bi_run 2 "${c}$o needs a value" -- "$ct" "${n[@]}" "$o"
done
bi_run 2 "${c}--set is quick, default or full, not 'huge'" -- "$ct" "${n[@]}" --set huge
bi_run 2 "${c}--bytes wants a whole decimal number, not '-1'" -- "$ct" "${n[@]}" --bytes -1
bi_run 2 "${c}--bytes wants a whole decimal number, not '0x1000'" -- "$ct" "${n[@]}" --bytes 0x1000
bi_run 2 "${c}--bytes wants a whole decimal number, not '4096k'" -- "$ct" "${n[@]}" --bytes 4096k
bi_run 2 "${c}--bytes must be between 4096 and 1073741824, not '010'" -- "$ct" "${n[@]}" --bytes 010
bi_run 2 "${c}--bytes must be between 4096 and 1073741824, not '99999999999999999999999'" \
	-- "$ct" "${n[@]}" --bytes 99999999999999999999999
bi_run 2 "${c}--budget must be between 1 and" -- "$ct" "${n[@]}" --budget 0
bi_run 2 "${c}--max-states wants a whole decimal number" -- "$ct" "${n[@]}" --max-states ' 5'
bi_run 2 "${c}CRASH_XFS_BUDGET wants a whole decimal number, not 'lots'" -- env CRASH_XFS_BUDGET=lots "$ct" "${n[@]}"
bi_run 2 "${c}DAXLAB_CRASH_NEED_MIB wants a whole decimal number" -- env DAXLAB_CRASH_NEED_MIB=-5 "$ct" "${n[@]}"
bi_run 2 "${c}--crash-points is fence, event or mark, not 'every'" -- "$ct" "${n[@]}" --crash-points every
bi_run 2 "${c}--mode is exhaustive, durable, bounded:K or random:N" -- "$ct" "${n[@]}" --mode random:0
bi_run 2 "${c}--mode is exhaustive" -- "$ct" "${n[@]}" --mode 'bounded:1;rm'
bi_run 2 "${c}no scenario 'nope'" -- "$ct" "${n[@]}" --scenario nope
bi_run 2 "${c}no scenario '../scenarios/ext4-dir-ops'" -- "$ct" "${n[@]}" --scenario ../scenarios/ext4-dir-ops
bi_run 2 "${c}--kernel is stock, patched or mutant-NAME, not 'vanilla'" -- "$ct" "${n[@]}" --kernel vanilla
bi_run 2 "${c}--kernel mutant-nope: no mutant 'nope'" -- "$ct" "${n[@]}" --kernel mutant-nope
bi_run 2 "${c}no mutant 'nope'" -- "$ct" "${n[@]}" --mutants no-flush-fence,nope
bi_run 2 "${c}no mutant '../mutants'" -- "$ct" "${n[@]}" --mutants ../mutants
bi_run 2 "${c}--cpu-code is up or smp, not 'numa'" -- "$ct" "${n[@]}" --cpu-code numa
bi_run 2 "${c}mutant no-wb-cache-pmem runs ext4-mmap-msync: none of them is a chosen --scenario" \
	-- "$ct" "${n[@]}" --scenario ext4-map-sync --mutants no-wb-cache-pmem
bi_run 2 "${c}$d/nobuild/crashtest/qemu/libpmtrace.so is missing \(run without --no-build\)" \
	-- env DAXLAB_BUILD="$d/nobuild" "$ct" "${n[@]}" --out "$d/nb"
bi_absent "no refused run wrote anything" "$d/nb" "$TOP/results/crash-2"*

# ---- generated workloads: the set, the names, the sequence file -------------------
bi_run 2 "${c}--gen needs a value" -- "$ct" "${n[@]}" --gen
bi_run 2 "${c}--gen is seq-1 or seq-2, not 'seq-3'" -- "$ct" "${n[@]}" --gen seq-3
bi_run 2 "${c}--gen is seq-1 or seq-2, not '../seq-1'" -- "$ct" "${n[@]}" --gen ../seq-1
bi_run 2 "${c}no workload 'seq1-9999' in seq-1 \(ctseq list seq-1 names them\)" \
	-- "$ct" "${n[@]}" --gen seq-1 --workload seq1-0001,seq1-9999
bi_run 2 "${c}no workload 'seq2-0001' in seq-1" -- "$ct" "${n[@]}" --gen seq-1 --workload seq2-0001
bi_run 2 "${c}no workload '../x' in seq-2" -- "$ct" "${n[@]}" --gen seq-2 --workload ../x
bi_run 2 "${c}--fs is a list of ext2, ext4 and xfs, not 'ext4,zfs'" -- "$ct" "${n[@]}" --gen seq-1 --fs ext4,zfs
bi_run 2 "${c}no generated workload runs on --fs ext2" \
	-- "$ct" "${n[@]}" --gen seq-1 --workload seq1-0205 --fs ext2
bi_run 2 "${c}--scenario and --gen/--seq-file exclude each other" \
	-- "$ct" "${n[@]}" --gen seq-1 --scenario ext4-dir-ops
bi_run 2 "${c}--gen and --seq-file run no mutants" -- "$ct" "${n[@]}" --gen seq-1 --mutants all
bi_run 2 "${c}--workload, --fs and --list go with --gen or --seq-file" -- "$ct" "${n[@]}" --fs ext4
bi_run 2 "${c}--seq-file $d/noseq is not a file" -- "$ct" "${n[@]}" --seq-file "$d/noseq"
printf 'setup A\nop frob A\npp sync\n' >"$d/frob.seq"
bi_run 2 "${c}$d/frob.seq: line 2: unknown operation 'frob'" -- "$ct" "${n[@]}" --seq-file "$d/frob.seq"
printf 'op write A\npp fsync A\n' >"$d/dep.seq"
bi_run 2 "${c}$d/dep.seq: the sequence cannot run: write A: A does not exist" \
	-- "$ct" "${n[@]}" --seq-file "$d/dep.seq"
printf 'setup A\nop write A\n' >"$d/nopp.seq"
bi_run 2 "${c}$d/nopp.seq: no persistence point" -- "$ct" "${n[@]}" --seq-file "$d/nopp.seq"
head -c 100000 /dev/zero >"$d/zeros.seq"
bi_run 2 "${c}$d/zeros.seq: " -- "$ct" "${n[@]}" --seq-file "$d/zeros.seq"
bi_run 2 "${c}--gen and --seq-file exclude each other" \
	-- "$ct" "${n[@]}" --gen seq-1 --seq-file "$d/frob.seq"
bi_absent "no refused generated run wrote anything" "$TOP/results/crash-2"*
bi_run 0 '^ext4-seq1-0064  \[A\] pwrite-2m A; fsync A$' -- "$ct" "${n[@]}" --gen seq-1 --workload seq1-0064 --fs ext4 --list

# ---- the output directory ---------------------------------------------------------
bi_class existing
: >"$d/afile"
bi_run 2 "${c}--out $d/afile exists and is not a directory" -- "$ct" "${n[@]}" --out "$d/afile"
bi_run 2 "${c}--out $TOP/crashtest/scenarios/x lies inside $TOP/crashtest" \
	-- "$ct" "${n[@]}" --out "$TOP/crashtest/scenarios/x"
bi_run 2 "${c}--out $TOP is the repository itself" -- "$ct" "${n[@]}" --out "$TOP"
mkdir -p "$d/old"
printf 'an earlier report\n' >"$d/old/report.md"
bi_run 2 "${c}--out $d/old already holds a crash-test run \(report.md\); --force replaces it" \
	-- "$ct" "${n[@]}" --out "$d/old"
bi_check "the earlier run is untouched" grep -qx 'an earlier report' "$d/old/report.md"
bi_absent "... and nothing was added to it" "$d/old/run.log" "$d/old/runs.tsv"
bi_run 5 "${c}not enough disk space for the traces: 999999999 MiB needed, [0-9]+ MiB available" \
	-- env DAXLAB_CRASH_NEED_MIB=999999999 "$ct" "${n[@]}" --out "$d/space"
bi_absent "... before anything is written" "$d/space"
small=''
if bi_small_fs 4 small; then
	bi_run 5 "${c}not enough disk space for the traces: 2048 MiB needed, [0-4] MiB available in $small" \
		-- "$ct" "${n[@]}" --out "$small/run"
	bi_absent "... nothing written on the small file system" "$small/run"
fi

# ---- a run that boots nothing: the kernels are not built ---------------------------
bi_class unsupported
e2e=(--skip-unit --scenario ext4-write-fsync --kernel stock --mutants no-flush-fence)
bi_run 1 "${c}runs failed: ext4-write-fsync/stock" --timeout 60 -- "$ct" "${n[@]}" "${e2e[@]}" --out "$d/e2e"
bi_check "report.md says why" grep -q '^- ext4-write-fsync/stock: kernel stock is not built$' "$d/e2e/report.md"
bi_check "... and that the mutant was not caught" grep -q '^Not caught: no-flush-fence\.' "$d/e2e/report.md"
bi_check "... and how much was covered" grep -q '^- covered: 0 of 2 planned runs judged completely$' "$d/e2e/report.md"
bi_check "crash.json says the run failed" grep -q '"status": "error"' "$d/e2e/crash.json"
bi_run 2 "${c}--out $d/e2e already holds a crash-test run" -- "$ct" "${n[@]}" "${e2e[@]}" --out "$d/e2e"
bi_run 1 "${c}runs failed" --timeout 60 -- "$ct" "${n[@]}" "${e2e[@]}" --out "$d/e2e" --force

# ---- sharding and resuming -------------------------------------------------------------
bi_class usage
for o in --jobs --sshloginfile --known-findings; do
	bi_run 2 "${c}$o needs a value" -- "$ct" "${n[@]}" "$o"
done
bi_run 2 "${c}--jobs must be between 1 and 256, not '0'" -- "$ct" "${n[@]}" --jobs 0
bi_run 2 "${c}--jobs wants a whole decimal number, not 'all'" -- "$ct" "${n[@]}" --jobs all
# A job's clock, from the campaign that sharded it (internal).
bi_run 2 "${c}--one-start wants a whole decimal number, not 'soon'" -- "$ct" "${n[@]}" --one-start soon
bi_run 2 "${c}--batch needs a value" -- "$ct" "${n[@]}" --batch
bi_run 2 "${c}--batch must be between 1 and 64, not '0'" -- "$ct" "${n[@]}" --batch 0
bi_run 2 "${c}--batch must be between 1 and 64, not '65'" -- "$ct" "${n[@]}" --batch 65
bi_run 2 "${c}--batch wants a whole decimal number, not '2x'" -- "$ct" "${n[@]}" --batch 2x
bi_run 2 "${c}--sshloginfile $d/nologins is not a file" -- "$ct" "${n[@]}" --sshloginfile "$d/nologins"
bi_run 2 "${c}--resume continues the run in --out DIR: name it" -- "$ct" "${n[@]}" --resume
bi_run 2 "${c}--resume keeps an earlier run's results, --force replaces them" \
	-- "$ct" "${n[@]}" --resume --force --out "$d/e2e"
bi_run 2 "${c}--resume: --out $d/old holds no earlier run to continue \(no plan.tsv\)" \
	-- "$ct" "${n[@]}" --resume --out "$d/old"
bi_run 2 "${c}--known-findings $d/noknown is not a file \(or 'none'\)" \
	-- "$ct" "${n[@]}" --known-findings "$d/noknown"
printf '0123456789ab\tdurability ext4 at - by f: x\twhy\n' >"$d/known-bad"
bi_run 2 "${c}$d/known-bad line 1: id 0123456789ab is not its signature's" \
	-- "$ct" "${n[@]}" --known-findings "$d/known-bad" --out "$d/kb"
bi_absent "a refused known-findings list: nothing written" "$d/kb"
# A host that does not answer: refused before anything is written.
printf '1/ssh -o BatchMode=yes -o ConnectTimeout=5 -p 1 127.0.0.1\n' >"$d/logins-down"
bi_run 2 "${c}--sshloginfile: not every host answered: .*Connection refused" --timeout 60 \
	-- "$ct" "${n[@]}" --sshloginfile "$d/logins-down" --out "$d/down"
bi_absent "... nothing written" "$d/down"
# The same run with other options is not the run to resume: refused, the
# earlier report untouched.
cp "$d/e2e/report.md" "$d/e2e-report"
bi_run 2 "${c}--resume: the plan or its options differ from the earlier run's" \
	-- "$ct" "${n[@]}" "${e2e[@]}" --bytes 8192 --out "$d/e2e" --resume
bi_check "... the earlier report untouched" cmp "$d/e2e/report.md" "$d/e2e-report"
# The same plan: what failed runs again, sharded over two job slots.
bi_run 1 "${c}runs failed: ext4-write-fsync/stock" --timeout 120 \
	-- "$ct" "${n[@]}" "${e2e[@]}" --out "$d/e2e" --resume --jobs 2
bi_check "... every run was redone through GNU parallel" \
	grep -q 'resuming: 2 of 2 runs to do' "$d/e2e/run.log"
bi_check "... parallel logged the 2 jobs" test "$(tail -n +2 "$d/e2e/parallel.joblog" | wc -l)" = 2
bi_check "... the merged report names the run that failed" \
	grep -q '^- ext4-write-fsync/stock: kernel stock is not built$' "$d/e2e/report.md"
bi_check "... in the plan's order" test "$(cut -f1,2 "$d/e2e/runs.tsv" | head -n 1)" = "ext4-write-fsync	stock"

# ---- the unit tests are counted by tests/lib/tapcount -------------------------------------
# A build directory with the real programs and two stand-in unit tests:
# cmocka on Debian prints a skip as "not ok N # SKIP", which is no failure;
# a test that dies before its plan is one.
bi_class malformed
fake=$d/fakebuild
for f in crashtest/qemu/libpmtrace.so crashtest/oracles/ctoracle crashtest/pmsim \
	crashtest/guest/pmmark crashtest/scenarios/ctwl; do
	mkdir -p "$fake/${f%/*}"
	ln -s "$BI_BIN/$f" "$fake/$f"
done
mkdir -p "$fake/crashtest/tests"
printf '#!/bin/sh\necho "ok 1 - a"\necho "not ok 2 - b # SKIP no pmem here"\necho 1..2\n' \
	>"$fake/crashtest/tests/test_skips"
printf '#!/bin/sh\necho "ok 1 - a"\nkill -SEGV $$\n' >"$fake/crashtest/tests/test_crashes"
chmod +x "$fake"/crashtest/tests/test_*
bi_run 1 "${c}.*libpmsim unit tests: 2 passed, 1 failed, 1 skipped" --timeout 60 \
	-- env DAXLAB_BUILD="$fake" "$ct" "${n[@]}" --scenario ext4-write-fsync --kernel stock \
	--mutants none --out "$d/unit"
bi_check "report.md counts the skip as a skip" \
	grep -q 'libpmsim unit tests: 2 passed, 1 failed, 1 skipped\.$' "$d/unit/report.md"

# ---- signals, during the libpmsim unit tests ------------------------------------------
bi_class signals
if [ -x "$BI_BIN/crashtest/tests/test_enum" ]; then
	for s in INT:130 TERM:143; do
		bi_signal "${s%:*}" "file:$d/sig-${s%:*}/unit-test_applog.tap" "${s#*:}" \
			"${c}.*interrupted during the libpmsim unit tests" --timeout 60 \
			-- "$ct" "${n[@]}" --scenario ext4-write-fsync --kernel stock --mutants none \
			--out "$d/sig-${s%:*}"
		bi_check "SIG${s%:*}: report.md says what ran" \
			grep -q '^- interrupted before ext4-write-fsync/stock (0 of 1 runs started)$' \
			"$d/sig-${s%:*}/report.md"
	done
else
	bi_skip "crashtest/run interrupted during the unit tests" "the libpmsim tests are not built"
fi

# ---- the report: files that are not what they should be -----------------------------
bi_class malformed
# shellcheck disable=SC2317 # called through bi_run
report() { PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$TOP/bench" python3 -m daxreport crash "$@"; }
ref=$TOP/results/crash-reference/crash.json
bi_run 2 '^crashtest/run: usage: python3 -m daxreport crash' -- report
bi_run 2 "${c}$d/none is not a directory" -- report "$d/none"
mkdir -p "$d/cj"
bi_run 2 "${c}$d/cj is not a crash-test run \(no crash.json\)" -- report "$d/cj"
bi_run 2 "${c}$d/cj is not a crash-test run \(no runs.tsv\)" -- report --assemble "$d/cj"
# bad_crash NAME TEXT ERE: crash.json holding TEXT is refused saying ERE.
bad_crash() {
	mkdir -p "$d/cj-$1"
	printf '%s' "$2" >"$d/cj-$1/crash.json"
	bi_run 2 "${c}.*$3" --desc "crash.json $1 => 2 /$3/" -- report "$d/cj-$1"
	bi_absent "... $1: no report.md" "$d/cj-$1/report.md"
}
bad_crash empty '' 'is not readable JSON'
bad_crash truncated "$(head -c 3000 "$ref")" 'is not readable JSON'
bad_crash array '[1, 2]' 'not a JSON object'
bad_crash deep "$(head -c 200000 /dev/zero | tr '\0' '[')" 'JSON nested too deeply'
bad_crash no-runs "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["runs"]; print(json.dumps(d))' "$ref")" \
	'no runs list'
bad_crash bad-status "$(sed '0,/"status": "clean"/s//"status": "fine"/' "$ref")" \
	"runs\[0\]: role 'kernel' or status 'fine' unknown"
bad_crash escaping-dir "$(sed '0,/"dir": "[^"]*"/s//"dir": "..\/..\/etc"/' "$ref")" \
	"runs\[0\]: dir '../../etc' is not a directory inside the run"
mkdir -p "$d/cj-fifo"
mkfifo "$d/cj-fifo/crash.json"
bi_run 2 "${c}$d/cj-fifo is not a crash-test run" --timeout 10 -- report "$d/cj-fifo"
# a run directory crashtest/run left, damaged
cp -r "$d/e2e" "$d/asm"
printf 'date\tx\n' >"$d/asm/meta.tsv"
bi_run 2 "${c}$d/asm/meta.tsv lacks set, host" -- report --assemble "$d/asm"
cp "$d/e2e/meta.tsv" "$d/asm/meta.tsv"
printf 'oops\n' >>"$d/asm/partial.tsv"
bi_run 2 "${c}$d/asm/partial.tsv line [0-9]+: not KIND<TAB>REASON" -- report --assemble "$d/asm"
# several campaigns in one summary (--campaigns): each input checked, the
# summary written whole or not at all
camp=$TOP/results/crash-seq1-ext2
bi_run 2 "${c}--campaigns needs at least one RUN" -- report --campaigns
bi_run 2 "${c}$d/cj is not a crash-test run \(no crash.json or crash.json.xz\)" -- report --campaigns "$d/cj"
mkdir -p "$d/cx-trunc" "$d/cx-fifo" "$d/cx-json"
head -c 2000 "$camp/crash.json.xz" >"$d/cx-trunc/crash.json.xz"
bi_run 2 "${c}$d/cx-trunc/crash.json.xz cannot be read" -- report --campaigns "$d/cx-trunc"
mkfifo "$d/cx-fifo/crash.json.xz"
bi_run 2 "${c}$d/cx-fifo/crash.json.xz cannot be read \(not a regular file\)" --timeout 10 \
	-- report --campaigns "$d/cx-fifo"
printf '[1, 2]' | xz >"$d/cx-json/crash.json.xz"
bi_run 2 "${c}.*not a JSON object" -- report --campaigns "$d/cx-json"
bi_run 2 "${c}.*two campaigns named crash-seq1-ext2" -- report --campaigns "$camp" "$camp"
bi_run 2 "${c}$d/known-bad line [0-9]+" -- report --campaigns --known "$d/known-bad" "$camp"
bi_run 2 "${c}--out $d/no/summary.md cannot be written" -- report --campaigns --out "$d/no/summary.md" "$camp"
bi_absent "a summary that cannot be written leaves nothing" "$d/no"
bi_done
