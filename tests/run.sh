#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Runs every test program and script; each prints "PASS: name" or
# "FAIL: name: why" per case.  A program that exits non-zero without printing
# a FAIL line counts as one failure.  Ends with "N passed, N failed".
#
#   tests/run.sh            all layers
#   TESTS=pattern tests/run.sh   only tests whose file name matches
set -u
cd "$(dirname "$0")/.."
B=build/tests
A=build/asan/tests
pass=0
fail=0
failures=()

run_one() {
	local name=$1
	shift
	local out rc
	out=$(mktemp)
	timeout --kill-after=10 "${XS_TEST_TIMEOUT:-600}" "$@" >"$out" 2>&1
	rc=$?
	local p f
	p=$(grep -c '^PASS: ' "$out")
	f=$(grep -c '^FAIL: ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name: exited with status $rc" >>"$out"
		f=1
	fi
	if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name: ran no test case" >>"$out"
		f=1
	fi
	grep -E '^(PASS|FAIL): ' "$out" | sed "s|^|[$name] |"
	if [ "$f" -gt 0 ]; then
		echo "---- output of $name ----"
		grep -vE '^PASS: ' "$out" | tail -n 60
		echo "----"
		failures+=("$name")
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	rm -f "$out"
}

match() { [ -z "${TESTS:-}" ] || [[ "$1" == *${TESTS}* ]]; }

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
for t in tests/integration/t_*.sh; do
	[ -f "$t" ] || continue
	match "$(basename "$t")" || continue
	run_one "$(basename "$t" .sh)" bash "$t"
done

echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
