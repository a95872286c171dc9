#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Runs every test program and script; each prints "PASS: name",
# "FAIL: name: why" or "SKIP: name: why" per case (SKIP: the case cannot run
# here, a missing tool or kernel feature; counted apart, not a failure).  A
# program that exits non-zero without printing a FAIL line counts as one
# failure, and so does one that reports no case at all.  Ends with
# "N passed, N failed, N skipped"; exits 0 when nothing failed and something
# passed or skipped.
#
#   tests/run.sh                     all layers
#   TESTS=pattern tests/run.sh       only tests whose file name contains pattern
#   TESTS=pattern:case tests/run.sh  only the case named exactly `case` of those
#                                    (XS_CASE=case for the programs; testlib.h
#                                    and lib.sh run and report only that one;
#                                    programs without it are left out, and it
#                                    is a failure if none has it)
#
# XS_TEST_JOBS=N runs N integration scripts at a time (default 2; 1: one
# after the other).
# XS_TEST_DIRS="bin asan integration" overrides the three folders searched
# (tests/selftest.sh runs fake tests that way).
set -u
cd "$(dirname "$0")/.."
read -r B A I <<<"${XS_TEST_DIRS:-build/tests build/asan/tests tests/integration}"
pass=0
fail=0
skip=0
failures=()
times=() # "milliseconds name" per program, for the slowest list

want=${TESTS:-}
unset XS_CASE
if [[ "$want" == *:* ]]; then
	export XS_CASE=${want#*:}
	want=${want%%:*}
fi

# exec_one OUT NAME CMD...: run one test program, its output into OUT,
# then "RC MILLISECONDS" into OUT.rc.
exec_one() {
	local out=$1 t0 rc
	shift 2
	t0=$(date +%s%N)
	timeout --kill-after=10 "${XS_TEST_TIMEOUT:-600}" "$@" >"$out" 2>&1
	rc=$?
	echo "$rc $((($(date +%s%N) - t0) / 1000000))" >"$out.rc"
}

# report_one NAME OUT: count and print what exec_one left in OUT.
report_one() {
	local name=$1 out=$2 rc ms p f s
	read -r rc ms <"$out.rc"
	times+=("$ms $name")
	p=$(grep -c '^PASS: ' "$out")
	f=$(grep -c '^FAIL: ' "$out")
	s=$(grep -c '^SKIP: ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name: exited with status $rc" >>"$out"
		f=1
	fi
	if [ "$rc" -eq 0 ] && [ $((p + f + s)) -eq 0 ]; then
		# Asked for one case: the programs without it say nothing.
		if [ -n "${XS_CASE:-}" ]; then
			rm -f "$out" "$out.rc"
			return
		fi
		echo "FAIL: $name: ran no test case" >>"$out"
		f=1
	fi
	grep -E '^(PASS|FAIL|SKIP): ' "$out" | sed "s|^|[$name] |"
	if [ "$f" -gt 0 ]; then
		echo "---- output of $name ----"
		grep -vE '^(PASS|SKIP): ' "$out" | tail -n 60
		echo "----"
		failures+=("$name")
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	rm -f "$out" "$out.rc"
}

run_one() {
	local out
	out=$(mktemp)
	exec_one "$out" "$@"
	report_one "$1" "$out"
}

# run_lanes NAME=CMD...: the integration scripts, XS_TEST_JOBS (default 2)
# at a time.  They wait on the network far more than they compute, and each
# works in namespaces, interfaces and pin folders of its own (unique names,
# per-interface locks), so they can overlap.  Longest first, from the last
# run's build/test-times.txt, each to the lane with the least work so far;
# the reports come out in the scripts' own order, whatever order they end.
run_lanes() {
	local jobs=${XS_TEST_JOBS:-2} dir i j n t w best
	local -a names=() outs=() load=() lane_of=() order=()
	dir=$(mktemp -d)
	for t in "$@"; do
		names+=("$(basename "$t" .sh)")
	done
	n=${#names[@]}
	for ((i = 0; i < jobs; i++)); do load[i]=0; done
	# Weigh each by its last time (unknown: 10 s), heaviest first.
	mapfile -t order < <(for ((i = 0; i < n; i++)); do
		w=$(awk -v n="${names[i]}" '$2 == n { print $1; exit }' \
			build/test-times.txt 2>/dev/null)
		echo "${w:-10000} $i"
	done | sort -k1,1rn -k2,2n | awk '{ print $2 " " $1 }')
	for t in "${order[@]}"; do
		read -r i w <<<"$t"
		best=0
		for ((j = 1; j < jobs; j++)); do
			[ "${load[j]}" -lt "${load[best]}" ] && best=$j
		done
		lane_of[i]=$best
		load[best]=$((load[best] + w))
	done
	for ((j = 0; j < jobs; j++)); do
		(
			for t in "${order[@]}"; do
				read -r i w <<<"$t"
				[ "${lane_of[i]}" -eq "$j" ] || continue
				exec_one "$dir/$i" "${names[i]}" bash "${@:i+1:1}"
			done
		) &
	done
	wait
	for ((i = 0; i < n; i++)); do
		report_one "${names[i]}" "$dir/$i"
	done
	rm -rf "$dir"
}

match() { [ -z "$want" ] || [[ "$1" == *${want}* ]]; }

# The runner's own test first (not when it is the one running us).
if [ -z "${XS_TEST_DIRS:-}" ] && match selftest.sh; then
	run_one runner_selftest bash tests/selftest.sh
fi
for t in "$B"/test_*; do
	[ -x "$t" ] || continue
	match "$(basename "$t")" || continue
	run_one "$(basename "$t")" "$t"
done
# The unit tests again under ASan+UBSan+LeakSanitizer.
for t in "$A"/test_*; do
	[ -x "$t" ] || continue
	match "asan_$(basename "$t")" || continue
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_one "asan_$(basename "$t")" "$t"
done
ints=()
for t in "$I"/t_*.sh; do
	[ -f "$t" ] || continue
	match "$(basename "$t")" || continue
	ints+=("$t")
done
[ ${#ints[@]} -gt 0 ] && run_lanes "${ints[@]}"

if [ -n "${XS_CASE:-}" ] && [ $((pass + fail + skip)) -eq 0 ]; then
	echo "FAIL: no test matching '$want' has a case named '$XS_CASE'"
	fail=1
fi
echo
# Where the time went: the slowest programs, so a case that grows shows up.
# Every program's time goes to build/test-times.txt, slowest first (a whole
# run only: run_lanes balances the next run's lanes by it).
if [ ${#times[@]} -gt 1 ]; then
	[ -z "$want" ] && [ -d build ] && printf '%s\n' "${times[@]}" | sort -rn >build/test-times.txt
	printf '%s\n' "${times[@]}" | sort -rn | head -n 8 |
		awk '{ printf "%s%s %.1fs", (NR > 1 ? ", " : "slowest: "), $2, $1 / 1000 } END { print "" }'
fi
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ $((pass + skip)) -gt 0 ]
