#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab run kv end to end: memcached in the testbed, throughput and both flows' latency
# without and with the kvcache, the cache really answered, the JSON validates, the report
# draws it, and nothing (namespaces, programs, pins, memcached) is left behind.
. "$(dirname "$0")/lib.sh"
need_root
command -v memcached >/dev/null || skip "memcached is not installed (scripts/install-deps.sh)"

"$OLAB" run kv --quick --json "$TMP/r.json" -o "$TMP/out" >"$TMP/table" 2>"$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "run exited $?"; }
grep -qF "== kv (paper Fig. 4-6)" "$TMP/table" || fail "no kv table"
"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/r.json" ||
	fail "JSON does not validate"
python3 - "$TMP/r.json" <<'PY' || fail "metrics"
import json, re, sys
d = json.load(open(sys.argv[1]))
e = [x for x in d["experiments"] if x["name"] == "kv"][0]
assert e["status"] == "ok", e["error"]
m = {x["id"]: x for x in e["metrics"]}
def ok(k):
    assert k in m and m[k]["unavailable"] is None, (k, m.get(k))
    return m[k]
assert ok("kv.tput.nocache")["median"] > 1
assert ok("kv.tput.cache")["median"] > 1
assert ok("kv.tput.ratio")["paper"] is not None
for k in ("kv.lat.hit.nocache", "kv.lat.hit.cache", "kv.lat.miss.nocache", "kv.lat.miss.cache"):
    x = ok(k)
    assert x["n"] > 0 and "cdf" in x, k
ok("kv.slowpath_penalty"); assert ok("kv.prog_cost")["median"] > 0
notes = " ".join(e["notes"])
# the cache really answered (how many it answered is the benchmark's business)
hits = int(re.search(r"kvcache counters: (\d+) hits", notes).group(1))
assert hits > 0, notes
for w in ("0", "50", "90", "100"):
    assert ok("kv.sweep.gain." + w)["median"] > 0
    ok("kv.sweep.model." + w)
assert 0 <= ok("kv.breakeven.model")["median"] <= 100
for k in ("kv.sweeplat.hit_cache.50", "kv.sweeplat.miss_cache.50", "kv.sweeplat.miss_nocache.0"):
    assert ok(k)["n"] > 0, k
assert "kv.breakeven.measured" in m
PY
R=$(ls -d "$TMP"/out/*/ | head -1)
grep -qF 'data-title="Latency of the cacheable and the uncacheable flow"' "$R/report.html" ||
	fail "no kv CDF in the report"
pgrep -f 'memcached -u root -l 198.18.0.2' >/dev/null && fail "memcached left running"
assert_clean
exit 0
