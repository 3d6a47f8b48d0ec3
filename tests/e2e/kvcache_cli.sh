#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'offloadlab kvcache attach|stats|detach' in front of a real memcached, with a real client:
# memcaslap (libmemcached-tools) over UDP with every value verified. Two namespaces of our
# own; the BPF filesystem is mounted in a private mount namespace, so nothing stays pinned.
. "$(dirname "$0")/lib.sh"
need_root
command -v memcached >/dev/null || skip "memcached is not installed (scripts/install-deps.sh)"
command -v memcaslap >/dev/null || skip "memcaslap is not installed (libmemcached-tools)"

N=$$
C=olab-$N-c
S=olab-$N-s
C2=olab-$N-c2
MC=
cleanup() {
	[ -n "$MC" ] && kill "$MC" 2>/dev/null && wait "$MC" 2>/dev/null
	[ -s "$TMP/mc2.pid" ] && kill "$(cat "$TMP/mc2.pid")" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	ip netns del "$C2" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
veth_pair "$C" olab-$N-a 198.18.1.1 "$S" olab-$N-b 198.18.1.2
# a second client network, reaching memcached's address through the server's second interface
veth_pair "$C2" olab-$N-e 198.18.2.1 "$S" olab-$N-f 198.18.2.2
ip -n "$C2" route add 198.18.1.0/24 via 198.18.2.2
# frames sent back with XDP_TX reach a veth only if it runs XDP itself
ip -n "$C" link set dev olab-$N-a xdpdrv obj "$TOP/build/bpf/lib/xdp_pass.bpf.o" sec xdp ||
	fail "cannot load the pass program on the client's veth"
ip netns exec "$S" memcached -u root -l 198.18.1.2 -p 11211 -U 11211 -t 1 -m 64 &
MC=$!
# memcached answers (a fixed sleep could end before it listens on a busy machine)
for i in $(seq 1 100); do
	ip netns exec "$C" "$TOP/tests/e2e/mcclient.py" tcp 198.18.1.2:11211 'version\r\n' \
		>/dev/null 2>&1 && break
	sleep 0.05
done

ip netns exec "$S" unshare -m bash -s >"$TMP/out" 2>&1 <<SH || { cat "$TMP/out" >&2; fail "the attached run failed"; }
set -e
"$OLAB" kvcache attach --dev olab-$N-b --capacity 100000
"$OLAB" kvcache attach --dev olab-$N-b && exit 1 # twice: refused
ip netns exec "$C" timeout 20 memcaslap -s 198.18.1.2:11211 -U -t 3s -T 1 -c 8 -v 1 -X 64
"$OLAB" kvcache stats --dev olab-$N-b
ip link show olab-$N-b | grep -q xdp
bpftool prog show name olab_kvc_tc | grep -q olab_kvc_tc   # on tcx links: 'tc' does not list them
tc qdisc show dev olab-$N-b | grep -q clsact && exit 1             # no qdisc added
# a write that reaches memcached over loopback (a client on the server's own host) is seen
MCC="$TOP/tests/e2e/mcclient.py"
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set lbk 0 0 3\r\nold\r\n' | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get lbk\r\n' | grep -q old   # fills
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get lbk\r\n' | grep -q old   # a hit
ip link show lo | grep -q xdp
"\$MCC" tcp 198.18.1.2:11211 'set lbk 0 0 3\r\nnew\r\n' | grep -q STORED  # via lo
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get lbk\r\n' | grep -q new
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get lbk\r\n' | grep -q new   # a hit
# a write arriving on the server's second interface is seen too
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set sik 0 0 3\r\nold\r\n' | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get sik\r\n' | grep -q old
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get sik\r\n' | grep -q old
ip netns exec $C2 "\$MCC" tcp 198.18.1.2:11211 'set sik 0 0 3\r\nnew\r\n' | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get sik\r\n' | grep -q new
# a request claiming two datagrams: memcached refuses it and changes nothing; nor does the cache
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get sik\r\n' | grep -q new
ip netns exec $C "\$MCC" udp2 198.18.1.2:11211 'delete sik\r\n' >/dev/null
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get sik\r\n' | grep -q new
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'get sik\r\n' | grep -q new
# a large set over UDP arrives as IP fragments: the old small value must not be served after
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set frk 0 0 3\r\nold\r\n' | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get frk\r\n' | grep -q old
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get frk\r\n' | grep -q old
big=\$(head -c 2000 /dev/zero | tr '\\0' x)
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 "set frk 0 0 2000\\r\\n\$big\\r\\n" | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get frk\r\n' | grep -q 'VALUE frk 0 2000'
# a zero byte ends memcached's command line: "delete k0\0zz" deletes k0
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set k0 0 0 3\r\nold\r\n' | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get k0\r\n' | grep -q old
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get k0\r\n' | grep -q old
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'delete k0\x00zz\r\n' | grep -q DELETED
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get k0\r\n' | grep -qx 'END.'
# an expiry the cache cannot read (a meta set's TTL, over TCP) after one it could: once
# memcached expires the item, the cache must not still serve it
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set ttk 0 0 3\r\nold\r\n' | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get ttk\r\n' | grep -q old
# (3 s: memcached's clock ticks once a second, so an item may expire up to a second early)
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'ms ttk 3 T3\r\nnew\r\n' | grep -q HD
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get ttk\r\n' | grep -q new
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get ttk\r\n' | grep -q new
sleep 4
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get ttk\r\n' | grep -qx 'END.'
# memcached restarts (empty): the cache must not answer while it is down, nor after, with
# what the old one held
kill $MC
for i in \$(seq 1 100); do kill -0 $MC 2>/dev/null || break; sleep 0.05; done
"$OLAB" kvcache stats --dev olab-$N-b | grep -qE '^memcached went away \(flush\) +[1-9]'
ip netns exec $C timeout 10 "\$MCC" udp 198.18.1.2:11211 'get lbk\r\n' 2>/dev/null && exit 1
memcached -u root -l 198.18.1.2 -p 11211 -U 11211 -t 1 -m 64 &
echo \$! > "$TMP/mc2.pid"
for i in \$(seq 1 100); do "\$MCC" tcp 198.18.1.2:11211 'version\r\n' >/dev/null 2>&1 && break; sleep 0.05; done
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get lbk\r\n' >"$TMP/after" # memcached's: a miss
grep -q '^END' "$TMP/after"
grep -q VALUE "$TMP/after" && exit 1
"$OLAB" kvcache detach --dev olab-$N-b

# more TCP connections than the cache can follow: each segment of one it cannot follow
# flushes and holds fills a while, and a write on it is never hidden by an old value
"$OLAB" kvcache attach --dev olab-$N-b --connections 4 >/dev/null
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set tfk 0 0 3\r\nold\r\n' | grep -q STORED
mkfifo "$TMP/hold"
ip netns exec $C "\$MCC" hold 198.18.1.2:11211 6 <"$TMP/hold" >"$TMP/held" &
holder=\$!
exec 7>"$TMP/hold"
for i in \$(seq 1 100); do grep -q open "$TMP/held" && break; sleep 0.05; done
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set tfk 0 0 3\r\nnew\r\n' | grep -q STORED
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get tfk\r\n' | grep -q new
ip netns exec $C "\$MCC" udp 198.18.1.2:11211 'get tfk\r\n' | grep -q new
"$OLAB" kvcache stats --dev olab-$N-b | grep -qE '^tcp not followed \(flush, hold\) +[1-9]'
exec 7>&-
wait \$holder
"$OLAB" kvcache detach --dev olab-$N-b
ip link show olab-$N-b | grep -q 'prog/xdp' && exit 1
ip link show lo | grep -q 'prog/xdp' && exit 1
for i in \$(seq 1 50); do bpftool prog show name olab_kvc_tc | grep -q olab_kvc_tc || break; sleep 0.1; done
bpftool prog show name olab_kvc_tc | grep -q olab_kvc_tc && exit 1   # no TC program left anywhere
tc qdisc show dev olab-$N-b | grep -q clsact && exit 1
"$OLAB" kvcache stats --dev olab-$N-b && exit 1 # detached: nothing to read

# pins are keyed by namespace and ifindex: a same-named device elsewhere is another device
"$OLAB" kvcache attach --dev olab-$N-b --allow 198.18.1.0/24 --rate 100000
"$OLAB" kvcache stats --dev olab-$N-b --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert "hit" in d["counters"], d'
nsenter --net=/run/netns/$C ip link add olab-$N-b type veth peer name olab-$N-x
nsenter --net=/run/netns/$C "$OLAB" kvcache detach --dev olab-$N-b && exit 1
ip link show olab-$N-b | grep -q xdp                 # still attached here
"$OLAB" kvcache detach --dev olab-$N-b
ip link show olab-$N-b | grep -q 'prog/xdp' && exit 1
echo done
echo done
SH
cat "$TMP/out" >&2
grep -q '^done$' "$TMP/out" || fail "the script did not finish"
grep -qE '^verify_failed: 0$' "$TMP/out" || fail "memcaslap found wrong values"
grep -qE '^verify_misses: 0$' "$TMP/out" || fail "memcaslap found missing values"
grep -qE '^udp_timeout: 0$' "$TMP/out" || fail "memcaslap timed out"
hits=$(awk '/^hit +[0-9]+$/{print $2}' "$TMP/out")
[ "${hits:-0}" -gt 1000 ] || fail "the cache answered only ${hits:-0} requests"
ops=$(grep -oE 'Ops: [0-9]+' "$TMP/out" | grep -oE '[0-9]+')
[ "${ops:-0}" -gt 10000 ] || fail "memcaslap did only ${ops:-0} operations"
# bad use
"$OLAB" kvcache attach 2>/dev/null
[ $? -eq 64 ] || fail "attach without --dev is not a usage error"
"$OLAB" kvcache attach --dev '' 2>/dev/null
[ $? -eq 64 ] || fail "attach --dev '' is not a usage error"
"$OLAB" kvcache attach --dev x --allow 300.1.1.1 2>/dev/null
[ $? -eq 64 ] || fail "a bad --allow is not a usage error"
"$OLAB" kvcache attach --dev x --rate 0 2>/dev/null
[ $? -eq 64 ] || fail "--rate 0 is not a usage error"
"$OLAB" kvcache frob --dev x 2>/dev/null
[ $? -eq 64 ] || fail "an unknown subcommand is not a usage error"
"$OLAB" kvcache attach --dev olab-none --capacity 3 2>/dev/null
[ $? -eq 64 ] || fail "a capacity of 3 is not a usage error"
bpffs_before=$(mount | grep -c ' type bpf ')
"$OLAB" kvcache attach --dev olab-none 2>"$TMP/err"
[ $? -eq 1 ] || fail "attaching to a missing device did not fail"
grep -q 'olab-none' "$TMP/err" || fail "unclear error for a missing device"
[ "$(mount | grep -c ' type bpf ')" = "$bpffs_before" ] || fail "a failed attach mounted bpffs"
exit 0
