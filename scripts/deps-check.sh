#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Layers point one way (docs/anatomy-of-an-experiment.md, "Layers"): every #include "dir/..."
# of a file under src/ names a folder of its own layer or of a lower one.
#
#   5  src/main.c                                  the command table
#   4  run, agent, report, advise, try             the commands
#   3  exp                                         the experiments, their registry and runner
#   2  loadgen, kvcache, afxdp_kv, testbed, remote components (remote: the driver's transport)
#   1  lib, include                                shared code
#
# Two more rules: an experiment's folder includes no other experiment's (exp/<a>/ never
# "exp/<b>/..."), and the agent includes of the experiments only the registry and the side
# interface (exp/exp.h, exp/side.h): it dispatches through the registry, it knows no experiment.
#
# Known exceptions are listed below, each "file include": the shrinking allow-list of issue 25
# (phase 2 removes them). An entry that no longer matches an include fails the check too, so
# that the list only ever shrinks. Usage: scripts/deps-check.sh [ROOT] (default: this tree).
set -u
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}

ALLOW='
src/exp/echo/echo.c agent/agent.h
src/exp/isolation/isolation.c agent/agent.h
src/exp/kv/kv.c agent/agent.h
src/exp/kv/kv_dut.c agent/agent.h
src/exp/preproc/preproc.c agent/agent.h
src/exp/kv/kv.c advise/advise.h
src/loadgen/loadgen_cli.c report/table.h
src/agent/agent_compat.c exp/echo/echo_exp.h
src/agent/agent_compat.c exp/isolation/isolation_exp.h
src/agent/agent_compat.c exp/kv/kv.h
src/agent/agent_compat.c exp/preproc/preproc_exp.h
'

rank() { # folder -> layer, or nothing for a folder the rule does not know
	case $1 in
	main.c) echo 5 ;;
	run | agent | report | advise | try) echo 4 ;;
	exp) echo 3 ;;
	loadgen | kvcache | afxdp_kv | testbed | remote) echo 2 ;;
	lib | include) echo 1 ;;
	esac
}

cd "$ROOT" || exit 2
bad=0 used=
while IFS=: read -r file line inc; do
	inc=${inc#*\"}
	inc=${inc%%\"*}
	case $inc in */*) ;; *) continue ;; esac # skeletons, version.h: generated, no folder
	rel=${file#src/}
	from=${rel%%/*}
	to=${inc%%/*}
	rf=$(rank "$from")
	rt=$(rank "$to")
	why=
	if [ -z "$rf" ]; then
		why="src/$from is in no layer: name it in scripts/deps-check.sh"
	elif [ -z "$rt" ]; then
		why="\"$to/\" is in no layer: name it in scripts/deps-check.sh"
	elif [ "$rt" -gt "$rf" ]; then
		why="layer $rf ($from) includes layer $rt ($to): a lower folder never includes a higher one"
	elif [ "$from" = exp ] && [ "$to" = exp ]; then
		mine=${rel#exp/}
		mine=${mine%%/*}
		theirs=${inc#exp/}
		case $theirs in */*) [ "${theirs%%/*}" = "$mine" ] ||
			why="an experiment includes another's header (exp/$mine -> $inc)" ;; esac
	elif [ "$from" = agent ] && [ "$to" = exp ]; then
		case $inc in exp/exp.h | exp/side.h) ;; *)
			why="the agent includes an experiment's header ($inc): it dispatches through the registry (exp/exp.h, exp/side.h)" ;;
		esac
	fi
	[ -n "$why" ] || continue
	if grep -qxF "$file $inc" <<<"$ALLOW"; then
		used="$used
$file $inc"
		continue
	fi
	echo "$file:$line: #include \"$inc\": $why" >&2
	bad=1
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' src --include='*.c' --include='*.h' |
	sed -E 's/^([^:]*):([0-9]*):/\1:\2:/')

# the allow-list only shrinks: an entry nothing needs any more is a stale one
while read -r entry; do
	[ -n "$entry" ] || continue
	grep -qxF "$entry" <<<"$used" && continue
	echo "scripts/deps-check.sh: the exception '$entry' is no longer needed: remove it from the list" >&2
	bad=1
done <<<"$ALLOW"

if [ $bad -ne 0 ]; then
	echo "deps-check: failed (layers: main -> run/agent/report/advise -> exp -> components -> lib)" >&2
	exit 1
fi
echo "deps-check: clean ($(grep -c . <<<"$ALLOW") known exceptions left for issue 25, phase 2)"
