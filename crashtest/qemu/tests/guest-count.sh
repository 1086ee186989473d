#!/usr/bin/env bash
# Guest side of tests/vm-host/25-pmcount.sh: an fsdax namespace with
# ext4 -o dax, the pmem regions announced once (pmmark announce), then
# pmcount-seq's windows RUNS times with the same arguments, so the host
# can check exact counts and compare the runs. Then a protocol-error
# window from pmmark: a stop without a window, start, a second start
# inside the window, stop (one record with protocol_errors 2).
#
#   guest-count.sh BUILD_DIR RUNS K M N B
#
# Prints the regions ("pmem0 BASE SIZE") and pmcount-seq's parameter line.
set -euo pipefail

usage="usage: guest-count.sh BUILD_DIR RUNS K M N B"
[ $# -eq 6 ] || { echo "$usage" >&2; exit 2; }
build=$1 runs=$2
shift 2
repo=${DAXLAB_REPO:?DAXLAB_REPO is not set: run under scripts/vm}
guest=$repo/scripts/guest
pmmark=$build/crashtest/guest/pmmark
seq=$build/crashtest/qemu/tests/pmcount-seq
mnt=/mnt/pmcount

cleanup() {
	if mountpoint -q "$mnt"; then "$guest/pmem-fs" umount "$mnt"; fi
}
trap cleanup EXIT

"$guest/pmem-ns" reset
dev=$("$guest/pmem-ns" create fsdax --map mem)
"$guest/pmem-fs" mkfs ext4 "$dev"
mkdir -p "$mnt"
"$guest/pmem-fs" mount ext4 "$dev" "$mnt" dax
# pmcount-seq maps 1 MiB: allocated and written before any window.
dd if=/dev/zero of="$mnt/seq" bs=1M count=1 conv=fsync status=none
sync
"$pmmark" regions
"$pmmark" announce
for ((i = 0; i < runs; i++)); do
	"$seq" "$mnt/seq" "$@"
done
"$pmmark" mark 5 "protocol errors"
"$pmmark" stop
"$pmmark" start
"$pmmark" start
"$pmmark" stop
echo "guest-count: $runs runs done"
