# Sourced by crashtest/run: its runs spread over GNU parallel's job slots,
# on this host (--jobs N) or over the hosts of --sshloginfile. Each job is
# one boot unit of crashtest/run's batches(), `crashtest/run --one
# DESCRIPTOR[,DESCRIPTOR...] --kernel K`: here in this run's --out; on a
# remote host in a work directory, into a directory of the job's own
# (bNNNN), which parallel returns with rsync and then removes, and which
# is merged here. A job traces, judges and writes each run's DIR/row.tsv,
# which crashtest/run merges in the plan's order. parallel is the engine:
# slots, ssh, transfer, return, cleanup and the job log are its own; this
# file only says what a job is.
# shellcheck shell=bash
# shellcheck disable=SC2154 # top, build, out, todo, ...: crashtest/run's

# Variables the kernels and the judging depend on, passed to each job (an
# ssh login starts with a clean environment).
SHARD_ENV=(DAXLAB_BASE DAXLAB_SERIES DAXLAB_CACHE DAXLAB_BUILD DAXLAB_CRASH_NEED_MIB)

# host_id KERNEL...: what must be the same on every host for its runs to
# count as this run's: the tree's commit, the tools built, and the kernels
# (their cache entries are named by what they are built from).
host_id() {
	local k t
	echo "commit $(git -C "$top" rev-parse HEAD 2>/dev/null || echo none)"
	for t in crashtest/qemu/libpmtrace.so crashtest/oracles/ctoracle crashtest/pmsim \
		crashtest/guest/pmmark crashtest/scenarios/ctwl; do
		[ -e "$build/$t" ] || echo "missing $build/$t (make crashtest builds it)"
	done
	for k in "$@"; do
		echo "kernel $k $(basename "$("$top/scripts/kernel" path "$k" 2>/dev/null || echo 'not built')")"
	done
	command -v qemu-system-x86_64 >/dev/null || echo "missing qemu-system-x86_64"
	command -v rsync >/dev/null || echo "missing rsync"
}

# shard_env: "NAME=VALUE" words for env(1), for the variables set here.
shard_env() {
	local v
	echo "CRASH_XFS_BUDGET=$xfs_budget"
	for v in "${SHARD_ENV[@]}"; do
		[ -z "${!v+set}" ] || echo "$v=${!v}"
	done
}

# shard_reach: every host of --sshloginfile answers over ssh; else exit 2
# (before anything is written).
shard_reach() {
	local got
	command -v parallel >/dev/null || die "GNU parallel is not installed (scripts/deps installs it)"
	got=$(timeout 120 parallel --nonall --sshloginfile "$sshloginfile" --tag echo answered 2>&1) ||
		die "--sshloginfile: not every host answered: $(grep -v answered <<<"$got" | tail -n 2 | tr '\t\n' '  ')"
}

# shard_check_hosts KERNEL...: every host of --sshloginfile has what
# host_id says here; else exit 2 naming the host and what differs.
shard_check_hosts() {
	local want got env cmd login bad=''
	mapfile -t env < <(shard_env)
	want=$(host_id "$@")
	cmd=$(printf '%q ' env "${env[@]}" "$top/crashtest/run" --host-id "$@")
	got=$(timeout 300 parallel --nonall --sshloginfile "$sshloginfile" --tag "$cmd" 2>&1) ||
		die "--sshloginfile: not every host answered ($(tail -n 3 <<<"$got" | tr '\n' ' '))"
	while read -r login; do
		if [ "$(sed -n "s|^$login\t||p" <<<"$got")" != "$want" ]; then
			bad+=" $login: $(diff <(echo "$want") <(sed -n "s|^$login\t||p" <<<"$got") | grep '^>' | head -n 3 | tr '\n' ' ')"
		fi
	done < <(awk -F'\t' '{ print $1 }' <<<"$got" | sort -u)
	[ -z "$bad" ] || {
		# nothing ran: the output can take the same run again
		[ "$resume" = 1 ] || rm -f "$out/plan.tsv"
		die "--sshloginfile: hosts differ from this one (need the same commit, tools and kernels):$bad"
	}
	return 0
}

