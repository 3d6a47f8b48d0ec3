#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The systemd units, run as systemd would (systemd itself is not here): each unit's own
# ExecStart / ExecStop / ExecStopPost line, taken from the unit file with the device as the
# instance and the shipped /etc/default options (tests/e2e/unitexec.py), against a veth pair
# in namespaces of our own. The kvcache's unit attaches in front of a real memcached, answers,
# reports Prometheus metrics whose counters move with traffic, and leaves nothing after its
# ExecStop; the AF_XDP server's unit serves, reports its metrics, and what a killed server
# left is removed by its ExecStopPost and by the next start. systemd-analyze verify where
# present.
. "$(dirname "$0")/lib.sh"
need_root
command -v memcached >/dev/null || skip "memcached is not installed (scripts/install-deps.sh)"
N=$$
C=olab-$N-c S=olab-$N-s A=olab-$N-a B=olab-$N-b
MC= SRV=
PP="$TOP/tests/e2e/promparse.py"
MCC="$TOP/tests/e2e/mcclient.py"
cleanup() {
	[ -n "$MC" ] && kill "$MC" 2>/dev/null && wait "$MC" 2>/dev/null
	[ -n "$SRV" ] && kill -9 "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	ip netns exec "$S" "$OLAB" afxdp-kv cleanup --dev "$B" >/dev/null 2>&1
	ip netns del "$C" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# the units and /etc/default files as installed, with this build's program
make -s -C "$TOP" --no-print-directory units BUILD="$TMP/b" BINDIR="$(dirname "$OLAB")" \
	SYSCONFDIR="$TMP/etc" >/dev/null || fail "make units"
mkdir -p "$TMP/etc/default"
cp "$TMP/b/systemd/offloadlab-kvcache" "$TMP/b/systemd/offloadlab-afxdp-kv" "$TMP/etc/default/"
KU=$TMP/b/systemd/offloadlab-kvcache@.service
AU=$TMP/b/systemd/offloadlab-afxdp-kv@.service
[ "$(basename "$OLAB")" = offloadlab ] || fail "OLAB must be named offloadlab: $OLAB"

if command -v systemd-analyze >/dev/null; then
	# its checks open the pages the units name: give it ours
	mkdir -p "$TMP/man/man8" "$TMP/verify"
	cp "$TOP"/build/man/*.8 "$TMP/man/man8/"
	for u in "$KU" "$AU"; do
		i=$(basename "$u" | sed 's/@\.service$/@lo.service/')
		cp "$u" "$TMP/verify/$i"
		out=$(cd "$TMP/verify" && MANPATH=$TMP/man systemd-analyze verify "./$i" 2>&1)
		[ -z "$out" ] || fail "systemd-analyze verify $i: $out"
	done
fi

# CMD=(argv of KEY of UNIT for device DEV)
unit_cmd() {
	mapfile -d '' -t CMD < <("$TOP/tests/e2e/unitexec.py" "$1" "$2" "$3") ||
		fail "$2 of $(basename "$1")"
	[ ${#CMD[@]} -gt 0 ] || fail "$2 of $(basename "$1"): nothing"
}
unit_cmd "$KU" ExecStart "$B"
[ "${CMD[*]}" = "$OLAB kvcache attach --dev $B --port 11211 --capacity 65536 --rate 50000 --max-age 60000" ] ||
	fail "the kvcache unit does not attach with the shipped options: ${CMD[*]}"
# the unit's command, with memcached's reply route trusted long enough that the hits below do
# not depend on how fast the client starts (by default a hit comes within 1 s of the client's
# last reply from memcached)
KSTART=("${CMD[@]}" --route-ttl 600000)
unit_cmd "$KU" ExecStop "$B"
KSTOP=("${CMD[@]}")
grep -qx 'PartOf=memcached.service' "$KU" && grep -q '^After=memcached.service' "$KU" ||
	fail "the kvcache unit does not follow memcached"

veth_pair "$C" "$A" 198.18.5.1 "$S" "$B" 198.18.5.2
ip -n "$C" link set dev "$A" xdpdrv obj "$TOP/build/bpf/lib/xdp_pass.bpf.o" sec xdp ||
	fail "cannot load the pass program on the client's veth"
ip netns exec "$S" memcached -u root -l 198.18.5.2 -p 11211 -U 11211 -t 1 -m 64 &
MC=$!
for i in $(seq 1 100); do
	ip netns exec "$C" "$MCC" tcp 198.18.5.2:11211 'version\r\n' >/dev/null 2>&1 && break
	sleep 0.05
done

# the kvcache's unit: ExecStart, traffic, metrics, ExecStop, in one mount namespace of the
# server's (its pins live there and go with it)
q() { printf '%q ' "$@"; }
ip netns exec "$S" unshare -m bash -s >"$TMP/kv" 2>&1 <<SH || { cat "$TMP/kv" >&2; fail "the kvcache unit"; }
set -ex
$(q "${KSTART[@]}")
bpftool prog show name olab_kvc_tc | grep -q olab_kvc_tc   # on a tcx link: tc does not list it
"$OLAB" kvcache stats --dev $B --format prometheus >"$TMP/p0"
"$PP" "$TMP/p0" 'offloadlab_kvcache_up{dev="$B"}=1' >"$TMP/s0"
grep -qx 'offloadlab_kvcache_hits_total{dev="$B"} 0.0' "$TMP/s0"
grep -qx 'offloadlab_kvcache_limit_items{dev="$B"} 65536.0' "$TMP/s0"
ip netns exec $C "$MCC" tcp 198.18.5.2:11211 'set uk 0 0 3\r\nabc\r\n' | grep -q STORED
ip netns exec $C "$MCC" udp 198.18.5.2:11211 'get uk\r\n' | grep -q abc   # a miss, it fills
ip netns exec $C "$MCC" udp 198.18.5.2:11211 'get uk\r\n' | grep -q abc   # a hit
ip netns exec $C "$MCC" udp 198.18.5.2:11211 'get uk\r\n' | grep -q abc   # a hit
"$OLAB" kvcache stats --dev $B --format prometheus >"$TMP/p1"
"$PP" "$TMP/p1" 'offloadlab_kvcache_hits_total{dev="$B"}=2' \
	'offloadlab_kvcache_misses_total{dev="$B"}=1' 'offloadlab_kvcache_fills_total{dev="$B"}=1' \
	'offloadlab_kvcache_invalidations_total{dev="$B"}=1' \
	'offloadlab_kvcache_current_items{dev="$B"}=1' 'offloadlab_kvcache_memory_bytes{dev="$B"}=1'
# the text and prometheus views agree
"$OLAB" kvcache stats --dev $B | grep -qE "^hit +\$(sed -n 's/^offloadlab_kvcache_hits_total{.*} \([0-9]*\)$/\1/p' "$TMP/p1")\$"
mkdir "$TMP/tf"
"$OLAB" kvcache stats --dev $B --textfile "$TMP/tf"
"$PP" "$TMP/tf/offloadlab_kvcache_$B.prom" 'offloadlab_kvcache_hits_total{dev="$B"}=2' >/dev/null
[ "\$(ls -A "$TMP/tf")" = "offloadlab_kvcache_$B.prom" ]
$(q "${KSTOP[@]}")
! ls /sys/fs/bpf | grep -q olab-kvcache
! ip link show $B | grep -q 'prog/xdp'
! bpftool prog show name olab_kvc_tc | grep -q olab_kvc_tc
# stopped: the textfile says so, the command fails
"$OLAB" kvcache stats --dev $B --textfile "$TMP/tf" && exit 1
"$PP" "$TMP/tf/offloadlab_kvcache_$B.prom" 'offloadlab_kvcache_up{dev="$B"}=0' >"$TMP/s2"
[ "\$(wc -l <"$TMP/s2")" -eq 1 ]
exit 0
SH
for i in $(seq 1 50); do # (freed after an RCU grace period)
	bpftool prog show | grep -q ' name olab_kvc_' || break
	sleep 0.1
done
bpftool prog show | grep -q ' name olab_kvc_' && fail "the kvcache's programs stayed after ExecStop"
kill "$MC"; wait "$MC" 2>/dev/null; MC=

# the AF_XDP server's unit: a long-running ExecStart, stopped by SIGTERM, ExecStopPost after
unit_cmd "$AU" ExecStart "$B"
[ "${CMD[*]}" = "$OLAB afxdp-kv serve --dev $B --port 11211 --memory 64" ] ||
	fail "the afxdp-kv unit does not serve with the shipped options: ${CMD[*]}"
ASTART=("${CMD[@]}" --route-ttl 600000) # as KSTART: the second request goes over AF_XDP
unit_cmd "$AU" ExecStopPost "$B"
APOST=("${CMD[@]}")
grep -qx 'Restart=on-failure' "$AU" || fail "the afxdp-kv unit is not restarted on failure"
grep -qx 'KillSignal=SIGTERM' "$AU" || fail "the afxdp-kv unit is not stopped by SIGTERM"
astats() { ip netns exec "$S" "$OLAB" afxdp-kv stats --dev "$B" "$@"; }
start_server() { # [EXTRA ARGS]
	ip netns exec "$S" "${ASTART[@]}" "$@" >"$TMP/srv.out" 2>"$TMP/srv.err" &
	SRV=$!
	for i in $(seq 1 200); do
		astats >/dev/null 2>&1 && return 0
		kill -0 "$SRV" 2>/dev/null || break
		sleep 0.05
	done
	cat "$TMP/srv.err" >&2
	fail "the afxdp-kv unit's server did not start"
}
# wait_metric SERIES MIN: until the server's published counters reach it (once a second)
wait_metric() {
	for i in $(seq 1 100); do
		astats --format prometheus 2>/dev/null | "$PP" - "$1=$2" >"$TMP/am" 2>/dev/null &&
			return 0
		sleep 0.1
	done
	astats --format prometheus | "$PP" - "$1=$2" >&2
	fail "$1 never reached $2"
}
# a state file that is not one (planted, or cut short) is refused, and removed by the start
ino=$(ip netns exec "$S" stat -L -c %i /proc/self/ns/net)
f=/run/offloadlab/afxdp-kv-$(printf %x "$ino")-$(ip netns exec "$S" cat /sys/class/net/$B/ifindex).stats
mkdir -p /run/offloadlab
printf 'pid 1\nrequests 12 13\n' >"$f"
astats >/dev/null 2>"$TMP/bad" && fail "stats read a malformed state file"
grep -q "read the server's counters in $f: Bad message" "$TMP/bad" || fail "$(cat "$TMP/bad")"
start_server
grep -q "removed an unreadable state file: $f" "$TMP/srv.err" || fail "$(cat "$TMP/srv.err")"
astats --format prometheus | "$PP" - "offloadlab_afxdp_kv_up{dev=\"$B\"}=1" >"$TMP/a0" ||
	fail "the server's metrics do not parse"
grep -qx "offloadlab_afxdp_kv_current_items{dev=\"$B\"} 0.0" "$TMP/a0" || fail "items before"
ip netns exec "$C" "$MCC" udp 198.18.5.2:11211 'set ak 0 0 5\r\nhello\r\n' | grep -q STORED ||
	fail "the unit's server does not store"
ip netns exec "$C" "$MCC" udp 198.18.5.2:11211 'get ak\r\n' | grep -q hello ||
	fail "the unit's server does not answer"
wait_metric "offloadlab_afxdp_kv_requests_total{dev=\"$B\"}" 2
wait_metric "offloadlab_afxdp_kv_current_items{dev=\"$B\"}" 1
grep -qx "offloadlab_afxdp_kv_replies_total{dev=\"$B\"} [2-9].*" "$TMP/am" || fail "replies"
# the first request takes the kernel's path (no reply route known yet), the second AF_XDP
grep -qx "offloadlab_afxdp_kv_xdp_packets_total{action=\"redirected\",dev=\"$B\"} [1-9].*" \
	"$TMP/am" || fail "the XDP program's counters"
# memcached's own counters, from the server's 'stats' reply: one set, one get that hit
grep -qx "offloadlab_afxdp_kv_commands_total{command=\"get\",dev=\"$B\",status=\"hit\"} 1.0" \
	"$TMP/am" || fail "no get hit in the server's commands: $(grep commands_total "$TMP/am")"
grep -qx "offloadlab_afxdp_kv_commands_total{command=\"set\",dev=\"$B\",status=\"hit\"} 1.0" \
	"$TMP/am" || fail "no set in the server's commands"
astats --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["stats"]["items"] == 1, d' ||
	fail "afxdp-kv stats --format json"
astats --textfile "$TMP/atf" 2>/dev/null && fail "--textfile into a missing folder succeeded"
mkdir "$TMP/atf"
astats --textfile "$TMP/atf" || fail "afxdp-kv stats --textfile"
"$PP" "$TMP/atf/offloadlab_afxdp_kv_$B.prom" "offloadlab_afxdp_kv_requests_total{dev=\"$B\"}=2" \
	>/dev/null || fail "the textfile"

# killed (as by SIGKILL, or systemd's stop timeout): its state stays, stats says it is gone,
# ExecStopPost removes it
kill -9 "$SRV"; wait "$SRV" 2>/dev/null; SRV=
[ -f "$f" ] || fail "no state file of the killed server (the test cannot see the cleanup)"
astats >/dev/null 2>&1 && fail "stats of a killed server succeeded"
ip netns exec "$S" "${APOST[@]}" >"$TMP/post" 2>&1 || { cat "$TMP/post" >&2; fail "ExecStopPost"; }
[ -e "$f" ] && fail "ExecStopPost left $f"
# killed again, then restarted (Restart=on-failure): the new server removes what it left
start_server
kill -9 "$SRV"; wait "$SRV" 2>/dev/null; SRV=
mkdir "$TMP/stf" # (and, with --textfile, it keeps node_exporter's file up to date)
start_server --textfile "$TMP/stf"
grep -q 'removed what a killed server (pid [0-9]*) left' "$TMP/srv.err" ||
	fail "a restarted server did not clean up: $(cat "$TMP/srv.err")"
for i in $(seq 1 100); do [ -f "$TMP/stf/offloadlab_afxdp_kv_$B.prom" ] && break; sleep 0.1; done
"$PP" "$TMP/stf/offloadlab_afxdp_kv_$B.prom" "offloadlab_afxdp_kv_up{dev=\"$B\"}=1" \
	"offloadlab_afxdp_kv_limit_bytes{dev=\"$B\"}=67108864" >/dev/null || fail "serve --textfile"
# ExecStopPost refuses while a server serves
ip netns exec "$S" "${APOST[@]}" >/dev/null 2>&1 && fail "ExecStopPost ran beside a live server"
# stopped as systemd stops it: SIGTERM, then ExecStopPost; nothing stays
kill -TERM "$SRV"; wait "$SRV"; rc=$?; SRV=
[ $rc -eq 0 ] || fail "the server exited $rc on SIGTERM"
ip netns exec "$S" "${APOST[@]}" >/dev/null 2>&1 || fail "ExecStopPost after a clean stop"
[ -e "$f" ] && fail "the stopped server left $f"
grep -q "afxdp-kv: [0-9]* requests" "$TMP/srv.out" || fail "no summary at stop"
"$PP" "$TMP/stf/offloadlab_afxdp_kv_$B.prom" >"$TMP/s3" || fail "the textfile after stop"
[ "$(cat "$TMP/s3")" = "offloadlab_afxdp_kv_up{dev=\"$B\"} 0.0" ] ||
	fail "the stopped server's textfile: $(cat "$TMP/s3")"
[ "$(ls -A "$TMP/stf")" = "offloadlab_afxdp_kv_$B.prom" ] || fail "textfile leftovers: $(ls -A "$TMP/stf")"
astats --format prometheus >/dev/null 2>&1 && fail "stats of a stopped server succeeded"

ip netns del "$C"; ip netns del "$S"
assert_clean "$N"
exit 0
