# shellcheck shell=bash
# Globals from bench/run: top, set_name, matrix, kdirs, DAXWL.
# shellcheck disable=SC2154
# Host-side checks and facts for bench/run: the TARGET and DEVICE refusals,
# the accelerator, and env.json. Reading /proc and /sys is all these do;
# only the DEVICE the user named with DESTRUCTIVE=yes is ever written, and
# not here.

# check_target DIR: print DIR's absolute path if it is a directory on a
# DAX mount; otherwise say why not and return 1.
check_target() {
	local t=$1 fstype opts
	[ -e "$t" ] || { echo "bench: TARGET=$t does not exist" >&2; return 1; }
	[ -d "$t" ] || { echo "bench: TARGET=$t is not a directory (give the directory of a DAX mount, e.g. /mnt/pmem)" >&2; return 1; }
	[ -w "$t" ] || { echo "bench: TARGET=$t is not writable" >&2; return 1; }
	t=$(cd "$t" && pwd)
	fstype=$(findmnt -n -o FSTYPE --target "$t" 2>/dev/null | tail -n1 || true)
	opts=$(findmnt -n -o OPTIONS --target "$t" 2>/dev/null | tail -n1 || true)
	case ",$opts," in
	*,dax,* | *,dax=always,*) ;;
	*)
		echo "bench: TARGET=$t is not on a DAX mount ($fstype mounted with '$opts'); mount a pmem device with -o dax (ext2, ext4) or -o dax=always (ext4, xfs)" >&2
		return 1
		;;
	esac
	case $fstype in
	ext2 | ext4 | xfs) ;;
	*) echo "bench: TARGET=$t is on $fstype; the bench knows ext2, ext4 and xfs" >&2; return 1 ;;
	esac
	echo "$t"
}

# check_device DEV DESTRUCTIVE: the bench may format DEV only when the user
# said DESTRUCTIVE=yes, DEV is a whole pmem block device with DAX, and
# nothing has it mounted.
check_device() {
	local d=$1 yes=$2 name sys mnt
	if [ "$yes" != yes ]; then
		echo "bench: DEVICE=$d would be reformatted (mkfs destroys all data on it); refusing without DESTRUCTIVE=yes" >&2
		return 1
	fi
	[ -e "$d" ] || { echo "bench: DEVICE=$d does not exist" >&2; return 1; }
	[ -b "$d" ] || { echo "bench: DEVICE=$d is not a block device (expected /dev/pmemX)" >&2; return 1; }
	name=$(basename "$(readlink -f "$d")")
	sys=/sys/class/block/$name
	# Mounted comes first: whatever else is wrong, a mounted device is
	# the one mistake that would cost data.
	if mnt=$(device_mounts "$d") && [ -n "$mnt" ]; then
		echo "bench: DEVICE=$d is mounted ($mnt); unmount it first" >&2
		return 1
	fi
	case $name in
	pmem[0-9]*) ;;
	*) echo "bench: DEVICE=$d is not a pmem device (expected /dev/pmemX)" >&2; return 1 ;;
	esac
	[ -e "$sys/partition" ] && { echo "bench: DEVICE=$d is a partition; give the whole pmem device" >&2; return 1; }
	if [ "$(cat "$sys/queue/dax" 2>/dev/null || echo 0)" != 1 ]; then
		echo "bench: DEVICE=$d does not support DAX ($sys/queue/dax is not 1; a raw-mode namespace has no struct pages: use an fsdax namespace)" >&2
		return 1
	fi
	[ "$(id -u)" = 0 ] || { echo "bench: DEVICE mode needs root (mkfs, mount, dmsetup)" >&2; return 1; }
}

# device_mounts DEV: the mount points of DEV and of its partitions, by
# device number (so /dev/vda, a /dev/disk/by-id link or a partition all
# count), comma-separated; empty when none.
device_mounts() {
	local dev nums=() p
	dev=$(readlink -f "$1")
	nums+=("$(stat -Lc '%Hr:%Lr' "$dev")")
	for p in /sys/class/block/"$(basename "$dev")"/"$(basename "$dev")"*/dev; do
		[ -e "$p" ] && nums+=("$(cat "$p")")
	done
	awk -v nums="${nums[*]}" 'BEGIN { n = split(nums, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
		want[$3] { printf "%s%s", sep, $5; sep = "," }' /proc/self/mountinfo
}

