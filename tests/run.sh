#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run every test: cmocka binaries (unit, bpf, e2e; TAP output, one count per test case) and
# shell e2e scripts (exit 0 pass, 77 skip; one that tests/san wraps runs only there, with the
# sanitizer build, as do the bpf and e2e binaries when there is one). Last line: "N passed, N
# failed, N skipped".
# Under CI=true a skip counts as a failure: the CI machines can run BPF.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
pass=0 failn=0 skipn=0
failed=()

run_tap() { # binary
	local out line rc t0=$SECONDS
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP timeout 600 "$1" 2>&1)
	rc=$?
	# a sanitizer report fails the binary even when its own checks passed
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' <<<"$out"; then
		failn=$((failn + 1)); failed+=("$1: sanitizer report")
		grep -E -A5 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' <<<"$out" | head -20
	fi
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
	echo "${1#build*/tests/}: exit $rc ($((SECONDS - t0)) s)"
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
		[ -x "$t" ] && [ -f "$t" ] && [[ "$t" != *.d ]] || continue
		# a BPF or end-to-end binary runs once, with the sanitizer build (below): the same
		# cases, memory checked too (their time is the kernel's: loading, test-runs, the
		# testbed); the unit tests, cheap, run in both builds
		if [ "$group" != unit ] && [ -x "build-san/${t#build/}" ]; then
			echo "${t#build/tests/}: runs under the sanitizers"
			continue
		fi
		run_tap "$t"
	done
	if [ "$group" = e2e ]; then
		for s in tests/e2e/*.sh; do
			[ "$(basename "$s")" = lib.sh ] && continue
			# a script a sanitizer wrapper of the same name runs (tests/san) runs once,
			# there, with the sanitizer build: the same assertions, memory checked too
			if [ -d build-san/tests ] && [ -f "tests/san/$(basename "$s")" ]; then
				echo "$(basename "$s"): runs under the sanitizers (tests/san)"
				continue
			fi
			run_sh "$s"
		done
	fi
done

# The sanitizer build (make san): every C test (the unit tests again), and the whole suite of
# experiments with report and compare (tests/san). Any ASan or UBSan report fails the test it
# came from.
if [ -d build-san/tests ]; then
	echo "== sanitizers (ASan + UBSan)"
	export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	for t in build-san/tests/*/test_*; do
		[ -x "$t" ] && [ -f "$t" ] && [[ "$t" != *.d ]] && run_tap "$t"
	done
	for s in tests/san/*.sh; do
		run_sh "$s"
	done
	unset ASAN_OPTIONS UBSAN_OPTIONS
elif [ "${CI:-}" = true ]; then
	failn=$((failn + 1)); failed+=("sanitizers: no build-san (make san)")
fi

for f in "${failed[@]}"; do echo "failed: $f"; done
if [ "${CI:-}" = true ] && [ $skipn -gt 0 ]; then
	echo "CI: $skipn skipped test(s) count as failures"
	failn=$((failn + skipn))
	skipn=0
fi
echo "$pass passed, $failn failed, $skipn skipped"
[ $failn -eq 0 ]
