#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ctoracle and ctwl against hostile input. ctwl: bad options and numbers
# (2), a manifest inside the workload directory or already there (2, the
# file left as it was), MAP_SYNC where it is missing (3), a full file
# system (5, with the numbers). ctoracle: malformed manifests (truncated,
# unknown keys, repeated ids, huge numbers: 2 naming the line), mark ids
# the manifest does not know (2 naming the id), missing or wrong images
# and traces (2), an output that would overwrite an input (2, the input
# unchanged), a checker tool missing (3) or crashing (4), and SIGINT or
# SIGTERM while a checker runs: 130/143, nothing left in the scratch
# root (a private TMPDIR), the checker's children gone, result.json
# saying it was interrupted.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init ctoracle

ct=$BI_BIN/crashtest/oracles/ctoracle
wl=$BI_BIN/crashtest/scenarios/ctwl
d=$BI_TMP
shm=$d/shm
mkdir -p "$d/mnt" "$shm" "$d/bin"
export TMPDIR=$shm
o='^ctoracle'
w='^ctwl: '

# The helpers below are called through bi_check.
# shellcheck disable=SC2317
# stdout_only CMD...: CMD succeeds, writes to stdout and nothing to stderr.
stdout_only() {
	local out
	out=$("$@" 2>"$d/stderr") || return 1
	[ -n "$out" ] && [ ! -s "$d/stderr" ]
}
# empty DIR: nothing in it.
# shellcheck disable=SC2317
empty() { [ -z "$(ls -A "$1")" ]; }
# gone PID...: none of the processes runs (zombies count as gone).
# shellcheck disable=SC2317
gone() {
	local p s
	for p in "$@"; do
		s=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) || continue
		case $s in Z | X) ;; *) return 1 ;; esac
	done
}

# ---- ctwl ----------------------------------------------------------------
bi_class usage
bi_run 0 '^usage: ctwl' -- "$wl" --help
bi_check "ctwl --help writes to stdout only" stdout_only "$wl" --help
bi_run 0 '^ctwl [0-9]+\.[0-9]+' -- "$wl" --version
bi_run 2 '^usage: ctwl' -- "$wl"
bi_run 2 "${w}unknown workload 'no-such'" -- "$wl" --fs ext4 no-such "$d/mnt" "$d/m"
bi_run 2 "${w}--fs is required" -- "$wl" write-fsync "$d/mnt" "$d/m"
bi_run 2 "${w}manifest header: unknown file system 'zfs'" -- "$wl" --fs zfs write-fsync "$d/mnt" "$d/m"
bi_run 2 "${w}--bytes: '-1' is not a size" -- "$wl" --fs ext4 --bytes -1 write-fsync "$d/mnt" "$d/m"
bi_run 2 "${w}--bytes: 010 is" -- "$wl" --fs ext4 --bytes 010 write-fsync "$d/mnt" "$d/m"
bi_run 2 "${w}--first-id: 0 is" -- "$wl" --fs ext4 --first-id 0 write-fsync "$d/mnt" "$d/m"
bi_run 2 "${w}--first-id: '18446744073709551616' is too large" -- "$wl" --fs ext4 --first-id 18446744073709551616 write-fsync "$d/mnt" "$d/m"
bi_run 2 "${w}--dev-offset: '4k' is not an unsigned integer" -- "$wl" --fs ext4 --dev-offset 4k write-fsync "$d/mnt" "$d/m"
bi_run 2 "${w}.*/nowhere is not a directory" -- "$wl" --fs ext4 write-fsync "$d/nowhere" "$d/m"
bi_run 2 "${w}cannot create the manifest .*/nodir/m" -- "$wl" --fs ext4 write-fsync "$d/mnt" "$d/nodir/m"
bi_absent "no manifest written on refusals" "$d/m"
bi_run 2 "${w}the manifest .*/mnt/data lies in .*where the workload writes" -- \
	"$wl" --fs ext4 write-fsync "$d/mnt" "$d/mnt/data"
