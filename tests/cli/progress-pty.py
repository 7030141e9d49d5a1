#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The progress line of mdevvirtioctl as a user's terminal gets it.

    progress-pty.py run [--columns N] [--stderr] [--interrupt SIG] OUT -- COMMAND [ARGS...]

runs COMMAND with its stdout (and with --stderr its stderr too) on the slave
side of a new pseudo-terminal N columns wide (80), in raw mode (no "\\n" ->
"\\r\\n"), and writes exactly the bytes that arrived to OUT. Exits with the
command's status (128 + signal if it was killed). With --interrupt, SIG
(INT, TERM, HUP) is sent to COMMAND once a draw past 0 has arrived, as a
user pressing Ctrl-C in the middle would.

    progress-pty.py check TTY PLAIN --label L --total N [--columns N]
                          [--max-draws N] [--messages PREFIX] [--interrupted]

checks what "run" captured in TTY against PLAIN, the output without a
terminal: PLAIN has no "\\r" and no escape sequence; TTY with its progress
sequences ("\\rTEXT\\033[K" draws, "\\r\\033[K" erases) taken out is PLAIN byte
for byte; every draw is "L: DONE/N (PCT%)" (cut to the width), DONE starting
at 0, never going back, ending at N, PCT = DONE * 100 // N; the last sequence
is an erase; at most --max-draws draws; with --messages every PREFIX (a log
message on the same terminal) starts at column 0. With --interrupted (a
"run --interrupt" capture) the stripped TTY need only be the start of PLAIN
and the count need not reach N, but the capture must end with an erase.
Prints what failed and exits 1.
"""
import argparse
import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import tty

SEQUENCE = re.compile(rb"\r([^\r\n\x1b]*)\x1b\[K")
DRAW = re.compile(rb"^(.*): (\d+)/(\d+) \((\d+)%\)$")


def run(args):
    master, slave = os.openpty()
    tty.setraw(slave)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, args.columns, 0, 0))
    child = subprocess.Popen(args.command, stdout=slave, stderr=slave if args.stderr else None)
    os.close(slave)
    data = bytearray()
    pending = args.interrupt
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every slave descriptor is closed
            break
        if not chunk:
            break
        data += chunk
        if pending and any(int(m.group(2)) > 0 for m in
                           map(DRAW.match, (t.group(1) for t in SEQUENCE.finditer(data))) if m):
            child.send_signal(getattr(signal, "SIG" + pending))
            pending = None
    os.close(master)
    rc = child.wait()
    with open(args.out, "wb") as f:
        f.write(data)
    return rc if rc >= 0 else 128 - rc


def check(args):
    data = open(args.tty, "rb").read()
    plain = open(args.plain, "rb").read()
    problems = []
    if b"\r" in plain or b"\x1b" in plain:
        problems.append("the output without a terminal has control characters: %r" % plain[:200])
    stripped = SEQUENCE.sub(b"", data)
    if args.interrupted:
        if not plain.startswith(stripped):
            problems.append("the interrupted terminal's output without the progress line is "
                            "not the start of the plain one:\n  seen: %r" % stripped[-400:])
        if not data.endswith(b"\r\x1b[K"):
            problems.append("the interrupted output does not end with an erase: %r"
                            % bytes(data[-80:]))
    elif stripped != plain:
        problems.append("the terminal's output without the progress line differs:\n"
                        "  expected: %r\n  seen:     %r" % (plain[:400], stripped[:400]))
    seqs = list(SEQUENCE.finditer(data))
    draws = [m.group(1) for m in seqs if m.group(1)]
    if not draws:
        problems.append("no progress line was drawn")
    last = -1
    for text in draws:
        if len(text) > args.columns - 1:
            problems.append("%r is wider than %d columns - 1" % (text, args.columns))
        m = DRAW.match(text)
        if not m:
            if args.columns >= 80:
                problems.append("%r is not 'LABEL: DONE/TOTAL (PCT%%)'" % text)
            continue
        label, done, total, pct = m.group(1).decode(), *map(int, m.groups()[1:])
        if not args.label.startswith(label) or (args.columns >= 80 and label != args.label):
            problems.append("label %r, expected %r" % (label, args.label))
        if total != args.total or pct != done * 100 // total:
            problems.append("%r: expected a total of %d and PCT = DONE * 100 // TOTAL"
                            % (text, args.total))
        if last < 0 and done != 0:
            problems.append("the first draw is %r, expected 0/%d" % (text, args.total))
        if done < last:
            problems.append("%r after %d: the count went back" % (text, last))
        last = done
    if draws and last != args.total and not args.interrupted:
        problems.append("the last draw is %r, expected %d/%d" % (draws[-1], args.total, args.total))
    if seqs and seqs[-1].group(1):
        problems.append("the progress line was left on the terminal: %r" % seqs[-1].group(0))
    if args.max_draws is not None and len(draws) > args.max_draws:
        problems.append("%d draws, expected at most %d" % (len(draws), args.max_draws))
    if args.messages:
        prefix = args.messages.encode()
        for m in re.finditer(re.escape(prefix), data):
            before = data[:m.start()]
            if before and not before.endswith(b"\n") and not before.endswith(b"\r\x1b[K"):
                problems.append("a message does not start its own line: %r"
                                % data[max(0, m.start() - 60):m.end() + 20])
                break
    for p in problems[:10]:
        print("progress-pty check: " + p, file=sys.stderr)
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("run")
    r.add_argument("--columns", type=int, default=80)
    r.add_argument("--stderr", action="store_true")
    r.add_argument("--interrupt", choices=["INT", "TERM", "HUP"])
    r.add_argument("out")
    r.add_argument("command", nargs=argparse.REMAINDER)
    c = sub.add_parser("check")
    c.add_argument("tty")
    c.add_argument("plain")
    c.add_argument("--label", required=True)
    c.add_argument("--total", type=int, required=True)
    c.add_argument("--columns", type=int, default=80)
    c.add_argument("--max-draws", type=int)
    c.add_argument("--messages")
    c.add_argument("--interrupted", action="store_true")
    args = ap.parse_args()
    if args.what == "run":
        if args.command[:1] == ["--"]:
            args.command = args.command[1:]
        if not args.command:
            ap.error("run: no command")
        sys.exit(run(args))
    sys.exit(check(args))


if __name__ == "__main__":
    main()
