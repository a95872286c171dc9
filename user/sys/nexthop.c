/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A scan's next hops: the route tables dumped once and matched in
 * userspace, one MAC per gateway, and the neighbour sweep (ARP for IPv4,
 * NDP for IPv6) of on-link targets in a thread of its own.  Addresses of
 * both families are xs_addr values and 128-bit numbers (addr128.h): one
 * path for both.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

#include "addr128.h"
#include "diag.h"
#include "parse.h"
#include "clock.h"
#include "nexthop.h"
#include "nl.h"
#include "output.h"
#include "ifstate.h"
#include "route.h"

/* On-link targets swept up front; the host cache is indexed by an
 * address's low 16 bits, so any on-link /16 fits without collisions. */
#define ONLINK_MAX 65536
/* Distinct gateways remembered; beyond that, resolved again each time. */
#define GW_MAX 64
/* Lookups between two looks at the clock, and the time between two looks
 * at the route change notifications. */
#define CLOCK_EVERY 64
#define WATCH_MS 100
/* Timeouts, as before: a gateway, an on-link host the sweep missed. */
#define GW_ARP_MS 1000
#define HOST_ARP_MS 300
#define SWEEP_ARP_MS 1000

struct gw_slot {
	struct xs_addr gw;
	int err;
	uint8_t mac[6];
};

struct host_slot {
	struct xs_addr key;
	bool used;
	bool ok;
	uint8_t mac[6];
};

struct xs_nexthops {
	int ifindex;
	const int *stop;
	bool quiet;
	struct xs_rtable rt;
	struct xs_nl_watch *watch;
	unsigned int dumps;
	unsigned int lookups;
	int64_t watch_ms; /* last look at the notifications */
	struct gw_slot gw[GW_MAX];
	unsigned int ngw;
	struct host_slot host[ONLINK_MAX];
	/* The sweep: addresses ascending (xs_addr_cmp()). */
	struct xs_addr *sw_addr;
	size_t sw_n;
	uint8_t (*sw_mac)[6];
	bool *sw_ok;
	pthread_t sw_thread;
	bool sw_started;
	int sw_stop; /* the sweep's own stop flag */
	int sw_done; /* results are in host[] */
	int sw_fault; /* -ENODEV, -ENETDOWN: the interface went under it */
	/* The interface, looked at (xs_if_state()) at the first target of
	 * a route table without a route: once per dump */
	int ctl_fd;
	unsigned int if_dump;
	int if_state;
};

static bool stop_set(const int *stop)
{
	return stop && __atomic_load_n(stop, __ATOMIC_RELAXED);
}

static int load_routes(struct xs_nexthops *nh)
{
	struct xs_rtable rt;
	struct xs_route *r = NULL;
	size_t n = 0;
	int err;

	err = xs_nl_route_dump(&r, &n);
	if (!err)
		err = xs_rtable_build(&rt, r, n);
	free(r);
	if (err)
		return err;
	xs_rtable_free(&nh->rt);
	nh->rt = rt;
	nh->dumps++;
	/* A gateway that did not answer may now; a MAC may have moved. */
	nh->ngw = 0;
	return 0;
}

/* A host's slot: its low 16 bits (any on-link /16 or /112 fits). */
static struct host_slot *host_slot_of(struct xs_nexthops *nh,
				      const struct xs_addr *a)
{
	return &nh->host[(a->b[14] << 8 | a->b[15]) & (ONLINK_MAX - 1)];
}

/* "ARP", "NDP" or both: what the sweep of these addresses speaks. */
static const char *sweep_proto(const struct xs_nexthops *nh)
{
	bool v4 = false, v6 = false;
	size_t i;

	for (i = 0; i < nh->sw_n; i++) {
		if (xs_addr_is_v4(&nh->sw_addr[i]))
			v4 = true;
		else
			v6 = true;
	}
	return v4 && v6 ? "ARP/NDP" : v6 ? "NDP" : "ARP";
}

