#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab run kv-afxdp end to end: memcached, the AF_XDP server, the same behind the
# kvcache and the XDP_TX responder in interleaved repetitions; every figure there with the
# paper's beside it, the cache really in the path, the headroom rule applied, the takeaway
# judged, the report drawn, and nothing (namespaces, programs, pins, servers) left behind.
. "$(dirname "$0")/lib.sh"
need_root
command -v memcached >/dev/null || skip "memcached is not installed (scripts/install-deps.sh)"

run_json kv-afxdp
python3 - "$TMP/r.json" <<'PY' || fail "metrics"
import re, sys
from olab_results import experiment, ok as ok_in
e, m = experiment(sys.argv[1], "kv-afxdp")
ok = lambda k: ok_in(m, k)
# the generator's ceiling: the XDP_TX responder's best, the dut CPU's placement or the one where
# the generator's CPU runs it too; every throughput says which engine measured it
ceil = ok("kv_afxdp.gen.ceiling")["median"]
assert ceil >= ok("kv_afxdp.tput.ceiling")["median"]
assert ceil >= ok("kv_afxdp.tput.ceiling_shared")["median"]
for s in ("memcached", "afxdp", "afxdp_cache", "ceiling"):
    t = ok("kv_afxdp.tput." + s)
    assert t["engine"] == "xdp", t
    assert t["median"] > 1 and t["n"] >= 2 and (s == "ceiling" or t["paper"] is not None), t
    if s == "ceiling":
        continue
    assert ("generator-bound" in t["flags"]) == (t["median"] * 1.5 >= ceil), (s, t, ceil)
    assert 0 <= ok("kv_afxdp.busy.dut." + s)["median"] <= 100
    for p in ("hit", "miss"):
        x = ok("kv_afxdp.lat.%s.%s" % (p, s))
        assert x["n"] > 0 and "cdf" in x, (p, s)
    assert m["kv_afxdp.lat.miss." + s]["paper"] is not None
for k in ("kv_afxdp.gain.afxdp", "kv_afxdp.gain.cache", "kv_afxdp.slowpath"):
    assert ok(k)["median"] > 0 and m[k]["paper"] is not None, k
notes = " ".join(e["notes"])
hits = int(re.search(r"kvcache counters over its runs: (\d+) hits", notes).group(1))
fills = int(re.search(r"(\d+) fills,", notes).group(1))
assert hits > 0 and fills > 0, notes  # the cache was in the path, and filled from the server
# the socket engine on the same load, and the note that compares them
assert ok("kv_afxdp.tput.memcached.socket")["engine"] == "socket"
assert re.search(r"engines (agree|disagree): kv_afxdp.tput.memcached ", notes), notes
assert "load generator: the XDP engine on " in notes, notes
PY
R=$(ls -d "$TMP"/out/*/ | head -1)
grep -q "Once the server's own path is fast (AF_XDP)" "$R/report.html" ||
	fail "the kv-afxdp takeaway is not in the report"
grep -qF 'data-title="Latency of the uncacheable flow per server"' "$R/report.html" ||
	fail "no kv-afxdp CDF in the report"
pgrep -f 'memcached -u root -l 198.18.0.2' >/dev/null && fail "memcached left running"
pgrep -x offloadlab >/dev/null && fail "a process of the run is still there"

# with two hosts (namespaces): the AF_XDP server, alone and behind the cache, there
two_hosts
remote_json kv-afxdp
grep -q "on B: kv-afxdp: the AF_XDP key-value server (UDP port 11212, copy mode) on $RY with the kvcache in front" "$TMP/rerr" ||
	fail "kv-afxdp's server not started by the agent"
python3 - "$TMP/rr.json" "$TMP/r.json" <<'PY' || fail "kv-afxdp with two hosts"
import sys
from olab_results import same_as_local
m = same_as_local(sys.argv[1], sys.argv[2], "kv-afxdp",
                  ("kv_afxdp.tput.memcached", "kv_afxdp.tput.afxdp", "kv_afxdp.tput.afxdp_cache",
                   "kv_afxdp.gain.afxdp", "kv_afxdp.lat.miss.afxdp",
                   "kv_afxdp.lat.miss.afxdp_cache"))
assert m["kv_afxdp.tput.afxdp"]["median"] > m["kv_afxdp.tput.memcached"]["median"]
PY
two_hosts_down
assert_clean
exit 0
