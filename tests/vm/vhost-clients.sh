# shellcheck shell=bash
# Real, unmodified vhost-vdpa clients from Debian 12 driven against a vhost
# character device, for VM tests. Source it after lib.sh:
#   . "$MDEVVIRTIO_SRC/tests/vm/lib.sh"
#   . "$MDEVVIRTIO_SRC/tests/vm/vhost-clients.sh"
#
# Every client function takes the node (e.g. /dev/vhost-vdpa-0 or
# /dev/vhost-mdev-0) and a work directory it owns (logs, fifos, sockets,
# pid files), returns 0 when what it asserts held and otherwise prints
# "vhost-clients: ..." naming what went wrong and returns 1. Nothing here
# exits, so a caller can clean up; `vc_cleanup <workdir>` ends whatever a
# function left running in that directory (call it from an EXIT trap).
#
# "The other side" of the node is the caller's: upstream vdpa_sim_net loops
# every frame a client sends back to the same client (no peer interface);
# a cabled device of ours has a peer virtio_net interface on the guest's own
# stack, which the vc_peer_* helpers (python3 AF_PACKET sockets) feed and
# count. Frames the helpers send carry the IEEE local-experimental ethertype
# 0x88b5 and a tag, so nothing else on the interface (IPv6 neighbour
# discovery, ...) is counted by mistake.
#
# Facts these rest on (DPDK 22.11, QEMU 7.2, libvirt 9.0 in our VM):
# /work/shared/notes/vhost-clients.md.

VC_ETHERTYPE=0x88b5
VC_IPXE_ROM=/usr/lib/ipxe/qemu/efi-virtio.rom
# The MAC given to QEMU's NIC. A vhost-vdpa NIC reports the device's MAC,
# not this one (its config space is the device's), so frames are told apart
# by ethertype, never by this address.
VC_QEMU_MAC=52:54:00:56:c0:01

vc_err() {
	echo "vhost-clients: $*" >&2
	return 1
}

# vc_wait <seconds> <command...>: like lib.sh's wait_for (poll every 0.1 s),
# but returns 1 instead of exiting, so the caller can report and clean up,
# and bounds wall-clock time: a slow condition (python3 under nested TCG)
# must not stretch the limit. The bound is multiplied by the harness's
# TIMEOUT_SCALE (4 on the debug kernel, where a python3 counter took over 10 s
# to start; /etc/mdevvirtio-vm.conf).
VC_WAIT_SCALE=$(sed -n "s/^TIMEOUT_SCALE='\{0,1\}\([0-9][0-9]*\)'\{0,1\}$/\1/p" /etc/mdevvirtio-vm.conf 2>/dev/null || true)
VC_WAIT_SCALE=${VC_WAIT_SCALE:-1}
vc_wait() {
	local end=$((SECONDS + $1 * VC_WAIT_SCALE + 1))
	shift
	while [ $SECONDS -lt $end ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# vc_memlock_unlimited: every client pins the memory it maps through the
# IOTLB, and vhost_vdpa charges it to RLIMIT_MEMLOCK without regard to
# CAP_IPC_LOCK (testpmd maps 512 MB, QEMU its guest RAM).
vc_memlock_unlimited() {
	ulimit -l unlimited || vc_err "cannot raise RLIMIT_MEMLOCK (not root?)"
}

# vc_node_reopenable <node>: the node can be opened again (vhost-vdpa nodes
# take one opener at a time), so the last client really let go of it.
_vc_opens() { (exec 3<>"$1") 2>/dev/null; }
vc_node_reopenable() {
	# In a subshell: a failed exec redirection would end this shell. The
	# last close of a node can finish just after its process was reaped
	# (the kernel may defer the final fput), so allow it a few seconds.
	vc_wait 10 _vc_opens "$1" || vc_err "cannot open $1 again within 10s: is it still held?"
}

# vc_kill_pidfile <file>: TERM, then KILL after 10 s, the process whose pid
# the file holds (if it still runs), and remove the file.
vc_kill_pidfile() {
	local f=$1 pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		vc_wait 10 _vc_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$f"
}

_vc_gone() { ! kill -0 "$1" 2>/dev/null; }

# vc_cleanup <workdir>: stop every process the functions started there
# (testpmd, QEMU, peer counters) and destroy a libvirt domain left behind.
vc_cleanup() {
	local dir=$1 f
	[ -d "$dir" ] || return 0
	if [ -f "$dir/libvirt.name" ]; then
		virsh -q -c qemu:///system destroy "$(cat "$dir/libvirt.name")" >/dev/null 2>&1 || true
		rm -f "$dir/libvirt.name"
	fi
	for f in "$dir"/*.pid; do
		[ -e "$f" ] && vc_kill_pidfile "$f"
	done
	return 0
}

# vc_report <workdir>: the tails of the clients' logs there, for a failing
# test to show (its work directory is gone afterwards).
vc_report() {
	local f
	for f in "$1"/testpmd.log "$1"/qemu.log "$1"/qemu-trace.log "$1"/seabios.log \
		"$1"/qemu-serial.log "$1"/virsh.log "$1"/*.count.log; do
		[ -s "$f" ] || continue
		echo "=== ${f##*/} (last 15 lines)"
		tail -n 15 "$f" | tr -d '\r'
	done
	[ ! -s "$1/qemu-trace.log" ] || echo "=== vhost_vdpa trace: $(_vc_trace_summary "$1/qemu-trace.log")"
}

# --- the other side: a peer interface, through AF_PACKET ---------------------
# One small python3 program, no scapy: "send IF N" sends N tagged frames
# (broadcast, ethertype 0x88b5, sequence number in the payload) out of IF;
# "count IF ETHERTYPE FILE" counts frames arriving on IF (not the ones IF
# sends: PACKET_OUTGOING is skipped) of ETHERTYPE ("any", or e.g. 0x0800;
# 0x88b5 counts only our tagged frames, raw:0x88b5 every frame of that
# ethertype, such as tests/vhost-client's), writes "ready" to FILE.ready once
# bound and the count to FILE (at most every 0.1 s and at SIGTERM).
_vc_peer_py='
import os, signal, socket, struct, sys, time
TAG = b"mdevvirtio-vc"
ETH_P_ALL, PACKET_OUTGOING = 3, 4
mode, ifname = sys.argv[1], sys.argv[2]
if mode == "send":
    n = int(sys.argv[3])
    src = bytes.fromhex(open("/sys/class/net/%s/address" % ifname).read().strip().replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    for i in range(n):
        frame = b"\xff" * 6 + src + struct.pack("!H", 0x88b5) + TAG + struct.pack("!I", i)
        s.send(frame.ljust(60, b"\0"))
    print("sent %d" % n)
    sys.exit(0)
want, out = sys.argv[3], sys.argv[4]
raw = want.startswith("raw:")
etype = None if want == "any" else int(want[4:] if raw else want, 16)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
# Bursts arrive faster than python reads under TCG: a socket buffer that
# holds thousands of frames (SO_RCVBUFFORCE, as root, past rmem_max).
try:
    s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)
except OSError:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
s.bind((ifname, 0))
s.settimeout(0.1)
count, written, stop = 0, -1, False
def term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, term)
def publish():
    global written
    if count != written:
        with open(out + ".tmp", "w") as f:
            f.write("%d\n" % count)
        os.rename(out + ".tmp", out)
        written = count
