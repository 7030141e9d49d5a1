# shellcheck shell=bash
# Helpers for VM tests. Source it: . "$MDEVVIRTIO_SRC/tests/vm/lib.sh"
#
# A failing check prints what it expected and what it saw, then exits 1.
set -euo pipefail

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

step() {
	echo "--- $*"
}

# expect_eq <what> <expected> <actual>
expect_eq() {
	if [ "$2" != "$3" ]; then
		fail "$1: expected '$2', saw '$3'"
	fi
}

# expect_match <what> <extended regex> <actual>
expect_match() {
	if ! [[ $3 =~ $2 ]]; then
		fail "$1: expected to match /$2/, saw '$3'"
	fi
}

# expect_fail <what> <expected errno text> <command...>: the command must fail
# and its stderr must contain the text (e.g. "File exists").
expect_fail() {
	local what=$1 want=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "$what: expected failure '$want', but it succeeded"
	fi
	case $out in
	*"$want"*) ;;
	*) fail "$what: expected failure '$want', saw '$out'" ;;
	esac
}

# wait_for <seconds> <command...>: poll until the command succeeds (every 0.1 s).
wait_for() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 10; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	fail "timed out after ${limit}s waiting for: $*"
}

# sysfs_write <value> <file>: echo without a shell redirection error message.
sysfs_write() {
	printf '%s' "$1" >"$2"
}

# Kernel log lines that mean a bug, since the given dmesg line count.
kernel_log_problems() {
	dmesg | tail -n +"$(($1 + 1))" | grep -E 'BUG|WARNING|Oops|refcount|general protection|KASAN|UBSAN|kmemleak|lockdep|possible circular' || true
}

dmesg_lines() {
	dmesg | wc -l
}
