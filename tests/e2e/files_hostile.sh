#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What report, compare, advise, loadgen and run do with the paths they are given, as root.
# Outputs (-o, --json): a stream (stdout, a FIFO) is written through and stays what it was; a
# link to a file, a device or someone else's link is refused with the reason, never replaced,
# and run refuses before it measures anything. Inputs: a FIFO, a device or a results document
# over the size limit is refused at once with the reason, never waited on or parsed.
. "$(dirname "$0")/lib.sh"
need_root

DATA="$TOP/tests/data"
cp "$DATA/run_a.json" "$TMP/a.json"

# --- outputs: this command's stdout through a link (what /dev/stdout is; a link of the test's
# own, so that a build that replaces links cannot replace the system's)
ln -s /proc/self/fd/1 "$TMP/stdout"
"$OLAB" report "$TMP/a.json" -o "$TMP/stdout" >"$TMP/page" 2>"$TMP/err" ||
	fail "report -o a link to stdout: $(cat "$TMP/err")"
[ -L "$TMP/stdout" ] || fail "report replaced a link to stdout with a file"
grep -q '</html>' "$TMP/page" || fail "the page did not come through stdout"
grep -qx "$TMP/stdout" "$TMP/page" && fail "the path was printed into the page's stream"

# a FIFO with a reader gets the page; without one it is refused at once
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/from_fifo" &
reader=$!
timeout 120 "$OLAB" report "$TMP/a.json" -o "$TMP/fifo" >/dev/null 2>"$TMP/err"
rc=$?
wait $reader
[ $rc -eq 0 ] || fail "report -o a FIFO with a reader exited $rc: $(cat "$TMP/err")"
[ -p "$TMP/fifo" ] || fail "the FIFO was replaced"
grep -q '</html>' "$TMP/from_fifo" || fail "the page did not come through the FIFO"
timeout 120 "$OLAB" report "$TMP/a.json" -o "$TMP/fifo" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] || fail "report -o a FIFO nobody reads exited $rc (124: it waited)"
grep -q 'is a FIFO no process reads' "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
[ -p "$TMP/fifo" ] || fail "the FIFO was replaced"

# a link to a regular file: refused, the link and its file untouched
echo keep >"$TMP/target"
ln -s "$TMP/target" "$TMP/link"
"$OLAB" report "$TMP/a.json" -o "$TMP/link" >/dev/null 2>"$TMP/err" &&
	fail "report -o a link to a file succeeded"
grep -q 'is a symbolic link to the file .*not followed' "$TMP/err" ||
	fail "unclear refusal: $(cat "$TMP/err")"
[ -L "$TMP/link" ] && [ "$(cat "$TMP/target")" = keep ] || fail "the link or its file changed"

# a device other than a terminal or /dev/null; a folder
ln -s /dev/zero "$TMP/zero"
"$OLAB" report "$TMP/a.json" -o "$TMP/zero" >/dev/null 2>"$TMP/err" && fail "wrote to /dev/zero"
grep -q 'is a device: refused' "$TMP/err" || fail "unclear refusal: $(cat "$TMP/err")"
"$OLAB" report "$TMP/a.json" -o "$TMP" >/dev/null 2>"$TMP/err" && fail "wrote over a folder"
grep -q 'is a folder' "$TMP/err" || fail "unclear refusal: $(cat "$TMP/err")"

# run and loadgen refuse their --json before anything is measured or sent
OLAB_RUN_LOCK="$TMP/lock" "$OLAB" run hooks --quick --json "$TMP/link" -o "$TMP/out" \
	>/dev/null 2>"$TMP/err"
[ $? -eq 1 ] || fail "run --json a link to a file: not refused"
grep -q -- '--json: .*not followed' "$TMP/err" || fail "unclear refusal: $(cat "$TMP/err")"
[ -e "$TMP/out" ] && fail "the refused run made a run folder"
[ -L "$TMP/link" ] && [ "$(cat "$TMP/target")" = keep ] || fail "run changed the link"
"$OLAB" loadgen --dst 127.0.0.1:9 --count 1 --json "$TMP/zero" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] || fail "loadgen --json /dev/zero: not refused"
grep -q -- '--json: .*is a device' "$TMP/err" || fail "unclear refusal: $(cat "$TMP/err")"

# run -o through someone else's link: refused, nothing made where it leads
mkdir "$TMP/real"
ln -s "$TMP/real" "$TMP/theirs"
chown -h 65534:65534 "$TMP/theirs"
OLAB_RUN_LOCK="$TMP/lock" "$OLAB" run hooks --quick -o "$TMP/theirs" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] || fail "run -o someone else's link: not refused"
grep -q -- "--out: $TMP/theirs is a symbolic link of uid 65534's: refused" "$TMP/err" ||
	fail "unclear refusal: $(cat "$TMP/err")"
[ -z "$(ls -A "$TMP/real")" ] || fail "the refused run made something through the link"

# --- inputs: a FIFO (alone or as a run folder's results.json) is refused, not waited on
mkfifo "$TMP/in_fifo"
mkdir "$TMP/run_fifo"
mkfifo "$TMP/run_fifo/results.json"
for cmd in "report $TMP/in_fifo" "report $TMP/run_fifo" "compare $TMP/a.json $TMP/in_fifo" \
	"advise --hit-share 50% --from $TMP/run_fifo"; do
	# shellcheck disable=SC2086
	timeout 120 "$OLAB" $cmd >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] || fail "'$cmd' exited $rc (124: it waited on the FIFO)"
	grep -q 'is a FIFO: refused' "$TMP/err" || fail "'$cmd': unclear: $(cat "$TMP/err")"
done
"$OLAB" report /dev/null >/dev/null 2>"$TMP/err" && fail "report of /dev/null succeeded"
grep -q 'is a device: refused' "$TMP/err" || fail "unclear: $(cat "$TMP/err")"

# a valid document past the documented limit (16 MiB) is refused before it is parsed
python3 - "$DATA/run_a.json" "$TMP/big.json" <<'EOF' || fail "fixture"
import json, sys
d = json.load(open(sys.argv[1]))
d["experiments"][0]["notes"].append("x" * (17 << 20))
json.dump(d, open(sys.argv[2], "w"))
EOF
for cmd in "report $TMP/big.json -o $TMP/big.html" "compare $TMP/a.json $TMP/big.json" \
	"advise --hit-share 50% --from $TMP/big.json"; do
	# shellcheck disable=SC2086
	"$OLAB" $cmd >/dev/null 2>"$TMP/err" && fail "'$cmd' read a document over the limit"
	grep -q 'more than the 16 MiB a results document may have: refused' "$TMP/err" ||
		fail "'$cmd': unclear: $(cat "$TMP/err")"
done
[ -e "$TMP/big.html" ] && fail "a report was written from a document over the limit"
exit 0
