#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Results that are not finite numbers are never dropped: advise has no finite answer for a
# free program serving everything (--cost-ns 0, 100 %) or for a run claiming 1e308 req/s, and
# says so with exit 1 (text and --json; before: an empty line and exit 0); compare writes an
# overflowing change as the documented string "inf" (before: the key was silently missing).
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/data"

# --- advise
for j in "" --json; do
	# shellcheck disable=SC2086
	"$OLAB" advise --hit-share 100% --app-ns 25000 --cost-ns 0 $j >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] || fail "advise $j with an unbounded gain exited $rc"
	[ -s "$TMP/out" ] && fail "advise $j printed an answer: $(cat "$TMP/out")"
	grep -q 'no finite answer.*gains without bound' "$TMP/err" ||
		fail "advise $j: unclear: $(cat "$TMP/err")"
done
# a hit share below 100 % has an answer, printed whole
"$OLAB" advise --hit-share 99% --app-ns 25000 --cost-ns 0 --json >"$TMP/out" ||
	fail "advise with a bounded gain failed"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert abs(d["gain"]-100)<1e-6, d' \
	"$TMP/out" || fail "advise --json: wrong gain"

# a kv run whose figures overflow the model
python3 - "$DATA/run_a.json" "$TMP/huge.json" <<'PY' || fail "fixture"
import json, sys
d = json.load(open(sys.argv[1]))
m0 = [m for e in d["experiments"] for m in e["metrics"] if m.get("median") is not None][0]
ms = []
for mid, unit, v in [("kv.tput.nocache", "kreq/s", 1e308), ("kv.cost.hit.live", "ns", 1e5),
                     ("kv.cost.miss.live", "ns", 1e5)]:
    m = dict(m0, id=mid, unit=unit, median=v, p25=v, p75=v, ci95=[v, v])
    m.pop("cdf", None)
    ms.append(m)
d["experiments"].append({"name": "kv", "question": "q", "paper": "Fig. 9", "status": "ok",
                         "error": None, "duration_s": 1, "notes": [], "metrics": ms})
json.dump(d, open(sys.argv[2], "w"))
PY
for j in "" --json; do
	# shellcheck disable=SC2086
	"$OLAB" advise --hit-share 90% --from "$TMP/huge.json" $j >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] || fail "advise --from a run of 1e308 req/s $j exited $rc"
	grep -q 'no finite answer.*out of any real range' "$TMP/err" ||
		fail "advise --from $j: unclear: $(cat "$TMP/err")"
	[ -n "$j" ] && [ -s "$TMP/out" ] && fail "advise --json printed: $(cat "$TMP/out")"
done

# --- compare: a change that overflows a double
python3 - "$DATA/run_a.json" "$TMP/tiny.json" "$TMP/vast.json" <<'PY' || fail "fixture"
import json, sys
for path, v in [(sys.argv[2], 1e-300), (sys.argv[3], 1e300)]:
    d = json.load(open(sys.argv[1]))
    m = d["experiments"][0]["metrics"][0]
    m.update(median=v, p25=v, p75=v, ci95=[v, v])
    json.dump(d, open(path, "w"))
PY
mid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["experiments"][0]["metrics"][0]["id"])' "$TMP/tiny.json")
"$OLAB" compare "$TMP/tiny.json" "$TMP/vast.json" --json >"$TMP/cmp.json" 2>"$TMP/err" ||
	fail "compare --json exited $?: $(cat "$TMP/err")"
python3 - "$TMP/cmp.json" "$mid" <<'PY' || fail "compare --json dropped or mangled an infinite change"
import json, sys
d = json.load(open(sys.argv[1]))
rows = {m["id"]: m for m in d["metrics"]}
r = rows[sys.argv[2]]
assert r.get("change_pct") == "inf", r
assert all("change_pct" in m for m in d["metrics"]), "a row lacks change_pct"
PY
"$OLAB" compare "$TMP/vast.json" "$TMP/tiny.json" --json >"$TMP/cmp.json" || fail "compare B A"
python3 -c 'import json,sys; r={m["id"]:m for m in json.load(open(sys.argv[1]))["metrics"]}[sys.argv[2]]; assert abs(r["change_pct"] + 100) < 1e-6, r' \
	"$TMP/cmp.json" "$mid" || fail "a finite change is not a number"
"$OLAB" compare "$TMP/tiny.json" "$TMP/vast.json" >"$TMP/cmp.txt" || fail "compare (text) failed"
grep -qE "^$mid .*\+inf %" "$TMP/cmp.txt" || fail "the text does not show +inf: $(cat "$TMP/cmp.txt")"
assert_clean
exit 0
