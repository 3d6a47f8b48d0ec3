#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The AF_XDP key-value server under ASan + UBSan at every MTU its device may have: replies
# longer than a UMEM frame (a 6000-byte value) on a veth at MTU 1500, 4000 and 9000 (the peer
# stays at 1500: native XDP on veth takes no larger peer) and on lo (MTU 65536), alone and
# behind the kvcache (replies through a packet socket). The server must live through each,
# answer what follows, stop cleanly and leave no sanitizer report, and the 6000-byte reply
# must arrive whole: as memcached sends it, in datagrams of at most 1400 bytes that no MTU
# here needs to fragment (on lo replies go out through the server's UDP socket).
. "$(dirname "$0")/../e2e/lib.sh"
need_root
SAN="$TOP/build-san/offloadlab"
[ -x "$SAN" ] || fail "no sanitizer build (make san builds build-san/offloadlab)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$TMP/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$TMP/ubsan

N=$$
C=olab-$N-c S=olab-$N-s L=olab-$N-lo
SRV= KV=
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	[ -n "$KV" ] && touch "$TMP/done" && wait "$KV" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	ip netns del "$L" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
veth_pair "$C" olab-$N-a 198.18.3.1 "$S" olab-$N-b 198.18.3.2
ip netns add "$L" && ip -n "$L" link set lo up || fail "cannot make $L"

san_clean() { # what: no sanitizer report so far
	if san_reports; then
		fail "a sanitizer report (above) $1"
	fi
}

# check NS DST WHOLE: a 6000-byte value stored and read back (WHOLE=1: the reply must be exact),
# then 'version' still answered
check() {
	ip netns exec "$1" python3 - "$2" "$3" <<'PY' || fail "$4"
import socket, sys, mcudp
host, port = sys.argv[1].rsplit(":", 1)
dst, whole = (host, int(port)), sys.argv[2] == "1"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
v = bytes((i * 7 + 13) % 94 + 33 for i in range(6000))
r = mcudp.text(mcudp.call(s, dst, 1, b"set big 0 0 6000\r\n" + v + b"\r\n"))
assert r == b"STORED\r\n", r
r = mcudp.text(mcudp.call(s, dst, 2, b"get big\r\n"))
want = b"VALUE big 0 6000\r\n" + v + b"\r\nEND\r\n"
assert not whole or r == want, "get big: %d bytes, not the %d expected" % (len(r), len(want))
r = mcudp.text(mcudp.call(s, dst, 3, b"version\r\n"))
assert r.startswith(b"VERSION "), "version after the large reply: %r" % r
PY
}

# serve NS DEV [OPTS...]: the sanitizer build serving on DEV until stopped
serve() {
	local ns=$1 dev=$2
	shift 2
	rm -f "$TMP/out" "$TMP/log"
	ip netns exec "$ns" "$SAN" afxdp-kv serve --dev "$dev" "$@" --duration 120 \
		>"$TMP/out" 2>"$TMP/log" &
	SRV=$!
	for _ in $(seq 100); do grep -q "serving UDP port" "$TMP/log" && return; sleep 0.1; done
	fail "the server did not start on $dev: $(cat "$TMP/log")"
}
unserve() {
	kill -INT "$SRV"
	wait "$SRV" || fail "the server on $1 did not stop cleanly: $(cat "$TMP/log")"
	SRV=
	grep -q "requests" "$TMP/out" || fail "no summary from the server on $1"
}

for mtu in 1500 4000 9000; do
	ip -n "$S" link set olab-$N-b mtu $mtu || fail "cannot set MTU $mtu"
	serve "$S" olab-$N-b
	check "$C" 198.18.3.2:11211 1 "at MTU $mtu"
	unserve "MTU $mtu"
	san_clean "at MTU $mtu"
done

# lo: the reply goes out through the server's UDP socket, delivered whole
serve "$L" lo
check "$L" 127.0.0.1:11211 1 "on lo"
unserve lo
san_clean "on lo"

# behind the kvcache at MTU 9000: replies through the packet socket's frame buffer (no
# program on the client's veth, which the cache's XDP_TX hits would need: with one, the peer
# could not have MTU 9000; the requests here are no hits)
ip -n "$S" link set olab-$N-b mtu 9000
rm -f "$TMP/out" "$TMP/log"
ip netns exec "$S" unshare -m bash -s >"$TMP/kv" 2>&1 <<SH &
set -e
mount -t bpf bpf /sys/fs/bpf
"$SAN" kvcache attach --dev olab-$N-b
"$SAN" afxdp-kv serve --dev olab-$N-b --behind-kvcache --duration 120 >"$TMP/out" 2>"$TMP/log" &
SP=\$!
trap 'kill -INT \$SP; wait \$SP; "$SAN" kvcache detach --dev olab-$N-b' EXIT
while [ -d "$TMP" ] && [ ! -e "$TMP/done" ]; do sleep 0.1; done
SH
KV=$!
for _ in $(seq 100); do grep -q "serving UDP port" "$TMP/log" 2>/dev/null && break; sleep 0.1; done
check "$C" 198.18.3.2:11211 1 "behind the kvcache at MTU 9000: $(cat "$TMP/kv" "$TMP/log")"
touch "$TMP/done"
wait $KV || { cat "$TMP/kv" "$TMP/log" >&2; fail "behind the kvcache"; }
KV=
grep -q "requests" "$TMP/out" || fail "no summary from the server behind the kvcache"
san_clean "behind the kvcache at MTU 9000"

ip netns del "$C" && ip netns del "$S" && ip netns del "$L" || fail "cannot remove the namespaces"
assert_clean
exit 0
