#!/usr/bin/env bash
# The bench's host-side tests (tests/bench/*.sh): the matrix parser, the
# report pipeline on real daxwl and fio output, and the TARGET/DEVICE
# refusals. Each prints TAP; this renumbers them into one TAP stream and
# ends with "N passed, N failed, N skipped". No VM is booted: `make bench`
# itself is the end-to-end run.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
n=0 passed=0 failed=0
for t in "$top"/tests/bench/*.sh; do
	[ "$(basename "$t")" != common.sh ] || continue
	name=$(basename "$t" .sh)
	echo "# bench/$name"
	rc=0
	timeout 120 "$t" >"$log" 2>&1 || rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*)
			n=$((n + 1)) passed=$((passed + 1))
			echo "ok $n - $name: ${line#ok * - }" ;;
		"not ok "*)
			n=$((n + 1)) failed=$((failed + 1))
			echo "not ok $n - $name: ${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$log"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$log"; then
		n=$((n + 1)) failed=$((failed + 1))
		echo "not ok $n - $name exited with status $rc"
		tail -n 5 "$log" | sed 's/^/#   /'
	fi
done
echo "1..$n"
echo "bench: $passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
