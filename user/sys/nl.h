/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the kernel knows about addresses: interface, route and neighbour
 * tables, over rtnetlink with libmnl.  All calls work in the network
 * namespace the calling thread is in.
 */
#ifndef XS_NL_H
#define XS_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct xs_iface {
	int ifindex;
	char name[16];
	uint8_t mac[6];
	uint32_t ipv4; /* first IPv4 address, network order; 0 if none */
	/* First global and first link-local IPv6 address that is neither
	 * tentative (DAD), failed nor deprecated; zero if none. */
	struct xs_addr ipv6, ipv6_ll;
	/* The first IPv6 addresses still tentative (DAD not over; the
	 * kernel answers no neighbour solicitation for them yet). */
#define XS_IFACE_TENTATIVE_MAX 4
	struct xs_addr tentative[XS_IFACE_TENTATIVE_MAX];
	unsigned int n_tentative;
	uint32_t mtu;
	int up; /* IFF_UP and IFF_RUNNING/lower up */
	unsigned int rx_queues; /* IFLA_NUM_RX_QUEUES */
};

/* Interface by name.  Returns 0, -ENODEV if there is none, or -errno. */
int xs_nl_iface(const char *name, struct xs_iface *out);

/*
 * Next hop towards daddr (either family) when leaving through ifindex:
 * the route's gateway (for IPv6 usually a link-local address, valid on
 * ifindex), or daddr itself for an on-link destination; also the
 * preferred source address if the route has one (else zero).  Returns 0,
 * -ENETUNREACH if there is no route, -EXDEV if the route leaves through
 * another interface, -EINVAL for no unicast host, -EAFNOSUPPORT for a
 * next hop of the other family.
 */
int xs_nl_route(int ifindex, const struct xs_addr *daddr,
		struct xs_addr *nexthop, struct xs_addr *prefsrc);

/*
 * MAC address of nexthop on ifindex.  Looks up the neighbour table (ARP's
 * for IPv4, neighbour discovery's for IPv6); if there is no usable entry
 * (REACHABLE, STALE, DELAY, PROBE, PERMANENT) asks the kernel to resolve
 * it (RTM_NEWNEIGH with NTF_USE, so the kernel sends the ARP request or
 * the neighbour solicitation) and polls until timeout_ms.  Returns 0,
 * -EHOSTUNREACH if resolution failed, or -errno.
 */
int xs_nl_neigh_resolve(int ifindex, const struct xs_addr *nexthop,
			uint8_t mac[6], int timeout_ms);

/*
 * A neighbour sweep (ARP, or NDP for IPv6): resolve n on-link addresses at
 * once, of either family or both.  Asks the kernel to resolve each (as
 * xs_nl_neigh_resolve() does, without waiting), in chunks the neighbour
 * tables can hold, and reads the tables back with one dump per poll until
 * every address of the chunk is usable or failed, or timeout_ms per chunk
 * has passed since its last request.  An entry FAILED before the sweep is
 * asked again, not taken as an answer.  A request the kernel refuses for a
 * full neighbour table (ENOBUFS: gc_thresh3 counts every namespace's
 * entries) is made again at each poll for a few seconds; *refused (if not
 * NULL) counts the addresses never asked.  ok[i] and mac[i] say what
 * addr[i] resolved to.  Returns how many resolved, or -errno; -EINTR as
 * soon as *stop (if stop is not NULL) is non-zero, which is looked at every
 * 10 ms and between two requests.
 */
int xs_nl_neigh_sweep(int ifindex, const struct xs_addr *addr, size_t n,
		      uint8_t (*mac)[6], bool *ok, int timeout_ms,
		      const int *stop, size_t *refused);

struct xs_route;

/*
 * Every IPv4 and IPv6 route of every table, in one dump per family (ECMP
 * routes as one entry per live next hop), for xs_rtable_build().  *out is
 * malloc'd.  Returns 0 or -errno.
 */
int xs_nl_route_dump(struct xs_route **out, size_t *n);

/* How many IPv4 and IPv6 policy rules besides the ones every namespace
 * starts with (local, main, and IPv4's default), or -errno. */
int xs_nl_rules_extra(void);

/* RTM_GETROUTE requests (lookups and dumps) sent so far by this process:
 * what a scan's next hops cost in netlink. */
unsigned long xs_nl_route_requests(void);

/*
 * Route and rule change notifications: xs_nl_watch_changed() says (without
 * blocking) whether any came since the last call, so a cached table can
 * be dumped again.
 */
struct xs_nl_watch;
int xs_nl_watch_open(struct xs_nl_watch **out);
bool xs_nl_watch_changed(struct xs_nl_watch *w);
void xs_nl_watch_close(struct xs_nl_watch *w);

#endif /* XS_NL_H */