publish()
open(out + ".ready", "w").close()
last = time.monotonic()
while not stop:
    try:
        data, addr = s.recvfrom(65535)
    except socket.timeout:
        data = None
    except InterruptedError:
        data = None
    if data is not None and addr[2] != PACKET_OUTGOING and len(data) >= 14:
        t = struct.unpack_from("!H", data, 12)[0]
        if etype is None or (t == etype and (raw or t != 0x88b5 or data[14:14 + len(TAG)] == TAG)):
            count += 1
    if time.monotonic() - last >= 0.1:
        publish()
        last = time.monotonic()
publish()
'

# vc_peer_send <ifname> <count>: send <count> tagged frames out of the peer
# interface (it must be up), i.e. toward the vhost client on the other end of
# the cable. Asserts the socket accepted all of them.
vc_peer_send() {
	local out
	out=$(python3 -c "$_vc_peer_py" send "$1" "$2" 2>&1) ||
		vc_err "sending $2 frames out of $1 failed: $out" || return 1
	[ "$out" = "sent $2" ] || vc_err "sending out of $1: $out"
}

# vc_peer_count_start <ifname> <workdir> [ethertype] [name]: start counting
# frames that arrive on the peer interface, i.e. that the vhost client sent
# (default ethertype 0x88b5: our tagged frames only; "any" counts all). Returns
# once the socket is bound, so nothing sent afterwards is missed. Several
# counters can run at once under different names (default "peer").
vc_peer_count_start() {
	local ifname=$1 dir=$2 etype=${3:-$VC_ETHERTYPE} name=${4:-peer}
	rm -f "$dir/$name.count" "$dir/$name.count.ready"
	python3 -c "$_vc_peer_py" count "$ifname" "$etype" "$dir/$name.count" \
		>"$dir/$name.count.log" 2>&1 &
	echo $! >"$dir/$name.count.pid"
	vc_wait 10 test -e "$dir/$name.count.ready" ||
		vc_err "the frame counter on $ifname did not start: $(cat "$dir/$name.count.log")"
}

# vc_peer_count <workdir> [name]: print the current count.
vc_peer_count() {
	cat "$1/${2:-peer}.count" 2>/dev/null || echo 0
}

_vc_count_at_least() { [ "$(vc_peer_count "$1" "$2")" -ge "$3" ]; }

# vc_peer_count_wait <workdir> <min> <seconds> [name]: wait until at least
# <min> frames were counted. Asserts they arrive within <seconds>.
vc_peer_count_wait() {
	local dir=$1 min=$2 secs=$3 name=${4:-peer}
	vc_wait "$secs" _vc_count_at_least "$dir" "$name" "$min" ||
		vc_err "expected at least $min frames on the peer within ${secs}s, counted $(vc_peer_count "$dir" "$name")"
}

# vc_peer_count_stop <workdir> [name]: stop the counter; its final count stays
# readable with vc_peer_count.
vc_peer_count_stop() {
	vc_kill_pidfile "$1/${2:-peer}.count.pid"
}

