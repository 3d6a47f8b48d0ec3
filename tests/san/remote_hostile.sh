#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/e2e/remote_hostile.sh with the ASan + UBSan build as the driver and the agent: hostile
# lines to the agent, hostile answers (INT64_MIN/INT64_MAX counters, escape sequences, another
# version) to the driver. Any sanitizer report, from either, fails the test.
. "$(dirname "$0")/../e2e/lib.sh"
need_root
SAN="$TOP/build-san/offloadlab"
[ -x "$SAN" ] || fail "no sanitizer build (make san builds build-san/offloadlab)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$TMP/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$TMP/ubsan
OLAB="$SAN" "$TOP/tests/e2e/remote_hostile.sh" 2>"$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "remote_hostile.sh"; }
if san_reports; then
	fail "a sanitizer report (above) with a hostile agent or driver"
fi
exit 0
