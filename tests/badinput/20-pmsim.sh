#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pmsim against hostile input. Malformed traces and reproducers (2, the
# place named, nothing created, no temporary file left); outputs that
# alias an input by any name (check --image, replay's IMAGE: 2, the input
# byte-identical); existing outputs without --force (2, unchanged; with
# --force replaced); a few bytes of trace declaring a 1 TiB region (0 in
# seconds, a sparse image, nothing left in TMPDIR); every numeric option
# at and past its limits (2 naming the option; 010 is ten); SIGINT,
# SIGTERM and SIGHUP during a run (128+N, the checker killed, no
# temporary image left); a full file system for the image (5 with the
# bytes needed and free, nothing left); checker servers that cannot run,
# die, hang, answer garbage or too much, and input for applog-check
# --server that is not the protocol (2 or 1 with one message, nothing
# left running); --help and --version.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bi_init pmsim

pm=$BI_BIN/crashtest/pmsim
ex=$BI_BIN/crashtest/examples
d=$BI_TMP
e='^pmsim: '
tmp=$d/tmpdir
mkdir "$tmp"
export TMPDIR=$tmp

# The helpers below are called through bi_check.
# shellcheck disable=SC2317
# empty DIR: nothing in it, hidden files included.
empty() { [ -z "$(ls -A "$1")" ]; }
# shellcheck disable=SC2317
# same A B: byte-identical.
same() { cmp -s "$1" "$2"; }
# shellcheck disable=SC2317
# sparse FILE SIZE MAXKIB: FILE is SIZE bytes long and holds at most
# MAXKIB KiB on disk.
sparse() { [ "$(stat -c %s "$1")" = "$2" ] && [ "$(du -k "$1" | cut -f1)" -le "$3" ]; }
# shellcheck disable=SC2317
# no_sleeper TAG: no process runs the checker command tagged TAG.
no_sleeper() { ! pgrep -f "$1" >/dev/null; }
# shellcheck disable=SC2317
# stdout_only CMD...: CMD succeeds, writes to stdout and nothing to stderr.
stdout_only() {
	local out
	out=$("$@" 2>"$d/stderr") || return 1
	[ -n "$out" ] && [ ! -s "$d/stderr" ]
}

"$ex/applog-trace" -n 1 "$d/t.pmt"
cp "$d/t.pmt" "$d/t.orig"
"$ex/applog-trace" --buggy -n 1 "$d/b.pmt"
cp "$d/b.pmt" "$d/b.orig"

# ---- help, version, usage ---------------------------------------------------
bi_class usage
bi_run 0 '^usage: pmsim COMMAND' -- "$pm" --help
bi_check "pmsim --help writes to stdout only" stdout_only "$pm" --help
bi_run 0 'pmsim check TRACE --checker CMD' -- "$pm" check --help
bi_run 0 'pmsim replay REPRO' -- "$pm" replay --seed -1 -h
bi_run 0 '^pmsim [0-9]+\.[0-9]+$' -- "$pm" --version
bi_run 2 '^usage: pmsim COMMAND' -- "$pm"
bi_run 2 "${e}unknown command \"frob\"" -- "$pm" frob
bi_run 2 "${e}check: one of --checker CMD and --checker-server CMD is required" -- \
	"$pm" check "$d/t.pmt"
bi_run 2 "${e}check: one of --checker CMD and --checker-server CMD is required" -- \
	"$pm" check "$d/t.pmt" --checker true --checker-server cat
bi_run 2 "${e}check: --image is for --checker" -- \
	"$pm" check "$d/t.pmt" --checker-server cat --image "$d/never.img"
bi_absent "no image for a refused --image" "$d/never.img"
bi_run 2 "${e}check: exactly one TRACE is needed" -- "$pm" check --checker true
bi_run 2 "${e}check: unknown option or missing value: --frob" -- \
	"$pm" check "$d/t.pmt" --checker true --frob
