#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# A bare memcached client for the end-to-end tests: one request, its reply on stdout.
#   mcclient.py tcp HOST:PORT 'set k 0 0 3\r\nnew\r\n'   (escapes \r \n are decoded)
#   mcclient.py udp HOST:PORT 'get k\r\n'                (memcached's 8-byte frame header added)
import socket
import sys


def main():
    kind, dst, text = sys.argv[1], sys.argv[2], sys.argv[3]
    host, port = dst.rsplit(":", 1)
    req = text.encode().decode("unicode_escape").encode("latin-1")
    if kind == "tcp":
        s = socket.create_connection((host, int(port)), timeout=5)
        s.sendall(req)
        out = b""
        while not out.endswith(b"\r\n") or (out.startswith(b"VALUE") and not out.endswith(b"END\r\n")):
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto(b"\x00\x07\x00\x00\x00\x01\x00\x00" + req, (host, int(port)))
        out = s.recv(65536)[8:]
    sys.stdout.write(out.decode("latin-1"))


main()
