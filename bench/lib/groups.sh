# shellcheck shell=bash
# Globals from bench/run-cells: mode, device, target, work, top.
# shellcheck disable=SC2154,SC2034
# Set up and tear down one group of cells: file system x access x device.
# group_setup sets BENCH_DIR (where the cells' files go) and BENCH_DEVDAX;
# when the group cannot run it returns 1 with GROUP_STATUS (unsupported or
# failed) and one message on stderr. The VM and DEVICE modes build on the
# guest helpers in scripts/guest/; TARGET mode formats nothing.

GROUP_MNT=${GROUP_MNT:-/mnt/daxlab-bench}
GUEST=${GUEST:-$top/scripts/guest}
BENCH_DIR='' BENCH_DEVDAX=''
GROUP_STATUS=failed
group_dm=() group_mounted=0 group_made_dir=''
boot_devdax='' boot_err='' boot_pmem=()

# boot_setup: once per boot in the VM, the namespaces every group uses, all
# in the first NVDIMM region: two fsdax namespaces (pmem, and the second
# leg of dm-stripe) and a devdax one with the rest. One region, because
# only the first NVDIMM's range is aligned to the 16 MiB that namespaces
# need (the others start behind the previous one's label area).
BOOT_DEVDAX_MIN=$((128 << 20))
boot_setup() {
	local r regions avail align fs_size i
	# No /dev/fd in the guest: no process substitution.
	r=$("$GUEST/pmem-ns" regions) || r=''
	read -r -a regions <<<"${r//$'\n'/ }"
	[ ${#regions[@]} -ge 1 ] || { boot_err="no NVDIMM regions in the guest"; return 1; }
	"$GUEST/pmem-ns" reset >/dev/null || { boot_err="pmem-ns reset failed"; return 1; }
	r=/sys/bus/nd/devices/${regions[0]}
	avail=$(cat "$r/available_size") align=$(cat "$r/align" 2>/dev/null || echo $((16 << 20)))
	fs_size=$(((avail - BOOT_DEVDAX_MIN) / 2 / align * align))
	[ "$fs_size" -ge $((320 << 20)) ] ||
		{ boot_err="${regions[0]} has $((avail >> 20)) MiB: need 2 x 320 MiB (xfs minimum) + 128 MiB (set nvdimm_size 1G)"; return 1; }
	for i in 0 1; do
		boot_pmem[i]=$("$GUEST/pmem-ns" create fsdax --region "${regions[0]}" --size "$fs_size") ||
			{ boot_err="fsdax namespace $i on ${regions[0]} failed"; return 1; }
	done
	boot_devdax=$("$GUEST/pmem-ns" create devdax --region "${regions[0]}") || boot_devdax=''
	echo "bench: namespaces ${boot_pmem[*]} ($((fs_size >> 20)) MiB each) and ${boot_devdax:-no devdax} on ${regions[0]}" >&2
}

guest_devdax() { [ -n "$boot_devdax" ] && echo "$boot_devdax"; }
guest_dm_linear() { "$GUEST/pmem-dm" linear daxlab-bench-linear "$1"; }
guest_dm_stripe() { "$GUEST/pmem-dm" stripe daxlab-bench-stripe "$1" "$2" 2M; }
guest_dm_remove() { "$GUEST/pmem-dm" remove "$(basename "$1")"; }
# mkfs options that let large files get 2 MiB-aligned extents (the usual
# advice for DAX huge pages); ext2 gets none: the patched kernel aligns
# its allocations itself, and that is what the bench measures. ext4's
# inode tables and journal are zeroed by mkfs, not lazily after mount: the
# ext4lazyinit thread otherwise writes about 7 MiB of zeroes through the
# pmem driver in whatever cell is running (one repetition in five took
# 24 % more instructions, all in __blkdev_issue_zero_pages).
GROUP_MKFS_ext2=''
GROUP_MKFS_ext4='-E stride=512,stripe_width=512,lazy_itable_init=0,lazy_journal_init=0'
GROUP_MKFS_xfs='-d agcount=2,su=2m,sw=1,extszinherit=512 -l size=64m'
guest_mkfs_mount() {
	local v=GROUP_MKFS_$1
	local -a opts=()
	read -r -a opts <<<"${!v:-}"
	"$GUEST/pmem-fs" mkfs "$1" "$2" "${opts[@]}" && "$GUEST/pmem-fs" mount "$1" "$2" "$3" "$4"
}
guest_umount() { "$GUEST/pmem-fs" umount "$1"; }

group_unsupported() { GROUP_STATUS=unsupported; echo "$*" >&2; return 1; }
group_failed() { GROUP_STATUS=failed; echo "$*" >&2; return 1; }

# The pmem devices the bench may format: the VM's namespaces, or the one
# DEVICE the user handed over with DESTRUCTIVE=yes.
group_pmem() {
	if [ "$mode" = device ]; then echo "$device"; else echo "${boot_pmem[$1]:-/dev/pmem$1}"; fi
}

group_setup() {
	local m=$1 fs=$2 access=$3 dev=$4
	BENCH_DIR='' BENCH_DEVDAX='' GROUP_STATUS=failed group_dm=() group_mounted=0 group_made_dir=''
	case $dev in
	ram)
		BENCH_DIR=$work/ram
		mkdir -p "$BENCH_DIR"
		return 0
		;;
	devdax)
		[ "$m" = vm ] || group_unsupported "no devdax namespace outside the VM (TARGET and DEVICE modes do not reconfigure namespaces)" || return 1
		BENCH_DEVDAX=$(guest_devdax) || group_failed "no devdax namespace in the guest" || return 1
		BENCH_DIR=$work/devdax
		mkdir -p "$BENCH_DIR"
		return 0
		;;
	esac
	if [ "$m" = target ]; then
		[ "$dev" = pmem ] || group_unsupported "TARGET mode runs on the given mount only: no $dev" || return 1
		[ "$access" != pagecache ] ||
			group_unsupported "TARGET is a DAX mount: every buffered access goes through DAX, there is no page-cache path" || return 1
		BENCH_DIR=$target/daxlab-bench.$$
		mkdir "$BENCH_DIR" || group_failed "cannot create $BENCH_DIR" || return 1
		group_made_dir=$BENCH_DIR
		return 0
	fi
	[ -z "$boot_err" ] || group_failed "namespace setup: $boot_err" || return 1
	local bdev
	[ "$mode" = device ] || [ -b "$(group_pmem 0)" ] || group_failed "no $(group_pmem 0) in the guest" || return 1
	case $dev in
	pmem) bdev=$(group_pmem 0) ;;
	dm-linear)
		bdev=$(guest_dm_linear "$(group_pmem 0)") || group_failed "dm-linear over $(group_pmem 0) failed" || return 1
		group_dm+=("$bdev")
		;;
	dm-stripe)
		[ "$m" = vm ] || group_unsupported "dm-stripe needs two pmem devices; DEVICE mode has one" || return 1
		[ -b "$(group_pmem 1)" ] || group_failed "dm-stripe needs a second pmem namespace" || return 1
		bdev=$(guest_dm_stripe "$(group_pmem 0)" "$(group_pmem 1)") || group_failed "dm-stripe over pmem0+pmem1 failed" || return 1
		group_dm+=("$bdev")
		;;
	esac
	local dax=nodax
	[ "$access" != dax ] || dax=dax
	mkdir -p "$GROUP_MNT"
	guest_mkfs_mount "$fs" "$bdev" "$GROUP_MNT" "$dax" || group_failed "mkfs/mount $fs ($dax) on $bdev failed" || return 1
	group_mounted=1
	BENCH_DIR=$GROUP_MNT
}

group_teardown() {
	local d rc=0
	if [ -n "$group_made_dir" ]; then rm -rf "$group_made_dir" || rc=1; fi
	if [ "$group_mounted" = 1 ]; then guest_umount "$GROUP_MNT" || rc=1; fi
	for d in "${group_dm[@]}"; do guest_dm_remove "$d" || rc=1; done
	group_dm=() group_mounted=0 group_made_dir='' BENCH_DIR=''
	return $rc
}
