# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034 # variables are for the scripts that source it
#
# Shared set-up for the host tests: a private dbus-daemon whose address is
# exported as DBUS_SYSTEM_BUS_ADDRESS (sd_bus_open_system(), busctl --system
# and dbus-monitor --system all honour it), a fake root with the definition
# directories and a fake sysfs, and mdevvirtiod running on both. Everything
# lives in one temporary directory removed on exit.
#
# Usage: a test script sources this file with MDEVVIRTIOD set (CTest passes
# it as $1), calls host_setup, then uses the helpers below. Exit codes:
# 0 pass, 1 fail (with expected vs seen printed), 77 skip.

set -euo pipefail

MDEVVIRTIOD=${MDEVVIRTIOD:-${1:-}}
HOST_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_NAME=$(basename "$0")

API_NAME=org.mdevvirtio1
API_ROOT=/org/mdevvirtio1
MANAGER_IFACE=org.mdevvirtio1.Manager
DEVICE_IFACE=org.mdevvirtio1.Device
PARENT_IFACE=org.mdevvirtio1.Parent

WORKDIR=
ROOT=
DAEMON_PID=
DBUS_PID=
declare -a BACKGROUND_PIDS=()

log() { echo "[$TEST_NAME] $*" >&2; }

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

host_dump_logs() {
	local f
	for f in "$WORKDIR"/daemon.log "$WORKDIR"/dbus.log; do
		[[ -s $f ]] || continue
		echo "----- $(basename "$f") (last 60 lines) -----" >&2
		tail -n 60 "$f" >&2
	done
}

fail() {
	echo "FAIL: $*" >&2
	host_dump_logs
	exit 1
}

# expect_eq <what> <expected> <seen>
expect_eq() {
	if [[ $2 != "$3" ]]; then
		fail "$1
  expected: $2
  seen:     $3"
	fi
}

# expect_match <what> <extended regex> <seen>
expect_match() {
	if ! [[ $3 =~ $2 ]]; then
		fail "$1
  expected to match: $2
  seen:              $3"
	fi
}

# expect_no_match <what> <extended regex> <seen>
expect_no_match() {
	if [[ $3 =~ $2 ]]; then
		fail "$1
  expected not to match: $2
  seen:                  $3"
	fi
}

# The ERR trap (set -E: also in functions and command substitutions).
on_error() {
	local rc=$?
	trap - ERR
	echo "FAIL: $TEST_NAME line $1: '$2' exited with $rc" >&2
	# In a subshell the main shell reports again, with the logs.
	[[ $BASHPID -eq $$ ]] && host_dump_logs
	exit 1
}

host_cleanup() {
	local rc=$? pid
	# Failing kill/wait calls are expected here: no ERR trap, no errexit.
	trap - ERR
	set +e
	for pid in "${BACKGROUND_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	if [[ -n $DAEMON_PID ]]; then
		# A clean shutdown is part of every test: under ASan a leak or a
		# use-after-free on the way out makes the exit status non-zero.
		kill "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
		local drc=$?
		if [[ $drc -ne 0 && $rc -eq 0 ]]; then
			echo "FAIL: mdevvirtiod exited with $drc on SIGTERM" >&2
			host_dump_logs
			rc=1
		fi
	fi
	if [[ -n $DBUS_PID ]]; then
		kill "$DBUS_PID" 2>/dev/null
		wait "$DBUS_PID" 2>/dev/null
	fi
	if [[ -n $WORKDIR && -d $WORKDIR ]]; then
		if [[ $rc -ne 0 && $rc -ne 77 && -n ${HOST_KEEP_WORKDIR:-} ]]; then
			log "keeping $WORKDIR"
		else
			rm -rf "$WORKDIR"
		fi
	fi
	exit "$rc"
}

need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || skip "$tool not installed"
	done
}

# ---------------------------------------------------------------- the bus

# The test bus lets anyone own, send and receive anything: the daemon's own
# privilege check is what most tests exercise, not a bus policy. With
# HOST_BUS_POLICY set to a policy file, the bus instead has the system bus's
# default rules (as Debian's system.conf) plus that file, so the policy
# itself can be tested.
bus_policy() {
	if [[ -z ${HOST_BUS_POLICY:-} ]]; then
		cat <<-CONF
		  <policy context="default">
		    <allow user="*"/>
		    <allow own="*"/>
		    <allow send_destination="*" eavesdrop="true"/>
		    <allow receive_sender="*" eavesdrop="true"/>
		    <allow eavesdrop="true"/>
		  </policy>
		CONF
		return
	fi
	cat <<-CONF
	  <policy context="default">
	    <allow user="*"/>
	    <deny own="*"/>
	    <deny send_type="method_call"/>
	    <allow send_type="signal"/>
	    <allow send_requested_reply="true" send_type="method_return"/>
	    <allow send_requested_reply="true" send_type="error"/>
	    <allow receive_type="method_call"/>
	    <allow receive_type="method_return"/>
	    <allow receive_type="error"/>
	    <allow receive_type="signal"/>
	    <allow send_destination="org.freedesktop.DBus"
	           send_interface="org.freedesktop.DBus"/>
	    <allow send_destination="org.freedesktop.DBus"
	           send_interface="org.freedesktop.DBus.Introspectable"/>
	    <allow send_destination="org.freedesktop.DBus"
	           send_interface="org.freedesktop.DBus.Properties"/>
	  </policy>
	  <include>$HOST_BUS_POLICY</include>
	CONF
}

