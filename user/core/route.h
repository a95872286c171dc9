/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel's IPv4 route tables, held in userspace: one dump, then the
 * next hop for any destination by longest-prefix match, without a netlink
 * request per target.
 *
 * Lookups follow the kernel's FIB for the three default policy rules
 * (tables local, main, default, in that order) and an output interface
 * constraint, as `ip route get ADDR oif IFINDEX` answers: the longest
 * prefix first; among routes of one prefix the lowest metric; an
 * unreachable, blackhole or prohibit route ends the lookup with no route;
 * a throw route goes on with the next table; a route whose next hop is on
 * another interface is skipped (a shorter prefix may still lead through
 * ours).  Pure data: no netlink here (user/sys/nl.c fills it).
 */
#ifndef XS_ROUTE_H
#define XS_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_route {
	uint32_t dst; /* host order, host bits clear */
	uint8_t len; /* prefix length, 0..32 */
	uint8_t type; /* RTN_UNICAST, RTN_LOCAL, RTN_BLACKHOLE... */
	bool via_other_family; /* RTA_VIA: an IPv6 next hop */
	uint32_t table; /* RT_TABLE_LOCAL, _MAIN, _DEFAULT; others ignored */
	uint32_t priority; /* the metric: lower wins */
	int oif; /* 0 for routes without a next hop (reject types) */
	uint32_t gateway; /* network order; 0: on-link */
	uint32_t prefsrc; /* network order; 0: none */
};

struct xs_rtable {
	struct xs_route *r; /* sorted by table order, length desc, dst, metric */
	size_t n;
	/* Open addressing: (table, length, dst) -> index of its first route. */
	uint64_t *key;
	uint32_t *first;
	size_t mask; /* slots - 1 */
	uint64_t lens[3]; /* per table in lookup order: bit L = has /L */
};

/* What a lookup found. */
struct xs_nexthop {
	uint32_t nexthop; /* network order: the gateway, or daddr on-link */
	uint32_t prefsrc; /* network order; 0: none */
	bool onlink; /* nexthop == daddr (no gateway) */
};

/*
 * Build the table from n routes (copied; routes of other tables are left
 * out).  Returns 0 or -ENOMEM.  A zeroed struct is an empty table.
 */
int xs_rtable_build(struct xs_rtable *t, const struct xs_route *r, size_t n);
void xs_rtable_free(struct xs_rtable *t);

/*
 * The next hop towards daddr (network order) through ifindex, with the
 * same answers as xs_nl_route(): 0, -ENETUNREACH (no route, or a reject
 * route), -EXDEV (a local address, or the route leaves through another
 * interface), -EINVAL (broadcast, multicast...), -EAFNOSUPPORT (an IPv6
 * next hop).
 */
int xs_rtable_lookup(const struct xs_rtable *t, int ifindex, uint32_t daddr,
		     struct xs_nexthop *out);

#endif /* XS_ROUTE_H */
