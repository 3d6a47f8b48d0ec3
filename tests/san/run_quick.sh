#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The suite of experiments ('run --quick'; those tests/san/remote.sh runs are left to it), then
# report and compare on its results, with the ASan + UBSan build (make san): any sanitizer
# report fails the test, as does a failed experiment. This is where a use-after-free in an
# experiment's own code shows up.
. "$(dirname "$0")/../e2e/lib.sh"
need_root
OLAB="$TOP/build-san/offloadlab"
[ -x "$OLAB" ] || fail "no sanitizer build (make san builds build-san/offloadlab)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

san_clean() { # file: no sanitizer report in it
	if grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$1" >&2; then
		fail "a sanitizer report (above) in $2"
	fi
}

# every experiment but those tests/san/remote.sh already runs with this build, here and with two
# hosts (its RUN line, checked: a change there must change this list too)
COVERED="hooks bandwidth preproc isolation memcpy"
grep -q "^RUN=(run $COVERED --quick" "$TOP/tests/e2e/remote.sh" ||
	fail "tests/e2e/remote.sh no longer runs '$COVERED': update COVERED here"
EXPS=()
while read -r name _; do
	case " $COVERED " in *" $name "*) ;; *) EXPS+=("$name") ;; esac
done < <("$OLAB" list)
[ ${#EXPS[@]} -ge 5 ] || fail "offloadlab list gave too few experiments: ${EXPS[*]}"
"$OLAB" run "${EXPS[@]}" --quick --json "$TMP/r.json" -o "$TMP/out" >"$TMP/table" 2>"$TMP/err"
rc=$?
san_clean "$TMP/err" "run --quick"
if [ $rc -ne 0 ]; then
	tail -n 20 "$TMP/err" >&2
	# which experiments failed, and why
	python3 -c 'import json, sys
for e in json.load(open(sys.argv[1]))["experiments"]:
    if e.get("error"):
        print("%s: %s" % (e["name"], e["error"]), file=sys.stderr)' "$TMP/r.json"
	fail "run --quick exited $rc under the sanitizers"
fi
# every id an experiment emits is one it declares (its plots and claims are checked against
# the same list by tests/unit/test_experiments.c)
if grep 'undeclared metric id' "$TMP/err" >&2; then
	fail "an experiment emitted a metric id it does not declare (above)"
fi
"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/r.json" ||
	fail "JSON does not validate"
R=$(ls -d "$TMP"/out/*/ | head -n 1)
"$OLAB" report "$R" -o "$TMP/page.html" >/dev/null 2>"$TMP/rep.err" || fail "report failed"
san_clean "$TMP/rep.err" "report"
"$OLAB" compare "$TMP/r.json" "$TMP/r.json" >/dev/null 2>"$TMP/cmp.err" || fail "compare failed"
"$OLAB" compare "$TMP/r.json" "$TOP/tests/data/run_a.json" --json >/dev/null 2>>"$TMP/cmp.err" ||
	fail "compare with another run failed"
san_clean "$TMP/cmp.err" "compare"
"$OLAB" env --json >/dev/null 2>"$TMP/env.err" || fail "env failed"
san_clean "$TMP/env.err" "env"
# the command lines, bad ones included, under the sanitizers too
OLAB="$OLAB" "$TOP/tests/e2e/cli.sh" 2>"$TMP/cli.err" || { cat "$TMP/cli.err" >&2; fail "cli.sh"; }
san_clean "$TMP/cli.err" "cli.sh"
OLAB="$OLAB" "$TOP/tests/e2e/advise.sh" 2>"$TMP/adv.err" || { cat "$TMP/adv.err" >&2; fail "advise.sh"; }
san_clean "$TMP/adv.err" "advise.sh"
assert_clean
exit 0
