#!/usr/bin/env bash
# Guest side of tests/vm-host/20-tracer.sh: an fsdax namespace (map=mem
# unless DAXLAB_PMTRACE_MAP=dev) with ext4 -o dax, then one traced window
# running the chosen workloads, in this order. Prints the pmem regions and
# where the namespace's data starts ("pmem-data START SIZE"): below it lie
# the info block and, with map=dev, the struct pages.
#
#   guest-trace.sh BUILD_DIR WORKLOAD[,WORKLOAD...]
#
#   seq      pmseq's known event sequence on a MAP_SYNC mapping
#   fsync    64 KiB written with write() then fsync (marks 10, 11)
#   msync    daxwl: 64 pages dirtied through mmap, msync (marks 20, 21)
#   persist  daxwl: MAP_SYNC mapping, libpmem2 user flushes (marks 30, 31)
#   umount   unmount inside the window, so that the traced stores account
#            for every change to pmem (mark 99 follows)
#   notrace  run the rest without pmmark calls (baseline timing)
#   windows  instead of one window, two (a tracer given windows=DIR):
#            w1 writes 64 KiB with fsync and unmounts (mark 99); w2,
#            opened with nothing mounted, mounts, writes, unmounts (mark
#            99). A name the tracer must refuse comes between them.
set -euo pipefail

usage="usage: guest-trace.sh BUILD_DIR seq|fsync|msync|persist|umount|notrace|windows[,...]"
build=${1:?$usage}
what=${2:?$usage}
repo=${DAXLAB_REPO:?DAXLAB_REPO is not set: run under scripts/vm}
guest=$repo/scripts/guest
pmmark=$build/crashtest/guest/pmmark
pmseq=$build/crashtest/qemu/tests/pmseq
mnt=/mnt/pmtrace

cleanup() {
	if mountpoint -q "$mnt"; then "$guest/pmem-fs" umount "$mnt"; fi
}
trap cleanup EXIT

"$guest/pmem-ns" reset
dev=$("$guest/pmem-ns" create fsdax --map "${DAXLAB_PMTRACE_MAP:-mem}")
"$guest/pmem-fs" mkfs ext4 "$dev"
mkdir -p "$mnt"
"$guest/pmem-fs" mount ext4 "$dev" "$mnt" dax
# pmseq needs an allocated, written, zeroed page; write it before tracing.
dd if=/dev/zero of="$mnt/seq" bs=4096 count=1 conv=fsync status=none
sync
"$pmmark" regions
for pfn in /sys/bus/nd/devices/pfn*; do
	start=$(cat "$pfn/resource" 2>/dev/null || true)
	[ -n "$start" ] || continue	# the idle seed device
	echo "pmem-data $start $(printf '0x%x' "$(cat "$pfn/size")")"
done

has() { case ",$what," in *",$1,"*) return 0 ;; esac; return 1; }
mark() { has notrace || "$pmmark" "$@"; }
daxwl=$repo/build/rel/workloads/daxwl

if has windows; then
	"$pmmark" window w1
	"$pmmark" start
	dd if=/dev/urandom of="$mnt/w1" bs=4096 count=16 conv=fsync status=none
	"$guest/pmem-fs" umount "$mnt"
	"$pmmark" mark 99 "unmounted"
	"$pmmark" stop
	"$pmmark" window ../escape
	"$pmmark" window w2
	"$pmmark" start
	"$guest/pmem-fs" mount ext4 "$dev" "$mnt" dax
	dd if=/dev/urandom of="$mnt/w2" bs=4096 count=16 conv=fsync status=none
	"$guest/pmem-fs" umount "$mnt"
	"$pmmark" mark 99 "unmounted"
	"$pmmark" stop
	echo "guest-trace: $what done"
	exit 0
fi
mark start
if has seq; then
	"$pmseq" "$mnt/seq"
fi
if has fsync; then
	mark mark 10 "write+fsync begin"
	dd if=/dev/urandom of="$mnt/data" bs=4096 count=16 conv=fsync status=none
	mark mark 11 "fsync of data returned"
fi
if has msync; then
	mark mark 20 "mmap+msync begin"
	"$daxwl" msync --file "$mnt/msync" --size 256K --pages 8 --iterations 8 \
		--sync msync >/dev/null
	mark mark 21 "msync returned"
fi
if has persist; then
	mark mark 30 "MAP_SYNC+pmem2 begin"
	"$daxwl" msync --file "$mnt/persist" --size 256K --pages 8 --iterations 8 \
		--sync persist >/dev/null
	mark mark 31 "pmem2 persist returned"
fi
if has umount; then
	"$guest/pmem-fs" umount "$mnt"
	mark mark 99 "unmounted"
fi
mark stop
echo "guest-trace: $what done"
