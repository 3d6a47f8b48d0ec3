#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The load generator's own rate, beside the reference tools (README "The load generator",
# ../ANCHORS: xdp-tools 1.6.3). One veth pair between two namespaces of our own (198.18.99.0/24);
# an XDP drop on the far end, so that nothing but the sender limits the rate.
#   1. offloadlab loadgen --engine xdp: memcached GET frames (batch 64, flood), RUNS runs of SECS s
#   2. with XDP_TOOLS (a built xdp-tools tree): xdp-trafficgen udp into xdp-bench drop, RUNS runs
#   3. with XDP_TOOLS: xdp-trafficgen udp into xdp-bench xsk-drop (AF_XDP, copy mode): what an
#      AF_XDP socket receives when the sender is not the limit (channels' AF_XDP rate beside it)
#   4. with XDP_TOOLS: offloadlab's engine (64-byte sink frames, channels' sender) into
#      xdp-bench xsk-drop: the same socket with channels' sender, to tell sender from socket
# Prints one line per run and the median of each. A benchmark, not a test: run it on a quiet
# machine, as root, after make all.
#
# Usage: scripts/gen-rate.sh [-r RUNS] [-d SECS] [XDP_TOOLS]
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
OLAB="$TOP/build/offloadlab"
DROP="$TOP/build/bpf/lib/xdp_drop.bpf.o"
RUNS=3 SECS=5
while getopts "r:d:h" o; do
	case $o in
	r) RUNS=$OPTARG ;;
	d) SECS=$OPTARG ;;
	*) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	esac
done
shift $((OPTIND - 1))
XT=${1:-}
case "$RUNS$SECS" in *[!0-9]*) echo "gen-rate: -r and -d take whole numbers" >&2; exit 64 ;; esac
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] && [ "$SECS" -ge 1 ] && [ "$SECS" -le 60 ] ||
	{ echo "gen-rate: -r 1..20, -d 1..60" >&2; exit 64; }
[ -x "$OLAB" ] && [ -f "$DROP" ] || { echo "gen-rate: build offloadlab first (make all)" >&2; exit 1; }
[ -z "$XT" ] || [ -x "$XT/xdp-trafficgen/xdp-trafficgen" ] ||
	{ echo "gen-rate: no xdp-trafficgen under $XT (ANCHORS: build xdp-tools 1.6.3)" >&2; exit 1; }