# --- DPDK: dpdk-testpmd on net_virtio_user ------------------------------------
# testpmd runs interactively (-i) with its stdin a fifo this shell holds open,
# so the test can issue any command and read its answer: each command's output
# ends at the next "testpmd> " prompt. stdbuf makes its stdio line-buffered
# (the prompt is written unbuffered, the rest would arrive at exit).
# Variables set by vc_testpmd_stats: VC_RX_PACKETS VC_TX_PACKETS VC_RX_MISSED
# VC_RX_ERRORS VC_RX_NOMBUF VC_TX_ERRORS.
VC_TESTPMD_FD=

# vc_testpmd_start <node> <workdir> [testpmd option...]: start testpmd on the
# node (io forwarding, 8192 mbufs in 512 MB of plain memory) and wait for its
# prompt (60 s). Asserts it came up with one port. Extra options go after "--".
vc_testpmd_start() {
	local node=$1 dir=$2
	shift 2
	[ -c "$node" ] || vc_err "$node is not a character device" || return 1
	vc_testpmd_start_vdev "net_virtio_user0,path=$node" "$dir" "$@"
}

# vc_testpmd_start_vdev <vdev> <workdir> [testpmd option...]: the same on any
# DPDK virtual device (tests use net_af_packet on a veth pair to prove the
# peer-facing checks without a vhost device).
vc_testpmd_start_vdev() {
	local vdev=$1 dir=$2
	shift 2
	vc_memlock_unlimited || return 1
	rm -f "$dir/testpmd.in" "$dir/testpmd.log" "$dir/testpmd.rc"
	mkfifo "$dir/testpmd.in"
	# Read-write: opening a fifo so never blocks, and it stays open for testpmd.
	exec {VC_TESTPMD_FD}<>"$dir/testpmd.in"
	# Two lcores, the main one and a forwarding one: on CPUs 0 and 1, or both
	# on CPU 0 where the guest has one (the debug kernel boots without ACPI
	# and brings up one CPU; EAL refuses "-l 0-1" there).
	local lcores=-l0-1
	[ "$(nproc)" -ge 2 ] || lcores=--lcores=0@0,1@0
	# --file-prefix: a private runtime directory, so a stale or concurrent DPDK
	# process elsewhere cannot collide with this one.
	stdbuf -oL -eL dpdk-testpmd "$lcores" -n 1 --no-pci --no-huge -m 512 --iova-mode=va \
		--file-prefix="vc$$" --vdev="$vdev" -- \
		-i --total-num-mbufs=8192 --forward-mode=io --eth-peer=0,ff:ff:ff:ff:ff:ff "$@" \
		<"$dir/testpmd.in" >"$dir/testpmd.log" 2>&1 &
	echo $! >"$dir/testpmd.pid"
	if ! vc_wait 60 _vc_testpmd_ready_or_dead "$dir" || ! _vc_testpmd_prompts_exceed "$dir" 0; then
		vc_err "testpmd on $vdev gave no prompt within 60s:" || true
		tail -n 20 "$dir/testpmd.log" >&2
		return 1
	fi
	grep -q '^Port 0: ' "$dir/testpmd.log" ||
		vc_err "testpmd on $vdev configured no port: $(grep -iE 'error|fail' "$dir/testpmd.log" | head -n 5)"
}

_vc_testpmd_prompts() { grep -o 'testpmd> ' "$1/testpmd.log" 2>/dev/null | wc -l; }
_vc_testpmd_prompts_exceed() { [ "$(_vc_testpmd_prompts "$1")" -gt "$2" ]; }
_vc_testpmd_ready_or_dead() {
	_vc_testpmd_prompts_exceed "$1" 0 || ! kill -0 "$(cat "$1/testpmd.pid")" 2>/dev/null
}

# vc_testpmd_cmd <workdir> <command...>: run one testpmd command, print its
# output, wait (30 s) for the next prompt. Asserts testpmd still runs.
vc_testpmd_cmd() {
	local dir=$1 n off
	shift
	kill -0 "$(cat "$dir/testpmd.pid" 2>/dev/null)" 2>/dev/null ||
		vc_err "testpmd is not running (command '$*'): $(tail -n 5 "$dir/testpmd.log")" || return 1
	n=$(_vc_testpmd_prompts "$dir")
	off=$(stat -c %s "$dir/testpmd.log")
	echo "$*" >&"$VC_TESTPMD_FD"
	vc_wait 30 _vc_testpmd_prompts_exceed "$dir" "$n" ||
		vc_err "testpmd did not answer '$*' within 30s: $(tail -n 5 "$dir/testpmd.log")" || return 1
	tail -c +"$((off + 1))" "$dir/testpmd.log" | tr -d '\r'
}

# vc_testpmd_stats <workdir>: "show port stats 0", parsed into VC_RX_PACKETS,
# VC_TX_PACKETS, VC_RX_MISSED, VC_RX_ERRORS, VC_RX_NOMBUF, VC_TX_ERRORS (call
# it in the current shell, not in $(...)). Asserts the counters were there.
vc_testpmd_stats() {
	local out
	out=$(vc_testpmd_cmd "$1" show port stats 0) || return 1
	VC_RX_PACKETS=$(_vc_field "$out" RX-packets)
	VC_TX_PACKETS=$(_vc_field "$out" TX-packets)
	VC_RX_MISSED=$(_vc_field "$out" RX-missed)
	VC_RX_ERRORS=$(_vc_field "$out" RX-errors)
	# shellcheck disable=SC2034 # for callers
	VC_RX_NOMBUF=$(_vc_field "$out" RX-nombuf)
	VC_TX_ERRORS=$(_vc_field "$out" TX-errors)
	if [ -z "$VC_RX_PACKETS" ] || [ -z "$VC_TX_PACKETS" ]; then
		vc_err "no port counters in testpmd's answer: $out"
	fi
}

