# SPDX-License-Identifier: GPL-2.0
# Random memcached requests over UDP for akv_diff.py: every command of memcached 1.6.18's text
# and meta protocols, with noreply, edge numbers (signs, zero padding, 32- and 64-bit
# overflows), odd whitespace, long and NUL-bearing lines, lines without their end, several
# commands in a datagram, multi-key gets of 1-100 keys, values up to 1 MB (built by appends:
# a request is one datagram), data blocks cut short and finished by the next datagram, and
# stats. Times are chosen so that no answer depends on which second it is: exptimes are 0,
# negative, long gone or far away, and flush_all takes no delay.
import random
import re

# stats fields whose values both servers must share (the rest: names and order only; item
# counts are not among them: memcached's LRU crawler takes expired and flushed items away in
# the background, this server when they are next looked up; nor total_items: memcached links a
# new item for an incr when its LRU maintainer holds the old one at that moment)
STATS_COMPARED = {
    "cmd_get", "cmd_set", "cmd_flush", "cmd_touch", "cmd_meta", "get_hits", "get_misses",
    "delete_misses", "delete_hits", "incr_misses", "incr_hits",
    "decr_misses", "decr_hits", "cas_misses", "cas_hits", "cas_badval", "touch_hits",
    "touch_misses", "store_too_large", "store_no_memory", "evictions", "version", "pointer_size", "maxbytes", "verbosity", "growth_factor",
    "chunk_size", "item_size_max", "slab_chunk_max", "cas_enabled", "lru_crawler",
    "hot_lru_pct", "warm_lru_pct", "hot_max_factor", "warm_max_factor", "temp_lru",
    "temporary_ttl", "lru_segmented", "slab_automove", "slab_automove_ratio",
    "lru_crawler_sleep", "lru_crawler_tocrawl", "dump_enabled", "slab_reassign",
    "detail_enabled", "ext_item_size", "ext_max_frag", "ext_drop_unread", "sizes_status",
}
STATS_PER_CLASS = {"chunk_size", "chunks_per_page", "get_hits", "cmd_set", "delete_hits", "incr_hits", "decr_hits", "cas_hits",
                   "cas_badval", "touch_hits", "evicted"}


def stat_compared(name):
    if name in STATS_COMPARED:
        return True
    m = re.match(r"(?:items:)?\d+:(\w+)$", name)
    return bool(m) and m.group(1) in STATS_PER_CLASS


def header(rid, seq=0, total=1):
    return bytes([rid >> 8 & 255, rid & 255, seq >> 8, seq & 255, total >> 8, total & 255, 0, 0])


KEYS = [b"k%d" % i for i in range(8)] + [b"n0", b"n1", b"p:a", b"p:b", b"q:x", b"x" * 250,
                                         b"\xe9t\xe9", b"k\x01", b"K0"]
LONG_KEY = b"y" * 251
FLAGS = [b"0", b"0", b"1", b"4294967295", b"4294967296", b"+5", b"-0", b"007", b"-1",
         b"18446744073709551616", b"abc", b"12x", b"65536", b"5\t"]
# no answer may depend on the second: 0, gone already, or far away
EXPTIMES = [b"0", b"0", b"-1", b"100000", b"2592000", b"1000000000", b"4295067296",
            b"+100000", b"-2147483649", b"abc", b"4000000000", b"2000000000"]
NUMBERS = [b"0", b"1", b"5", b"12", b"18446744073709551615", b"  12", b"12 abc", b"12abc",
           b"-1", b"+5", b"007", b"", b"1\x002", b"99"]
DELTAS = [b"1", b"5", b"0", b"18446744073709551615", b"18446744073709551616", b"-1", b"+3",
          b"abc", b"007", b"4294967296"]


class State:
    def __init__(self, rng):
        self.rng = rng
        self.cas = {}  # key -> a CAS unique seen in a reply
        self.rid = 1

    def next_rid(self):
        self.rid = self.rid % 0xEFFF + 1
        return self.rid


ST = None


def observe(step, dgrams):
    """CAS uniques from the replies, for the cas and C tokens of later steps."""
    if ST is None:
        return
    text = b"".join(d[8:] for d in dgrams)
    for m in re.finditer(rb"VALUE (\S+) \d+ \d+ (\d+)\r\n", text):
        ST.cas[m.group(1)] = m.group(2)
    for m in re.finditer(rb" c(\d+)", text):
        ST.cas[b"last"] = m.group(1)


def pick(seq):
    return ST.rng.choice(seq)


def key():
    r = ST.rng.random()
    if r < 0.02:
        return LONG_KEY
    return pick(KEYS)


