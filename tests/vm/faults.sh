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
# 1 once failslab counts only the caches booted with its flag (see below).
FAULT_CACHE_FILTER=0

# fault_setup <work dir>: build the fault-nth helper, make failslab and
# fail_page_alloc count every allocation (GFP_KERNEL included, order 0 too),
# quietly (one line per injected fault). Where the kernel was booted with
# the failslab flag on its caches but not on the debug machinery's
# (tests/vm/run gives the debug kernel slub_debug=A;-,kmemleak_*,...),
# failslab's cache-filter leaves those out: __should_failslab() returns
# before should_fail_ex(), so fail-nth does not count them, and kmemleak's
# object for every allocation no longer sits between two of ours.
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
	FAULT_CACHE_FILTER=0
	if [ "$(cat /sys/kernel/slab/kmalloc-64/failslab 2>/dev/null)" = 1 ]; then
		for t in kmemleak_object kmemleak_scan_area debug_objects_cache radix_tree_node; do
			[ "$(cat "/sys/kernel/slab/$t/failslab" 2>/dev/null || echo 0)" = 0 ] ||
				fail "the cache $t has the failslab flag: boot with slub_debug=A;-,kmemleak_*,debug_objects_cache,radix_tree_node"
		done
		echo Y >"$FAULT_DEBUGFS/failslab/cache-filter"
		FAULT_CACHE_FILTER=1
		echo "failslab: every cache but kmemleak's, debug objects' and radix_tree_node (cache-filter)"
	else
		echo N >"$FAULT_DEBUGFS/failslab/cache-filter"
		echo "failslab: every cache (kmalloc-64 has no failslab flag: booted without slub_debug=A;...)"
	fi
}

# _fault_pages <0|1>: whether fail_page_alloc counts (and fails) page
# allocations: 1 every order; 0 none (a min-order above the largest).
_fault_pages() {
	case $1 in
	1) echo 0 >"$FAULT_DEBUGFS/fail_page_alloc/min-order" ;;
	0) echo 32 >"$FAULT_DEBUGFS/fail_page_alloc/min-order" ;;
	*) fail "FAULT_PAGES is 0 or 1, not '$1'" ;;
	esac
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
	[ ! -d "$FAULT_DEBUGFS/failslab" ] || echo N >"$FAULT_DEBUGFS/failslab/cache-filter" 2>/dev/null || true
	[ ! -d "$FAULT_DEBUGFS/fail_page_alloc" ] || echo 1 >"$FAULT_DEBUGFS/fail_page_alloc/min-order" 2>/dev/null || true
}

