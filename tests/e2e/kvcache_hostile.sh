#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kvcache in front of a real memcached against hostile frames and careless operators
# (issue 22, items 6 to 11): frames the kernel would not deliver or a spoofer on the link
# sends get no answer from the cache; one datagram does not stop its fills for good;
# attach and detach under traffic lose no request; a device removed while attached, 'ip netns
# exec' and a capacity too large for the host are handled. Frames are made by hand
# (rawframe.py, AF_PACKET) in the client's namespace; every check waits on a counter, not on
# time.
. "$(dirname "$0")/lib.sh"
need_root
command -v memcached >/dev/null || skip "memcached is not installed (scripts/install-deps.sh)"

N=$$
C=olab-$N-c
S=olab-$N-s
MC=
cleanup() {
	[ -n "$MC" ] && kill "$MC" 2>/dev/null && wait "$MC" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
veth_pair "$C" olab-$N-a 198.18.1.1 "$S" olab-$N-b 198.18.1.2
# frames sent back with XDP_TX reach a veth only if it runs XDP itself
ip -n "$C" link set dev olab-$N-a xdpdrv obj "$TOP/build/bpf/lib/xdp_pass.bpf.o" sec xdp ||
	fail "cannot load the pass program on the client's veth"
# a fragment waits a second for the rest of its datagram here (attach reads it)
ip netns exec "$S" sysctl -qw net.ipv4.ipfrag_time=1 net.ipv6.ip6frag_time=1 ||
	fail "cannot set the reassembly timeout in $S"
ip netns exec "$S" memcached -u root -l 198.18.1.2 -p 11211 -U 11211 -t 1 -m 64 &
MC=$!
SMAC=$(ip -n "$S" -o link show olab-$N-b | grep -oE 'link/ether [0-9a-f:]+' | cut -d' ' -f2)
[ -n "$SMAC" ] || fail "no MAC on olab-$N-b"
for i in $(seq 1 100); do
	ip netns exec "$C" "$TOP/tests/e2e/mcclient.py" tcp 198.18.1.2:11211 'version\r\n' \
		>/dev/null 2>&1 && break
	sleep 0.05
done

ip netns exec "$S" unshare -m bash -s >"$TMP/out" 2>&1 <<SH || { cat "$TMP/out" >&2; fail "the attached run failed"; }
set -ex
MCC="$TOP/tests/e2e/mcclient.py"
DEV=olab-$N-b
raw() { ip netns exec $C "$TOP/tests/e2e/rawframe.py" olab-$N-a --dst-mac $SMAC "\$@"; }
cnt() {
	"$OLAB" kvcache stats --dev \$DEV --json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "\$1"
}
# until counter \$1 reaches \$2: the frame has been through XDP (10 s at most, on failure only)
wait_cnt() {
	for i in \$(seq 1 200); do [ "\$(cnt "\$1")" -ge "\$2" ] && return 0; sleep 0.05; done
	echo "counter '\$1' stayed below \$2" >&2
	return 1
}
get() { ip netns exec $C "\$MCC" udp 198.18.1.2:11211 "get \$1\\r\\n"; }
trap '"$OLAB" kvcache stats --dev \$DEV >&2 || true' ERR

# ---- items 7 and 8: only what the kernel would deliver, only where it would reply ----
"$OLAB" kvcache attach --dev \$DEV --route-ttl 600000
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set k 0 0 3\r\nabc\r\n' | grep -q STORED
get k | grep -q abc   # memcached's reply: it fills, and shows where the kernel replies
get k | grep -q abc
[ "\$(cnt hit)" -ge 1 ]
h0=\$(cnt hit)
# a host on the link that spoofs the client's address (it would have the value itself)
raw --src-mac 02:00:00:00:00:66 --src-ip 198.18.1.1 --dst-ip 198.18.1.2 'get k\r\n'
wait_cnt "not where the kernel replies" 1
# the server's own address, 0.0.0.0 as the source (the subnet's broadcast: at the end)
raw --src-ip 198.18.1.2 --dst-ip 198.18.1.2 'get k\r\n'
wait_cnt "source the kernel drops" 1
raw --src-ip 0.0.0.0 --dst-ip 198.18.1.2 'get k\r\n'
wait_cnt "source the kernel drops" 2
# to 127.0.0.1 (the reply would have left with it as its source), to the broadcast
raw --src-ip 198.18.1.1 --dst-ip 127.0.0.1 'get k\r\n'
wait_cnt "not where the kernel replies" 2
raw --src-ip 198.18.1.1 --dst-ip 198.18.1.255 'get k\r\n'
wait_cnt "not where the kernel replies" 3
# IPv4 headers of version 6 and 0, a UDP checksum the kernel refuses
raw --version 6 --src-ip 198.18.1.1 --dst-ip 198.18.1.2 'get k\r\n'
wait_cnt "bad ip version, length or sum" 1
raw --version 0 --src-ip 198.18.1.1 --dst-ip 198.18.1.2 'get k\r\n'
wait_cnt "bad ip version, length or sum" 2
raw --csum bad --src-ip 198.18.1.1 --dst-ip 198.18.1.2 'get k\r\n'
wait_cnt "bad udp checksum" 1
[ "\$(cnt hit)" = "\$h0" ]  # none of them answered by the cache
# the same frame, sent honestly: answered (the checks refuse the lies, not hand-made frames)
raw --src-ip 198.18.1.1 --dst-ip 198.18.1.2 'get k\r\n'
wait_cnt hit \$((h0 + 1))

# ---- item 6: one datagram does not stop the fills for good ----
# its UDP length 2 bytes short of the IP payload: memcached reads 'get kk' without its end
raw --udp-short 2 --src-ip 198.18.1.1 --dst-ip 198.18.1.2 'get kk\r\n'
wait_cnt "datagram nobody runs (ignored)" 1
h0=\$(cnt hit)
get k | grep -q abc      # nothing flushed
[ "\$(cnt hit)" = \$((h0 + 1)) ]
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set k2 0 0 3\r\nxyz\r\n' | grep -q STORED
get k2 | grep -q xyz
get k2 | grep -q xyz
[ "\$(cnt hit)" = \$((h0 + 2)) ]   # k2 filled: nothing held
# a lone first fragment (MF set, the rest never comes): held while it could be reassembled,
# shown by stats while it lasts, then fills resume, k too (written before it)
for try in 1 2 3; do
	raw --first-fragment --src-ip 198.18.1.1 --dst-ip 198.18.1.2 'set k 0 0 3\r\nnew\r\n'
	wait_cnt "fragment or ext header (flush)" \$try
	"$OLAB" kvcache stats --dev \$DEV >"$TMP/held"
	grep -q '^fills held: no' "$TMP/held" || break
	[ \$try -lt 3 ]     # shown, or (a machine too slow to look within 4 s) tried again
done
grep -q '^fills held: .*read whole by nobody' "$TMP/held"
for i in \$(seq 1 300); do
	h0=\$(cnt hit)
	get k | grep -q abc
	get k | grep -q abc
	[ "\$(cnt hit)" -gt "\$h0" ] && break
	sleep 0.1
done
[ "\$(cnt hit)" -gt "\$h0" ]  # fills resumed within the bound (4 s here)
"$OLAB" kvcache stats --dev \$DEV | grep -q '^fills held: no'
"$OLAB" kvcache detach --dev \$DEV

# ---- item 9: attach and detach under traffic lose no request ----
rm -f "$TMP/stop"
ip netns exec $C "$TOP/tests/e2e/udpload.py" 198.18.1.2:11211 k 8 "$TMP/stop" >"$TMP/load" &
load=\$!
hits=0
for cycle in 1 2 3 4 5; do
	"$OLAB" kvcache attach --dev \$DEV --route-ttl 600000 >/dev/null
	# a new cache learns k's expiry from its next write
	ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set k 0 0 3\r\nabc\r\n' | grep -q STORED
	for i in \$(seq 1 100); do [ "\$(cnt hit)" -ge 10 ] && break; sleep 0.05; done
	hits=\$((hits + \$(cnt hit)))
	"$OLAB" kvcache detach --dev \$DEV >/dev/null
	sleep 0.2
done
touch "$TMP/stop"
wait \$load
cat "$TMP/load"
read -r _ sent _ answered <"$TMP/load"
[ "\$sent" -gt 1000 ]
[ "\$answered" = "\$sent" ]   # all answered, by the cache or by memcached
[ "\$hits" -gt 0 ]

# ---- item 10: a device removed while the cache is attached to it ----
ip link add olab-$N-x type veth peer name olab-$N-y
ip link set olab-$N-x up
ip link set olab-$N-y up
"$OLAB" kvcache attach --dev olab-$N-x >/dev/null
ip link del olab-$N-x
"$OLAB" kvcache stats --dev olab-$N-x | grep -q 'olab-$N-x is gone'
"$OLAB" kvcache stats --dev olab-$N-x --json | python3 -c 'import json,sys; assert json.load(sys.stdin)["device_gone"]'
ip link show \$DEV | grep -q prog/xdp          # its programs still on the other interfaces
"$OLAB" kvcache attach --dev \$DEV 2>"$TMP/err" && exit 1
grep -q 'olab-$N-x (gone)' "$TMP/err"
"$OLAB" kvcache detach --dev olab-$N-x | grep -q 'the device was gone'
ip link show \$DEV | grep -q prog/xdp && exit 1
ip link show lo | grep -q prog/xdp && exit 1
"$OLAB" kvcache attach --dev \$DEV --route-ttl 600000 >/dev/null
"$OLAB" kvcache detach --all | grep -q "detached from \$DEV"
"$OLAB" kvcache detach --all 2>/dev/null && exit 1     # nothing left to detach

# ---- item 11: 'ip netns exec', which gives the command a mount namespace of its own ----
# from here (/sys/fs/bpf is a BPF filesystem) the pins outlive the command: it works
ip netns exec $S "$OLAB" kvcache attach --dev \$DEV --route-ttl 600000 >/dev/null
ip link show \$DEV | grep -q prog/xdp
"$OLAB" kvcache stats --dev \$DEV >/dev/null
ip netns exec $S "$OLAB" kvcache detach --dev \$DEV >/dev/null
ip link show \$DEV | grep -q prog/xdp && exit 1
# from a mount namespace without one: the host's then, or nothing is attached at all
if unshare -m sh -c 'umount /sys/fs/bpf 2>/dev/null; ip netns exec $S "$OLAB" kvcache attach --dev '\$DEV 2>"$TMP/err"; then
	grep -q ' type bpf ' /proc/1/mounts
	ip link show \$DEV | grep -q prog/xdp
	unshare -m sh -c 'umount /sys/fs/bpf 2>/dev/null; ip netns exec $S "$OLAB" kvcache detach --dev '\$DEV
else
	grep -q 'nothing attached' "$TMP/err"
	ip link show \$DEV | grep -q prog/xdp && exit 1
fi
ip link show \$DEV | grep -q prog/xdp && exit 1
tc qdisc show dev \$DEV | grep -q clsact && exit 1   # no qdisc, ever
# a capacity the host cannot hold: said before anything is loaded, how much it needs
if "$OLAB" kvcache attach --dev \$DEV --capacity 16777216 >/dev/null 2>"$TMP/err"; then
	"$OLAB" kvcache detach --dev \$DEV >/dev/null   # a host with room for it
else
	grep -q 'needs about [0-9]* MiB' "$TMP/err"
fi
grep -q '^libbpf' "$TMP/err" && exit 1
# last, since memcached (1.6.18) answers no UDP request after it (its reply to a broadcast
# fails, EACCES, and every later one with it): the subnet's broadcast as the source
"$OLAB" kvcache attach --dev \$DEV --route-ttl 600000 >/dev/null
ip netns exec $C "\$MCC" tcp 198.18.1.2:11211 'set k 0 0 3\r\nabc\r\n' | grep -q STORED
get k | grep -q abc
get k | grep -q abc
h0=\$(cnt hit)
[ "\$h0" -ge 1 ]
raw --src-ip 198.18.1.255 --dst-ip 198.18.1.2 'get k\r\n'
wait_cnt "not where the kernel replies" 1
[ "\$(cnt hit)" = "\$h0" ]
"$OLAB" kvcache detach --dev \$DEV >/dev/null
echo done
SH
cat "$TMP/out" >&2
grep -q '^done$' "$TMP/out" || fail "the script did not finish"
kill "$MC" 2>/dev/null
wait "$MC" 2>/dev/null
MC=
ip netns del "$C"
ip netns del "$S"
assert_clean "$N"
exit 0
