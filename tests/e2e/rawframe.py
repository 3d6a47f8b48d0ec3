#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# One hand-made Ethernet frame out of a device (AF_PACKET), for the end-to-end tests of what
# the stack and the kvcache do with frames no ordinary socket sends:
#   rawframe.py DEV --dst-mac MAC --src-ip A --dst-ip B 'get k\r\n' [options]
# memcached's frame header (request id --id, 0 of 1) goes before the text (escapes decoded).
#   --src-mac MAC      default: the device's own
#   --version N        the IPv4 header's version field (default 4)
#   --udp-short N      the UDP length N bytes shorter than the IP payload (trailing junk)
#   --csum ok|zero|bad the UDP checksum (default ok)
#   --first-fragment   only the first fragment (MF set) of a datagram twice as long
import argparse
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dev")
    ap.add_argument("text")
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--src-mac")
    ap.add_argument("--src-ip", required=True)
    ap.add_argument("--dst-ip", required=True)
    ap.add_argument("--sport", type=int, default=40001)
    ap.add_argument("--dport", type=int, default=11211)
    ap.add_argument("--id", type=int, default=7)
    ap.add_argument("--version", type=int, default=4)
    ap.add_argument("--udp-short", type=int, default=0)
    ap.add_argument("--csum", choices=["ok", "zero", "bad"], default="ok")
    ap.add_argument("--first-fragment", action="store_true")
    a = ap.parse_args()

    text = a.text.encode().decode("unicode_escape").encode("latin-1")
    payload = struct.pack("!HHHH", a.id, 0, 1, 0) + text
    src, dst = socket.inet_aton(a.src_ip), socket.inet_aton(a.dst_ip)
    ulen = 8 + len(payload)
    if a.first_fragment:
        ulen = 8 + 2 * len(payload)  # the rest never comes
    udp = struct.pack("!HHHH", a.sport, a.dport, ulen, 0) + payload
    ck = csum(src + dst + struct.pack("!BBH", 0, 17, ulen) + udp)
    if a.csum == "zero":
        ck = 0
    elif a.csum == "bad":
        ck = (ck ^ 0x5555) or 1
    else:
        ck = ck or 0xFFFF
    udp = udp[:6] + struct.pack("!H", ck) + udp[8:]
    if a.udp_short:
        # the UDP length says fewer bytes than the IP payload carries: the stack trims
        ulen = len(udp) - a.udp_short
        udp = udp[:4] + struct.pack("!H", ulen) + udp[6:]
        body = udp[:ulen]
        ck = csum(src + dst + struct.pack("!BBH", 0, 17, ulen) + body[:6] + b"\0\0" + body[8:])
        udp = udp[:6] + struct.pack("!H", ck or 0xFFFF) + udp[8:]
    frag = 0x2000 if a.first_fragment else 0
    ip = struct.pack("!BBHHHBBH4s4s", (a.version << 4) | 5, 0, 20 + len(udp), 0x4242, frag, 64,
                     17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.dev, 0))
    smac = mac(a.src_mac) if a.src_mac else s.getsockname()[4][:6]
    frame = mac(a.dst_mac) + smac + b"\x08\x00" + ip + udp
    s.send(frame)


if __name__ == "__main__":
    sys.exit(main())
