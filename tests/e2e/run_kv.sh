#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab run kv end to end: memcached in the testbed, throughput of memcached alone, with
# the kvcache and of the XDP_TX responder in both placements, the generator headroom rule, the
# paper placement really in place, both flows' latency with and without the cache and with
# the cure, each path's cost by both methods, the cache really answered, the JSON validates,
# the report draws it, and nothing (namespaces, programs, pins, memcached, the spinner) is
# left behind.
. "$(dirname "$0")/lib.sh"
need_root
command -v memcached >/dev/null || skip "memcached is not installed (scripts/install-deps.sh)"

run_json kv
python3 - "$TMP/r.json" <<'PY' || fail "metrics"
import re, sys
from olab_results import experiment, ok as ok_in
e, m = experiment(sys.argv[1], "kv")
ok = lambda k: ok_in(m, k)
# three servers in each placement, interleaved
for pl in ("", ".shared"):
    for sv in ("nocache", "cache", "ceiling"):
        t = ok("kv.tput." + sv + pl)
        assert t["median"] > 1 and t["n"] >= 2, (sv, pl, t)
        assert 0 <= ok("kv.busy.dut." + sv + pl)["median"] <= 100
    ok("kv.tput.vs_ceiling" + pl)
    # generator headroom: within 1.5x of the generator's ceiling (the XDP_TX responder's best
    # in this run, this placement or one before) is flagged, and then no ratio is claimed
    ceil = ok("kv.gen.ceiling" + pl)["median"]
    assert ceil >= m["kv.tput.ceiling" + pl]["median"], (pl, ceil)
    for sv in ("nocache", "cache", "ceiling"):
        assert m["kv.tput." + sv + pl]["engine"] == "xdp", (sv, pl)
    for sv in ("nocache", "cache"):
        t = m["kv.tput." + sv + pl]
        assert ("generator-bound" in t["flags"]) == (t["median"] * 1.5 >= ceil), (sv, pl, t, ceil)
    r = m["kv.tput.ratio" + pl]
    if "generator-bound" in m["kv.tput.cache" + pl]["flags"]:
        assert r["unavailable"] and "generator-bound" in r["unavailable"], r
        assert "generator-bound" in ok("kv.tput.ratio.atleast" + pl)["flags"]
    elif "generator-bound" not in m["kv.tput.nocache" + pl]["flags"]:
        assert r["unavailable"] is None and r["median"] > 0, r
assert m["kv.tput.ratio"]["paper"] is not None
# the socket engine on one load both carry, and the note that compares the two
assert ok("kv.tput.nocache.socket")["engine"] == "socket"
notes = " ".join(e["notes"])
assert re.search(r"engines (agree|disagree): kv.tput.nocache ", notes), notes
assert "load generator: the XDP engine on " in notes, notes
assert ok("kv.capacity.ratio")["median"] > 0
for k in ("nocache", "cache"):
    assert ok("kv.capacity." + k)["median"] >= m["kv.tput." + k]["median"] * 0.99
# the paper placement really happened: the dut's NAPI thread and memcached on the dut CPU,
# the generator's NAPI thread on the generator's CPU
where = re.search(r"paper placement: dut NAPI thread (\d+) on cpu (-?\d+), memcached worker "
                  r"(\d+) on cpu (-?\d+), generator pinned to cpu (\d+) with its veth's NAPI "
                  r"thread (-?\d+) on cpu (-?\d+)", " ".join(e["notes"]))
assert where, e["notes"]
napi_cpu, mc_cpu, gen_cpu, gen_napi_cpu = (int(where.group(i)) for i in (2, 4, 5, 7))
assert napi_cpu == mc_cpu != gen_cpu == gen_napi_cpu, where.group(0)
# the two flows, the slow path and its cure
for cfg in ("nocache", "cache", "cache_spin"):
    for path in ("hit", "miss"):
        x = ok("kv.lat.%s.%s" % (path, cfg))
        assert x["n"] > 0 and "cdf" in x, (path, cfg)
    assert ok("kv.switches." + cfg)["median"] >= 0
    assert ok("kv.wake.memcached." + cfg)["n"] > 0
    assert ok("kv.wake.napi." + cfg)["n"] > 0
ok("kv.slowpath_penalty"); ok("kv.slowpath_penalty.cured")
assert 0 <= ok("kv.cure.cpu")["median"] <= 100
# each path's cost by both methods, and the control
for path in ("hit", "miss", "reply", "ceiling"):
    for how in ("testrun", "live"):
        assert ok("kv.cost.%s.%s" % (path, how))["median"] > 0, (path, how)
notes = " ".join(e["notes"])
for path in ("the control", "a hit", "a miss", "a reply"):
    assert re.search("cost of %s.*(agree|differ)" % path, notes), path
# the cache really answered (how many it answered is the benchmark's business)
hits = int(re.search(r"kvcache counters over all its runs: (\d+) hits", notes).group(1))
assert hits > 0, notes
for w in ("0", "50", "90", "100"):
    assert ok("kv.sweep.gain." + w)["median"] > 0
    ok("kv.sweep.model." + w)