bi_run 2 "${e}check: unknown option or missing value: --seed" -- \
	"$pm" check "$d/t.pmt" --checker true --seed
bi_run 2 "${e}usage: pmsim replay" -- "$pm" replay "$d/x.repro"
bi_run 2 "${e}usage: pmsim dump" -- "$pm" dump

# ---- malformed traces -------------------------------------------------------
bi_class malformed
: >"$d/empty.pmt"
head -c 100 "$d/t.pmt" >"$d/cut.pmt"
head -c 20 "$d/t.pmt" >"$d/header.pmt"
{ printf 'PMTRACE1\002\000\000\000\040\000\000\000'; head -c 16 /dev/zero; } >"$d/version.pmt"
head -c 64 /dev/urandom | tr '\000' '\001' | { printf '\200'; cat; } >"$d/garbage.pmt"
printf 'region 0x1000 0x1000 a\nzap 1\n' >"$d/word.txt"
printf 'region 0x1000 0x1000 a\nregion 0x1800 0x1000 b\n' >"$d/overlap.txt"
printf 'region 0x1000 0x1000 a\nstore 0x1ffc 8 0000000000000000\n' >"$d/outside.txt"
printf 'region 0x1000 0x1000 a\nflush clwb -4096\n' >"$d/neg.txt"
printf 'region 0x1000 0x1000 a\nmark 1 "a\000b"\n' >"$d/nul.txt"
printf 'region 0x1000 0x1000 a\nimage-file 0x1000 no-such.img\n' >"$d/noimg.txt"
printf 'region 0x1004 0x1000 a\n' >"$d/align.txt"
printf 'region 0x1000 0x1000 a\nstore 0x1000 2 00\n' >"$d/size.txt"
mkdir "$d/dir.pmt"
bi_run 2 "${e}.*empty.pmt: empty file, not a trace" -- "$pm" check "$d/empty.pmt" --checker true
bi_run 2 "${e}.*cut.pmt: offset 0x[0-9a-f]+ \(event [0-9]+\): truncated record" -- \
	"$pm" check "$d/cut.pmt" --checker true
bi_run 2 "${e}.*truncated file header" -- "$pm" dump "$d/header.pmt"
bi_run 2 "${e}.*offset 0x8: unsupported version 2" -- "$pm" stats "$d/version.pmt"
bi_run 2 "${e}.*not a pmtrace file" -- "$pm" check "$d/garbage.pmt" --checker true
bi_run 2 "${e}.*word.txt:2: unknown event \"zap\"" -- "$pm" check "$d/word.txt" --checker true
bi_run 2 "${e}.*overlap.txt:2: .*overlaps region a" -- "$pm" dump "$d/overlap.txt"
bi_run 2 "${e}.*outside.txt:2: .*not inside one region" -- "$pm" check "$d/outside.txt" --checker true
bi_run 2 "${e}.*neg.txt:2: not an unsigned number" -- "$pm" dump "$d/neg.txt"
bi_run 2 "${e}.*nul.txt:2: NUL byte" -- "$pm" dump "$d/nul.txt"
bi_run 2 "${e}.*noimg.txt:2: image file .*no-such.img" -- "$pm" check "$d/noimg.txt" --checker true
bi_run 2 "${e}.*align.txt:1: .*multiples of 64" -- "$pm" dump "$d/align.txt"
bi_run 2 "${e}.*size.txt:2: store size 2 but 1 bytes" -- "$pm" dump "$d/size.txt"
bi_run 2 "${e}.*dir.pmt: not a regular file" -- "$pm" check "$d/dir.pmt" --checker true
bi_run 2 "${e}.*missing.pmt: No such file" -- "$pm" check "$d/missing.pmt" --checker true
bi_run 2 "${e}.*word.txt:2: unknown event" -- "$pm" check "$d/word.txt" --checker true \
	--image "$d/never.img"
bi_absent "a bad trace creates no image" "$d/never.img"
bi_check "a bad trace leaves nothing in TMPDIR" empty "$tmp"

