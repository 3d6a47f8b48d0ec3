#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# memcached over UDP for the tests: a request in one datagram behind memcached's 8-byte frame
# header (request id, sequence 0, total 1), every datagram of the reply collected.
#   mcudp.py HOST:PORT 'get k\r\n' [REPEAT]   the reply's text on stdout (escapes \r \n
#                                             decoded; REPEAT: the text that many times)
# As a module: call() gives the reply's datagrams, text() their payloads in order.
import socket
import sys


def header(rid, seq=0, total=1):
    return bytes([rid >> 8, rid & 255, seq >> 8, seq & 255, total >> 8, total & 255, 0, 0])


def call(sock, dst, rid, payload, first=2.0, quiet=0.3):
    """Send payload (bytes, without the frame header) as request rid; every datagram that
    answers rid, in arrival order: the first within `first` seconds, the rest until the
    socket stays quiet for `quiet` seconds (a server that answers nothing gives [])."""
    sock.sendto(header(rid) + payload, dst)
    got = []
    sock.settimeout(first)
    while True:
        try:
            d = sock.recv(70000)
        except socket.timeout:
            return got
        if len(d) >= 8 and d[:2] == header(rid)[:2]:
            got.append(d)
            sock.settimeout(quiet)


def text(dgrams):
    """The payloads of dgrams in sequence-number order (arrival order among equals)."""
    order = sorted(range(len(dgrams)), key=lambda i: (dgrams[i][2] << 8 | dgrams[i][3], i))
    return b"".join(dgrams[i][8:] for i in order)


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    req = sys.argv[2].encode().decode("unicode_escape").encode("latin-1")
    if len(sys.argv) > 3:
        req *= int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sys.stdout.write(text(call(s, (host, int(port)), 7, req)).decode("latin-1"))


if __name__ == "__main__":
    main()
