#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compare the documented interfaces (the installed XML) with live
introspection: every method with its argument names, types and directions,
every property with its type, access and EmitsChangedSignal, every signal. Prints each
difference as expected (documented) vs seen (live); exit 1 if any.

Usage: introspect-compare.py DOC.xml LIVE.xml [LIVE.xml ...]
Only the interfaces named in DOC.xml are compared; each must be in one of
the live files."""
import sys
import xml.etree.ElementTree as ET


def interfaces(path):
    result = {}
    for iface in ET.parse(path).getroot().iter("interface"):
        members = {}
        for m in iface.findall("method"):
            members["method " + m.get("name")] = [
                (a.get("direction", "in"), a.get("type"), a.get("name"))
                for a in m.findall("arg")]
        for s in iface.findall("signal"):
            members["signal " + s.get("name")] = [
                (a.get("type"), a.get("name")) for a in s.findall("arg")]
        for p in iface.findall("property"):
            emits = "true"
            for a in p.findall("annotation"):
                if a.get("name") == "org.freedesktop.DBus.Property.EmitsChangedSignal":
                    emits = a.get("value")
            members["property " + p.get("name")] = (p.get("type"), p.get("access"),
                                                    "EmitsChangedSignal=" + emits)
        result[iface.get("name")] = members
    return result


def main():
    doc = interfaces(sys.argv[1])
    live = {}
    for path in sys.argv[2:]:
        live.update(interfaces(path))
    failures = 0
    for name, members in doc.items():
        if name not in live:
            print(f"interface {name}: documented, not seen live")
            failures += 1
            continue
        seen = live[name]
        for key in sorted(set(members) | set(seen)):
            if members.get(key) != seen.get(key):
                print(f"{name} {key}:\n  expected: {members.get(key)}\n  seen:     {seen.get(key)}")
                failures += 1
    sys.exit(1 if failures else 0)


main()
