#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The run lock names its holder from the lock itself, not from the file (empty, or a finished
# run's pid, while the holder has not written yet): a run refused beside a holder names the
# holder's pid, and says "pid unknown" when the holder cannot be seen (another pid namespace).
# A refused run makes no run folder; -o through the user's own link says where it leads.
# (Many simultaneous starts: tests/unit/test_results.c, test_run_lock_many_at_once.)
. "$(dirname "$0")/lib.sh"
need_root
command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"

LOCK="$TMP/lock"
echo 999999 >"$LOCK" # what a finished run leaves
# a holder that takes the lock as a run does (a POSIX record lock) and writes nothing
python3 - "$LOCK" "$TMP/holder" <<'PY' &
import fcntl, os, sys, time
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2] + ".tmp", "w").write(str(os.getpid()))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
time.sleep(600)
PY
holder=$!
trap 'kill $holder 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq 1 600); do
	[ -s "$TMP/holder" ] && break
	sleep 0.05
done
[ "$(cat "$TMP/holder" 2>/dev/null)" = "$holder" ] || fail "the holder never took the lock"

mkdir "$TMP/real"
ln -s "$TMP/real" "$TMP/mine"
# --budget 1s: should a build not see the lock, it starts nothing that measures
OLAB_RUN_LOCK="$LOCK" "$OLAB" run hooks --quick --budget 1s -o "$TMP/mine" >/dev/null \
	2>"$TMP/err"
[ $? -eq 1 ] || fail "a run beside the holder was not refused"
grep -q "another run (pid $holder) is measuring on this machine" "$TMP/err" ||
	fail "the refusal does not name the holder $holder: $(cat "$TMP/err")"
grep -q "$TMP/mine leads through a symbolic link to $TMP/real" "$TMP/err" ||
	fail "-o through a link does not say where it leads: $(cat "$TMP/err")"
[ -z "$(ls -A "$TMP/real")" ] || fail "the refused run made a run folder"

# from another pid namespace the holder cannot be named: said so, not "pid 0"
OLAB_RUN_LOCK="$LOCK" unshare --pid --fork "$OLAB" run hooks --quick --budget 1s \
	-o "$TMP/out" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] || fail "a run in another pid namespace was not refused"
grep -q "another run (pid unknown) is measuring on this machine" "$TMP/err" ||
	fail "an unseen holder is not said unknown: $(cat "$TMP/err")"
[ -e "$TMP/out" ] && fail "the refused run made a run folder"
exit 0
