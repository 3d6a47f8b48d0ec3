#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# For tests/e2e/try_errors.sh (--pin): a UDP echo server that, as each datagram comes, notes
# the names in a folder into a file (every name it ever saw, one a line). With an XDP program
# that passes everything, datagrams reach it while the offload is on: its pins are seen then.
# Usage: pinecho.py ADDR PORT FOLDER OUT
import os
import socket
import sys

addr, port, folder, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
seen = set()
while True:
    data, peer = s.recvfrom(65536)
    names = set(os.listdir(folder))
    if not names <= seen:
        seen |= names
        with open(out + ".tmp", "w") as f:
            f.write("".join(n + "\n" for n in sorted(seen)))
        os.replace(out + ".tmp", out)
    s.sendto(data, peer)
