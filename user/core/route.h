/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel's IPv4 and IPv6 route tables, held in userspace: one dump of
 * each, then the next hop for any destination of either family by
 * longest-prefix match, without a netlink request per target.
 *
 * Lookups follow the kernel's FIB for the default policy rules (IPv4:
 * tables local, main, default, in that order; IPv6: local, main) and an
 * output interface constraint, as `ip route get ADDR oif IFINDEX`
 * answers: the longest prefix first; among routes of one prefix the
 * lowest metric; an unreachable, blackhole or prohibit route ends the
 * lookup with no route; a throw route goes on with the next table; a
 * route whose next hop is on another interface is skipped (a shorter
 * prefix may still lead through ours).  An IPv4 route only matches IPv4
 * destinations, an IPv6 one IPv6 destinations.  Pure data: no netlink
 * here (user/sys/nl_route.c fills it).
 */
#ifndef XS_ROUTE_H
#define XS_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* The family is the destination's: dst of an IPv4 route is ::ffff:a.b.c.d
 * (0.0.0.0/0 too: xs_addr_v4(0), not the zero address). */
struct xs_route {
	struct xs_addr dst; /* host bits cleared by the build */
	uint8_t len; /* prefix length in its family: 0..32 or 0..128 */
	uint8_t type; /* RTN_UNICAST, RTN_LOCAL, RTN_BLACKHOLE... */
	bool via_other_family; /* RTA_VIA: a next hop of the other family */
	uint32_t table; /* RT_TABLE_LOCAL, _MAIN, _DEFAULT; others ignored */
	uint32_t priority; /* the metric: lower wins */
	int oif; /* 0 for routes without a next hop (reject types) */
	struct xs_addr gateway; /* zero: on-link */
	struct xs_addr prefsrc; /* zero: none */
};

/* Tables in lookup order: IPv4's three, then IPv6's two. */
#define XS_RT_RANKS 5

struct xs_rtable_key {
	struct xs_addr dst;
	uint16_t rank_len; /* 0: empty slot; else rank << 8 | len128, + 1 */
};

struct xs_rtable {
	struct xs_route *r; /* sorted by table order, length desc, dst, metric */
	size_t n;
	/* Open addressing: (table, length, dst) -> index of its first route. */
	struct xs_rtable_key *key;
	uint32_t *first;
	size_t mask; /* slots - 1 */
	/* Per table: bit L = has a /L, L as a 128-bit prefix length. */
	uint64_t lens[XS_RT_RANKS][3];
};

/* What a lookup found. */
struct xs_nexthop {
	struct xs_addr nexthop; /* the gateway, or daddr on-link */
	struct xs_addr prefsrc; /* zero: none */
	bool onlink; /* nexthop == daddr (no gateway) */
};

/*
 * Build the table from n routes (copied; routes of other tables are left
 * out).  Returns 0 or -ENOMEM.  A zeroed struct is an empty table.
 */
int xs_rtable_build(struct xs_rtable *t, const struct xs_route *r, size_t n);
void xs_rtable_free(struct xs_rtable *t);

/*
 * The next hop towards daddr through ifindex, with the same answers as
 * xs_nl_route(): 0, -ENETUNREACH (no route, or a reject route), -EXDEV (a
 * local address, or the route leaves through another interface), -EINVAL
 * (broadcast, multicast, loopback, unspecified...), -EAFNOSUPPORT (a next
 * hop of the other family).
 */
int xs_rtable_lookup(const struct xs_rtable *t, int ifindex,
		     const struct xs_addr *daddr, struct xs_nexthop *out);

#endif /* XS_ROUTE_H */
