# SPDX-License-Identifier: GPL-2.0
# Fixed cases for akv_diff.py, one group per rule of memcached 1.6.18 over UDP that the AF_XDP
# server must keep (issue 23's list). A step is the datagrams sent before the 'mn' that ends
# it: plain text gets the frame header of a request of one datagram; bytes in H(...) are sent
# as they are. 'what': exact (byte for byte), timey (times within 2 s), stats (names, and the
# values both servers must share). 'sleep': seconds to wait before the step.
from akv_gen import header

_rid = [100]


def S(*texts, what="timey", sleep=0):
    dgrams = []
    for t in texts:
        if isinstance(t, H):
            dgrams.append(t.raw)
            continue
        _rid[0] = _rid[0] % 0xEFFF + 1
        dgrams.append(header(_rid[0]) + (t if isinstance(t, bytes) else t.encode("latin-1")))
    return {"dgrams": dgrams, "what": what, "sleep": sleep}


class H:
    """A datagram sent as it is, frame header and all."""

    def __init__(self, raw):
        self.raw = raw


def setv(k, v, flags="0", exp="0"):
    return "set %s %s %s %d\r\n%s\r\n" % (k, flags, exp, len(v), v)


def fill(n):
    """Raw datagrams of n bytes in all: what a data block still waits for."""
    out = []
    while n > 0:
        out.append(H(b"f" * min(n, 65000)))
        n -= 65000
    return out


LONG = "k" * 251
K250 = "k" * 250
KEYS30 = ["m%d" % i for i in range(30)]

BASICS = [S(t) for t in [
    "set k 0 0 5\r\nhello\r\n", "get k\r\n", "get k missing k\r\n",
    "add k 0 0 1\r\nx\r\n", "add k2 7 0 1\r\nx\r\n", "replace nope 0 0 1\r\nx\r\n",
    "replace k 3 0 2\r\nhi\r\n", "append k 9 9 3\r\nabc\r\n", "prepend k 0 0 3\r\nxyz\r\n",
    "get k k2\r\n", "append nope 0 0 1\r\nx\r\n", "prepend nope 0 0 1\r\nx\r\n", "gets k\r\n",
    "cas nope 0 0 1 1\r\nz\r\n", "gets k k2\r\n", "cas k 0 0 1 6\r\nz\r\n", "cas k 0 0 1 6\r\ny\r\n",
    "set n 0 0 2\r\n10\r\n", "incr n 5\r\n", "decr n 100\r\n", "get n\r\n",
    "incr n 18446744073709551615\r\n", "get n\r\n", "incr n 3\r\n", "get n\r\n",
    "incr k 1\r\n", "incr nope 1\r\n", "incr n abc\r\n", "decr n -1\r\n",
    "set big 0 0 20\r\n18446744073709551615\r\n", "incr big 1\r\n", "get big\r\n",
    "delete k\r\n", "delete k\r\n", "set k 0 0 1\r\nv\r\n", "delete k 0\r\n",
    "delete k2 5\r\n", "delete k2 noreply\r\n", "get k2\r\n",
    "touch n 100000\r\n", "touch nope 1\r\n", "touch n abc\r\n",
    "set q 0 0 3 noreply\r\nabc\r\n", "get q\r\n", "incr n 1 noreply\r\n", "get n\r\n",
    "set k 0 0 3\r\nabcd\r\n", "get\r\n", "bogus\r\n", "set k 0 0\r\n", "set k x 0 1\r\nv\r\n",
    "set k 0 0 -1\r\n", "get " + LONG + "\r\n", "set " + LONG + " 0 0 1\r\nv\r\n",
    "set e 0 -1 1\r\nv\r\n", "get e\r\n", "set f 0 100000 1\r\nv\r\n", "get f\r\n",
    "set a 0 0 1\r\n1\r\nget a\r\ndelete a\r\nget a\r\n",
    "gat 100000 f\r\n", "gats 100000 f n\r\n", "gat f\r\n", "touch f 0\r\n",
    "verbosity 1\r\n", "flush_all\r\n", "get f n q\r\n", "flush_all noreply\r\n",
    "set v 0 0 0\r\n\r\n", "get v\r\n", "set flags 4294967295 0 1\r\nx\r\n", "get flags\r\n",
    "set flags 4294967296 0 1\r\nx\r\n", "get flags\r\n", "\r\n", "GET k\r\n",
    "bget flags v\r\n", "version\r\n"]]

