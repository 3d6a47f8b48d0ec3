#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# The AF_XDP key-value server against memcached 1.6.18 itself, over UDP: the same datagrams to
# both, every datagram of the replies compared byte for byte (frame headers included: request
# id, sequence number, total), after a check of memcached's framing rule on each side. Fields
# that only say what time it is (mg's t and l, me's exp and la, stats' clocks and process
# values) are compared within 2 s or by name. Each step's datagrams are followed by 'mn' from
# a request id of its own: its MN says the server has written everything before it.
#
#   akv_diff.py AFXDP_HOST:PORT MEMCACHED_HOST:PORT [--fixed] [--seeds 1,2,3] [--random N]
#               [--steps N] [--seed S]
# The fixed cases (akv_cases.py: one group per protocol rule), then random sequences
# (akv_gen.py) from the listed seeds and N more random ones, each seed printed: a failure
# replays with --seed S. Exit 1 on the first difference, with the step that shows it.
import argparse
import random
import re
import socket
import sys
import time

import akv_cases
import akv_gen

SO_RCVBUFFORCE = 33
SENTINEL = 0xF000  # request ids from here on are the 'mn' after each step
QUIET = 5.0  # seconds without an MN: the server answers nothing more
RETRY = 0.25  # seconds before another 'mn' follows


class Server:
    def __init__(self, name, addr):
        host, port = addr.rsplit(":", 1)
        self.name, self.dst = name, (host, int(port))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 256 << 20)
        except OSError:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
        self.sentinel = 0

    def exchange(self, dgrams):
        """Send the step's datagrams and 'mn'; every datagram back until an MN. A server
        still reading a data block takes an 'mn' as data: another follows every RETRY s."""
        for i, d in enumerate(dgrams):
            if i and len(d) > 8192:
                time.sleep(0.01)  # a burst of large datagrams overflows memcached's socket
            self.sock.sendto(d, self.dst)
        sids = set()
        got = []
        deadline = time.monotonic() + QUIET
        while time.monotonic() < deadline:
            self.sentinel = (self.sentinel + 1) % 0x1000
            sids.add(SENTINEL + self.sentinel)
            self.sock.sendto(akv_gen.header(SENTINEL + self.sentinel) + b"mn\r\n", self.dst)
            retry = min(time.monotonic() + RETRY, deadline)
            while True:
                left = retry - time.monotonic()
                if left <= 0:
                    break
                self.sock.settimeout(left)
                try:
                    d = self.sock.recv(70000)
                except socket.timeout:
                    break
                rid = d[0] << 8 | d[1] if len(d) >= 2 else 0
                if rid >= SENTINEL:
                    if rid in sids and d[8:] == b"MN\r\n":
                        return got, True
                    continue  # a late MN of an earlier step
                got.append(d)
        return got, False

    def drain(self):
        self.sock.settimeout(0.3)
        try:
            while True:
                self.sock.recv(70000)
        except socket.timeout:
            pass


def framing_errors(dgrams):
    """memcached's rule: each response is datagrams 0..total-1 in order, every one but the
    last of 1400 bytes (header included), bytes 6-7 zero; an empty response is one bare
    header saying 0 of 0."""
    errs, i = [], 0
    while i < len(dgrams):
        d = dgrams[i]
        if len(d) < 8 or d[6:8] != b"\0\0":
            return ["datagram %d: header %r" % (i, d[:8])]
        seq, total = d[2] << 8 | d[3], d[4] << 8 | d[5]
        if total == 0:
            if seq != 0 or len(d) != 8:
                errs.append("datagram %d: total 0 with seq %d, %d bytes" % (i, seq, len(d)))
            i += 1
            continue
        for k in range(total):
            if i + k >= len(dgrams):
                errs.append("datagram %d: %d of %d missing" % (i, k, total))
                return errs
            e = dgrams[i + k]
            if e[:2] != d[:2] or (e[2] << 8 | e[3]) != k or (e[4] << 8 | e[5]) != total:
                errs.append("datagram %d: %r where %d of %d was due" % (i + k, e[:8], k, total))
                return errs
            if k < total - 1 and len(e) != 1400:
                errs.append("datagram %d: %d bytes, not 1400, before the last" % (i + k, len(e)))
            if len(e) > 1400 or len(e) == 8:
                errs.append("datagram %d: %d bytes" % (i + k, len(e)))
        i += total
    return errs


# time-telling fields: (pattern, group holding the number)
TIMEY = [rb"( t)(-?\d+)", rb"( l)(\d+)", rb"(exp=)(-?\d+)", rb"( la=)(\d+)"]


def untime(text):
    nums = []

    def sub(m):
        nums.append(int(m.group(2)))
        return m.group(1) + b"#"

    for p in TIMEY:
        text = re.sub(p, sub, text)
    return text, nums


def unpad(text):
    """Values with the trailing spaces of an incr or decr cut: memcached rewrites a number in
    place, padded, only while no other thread holds the item (its LRU maintainer holds items
    for moments), else stores a new one without; either may come out."""
    out, i = [], 0
    for m in re.finditer(rb"(VALUE \S+ \d+ |VA )(\d+)([^\r\n]*\r\n)", text):
        if m.start() < i:
            continue
        n = int(m.group(2))
        data = text[m.end():m.end() + n]
        out.append(text[i:m.start()])
        out.append(m.group(1) + b"%d" % len(data.rstrip(b" ")) + m.group(3) + data.rstrip(b" "))
        i = m.end() + n
    out.append(text[i:])
    return b"".join(out)