# ---- malformed reproducers --------------------------------------------------
bi_class malformed
rep() { # NAME TEXT: a reproducer file $d/NAME.repro
	printf '%b' "$2" >"$d/$1.repro"
}
# bad_repro STATUS NAME TEXT ERE: the reproducer NAME holding TEXT is
# refused by pmsim replay with STATUS and "pmsim: ERE".
bad_repro() {
	rep "$2" "$3"
	bi_run "$1" "${e}$4" -- "$pm" replay "$d/$2.repro" "$d/o.img"
}
bad_repro 2 notrace 'crash-event 3\n' '.*notrace.repro: a reproducer needs "trace" and "crash-event"'
bad_repro 2 noevent "trace $d/t.pmt\n" '.*noevent.repro: a reproducer needs'
bad_repro 2 badnum "trace $d/t.pmt\ncrash-event 3x\n" \
	".*badnum.repro:2: crash-event: '3x' is not an unsigned integer"
bad_repro 2 negnum "trace $d/t.pmt\ncrash-event -1\n" '.*negnum.repro:2: crash-event:'
bad_repro 2 bignum "trace $d/t.pmt\ncrash-event 18446744073709551616\n" '.*bignum.repro:2: crash-event:'
bad_repro 2 badkey "trace $d/t.pmt\ncrash-event 3\nfrob 1\n" '.*badkey.repro:3: unknown key "frob"'
bad_repro 2 twice "trace $d/t.pmt\ncrash-event 3\ncrash-event 4\n" \
	'.*twice.repro:3: "crash-event" given twice'
bad_repro 2 badpiece "trace $d/t.pmt\ncrash-event 3\npersisted 1-0\n" '.*badpiece.repro:3: bad piece "1-0"'
bad_repro 2 bigoff "trace $d/t.pmt\ncrash-event 3\npersisted 1:4294967296\n" \
	'.*bigoff.repro:3: piece offset: 4294967296 is above the maximum 4294967295'
bad_repro 2 eadr2 "trace $d/t.pmt\ncrash-event 3\neadr 2\n" '.*eadr2.repro:3: eadr: 2 is above the maximum 1'
bad_repro 2 nul "trace $d/t.pmt\ncrash-event 3\n\0\n" '.*nul.repro: a NUL byte'
bad_repro 2 past "trace $d/t.pmt\ncrash-event 99\n" 'crash event 99 is past the end of the trace'
bad_repro 1 notpending "trace $d/t.pmt\ncrash-event 4\npersisted 1:4\n" \
	'persisted set names 1 piece\(s\) that are not pending'
bad_repro 1 unreach "trace $d/b.pmt\ncrash-event 4\npersisted 2:0\n" 'persisted set is not reachable'
bad_repro 2 gone "trace $d/gone.pmt\ncrash-event 1\n" '.*gone.repro: its trace: .*gone.pmt: No such file'
bad_repro 2 dirtrace "trace $d/dir.pmt\ncrash-event 1\n" \
	'.*dirtrace.repro: its trace: .*not a regular file'
bi_run 2 "${e}.*dir.pmt: not a regular file" -- "$pm" replay "$d/dir.pmt" "$d/o.img"
bi_absent "a refused replay writes no image and no temporary file" "$d/o.img"
bi_check "... nor anything beside it" sh -c "! ls '$d' | grep -q 'o.img.pmsim-'"

# ---- outputs that are inputs --------------------------------------------------
bi_class aliasing
ln -s t.pmt "$d/link.pmt"
ln "$d/t.pmt" "$d/hard.pmt"
for alias in t.pmt link.pmt hard.pmt ./t.pmt ../tmp/t.pmt; do
	bi_run 2 "${e}--image $alias is the trace: refusing to overwrite an input" --cwd "$d" -- \
		"$pm" check t.pmt --checker true --image "$alias" --force
