#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/deps-check.sh (make deps-check): the tree as it is passes; a copy with a lower
# folder including a higher one, an experiment including another's header, the agent
# including an experiment's, a folder in no layer, or a file over 700 lines, fails and names
# the file.
. "$(dirname "$0")/lib.sh"

CHECK="$TOP/scripts/deps-check.sh"
"$CHECK" "$TOP" >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; fail "the tree does not pass deps-check"; }

fresh() { rm -rf "$TMP/t" && mkdir -p "$TMP/t" && cp -r "$TOP/src" "$TMP/t/src"; }
# expect_fail WHAT PATTERN: deps-check on the copy fails, saying PATTERN
expect_fail() {
	if "$CHECK" "$TMP/t" >"$TMP/out" 2>&1; then
		fail "$1: deps-check passed"
	fi
	grep -q -- "$2" "$TMP/out" || { cat "$TMP/out" >&2; fail "$1: not said ($2)"; }
}

fresh
"$CHECK" "$TMP/t" >/dev/null 2>&1 || fail "a plain copy of the tree does not pass"

fresh
sed -i '0,/^#include "/s//#include "remote\/remote.h"\n#include "/' "$TMP/t/src/lib/stats.c"
expect_fail "lib including remote" 'src/lib/stats.c:.*layer 1 (lib) includes layer 2 (remote)'

fresh
printf '#include "agent/agent.h"\n' >>"$TMP/t/src/exp/memcpy/memcpy.c"
expect_fail "an experiment including the agent" 'src/exp/memcpy/memcpy.c:.*layer 3 (exp) includes layer 4 (agent)'

fresh
printf '#include "exp/hooks/hooks_exp.h"\n' >>"$TMP/t/src/exp/memcpy/memcpy.c"
expect_fail "an experiment including another's" "an experiment includes another's header (exp/memcpy -> exp/hooks/hooks_exp.h)"

fresh
printf '#include "exp/bandwidth/bandwidth_exp.h"\n' >>"$TMP/t/src/agent/agent.c"
expect_fail "the agent including an experiment's header" "src/agent/agent.c:.*the agent includes an experiment's header"

fresh
mkdir -p "$TMP/t/src/newthing" && printf '#include "lib/log.h"\n' >"$TMP/t/src/newthing/x.c"
expect_fail "a folder in no layer" 'src/newthing is in no layer'

fresh
seq 701 | sed 's|^|// |' >"$TMP/t/src/lib/long.c"
expect_fail "a file over 700 lines" 'src/lib/long.c: 701 lines: over 700'
seq 700 | sed 's|^|// |' >"$TMP/t/src/lib/long.c"
"$CHECK" "$TMP/t" >/dev/null 2>&1 || fail "a file of 700 lines is refused"
exit 0