# _vc_field <text> <name>: the number after "name:" (the first one).
_vc_field() {
	awk -v k="$2:" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' <<<"$1"
}


# vc_testpmd_wait_rx <workdir> <min> <seconds>: poll the port counters until
# RX reaches <min>. Asserts it does within <seconds>; leaves VC_* set.
vc_testpmd_wait_rx() {
	local dir=$1 min=$2 secs=$3 end=$((SECONDS + $3 + 1))
	while [ $SECONDS -lt $end ]; do
		vc_testpmd_stats "$dir" || return 1
		[ "$VC_RX_PACKETS" -ge "$min" ] && return 0
		sleep 0.5
	done
	vc_err "testpmd received $VC_RX_PACKETS frames in ${secs}s, expected at least $min"
}

# vc_testpmd_stop <workdir>: "quit", and wait (30 s) for testpmd to exit.
# Asserts it exited 0 having closed its port.
vc_testpmd_stop() {
	local dir=$1 pid rc=0
	pid=$(cat "$dir/testpmd.pid" 2>/dev/null) || vc_err "testpmd was not started in $dir" || return 1
	echo quit >&"$VC_TESTPMD_FD"
	if ! vc_wait 30 _vc_gone "$pid"; then
		vc_kill_pidfile "$dir/testpmd.pid"
		vc_err "testpmd did not quit within 30s"
		return 1
	fi
	wait "$pid" || rc=$?
	rm -f "$dir/testpmd.pid"
	exec {VC_TESTPMD_FD}>&-
	[ $rc = 0 ] || vc_err "testpmd exited with status $rc: $(tail -n 10 "$dir/testpmd.log")" || return 1
	grep -q 'Port 0 is closed' "$dir/testpmd.log" || vc_err "testpmd quit without closing port 0"
}

# vc_testpmd_loopback <node> <workdir>: the whole check for a device that
# loops every frame back to the client (upstream vdpa_sim_net). testpmd
# starts with "start tx_first" (one burst of 32 frames, then io forwarding
# keeps them circulating) and must see at least 1000 frames come back within
# 60 s; after "stop" the counters must be consistent: TX = RX + what is still
# in flight, so 0 <= TX - RX <= 32 (the burst), and no errors. Quits testpmd
# and checks the node can be opened again. Leaves VC_* set.
vc_testpmd_loopback() {
	local node=$1 dir=$2 burst=32
	vc_testpmd_start "$node" "$dir" --burst=$burst || return 1
	vc_testpmd_cmd "$dir" start tx_first >/dev/null || return 1
	vc_testpmd_wait_rx "$dir" 1000 60 || return 1
	vc_testpmd_cmd "$dir" stop >/dev/null || return 1
	vc_testpmd_stats "$dir" || return 1
	echo "testpmd on $node: RX $VC_RX_PACKETS, TX $VC_TX_PACKETS, RX-missed $VC_RX_MISSED, RX-errors $VC_RX_ERRORS, TX-errors $VC_TX_ERRORS"
	local d=$((VC_TX_PACKETS - VC_RX_PACKETS))
	[ "$d" -ge 0 ] && [ "$d" -le $burst ] ||
		vc_err "looped counters inconsistent: TX $VC_TX_PACKETS - RX $VC_RX_PACKETS = $d, expected 0..$burst" || return 1
	[ "$VC_RX_ERRORS" = 0 ] && [ "$VC_TX_ERRORS" = 0 ] ||
		vc_err "errors: RX $VC_RX_ERRORS, TX $VC_TX_ERRORS" || return 1
	vc_testpmd_stop "$dir" || return 1
	vc_node_reopenable "$node"
}

# vc_testpmd_echo <node> <workdir> <peer-ifname> [count]: the check for a
# cabled device (a peer interface on the other end). testpmd forwards (io)
# whatever it receives back out; the peer sends <count> (default 100) tagged
# frames, and must get all of them back, while testpmd's counters show at
# least <count> received and sent. Then testpmd sends one tx_first burst of
# 32 frames of its own (UDP, from its MAC), which must arrive on the peer.
# Quits testpmd and checks the node can be opened again. The peer must be up.
vc_testpmd_echo() {
	vc_testpmd_start "$1" "$2" --burst=32 || return 1
	vc_testpmd_echo_started "$@"
}

