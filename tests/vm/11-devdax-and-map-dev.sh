#!/usr/bin/env bash
# The other namespace layouts the helpers offer: a devdax namespace gives a
# /dev/daxN.M character device of about the namespace's size, and an fsdax
# namespace with its struct pages on the device itself (--map dev) still
# gives DAX to a file system. Teardown leaves no namespace behind.
# vm: nvdimm=2
# shellcheck source-path=SCRIPTDIR source=common.sh disable=SC1091
. "$(dirname "$0")/common.sh"

need_nvdimms 2
command -v daxctl >/dev/null || skip_all "daxctl is missing"
command -v xfs_io >/dev/null || skip_all "xfs_io (xfsprogs) is missing"

mnt=/mnt/map-dev
cleanup() {
	! mountpoint -q "$mnt" || umount "$mnt"
	"$guest/pmem-teardown"
}
on_cleanup cleanup

size=256M
dax=$("$guest/pmem-ns" create devdax --map mem --region region0 --size "$size")
if [ -c "$dax" ]; then
	ok "devdax namespace gives character device $dax"
else
	not_ok "devdax namespace gives a character device" "got '$dax'"
fi

# The device loses its info block and alignment padding, never more than
# one region alignment (16 MiB).
want=$(size_bytes "$size")
got=$(daxctl list -d "$(basename "$dax")" | jq '.[0].size // 0')
if [ "$got" -le "$want" ] && [ "$got" -gt $((want - (16 << 20))) ]; then
	ok "daxctl reports $got bytes for a $want-byte namespace"
else
	not_ok "daxctl size of $dax close to the namespace size" "namespace $want, daxctl $got"
fi

pmem=$("$guest/pmem-ns" create fsdax --map dev --region region1)
"$guest/pmem-fs" mkfs ext4 "$pmem"
"$guest/pmem-fs" mount ext4 "$pmem" "$mnt" dax
dd if=/dev/zero of="$mnt/file" bs=64k count=4 status=none
check "ext4 dax on an fsdax --map dev namespace: statx DAX attribute set" has_dax_attr "$mnt/file"
umount "$mnt"

"$guest/pmem-teardown"
left=$(ndctl list -N | jq 'length')
if [ "${left:-0}" -eq 0 ]; then
	ok "pmem-teardown leaves no namespace"
else
	not_ok "pmem-teardown leaves no namespace" "$(ndctl list -N)"
fi
