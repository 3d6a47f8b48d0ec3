#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the package builds (dpkg-buildpackage, from a copy of the tree), lintian finds no
# error, it depends on the libraries the program links and recommends memcached and gnuplot,
# holds exactly the installed files (tests/data/install-manifest.txt, for /usr), and the
# program unpacked from it (never installed on this machine) finds its files, runs an
# experiment from another directory and reports it.
. "$(dirname "$0")/lib.sh"
for t in dpkg-buildpackage dh lintian help2man; do
	command -v $t >/dev/null || skip "$t is not installed (scripts/install-deps.sh)"
done
V=$(head -n1 "$TOP/debian/changelog" | sed 's/^offloadlab (\(.*\)).*/\1/')
DEB=$TMP/deb/offloadlab_${V}_amd64.deb

# (no debug symbols package: not looked at here, and it takes time)
DEB_BUILD_OPTIONS=noautodbgsym make -s -C "$TOP" --no-print-directory deb DEB_OUT="$TMP/deb" \
	>"$TMP/build.log" 2>&1 ||
	{ tail -n 30 "$TMP/build.log" >&2; fail "make deb"; }
[ -f "$DEB" ] || fail "no $DEB"

lintian --fail-on error --no-tag-display-limit "$DEB" >"$TMP/lintian" 2>&1 ||
	{ cat "$TMP/lintian" >&2; fail "lintian reports errors"; }
grep '^E:' "$TMP/lintian" >&2 && fail "lintian: errors"

dep=$(dpkg-deb -f "$DEB" Depends)
for l in libbpf1 libxdp1 libjansson4 libcapstone4 iproute2; do
	grep -qE "(^|, )$l( |,|$)" <<<"$dep" || fail "Depends lacks $l: $dep"
done
rec=$(dpkg-deb -f "$DEB" Recommends)
for r in memcached gnuplot-nox; do
	grep -qE "(^|, )$r( |,|$)" <<<"$rec" || fail "Recommends lacks $r: $rec"
done

# the files: make install's for PREFIX=/usr, units in /lib/systemd/system, pages and the
# Debian changelog compressed, the copyright
dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ {sub(/^\.\//, "", $6); print $6}' | sort >"$TMP/got"
sed -e 's/^[0-7]* //' -e 's|^usr/local/lib/systemd/|lib/systemd/|' -e 's|^usr/local/|usr/|' \
	-e 's|\(man8/.*\.8\)$|\1.gz|' "$TOP/tests/data/install-manifest.txt" >"$TMP/want"
printf '%s\n' usr/share/doc/offloadlab/changelog.gz usr/share/doc/offloadlab/copyright \
	usr/share/lintian/overrides/offloadlab >>"$TMP/want"
sort -o "$TMP/want" "$TMP/want"
diff -u "$TMP/want" "$TMP/got" >&2 || fail "the package holds other files than make install"
dpkg-deb -e "$DEB" "$TMP/ctl"
for s in prerm postrm; do
	sh -n "$TMP/ctl/$s" || fail "$s is not valid sh"
done
grep -q 'rm -rf /run/offloadlab' "$TMP/ctl/postrm" || fail "postrm purge keeps /run/offloadlab"
grep -q 'kvcache detach' "$TMP/ctl/prerm" || fail "prerm does not detach the caches"
[ "$(cat "$TMP/ctl/conffiles")" = "$(printf '/etc/default/offloadlab-afxdp-kv\n/etc/default/offloadlab-kvcache')" ] ||
	fail "conffiles: $(cat "$TMP/ctl/conffiles")"

# the program as unpacked from the package
R=$TMP/root
dpkg -x "$DEB" "$R"
B=$R/usr/bin/offloadlab
mkdir "$TMP/cwd"
cd "$TMP/cwd" || fail "cd"
"$B" --version >"$TMP/ver" || fail "--version exited $?"
grep -qx "offloadlab $V" "$TMP/ver" || fail "--version: $(head -n1 "$TMP/ver")"
grep -qE '^git: [0-9a-f]{7}' "$TMP/ver" || fail "the package does not say its git commit"
grep -qE '^libxdp: [0-9.]+$' "$TMP/ver" || fail "the package's program has no libxdp version"
grep -qx "BPF objects: $R/usr/lib/offloadlab" "$TMP/ver" || fail "$(grep BPF "$TMP/ver")"
for p in "$R"/usr/share/man/man8/*.8.gz; do
	w=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
	[ -z "$w" ] || fail "$(basename "$p"): $w"
done
grep -qx 'ExecStart=/usr/bin/offloadlab kvcache attach --dev %i $KVCACHE_OPTS' \
	"$R/lib/systemd/system/offloadlab-kvcache@.service" || fail "the unit does not run /usr/bin"
if [ "$(id -u)" -eq 0 ]; then
	OLAB_RUN_LOCK=$TMP/run.lock "$B" run --quick memcpy -o "$TMP/cwd/out" >"$TMP/run" 2>&1 ||
		{ tail -n 20 "$TMP/run" >&2; fail "run --quick memcpy from the package"; }
	run=$(ls -d "$TMP"/cwd/out/*/)
	"$B" report "$run" -o "$TMP/page.html" >"$TMP/rep" 2>&1 ||
		{ cat "$TMP/rep" >&2; fail "report of that run"; }
	grep -q 'memcpy' "$TMP/page.html" || fail "the report has no memcpy section"
	assert_clean
fi
exit 0
