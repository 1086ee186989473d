#!/usr/bin/env bash
# Patch 0003 (nvdimm/pmem: trace events for the dax_operations). A DAX
# workload on ext2 -o dax over pmem, counted per event:
#   256 x 4 KiB pwrite  -> one pmem_dax_direct_access (mode access) each
#   256 x 4 KiB pread   -> one pmem_dax_direct_access (mode access) each
#   xfs truncate up over 15 written pages past EOF (extent size hint 64 KiB)
#                       -> one pmem_dax_zero_page_range per page
#   a pwrite over a page marked bad in /sys/block/pmemN/badblocks
#                       -> pmem_dax_recovery_write
# The stock kernel has no pmem trace events at all.
# vm: nvdimm=1
# shellcheck source-path=SCRIPTDIR source=common.sh disable=SC1091
. "$(dirname "$0")/common.sh"

need_base_code pmem_dax_direct_access "pmem dax_operations"
need_nvdimms 1
command -v xfs_io >/dev/null || skip_all "xfs_io (xfsprogs) is missing"
tr=/sys/kernel/tracing
events=$tr/events/pmem
[ -d "$tr/events" ] || feature_missing "no tracefs events in this kernel"

if [ "$kernel" != patched ]; then
	if [ -d "$events" ]; then
		not_ok "stock kernel has no pmem trace events" "$(ls "$events")"
	else
		ok "stock kernel has no pmem trace events"
	fi
	exit 0
fi

mnt=/mnt/pmem-trace
n=256
cleanup() {
	[ ! -d "$events" ] || echo 0 >"$events/enable"
	echo >"$tr/trace"
	"$guest/pmem-teardown"
}
on_cleanup cleanup

for e in pmem_dax_direct_access pmem_dax_zero_page_range pmem_dax_recovery_write; do
	if [ -d "$events/$e" ]; then
		ok "event pmem:$e exists"
	else
		not_ok "event pmem:$e exists"
	fi
done
[ -d "$events" ] || exit 0

pmem=$("$guest/pmem-ns" create fsdax --map mem)
disk=${pmem#/dev/}

# traced CMD...: run CMD with the pmem events on; the trace lines for $disk.
# CMD may fail (reads of a bad page do): the events tell what happened.
traced() {
	echo >"$tr/trace"
	echo 1 >"$events/enable"
	"$@" >/dev/null 2>&1 || true
	echo 0 >"$events/enable"
	grep -v '^#' "$tr/trace" | grep " $disk " || true
}

# count EVENT LINES [PATTERN]: events of one kind whose text matches.
count() {
	grep "$1: " <<<"$2" | grep -c -- "${3:-}" || true
}

# expect DESC GOT LOW HIGH
expect() {
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		ok "$1: $2"
	else
		not_ok "$1: $2, expected $3..$4"
	fi
}

"$guest/pmem-fs" mkfs ext2 "$pmem"
"$guest/pmem-fs" mount ext2 "$pmem" "$mnt" dax

lines=$(traced xfs_io -f -c "pwrite -b 4k 0 $((n * 4))k" "$mnt/file")
expect "$n x 4 KiB DAX writes: direct_access events" \
	"$(count pmem_dax_direct_access "$lines" 'mode access')" "$n" $((n + n / 8))
expect "$n x 4 KiB DAX writes: direct_access events that failed" \
	"$(count pmem_dax_direct_access "$lines" 'result -')" 0 0

lines=$(traced xfs_io -r -c "pread -b 4k 0 $((n * 4))k" "$mnt/file")
expect "$n x 4 KiB DAX reads: direct_access events" \
	"$(count pmem_dax_direct_access "$lines" 'mode access')" "$n" $((n + n / 8))
expect "$n x 4 KiB DAX reads: zero_page_range events" \
	"$(count pmem_dax_zero_page_range "$lines")" 0 0
"$guest/pmem-fs" umount "$mnt"

# Whole-page zeroing: xfs zeroes the written blocks between the old and the
# new EOF page by page (fs/dax.c dax_zero_iter).
"$guest/pmem-fs" mkfs xfs "$pmem"
"$guest/pmem-fs" mount xfs "$pmem" "$mnt" dax
# One open file: closing it would free the blocks past EOF.
lines=$(traced xfs_io -f -c "extsize 64k" -c "pwrite 0 4k" -c fsync \
	-c "truncate 64k" "$mnt/zero")
expect "truncate 4 KiB -> 64 KiB over a 64 KiB extent: zero_page_range events" \
	"$(count pmem_dax_zero_page_range "$lines" 'nr_pages 1 result 0')" 15 15

# Recovery write: mark the file's first page bad, a DAX read fails, a DAX
# write of the whole page goes through dax_recovery_write.
xfs_io -f -c "pwrite 0 4k" -c fsync "$mnt/bad" >/dev/null
# fiemap prints "0: [0..7]: FIRST..LAST" in 512-byte sectors of the device.
sector=$(xfs_io -r -c fiemap "$mnt/bad" | sed -n 's/^[[:space:]]*0: \[[0-9.]*\]: \([0-9]*\)\.\..*/\1/p')
if [ -z "$sector" ]; then
	not_ok "find the sector of the bad-block file" "$(xfs_io -r -c fiemap "$mnt/bad")"
	exit 0
fi
echo "$sector 8" >"/sys/block/$disk/badblocks"
lines=$(traced xfs_io -r -c "pread 0 4k" "$mnt/bad")
# The error is -EIO on 6.1 and -EHWPOISON on later kernels.
expect "DAX read of a bad page: failed direct_access events" \
	"$(count pmem_dax_direct_access "$lines" 'mode access result -[0-9]')" 1 4
lines=$(traced xfs_io -c "pwrite 0 4k" "$mnt/bad")
expect "DAX write over a bad page: recovery_write events" \
	"$(count pmem_dax_recovery_write "$lines" 'bytes 4096')" 1 4
echo "# recovery_write on $disk: $(grep 'pmem_dax_recovery_write: ' <<<"$lines" | head -n 1 | sed 's/.*pmem_dax_recovery_write: //')"
