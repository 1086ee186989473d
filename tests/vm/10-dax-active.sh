#!/usr/bin/env bash
# DAX is really active: statx reports STATX_ATTR_DAX for a file on ext2,
# ext4 and xfs mounted -o dax, directly on a pmem namespace and through
# dm-linear and dm-stripe. The same file systems mounted without DAX must
# not report it, which shows that the check can fail.
# vm: nvdimm=2
# shellcheck source-path=SCRIPTDIR source=common.sh disable=SC1091
. "$(dirname "$0")/common.sh"

need_nvdimms 2
command -v xfs_io >/dev/null || skip_all "xfs_io (xfsprogs) is missing"

mnt=/mnt/dax-active
cleanup() {
	umount "$mnt" 2>/dev/null || true
	"$guest/pmem-teardown"
}
on_cleanup cleanup

pmem0=$("$guest/pmem-ns" create fsdax --map mem)
pmem1=$("$guest/pmem-ns" create fsdax --map mem)

# dax_file FS DEV MODE: mkfs, mount with MODE, write a file. Runs where
# errexit is off, hence the explicit chain.
dax_file() {
	local fs=$1 dev=$2 mode=$3
	"$guest/pmem-fs" mkfs "$fs" "$dev" &&
		"$guest/pmem-fs" mount "$fs" "$dev" "$mnt" "$mode" &&
		dd if=/dev/zero of="$mnt/file" bs=64k count=4 status=none &&
		sync "$mnt/file"
}

expect() {
	local want=$1 fs=$2 dev=$3 where=$4 rc=0 desc out mode=dax
	[ "$want" = dax ] || mode=nodax
	desc="$fs $mode on $where: statx DAX attribute $([ "$want" = dax ] && echo set || echo clear)"
	if ! out=$(dax_file "$fs" "$dev" "$mode" 2>&1); then
		not_ok "$desc" "setup failed" "$out"
		! mountpoint -q "$mnt" || umount "$mnt"
		return
	fi
	has_dax_attr "$mnt/file" || rc=$?
	umount "$mnt"
	case $want:$rc in
	dax:0 | nodax:1) ok "$desc" ;;
	*) not_ok "$desc" "has_dax_attr returned $rc" ;;
	esac
}

# One device-mapper table at a time: each holds its pmem devices open.
for fs in ext2 ext4 xfs; do
	expect dax "$fs" "$pmem0" "pmem"
	expect nodax "$fs" "$pmem0" "pmem"
done
linear=$("$guest/pmem-dm" linear dax-linear "$pmem0")
for fs in ext2 ext4 xfs; do
	expect dax "$fs" "$linear" "dm-linear"
done
"$guest/pmem-dm" remove dax-linear
stripe=$("$guest/pmem-dm" stripe dax-stripe "$pmem0" "$pmem1")
for fs in ext2 ext4 xfs; do
	expect dax "$fs" "$stripe" "dm-stripe"
done
