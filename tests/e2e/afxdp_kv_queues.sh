#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'offloadlab afxdp-kv serve' on a device with two receive queues (a veth pair of two queues a
# side): by default one worker per queue, and requests from many flows (spread over both
# queues) all answered through AF_XDP on both; with --threads 1 it says at start that the other
# queue's requests come through the kernel's UDP socket, and they are answered there; more
# queues than the device has are refused with what it has, not with a bare EINVAL.
. "$(dirname "$0")/lib.sh"
need_root

N=$$
C=olab-$N-c
S=olab-$N-s
SRV=
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
for ns in "$C" "$S"; do ip netns add "$ns" && ip -n "$ns" link set lo up || fail "no $ns"; done
ip link add olab-$N-a netns "$C" numtxqueues 2 numrxqueues 2 type veth peer name olab-$N-b \
	netns "$S" numtxqueues 2 numrxqueues 2 || fail "no two-queue veth"
ip -n "$C" addr add 198.18.5.1/24 dev olab-$N-a && ip -n "$S" addr add 198.18.5.2/24 dev olab-$N-b
ip -n "$C" link set olab-$N-a up && ip -n "$S" link set olab-$N-b up || fail "veth down"

# refused: more queues than the device has, and a first queue it does not have
ip netns exec "$S" "$OLAB" afxdp-kv serve --dev olab-$N-b --threads 3 2>"$TMP/err" &&
	fail "--threads 3 on a device of 2 queues was accepted"
grep -q "has 2 receive queues" "$TMP/err" || fail "unclear refusal: $(cat "$TMP/err")"
grep -q "at most --threads 2" "$TMP/err" || fail "the refusal does not say what works: $(cat "$TMP/err")"
ip netns exec "$S" "$OLAB" afxdp-kv serve --dev olab-$N-b --queue 2 2>"$TMP/err" &&
	fail "--queue 2 on a device of 2 queues was accepted"
grep -q "has 2 receive queues" "$TMP/err" || fail "unclear refusal: $(cat "$TMP/err")"

# requests from 64 flows: every one answered with its own value
clients() {
	ip netns exec "$C" python3 - <<'PY' || fail "$1"
import socket, mcudp
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(64)]
for i, s in enumerate(socks):
    r = mcudp.text(mcudp.call(s, ("198.18.5.2", 11211), i + 1, b"set q%d 0 0 2\r\nv%d\r\n" % (i, i % 10), quiet=0.01))
    assert r == b"STORED\r\n", (i, r)
for i, s in enumerate(socks):
    r = mcudp.text(mcudp.call(s, ("198.18.5.2", 11211), i + 100, b"get q%d\r\n" % i, quiet=0.01))
    assert r == b"VALUE q%d 0 2\r\nv%d\r\nEND\r\n" % (i, i % 10), (i, r)
PY
}

# serve [OPTS]: until unserve; its start message in $TMP/log, its summary in $TMP/out
serve() {
	rm -f "$TMP/log" "$TMP/out"
	ip netns exec "$S" "$OLAB" afxdp-kv serve --dev olab-$N-b "$@" --duration 120 \
		>"$TMP/out" 2>"$TMP/log" &
	SRV=$!
	for _ in $(seq 100); do grep -q "serving UDP port" "$TMP/log" && return; sleep 0.1; done
	fail "the server did not start: $(cat "$TMP/log")"
}
unserve() {
	kill -INT "$SRV"
	wait "$SRV" || fail "the server did not stop cleanly"
	SRV=
}
# count WHAT: a number from the summary's 'requests by way in' line
count() { sed -n "s/.*$1 \([0-9]*\).*/\1/p" "$TMP/out"; }

serve
grep -q "queues 0 to 1 of its 2" "$TMP/log" || fail "not every queue served: $(cat "$TMP/log")"
clients "a request over two queues went unanswered"
unserve
[ "$(count "queue 0")" -gt 0 ] && [ "$(count "queue 1")" -gt 0 ] ||
	fail "both queues did not serve: $(cat "$TMP/out")"

serve --threads 1
grep -q "queues 0 to 0 of its 2" "$TMP/log" || fail "the queues served are not said: $(cat "$TMP/log")"
grep -q "other queues.*kernel's UDP socket" "$TMP/log" ||
	fail "the unserved queue is not said: $(cat "$TMP/log")"
clients "a request to the unserved queue went unanswered"
unserve
[ "$(count "queue 0")" -gt 0 ] && [ "$(count "the UDP socket")" -gt 0 ] ||
	fail "queue 1's requests did not come through the socket: $(cat "$TMP/out")"

ip netns del "$C" && ip netns del "$S" || fail "cannot remove the namespaces"
assert_clean
exit 0