done
bi_check "the trace is byte-identical after every refusal" same "$d/t.pmt" "$d/t.orig"
printf 'abcdefgh' >"$d/init.img"
cp "$d/init.img" "$d/init.orig"
printf 'region 0x1000 0x1000 r\nimage-file 0x1000 init.img\nstore 0x1000 8 0102030405060708\n' >"$d/img.txt"
bi_run 2 "${e}--image .*init.img is an image file of the trace" -- \
	"$pm" check "$d/img.txt" --checker true --image "$d/init.img" --force
bi_check "the trace's image file is unchanged" same "$d/init.img" "$d/init.orig"
mkdir "$d/rep"
bi_run 1 'reproducer: .*violation-1.repro' -- "$pm" check "$d/b.pmt" \
	--checker "$ex/applog-check" --repro-dir "$d/rep" --max-reports 1
cp "$d/rep/violation-1.repro" "$d/r.orig"
bi_run 2 "${e}.*b.pmt: the output is the reproducer's trace" -- \
	"$pm" replay "$d/rep/violation-1.repro" -o "$d/b.pmt" --force
bi_run 2 "${e}.*: the output is the reproducer's trace" --cwd "$d" -- \
	"$pm" replay rep/violation-1.repro -o ./b.pmt --force
bi_run 2 "${e}.*: the output is the reproducer itself" -- \
	"$pm" replay "$d/rep/violation-1.repro" "$d/rep/violation-1.repro" --force
bi_check "the reproducer's trace is unchanged" same "$d/b.pmt" "$d/b.orig"
bi_check "the reproducer is unchanged" same "$d/rep/violation-1.repro" "$d/r.orig"

# ---- existing outputs ----------------------------------------------------------
bi_class existing
echo keep >"$d/out.img"
cp "$d/out.img" "$d/out.orig"
bi_run 2 "${e}--image .*out.img exists \(--force replaces it\)" -- \
	"$pm" check "$d/t.pmt" --checker true --image "$d/out.img"
bi_check "the existing --image is unchanged" same "$d/out.img" "$d/out.orig"
bi_run 2 "${e}.*out.img exists \(--force replaces it\)" -- \
	"$pm" replay "$d/rep/violation-1.repro" "$d/out.img"
bi_check "the existing replay output is unchanged" same "$d/out.img" "$d/out.orig"
bi_run 2 "${e}--repro-dir .*rep holds reproducers already \(violation-1.repro; --force" -- \
	"$pm" check "$d/b.pmt" --checker "$ex/applog-check" --repro-dir "$d/rep"
bi_check "the existing reproducer is unchanged" same "$d/rep/violation-1.repro" "$d/r.orig"
bi_run 0 '^pmsim: wrote the crash image' -- \
	"$pm" replay "$d/rep/violation-1.repro" "$d/out.img" --force
bi_check "--force replaced it with a 64 KiB image" sparse "$d/out.img" 65536 64
bi_run 0 ' 0 violations' -- "$pm" check "$d/t.pmt" --checker true --image "$d/out.img" --force

# ---- a huge region from a few bytes of trace ----------------------------------------
bi_class resources
printf 'region 0x100000000 0x10000000000 tib\nstore 0x100000040 8 0102030405060708\n' >"$d/tib.txt"
bi_run 0 ' 0 violations' --timeout 30 -- "$pm" check "$d/tib.txt" --checker 'test -s'
bi_check "nothing is left in TMPDIR" empty "$tmp"
bi_run 0 ' 0 violations' --timeout 30 -- \
	"$pm" check "$d/tib.txt" --checker 'test -s' --image "$d/tib.img"
bi_check "the 1 TiB image holds a page or two" sparse "$d/tib.img" 1099511627776 64
rep tib "trace $d/tib.txt\ncrash-event 2\npersisted 1:0\n"
bi_run 0 '^pmsim: wrote the crash image' --timeout 30 -- "$pm" replay "$d/tib.repro" "$d/tib2.img"
bi_check "its replay too" sparse "$d/tib2.img" 1099511627776 64
rm -f "$d/tib.img" "$d/tib2.img"