bi_absent "the workload did not run" "$d/mnt/data"
echo precious >"$d/keep"
cp "$d/keep" "$d/keep.orig"
bi_run 2 "${w}.*/keep exists; --force overwrites it" -- "$wl" --fs ext4 dir-ops "$d/mnt" "$d/keep"
bi_check "an existing manifest is left alone" cmp "$d/keep" "$d/keep.orig"
bi_run 3 "${w}mapsync: MAP_SYNC is not supported" -- "$wl" --fs ext4 map-sync "$d/mnt" "$d/m-mapsync"
small=''
if bi_small_fs 1 small; then
	bi_run 5 "${w}.* is full: the workload writes about 4194304 bytes, [0-9]+ bytes are free" -- \
		"$wl" --fs ext4 --bytes 4M write-fsync "$small" "$d/m-full"
	bi_present "the promises made before the disk filled are kept" "$d/m-full"
fi

# The fixture: the workload's files, its manifest, an ext4 image of them
# and a text trace whose initial image is that file system.
rm -rf "${d:?}/mnt"
mkdir "$d/mnt"
"$wl" --fs ext4 --bytes 8192 write-fsync "$d/mnt" "$d/manifest" 2>"$d/ctwl.err"
marks=$(awk '/^[0-9]/ { print $1 }' "$d/manifest" | sort -nu | tr '\n' ' ')
if ! command -v mkfs.ext4 >/dev/null || ! command -v e2fsck >/dev/null; then
	bi_skip "ctoracle cases" "e2fsprogs are not installed"
	bi_done
fi
truncate -s 16M "$d/fs.img"
mkfs.ext4 -q -F -b 4096 -d "$d/mnt" "$d/fs.img" >/dev/null 2>&1
{
	echo "region 0x100000000 0x1000000 pmem0"
	echo "image-file 0x100000000 fs.img"
	echo 'mark 100 "write-fsync"'
	for m in $marks; do
		[ "$m" != 100 ] || continue
		a=$((0x100F00000 + (m - 100) * 4096))
		printf 'store 0x%x 8 %016x pc=0xffffffff81000010\nflush clwb 0x%x\nfence sfence\nmark %d "op"\n' \
			"$a" "$m" "$a" "$m"
	done
} >"$d/trace"
cp "$d/manifest" "$d/manifest.orig"

# ---- ctoracle: the command line ------------------------------------------
bi_class usage
bi_run 0 '^usage: ctoracle check' -- "$ct" --help
bi_check "ctoracle --help writes to stdout only" stdout_only "$ct" --help
bi_run 0 '^exit: 0 consistent' -- "$ct" judge --help
bi_run 0 '^ctoracle [0-9]+\.[0-9]+' -- "$ct" --version
bi_run 2 '^usage: ctoracle' -- "$ct"
bi_run 2 "${o}: unknown command 'frobnicate'" -- "$ct" frobnicate
bi_run 2 "${o} judge: --budget does not apply" -- "$ct" judge --budget 5 --manifest "$d/manifest" "$d/fs.img"
bi_run 2 "${o} judge: one operand expected" -- "$ct" judge --manifest "$d/manifest" "$d/fs.img" "$d/fs.img"
bi_run 2 "${o} check: --trace, --manifest and --out are required" -- "$ct" check --trace "$d/trace"
bi_run 2 "${o}: --seed: '-1' is not an unsigned integer" -- "$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o" --seed -1
bi_run 2 "${o}: --seed: '18446744073709551616' is too large" -- "$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o" --seed 18446744073709551616
bi_run 2 "${o}: --max-reports: 0100001 is above the maximum 100000" -- "$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o" --max-reports 0100001
bi_run 2 "${o}: --budget: 0 is" -- "$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o" --budget 0
bi_run 2 "${o}: --budget: '1e3' is not an unsigned integer" -- "$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o" --budget 1e3
bi_run 2 "${o} check: --budget plans the states itself" -- "$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o" --budget 9 --mode durable
bi_run 2 "${o} check: --export and --verdicts exclude each other" -- "$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o" --export "$d/e" --verdicts "$d/v"
bi_run 2 "${o}: unknown mode" -- "$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o" --mode sometimes
bi_absent "nothing written on refusals" "$d/o" "$d/e"

