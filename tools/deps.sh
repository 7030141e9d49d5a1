# shellcheck shell=bash
# The Debian 12 packages mdevvirtio needs to build, test and demo, and a
# function that installs whichever are missing (idempotent, non-interactive).

deps_build=(cmake make gcc pkg-config libsystemd-dev libudev-dev libjson-c-dev libnl-3-dev
	libnl-genl-3-dev check libdbus-1-dev bash-completion
	# The libFuzzer targets (tests/fuzz): clang 14, and its fuzzer and sanitizer runtimes.
	clang libclang-rt-14-dev)
deps_vm=(qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio kmod
	systemd udev dbus)
# Tools the tests run, on the host and in the guest (which sees the host's root).
deps_tools=(valgrind iproute2 iputils-ping e2fsprogs procps coreutils gawk util-linux
	dkms jq mdevctl python3 libcap2-bin ethtool
	# Which socket a command connects to (the private socket step of 23-cli).
	strace
	# systemd-analyze verify looks up each unit's Documentation= man pages
	# (tests/packaging/systemd-units).
	man-db
	# The datapath row of tests/bench/run (in the guest, which sees the host's root).
	iperf3
	# The Python client example (examples/python, 30-examples): dbus-python, GLib loop.
	python3-dbus python3-gi
	# The Cockpit page's browser test (tests/vm/tests/32-cockpit, tests/vm/cdp.py).
	cockpit-ws cockpit-bridge chromium python3-websocket)
# Real vhost-vdpa clients the VM tests drive (tests/vm/vhost-clients.sh):
# dpdk-testpmd is in dpdk-dev, the virtio_user PMD in dpdk; QEMU's virtio-net
# iPXE ROM; libvirtd with its qemu driver and the libvirt-qemu user, virsh.
deps_vhost=(dpdk dpdk-dev ipxe-qemu libvirt-daemon-system libvirt-clients)
# libvirt's node-device driver on the kernel's mtty sample (tests/vm/mtty-build
# extracts it from Debian's kernel source; 27-libvirt-nodedev): libvirtd and
# its nodedev driver (libvirt-daemon), virsh (libvirt-clients, above).
deps_libvirt=(libvirt-daemon linux-source-6.1 xz-utils)
# The debug kernel (tools/build-debug-kernel; not installed by deps_ensure
# without arguments): Debian's kernel source and what building it needs.
deps_kernel_debug=(linux-source-6.1 make gcc flex bison bc libssl-dev libelf-dev xz-utils cpio kmod)

# Building the Debian packages (debian/, tests/packaging/debian-build, which
# tools/test runs so that the VM can install them): dpkg-checkbuilddeps also
# wants build-essential.
deps_deb=(debhelper dh-dkms dpkg-dev build-essential)

# deps_as_root <script> [arg...]: return if root; else re-run the script
# under sudo, which a user who is not root needs (a fresh Debian machine
# used as root has no sudo, and needs none).
deps_as_root() {
	[ "$(id -u)" = 0 ] && return 0
	if command -v sudo >/dev/null; then
		echo "$(basename "$1"): not root; running it again with sudo" >&2
		exec sudo -- "$@"
	fi
	echo "$(basename "$1"): needs root (run it as root, or install sudo)" >&2
	exit 1
}

deps_missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			echo "$p"
	done
}

# deps_ensure [package...]: install what is missing of the given (default: all) packages.
deps_ensure() {
	local want=("$@") missing
	[ ${#want[@]} -gt 0 ] || want=("${deps_build[@]}" "${deps_vm[@]}" "${deps_tools[@]}" "${deps_vhost[@]}"
		"${deps_libvirt[@]}" "${deps_deb[@]}")
	mapfile -t missing < <(deps_missing "${want[@]}")
	[ ${#missing[@]} -gt 0 ] || return 0
	if [ "$(id -u)" != 0 ]; then
		echo "Missing packages: ${missing[*]} (run as root to install them)" >&2
		return 1
	fi
	echo "Installing ${missing[*]} ..."
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
	# modprobe/modinfo need the index of a freshly installed kernel.
	local k
	for k in /lib/modules/*; do
		[ -f "$k/modules.dep" ] || depmod -a "$(basename "$k")"
	done
}
