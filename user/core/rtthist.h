/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The RTT histogram (struct xs_rtt_hist, filled by the XDP filter): slot 0
 * holds [0, 1) us, slot i >= 1 holds [2^(i-1), 2^i) us, the last one
 * everything above.
 */
#ifndef XS_RTTHIST_H
#define XS_RTTHIST_H

#include "xdpshake.h"

/* Bounds of slot i, in microseconds: [lo, hi). */
unsigned long long xs_hist_slot_lo(int i);
unsigned long long xs_hist_slot_hi(int i);

/* Upper bound (exclusive) of the slot holding the p-th percentile
 * (0 < p <= 1), or -1 for an empty histogram. */
long long xs_hist_percentile_us(const struct xs_rtt_hist *h, double p);

#endif /* XS_RTTHIST_H */
