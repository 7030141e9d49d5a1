#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A Python client of mdevvirtiod's D-Bus API, as an example of writing one.

It defines a device (manual start) on a parent, starts it, waits without
polling for the PropertiesChanged signal that says its State is "running" and
that its Nodes are known, prints them one per line as "<kind>: <name>"
("net: eth1", "block: vda", "chardev: /dev/vhost-mdev-0"), then stops and
undefines it; with --hold, only once it receives SIGTERM or SIGINT.

    sudo ./mdevvirtio-client.py [--timeout SECONDS] [--hold] [PARENT [TYPE]]

PARENT defaults to mvsim, TYPE to mvsim-virtio_net. It needs Debian's
python3-dbus and python3-gi (the GLib main loop), and mdevvirtiod running or
activatable on the system bus (DBUS_SYSTEM_BUS_ADDRESS picks another bus). A
failed call prints the daemon's D-Bus error name and message; the exit status
is 0 on success, 1 on failure (the device it defined is then stopped and
undefined again), 2 on bad usage.
"""
import argparse
import signal
import sys

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

SERVICE = "org.mdevvirtio1"
MANAGER_PATH = "/org/mdevvirtio1"
MANAGER_IFACE = "org.mdevvirtio1.Manager"
DEVICE_IFACE = "org.mdevvirtio1.Device"


class ClientError(Exception):
    """A failure already worded for the user."""


def dbus_failure(what, e):
    """Word a D-Bus error as the daemon gave it: its name and its message."""
    return ClientError(f"{what} failed: {e.get_dbus_name()}: {e.get_dbus_message()}")


class DeviceWaiter:
    """Follows one device's PropertiesChanged until it runs with its nodes."""

    def __init__(self, bus, path, timeout):
        self.state = ""
        self.last_error = ""
        self.nodes = []
        self.error = None
        self.timeout = timeout
        self.loop = GLib.MainLoop()
        # Subscribed before Start: the daemon sends the signals after the reply.
        self.match = bus.add_signal_receiver(
            self.on_changed, signal_name="PropertiesChanged",
            dbus_interface="org.freedesktop.DBus.Properties",
            bus_name=SERVICE, path=path)

    def take(self, props):
        if "State" in props:
            self.state = str(props["State"])
        if "LastError" in props:
            self.last_error = str(props["LastError"])
        if "Nodes" in props:
            self.nodes = [(str(k), str(n)) for k, n in props["Nodes"]]

    def done(self):
        if self.state == "failed":
            self.error = ClientError("the device failed to start: "
                                     + (self.last_error or "(no reason given)"))
            return True
        return self.state == "running" and bool(self.nodes)

    def on_changed(self, iface, changed, invalidated):
        if iface != DEVICE_IFACE:
            return
        self.take(changed)
        if self.done():
            self.loop.quit()

    def on_timeout(self):
        self.error = ClientError(
            f"not running with its nodes after {self.timeout} s (State '{self.state}')")
        self.loop.quit()
        return False

    def wait(self, initial):
        """Wait, starting from the properties read after Start returned."""
        self.take(initial)
        if not self.done():
            timer = GLib.timeout_add_seconds(self.timeout, self.on_timeout)
            self.loop.run()
            if self.error is None:
                GLib.source_remove(timer)
        self.match.remove()
        if self.error:
            raise self.error
        return self.nodes


def hold():
    """Keep the device until SIGTERM or SIGINT."""
    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)
    print("holding the device until SIGTERM or SIGINT", flush=True)
    loop.run()


def run(bus, parent, mdev_type, timeout, keep):
    manager = dbus.Interface(bus.get_object(SERVICE, MANAGER_PATH), MANAGER_IFACE)
    try:
        path, uuid = manager.Define(parent, "", mdev_type, "manual",
                                    dbus.Array([], signature="(ss)"))
    except dbus.exceptions.DBusException as e:
        raise dbus_failure("Define", e) from None
    print(f"defined {uuid} on {parent} as {mdev_type}", flush=True)
    try:
        waiter = DeviceWaiter(bus, path, timeout)
        try:
            manager.Start(uuid)
        except dbus.exceptions.DBusException as e:
            raise dbus_failure("Start", e) from None
        print(f"started {uuid}, waiting for it to run", flush=True)
        try:
            initial = bus.get_object(SERVICE, path).GetAll(
                DEVICE_IFACE, dbus_interface="org.freedesktop.DBus.Properties")
        except dbus.exceptions.DBusException as e:
            raise dbus_failure("GetAll", e) from None
        try:
            nodes = waiter.wait(initial)
        except ClientError as e:
            raise ClientError(f"device {uuid} {e}") from None
        for kind, name in nodes:
            print(f"{kind}: {name}", flush=True)
        if keep:
            hold()
    except ClientError:
        remove(manager, uuid, quiet=True)
        raise
    remove(manager, uuid, quiet=False)


def remove(manager, uuid, quiet):
    """Stop and undefine; report failures unless quiet (cleaning up after one)."""
    failure = None
    for method, done in (("Stop", "stopped"), ("Undefine", "undefined")):
        try:
            getattr(manager, method)(uuid)
            if not quiet:
                print(f"{done} {uuid}", flush=True)
        except dbus.exceptions.DBusException as e:
            failure = failure or dbus_failure(method, e)
    if failure and not quiet:
        raise failure


def timeout_arg(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"invalid timeout '{text}' (1-3600 seconds)")
    return value


def main():
    parser = argparse.ArgumentParser(
        prog="mdevvirtio-client.py",
        description="Define, start, wait for, show, stop and undefine one device.")
    parser.add_argument("--timeout", type=timeout_arg, default=30,
                        help="seconds to wait for the device to run (default 30)")
    parser.add_argument("--hold", action="store_true",
                        help="keep the device until SIGTERM or SIGINT")
    parser.add_argument("parent", nargs="?", default="mvsim")
    parser.add_argument("type", nargs="?", default="mvsim-virtio_net")
    args = parser.parse_args()

    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    try:
        bus = dbus.SystemBus()
    except dbus.exceptions.DBusException as e:
        print(f"mdevvirtio-client.py: cannot connect to the system bus: {e}", file=sys.stderr)
        return 1
    try:
        run(bus, args.parent, args.type, args.timeout, args.hold)
    except ClientError as e:
        print(f"mdevvirtio-client.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
