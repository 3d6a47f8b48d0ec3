#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The examples of offloadlab try (examples/*/run.sh), each run briefly: it exits 0 with a
# verdict, the classes' latencies, the programs it measured and their cost, and leaves
# nothing behind; the XDP echo answers every request (the server sees none). The UDP ones are
# measured by the XDP load generator (raw requests) and say so on every figure, with the
# socket engine's cross-check beside them; TCP and --engine socket by the socket engine.
# report and compare take two try runs. Behaviour only: no figure is compared with a
# threshold of speed.
. "$(dirname "$0")/lib.sh"
need_root
command -v memcached >/dev/null || fail "no memcached (scripts/install-deps.sh installs it)"
export OLAB_RUN_LOCK="$TMP/run.lock"
cd "$TOP" || exit 1

ex() { # NAME: examples/NAME/run.sh, its JSON in $TMP/NAME.json
	OLAB="$OLAB" "examples/$1/run.sh" -q -n 2 --loads 50 --duration 300ms -o "$TMP/out" \
		--no-report --json "$TMP/$1.json" >"$TMP/$1.table" 2>"$TMP/$1.err" ||
		{ cat "$TMP/$1.err" >&2; fail "examples/$1 exited $?"; }
	"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/$1.json" ||
		fail "examples/$1: the JSON does not validate"
	assert_clean
}

# check NAME PYTHON: the assertions (on t, the try section, and m, the metrics by id)
check() {
	python3 - "$TMP/$1.json" "$1" <<PY || fail "examples/$1: the results do not hold"
import json, re, sys
d = json.load(open(sys.argv[1]))
def idp(s):  # a label as a metric id's component (src/try/try_verdict.c, id_part)
    return re.sub(r"[^a-z0-9_]", "_", s.lower())
t = d["try"]
e = d["experiments"][0]
assert e["name"] == "try" and e["status"] == "ok", e.get("error")
m = {x["id"]: x for x in e["metrics"]}
def med(i):
    x = m[i]
    assert not x.get("unavailable"), (i, x.get("unavailable"))
    return x["median"]
v = t["verdict"]
assert v["word"] in ("pays here", "does not pay here", "inconclusive here"), v
assert med("try.tput.without") > 0 and med("try.tput.with") > 0
assert med("try.gain") > 0
assert t["programs"], "no program measured"
for p in t["programs"]:
    assert len(p["tag"]) == 16, p
    assert med("try.cost.%s.%s" % (idp(p["hook"]), idp(p["name"]))) > 0, p
for c in t["workload"]["classes"]:
    for ph in ("with", "without"):
        assert med("try.lat.%s.%s.50" % (idp(c), ph)) > 0, (c, ph)
    # the penalty: one sample per interleaved repetition, as the throughput, its median in
    # the verdict
    p = m["try.penalty." + idp(c)]
    assert p["n"] == m["try.tput.with"]["n"] >= 2, (p, m["try.tput.with"]["n"])
    assert p["ci95"] and p["ci95"][0] <= med(p["id"]) <= p["ci95"][1], p
    assert abs(v["penalty_pct"][c] - med(p["id"])) < 1e-9, (v["penalty_pct"], p)
# the engine that measured, on every figure of the load generator's
eng = t["engine"]
for i in ["try.tput.without", "try.tput.with"] + [
        "try.lat.%s.%s.50" % (idp(c), ph) for c in t["workload"]["classes"]
        for ph in ("with", "without")]:
    assert m[i].get("engine") == eng, (i, m[i].get("engine"), eng)
if eng == "xdp":  # the socket engine beside it: the throughput without, each class
    assert med("try.tput.without.socket") > 0
    assert m["try.tput.without.socket"]["engine"] == "socket"
    many = len(t["workload"]["classes"]) > 1
    for c in t["workload"]["classes"]:
        for ph in ("with", "without"):
            # the XDP engine times each class in the mix; the socket engine's is the class
            # alone, compared with it only where the mix is that one class
            assert "in the mix" in m["try.lat.%s.%s.50" % (idp(c), ph)]["label"], c
            x = m["try.lat.%s.%s.50.socket" % (idp(c), ph)]
            assert x["engine"] == "socket" and med(x["id"]) > 0, x["id"]
            assert ("not compared" in (x["note"] or "")) == many, (x["id"], x["note"])
    assert any(n.startswith("engines agree") or n.startswith("engines disagree")
               for n in e["notes"]), e["notes"]
else:
    assert not [i for i in m if i.endswith(".socket")], "a cross-check without the XDP engine"
$2
print("examples/%s: %s" % (sys.argv[2], v["text"]), file=sys.stderr)
PY
}

