#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The progress line of import and start-parent-mdevs (src/cli/cli-progress.h)
# on the fixture backend: run once on a pseudo-terminal (progress-pty.py) and
# once into a file. On the terminal the line counts up to the total, is cut
# to the width, is erased at the end and leaves the output otherwise as it
# was; into a file nothing of it appears; stderr is the same either way; a
# long run draws at most ten times a second.
# Usage: test-progress.sh <cli-golden>
set -euo pipefail
golden=$1
here=$(cd "$(dirname "$0")" && pwd)
pty=$here/progress-pty.py
[[ -x /usr/bin/python3 ]] || { echo "SKIP: /usr/bin/python3 not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset MDEVCTL_LOG
export TERM=xterm

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# both <name> <fixture> <args...>: the command on a terminal ($tmp/<name>.tty,
# stderr in .tty-err) and into a file (.out, .err); same exit status.
both() {
	local name=$1 fixture=$2 rc_tty=0 rc=0
	shift 2
	"$pty" run ${COLUMNS_ARG:+--columns "$COLUMNS_ARG"} "$tmp/$name.tty" -- \
		"$golden" run "$fixture" "$@" 2>"$tmp/$name.tty-err" || rc_tty=$?
	"$golden" run "$fixture" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
	[[ $rc_tty -eq $rc ]] || fail "$name: exit $rc_tty on a terminal, $rc without"
	cmp -s "$tmp/$name.tty-err" "$tmp/$name.err" ||
		fail "$name: stderr differs on a terminal: $(diff "$tmp/$name.err" "$tmp/$name.tty-err" | head)"
}

# --- import: 300 definitions, plus a file that is not one and bad JSON
tree=$tmp/mdevctl.d
mkdir -p "$tree/mvsim" "$tree/0000:00:02.0"
for i in $(seq 1 300); do
	printf '{"mdev_type":"mvsim-virtio_net","start":"manual","attrs":[]}' \
		>"$tree/mvsim/$(printf 'aaaaaaaa-0000-4000-8000-%012d' "$i")"
done
echo '{"mdev_type":' >"$tree/0000:00:02.0/bbbbbbbb-0000-4000-8000-000000000001"
: >"$tree/0000:00:02.0/not-a-uuid"
: >"$tree/stray-file"
basic=$here/fixtures/basic.json

both import "$basic" import "$tree"
grep -qx "300 imported, 3 skipped, 0 failed" "$tmp/import.out" ||
	fail "import: unexpected summary: $(tail -n 1 "$tmp/import.out")"
[[ $(grep -c '^Imported mvsim/' "$tmp/import.out") -eq 300 ]] || fail "import: not 300 imported lines"
"$pty" check "$tmp/import.tty" "$tmp/import.out" --label "Importing definitions" --total 302 ||
	fail "import on a terminal"

both dry-run "$basic" import --dry-run "$tree"
"$pty" check "$tmp/dry-run.tty" "$tmp/dry-run.out" --label "Checking definitions" --total 302 ||
	fail "import --dry-run on a terminal"

COLUMNS_ARG=20 both narrow "$basic" import "$tree"
"$pty" check "$tmp/narrow.tty" "$tmp/narrow.out" --label "Importing definitions" --total 302 \
	--columns 20 || fail "import on a 20-column terminal"
cmp -s "$tmp/narrow.out" "$tmp/import.out" || fail "import: the width changed the output"

# Nothing to count: no progress line at all, on a terminal too.
mkdir "$tmp/empty.d"
both empty "$basic" import "$tmp/empty.d"
cmp -s "$tmp/empty.tty" "$tmp/empty.out" || fail "import of nothing drew a progress line"

# --- start-parent-mdevs: N auto devices defined, not running, on mvsim
# fixture <n> <file>
fixture() {
	/usr/bin/python3 - "$@" <<-'PY'
	import json, sys
	n, path = int(sys.argv[1]), sys.argv[2]
	dev = lambda i, start: {
	    "uuid": "cccccccc-0000-4000-8000-%012d" % i, "parent": "mvsim",
	    "type": "mvsim-virtio_net", "class": "virtio", "start": start, "defined": True,
	    "active": False, "state": "stopped", "last_error": "", "driver": "",
	    "attrs": [], "nodes": []}
	parent = {"name": "mvsim", "bus": "mdev_virtio", "present": True, "types": [
	    {"id": "mvsim-virtio_net", "name": "virtio_net", "description": "net",
	     "available_instances": 16, "device_api": "virtio"}]}
	# Manual ones in between are not counted.
	devices = [dev(i, "auto") for i in range(n)] + [dev(n + i, "manual") for i in range(5)]
	json.dump({"parents": [parent], "devices": devices, "bad_definitions": []}, open(path, "w"))
	PY
}
fixture 40 "$tmp/40.json"
both start40 "$tmp/40.json" start-parent-mdevs mvsim
[[ ! -s $tmp/start40.out ]] || fail "start-parent-mdevs printed on stdout without a terminal"
[[ $(grep -c '^> StartOnParent' "$tmp/start40.err") -eq 40 ]] || fail "start-parent-mdevs: not 40 starts"
"$pty" check "$tmp/start40.tty" "$tmp/start40.out" --label "Starting devices of mvsim" --total 40 ||
	fail "start-parent-mdevs on a terminal"

# 3000 devices: the line is drawn at most ten times a second (plus the
# first and the last), not once a device.
fixture 3000 "$tmp/3000.json"
t0=$(date +%s%N)
"$pty" run "$tmp/start3000.tty" -- "$golden" run "$tmp/3000.json" start-parent-mdevs mvsim \
	2>/dev/null
t1=$(date +%s%N)
: >"$tmp/empty"
max=$(((t1 - t0) / 100000000 + 3))
"$pty" check "$tmp/start3000.tty" "$tmp/empty" --label "Starting devices of mvsim" \
	--total 3000 --max-draws "$max" || fail "start-parent-mdevs of 3000 devices"
echo "PASS: import and start-parent-mdevs progress ($(((t1 - t0) / 1000000)) ms for 3000 devices, at most $max draws)"
