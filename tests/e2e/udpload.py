#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# memcached GETs over UDP, WINDOW outstanding, until the file STOP exists; then every reply
# still due is waited for (at most 10 s, once, at the end) and the counts are printed:
#   udpload.py HOST:PORT KEY WINDOW STOP   ->   "sent N answered M"
# Count-based: a request is lost only if its reply never comes, however slow the machine.
import os
import socket
import struct
import sys
import time


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    key, window, stop = sys.argv[2].encode(), int(sys.argv[3]), sys.argv[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    dst = (host, int(port))
    due, sent, answered, rid = set(), 0, 0, 0
    while True:
        stopping = os.path.exists(stop)
        while not stopping and len(due) < window:
            rid = (rid + 1) & 0xFFFF
            if rid in due:
                break
            s.sendto(struct.pack("!HHHH", rid, 0, 1, 0) + b"get " + key + b"\r\n", dst)
            due.add(rid)
            sent += 1
        if stopping:
            deadline = time.monotonic() + 10
            while due and time.monotonic() < deadline:
                try:
                    d = s.recv(65536)
                except socket.timeout:
                    continue
                r = struct.unpack("!H", d[:2])[0]
                if r in due:
                    due.discard(r)
                    answered += 1
            break
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        r = struct.unpack("!H", d[:2])[0]
        if r in due:
            due.discard(r)
            answered += 1
            if answered % 200 == 0:
                with open(stop + ".progress", "w") as f:
                    f.write("%d\n" % answered)
    print("sent %d answered %d" % (sent, answered), flush=True)


main()
