/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Minimal test support for the C tests.  Each test case prints one line,
 * "PASS: name", "FAIL: name: why" or "SKIP: name: why", which tests/run.sh
 * counts.  A test binary exits non-zero if any case failed; skipped cases
 * do not fail it.
 *
 * XS_CASE=name in the environment (tests/run.sh sets it from
 * TESTS=file:name) runs that one case: the others still execute, since a
 * case's code may set up the next, but print nothing, and CHECK and
 * TEST_SKIP are silent for them.  TEST_WANTED() tells a case whether it is
 * wanted, for setup worth skipping.
 */
#ifndef XS_TESTLIB_H
#define XS_TESTLIB_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tl_failed_total;
static int tl_case_failed;
static int tl_case_skipped;
static bool tl_case_quiet; /* not the case XS_CASE asks for */
static const char *tl_case_name;

/* True if case name runs and reports: no XS_CASE, or XS_CASE is name. */
static inline bool tl_wanted(const char *name)
{
	const char *want = getenv("XS_CASE");

	return !want || !*want || !strcmp(want, name);
}

#define TEST_WANTED(name) tl_wanted(name)

#define TEST_BEGIN(name)                                  \
	do {                                              \
		tl_case_name = (name);                    \
		tl_case_failed = 0;                       \
		tl_case_skipped = 0;                      \
		tl_case_quiet = !tl_wanted(tl_case_name); \
	} while (0)

/* Record a failure of the current case; the case keeps running. */
#define CHECK(cond, fmt, ...)                                              \
	do {                                                               \
		if (!(cond) && !tl_case_quiet) {                           \
			printf("FAIL: %s: %s:%d: " fmt "\n", tl_case_name, \
			       __FILE__, __LINE__, ##__VA_ARGS__);         \
			tl_case_failed = 1;                                \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	CHECK((long long)(a) == (long long)(b), "%s == %lld, want %lld", #a, \
	      (long long)(a), (long long)(b))

/*
 * The current case cannot run here (a missing tool, capability, kernel
 * feature): it says why and counts as skipped, neither passed nor failed.
 * Checks that failed before it still fail the case.
 */
#define TEST_SKIP(fmt, ...)                                                \
	do {                                                               \
		if (!tl_case_quiet && !tl_case_failed && !tl_case_skipped) \
			printf("SKIP: %s: " fmt "\n", tl_case_name,        \
			       ##__VA_ARGS__);                             \
		tl_case_skipped = 1;                                       \
	} while (0)

#define TEST_END()                                           \
	do {                                                 \
		if (tl_case_failed)                          \
			tl_failed_total++;                   \
		else if (!tl_case_skipped && !tl_case_quiet) \
			printf("PASS: %s\n", tl_case_name);  \
	} while (0)

#define TEST_EXIT() (tl_failed_total ? 1 : 0)

#endif /* XS_TESTLIB_H */
