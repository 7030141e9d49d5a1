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

# pinned: the Mlocked and Unevictable lines of /proc/meminfo. The kernel
# counts an (un)mlocked page when its CPU's batch is drained, so a page a
# client released can stay counted on an idle CPU indefinitely (18 saw 12 kB
# after testpmd once); compacting memory drains every CPU's batches first.
pinned() {
	echo 1 >/proc/sys/vm/compact_memory 2>/dev/null || true
	grep -E '^(Mlocked|Unevictable):' /proc/meminfo | tr -s ' ' | tr '\n' ' '
}

# expect_unpinned <what> <before>: the pinned counts are back to <before>,
# allowing 10 s for a client's teardown to finish.
expect_unpinned() {
	local i now
	for ((i = 0; i < 20; i++)); do
		now=$(pinned)
		[ "$now" = "$2" ] && return 0
		sleep 0.5
	done
	fail "$1: expected '$2', saw '$now'"
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

# --- mdevvirtiod over D-Bus --------------------------------------------------
MV_BUS=org.mdevvirtio1
MV_ROOT=/org/mdevvirtio1

# mv_call <method> <signature> <args...>: call a Manager method.
mv_call() {
	local method=$1
	shift
	busctl call "$MV_BUS" "$MV_ROOT" org.mdevvirtio1.Manager "$method" "$@"
}

# mv_device_path <uuid>: the device's object path (sd_bus_path_encode: every
# byte but [A-Za-z0-9], and a leading digit, becomes _xx).
mv_device_path() {
	local s=$1 out= c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		if [[ $c =~ [A-Za-z] ]] || { [[ $c =~ [0-9] ]] && [ "$i" -gt 0 ]; }; then
			out+=$c
		else
			out+=$(printf '_%02x' "'$c")
		fi
	done
	echo "$MV_ROOT/devices/$out"
}

# mv_prop <uuid> <property>: a Device property, busctl's text form without the
# signature ('s "running"' -> "running", 'b true' -> true).
mv_prop() {
	local v
	v=$(busctl get-property "$MV_BUS" "$(mv_device_path "$1")" org.mdevvirtio1.Device "$2") || return 1
	v=${v#* }
	v=${v#\"}
	echo "${v%\"}"
}

# mv_netdev <uuid>: the interface of a running virtio_net device, from sysfs.
mv_netdev() {
	local d
	for d in /sys/bus/mdev_virtio/devices/"$1"/virtio*/net/*; do
		[ -e "$d" ] && basename "$d" && return 0
	done
	return 1
}

# mv_clean_slate: no daemon, no modules, no definitions. The daemon is stopped
# first: it runs with /etc/mdevvirtio.d bind-mounted read-write in its own
# mount namespace, and removing that directory under it would leave it facing
# a read-only /etc. Only the directories' contents are removed.
mv_clean_slate() {
	systemctl stop mdevvirtiod.service 2>/dev/null || true
	modprobe -r mvsim virtio_mdev vhost_mdev mdev_virtio 2>/dev/null || true
	local d
	for d in /etc/mdevvirtio.d /run/mdevvirtio.d; do
		[ -d "$d" ] && find "$d" -mindepth 1 -delete
	done
	return 0
}

# mv_daemon_start: start the installed service and wait until it answers.
mv_daemon_start() {
	systemctl start mdevvirtiod.service || fail "mdevvirtiod.service did not start: $(journalctl -b -u mdevvirtiod --no-pager | tail -n 20)"
	wait_for 30 busctl status "$MV_BUS"
}

# mv_wire_pair <ns-prefix> <ifa> <ifb>: put two cabled interfaces into network
# namespaces <prefix>1 and <prefix>2 as 169.254.17.1 and .2, with static
# neighbours and IPv6 off, so that only what a test sends crosses the cable.
mv_wire_pair() {
	local p=$1 a=$2 b=$3 ns macA macB
	macA=$(cat "/sys/class/net/$a/address")
	macB=$(cat "/sys/class/net/$b/address")
	ip netns add "${p}1"
	ip netns add "${p}2"
	ip link set "$a" netns "${p}1"
	ip link set "$b" netns "${p}2"
	# (The debug kernel has no IPv6 at all.)
	if [ -d /proc/sys/net/ipv6 ]; then
		for ns in "${p}1" "${p}2"; do
			ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
				net.ipv6.conf.default.disable_ipv6=1
		done
		ip netns exec "${p}1" sysctl -qw "net.ipv6.conf.$a.disable_ipv6=1"
		ip netns exec "${p}2" sysctl -qw "net.ipv6.conf.$b.disable_ipv6=1"
	fi
	ip -n "${p}1" addr add 169.254.17.1/24 dev "$a"
	ip -n "${p}2" addr add 169.254.17.2/24 dev "$b"
	ip -n "${p}1" neigh add 169.254.17.2 lladdr "$macB" dev "$a" nud permanent
	ip -n "${p}2" neigh add 169.254.17.1 lladdr "$macA" dev "$b" nud permanent
	ip -n "${p}1" link set "$a" up
	ip -n "${p}2" link set "$b" up
}
