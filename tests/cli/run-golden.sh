#!/bin/bash
# Run every case in cases.sh through "cli-golden run" and compare stdout,
# stderr and exit status with golden/<case>.out. Run from tests/cli.
#   MDEVVIRTIO_REGENERATE=1 ... rewrites the golden files instead (review the diff).
#   CLI_GOLDEN_ONLY="<glob>..." runs only cases matching one of the globs.
#   CLI_GOLDEN_WRAPPER="valgrind -q ..." runs each case under a wrapper; any
#   report it prints on stderr shows up as a difference.
set -u
unset MDEVCTL_LOG # cases set it themselves ("%MDEVCTL_LOG=...")
bin=$1
cd "$(dirname "$0")" || exit 1
failed=0 passed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

t() {
	local name=$1 fixture=$2 stdin=$3 argv0=mdevvirtioctl rc envs=()
	shift 3
	if [[ -n ${CLI_GOLDEN_ONLY:-} ]]; then
		local glob match=
		for glob in $CLI_GOLDEN_ONLY; do
			# shellcheck disable=SC2053 # a glob on purpose
			[[ $name == $glob ]] && match=1
		done
		[[ -n $match ]] || return 0
	fi
	# "%NAME=VALUE" words first: the environment of the command.
	while [[ ${1:-} == %*=* ]]; do
		envs+=("${1#%}")
		shift
	done
	if [[ ${1:-} == @* ]]; then
		argv0=${1#@}
		shift
	fi
	[[ $stdin == - ]] && stdin=/dev/null || stdin=input/$stdin
	# shellcheck disable=SC2086 # the wrapper is a command line
	env ${envs[@]+"${envs[@]}"} CLI_GOLDEN_ARGV0=$argv0 ${CLI_GOLDEN_WRAPPER:-} "$bin" run "fixtures/$fixture" "$@" <"$stdin" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	{
		printf '$ '
		[[ ${#envs[@]} -eq 0 ]] || printf '%s ' "${envs[@]}"
		printf '%s' "$argv0"
		printf ' %s' "$@"
		printf '\n'
		cat "$tmp/out"
		# Output that does not end in a newline (--dumpjson, as mdevctl) says so.
		[[ ! -s $tmp/out || $(tail -c 1 "$tmp/out" | od -An -c) == *'\n'* ]] ||
			printf '\n\\ no newline at the end of the output\n'
		printf -- '--- stderr\n'
		cat "$tmp/err"
		printf -- '--- exit %d\n' "$rc"
	} >"$tmp/seen"
	if [[ -n ${MDEVVIRTIO_REGENERATE:-} ]]; then
		cp "$tmp/seen" "golden/$name.out"
		echo "regenerated golden/$name.out"
	elif ! cmp -s "golden/$name.out" "$tmp/seen"; then
		echo "FAIL $name: expected (golden/$name.out) vs seen:"
		diff -u --label expected --label seen "golden/$name.out" "$tmp/seen"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + 1))
}

# shellcheck source=cases.sh
. ./cases.sh
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
