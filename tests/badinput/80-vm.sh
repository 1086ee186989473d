#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/vm refuses a bad --kernel, --nvdimm, --nvdimm-size, --mem,
# --smp, --timeout, --plugin, --out, --expect-report, --console-report,
# --scan-console, an unknown option and a missing command with status 2
# and one message, before any boot:
# the QEMU it is given (a stand-in that leaves a mark) never starts and no
# run directory is made. --mem beyond the host's RAM is 5, a missing QEMU
# 3. Interrupted while QEMU runs, it stops QEMU, removes its run directory
# and exits 130 (SIGINT) or 143 (SIGTERM).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init vm
bi_class usage

vm=$TOP/scripts/vm
export DAXLAB_CACHE=$BI_TMP/cache
# A QEMU that leaves a mark, its pid, and waits to be killed.
fake=$BI_TMP/fake-qemu
cat >"$fake" <<EOF
#!/bin/sh
echo \$\$ >"$BI_TMP/qemu-pid"
: >"$BI_TMP/qemu-started"
exec sleep 60
EOF
chmod +x "$fake"
export DAXLAB_QEMU=$fake
kdir=$BI_TMP/kernel
mkdir "$kdir"
: >"$kdir/vmlinux"
mkdir "$BI_TMP/empty"
: >"$BI_TMP/file"
p='^scripts/vm: '

# refused STATUS ERE ARGS...: scripts/vm --kernel (the stand-in) ARGS -- true.
refused() {
	local st=$1 ere=$2
	shift 2
	bi_run "$st" "$ere" -- "$vm" --kernel "$kdir" --accel tcg "$@" -- true
}

bi_run 2 "${p}no command to run in the guest" -- "$vm"
bi_run 2 "${p}no command to run in the guest" -- "$vm" --kernel "$kdir" --
bi_run 2 "${p}the command to run in the guest is empty" -- "$vm" --kernel "$kdir" -- ''
bi_run 0 'nvdimm-size SIZE' -- "$vm" --help
bi_run 0 '^scripts/vm [0-9]+\.[0-9]+' -- "$vm" --version
bi_run 2 "${p}unknown option '--frob'" -- "$vm" --frob -- true
bi_run 2 "${p}unknown option '-x'" -- "$vm" -x true

# --kernel
bi_run 2 "^scripts/kernel: no kernel variant 'nosuch'" -- "$vm" --kernel nosuch -- true
bi_run 2 "^scripts/kernel: variant name" -- "$vm" --kernel '-q' -- true
bi_run 2 "${p}--kernel: no directory /nonexistent/dir" -- "$vm" --kernel /nonexistent/dir -- true
bi_run 2 "${p}--kernel: no vmlinux in .*/empty" -- "$vm" --kernel "$BI_TMP/empty" -- true
bi_run 2 "${p}--kernel needs a value" -- "$vm" --kernel '' -- true
bi_run 2 "${p}--kernel needs a value" -- "$vm" --kernel

# Numbers: strict decimal, ranged.
bi_class numbers
for v in -1 abc 0x2 1.5 '' ' 1' 2x; do
	refused 2 "${p}--nvdimm (wants a whole decimal number|needs a value)" --nvdimm "$v"
done
for v in 65 1000 99999999999999999999; do
	refused 2 "${p}--nvdimm must be between 0 and 64, not '$v'" --nvdimm "$v"
done
# 0 NVDIMMs is the default and valid: the refusal is the next option's.
refused 2 "${p}--smp must be between 1 and 64, not '0'" --nvdimm 0 --smp 0
refused 2 "${p}--nvdimm-size must be a multiple of 16M, not '17M'" --nvdimm 1 --nvdimm-size 17M
refused 2 "${p}--nvdimm-size must be a multiple of 16M, not '100'" --nvdimm 1 --nvdimm-size 100
for v in 0 0M 8M 257G 99999999999999G; do
	refused 2 "${p}--nvdimm-size must be between 16M and 262144M, not '$v'" --nvdimm 1 --nvdimm-size "$v"
done
for v in -16M 1.5G 16K 512MB abc G; do
	refused 2 "${p}--nvdimm-size wants a size such as 512M or 2G, not '$v'" --nvdimm 1 --nvdimm-size "$v"
done
# NVDIMM images: the label area is at the end of the backing file, so an
# image of another size would misplace it.
bi_class existing
truncate -s 80M "$BI_TMP/short.img"
refused 2 "${p}--nvdimm-image needs --nvdimm N" --nvdimm-image "$BI_TMP/short.img"
refused 2 "${p}--nvdimm-image: cannot read $BI_TMP/none.img" --nvdimm 1 --nvdimm-image "$BI_TMP/none.img"
refused 2 "${p}--nvdimm-image: $BI_TMP/short.img is not the backing file of a 80M NVDIMM \\(100663296 bytes\\)" \
	--nvdimm 1 --nvdimm-size 80M --nvdimm-image "$BI_TMP/short.img"
