#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The test runner's own test: tests/run.sh on fake test programs (shell
# scripts, a C program on tests/testlib.h, an integration script on
# tests/integration/lib.sh) in a temporary folder, checking its summary
# "N passed, N failed, N skipped" and its exit status for: passes and
# skips, a program with only SKIPs (not a failure), a failing case, a
# program that exits non-zero without a FAIL line, one that reports no case,
# and one case run alone (TESTS=file:case) in C and in shell, with the
# set-up of the other cases left out, and a failure before it not hidden;
# integration scripts two at a time (XS_TEST_JOBS), reported in order.
# tests/run.sh runs this first.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
T=$(mktemp -d /tmp/xs-selftest-$$.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin" "$T/asan" "$T/int" "$T/marks"
failed=0

prog() { # prog FILE BODY: an executable shell script
	printf '#!/usr/bin/env bash\n%s\n' "$2" >"$1"
	chmod +x "$1"
}

prog "$T/bin/test_mixed" 'echo "PASS: m1"; echo "PASS: m2"; echo "SKIP: m3: no such tool"'
prog "$T/bin/test_crash" 'echo "PASS: c1"; exit 3'
prog "$T/bin/test_silent" 'exit 0'
prog "$T/int/t_skiponly.sh" 'echo "SKIP: s1: needs a NIC with native XDP"; exit 0'
prog "$T/int/t_failing.sh" 'echo "PASS: f1"; echo "FAIL: f2: wrong answer"; exit 1'
cat >"$T/int/t_lib.sh" <<EOF
. "$ROOT/tests/integration/lib.sh"
XS_TEST=lib
pass one
if xs_want two; then touch "$T/marks/two"; fi
check two "true failed" true
if xs_want three; then touch "$T/marks/three"; fi
fail three "broken"
skip four "cannot run here"
xs_done
EOF
cat >"$T/int/t_early.sh" <<EOF
. "$ROOT/tests/integration/lib.sh"
XS_TEST=early
fail server_up "no server"
xs_done
pass later
EOF
cat >"$T/c.c" <<'EOF'
#include "testlib.h"
int main(void)
{
	TEST_BEGIN("alpha");
	CHECK_EQ(1, 1);
	TEST_END();
	TEST_BEGIN("beta");
	CHECK_EQ(1, 2);
	TEST_END();
	TEST_BEGIN("gamma");
	TEST_SKIP("not here");
	TEST_END();
	return TEST_EXIT();
}
EOF
if ! ${CC:-cc} -Wall -Werror -I"$ROOT/tests" "$T/c.c" -o "$T/bin/test_unit" 2>"$T/cc.err"; then
	echo "FAIL: selftest_build: $(head -n 3 "$T/cc.err" | tr '\n' ' ')"
	exit 1
fi

# expect NAME TESTS WANT_SUMMARY WANT_RC [grep pattern the output must hold]
expect() {
	local name=$1 tests=$2 want=$3 want_rc=$4 pat=${5:-} out rc got
	out=$(TESTS=$tests XS_TEST_DIRS="$T/bin $T/asan $T/int" \
		bash "${XS_RUNNER:-$ROOT/tests/run.sh}" 2>&1)
	rc=$?
	got=$(printf '%s\n' "$out" | tail -n 1)
	if [ "$got" = "$want" ] && [ "$rc" = "$want_rc" ] &&
		{ [ -z "$pat" ] || printf '%s\n' "$out" | grep -q -- "$pat"; }; then
		echo "PASS: $name"
	else
		echo "FAIL: $name: TESTS='$tests': '$got' exit $rc, want '$want' exit $want_rc${pat:+ and a line matching '$pat'}"
		printf '%s\n' "$out" | sed 's/^/  | /' | tail -n 20
		failed=1
	fi
}

expect runner_pass_and_skip test_mixed "2 passed, 0 failed, 1 skipped" 0 \
	'^\[test_mixed\] SKIP: m3: no such tool$'
expect runner_only_skips_not_a_failure t_skiponly "0 passed, 0 failed, 1 skipped" 0
expect runner_failing_case t_failing "1 passed, 1 failed, 0 skipped" 1 \
	'^failed: t_failing$'
expect runner_nonzero_exit_without_fail test_crash "1 passed, 1 failed, 0 skipped" 1 \
	'FAIL: test_crash: exited with status 3'
expect runner_no_case_is_a_failure test_silent "0 passed, 1 failed, 0 skipped" 1 \
	'FAIL: test_silent: ran no test case'
expect runner_c_all test_unit "1 passed, 1 failed, 1 skipped" 1 'SKIP: gamma: not here'
expect runner_c_one_case test_unit:alpha "1 passed, 0 failed, 0 skipped" 0
expect runner_c_one_failing_case test_unit:beta "0 passed, 1 failed, 0 skipped" 1
expect runner_c_one_skipped_case test_unit:gamma "0 passed, 0 failed, 1 skipped" 0
expect runner_sh_all t_lib "2 passed, 1 failed, 1 skipped" 1
rm -f "$T/marks/"*
expect runner_sh_one_case t_lib:two "1 passed, 0 failed, 0 skipped" 0 \
	'^\[t_lib\] PASS: two$'
if [ -e "$T/marks/two" ] && [ ! -e "$T/marks/three" ]; then
	echo "PASS: runner_sh_one_case_skips_other_setup"
else
	echo "FAIL: runner_sh_one_case_skips_other_setup: set-up marks: $(ls "$T/marks" | tr '\n' ' '), want only 'two'"
	failed=1
fi
# A case name is one case, in any test the pattern selects; none has it.
expect runner_unknown_case test_unit:nosuch "0 passed, 1 failed, 0 skipped" 1 \
	"no test matching 'test_unit' has a case named 'nosuch'"
# The case asked for is never reached: the hidden failure before it says why.
expect runner_sh_case_not_reached t_early:later "0 passed, 1 failed, 0 skipped" 1 \
	'FAIL: later: did not report; an earlier step failed: server_up: no server'
# Integration scripts run two at a time: each of these waits (at most 5 s)
# for the other to start, so run one after the other the first fails (the
# second then finds the first one's mark);
# their reports still come in file order.
mkdir -p "$T/int2" "$T/marks2"
for me in a b; do
	other=$([ $me = a ] && echo b || echo a)
	prog "$T/int2/t_p$me.sh" "touch $T/marks2/$me
for i in \$(seq 100); do
	[ -e $T/marks2/$other ] && { echo 'PASS: ${me}_saw_$other'; exit 0; }
	sleep 0.05
done
echo 'FAIL: ${me}_saw_$other: ran alone'; exit 1"
done
lanes() { # lanes NAME JOBS WANT_SUMMARY WANT_RC
	local out
	rm -f "$T/marks2/"*
	out=$(XS_TEST_JOBS=$2 XS_TEST_DIRS="$T/bin $T/asan $T/int2" TESTS=t_p \
		bash "${XS_RUNNER:-$ROOT/tests/run.sh}" 2>&1)
	if [ "$(printf '%s\n' "$out" | tail -n 1)" = "$3" ] &&
		printf '%s\n' "$out" | grep '^\[t_p' | head -n 1 | grep -q '^\[t_pa\]'; then
		echo "PASS: $1"
	else
		echo "FAIL: $1: XS_TEST_JOBS=$2: want '$3', t_pa reported first"
		printf '%s\n' "$out" | sed 's/^/  | /' | tail -n 12
		failed=1
	fi
}
lanes runner_integration_in_parallel 2 "2 passed, 0 failed, 0 skipped"
lanes runner_integration_one_at_a_time 1 "1 passed, 1 failed, 0 skipped"
# The whole fake tree at once: every count adds up.
expect runner_everything "" "7 passed, 6 failed, 4 skipped" 1
exit "$failed"