MULTIGET = [
    S("".join(setv(k, "v" + k) for k in KEYS30)),
    S("get " + " ".join(KEYS30) + "\r\n"),  # 30 keys: memcached reads the whole line
    S("gat 100000 " + " ".join(KEYS30) + "\r\n"),
    S("gets " + " ".join(KEYS30 + ["nope"] * 5 + KEYS30) + "\r\n"),
    S("get " + " ".join(["m%d" % (i % 40) for i in range(100)]) + "\r\n"),
    # 23 and 24 tokens (the tokenizer's bound), spaces at the cut, a miss first and last
    S("get " + " ".join(KEYS30[:22]) + "\r\n"), S("get " + " ".join(KEYS30[:23]) + "\r\n"),
    S("get " + "  ".join(KEYS30[:25]) + "  \r\n"), S("get nope " + " ".join(KEYS30) + " nope\r\n"),
    S("get x y z\r\n"), S("get x m1 y\r\n"),
    # a key too long: the get's earlier answers and the datagram's go too
    S("set a 0 0 1\r\n1\r\nget m1 m2 " + LONG + " m3\r\n"),
    S("get m1 " + K250 + "\r\n"),
]

LARGE = [
    S("".join(setv("L%d" % i, chr(65 + i) * 5000) for i in range(7))),
    S("".join(setv("L%d" % i, chr(65 + i) * 5000) for i in range(7, 14))),
    S("get " + " ".join("L%d" % i for i in range(14)) + "\r\n"),  # 70 KB of replies
    S("get " + " ".join("L%d" % (i % 14) for i in range(100)) + "\r\n"),  # 500 KB
    # exactly one datagram's worth, one byte more, two
    S(setv("b1", "x" * (1392 - 17)), "get b1\r\n"), S(setv("b2", "x" * (1393 - 17)), "get b2\r\n"),
    S(setv("b3", "x" * (2784 - 17)), "get b3\r\n"), S(setv("b4", "x" * (2785 - 17)), "get b4\r\n"),
    # 1 MB: the largest value memcached holds (a whole item within 1 MB), built by appends
    S("set M 0 0 60000\r\n" + "a" * 60000 + "\r\n"),
] + [S("append M 0 0 60000\r\n" + chr(98 + i % 20) * 60000 + "\r\n") for i in range(16)] + [
    S("append M 0 0 %d\r\n%s\r\n" % (1048576 - 60 - 17 * 60000 - 1, "z" * (1048576 - 60 - 17 * 60000 - 1))),
    S("append M 0 0 1\r\nz\r\n"), S("append M 0 0 1\r\nz\r\n"),  # the last fits, then no more
    S("get M M\r\n"), S("mg M v s\r\n"), S("incr M 1\r\n"),
    # too large: refused, its data block swallowed across datagrams, a set's old value gone
    S("set M 0 0 1048517\r\n" + "q" * 60000, *(["r" * 65000] * 15 + ["s" * 60000])),
    S("get M\r\n"),
    # 2000002 bytes to swallow: 12 in the datagram, the rest in the next ones; a version
    # sent while it lasts goes with them
    S("set T 0 0 2000000\r\nabc\r\nget T\r\n", H(b"f" * 65000), "version\r\n",
      *fill(2000002 - 12 - 65000 - 17)),
    S("version\r\n"),
]

NUL = [
    S("set k\0x 0 0 1\r\nv\r\n"), S("get k\r\n"), S("get m1\0 m2\r\n"),
    S(setv("z", "a\0b\r\nc")), S("get z\r\n"), S("incr\0 n 1\r\n"), S("\0\r\n"),
    S("set nz 0 0 4\r\n12\0x\r\nincr nz 1\r\nget nz\r\n"),
]

