#!/bin/bash
# Run Debian's mdevctl and mdevvirtioctl (through "cli-golden run", the same
# code on a fixture backend) on the same data and compare stdout and exit
# status. The fixture is written as a fake vfio-mdev sysfs and /etc/mdevctl.d
# tree, which is bind-mounted over /sys/class, /sys/bus and /etc/mdevctl.d
# inside a private mount namespace (unshare -m), so nothing real is touched.
#
# Two deliberate differences are normalised here, as documented in
# mdevvirtioctl(8), where mdevvirtioctl follows mdevctl's master branch:
# mdevctl 1.2.0 ends every text listing with an extra empty line (a lone
# newline when empty), and --dumpjson output with a newline; master and
# mdevvirtioctl do neither.
#
# A line that starts with "msg " also compares the error: mdevvirtioctl's
# must carry mdevctl's "Error: <message>" word for word (ours adds the object).
#
# Exit 77 (skipped) without root, unshare, or the mdevctl package.
set -u
unset MDEVCTL_LOG # both tools read it
bin=$1
cd "$(dirname "$0")" || exit 1

skip() {
	echo "SKIP: $*"
	exit 77
}
[[ $(id -u) -eq 0 ]] || skip "needs root for unshare -m"
command -v mdevctl >/dev/null || skip "mdevctl is not installed (apt-get install mdevctl)"
[[ -d /etc/mdevctl.d ]] || skip "/etc/mdevctl.d does not exist"
unshare -m true 2>/dev/null || skip "unshare -m does not work here"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0 passed=0

U1=11111111-1111-1111-1111-111111111111
U2=22222222-2222-2222-2222-222222222222
UV=83c32df7-d52e-4ec1-9668-1f3c7e4df107
U4=44444444-4444-4444-4444-444444444444
UB=bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb
UN=99999999-9999-9999-9999-999999999999

# fixture, then one command line per line (word-split; no quoting needed).
declare -A cases
cases[basic.json]="list
list -v
list -d
list -dv
list --dumpjson
list -d --dumpjson
list -u $U1
list -d -u $UV -v
list --dumpjson -u $U1
list -d --dumpjson -u $UV
list --dumpjson -u $U4
list -d --dumpjson --uuid=83C32DF7D52E4EC196681F3C7E4DF107
list -u $UN
list --dumpjson -u $UN
list -p mvsim -v
list -d -p 0000:00:03.0 --dumpjson
list --parent=mvsim --dumpjson
types
types --dumpjson
types -p mvsim
types --parent=0000:00:02.0 --dumpjson
types -p nosuch
types -p nosuch --dumpjson
list -u xyz
list --frob
frobnicate
list -p
stop
undefine -p mvsim
define
start
modify -u $U1 --addattr x
modify -u $U1 --auto --manual
list --dumpjson -d -u $UV --parent=0000:00:02.0
msg define -u $U4 -t mvsim-virtio_blk
msg define -u $U4 -t mvsim-virtio_net
msg define -u $UN
msg define -u $UN -t mvsim-virtio_net
msg define -p mvsim
msg define -u $UN -p mvsim
define -u $UN --jsonfile input/net.json
define -p mvsim --jsonfile input/net.json -t x
msg start -p mvsim
msg start -u $UN
msg start -u $UN -p mvsim
msg start -u $UN -t mvsim-virtio_net
start -u $UN --jsonfile input/net.json
start -p mvsim --jsonfile input/net.json -t x
modify -u $UN --auto
modify -u $U4 --auto
modify -u $U2 -p 0000:00:02.0 --manual
modify -u $U1 --addattr x --value y --index 3
undefine -u $U2 -p 0000:00:02.0"
cases[quoting.json]="list --dumpjson
list -d --dumpjson -u $UB
types
types --dumpjson"
# One UUID defined on two parents (UM stopped; UR running on mvsim2).
UM=55555555-5555-5555-5555-555555555555
UR=66666666-6666-6666-6666-666666666666
cases[multi.json]="list
list -d
list -dv
list -d --dumpjson
list --dumpjson
list -d -u $UM
list -d -u $UM --dumpjson
list -d -u $UM -p mvsim2 --dumpjson
list -d -u $UR
list -u $UR --dumpjson
msg start -u $UM
msg modify -u $UM --auto
msg undefine -u $U1 -p mvsim2"
cases[empty.json]="list
list -d
list --dumpjson
list -d --dumpjson
types
types --dumpjson"

# Runs inside the namespace: mount the fake tree, then run mdevctl per line.
cat >"$tmp/in-namespace.sh" <<'EOS'
set -e
root=$1 lines=$2 outdir=$3
mount --make-rprivate /
mount --bind "$root/sys/class" /sys/class
mount --bind "$root/sys/bus" /sys/bus
mount --bind "$root/etc/mdevctl.d" /etc/mdevctl.d
set +e
n=0
while IFS= read -r line; do
	line=${line#msg }
	# shellcheck disable=SC2086
	mdevctl $line >"$outdir/$n.out" 2>"$outdir/$n.err"
	echo $? >"$outdir/$n.rc"
	n=$((n + 1))
done <"$lines"
EOS

for fixture in "${!cases[@]}"; do
	root=$tmp/${fixture%.json}
	mkdir -p "$root/mdevctl" "$root/ours"
	"$bin" mktree "fixtures/$fixture" "$root" || exit 1
	printf '%s\n' "${cases[$fixture]}" >"$root/lines"
	unshare -m bash "$tmp/in-namespace.sh" "$root" "$root/lines" "$root/mdevctl" || exit 1
	n=0
	while IFS= read -r line; do
		msg=
		if [[ $line == "msg "* ]]; then
			line=${line#msg }
			msg=$(sed -n '1s/^Error: //p' "$root/mdevctl/$n.err")
			[[ -n $msg ]] || msg="(mdevctl printed no 'Error:' line)"
		fi
		# shellcheck disable=SC2086
		"$bin" run "fixtures/$fixture" $line >"$root/ours/$n.out" 2>"$root/ours/$n.err"
		echo $? >"$root/ours/$n.rc"
		expected=$root/mdevctl/$n.out
		# The documented differences: drop 1.2.0's trailing empty line
		# (text) or trailing newline (JSON).
		if [[ $line != *--dumpjson* ]]; then
			python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d[:-1] if d.endswith(b"\n\n") or d == b"\n" else d)' \
				"$expected" >"$expected.norm"
		else
			python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d[:-1] if d.endswith(b"\n") else d)' \
				"$expected" >"$expected.norm"
		fi
		expected=$expected.norm
		if cmp -s "$expected" "$root/ours/$n.out" && cmp -s "$root/mdevctl/$n.rc" "$root/ours/$n.rc" &&
			{ [[ -z $msg ]] || grep -qF -- "$msg" "$root/ours/$n.err"; }; then
			passed=$((passed + 1))
		else
			echo "FAIL [$fixture] $line: expected (mdevctl, rc $(cat "$root/mdevctl/$n.rc")${msg:+, error '$msg'}) vs seen (mdevvirtioctl, rc $(cat "$root/ours/$n.rc")):"
			diff -u --label mdevctl --label mdevvirtioctl "$expected" "$root/ours/$n.out"
			sed 's/^/  mdevctl stderr: /' "$root/mdevctl/$n.err"
			sed 's/^/  mdevvirtioctl stderr: /' "$root/ours/$n.err"
			failed=$((failed + 1))
		fi
		n=$((n + 1))
	done <"$root/lines"
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
