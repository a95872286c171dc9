/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/rtthist.c: the histogram's slot bounds and the
 * percentiles status prints, against hand-computed histograms.
 */
#include <string.h>

#include "rtthist.h"
#include "testlib.h"

static void test_slots(void)
{
	TEST_BEGIN("rtthist_slot_bounds");
	CHECK_EQ(xs_hist_slot_lo(0), 0ULL);
	CHECK_EQ(xs_hist_slot_hi(0), 1ULL);
	CHECK_EQ(xs_hist_slot_lo(1), 1ULL);
	CHECK_EQ(xs_hist_slot_hi(1), 2ULL);
	CHECK_EQ(xs_hist_slot_lo(10), 512ULL);
	CHECK_EQ(xs_hist_slot_hi(10), 1024ULL);
	TEST_END();
}

static void test_percentiles(void)
{
	struct xs_rtt_hist h;

	TEST_BEGIN("rtthist_percentiles");
	memset(&h, 0, sizeof(h));
	CHECK_EQ(xs_hist_percentile_us(&h, 0.5), -1LL);
	/* 50 in [64, 128), 40 in [128, 256), 10 in [1024, 2048). */
	h.slot[7] = 50;
	h.slot[8] = 40;
	h.slot[11] = 10;
	CHECK_EQ(xs_hist_percentile_us(&h, 0.50), 128LL);
	CHECK_EQ(xs_hist_percentile_us(&h, 0.51), 256LL);
	CHECK_EQ(xs_hist_percentile_us(&h, 0.90), 256LL);
	CHECK_EQ(xs_hist_percentile_us(&h, 0.99), 2048LL);
	TEST_END();
}

int main(void)
{
	test_slots();
	test_percentiles();
	return TEST_EXIT();
}
