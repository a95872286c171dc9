/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Minimal test support for the C tests.  Each test case prints one line,
 * "PASS: name" or "FAIL: name: why", which tests/run.sh counts.  A test
 * binary exits non-zero if any case failed.
 */
#ifndef XS_TESTLIB_H
#define XS_TESTLIB_H

#include <stdio.h>
#include <string.h>

static int tl_failed_total;
static int tl_case_failed;
static const char *tl_case_name;

#define TEST_BEGIN(name)               \
	do {                           \
		tl_case_name = (name); \
		tl_case_failed = 0;    \
	} while (0)

/* Record a failure of the current case; the case keeps running. */
#define CHECK(cond, fmt, ...)                                              \
	do {                                                               \
		if (!(cond)) {                                             \
			printf("FAIL: %s: %s:%d: " fmt "\n", tl_case_name, \
			       __FILE__, __LINE__, ##__VA_ARGS__);         \
			tl_case_failed = 1;                                \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	CHECK((long long)(a) == (long long)(b), "%s == %lld, want %lld", #a, \
	      (long long)(a), (long long)(b))

#define TEST_END()                                          \
	do {                                                \
		if (tl_case_failed)                         \
			tl_failed_total++;                  \
		else                                        \
			printf("PASS: %s\n", tl_case_name); \
	} while (0)

#define TEST_EXIT() (tl_failed_total ? 1 : 0)

#endif /* XS_TESTLIB_H */
