#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `offloadlab run echo`: every variant is measured, the kernel offloads really answer, the JSON
# validates, and nothing is left behind.
. "$(dirname "$0")/lib.sh"
need_root

run_json echo
grep -q "answered nothing" "$TMP/table" && fail "a BPF echo answered nothing"
python3 - "$TMP/r.json" <<'PY' || fail "echo metrics"
import sys
from olab_results import experiment
e, m = experiment(sys.argv[1], "echo")
for l4, vs in (("udp", ("xdp", "tc", "skskb", "socket_busy", "socket_sleep")),
               ("tcp", ("skskb", "socket_busy", "socket_sleep"))):
    for v in vs:
        for kind in ("lat", "tput"):
            k = "echo.%s.shared.%s.%s" % (kind, l4, v)
            assert k in m and m[k]["unavailable"] is None, (k, m.get(k, {}).get("unavailable"))
            assert m[k]["n"] > 0 and m[k]["median"] > 0, k
        assert m["echo.lat.shared.%s.%s" % (l4, v)]["cdf"], "no CDF for " + v
# the paper's figure travels with the metric it belongs to
assert m["echo.lat.shared.udp.socket_sleep"]["paper"] is not None
notes = " ".join(e["notes"])
# UDP throughput by the XDP engine, TCP by the socket engine; each hook's as a ratio to the
# socket server's over paired repetitions; the rule against the generator's ceiling
ceil = m["echo.gen.ceiling"]["median"]
assert ceil > 0 and m["echo.gen.ceiling"]["engine"] == "xdp"
for pl in ("shared", "split"):
    for v in ("xdp", "tc", "skskb", "socket_busy", "socket_sleep"):
        t = m["echo.tput.%s.udp.%s" % (pl, v)]
        assert t["engine"] == "xdp" and t["median"] > 0, (pl, v, t)
        assert t["median"] <= ceil * 1.0001 or v == "xdp", (pl, v, t["median"], ceil)
        if v != "xdp":
            assert ("generator-bound" in t["flags"]) == (t["median"] * 1.5 >= ceil), (pl, v)
        if v != "socket_sleep":
            x = m["echo.tput.ratio.%s.udp.%s" % (pl, v)]
            assert x["unavailable"] is None and x["median"] > 0 and x["ci95"], (pl, v, x)
    for v in ("skskb", "socket_busy", "socket_sleep"):
        assert m["echo.tput.%s.tcp.%s" % (pl, v)]["engine"] == "socket"
    # the cross-check: the socket engine on the sleeping socket server, and a note on it
    assert m["echo.tput.%s.udp.socket_sleep.socket" % pl]["engine"] == "socket"
    assert "engines agree: echo.tput.%s.udp.socket_sleep " % pl in notes or \
        "engines disagree: echo.tput.%s.udp.socket_sleep " % pl in notes, notes
    assert m["echo.lat.%s.udp.xdp.xdpgen" % pl]["engine"] == "xdp"
# split: both cross-CPU wake-ups recorded in the same runs, a verdict on them, and the cure
for v in ("xdp", "tc", "skskb", "socket_busy", "socket_sleep"):
    for k in ("echo.wake.split.udp.%s", "echo.wake.split.udp.%s.gen",
              "echo.lat.split_spin.udp.%s"):
        x = m[k % v]
        assert x["unavailable"] is None and x["n"] > 0 and x["median"] > 0, (k % v, x)
    assert ("echo.lat.split.udp.%s: the two cross-CPU wake-ups" % v) in notes, (v, notes)
PY

# with two hosts (namespaces): every variant's server side through the agent, split placement
two_hosts
remote_json echo
grep -q "on B: attach the echo xdp (udp) to $RY" "$TMP/rerr" ||
	fail "the agent did not name its changes before making them"
grep -q "answered nothing" "$TMP/rtable" && fail "a BPF echo answered nothing through the agent"
python3 - "$TMP/rr.json" "$TMP/r.json" <<'PY' || fail "echo with two hosts"
import json, sys
from olab_results import same_as_local
keys = ["echo.%s.split.%s.%s" % (w, l4, v) for w in ("lat", "tput")
        for l4, vs in (("udp", ("xdp", "tc", "skskb", "socket_busy", "socket_sleep")),
                       ("tcp", ("skskb", "socket_busy", "socket_sleep"))) for v in vs]
# the shared placement needs both ends on one host: with two hosts only the split one runs
d = json.load(open(sys.argv[2]))
for e in d["experiments"]:
    e["metrics"] = [x for x in e["metrics"] if ".shared." not in x["id"]]
json.dump(d, open(sys.argv[2] + ".split", "w"))
same_as_local(sys.argv[1], sys.argv[2] + ".split", "echo", keys)
PY
two_hosts_down
assert_clean
exit 0
