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
