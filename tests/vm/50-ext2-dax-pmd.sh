#!/usr/bin/env bash
# Patch 0001 (ext2: DAX PMD faults). A 64 MiB file on ext2 -o dax is mapped
# shared at a 2 MiB-aligned address and written page by page; the
# fs_dax:dax_pmd_fault_done and dax_pte_fault_done tracepoints count the
# faults. Patched: at least 30 of the 32 huge pages end in a PMD fault with
# result NOPAGE. Stock: ext2 has no .huge_fault, every 4 KiB page takes a
# PTE fault, 16384 in all.
# Fallback: on a small file system whose free space holds no 2 MiB run any
# more (filled with 1 MiB files from one process, which packs them, then
# every other one removed), a 16 MiB file still maps and reads back,
# through PTE faults, and e2fsck is clean.
# vm: nvdimm=1
# shellcheck source-path=SCRIPTDIR source=common.sh disable=SC1091
. "$(dirname "$0")/common.sh"

need_base_code ext2_dax_fault "ext2 DAX"
need_nvdimms 1
command -v xfs_io >/dev/null || skip_all "xfs_io (xfsprogs) is missing"
tr=/sys/kernel/tracing
[ -d "$tr/events/fs_dax" ] || feature_missing "no fs_dax trace events in this kernel"

mnt=/mnt/ext2-pmd
size_mib=64
huge_pages=$((size_mib / 2))
pages=$((size_mib * 256))

trace_off() {
	echo 0 >"$tr/events/fs_dax/enable"
	echo >"$tr/trace"
}
cleanup() {
	trace_off
	"$guest/pmem-teardown"
}
on_cleanup cleanup

pmem=$("$guest/pmem-ns" create fsdax --map mem)
"$guest/pmem-fs" mkfs ext2 "$pmem"
"$guest/pmem-fs" mount ext2 "$pmem" "$mnt" dax
xfs_io -f -c "truncate ${size_mib}m" "$mnt/file"
rc=0
has_dax_attr "$mnt/file" || rc=$?
# 2: xfs_io cannot tell (a tool's limit); 1: the file is not DAX.
[ "$rc" -ne 2 ] || skip_all "xfs_io does not report STATX_ATTR_DAX"
[ "$rc" -eq 0 ] || feature_missing "ext2 -o dax did not give a DAX file"

# 16384 PTE events need more than the default per-CPU buffer.
echo 16384 >"$tr/buffer_size_kb"
trace_off
echo 1 >"$tr/events/fs_dax/dax_pmd_fault_done/enable"
echo 1 >"$tr/events/fs_dax/dax_pte_fault_done/enable"

# The second mmap command lists the mapping: its start address.
out=$(xfs_io -c "mmap -w 0 ${size_mib}m" -c "mwrite 0 ${size_mib}m" -c mmap \
	"$mnt/file" 2>&1 || true)
echo 0 >"$tr/events/fs_dax/enable"
addr=$(grep -o '0x[0-9a-f]*' <<<"$out" | head -n 1 || true)
if [ -n "$addr" ] && (((addr & 0x1fffff) == 0)); then
	ok "mapping at $addr is 2 MiB aligned"
else
	not_ok "mapping is 2 MiB aligned" "xfs_io: $out"
fi

overrun=$(awk '$1 == "overrun:" { n += $2 } END { print n + 0 }' \
	"$tr"/per_cpu/cpu*/stats)
[ "$overrun" -eq 0 ] || not_ok "trace buffer kept every event" "$overrun events lost"

# count_faults: set pmd_nopage, pmd_all and pte from the trace buffer.
count_faults() {
	local trace
	trace=$(grep -v '^#' "$tr/trace" || true)
	pmd_nopage=$(grep 'dax_pmd_fault_done' <<<"$trace" | grep -c 'NOPAGE' || true)
	pmd_all=$(grep -c 'dax_pmd_fault_done' <<<"$trace" || true)
	pte=$(grep -c 'dax_pte_fault_done' <<<"$trace" || true)
}
count_faults
echo "# $kernel: $pmd_nopage PMD faults NOPAGE of $pmd_all PMD faults, $pte PTE faults, $huge_pages huge pages"

