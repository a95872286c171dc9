/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Longest-prefix match over a dump of the kernel's route tables.
 *
 * Routes are sorted by table (in lookup order), prefix length (longest
 * first), destination and metric, and a hash maps each (table, length,
 * destination) to its first route: a lookup is at most one hash probe per
 * prefix length present in a table, a few in practice, whatever the number
 * of routes or targets.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "route.h"

/* The default policy rules' tables, in the order the kernel asks them. */
static const uint32_t table_order[3] = { RT_TABLE_LOCAL, RT_TABLE_MAIN,
					 RT_TABLE_DEFAULT };

#define SLOT_USED (1ULL << 63)

static int table_rank(uint32_t table)
{
	int i;

	for (i = 0; i < 3; i++)
		if (table_order[i] == table)
			return i;
	return -1;
}

static uint32_t prefix_mask(unsigned int len)
{
	return len ? ~0u << (32 - len) : 0;
}

static uint64_t slot_key(int rank, unsigned int len, uint32_t dst)
{
	return SLOT_USED | (uint64_t)rank << 40 | (uint64_t)len << 32 | dst;
}

static size_t slot_hash(uint64_t key, size_t mask)
{
	key ^= key >> 31;
	key *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(key >> 29) & mask;
}

struct sort_ent {
	struct xs_route r;
	int rank;
	size_t order; /* in the dump: equal metrics keep the kernel's order */
};

static int cmp_ent(const void *a, const void *b)
{
	const struct sort_ent *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->r.len != y->r.len)
		return x->r.len > y->r.len ? -1 : 1;
	if (x->r.dst != y->r.dst)
		return x->r.dst < y->r.dst ? -1 : 1;
	if (x->r.priority != y->r.priority)
		return x->r.priority < y->r.priority ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Sorted copies of the routes of the three tables, in t->r. */
static int sort_routes(struct xs_rtable *t, const struct xs_route *r, size_t n)
{
	struct sort_ent *v;
	size_t i, m = 0;

	v = calloc(n ? n : 1, sizeof(*v));
	t->r = calloc(n ? n : 1, sizeof(*t->r));
	if (!v || !t->r) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		int rank = table_rank(r[i].table);

		if (rank < 0 || r[i].len > 32)
			continue;
		v[m].r = r[i];
		v[m].r.dst &= prefix_mask(r[i].len);
		v[m].rank = rank;
		v[m].order = i;
		m++;
	}
	qsort(v, m, sizeof(*v), cmp_ent);
	for (i = 0; i < m; i++) {
		t->r[i] = v[i].r;
		t->lens[v[i].rank] |= 1ULL << v[i].r.len;
	}
	t->n = m;
	free(v);
	return 0;
}

int xs_rtable_build(struct xs_rtable *t, const struct xs_route *r, size_t n)
{
	size_t i, slots = 16, h;
	uint64_t k, prev = 0;
	int err;

	memset(t, 0, sizeof(*t));
	err = sort_routes(t, r, n);
	if (err)
		return err;
	while (slots < 2 * t->n)
		slots <<= 1;
	t->key = calloc(slots, sizeof(*t->key));
	t->first = calloc(slots, sizeof(*t->first));
	if (!t->key || !t->first) {
		xs_rtable_free(t);
		return -ENOMEM;
	}
	t->mask = slots - 1;
	for (i = 0; i < t->n; i++) {
		k = slot_key(table_rank(t->r[i].table), t->r[i].len,
			     t->r[i].dst);
		if (k == prev)
			continue; /* same prefix, higher metric */
		prev = k;
		for (h = slot_hash(k, t->mask); t->key[h];
		     h = (h + 1) & t->mask)
			;
		t->key[h] = k;
		t->first[h] = (uint32_t)i;
	}
	return 0;
}

void xs_rtable_free(struct xs_rtable *t)
{
	free(t->r);
	free(t->key);
	free(t->first);
	memset(t, 0, sizeof(*t));
}

static const struct xs_route *prefix_first(const struct xs_rtable *t,
					   uint64_t k)
{
	size_t h;

	if (!t->key)
		return NULL;
	for (h = slot_hash(k, t->mask); t->key[h]; h = (h + 1) & t->mask)
		if (t->key[h] == k)
			return &t->r[t->first[h]];
	return NULL;
}

/*
 * One table, as fib_table_lookup() walks it: the longest prefix first,
 * its routes by metric.  NULL with *err 0: nothing here, ask the next
 * table; -ENETUNREACH: a reject route; -EAGAIN: a throw route.
 */
static const struct xs_route *table_match(const struct xs_rtable *t, int rank,
					  int oif, uint32_t daddr, int *err)
{
	const struct xs_route *r, *end = t->r + t->n;
	uint32_t dst;
	int len;

	*err = 0;
	for (len = 32; len >= 0; len--) {
		if (!(t->lens[rank] & (1ULL << len)))
			continue;
		dst = daddr & prefix_mask((unsigned int)len);
		r = prefix_first(t, slot_key(rank, (unsigned int)len, dst));
		for (; r && r < end && r->len == len && r->dst == dst &&
		       table_rank(r->table) == rank;
		     r++) {
			switch (r->type) {
			case RTN_BLACKHOLE:
			case RTN_UNREACHABLE:
			case RTN_PROHIBIT:
				*err = -ENETUNREACH;
				return NULL;
			case RTN_THROW:
				*err = -EAGAIN;
				return NULL;
			}
			/* A next hop on another interface does not match a
			 * constrained lookup: try the next route. */
			if (oif && r->oif != oif)
				continue;
			return r;
		}
	}
	return NULL;
}

/* The default rules: local, main, default.  oif 0: unconstrained. */
static const struct xs_route *rules_match(const struct xs_rtable *t, int oif,
					  uint32_t daddr, int *err)
{
	const struct xs_route *r;
	int rank;

	for (rank = 0; rank < 3; rank++) {
		r = table_match(t, rank, oif, daddr, err);
		if (r || *err == -ENETUNREACH)
			return r;
	}
	*err = 0;
	return NULL;
}

int xs_rtable_lookup(const struct xs_rtable *t, int ifindex, uint32_t daddr,
		     struct xs_nexthop *out)
{
	const struct xs_route *r;
	uint32_t h = ntohl(daddr);
	int err;

	if (ifindex <= 0 || !daddr || !out)
		return -EINVAL;
	/*
	 * What ip_route_output_key_hash_rcu() and __mkroute_output() settle
	 * before or after the FIB: the limited broadcast, multicast and a
	 * loopback address out of a non-loopback device are no host to
	 * shake hands with.
	 */
	if (h == 0xffffffffu || (h >> 28) == 0xe || (h >> 24) == 127)
		return -EINVAL;
	/* Through our interface if any route leads there that way; else
	 * without the constraint, to tell "no route" from "elsewhere". */
	r = rules_match(t, ifindex, h, &err);
	if (!r && !err)
		r = rules_match(t, 0, h, &err);
	if (!r)
		return -ENETUNREACH;
	if (r->type == RTN_LOCAL || r->oif != ifindex)
		return -EXDEV;
	if (r->type != RTN_UNICAST)
		return -EINVAL;
	if (r->via_other_family)
		return -EAFNOSUPPORT;
	out->nexthop = r->gateway ? r->gateway : daddr;
	out->onlink = !r->gateway;
	out->prefsrc = r->prefsrc;
	return 0;
}