NOREPLY = [S("set k 0 0 2000000 noreply\r\n", *fill(2000002))] + [S(t) for t in [
    "incr n abc noreply\r\n", "touch n abc noreply\r\n", "delete k 5 noreply\r\n",
    "delete " + LONG + " noreply\r\n", "flush_all abc noreply\r\n", "set k x 0 1 noreply\r\nv\r\n",
    "set k 0 0 1 noreply\r\nvv\r\n", "set " + LONG + " 0 0 1 noreply\r\nv\r\n",
    "incr nope 1 noreply\r\n", "set ni 0 0 1\r\na\r\nincr ni 1 noreply\r\n",
    "version\r\n", "verbosity x noreply\r\n",
    "get nope\r\nset k 0 0 1 noreply\r\nv\r\nget nope\r\n",
    "mg nope q\r\nmg k q v\r\nmn\r\n", "ms k 1 q\r\nv\r\nms k 1 q ME\r\nv\r\nmn\r\n",
    "md nope q\r\nmd k q\r\nmn\r\n", "ma nope q\r\nma ni q\r\nmn\r\n",
    "mg nope q Oopaque k\r\nmg " + LONG + " q\r\n"]]

CAS_FLUSH = [
    S(setv("c1", "a"), "gets c1\r\n"), S("flush_all\r\n"), S(setv("c2", "b"), "gets c2\r\n"),
    S("flush_all 0\r\n", setv("c3", "c"), "gets c3\r\n"),
    S("flush_all 1000000000\r\n", setv("c4", "d"), "gets c4\r\n"),
    S("ms c5 1 c\r\nx\r\nflush_all\r\nms c6 1 c\r\ny\r\n"),
]

FLUSH_TIMES = [
    S(setv("f1", "a")), S("flush_all 1000000000\r\n"), S("get f1\r\n"),  # past: a no-op
    S("flush_all 1 2\r\n"), S("flush_all 1 2 3\r\n"), S("flush_all abc\r\n"),
    S("flush_all -1\r\n"), S(setv("f2", "b")), S("flush_all 2\r\n"), S("flush_all 0\r\n"),
    S(setv("f3", "c")), S("get f2 f3\r\n", sleep=3),  # the delayed flush was replaced
    S(setv("f4", "d"), "flush_all 2\r\n", setv("f5", "e")), S("get f4 f5\r\n", sleep=3),
    S(setv("f6", "f")), S("get f4 f5 f6\r\n"), S("flush_all 0 noreply\r\nget f6\r\n"),
]

NUMBERS = [S(t) for t in [
    "set n1 +5 0 1\r\na\r\n", "set n2 -0 0 1\r\nb\r\n", "set n3 007 0 1\r\nc\r\n",
    "set n4 -1 0 1\r\nd\r\n", "set n5 4294967296 0 1\r\ne\r\n", "get n1 n2 n3 n4 n5\r\n",
    "set n6 0 4295067296 1\r\nf\r\n", "mg n6 t\r\n", "set n7 0 0 3000000000\r\n",
    "set n8 0 0 4294967297\r\nx\r\n", "get n8\r\n", "set n9 0 0 +1\r\ny\r\n", "get n9\r\n",
    "set n10 0 0 01\r\nz\r\n", "set n11 0 +100000 1\r\nw\r\n", "set n12 5\t 0 1\r\nq\r\n",
    "get n10 n11 n12\r\n", "set i1 0 0 4\r\n  12\r\n", "incr i1 1\r\n",
    "set i2 0 0 6\r\n12 abc\r\n", "incr i2 1\r\n", "set i3 0 0 5\r\n12abc\r\n", "incr i3 1\r\n",
    "set i4 0 0 2\r\n-1\r\n", "incr i4 1\r\n", "set i5 0 0 2\r\n+5\r\n", "incr i5 1\r\n",
    "set i6 0 0 3\r\n007\r\n", "incr i6 +3\r\n", "incr i6 -1\r\n", "get i6\r\n",
    "incr i6 18446744073709551616\r\n", "set i7 0 0 1\r\n9\r\n", "incr i7 1\r\n", "get i7\r\n",
    "decr i7 3\r\n", "get i7\r\n", "set i8 0 0 0\r\n\r\n", "incr i8 1\r\n",
    "set i9 0 0 20\r\n18446744073709551615\r\n", "incr i9 2\r\n", "get i9\r\n",
    "touch i9 -1\r\n", "get i9\r\n", "gat -5 i7\r\n", "get i7\r\n",
    "set i10 0 0 2\r\n99\r\nmg i10 v\r\nincr i10 1\r\nget i10\r\n",  # held by mg: a new item
    "set i11 0 0 3\r\n100\r\nincr i11 5\r\ndecr i11 100\r\nget i11\r\n"]]

