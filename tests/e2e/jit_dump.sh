#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab jit dump: prints the JIT code of a named program with its instruction count, lists
# the programs when the name is wrong, and rejects bad use.
. "$(dirname "$0")/lib.sh"
need_root
OBJ="$TOP/build/bpf/exp/jit/jit.bpf.o"

"$OLAB" jit dump "$OBJ" olab_jit_sum_once >"$TMP/out" 2>"$TMP/err" || fail "dump exited $?: $(cat "$TMP/err")"
grep -q '^olab_jit_sum_once (section xdp): [0-9]* bytes of x86-64' "$TMP/out" || fail "no header"
grep -qE '^ +[0-9a-f]+: +(mov|movzx|add) ' "$TMP/out" || fail "no disassembly"
n=$(grep -oE '^[0-9]+ instructions; longest loop body [0-9]+' "$TMP/out") || fail "no summary"
[ "${n%% *}" -gt 64 ] || fail "too few instructions: $n"
# a section name picks the first program of the section
"$OLAB" jit dump "$OBJ" xdp | grep -q '^olab_jit_empty (section xdp)' || fail "section lookup"

"$OLAB" jit dump "$OBJ" nosuch 2>"$TMP/err" && fail "an unknown program was accepted"
grep -q 'olab_jit_sum_once' "$TMP/err" || fail "the programs are not listed"
"$OLAB" jit dump "$TMP/none.o" xdp 2>"$TMP/err" && fail "a missing object was accepted"
grep -qi "open $TMP/none.o" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
"$OLAB" jit dump "$OBJ" 2>/dev/null
[ $? -eq 64 ] || fail "a missing section is not a usage error"
"$OLAB" jit frobnicate 2>/dev/null
[ $? -eq 64 ] || fail "an unknown jit subcommand is not a usage error"
assert_clean
exit 0
