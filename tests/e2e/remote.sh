#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Two hosts through the agent: two network namespaces joined by veth play the generator's host
# (A) and the server's (B), the agent started with --remote-cmd "ip netns exec B". hooks,
# bandwidth, preproc, isolation and a runtime experiment run through the agent and give the
# metrics the local testbed gives (medians of the same order; echo, kv and kv-afxdp are
# compared in run_echo.sh, run_kv.sh, run_kv_afxdp.sh); a protocol version mismatch is refused
# naming both versions; a device with the default route is refused; memcached is not started
# beside a server's own on its port; killing the agent or the driver at any point leaves
# nothing on either side (the next agent removes what a SIGKILLed one left).
. "$(dirname "$0")/lib.sh"
need_root

two_hosts
A=$RA B=$RB X=$RX Y=$RY
agent() { ip netns exec "$B" "$OLAB" agent --stdio; }
clean_b() { # nothing of ours on the server's device
	ip -n "$B" link show "$Y" | grep -q 'xdp' && fail "an XDP program left on $Y"
	ip netns exec "$B" tc filter show dev "$Y" ingress 2>/dev/null | grep -q olab &&
		fail "a TC filter left on $Y"
	ip netns exec "$B" tc filter show dev "$Y" egress 2>/dev/null | grep -q olab &&
		fail "a TC egress filter left on $Y"
	ip netns exec "$B" tc filter show dev lo egress 2>/dev/null | grep -q olab &&
		fail "a TC egress filter left on the server's lo"
	ip netns pids "$B" | xargs -r ps -o comm= -p | grep -q memcached &&
		fail "memcached left running on the server"
	[ "$(ip netns exec "$B" cat "/sys/class/net/$Y/threaded")" = 0 ] ||
		fail "the server's device left with threaded NAPI (it was off)"
	grep -ls "\"dev\": \"$Y\"" /run/offloadlab/agent/*.json && fail "the agent's state file was left"
	olab_progs || fail "BPF programs left loaded"
}

# run_until N COND ARGS...: offloadlab ARGS in A in the background ($drv), until its agent ($ag)
# is there and COND (a shell test) holds, at most N tenths of a second
run_until() {
	local n=$1 cond=$2 i
	shift 2
	ip netns exec "$A" "$OLAB" "$@" -o "$TMP/out" >/dev/null 2>"$TMP/kerr" &
	drv=$!
	for i in $(seq 1 "$n"); do
		ag=$(pgrep -P $drv -f "agent --stdio" | head -n 1)
		[ -n "$ag" ] && eval "$cond" && break
		sleep 0.1
	done
}
# next_agent: what a new agent on the device says (stdout and stderr) taking it and leaving
next_agent() {
	printf '%s\n' '{"op":"hello","version":1}' "{\"op\":\"device\",\"dev\":\"$Y\"}" \
		'{"op":"bye"}' | agent 2>&1
}

# the protocol: hello first, with the version; a mismatch names both and ends the agent
out=$(echo '{"op":"hello","version":99}' | agent)
[ $? -eq 2 ] || fail "a version mismatch should end the agent with 2"
grep -q 'mismatch: the driver speaks 99, this agent .* speaks 1' <<<"$out" ||
	fail "the mismatch does not name both versions: $out"
out=$(echo '{"op":"device","dev":"lo"}' | agent)
grep -q 'hello first' <<<"$out" || fail "a request before hello was not refused: $out"
"$OLAB" agent >/dev/null 2>&1
[ $? -eq 64 ] || fail "agent without --stdio: 64"

# a device that carries the host's default route is refused
ip -n "$B" route add default via 198.18.2.1 dev "$Y" || fail "no default route"
out=$(printf '%s\n' '{"op":"hello","version":1}' "{\"op\":\"device\",\"dev\":\"$Y\"}" | agent)
grep -q "carries this host's default route" <<<"$out" || fail "default route dev not refused: $out"
ip -n "$B" route del default || fail "default route stays"
clean_b

# hooks, bandwidth, preproc, isolation and a runtime experiment through the agent, and the
# same on the local testbed (echo, kv and kv-afxdp: run_echo.sh, run_kv.sh, run_kv_afxdp.sh)
RUN=(run hooks bandwidth preproc isolation memcpy --quick "${REMOTE[@]}")
KV=(run kv --quick "${REMOTE[@]}")
ip netns exec "$A" "$OLAB" "${RUN[@]}" --json "$TMP/r.json" -o "$TMP/out" >"$TMP/table" \
	2>"$TMP/err" || { cat "$TMP/err" >&2; fail "run --remote failed"; }
grep -q "on B: bandwidth: a TCP sink on port 5201 of $Y, an empty TC ingress filter" "$TMP/err" ||
	fail "the agent did not name the bandwidth set-up"
grep -q "on B: run the memcpy experiment here" "$TMP/err" || fail "memcpy was not run by the agent"
grep -q "on B: preproc: an XDP program truncating" "$TMP/err" || fail "preproc not set up by the agent"
grep -q "on B: isolation: a UDP echo server" "$TMP/err" || fail "isolation not set up by the agent"
grep -q "on B: isolation: the XDP neighbour off $Y; memcached" "$TMP/err" ||
	fail "isolation's kvcache neighbour not set up by the agent"
grep -q "on B: hooks: stamping XDP and TC ingress programs on $Y" "$TMP/err" ||
	fail "the hooks' stamps not set up by the agent"
"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/r.json" ||
	fail "JSON does not validate"
page=$(ls "$TMP"/out/*/report.html | head -n 1)
grep -q "two hosts, $X -&gt; $Y on B" "$page" || fail "the report does not say two hosts"
clean_b
"$OLAB" run hooks bandwidth preproc isolation --quick --json "$TMP/l.json" -o "$TMP/out" >/dev/null 2>"$TMP/lerr" ||
	{ cat "$TMP/lerr" >&2; fail "the local run failed"; }
