#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'offloadlab afxdp-kv serve' answers over AF_XDP only what the kernel would deliver to its
# socket, from where the kernel would reply (the kvcache's admission rules, shared: issue 23,
# "Answer only what the kernel would deliver"), with --allow and --rate; the rest takes the
# kernel's path to its UDP socket. Hand-made frames (rawframe.py) from the client's namespace;
# every check waits on the XDP program's counters, not on time.
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
veth_pair "$C" olab-$N-a 198.18.4.1 "$S" olab-$N-b 198.18.4.2
SMAC=$(ip -n "$S" -o link show olab-$N-b | grep -oE 'link/ether [0-9a-f:]+' | cut -d' ' -f2)
MCC="$TOP/tests/e2e/mcclient.py"

# the XDP program's counter: 0 redirected, 1 passed, 2 + enum olab_adm_verdict
AKV_REDIRECTED=0 BAD_SRC=6 NO_ROUTE=7 BAD_CSUM=8 REFUSED=9 RATE=10
cnt() {
	# the counters map of the program on our device (never another server's of that name)
	ip netns exec "$S" python3 -c '
import json, subprocess, sys
def j(*a):
    return json.loads(subprocess.run(["bpftool", "-j"] + list(a), check=True,
                                      capture_output=True, text=True).stdout)
xdp = [p for p in j("net", "show", "dev", sys.argv[2])[0]["xdp"]]
for m in j("prog", "show", "id", str(xdp[0]["id"]))["map_ids"]:
    if j("map", "show", "id", str(m))["name"] == "akv_counters":
        k = int(sys.argv[1])
        print(sum(v["value"] for e in j("map", "dump", "id", str(m))
                  if e["formatted"]["key"] == k for v in e["formatted"]["values"]))
        break
' "$1" olab-$N-b
}
wait_cnt() {
	local i
	for i in $(seq 1 200); do [ "$(cnt "$1")" -ge "$2" ] && return 0; sleep 0.05; done
	fail "counter $1 stayed below $2 ($3)"
}
raw() { ip netns exec "$C" "$TOP/tests/e2e/rawframe.py" olab-$N-a --dst-mac "$SMAC" "$@"; }
serve() {
	ip netns exec "$S" "$OLAB" afxdp-kv serve --dev olab-$N-b --duration 60 "$@" \
		>"$TMP/out" 2>"$TMP/log" &
	SRV=$!
	for _ in $(seq 100); do grep -q "serving UDP port" "$TMP/log" && break; sleep 0.1; done
	grep -q "serving UDP port" "$TMP/log" || fail "the server did not start: $(cat "$TMP/log")"
}
stop() {
	kill -INT "$SRV"
	wait "$SRV" || fail "the server did not stop cleanly"
	SRV=
}

"$OLAB" afxdp-kv serve --dev x --allow 300.1.1.1 2>/dev/null
[ $? -eq 64 ] || fail "a bad --allow is not a usage error"
"$OLAB" afxdp-kv serve --dev x --rate 0 2>/dev/null
[ $? -eq 64 ] || fail "--rate 0 is not a usage error"
"$OLAB" afxdp-kv serve --dev x --behind-kvcache --allow 10.0.0.0/8 2>"$TMP/err"
[ $? -eq 64 ] && grep -q "kvcache attach" "$TMP/err" || fail "--allow behind the kvcache accepted"

serve --route-ttl 600000
# the first request takes the kernel's path (no reply route known yet) and is answered there
ip netns exec "$C" "$MCC" udp 198.18.4.2:11211 'set a 0 0 1\r\nx\r\n' | grep -q STORED ||
	fail "the first request was not answered"
wait_cnt $NO_ROUTE 1 "first request"
# its reply taught the route: the next goes over AF_XDP
r0=$(cnt $AKV_REDIRECTED)
ip netns exec "$C" "$MCC" udp 198.18.4.2:11211 'get a\r\n' | grep -q '^VALUE a 0 1' ||
	fail "the second request was not answered"
[ "$(cnt $AKV_REDIRECTED)" -gt "$r0" ] || fail "the second request did not go over AF_XDP"
r0=$(cnt $AKV_REDIRECTED)
# a spoofer on the link: the client's address from another MAC
raw --src-mac 02:00:00:00:00:66 --src-ip 198.18.4.1 --dst-ip 198.18.4.2 'get a\r\n'
wait_cnt $NO_ROUTE 2 "spoofed source"
# the server's own address as the source; a destination not the kernel's answer (.200)
raw --src-ip 198.18.4.2 --dst-ip 198.18.4.2 'get a\r\n'
wait_cnt $BAD_SRC 1 "own address"
raw --src-ip 198.18.4.1 --dst-ip 198.18.4.200 'get a\r\n'
wait_cnt $NO_ROUTE 3 "destination .200"
raw --src-ip 198.18.4.1 --dst-ip 198.18.4.2 --csum bad 'get a\r\n'
wait_cnt $BAD_CSUM 1 "bad UDP checksum"
[ "$(cnt $AKV_REDIRECTED)" = "$r0" ] || fail "a hostile frame went over AF_XDP"
# the same frame, honest: over AF_XDP
raw --src-ip 198.18.4.1 --dst-ip 198.18.4.2 'get a\r\n'
wait_cnt $AKV_REDIRECTED $((r0 + 1)) "an honest hand-made frame"
stop

# --allow: others take the kernel's path, and are answered there
serve --route-ttl 600000 --allow 10.0.0.0/8
for i in 1 2; do
	ip netns exec "$C" "$MCC" udp 198.18.4.2:11211 'get a\r\n' | grep -q '^END' ||
		fail "a source outside --allow was not answered by the kernel's path"
done
wait_cnt $REFUSED 1 "--allow"
[ "$(cnt $AKV_REDIRECTED)" = 0 ] || fail "a source outside --allow went over AF_XDP"
stop

# --rate 1: one answer a second over AF_XDP, one at once; beyond it the kernel's path: 20
# requests at once from one socket, every one answered
serve --route-ttl 600000 --rate 1
ip netns exec "$C" "$MCC" udp 198.18.4.2:11211 'get a\r\n' | grep -q '^END' ||
	fail "the first request under --rate was not answered"
ip netns exec "$C" python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for i in range(20):
    s.sendto(struct.pack("!HHHH", i, 0, 1, 0) + b"get a\r\n", ("198.18.4.2", 11211))
got = {struct.unpack("!H", s.recv(65536)[:2])[0] for _ in range(20)}
assert len(got) == 20, got' || fail "a request under --rate was not answered"
wait_cnt $RATE 1 "--rate"
[ "$(cnt $AKV_REDIRECTED)" -ge 1 ] || fail "nothing went over AF_XDP under --rate"
stop
ip netns del "$C"
ip netns del "$S"
assert_clean "$N"
exit 0
