#!/bin/bash
# The bash completion, with "mdevvirtioctl" answering from the basic fixture
# (cli-golden run): commands, options per command, and UUIDs, parents and
# types from the "daemon", including "--opt=value" and parents with ':'.
# Usage: test-completion.sh <cli-golden> <completion file>
set -u
golden=$1 completion=$2
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/mdevvirtioctl" <<EOS
#!/bin/sh
exec "$golden" run "$PWD/fixtures/basic.json" "\$@"
EOS
chmod +x "$tmp/mdevvirtioctl"
PATH=$tmp:$PATH
# shellcheck source=../../src/cli/mdevvirtioctl.bash-completion
. "$completion"

failed=0 passed=0
# c "<expected replies>" <words...>: the last word is the one being completed.
c() {
	local expected=$1 seen
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_mdevvirtioctl
	seen="${COMPREPLY[*]}"
	if [[ $seen == "$expected" ]]; then
		passed=$((passed + 1))
	else
		echo "FAIL: completing '$*'
  expected: $expected
  seen:     $seen"
		failed=$((failed + 1))
	fi
}

c "list define undefine modify start stop types start-parent-mdevs status stats monitor import --help --version" mdevvirtioctl ""
c "start stop start-parent-mdevs status stats" mdevvirtioctl st
c "--dumpjson" mdevvirtioctl types --d
c "--live" mdevvirtioctl modify --l
c "--defined --dumpjson" lsmdevvirtio --d
c "11111111-1111-1111-1111-111111111111" mdevvirtioctl stop -u 1
c "11111111-1111-1111-1111-111111111111" mdevvirtioctl stop --uuid = 1
c "22222222-2222-2222-2222-222222222222" mdevvirtioctl status 2
c "0000:00:02.0 mvsim" mdevvirtioctl list -p ""
c "02.0" mdevvirtioctl list -p 0000 : 00 : 0
c "00:02.0" mdevvirtioctl list --parent = 0000 :
c "mvsim" mdevvirtioctl start-parent-mdevs m
c "mvsim-vhost_net mvsim-virtio_blk mvsim-virtio_net" mdevvirtioctl define -p mvsim -t ""
c "mvsim-virtio_blk mvsim-virtio_net" mdevvirtioctl define --parent = mvsim --type = mvsim-vi
c "" mdevvirtioctl modify -u 1 --value ""
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
