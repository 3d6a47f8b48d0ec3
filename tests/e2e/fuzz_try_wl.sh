#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The workload readers of 'offloadlab try' (requests file, pcap) under libFuzzer for a bounded
# number of runs (FUZZ_RUNS, default 200000, about 5 s; FUZZ_SECONDS bounds the time instead),
# from the hand-written seeds and the corpus earlier runs found (corpus_try_wl_found.tar.gz: 20 s
# of fuzzing from the seeds reached less coverage than this corpus starts with); any crash,
# sanitizer report or broken invariant (the harness aborts) fails. A count, not a time: the same
# inputs on a busy machine as on a quiet one. To grow the corpus: fuzz longer into a directory,
# then -merge=1 it with the corpus.
. "$(dirname "$0")/lib.sh"
FUZZ="$TOP/build/fuzz/fuzz_try_wl"
[ -x "$FUZZ" ] || fail "no fuzzer binary (make all builds build/fuzz/fuzz_try_wl)"

mkdir -p "$TMP/corpus"
cp "$TOP"/tests/fuzz/corpus_try/* "$TMP/corpus/"
tar -xzf "$TOP/tests/fuzz/corpus_try_wl_found.tar.gz" -C "$TMP/corpus" ||
	fail "cannot unpack tests/fuzz/corpus_try_wl_found.tar.gz"
"$FUZZ" -runs="${FUZZ_RUNS:-200000}" ${FUZZ_SECONDS:+-max_total_time="$FUZZ_SECONDS"} -timeout=5 \
	-rss_limit_mb=1024 -seed=1 -artifact_prefix="$TMP/" "$TMP/corpus" >"$TMP/log" 2>&1 ||
	{ tail -30 "$TMP/log" >&2; fail "the fuzzer found a failing input (see above)"; }
grep -qE 'Done [0-9]+ runs' "$TMP/log" || { tail -5 "$TMP/log" >&2; fail "the fuzzer did not finish"; }
runs=$(grep -oE 'Done [0-9]+ runs' "$TMP/log" | grep -oE '[0-9]+')
[ "$runs" -gt 1000 ] || fail "only $runs runs"
echo "fuzz_try_wl: $runs runs" >&2
exit 0
