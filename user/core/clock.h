/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one clock for intervals and deadlines.  CLOCK_MONOTONIC is also what
 * bpf_ktime_get_ns() reads, so a time taken here can be subtracted from one
 * taken in a BPF program (the XDP filter's round trips do).
 */
#ifndef XS_CLOCK_H
#define XS_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t xs_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline int64_t xs_mono_ms(void)
{
	return (int64_t)(xs_mono_ns() / 1000000);
}

#endif /* XS_CLOCK_H */
