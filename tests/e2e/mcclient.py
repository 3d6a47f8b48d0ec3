#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# A bare memcached client for the end-to-end tests: one request, its reply on stdout.
#   mcclient.py tcp HOST:PORT 'set k 0 0 3\r\nnew\r\n'   (escapes \r \n are decoded)
#   mcclient.py udp HOST:PORT 'get k\r\n'                (memcached's 8-byte frame header added)
#   mcclient.py udp2 HOST:PORT 'delete k\r\n'            (a header saying 2 datagrams in all)
#   mcclient.py hold HOST:PORT N                          (open N TCP connections, keep them
#                                                          until stdin closes)
import socket
import sys


def main():
    kind, dst, text = sys.argv[1], sys.argv[2], sys.argv[3]
    host, port = dst.rsplit(":", 1)
    req = text.encode().decode("unicode_escape").encode("latin-1")
    if kind == "hold":
        socks = [socket.create_connection((host, int(port)), timeout=5) for _ in range(int(text))]
        print("open", len(socks), flush=True)
        sys.stdin.read()
        return
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
        total = b"\x00\x02" if kind == "udp2" else b"\x00\x01"
        s.sendto(b"\x00\x07\x00\x00" + total + b"\x00\x00" + req, (host, int(port)))
        if kind == "udp2":
            s.settimeout(0.5)  # memcached may answer it with an error, or not at all
            try:
                out = s.recv(65536)[8:]
            except socket.timeout:
                out = b""
        else:
            out = s.recv(65536)[8:]
    sys.stdout.write(out.decode("latin-1"))


main()
