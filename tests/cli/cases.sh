# Golden-file cases for run-golden.sh: one "t NAME FIXTURE STDIN ARGS..." per
# case. FIXTURE is in fixtures/, STDIN in input/ ("-" for none). Each case's
# expected stdout, stderr (including the fixture backend's "> Method(...)"
# call log) and exit status are in golden/NAME.out.
# shellcheck shell=bash disable=SC2034

U1=11111111-1111-1111-1111-111111111111
U2=22222222-2222-2222-2222-222222222222
U3=33333333-3333-3333-3333-333333333333
U4=44444444-4444-4444-4444-444444444444
UA=aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa
UV=83c32df7-d52e-4ec1-9668-1f3c7e4df107
UN=99999999-9999-9999-9999-999999999999

# --- list
t list                basic.json - list
t list-verbose        basic.json - list -v
t list-defined        basic.json - list --defined
t list-defined-bundle basic.json - list -dv
t list-parent         basic.json - list -p mvsim
t list-parent-eq      basic.json - list --parent=mvsim -v
t list-uuid           basic.json - list -u $U1
t list-uuid-nomatch   basic.json - list -u $UN
t list-json           basic.json - list --dumpjson
t list-defined-json   basic.json - list --dumpjson --defined
t list-uuid-json      basic.json - list --dumpjson -u $U1
t list-uuid-upper-json basic.json - list -d --dumpjson --uuid=11111111111111111111111111111111
t list-uuid-braced    basic.json - list -d -u '{83C32DF7-D52E-4EC1-9668-1F3C7E4DF107}'
t list-uuid-urn       basic.json - list -d -u urn:uuid:83c32df7-d52e-4ec1-9668-1f3c7e4df107
t list-nomatch-json   basic.json - list --dumpjson -u $UN
t list-parent-json    basic.json - list --dumpjson -d -p 0000:00:03.0
t list-empty          empty.json - list
t list-empty-json     empty.json - list --dumpjson
t list-empty-defined-json empty.json - list --dumpjson --defined
t list-quoting-verbose quoting.json - list -v
t list-quoting-json   quoting.json - list --dumpjson
t lsmdev              basic.json - @lsmdevvirtio -d
t daemon-down         daemon-down.json - list

# --- types
t types               basic.json - types
t types-json          basic.json - types --dumpjson
t types-parent        basic.json - types -p mvsim
t types-parent-json   basic.json - types --parent=mvsim --dumpjson
t types-absent-parent basic.json - types -p 0000:00:03.0
t types-nomatch-json  basic.json - types -p nosuch --dumpjson
t types-empty-json    empty.json - types --dumpjson
t types-quoting       quoting.json - types
t types-quoting-json  quoting.json - types --dumpjson

# --- status
t status-running      basic.json - status $U1
t status-vhost        basic.json - status -u $UA
t status-waiting      basic.json - status $U3
t status-transient    basic.json - status $U4
t status-json         basic.json - status --json $U1
t status-unknown      basic.json - status $UN
t status-virtio       virtio.json - status $U1
t status-virtio-json  virtio.json - status --json $U1
t status-virtio-stopped virtio.json - status $U2

# --- stats (Device.GetStatistics)
t stats               virtio.json - stats $U1
t stats-uuid-option   virtio.json - stats -u $U1
t stats-json          virtio.json - stats --dumpjson $U1
t stats-not-running   virtio.json - stats $U2
t stats-unknown       virtio.json - stats $UN
t stats-no-uuid       virtio.json - stats
t stats-bad-uuid      virtio.json - stats not-a-uuid

