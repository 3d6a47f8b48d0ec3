#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab try with two hosts (issue 26: "try --remote works like run --remote"): two network
# namespaces joined by veth play the generator's host (A) and the server's (B), the agent
# started in B with --remote-cmd. An example runs there and gives the try section, the classes
# and the verdict, with nothing left on B (no process, no program, no state file); a port that
# something on B holds already is refused naming it; an agent SIGKILLed while an --attach
# command's program is on the device takes the server with it, and the next agent on the
# device removes the program (the side's record in the agent's state file).
. "$(dirname "$0")/lib.sh"
need_root
export OLAB_RUN_LOCK="$TMP/run.lock"
cd "$TOP" || exit 1
PASSO="$TOP/build/bpf/lib/xdp_pass.bpf.o"

two_hosts
A=$RA B=$RB Y=$RY
agent() { ip netns exec "$B" "$OLAB" agent --stdio; }
clean_b() { # nothing of ours on the server's host
	local i
	for i in $(seq 1 50); do # a killed process is reaped by its parent's end
		[ -z "$(ip netns pids "$B")" ] && break
		sleep 0.1
	done
	[ -z "$(ip netns pids "$B")" ] || { ip netns pids "$B" | xargs -r ps -o pid=,args= -p >&2; fail "processes left on B"; }
	ip -n "$B" link show "$Y" | grep -q xdp && fail "an XDP program left on $Y"
	ip netns exec "$B" tc filter show dev "$Y" ingress 2>/dev/null | grep -q . &&
		fail "a TC filter left on $Y"
	grep -ls "\"dev\": \"$Y\"" /run/offloadlab/agent/*.json && fail "the agent's state file was left"
	olab_progs || fail "BPF programs left loaded"
	olab_ns | grep -vxE "$A|$B" | grep . && fail "a namespace left (above)"
	ip -n "$A" link show "$RX" | grep -q xdp && fail "the driver's XDP_PASS stayed on $RX"
	return 0
}

# one example with the server's side on B: the try section, the classes, the verdict
ip netns exec "$A" env OLAB="$OLAB" examples/empty-xdp/run.sh -q -n 2 --loads 50 \
	--duration 200ms -o "$TMP/out" --no-report --json "$TMP/r.json" "${REMOTE[@]}" \
	>"$TMP/table" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "examples/empty-xdp --remote exited $?"; }
grep -q "on B: try: the server '$OLAB' on UDP port 7 of 198.18.2.2" "$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "the agent did not name the server it started"; }
grep -q "on B: try: olab_xdp_pass from .* on $Y (xdp)" "$TMP/err" ||
	fail "the agent did not name the program it attached"
"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/r.json" ||
	fail "JSON does not validate"
python3 - "$TMP/r.json" "$Y" <<'PY' || fail "the two-host try results"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["topology"]["kind"] == "two-hosts" and d["topology"]["remote_dev"] == sys.argv[2]
assert d["environment_remote"]["kernel"], "no environment block from the other host"
t, e = d["try"], d["experiments"][0]
assert e["name"] == "try" and e["status"] == "ok", e.get("error")
assert t["server"].endswith("echo serve --hook socket --port 7"), t["server"]
assert t["programs"] and t["programs"][0]["name"] == "olab_xdp_pass", t["programs"]
assert t["verdict"]["word"] in ("pays here", "does not pay here", "inconclusive here"), t["verdict"]
m = {x["id"]: x for x in e["metrics"]}
for c in t["workload"]["classes"]:
    for ph in ("with", "without"):
        k = "try.lat.%s.%s.50" % (c, ph)
        assert not m[k].get("unavailable") and m[k]["median"] > 0, (k, m.get(k))
for k in ("try.tput.with", "try.tput.without", "try.gain"):
    assert not m[k].get("unavailable") and m[k]["median"] > 0, (k, m[k])
PY
clean_b

# a port something on B holds already: refused before the server starts, naming it
ip netns exec "$B" python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("198.18.2.2", 7)); time.sleep(60)' &
squat=$!
for i in $(seq 1 50); do ip netns exec "$B" ss -lun | grep -q '198.18.2.2:7 ' && break; sleep 0.1; done
ip netns exec "$A" env OLAB="$OLAB" examples/empty-xdp/run.sh -q -n 2 --loads 50 \
	--duration 200ms -o "$TMP/out" --no-report "${REMOTE[@]}" >/dev/null 2>"$TMP/err"
rc=$?
kill "$squat"
wait "$squat" 2>/dev/null
[ $rc -eq 1 ] || { cat "$TMP/err" >&2; fail "try ran beside a server already on its port (exit $rc)"; }
grep -q "UDP port 7 on 198.18.2.2 is taken already, before the server started" "$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "the taken port is not said"; }
clean_b

# the agent SIGKILLed while an --attach command's XDP program is on the device: the server goes
# with the agent, and the next agent on the device removes the program (the side's record)
ip netns exec "$A" "$OLAB" try -n 20 --duration 2s -o "$TMP/out" --no-report "${REMOTE[@]}" \
	--server "$OLAB echo serve --hook socket --port {port}" --port 7 \
	--requests examples/echo/requests.txt \
	--attach "ip link set dev {dev} xdpdrv obj $PASSO sec xdp" \
	--detach "ip link set dev {dev} xdpdrv off" >/dev/null 2>"$TMP/kerr" &
drv=$!
ag=
rec_on() { # the agent's state file for $Y holds the try side's record
	local f
	f=$(grep -ls "\"dev\": \"$Y\"" /run/offloadlab/agent/*.json 2>/dev/null)
	[ -n "$f" ] && grep -qs '"rec": {"side": "try_"' $f
}
for i in $(seq 1 600); do
	ag=$(pgrep -P $drv -f "agent --stdio" | head -n 1)
	[ -n "$ag" ] && rec_on && break
	sleep 0.1
done
[ -n "$ag" ] && rec_on ||
	{ kill -9 $drv; cat "$TMP/kerr" >&2; fail "the --attach program was never recorded"; }
ip -n "$B" link show "$Y" | grep -q xdp || { kill -9 $drv; fail "no XDP program on $Y while on"; }
kill -9 "$ag"
wait $drv
[ $? -ne 0 ] || fail "the driver did not notice the agent's end"
grep -q "the agent ended" "$TMP/kerr" || { cat "$TMP/kerr" >&2; fail "the driver does not say the agent ended"; }
out=$(printf '%s\n' '{"op":"hello","version":1}' "{\"op\":\"device\",\"dev\":\"$Y\"}" \
	'{"op":"bye"}' | agent 2>&1)
grep -q "remove what an earlier agent (pid $ag" <<<"$out" || fail "no clean-up by the next agent: $out"
grep -q "try: removed olab_xdp_pass (id [0-9]*), left on xdp by --attach" <<<"$out" ||
	fail "the next agent did not remove the --attach command's program: $out"
grep -q '"ok":true,"dev"' <<<"$out" || fail "the next agent did not take the device: $out"
clean_b
exit 0