# ---- malformed manifests -------------------------------------------------
bi_class malformed
bad_manifest() { # NAME TEXT ERE: judge refuses it with status 2.
	printf '%b' "$2" >"$d/bad-$1"
	bi_run 2 "$3" -- "$ct" judge --manifest "$d/bad-$1" --marks 101 "$d/fs.img"
}
bad_manifest truncated 'fs ext4\nstart_mark 100\n101 name data\n102 data data 0 51' "${o}: .*bad-truncated:4: truncated: the last line has no newline"
bad_manifest empty '' "${o}: .*bad-empty: empty manifest"
bad_manifest unknown-key 'fs ext4\ncolour blue\n101 name data\n' "bad-unknown-key:2: unknown key 'colour'"
bad_manifest second-fs 'fs ext4\nfs xfs\n101 name data\n' "bad-second-fs:2: a second 'fs' line"
bad_manifest late-header 'fs ext4\n101 name data\nkernel k\n' "bad-late-header:3: header line 'kernel' after the first promise"
bad_manifest dup-id 'fs ext4\n101 size data 10\n101 size data 20\n' "bad-dup-id:3: mark 101 has a second 'size' promise for data"
bad_manifest overlap 'fs ext4\n101 data data 0 100 1\n101 data data 50 100 2\n' "bad-overlap:3: mark 101 promises bytes of data twice"
bad_manifest backwards 'fs ext4\n102 name data\n101 name data\n' "bad-backwards:3: mark ids must not go back"
bad_manifest huge-id 'fs ext4\n99999999999999999999 name data\n' "bad-huge-id:2: mark id 99999999999999999999 is larger than"
bad_manifest huge-len 'fs ext4\n101 data data 0 18446744073709551615 7\n' "bad-huge-len:2: a range that ends beyond the largest file offset"
bad_manifest negative 'fs ext4\n101 data data -5 10 7\n' "bad-negative:2: offset '-5' is not a decimal number"
bad_manifest hex 'fs ext4\n101 size data 0x10\n' "bad-hex:2: size '0x10' is not a decimal number"
bad_manifest drain-id 'fs ext4\n18446744073709551614 name data\n' "reserved for the tracer's drain marks"
bad_manifest quote 'fs ext4\n101 name "data\n' "bad-quote:2: a path character other than"
bad_manifest dotdot 'fs ext4\n101 gone ../../etc/passwd\n' "bad-dotdot:2: a '.' or '..' path component"
bad_manifest nul 'fs ext4\n101 name da\0ta\n' "bad-nul:2: holds a NUL byte"
bad_manifest no-fs '101 name data\n' "bad-no-fs: no 'fs' line"
bad_manifest bad-fs 'fs btrfs\n' "bad-bad-fs:1: unknown file system 'btrfs'"
head -c 3000 /dev/urandom | tr -d '\n' >"$d/bad-long"
printf '\n' >>"$d/bad-long"
bi_run 2 "bad-long:1: longer than 1024 bytes" -- "$ct" judge --manifest "$d/bad-long" "$d/fs.img"
bi_run 2 "${o}: cannot open manifest .*/no-manifest" -- "$ct" judge --manifest "$d/no-manifest" "$d/fs.img"
bi_run 2 "${o}: reading manifest .*: Is a directory" -- "$ct" judge --manifest "$d/mnt" "$d/fs.img"

