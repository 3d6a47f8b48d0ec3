#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab report and compare on prepared result files (tests/data, see make_fixtures.py):
# the page renders in headless Chromium with every plot and no console error, holds no external
# reference and escapes the texts; compare finds the planted regression, honours
# --fail-on-regression, and refuses a schema version it does not read.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/data"
command -v chromium >/dev/null || skip "chromium is not installed (scripts/install-deps.sh)"
command -v gnuplot >/dev/null || skip "gnuplot is not installed (scripts/install-deps.sh)"

# Render a page headless; the DOM on stdout, Chromium's log (console messages) in $2.
render() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$TMP/chrome" --enable-logging=stderr --v=0 \
		--dump-dom "file://$1" 2>"$2"
}

# --- the browser check itself can fail: a page with a script error is caught
printf '<html><body><p>x</p><script>nope();</script></body></html>' >"$TMP/bad.html"
render "$TMP/bad.html" "$TMP/bad.log" >/dev/null || fail "chromium did not render a page"
grep -q 'CONSOLE' "$TMP/bad.log" || fail "a console error went unnoticed: the check is blind"

# --- report
cp "$DATA/run_a.json" "$TMP/results.json"
out=$("$OLAB" report "$TMP") || fail "offloadlab report exited $?"
[ "$out" = "$TMP/report.html" ] || fail "report printed '$out', not its path"
page="$TMP/report.html"
[ -s "$page" ] || fail "no report.html"
"$OLAB" report "$DATA/run_a.json" -o "$TMP/other.html" >/dev/null || fail "report -o failed"
[ -s "$TMP/other.html" ] || fail "report -o wrote nothing"

render "$page" "$TMP/chrome.log" >"$TMP/dom.html" || fail "chromium failed on the report"
if grep 'CONSOLE' "$TMP/chrome.log" >&2; then
	fail "the report logs console messages"
fi
grep -q '<h1>offloadlab report</h1>' "$TMP/dom.html" || fail "the page did not render"
# plots: hooks (reach, prep), echo (UDP shared CDF, throughput), bandwidth (change) and the
# unknown experiment (ns bars, Mpps bars) are drawn; every figure holds an SVG
nfig=$(grep -o '<figure class="plot"' "$TMP/dom.html" | wc -l)
nsvg=$(grep -o '<svg' "$TMP/dom.html" | wc -l)
[ "$nfig" -ge 7 ] || fail "expected at least 7 plots, the page has $nfig"
[ "$nsvg" -ge "$nfig" ] || fail "$nfig figures but only $nsvg SVG elements"
grep -q 'data-title="Echo latency, UDP, shared CPU"' "$TMP/dom.html" || fail "no echo CDF"
grep -q 'data-title="futurexp (Mpps)"' "$TMP/dom.html" ||
	fail "an experiment without a plot recipe got no default plot"
for e in hooks echo bandwidth futurexp environment summary; do
	grep -q "id=\"exp-$e\"\|id=\"$e\"" "$TMP/dom.html" || fail "no section for $e"
done
grep -q 'reproduced here\|differs here\|not measurable here' "$page" || fail "no takeaways"
grep -q 'Fixture CPU' "$page" || fail "no environment block"
# self-contained: nothing to fetch (SVG namespaces are names, not fetches)
if grep -oE '(src|href)="(https?:)?//[^"]*"|url\((https?:)?//' "$page" >&2; then
	fail "the page references something outside itself"
fi
grep -q '<script' "$page" && fail "the page carries a script"
# texts are escaped: the planted markup shows as text
grep -q '&lt;b&gt;html&lt;/b&gt; &amp; &quot;quotes&quot;' "$page" || fail "a note was not escaped"
grep -q '<b>html</b>' "$page" && fail "markup from a note reached the page"
grep -q 'unavailable: test-run does not run sk_skb programs &lt;here&gt;' "$page" ||
	fail "an unavailable metric is not shown with its reason"

# --- hostile results: strings from another machine never reach a shell or the page raw
python3 - "$DATA/run_a.json" "$TMP/evil/results.json" "$TMP/pwned" <<'EOF' || fail "fixture"
import json, os, sys
d = json.load(open(sys.argv[1]))
mark = sys.argv[3]
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
cmd = "system('touch %s')" % mark
for i, e in enumerate(d["experiments"]):
    if i == 0:  # one unknown experiment (default plots), the others keep their recipes
        e["name"] = e["name"] + "\n" + cmd + "\nset title '"
    e["paper"] = "x'; " + cmd + "; '"
    for m in e["metrics"]:
        m["unit"] = "ns'; " + cmd + "; set ylabel '"
        m["label"] = "a'\n" + cmd + "\n'b"
        m["method"] = "<img src=x onerror=alert(1)>"
json.dump(d, open(sys.argv[2], "w"))
EOF
"$OLAB" report "$TMP/evil" >/dev/null 2>"$TMP/evil.err" ||
	fail "report of a hostile run failed: $(cat "$TMP/evil.err")"
[ -e "$TMP/pwned" ] && fail "a results.json ran a command through gnuplot"
grep -q '<img src=x' "$TMP/evil/report.html" && fail "a method field reached the page unescaped"
grep -q '&lt;img src=x onerror=alert(1)&gt;' "$TMP/evil/report.html" ||
	fail "the hostile method is not shown escaped"

# report of something that is not a run
"$OLAB" report "$TMP/nothing" 2>"$TMP/err" && fail "report of a missing run succeeded"
grep -q 'no such file' "$TMP/err" || fail "unclear error for a missing run: $(cat "$TMP/err")"
"$OLAB" report "$DATA/run_v99.json" -o "$TMP/v99.html" 2>"$TMP/err" &&
	fail "report of schema version 99 succeeded"