def value(big=False):
    rng = ST.rng
    r = rng.random()
    if r < 0.25:
        return pick(NUMBERS)
    n = pick([0, 1, 2, 5, 10, 100, 1000, 1391, 1392, 1393, 2790, 5000] +
             ([20000, 60000] if big else []))
    if rng.random() < 0.5:
        return bytes(rng.randrange(33, 127) for _ in range(n))
    return bytes(rng.randrange(256) for _ in range(n))  # \r\n and NULs inside too


def sp():
    """Token separators: mostly one space, sometimes more."""
    return b"  " if ST.rng.random() < 0.05 else b" "


def eol():
    r = ST.rng.random()
    return b"\n" if r < 0.05 else b"\r\r\n" if r < 0.07 else b"\r\n"


def noreply():
    return sp() + b"noreply" if ST.rng.random() < 0.2 else b""


def line(*tokens):
    lead = b" " if ST.rng.random() < 0.03 else b""
    trail = b" " if ST.rng.random() < 0.03 else b""
    return lead + sp().join(t for t in tokens) + trail


def cmd_storage():
    rng = ST.rng
    name = pick([b"set", b"set", b"add", b"replace", b"append", b"prepend", b"cas"])
    k, v = key(), value()
    n = str(len(v)).encode()
    if rng.random() < 0.08:
        n = pick([str(len(v) + 1).encode(), str(max(len(v) - 1, 0)).encode(), b"-1", b"abc",
                  b"4294967297", b"3000000000", b"+" + n, b"0" + n])
    toks = [name, k, pick(FLAGS) if rng.random() < 0.3 else b"0",
            pick(EXPTIMES) if rng.random() < 0.3 else b"0", n]
    if name == b"cas":
        toks.append(ST.cas.get(k, pick([b"1", b"0", b"99999", b"abc"]))
                    if rng.random() < 0.7 else pick([b"1", b"0", b"abc"]))
    if rng.random() < 0.03:
        toks = toks[:rng.randrange(1, len(toks))]  # too few
    if rng.random() < 0.02:
        toks.append(b"extra")
    data = v + b"\r\n" if rng.random() < 0.95 else v + pick([b"\n", b"xx", b"\r"])
    return line(*toks) + noreply() + eol() + data


def cmd_get():
    rng = ST.rng
    name = pick([b"get", b"get", b"gets", b"gat", b"gats", b"bget"])
    nkeys = pick([1, 1, 2, 3, 5, 23, 24, 30, 100]) if rng.random() < 0.9 else 0
    keys = [key() for _ in range(nkeys)]
    if name in (b"gat", b"gats"):
        keys.insert(0, pick(EXPTIMES))
    return line(name, *keys) + eol()


def cmd_other():
    rng = ST.rng
    k = key()
    choices = [
        lambda: line(pick([b"incr", b"decr"]), k, pick(DELTAS)) + noreply(),
        lambda: line(b"incr", k),
        lambda: line(b"incr", k, b"1", b"foo"),
        lambda: line(b"delete", k) + noreply(),
        lambda: line(b"delete", k, pick([b"0", b"1", b"noreply", b"x"])),
        lambda: line(b"delete", k, b"0", b"noreply"),
        lambda: line(b"delete"),
        lambda: line(b"delete", b"a", b"b", b"c", b"d"),
        lambda: line(b"touch", k, pick(EXPTIMES)) + noreply(),
        lambda: line(b"touch", k, b"10", b"foo"),
        # (no delay and no time long past: either makes memcached bring back what an
        # earlier flush took until its LRU maintainer has taken it away, a matter of
        # moments; the fixed cases test them apart)
        lambda: line(b"flush_all", pick([b"0", b"", b"-1", b"abc", b"0 noreply", b"1 2 3"])),
        lambda: line(b"version", *([b"x"] if rng.random() < 0.3 else [])),
        lambda: line(b"verbosity", pick([b"1", b"0", b"x", b"5 noreply", b"1 2 3"])),
        lambda: line(pick([b"bogus", b"GET", b"x", b"sets", b"gett", b"m", b"mz", b"\t"])),
        lambda: b"",
    ]
    return pick(choices)() + eol()


MG_FLAGS = [b"v", b"s", b"f", b"c", b"k", b"h", b"q", b"u", b"Oabc", b"O" + b"o" * 33,
            b"T100000", b"T-1", b"N100000", b"R1", b"R200000", b"t", b"l", b"b", b"E5", b"Tx"]


