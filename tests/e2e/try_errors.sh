#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab try refuses bad input with a clear message and leaves nothing behind (issue 26,
# "Bad input"): usage errors (64) before anything starts; a bad requests file (file:line), an
# empty workload, a pcap with nothing for the port; a server that exits or never opens its
# port (its output shown); an object that fails to load (the verifier's log, cut), a program
# not in the object, a program type that does not fit the hook; an --attach that fails or
# leaves nothing; a --detach that leaves a program (said, then removed), an sk_skb verdict on
# a sockmap among them; --pin's maps there while the offload is on and gone after it, a folder
# not on bpffs and a name already there refused; a signal mid-run (the pins gone too).
. "$(dirname "$0")/lib.sh"
need_root
command -v clang >/dev/null || fail "no clang (scripts/install-deps.sh installs it)"
PASSO="$TOP/build/bpf/lib/xdp_pass.bpf.o"
ECHO="$OLAB echo serve --hook socket --port {port}"
export OLAB_RUN_LOCK="$TMP/run.lock"
printf '1 a x\n' >"$TMP/req.txt"

# try ARGS...: offloadlab try with the common options; rc in $rc, stderr in $TMP/err
try() {
	"$OLAB" try -q -n 2 --loads 50 --duration 200ms -o "$TMP/out" --no-report "$@" \
		>"$TMP/outp" 2>"$TMP/err"
	rc=$?
}
expect() { # RC TEXT: the last try exited RC and said TEXT on stderr
	[ "$rc" -eq "$1" ] || { cat "$TMP/err" >&2; fail "exit $rc, not $1 ($2)"; }
	grep -qF -- "$2" "$TMP/err" || { cat "$TMP/err" >&2; fail "no '$2' in the message"; }
	pgrep -af "^$OLAB echo serve " >&2 && fail "the server still runs after: $2"
	assert_clean
}

# usage errors: nothing is started
try --port 7 --requests "$TMP/req.txt" --xdp "$PASSO:olab_xdp_pass"
expect 64 "--server 'CMD' is required"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt"
expect 64 "an offload is required"
try --server "echo {nope}" --port 7 --requests "$TMP/req.txt" --xdp "$PASSO:olab_xdp_pass"
expect 64 "unknown placeholder '{nope}'"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --attach true
expect 64 "--attach needs --detach"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --xdp "$PASSO"
expect 64 "--xdp takes OBJ:PROG"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --attach true --detach true --pin /x
expect 64 "--pin DIR goes with --xdp"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --xdp "$PASSO:olab_xdp_pass" \
	--preload-proto tcp
expect 64 "--preload-proto goes with --preload FILE"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --xdp "$PASSO:olab_xdp_pass" \
	--preload "$TMP/req.txt" --preload-proto sctp
expect 64 "--preload-proto is udp or tcp, not 'sctp'"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --xdp "$PASSO:olab_xdp_pass" --dev lo
expect 64 "two hosts need --remote HOST (or --remote-cmd), --dev, --remote-dev and --remote-addr"

# the workload: file:line, empty, a pcap with nothing for the port
printf '1 a x\n2 b \\q\n' >"$TMP/bad.txt"
try --server "$ECHO" --port 7 --requests "$TMP/bad.txt" --xdp "$PASSO:olab_xdp_pass"
expect 1 "$TMP/bad.txt:2: unknown escape '\\q'"
printf '# nothing\n\n' >"$TMP/empty.txt"
try --server "$ECHO" --port 7 --requests "$TMP/empty.txt" --xdp "$PASSO:olab_xdp_pass"
expect 1 "no request in it"
try --server "$ECHO" --port 9 --pcap "$TOP/tests/fuzz/corpus_try/udp.pcap" \
	--xdp "$PASSO:olab_xdp_pass"
expect 1 "no UDP payload to port 9 in 2 packet(s)"

# the server: exits at once (its output shown), never opens the port
try --server "sh -c 'echo boom-$$ >&2; exit 3'" --port 7 --requests "$TMP/req.txt" \
	--xdp "$PASSO:olab_xdp_pass"
expect 1 "the server exited with status 3 before it opened UDP port 7; its last output: boom-$$"
try --server "sleep 600" --port 7 --requests "$TMP/req.txt" --xdp "$PASSO:olab_xdp_pass"
expect 1 "the server did not open UDP port 7"
pgrep -f "^sleep 600$" >/dev/null && fail "the server that never opened its port still runs"

# the object: no such program, the wrong type, refused by the verifier
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --xdp "$PASSO:nope"
expect 1 "no program named 'nope' in $PASSO; it has: olab_xdp_pass (xdp)"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --tc-ingress "$PASSO:olab_xdp_pass"
expect 1 "olab_xdp_pass in $PASSO is a xdp program: --tc-ingress needs a sched_cls program"
clang -O2 -g -target bpf -idirafter "/usr/include/$(cc -dumpmachine)" \
	-c "$TOP/tests/e2e/try/bad.bpf.c" -o "$TMP/bad.bpf.o" || fail "cannot build bad.bpf.o"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --xdp "$TMP/bad.bpf.o:olab_try_bad"
expect 1 "load olab_try_bad from $TMP/bad.bpf.o: Permission denied; the verifier said:"
grep -qF "invalid access to packet" "$TMP/err" || fail "the verifier's reason is not shown"

# --attach: fails (what it left is removed), leaves nothing; --detach leaves a program
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" \
	--attach "sh -c 'ip link set dev {dev} xdpdrv obj $PASSO sec xdp; exit 2'" \
	--detach true
