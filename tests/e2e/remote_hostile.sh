#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Two hosts, hostile or careless input on either side (issue 22, items 12-17). The real agent
# between two namespaces as in remote.sh: a second agent on a device a live one holds is
# refused and touches nothing of the first's; agents on same-named devices of two namespaces
# keep apart (state keyed by namespace and ifindex); an accept with no connection coming ends
# when the input ends, and at its bound otherwise; a request line over 65 535 bytes is refused
# whole, one with a NUL byte too; the default-route check reads every table an ip rule reaches
# and not the kernel's ::/0 reject on lo. A fake agent (fake_agent.py, run by --remote-cmd)
# plays a hostile one for the driver: counters at INT64_MIN/INT64_MAX, progress lines without
# end, escape sequences, a NUL byte in an answer, another protocol version.
. "$(dirname "$0")/lib.sh"
need_root

two_hosts
A=$RA B=$RB X=$RX Y=$RY C=olab-$$-rc Z=olab-$$-z
trap 'ip netns del "$RA" 2>/dev/null; ip netns del "$RB" 2>/dev/null
	ip netns del "$C" 2>/dev/null; rm -rf "$TMP"' EXIT
export OLAB A B C X Y TMP
# nothing of ours left on the server's device, nor a state or lock file naming it
clean_b() {
	ip -n "$B" link show "$Y" | grep -q 'xdp' && fail "an XDP program left on $Y"
	ip netns exec "$B" tc filter show dev "$Y" ingress 2>/dev/null | grep -q olab &&
		fail "a TC filter left on $Y"
	grep -ls "\"dev\": \"$Y\"" /run/offloadlab/agent/*.json && fail "a state file left for $Y"
	olab_progs || fail "BPF programs left loaded"
}

# 12, 13: one agent per device (namespace and ifindex); state keyed by both, not the name
ip netns add "$C" && ip -n "$C" link set lo up && ip -n "$C" link add "$Y" type veth peer name "$Z" &&
	ip -n "$C" link set "$Y" up && ip -n "$C" link set "$Z" up || fail "no namespace $C"
python3 - <<'PY' || fail "one agent per device, state per namespace"
import os, subprocess
from agent_session import Agent, HELLO, device
B, C, Y, TMP, OLAB = (os.environ[k] for k in ("B", "C", "Y", "TMP", "OLAB"))
def agent(ns, tag):
    return Agent(["ip", "netns", "exec", ns, OLAB, "agent", "--stdio"], "%s/%s.err" % (TMP, tag))
def filters(ns):
    return subprocess.run(["ip", "netns", "exec", ns, "tc", "filter", "show", "dev", Y,
                           "ingress"], capture_output=True, text=True).stdout
def take(a, ns):
    assert a.ask(HELLO)[0]["ok"]
    return a.ask(device(Y))
a1 = agent(B, "a1")
assert take(a1, B)[0]["ok"]
ans, _ = a1.ask({"op": "bw_up", "cond": "tc"})
assert ans["ok"], ans
assert "olab" in filters(B), "bw_up put no TC filter on %s" % Y
# a second agent on the device the first holds: refused, naming the first; its bye leaves
# the first's filter
a2 = agent(B, "a2")
ans, ev = take(a2, B)
assert not ans["ok"] and "in use by another agent" in ans["error"], ans
assert "pid %d" % a1.pid in ans["error"], ans
assert not any("earlier agent" in e for e in ev), ev
assert a2.ask({"op": "bye"})[0]["ok"]
assert a2.wait() == 0
assert "olab" in filters(B), "the second agent's bye removed the first's TC filter"
# the same name in another namespace is another device: taken beside the first
a3 = agent(C, "a3")
ans, ev = take(a3, C)
assert ans["ok"], ans
assert not any("earlier agent" in e for e in ev), ev
assert a3.ask({"op": "bye"})[0]["ok"] and a3.wait() == 0
assert "olab" in filters(B), "an agent in another namespace removed the first's TC filter"
# the first killed: an agent on the same-named device elsewhere leaves its state alone ...
a1.kill()
a4 = agent(C, "a4")
ans, ev = take(a4, C)
assert ans["ok"] and not any("earlier agent" in e for e in ev), (ans, ev)
assert a4.ask({"op": "bye"})[0]["ok"] and a4.wait() == 0
# ... and the next agent on the same device cleans what it left
a5 = agent(B, "a5")
ans, ev = take(a5, B)
assert ans["ok"], ans
assert any("remove what an earlier agent (pid %d" % a1.pid in e for e in ev), ev
assert a5.ask({"op": "bye"})[0]["ok"] and a5.wait() == 0
assert "olab" not in filters(B), "the killed agent's TC filter stayed"
PY
ip netns del "$C"
clean_b

# 14: an accept with no connection coming: over at the end of the input, or at its bound
python3 - <<'PY' || fail "a blocking accept"
import os
from agent_session import Agent, HELLO, device
B, Y, TMP, OLAB = (os.environ[k] for k in ("B", "Y", "TMP", "OLAB"))
a = Agent(["ip", "netns", "exec", B, OLAB, "agent", "--stdio"], TMP + "/acc.err")
assert a.ask(HELLO)[0]["ok"] and a.ask(device(Y))[0]["ok"]
assert a.ask({"op": "bw_up", "cond": "none"})[0]["ok"]
# no connection, input open: refused at the bound, and the agent goes on
ans, _ = a.ask({"op": "bw_accept"}, bound=120)
assert not ans["ok"] and "no TCP connection came within" in ans["error"], ans
# the input ends while it waits: it stops waiting, answers why, cleans up and ends
a.send({"op": "bw_accept"})
a.close_input()
ans, _ = a.answer(bound=120)
assert not ans["ok"] and "the input ended" in ans["error"], ans
assert a.wait(bound=60) == 0
PY
clean_b

# 15: a line over the limit is refused whole (its tail is no request); a NUL byte is an error
python3 - <<'PY' || fail "over-long and NUL lines"
import os
from agent_session import Agent, HELLO, device
B, TMP, OLAB = (os.environ[k] for k in ("B", "TMP", "OLAB"))
a = Agent(["ip", "netns", "exec", B, OLAB, "agent", "--stdio"], TMP + "/long.err")
assert a.ask(HELLO)[0]["ok"]
head = b'{"op":"env","pad":"'
line = head + b"A" * (65535 - len(head)) + b'{"op":"bye"}\n'  # the bye starts at 65 535
assert line.index(b'{"op":"bye"}') == 65535
ans, _ = a.ask(line)
assert not ans["ok"] and "over 65535 bytes: refused whole" in ans["error"], ans
ans, _ = a.ask(b"x" * (10 << 20) + b"\n")  # 10 MB: one answer, not 161
assert not ans["ok"] and "over 65535 bytes" in ans["error"], ans
ans, _ = a.ask(b'{"op":"env"}\0{"op":"bye"}\n')
assert not ans["ok"] and "NUL byte" in ans["error"], ans
ans, _ = a.ask({"op": "env"})  # still there: nothing of the lines above ran
assert ans["ok"] and "env" in ans, ans
assert a.ask({"op": "bye"})[0]["ok"] and a.wait() == 0
PY

# 16: a default route in another table an ip rule reaches is refused; lo is not (the kernel's
# ::/0 reject route is no route through it)
ip -n "$B" route add default via 198.18.2.1 dev "$Y" table 100 || fail "no route in table 100"
out=$(printf '%s\n' '{"op":"hello","version":1}' "{\"op\":\"device\",\"dev\":\"$Y\"}" |
	ip netns exec "$B" "$OLAB" agent --stdio)
grep -q '"ok":true,"dev"' <<<"$out" || fail "a default route in a table no rule reaches refused: $out"
ip -n "$B" rule add from all lookup 100 pref 100 || fail "no rule to table 100"
out=$(printf '%s\n' '{"op":"hello","version":1}' "{\"op\":\"device\",\"dev\":\"$Y\"}" |
	ip netns exec "$B" "$OLAB" agent --stdio)
grep -q "carries this host's default route" <<<"$out" ||
	fail "a default route in table 100 with an ip rule to it was accepted: $out"
ip -n "$B" rule del pref 100 && ip -n "$B" route del default table 100 || fail "rule stays"
ip -n "$B" -6 route show table all | grep -q '^default' && fail "an IPv6 default route in $B"
out=$(printf '%s\n' '{"op":"hello","version":1}' '{"op":"device","dev":"lo"}' '{"op":"bye"}' |
	ip netns exec "$B" "$OLAB" agent --stdio)
grep -q '"ok":true,"dev":"lo"' <<<"$out" || fail "lo refused: $out"
clean_b

# 17: the driver against a hostile agent
FAKE="$TMP/fake_agent.py"
cp "$TOP/tests/e2e/fake_agent.py" "$FAKE"
# fake MODE EXP [ARGS]: run EXP with the fake agent in MODE; out in $TMP/fo, $TMP/fe, $TMP/f.json
fake() {
	local mode=$1
	shift
	rm -f "$TMP/fake.log" "$TMP/f.json"
	FAKE_LOG="$TMP/fake.log" timeout 300 ip netns exec "$A" "$OLAB" run "$@" --quick \
		--remote B --remote-cmd "python3 $FAKE $mode" --dev "$X" --remote-dev "$Y" \
		--remote-addr 198.18.2.2 --json "$TMP/f.json" -o "$TMP/out" >"$TMP/fo" 2>"$TMP/fe"
}
no_ctl() { # FILE...: no escape, bell or C1 control byte reached the terminal
	! LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$@"
}
# counters at INT64_MIN then INT64_MAX: refused before any arithmetic, the number named
fake hkstats hooks
[ $? -eq 1 ] || fail "hooks with counters at INT64 extremes did not fail"
grep -q "hk_stats: stats\[0\]\[0\] is -9223372036854775808, outside 0\.\." "$TMP/fe" ||
	{ cat "$TMP/fe" >&2; fail "the out-of-range counter is not named"; }
python3 - "$TMP/f.json" <<'PY' || fail "the hooks error in JSON"
import json, sys
e = json.load(open(sys.argv[1]))["experiments"][0]
assert "outside 0.." in e["error"], e["error"]
assert not any(m["median"] is not None and m["median"] < 0 for m in e["metrics"]), e["metrics"]
PY
# progress lines do not extend a request's time: its bound is a deadline
fake deadline memcpy --remote-timeout 3
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "a request with endless progress lines was not ended ($rc)"
grep -q "did not answer within 3 s" "$TMP/fe" || { cat "$TMP/fe" >&2; fail "no deadline"; }
grep -q "still working" "$TMP/fe" || fail "the progress lines were not shown"
# escape sequences in events, errors, labels and the environment never reach the terminal
fake escape memcpy
grep -q 'on B: about to \\x1b\]0;owned\\x07' "$TMP/fe" || { cat "$TMP/fe" >&2; fail "event not escaped"; }
grep -q 'label\\x1b' "$TMP/fo" || { cat "$TMP/fo" >&2; fail "the label is not shown escaped"; }
grep -q 'stderr says\\x1b' "$TMP/fe" || { cat "$TMP/fe" >&2; fail "the agent's stderr not escaped"; }
no_ctl "$TMP/fo" "$TMP/fe" || fail "a control character reached the terminal"
# an answer with a NUL byte in its line is refused whole, not read up to the NUL
fake nul memcpy
[ $? -eq 1 ] || fail "an answer line with a NUL byte was accepted"
grep -q "the agent sent a line with a NUL byte" "$TMP/fe" || { cat "$TMP/fe" >&2; fail "NUL unnamed"; }
# a hello in another protocol version is refused, and nothing more is asked
fake v99 memcpy
[ $? -eq 1 ] || fail "a hello in version 99 was accepted"
grep -q "answered in protocol version 99, this offloadlab speaks 1" "$TMP/fe" ||
	{ cat "$TMP/fe" >&2; fail "version 99 not named"; }
grep -q '"device"' "$TMP/fake.log" && fail "the driver went on with an agent of version 99"
[ -e "$TMP/f.json" ] && fail "a refused agent made a results file"
clean_b
exit 0