def cmd_meta():
    rng = ST.rng
    k = key()
    flags = rng.sample(MG_FLAGS, rng.randrange(0, 5))
    kind = pick([b"mg", b"mg", b"ms", b"md", b"ma", b"me", b"mn"])
    if kind == b"mn":
        return b"mn" + eol()
    if kind == b"me":
        return line(b"me", k) + eol()
    if kind == b"ms":
        v = value()
        fl = rng.sample([b"T100000", b"F5", b"F4294967296", b"c", b"k", b"q", b"Oxy", b"I",
                         b"ME", b"MA", b"MP", b"MR", b"MS", b"MX", b"C" + ST.cas.get(b"last", b"1"),
                         b"b", b"Fx"], rng.randrange(0, 4))
        n = str(len(v)).encode() if rng.random() < 0.95 else pick([b"x", b"-1"])
        return line(b"ms", k, n, *fl) + eol() + v + b"\r\n"
    if kind == b"md":
        fl = rng.sample([b"q", b"I", b"T100000", b"k", b"Oz", b"C1", b"C" + ST.cas.get(b"last", b"1"),
                         b"x"], rng.randrange(0, 3))
        return line(b"md", k, *fl) + eol()
    if kind == b"ma":
        fl = rng.sample([b"N100000", b"J13", b"D5", b"MD", b"MI", b"M+", b"M-", b"Mx", b"v", b"t",
                         b"c", b"q", b"k", b"Ox", b"T100000", b"Dx"], rng.randrange(0, 4))
        return line(b"ma", k, *fl) + eol()
    return line(b"mg", k, *flags) + eol()


def datagram():
    """One request: a few commands, sometimes cut, sometimes with a NUL."""
    rng = ST.rng
    parts = []
    blocks = False
    for _ in range(pick([1, 1, 1, 2, 3, 5])):
        r = rng.random()
        parts.append(cmd_storage() if r < 0.3 else cmd_get() if r < 0.55
                     else cmd_meta() if r < 0.75 else cmd_other())
        blocks |= r < 0.3 or parts[-1].lstrip().startswith(b"ms")
    text = b"".join(parts)
    r = rng.random()
    if r < 0.03 and len(text) > 2 and not blocks:
        text = text[:rng.randrange(1, len(text))]  # cut: a line without its end
    elif r < 0.05 and not blocks:  # (a NUL in a byte count could ask for a huge block)
        at = rng.randrange(len(text) + 1)
        text = text[:at] + b"\0" + text[at:]
    elif r < 0.06:
        text = b"get " + b" ".join(KEYS[:4]) * 200 + b"\r\n"  # a long multi-get
    return text[:65499]


def big_value_steps(k):
    """A value of up to 1 MB built by appends (a request is one datagram), read back."""
    rng = ST.rng
    chunk = bytes(rng.randrange(33, 127) for _ in range(60000))
    steps = [[header(ST.next_rid()) + b"set " + k + b" 0 0 60000\r\n" + chunk + b"\r\n"]]
    for _ in range(rng.randrange(1, 18)):
        steps.append([header(ST.next_rid()) + b"append " + k + b" 0 0 60000\r\n" + chunk +
                      b"\r\n"])
    steps.append([header(ST.next_rid()) + b"get " + k + b" " + k + b"\r\n"])
    return steps


def sequence(seed, n):
    """n steps from seed: each a list of datagrams (frame headers included)."""
    global ST
    ST = State(random.Random(seed))
    rng = ST.rng
    yield {"name": "flush_all", "dgrams": [header(ST.next_rid()) + b"flush_all\r\n"]}
    for i in range(n):
        r = rng.random()
        if r < 0.004:
            for s in big_value_steps(pick([b"big0", b"big1"])):
                yield {"name": "1 MB value", "dgrams": s}
            continue
        if r < 0.014:
            # a data block cut short, finished (or not) by the next datagram's raw bytes
            v = value()
            first = b"set " + key() + b" 0 0 " + str(len(v) + 10).encode() + b"\r\n" + v
            rest = pick([12, 14, 0])
            yield {"name": "data block over two datagrams",
                   "dgrams": [header(ST.next_rid()) + first,
                              b"" if not rest else
                              bytes(rng.randrange(256) for _ in range(rest - 2)) +
                              pick([b"\r\n", b"xy"])]}
            continue
        if r < 0.024:
            yield {"name": "stats", "what": "stats",
                   "dgrams": [header(ST.next_rid()) + b"stats" +
                              pick([b"", b" settings", b" items", b" slabs", b" sizes"]) +
                              b"\r\n"]}
            continue
        if r < 0.03:
            # not one datagram of one: memcached takes none of these
            yield {"name": "bad frame header",
                   "dgrams": [header(ST.next_rid(), 0, pick([0, 2])) + b"version\r\n",
                              header(ST.next_rid())[:pick([0, 4, 8])]]}
            continue
        # byte for byte, or (when they differ) with mg's t and l, me's exp and la within 2 s
        yield {"name": "random", "what": "timey", "dgrams": [header(ST.next_rid()) + datagram()]}
