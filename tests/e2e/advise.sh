#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab advise: the model from given numbers, from a program measured here by test-run
# (the kvcache on a GET it answers, and on one it passes), JSON, and bad input.
. "$(dirname "$0")/lib.sh"
need_root

"$OLAB" advise --hit-share 80% --app-ns 25000 --cost-ns 300 >"$TMP/out" || fail "advise failed"
grep -q 'throughput x4.72' "$TMP/out" || fail "wrong gain: $(cat "$TMP/out")"
grep -q 'it pays off' "$TMP/out" || fail "no verdict"
"$OLAB" advise --hit-share 0.005 --app-ns 25000 --cost-ns 300 | grep -q 'does not pay off' ||
	fail "below break-even it should not pay off"

# a GET datagram to memcached's port as a raw frame
python3 - "$TMP/get.bin" <<'PY'
import struct, sys
payload = b"\x00\x01\x00\x00\x00\x01\x00\x00get foo\r\n"
udp = struct.pack("!HHHH", 40000, 11211, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                 bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
s = sum(struct.unpack("!10H", ip)); s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16)
ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
eth = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]) + b"\x08\x00"
open(sys.argv[1], "wb").write(eth + ip + udp)
PY
"$OLAB" advise --hit-share 0.5 --app-ns 25000 --obj "$TOP/build/bpf/kvcache/kvcache.bpf.o" \
	--section olab_kvc_xdp --packet "$TMP/get.bin" --json >"$TMP/j" || fail "advise --obj failed"
python3 - "$TMP/j" <<'PY' || fail "advise --json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["method"] == "model" and d["cost_method"] == "test-run", d
assert 0 < d["cost_ns"] < 25000, d
assert d["pays_off"] and d["gain"] > 1.5, d
assert abs(d["breakeven_w"] - d["cost_ns"] / 25000) < 1e-9
PY
"$OLAB" advise --hit-share 0.5 --app-ns 100 --obj "$TOP/build/bpf/kvcache/kvcache.bpf.o" \
	--section nosuch --packet "$TMP/get.bin" 2>"$TMP/err" && fail "a missing program was accepted"
grep -q "nosuch" "$TMP/err" || fail "unclear error for a missing program"
# --packet on a FIFO: refused at once (the old code blocked in fopen until a writer came)
mkfifo "$TMP/fifo"
timeout 20 "$OLAB" advise --hit-share 0.5 --app-ns 25000 --obj "$TOP/build/bpf/kvcache/kvcache.bpf.o" \
	--section olab_kvc_xdp --packet "$TMP/fifo" 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] || fail "advise --packet on a FIFO exited $rc (124: it blocked)"
grep -q "not a regular file" "$TMP/err" || fail "unclear error for a FIFO packet: $(cat "$TMP/err")"
for bad in "--hit-share 2 --app-ns 1 --cost-ns 1" "--hit-share 50% --app-ns 0 --cost-ns 1" \
	"--hit-share 50%" "--hit-share x --app-ns 1 --cost-ns 1" \
	"--hit-share 0.5 --app-ns 1 --obj x.o" "--hit-share 0.5 --app-ns inf --cost-ns 5" \
	"--hit-share nan --app-ns 100 --cost-ns 5" "--hit-share 0.5 --app-ns 100 --cost-ns 0x10" \
	"--hit-share 0.5 --app-ns 100 --cost-ns -inf"; do
	# shellcheck disable=SC2086
	"$OLAB" advise $bad 2>/dev/null
	[ $? -eq 64 ] || fail "'advise $bad' is not a usage error"
done
"$OLAB" advise --help | grep -q 'hit-share 80% ' || fail "advise --help shows a doubled %"
assert_clean
exit 0
