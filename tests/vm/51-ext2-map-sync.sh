#!/usr/bin/env bash
# Patch 0002 (ext2: MAP_SYNC for DAX files). mmap(MAP_SYNC) of a file on
# ext2 -o dax succeeds on the patched kernel and fails with EOPNOTSUPP on
# the stock one. On the patched kernel a MAP_SYNC write fault on a new block
# leaves the inode's metadata durable: debugfs -D reads the block map from
# the pmem device with O_DIRECT, past the page cache, right after the fault
# and finds the new block there. The same write through a plain MAP_SHARED
# mapping is not yet on the device (periodic writeback is off), which shows
# that the check can fail; after sync it is. A file created just before its
# first MAP_SYNC fault, never synced, is on the device by its name right
# after the fault with its block; through a plain mapping it is not. A
# file made in a directory and linked into the root before its first
# MAP_SYNC fault is on the device by both names: the fault writes the
# directory of every name, not only of the one linked last (on 6.1, where
# ext2 leaves directory pages to writeback, the patch failed this while it
# wrote one name's directory only; 6.12 writes directory entries at once).
# vm: nvdimm=1
# shellcheck source-path=SCRIPTDIR source=common.sh disable=SC1091
. "$(dirname "$0")/common.sh"

need_base_code ext2_dax_fault "ext2 DAX"
need_nvdimms 1
command -v xfs_io >/dev/null || skip_all "xfs_io (xfsprogs) is missing"
command -v debugfs >/dev/null || skip_all "debugfs (e2fsprogs) is missing"

mnt=/mnt/ext2-sync
# A block behind an indirect block: the fault allocates both.
page=128
wb=/proc/sys/vm/dirty_writeback_centisecs
wb_saved=$(cat "$wb")
cleanup() {
	echo "$wb_saved" >"$wb"
	"$guest/pmem-teardown"
}
on_cleanup cleanup

pmem=$("$guest/pmem-ns" create fsdax --map mem)
"$guest/pmem-fs" mkfs ext2 "$pmem"
"$guest/pmem-fs" mount ext2 "$pmem" "$mnt" dax

# on_media NAME: the physical block of logical block $page as the device
# holds it (0 for a hole).
on_media() {
	debugfs -D -R "bmap /$1 $page" "$pmem" 2>/dev/null | tail -n 1
}

# A 1 MiB sparse file whose size is already durable.
new_file() {
	xfs_io -f -c "truncate 1m" "$mnt/$1"
	sync
}

echo 0 >"$wb"

new_file sync
out=$(xfs_io -c "mmap -S -rw 0 1m" -c "mwrite $((page * 4096)) 4096" "$mnt/sync" 2>&1 || true)
if [ "$kernel" = patched ]; then
	if [ -z "$out" ]; then
		ok "mmap(MAP_SYNC) and a write fault succeed on ext2 -o dax"
	else
		not_ok "mmap(MAP_SYNC) and a write fault succeed on ext2 -o dax" "xfs_io: $out"
	fi
	blk=$(on_media sync)
	if [ -n "$blk" ] && [ "$blk" != 0 ]; then
		ok "new block $blk is in the block map on the device right after the MAP_SYNC fault"
	else
		not_ok "new block is in the block map on the device right after the MAP_SYNC fault" \
			"debugfs -D bmap printed '$blk'"
	fi
	# A file created just before its first MAP_SYNC fault, nothing synced:
	# the fault must also write the directory entry that reaches it.
	out=$(xfs_io -f -c "truncate 1m" -c "mmap -S -rw 0 1m" \
		-c "mwrite $((page * 4096)) 4096" "$mnt/fresh" 2>&1 || true)
	blk=$(on_media fresh)
	if [ -z "$out" ] && [ -n "$blk" ] && [ "$blk" != 0 ]; then
		ok "a new, never synced file is on the device by its name, with block $blk, right after the MAP_SYNC fault"
	else
		not_ok "a new, never synced file is on the device by its name right after the MAP_SYNC fault" \
			"xfs_io: '$out'; debugfs -D bmap /fresh printed '$blk'"
	fi
	mkdir "$mnt/d"
	sync
	xfs_io -f -c "truncate 1m" "$mnt/d/two"
	ln "$mnt/d/two" "$mnt/two"
	out=$(xfs_io -c "mmap -S -rw 0 1m" -c "mwrite $((page * 4096)) 4096" "$mnt/two" 2>&1 || true)
	blk=$(on_media d/two)
	blk2=$(on_media two)
	if [ -z "$out" ] && [ -n "$blk" ] && [ "$blk" != 0 ] && [ "$blk" = "$blk2" ]; then
		ok "a new file with names in two directories is on the device by both, with block $blk, right after the MAP_SYNC fault"
	else
		not_ok "a new file with names in two directories is on the device by both right after the MAP_SYNC fault" \
			"xfs_io: '$out'; debugfs -D bmap printed '$blk' for /d/two, '$blk2' for /two"
	fi
else
	if grep -q 'Operation not supported' <<<"$out"; then
		ok "mmap(MAP_SYNC) fails with EOPNOTSUPP"
	else
		not_ok "mmap(MAP_SYNC) fails with EOPNOTSUPP" "xfs_io: $out"
	fi
fi

# Control: through a plain shared mapping a new file is not on the device
# with its block: its name may be (Linux 6.12, unlike 6.1, writes ext2
# directory entries at once), its inode and block map are not.
xfs_io -f -c "truncate 1m" -c "mmap -rw 0 1m" -c "mwrite $((page * 4096)) 4096" "$mnt/fresh-plain"
blk=$(on_media fresh-plain)
if [ -z "$blk" ] || [ "$blk" = 0 ]; then
	ok "without MAP_SYNC a new file is not yet on the device with its block"
else
	not_ok "without MAP_SYNC a new file is not yet on the device with its block" \
		"debugfs -D bmap /fresh-plain printed '$blk'"
fi
# Control: a plain shared mapping leaves the block map in memory only.
new_file plain
xfs_io -c "mmap -rw 0 1m" -c "mwrite $((page * 4096)) 4096" "$mnt/plain"
blk=$(on_media plain)
if [ "$blk" = 0 ]; then
	ok "without MAP_SYNC the new block is not yet on the device"
else
	not_ok "without MAP_SYNC the new block is not yet on the device" \
		"debugfs -D bmap printed '$blk'"
fi
sync
blk=$(on_media plain)
if [ -n "$blk" ] && [ "$blk" != 0 ]; then
	ok "after sync the new block $blk is on the device"
else
	not_ok "after sync the new block is on the device" "debugfs -D bmap printed '$blk'"
fi
