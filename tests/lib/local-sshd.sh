# shellcheck shell=bash
# An sshd of the tests' own on 127.0.0.1, for crashtest/run --sshloginfile:
# two "hosts" that are this machine, reached through ssh as a remote host
# would be. Its host key, client key, authorized keys, known hosts and
# configuration live in DIR; nothing of the machine's ssh setup or users
# is read or changed. sshd wants its privilege-separation directory
# /run/sshd: it runs in a mount namespace of its own with a tmpfs over
# /run, so the machine's /run is not touched either.
#
#   local_sshd_start DIR N   start it; DIR/logins names N logins (1 slot
#                            each), PARALLEL_SSH is exported for parallel
#   local_sshd_stop DIR      stop it (call from the caller's trap)

local_sshd_start() {
	local dir=${1:?local_sshd_start DIR N} n=${2:?local_sshd_start DIR N} port i hosts=''
	mkdir -p "$dir"
	ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$dir/id" || return 1
	cp "$dir/id.pub" "$dir/authorized_keys"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$dir/sshd_config" <<-EOF
		ListenAddress 127.0.0.1
		Port $port
		HostKey $dir/host_key
		AuthorizedKeysFile $dir/authorized_keys
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PermitRootLogin prohibit-password
		UsePAM no
		StrictModes no
		PidFile $dir/sshd.pid
	EOF
	: >"$dir/logins"
	for i in $(seq 1 "$n"); do
		hosts+=" shard-$i"
		echo "1/shard-$i" >>"$dir/logins"
	done
	cat >"$dir/ssh_config" <<-EOF
		Host$hosts
		  HostName 127.0.0.1
		  Port $port
		  User $(id -un)
		  IdentityFile $dir/id
		  IdentitiesOnly yes
		  UserKnownHostsFile $dir/known_hosts
		  StrictHostKeyChecking accept-new
		  BatchMode yes
		  ConnectTimeout 10
	EOF
	# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
	unshare -m --propagation private sh -c \
		'mount -t tmpfs none /run && mkdir -m 755 /run/sshd && exec /usr/sbin/sshd -f "$1" -E "$2"' \
		sh "$dir/sshd_config" "$dir/sshd.log" || return 1
	for i in $(seq 1 50); do
		ssh -F "$dir/ssh_config" shard-1 true 2>/dev/null && break
		sleep 0.2
	done
	export PARALLEL_SSH="ssh -F $dir/ssh_config"
	ssh -F "$dir/ssh_config" shard-1 true
}

local_sshd_stop() {
	local pid
	pid=$(cat "${1:?local_sshd_stop DIR}/sshd.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
}
