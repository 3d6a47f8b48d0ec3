#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# offloadlab try against offloadlab run kv on the same machine, one after the other: memcached
# and the kvcache through --attach, with kv's keys, sizes and slow-path mix (one GET in 11 for
# a 4000-byte value the cache never holds) at kv's share of memcached's capacity (43 %); the
# values stored over TCP as kv stores them (a fragmented UDP write would hold the cache's
# fills for the reassembly timeout).
# Prints try's gain beside kv's at the nearest hit share (kv.sweep.gain.90: 90 % hits, try's
# mix has 91 %) and the slow-path penalties side by side, with the floors 'offloadlab compare'
# uses. A benchmark, not a test: run it on a quiet machine, as root, from the source tree.
#   examples/kvcache/vs-kv.sh [OUT_DIR] [extra options for both, e.g. --quick]
set -eu
OLAB=${OLAB:-build/offloadlab}
OUT=${1:-results/vs-kv}
[ $# -gt 0 ] && shift
mkdir -p "$OUT"
"$OLAB" try --server "memcached -u root -l {addr} -p {port} -U {port} -t 1 -m 64" \
	--port 11211 --requests examples/kvcache/requests-kv.txt \
	--preload examples/kvcache/preload-kv.txt --preload-proto tcp --loads 43 \
	--attach "$OLAB kvcache attach --dev {dev}" \
	--detach "$OLAB kvcache detach --dev {dev}" \
	-o "$OUT" --no-report --json "$OUT/try.json" "$@"
"$OLAB" run kv -o "$OUT" --no-report --json "$OUT/kv.json" "$@"
python3 - "$OUT/try.json" "$OUT/kv.json" <<'EOF'
import json, sys
def metrics(path):
    d = json.load(open(path))
    return {m["id"]: m for e in d["experiments"] for m in e["metrics"]}
t, k = metrics(sys.argv[1]), metrics(sys.argv[2])
def show(label, a, b, floor, unit):
    ma, mb = t.get(a), k.get(b)
    va = ma and not ma.get("unavailable") and ma.get("median")
    vb = mb and not mb.get("unavailable") and mb.get("median")
    if va is None or vb is None or va is False or vb is False:
        print("%-30s try %s: %s; kv %s: %s" % (label, a, ma and (ma.get("unavailable") or
              ma.get("median")), b, mb and (mb.get("unavailable") or mb.get("median"))))
        return
    if unit == "%":
        d, within = va - vb, abs(va - vb) <= floor
        print("%-30s try %8.2f %%  kv %8.2f %%  difference %+.1f pp (floor %g pp): %s" %
              (label, va, vb, d, floor, "within" if within else "beyond"))
    else:
        d = (va / vb - 1) * 100
        print("%-30s try %8.2fx  kv %8.2fx  difference %+.1f %% (floor %g %%): %s" %
              (label, va, vb, d, floor, "within" if abs(d) <= floor else "beyond"))
# floors: src/lib/floor.h (model 50 %, metrics in % 45 pp)
show("gain with the kvcache", "try.gain", "kv.sweep.gain.90", 50, "x")
show("slow-path penalty", "try.penalty.large", "kv.slowpath_penalty", 45, "%")
EOF