# --- which points to fail ----------------------------------------------------
# A fault-free run of the operation is traced first: a kprobe on
# should_fail_ex(), where failslab, fail_page_alloc and fail-nth count every
# point, records each point's stack, in the order fail-nth numbers them
# (points hit in interrupt context, which fail-nth does not count, are left
# out). Before it the operation runs once untraced and undone (a warm-up):
# the first run after boot, or the first load of a module, pays first-time
# costs (new slab and vmalloc pages, kmemleak and KASAN metadata, the module
# loader's caches) that later runs do not, and its count would not describe
# them. _fault_annotate then classes each point:
#  - debug machinery, not a call our code makes: a stack with a frame of
#    kmemleak's bookkeeping (__create_object, create_object, kmemleak_*,
#    add_scan_area), KASAN's (the stack depot, kasan_* such as the shadow of
#    a vmalloc area) or debug objects' pool (fill_pool, debug_object_*);
#    they come and go with the state of those caches, and failing one fails
#    no call of ours (kmemleak falls back to its pool, KASAN skips a stack);
#  - a refill: a page for a slab (allocate_slab, new_slab) or for the
#    kfree_rcu or per-cpu allocators, taken only when a cache is empty; the
#    allocation it serves has a point of its own (its failslab point),
#    which stays;
#  - every other point is stable: it is known by its call site, the
#    innermost frame of ours with its offset (or "kernel:" and the first
#    frame past the allocator when no frame of ours is on the stack), the
#    first frame past the allocator, and which occurrence of that pair it
#    is among the run's stable points. Frames of a module's init code,
#    freed after the load, are bare addresses; they count as "init".
# fault_select picks among the stable points:
#  - only points under a frame matching <scope> (e.g. do_init_module for a
#    load: the module loader's own allocations before it are the kernel's);
#  - every point allocated directly by a function of ours (the first frame
#    past the allocator is in one of our modules, or a bare address);
#  - of a call from a site of ours into the kernel, its first point and then
#    every FAULT_STRIDE-th: they all fail that same call of ours;
#  - every point of code with no frame of ours inside the scope (e.g. what
#    the module loader does after our init), 1 in FAULT_STRIDE likewise.
# FAULT_STRIDE=1 fails every stable point in scope.
# FAULT_SPARE (a regex of frames, e.g. "device_add_disk") ends the walk at
# the first point under such a frame, less the FAULT_SPARE_MARGIN (3)
# points before it, as a run drifts by a point or two: a path whose failure
# the kernel itself does not survive on the debug kernel (19-kernel-faults
# says which). Every point past it is left out too: how many points such a
# call makes varies from run to run (uevent listeners, the page cache, a
# refill), by more than any margin (seen: 4 in register_netdevice, 5 and
# more in device_add_disk), so a number past it may land inside it. A step
# whose failed point still lies under one fails the test at once, naming
# it, before the damage shows elsewhere.
FAULT_TRACEFS=/sys/kernel/tracing
FAULT_KPROBE=mdevvirtio_fault_point
FAULT_STRIDE=${FAULT_STRIDE:-8}
FAULT_OURS='mdev_virtio|mvsim|virtio_mdev|vhost_mdev'
FAULT_DEBUG_FRAMES='__create_object|create_object|kmemleak_[a-z_]+|add_scan_area|__stack_depot_save|stack_depot_save|__kasan_[a-z_]+|kasan_[a-z_]+|fill_pool|debug_objects_fill_pool|__debug_object_init|debug_object_[a-z_]+'
FAULT_REFILL_FRAMES='allocate_slab|new_slab|kvfree_call_rcu|add_ptr_to_bulk_krc_lock|fill_page_cache_func|pcpu_create_chunk|pcpu_populate_chunk|pcpu_balance_workfn'
# Attempts at one chosen point (its number can move by a point or two).
FAULT_TRIES=${FAULT_TRIES:-4}

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

# _fault_annotate <trace> <scope-regex>: one line per point of <trace>
# (tab-separated): N, class (S stable, D debug machinery, R refill), in
# scope (1/0), occurrence of its key among the stable points (0 if not
# stable), key (site~first frame), site (init code as "init+<offset in its
# page>"; "kernel:<first frame>" without a frame of ours), how to name it ("[<site of ours>] <first frame past the allocator>"), direct
# (1: allocated by a function of ours), stable points up to it, spared
# (1: under a frame of FAULT_SPARE).
_fault_annotate() {
	awk -F, -v scope="$2" -v spare="${FAULT_SPARE:-}" -v ours="[[]($FAULT_OURS)[]]\$|^0x[0-9a-f]+\$" \
		-v dbg="(^|,)($FAULT_DEBUG_FRAMES)\\\\+" -v refill="(^|,)($FAULT_REFILL_FRAMES)\\\\+" '
	BEGIN {
		OFS = "\t"
		alloc = "^(should_fail|__should_fail|should_failslab|__should_failslab|should_fail_alloc_page|" \
			"fail_dump|slab_pre_alloc_hook|slab_alloc|slab_alloc_node|__slab_alloc|___slab_alloc|" \
			"kmem_cache_alloc|__kmem_cache_alloc|kmalloc|__kmalloc|kvmalloc|kvzalloc|kzalloc|kcalloc|" \
			"krealloc|__krealloc|kmemdup|kstrdup|kstrndup|kvasprintf|kasprintf|new_slab|allocate_slab|" \
			"alloc_slab_page|__alloc_pages|alloc_pages|prepare_alloc_pages|__get_free_pages|" \
			"get_zeroed_page|alloc_pages_exact|__folio_alloc|folio_alloc|__vmalloc|vmalloc|vzalloc|" \
			"__get_vm_area|alloc_vmap_area|" \
			"kprobe|__kprobe|ftrace|trace|__trace|event_|stack_trace|arch_stack_walk|" \
			"asm_exc_int3|exc_int3|do_int3|poke_int3)"
	}
	# A frame of init code, a bare address: "init+" and its offset in the
	# page (the init section is page-aligned; its address changes).
	function norm(f) { return f ~ /^0x[0-9a-f]+$/ ? "init+" substr(f, length(f) - 2) : f }
	{
		cls = ($0 ~ dbg) ? "D" : ($0 ~ refill) ? "R" : "S"
		insc = (scope == "" || $0 ~ ("(^|,)(" scope ")(\\+|,|$)")) ? 1 : 0
		spared = (spare != "" && $0 ~ ("(^|,)(" spare ")(\\+|,|$)")) ? 1 : 0
		first = ""; site = ""
		for (i = 1; i <= NF; i++) {
			fn = $i; sub(/\+.*/, "", fn)
			if (first == "" && fn !~ alloc)
				first = $i
			if ($i ~ ours) { site = $i; break }
		}
		direct = (first ~ ours) ? 1 : 0
		if (site == "")
			site = "kernel:" first
		nsite = site ~ /^kernel:/ ? site : norm(site)
		key = nsite "~" norm(first)
		name = (site ~ /^kernel:/ || site == first ? "" : site " ") first
		j = 0
		if (cls == "S") { j = ++occ[key]; stable++ }
		print NR, cls, insc, j, key, nsite, name, direct, stable + 0, spared
	}' "$1"
}

