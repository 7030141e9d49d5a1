#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The browser half of tests/host/test-cockpit.

Usage: cockpit-page.py <admin|viewer> <page url> <screenshot dir>

Drives the Cockpit page (src/cockpit) in headless chromium (tests/vm/cdp.py)
against cockpit-ws and the daemon on the test's private bus, and checks it
against busctl on the same bus (DBUS_SYSTEM_BUS_ADDRESS): every device of
ListDevices is a row, in UUID order, with the same parent, type, start and
attributes; a change made on the bus updates its row in place (the same DOM
node) and new and removed devices take and leave their place without a
reload; define, modify and undefine from the page reach the definition files;
refused calls show exactly the error name and message busctl gets. As
"viewer" (cockpit-ws run as nobody) the page shows the same devices and a
change is refused with the daemon's own AccessDenied (this bus has no policy;
the VM test sees the installed policy refuse first). Exit 0 pass, 1 fail.
"""

import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vm"))
import cdp  # noqa: E402

API = ["org.mdevvirtio1", "/org/mdevvirtio1", "org.mdevvirtio1.Manager"]
NEW = "6a0c3f10-01f4-4c1d-9e2f-000000000000"   # sorts amid the generated ones
PAGE_DEF = "6a0c3f10-ffff-4c1d-9e2f-000000000001"
BAD = "6a0c3f10-bad0-4c1d-9e2f-000000000001"


T0 = time.monotonic()


def note(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def expect_eq(what, want, seen):
    if want != seen:
        fail(f"{what}: expected {want!r}, saw {seen!r}")


def busctl(*argv, user=None):
    pre = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] if user else []
    return subprocess.run(pre + ["busctl", "--system"] + list(argv), capture_output=True, text=True,
                          env=dict(os.environ, SYSTEMD_LOG_LEVEL="debug", SYSTEMD_LOG_COLOR="0"))


def call(*argv):
    p = busctl("--json=short", "call", *argv)
    if p.returncode != 0:
        fail(f"busctl call {' '.join(argv)}: {p.stderr.strip().splitlines()[-1:]}")
    return json.loads(p.stdout)["data"] if p.stdout.strip() else None


def call_error(*argv, user=None):
    """(error name, message) of a call that must fail, as busctl got them."""
    p = busctl("call", *argv, user=user)
    if p.returncode == 0:
        fail(f"busctl call {' '.join(argv)} succeeded; expected an error")
    name = message = ""
    for line in p.stderr.splitlines():
        if line.startswith("Got message type=error") and "error-name=" in line:
            name = line.split("error-name=", 1)[1].split()[0]
        if line.startswith("Call failed: "):
            message = line[len("Call failed: "):]
    return name, message


def device_list():
    """ListDevices as {uuid: (parent, type, start, attrs as page text)}."""
    devices = call(*API, "ListDevices", "u", "0")[0]
    return {d[0]: (d[1], d[2], d[4], "\n".join(f"{k}={v}" for k, v in d[9])) for d in devices}


def device_path(uuid):
    out = ""
    for i, c in enumerate(uuid):
        out += c if c.isalpha() or (c.isdigit() and i > 0) else f"_{ord(c):02x}"
    return "/org/mdevvirtio1/devices/" + out


ROWS = """Array.from(document.querySelectorAll('#devices tbody tr')).map(tr => {
    const f = n => tr.querySelector(`[data-field=${n}]`).textContent;
    return [tr.dataset.uuid, f('parent'), f('type'), f('start'), f('attrs')];
})"""


def sel(uuid, rest=""):
    return json.dumps(f'#devices tr[data-uuid="{uuid}"]{rest}')


def wait_row(b, uuid, cond="true", what=None):
    b.wait(f"(() => {{ const tr = document.querySelector({sel(uuid)}); if (!tr) return false;"
           f" const f = n => tr.querySelector(`[data-field=${{n}}]`).textContent;"
           f" return {cond}; }})()", 60, what or f"row {uuid} with {cond}")


def newest_message(b, count):
    b.wait(f"document.querySelectorAll('#messages .message').length >= {count}", 30,
           f"{count} message(s) on the page")
    return tuple(b.eval("""(() => { const m = document.querySelector('#messages .message');
        return [m.dataset.errorName || '', m.querySelector('.error-message').textContent]; })()"""))


def check_rows(b, what):
    rows = b.eval(ROWS)
    uuids = [r[0] for r in rows]
    expect_eq(f"{what}: rows in UUID order", sorted(uuids), uuids)
    want = device_list()
    expect_eq(f"{what}: rows vs ListDevices", sorted(want), uuids)
    for r in rows:
        expect_eq(f"{what}: row {r[0]}", list(want[r[0]]), r[1:])
    return uuids


def admin(b, shots):
    uuids = check_rows(b, "first listing")
    note(f"{len(uuids)} rows, as ListDevices lists them")

    # A change on the bus updates the row in place: the same node, marked here.
    middle = uuids[len(uuids) // 2]
    b.eval(f"document.querySelector({sel(middle)}).mdevvirtioMark = 'same node'")
    call(*API, "Modify", "sa{sv}u", middle, "2", "start", "s", "auto",
         "attrs", "a(ss)", "2", "mac", "02:00:00:00:ff:01", "mtu", "1400", "2")
    wait_row(b, middle, "f('start') === 'auto' && f('attrs') === 'mac=02:00:00:00:ff:01\\nmtu=1400'")
    expect_eq("the modified row is the same node", "same node",
              b.eval(f"document.querySelector({sel(middle)}).mdevvirtioMark"))

    note("a change on the bus updated its row in place")
    # New and removed devices, made on the bus, take and leave their place.
    call(*API, "Define", "ssssa(ss)", "mvsim", NEW, "mvsim-vhost_blk", "manual", "0")
    wait_row(b, NEW)
    check_rows(b, "after a Define on the bus")
    call(*API, "Undefine", "s", NEW)
    b.wait(f"!document.querySelector({sel(NEW)})", 60, f"row {NEW} to go")
    check_rows(b, "after an Undefine on the bus")

    note("devices defined and undefined on the bus came and went")
    # Define, modify and undefine from the page.
    b.fill("#define-parent", "mvsim")
    b.fill("#define-type", "mvsim-virtio_blk")
    b.fill("#define-uuid", PAGE_DEF)
    b.fill("#define-start", "auto")
    b.fill("#define-attrs", "capacity=65536")
    b.click("#define-submit")
    wait_row(b, PAGE_DEF, "f('attrs') === 'capacity=65536'")
    expect_eq("the page's definition", ("mvsim", "mvsim-virtio_blk", "auto", "capacity=65536"),
              device_list()[PAGE_DEF])
    b.click(f'#devices tr[data-uuid="{PAGE_DEF}"] button[data-action="modify"]')
    b.wait("document.getElementById('modify').open", 30, "the modify dialog")
    expect_eq("the dialog's attributes", "capacity=65536", b.eval("document.getElementById('modify-attrs').value"))
    b.fill("#modify-start", "manual")
    b.fill("#modify-attrs", "capacity=131072")
    b.click("#modify-apply")
    b.wait("!document.getElementById('modify').open", 30, "the dialog to close")
    wait_row(b, PAGE_DEF, "f('start') === 'manual' && f('attrs') === 'capacity=131072'")
    expect_eq("the page's modified definition", ("mvsim", "mvsim-virtio_blk", "manual", "capacity=131072"),
              device_list()[PAGE_DEF])

    # A Modify that lost a race is refused (the page sends the generation it showed).
    b.click(f'#devices tr[data-uuid="{PAGE_DEF}"] button[data-action="modify"]')
    b.wait("document.getElementById('modify').open", 30, "the modify dialog")
    call(*API, "Modify", "sa{sv}u", PAGE_DEF, "1", "start", "s", "auto", "2")
    b.fill("#modify-attrs", "capacity=1")
    b.click("#modify-apply")
    b.wait("document.querySelector('#modify-error .message')", 30, "the dialog's error")
    seen = b.eval("(() => { const m = document.querySelector('#modify-error .message');"
                  " return [m.dataset.errorName, m.querySelector('.error-message').textContent]; })()")
    expect_eq("a stale Modify's error name", "org.mdevvirtio1.Error.Conflict", seen[0])
    b.click("#modify-cancel")
    expect_eq("a refused Modify changed nothing", "capacity=131072", device_list()[PAGE_DEF][3])

    b.screenshot(os.path.join(shots, "host-admin.png"), full_page=False)
    b.click(f'#devices tr[data-uuid="{PAGE_DEF}"] button[data-action="undefine"]')
    b.wait(f"!document.querySelector({sel(PAGE_DEF)})", 60, f"row {PAGE_DEF} to go")
    if PAGE_DEF in device_list():
        fail("the page's Undefine left the device")

    note("define, modify (and a stale one refused) and undefine from the page")

    # A bad file dropped in by hand is listed with the daemon's reason, and goes with it.
    bad = os.path.join(os.environ["COCKPIT_ROOT"], "etc/mdevvirtio.d/mvsim", BAD)
    with open(bad, "w") as f:
        f.write("{ not json")
    b.wait("!document.getElementById('bad-definitions').hidden", 60, "the bad file to be listed")
    p = busctl("--json=short", "get-property", *API, "BadDefinitions")
    want = [f"{path}: {reason}" for path, reason in json.loads(p.stdout)["data"]]
    seen = b.eval("Array.from(document.querySelectorAll('#bad-definitions li')).map(l => l.textContent)")
    expect_eq("skipped definition files, page vs BadDefinitions", want, seen)
    if not any(BAD in line for line in seen):
        fail(f"the bad file {bad} is not listed: {seen}")
    os.unlink(bad)
    b.wait("document.getElementById('bad-definitions').hidden", 60, "the bad file to go")
    note("a bad definition file listed with its reason, and gone with it")
    # Refusals show exactly what busctl gets.
    n = 0
    for uuid, type_id, attrs in (("not-a-uuid", "mvsim-virtio_net", ""),
                                 (NEW, "mvsim-no_such_type", ""),
                                 (NEW, "mvsim-virtio_net", "bad/name=1")):
        if b.eval(f"!Array.from(document.getElementById('define-type').options)"
                  f".some(o => o.value === {json.dumps(type_id)})"):
            b.eval(f"document.getElementById('define-type').add(new Option('gone', {json.dumps(type_id)}))")
        b.fill("#define-type", type_id)
        b.fill("#define-start", "auto")
        b.fill("#define-uuid", uuid)
        b.fill("#define-attrs", attrs)
        b.click("#define-submit")
        n += 1
        seen = newest_message(b, n)
        pairs = ["1", *attrs.split("=", 1)] if attrs else ["0"]
        want = call_error(*API, "Define", "ssssa(ss)", "mvsim", uuid, type_id, "auto", *pairs)
        expect_eq(f"the page's error for Define {uuid} {type_id} {attrs}", want, seen)
    if NEW in device_list():
        fail("a refused Define defined the device")
    note("refusals shown as busctl gets them")


def viewer(b, shots):
    uuids = check_rows(b, "viewer's listing")
    if "Read only" not in b.text("#summary"):
        fail(f"viewer's summary: {b.text('#summary')!r}")
    target = uuids[0]
    b.click(f'#devices tr[data-uuid="{target}"] button[data-action="start"]')
    seen = newest_message(b, 1)
    want = call_error("org.mdevvirtio1", device_path(target), "org.mdevvirtio1.Device", "Start",
                      user="nobody")
    expect_eq("the viewer's refused Start", want, seen)
    expect_eq("the refusal is the daemon's", "org.mdevvirtio1.Error.AccessDenied", seen[0])
    b.fill("#define-uuid", NEW)
    b.fill("#define-attrs", "")
    b.click("#define-submit")
    seen = newest_message(b, 2)
    want = call_error(*API, "Define", "ssssa(ss)", b.eval("document.getElementById('define-parent').value"),
                      NEW, b.eval("document.getElementById('define-type').value"), "manual", "0",
                      user="nobody")
    expect_eq("the viewer's refused Define", want, seen)
    b.screenshot(os.path.join(shots, "host-viewer.png"), full_page=False)


def main():
    mode, url, shots = sys.argv[1:4]
    with cdp.Browser() as b:
        try:
            note(f"browser up; opening {url}")
            b.open(url)
            b.wait("document.body.dataset.ready === 'true'", 120, "the page to read the daemon's objects")
            note("page ready")
            {"admin": admin, "viewer": viewer}[mode](b, shots)
        except BaseException:
            try:
                b.screenshot(os.path.join(shots, f"host-{mode}-failed.png"), full_page=False)
                print("page console:\n" + "\n".join(b.console), file=sys.stderr)
            except Exception as e:
                print(f"(no screenshot: {e})", file=sys.stderr)
            raise


if __name__ == "__main__":
    main()