# --- define (libvirt: define --parent=P --jsonfile=/dev/stdin [--uuid=U])
t define              basic.json - define -p mvsim -t mvsim-virtio_net
t define-auto-uuid    basic.json - define -u $UN -p mvsim -t mvsim-virtio_net --auto
t define-promote      basic.json - define -u $U4
t define-promote-auto basic.json - define --uuid=$U4 -a
t define-not-running  basic.json - define -u $UN
t define-libvirt      basic.json libvirt-define.json define --parent=0000:00:02.0 --jsonfile=/dev/stdin
t define-libvirt-uuid basic.json libvirt-define.json define --parent=0000:00:02.0 --jsonfile=/dev/stdin --uuid=$UN
t define-jsonfile     basic.json - define -p mvsim --jsonfile input/net.json
t define-exists       errors.json - define -u $U2 -p mvsim -t mvsim-vhost_net
# A running device: -t needs -p (exit 1, "No parent specified"), -p alone
# takes the running type even for another parent, -p -t define what they say
# (mdevctl's own tests uuid-running-no-parent, -diff-parent, -diff-type).
t define-running-type-no-parent basic.json - define -u $U4 -t mvsim-virtio_blk
t define-running-other-parent basic.json - define -u $U4 -p 0000:00:02.0
t define-running-diff-type basic.json - define -u $U4 -p mvsim -t mvsim-virtio_net
t define-denied       errors.json - define -p mvsim --jsonfile input/net.json

# --- undefine (libvirt: undefine --uuid=U)
t undefine            basic.json - undefine --uuid=$U2
t undefine-parent     basic.json - undefine -u $U2 -p mvsim
t undefine-wrong-parent basic.json - undefine -u $U2 -p 0000:00:02.0
t undefine-unknown    errors.json - undefine -u $UN

# --- modify (libvirt: modify --uuid U --auto|--manual;
#     modify --parent=P --jsonfile=/dev/stdin --uuid=U [--defined] [--live])
t modify-auto         basic.json - modify --uuid $U2 --auto
t modify-manual       basic.json - modify --uuid $U1 --manual
t modify-type-manual  basic.json - modify -u $U2 -t mvsim-virtio_net --manual
t modify-addattr      basic.json - modify -u $U1 --addattr=mtu --value=9000
t modify-addattr-index basic.json - modify -u $U1 --addattr mac --value 02:00:00:00:00:aa -i 0
t modify-addattr-end  basic.json - modify -u $U1 --addattr x --value y --index=2
t modify-delattr      basic.json - modify -u $U1 --delattr
t modify-delattr-index basic.json - modify -u $U1 --delattr --index 0
t modify-delattr-bad-index basic.json - modify -u $U1 --delattr --index 2
t modify-addattr-bad-index basic.json - modify -u $U1 --addattr x --value y --index 3
t modify-not-defined  basic.json - modify -u $U4 --auto
t modify-libvirt-defined basic.json libvirt-update.json modify --parent=mvsim --jsonfile=/dev/stdin --uuid=$U1 --defined
t modify-libvirt-live basic.json libvirt-update.json modify --parent=mvsim --jsonfile=/dev/stdin --uuid=$U1 --defined --live
t modify-libvirt-live-only basic.json libvirt-update.json modify --parent=mvsim --jsonfile=/dev/stdin --uuid=$U1 --live
t modify-live-stopped basic.json libvirt-update.json modify --parent=mvsim --jsonfile=/dev/stdin --uuid=$U2 --live
t modify-wrong-parent basic.json libvirt-update.json modify --parent=0000:00:02.0 --jsonfile=/dev/stdin --uuid=$U1
t modify-libvirt-probe basic.json - modify --defined --live --jsonfile b --help
t modify-busy         errors.json - modify -u $U1 --manual

# --- start (libvirt: start --parent=P --jsonfile=/dev/stdin [--uuid=U]; start --uuid=U)
t start-libvirt       basic.json libvirt-define.json start --parent=0000:00:02.0 --jsonfile=/dev/stdin
t start-libvirt-uuid  basic.json libvirt-define.json start --parent=0000:00:02.0 --jsonfile=/dev/stdin --uuid=$UN
t start-uuid          basic.json - start --uuid=$U2
t start-uuid-type-ok  basic.json - start -u $U2 -t mvsim-vhost_net
t start-uuid-type-conflict basic.json - start -u $U2 -p mvsim -t mvsim-virtio_net
t start-transient     basic.json - start -p mvsim -t mvsim-virtio_net
t start-transient-uuid basic.json - start -u $UN -p mvsim -t mvsim-virtio_net
t start-undefined     basic.json - start -u $UN
t start-undefined-parent basic.json - start -u $UN -p mvsim
t start-no-instances  errors.json - start -u $U2
t start-bad-type      errors.json - start -p mvsim -t bogus

