/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The RTT histogram's slots (log2 of microseconds) and percentiles. */
#include "rtthist.h"

/* Lower bound of histogram slot i, in microseconds. */
unsigned long long xs_hist_slot_lo(int i)
{
	return i == 0 ? 0 : 1ULL << (i - 1);
}

unsigned long long xs_hist_slot_hi(int i)
{
	return i == 0 ? 1 : 1ULL << i;
}

/* Upper bound (exclusive) of the slot holding the p-th percentile. */
long long xs_hist_percentile_us(const struct xs_rtt_hist *h, double p)
{
	unsigned long long total = 0, acc = 0;
	int i;

	for (i = 0; i < XS_HIST_SLOTS; i++)
		total += h->slot[i];
	if (!total)
		return -1;
	for (i = 0; i < XS_HIST_SLOTS; i++) {
		acc += h->slot[i];
		if ((double)acc >= p * total)
			return xs_hist_slot_hi(i);
	}
	return xs_hist_slot_hi(XS_HIST_SLOTS - 1);
}
