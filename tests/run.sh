#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run every test: cmocka binaries (unit, bpf, e2e; TAP output, one count per test case) and
# shell e2e scripts (exit 0 pass, 77 skip). Last line: "N passed, N failed, N skipped".
# Under CI=true a skip counts as a failure: the CI machines can run BPF.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
pass=0 failn=0 skipn=0
failed=()

run_tap() { # binary
	local out line rc
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP timeout 600 "$1" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*"# SKIP"*) skipn=$((skipn + 1)); echo "  skip ${line#ok }";;
		"ok "*) pass=$((pass + 1));;
		"not ok "*) failn=$((failn + 1)); failed+=("$(basename "$1"): ${line#not ok }");;
		esac
	done <<<"$out"
	if [ $rc -ne 0 ] || grep -q '^not ok' <<<"$out"; then
		echo "$out" | grep -E '^(not ok|#)' | head -20
	fi
	# a binary that crashed before reporting anything is one failure
	if [ $rc -ne 0 ] && ! grep -qE '^(not )?ok ' <<<"$out"; then
		failn=$((failn + 1)); failed+=("$(basename "$1"): exited $rc before any test")
	fi
	echo "$(basename "$1"): exit $rc"
}

run_sh() { # script
	local rc t0=$SECONDS
	timeout 900 "$1" >"/tmp/olab-test-$$.log" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "$(basename "$1"): ok ($((SECONDS - t0)) s)";;
	77) skipn=$((skipn + 1)); echo "$(basename "$1"): skipped: $(tail -n1 "/tmp/olab-test-$$.log")";;
	*) failn=$((failn + 1)); failed+=("$(basename "$1")")
	   echo "$(basename "$1"): FAILED ($rc)"; tail -n 30 "/tmp/olab-test-$$.log";;
	esac
	rm -f "/tmp/olab-test-$$.log"
}

for group in unit bpf e2e; do
	echo "== $group"
	for t in build/tests/$group/test_*; do
		[ -x "$t" ] && [ -f "$t" ] && [[ "$t" != *.d ]] && run_tap "$t"
	done
	if [ "$group" = e2e ]; then
		for s in tests/e2e/*.sh; do
			[ "$(basename "$s")" = lib.sh ] || run_sh "$s"
		done
	fi
done

for f in "${failed[@]}"; do echo "failed: $f"; done
if [ "${CI:-}" = true ] && [ $skipn -gt 0 ]; then
	echo "CI: $skipn skipped test(s) count as failures"
	failn=$((failn + skipn))
	skipn=0
fi
echo "$pass passed, $failn failed, $skipn skipped"
[ $failn -eq 0 ]