# --- --force: every changing call carries flag 4 (start/undefine -u: the OnParent form)
t force-define        basic.json - define -p mvsim -t mvsim-virtio_net -f
t force-define-jsonfile basic.json - define -p mvsim --jsonfile input/net.json --force
t force-undefine      basic.json - undefine -u $U2 --force
t force-undefine-parent basic.json - undefine -u $U2 -p mvsim -f
t force-modify        basic.json - modify -u $U2 --auto -f
t force-start         basic.json - start -u $U2 -f
t force-start-transient basic.json - start -p mvsim -t mvsim-virtio_net -f
t force-list          basic.json - list -f

# --- --ensure (ours, for mdevvirtio@.service): already in that state is success.
# ensure.json is basic.json whose daemon answers Start with AlreadyExists (it
# started the device meanwhile) and Stop with NotFound (not running).
t ensure-start-running basic.json - start -u $U1 --ensure
t ensure-start        basic.json - start -u $U2 --ensure
t ensure-start-race   ensure.json - start -u $U2 --ensure
t start-race          ensure.json - start -u $U2
t ensure-stop-stopped ensure.json - stop -u $U2 --ensure
t stop-not-running    ensure.json - stop -u $U2
t ensure-list         basic.json - list --ensure

# --- stop (libvirt: stop --uuid=U)
t stop                basic.json - stop --uuid=$U1
t stop-short          basic.json - stop -u $U1 -f
t stop-denied         errors.json - stop -u $U1

# --- start-parent-mdevs
t start-parent-mdevs  basic.json - start-parent-mdevs mvsim
t start-parent-mdevs-fail errors.json - start-parent-mdevs 0000:00:03.0

# --- import
t import              basic.json - import input/mdevctl.d
t import-dry-run      basic.json - import -n input/mdevctl.d
t import-missing      basic.json - import input/no-such-dir
t import-not-utf8     basic.json - import input/mdevctl-not-utf8.d

# --- MDEVCTL_LOG (env_logger's levels and "module=level" directives)
t log-default         basic.json - list -d -u $UV
t log-error           basic.json - %MDEVCTL_LOG=error list -d -u $UV
t log-info            basic.json - %MDEVCTL_LOG=info define -p mvsim -t mvsim-virtio_net
t log-debug           basic.json - %MDEVCTL_LOG=debug define -u $U4
t log-debug-failure   errors.json - %MDEVCTL_LOG=Debug start -u $U2
t log-trace           basic.json - %MDEVCTL_LOG=mdevctl=trace modify -u $U1 --addattr x --value y -i 1
t log-module          basic.json - %MDEVCTL_LOG=warn,mdevctl::callouts=debug/regex stop -u $U1
t log-bare-module     basic.json - %MDEVCTL_LOG=mdevctl types -p nosuch
t log-other-module    basic.json - %MDEVCTL_LOG=serde_json=trace stop -u $U1
t log-off             errors.json - %MDEVCTL_LOG=off start -u $U2
t log-bad             basic.json - %MDEVCTL_LOG=info,mdevctl=debug=1 stop -u $U1
t log-unknown-module  basic.json - %MDEVCTL_LOG=loud,info stop -u $U1
t log-bad-level       basic.json - %MDEVCTL_LOG=mdevctl=loud stop -u $U1
t log-empty           basic.json - %MDEVCTL_LOG= stop -u $U1

# --- help and version
t help                basic.json - --help
t help-verb           basic.json - list --help
t help-modify         basic.json - modify -h
t no-verb             basic.json -