# shard_runs: the boot units of units[] through parallel; then a failed or
# lost job's runs are named in partial.tsv.
shard_runs() {
	local list=$out/shard-todo.tsv i=0 n=0 u ss s k role f cmd rc=0 bid d descs kern_args=()
	local -a env args popts group
	command -v parallel >/dev/null || die "GNU parallel is not installed (scripts/deps installs it)"
	# The descriptors go to each host with its first job (--basefile):
	# scn/NAME.scn, a generated one with its sequence beside it. The
	# generated ones are copied as one tree (their seq= is relative),
	# the others one by one.
	rm -rf "$out/scn"
	if [ "$gen" = 1 ]; then cp -R "$out/gen" "$out/scn"; else mkdir -p "$out/scn"; fi
	: >"$list"
	for u in "${units[@]}"; do
		read -r k role ss <<<"$u"
		read -r -a group <<<"$ss"
		descs=''
		for s in "${group[@]}"; do
			if [ "$gen" = 0 ]; then
				scn_seq "$s"
				if [ -n "$scn_val" ]; then
					cp "$scn_val" "$out/scn/$s.seq"
					scn_copy "$scn_path" "$s.seq" "$out/scn/$s.scn"
				else
					cp "$scn_path" "$out/scn/$s.scn"
				fi
			fi
			descs+=${descs:+,}scn/$s.scn
		done
		[[ " ${kern_args[*]} " == *" $k "* ]] || kern_args+=("$k")
		i=$((i + 1))
		printf '%s\t%s\t%s\t%s\tb%04d\n' "$descs" "$k" "$role" "$((n + 1))/${#todo[@]}" "$i" >>"$list"
		n=$((n + ${#group[@]}))
	done
	mapfile -t env < <(shard_env)
	args=(--set "$set_name" --bytes "$bytes" --budget "$budget" --crash-points "$points"
		--max-states "$max_states" --cpu-code "$cpu_code" --no-build --skip-unit --known-findings none)
	[ -z "$mode" ] || args+=(--mode "$mode")
	[ "$keep_traces" = 0 ] || args+=(--keep-traces)
	cmd="$(printf '%q ' env "${env[@]}" "$top/crashtest/run") --one {1} --kernel {2} --one-role {3} --one-index {4}"
	# Its progress lines count from the campaign's start, not the job's.
	cmd+=" --one-start $t_start"
	cmd+=" --out $([ -n "$sshloginfile" ] && echo '{5}' || echo .) $(printf '%q ' "${args[@]}")"
	popts=(--colsep '\t' --joblog "$out/parallel.joblog" --line-buffer)
	if [ -n "$sshloginfile" ]; then
		progress "checking the hosts of $sshloginfile"
		shard_check_hosts "${kern_args[@]}"
		# Slots per host: its "N/" prefix, else --jobs if given, else its cores.
		[ "$jobs_given" = 0 ] || popts+=(--jobs "$jobs")
		popts+=(--sshloginfile "$sshloginfile" --workdir "$shard_dir" --basefile scn
			--return '{5}' --cleanup)
	else
		popts+=(--jobs "$jobs")
	fi
	(cd "$out" && exec parallel "${popts[@]}" "$cmd" :::: "$list") &
	par_pid=$!
	wait "$par_pid" || rc=$?
	[ "$interrupted" = 0 ] || { wait "$par_pid" 2>/dev/null || true; }
	par_pid=''
	# parallel's --cleanup removes the files it moved, not the run
	# directories it returned: the work directory goes whole.
	[ -z "$sshloginfile" ] || timeout 120 parallel --nonall --sshloginfile "$sshloginfile" \
		"rm -rf $(printf '%q' "$shard_dir")" >/dev/null 2>&1 || true
	i=0
	while IFS=$'\t' read -r descs k role _ bid; do
		i=$((i + 1))
		IFS=, read -r -a group <<<"$descs"
		# A remote job's directory: its runs, its boots' logs, its notes.
		d=$out/$bid
		if [ -d "$d" ]; then
			for f in "${group[@]}"; do
				s=$(basename "$f" .scn)
				[ -d "$d/$s/$k" ] || continue
				rm -rf "${out:?}/$s/$k"
				mkdir -p "$out/$s"
				mv "$d/$s/$k" "$out/$s/$k"
			done
			if [ -d "$d/batch" ]; then
				mkdir -p "$out/batch"
				cp -a "$d/batch/." "$out/batch/"
			fi
			[ ! -f "$d/partial-run.tsv" ] || cat "$d/partial-run.tsv" >>"$out/partial-run.tsv"
			rm -rf "$d"
		fi
		for f in "${group[@]}"; do
			s=$(basename "$f" .scn)
			[ ! -f "$out/$s/$k/row.tsv" ] || continue
			if [ "$interrupted" != 0 ]; then
				partial incomplete "$s/$k: not run, interrupted"
			else
				partial failed "$s/$k: its job ended without a result ($(awk -F'\t' -v n="$i" \
					'$1 == n { print "on " ($2 == ":" ? "this host" : $2) ", exit status " $7; f = 1 }
					 END { if (!f) print "never started" }' "$out/parallel.joblog" 2>/dev/null); parallel exited with $rc)"
			fi
		done
	done <"$list"
}
