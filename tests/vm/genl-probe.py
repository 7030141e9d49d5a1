#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""genl-probe: an independent client of the mdev_virtio generic netlink family.

Speaks generic netlink with nothing but socket.AF_NETLINK and struct, so the
VM tests check the kernel's family against the ABI as written in
include/uapi/linux/mdev_virtio.h, not against our own C library. The numbers
below are copied from that header on purpose: a renumbering there must fail.

  genl-probe.py family                  the family as nlctrl resolves it
  genl-probe.py parents                 PARENT_GET dump
  genl-probe.py devs | dev UUID         DEV_GET dump / do
  genl-probe.py config UUID             DEV_CONFIG_GET
  genl-probe.py stats UUID              DEV_STATS_GET
  genl-probe.py clear UUID              DEV_STATS_CLEAR
  genl-probe.py request CMD [--dump] [--attr TYPE:HEX]...
                                        a raw request (bad input)
  genl-probe.py listen READY_FILE [--until CMD UUID] [--timeout S]
                                        print events, one JSON line each
  genl-probe.py dump-check SECONDS      repeated DEV_GET dumps, checked

Replies are printed as JSON. A request the kernel refuses prints
{"errno": N, "error": "...", "extack": "..."} on stdout and exits 1.
"""
import errno
import json
import os
import select
import socket
import struct
import sys
import time
import uuid as uuidlib

NETLINK_GENERIC = 16	# not in Python's socket module
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_EXT_ACK = 11

NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP_INTR = 0x10
NLM_F_DUMP = 0x300
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_MISS_TYPE = 5

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_VERSION = 3
CTRL_ATTR_MAXATTR = 5
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2

FAMILY = "mdev_virtio"

# enum mdev_virtio_command
CMDS = ["UNSPEC", "PARENT_GET", "DEV_GET", "DEV_CONFIG_GET", "DEV_STATS_GET",
        "DEV_STATS_CLEAR", "DEV_NEW", "DEV_DEL", "DEV_BIND", "DEV_UNBIND",
        "DEV_STATUS", "DEV_CONFIG_CHANGED"]
CMD = {name: i for i, name in enumerate(CMDS)}

# enum mdev_virtio_attr: name, type ("str", "u8", "u16", "u32", "u64", "bin", "nest")
ATTRS = [
    ("UNSPEC", None), ("PAD", None), ("PARENT_NAME", "str"), ("TYPE", "nest"),
    ("TYPE_ID", "str"), ("TYPE_DESCRIPTION", "str"), ("TYPE_MAX_INSTANCES", "u32"),
    ("TYPE_AVAILABLE", "u32"), ("CLASS_ID", "u16"), ("VIRTIO_DEVICE_ID", "u32"),
    ("DEV_UUID", "uuid"), ("DRIVER", "str"), ("STATUS", "u8"), ("DEVICE_FEATURES", "u64"),
    ("DRIVER_FEATURES", "u64"), ("NUM_VQS", "u32"), ("VQ_NUM_MAX", "u16"),
    ("CONFIG_GENERATION", "u32"), ("NET_MAC", "mac"), ("NET_MTU", "u16"),
    ("NET_MAX_VQP", "u16"), ("NET_STATUS", "u16"), ("BLK_CAPACITY", "u64"),
    ("BLK_SIZE", "u32"), ("VQ_STATS", "nest"), ("VQ_INDEX", "u32"),
    ("STATS_KICKS", "u64"), ("STATS_COMPLETED", "u64"), ("STATS_DESCRIPTORS", "u64"),
    ("STATS_BYTES", "u64"), ("STATS_ERRORS", "u64"), ("STATS_DROPS", "u64"),
]
ATTR = {name: i for i, (name, _) in enumerate(ATTRS)}
INT_FMT = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q"}
# Attributes that occur more than once in one message (nests per type, per vq).
REPEATED = {"TYPE": "types", "VQ_STATS": "vqs"}


class ParseError(Exception):
    pass


class NetlinkError(Exception):
    def __init__(self, err, extack):
        super().__init__(os.strerror(err))
        self.errno = err
        self.extack = extack


def attr(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def parse_tlvs(data):
    """[(type, payload)] of a TLV stream, or ParseError."""
    out, off = [], 0
    while off < len(data):
        if len(data) - off < 4:
            raise ParseError("truncated attribute header at %d" % off)
        alen, atype = struct.unpack_from("=HH", data, off)
        if alen < 4 or off + alen > len(data):
            raise ParseError("attribute %d: length %d out of bounds" % (atype, alen))
        out.append((atype & 0x3fff, data[off + 4:off + alen]))
        off += (alen + 3) & ~3
    return out


def decode_attrs(data):
    """The attributes of an mdev_virtio message as a dict (names as keys)."""
    res = {}
    for atype, payload in parse_tlvs(data):
        if atype >= len(ATTRS):
            res.setdefault("unknown", []).append(atype)  # readers must skip new ones
            continue
        name, kind = ATTRS[atype]
        if kind == "nest":
            res.setdefault(REPEATED[name], []).append(decode_attrs(payload))
            continue
        if kind == "str":
            if not payload.endswith(b"\0"):
                raise ParseError("%s is not NUL-terminated" % name)
            value = payload[:-1].decode()
        elif kind in INT_FMT:
            if len(payload) != struct.calcsize(INT_FMT[kind]):
                raise ParseError("%s: %d bytes for a %s" % (name, len(payload), kind))
            value = struct.unpack(INT_FMT[kind], payload)[0]
        elif kind == "uuid":
            if len(payload) != 16:
                raise ParseError("DEV_UUID of %d bytes" % len(payload))
            value = str(uuidlib.UUID(bytes=payload))
        elif kind == "mac":
            if len(payload) != 6:
                raise ParseError("NET_MAC of %d bytes" % len(payload))
            value = ":".join("%02x" % b for b in payload)
        else:
            continue
        if name in res:
            raise ParseError("%s twice in one message" % name)
        res[name] = value
    return res


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = int(time.time()) & 0xffff

    def send(self, family, cmd, version, payload, flags):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + payload
        msg = struct.pack("=IHHII", 16 + len(body), family, flags | NLM_F_REQUEST, self.seq, 0)
        self.sock.send(msg + body)
        return self.seq

    @staticmethod
    def parse_error(data, flags):
        err = -struct.unpack_from("=i", data, 0)[0]
        extack = {}
        if flags & NLM_F_ACK_TLVS:
            inner_len = struct.unpack_from("=I", data, 4)[0]
            off = 4 + (16 if flags & NLM_F_CAPPED else inner_len)
            for atype, payload in parse_tlvs(data[off:]):
                if atype == NLMSGERR_ATTR_MSG:
                    extack["extack"] = payload.rstrip(b"\0").decode()
                elif atype == NLMSGERR_ATTR_OFFS:
                    extack["offset"] = struct.unpack("=I", payload)[0]
                elif atype == NLMSGERR_ATTR_MISS_TYPE:
                    extack["missing"] = struct.unpack("=I", payload)[0]
        return err, extack

    def messages(self, seq):
        """Yield (type, flags, genl cmd, payload) of the replies to @seq until done."""
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off < len(data):
                mlen, mtype, mflags, mseq, _ = struct.unpack_from("=IHHII", data, off)
                if mlen < 16 or off + mlen > len(data):
                    raise ParseError("netlink message length %d out of bounds" % mlen)
                body = data[off + 16:off + mlen]
                off += (mlen + 3) & ~3
                if mseq != seq:
                    continue
                if mtype == NLMSG_ERROR:
                    err, extack = self.parse_error(body, mflags)
                    if err:
                        raise NetlinkError(err, extack)
                    return
                if mtype == NLMSG_DONE:
                    err = -struct.unpack_from("=i", body, 0)[0] if len(body) >= 4 else 0
                    if err:
                        raise NetlinkError(err, self.parse_error(body, mflags)[1])
                    yield mtype, mflags, None, None
                    return
                if len(body) < 4:
                    raise ParseError("generic netlink message without a header")
                yield mtype, mflags, body[0], body[4:]
                if not mflags & NLM_F_MULTI:
                    # A do reply; the ACK we asked for follows.
                    continue

    def resolve(self):
        seq = self.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
                        attr(CTRL_ATTR_FAMILY_NAME, FAMILY.encode() + b"\0"), NLM_F_ACK)
        fam = None
        for _, _, _, payload in self.messages(seq):
            if payload is None:
                continue
            fam = {"groups": {}}
            for atype, p in parse_tlvs(payload):
                if atype == CTRL_ATTR_FAMILY_ID:
                    fam["id"] = struct.unpack("=H", p)[0]
                elif atype == CTRL_ATTR_FAMILY_NAME:
                    fam["name"] = p.rstrip(b"\0").decode()
                elif atype == CTRL_ATTR_VERSION:
                    fam["version"] = struct.unpack("=I", p)[0]
                elif atype == CTRL_ATTR_MAXATTR:
                    fam["maxattr"] = struct.unpack("=I", p)[0]
                elif atype == CTRL_ATTR_MCAST_GROUPS:
                    for _, grp in parse_tlvs(p):
                        g = dict(parse_tlvs(grp))
                        name = g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()
                        fam["groups"][name] = struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID])[0]
        self.family = fam
        return fam

    def request(self, cmd, payload=b"", dump=False):
        """[(flags, decoded attrs)] of the replies."""
        seq = self.send(self.family["id"], cmd, 1, payload, NLM_F_DUMP if dump else NLM_F_ACK)
        out = []
        for _, flags, rcmd, body in self.messages(seq):
            if body is None:
                out.append((flags, None))
                continue
            if rcmd != cmd:
                raise ParseError("reply command %d to request %d" % (rcmd, cmd))
            out.append((flags, decode_attrs(body)))
        return out


def uuid_attr(text):
    return attr(ATTR["DEV_UUID"], uuidlib.UUID(text).bytes)


def one(replies):
    msgs = [m for _, m in replies if m is not None]
    if len(msgs) != 1:
        raise ParseError("%d replies to a do request" % len(msgs))
    return msgs[0]


def dump(replies):
    return [m for _, m in replies if m is not None]


def open_family():
    g = Genl()
    try:
        g.resolve()
    except NetlinkError as e:
        print(json.dumps({"errno": e.errno, "error": errno.errorcode.get(e.errno, "?"),
                          **e.extack}))
        sys.exit(2)
    return g


def cmd_listen(g, args):
    ready, until, timeout = args[0], None, 60.0
    rest = args[1:]
    while rest:
        if rest[0] == "--until":
            until = (rest[1], rest[2])
            rest = rest[3:]
        elif rest[0] == "--timeout":
            timeout = float(rest[1])
            rest = rest[2:]
        else:
            raise SystemExit("listen: unknown option " + rest[0])
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g.family["groups"]["events"])
    with open(ready, "w") as f:
        f.write("ready\n")
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            print(json.dumps({"timeout": True}), flush=True)
            return 1
        try:
            data = s.recv(1 << 16)
        except OSError as e:
            # ENOBUFS: events were lost; say so and go on.
            print(json.dumps({"recv_error": errno.errorcode.get(e.errno, "?")}), flush=True)
            continue
        off = 0
        while off < len(data):
            mlen, mtype, _, _, _ = struct.unpack_from("=IHHII", data, off)
            body = data[off + 16:off + mlen]
            off += (mlen + 3) & ~3
            if mtype != g.family["id"]:
                continue
            ev = decode_attrs(body[4:])
            ev["cmd"] = CMDS[body[0]] if body[0] < len(CMDS) else body[0]
            print(json.dumps(ev), flush=True)
            if until and ev["cmd"] == until[0] and ev.get("DEV_UUID") == until[1]:
                return 0


# A DEV_GET reply must carry these (DRIVER only while bound).
DEV_REQUIRED = ["DEV_UUID", "PARENT_NAME", "TYPE_ID", "CLASS_ID", "VIRTIO_DEVICE_ID",
                "STATUS", "DEVICE_FEATURES", "NUM_VQS", "VQ_NUM_MAX"]


def cmd_dump_check(g, seconds):
    """Dump devices for @seconds; every message whole, no UUID twice in a dump."""
    end = time.monotonic() + seconds
    stats = {"dumps": 0, "interrupted": 0, "messages": 0, "max_devices": 0, "min_devices": None}
    while time.monotonic() < end:
        seen, intr = set(), False
        for flags, m in g.request(CMD["DEV_GET"], dump=True):
            intr |= bool(flags & NLM_F_DUMP_INTR)
            if m is None:
                continue
            stats["messages"] += 1
            missing = [a for a in DEV_REQUIRED if a not in m]
            if missing:
                raise ParseError("dump message without %s: %r" % (missing, m))
            if m["DEV_UUID"] in seen:
                raise ParseError("UUID %s twice in one dump (interrupted: %s)"
                                 % (m["DEV_UUID"], intr))
            seen.add(m["DEV_UUID"])
        stats["dumps"] += 1
        if intr:
            stats["interrupted"] += 1
        stats["max_devices"] = max(stats["max_devices"], len(seen))
        if stats["min_devices"] is None or len(seen) < stats["min_devices"]:
            stats["min_devices"] = len(seen)
    print(json.dumps(stats))
    return 0


def cmd_request(g, args):
    cmd = CMD[args[0]]
    payload, is_dump = b"", False
    rest = args[1:]
    while rest:
        if rest[0] == "--dump":
            is_dump = True
            rest = rest[1:]
        elif rest[0] == "--attr":
            atype, hexval = rest[1].split(":", 1)
            payload += attr(int(atype), bytes.fromhex(hexval))
            rest = rest[2:]
        else:
            raise SystemExit("request: unknown option " + rest[0])
    print(json.dumps(dump(g.request(cmd, payload, is_dump))))
    return 0


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    verb, args = argv[0], argv[1:]
    g = open_family()
    try:
        if verb == "family":
            print(json.dumps(g.family))
        elif verb == "parents":
            print(json.dumps(dump(g.request(CMD["PARENT_GET"], dump=True))))
        elif verb == "devs":
            print(json.dumps(dump(g.request(CMD["DEV_GET"], dump=True))))
        elif verb == "dev":
            print(json.dumps(one(g.request(CMD["DEV_GET"], uuid_attr(args[0])))))
        elif verb == "config":
            print(json.dumps(one(g.request(CMD["DEV_CONFIG_GET"], uuid_attr(args[0])))))
        elif verb == "stats":
            print(json.dumps(one(g.request(CMD["DEV_STATS_GET"], uuid_attr(args[0])))))
        elif verb == "clear":
            g.request(CMD["DEV_STATS_CLEAR"], uuid_attr(args[0]))
            print(json.dumps({"cleared": args[0]}))
        elif verb == "request":
            return cmd_request(g, args)
        elif verb == "listen":
            return cmd_listen(g, args)
        elif verb == "dump-check":
            return cmd_dump_check(g, float(args[0]))
        else:
            print("genl-probe: unknown verb '%s'" % verb, file=sys.stderr)
            return 2
    except NetlinkError as e:
        print(json.dumps({"errno": e.errno, "error": errno.errorcode.get(e.errno, "?"),
                          **e.extack}))
        return 1
    except ParseError as e:
        print("genl-probe: malformed reply: %s" % e, file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