# --- bad input
t bad-verb            basic.json - frobnicate
t bad-option          basic.json - list --frob
t bad-short-option    basic.json - list -x
t option-wrong-verb   basic.json - stop -u $U1 --dumpjson
t option-before-verb  basic.json - -d list
t bad-uuid            basic.json - list -u xyz
t bad-uuid-short      basic.json - stop -u 1234
t missing-value       basic.json - list -p
t missing-uuid        basic.json - stop
t repeated-option     basic.json - list -u $U1 -u $U2
t flag-with-value     basic.json - list --defined=yes
t bad-parent-name     basic.json - define -p ../etc -t x
t bad-index           basic.json - modify -u $U1 --delattr -i -1
t define-nothing      basic.json - define
t define-no-parent    basic.json - define -t mvsim-virtio_net -u $UN
t define-no-type      basic.json - define -p mvsim
t define-json-type    basic.json - define -p mvsim --jsonfile input/net.json -t x
t define-json-no-parent basic.json - define -u $UN --jsonfile input/net.json
t start-type-no-parent basic.json - start -t mvsim-virtio_net
t start-nothing       basic.json - start
t start-parent-only   basic.json - start -p mvsim
t start-json-no-parent basic.json - start -u $UN --jsonfile input/net.json
# mdevctl master requires exactly one of --auto, --manual, --addattr,
# --delattr, --jsonfile (src/cli.rs, ArgGroup "modify", commits 8679372 and
# 45e5596); 1.2 accepted none (-t alone, or nothing) and several.
t modify-nothing      basic.json - modify -u $U1
t modify-type         basic.json - modify -u $U2 -t mvsim-virtio_net
t modify-two-changes  basic.json - modify -u $U1 --auto --delattr
t modify-value-alone  basic.json - modify -u $U1 --value 3
t modify-auto-manual  basic.json - modify -u $U1 -a -m
t modify-live-no-file basic.json - modify -u $U1 --live
# master: --jsonfile needs --parent (exit 1) unless --live, which takes the
# running device's (modify_command in src/main.rs); 1.2 had no --jsonfile.
t modify-json-no-parent basic.json - modify -u $U1 --jsonfile input/net.json
t modify-live-no-parent basic.json libvirt-update.json modify --jsonfile=/dev/stdin --uuid=$U1 --live
t extra-argument      basic.json - list extra
t jsonfile-unreadable basic.json - define -p mvsim --jsonfile input/no-such-file.json
t jsonfile-truncated  basic.json - define -p mvsim --jsonfile input/truncated.json
t jsonfile-no-type    basic.json - start -p mvsim --jsonfile input/no-type.json
t jsonfile-not-object basic.json - define -p mvsim --jsonfile input/not-object.json
t jsonfile-attrs-not-array basic.json - define -p mvsim --jsonfile input/attrs-not-array.json
t jsonfile-attr-two-keys basic.json - define -p mvsim --jsonfile input/attr-two-keys.json
t jsonfile-attr-not-string basic.json - define -p mvsim --jsonfile input/attr-not-string.json
t jsonfile-type-not-string basic.json - define -p mvsim --jsonfile input/type-not-string.json
t jsonfile-empty-stdin basic.json - start --parent=mvsim --jsonfile=/dev/stdin
t start-uuid-type-undefined basic.json - start -u $UN -t mvsim-virtio_net
t modify-addattr-first basic.json - modify -u $U2 --addattr mac --value 02:00:00:00:00:02
t modify-delattr-none basic.json - modify -u $U2 --delattr

# --- one UUID defined on several parents (Device.Definitions; mdevctl keys
#     definitions by <parent>/<uuid>): UM is defined on mvsim and mvsim2 and
#     stopped, UR on both and running on mvsim2.
UM=55555555-5555-5555-5555-555555555555
UR=66666666-6666-6666-6666-666666666666
t multi-list-defined  multi.json - list -d
t multi-list-defined-verbose multi.json - list -dv
t multi-list-defined-json multi.json - list -d --dumpjson
t multi-list-uuid     multi.json - list -d -u $UM
t multi-list-uuid-parent multi.json - list -d -u $UM -p mvsim2 --dumpjson
t multi-list-active   multi.json - list
t multi-start-ambiguous multi.json - start -u $UM
t multi-start-parent  multi.json - start -u $UM -p mvsim2
t multi-start-wrong-parent multi.json - start -u $UM -p nosuch
t multi-modify-ambiguous multi.json - modify -u $UM --auto
t multi-modify-parent multi.json - modify -u $UM -p mvsim2 --addattr mtu --value 1500 -i 1
t multi-modify-parent-bad-index multi.json - modify -u $UM -p mvsim --delattr -i 1
t multi-undefine-all  multi.json - undefine -u $UM
t multi-undefine-parent multi.json - undefine -u $UM -p mvsim
t multi-undefine-wrong-parent multi.json - undefine -u $U1 -p mvsim2
t multi-define-other-parent multi.json - define -u $U1 -p mvsim2 -t mvsim-vhost_net
t multi-status-running multi.json - status $UR
t multi-start-parent-mdevs multi.json - start-parent-mdevs mvsim2
