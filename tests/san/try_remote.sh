#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab try with two hosts under the sanitizers: tests/e2e/try_remote.sh with the ASan +
# UBSan build as the driver and the agent (the agent reads the try side's requests and its own
# state file after a SIGKILL; the driver the answers). Any sanitizer report fails the test.
. "$(dirname "$0")/../e2e/lib.sh"
need_root
SAN="$TOP/build-san/offloadlab"
[ -x "$SAN" ] || fail "no sanitizer build (make san builds build-san/offloadlab)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$TMP/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$TMP/ubsan
OLAB="$SAN" "$TOP/tests/e2e/try_remote.sh" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "try_remote.sh"; }
if ls "$TMP"/asan* "$TMP"/ubsan* >/dev/null 2>&1; then
	cat "$TMP"/asan* "$TMP"/ubsan* >&2
	fail "a sanitizer report (above) from try with two hosts"
fi
exit 0
