/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * An address as a 128-bit number, for arithmetic on ranges and prefixes
 * of either family: IPv4 addresses are ::ffff:a.b.c.d (addr.h), so an
 * IPv4 /L is the 128-bit /96+L around it and both families share one
 * ordered space.
 */
#ifndef XS_ADDR128_H
#define XS_ADDR128_H

#include <endian.h>

#include "addr.h"

typedef unsigned __int128 xs_u128;

/* Two big-endian halves: a scan's producer converts once per probe. */
static inline xs_u128 xs_addr_u128(const struct xs_addr *a)
{
	uint64_t hi, lo;

	memcpy(&hi, a->b, 8);
	memcpy(&lo, a->b + 8, 8);
	return (xs_u128)be64toh(hi) << 64 | be64toh(lo);
}

static inline struct xs_addr xs_u128_addr(xs_u128 v)
{
	uint64_t hi = htobe64((uint64_t)(v >> 64)), lo = htobe64((uint64_t)v);
	struct xs_addr a;

	memcpy(a.b, &hi, 8);
	memcpy(a.b + 8, &lo, 8);
	return a;
}

/* The host bits of a 128-bit prefix of length len (0..128). */
static inline xs_u128 xs_u128_hostmask(unsigned int len)
{
	return len >= 128 ? 0 : len == 0 ? ~(xs_u128)0 : ~(xs_u128)0 >> len;
}

/* ::ffff:0:0/96, where the IPv4 addresses live. */
#define XS_U128_V4_BASE ((xs_u128)0xffff << 32)

#endif /* XS_ADDR128_H */
