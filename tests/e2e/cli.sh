#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The command line: help with examples, usage errors exit 64, privileges checked with a clear
# message, unknown experiments named.
. "$(dirname "$0")/lib.sh"

"$OLAB" --help >"$TMP/help" || fail "--help exited $?"
grep -q "Examples:" "$TMP/help" || fail "--help has no examples"
grep -q "run" "$TMP/help" || fail "--help does not list run"
"$OLAB" run --help >"$TMP/runhelp" || fail "run --help exited $?"
grep -q "offloadlab run hooks" "$TMP/runhelp" || fail "run --help has no example"

"$OLAB" list >"$TMP/list" || fail "list exited $?"
grep -qE '^hooks +Table 1 ' "$TMP/list" || fail "list does not show hooks with its paper item"

"$OLAB" >/dev/null 2>&1; [ $? -eq 64 ] || fail "no command should exit 64"
"$OLAB" frobnicate >/dev/null 2>"$TMP/err"; [ $? -eq 64 ] || fail "unknown command should exit 64"
grep -q "unknown command 'frobnicate'" "$TMP/err" || fail "unknown command not named"
"$OLAB" run nosuch >/dev/null 2>"$TMP/err"; [ $? -eq 64 ] || fail "unknown experiment: exit 64"
grep -q "no experiment named 'nosuch'" "$TMP/err" || fail "unknown experiment not named"
"$OLAB" run hooks --samples 5 >/dev/null 2>"$TMP/err"; [ $? -eq 64 ] || fail "bad --samples: 64"
grep -q "from 100 to 8000" "$TMP/err" || fail "bad --samples message does not give the range"
"$OLAB" run hooks --samples 12x >/dev/null 2>&1; [ $? -eq 64 ] || fail "--samples 12x: 64"
"$OLAB" list extra >/dev/null 2>&1; [ $? -eq 64 ] || fail "list with an argument: 64"
"$OLAB" run hooks -o '' >/dev/null 2>"$TMP/err"; [ $? -eq 64 ] || fail "run -o '': 64"
grep -q "not an empty name" "$TMP/err" || fail "run -o '' is not explained"
# two hosts: every option or a usage error; only experiments that run that way; a host name
# that would reach the other host's shell is refused before anything is started
"$OLAB" run echo --remote h >/dev/null 2>"$TMP/err"; [ $? -eq 64 ] || fail "--remote alone: 64"
grep -q "need --remote HOST (or --remote-cmd), --dev" "$TMP/err" || fail "--remote alone unexplained"
R=(--remote h --dev lo --remote-dev d --remote-addr 198.18.9.9)
"$OLAB" run echo --remote h --dev lo --remote-dev d --remote-addr 10.0.0.x >/dev/null 2>&1
[ $? -eq 64 ] || fail "a bad --remote-addr: 64"
# an empty --remote-cmd is said to be one, not blamed on the host name
for c in "" "  "; do
	"$OLAB" run echo --remote-cmd "$c" --dev lo --remote-dev d --remote-addr 198.18.9.9 \
		>/dev/null 2>"$TMP/err"
	[ $? -eq 64 ] || fail "an empty --remote-cmd ('$c'): 64"
	grep -q -- "--remote-cmd is empty" "$TMP/err" || fail "an empty --remote-cmd unexplained"
	grep -q "host" "$TMP/err" && grep -q "refused: the host" "$TMP/err" &&
		fail "an empty --remote-cmd blamed on the host"
done
"$OLAB" run echo "${R[@]}" --remote-timeout 0 >/dev/null 2>&1
[ $? -eq 64 ] || fail "--remote-timeout 0: 64"
if [ "$(id -u)" -eq 0 ]; then
	"$OLAB" run echo --remote 'h;touch x' --dev lo --remote-dev d --remote-addr 198.18.9.9 \
		-o "$TMP/rm" >/dev/null 2>"$TMP/err"
	[ $? -eq 1 ] || fail "an unsafe host name: exit 1"
	grep -q "refused: the host" "$TMP/err" || fail "an unsafe host name is not refused"
	[ -e "$TMP/rm" ] && fail "a refused two-host run made a run folder"
fi
"$OLAB" agent >/dev/null 2>&1; [ $? -eq 64 ] || fail "agent without --stdio: 64"

"$OLAB" env >"$TMP/env" || fail "env exited $?"
for k in kernel cpu_model clocksource bpf_jit_enable pmu tools.libbpf; do
	grep -q "^  $k " "$TMP/env" || fail "env lacks $k"
done
"$OLAB" env --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["tools"]["libbpf"]' \
	|| fail "env --json is not the JSON block"

# --version: the version, git describe, the libraries actually loaded, the kernel; the same in env
"$OLAB" --version >"$TMP/ver" || fail "--version exited $?"
ver=$(head -n1 "$TOP/debian/changelog" | sed 's/^offloadlab (\(.*\)).*/\1/')
grep -qx "offloadlab $ver" "$TMP/ver" || fail "--version does not say $ver: $(head -n1 "$TMP/ver")"
if git -C "$TOP" rev-parse HEAD >/dev/null 2>&1; then
	grep -qE '^git: [0-9a-f]{7}' "$TMP/ver" || fail "--version has no git describe"
else
	grep -qx 'git: unknown' "$TMP/ver" || fail "--version claims a git commit outside git"
fi
lbpf=$(readlink -f "$(ldd "$OLAB" | awk '/libbpf.so/ {print $3}')")
grep -qx "libbpf: ${lbpf##*.so.} (built against [0-9.]*)" "$TMP/ver" ||
	fail "--version's libbpf is not the loaded ${lbpf##*/}: $(grep libbpf "$TMP/ver")"
grep -qE '^libxdp: [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/ver" || fail "--version has no libxdp version"
grep -qx "kernel: Linux $(uname -r) $(uname -m)" "$TMP/ver" || fail "--version has no kernel"
grep -qx "BPF objects: $(cd "$(dirname "$OLAB")" && pwd -P)/bpf/lib" "$TMP/ver" ||
	fail "--version does not find the build tree's BPF objects: $(grep BPF "$TMP/ver")"
for k in tools.libxdp tools.git_describe tools.libbpf_runtime; do
	grep -q "^  $k " "$TMP/env" || fail "env lacks $k"
done
# a command's own help and errors name it as typed (the man pages are made from them)
grep -q '^Usage: offloadlab run \[OPTION' "$TMP/runhelp" || fail "run --help: $(head -n1 "$TMP/runhelp")"
"$OLAB" jit dump --help | grep -q '^Usage: offloadlab jit dump \[OPTION...\] OBJ SECTION' ||
	fail "jit dump --help does not name the command"

# without root: a one-line explanation and exit 1, and nothing created
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$OLAB" run hooks --quick \
		-o "$TMP/nobody" >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] || fail "unprivileged run should exit 1, got $rc"
	grep -q "needs root" "$TMP/err" || fail "unprivileged run does not say it needs root"
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "unprivileged run printed more than one line"
fi
exit 0