ex echo
check echo '
assert t["engine"] == "xdp", t["engine"]
assert med("try.kernel_share") > 99, med("try.kernel_share")
assert t["programs"][0]["name"] == "olab_echo_xdp"
# the offload answers everything: the XDP engine keeps the ceiling window with it, a socket
# server gets 32 without
assert "128 request(s) in flight (the server saw none" in m["try.tput.with"]["note"], m["try.tput.with"]
assert "32 request(s) in flight" in m["try.tput.without"]["note"], m["try.tput.without"]
assert v["word"] == "pays here" or v["genbound"], v'
ex empty-xdp
check empty-xdp '
assert t["engine"] == "xdp", t["engine"]
# no assertion on the gain: with two 300 ms pairs on a busy machine its CI lies above 1.05
# now and then (1.09x [1.06, 1.96] was seen), which is speed, not behaviour; what the empty
# program does is answer nothing, and its cost is reported (above)
assert t["programs"][0]["name"] == "olab_xdp_pass"
assert med("try.kernel_share") < 1, med("try.kernel_share")'
ex kvcache
check kvcache '
assert t["engine"] == "xdp", t["engine"]
hooks = sorted(p["hook"] for p in t["programs"])
assert "xdp" in hooks, hooks
assert med("try.kernel_share") > 0, med("try.kernel_share")
# memcached answers a share with the cache: the window stays where its socket cannot overflow
assert "32 request(s) in flight," in m["try.tput.with"]["note"], m["try.tput.with"]
assert t["attach"].endswith("kvcache attach --dev " + t["attach"].split()[-1])'
ex tcp-skskb
check tcp-skskb '
assert t["engine"] == "socket", t["engine"]
assert t["programs"][0]["hook"] == "sk-skb" and t["programs"][0]["name"] == "olab_bw_skskb"'

# a pcap's payloads as the workload, classed by --class-by, the server awaited with --ready,
# the socket engine asked for
"$OLAB" try -q -n 2 --loads 50 --duration 300ms -o "$TMP/out" --no-report --json "$TMP/pcap.json" \
	--engine socket \
	--server "$OLAB echo serve --hook socket --port {port}" --port 11211 --ready \
	--pcap "$TOP/tests/fuzz/corpus_try/udp.pcap" --class-by 'get =get' --class-by 'set =set' \
	--xdp "$TOP/build/bpf/lib/xdp_pass.bpf.o:olab_xdp_pass" >"$TMP/pcap.table" 2>"$TMP/pcap.err" ||
	{ cat "$TMP/pcap.err" >&2; fail "the pcap run exited $?"; }
assert_clean
check pcap '
assert t["engine"] == "socket", t["engine"]
assert any("not the XDP engine: --engine socket" in n for n in e["notes"]), e["notes"]
assert t["workload"]["source"] == "pcap" and t["workload"]["requests"] == 2, t["workload"]
assert sorted(t["workload"]["classes"]) == ["get", "set"], t["workload"]'

# a request the XDP engine cannot send (a datagram over the veth's MTU): the socket engine
# measures and the note says why; asked for, the XDP engine is an error before the server starts
{ printf '1 big '; head -c 1600 /dev/zero | tr '\0' a; printf '\n1 small hello\n'; } >"$TMP/big.txt"
big() {
	"$OLAB" try -q -n 2 --loads 50 --duration 100ms -o "$TMP/out" --no-report \
		--server "$OLAB echo serve --hook socket --port {port}" --port 7 \
		--requests "$TMP/big.txt" --xdp "$TOP/build/bpf/lib/xdp_pass.bpf.o:olab_xdp_pass" "$@"
}
big --json "$TMP/big.json" >"$TMP/big.table" 2>"$TMP/big.err" ||
	{ cat "$TMP/big.err" >&2; fail "the run with a 1600-byte request exited $?"; }
assert_clean
check big '
assert t["engine"] == "socket", t["engine"]
assert any("not the XDP engine: a 1600-byte request" in n for n in e["notes"]), e["notes"]'
rc=0
big --engine xdp >"$TMP/out1" 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] || fail "--engine xdp with a 1600-byte request exited $rc, not 1"
grep -q "engine xdp: the XDP load generator cannot run here: a 1600-byte request" "$TMP/err" ||
	fail "no reason for refusing the XDP engine: $(cat "$TMP/err")"
grep -q "starting the server" "$TMP/err" && fail "the server was started before the refusal"
assert_clean

# the XDP engine sends UDP only: asked for with TCP, a usage error before anything starts
rc=0
"$OLAB" try --server "$OLAB echo serve --hook socket --tcp --port {port}" --port 7 --proto tcp \
	--requests examples/tcp-skskb/requests.txt --engine xdp \
	--sk-skb "$TOP/build/bpf/exp/bandwidth/bandwidth.bpf.o:olab_bw_skskb" >"$TMP/out1" 2>"$TMP/err" ||
	rc=$?
[ "$rc" = 64 ] || fail "--engine xdp with --proto tcp exited $rc, not 64"
grep -q "engine xdp sends UDP only" "$TMP/err" || fail "no reason for refusing --engine xdp: $(cat "$TMP/err")"
assert_clean

# report and compare take try runs like any run
"$OLAB" report "$TMP/echo.json" -o "$TMP/r.html" 2>"$TMP/err" || { cat "$TMP/err"; fail "report"; }
grep -q "Your offload, here" "$TMP/r.html" || fail "no verdict on top of the report"
grep -qE "pays here|inconclusive here" "$TMP/r.html" || fail "no verdict's words in the report"
"$OLAB" compare "$TMP/echo.json" "$TMP/empty-xdp.json" >"$TMP/cmp" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "compare exited $?"; }
grep -q "try.gain\|throughput with the offload over without" "$TMP/cmp" || fail "compare shows no gain"
exit 0
