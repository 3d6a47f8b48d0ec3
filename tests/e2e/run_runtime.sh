#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The runtime experiments end to end: maps, channels, jit, memcpy, chain and limits run, every
# metric they promise is measured (or says why not), the JSON validates, the report draws
# them, and nothing is left behind.
. "$(dirname "$0")/lib.sh"
need_root

run_json maps channels jit memcpy chain limits
python3 - "$TMP/r.json" <<'PY' || fail "metrics"
import json, sys
d = json.load(open(sys.argv[1]))
ex = {e["name"]: e for e in d["experiments"]}
for e in ex.values():
    assert e["status"] == "ok", (e["name"], e["error"])
m = {x["id"]: x for e in ex.values() for x in e["metrics"]}
# nothing is thrown away: a test-run metric that asked for samples has them all, and a
# non-linear batch pair flags the metric instead of emptying it
for k, x in m.items():
    if x["unavailable"] is None and x.get("wanted") and x["method"] == "test-run":
        assert x["n"] >= 1, k
    if x["unavailable"] is not None:
        assert x["unavailable"] != "no samples were collected", k
def ok(k):
    assert k in m, "missing " + k
    assert m[k]["unavailable"] is None, (k, m[k]["unavailable"])
    return m[k]
for t in ("array", "hash", "lru", "percpu_array", "percpu_hash", "lru_percpu"):
    assert ok("maps.lookup." + t)["method"] == "test-run"
    ok("maps.lookup_noinline." + t)
    ok("channels.lookup." + t)
for t in ("array", "hash", "lru"):
    ok("maps.flows.%s.100" % t); ok("maps.flows.%s.100000" % t); ok("maps.flows_change." + t)
    for z in ("0", "10", "20"):
        ok("maps.zipf.%s.%s" % (t, z))
assert "maps.flows_misses" in m or any(k.startswith("maps.flows_misses.") for k in m)
for k in ("channels.access.ringbuf", "channels.access.mmap", "channels.tput.ringbuf_busy",
          "channels.tput.ringbuf_poll", "channels.tput.spsc", "channels.tput.array_syscall",
          "channels.tput.array_syscall_live"):
    assert ok(k)["median"] > 0, k
assert "channels.tput.af_xdp" in m and "channels.access.af_xdp" in m
# the anchor beside it: what XDP received from the same sender, and the share delivered
for k in ("channels.tput.af_xdp_anchor", "channels.tput.af_xdp_vs_anchor",
          "channels.tput.af_xdp_desc"):
    assert k in m, k
# the consumer that only recycles descriptors (xdp-bench xsk-drop's) ran the same samples
if m["channels.tput.af_xdp"]["unavailable"] is None:
    assert ok("channels.tput.af_xdp_desc")["median"] > 0
    assert m["channels.tput.af_xdp_desc"]["n"] == m["channels.tput.af_xdp"]["n"]
if m["channels.tput.af_xdp_vs_anchor"]["unavailable"] is None:
    assert 0 < m["channels.tput.af_xdp_vs_anchor"]["median"] <= 1.01
for n in ("1", "20", "80"):
    assert ok("jit.fib.native." + n)["method"] == "native"
    ok("jit.fib.bpf." + n)
for x in ("1", "8", "64"):
    ok("jit.sum.bpf." + x); ok("jit.sum.native." + x)
assert ok("jit.loop_insns.bpf")["median"] >= 64
assert ok("jit.loop_insns.native")["median"] >= 1
for v in ("bytewise", "u64", "probe_read_kernel", "xdp_load_bytes", "dynptr_read"):
    ok("memcpy." + v)
ok("memcpy.native"); ok("memcpy.ratio.bytewise")
for v in ("tail_const", "tail_var", "bpf2bpf", "global", "inlined"):
    ok("chain.%s.0" % v); ok("chain.%s.8" % v); ok("chain.per_call." + v)
assert ok("chain.kvcache.global")["median"] > 0
assert ok("chain.kvcache_mreqs.global")["paper"] is not None
for v in ("tail_const", "tail_var"):
    assert ok("chain.kvcache." + v)["median"] > 0
assert m["chain.kvcache_mreqs.tail_const"]["paper"] is not None
for v in ("bpf2bpf", "inlined"):  # measured, or refused by the verifier with the reason
    assert m["chain.kvcache." + v]["unavailable"] is None or "verifier" in m["chain.kvcache." + v]["unavailable"]
assert ok("limits.stack")["median"] >= 256
assert ok("limits.tail_calls")["median"] >= 1
assert ok("limits.insn_budget")["median"] >= 4096
for h in ("xdp", "tc", "sk_skb"):
    ok("limits.sleepable." + h); ok("limits.blocking_helper." + h)
PY
R=$(ls -d "$TMP"/out/*/ | head -1)
for t in "Lookup cost per map type" "Fibonacci: BPF (JIT) and native" "Copying 1 KB" \
	"Cost per chained call" "Kernel -&gt; user throughput"; do
	grep -qF "data-title=\"$t" "$R/report.html" || fail "no plot '$t' in the report"
done
grep -q 'id="exp-limits"' "$R/report.html" || fail "no limits section"
assert_clean
exit 0