bus_start() {
	cat >"$WORKDIR/bus.conf" <<-CONF
	<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
	 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
	<busconfig>
	  <listen>unix:path=$WORKDIR/bus.sock</listen>
	  <auth>EXTERNAL</auth>
	$(bus_policy)
	</busconfig>
	CONF
	dbus-daemon --config-file="$WORKDIR/bus.conf" --nofork --nopidfile \
		>"$WORKDIR/dbus.log" 2>&1 &
	DBUS_PID=$!
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$WORKDIR/bus.sock"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -S $WORKDIR/bus.sock ]] && return 0
		kill -0 "$DBUS_PID" 2>/dev/null || fail "dbus-daemon exited"
		sleep 0.1
	done
	fail "dbus-daemon did not create $WORKDIR/bus.sock"
}

# ------------------------------------------------------- the fake root

# sysfs_bus <bus>: the bus and class directories, as the kernel has them.
sysfs_bus() {
	mkdir -p "$ROOT/sys/bus/$1/devices" "$ROOT/sys/bus/$1/drivers" "$ROOT/sys/class/$1_bus"
	echo 1 >"$ROOT/sys/bus/$1/drivers_autoprobe"
	: >"$ROOT/sys/bus/$1/drivers_probe"
}

# sysfs_parent <bus> <device path under /sys/devices>: a registered parent.
sysfs_parent() {
	local dev="$ROOT/sys/devices/$2"
	mkdir -p "$dev/mdev_supported_types"
	ln -srfn "$dev" "$ROOT/sys/class/$1_bus/$(basename "$2")"
}

# sysfs_type <bus> <parent> <type id> <device_api> <available> [virtio id]
sysfs_type() {
	local dir
	dir="$(readlink -f "$ROOT/sys/class/$1_bus/$2")/mdev_supported_types/$3"
	mkdir -p "$dir/devices"
	echo "$3" >"$dir/name"
	echo "test type $3" >"$dir/description"
	echo "$4" >"$dir/device_api"
	echo "$5" >"$dir/available_instances"
	[[ -z ${6:-} ]] || echo "$6" >"$dir/virtio_device_id"
	: >"$dir/create"
}

# The default fake machine: our bus with the simulator "mvsim" and its four
# types, and vfio's mdev bus with one PCI parent.
fake_root_create() {
	ROOT="$WORKDIR/root"
	mkdir -p "$ROOT/etc/mdevvirtio.d" "$ROOT/run/mdevvirtio.d" "$ROOT/usr/lib/mdevvirtio.d" \
		"$ROOT/sys/devices" "$ROOT/dev"
	sysfs_bus mdev_virtio
	sysfs_parent mdev_virtio virtual/mdev_virtio/mvsim
	sysfs_type mdev_virtio mvsim mvsim-virtio_net virtio 16 1
	sysfs_type mdev_virtio mvsim mvsim-vhost_net vhost 16 1
	sysfs_type mdev_virtio mvsim mvsim-virtio_blk virtio 16 2
	sysfs_type mdev_virtio mvsim mvsim-vhost_blk vhost 16 2
	sysfs_bus mdev
	sysfs_parent mdev pci0000:00/0000:00:02.0
	sysfs_type mdev 0000:00:02.0 i915-GVTg_V5_4 vfio-pci 2
}

# def_path <parent> <uuid>: where the daemon writes a definition.
def_path() { echo "$ROOT/etc/mdevvirtio.d/$1/$2"; }

# ------------------------------------------------------------ the daemon