def stats_classes(text):
    return set(re.findall(rb"STAT (?:items:)?(\d+):", text))


def stats_view(text, classes):
    """STAT lines as (name, value) with the values that differ between two servers by
    nature left out (process, clock, port and build fields), and the slab classes only one
    of them has (memcached gives a class pages for items it allocated and never linked)."""
    keep = []
    for line in text.split(b"\r\n"):
        m = re.match(rb"STAT (\S+) (.*)", line)
        if not m:
            keep.append((line, None))
            continue
        name, value = m.group(1), m.group(2)
        cls = re.match(rb"(?:items:)?(\d+):", name)
        if cls and cls.group(1) not in classes:
            continue
        if akv_gen.stat_compared(name.decode("latin-1")):
            keep.append((name, value))
        else:
            keep.append((name, None))
    return keep


def compare(step, a, b, what):
    """None when the replies agree, else a description of the difference."""
    for side, ds in (("afxdp-kv", a), ("memcached", b)):
        errs = framing_errors(ds)
        if errs and side == "memcached":
            return "memcached's own framing is not as the rule says: %s" % errs
        if errs:
            return "framing: " + "; ".join(errs)
    if a == b:
        return None
    if what in ("stats", "timey"):
        ta, tb = b"".join(d[8:] for d in a), b"".join(d[8:] for d in b)
        if what == "stats":
            both = stats_classes(ta) & stats_classes(tb)
            va, vb = stats_view(ta, both), stats_view(tb, both)
            if va == vb:
                return None
            diff = [(x, y) for x, y in zip(va, vb) if x != y][:5]
            return "stats differ (first: %r), %d against %d lines" % (diff, len(va), len(vb))
        (ua, na), (ub, nb) = untime(unpad(ta)), untime(unpad(tb))
        if ua == ub and len(na) == len(nb) and all(abs(x - y) <= 2 for x, y in zip(na, nb)):
            return None
    return "datagrams differ:\n  afxdp-kv:  %s\n  memcached: %s" % (show(a), show(b))


def show(ds, limit=600):
    out = " | ".join("%s %r" % (d[:8].hex(), d[8:]) for d in ds)
    return out if len(out) <= limit else out[:limit] + "... (%d datagrams)" % len(ds)


def run(servers, steps, label):
    """Each step on both servers in turn; the first difference ends the run."""
    for n, step in enumerate(steps):
        dgrams, what = step["dgrams"], step.get("what", "exact")
        if step.get("sleep"):
            time.sleep(step["sleep"])
        (a, oka), (b, okb) = (s.exchange(dgrams) for s in servers)
        why = compare(n, a, b, what)
        if why is None and oka != okb:
            why = "one server answered the step's mn, the other did not"
        if why is None and not oka:
            why = "neither server answered 'mn' in %.0f s: a data block left open?" % QUIET
        if why:
            print("DIFFERS: %s, step %d (%s):\n  request: %s\n  %s" % (
                label, n, step.get("name", ""), shown_request(dgrams), why))
            return False
        akv_gen.observe(step, a)
    return True


def shown_request(dgrams, limit=400):
    s = " | ".join(repr(d) for d in dgrams)
    return s if len(s) <= limit else s[:limit] + "... (%d datagrams, %d bytes)" % (
        len(dgrams), sum(len(d) for d in dgrams))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("afxdp")
    ap.add_argument("memcached")
    ap.add_argument("--fixed", action="store_true", help="the fixed cases only")
    ap.add_argument("--seeds", default="", help="comma-separated seeds to run")
    ap.add_argument("--random", type=int, default=0, help="this many random seeds more")
    ap.add_argument("--steps", type=int, default=300, help="steps per seed")
    ap.add_argument("--seed", type=int, help="replay this one seed only")
    ap.add_argument("--only", default="", help="the fixed groups whose name has this")
    o = ap.parse_args()
    servers = [Server("afxdp-kv", o.afxdp), Server("memcached", o.memcached)]
    t0 = time.monotonic()
    if o.seed is None:
        cases = akv_cases.CASES
        for name, steps in cases:
            if o.only and o.only not in name:
                continue
            t1 = time.monotonic()
            if not run(servers, steps, "fixed case '%s'" % name):
                return 1
            print("  %s: %d steps (%.1f s)" % (name, len(steps), time.monotonic() - t1),
                  flush=True)
        print("fixed cases: %d groups, %d steps, replies identical (%.1f s)" % (
            len(cases), sum(len(s) for _, s in cases), time.monotonic() - t0))
        if o.fixed:
            return 0
    seeds = [int(x) for x in o.seeds.split(",") if x] if o.seed is None else [o.seed]
    seeds += [random.SystemRandom().randrange(1 << 31) for _ in range(o.random)]
    for seed in seeds:
        t1 = time.monotonic()
        print("random sequence: seed %d (replay: --seed %d)" % (seed, seed), flush=True)
        if not run(servers, akv_gen.sequence(seed, o.steps), "seed %d" % seed):
            return 1
        print("seed %d: %d steps, replies identical (%.1f s)" % (
            seed, o.steps, time.monotonic() - t1), flush=True)
    if o.seed is None:
        for name, steps in akv_cases.LAST:
            if not run(servers, steps, "fixed case '%s'" % name):
                return 1
        print("last fixed cases: replies identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