# vc_testpmd_echo_started <node-or-vdev> <workdir> <peer-ifname> [count]:
# vc_testpmd_echo on a testpmd already started (vc_testpmd_start[_vdev]).
vc_testpmd_echo_started() {
	local what=$1 dir=$2 peer=$3 n=${4:-100} mac
	vc_testpmd_cmd "$dir" start >/dev/null || return 1
	vc_peer_count_start "$peer" "$dir" || return 1
	vc_peer_send "$peer" "$n" || return 1
	vc_peer_count_wait "$dir" "$n" 30 || return 1
	vc_testpmd_stats "$dir" || return 1
	echo "testpmd on $what after $n frames from $peer: RX $VC_RX_PACKETS, TX $VC_TX_PACKETS; $peer got $(vc_peer_count "$dir") back"
	[ "$VC_RX_PACKETS" -ge "$n" ] && [ "$VC_TX_PACKETS" -ge "$n" ] ||
		vc_err "testpmd counted RX $VC_RX_PACKETS, TX $VC_TX_PACKETS for $n frames sent" || return 1
	vc_peer_count_stop "$dir"
	# Its own frames: a burst from the txonly engine, sent from its port's MAC.
	mac=$(vc_testpmd_cmd "$dir" show port info 0 | awk '/MAC address:/ { print tolower($3); exit }')
	vc_testpmd_cmd "$dir" stop >/dev/null || return 1
	vc_peer_count_start "$peer" "$dir" any own || return 1
	vc_testpmd_cmd "$dir" start tx_first >/dev/null || return 1
	vc_peer_count_wait "$dir" 32 30 own || return 1
	vc_peer_count_stop "$dir" own
	echo "testpmd ($mac) tx_first: $peer counted $(vc_peer_count "$dir" own) frames"
	vc_testpmd_cmd "$dir" stop >/dev/null || return 1
	vc_testpmd_stop "$dir" || return 1
	[ ! -c "$what" ] || vc_node_reopenable "$what"
}

# --- QEMU: -netdev vhost-vdpa with an iPXE-driven virtio-net-pci -------------
# No guest kernel: the NIC's iPXE ROM (Debian's ipxe-qemu) is the virtio
# driver, and it sets DRIVER_OK when it opens the NIC for DHCP, which makes
# QEMU start vhost on the node. The signal used is QEMU's own trace events
# (Debian builds the "log" backend): vhost_vdpa_dev_start with started 1 and
# vhost_vdpa_add_status with 0x4 (DRIVER_OK) written to the node. The
# NIC is modern-only (disable-legacy=on): the ROM's PCI header names device
# 1af4:1041, and SeaBIOS runs no ROM for the transitional 1af4:1000.