# ---- checker servers that break the protocol -------------------------------------------
bi_class malformed	# what a checker server answers is input too
# A server answering ok to every request: its own shell expands $k.
# shellcheck disable=SC2016
ok_server='while read -r k rest; do [ "$k" = state ] && echo ok; done'
bi_run 0 ' 0 violations' -- "$pm" check "$d/t.pmt" --checker-server "$ex/applog-check --server"
bi_run 1 ' [1-9][0-9]* violations' -- "$pm" check "$d/b.pmt" --checker-server "$ex/applog-check --server"
bi_run 2 "${e}checker server \"/nonexistent/check\" could not be run \(exit 127\)" -- \
	"$pm" check "$d/t.pmt" --checker-server /nonexistent/check
bi_run 1 "${e}checker server .* answered \"garbage\" to the state at event" -- \
	"$pm" check "$d/t.pmt" --checker-server 'echo garbage; cat >/dev/null'
bi_run 1 "${e}checker server .* exited with status 0 before answering the state at event" -- \
	"$pm" check "$d/t.pmt" --checker-server 'read -r x'
bi_run 1 "${e}checker server .* crashed \(signal 9" -- \
	"$pm" check "$d/t.pmt" --checker-server 'kill -KILL $$'
tag=pmsim-badinput-hang-$$
bi_run 1 "${e}checker server .* timed out after 0.2 s" -- \
	"$pm" check "$d/t.pmt" --checker-server "sleep 60 || :; : $tag" --timeout 0.2
bi_check "the hung server is gone" no_sleeper "$tag"
bi_run 1 "${e}checker server .* wrote \"ok\" after its last answer" -- \
	"$pm" check "$d/t.pmt" --checker-server "$ok_server; echo ok"
bi_run 1 "${e}checker server .* exited with status 3 at the end of the run" -- \
	"$pm" check "$d/t.pmt" --checker-server "$ok_server; exit 3"
bi_run 0 ' 0 violations' --timeout 30 -- "$pm" check "$d/tib.txt" --checker-server "$ok_server"
bi_check "the server leaves nothing in TMPDIR" empty "$tmp"
printf 'bogus\n' >"$d/bogus.in"
bi_run 2 '^applog-check: pmsim_serve: not a pmsim checker-server header: "bogus"' -- \
	"$ex/applog-check" --server <"$d/bogus.in"
printf 'pmsim-checker 1 65536 1 1 0\nregion 0 0x100000000 65536 applog\nstate 0 7 4 0 - \n' >"$d/slot.in"
bi_run 2 '^applog-check: pmsim_serve: mapping the image|not a request' -- \
	"$ex/applog-check" --server <"$d/slot.in"

# ---- numbers at and past their limits ------------------------------------------------
bi_class numbers
num() { # STATUS ERE ARGS...: pmsim check on the small log
	local st=$1 ere=$2
	shift 2
	bi_run "$st" "$ere" -- "$pm" check "$d/t.pmt" --checker true "$@"
}
num 2 "${e}--seed: '-1' is not an unsigned integer" --seed -1
num 2 "${e}--seed: '5x' is not an unsigned integer" --seed 5x
num 2 "${e}--seed: '' is not an unsigned integer" --seed ''
num 2 "${e}--seed: '18446744073709551616' is too large" --seed 18446744073709551616
num 0 ' 0 violations' --seed 18446744073709551615
num 2 "${e}--max-states: '-1' is not an unsigned integer" --max-states -1
num 4 'BOUNDED: stopped at --max-states 10 ' --max-states 010
num 4 'BOUNDED: stopped at --max-states 4 ' --max-states 0x4
num 2 "${e}--max-states: '0x' is not an unsigned integer" --max-states 0x
num 2 "${e}--max-reports: 4294967296 is above the maximum 4294967295" --max-reports 4294967296
num 2 "${e}--max-points: '\+3' is not an unsigned integer" --max-points +3
num 4 'INCOMPLETE: 1 of 3 crash points checked' --max-points 1
num 2 "${e}--timeout:" --timeout 0
num 2 "${e}--timeout:" --timeout -1
num 2 "${e}--timeout:" --timeout nan
num 2 "${e}--timeout:" --timeout 1e400
num 2 "${e}--timeout:" --timeout 5s
num 2 "${e}bad mode \"random:0\"" --mode random:0
num 2 "${e}bad mode \"random:-1\"" --mode random:-1
num 2 "${e}bad mode \"bounded:1x\"" --mode bounded:1x
num 2 "${e}bad mode \"random:\"" --mode random:
num 0 'random:10, crash points' --mode random:010
num 2 "${e}unknown mode \"lasting\"" --mode lasting
num 2 "${e}unknown crash points \"fences\"" --crash-points fences
num 2 "${e}--progress:" --progress=0
num 2 "${e}--progress:" --progress=abc
bi_run 2 "${e}--events: '-1' is not an unsigned integer" -- "$pm" dump "$d/t.pmt" --events -1
bi_run 2 "^applog-trace: -n: 401 is out of range" -- "$ex/applog-trace" -n 401 "$d/n.pmt"
bi_absent "no trace for a refused -n" "$d/n.pmt"

