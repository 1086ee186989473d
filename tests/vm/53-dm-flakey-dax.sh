#!/usr/bin/env bash
# Patch 0004 (dm flakey: DAX support). Stock: dm-flakey has no DAX
# callbacks, so ext4 -o dax on a flakey device over pmem does not mount.
# Patched: it mounts with DAX active and DAX reads work while the device is
# up. The table is then reloaded with the device down (up 0 s, down 3600 s)
# and drop_writes: DAX reads fail with EIO while a read of the same device
# through the block layer still succeeds (drop_writes lets bio reads pass),
# which shows that the error comes from the DAX path. With the device up
# again the DAX reads work again.
# vm: nvdimm=1
# shellcheck source-path=SCRIPTDIR source=common.sh disable=SC1091
. "$(dirname "$0")/common.sh"

need_base_code flakey_map "dm-flakey"
need_nvdimms 1
command -v xfs_io >/dev/null || skip_all "xfs_io (xfsprogs) is missing"
command -v dmsetup >/dev/null || skip_all "dmsetup is missing"

mnt=/mnt/flakey
name=dax-flakey
cleanup() {
	"$guest/pmem-teardown"
}
on_cleanup cleanup

pmem=$("$guest/pmem-ns" create fsdax --map mem)
sectors=$(blockdev --getsz "$pmem")
# Up for an hour from the table load: always up during this test.
flakey=$("$guest/pmem-dm" flakey "$name" "$pmem" 3600 0)

# reload UP DOWN [FEATURE...]: swap in a new flakey table.
reload() {
	local up=$1 down=$2 table
	shift 2
	table="0 $sectors flakey $pmem 0 $up $down"
	[ $# -eq 0 ] || table+=" $# $*"
	dmsetup reload "$name" --table "$table"
	dmsetup resume "$name" --noudevsync
}

# dax_read: read the file through DAX; prints xfs_io's complaint if any.
dax_read() {
	{ xfs_io -r -c "pread -b 4k 0 1m" "$mnt/file" >/dev/null; } 2>&1 || true
}

"$guest/pmem-fs" mkfs ext4 "$flakey"
mkdir -p "$mnt"
if [ "$kernel" != patched ]; then
	if mount -t ext4 -o dax "$flakey" "$mnt" 2>/dev/null; then
		not_ok "ext4 -o dax on dm-flakey does not mount" "it mounted"
	elif dmesg | tail -n 5 | grep -q 'DAX unsupported by block device'; then
		ok "ext4 -o dax on dm-flakey does not mount: DAX unsupported by block device"
	else
		not_ok "ext4 -o dax on dm-flakey fails for lack of DAX" "$(dmesg | tail -n 5)"
	fi
	exit 0
fi

"$guest/pmem-fs" mount ext4 "$flakey" "$mnt" dax
xfs_io -f -c "pwrite -b 64k 0 1m" -c fsync "$mnt/file" >/dev/null
check "ext4 -o dax on dm-flakey: the file is DAX" has_dax_attr "$mnt/file"

out=$(dax_read)
if [ -z "$out" ]; then
	ok "device up: DAX reads succeed"
else
	not_ok "device up: DAX reads succeed" "$out"
fi

reload 0 3600 drop_writes
out=$(dax_read)
if grep -q 'Input/output error' <<<"$out"; then
	ok "device down (drop_writes): DAX reads fail with EIO"
else
	not_ok "device down (drop_writes): DAX reads fail with EIO" "xfs_io: ${out:-no error}"
fi
check "device down (drop_writes): block-layer reads still succeed" \
	dd if="$flakey" of=/dev/null bs=4k count=16 iflag=direct status=none

reload 3600 0
out=$(dax_read)
if [ -z "$out" ]; then
	ok "device up again: DAX reads succeed"
else
	not_ok "device up again: DAX reads succeed" "$out"
fi
