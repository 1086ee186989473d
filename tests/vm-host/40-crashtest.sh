#!/usr/bin/env bash
# Full-system crash test, small: one scenario (ext4 mmap + msync) traced on
# the patched kernel must show no violation and check the pmem driver's
# flush completions (drain marks); the same scenario on the mutant kernel
# whose arch_wb_cache_pmem() skips its clwb loop must show durability
# violations, each with a reproducer that `pmsim replay` turns back into an
# image that ctoracle judges the same way again; and the mutant whose
# generic_nvdimm_flush() lost its sfences must break the flush contract.
# Prints TAP and a closing "N passed, N failed, N skipped" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${DAXLAB_BUILD:-$top/build/rel}
scenario=ext4-mmap-msync
mutant=no-wb-cache-pmem
fence_mutant=no-flush-fence

# shellcheck source=../lib/tap.sh
. "$top/tests/lib/tap.sh"
tap_workdir crashtest
finish() {
	tap_finish crashtest
	exit
}

tests=("patched kernel: $scenario has crash images and no violation"
	"mutant $mutant: $scenario shows durability violations"
	"the mutant's reproducer replays to an image judged inconsistent again"
	"patched kernel: every pmem REQ_FUA/REQ_PREFLUSH completion keeps the flush contract"
	"mutant $fence_mutant: pmem completes REQ_FUA/REQ_PREFLUSH bios before their data is durable"
	"the provenance names the accelerator the guests booted with")

if ! "$top/scripts/kernel" path patched >/dev/null 2>&1; then
	for t in "${tests[@]}"; do skip "$t" "the patched kernel is not built (make kernel)"; done
	finish
fi

# One crashtest/run: the scenario on patched, then on the mutant (built
# here if needed; ccache keeps it to the changed file and the link).
rc=0
"$top/crashtest/run" --set quick --scenario "$scenario" --kernel patched \
	--mutants "$mutant,$fence_mutant" --skip-unit --out "$work/run" >"$work/run.log" 2>&1 || rc=$?
json=$work/run/crash.json
if [ ! -f "$json" ]; then
	for t in "${tests[@]}"; do not_ok "$t" "crashtest/run exited with $rc and wrote no crash.json:" "$(tail -n 20 "$work/run.log")"; done
	finish
fi

run_of() { jq -c --arg k "$1" '.runs[] | select(.kernel == $k)' "$json"; }

p=$(run_of patched)
distinct=$(jq -r '.result.distinct_images // 0' <<<"$p")
dur=$(jq -r '.result.durability_violations // -1' <<<"$p")
fsck=$(jq -r '.result.fsck_violations // -1' <<<"$p")
if [ "$distinct" -gt 0 ] && [ "$dur" = 0 ] && [ "$fsck" = 0 ]; then
	ok "${tests[0]} ($distinct distinct images)"
else
	not_ok "${tests[0]}" "run: $p" "$(tail -n 5 "$work/run/$scenario/patched/judge.log" 2>/dev/null)"
fi

m=$(run_of "mutant-$mutant")
mdur=$(jq -r '.result.durability_violations // 0' <<<"$m")
if [ "$mdur" -gt 0 ]; then
	ok "${tests[1]} ($mdur of $(jq -r '.result.distinct_images' <<<"$m") images)"
else
	not_ok "${tests[1]}" "run: $m" "$(tail -n 5 "$work/run/$scenario/mutant-$mutant/judge.log" 2>/dev/null)"
fi

# The first report names its reproducer and the marks reached.
vdir=$work/run/$scenario/mutant-$mutant
report=$vdir/violations/001.txt
if [ -f "$report" ] && [ -f "$vdir/violations/001.repro" ]; then
	marks=$(sed -n "s/.*--marks '\([^']*\)'.*/\1/p" "$report")
	jrc=0
	if "$build/crashtest/pmsim" replay "$vdir/violations/001.repro" "$work/replayed.img" >"$work/replay.log" 2>&1; then
		"$build/crashtest/oracles/ctoracle" judge --manifest "$vdir/manifest" --marks "$marks" \
			"$work/replayed.img" >"$work/judge.log" 2>&1 || jrc=$?
	else
		jrc=replay-failed
	fi
	if [ "$jrc" = 1 ]; then
		ok "${tests[2]}"
	else
		not_ok "${tests[2]}" "status $jrc" "$(cat "$work/replay.log" "$work/judge.log" 2>/dev/null)"
	fi
else
	not_ok "${tests[2]}" "no violations/001.txt and .repro in $vdir"
fi

drains=$(jq -r '.result.drain_marks // 0' <<<"$p")
pbad=$(jq -r '.result.flush_contract_violations // -1' <<<"$p")
if [ "$drains" -gt 0 ] && [ "$pbad" = 0 ]; then
	ok "${tests[3]} ($drains completions)"
else
	not_ok "${tests[3]}" "drain marks $drains, false claims $pbad"
fi

f=$(run_of "mutant-$fence_mutant" | jq -s -c 'map(select(.scenario == "'"$scenario"'")) | .[0] // {}')
fbad=$(jq -r '.result.flush_contract_violations // 0' <<<"$f")
freport=$work/run/$scenario/mutant-$fence_mutant/violations/001.txt
if [ "$fbad" -gt 0 ] && grep -q '^verdict: *FLUSH CONTRACT' "$freport" 2>/dev/null &&
	grep -qE 'drain:pmem_(fua|preflush).*pmem_submit_bio' "$freport"; then
	ok "${tests[4]} ($fbad of $(jq -r '.result.drain_marks' <<<"$f") completions)"
else
	not_ok "${tests[4]}" "run: $f" "$(head -n 8 "$freport" 2>/dev/null)"
fi

# scripts/vm chose the accelerator; the provenance must say which (it once
# said "unknown" on every machine without KVM).
# shellcheck source=../../bench/lib/cli.sh
. "$top/bench/lib/cli.sh"
acc=$(jq -r '.accel // empty' "$work/run/provenance.json" 2>/dev/null || true)
want=$(vm_accel)
if [ "$acc" = "$want" ] && { [ "$acc" = tcg ] || [ "$acc" = kvm ]; } &&
	grep -q "accelerator $acc" "$work/run/report.md"; then
	ok "${tests[5]} ($acc)"
else
	not_ok "${tests[5]}" "provenance.json says '$acc', scripts/vm boots with '$want'"
fi
finish
