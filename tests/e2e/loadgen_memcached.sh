#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The generator speaks memcached's text protocol to a real memcached on loopback: sets over
# TCP are stored, gets over UDP (framed) and TCP find exactly those values.
. "$(dirname "$0")/lib.sh"
command -v memcached >/dev/null || skip "memcached is not installed (scripts/install-deps.sh)"

PORT=$((20000 + $$ % 20000))
memcached -l 127.0.0.1 -p $PORT -U $PORT -m 64 -t 1 -u "$(id -un)" >"$TMP/mc.log" 2>&1 &
MC=$!
trap 'kill $MC 2>/dev/null; wait $MC 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq 1 50); do
	"$OLAB" loadgen --dst 127.0.0.1:$PORT --tcp --app memcached --set-pct 100 --count 1 \
		>/dev/null 2>&1 && break
	sleep 0.1
done

run() { "$OLAB" loadgen --dst 127.0.0.1:$PORT --app memcached --keys 50 "$@" >"$TMP/out" 2>&1 \
	|| { cat "$TMP/out" >&2; fail "loadgen $*"; }; }

run --tcp --set-pct 100 --value-size 100 --count 2000 -o 8
grep -q "^sent 2000, received 2000, lost 0" "$TMP/out" || { cat "$TMP/out" >&2; fail "sets not all answered"; }
grep -q "stored 2000, errors 0" "$TMP/out" || { cat "$TMP/out" >&2; fail "sets not all stored"; }

run --set-pct 0 --value-size 100 --count 3000 -o 8
grep -q "^sent 3000, received 3000, lost 0" "$TMP/out" || { cat "$TMP/out" >&2; fail "UDP gets not all answered"; }
grep -q "hits 3000, misses 0, stored 0, errors 0, wrong-size values 0" "$TMP/out" \
	|| { cat "$TMP/out" >&2; fail "UDP gets did not find the values"; }

run --tcp --set-pct 0 --value-size 100 --count 3000 -o 8
grep -q "hits 3000, misses 0" "$TMP/out" || { cat "$TMP/out" >&2; fail "TCP gets did not find the values"; }

# keys never set are misses: of 100000 keys only the first 50 were set
"$OLAB" loadgen --dst 127.0.0.1:$PORT --app memcached --keys 100000 --set-pct 0 --count 400 \
	--tcp >"$TMP/out" 2>&1 || fail "miss run failed"
misses=$(sed -n 's/.*misses \([0-9]*\),.*/\1/p' "$TMP/out")
[ -n "$misses" ] && [ "$misses" -ge 390 ] || { cat "$TMP/out" >&2; fail "expected misses, got ${misses:-none}"; }
"$OLAB" loadgen --dst 127.0.0.1:$PORT --app memcached --value-size 5000 >/dev/null 2>"$TMP/err"
[ $? -eq 64 ] && grep -q "fit one datagram" "$TMP/err" || fail "oversize UDP value not refused"
exit 0