python3 - "$TMP/r.json" "$TMP/l.json" <<'PY' || fail "two-host metrics"
import json, sys
from olab_results import measured_or_busy, same_order
r, l = (json.load(open(p)) for p in sys.argv[1:3])
assert r["topology"]["kind"] == "two-hosts" and r["topology"]["remote_dev"].endswith("-y")
assert r["environment_remote"]["kernel"], "no environment block from the other host"
rm = {m["id"]: m for e in r["experiments"] for m in e["metrics"]}
lm = {m["id"]: m for e in l["experiments"] for m in e["metrics"]}
# a runtime experiment is run by the agent on the server's host and comes back whole
mc = [e for e in r["experiments"] if e["name"] == "memcpy"][0]
assert mc["status"] == "ok" and any("measured on the server's host" in n for n in mc["notes"])
assert rm["memcpy.native"]["median"] > 0 and rm["memcpy.bytewise"]["unavailable"] is None
for c in ("none", "xdp", "tc", "skskb"):
    k = "bandwidth.gbps." + c
    assert k in rm and rm[k]["unavailable"] is None and rm[k]["median"] > 0, (k, rm.get(k))
    # one TCP stream over the same veth: the same order (its run-to-run noise is large)
    same_order(k, rm[k], lm[k])
# the sink counted what the truncating program passed: every cut measured
for k in ("preproc.kpps.0", "preproc.kpps.50", "preproc.kpps.100", "preproc.offered"):
    assert k in rm and rm[k]["unavailable"] is None and rm[k]["median"] > 0, (k, rm.get(k))
    same_order(k, rm[k], lm[k])
# the neighbour's capacity measured there, and the echo server's latency alone and beside it
for k in ("isolation.capacity.1000", "isolation.lat.alone"):
    assert k in rm and rm[k]["unavailable"] is None and rm[k]["median"] > 0, (k, rm.get(k))
    same_order(k, rm[k], lm[k])
k = "isolation.lat.kvcache"
# measured, or not for a load this machine did not carry (as a sweep point): the cache there
# answered GETs either way
if measured_or_busy(rm, k) is not None:
    assert rm[k]["median"] > 0, rm[k]
    same_order(k, rm[k], lm[k])
    assert " 0 of " not in rm[k]["note"], rm[k]["note"]
else:
    assert " answered 0 kpps" not in rm[k]["unavailable"], rm[k]
# hooks: every reach time from the server's stamps; nothing that subtracts two hosts' clocks
for v in ("udp.sleep", "udp.busy", "tcp.sleep", "tcp.busy"):
    for h in ("tc", "socket"):
        k = "hooks.reach.%s.%s" % (h, v)
        assert k in rm and rm[k]["unavailable"] is None and rm[k]["median"] > 0, (k, rm.get(k))
    # the kernel's path (on the sending CPU) compares; the reader's does not on a busy
    # machine: the local run sends each probe once the reader took the last (it is on its
    # CPU), the spaced probes find it wherever the scheduler put it (500 us beside a CPU hog)
    k = "hooks.reach.tc." + v
    same_order(k, rm[k], lm[k])
    for k in ("hooks.from_send.xdp." + v, "hooks.recv_latency." + v):
        assert "clocks do not meet" in (rm[k]["unavailable"] or ""), (k, rm[k])
