#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'offloadlab afxdp-kv serve' on a veth in a namespace of our own: every reply datagram byte
# for byte as memcached 1.6.18's own, memcached beside it on another port (akv_diff.py: the
# fixed case of every protocol rule, random sequences from fixed seeds and one new seed,
# printed so that a failure replays), frames that are not its own go on to the kernel (TCP, a
# datagram to another port), bad input is refused with a clear message, and nothing is left
# behind. AKV_DIFF_ARGS: akv_diff.py's options (default: seeds 1-3 of 300 steps, one random).
. "$(dirname "$0")/lib.sh"
need_root
command -v memcached >/dev/null || skip "memcached is not installed (scripts/install-deps.sh)"

N=$$
C=olab-$N-c
S=olab-$N-s
SRV=
MC=
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	[ -n "$MC" ] && kill "$MC" 2>/dev/null && wait "$MC" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
veth_pair "$C" olab-$N-a 198.18.3.1 "$S" olab-$N-b 198.18.3.2

# bad input first: clear messages, usage errors
"$OLAB" afxdp-kv serve 2>"$TMP/err"; [ $? -eq 64 ] || fail "no --dev is not a usage error"
grep -q -- "--dev" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
"$OLAB" afxdp-kv serve --dev x --port 0 2>/dev/null; [ $? -eq 64 ] || fail "--port 0 accepted"
"$OLAB" afxdp-kv serve --dev x --threads 65 2>/dev/null; [ $? -eq 64 ] || fail "--threads 65"
"$OLAB" afxdp-kv serve --dev x --memory 1e3 2>/dev/null; [ $? -eq 64 ] || fail "--memory 1e3"
ip netns exec "$S" "$OLAB" afxdp-kv serve --dev olab-nosuch 2>"$TMP/err" &&
	fail "a missing device was accepted"
grep -q "olab-nosuch" "$TMP/err" || fail "unclear error for a missing device: $(cat "$TMP/err")"

ip netns exec "$S" "$OLAB" afxdp-kv serve --dev olab-$N-b --memory 1024 --duration 600 \
	>"$TMP/out" 2>"$TMP/log" &
SRV=$!
# memcached as the server emulates it: one thread (one UDP connection), dumps, watchers and
# slab page moves off (they cannot work over UDP, or have no slabs behind them here)
ip netns exec "$S" memcached -u root -l 198.18.3.2 -p 11311 -U 11311 -t 1 -m 1024 -X -W \
	-o no_slab_reassign >"$TMP/mc.log" 2>&1 &
MC=$!
for _ in $(seq 50); do grep -q "serving UDP port 11211" "$TMP/log" && break; sleep 0.1; done
grep -q "copy mode" "$TMP/log" || fail "the mode is not said at start: $(cat "$TMP/log")"

# a datagram to another port reaches the kernel (memcached's own UDP port)
ip netns exec "$C" "$TOP/tests/e2e/mcclient.py" udp 198.18.3.2:11311 'version\r\n' |
	grep -q '^VERSION' || fail "another UDP port did not reach the kernel"
# shellcheck disable=SC2086
ip netns exec "$C" "$TOP/tests/e2e/akv_diff.py" 198.18.3.2:11211 198.18.3.2:11311 \
	${AKV_DIFF_ARGS:---seeds 1,2,3 --random 1 --steps 300} || fail "a reply differs from memcached's"
# not its own: TCP and a datagram to another port reach the kernel (memcached there)
ip netns exec "$C" "$TOP/tests/e2e/mcclient.py" tcp 198.18.3.2:11311 'version\r\n' |
	grep -q '^VERSION' || fail "TCP did not reach the kernel"
kill -INT "$SRV"
wait "$SRV" || fail "the server did not stop cleanly on SIGINT"
SRV=
grep -q "requests" "$TMP/out" || fail "no summary at exit"
ip -n "$S" link show olab-$N-b | grep -q xdp && fail "the XDP program stayed attached"

# behind the kvcache ('kvcache attach', then 'afxdp-kv serve --behind-kvcache'): a GET fills,
# the next is a hit, a write goes through; in a private mount namespace, so nothing stays pinned
ip -n "$C" link set dev olab-$N-a xdpdrv obj "$TOP/build/bpf/lib/xdp_pass.bpf.o" sec xdp ||
	fail "cannot load the pass program on the client's veth"
ip netns exec "$S" unshare -m bash -s >"$TMP/kv" 2>&1 <<SH || { cat "$TMP/kv" >&2; fail "behind the kvcache"; }
set -e
mount -t bpf bpf /sys/fs/bpf
"$OLAB" afxdp-kv serve --dev olab-$N-b --behind-kvcache 2>/dev/null && exit 3 # no cache yet
"$OLAB" kvcache attach --dev olab-$N-b --route-ttl 600000 # hits: the reply route trusted a while
"$OLAB" afxdp-kv serve --dev olab-$N-b --behind-kvcache --duration 30 > "$TMP/out2" 2>&1 &
SP=\$!
# serving (a fixed sleep could end before it is, on a busy machine or under the sanitizers)
for _ in \$(seq 200); do grep -q "serving UDP port 11211" "$TMP/out2" && break; sleep 0.05; done
grep -q "serving UDP port 11211" "$TMP/out2"
MCC="$TOP/tests/e2e/mcclient.py"
ip netns exec $C "\$MCC" udp 198.18.3.2:11211 'set h 0 0 2\r\nhi\r\n' | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.3.2:11211 'get h\r\n' | grep -q hi   # fills
ip netns exec $C "\$MCC" udp 198.18.3.2:11211 'get h\r\n' | grep -q hi   # a hit
ip netns exec $C "\$MCC" udp 198.18.3.2:11211 'set h 0 0 3\r\nnew\r\n' | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.3.2:11211 'get h\r\n' | grep -q new  # never stale
"$OLAB" kvcache stats --dev olab-$N-b --json > "$TMP/st.json"
kill -INT \$SP
wait \$SP
"$OLAB" kvcache detach --dev olab-$N-b
SH
python3 -c "import json,sys; d=json.load(open('$TMP/st.json')); c=d.get('counters', d); \
assert c['hit'] >= 1 and c['fill'] >= 1, c" || fail "the cache was not in the path: $(cat "$TMP/st.json")"
grep -q "requests" "$TMP/out2" || fail "no summary from the server behind the cache"
kill "$MC" && wait "$MC" 2>/dev/null
MC=
ip netns del "$C" && ip netns del "$S" || fail "cannot remove the namespaces"
assert_clean
exit 0