assert 0 <= ok("kv.breakeven.model")["median"] <= 100
for k in ("kv.sweeplat.hit_cache.50", "kv.sweeplat.miss_cache.50", "kv.sweeplat.miss_nocache.0"):
    assert ok(k)["n"] > 0, k
assert "kv.breakeven.measured" in m
PY

# advise --from: the model fed with this run's figures, and the slow path it measured
"$OLAB" advise --hit-share 90% --from "$TMP/r.json" --json >"$TMP/adv" || fail "advise --from"
python3 - "$TMP/r.json" "$TMP/adv" <<'PY' || fail "advise --from figures"
import json, sys
d = json.load(open(sys.argv[1])); a = json.load(open(sys.argv[2]))
m = {x["id"]: x for e in d["experiments"] for x in e["metrics"]}
med = lambda k: m[k]["median"]
assert a["cost_method"] == "bpf-stats" and a["method"] == "model", a
assert abs(a["app_ns"] - 1e6 / med("kv.tput.nocache")) < 1e-6 * a["app_ns"], a
want = 0.9 * med("kv.cost.hit.live") + 0.1 * med("kv.cost.miss.live")
assert abs(a["cost_ns"] - want) < 1e-6 * want, (a, want)
assert abs(a["measured"]["slowpath_penalty_pct"] - med("kv.slowpath_penalty")) < 1e-9, a
assert abs(a["measured"]["cured_penalty_pct"] - med("kv.slowpath_penalty.cured")) < 1e-9, a
assert abs(a["measured"]["cure_cpu_pct"] - med("kv.cure.cpu")) < 1e-9, a
PY
"$OLAB" advise --hit-share 90% --from "$TMP/r.json" | grep -q "cure, measured: an idle-class" ||
	fail "advise --from does not show the cure"
# a document whose kv figures are not numbers is refused, not believed
python3 - "$TMP/r.json" "$TMP/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for e in d["experiments"]:
    for x in e["metrics"]:
        if x["id"] == "kv.tput.nocache":
            x["median"] = "1e999"
json.dump(d, open(sys.argv[2], "w"))
PY
"$OLAB" advise --hit-share 90% --from "$TMP/bad.json" >/dev/null 2>"$TMP/err" &&
	fail "advise believed a throughput that is not a number"
grep -q "no kv figures" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
"$OLAB" advise --hit-share 90% --from "$TMP/r.json" --obj x.o --section s --packet p \
	2>/dev/null
[ $? -eq 64 ] || fail "--obj with --from is not a usage error"

R=$(ls -d "$TMP"/out/*/ | head -1)
grep -qF 'data-title="Latency of the cacheable and the uncacheable flow"' "$R/report.html" ||
	fail "no kv CDF in the report"
grep -qF 'data-title="GET throughput: memcached alone, with the kvcache, an XDP_TX responder (ceiling)"' \
	"$R/report.html" || fail "no kv throughput bars in the report"
# the spinner (the cure) is a child of the run: it must be gone with it
pgrep -x offloadlab >/dev/null && fail "a process of the run is still there: $(pgrep -ax offloadlab)"
pgrep -f 'memcached -u root -l 198.18.0.2' >/dev/null && fail "memcached left running"

# with two hosts (namespaces), the server's side through the agent: the same figures
two_hosts
remote_json kv
grep -q "on B: kv: memcached (1 worker, 256 MB) on $RY's address" "$TMP/rerr" ||
	fail "kv's memcached not started by the agent"
grep -q "on B: kv: the kvcache (XDP and a TC egress filter) on $RY, and on every other interface of this host, so that no write to memcached passes it by: lo" "$TMP/rerr" ||
	fail "the kvcache not attached by the agent, or its other interfaces not named"
python3 - "$TMP/rr.json" "$TMP/r.json" <<'PY' || fail "kv with two hosts"
import sys
from olab_results import ok, same_as_local
m = same_as_local(sys.argv[1], sys.argv[2], "kv",
                  ("kv.tput.nocache", "kv.tput.cache", "kv.capacity.ratio", "kv.lat.miss.cache"))
# memcached, the servers, the counters, the CPU use and the wake-ups: the server's
for k in ("kv.tput.ceiling", "kv.tput.nocache.shared", "kv.busy.dut.nocache",
          "kv.cost.hit.live", "kv.cost.hit.testrun", "kv.lat.miss.nocache", "kv.slowpath_penalty"):
    ok(m, k)
# the cache served hits there; memcached alone kept the server's CPU busy
assert m["kv.tput.cache"]["median"] > m["kv.tput.nocache"]["median"]
assert m["kv.busy.dut.nocache"]["median"] > 50, m["kv.busy.dut.nocache"]
assert any("two hosts: " in n and "on B" in n for n in
           __import__("olab_results").experiment(sys.argv[1], "kv")[0]["notes"])
PY
pgrep -f 'memcached -u root -l 198.18.2.2' >/dev/null && fail "the agent left memcached running"
two_hosts_down
assert_clean
exit 0