# the test-run costs are taken on the server before its run-time statistics go on
for k in ("hooks.prep.xdp.testrun", "hooks.stats_cost.xdp"):
    same_order(k, rm[k], lm[k])
for k in ("hooks.reach.skskb.tcp.busy", "hooks.prep.skskb.live.tcp.busy",
          "hooks.prep.xdp.testrun", "hooks.prep.xdp.bpfstats", "hooks.prep.skskb.bpfstats"):
    assert k in rm and rm[k]["unavailable"] is None and rm[k]["median"] > 0, (k, rm.get(k))
assert rm["hooks.skskb_added.tcp.busy"]["n"] > 0
missing = set(k for k in lm if k.startswith("hooks.")) - set(rm)
assert not missing, missing
print("two hosts: %d metrics, of the local run's order" % len(rm))
PY

# a memcached of the server's own on 11211: the agent starts none and writes nothing to it
ip netns exec "$B" python3 -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.2.2", 11211)); s.listen(4); time.sleep(60)' &
squat=$!
for i in $(seq 1 50); do ip netns exec "$B" ss -ltn | grep -q ':11211 ' && break; sleep 0.1; done
ip netns exec "$A" "$OLAB" "${KV[@]}" --json "$TMP/taken.json" -o "$TMP/out" >/dev/null \
	2>"$TMP/terr"
rc=$?
kill "$squat"
wait "$squat" 2>/dev/null
[ $rc -ne 0 ] || fail "kv ran beside the server's own memcached port"
python3 - "$TMP/taken.json" <<'PY' || fail "the taken port is not explained"
import json, sys
e = json.load(open(sys.argv[1]))["experiments"][0]
assert "port 11211 on 198.18.2.2 is taken already" in e["error"], e["error"]
PY
clean_b

# the agent SIGKILLed mid-run: the driver says so and ends; the next agent cleans up
run_until 200 'ip netns exec "$B" tc filter show dev "$Y" ingress | grep -q .' "${RUN[@]}"
[ -n "$ag" ] || { kill -9 $drv; fail "the driver never started the agent"; }
kill -9 "$ag"
wait $drv
[ $? -ne 0 ] || fail "the driver did not notice the agent's end"
grep -q "the agent ended" "$TMP/kerr" || fail "the driver does not say the agent ended"
out=$(next_agent)
grep -q "remove what an earlier agent (pid $ag" <<<"$out" ||
	fail "the next agent did not clean what the killed one left: $out"
clean_b

# the same while kv runs: memcached goes with the agent, and so do the kvcache's programs (held
# by links that close with the agent's process: nothing is pinned, nothing is left to remove)
kvc_progs() { bpftool prog show name olab_kvc_tc | grep -q olab_kvc_tc; }
run_until 300 'kvc_progs' "${KV[@]}"
[ -n "$ag" ] || { kill -9 $drv; fail "the driver never started the agent (kv)"; }
kill -9 "$ag"
wait $drv
[ $? -ne 0 ] || fail "the driver did not notice the agent's end (kv)"
for i in $(seq 1 100); do
	ip netns pids "$B" | xargs -r ps -o comm= -p | grep -q memcached || kvc_progs || break
	sleep 0.1
done
ip netns pids "$B" | xargs -r ps -o comm= -p | grep -q memcached &&
	fail "memcached outlived the killed agent"
kvc_progs && fail "the kvcache's programs outlived the killed agent"
out=$(next_agent)
clean_b

# the driver SIGKILLed mid-run: the agent sees its input end and removes everything
run_until 200 'ip -n "$B" link show "$Y" | grep -q xdp' "${RUN[@]}"
kill -9 $drv
wait $drv 2>/dev/null
for i in $(seq 1 100); do
	[ -n "$ag" ] && kill -0 "$ag" 2>/dev/null || break
	sleep 0.1
done
[ -n "$ag" ] && kill -0 "$ag" 2>/dev/null && fail "the agent outlived its driver"
clean_b
ip -n "$A" link show "$X" | grep -q xdp && fail "the driver's XDP_PASS stayed on $X"
exit 0