grep -q 'schema version 99' "$TMP/err" || fail "unclear schema error: $(cat "$TMP/err")"
"$OLAB" report 2>/dev/null
[ $? -eq 64 ] || fail "report without a run is not a usage error"

# --- compare
"$OLAB" compare "$DATA/run_a.json" "$DATA/run_a.json" >"$TMP/same.txt" || fail "compare A A failed"
grep -q '0 better, 0 worse, 0 changed' "$TMP/same.txt" || fail "A against itself is not all noise"

# with --noise 0 the confidence intervals alone decide: the planted changes are found
"$OLAB" compare "$DATA/run_a.json" "$DATA/run_b.json" --noise 0 >"$TMP/ab.txt" ||
	fail "compare exits non-zero without --fail-on-regression"
grep -E '^hooks.reach.skskb.udp.busy .*\+23.1 % +REGRESSION' "$TMP/ab.txt" >/dev/null ||
	fail "the planted regression was not found: $(cat "$TMP/ab.txt")"
grep -E '^hooks.reach.tc.udp.busy .*within noise' "$TMP/ab.txt" >/dev/null ||
	fail "a change within the noise was flagged"
grep -E '^echo.tput.shared.udp.xdp .*better' "$TMP/ab.txt" >/dev/null ||
	fail "higher throughput is not 'better'"
grep -E '^bandwidth.change.skskb .*changed' "$TMP/ab.txt" >/dev/null ||
	fail "a change in % got a direction"
grep -E '^echo.lat.shared.udp.tc .*only in B' "$TMP/ab.txt" >/dev/null ||
	fail "a metric only B has is not listed"

grep -q '^takeaways: [0-9]* of 9 judged differently' "$TMP/ab.txt" || fail "no takeaway comparison"
# by default a live metric must also move past the run-to-run floor A/A runs show (30 %)
"$OLAB" compare "$DATA/run_a.json" "$DATA/run_b.json" >"$TMP/ab_floor.txt" || fail "compare failed"
grep -E '^hooks.reach.skskb.udp.busy .*\+23.1 % +within noise' "$TMP/ab_floor.txt" >/dev/null ||
	fail "a +23 % move of a live metric was called beyond the run-to-run noise"
"$OLAB" compare "$DATA/run_a.json" "$DATA/run_b.json" --noise soon 2>/dev/null
[ $? -eq 64 ] || fail "a bad --noise is not a usage error"

"$OLAB" compare "$DATA/run_a.json" "$DATA/run_b.json" --noise 0 --fail-on-regression 10 >/dev/null
[ $? -eq 1 ] || fail "--fail-on-regression 10 did not fail on a +23 % regression"
"$OLAB" compare "$DATA/run_a.json" "$DATA/run_b.json" --noise 0 --fail-on-regression 30 \
	>/dev/null || fail "--fail-on-regression 30 failed on a +23 % regression"

# a busy machine's experiment is not compared
python3 - "$DATA/run_b.json" "$TMP/busy_b.json" <<'EOF' || fail "fixture"
import json, sys
d = json.load(open(sys.argv[1]))
for e in d["experiments"]:
    if e["name"] == "hooks":
        e["machine"] = {"seconds": 5, "steal_pct": 30, "others_cpu_pct": 2, "busy": True,
                        "why": "steal 30 %"}
json.dump(d, open(sys.argv[2], "w"))
EOF
"$OLAB" compare "$DATA/run_a.json" "$TMP/busy_b.json" --noise 0 >"$TMP/busy.txt" || fail "compare failed"
grep -E '^hooks.reach.skskb.udp.busy .*not comparable: the machine was busy during B' \
	"$TMP/busy.txt" >/dev/null || fail "a busy run's figure was compared: $(cat "$TMP/busy.txt")"

"$OLAB" compare "$DATA/run_a.json" "$DATA/run_b.json" --noise 0 --json >"$TMP/ab.json" ||
	fail "compare --json failed"
python3 - "$TMP/ab.json" <<'EOF' || fail "compare --json is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
rows = {m["id"]: m for m in d["metrics"]}
r = rows["hooks.reach.skskb.udp.busy"]
assert r["outcome"] == "REGRESSION" and r["beyond_noise"], r
assert abs(r["change_pct"] - 23.0769) < 0.01, r
assert rows["hooks.reach.tc.udp.busy"]["beyond_noise"] is False
assert rows["hooks.prep.skskb.testrun"]["a"] is None
assert rows["echo.lat.shared.udp.tc"]["why"] == "only in B"
assert rows["hooks.reach.tc.udp.busy"]["noise_floor"] == 0
assert len(d["takeaways"]) == 9 and d["takeaways_changed"] >= 0
EOF

"$OLAB" compare "$DATA/run_a.json" "$DATA/run_v99.json" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] || fail "compare with schema version 99 did not exit 1"
grep -q 'schema version 99, but this offloadlab reads version 1' "$TMP/err" ||
	fail "unclear schema-version error: $(cat "$TMP/err")"
printf '{"schema":' >"$TMP/broken.json"
"$OLAB" compare "$DATA/run_a.json" "$TMP/broken.json" 2>"$TMP/err" && fail "broken JSON accepted"
grep -q 'not a JSON document' "$TMP/err" || fail "unclear error for broken JSON"
"$OLAB" compare "$DATA/run_a.json" 2>/dev/null
[ $? -eq 64 ] || fail "compare with one run is not a usage error"
"$OLAB" compare a b --fail-on-regression lots 2>/dev/null
[ $? -eq 64 ] || fail "a bad percentage is not a usage error"
exit 0