# daemon_start [options...]: the daemon on the fake root, with these options.
daemon_start() {
	[[ -x $MDEVVIRTIOD ]] || fail "mdevvirtiod not found at '$MDEVVIRTIOD'"
	# HOST_DAEMON_WRAPPER, e.g. "valgrind --error-exitcode=99 --leak-check=full
	# --errors-for-leak-kinds=definite", runs the daemon under a checker.
	# shellcheck disable=SC2086
	MDEVVIRTIO_ROOT="$ROOT" ${HOST_DAEMON_WRAPPER:-} "$MDEVVIRTIOD" "$@" >"$WORKDIR/daemon.log" 2>&1 &
	DAEMON_PID=$!
	local i
	for ((i = 0; i < 400; i++)); do
		if [[ $(busctl --system call org.freedesktop.DBus /org/freedesktop/DBus \
			org.freedesktop.DBus NameHasOwner s "$API_NAME" 2>/dev/null) == "b true" ]]; then
			return 0
		fi
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "mdevvirtiod exited before taking $API_NAME"
		sleep 0.05
	done
	fail "mdevvirtiod did not take $API_NAME within 20 s"
}

# host_setup: everything above, in order, with cleanup on any exit.
host_need_root() {
	# The daemon accepts changes only from root (or CAP_SYS_ADMIN), and the
	# tests call it as themselves.
	[[ $(id -u) -eq 0 ]] || skip "needs root: mdevvirtiod refuses changes from other users"
}

host_setup() {
	host_need_root
	need dbus-daemon busctl
	WORKDIR=$(mktemp -d /tmp/mdevvirtio-host.XXXXXX)
	# Reachable by the unprivileged callers of the access tests, who are not
	# expected to read the checkout (it may be private to root): what they
	# run comes from here (host_lib_copy, host_bin_copy).
	chmod 0755 "$WORKDIR"
	mkdir -m 0755 "$WORKDIR/bin"
	install -m 0644 "$HOST_LIB_DIR/lib.sh" "$WORKDIR/lib.sh"
	trap host_cleanup EXIT
	trap 'on_error $LINENO "$BASH_COMMAND"' ERR
	set -E
	trap 'exit 130' INT TERM
	fake_root_create
	# A test's own additions to the fake machine, made before the daemon reads it.
	if declare -F host_fake_root_extra >/dev/null; then host_fake_root_extra; fi
	bus_start
	daemon_start
}

# ------------------------------------------------------------ bus calls

# as_nobody <command...>: run as UID/GID 65534 with no capabilities at all.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"
}

# as_user <command...>: run as UID/GID 65534 as a login shell would: no
# capabilities, but the full bounding set, so that set-uid and
# file-capability programs and user namespaces work as they do for anyone.
# AS_USER is the same as a command prefix, for callers that need its PID.
AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
as_user() { "${AS_USER[@]}" "$@"; }

# host_bin_copy <file>: a copy of a build-tree program that an unprivileged
# caller can run wherever the checkout is; prints its path.
host_bin_copy() {
	local to
	to="$WORKDIR/bin/$(basename "$1")"
	install -m 0755 "$1" "$to"
	echo "$to"
}

# call_error_as <runner...> -- <busctl call args...>: call_error run by
# <runner> (as_nobody, as_user, "as_user unshare -U -r", ...), from the
# copy of this file an unprivileged caller can read.
call_error_as() {
	local runner=()
	while [[ $1 != -- ]]; do
		runner+=("$1")
		shift
	done
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	"${runner[@]}" bash -c 'source "$1"; shift; call_error "$@"' _ "$WORKDIR/lib.sh" "$@"
}

# for_each_changing_call <callback> <defined uuid> <undefined uuid>: call
# <callback> <method> <busctl call args...> once for every method of every
# interface that changes something, with arguments that would succeed for
# root (the first UUID is defined on mvsim, the second is not; ClearStatistics
# needs it running).
for_each_changing_call() {
	local cb=$1 u=$2 u2=$3 path
	local m=("$API_NAME" "$API_ROOT" "$MANAGER_IFACE")
	path=$(device_path "$u")
	"$cb" Define "${m[@]}" Define 'ssssa(ss)' mvsim "$u2" mvsim-virtio_net manual 0
	"$cb" DefineJSON "${m[@]}" DefineJSON sss mvsim "$u2" \
		'{"mdev_type":"mvsim-virtio_net","start":"manual","attrs":[]}'
	"$cb" DefineWithFlags "${m[@]}" DefineWithFlags 'ssssa(ss)u' mvsim "$u2" \
		mvsim-virtio_net manual 0 4
	"$cb" DefineJSONWithFlags "${m[@]}" DefineJSONWithFlags sssu mvsim "$u2" \
		'{"mdev_type":"mvsim-virtio_net","start":"manual","attrs":[]}' 4
	"$cb" Undefine "${m[@]}" Undefine s "$u"
	"$cb" Start "${m[@]}" Start s "$u"
	"$cb" StartTransient "${m[@]}" StartTransient 'sssa(ss)' mvsim mvsim-virtio_net "$u2" 0
	"$cb" StartTransientWithFlags "${m[@]}" StartTransientWithFlags 'sssa(ss)u' mvsim \
		mvsim-virtio_net "$u2" 0 4
	"$cb" Stop "${m[@]}" Stop s "$u"
	"$cb" StopWithFlags "${m[@]}" StopWithFlags su "$u" 4
	"$cb" Modify "${m[@]}" Modify 'sa{sv}u' "$u" 1 start s auto 2
	"$cb" UndefineOnParent "${m[@]}" UndefineOnParent ssu mvsim "$u" 4
	"$cb" StartOnParent "${m[@]}" StartOnParent ssu mvsim "$u" 4
	"$cb" ModifyOnParent "${m[@]}" ModifyOnParent 'ssa{sv}u' mvsim "$u" 1 start s auto 2
	"$cb" Reload "${m[@]}" Reload
	"$cb" Start "$API_NAME" "$path" "$DEVICE_IFACE" Start
	"$cb" Stop "$API_NAME" "$path" "$DEVICE_IFACE" Stop
	"$cb" Undefine "$API_NAME" "$path" "$DEVICE_IFACE" Undefine
	"$cb" Modify "$API_NAME" "$path" "$DEVICE_IFACE" Modify 'a{sv}u' 1 start s auto 2
	# (Root would hear NotRunning here: the device is defined, not started.)
	"$cb" ClearStatistics "$API_NAME" "$path" "$DEVICE_IFACE" ClearStatistics
}

