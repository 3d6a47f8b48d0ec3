# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the shell end-to-end tests. Each test exits 0 (pass), 77 (skip) or
# anything else (fail), and says why on stderr.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# OLAB may name another build of the same program (the sanitizer build: tests/san)
OLAB=${OLAB:-"$TOP/build/offloadlab"}
TMP=$(mktemp -d /tmp/olab-e2e.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# Debian's python3 (scripts/install-deps.sh installs it, with python3-jsonschema) for these
# scripts and every Python tool they start, not another python3 ahead of it in PATH: a version
# manager's shim (pyenv) took a second per start, and a test starts Python dozens of times
if [ -x /usr/bin/python3 ] && [ "$(command -v python3)" != /usr/bin/python3 ]; then
	mkdir "$TMP/bin" && ln -s /usr/bin/python3 "$TMP/bin/python3" && PATH="$TMP/bin:$PATH"
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root"; }

# Namespaces named olab-<pid>-* (any pid when none given).
olab_ns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^olab-${1:-[0-9]+}-" || true; }

# BPF programs of ours still loaded: every one is named olab_<experiment>_... Programs are
# freed after an RCU grace period, so allow a few seconds.
olab_progs() {
	local i
	for i in $(seq 1 50); do
		if ! bpftool prog show 2>/dev/null | grep -qE ' name olab_'; then
			return 0
		fi
		sleep 0.1
	done
	bpftool prog show | grep -E ' name olab_' >&2
	return 1
}

assert_clean() {
	local left
	left=$(olab_ns "${1:-}")
	[ -z "$left" ] || fail "namespaces left behind: $left"
	olab_progs || fail "BPF programs left loaded"
	if ls /sys/fs/bpf 2>/dev/null | grep -qiE 'olab|offload|kvc'; then
		fail "pinned objects left in /sys/fs/bpf"
	fi
}

# The Python checks import tests/e2e/olab_results.py (one experiment's metrics, by id).
export PYTHONPATH="$TOP/tests/e2e${PYTHONPATH:+:$PYTHONPATH}"

# run_json EXP...: offloadlab run --quick EXP... with its table in $TMP/table and its JSON in
# $TMP/r.json; fails unless it exits 0, prints a table for every EXP and the JSON validates.
run_json() {
	local e
	"$OLAB" run "$@" --quick --json "$TMP/r.json" -o "$TMP/out" >"$TMP/table" 2>"$TMP/err" ||
		{ cat "$TMP/err" >&2; fail "run $* exited $?"; }
	for e in "$@"; do
		grep -qF "== $e (paper " "$TMP/table" || fail "no table for $e"
	done
	"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/r.json" ||
		fail "JSON does not validate"
	# every id an experiment emits is one it declares (its plots and claims are checked against
	# the same list by tests/unit/test_experiments.c)
	if grep 'undeclared metric id' "$TMP/err" >&2; then
		fail "an experiment emitted a metric id it does not declare (above)"
	fi
	# report and compare read these results back (with the sanitizer build, through tests/san,
	# every experiment's results pass through them)
	"$OLAB" report "$(ls -d "$TMP"/out/*/ | head -n 1)" -o "$TMP/page.html" >/dev/null \
		2>"$TMP/rep.err" || { cat "$TMP/rep.err" >&2; fail "report of the run $* failed"; }
	"$OLAB" compare "$TMP/r.json" "$TMP/r.json" >/dev/null 2>"$TMP/cmp.err" &&
		"$OLAB" compare "$TMP/r.json" "$TOP/tests/data/run_a.json" --json >/dev/null \
			2>>"$TMP/cmp.err" || { cat "$TMP/cmp.err" >&2; fail "compare of the run $* failed"; }
}

# san_wrap SCRIPT: tests/e2e/SCRIPT with the ASan + UBSan build (make san) as the program, the
# agent included: the same assertions, and any sanitizer report of any of its processes (each
# into a file of its own) fails the test. Exits with the script's skip.
san_wrap() {
	local san="$TOP/build-san/offloadlab" rc
	[ -x "$san" ] || fail "no sanitizer build (make san builds build-san/offloadlab)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$TMP/asan \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$TMP/ubsan \
		OLAB="$san" "$TOP/tests/e2e/$1" 2>"$TMP/san-err"
	rc=$?
	[ $rc -eq 77 ] && skip "$(tail -n 1 "$TMP/san-err")"
	[ $rc -eq 0 ] || { tail -n 30 "$TMP/san-err" >&2; fail "$1 under the sanitizers exited $rc"; }
	san_reports && fail "a sanitizer report (above) in $1"
	return 0
}

# san_reports: true, and each shown, when there is any sanitizer report (ASan's or UBSan's
# log_path files, $TMP/asan.PID and $TMP/ubsan.PID). ('ls asan* ubsan*' was false unless both
# kinds were there: one kind alone went unseen.)
san_reports() {
	local f found=1
	for f in "$TMP"/asan* "$TMP"/ubsan*; do
		[ -e "$f" ] || continue
		cat "$f" >&2
		found=0
	done
	return $found
}

# veth_pair NS_A DEV_A ADDR_A NS_B DEV_B ADDR_B: the namespaces made if missing, a veth pair
# between them with a /24 address on each end, both ends and both loopbacks up.
veth_pair() {
	local ns
	for ns in "$1" "$4"; do
		ip netns list | grep -qw "$ns" || ip netns add "$ns" || fail "cannot create $ns"
		ip -n "$ns" link set lo up
	done
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" || fail "no veth $2/$5"
	ip -n "$1" addr add "$3/24" dev "$2" && ip -n "$4" addr add "$6/24" dev "$5" ||
		fail "no addresses on $2/$5"
	ip -n "$1" link set "$2" up && ip -n "$4" link set "$5" up || fail "$2/$5 down"
}

# Two hosts on this machine: namespaces $RA (the generator's host) and $RB (the server's)
# joined by veth ($RX in RA, 198.18.2.1; $RY in RB, 198.18.2.2), removed at exit or by
# two_hosts_down; REMOTE holds the run options that drive the server's side through the agent
# in RB (the host is called B).
two_hosts() {
	RA=olab-$$-ra RB=olab-$$-rb RX=olab-$$-x RY=olab-$$-y
	trap 'ip netns del "$RA" 2>/dev/null; ip netns del "$RB" 2>/dev/null; rm -rf "$TMP"' EXIT
	veth_pair "$RA" "$RX" 198.18.2.1 "$RB" "$RY" 198.18.2.2
	REMOTE=(--remote B --remote-cmd "ip netns exec $RB" --remote-bin "$OLAB" --dev "$RX"
		--remote-dev "$RY" --remote-addr 198.18.2.2)
}
two_hosts_down() {
	ip netns del "$RA" 2>/dev/null
	ip netns del "$RB" 2>/dev/null
	trap 'rm -rf "$TMP"' EXIT
}

# remote_json EXP...: run_json's run with two hosts (two_hosts first), the generator in RA and
# the server's side through the agent in RB: its table in $TMP/rtable, what the agent announced
# in $TMP/rerr, the JSON in $TMP/rr.json.
remote_json() {
	ip netns exec "$RA" "$OLAB" run "$@" --quick "${REMOTE[@]}" --json "$TMP/rr.json" \
		-o "$TMP/out" >"$TMP/rtable" 2>"$TMP/rerr" ||
		{ cat "$TMP/rerr" >&2; fail "run $* with two hosts exited $?"; }
	"$TOP/tests/e2e/validate_results.py" "$TOP/docs/results.schema.json" "$TMP/rr.json" ||
		fail "the two-host JSON does not validate"
}
