#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# user/ by layer (README, "How it works"): core < sys < engine < cmd.  A
# file includes only headers of its own layer or of one below, by name
# (no paths), and the include graph has no cycle.  The build enforces the
# first too (each layer compiles with only its own and lower -I paths);
# this names the offending line and also checks for cycles.
set -u
cd "$(dirname "$0")/../.."

LAYERS=(core sys engine cmd)

# check_tree ROOT: prints one "why" line per violation, returns 1 if any.
check_tree() {
	local root=$1 bad=0 l f inc to i
	local -A rank where
	for i in "${!LAYERS[@]}"; do
		rank[${LAYERS[$i]}]=$i
		for f in "$root"/"${LAYERS[$i]}"/*.[ch]; do
			[ -e "$f" ] && where[$(basename "$f")]=${LAYERS[$i]}
		done
	done
	for f in "$root"/*.[ch]; do
		[ -e "$f" ] || continue
		echo "${f#"$root"/} is outside a layer folder"
		bad=1
	done
	local edges
	edges=$(mktemp)
	for l in "${LAYERS[@]}"; do
		for f in "$root"/"$l"/*.[ch]; do
			[ -e "$f" ] || continue
			while IFS= read -r inc; do
				if [[ $inc == */* ]]; then
					echo "${f#"$root"/} includes \"$inc\" by path"
					bad=1
					continue
				fi
				to=${where[$inc]:-}
				[ -n "$to" ] || continue # include/, a skeleton
				if [ "${rank[$to]}" -gt "${rank[$l]}" ]; then
					echo "${f#"$root"/} ($l) includes $inc ($to)"
					bad=1
				fi
				echo "$(basename "$f") $inc" >>"$edges"
			done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
		done
	done
	if tsort "$edges" 2>&1 >/dev/null | grep -q loop; then
		echo "include cycle: $(tsort "$edges" 2>&1 >/dev/null | grep -v loop | tr '\n' ' ')"
		bad=1
	fi
	rm -f "$edges"
	return $bad
}

if why=$(check_tree user); then
	echo "PASS: layers_tree"
else
	echo "FAIL: layers_tree: $(echo "$why" | tr '\n' ';')"
fi

# The check can fail: on a copy with an upward include, a path include
# and a cycle, it names each.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r user "$tmp/u"
echo '#include "cli.h"' >>"$tmp/u/core/packet.c"
echo '#include "../cmd/opts.h"' >>"$tmp/u/sys/xsk.c"
echo '#include "packet.h"' >>"$tmp/u/core/json.h"
echo '#include "json.h"' >>"$tmp/u/core/packet.h"
why=$(check_tree "$tmp/u")
rc=$?
if [ $rc -ne 0 ] && grep -q 'core/packet.c (core) includes cli.h (cmd)' <<<"$why" &&
	grep -q 'sys/xsk.c includes "../cmd/opts.h" by path' <<<"$why" &&
	grep -q 'include cycle' <<<"$why"; then
	echo "PASS: layers_check_catches_violations"
else
	echo "FAIL: layers_check_catches_violations: rc $rc, said: $why"
fi
