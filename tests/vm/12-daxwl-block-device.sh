#!/usr/bin/env bash
# daxwl rw and odirect on a real pmem block device, the paths the host
# tests cannot touch: pattern writes verified on read-back through both
# engines, the refusals that protect a device (no write without
# --overwrite, --size beyond the device, a mounted device, commands that
# take no block device), and daxwl's JSON naming the target a block
# device of the right size. Same on both kernels.
# vm: nvdimm=1
# shellcheck source-path=SCRIPTDIR source=common.sh disable=SC1091
. "$(dirname "$0")/common.sh"

need_nvdimms 1
need_daxwl
command -v jq >/dev/null || skip_all "jq is missing"

out=/tmp/daxwl-bdev
mnt=/mnt/daxwl-bdev
cleanup() {
	umount "$mnt" 2>/dev/null || true
	rm -rf "$out"
	"$guest/pmem-teardown"
}
on_cleanup cleanup
mkdir -p "$out" "$mnt"

pmem=$("$guest/pmem-ns" create fsdax --map mem)
bytes=$(blockdev --getsize64 "$pmem")

# run NAME ARGS...: daxwl with its JSON in $out/NAME.json; prints the exit
# status and keeps stderr in $out/NAME.err.
run() {
	local name=$1 rc=0
	shift
	"$daxwl" "$@" --json "$out/$name.json" 2>"$out/$name.err" >/dev/null || rc=$?
	echo "$rc"
}
jqt() { jq -e "$2" "$out/$1.json" >/dev/null 2>&1; }

rc=$(run write rw --file "$pmem" --rw write --bs 64K --size 32M --verify --overwrite)
if [ "$rc" = 0 ] && jqt write '.target | .type == "block_device" and .size == '"$bytes" &&
	jqt write '.results | .write_ops == 512 and .verify.bad_words == 0 and .verify.checked_bytes >= 33554432'; then
	ok "rw writes 32 MiB of pattern to $pmem and reads it back intact"
else
	not_ok "rw writes and verifies $pmem" "exit $rc" "$(cat "$out/write.err")" "$(jq -c '.target, .results' "$out/write.json" 2>&1)"
fi

rc=$(run uring odirect --file "$pmem" --rw mixed --order rand --iodepth 8 --size 32M --verify --overwrite)
if [ "$rc" = 0 ] && jqt uring '.results | .ops == 8192 and .read_ops + .write_ops == 8192 and .verify.bad_words == 0 and .verify.checked_bytes > 0'; then
	ok "odirect (io_uring, iodepth 8) mixes 4 KiB reads and writes on $pmem and verifies them"
else
	not_ok "odirect io_uring on $pmem" "exit $rc" "$(cat "$out/uring.err")"
fi

rc=$(run sync odirect --file "$pmem" --engine sync --rw read --size 8M)
if [ "$rc" = 0 ] && jqt sync '.results | .read_ops == 2048 and .lat_ns.p50 > 0'; then
	ok "odirect (pread) reads $pmem without --overwrite"
else
	not_ok "odirect pread on $pmem" "exit $rc" "$(cat "$out/sync.err")"
fi

rc=$(run refuse rw --file "$pmem" --rw write --size 1M)
if [ "$rc" = 2 ] && grep -q 'refusing to write' "$out/refuse.err"; then
	ok "a write to $pmem without --overwrite is refused (exit 2)"
else
	not_ok "a write without --overwrite is refused" "exit $rc" "$(cat "$out/refuse.err")"
fi

rc=$(run big rw --file "$pmem" --rw read --size $((bytes + 4096)))
if [ "$rc" = 2 ] && grep -q 'larger than the device' "$out/big.err"; then
	ok "--size beyond the device is refused (exit 2)"
else
	not_ok "--size beyond the device is refused" "exit $rc" "$(cat "$out/big.err")"
fi

rc=$(run fault fault --file "$pmem" --size 1M)
if [ "$rc" = 2 ] && grep -q 'block device' "$out/fault.err"; then
	ok "fault does not take a block device (exit 2)"
else
	not_ok "fault refuses a block device" "exit $rc" "$(cat "$out/fault.err")"
fi

"$guest/pmem-fs" mkfs ext4 "$pmem"
"$guest/pmem-fs" mount ext4 "$pmem" "$mnt" dax
rc=$(run mounted rw --file "$pmem" --rw write --size 1M --overwrite)
if [ "$rc" = 2 ] && grep -q 'cannot open' "$out/mounted.err" && mountpoint -q "$mnt"; then
	ok "a mounted $pmem is not written even with --overwrite (exclusive open fails)"
else
	not_ok "a mounted device is refused" "exit $rc" "$(cat "$out/mounted.err")"
fi