# vc_qmp <socket> <command> [arguments-json]: one QMP command; prints its
# "return" as JSON, or the error on stderr and returns 1.
vc_qmp() {
	python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
f = s.makefile("rw")
def recv():
    while True:
        line = f.readline()
        if not line:
            sys.exit("QMP connection closed")
        m = json.loads(line)
        if "event" not in m:
            return m
def call(cmd, args=None):
    msg = {"execute": cmd}
    if args:
        msg["arguments"] = json.loads(args)
    f.write(json.dumps(msg) + "\n")
    f.flush()
    return recv()
recv()
call("qmp_capabilities")
r = call(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
if "error" in r:
    sys.exit("QMP %s: %s" % (sys.argv[2], r["error"].get("desc")))
print(json.dumps(r["return"]))
' "$@"
}

# vc_qemu_start <node> <workdir> <qemu option...>: start QEMU (TCG, 128 MB,
# no default devices) with the node as netdev n0 and the trace events above
# in <workdir>/qemu-trace.log; QMP at <workdir>/qmp.sock, serial and SeaBIOS
# debug output in <workdir>/qemu-serial.log and seabios.log. The options add
# the device using n0 and whatever boots. Asserts QMP answers (30 s).
vc_qemu_start() {
	local node=$1 dir=$2
	shift 2
	[ -c "$node" ] || vc_err "$node is not a character device" || return 1
	vc_memlock_unlimited || return 1
	rm -f "$dir/qmp.sock" "$dir/qemu-trace.log"
	# -display none with an explicit serial file rather than -nographic: the
	# test has no terminal for a stdio multiplexer.
	qemu-system-x86_64 -accel tcg -machine pc -m 128 -smp 1 -nodefaults -no-user-config \
		-display none -monitor none -serial "file:$dir/qemu-serial.log" \
		-chardev "file,id=dbg,path=$dir/seabios.log" -device isa-debugcon,iobase=0x402,chardev=dbg \
		-qmp "unix:$dir/qmp.sock,server=on,wait=off" \
		-trace "enable=vhost_vdpa_*,file=$dir/qemu-trace.log" \
		-trace "enable=virtio_set_status,file=$dir/qemu-trace.log" \
		-netdev "vhost-vdpa,vhostdev=$node,id=n0" "$@" \
		>"$dir/qemu.log" 2>&1 &
	echo $! >"$dir/qemu.pid"
	echo "QEMU $(cat "$dir/qemu.pid") started on $node"
	if ! vc_wait 60 _vc_qmp_listening "$dir" || ! vc_qmp "$dir/qmp.sock" query-status >/dev/null; then
		vc_err "QEMU on $node did not come up: $(tail -n 5 "$dir/qemu.log")" || true
		vc_kill_pidfile "$dir/qemu.pid"
		return 1
	fi
}

_vc_qmp_listening() { [ -S "$1/qmp.sock" ] || ! _vc_qemu_alive "$1"; }
_vc_qemu_alive() { kill -0 "$(cat "$1/qemu.pid")" 2>/dev/null; }
# Trace lines look like "vhost_vdpa_dev_start dev: 0x55d0... started: 1".
_vc_vhost_started() {
	grep -qE '^vhost_vdpa_dev_start .*started: 1' "$1/qemu-trace.log" &&
		grep -qE '^vhost_vdpa_add_status .*status: 0x4$' "$1/qemu-trace.log"
}
_vc_started_or_dead() { _vc_vhost_started "$1" || ! _vc_qemu_alive "$1"; }

# vc_qemu_wait_vhost <workdir> <seconds>: wait until the guest set DRIVER_OK
# and QEMU started vhost on the node. Asserts it happens while QEMU runs.
vc_qemu_wait_vhost() {
	local dir=$1 secs=$2
	vc_wait "$secs" _vc_started_or_dead "$dir" || true
	_vc_qemu_alive "$dir" || vc_err "QEMU died: $(tail -n 5 "$dir/qemu.log")" || return 1
	_vc_vhost_started "$dir" ||
		vc_err "no DRIVER_OK/vhost start within ${secs}s; last trace: $(tail -n 3 "$dir/qemu-trace.log"); SeaBIOS: $(grep -E 'Booting|option rom' "$dir/seabios.log" | tail -n 3)"
}

# vc_qemu_quit <node> <workdir>: QMP quit; asserts QEMU exits 0 within 30 s
# and the node can be opened again.
vc_qemu_quit() {
	local node=$1 dir=$2 pid rc=0
	pid=$(cat "$dir/qemu.pid")
	vc_qmp "$dir/qmp.sock" quit >/dev/null || vc_err "QMP quit failed" || return 1
	vc_wait 30 _vc_gone "$pid" || { vc_kill_pidfile "$dir/qemu.pid"; vc_err "QEMU did not quit within 30s"; return 1; }
	wait "$pid" || rc=$?
	rm -f "$dir/qemu.pid"
	[ $rc = 0 ] || vc_err "QEMU exited with status $rc: $(tail -n 5 "$dir/qemu.log")" || return 1
	vc_node_reopenable "$node"
}

# vc_qemu_ipxe <node> <workdir> [peer-ifname]: QEMU with a virtio-net-pci on
# the node, booted from its iPXE ROM. Asserts, in order: vhost starts with
# DRIVER_OK within 180 s (see above); QMP says the VM runs; with a peer, an
# IPv4 frame (iPXE's DHCPDISCOVER) from the NIC arrives on the peer within
# 60 s; QMP "stop" (which stops vhost) and x-query-virtio-status shows the
# guest's DRIVER_OK, unless iPXE had reset the NIC already; QMP quit, exit
# status 0, node reopenable. Prints the ioctl-level trace summary.
vc_qemu_ipxe() {
	local node=$1 dir=$2 peer=${3:-} st stops
	[ -r "$VC_IPXE_ROM" ] || vc_err "no $VC_IPXE_ROM (package ipxe-qemu)" || return 1
	if [ -n "$peer" ]; then
		vc_peer_count_start "$peer" "$dir" 0x0800 dhcp || return 1
	fi
	vc_qemu_start "$node" "$dir" \
		-device "virtio-net-pci,netdev=n0,id=nic0,mac=$VC_QEMU_MAC,disable-legacy=on,romfile=$VC_IPXE_ROM,bootindex=0" ||
		return 1
	vc_qemu_wait_vhost "$dir" 180 || return 1
	echo "vhost started with DRIVER_OK after $(_vc_qemu_age "$dir")s"
	st=$(vc_qmp "$dir/qmp.sock" query-status) || return 1
	expect_match_rc "QEMU status" '"status": "running"' "$st" || return 1
	if [ -n "$peer" ]; then
		vc_peer_count_wait "$dir" 1 60 dhcp || return 1
		echo "$peer received $(vc_peer_count "$dir" dhcp) IPv4 frames from iPXE"
		vc_peer_count_stop "$dir" dhcp
	fi
	stops=$(grep -cE '^vhost_vdpa_dev_start .*started: 0' "$dir/qemu-trace.log" || true)
	vc_qmp "$dir/qmp.sock" stop >/dev/null || return 1
	st=$(vc_qmp "$dir/qmp.sock" x-query-virtio-status '{"path": "/machine/peripheral/nic0/virtio-backend"}') || return 1
	if [ "$stops" = 0 ]; then
		expect_match_rc "virtio status of nic0" 'DRIVER_OK' "$st" || return 1
	fi
	echo "vhost-vdpa trace: $(_vc_trace_summary "$dir/qemu-trace.log")"
	vc_qemu_quit "$node" "$dir"
}

_vc_qemu_age() { ps -o etimes= -p "$(cat "$1/qemu.pid")" | tr -d ' '; }

# expect_match_rc: lib.sh's expect_match, returning 1 instead of exiting.
expect_match_rc() {
	[[ $3 =~ $2 ]] || vc_err "$1: expected to match /$2/, saw '$3'"
}

# _vc_trace_summary <trace>: the vhost_vdpa events in order, runs of one
# event folded into "event xN"; QEMU-internal bookkeeping (queue index
# lookups, config dumps, memory listener callbacks) left out.
_vc_trace_summary() {
	awk '/^vhost_vdpa_/ && !/^vhost_vdpa_(get_vq_index|dump_|vq_get_addr|listener_region_)/ {
		e = $1; sub(/^vhost_vdpa_/, "", e)
		if (e == last) { n++; next }
		if (last != "") printf "%s%s ", last, (n > 1 ? "x" n : "")
		last = e; n = 1 }
	END { if (last != "") printf "%s%s\n", last, (n > 1 ? "x" n : "") }' "$1"
}

