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
assert_clean
exit 0