ARGS = [S(t) for t in [
    "set k 0 0 1\r\nv\r\n", "touch k 10 foo\r\n", "incr k 1 foo\r\n", "incr k\r\n",
    "gat 10\r\n", "gat\r\n", "delete\r\n", "delete a b c d\r\n", "delete k 0 noreply\r\n",
    "delete k noreply x\r\n", "flush_all 1 2 3\r\n", "version x\r\n", "version x y z\r\n",
    "verbosity\r\n", "verbosity 1 2 3\r\n", "verbosity x\r\n", "verbosity 5 noreply\r\n",
    "touch " + LONG + " 10\r\n", "delete " + LONG + "\r\n", "incr " + LONG + " 1\r\n",
    "flush_all abc\r\n", "set k 0 0 1 noreply extra\r\nv\r\n", "cas k 0 0 1\r\nv\r\n",
    "get" + " k" * 40 + "\r\n", "set" + " a" * 30 + "\r\n", "x\r\n", "sx\r\n", "ax\r\n",
    "cx\r\n", "ix\r\n", "dx\r\n", "tx\r\n", "gx\r\n", "gx y\r\n", "GET / HTTP/1.1\r\n",
    "set a 0 0 1\r\n1\r\nfoo bar HTTP/1.0\r\nget a\r\n", "stuff HTTP/1.1\r\n",
    "get a HTTP/1.1\r\n"]]

LINES = [
    S("version"), S("version\r\nversion"), S("\r\n"), S("\n"), S("\r"), S("version\r\r\n"),
    S("version\n"), S("  version\r\n"), S("version  \r\n"), S("version\t\r\n"),
    S(setv("l1", "a") + "x" * 3000),  # more than 2048 bytes without a line end: hung up
    S(setv("l2", "b") + "get " + "k " * 1500),  # a long get may wait for its end
    S(setv("l3", "c") + " " * 200 + "get x" * 500),
    S("get l1 l2 l3\r\n"),
    # a data block finished by the next datagram (its frame header is data too)
    S("set d1 0 0 14\r\nabcd", H(b"0123456789\r\n")), S("get d1\r\n"),
    S("set d2 0 0 14\r\nabcd", H(b"0123456789xx")), S("get d2\r\n"),
    S("set d3 0 0 4\r\nab", H(b"cd\r\nget d3\r\n")), S("get d3\r\n"),
    S("version\r\nset d4 0 0 10\r\nab", H(b"")), S("get d4\r\n"),  # an empty datagram
    S("set d5 0 0 1\r\nv\r\nmn\r\nget d5\r\n"),
    # more than 20 commands in a datagram (memcached yields every 20)
    S("".join(setv("y%d" % i, "v") for i in range(30)) + "get y1\r\n"),
    S("version\r\n" * 25), S("get x\r\n" * 22 + "version\r\n"),
    S("".join(setv("y%d" % i, "w") + "get y%d\r\n" % i for i in range(15))),
]

BAD_FRAMES = [
    S(H(header(7, 0, 2) + b"version\r\n"), H(header(8, 1, 1) + b"version\r\n"),
      H(header(9)), H(b""), H(b"\0\x0a"), H(header(11, 0, 0) + b"version\r\n")),
]

