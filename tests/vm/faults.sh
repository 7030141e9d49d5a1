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

# fault_every <k>: true on every k-th step of a walk (for checks too slow
# for each).
fault_every() {
	[ $((FAULT_K % $1)) = 0 ]
}

# fault_restore: back to the kernel's defaults (nothing counts GFP_KERNEL,
# no kprobe of ours).
fault_restore() {
	local t ev=$FAULT_TRACEFS/events/kprobes/$FAULT_KPROBE
	if [ -d "$ev" ]; then
		echo 0 >"$ev/enable" 2>/dev/null || true
		echo '!stacktrace' >"$ev/trigger" 2>/dev/null || true
		echo "-:$FAULT_KPROBE" >>"$FAULT_TRACEFS/kprobe_events" 2>/dev/null || true
		echo 1 >/proc/sys/debug/kprobes-optimization 2>/dev/null || true
		echo 0 >"$FAULT_TRACEFS/options/sym-offset" 2>/dev/null || true
	fi
	for t in failslab fail_page_alloc; do
		[ -d "$FAULT_DEBUGFS/$t" ] || continue
		echo Y >"$FAULT_DEBUGFS/$t/ignore-gfp-wait" 2>/dev/null || true
	done
	[ ! -d "$FAULT_DEBUGFS/fail_page_alloc" ] || echo 1 >"$FAULT_DEBUGFS/fail_page_alloc/min-order" 2>/dev/null || true
}

# --- which points to fail ----------------------------------------------------
# A fault-free run of the operation is traced first: a kprobe on
# should_fail_ex(), where failslab, fail_page_alloc and fail-nth count every
# point, records each point's stack, in the order fail-nth numbers them
# (points hit in interrupt context, which fail-nth does not count, are left
# out). fault_select then picks the points to fail:
#  - only points under a frame matching <scope> (e.g. do_init_module for a
#    load: the module loader's own allocations before it are the kernel's);
#  - every point allocated directly by a function of ours (the first frame
#    past the allocator is in one of our modules, or a bare address: the
#    trace is read after a load, when the module's init code is freed);
#  - of a call from a site of ours into the kernel (the innermost frame of
#    ours, with its offset, is the site), its first point and then every
#    FAULT_STRIDE-th: they all fail that same call of ours;
#  - every point of code with no frame of ours inside the scope (e.g. what
#    the module loader does after our init), 1 in FAULT_STRIDE likewise.
# FAULT_STRIDE=1 fails every point in scope.
FAULT_TRACEFS=/sys/kernel/tracing
FAULT_KPROBE=mdevvirtio_fault_point
FAULT_STRIDE=${FAULT_STRIDE:-8}
FAULT_OURS='mdev_virtio|mvsim|virtio_mdev|vhost_mdev'

# fault_trace_on: starts recording every fault point the helper reaches
# (the kprobe and its stack trace trigger are set up the first time).
fault_trace_on() {
	local tr=$FAULT_TRACEFS ev=$FAULT_TRACEFS/events/kprobes/$FAULT_KPROBE
	[ -d "$tr/events" ] || mount -t tracefs tracefs "$tr" || fail "no tracefs at $tr"
	echo 0 >"$tr/tracing_on"
	if [ ! -d "$ev" ]; then
		echo "p:$FAULT_KPROBE should_fail_ex" >>"$tr/kprobe_events" ||
			fail "cannot put a kprobe on should_fail_ex (CONFIG_KPROBE_EVENTS)"
		echo 16384 >"$tr/buffer_size_kb"
		# Offsets tell two calls from one function apart. They also
		# print the marker's line as "tracing_mark_write+0x../0x..:".
		echo 1 >"$tr/options/sym-offset"
		# The trigger's own condition too: an unconditional trigger fires
		# before the event's filter, for every caller.
		echo 'comm == "fault-nth"' >"$ev/filter"
		grep -q '^stacktrace' "$ev/trigger" || echo 'stacktrace if comm == "fault-nth"' >"$ev/trigger" ||
			fail "cannot set a stacktrace trigger on $ev"
		# Optimised (jump) kprobes leave a trampoline the unwinder cannot pass.
		echo 0 >/proc/sys/debug/kprobes-optimization
	fi
	echo >"$tr/trace"
	echo 1 >"$ev/enable"
	echo 1 >"$tr/tracing_on"
}

