#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The report's privilege separation: gnuplot runs as nobody, and nothing it can touch is
# trusted by the root side afterwards. A stand-in for gnuplot (first in PATH, run as nobody as
# gnuplot would be) attacks whatever the root side hands it: it swaps the plot's output file
# for a link to a root-only file (root would copy the file into the world-readable page), or
# the plot folder for a link to a root-only folder (root would delete files there). Neither
# may work: the page holds only what the unprivileged side could read itself, and no file of
# root's is removed.
. "$(dirname "$0")/lib.sh"
need_root

# The stand-ins must be reachable by nobody: a folder of their own, 0755.
BIN=$(mktemp -d /tmp/olab-e2e-bin.XXXXXX)
chmod 755 "$BIN"
trap 'rm -rf "$TMP" "$BIN"' EXIT

mkdir -m 700 "$TMP/secret" "$TMP/victim"
echo "ROOT-ONLY-SECRET-$$" >"$TMP/secret/key"
chmod 600 "$TMP/secret/key"
for f in plot.gp d0 d1 out.svg; do
	echo "root's own $f" >"$TMP/victim/$f"
done

# stand_in NAME ATTACK: a gnuplot that runs ATTACK on the folder of the script it was given
# (if any: only its own, never another run's), then prints a plot naming who it ran as.
stand_in() {
	mkdir -m 755 "$BIN/$1"
	cat >"$BIN/$1/gnuplot" <<EOF
#!/bin/sh
if [ \$# -ge 1 ]; then
	d=\$(dirname "\$1")
	$2
fi
echo "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>stand-in uid \$(id -u)</text></svg>"
EOF
	chmod 755 "$BIN/$1/gnuplot"
}
stand_in swapfile 'rm -f "$d/out.svg"; ln -s '"$TMP/secret/key"' "$d/out.svg"'
stand_in swapdir 'mv "$d" "$d.gone" && ln -s '"$TMP/victim"' "$d"'

cp "$TOP/tests/data/run_a.json" "$TMP/results.json"

# --- the output file swapped for a link to a root-only file
PATH="$BIN/swapfile:$PATH" "$OLAB" report "$TMP" -o "$TMP/a.html" >/dev/null 2>"$TMP/err" ||
	fail "report with the stand-in failed: $(cat "$TMP/err")"
grep -q "ROOT-ONLY-SECRET" "$TMP/a.html" &&
	fail "a root-only file reached the report through the unprivileged side's link"
grep -q "stand-in uid 65534" "$TMP/a.html" ||
	fail "the stand-in did not run as nobody, or its plot is missing (test premise)"

# --- the plot folder swapped for a link to a root-only folder
PATH="$BIN/swapdir:$PATH" "$OLAB" report "$TMP" -o "$TMP/b.html" >/dev/null 2>"$TMP/err" ||
	fail "report with the stand-in failed: $(cat "$TMP/err")"
# what the attack left in /tmp on a build that hands out a folder (none when fixed)
find /tmp -maxdepth 1 -name 'olab-plot.*' -lname "$TMP/victim" -delete 2>/dev/null
find /tmp -maxdepth 1 -name 'olab-plot.*.gone' -user 65534 -exec rm -rf {} + 2>/dev/null
for f in plot.gp d0 d1 out.svg; do
	[ -e "$TMP/victim/$f" ] || fail "root deleted $f in a root-only folder through a link"
done
grep -q "root's own out.svg" "$TMP/b.html" && fail "a root-only file reached the report"
grep -q "stand-in uid 65534" "$TMP/b.html" || fail "the stand-in's plot is missing"

# --- what a real gnuplot draws still arrives (when there is one)
if command -v gnuplot >/dev/null; then
	"$OLAB" report "$TMP" -o "$TMP/c.html" >/dev/null 2>"$TMP/err" ||
		fail "report failed: $(cat "$TMP/err")"
	n=$(grep -o '<figure class="plot"' "$TMP/c.html" | wc -l)
	[ "$n" -ge 7 ] || fail "gnuplot drew $n plots, expected at least 7"
	grep -q 'No plots: gnuplot could not be run' "$TMP/c.html" && fail "gnuplot not run"
fi
exit 0
