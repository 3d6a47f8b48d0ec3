#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab try refuses bad input with a clear message and leaves nothing behind (issue 26,
# "Bad input"): usage errors (64) before anything starts; a bad requests file (file:line), an
# empty workload, a pcap with nothing for the port; a server that exits or never opens its
# port (its output shown); an object that fails to load (the verifier's log, cut), a program
# not in the object, a program type that does not fit the hook; an --attach that fails or
# leaves nothing; a --detach that leaves a program (said, then removed); a signal mid-run.
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