META = [S("ms ms0 1048517\r\nabc\r\n", *fill(1048519 - 5))] + [S(t, what="timey") for t in [
    "mn\r\n", "mn x\r\n", "mx\r\n", "mg\r\n", "ms\r\n", "md\r\n", "ma\r\n", "me\r\n",
    setv("mk", "hello", "5", "100000"), "mg mk\r\n", "mg mk v\r\n", "mg mk v s f t c k h l O123\r\n",
    "mg mk v v\r\n", "mg mk zz\r\n", "mg mk \x80\r\n", "mg mk O" + "x" * 33 + "\r\n",
    "mg nope v k Oq\r\n", "mg " + LONG + " v\r\n", "mg mk" + " s" * 20 + "\r\n",
    "mg mk" + " v s f t c k h l" + "\r\n", "mg mk T-1 v\r\n", "mg mk v\r\n",
    "mg viv N100000 v c t\r\n", "mg viv N100000 v c t\r\n", "mg viv v\r\n",
    "ms ms1 2\r\nhi\r\n", "ms ms1 2 T100000 F7 c k Ox\r\nhi\r\n", "mg ms1 v f t\r\n",
    "ms ms1 2 ME\r\nzz\r\n", "ms ms1 2 MA\r\nzz\r\n", "ms ms1 2 MP\r\naa\r\n", "mg ms1 v\r\n",
    "ms ms1 2 MR\r\nbb\r\n", "ms nope 2 MR\r\nbb\r\n", "ms nope 2 MA\r\nbb\r\n",
    "ms ms1 2 MX\r\nbb\r\n", "ms ms1 2 Mxx\r\nbb\r\n", "ms ms1 2 C1\r\nbb\r\n",
    "ms ms1\r\n", "ms ms1 x\r\nbb\r\n", "ms ms1 -1\r\n", "ms ms1 2 Fx\r\nbb\r\n",
    "ms ms1 2 O" + "o" * 33 + "\r\nbb\r\n", "ms ms1 2 q\r\nbbb\r\n", "ms ms1 2 I\r\nbb\r\n",
    "ms " + LONG + " 2\r\nbb\r\n", "mg ms1 v c\r\n",
    "md ms1 q\r\n", "md ms1\r\n", "md ms1 k Oa\r\n", "ms ms2 1\r\nx\r\nmd ms2 C1\r\n",
    "md ms2 I T100000\r\n", "mg ms2 v c\r\n", "mg ms2 v c\r\n", "md ms2 x\r\n",
    "md ms2 q q\r\n", "ma nope\r\n", "ma nope N100000 J13 v t c\r\n", "ma nope v\r\n",
    "ma nope MD D20 v\r\n", "ma nope M- v\r\n", "ma nope Mx\r\n", "ma nope D-1\r\n",
    "ma nope C1 v\r\n", "ma " + LONG + "\r\n", "ma ms1 v\r\n", "ma nope T100000 v t\r\n",
    "ma nope99 q\r\n", "ma nope q v\r\n",
    "me nope\r\n", "me mk\r\n", "me " + LONG + "\r\n", "me mk b\r\n",
    "ms Zm9v 3 b k\r\nbar\r\n", "mg Zm9v b v k\r\n", "mg foo v k\r\n", "me Zm9v b\r\n",
    "mg !!! b v\r\n", "md Zm9v b k q\r\n", "mg Zm9v b v\r\n"]]

