#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bandwidth, preproc and isolation end to end: every figure is measured, the set-up did what
# it claims (a gain only where the sink set the rate, the neighbour's load calibrated to what
# the machine carries and every point's delivered load recorded), the
# JSON validates, and nothing is left behind.
. "$(dirname "$0")/lib.sh"
need_root

run_json bandwidth preproc isolation
python3 - "$TMP/r.json" <<'PY' || fail "metrics"
import json, re, sys
d = json.load(open(sys.argv[1]))
ex = {e["name"]: e for e in d["experiments"]}
for name in ("bandwidth", "preproc", "isolation"):
    assert ex[name]["status"] == "ok", (name, ex[name]["error"])
m = {x["id"]: x for e in ex.values() for x in e["metrics"]}
def ok(k):
    assert k in m and m[k]["unavailable"] is None and m[k]["n"] > 0, (k, m.get(k))
    return m[k]
for c in ("none", "xdp", "tc", "skskb"):
    assert ok("bandwidth.gbps." + c)["median"] > 0
for c in ("xdp", "tc", "skskb"):
    assert ok("bandwidth.change." + c)["unit"] == "%"
for p in ("0", "50", "100"):
    ok("preproc.kpps." + p)
offered = ok("preproc.offered")["median"]
# a gain is claimed only where the sink, not the generator, set the rate
g = m["preproc.best_gain"]
if g["unavailable"] is None:
    assert offered * 0.9 > m["preproc.kpps.0"]["median"], (offered, m["preproc.kpps.0"])
else:
    assert "generator-bound" in g["unavailable"], g["unavailable"]
# the neighbour's load is calibrated to what this machine carries, and every point either
# carried its load (offered and delivered recorded) or says it did not
cap = ok("isolation.capacity.1000")["median"]
assert cap > 0
# the capacity is the more of two senders flat out (the XDP load generator, the paced clients);
# the points are shares of what the paced clients reach, which carry them
paced = ok("isolation.capacity.1000.paced")["median"]
assert paced <= cap * 1.0001 and m["isolation.capacity.1000.paced"]["engine"] == "socket"
assert "the XDP load generator" in m["isolation.capacity.1000"]["note"]
# here (one host, veth) the XDP load generator always runs: the capacity's flood offered frames
xoff = float(re.search(r"XDP load generator \((\d+) kpps offered", m["isolation.capacity.1000"]["note"]).group(1))
assert xoff > 0, m["isolation.capacity.1000"]["note"]
assert ok("preproc.offered")["engine"] == "xdp"
ok("isolation.lat.alone")
pts = [k for k in m if k.startswith("isolation.lat.") and "pct." in k]
assert len(pts) >= 2, pts
for k in pts:
    x = m[k]
    asked, offered, got = map(float, re.search(
        r"(\d+) kpps asked, (\d+) (?:kpps )?offered, (\d+) (?:kpps )?reached", x["note"] or x["unavailable"]).groups())
    assert asked <= cap, (k, asked, cap)
    if x["unavailable"] is None:
        assert got >= 0.9 * asked and x["n"] > 0, (k, asked, got)
    else:
        assert "did not carry" in x["unavailable"], x["unavailable"]
h = m["isolation.lat.heaviest"]
assert h["unavailable"] is None or "no neighbour load" in h["unavailable"], h
kv = m["isolation.lat.kvcache"]
# a latency with no sample says why (the kvcache could not run, or the echo server answered none)
assert kv["unavailable"] is None or "no samples were collected" not in kv["unavailable"], kv
if kv["unavailable"] is None:
    hits = int(re.search(r"the kvcache answered (\d+) of", kv["note"]).group(1))
    assert hits > 0, kv["note"]  # the cache really served the neighbour's GETs
elif "did not carry" in kv["unavailable"]:
    # not carried means the cache answered under nine tenths of the rate asked
    asked, got = map(float, re.search(r"(\d+) kpps asked, .* answered (\d+) kpps",
                                      kv["unavailable"]).groups())
    assert got < 0.9 * asked, kv["unavailable"]
PY
assert_clean
exit 0