# ---- signals during a run ------------------------------------------------------------
# The checker marks that it runs (its image exists by then) and sleeps;
# the signal goes to pmsim's process group, as a terminal's ^C does.
bi_class signals
for s in INT:130 TERM:143 HUP:129; do
	name=${s%%:*} status=${s#*:}
	tag=pmsim-badinput-$name-$$
	bi_signal "$name" "file:$d/started-$name" "$status" \
		"${e}stopped by SIG$name; checker killed, temporary files removed" --timeout 30 -- \
		"$pm" check "$d/t.pmt" --checker "touch $d/started-$name; sleep 60 || :; : $tag;"
	bi_check "SIG$name: no temporary image left" empty "$tmp"
	bi_check "SIG$name: the checker is gone" no_sleeper "$tag"
done
tag=pmsim-badinput-server-$$
bi_signal INT "file:$d/started-server" 130 \
	"${e}stopped by SIGINT; checker killed, temporary files removed" --timeout 30 -- \
	"$pm" check "$d/t.pmt" --checker-server "touch $d/started-server; sleep 60 || :; : $tag"
bi_check "SIGINT: the checker server is gone" no_sleeper "$tag"

# ---- a full file system ----------------------------------------------------------------
# 8 MiB of non-zero initial image on a 4 MiB file system.
bi_class resources
head -c 8388608 /dev/urandom | tr '\000' '\377' >"$d/big.img"
printf 'region 0x100000 0x1000000 r\nimage-file 0x100000 big.img\nstore 0x100000 8 0102030405060708\n' >"$d/big.txt"
rep big "trace $d/big.txt\ncrash-event 3\npersisted 2:0\n"
fs=''
if bi_small_fs 4 fs; then
	bi_run 5 "${e}.*: not enough disk space for the crash image: it needs up to 8[0-9]{6} bytes \(of 16777216\), [0-9]+ are free" -- \
		"$pm" check "$d/big.txt" --checker true --image "$fs/img"
	bi_absent "no image is left on the full file system" "$fs/img"
	bi_run 5 "${e}.*: not enough disk space for the crash image: it needs up to 8[0-9]{6} bytes" -- \
		env TMPDIR="$fs" "$pm" check "$d/big.txt" --checker true
	bi_check "no temporary image is left" empty "$fs"
	bi_run 5 "${e}.*: not enough disk space for the crash image" -- \
		"$pm" replay "$d/big.repro" "$fs/replayed.img"
	bi_check "replay leaves nothing on it" empty "$fs"
	# the small log fits: 64 KiB
	bi_run 0 '^pmsim: wrote the crash image' -- "$pm" replay "$d/rep/violation-1.repro" "$fs/small.img"
fi

bi_done
