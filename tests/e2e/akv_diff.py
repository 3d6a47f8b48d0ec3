#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# The AF_XDP key-value server against memcached itself: the same datagrams to both, the
# replies compared byte for byte (CAS uniques differ between servers by design: each side's
# own are read from its gets and used in its cas). Exit 1 on the first difference.
#   akv_diff.py AFXDP_HOST:PORT MEMCACHED_HOST:PORT
import re
import socket
import sys

LONG = "k" * 251
CASES = [
    "set k 0 0 5\r\nhello\r\n", "get k\r\n", "get k missing k\r\n",
    "add k 0 0 1\r\nx\r\n", "add k2 7 0 1\r\nx\r\n", "replace nope 0 0 1\r\nx\r\n",
    "replace k 3 0 2\r\nhi\r\n", "append k 9 9 3\r\nabc\r\n", "prepend k 0 0 3\r\nxyz\r\n",
    "get k k2\r\n", "append nope 0 0 1\r\nx\r\n", "prepend nope 0 0 1\r\nx\r\n",
    "gets k\r\n", "cas k 0 0 1 {CAS}\r\nz\r\n", "cas k 0 0 1 {OLDCAS}\r\ny\r\n",
    "cas nope 0 0 1 1\r\nz\r\n", "gets k k2\r\n",
    "set n 0 0 2\r\n10\r\n", "incr n 5\r\n", "decr n 100\r\n", "get n\r\n",
    "incr n 18446744073709551615\r\n", "get n\r\n", "incr n 3\r\n", "get n\r\n",
    "incr k 1\r\n", "incr nope 1\r\n", "incr n abc\r\n", "decr n -1\r\n",
    "set big 0 0 20\r\n18446744073709551615\r\n", "incr big 1\r\n", "get big\r\n",
    "delete k\r\n", "delete k\r\n", "set k 0 0 1\r\nv\r\n", "delete k 0\r\n",
    "delete k2 5\r\n", "delete k2 noreply\r\n", "get k2\r\n",
    "touch n 100\r\n", "touch nope 1\r\n", "touch n abc\r\n",
    "set q 0 0 3 noreply\r\nabc\r\n", "get q\r\n", "incr n 1 noreply\r\n", "get n\r\n",
    "set k 0 0 3\r\nabcd\r\n", "get\r\n", "bogus\r\n",
    "set k 0 0\r\n", "set k x 0 1\r\nv\r\n", "set k 0 0 -1\r\n",
    "get " + LONG + "\r\n", "set " + LONG + " 0 0 1\r\nv\r\n",
    "set e 0 -1 1\r\nv\r\n", "get e\r\n", "set f 0 100 1\r\nv\r\n", "get f\r\n",
    "set a 0 0 1\r\n1\r\nget a\r\ndelete a\r\nget a\r\n",
    "gat 100 f\r\n", "gats 100 f n\r\n", "gat f\r\n", "touch f 0\r\n",
    "verbosity 1\r\n", "flush_all\r\n", "get f n q\r\n", "flush_all noreply\r\n",
    "set v 0 0 0\r\n\r\n", "get v\r\n", "set flags 4294967295 0 1\r\nx\r\n", "get flags\r\n",
    "set flags 4294967296 0 1\r\nx\r\n", "get flags\r\n", "\r\n", "GET k\r\n",
    # a request in IP fragments (the kernel reassembles it for the server's socket), a
    # reply in IP fragments
    "set big 0 0 5000\r\n" + "x" * 5000 + "\r\n", "get big\r\n",
    # last: memcached keeps waiting for the rest of the data block in later datagrams
    "set k 0 0 3\r\nab\r\n",
]


def call(sock, dst, rid, text):
    sock.sendto(bytes([rid >> 8, rid & 255, 0, 0, 0, 1, 0, 0]) + text.encode("latin-1"), dst)
    out = b""
    sock.settimeout(1.0)
    # memcached may answer in several datagrams; take what comes within a short while
    while True:
        try:
            d = sock.recv(70000)
        except socket.timeout:
            break
        if d[:2] == bytes([rid >> 8, rid & 255]):
            out += d[8:]
        sock.settimeout(0.15)
    return out


def main():
    ends = []
    for a in sys.argv[1:3]:
        h, p = a.rsplit(":", 1)
        ends.append((h, int(p)))
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in ends]
    cas = [{}, {}]
    old = [{}, {}]
    rid = 1
    for case in CASES:
        outs = []
        for i in range(2):
            t = case.replace("{CAS}", str(cas[i].get("k", 0))).replace(
                "{OLDCAS}", str(old[i].get("k", 0)))
            r = call(socks[i], ends[i], rid, t)
            for m in re.finditer(rb"VALUE (\S+) \d+ \d+ (\d+)\r\n", r):
                k = m.group(1).decode()
                old[i][k] = cas[i].get(k, 0)
                cas[i][k] = int(m.group(2))
            outs.append(re.sub(rb"(VALUE \S+ \d+ \d+) \d+\r\n", rb"\1 CAS\r\n", r))
            rid += 1
        if outs[0] != outs[1]:
            print("DIFFERS on %r:\n  afxdp-kv:  %r\n  memcached: %r" % (case, outs[0], outs[1]))
            return 1
    print("%d cases, replies identical" % len(CASES))
    return 0


sys.exit(main())
