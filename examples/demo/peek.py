# A tiny tcpdump for the walkthrough (Debian has no tcpdump by default): show
# the first frames of one ethertype that arrive on an interface, one line
# each in tcpdump -e -n's style, and count them.
#
# usage: python3 peek.py IFNAME ETHERTYPE SHOW [TOTAL [SECONDS]]
#   ETHERTYPE  e.g. 0x88b5 or 0x0800 (IPv4)
#   SHOW       how many frames to print
#   TOTAL      exit once this many arrived (default SHOW); status 1 if they
#              do not within SECONDS (default 60)
# "listening on IFNAME" is printed once the socket is bound, so whatever is
# sent after that line appeared is seen. Frames IFNAME sends are not counted.
import socket
import struct
import sys
import time

ETH_P_ALL, PACKET_OUTGOING = 3, 4
TAG = b"mdevvirtio-vc"
DHCP_TYPES = {1: "DHCPDISCOVER", 2: "DHCPOFFER", 3: "DHCPREQUEST", 5: "DHCPACK"}


def mac(b):
    return ":".join("%02x" % x for x in b)


def dhcp_type(opts):
    i = 4  # after the magic cookie
    while i + 1 < len(opts) and opts[i] != 255:
        if opts[i] == 0:
            i += 1
            continue
        if opts[i] == 53:
            return DHCP_TYPES.get(opts[i + 2], "DHCP type %d" % opts[i + 2])
        i += 2 + opts[i + 1]
    return "BOOTP"


def ipv4(p):
    ihl = (p[0] & 15) * 4
    src, dst = socket.inet_ntoa(p[12:16]), socket.inet_ntoa(p[16:20])
    if p[9] != 17:
        return "%s > %s: proto %d" % (src, dst, p[9])
    sport, dport = struct.unpack_from("!HH", p, ihl)
    text = "%s.%d > %s.%d: UDP" % (src, sport, dst, dport)
    if dport == 67 and len(p) >= ihl + 8 + 240:
        bootp = p[ihl + 8:]
        text += ", BOOTP/DHCP, %s from %s" % (dhcp_type(bootp[236:]), mac(bootp[28:34]))
    return text


def describe(f):
    etype = struct.unpack_from("!H", f, 12)[0]
    head = "%s > %s, ethertype " % (mac(f[6:12]), mac(f[0:6]))
    if etype == 0x0800:
        return head + "IPv4 (0x0800), length %d: %s" % (len(f), ipv4(f[14:]))
    if etype == 0x88b5 and f[14:14 + len(TAG) + 4].startswith(TAG) and len(f) >= 18 + len(TAG):
        # The frames of tests/vm/vhost-clients.sh: a tag, then a sequence number.
        seq = struct.unpack_from("!I", f, 14 + len(TAG))[0]
        return head + "0x88b5, length %d: %s seq %d" % (len(f), TAG.decode(), seq)
    return head + "0x%04x, length %d" % (etype, len(f))


def main():
    ifname, etype, show = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3])
    total = int(sys.argv[4]) if len(sys.argv) > 4 else show
    limit = float(sys.argv[5]) if len(sys.argv) > 5 else 60
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:  # room for a whole burst while python is slow to read (as root, past rmem_max)
        s.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)  # SO_RCVBUFFORCE
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((ifname, 0))
    print("listening on %s, showing %d, counting %d" % (ifname, show, total), flush=True)
    seen, end = 0, time.monotonic() + limit
    while seen < total and time.monotonic() < end:
        s.settimeout(max(0.1, end - time.monotonic()))
        try:
            f, addr = s.recvfrom(65535)
        except socket.timeout:
            break
        if addr[2] == PACKET_OUTGOING or len(f) < 14 or struct.unpack_from("!H", f, 12)[0] != etype:
            continue
        seen += 1
        if seen <= show:
            print(describe(f), flush=True)
    if seen > show:
        print("... %d more" % (seen - show))
    print("%d frames of ethertype 0x%04x received on %s" % (seen, etype, ifname))
    return 0 if seen >= total else 1


sys.exit(main())