# fault_select <annotated trace>: prints the points to fail (see above),
# one a line (tab-separated): "<N> <occurrence> <key> <stable points up
# to it> <site> <name>", then a last line "total=<points in the run>
# scope=<in scope> debug=<debug machinery in scope> refill=<refills in
# scope> direct=<ours directly> sites=<sites of ours> selected=<to fail>
# spared=<left out by FAULT_SPARE: from its margin before the first such
# point to the end>".
fault_select() {
	awk -F'\t' -v stride="$FAULT_STRIDE" -v margin="${FAULT_SPARE_MARGIN:-3}" '
	BEGIN { OFS = "\t" }
	NR == FNR { if ($10 == 1 && from == "") from = $1 - margin; next }
	{ total++ }
	from != "" && $1 >= from { spared++; next }
	$3 != 1 { next }
	{ inscope++ }
	$2 == "D" { debug++; next }
	$2 == "R" { refill++; next }
	{
		pick = 0
		if ($8 == 1) { pick = 1; direct++ }
		if ($6 != last) { run = 0; last = $6; if ($6 !~ /^kernel:/) sites++ }
		if (run % stride == 0) pick = 1
		run++
		if (pick) { print $1, $4, $5, $9, $6, $7; selected++ }
	}
	END { printf "total=%d scope=%d debug=%d refill=%d direct=%d sites=%d selected=%d spared=%d\n", total, inscope, debug, refill, direct, sites, selected, spared }' "$1" "$1"
}

# _fault_near_spared <annotated trace> <N>: whether point N of that run is
# at, past, or within FAULT_SPARE_MARGIN (3) before, a spared point.
_fault_near_spared() {
	awk -F'\t' -v n="$2" -v margin="${FAULT_SPARE_MARGIN:-3}" '
	$10 == 1 && $1 <= n + margin { found = 1 }
	END { exit !found }' "$1"
}

