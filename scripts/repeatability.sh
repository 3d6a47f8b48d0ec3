#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Repeatability benchmark (an A/A test): two back-to-back 'offloadlab run --quick' on this
# machine, nothing changed between them, then 'offloadlab compare'. Prints the share of metrics
# compare calls beyond noise (the false-positive rate of a "changed" call on this machine), by
# method, and every takeaway whose verdict changed. Aim: at most 5 % and no verdict changed.
#
# Usage: scripts/repeatability.sh [OUT_DIR] [EXPERIMENT...]
#   OUT_DIR      where both runs go (default: results/repeatability-<time>)
#   EXPERIMENT   limit the runs to these experiments (default: all)
# Needs root and a built offloadlab (make all). Takes about twice 'make run'.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
OLAB="$TOP/build/offloadlab"
case "${1:-}" in
-h | --help)
	sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
[ -x "$OLAB" ] || { echo "repeatability: build offloadlab first (make all)" >&2; exit 1; }
out=${1:-"$TOP/results/repeatability-$(date +%Y%m%d-%H%M%S)"}
[ $# -gt 0 ] && shift
mkdir -p "$out"

for k in a b; do
	echo "repeatability: run $k of 2 ..." >&2
	"$OLAB" run --quick --no-report -o "$out/$k" "$@" >"$out/$k.txt" 2>"$out/$k.err" || {
		tail -n 5 "$out/$k.err" >&2
		echo "repeatability: run $k failed (its output: $out/$k.txt, $out/$k.err)" >&2
		exit 1
	}
done
ra=$(ls -d "$out"/a/*/ | head -n 1)
rb=$(ls -d "$out"/b/*/ | head -n 1)
"$OLAB" compare "$ra" "$rb" --json >"$out/compare.json"
"$OLAB" compare "$ra" "$rb" >"$out/compare.txt" || true

python3 - "$out/compare.json" "$ra/results.json" <<'EOF'
import collections, json, sys
cmp = json.load(open(sys.argv[1]))
run = json.load(open(sys.argv[2]))
method = {m["id"]: m["method"] for e in run["experiments"] for m in e["metrics"]}
busy = [e["name"] for e in run["experiments"] if (e.get("machine") or {}).get("busy")]
total, beyond = collections.Counter(), collections.Counter()
ids = collections.defaultdict(list)
for m in cmp["metrics"]:
    if m["outcome"] == "not comparable":
        continue
    k = method.get(m["id"], "?")
    total[k] += 1
    if m["beyond_noise"]:
        beyond[k] += 1
        ids[k].append("%s %+.0f %%" % (m["id"], m["change_pct"] or 0))
n, b = sum(total.values()), sum(beyond.values())
print("repeatability: %d of %d comparable metrics beyond noise (%.1f %%; aim <= 5 %%)"
      % (b, n, 100.0 * b / n if n else 0))
for k in sorted(total):
    print("  %-9s %3d of %3d (%.1f %%)%s" % (k, beyond[k], total[k],
          100.0 * beyond[k] / total[k], ": " + ", ".join(ids[k][:6]) if ids[k] else ""))
flips = [t for t in cmp["takeaways"] if t["changed"]]
print("repeatability: %d of %d takeaway verdicts changed (aim 0)" % (len(flips), len(cmp["takeaways"])))
for t in flips:
    print("  %s: %s -> %s" % (t["claim"], t["a"], t["b"]))
if busy:
    print("repeatability: the machine was busy during %s in run a: not a quiet A/A" % ", ".join(busy))
EOF
echo "repeatability: both runs and the comparison are in $out" >&2
