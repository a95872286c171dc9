#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A short bounded libFuzzer run over the frame parser (make fuzz runs longer):
# a fixed number of inputs (a few seconds here), with a time cap so that a
# slow machine ends it early rather than late; either way it must not crash.
set -u
# TESTS=file:case asked for another case: this file has only fuzz_smoke.
[ -n "${XS_CASE:-}" ] && [ "$XS_CASE" != fuzz_smoke ] && exit 0
cd "$(dirname "$0")/../.."
F=build/fuzz/fuzz_parse
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
if [ ! -x "$F" ] && ! command -v "${CLANG:-clang}" >/dev/null; then
	echo "SKIP: fuzz_smoke: no clang, so no libFuzzer build (make deps installs it)"
	exit 0
fi
if [ ! -x "$F" ] || ! build/fuzz/mkseeds "$corpus"; then
	echo "FAIL: fuzz_smoke: $F or build/fuzz/mkseeds missing (make test-bins)"
	exit 1
fi
out=$("$F" -runs="${FUZZ_SMOKE_RUNS:-150000}" -max_total_time=30 -max_len=2048 \
	-print_final_stats=1 "$corpus" 2>&1)
rc=$?
runs=$(printf '%s\n' "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
if [ "$rc" -eq 0 ] && [ "${runs:-0}" -gt 1000 ]; then
	echo "PASS: fuzz_smoke: $runs executions, no crash"
else
	printf '%s\n' "$out" | tail -n 30
	echo "FAIL: fuzz_smoke: exit $rc after ${runs:-0} executions"
	exit 1
fi