if [ "$kernel" = patched ]; then
	if [ "$pmd_nopage" -ge $((huge_pages - 2)) ]; then
		ok "$pmd_nopage of $huge_pages huge pages mapped by PMD faults (NOPAGE)"
	else
		not_ok "at least $((huge_pages - 2)) of $huge_pages huge pages mapped by PMD faults" \
			"PMD NOPAGE $pmd_nopage, PMD total $pmd_all, PTE $pte" \
			"$(xfs_io -c 'fiemap -v' "$mnt/file" 2>&1 | head -n 20)"
	fi
else
	if [ "$pte" -eq "$pages" ] && [ "$pmd_all" -eq 0 ]; then
		ok "$pte PTE faults and no PMD fault for $pages pages"
	else
		not_ok "$pages PTE faults and no PMD fault" "PTE $pte, PMD $pmd_all"
	fi
fi

# readback_and_fsck PREFIX: $mnt/file holds what was written (mwrite stores
# 'X' by default, $size_mib MiB of it), and once $mnt is unmounted e2fsck
# finds $pmem clean; PREFIX starts both test names.
readback_and_fsck() {
	if head -c $((size_mib << 20)) /dev/zero | tr '\0' X | cmp -s - "$mnt/file"; then
		ok "${1}file reads back as written"
	else
		not_ok "${1}file reads back as written" "cmp found a difference"
	fi
	"$guest/pmem-fs" umount "$mnt"
	check "${1}e2fsck -fn finds the file system clean" e2fsck -fn "$pmem"
}
readback_and_fsck ""

# Fallback. A 64 MiB file system, one group, filled with 1 MiB files by
# one xfs_io process (one allocation colour: the files lie back to back);
# removing every other one leaves 1 MiB holes and no free 2 MiB run.
"$guest/pmem-teardown"
pmem=$("$guest/pmem-ns" create fsdax --map mem --size 64M)
"$guest/pmem-fs" mkfs ext2 "$pmem"
"$guest/pmem-fs" mount ext2 "$pmem" "$mnt" dax
fillers=$(($(stat -f -c '%f' "$mnt") / 256 + 1))
args=()
for ((i = 1; i < fillers; i++)); do
	args+=(-c "open -f $mnt/filler$i" -c "pwrite -b 1m 0 1m")
done
xfs_io -f -c "pwrite -b 1m 0 1m" "${args[@]}" "$mnt/filler0" >/dev/null 2>&1 || true
for ((i = 1; i < fillers; i += 2)); do
	rm -f "$mnt/filler$i"
done
size_mib=16
xfs_io -f -c "truncate ${size_mib}m" "$mnt/file"
trace_off
echo 1 >"$tr/events/fs_dax/dax_pmd_fault_done/enable"
echo 1 >"$tr/events/fs_dax/dax_pte_fault_done/enable"
out=$(xfs_io -c "mmap -w 0 ${size_mib}m" -c "mwrite 0 ${size_mib}m" "$mnt/file" 2>&1 || true)
echo 0 >"$tr/events/fs_dax/enable"
count_faults
echo "# $kernel, no free 2 MiB run ($fillers 1 MiB files, every other removed): $pmd_nopage PMD NOPAGE of $pmd_all PMD faults, $pte PTE faults"
if [ -z "$out" ] && [ "$pmd_nopage" -eq 0 ] && [ "$pte" -eq $((size_mib * 256)) ]; then
	ok "no free aligned run: the ${size_mib} MiB file maps through $pte PTE faults"
else
	not_ok "no free aligned run: the ${size_mib} MiB file maps through PTE faults" \
		"xfs_io: $out" "PMD NOPAGE $pmd_nopage, PMD $pmd_all, PTE $pte"
fi
readback_and_fsck "no free aligned run: "
