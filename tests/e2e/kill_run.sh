#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A run killed with SIGKILL mid-experiment leaves its namespaces (no handler can run); the
# next run removes them. A run stopped with SIGINT cleans up after itself at once. The servers
# a run starts die with it, even when it is SIGKILLed.
. "$(dirname "$0")/lib.sh"
need_root

wait_ns() { # pid: wait until its testbed exists
	local i
	for i in $(seq 1 600); do
		[ -n "$(olab_ns "$1")" ] && return 0
		sleep 0.05
	done
	return 1
}

"$OLAB" run hooks --quick --samples 8000 -o "$TMP/out" >/dev/null 2>&1 &
pid=$!
wait_ns $pid || { kill -9 $pid; fail "the run never created its testbed"; }
kill -9 $pid
wait $pid 2>/dev/null
[ -n "$(olab_ns $pid)" ] || fail "SIGKILL should leave the namespaces (test premise)"

"$OLAB" run hooks --quick --samples 100 -o "$TMP/out" >/dev/null 2>"$TMP/err" || fail "next run failed"
grep -q "left by a run (pid $pid)" "$TMP/err" || fail "next run did not report the cleanup"
[ -z "$(olab_ns $pid)" ] || fail "next run did not remove the dead run's namespaces"

"$OLAB" run hooks --quick --samples 8000 -o "$TMP/out" >/dev/null 2>&1 &
pid=$!
wait_ns $pid || { kill -9 $pid; fail "the run never created its testbed"; }
# one run at a time: a second is refused with the first's pid, and measures nothing
"$OLAB" run hooks --quick -o "$TMP/out2" >/dev/null 2>"$TMP/err2"
[ $? -eq 1 ] || fail "a second run beside the first was not refused"
grep -q "another run (pid $pid) is measuring on this machine" "$TMP/err2" ||
	fail "the refusal does not name the first run: $(cat "$TMP/err2")"
[ -e "$TMP/out2" ] && fail "the refused run made a run folder"
kill -INT $pid
wait $pid 2>/dev/null
[ -z "$(olab_ns $pid)" ] || fail "SIGINT left namespaces behind"
# what it measured before the signal stays: results.json is written after each experiment
ls "$TMP"/out/*/results.json >/dev/null 2>&1 || fail "an interrupted run left no results.json"

# a SIGKILLed kv run: the memcached it started dies with it (no orphan under PID 1)
if command -v memcached >/dev/null; then
	"$OLAB" run kv --quick -o "$TMP/out" >/dev/null 2>&1 &
	pid=$!
	mc=
	for i in $(seq 1 400); do
		mc=$(pgrep -P $pid -x memcached | head -n 1)
		[ -n "$mc" ] && break
		sleep 0.05
	done
	[ -n "$mc" ] || { kill -9 $pid; fail "the kv run never started memcached"; }
	kill -9 $pid
	wait $pid 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$mc" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$mc" 2>/dev/null && { kill -9 "$mc"; fail "memcached outlived the killed run"; }
	"$OLAB" run hooks --quick --samples 100 -o "$TMP/out" >/dev/null 2>&1 || fail "next run failed"
else
	echo "memcached is not installed: the kv orphan check did not run" >&2
	[ "${CI:-}" = true ] && fail "memcached missing under CI"
fi
assert_clean
exit 0
