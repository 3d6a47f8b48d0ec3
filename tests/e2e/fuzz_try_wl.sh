#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The workload readers of 'offloadlab try' (requests file, pcap) under libFuzzer for a bounded
# time (FUZZ_SECONDS, default 20), from the seed corpus; any crash, sanitizer report or broken
# invariant (the harness aborts) fails.
. "$(dirname "$0")/lib.sh"
FUZZ="$TOP/build/fuzz/fuzz_try_wl"
[ -x "$FUZZ" ] || fail "no fuzzer binary (make all builds build/fuzz/fuzz_try_wl)"

mkdir -p "$TMP/corpus"
cp "$TOP"/tests/fuzz/corpus_try/* "$TMP/corpus/"
"$FUZZ" -max_total_time="${FUZZ_SECONDS:-20}" -timeout=5 -rss_limit_mb=1024 -seed=1 \
	-artifact_prefix="$TMP/" "$TMP/corpus" >"$TMP/log" 2>&1 ||
	{ tail -30 "$TMP/log" >&2; fail "the fuzzer found a failing input (see above)"; }
grep -qE 'Done [0-9]+ runs' "$TMP/log" || { tail -5 "$TMP/log" >&2; fail "the fuzzer did not finish"; }
runs=$(grep -oE 'Done [0-9]+ runs' "$TMP/log" | grep -oE '[0-9]+')
[ "$runs" -gt 1000 ] || fail "only $runs runs"
echo "fuzz_try_wl: $runs runs" >&2
exit 0