# ---- mark ids --------------------------------------------------------------
bi_class malformed
bi_run 0 '^consistent \(last mark 117\)' -- "$ct" judge --manifest "$d/manifest" --marks "$marks" "$d/fs.img"
bi_run 2 "${o}: mark 999 is not in the manifest" -- "$ct" judge --manifest "$d/manifest" --marks "100 101 999" "$d/fs.img"
bi_run 2 "${o}: mark 4711 is not in the manifest" -- env PMSIM_MARKS=101,4711 "$ct" judge --manifest "$d/manifest" "$d/fs.img"
bi_run 2 "${o}: mark id: '10x' is not an unsigned integer" -- "$ct" judge --manifest "$d/manifest" --marks "101 10x" "$d/fs.img"
bi_run 2 "${o}: mark id: '-1' is not an unsigned integer" -- "$ct" judge --manifest "$d/manifest" --marks "-1" "$d/fs.img"
bi_run 2 "${o}: mark 0 is not in the manifest" -- "$ct" judge-dir --manifest "$d/manifest" --marks 0 "$d/mnt"
bi_run 0 '^ok 0 last mark 117' -- "$ct" judge-dir --manifest "$d/manifest" --marks "$marks" "$d/mnt"
bi_run 2 "${o}: .*/fs.img is not a directory" -- "$ct" judge-dir --manifest "$d/manifest" --marks 101 "$d/fs.img"
bi_run 1 "${o}: cannot open .*/no-dir/list" -- "$ct" judge-members --manifest "$d/manifest" "$d/no-dir"
bi_run 2 "judge-members: --manifest is required" -- "$ct" judge-members "$d/mnt"
mkdir -p "$d/members"
printf 'k 101 r\n' >"$d/members/list"
bi_run 1 "${o}: .*/members/list: not a list line" -- "$ct" judge-members --manifest "$d/manifest" "$d/members"
printf 'k 101\nm 101 k 7\n' >"$d/members/list"
printf 'k ok 0 \n' >"$d/members/verdicts"
printf 'recovery known\npath file data 9\n' >"$d/members/k.map"
bi_run 0 '^0 images took .* 1 to judge' -- "$ct" judge-members --manifest "$d/manifest" "$d/members"
# guest-judge mounts images through loop devices: only in the VM.
mkdir -p "$d/gj"
printf 'k 101\n' >"$d/gj/list"
bi_run 2 "guest-judge: runs only inside the VM scripts/vm boots" -- "$ct" guest-judge --manifest "$d/manifest" "$d/gj"
bi_absent "guest-judge on the host writes no verdicts" "$d/gj/verdicts"
bi_run 2 "guest-judge: --manifest is required" -- "$ct" guest-judge "$d/gj"

# ---- images and traces -----------------------------------------------------
bi_class malformed
bi_run 2 "${o}: cannot open image .*/no.img" -- "$ct" judge --manifest "$d/manifest" "$d/no.img"
: >"$d/empty.img"
bi_run 2 "${o}: image .*/empty.img is empty" -- "$ct" judge --manifest "$d/manifest" "$d/empty.img"
bi_run 2 "${o}: image .*/mnt is not a regular file" -- "$ct" judge --manifest "$d/manifest" "$d/mnt"
head -c 1048576 /dev/urandom >"$d/noise.img"
bi_run 2 "${o}: .*noise.img: no pfn info block .* and no ext4 superblock" -- "$ct" judge --manifest "$d/manifest" "$d/noise.img"
bi_run 2 "${o}: .*no-trace" -- "$ct" check --trace "$d/no-trace" --manifest "$d/manifest" --out "$d/o"
printf 'store banana\n' >"$d/bad-trace"
bi_run 2 "${o}: .*bad-trace:1: " -- "$ct" check --trace "$d/bad-trace" --manifest "$d/manifest" --out "$d/o"
grep -v '^117 ' "$d/manifest" >"$d/short-manifest"
bi_run 2 "${o}: .*trace: mark 117 \"op\" is not in the manifest .*short-manifest \(are they of one run\?\)" -- \
	"$ct" check --trace "$d/trace" --manifest "$d/short-manifest" --out "$d/o"
bi_run 2 "${o}: .*: no such file|cannot open|System.map" -- "$ct" last-fences --trace "$d/trace" --system-map "$d/no-map"
bi_absent "no output directory for refused checks" "$d/o"

# ---- outputs that would overwrite inputs -----------------------------------
bi_class aliasing
mkdir -p "$d/o1/violations" "$d/w"
cp "$d/manifest" "$d/o1/result.json"
bi_run 2 "${o}: the manifest .*o1/result.json would be overwritten" -- \
	"$ct" check --trace "$d/trace" --manifest "$d/o1/result.json" --out "$d/o1" --budget 5
bi_check "the manifest named result.json is unchanged" cmp "$d/o1/result.json" "$d/manifest"
cp "$d/trace" "$d/o1/violations/001.repro"
bi_run 2 "${o}: the trace .*001.repro would be overwritten" -- \
	"$ct" check --trace "$d/o1/violations/001.repro" --manifest "$d/manifest" --out "$d/o1" --budget 5