# first_line CMD...: the first line a command prints, or "not installed".
first_line() { { "$@" 2>&1 || true; } | head -n1 | tr -d '\r'; }

# write_env MODE ACCEL KERNELS WHERE CLOCK COUNTS: env.json on stdout.
# CLOCK is icount or wall (bench/lib/clock.sh); COUNTS 1 when the pmcount
# plugin counted events.
write_env() {
	local mode=$1 accel=$2 kernels=$3 where=$4 clock=${5:-wall} counts=${6:-0} k kd cfg rel kjson="{}"
	local plugin=null series ksrc
	[ "$counts" != 1 ] || plugin=$(jq -cn --arg so "${PMCOUNT#"$top"/}" \
		'{name: "pmcount", file: $so, mem: "first", system_map: true}')
	series=$("$top/scripts/kernel" series-hash 2>/dev/null || echo unknown)
	# The base and the series by name and hash (scripts/kernel describe).
	ksrc=$("$top/scripts/kernel" describe 2>/dev/null || echo null)
	for k in $kernels; do
		[ "$k" != host ] || continue
		kd=${kdirs[$k]:-}
		[ -n "$kd" ] || kd=$("$top/scripts/kernel" path "$k" 2>/dev/null || true)
		cfg=null rel=null
		if [ -n "$kd" ] && [ -f "$kd/.config" ]; then
			cfg=$(sha256sum "$kd/.config" | cut -d' ' -f1)
			cfg="\"$cfg\""
		fi
		[ -z "$kd" ] || [ ! -f "$kd/include/config/kernel.release" ] ||
			rel="\"$(cat "$kd/include/config/kernel.release")\""
		kjson=$(jq -c --arg k "$k" --arg dir "$kd" --argjson cfg "$cfg" --argjson rel "$rel" \
			'. + {($k): {dir: $dir, config_sha256: $cfg, release: $rel}}' <<<"$kjson")
	done
	jq -n --arg date "$(date -u +%FT%TZ)" --arg host "$(uname -n)" --arg mode "$mode" \
		--arg where "$where" --arg accel "$accel" \
		--arg cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
		--arg ncpu "$(getconf _NPROCESSORS_ONLN)" \
		--arg mem "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)" \
		--arg hkernel "$(uname -srvm)" \
		--arg qemu "$(first_line qemu-system-x86_64 --version)" \
		--arg fio "$(first_line fio --version)" \
		--arg ndctl "$(first_line ndctl --version)" \
		--arg daxwl "$(first_line "$DAXWL" --version)" \
		--arg gnuplot "$(first_line gnuplot --version)" \
		--arg set "$set_name" --arg matrix "${matrix#"$top"/}" \
		--arg commit "$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
		--argjson kernels "$kjson" --argjson clock "$(clock_json "$clock")" \
		--argjson plugin "$plugin" --arg series "$series" --argjson ksrc "$ksrc" \
		--arg dirty "$(git -C "$top" status --porcelain 2>/dev/null | grep -qv '^??' && echo true || echo false)" \
		'{date: $date, host: $host, mode: $mode, target: (if $where == "" then null else $where end),
		  set: $set, matrix: $matrix, commit: $commit, commit_dirty: ($dirty == "true"),
		  series_sha256: $series, kernel_source: $ksrc, clock: $clock, plugin: $plugin,
		  cpu: {model: $cpu, online: ($ncpu | tonumber), mem_kib: ($mem | tonumber)},
		  host_kernel: $hkernel,
		  accel: (if $accel == "" then null else $accel end),
		  guest_kernels: $kernels,
		  versions: {qemu: $qemu, fio: $fio, ndctl: $ndctl, daxwl: $daxwl, gnuplot: $gnuplot}}'
}
