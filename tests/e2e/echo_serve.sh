#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `offloadlab echo serve` on its own, for every hook, in namespaces this test makes, loaded by
# `offloadlab loadgen`: every request is answered, by the kernel program where there is one.
# Bad options get a usage error.
. "$(dirname "$0")/lib.sh"
need_root

G=olab-$$-gen D=olab-$$-dut
cleanup() {
	[ -n "${SERVE:-}" ] && kill "$SERVE" 2>/dev/null && wait "$SERVE" 2>/dev/null
	[ -n "${PEER:-}" ] && kill "$PEER" 2>/dev/null && wait "$PEER" 2>/dev/null
	ip netns del $G 2>/dev/null; ip netns del $D 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add $G && ip netns add $D || fail "cannot create namespaces"
ip -n $G link add eg type veth peer name ed netns $D
ip -n $G addr add 198.18.7.1/24 dev eg && ip -n $D addr add 198.18.7.2/24 dev ed
ip -n $G link set eg up && ip -n $D link set ed up
ip -n $G link set lo up && ip -n $D link set lo up

"$OLAB" echo serve --hook xdp >/dev/null 2>"$TMP/err"; [ $? -eq 64 ] || fail "xdp without --dev: 64"
grep -q "needs --dev" "$TMP/err" || fail "xdp without --dev: no explanation"
"$OLAB" echo serve --hook tc --dev ed --tcp >/dev/null 2>&1; [ $? -eq 64 ] || fail "tc --tcp: 64"
"$OLAB" echo serve --hook nope >/dev/null 2>&1; [ $? -eq 64 ] || fail "bad hook: 64"
ip netns exec $D "$OLAB" echo serve --hook xdp --dev nosuch >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] && grep -q "no device 'nosuch'" "$TMP/err" || fail "unknown device not explained"

# XDP_TX on veth needs an XDP program on the peer: an echo on an unused port passes all
ip netns exec $G "$OLAB" echo serve --hook xdp --dev eg --port 1 --duration 60 >/dev/null 2>&1 &
PEER=$!

serve_and_load() { # hook, extra serve args, extra loadgen args
	local hook=$1 sargs=$2 largs=$3 got
	ip netns exec $D "$OLAB" echo serve --hook $hook --port 7 $sargs --duration 30 \
		>"$TMP/serve.$hook" 2>"$TMP/serve.$hook.err" &
	SERVE=$!
	sleep 0.5
	ip netns exec $G "$OLAB" loadgen --dst 198.18.7.2:7 $largs --count 2000 -o 4 -D 10s \
		>"$TMP/lg.$hook" 2>&1 || { cat "$TMP/lg.$hook" "$TMP/serve.$hook.err" >&2; fail "$hook: loadgen failed"; }
	kill -INT $SERVE; wait $SERVE; SERVE=
	grep -q "^sent 2000, received 2000, lost 0" "$TMP/lg.$hook" \
		|| { cat "$TMP/lg.$hook" "$TMP/serve.$hook.err" >&2; fail "$hook: not every request was answered"; }
	if [ "$hook" != socket ]; then
		# XDP and TC answer per datagram; SK_SKB per TCP segment (several requests each)
		local want=2000
		[ "$hook" = skskb ] && want=1
		got=$(sed -n 's/^answered \([0-9]*\) in the kernel.*/\1/p' "$TMP/serve.$hook")
		[ -n "$got" ] && [ "$got" -ge $want ] || { cat "$TMP/serve.$hook" >&2; fail "$hook: the kernel answered ${got:-nothing}"; }
	fi
}

serve_and_load xdp "--dev ed" ""
# a TC server killed outright leaves its filter; the next one removes it; SIGHUP cleans up
ip netns exec $D "$OLAB" echo serve --hook tc --dev ed --port 7 --duration 30 >/dev/null 2>&1 &
SERVE=$!
sleep 0.5
kill -9 $SERVE; wait $SERVE 2>/dev/null; SERVE=
ip netns exec $D tc filter show dev ed ingress | grep -q olab_echo_tc || fail "test premise: no filter left"
ip netns exec $D "$OLAB" echo serve --hook tc --dev ed --port 7 --duration 30 >/dev/null \
	2>"$TMP/tc2.err" &
SERVE=$!
sleep 0.5
kill -HUP $SERVE; wait $SERVE; SERVE=
grep -q "removed the echo TC filter an earlier 'echo serve' left on ed" "$TMP/tc2.err" ||
	fail "the leftover filter was not reported: $(cat "$TMP/tc2.err")"
[ -z "$(ip netns exec $D tc filter show dev ed ingress)" ] || fail "SIGHUP left a TC filter"
ip netns exec $D tc qdisc show dev ed | grep -q clsact && fail "SIGHUP left the clsact"
serve_and_load tc "--dev ed" ""
serve_and_load socket "" ""
serve_and_load socket "--tcp --busy" "--tcp"
serve_and_load skskb "--tcp" "--tcp"
exit 0