# mgr <method> [<signature> <args>...]: call a Manager method, print the reply.
mgr() {
	local method=$1
	shift
	busctl --system call "$API_NAME" "$API_ROOT" "$MANAGER_IFACE" "$method" "$@"
}

# mgr_json: the same with the reply as JSON (one line).
mgr_json() {
	local method=$1
	shift
	busctl --system --json=short call "$API_NAME" "$API_ROOT" "$MANAGER_IFACE" "$method" "$@"
}

# call_error <busctl call args...>: run the call, which must fail, and print
# "<error name>: <message>". busctl shows only the message; its debug log of
# the received error message carries the name.
call_error() {
	local out name
	if out=$(SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_COLOR=0 busctl --system call "$@" 2>&1); then
		fail "call $* succeeded, expected an error
  reply: $(grep -v '^\(Bus \|sd-bus\|Sent message\|Got message\)' <<<"$out")"
	fi
	name=$(sed -n 's/^Got message type=error .* error-name=\([^ ]*\) .*/\1/p' <<<"$out" | tail -n 1)
	echo "$name: $(sed -n 's/^Call failed: //p' <<<"$out" | tail -n 1)"
}

# mgr_error <method> <signature> <args>...: call_error on the Manager.
mgr_error() {
	local method=$1
	shift
	call_error "$API_NAME" "$API_ROOT" "$MANAGER_IFACE" "$method" "$@"
}

# expect_error <expected error name> <regex for the message> <Manager method> <sig> <args>...
expect_error() {
	local name=$1 re=$2 seen
	shift 2
	seen=$(mgr_error "$@")
	expect_eq "error name of $1 ${*:2}" "$name" "${seen%%: *}"
	expect_match "error message of $1 ${*:2}" "$re" "${seen#*: }"
}

# path_label <string>: sd_bus_path_encode()'s escaping: bytes other than
# [A-Za-z0-9], and a leading digit, become _<hex>.
path_label() {
	local s=$1 out="" c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		if [[ $c == [A-Za-z] || ($i -gt 0 && $c == [0-9]) ]]; then
			out+=$c
		else
			out+=$(printf '_%02x' "'$c")
		fi
	done
	echo "$out"
}
device_path() { echo "$API_ROOT/devices/$(path_label "$1")"; }
parent_path() { echo "$API_ROOT/parents/$(path_label "$1")"; }

# json <python expression over the variable j> <json text>: evaluate and print.
json() {
	python3 -c 'import json, sys; j = json.loads(sys.argv[2]); r = eval(sys.argv[1]); print(r if isinstance(r, str) else json.dumps(r))' "$1" "$2"
}

# prop <path> <interface> <property>: the value as busctl prints it ("s \"x\"").
prop() { busctl --system get-property "$API_NAME" "$1" "$2" "$3"; }
prop_json() { busctl --system --json=short get-property "$API_NAME" "$1" "$2" "$3"; }

# managed_objects: GetManagedObjects as JSON.
managed_objects() {
	busctl --system --json=short call "$API_NAME" "$API_ROOT" \
		org.freedesktop.DBus.ObjectManager GetManagedObjects
}

# wait_for <what> <timeout s> <command...>: poll until the command succeeds.
wait_for() {
	local what=$1 timeout=$2 i
	shift 2
	for ((i = 0; i < timeout * 20; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	fail "timed out after ${timeout}s waiting for $what"
}