A=olab-gr-$$-a B=olab-gr-$$-b X=olab-gr$$x Y=olab-gr$$y
TMP=$(mktemp -d /tmp/olab-gr.XXXXXX)
BG=
cleanup() {
	[ -n "$BG" ] && kill "$BG" 2>/dev/null && wait "$BG" 2>/dev/null
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$A" && ip netns add "$B"
ip link add "$X" netns "$A" type veth peer name "$Y" netns "$B"
ip -n "$A" addr add 198.18.99.1/24 dev "$X" && ip -n "$B" addr add 198.18.99.2/24 dev "$Y"
ip -n "$A" link set "$X" up && ip -n "$B" link set "$Y" up
MAC=$(ip -n "$B" -br link show "$Y" | awk '{print $3}')
# a server that drops everything answers no ARP: the generator's next hop is set by hand
ip -n "$A" neigh replace 198.18.99.2 lladdr "$MAC" dev "$X"

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

ip -n "$B" link set dev "$Y" xdpdrv obj "$DROP" sec xdp
: >"$TMP/lg"
for i in $(seq "$RUNS"); do
	ip netns exec "$A" "$OLAB" loadgen --engine xdp --dst 198.18.99.2:11211 --app memcached \
		--set-pct 0 --keys 1000 --mode flood --batch 64 -D "${SECS}s" --cpu 0 \
		--json "$TMP/lg.json" >"$TMP/lg.txt" 2>&1 || { cat "$TMP/lg.txt" >&2; exit 1; }
	python3 - "$TMP/lg.json" "$SECS" <<'EOF' | tee -a "$TMP/lg"
import json, sys
d = json.load(open(sys.argv[1]))
x = d.get("xdp") or {}
sent = d["sent"] - (x.get("not_sent") or 0)
print("%.3f" % (sent / float(sys.argv[2]) / 1e6),
      "Mpps  offloadlab loadgen --engine xdp (built %d, refused by the device %s, %.1f ns to build one)"
      % (x.get("built", 0), x.get("not_sent"), x.get("build_ns", 0)))
EOF
done
ip -n "$B" link set dev "$Y" xdpdrv off
echo "median: $(cut -d' ' -f1 "$TMP/lg" | median) Mpps, offloadlab loadgen --engine xdp, $RUNS runs of $SECS s"
[ -n "$XT" ] || exit 0

# xdp-bench prints a summary when it stops (SIGINT): packets received and the rate
anchor() { # MODE (drop|xsk-drop) [olab: offloadlab's engine sends, not trafficgen]
	local out=$TMP/$1${2:-}
	: >"$out"
	for i in $(seq "$RUNS"); do
		ip netns exec "$B" "$XT/xdp-bench/xdp-bench" "$1" "$Y" -i 1 >"$TMP/bench.txt" 2>&1 &
		BG=$!
		sleep 2
		if [ "${2:-}" = olab ]; then
			# 64-byte frames (22-byte payloads), as channels sends them, for SECS s
			ip netns exec "$A" "$OLAB" loadgen --engine xdp --dst 198.18.99.2:9 --app sink \
				--size 22 --mode flood --batch 64 -D "${SECS}s" --cpu 0 \
				--json "$TMP/lg.json" >"$TMP/lg.txt" 2>&1 || { cat "$TMP/lg.txt" >&2; exit 1; }
			python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%d xmit/s" % (d["sent"] / float(sys.argv[2])))' \
				"$TMP/lg.json" "$SECS" >"$TMP/tg.txt"
		else
			# SECS x 10 M frames: a few seconds at this kind's rates; the sender stops by itself
			ip netns exec "$A" timeout -s KILL $((SECS * 10)) "$XT/xdp-trafficgen/xdp-trafficgen" \
				udp "$X" -m "$MAC" -t 1 -I 1 -n $((SECS * 10000000)) >"$TMP/tg.txt" 2>&1 || true
		fi
		sleep 1.5
		kill -INT "$BG"; wait "$BG" 2>/dev/null || true
		BG=
		# the bench's per-second lines while the sender ran: their median
		python3 - "$TMP/bench.txt" "$TMP/tg.txt" "$1" "$([ "${2:-}" = olab ] && echo "offloadlab's engine (sink)" || echo xdp-trafficgen)" <<'EOF' | tee -a "$out"
import re, statistics, sys
def rates(path, pat):
    v = [float(m.group(1).replace(",", "")) for m in
         (re.search(pat, line) for line in open(path, errors="replace")) if m]
    # the seconds the sender ran whole: at least half the best one (ramp-up and tail left out)
    return [x for x in v if v and x >= max(v) / 2 and x > 0]
rx = rates(sys.argv[1], r"\s([\d,]+)\s+rx/s")
tx = rates(sys.argv[2], r"([\d,]+)\s+xmit/s")
med = lambda v: statistics.median(v) if v else 0.0
print("%.3f Mpps  xdp-bench %s received (median of %d whole seconds); %s %.3f Mpps"
      % (med(rx) / 1e6, sys.argv[3], len(rx), sys.argv[4], med(tx) / 1e6))
EOF
	done
	echo "median: $(cut -d' ' -f1 "$out" | median) Mpps, $([ "${2:-}" = olab ] && echo "offloadlab's engine (sink)" || echo xdp-trafficgen) -> xdp-bench $1, $RUNS runs"
}
anchor drop
anchor xsk-drop
anchor xsk-drop olab
