#!/usr/bin/env bash
# The top-level Makefile: `make help` lists every target, and `make bench`
# refuses a bad TARGET or DEVICE before it builds anything (it used to
# build both kernels first, and TARGET/DEVICE runs never use them). No
# build runs here: the refused runs stop first, `make -n` only prints,
# and a stand-in `make` on PATH answers bench/run's own build step.
set -euo pipefail
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"

help=$(make -s -C "$top" help)
phony=$(sed -n '/^\.PHONY:/,/[^\\]$/p' "$top/Makefile" | sed 's/^\.PHONY://; s/\\$//' | tr -s ' \t' '\n' | grep -v '^$')
check "the Makefile declares its targets .PHONY" [ "$(wc -l <<<"$phony")" -ge 20 ]
missing=()
for t in $phony; do
	grep -Eq "^  make $t( |$)" <<<"$help" || missing+=("$t")
done
if [ ${#missing[@]} -eq 0 ]; then
	ok "make help lists every .PHONY target"
else
	not_ok "make help lists every .PHONY target" "missing: ${missing[*]}"
fi
targets=$(grep -E '^[a-z][a-z-]*:' "$top/Makefile" | cut -d: -f1 | sort -u)
undeclared=$(comm -23 <(echo "$targets") <(sort -u <<<"$phony"))
check "every target of the Makefile is .PHONY (so make help covers it)" [ -z "$undeclared" ]

# What `make bench TARGET=...` would run, without running it.
for v in "TARGET=$scratch/none" "DEVICE=/dev/null DESTRUCTIVE=yes"; do
	# shellcheck disable=SC2086 # two assignments in one word list
	dry=$(make -n -C "$top" bench $v 2>&1)
	if grep -Eq 'scripts/(kernel|deps)|-C (workloads|crashtest)' <<<"$dry"; then
		not_ok "make bench ${v%% *} builds nothing before bench/run" "$dry"
	else
		ok "make bench ${v%% *} builds nothing before bench/run"
	fi
done

# all_of EXPR: test(1) with -a joining the conditions, as one command.
all_of() { test "$@"; }

# A stand-in make: records that it was called, fails like a broken build.
mkdir -p "$scratch/bin"
cat >"$scratch/bin/make" <<EOF
#!/usr/bin/env bash
echo "make \$*" >>"$scratch/make.calls"
exit 1
EOF
chmod +x "$scratch/bin/make"
rc=0
out=$(PATH="$scratch/bin:$PATH" timeout 30 "$top/bench/run" --build --results "$scratch/res" \
	--set quick --target "$scratch/none" 2>&1) || rc=$?
check "bench/run --build refuses a missing TARGET with status 2" [ "$rc" = 2 ]
check "... saying why" grep -q "TARGET=$scratch/none does not exist" <<<"$out"
check "... before building anything" [ ! -e "$scratch/make.calls" ]
rc=0
out=$(PATH="$scratch/bin:$PATH" timeout 30 "$top/bench/run" --build --results "$scratch/res" \
	--set quick --device /dev/null --destructive yes 2>&1) || rc=$?
check "bench/run --build refuses a DEVICE that is no block device, building nothing" \
	all_of "$rc" = 2 -a ! -e "$scratch/make.calls"
rc=0
out=$(PATH="$scratch/bin:$PATH" timeout 30 "$top/bench/run" --build --results "$scratch/res" \
	--set quick --clock cycles 2>&1) || rc=$?
check "bench/run --build refuses a bad CLOCK before building" \
	all_of "$rc" = 2 -a ! -e "$scratch/make.calls"
# A VM run whose options are fine builds (here: fails to), and only then.
rc=0
out=$(PATH="$scratch/bin:$PATH" timeout 30 "$top/bench/run" --build --results "$scratch/res" \
	--set quick 2>&1) || rc=$?
check "a VM run builds the tools after its checks" grep -qx "make -s -C $top build" "$scratch/make.calls"
check "... and a failed build is status 1 with a message" \
	all_of "$rc" = 1 -a -n "$(grep "building the tools failed" <<<"$out")"
check "... before any run directory exists" [ ! -e "$scratch/res" ]

rc=0
out=$(timeout 30 make -s -C "$top" bench TARGET="$scratch/none" 2>&1) || rc=$?
check "make bench TARGET=<missing> is refused by bench/run (status 2)" \
	all_of "$rc" = 2 -a -n "$(grep "TARGET=$scratch/none does not exist" <<<"$out")"
finish
