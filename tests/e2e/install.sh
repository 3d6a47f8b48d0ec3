#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install / uninstall: exactly the files of tests/data/install-manifest.txt under
# DESTDIR, the program finding its own files there from any directory, man pages that render
# without a warning and list every option the program has, the bash completion, an operator's
# /etc/default file kept, and nothing left after uninstall.
. "$(dirname "$0")/lib.sh"
command -v help2man >/dev/null || fail "help2man is not installed (scripts/install-deps.sh)"
D=$TMP/dest
MK=(make -s -C "$TOP" --no-print-directory)

"${MK[@]}" install DESTDIR="$D" >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; fail "make install"; }
(cd "$D" && find . -type f -printf '%m %P\n' | sort -k2) >"$TMP/got"
diff -u "$TOP/tests/data/install-manifest.txt" "$TMP/got" >&2 ||
	fail "make install DESTDIR installs other files than the manifest"
[ -z "$(cd "$D" && find . -type l)" ] || fail "make install made links"
B=$D/usr/local/bin/offloadlab

# the installed program finds its files under its prefix, whatever the current directory
(cd / && "$B" --version) >"$TMP/ver" || fail "installed --version exited $?"
grep -qx "BPF objects: $D/usr/local/lib/offloadlab" "$TMP/ver" ||
	fail "the installed program does not find its BPF objects: $(grep BPF "$TMP/ver")"
grep -qx "docs: $D/usr/local/share/doc/offloadlab" "$TMP/ver" ||
	fail "the installed program does not find its docs: $(grep docs: "$TMP/ver")"
mkdir "$TMP/elsewhere"
if [ "$(id -u)" -eq 0 ]; then
	(cd "$TMP/elsewhere" && "$B" jit dump jit.bpf.o olab_jit_sum_once) >"$TMP/jit" 2>&1 ||
		{ cat "$TMP/jit" >&2; fail "jit dump of the installed jit.bpf.o by its bare name"; }
	grep -qE '^ *0x[0-9a-f]+:? ' "$TMP/jit" || grep -qE '\b(mov|ret|push)\b' "$TMP/jit" ||
		fail "jit dump printed no code"
fi

# every page renders without a warning, has the hand-written sections, and lists every long
# option of its command's --help (both come from the same binary: they cannot drift)
M=$D/usr/local/share/man/man8
page_cmd() {
	case $1 in
	offloadlab) echo "" ;; offloadlab-echo) echo "echo serve" ;;
	offloadlab-jit) echo "jit dump" ;; *) echo "${1#offloadlab-}" ;;
	esac
}
for p in "$M"/*.8; do
	n=$(basename "$p" .8)
	warn=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >"$TMP/page")
	[ -z "$warn" ] || fail "$n(8) renders with warnings: $warn"
	for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -qx "$s" "$TMP/page" || fail "$n(8) has no $s section"
	done
	# shellcheck disable=SC2046
	"$B" $(page_cmd "$n") --help 2>/dev/null |
		grep -oE '^ +(-[a-zA-Z?], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' |
		sort -u >"$TMP/opts"
	[ "$n" = offloadlab ] || [ -s "$TMP/opts" ] || fail "no options found in $n's --help"
	while read -r o; do
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" "$TMP/page" || fail "$n(8) lacks $o"
	done <"$TMP/opts"
done
for n in run compare report kvcache afxdp-kv loadgen advise agent echo jit; do
	[ -f "$M/offloadlab-$n.8" ] || fail "no page for $n"
done
MANWIDTH=80 man -l "$M/offloadlab-kvcache.8" 2>/dev/null | grep -q "$D/usr/local/lib/offloadlab/" &&
	fail "a page names the DESTDIR"
MANWIDTH=80 man -l "$M/offloadlab-kvcache.8" | grep -q '/usr/local/lib/offloadlab/xdp_pass.bpf.o' ||
	fail "offloadlab-kvcache(8) does not name the installed pass program"

# the completion asks the program itself
C=$D/usr/local/share/bash-completion/completions/offloadlab
comp() { # WORD... : the completions of the last word
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _offloadlab
		printf "%s\n" "${COMPREPLY[@]}"' sh "$C" "$B" "$@"
}
comp "" | grep -qx kvcache || fail "completion: no commands"
comp run --qu | grep -qx -- --quick || fail "completion: no run options"
comp run mem | grep -qx memcpy || fail "completion: no experiments"
comp kvcache stats --dev lo --format p | grep -qx prometheus || fail "completion: no formats"
comp afxdp-kv "" | grep -qx cleanup || fail "completion: no afxdp-kv commands"

# an operator's /etc/default file is neither overwritten nor removed
echo 'KVCACHE_OPTS="--rate 5"' >"$D/etc/default/offloadlab-kvcache"
"${MK[@]}" install DESTDIR="$D" >/dev/null 2>&1 || fail "make install, twice"
grep -q 'rate 5' "$D/etc/default/offloadlab-kvcache" || fail "install overwrote /etc/default"
"${MK[@]}" uninstall DESTDIR="$D" >"$TMP/out" 2>&1 || fail "make uninstall"
[ "$(cd "$D" && find . -type f)" = "./etc/default/offloadlab-kvcache" ] ||
	fail "uninstall left: $(cd "$D" && find . -type f | grep -v offloadlab-kvcache$)"
grep -q 'kept .*offloadlab-kvcache (changed)' "$TMP/out" || fail "uninstall did not say it kept it"

# PREFIX=/usr: the units and pages name /usr (built into a scratch folder, not build/)
"${MK[@]}" install DESTDIR="$TMP/usr" PREFIX=/usr BUILD="$TOP/build" >/dev/null 2>&1 ||
	fail "make install PREFIX=/usr"
grep -qx 'ExecStart=/usr/bin/offloadlab kvcache attach --dev %i $KVCACHE_OPTS' \
	"$TMP/usr/usr/lib/systemd/system/offloadlab-kvcache@.service" || fail "unit under /usr"
MANWIDTH=80 man -l "$TMP/usr/usr/share/man/man8/offloadlab.8" | grep -q '/usr/lib/offloadlab/jit.bpf.o' ||
	fail "offloadlab(8) for PREFIX=/usr does not name /usr/lib/offloadlab"
# leave build/'s pages and units for the default prefix, as the build made them
"${MK[@]}" man units >/dev/null 2>&1 || fail "make man units"
exit 0
