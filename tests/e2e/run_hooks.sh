#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `offloadlab run hooks` end to end, twice: the table is printed, the JSON validates against
# the schema, every metric has n, median, IQR and a method, and nothing is left behind.
. "$(dirname "$0")/lib.sh"
need_root
stats_before=$(cat /proc/sys/kernel/bpf_stats_enabled)

for round in 1 2; do
	"$OLAB" run hooks --quick --samples 300 --json "$TMP/r$round.json" -o "$TMP/out" \
		>"$TMP/table$round" 2>"$TMP/err$round" || { cat "$TMP/err$round" >&2; fail "run $round exited $?"; }
	grep -q "== hooks (paper Table 1)" "$TMP/table$round" || fail "no hooks table"
	grep -q "reach TC ingress (from XDP)" "$TMP/table$round" || fail "no TC reach row"
	grep -qE "empty xdp program, per run +[0-9.]+ ns \[" "$TMP/table$round" \
		|| fail "no test-run row with a number"
	grep -q "veth" "$TMP/table$round" || fail "the output does not say the path is veth"
	"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/r$round.json" \
		|| fail "round $round: JSON does not validate"
	ls "$TMP"/out/*/results.json >/dev/null 2>&1 || fail "no run folder written"
	python3 - "$TMP/r$round.json" <<'PY' || fail "round $round: metric content"
import json, sys
d = json.load(open(sys.argv[1]))
e = [x for x in d["experiments"] if x["name"] == "hooks"][0]
assert e["status"] == "ok", e["error"]
ids = {m["id"]: m for m in e["metrics"]}
need = ["hooks.prep.xdp.testrun", "hooks.prep.tc.testrun", "hooks.prep.xdp.bpfstats",
        "hooks.reach.tc.udp.sleep", "hooks.reach.tc.tcp.busy", "hooks.reach.socket.udp.busy",
        "hooks.reach.skskb.tcp.sleep", "hooks.prep.skskb.live.tcp.sleep",
        "hooks.recv_latency.udp.sleep", "hooks.recv_latency_skskb.tcp.busy"]
for k in need:
    assert k in ids, "missing " + k
    m = ids[k]
    assert m["unavailable"] is None, (k, m["unavailable"])
    assert m["n"] > 0 and m["p25"] <= m["median"] <= m["p75"], k
    assert m["method"] in ("test-run", "live", "bpf-stats"), k
# order along the path: XDP before netif_receive_skb before TC before sk_data_ready
for p in ("udp", "tcp"):
    nrs, tc, sdr = (ids["hooks.reach.%s.%s.busy" % (h, p)]["median"] for h in ("nrs", "tc", "sdr"))
    assert 0 < nrs < tc < sdr, (p, nrs, tc, sdr)
assert ids["hooks.prep.skskb.testrun"]["unavailable"], "sk_skb test-run should be explained"
for m in e["metrics"]:
    assert m["method"], m["id"]
PY
	assert_clean
	[ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = "$stats_before" ] ||
		fail "kernel.bpf_stats_enabled left changed"
done
# the run folder holds the page too, and its path was printed
grep -q "offloadlab: report in $TMP/out/.*/report.html" "$TMP/err2" || fail "no report path printed"
ls "$TMP"/out/*/report.html >/dev/null 2>&1 || fail "no report.html in the run folder"
"$OLAB" run hooks --quick --no-report -o "$TMP/nr" >/dev/null 2>&1 || fail "--no-report run failed"
ls "$TMP"/nr/*/report.html >/dev/null 2>&1 && fail "--no-report wrote a report"

# the time budget: an experiment that would end past it is not started, and says so
"$OLAB" run hooks --quick --budget 1s --json "$TMP/b.json" -o "$TMP/out" >"$TMP/btable" 2>&1
[ $? -eq 1 ] || fail "a run past its budget did not exit 1"
grep -q "not started: it would end past the time budget of 1 s" "$TMP/btable" ||
	fail "the budget refusal is not explained: $(cat "$TMP/btable")"
grep -qE '\[1/1\] hooks \(paper Table 1\), 0 s elapsed, ~[0-9]+ s left' "$TMP/btable" ||
	fail "no progress line with the time left"
"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/b.json" ||
	fail "the budget run's JSON does not validate"
"$OLAB" run hooks --budget soon 2>/dev/null
[ $? -eq 64 ] || fail "a bad --budget is not a usage error"
assert_clean
exit 0
