/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where a scan sends each SYN: the destination MAC for any target, from
 * one dump of the route tables (longest-prefix match in userspace,
 * user/core/route.c), each gateway's MAC resolved once, and an ARP sweep of the
 * on-link targets that runs in the background while the targets behind a
 * gateway are already being sent to.
 *
 * The table is dumped again when the kernel announces a route or rule
 * change.  Netlink traffic is a few requests per scan, whatever the number
 * of targets.  Lookups come from the engine's producer, one at a time.
 */
#ifndef XS_NEXTHOP_H
#define XS_NEXTHOP_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "targets.h"

struct xs_nexthops;

/*
 * Dump the routes, and start the ARP sweep of the targets that are on the
 * link of ifindex (at most 65536 of them; the rest are resolved one by one
 * when their turn comes).  *stop, when it becomes non-zero, ends the
 * sweep and any wait for it.  quiet: no "ARP sweep" line on stderr.
 * Returns 0 or -errno.
 */
int xs_nexthops_open(struct xs_nexthops **out, int ifindex,
		     const struct xs_targets *t, const int *stop, bool quiet);

/*
 * The MAC to send to for daddr: 0, -EINTR if *stop was set while waiting
 * for the sweep, -ENODEV or -ENETDOWN if the interface went (or went
 * down) under the sweep, or another -errno if it cannot be had (no route,
 * no ARP answer from the next hop...).
 */
int xs_nexthops_mac(struct xs_nexthops *nh, const struct xs_addr *daddr,
		    uint8_t mac[6]);

/* Route dumps and the whole process's RTM_GETROUTE requests so far. */
void xs_nexthops_cost(const struct xs_nexthops *nh, unsigned int *dumps,
		      unsigned long *requests);

/* Stops the sweep (sets nothing the caller owns) and frees everything. */
void xs_nexthops_close(struct xs_nexthops *nh);

#endif /* XS_NEXTHOP_H */
