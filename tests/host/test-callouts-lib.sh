# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034 # variables are for the scripts that source it
#
# mdevctl callout and notifier scripts for the test-callouts* host tests,
# sourced after lib.sh. Every script this writes appends one line per call
# to $CALLS:
#     <script name> <its twelve arguments> | <its stdin>
# and answers by what the test puts in $CTL:
#     $CTL/<script name>.<event>.<action>   sourced when it exists (it may print,
#                                         sleep, exit with any status)
# A callout script handles only the types it was written with (exit 2 for
# the others, as mdevctl's protocol says); a notifier handles everything.

CALLS=
CTL=
CO_USR=
CO_ETC=
NO_USR=
NO_ETC=
# What mdevctl puts on the handshake's stdin (serde's order and spelling).
PROVIDES='{"provides":{"version":2,"actions":["start","stop","define","undefine","modify","attributes","capabilities"],"events":["pre","post","notify","get","live"]}}'

# callouts_dirs: the four script directories of the fake root, empty.
callouts_dirs() {
	CALLS=$WORKDIR/calls
	CTL=$WORKDIR/ctl
	CO_USR=$ROOT/usr/lib/mdevctl/scripts.d/callouts
	CO_ETC=$ROOT/etc/mdevctl.d/scripts.d/callouts
	NO_USR=$ROOT/usr/lib/mdevctl/scripts.d/notifiers
	NO_ETC=$ROOT/etc/mdevctl.d/scripts.d/notifiers
	mkdir -p "$CO_USR" "$CO_ETC" "$NO_USR" "$NO_ETC" "$CTL"
	: >"$CALLS"
}

# callout_write <dir> <name> <types handled, space-separated; "*" for all>
callout_write() {
	cat >"$1/$2.tmp" <<-EOF
	#!/bin/sh
	name=\${0##*/}
	input=\$(cat)
	printf '%s %s | %s\n' "\$name" "\$*" "\$input" >>"$CALLS"
	case " $3 " in *" \$2 "*|*" * "*) ;; *) exit 2 ;; esac
	ctl="$CTL/\$name.\$4.\$6"
	if [ -f "\$ctl" ]; then . "\$ctl"; fi
	exit 0
	EOF
	chmod 0755 "$1/$2.tmp"
	mv "$1/$2.tmp" "$1/$2"
}

# ctl <script> <event> <action> <shell text>: how <script> answers that call.
ctl() { printf '%s\n' "$4" >"$CTL/$1.$2.$3"; }
ctl_clear() { rm -f "$CTL/$1.$2.$3"; }

# calls_mark: remember how far $CALLS is; calls_new: what was appended since.
CALLS_MARK=0
calls_mark() { CALLS_MARK=$(wc -l <"$CALLS"); }
calls_new() { tail -n +$((CALLS_MARK + 1)) "$CALLS"; }

# expect_calls <what> <expected lines>: exactly these calls since calls_mark.
expect_calls() {
	expect_eq "calls: $1" "$2" "$(calls_new)"
	calls_mark
}

# call <script> <type> <event> <action> <state> <uuid> <parent> [stdin]: one
# expected line of $CALLS.
call() {
	printf '%s -t %s -e %s -a %s -s %s -u %s -p %s | %s' "$1" "$2" "$3" "$4" "$5" "$6" "$7" \
		"${8:-}"
}

# sysfs_device <bus> <parent> <type> <uuid>: what the kernel shows of a
# device that runs (the fake root's create store is a plain file).
sysfs_device() {
	local parent dev
	parent=$(readlink -f "$ROOT/sys/class/$1_bus/$2")
	dev=$parent/$4
	mkdir -p "$dev"
	ln -srfn "$parent/mdev_supported_types/$3" "$dev/mdev_type"
	: >"$dev/remove"
	ln -srfn "$dev" "$ROOT/sys/bus/$1/devices/$4"
}

# device_prop <uuid> <property>: as busctl prints it.
device_prop() { prop "$(device_path "$1")" "$DEVICE_IFACE" "$2"; }