# fault_trace_off <file>: stops recording; writes one line per fault point
# that fail-nth counted to <file>: "<frame>,<frame>,..." (innermost first;
# the point's number is its line number).
fault_trace_off() {
	local out=$1 tr=$FAULT_TRACEFS line
	echo 0 >"$tr/tracing_on"
	echo 0 >"$tr/events/kprobes/$FAULT_KPROBE/enable"
	# "# entries-in-buffer/entries-written: 812/812": nothing was lost.
	line=$(grep -m1 'entries-in-buffer/entries-written' "$tr/trace")
	[[ $line =~ ([0-9]+)/([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] ||
		fail "the trace of the fault points lost events: $line"
	awk '
	function flush() {
		# The kprobe machinery up to the probed should_fail_ex() goes.
		sub(/^.*(^|,)should_fail_ex\+[^,]*,?/, "", frames)
		if (frames != "" && frames !~ /(^|,)(asm_common_interrupt|asm_sysvec_[a-z_]+|__do_softirq|irq_exit_rcu|__irq_exit_rcu)\+/)
			print frames
		frames = ""
	}
	/ tracing_mark_write[+\/0-9a-fx]*: fault-nth: begin$/ { flush(); counting = 1; instack = 0; next }
	/ tracing_mark_write[+\/0-9a-fx]*: fault-nth: end$/ { flush(); counting = 0; instack = 0; next }
	/<stack trace>/ { flush(); instack = counting; next }
	/^ => / { if (instack) { f = substr($0, 5); gsub(/ /, "", f); frames = frames (frames == "" ? "" : ",") f }; next }
	{ flush(); instack = 0 }
	END { flush() }' "$tr/trace" >"$out"
	grep -q ' tracing_mark_write[+/0-9a-fx]*: fault-nth: end$' "$tr/trace" ||
		fail "the trace has no end marker of the helper (FAULT_NTH_MARK): $(grep -c . "$tr/trace") lines"
	echo >"$tr/trace"
}

# fault_trace <op> <undo> <file>: runs "<op> 1000000" (fail-nth counting,
# never reaching its point) traced, then <undo>; writes its points to
# <file> (fault_trace_off).
fault_trace() {
	local op=$1 undo=$2 out=$3 line
	fault_trace_on
	# The helper marks where fail-nth counts (not its own exec and set-up).
	line=$(FAULT_NTH_MARK=1 "$op" 1000000)
	fault_trace_off "$out"
	[[ $line == "injected=n result=ok"* ]] || fail "the traced fault-free run failed: $line"
	"$undo"
	[ -s "$out" ] || fail "the trace of $op recorded no fault point"
}

# fault_select <trace> <scope-regex>: prints the points to fail (see above),
# one a line, "<N> [<site of ours>] <first frame past the allocator>", then
# a last line "total=<points in the run>
# scope=<in scope> direct=<ours directly> sites=<sites of ours>
# selected=<to fail>".
fault_select() {
	awk -F, -v stride="$FAULT_STRIDE" -v scope="$2" -v ours="[[]($FAULT_OURS)[]]\$|^0x[0-9a-f]+\$" '
	BEGIN {
		alloc = "^(should_fail|__should_fail|fail_dump|slab_pre_alloc_hook|slab_alloc|__slab_alloc|___slab_alloc|" \
			"kmem_cache_alloc|__kmem_cache_alloc|kmalloc|__kmalloc|kvmalloc|kvzalloc|kzalloc|kcalloc|" \
			"krealloc|__krealloc|kmemdup|kstrdup|kstrndup|kvasprintf|kasprintf|new_slab|allocate_slab|" \
			"alloc_slab_page|__alloc_pages|alloc_pages|prepare_alloc_pages|__get_free_pages|" \
			"get_zeroed_page|alloc_pages_exact|__folio_alloc|folio_alloc|__vmalloc|vmalloc|vzalloc|" \
			"__get_vm_area|alloc_vmap_area|" \
			"kprobe|__kprobe|ftrace|trace|__trace|event_|stack_trace|arch_stack_walk|" \
			"asm_exc_int3|exc_int3|do_int3|poke_int3)"
	}
	{
		n = NR
		if (scope != "" && $0 !~ ("(^|,)(" scope ")(\\+|,|$)"))
			next
		inscope++
		first = ""; site = ""
		for (i = 1; i <= NF; i++) {
			fn = $i; sub(/\+.*/, "", fn)
			if (first == "" && fn !~ alloc)
				first = $i
			if ($i ~ ours) { site = $i; break }
		}
		if (site == "")
			site = "kernel:" first
		pick = 0
		if (first ~ ours) { pick = 1; direct++ }
		if (site != last) { run = 0; last = site; if (site !~ /^kernel:/) sites++ }
		if (run % stride == 0) pick = 1
		run++
		if (pick) { print n, (site ~ /^kernel:/ || site == first ? "" : site " ") first; selected++ }
	}
	END { printf "total=%d scope=%d direct=%d sites=%d selected=%d\n", NR, inscope, direct, sites, selected }' "$1"
}

# fault_walk <name> <max> <prepare> <op> <check> [<scope>]: fails
# the selected fault points of "<op> N" one at a time: for each, <prepare>
# (no faults), then "<op> N" (prints the helper's line), then "<check>
# <injected y|n> <result ok|E...>", which fails the test if the system is
# not consistent and cleans up for the next step. Each step is traced too:
# the helper must have reached its N-th point (fail-nth consumed: the fault
# was injected), and the N-th point of the step's own trace, the one that
# failed, is compared with the point chosen from the fault-free trace. The
# kernel's debug code allocates now and then on its own (debug objects'
# pool, KASAN's stack depot, a new slab page), so a run may have a point
# more or less than the trace: such a step still failed a real point (it
# is named and counted), and a selected point past the end of a shorter
# run is counted as missed; more than a quarter of them missed fails.
# After the selected points N goes on from the trace's last point + 1 until
# a run reaches no injected point, which must succeed. Without a kprobe (or
# with FAULT_STRIDE=1 and no scope) every point is failed, 1, 2, ..., until
# a run reaches none, at most <max>. The traced run is a step too: "<check>
# n ok" follows it. Prints how many points were failed, where and with what
# outcome, and the time taken.
# FAULT_N is the step's N while <prepare>, <op> and <check> run, FAULT_K
# the step's number in the walk (1, 2, ...).
FAULT_STEPS=0
FAULT_N=0
FAULT_K=0
FAULT_REPORT=()
fault_walk() {
	local name=$1 max=$2 prepare=$3 op=$4 check=$5 scope=${6:-} n line injected result
	local -A seen=()
	local t0=$SECONDS points=() where=() stats="" total=0 k=0 summary="" r traced=0
	local confirmed=0 moved=0 missed=0 selected=0 i=0 got
	local -A at=()
	step "$name: fail its allocations one by one"
	if [ -d "$FAULT_TRACEFS" ] && { [ "$FAULT_STRIDE" != 1 ] || [ -n "$scope" ]; }; then
		traced=1
		FAULT_N=0
		FAULT_K=0
		"$prepare"
		_fault_check=$check
		fault_trace "$op" _fault_trace_check "$PWD/fault-trace"
		mapfile -t where < <(fault_select "$PWD/fault-trace" "$scope")
		stats=${where[-1]}
		unset 'where[-1]'
		for line in "${where[@]}"; do
			points+=("${line%% *}")
			at[${line%% *}]=${line#* }
		done
		selected=${#points[@]}
		total=${stats#total=}
		total=${total%% *}
		echo "$name: $stats (stride $FAULT_STRIDE${scope:+, scope $scope})"
		[ "$selected" -gt 0 ] || fail "$name: no point to fail in the trace; its first points:
$(head -n 3 "$PWD/fault-trace")
and the last:
$(tail -n 1 "$PWD/fault-trace")"
	fi
	n=0
	while :; do
		# The selected points, then every N past them until none is reached.
		if [ "$i" -lt "${#points[@]}" ]; then
			n=${points[$i]}
			i=$((i + 1))
		elif [ "$traced" = 1 ] && [ "$n" -lt "$total" ]; then
			n=$((total + 1))
		else
			n=$((n + 1))
		fi
		[ "$k" -le "$max" ] || fail "$name: still reaching injected faults after $max steps"
		FAULT_N=$n
		FAULT_K=$((k + 1))
		"$prepare"
		[ "$traced" = 0 ] || fault_trace_on
		line=$(FAULT_NTH_MARK=$traced "$op" "$n") || fail "$name, fault $n: the helper failed: $line"
		[ "$traced" = 0 ] || fault_trace_off "$PWD/fault-step"
		[[ $line =~ ^injected=([yn])\ result=([A-Za-z0-9]+)$ ]] ||
			fail "$name, fault $n: unexpected helper output '$line'"
		injected=${BASH_REMATCH[1]}
		result=${BASH_REMATCH[2]}
		if [ "$traced" = 1 ]; then
			# Where the step's N-th point, the failed one, was.
			got=$(FAULT_STRIDE=1 fault_select "$PWD/fault-step" "" | awk -v n="$n" '$1 == n { $1 = ""; sub(/^ /, ""); print }')
			if [ "$injected" = y ]; then
				[ -n "$got" ] || fail "$name, fault $n: injected, but the step's trace has $(wc -l <"$PWD/fault-step") points"
				if [ -z "${at[$n]:-}" ]; then
					echo "$name: point $n (past the trace's $total): $got"
				elif [ "$(_fault_init_frames "$got")" = "$(_fault_init_frames "${at[$n]}")" ]; then
					confirmed=$((confirmed + 1))
					echo "$name: point $n: $got"
				else
					moved=$((moved + 1))
					echo "$name: point $n: $got (the trace had ${at[$n]})"
				fi
			else
				[ -z "$got" ] || fail "$name, fault $n: not injected, but the step's trace reached it: $got"
			fi
		fi
		"$check" "$injected" "$result" || fail "$name, fault $n: check failed (injected=$injected result=$result)"
		if [ "$injected" = n ]; then
			[ "$result" = ok ] || fail "$name: without an injected fault (N=$n) it failed with $result"
			if [ "$n" -le "$total" ]; then
				# A selected point past the end of this (shorter) run.
				missed=$((missed + 1))
				echo "$name: point $n not reached: this run had $(($(wc -l <"$PWD/fault-step"))) points, the trace $total"
				continue
			fi
			break
		fi
		k=$((k + 1))
		seen[$result]=$((${seen[$result]:-0} + 1))
		# A walk of the debug kernel takes many minutes: say how far it is,
		# so that a timed-out test names the walk and the step it was at.
		[ $((k % 50)) != 0 ] || echo "$name: $k fault points failed so far, at $n ($(date +%T))"
	done
	[ $((missed * 4)) -le "$selected" ] ||
		fail "$name: $missed of the $selected selected points were not reached: the trace does not describe the runs"
	for r in "${!seen[@]}"; do summary+=" $r x${seen[$r]}"; done
	line="$name: $k fault points failed one by one, up to $((n - 1))"
	[ "$traced" = 0 ] || line+=" ($selected selected of $total; at the traced point $confirmed, moved $moved, missed $missed)"
	line+="; outcomes:${summary:- none}; $((SECONDS - t0))s"
	echo "$line"
	FAULT_REPORT+=("$line")
	FAULT_STEPS=$((FAULT_STEPS + k))
}

# _fault_init_frames <where>: <where> with bare addresses (freed init
# code, loaded elsewhere by each load) as "init".
_fault_init_frames() {
	sed -E 's/(^| )0x[0-9a-f]+/\1init/g' <<<"$1"
}

# The default undo of a traced run: the step's own check, on success.
_fault_check=
_fault_trace_check() { "$_fault_check" n ok; }