# _fault_locate <annotated step trace> <N> <key> <occurrence> <stable
# points up to it> <injected y|n> <site>: where the chosen point was in a
# step (tab-separated "<verdict> <N to try next> <name of the N-th point>"):
# "hit" (the N-th point, the failed one, is it), "site" (it is another
# point of the same call site: the same call of ours failed, as good; of a
# point with no frame of ours, the same kernel function), "at" (it came earlier in
# this run, at the given N; of a run that reached no injected point, the
# whole run counts, else only the fault-free part before N), "after" (it
# comes later: the N-th point was among the stable ones before it), "none"
# (this run, reaching no injected point, did not have it), "unnamed" (as
# good as "hit": a failed load takes our module's symbols with it, so the
# step's frames of ours are bare addresses where the trace, read after a
# load that succeeded, has names; the N-th point calls the same kernel
# function and has as many stable points before it, less the shift of N
# from the trace's <trace N>).
_fault_locate() {
	awk -F'\t' -v n="$2" -v key="$3" -v j="$4" -v s="$5" -v injected="$6" -v site="$7" -v t="$8" '
	BEGIN { OFS = "\t"; got = "-" }
	$1 == n {
		got = $7
		callee = key; sub(/^.*~/, "", callee)
		if ($2 == "S" && $5 == key && $4 == j)
			hit = 1
		else if ($2 == "S" && $6 == site)
			hit = 2
		else if ($2 == "S" && $6 ~ /^init[+]/ && site !~ /^kernel:/ && $5 == $6 "~" callee && $9 - s == n - t)
			hit = 3
	}
	$1 <= n && $2 == "S" { sc = $9 }
	$1 < n && !m && $2 == "S" && $5 == key && $4 == j { m = $1 }
	END {
		if (hit == 1)
			print "hit", n, got
		else if (hit == 3)
			print "unnamed", n, got
		else if (hit == 2)
			print "site", n, got
		else if (m)
			print "at", m, got
		else if (injected == "y")
			print "after", n + (s - sc > 1 ? s - sc : 1), got
		else
			print "none", 0, got
	}' "$1"
}

