# shellcheck shell=bash
# Helpers for the tests of daxlab's QEMU TCG plugins (sourced after tap.sh).

# plugin_load_fails PLUGIN DESC NEEDLE PLUGIN-ARGS [QEMU-ARG...]: QEMU must
# exit non-zero with the plugin's one-line message, "NAME: ...NEEDLE",
# where NAME is the plugin's file name without lib and .so.
plugin_load_fails() {
	local plugin=$1 desc=$2 needle=$3 args=$4 name out rc=0
	shift 4
	name=$(basename "$plugin" .so)
	name=${name#lib}
	out=$(timeout 20 "${DAXLAB_QEMU:-qemu-system-x86_64}" -nodefaults -display none \
		-machine pc -accel tcg -plugin "$plugin,$args" "$@" 2>&1) || rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "^$name: .*$needle" <<<"$out"; then
		ok "$desc"
	else
		not_ok "$desc" "exit status $rc, output:" "$out"
	fi
}