static void *sweep_main(void *arg)
{
	struct xs_nexthops *nh = arg;
	struct host_slot *s;
	size_t i, refused;
	int got;

	got = xs_nl_neigh_sweep(nh->ifindex, nh->sw_addr, nh->sw_n, nh->sw_mac,
				nh->sw_ok, SWEEP_ARP_MS, &nh->sw_stop,
				&refused);
	if (got == -EINTR)
		return NULL;
	/* The interface went under the sweep: the run says so (exit 4),
	 * each target left unresolved until then. */
	if (got == -ENODEV || got == -ENETDOWN) {
		nh->sw_fault = got;
		__atomic_store_n(&nh->sw_done, 1, __ATOMIC_RELEASE);
		return NULL;
	}
	if (got < 0) {
		xs_warn("%s sweep failed (%s): resolving on-link targets one by one",
			sweep_proto(nh), strerror(-got));
	} else {
		for (i = 0; i < nh->sw_n; i++) {
			s = host_slot_of(nh, &nh->sw_addr[i]);
			*s = (struct host_slot){ .key = nh->sw_addr[i],
						 .used = true,
						 .ok = nh->sw_ok[i] };
			memcpy(s->mac, nh->sw_mac[i], 6);
		}
		if (!nh->quiet)
			fprintf(stderr,
				"xdpshake: %s sweep: %d of %zu on-link %s answered\n",
				sweep_proto(nh), got, nh->sw_n,
				xs_plural(nh->sw_n, "target", "targets"));
		if (refused)
			xs_warn("%s sweep: %zu on-link %s never asked: the kernel's neighbour table is full (gc_thresh3 counts the entries of every namespace)",
				sweep_proto(nh), refused,
				xs_plural(refused, "target", "targets"));
	}
	__atomic_store_n(&nh->sw_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The on-link routes through our interface, as sorted disjoint ranges. */
static size_t onlink_ranges(const struct xs_nexthops *nh, struct xs_range *v)
{
	const struct xs_route *r;
	size_t i, n = 0;

	for (i = 0; i < nh->rt.n; i++) {
		r = &nh->rt.r[i];
		if (r->type != RTN_UNICAST || !xs_addr_is_zero(&r->gateway) ||
		    r->oif != nh->ifindex || r->table == RT_TABLE_LOCAL)
			continue;
		v[n].lo = r->dst;
		v[n].hi = xs_u128_addr(xs_addr_u128(&r->dst) |
				       xs_u128_hostmask(xs_addr_is_v4(&r->dst) ?
								96u + r->len :
								r->len));
		n++;
	}
	return xs_ranges_merge(v, n);
}

/* Add the targets of [lo, hi] that the table puts on our link. */
static void sweep_collect(struct xs_nexthops *nh, xs_u128 lo, xs_u128 hi)
{
	struct xs_nexthop x;
	struct xs_addr d;
	xs_u128 a;

	for (a = lo; a <= hi && nh->sw_n < ONLINK_MAX; a++) {
		d = xs_u128_addr(a);
		/* A longer prefix inside the on-link one may lead through a
		 * gateway: each address as the send loop will see it. */
		if (!xs_rtable_lookup(&nh->rt, nh->ifindex, &d, &x) && x.onlink)
			nh->sw_addr[nh->sw_n++] = d;
		if (a == hi)
			break; /* hi may be the last address of all */
	}
}

static int sweep_start(struct xs_nexthops *nh, const struct xs_targets *t)
{
	struct xs_range *on;
	size_t non, i, j;
	xs_u128 lo, hi, tlo, thi, olo, ohi;

	on = calloc(nh->rt.n ? nh->rt.n : 1, sizeof(*on));
	if (!on)
		return -ENOMEM;
	non = onlink_ranges(nh, on);
	for (i = 0, j = 0; i < t->n && j < non && nh->sw_n < ONLINK_MAX;) {
		tlo = xs_addr_u128(&t->r[i].lo);
		thi = xs_addr_u128(&t->r[i].hi);
		olo = xs_addr_u128(&on[j].lo);
		ohi = xs_addr_u128(&on[j].hi);
		lo = tlo > olo ? tlo : olo;
		hi = thi < ohi ? thi : ohi;
		if (lo <= hi) {
			if (!nh->sw_addr)
				nh->sw_addr = calloc(ONLINK_MAX,
						     sizeof(*nh->sw_addr));
			if (!nh->sw_addr)
				break;
			sweep_collect(nh, lo, hi);
		}
		if (thi < ohi)
			i++;
		else
			j++;
	}
	free(on);
	if (!nh->sw_n) {
		nh->sw_done = 1;
		return 0;
	}
	nh->sw_mac = calloc(nh->sw_n, sizeof(*nh->sw_mac));
	nh->sw_ok = calloc(nh->sw_n, sizeof(*nh->sw_ok));
	if (!nh->sw_mac || !nh->sw_ok)
		return -ENOMEM;
	/* The thread starts in this thread's network namespace. */
	if (pthread_create(&nh->sw_thread, NULL, sweep_main, nh))
		return -EAGAIN;
	nh->sw_started = true;
	return 0;
}

int xs_nexthops_open(struct xs_nexthops **out, int ifindex,
		     const struct xs_targets *t, const int *stop, bool quiet)
{
	struct xs_nexthops *nh;
	int err, extra;

	nh = calloc(1, sizeof(*nh));
	if (!nh)
		return -ENOMEM;
	nh->ifindex = ifindex;
	nh->stop = stop;
	nh->quiet = quiet;
	nh->ctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* Subscribe before the dump: a change in between is not missed. */
	err = xs_nl_watch_open(&nh->watch);
	if (!err)
		err = load_routes(nh);
	if (err)
		goto fail;
	extra = xs_nl_rules_extra();
	if (extra > 0)
		xs_warn("%d policy routing rule%s besides the default ones: next hops come from the local, main and default tables (or --dst-mac)",
			extra, extra == 1 ? "" : "s");
	err = sweep_start(nh, t);
	if (err)
		goto fail;
	*out = nh;
	return 0;
fail:
	xs_nexthops_close(nh);
	return err;
}

static int gw_mac(struct xs_nexthops *nh, const struct xs_addr *gw,
		  uint8_t mac[6])
{
	struct gw_slot *g;
	unsigned int i;

	for (i = 0; i < nh->ngw; i++) {
		if (xs_addr_eq(&nh->gw[i].gw, gw)) {
			memcpy(mac, nh->gw[i].mac, 6);
			return nh->gw[i].err;
		}
	}
	if (nh->ngw == GW_MAX)
		return xs_nl_neigh_resolve(nh->ifindex, gw, mac, GW_ARP_MS);
	g = &nh->gw[nh->ngw++];
	g->gw = *gw;
	g->err = xs_nl_neigh_resolve(nh->ifindex, gw, g->mac, GW_ARP_MS);
	memcpy(mac, g->mac, 6);
	return g->err;
}

static bool in_sweep(const struct xs_nexthops *nh, const struct xs_addr *a)
{
	size_t lo = 0, hi = nh->sw_n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (xs_addr_cmp(&nh->sw_addr[mid], a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nh->sw_n && xs_addr_eq(&nh->sw_addr[lo], a);
}

/* Wait (polling *stop every 2 ms) until the sweep has filled host[]. */
static int sweep_wait(struct xs_nexthops *nh)
{
	const struct timespec pause = { .tv_nsec = 2 * 1000 * 1000 };

	while (!__atomic_load_n(&nh->sw_done, __ATOMIC_ACQUIRE)) {
		if (stop_set(nh->stop)) {
			__atomic_store_n(&nh->sw_stop, 1, __ATOMIC_RELAXED);
			return -EINTR;
		}
		nanosleep(&pause, NULL);
	}
	return 0;
}

static int host_mac(struct xs_nexthops *nh, const struct xs_addr *daddr,
		    uint8_t mac[6])
{
	struct host_slot *s = host_slot_of(nh, daddr);
	int err;

	/* The sweep thread owns host[] until it is done; a sweep the
	 * interface went under resolved nothing: the run stops on it. */
	err = sweep_wait(nh) ?: nh->sw_fault;
	if (err)
		return err;
	if (!s->used || !xs_addr_eq(&s->key, daddr)) {
		s->key = *daddr;
		s->used = true;
		s->ok = !xs_nl_neigh_resolve(nh->ifindex, daddr, s->mac,
					     in_sweep(nh, daddr) ? 0 :
								   HOST_ARP_MS);
	}
	if (!s->ok)
		return -EHOSTUNREACH;
	memcpy(mac, s->mac, 6);
	return 0;
}

/*
 * No route to a target: the interface set down, deleted or its namespace
 * gone takes its routes with it, and that is the run's fault (-ENETDOWN,
 * -ENODEV, -XS_ENS_GONE), not the target's.  The table is dumped again
 * after the interface changed, so one look per dump is enough.
 */
static int no_route(struct xs_nexthops *nh, int err)
{
	if (nh->if_dump != nh->dumps) {
		nh->if_dump = nh->dumps;
		nh->if_state = xs_if_state(nh->ctl_fd, nh->ifindex);
	}
	if (nh->if_state == -ENETDOWN || nh->if_state == -ENODEV ||
	    nh->if_state == -XS_ENS_GONE)
		return nh->if_state;
	return err;
}

int xs_nexthops_mac(struct xs_nexthops *nh, const struct xs_addr *daddr,
		    uint8_t mac[6])
{
	struct xs_nexthop x;
	int err;

	if (++nh->lookups % CLOCK_EVERY == 0 &&
	    xs_mono_ms() - nh->watch_ms >= WATCH_MS) {
		nh->watch_ms = xs_mono_ms();
		if (xs_nl_watch_changed(nh->watch)) {
			err = load_routes(nh);
			if (err)
				xs_warn("cannot dump the routes again (%s): keeping the old ones",
					strerror(-err));
		}
	}
	err = xs_rtable_lookup(&nh->rt, nh->ifindex, daddr, &x);
	if (err)
		return no_route(nh, err);
	if (!x.onlink)
		return gw_mac(nh, &x.nexthop, mac);
	return host_mac(nh, daddr, mac);
}

void xs_nexthops_cost(const struct xs_nexthops *nh, unsigned int *dumps,
		      unsigned long *requests)
{
	*dumps = nh->dumps;
	*requests = xs_nl_route_requests();
}

void xs_nexthops_close(struct xs_nexthops *nh)
{
	if (!nh)
		return;
	if (nh->sw_started) {
		__atomic_store_n(&nh->sw_stop, 1, __ATOMIC_RELAXED);
		pthread_join(nh->sw_thread, NULL);
	}
	xs_nl_watch_close(nh->watch);
	if (nh->ctl_fd >= 0)
		close(nh->ctl_fd);
	xs_rtable_free(&nh->rt);
	free(nh->sw_addr);
	free(nh->sw_mac);
	free(nh->sw_ok);
	free(nh);
}