bi_check "the trace among the reports is unchanged" cmp "$d/o1/violations/001.repro" "$d/trace"
cp "$d/fs.img" "$d/w/scratch.img"
bi_run 2 "${o}: the image .*w/scratch.img would be overwritten" -- \
	"$ct" judge --manifest "$d/manifest" --workdir "$d/w" "$d/w/scratch.img"
bi_check "the image in the work directory is unchanged" cmp "$d/w/scratch.img" "$d/fs.img"
printf '0123456789abcdef0123456789abcdef maybe 0 x\n' >"$d/bad-verdicts"
bi_run 2 "${o}: .*bad-verdicts:1: not a verdict line" -- \
	"$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o2" --budget 5 --verdicts "$d/bad-verdicts"

# ---- checkers missing, crashing, interrupted -------------------------------
bi_class signals
bi_run 3 "${o}: .*e2fsck is not installed" -- env PATH=/nonexistent "$ct" judge --manifest "$d/manifest" "$d/fs.img"
real=$(command -v e2fsck)
# A checker that runs the real one FAKE_REAL times, then crashes.
cat >"$d/bin/e2fsck" <<EOF
#!/bin/sh
n=\$(cat "$d/count" 2>/dev/null || echo 0)
echo \$((n + 1)) >"$d/count"
[ "\$n" -ge "\$FAKE_REAL" ] || exec "$real" "\$@"
kill -SEGV \$\$
EOF
chmod +x "$d/bin/e2fsck"
rm -f "$d/count"
bi_run 4 "${o}: could not judge .*fs.img: .*e2fsck killed by signal 11" -- env PATH="$d/bin:$PATH" FAKE_REAL=0 \
	"$ct" judge --manifest "$d/manifest" --marks 101 "$d/fs.img"
rm -f "$d/count"
bi_run 4 "${o}: [0-9]+ images could not be judged" -- env PATH="$d/bin:$PATH" FAKE_REAL=2 \
	"$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o3" --budget 10
bi_check "an incomplete check says so in result.json" grep -q '"partial":true' "$d/o3/result.json"
bi_check "nothing left in the scratch root" empty "$shm"

# A checker that hangs with a child of its own, after the real ones ran.
cat >"$d/bin/e2fsck" <<EOF
#!/bin/sh
n=\$(cat "$d/count" 2>/dev/null || echo 0)
echo \$((n + 1)) >"$d/count"
[ "\$n" -ge "\$FAKE_REAL" ] || exec "$real" "\$@"
sleep 300 &
echo \$\$ \$! >"$d/pids"
exec sleep 301
EOF
rm -f "$d/count" "$d/pids"
bi_signal INT "file:$d/pids" 130 "${o}: stopped by SIGINT; removed .*/shm/ctoracle\." -- \
	env PATH="$d/bin:$PATH" FAKE_REAL=2 "$ct" check --trace "$d/trace" --manifest "$d/manifest" --out "$d/o4" --budget 10
bi_check "SIGINT: nothing left in the scratch root" empty "$shm"
bi_check "SIGINT: result.json says interrupted" grep -q '"interrupted":"SIGINT"' "$d/o4/result.json"
sleep 0.3
# shellcheck disable=SC2046 # two pids
bi_check "SIGINT: the checker and its child are gone" gone $(cat "$d/pids")
rm -f "$d/count" "$d/pids"
bi_signal TERM "file:$d/pids" 143 "${o}: stopped by SIGTERM" --pid -- \
	env PATH="$d/bin:$PATH" FAKE_REAL=0 "$ct" judge --manifest "$d/manifest" --marks 101 "$d/fs.img"
bi_check "SIGTERM: nothing left in the scratch root" empty "$shm"
sleep 0.3
# shellcheck disable=SC2046 # two pids
bi_check "SIGTERM: the checker and its child are gone" gone $(cat "$d/pids")
bi_check "the manifest was never changed" cmp "$d/manifest" "$d/manifest.orig"

bi_done