# vc_qemu_linux <node> <workdir> [peer-ifname] -- the long variant, not run by
# default (a nested TCG guest takes ~6 minutes here): QEMU boots Debian's
# kernel with a busybox initramfs that loads virtio_net, brings eth0 up and
# sends 20 ARP requests (busybox arping), then prints eth0's counters and
# powers off. Asserts the guest's virtio_net sent frames and, on a loopback
# device (no peer), received them; with a peer, that ARP frames arrived there.
# Asserts QEMU exits 0 (the guest powered off) and the node is reopenable.
vc_qemu_linux() {
	local node=$1 dir=$2 peer=${3:-} kver line pid rc=0
	kver=$(uname -r)
	_vc_linux_initramfs "$dir" "$kver" || return 1
	[ -z "$peer" ] || vc_peer_count_start "$peer" "$dir" 0x0806 arp || return 1
	vc_qemu_start "$node" "$dir" -m 512 -kernel "/boot/vmlinuz-$kver" -initrd "$dir/initramfs.gz" \
		-append "console=ttyS0 panic=-1 loglevel=4 mitigations=off rdinit=/init" -no-reboot \
		-device "virtio-net-pci,netdev=n0,id=nic0,mac=$VC_QEMU_MAC,disable-legacy=on,romfile=" ||
		return 1
	pid=$(cat "$dir/qemu.pid")
	vc_wait 900 _vc_gone "$pid" || { vc_kill_pidfile "$dir/qemu.pid"; vc_err "the nested guest did not finish in 900s: $(tail -n 5 "$dir/qemu-serial.log")"; return 1; }
	wait "$pid" || rc=$?
	rm -f "$dir/qemu.pid"
	[ $rc = 0 ] || vc_err "QEMU exited with status $rc: $(tail -n 5 "$dir/qemu.log")" || return 1
	line=$(grep -a '^VC-LINUX ' "$dir/qemu-serial.log" | tr -d '\r') ||
		vc_err "the nested guest printed no counters: $(tail -n 10 "$dir/qemu-serial.log")" || return 1
	echo "nested guest: $line; vhost-vdpa trace: $(_vc_trace_summary "$dir/qemu-trace.log")"
	local tx rx
	tx=$(_vc_field "$line" tx_packets) rx=$(_vc_field "$line" rx_packets)
	[ "${tx:-0}" -gt 0 ] || vc_err "the nested virtio_net sent nothing: $line" || return 1
	if [ -n "$peer" ]; then
		vc_peer_count_wait "$dir" 1 10 arp || return 1
		vc_peer_count_stop "$dir" arp
	else
		[ "${rx:-0}" -gt 0 ] || vc_err "the nested virtio_net received nothing back: $line" || return 1
	fi
	vc_node_reopenable "$node"
}

# _vc_linux_initramfs <workdir> <kver>: busybox + virtio_net and its
# dependencies, with an /init that prints "VC-LINUX rx_packets: N tx_packets: N".
_vc_linux_initramfs() {
	local dir=$1 kver=$2 root=$1/linux-initramfs m
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,modules}
	cp /bin/busybox "$root/bin/busybox"
	for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
		failover net_failover virtio_net; do
		cp "$(modinfo -k "$kver" -n "$m")" "$root/modules/$m.ko" ||
			vc_err "no module $m for $kver" || return 1
	done
	cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net; do
	insmod /modules/$m.ko
done
ip link set eth0 up && ip addr add 10.99.0.1/24 dev eth0
arping -c 20 -w 20 -I eth0 10.99.0.2 >/dev/null 2>&1
s=/sys/class/net/eth0/statistics
echo "VC-LINUX rx_packets: $(cat $s/rx_packets) tx_packets: $(cat $s/tx_packets)"
poweroff -f
INIT
	chmod 755 "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initramfs.gz"
}

# --- libvirt: <interface type='vdpa'> in a paused transient domain -----------
# libvirtd must run in the guest; tests/vm/run masks libvirtd.service so it is
# not started at every boot (it probes QEMU, which costs time under TCG).

# vc_libvirtd_start: unmask (if masked) and start libvirtd. Asserts it runs.
vc_libvirtd_start() {
	if [ "$(systemctl is-enabled libvirtd.service 2>/dev/null)" = masked ]; then
		systemctl unmask -q libvirtd.service || vc_err "cannot unmask libvirtd.service" || return 1
		: >/run/vc-libvirtd-was-masked
	fi
	systemctl start libvirtd.service ||
		vc_err "libvirtd did not start: $(journalctl -b -u libvirtd --no-pager | tail -n 10)"
}