expect 1 "the --attach command failed: it exited with status 2"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --attach true --detach true
expect 1 "the --attach command left no program on"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" \
	--attach "ip link set dev {dev} xdpdrv obj $PASSO sec xdp" --detach true
expect 0 "the --detach command left olab_xdp_pass on xdp: removed by offloadlab"

# an sk_skb verdict an --attach command leaves on a sockmap (pinned, as a loader that ends must
# leave it): found through the map and measured; left by --detach, it is taken off its map
clang -O2 -g -target bpf -idirafter "/usr/include/$(cc -dumpmachine)" \
	-c "$TOP/tests/e2e/try/skv.bpf.c" -o "$TMP/skv.bpf.o" || fail "cannot build skv.bpf.o"
# (bpffs refuses names with a dot: no mktemp; mkdir is exclusive)
SKP=/sys/fs/bpf/try-skv-$$ PIN=/sys/fs/bpf/try-pin-$$
mkdir "$SKP" "$PIN" || fail "no folders on bpffs"
trap 'rm -rf "$SKP" "$PIN" "$TMP"' EXIT
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --json "$TMP/skv.json" --attach \
	"sh -c 'rm -f $SKP/m $SKP/p; bpftool map create $SKP/m type sockmap key 4 value 4 entries 8 name try_socks && bpftool prog load $TMP/skv.bpf.o $SKP/p && bpftool prog attach pinned $SKP/p stream_verdict pinned $SKP/m'" \
	--detach true
[ "$rc" -eq 0 ] || { cat "$TMP/err" >&2; fail "exit $rc with an sk_skb verdict left by --attach"; }
grep -qF "the --detach command left olab_try_skv on sk-skb: removed by offloadlab" "$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "the sk_skb verdict --detach left is not said, or not removed"; }
python3 - "$TMP/skv.json" <<'PY' || fail "the sk_skb verdict is not among the measured programs"
import json, sys
t = json.load(open(sys.argv[1]))["try"]
assert [(p["hook"], p["name"]) for p in t["programs"]] == [("sk-skb", "olab_try_skv")], t["programs"]
PY
rm -f "$SKP/m" "$SKP/p"
assert_clean

# --pin: the object's maps in a bpffs folder while the offload is on (the server, which sees
# every request through the XDP program, notes the folder's names), gone after the run
clang -O2 -g -target bpf -idirafter "/usr/include/$(cc -dumpmachine)" \
	-c "$TOP/tests/e2e/try/pinmap.bpf.c" -o "$TMP/pinmap.bpf.o" || fail "cannot build pinmap.bpf.o"
PINO="$TMP/pinmap.bpf.o:olab_try_pin"
try --server "python3 $TOP/tests/e2e/try/pinecho.py {addr} {port} $PIN $TMP/seen" --port 7 \
	--requests "$TMP/req.txt" --xdp "$PINO" --pin "$PIN"
expect 0 "offloadlab try: results in"
grep -qx olab_try_seen "$TMP/seen" || fail "the map was not pinned while the offload was on"
grep -qx '[a-z_]*_bss' "$TMP/seen" || fail "the global's map was not pinned: $(cat "$TMP/seen")"
[ -z "$(ls -A "$PIN")" ] || fail "pins left in $PIN: $(ls "$PIN")"
# not on bpffs; a name there already (left as it was)
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --xdp "$PINO" --pin "$TMP"
expect 1 "--pin $TMP: not on bpffs"
bpftool map create "$PIN/olab_try_seen" type array key 4 value 8 entries 1 name mine ||
	fail "cannot pin a map of the test's own"
try --server "$ECHO" --port 7 --requests "$TMP/req.txt" --xdp "$PINO" --pin "$PIN"
expect 1 "--pin: $PIN/olab_try_seen exists already: offloadlab neither reuses nor replaces a pin"
bpftool map show pinned "$PIN/olab_try_seen" | grep -q "name mine" ||
	fail "the pin that was there already was touched"
rm -f "$PIN/olab_try_seen"

# a signal while the offload is on: the server stopped, every program and pin gone
"$OLAB" try -n 20 --duration 500ms -o "$TMP/out" --no-report --server "$ECHO" --port 7 \
	--requests "$TMP/req.txt" --xdp "$PINO" --pin "$PIN" >"$TMP/outp" 2>"$TMP/err" &
pid=$!
for i in $(seq 1 600); do
	[ -n "$(ls -A "$PIN")" ] && break
	sleep 0.1
done
[ -n "$(ls -A "$PIN")" ] || { kill -9 $pid; cat "$TMP/err" >&2; fail "never pinned"; }
kill -TERM $pid
wait $pid
[ -z "$(ls -A "$PIN")" ] || fail "a SIGTERM left the pins: $(ls "$PIN")"
pgrep -f "^$OLAB echo serve --hook socket --port 7\$" >/dev/null && fail "the server outlived a SIGTERM"
assert_clean

# a signal mid-run: the server stopped, every program gone
"$OLAB" try -n 20 --duration 2s -o "$TMP/out" --no-report --server "sleep 600 $$" --port 7 \
	--requests "$TMP/req.txt" --xdp "$PASSO:olab_xdp_pass" >"$TMP/outp" 2>"$TMP/err" &
pid=$!
sleep 2
kill -TERM $pid
wait $pid
pgrep -f "^sleep 600 $$\$" >/dev/null && fail "the server outlived a SIGTERM to try"
assert_clean
exit 0
