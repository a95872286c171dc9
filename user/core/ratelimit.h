/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Token bucket for --rate: packets per second from 1 to a billion, with no
 * drift.
 *
 * Credit is kept in integer units of 1/1e9 token: every nanosecond adds
 * pps units and a packet costs 1e9.  There is no rounding anywhere, so a
 * sender at 3 pps gets its packets at exactly ceil(k * 1e9 / 3) ns, 30 in
 * the first 10 s, 259200 in a day.
 *
 * Pure: the caller passes the time (CLOCK_MONOTONIC in ns) and the struct
 * is not thread-safe; give each worker its own bucket or lock one.
 */
#ifndef XS_RATELIMIT_H
#define XS_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#define XS_NS_PER_SEC 1000000000ULL
/* Far above any NIC: 100 Gb/s is ~148 Mpps. */
#define XS_RATE_MAX_PPS 1000000000ULL
/* Keeps burst * 1e9 units far below 2^64. */
#define XS_RATE_MAX_BURST 1000000000ULL

struct xs_rate {
	uint64_t pps;
	uint64_t cap; /* (burst + 1) * 1e9 - 1 units */
	uint64_t credit; /* units; <= cap */
	uint64_t last_ns; /* time credit was last brought up to date */
	bool started;
};

/*
 * pps: 1..XS_RATE_MAX_PPS.  burst: 1..XS_RATE_MAX_BURST tokens, the most
 * one take can grant after an idle or late loop; it should cover the
 * caller's batch and its loop jitter (e.g. pps / 1000 for a 1 ms loop),
 * else time spent away from the bucket is lost and the rate falls short.
 * The bucket keeps burst whole tokens plus the progress towards the next,
 * so in any window of W ns at most burst + ceil(W * pps / 1e9) are granted,
 * and a caller polling more often than 1/pps never loses credit, even
 * with burst 1.
 * The bucket starts with one token at the first call, not a full burst: the
 * first packet leaves at once and the start is not a spike.
 * Returns 0 or -EINVAL.
 */
int xs_rate_init(struct xs_rate *r, uint64_t pps, uint64_t burst);

/* How many of want packets may be sent at now_ns; they are deducted.
 * A clock that goes back is taken as not moving. */
uint64_t xs_rate_take(struct xs_rate *r, uint64_t now_ns, uint64_t want);

/* Give back n of the packets a take granted and that were not sent (the
 * queue was full, the targets ran out): the credit is as if they had never
 * been taken. */
void xs_rate_refund(struct xs_rate *r, uint64_t n);

/* Nanoseconds from now_ns until one packet may be sent: 0 if one may be
 * sent now.  Does not change the bucket. */
uint64_t xs_rate_wait_ns(const struct xs_rate *r, uint64_t now_ns);

#endif /* XS_RATELIMIT_H */