# fault_walk <name> <max> <prepare> <op> <check> [<scope>]: fails the
# selected fault points of "<op> N" one at a time: for each, <prepare> (no
# faults), then "<op> N" (prints the helper's line), then "<check>
# <injected y|n> <result ok|E...>", which fails the test if the system is
# not consistent and cleans up for the next step. Each step is traced: the
# helper must have reached its N-th point (fail-nth consumed: the fault was
# injected), and the N-th point of the step's own trace, the one that
# failed, is named and compared with the point chosen (by call site and
# occurrence, _fault_annotate). Where the run had a point more or less
# before it (debug machinery that is not classed so, or a cache), the step
# still failed a real point and was checked; N is corrected from the step's
# trace (the chosen point came earlier: its N there; later: N plus the
# stable points still missing; and, after two corrections the same way,
# as far again, as runs drift in one direction) and the point tried again,
# at most FAULT_TRIES times, and the correction carries over to the next
# points. A chosen point not failed after that counts as missed; over a
# quarter of them missed fails the walk. The warm-up and the traced run are steps
# too: "<check> n ok" follows them. Without a kprobe (or with
# FAULT_STRIDE=1 and no scope) every point is failed, 1, 2, ..., until a
# run reaches none, at most <max>. Prints how many points were failed,
# where and with what outcome, and the time taken.
# FAULT_PAGES=0 (e.g. "FAULT_PAGES=0 fault_walk ...") leaves page
# allocations out of the walk, uncounted by fail-nth: for a path whose own
# calls allocate from slab caches only, whose page allocations (a module
# image's vmalloc pages and KASAN shadow, a split of a large page, a new
# slab, the stack depot's pool) come and go with the state of the system.
# FAULT_N is the step's N while <prepare>, <op> and <check> run, FAULT_K
# the step's number in the walk (1, 2, ...).
FAULT_STEPS=0
FAULT_N=0
FAULT_K=0
FAULT_REPORT=()
fault_walk() {
	local name=$1 max=$2 prepare=$3 op=$4 check=$5 scope=${6:-} n line injected result
	local -A seen=()
	local t0=$SECONDS where=() stats="" k=0 summary="" r traced=0
	local hit=0 moved=0 missed=0 selected=0 drift=0 tries verdict next got
	local t j key s site label ours_missed=0 ours_selected=0 d last_d pages=${FAULT_PAGES:-1}
	step "$name: fail its allocations one by one"
	_fault_pages "$pages"
	if [ -d "$FAULT_TRACEFS" ] && { [ "$FAULT_STRIDE" != 1 ] || [ -n "$scope" ]; }; then
		traced=1
	fi
	[ -z "${FAULT_SPARE:-}" ] || [ "$traced" = 1 ] ||
		fail "$name: FAULT_SPARE=$FAULT_SPARE needs a traced walk (tracefs, and FAULT_STRIDE above 1 or a scope)"
	# _fault_step <N>: one step; sets injected and result, and in a traced
	# walk leaves the step's annotated trace in fault-step.a.
	_fault_step() {
		FAULT_N=$1
		FAULT_K=$((FAULT_K + 1))
		"$prepare"
		[ "$traced" = 0 ] || fault_trace_on
		line=$(FAULT_NTH_MARK=$traced "$op" "$1") || fail "$name, fault $1: the helper failed: $line"
		[ "$traced" = 0 ] || fault_trace_off "$PWD/fault-step"
		[[ $line =~ ^injected=([yn])\ result=([A-Za-z0-9]+)$ ]] ||
			fail "$name, fault $1: unexpected helper output '$line'"
		injected=${BASH_REMATCH[1]}
		result=${BASH_REMATCH[2]}
		if [ "$traced" = 1 ]; then
			_fault_annotate "$PWD/fault-step" "" >"$PWD/fault-step.a"
			[ "$injected" = n ] || [ "$(wc -l <"$PWD/fault-step.a")" -ge "$1" ] ||
				fail "$name, fault $1: injected, but the step's trace has $(wc -l <"$PWD/fault-step.a") points"
			[ "$injected" = n ] || ! awk -F'\t' -v n="$1" '$1 == n && $10 == 1 { found = 1 } END { exit !found }' "$PWD/fault-step.a" ||
				fail "$name, fault $1: the run drifted onto a spared point (FAULT_SPARE=$FAULT_SPARE): $(awk -F'\t' -v n="$1" '$1 == n { print $7 }' "$PWD/fault-step.a")"
		fi
		"$check" "$injected" "$result" || fail "$name, fault $1: check failed (injected=$injected result=$result)"
		if [ "$injected" = n ]; then
			[ "$result" = ok ] || fail "$name: without an injected fault (N=$1) it failed with $result"
		else
			k=$((k + 1))
			seen[$result]=$((${seen[$result]:-0} + 1))
		fi
	}
	FAULT_K=0
	if [ "$traced" = 1 ]; then
		FAULT_N=0
		# The warm-up: the same operation, untraced, nothing injected.
		"$prepare"
		line=$("$op" 0) || fail "$name: the warm-up run failed: $line"
		[[ $line == "injected=n result=ok" ]] || fail "$name: the warm-up run failed: $line"
		"$check" n ok || fail "$name: the check after the warm-up run failed"
		"$prepare"
		_fault_check=$check
		fault_trace "$op" _fault_trace_check "$PWD/fault-trace"
		_fault_annotate "$PWD/fault-trace" "$scope" >"$PWD/fault-trace.a"
		_fault_keep "$PWD/fault-trace.a" trace
		mapfile -t where < <(fault_select "$PWD/fault-trace.a")
		stats=${where[-1]}
		unset 'where[-1]'
		selected=${#where[@]}
		stats+=" pages=$pages cache-filter=$FAULT_CACHE_FILTER"
		echo "$name: $stats (stride $FAULT_STRIDE${scope:+, scope $scope})"
		[ "$selected" -gt 0 ] || fail "$name: no point to fail in the trace; its first points:
$(head -n 3 "$PWD/fault-trace")
and the last:
$(tail -n 1 "$PWD/fault-trace")"
		for line in "${where[@]}"; do
			IFS=$'\t' read -r t j key s site label <<<"$line"
			[[ $site == kernel:* ]] || ours_selected=$((ours_selected + 1))
			n=$((t + drift))
			[ "$n" -ge 1 ] || n=1
			last_d=0
			for ((tries = 1; ; tries++)); do
				_fault_step "$n"
				IFS=$'\t' read -r verdict next got < <(_fault_locate "$PWD/fault-step.a" "$n" "$key" "$j" "$s" "$injected" "$site" "$t")
				_fault_keep "$PWD/fault-step.a" "step-$FAULT_K-$n"
				if [ "$verdict" = hit ] || [ "$verdict" = site ] || [ "$verdict" = unnamed ]; then
					if [ "$n" = "$((t + drift))" ] && [ "$tries" = 1 ] && [ "$verdict" != site ]; then
						r=
						[ "$verdict" = hit ] || r=" (the trace's $label, unnamed as the load failed)"
						echo "$name: point $n: $got$r"
					else
						r=
						[ "$verdict" != site ] || r=", the same call site"
						echo "$name: point $n: $got (the trace's $t, try $tries$r)"
						moved=$((moved + 1))
					fi
					hit=$((hit + 1))
					drift=$((n - t))
					break
				fi
				if [ "$injected" = y ]; then
					echo "$name: point $n: $got, not the trace's $t ($label): $verdict $next"
				else
					echo "$name: point $n not reached: this run had $(wc -l <"$PWD/fault-step.a") points, the trace $(wc -l <"$PWD/fault-trace.a"): $verdict $next"
				fi
				if [ "$verdict" = none ] || [ "$tries" -ge "$FAULT_TRIES" ]; then
					echo "$name: the trace's point $t ($label) missed"
					missed=$((missed + 1))
					[[ $site == kernel:* ]] || ours_missed=$((ours_missed + 1))
					break
				fi
				# The next try is where this run had the point. Runs drift
				# by a point a run at times (a cache that grows or drains
				# load after load): where the point moved the same way
				# twice, the next run has it about as far again. Where it
				# jitters by one either way from run to run, that guess
				# overshoots both ways in turn (at 226 after trying 227,
				# after 226 when trying 225, 227 again...) and never tries
				# where it was: so never extrapolate on a first correction
				# or after one the other way.
				d=$((next - n))
				[ "$d" -le 2 ] || d=2
				[ "$d" -ge -2 ] || d=-2
				if [ "$tries" -ge 2 ] && [ $((d * last_d)) -gt 0 ]; then
					n=$((next + d))
				else
					n=$next
				fi
				last_d=$d
				[ "$n" -ge 1 ] || n=1
				# Never a try at or near a spared point of the last run
				# (its numbering is the best guess of the next one's):
				# the point where it was found then, or a miss.
				if [ -n "${FAULT_SPARE:-}" ] && _fault_near_spared "$PWD/fault-step.a" "$n"; then
					if [ "$next" -lt 1 ] || _fault_near_spared "$PWD/fault-step.a" "$next"; then
						echo "$name: the trace's point $t ($label) missed: its next try, $n, lies at a spared point of the last run"
						missed=$((missed + 1))
						[[ $site == kernel:* ]] || ours_missed=$((ours_missed + 1))
						break
					fi
					n=$next
				fi
			done
			[ $((k % 50)) != 0 ] || echo "$name: $k fault points failed so far, at $n ($(date +%T))"
		done
		[ $((ours_missed * 4)) -le "$ours_selected" ] ||
			fail "$name: $ours_missed of the $ours_selected points selected at call sites of ours were missed: the trace does not describe the runs"
	else
		n=0
		while :; do
			n=$((n + 1))
			[ "$k" -le "$max" ] || fail "$name: still reaching injected faults after $max steps"
			_fault_step "$n"
			[ "$injected" = y ] || break
			# A walk of the debug kernel takes many minutes: say how far
			# it is, so that a timed-out test names the walk and the step.
			[ $((k % 50)) != 0 ] || echo "$name: $k fault points failed so far, at $n ($(date +%T))"
		done
	fi
	for r in "${!seen[@]}"; do summary+=" $r x${seen[$r]}"; done
	line="$name: $k faults injected"
	if [ "$traced" = 1 ]; then
		line+=" at $selected points selected ($stats): hit $hit (after a correction or at another point of the same call site $moved), missed $missed ($ours_missed at sites of ours)"
	else
		line+=", every point up to $((n - 1))"
	fi
	line+="; outcomes:${summary:- none}; $((SECONDS - t0))s"
	echo "$line"
	FAULT_REPORT+=("$line")
	FAULT_STEPS=$((FAULT_STEPS + k))
	_fault_pages 1
}

# _fault_keep <file> <what>: a copy in FAULT_KEEP (if set; e.g. the test's
# artifacts directory), named after the walk: traces to read after a run.
FAULT_KEEP=${FAULT_KEEP:-}
_fault_keep() {
	[ -n "$FAULT_KEEP" ] || return 0
	mkdir -p "$FAULT_KEEP" && cp "$1" "$FAULT_KEEP/${name// /_}-$2" || true
}

# The default undo of a traced run: the step's own check, on success.
_fault_check=
_fault_trace_check() { "$_fault_check" n ok; }
