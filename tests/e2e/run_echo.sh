#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `offloadlab run echo`: every variant is measured, the kernel offloads really answer, the JSON
# validates, and nothing is left behind.
. "$(dirname "$0")/lib.sh"
need_root

"$OLAB" run echo --quick --json "$TMP/r.json" -o "$TMP/out" >"$TMP/table" 2>"$TMP/err" \
	|| { cat "$TMP/err" >&2; fail "run echo exited $?"; }
grep -q "== echo (paper Fig. 3)" "$TMP/table" || fail "no echo table"
grep -q "answered nothing" "$TMP/table" && fail "a BPF echo answered nothing"
"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/r.json" \
	|| fail "JSON does not validate"
python3 - "$TMP/r.json" <<'PY' || fail "echo metrics"
import json, sys
d = json.load(open(sys.argv[1]))
e = [x for x in d["experiments"] if x["name"] == "echo"][0]
assert e["status"] == "ok", e["error"]
m = {x["id"]: x for x in e["metrics"]}
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
