#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `offloadlab loadgen --engine xdp` on namespaces this test makes: at a low rate every request
# is answered (sent == answered == the histogram's count), memcached GETs are matched to a real
# memcached's replies, a server that drops everything answers nothing while the sends are
# counted, the window holds (never more than N in flight), bad options and a device that
# cannot transmit XDP frames are usage errors, and nothing is left behind (programs, the
# device's NAPI threading), also after a run stopped by SIGINT.
. "$(dirname "$0")/lib.sh"
need_root

G=olab-$$-gen D=olab-$$-dut GD=lgg$$ DD=lgd$$
cleanup() {
	[ -n "${SERVE:-}" ] && kill "$SERVE" 2>/dev/null && wait "$SERVE" 2>/dev/null
	[ -n "${MC:-}" ] && kill "$MC" 2>/dev/null && wait "$MC" 2>/dev/null
	ip netns del $G 2>/dev/null; ip netns del $D 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
veth_pair $G $GD 198.18.9.1 $D $DD 198.18.9.2
DROP="$TOP/build/bpf/lib/xdp_drop.bpf.o"
[ -f "$DROP" ] || fail "no $DROP (make all)"

lg() { ip netns exec $G "$OLAB" loadgen --engine xdp "$@"; }
usage() { # what it is, then loadgen's arguments
	local what=$1
	shift
	lg "$@" >/dev/null 2>"$TMP/err"
	[ $? -eq 64 ] || { cat "$TMP/err" >&2; fail "$what: not a usage error"; }
}
json() { python3 -c "import json,sys; d=json.load(open('$TMP/j')); print($1)"; }

usage "an unknown engine" --engine nope --dst 198.18.9.2:7
usage "an unknown request kind" --dst 198.18.9.2:7 --app nope
grep -q "request kind" "$TMP/err" || fail "unknown kind not explained: $(cat "$TMP/err")"
usage "a rate of 0" --dst 198.18.9.2:7 --mode fixed --rate 0
usage "TCP" --dst 198.18.9.2:7 --tcp
usage "sets" --dst 198.18.9.2:11211 --app memcached
usage "a batch over 256" --dst 198.18.9.2:7 --batch 257
usage "a frame over a page" --dst 198.18.9.2:7 --size 4000
grep -q "page less its headroom" "$TMP/err" || fail "page limit not explained: $(cat "$TMP/err")"
# the dut's veth runs no XDP: the generator's cannot transmit XDP frames to it
usage "a device without XDP transmit" --dst 198.18.9.2:7 --count 10
grep -q "cannot transmit XDP frames" "$TMP/err" || fail "no-xmit not explained: $(cat "$TMP/err")"

# an XDP echo on the dut
ip netns exec $D "$OLAB" echo serve --hook xdp --dev $DD --port 7 --duration 60 \
	>"$TMP/serve" 2>&1 &
SERVE=$!
sleep 0.5
usage "a rate above what the engine builds" --dst 198.18.9.2:7 --mode fixed --rate 100000000
grep -q "builds at most" "$TMP/err" || fail "rate limit not explained: $(cat "$TMP/err")"

# a low rate: every request answered, every answer timed
lg --dst 198.18.9.2:7 --mode fixed --rate 2000 -D 1s --batch 1 --cpu 0 --json "$TMP/j" \
	>"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; fail "low-rate run"; }
sent=$(json 'd["sent"]')
[ "$sent" -ge 1500 ] || fail "2000 req/s for 1 s sent only $sent"
[ "$(json 'd["received"]')" = "$sent" ] || { cat "$TMP/out" >&2; fail "not every request answered"; }
[ "$(json 'd["lost"]')" = 0 ] && [ "$(json 'd["bad"]')" = 0 ] || fail "lost or bad replies"
[ "$(json 'd["metrics"][0]["n"]')" = "$sent" ] || fail "histogram count is not the answered count"
[ "$(json 'd["xdp"]["built"]')" = "$sent" ] || fail "built and sent differ with nothing refused"
[ "$(json 'd["engine"]')" = xdp ] && [ "$(json 'd["batch"]')" = 1 ] || fail "engine/batch not recorded"
grep -q "^latency (live, n=$sent)" "$TMP/out" || fail "no latency line: $(cat "$TMP/out")"
[ "$(ip netns exec $G cat /sys/class/net/$GD/threaded)" = 0 ] ||
	fail "the generator's NAPI threading was not switched back"

# closed loop: the window holds
lg --dst 198.18.9.2:7 -o 8 -D 1s --json "$TMP/j" >"$TMP/out" 2>&1 ||
	{ cat "$TMP/out" >&2; fail "closed-loop run"; }
most=$(json 'd["xdp"]["max_inflight"]')
[ "$most" -ge 1 ] && [ "$most" -le 8 ] || fail "window of 8 held $most in flight"
[ "$(json 'd["received"]')" -gt 100 ] || fail "closed loop answered $(json 'd["received"]')"
[ "$(json 'd["xdp"]["window_full"]')" -gt 0 ] || fail "the window never filled"
kill -INT $SERVE; wait $SERVE; SERVE=
grep -q "^answered [1-9]" "$TMP/serve" || fail "the XDP echo answered nothing"

# a server that drops everything: nothing answered, every send counted
ip -n $D link set dev $DD xdpdrv obj "$DROP" sec xdp || fail "cannot load $DROP"
mac=$(ip -n $D -br link show $DD | awk '{print $3}')
ip -n $G neigh replace 198.18.9.2 lladdr "$mac" dev $GD
lg --dst 198.18.9.2:7 --mode fixed --rate 5000 -D 500ms --timeout 50ms --json "$TMP/j" \
	>"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; fail "drop run"; }
sent=$(json 'd["sent"]')
[ "$sent" -ge 1000 ] && [ "$(json 'd["received"]')" = 0 ] && [ "$(json 'd["lost"]')" = "$sent" ] ||
	{ cat "$TMP/out" >&2; fail "a dropping server: $sent sent, $(json 'd["received"]') answered"; }
[ "$(json 'd["xdp"]["built"]')" = "$sent" ] || fail "frames built but not counted as sent"
ip -n $D link set dev $DD xdpdrv off

# memcached GETs against memcached itself (behind an XDP_PASS: veth needs it to receive)
if command -v memcached >/dev/null; then
	ip netns exec $D memcached -U 11211 -p 11211 -l 198.18.9.2 -t 1 -u "$(id -un)" &
	MC=$!
	for i in $(seq 1 50); do
		ip netns exec $G "$OLAB" loadgen --dst 198.18.9.2:11211 --tcp --app memcached \
			--keys 50 --set-pct 100 --count 1000 -o 8 >/dev/null 2>&1 && break
		sleep 0.1
	done
	ip -n $D link set dev $DD xdpdrv obj "$TOP/build/bpf/lib/xdp_pass.bpf.o" sec xdp
	lg --dst 198.18.9.2:11211 --app memcached --keys 50 --set-pct 0 --multi 2 --zipf 1.1 \
		--count 3000 -o 8 -D 10s --json "$TMP/j" >"$TMP/out" 2>&1 ||
		{ cat "$TMP/out" >&2; fail "memcached run"; }
	[ "$(json 'd["sent"]')" = 3000 ] && [ "$(json 'd["received"]')" = 3000 ] ||
		{ cat "$TMP/out" >&2; fail "memcached GETs not all answered"; }
	# memcached sends each value of a GET as a datagram of its own: 2 values per GET
	[ "$(json 'd["memcached"]["hits"]')" = 6000 ] && [ "$(json 'd["memcached"]["misses"]')" = 0 ] ||
		{ cat "$TMP/out" >&2; fail "GETs of stored keys missed"; }
	ip -n $D link set dev $DD xdpdrv off
	kill $MC; wait $MC 2>/dev/null; MC=
fi

# stopped by SIGINT mid-run: it ends, and leaves nothing behind
ip -n $D link set dev $DD xdpdrv obj "$DROP" sec xdp
ip netns exec $G "$OLAB" loadgen --engine xdp --dst 198.18.9.2:7 --mode flood -D 60s --cpu 0 \
	>"$TMP/out" 2>&1 &
LG=$!
sleep 1.5
kill -INT $LG
wait $LG || { cat "$TMP/out" >&2; fail "a run stopped by SIGINT failed"; }
grep -q "^sent [1-9]" "$TMP/out" || fail "the stopped run reported nothing: $(cat "$TMP/out")"
[ "$(ip netns exec $G cat /sys/class/net/$GD/threaded)" = 0 ] ||
	fail "NAPI threading left on after SIGINT"
ip -n $G link show $GD | grep -q xdp && fail "an XDP program left on the generator's device"
ip -n $D link set dev $DD xdpdrv off
olab_progs || fail "BPF programs left loaded"
exit 0
