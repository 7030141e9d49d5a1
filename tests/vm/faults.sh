# shellcheck shell=bash
# Fault injection helpers for VM tests (source after lib.sh). They need a
# kernel with CONFIG_FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC and
# FAULT_INJECTION_DEBUG_FS (tools/build-debug-kernel); fault_setup skips the
# test (exit 77) on any other kernel, e.g. Debian's.
#
# The walk fails the 1st, 2nd, ... fault-injection point of one system call
# (a write to a sysfs file, or finit_module), through fail-nth, until a run
# reaches no injected point: then every allocation on that path has been
# failed once. After each step the caller's check runs on the outcome.

FAULT_DEBUGFS=/sys/kernel/debug
FAULT_NTH=

# fault_setup <work dir>: build the fault-nth helper, make failslab and
# fail_page_alloc count every allocation (GFP_KERNEL included, order 0 too),
# quietly (one line per injected fault).
fault_setup() {
	local dir=$1 t
	mountpoint -q "$FAULT_DEBUGFS" || mount -t debugfs debugfs "$FAULT_DEBUGFS" 2>/dev/null || true
	[ -e /proc/thread-self/fail-nth ] && [ -d "$FAULT_DEBUGFS/failslab" ] &&
		[ -d "$FAULT_DEBUGFS/fail_page_alloc" ] ||
		skip "kernel $(uname -r) has no fault injection (failslab, fail_page_alloc, fail-nth): build the debug kernel with tools/build-debug-kernel and run tests/vm/run --kernel debug"
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$dir/fault-nth" "$MDEVVIRTIO_SRC/tests/vm/fault-nth.c" ||
		fail "cannot build tests/vm/fault-nth.c"
	FAULT_NTH=$dir/fault-nth
	for t in failslab fail_page_alloc; do
		# probability 0: only fail-nth injects, and only in the helper.
		echo 0 >"$FAULT_DEBUGFS/$t/probability"
		echo N >"$FAULT_DEBUGFS/$t/ignore-gfp-wait"
		echo 1 >"$FAULT_DEBUGFS/$t/verbose"
	done
	echo N >"$FAULT_DEBUGFS/fail_page_alloc/ignore-gfp-highmem"
	echo 0 >"$FAULT_DEBUGFS/fail_page_alloc/min-order"
}

# fault_every <k>: true on every k-th step (for checks too slow for each).
fault_every() {
	[ $((FAULT_N % $1)) = 0 ]
}

# fault_restore: back to the kernel's defaults (nothing counts GFP_KERNEL).
fault_restore() {
	local t
	for t in failslab fail_page_alloc; do
		[ -d "$FAULT_DEBUGFS/$t" ] || continue
		echo Y >"$FAULT_DEBUGFS/$t/ignore-gfp-wait" 2>/dev/null || true
	done
	[ ! -d "$FAULT_DEBUGFS/fail_page_alloc" ] || echo 1 >"$FAULT_DEBUGFS/fail_page_alloc/min-order" 2>/dev/null || true
}

# fault_walk <name> <max> <prepare> <op> <check>: for N = 1, 2, ...: run
# <prepare> (no faults), then "<op> N" (prints the helper's line), then
# "<check> <injected y|n> <result ok|E...>", which fails the test if the
# system is not consistent and cleans up for the next step. Ends when a step
# ran without reaching its N-th point (that run must have succeeded), or
# fails after <max> steps. Prints how many points were failed and with what.
# FAULT_N is the step's N while <prepare>, <op> and <check> run.
FAULT_STEPS=0
FAULT_N=0
fault_walk() {
	local name=$1 max=$2 prepare=$3 op=$4 check=$5 n line injected result
	local -A seen=()
	step "$name: fail its allocations one by one"
	for ((n = 1; n <= max; n++)); do
		FAULT_N=$n
		"$prepare"
		line=$("$op" "$n") || fail "$name, fault $n: the helper failed: $line"
		[[ $line =~ ^injected=([yn])\ result=([A-Za-z0-9]+)$ ]] ||
			fail "$name, fault $n: unexpected helper output '$line'"
		injected=${BASH_REMATCH[1]}
		result=${BASH_REMATCH[2]}
		"$check" "$injected" "$result" || fail "$name, fault $n: check failed (injected=$injected result=$result)"
		if [ "$injected" = n ]; then
			[ "$result" = ok ] || fail "$name: without an injected fault (N=$n) it failed with $result"
			local summary="" r
			for r in "${!seen[@]}"; do summary+=" $r x${seen[$r]}"; done
			echo "$name: $((n - 1)) fault points failed one by one; outcomes:${summary:- none}"
			FAULT_STEPS=$((FAULT_STEPS + n - 1))
			return 0
		fi
		seen[$result]=$((${seen[$result]:-0} + 1))
		# A walk of the debug kernel takes many minutes: say how far it is,
		# so that a timed-out test names the walk and the step it was at.
		[ $((n % 50)) != 0 ] || echo "$name: $n fault points failed so far ($(date +%T))"
	done
	fail "$name: still reaching injected faults after $max steps"
}