ADMIN = [S(t) for t in [
    "shutdown\r\n", "shutdown graceful\r\n", "cache_memlimit\r\n", "cache_memlimit x\r\n",
    "cache_memlimit 4\r\n", "cache_memlimit 2000000000\r\n", "cache_memlimit 1024\r\n",
    "cache_memlimit 1024 noreply\r\n", "slabs reassign 1 2\r\n", "slabs automove 1\r\n",
    "slabs automove 3\r\n", "slabs automove x\r\n", "slabs automove ratio 0.5\r\n",
    # (a crawl memcached may find busy with its own: only the refusals are compared)
    "slabs automove ratio\r\n", "slabs foo\r\n", "slabs\r\n", "lru_crawler crawl 99\r\n",
    "lru_crawler crawl 1,x\r\n", "lru_crawler metadump all\r\n", "lru_crawler tocrawl 5\r\n", "lru_crawler sleep 2000000\r\n",
    "lru_crawler sleep 50\r\n", "lru_crawler enable\r\n", "lru_crawler\r\n",
    "lru_crawler disable\r\n", "lru_crawler crawl all\r\n", "lru_crawler metadump all\r\n",
    "lru_crawler enable\r\n", "watch\r\n", "watch fetchers\r\n", "lru\r\n", "lru x\r\n",
    "lru tune 10 10 0.1 2.0\r\n", "lru tune 50 50 0.1 2.0\r\n", "lru tune 10 10 0 2\r\n",
    "lru mode flat\r\n", "lru mode segmented\r\n", "lru mode x\r\n", "lru temp_ttl 100\r\n",
    "lru temp_ttl -1\r\n", "extstore\r\n", "extstore item_size 100\r\n", "extstore max_frag 0.5\r\n",
    "extstore drop_unread 1\r\n", "extstore free_memchunks 1 1\r\n", "extstore foo 1\r\n",
    "refresh_certs\r\n", "misbehave\r\n", "debugtime 1\r\n", "verbosity 1\r\n"]]

STATS = [
    S("stats\r\n", what="stats"), S("stats settings\r\n", what="stats"),
    S("stats items\r\n", what="stats"), S("stats slabs\r\n", what="stats"),
    S("stats sizes\r\n"), S("stats sizes_enable\r\n"), S(setv("sz", "x" * 100)),
    S("stats sizes\r\n"), S("stats sizes_disable\r\n"), S("stats sizes\r\n"),
    S("stats detail\r\n"), S("stats detail on\r\n"), S(setv("p:a", "1"), "get p:a p:b\r\n"),
    S("delete p:a\r\n"), S("stats detail dump\r\n"), S("stats detail off\r\n"),
    S("stats cachedump 1 1\r\n"), S("stats foo\r\n"), S("stats extstore\r\n"),
    S("stats\r\n", what="stats"), S("stats reset\r\n"), S("stats\r\n", what="stats"),
    S("stats settings\r\n", what="stats"),
]

FRAMING = [
    S("get x y\r\n"), S("get x\r\n"), S("set q 0 0 1 noreply\r\nv\r\nget x y\r\n"),
    S("delete x noreply\r\nget x y\r\n"), S("version\r\nget x y\r\n"), S("get m1 x y\r\n"),
    S("get x y m1 x\r\n"), S("mn\r\n"), S("mg x q\r\nmn\r\n"), S("mg x q\r\nget x y\r\n"),
]

# quit: after it memcached's UDP connection ends every datagram at its first write, for good
QUIT = [S("quit\r\n"), S("version\r\nquit\r\nversion\r\n"), S("version\r\nversion\r\n"),
        S("get x\r\nversion\r\n"), S("set a 0 0 1\r\n1\r\nget x\r\nversion\r\n"),
        S("mn\r\nversion\r\n")]

CASES = [("basics", BASICS), ("multi-get of any number of keys", MULTIGET),
         ("large replies over several datagrams", LARGE), ("a NUL ends the line", NUL),
         ("noreply silences errors", NOREPLY), ("flush_all spends a CAS unique", CAS_FLUSH),
         ("flush_all's times", FLUSH_TIMES), ("numbers as strtoul and strtol read them", NUMBERS),
         ("argument counts and messages", ARGS), ("lines and data blocks", LINES),
         ("frame headers memcached drops", BAD_FRAMES), ("meta commands", META),
         ("administrative commands", ADMIN), ("stats", STATS), ("framing", FRAMING)]
# run after everything else: it changes the connection for good
LAST = [("quit", QUIT)]
