#!/usr/bin/env bash
# Patch 0005 (dm log-writes: fix log_writes_dax_zero_page_range). fs/dax.c
# dax_zero_iter() calls dax_zero_page_range() for whole, aligned pages only.
# In 6.1 xfs reaches it when it zeroes the range between the old and the new
# EOF (xfs_zero_range(), from truncate up and from writes past EOF) over
# blocks that are already written. With an extent size hint of 64 KiB, a
# DAX write of 4 KiB allocates a zeroed, written 64 KiB extent, so a
# truncate up to 64 KiB zeroes 15 whole pages. Through dm-log-writes over
# pmem the stock kernel passes a byte count where a page count is expected
# and the truncate fails with EIO; the patched kernel succeeds. The log
# device needs no DAX: a loop device on a tmpfs file.
# vm: nvdimm=1
# shellcheck source-path=SCRIPTDIR source=common.sh disable=SC1091
. "$(dirname "$0")/common.sh"

need_base_code log_writes_map "dm-log-writes"
need_nvdimms 1
command -v xfs_io >/dev/null || skip_all "xfs_io (xfsprogs) is missing"
command -v dmsetup >/dev/null || skip_all "dmsetup is missing"
command -v losetup >/dev/null || skip_all "losetup is missing"

mnt=/mnt/log-writes
img=/tmp/log-writes.img
log=''
cleanup() {
	"$guest/pmem-teardown"
	[ -z "$log" ] || losetup -d "$log"
	rm -f "$img"
}
on_cleanup cleanup

data=$("$guest/pmem-ns" create fsdax --map mem)
truncate -s 256M "$img"
log=$(losetup -f --show "$img") || feature_missing "no loop device for the log (CONFIG_BLK_DEV_LOOP)"
lw=$("$guest/pmem-dm" log-writes dax-log-writes "$data" "$log")
"$guest/pmem-fs" mkfs xfs "$lw"
"$guest/pmem-fs" mount xfs "$lw" "$mnt" dax

# One open file for all steps: closing it would free the blocks past EOF.
out=$(xfs_io -f -c "extsize 64k" -c "pwrite 0 4k" -c fsync -c "bmap -v" \
	-c "truncate 64k" "$mnt/file" 2>&1 || true)
check "xfs -o dax on dm-log-writes: the file is DAX" has_dax_attr "$mnt/file"
# bmap -v before the truncate: one 64 KiB extent (128 sectors) for 4 KiB.
if grep -Eq '^ +0: \[0\.\.127\]: +[0-9]+\.\.[0-9]+ ' <<<"$out"; then
	ok "a 4 KiB write allocated a 64 KiB extent"
else
	not_ok "a 4 KiB write allocated a 64 KiB extent" "$out"
fi
out=$(grep -E 'truncate|error' <<<"$out" || true)

if [ "$kernel" = patched ]; then
	if [ -z "$out" ]; then
		ok "truncate 4 KiB -> 64 KiB (15 whole pages zeroed) succeeds"
	else
		not_ok "truncate 4 KiB -> 64 KiB (15 whole pages zeroed) succeeds" "xfs_io: $out"
	fi
	if head -c 61440 /dev/zero | cmp -s - <(tail -c 61440 "$mnt/file"); then
		ok "the new pages read back as zeroes"
	else
		not_ok "the new pages read back as zeroes"
	fi
else
	if grep -q 'Input/output error' <<<"$out"; then
		ok "truncate 4 KiB -> 64 KiB fails with EIO (byte count passed as page count)"
	else
		not_ok "truncate 4 KiB -> 64 KiB fails with EIO" "xfs_io: ${out:-no error}"
	fi
fi