# vc_libvirtd_stop: stop libvirtd and the helpers it started; mask it again
# if vc_libvirtd_start unmasked it.
vc_libvirtd_stop() {
	systemctl stop libvirtd.service virtlogd.service virtlockd.service 2>/dev/null || true
	if [ -e /run/vc-libvirtd-was-masked ]; then
		systemctl mask -q libvirtd.service || true
		rm -f /run/vc-libvirtd-was-masked
	fi
	return 0
}

# vc_libvirt_paused <node> <workdir>: `virsh create --paused` of a transient
# TCG domain whose only device of note is <interface type='vdpa'> on the
# node. Asserts: domstate "paused"; the domain's QEMU has a vhost-vdpa netdev
# on its command line and holds the node open (libvirt opens it and passes
# the fd); after `virsh destroy` the QEMU is gone and the node reopenable.
vc_libvirt_paused() {
	local node=$1 dir=$2 name pid state cmdline
	[ -c "$node" ] || vc_err "$node is not a character device" || return 1
	name=vc-vdpa-$$
	cat >"$dir/domain.xml" <<XML
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <interface type='vdpa'>
      <source dev='$node'/>
      <mac address='$VC_QEMU_MAC'/>
      <model type='virtio'/>
    </interface>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
XML
	virsh -q -c qemu:///system create --paused "$dir/domain.xml" >"$dir/virsh.log" 2>&1 ||
		vc_err "virsh create --paused failed: $(cat "$dir/virsh.log")" || return 1
	echo "$name" >"$dir/libvirt.name"
	state=$(virsh -q -c qemu:///system domstate "$name") || vc_err "virsh domstate failed" || return 1
	[ "$state" = paused ] || vc_err "domain $name is '$state', expected 'paused'" || return 1
	pid=$(cat "/run/libvirt/qemu/$name.pid") || vc_err "no pid file for $name" || return 1
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
	expect_match_rc "QEMU command line of $name" '-netdev [^ ]*"type":"vhost-vdpa"' "$cmdline" || return 1
	echo "libvirt's QEMU: $(grep -oE -- '-(add-fd|netdev) [^ ]+' <<<"$cmdline" | tr '\n' ' ')"
	_vc_holds "$pid" "$node" || vc_err "QEMU $pid does not hold $node open" || return 1
	virsh -q -c qemu:///system destroy "$name" >/dev/null || vc_err "virsh destroy $name failed" || return 1
	rm -f "$dir/libvirt.name"
	vc_wait 30 _vc_gone "$pid" || vc_err "QEMU $pid outlived virsh destroy" || return 1
	vc_node_reopenable "$node"
}

_vc_holds() {
	local f
	for f in /proc/"$1"/fd/*; do
		[ "$(readlink "$f")" = "$2" ] && return 0
	done
	return 1
}

# --- the upstream reference: vdpa_sim_net bound to vhost_vdpa ----------------
# Built out of tree by tests/bench/vdpa/build into $MDEVVIRTIO_BUILD/bench-vdpa.
VC_REF_MODS=(vdpa vringh vdpa_sim vdpa_sim_net vhost_vdpa)

# vc_ref_available: the reference modules were built (else tests skip).
vc_ref_available() {
	local m
	for m in "${VC_REF_MODS[@]}"; do
		[ -f "$MDEVVIRTIO_BUILD/bench-vdpa/$m.ko" ] || return 1
	done
}

# vc_ref_up <workdir>: load the reference and add vdpa0 (MAC 02:00:00:00:00:aa);
# prints its vhost-vdpa node. Records what it loaded for vc_ref_down.
vc_ref_up() {
	local dir=$1 m node
	: >"$dir/ref.modprobed"
	for m in vhost_iotlb vhost irqbypass virtio virtio_ring; do
		grep -q "^$m " /proc/modules || echo "$m" >>"$dir/ref.modprobed"
		modprobe "$m" || vc_err "modprobe $m failed" || return 1
	done
	for m in "${VC_REF_MODS[@]}"; do
		grep -q "^$m " /proc/modules && continue
		insmod "$MDEVVIRTIO_BUILD/bench-vdpa/$m.ko" || vc_err "insmod $m.ko failed" || return 1
	done
	vdpa dev add name vdpa0 mgmtdev vdpasim_net mac 02:00:00:00:00:aa ||
		vc_err "vdpa dev add failed" || return 1
	vc_wait 10 _vc_ref_node || vc_err "vdpa0 has no vhost-vdpa node" || return 1
	_vc_ref_node
}

_vc_ref_node() {
	local d
	for d in /sys/bus/vdpa/devices/vdpa0/vhost-vdpa-*; do
		[ -e "$d" ] && [ -c "/dev/${d##*/}" ] && echo "/dev/${d##*/}" && return 0
	done
	return 1
}

# vc_ref_down <workdir>: remove vdpa0 and unload what vc_ref_up loaded.
vc_ref_down() {
	local dir=$1 i m
	vdpa dev del vdpa0 2>/dev/null || true
	for ((i = ${#VC_REF_MODS[@]} - 1; i >= 0; i--)); do
		rmmod "${VC_REF_MODS[i]}" 2>/dev/null || true
	done
	if [ -f "$dir/ref.modprobed" ]; then
		tac "$dir/ref.modprobed" | while read -r m; do modprobe -r "$m" 2>/dev/null || true; done
		rm -f "$dir/ref.modprobed"
	fi
	return 0
}
