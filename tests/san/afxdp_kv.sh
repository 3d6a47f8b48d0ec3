#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The AF_XDP key-value server against memcached (tests/e2e/afxdp_kv.sh: every fixed case, the
# fixed seeds and one new one) with the ASan + UBSan build, in place of the plain build's run:
# any sanitizer report from the server fails the test, as does any reply unlike memcached's.
. "$(dirname "$0")/../e2e/lib.sh"
need_root
SAN="$TOP/build-san/offloadlab"
[ -x "$SAN" ] || fail "no sanitizer build (make san builds build-san/offloadlab)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$TMP/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$TMP/ubsan
OLAB="$SAN" "$TOP/tests/e2e/afxdp_kv.sh" 2>"$TMP/err" ||
	{ tail -n 30 "$TMP/err" >&2; fail "afxdp_kv.sh under the sanitizers"; }
if san_reports; then
	fail "a sanitizer report (above) from the AF_XDP server"
fi
exit 0