refused 2 "${p}--nvdimm-save needs exactly one NVDIMM" --nvdimm 2 --nvdimm-save "$BI_TMP/save.img"
refused 2 "${p}--nvdimm-save: no directory $BI_TMP/nodir" --nvdimm 1 --nvdimm-save "$BI_TMP/nodir/save.img"
refused 2 "${p}--nvdimm-save: $BI_TMP is a directory" --nvdimm 1 --nvdimm-save "$BI_TMP"
bi_absent "... and nothing was saved" "$BI_TMP/save.img"
bi_class numbers
for v in abc 1X -1G 1,5G; do
	refused 2 "${p}--mem wants a size such as 512M or 2G, not '$v'" --mem "$v"
done
for v in 0 64M 99999999999999999G 16385G; do
	refused 2 "${p}--mem must be between 128M and 16777216M, not '$v'" --mem "$v"
done
refused 2 "${p}--mem needs a value" --mem ''
for v in 0 65 x -1 1e3; do
	refused 2 "${p}--smp (wants a whole decimal number|must be between 1 and 64), not '$v'" --smp "$v"
done
for v in abc 0 -5 10s 1e3 604801 99999999999999999999; do
	refused 2 "${p}--timeout (wants a whole decimal number|must be between 1 and 604800), not '$v'" --timeout "$v"
done

# Files and directories.
bi_class aliasing
refused 2 "${p}--plugin: no file .*/nosuch\.so$" --plugin "$BI_TMP/nosuch.so"
refused 2 "${p}--plugin: no file .*/nosuch\.so$" --plugin "$BI_TMP/nosuch.so,trace=/tmp/x"
refused 2 "${p}--plugin: no file $BI_TMP/empty$" --plugin "$BI_TMP/empty"
refused 2 "${p}--out: .*/file is not a directory" --out "$BI_TMP/file"
refused 2 "${p}--out: cannot create .*/file/sub" --out "$BI_TMP/file/sub"
refused 2 "${p}--accel is kvm or tcg, not 'xen'" --accel xen
refused 2 "${p}--expect-report: '\(' is not an extended regex" --expect-report '('
refused 2 "${p}--console-report: .*/empty is a directory" --console-report "$BI_TMP/empty"
refused 2 "${p}--console-report: cannot write .*/file/report" --console-report "$BI_TMP/file/report"
refused 2 "${p}--mem must be between" --mem 1 --console-report "$BI_TMP/report"
bi_absent "a refused run writes no console report" "$BI_TMP/report"
bi_run 2 "${p}--scan-console: cannot read .*/nothing" -- "$vm" --scan-console "$BI_TMP/nothing"
bi_run 2 "${p}--scan-console boots nothing: no command" -- "$vm" --scan-console "$BI_TMP/file" -- true

bi_absent "no refusal started QEMU or made a run directory" "$BI_TMP/qemu-started" "$DAXLAB_CACHE/runs"

# Resources and tools.
bi_class resources
refused 5 "${p}--mem 16384G needs 16777216 MiB of guest RAM; the host has [0-9]+ MiB" --mem 16384G
bi_run 3 "${p}/nonexistent/qemu is missing" -- env DAXLAB_QEMU=/nonexistent/qemu "$vm" --kernel "$kdir" -- true
bi_absent "QEMU still never started" "$BI_TMP/qemu-started"

# tests/vm/run, which drives scripts/vm, refuses before it builds or boots.
bi_class usage
vr=$TOP/tests/vm/run
bi_run 2 '^tests/vm/run: --kernel is stock or patched, not .lockdep.' -- "$vr" --kernel lockdep
bi_run 2 '^tests/vm/run: --timeout must be between 1 and 604800' -- "$vr" --timeout 0
bi_run 2 '^tests/vm/run: --timeout wants a whole decimal number' -- "$vr" --timeout 10s
bi_run 2 '^tests/vm/run: --timeout needs a value' -- "$vr" --timeout
bi_run 2 '^tests/vm/run: --lockdep runs the patched kernel only' -- "$vr" --lockdep --kernel stock
bi_run 2 '^tests/vm/run: no VM tests matched' -- "$vr" 99-nothing
bi_run 2 '^tests/vm/run: unknown option --frob' -- "$vr" --frob

# Interrupted while QEMU runs: QEMU stopped, the run directory gone.
# qemu_gone: the stand-in QEMU is no longer running (given 2 s to be
# reaped once killed).
bi_class signals
# shellcheck disable=SC2317 # called through bi_check
qemu_gone() {
	local i
	for ((i = 0; i < 20; i++)); do
		kill -0 "$(cat "$BI_TMP/qemu-pid")" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}
for sig in INT TERM; do
	rm -f "$BI_TMP/qemu-started" "$BI_TMP/qemu-pid"
	[ "$sig" = INT ] && st=130 || st=143
	bi_signal "$sig" "file:$BI_TMP/qemu-started" "$st" '' --timeout 30 --pid \
		-- "$vm" --kernel "$kdir" --accel tcg -- true
	bi_check "SIG$sig: QEMU was stopped" qemu_gone
	# shellcheck disable=SC2016 # expanded by the command's shell
	bi_check "SIG$sig: no run directory is left" bash -c '! compgen -G "$1/runs/vm.*" >/dev/null' sh "$DAXLAB_CACHE"
done
bi_done
