/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Integer token bucket: see ratelimit.h for the units.
 */
#include <errno.h>
#include <string.h>

#include "ratelimit.h"

int xs_rate_init(struct xs_rate *r, uint64_t pps, uint64_t burst)
{
	if (!pps || pps > XS_RATE_MAX_PPS || !burst ||
	    burst > XS_RATE_MAX_BURST)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->pps = pps;
	/* Room for the fraction of the next token on top of the burst: a
	 * cap of exactly burst tokens would drop the credit earned between
	 * the moment the bucket filled and the caller's next poll, every
	 * time, and a burst-1 sender polling every 7 ms at 3 pps would get
	 * 2.97 pps. */
	r->cap = (burst + 1) * XS_NS_PER_SEC - 1;
	return 0;
}

/* The credit at now_ns, without changing the bucket. */
static uint64_t credit_at(const struct xs_rate *r, uint64_t now_ns)
{
	unsigned __int128 c;

	if (!r->started)
		return XS_NS_PER_SEC;
	if (now_ns <= r->last_ns)
		return r->credit;
	/* 128 bits: hours of idle time at millions of pps overflow 64. */
	c = (unsigned __int128)(now_ns - r->last_ns) * r->pps + r->credit;
	return c > r->cap ? r->cap : (uint64_t)c;
}

uint64_t xs_rate_take(struct xs_rate *r, uint64_t now_ns, uint64_t want)
{
	uint64_t avail;

	r->credit = credit_at(r, now_ns);
	if (!r->started || now_ns > r->last_ns)
		r->last_ns = now_ns;
	r->started = true;
	avail = r->credit / XS_NS_PER_SEC;
	if (want > avail)
		want = avail;
	r->credit -= want * XS_NS_PER_SEC;
	return want;
}

void xs_rate_refund(struct xs_rate *r, uint64_t n)
{
	unsigned __int128 c;

	c = (unsigned __int128)n * XS_NS_PER_SEC + r->credit;
	/* More than was taken can only come from a caller's bug: the cap
	 * still holds. */
	r->credit = c > r->cap ? r->cap : (uint64_t)c;
}

uint64_t xs_rate_wait_ns(const struct xs_rate *r, uint64_t now_ns)
{
	uint64_t c = credit_at(r, now_ns);

	if (c >= XS_NS_PER_SEC)
		return 0;
	/* Round up: after this many ns the credit has reached one token. */
	return (XS_NS_PER_SEC - c + r->pps - 1) / r->pps;
}
