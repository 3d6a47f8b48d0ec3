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
# And files stay readable: no .c or .h under src/ is over 700 lines (MAX_LINES); cut a file
# that grows past it along its seams.
#
# There are no exceptions. Usage: scripts/deps-check.sh [ROOT] (default: this tree).
set -u
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}

rank() { # folder -> its layer in R, or nothing for a folder the rule does not know (no fork)
	case $1 in
	main.c) R=5 ;;
	run | agent | report | advise | try) R=4 ;;
	exp) R=3 ;;
	loadgen | kvcache | afxdp_kv | testbed | remote) R=2 ;;
	lib | include) R=1 ;;
	*) R= ;;
	esac
}

cd "$ROOT" || exit 2
bad=0
while IFS=: read -r file line inc; do
	inc=${inc#*\"}
	inc=${inc%%\"*}
	case $inc in */*) ;; *) continue ;; esac # skeletons, version.h: generated, no folder
	rel=${file#src/}
	from=${rel%%/*}
	to=${inc%%/*}
	rank "$from"
	rf=$R
	rank "$to"
	rt=$R
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
	echo "$file:$line: #include \"$inc\": $why" >&2
	bad=1
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' src --include='*.c' --include='*.h' |
	sed -E 's/^([^:]*):([0-9]*):/\1:\2:/')

MAX_LINES=700
while read -r n file; do
	[ "$file" != total ] && [ "$n" -gt $MAX_LINES ] || continue
	echo "$file: $n lines: over $MAX_LINES, cut it along its seams" >&2
	bad=1
done < <(find src -name '*.[ch]' -print0 | xargs -0 wc -l)

if [ $bad -ne 0 ]; then
	echo "deps-check: failed (layers: main -> run/agent/report/advise -> exp -> components -> lib;" \
		"files of at most $MAX_LINES lines)" >&2
	exit 1
fi
echo "deps-check: clean"
