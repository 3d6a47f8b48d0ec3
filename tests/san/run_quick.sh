#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every experiment under the ASan + UBSan build (make san): those no other test runs with it
# ('run --quick', then report and compare on its results: run_json), and the commands that need
# no experiment (env, the command lines of cli.sh and advise.sh). Any sanitizer report fails the
# test, as does a failed experiment. This is where a use-after-free in an experiment's own code
# shows up.
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

# every experiment but those another test already runs locally with this build: tests/san/remote.sh
# (here and with two hosts: its RUN line, checked: a change there must change this list too), and
# each tests/e2e/run_*.sh that a tests/san wrapper runs (its run_json line): they run once, there
COVERED="hooks bandwidth preproc isolation memcpy"
grep -q "^RUN=(run $COVERED --quick" "$TOP/tests/e2e/remote.sh" ||
	fail "tests/e2e/remote.sh no longer runs '$COVERED': update COVERED here"
for w in "$TOP"/tests/san/run_*.sh; do
	s=$(sed -n 's/^san_wrap \(run_[a-z_]*\.sh\)$/\1/p' "$w")
	[ -n "$s" ] || continue
	names=$(sed -n 's/^run_json //p' "$TOP/tests/e2e/$s")
	[ -n "$names" ] || fail "tests/e2e/$s (wrapped by $w) has no run_json line"
	COVERED="$COVERED $names"
done
EXPS=()
while read -r name _; do
	case " $COVERED " in *" $name "*) ;; *) EXPS+=("$name") ;; esac
done < <("$OLAB" list)
# (run_json: the run, its JSON validated, report and compare on its results)
if [ ${#EXPS[@]} -gt 0 ]; then
	run_json "${EXPS[@]}"
	san_clean "$TMP/err" "run --quick ${EXPS[*]}"
	san_clean "$TMP/rep.err" "report"
	san_clean "$TMP/cmp.err" "compare"
fi
"$OLAB" env --json >/dev/null 2>"$TMP/env.err" || fail "env failed"
san_clean "$TMP/env.err" "env"
# the command lines, bad ones included, under the sanitizers too
OLAB="$OLAB" "$TOP/tests/e2e/cli.sh" 2>"$TMP/cli.err" || { cat "$TMP/cli.err" >&2; fail "cli.sh"; }
san_clean "$TMP/cli.err" "cli.sh"
OLAB="$OLAB" "$TOP/tests/e2e/advise.sh" 2>"$TMP/adv.err" || { cat "$TMP/adv.err" >&2; fail "advise.sh"; }
san_clean "$TMP/adv.err" "advise.sh"
assert_clean
exit 0
