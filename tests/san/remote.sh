#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Two hosts under the sanitizers: tests/e2e/remote.sh with the ASan + UBSan build as both the
# driver and the agent (the agent reads every request the driver sends; the driver every answer
# and result the agent sends back). Any sanitizer report, from either, fails the test.
. "$(dirname "$0")/../e2e/lib.sh"
need_root
SAN="$TOP/build-san/offloadlab"
[ -x "$SAN" ] || fail "no sanitizer build (make san builds build-san/offloadlab)"
# reports of every process (the agent's stderr goes to the driver's) into files of their own
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$TMP/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$TMP/ubsan
OLAB="$SAN" "$TOP/tests/e2e/remote.sh" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "remote.sh"; }
if san_reports; then
	fail "a sanitizer report (above) with two hosts"
fi
exit 0
