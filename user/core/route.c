/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Longest-prefix match over a dump of the kernel's route tables, IPv4 and
 * IPv6 in one structure: an address is a 128-bit number (addr128.h), an
 * IPv4 /L route the /96+L around its ::ffff:a.b.c.d destination, and the
 * family picks the tables, so one walk serves both.
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

#include "addr128.h"
#include "route.h"

/*
 * The default policy rules' tables, in the order the kernel asks them:
 * IPv4's local (pref 0), main (32766), default (32767); IPv6 has no
 * default-table rule (fib6_rules_net_init()).
 */
static const uint32_t table_order[XS_RT_RANKS] = {
	RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_DEFAULT, /* IPv4 */
	RT_TABLE_LOCAL, RT_TABLE_MAIN, /* IPv6 */
};
#define V6_RANK0 3

static int table_rank(const struct xs_route *r)
{
	bool v4 = xs_addr_is_v4(&r->dst);
	int i, lo = v4 ? 0 : V6_RANK0, hi = v4 ? V6_RANK0 : XS_RT_RANKS;

	for (i = lo; i < hi; i++)
		if (table_order[i] == r->table)
			return i;
	return -1;
}

/* The prefix length as a 128-bit one. */
static unsigned int len128(const struct xs_route *r)
{
	return xs_addr_is_v4(&r->dst) ? 96u + r->len : r->len;
}

static struct xs_rtable_key slot_key(int rank, unsigned int len,
				     const struct xs_addr *dst)
{
	struct xs_rtable_key k = { .dst = *dst };

	k.rank_len = (uint16_t)(((unsigned int)rank << 8 | len) + 1);
	return k;
}

static bool key_eq(const struct xs_rtable_key *a, const struct xs_rtable_key *b)
{
	return a->rank_len == b->rank_len && xs_addr_eq(&a->dst, &b->dst);
}

static size_t slot_hash(const struct xs_rtable_key *k, size_t mask)
{
	uint64_t hi, lo, h;

	memcpy(&hi, k->dst.b, 8);
	memcpy(&lo, k->dst.b + 8, 8);
	h = (hi * 0xff51afd7ed558ccdULL) ^ lo ^ k->rank_len;
	h ^= h >> 31;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 29) & mask;
}

static void lens_set(uint64_t *bits, unsigned int len)
{
	bits[len / 64] |= 1ULL << (len % 64);
}

struct sort_ent {
	struct xs_route r;
	int rank;
	size_t order; /* in the dump: equal metrics keep the kernel's order */
};

static int cmp_ent(const void *a, const void *b)
{
	const struct sort_ent *x = a, *y = b;
	int c;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->r.len != y->r.len)
		return x->r.len > y->r.len ? -1 : 1;
	c = xs_addr_cmp(&x->r.dst, &y->r.dst);
	if (c)
		return c;
	if (x->r.priority != y->r.priority)
		return x->r.priority < y->r.priority ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Sorted copies of the routes of the default rules' tables, in t->r. */
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
		int rank = table_rank(&r[i]);
		unsigned int l;

		if (rank < 0 || r[i].len > (rank < V6_RANK0 ? 32 : 128))
			continue;
		v[m].r = r[i];
		l = len128(&r[i]);
		v[m].r.dst = xs_u128_addr(xs_addr_u128(&r[i].dst) &
					  ~xs_u128_hostmask(l));
		v[m].rank = rank;
		v[m].order = i;
		m++;
	}
	qsort(v, m, sizeof(*v), cmp_ent);
	for (i = 0; i < m; i++) {
		t->r[i] = v[i].r;
		lens_set(t->lens[v[i].rank], len128(&v[i].r));
	}
	t->n = m;
	free(v);
	return 0;
}

int xs_rtable_build(struct xs_rtable *t, const struct xs_route *r, size_t n)
{
	struct xs_rtable_key k, prev = { 0 };
	size_t i, slots = 16, h;
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
		k = slot_key(table_rank(&t->r[i]), len128(&t->r[i]),
			     &t->r[i].dst);
		if (key_eq(&k, &prev))
			continue; /* same prefix, higher metric */
		prev = k;
		for (h = slot_hash(&k, t->mask); t->key[h].rank_len;
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
					   const struct xs_rtable_key *k)
{
	size_t h;

	if (!t->key)
		return NULL;
	for (h = slot_hash(k, t->mask); t->key[h].rank_len;
	     h = (h + 1) & t->mask)
		if (key_eq(&t->key[h], k))
			return &t->r[t->first[h]];
	return NULL;
}

/*
 * One table, as fib_table_lookup() (fib6_table_lookup()) walks it: the
 * longest prefix first, its routes by metric.  NULL with *err 0: nothing
 * here, ask the next table; -ENETUNREACH: a reject route; -EAGAIN: a
 * throw route.
 */
static const struct xs_route *table_match(const struct xs_rtable *t, int rank,
					  int oif, xs_u128 daddr, int *err)
{
	const struct xs_route *r, *end = t->r + t->n;
	unsigned int base = rank < V6_RANK0 ? 96 : 0, len;
	uint32_t table = table_order[rank];
	struct xs_rtable_key k;
	struct xs_addr dst;
	uint64_t bits;
	int w;

	*err = 0;
	/* The lengths present, longest first, one bit scan each. */
	for (w = 2; w >= 0; w--) {
		for (bits = t->lens[rank][w]; bits;
		     bits &= ~(1ULL << (63 - __builtin_clzll(bits)))) {
			len = (unsigned int)w * 64 + 63 -
			      (unsigned int)__builtin_clzll(bits);
			dst = xs_u128_addr(daddr & ~xs_u128_hostmask(len));
			k = slot_key(rank, len, &dst);
			r = prefix_first(t, &k);
			for (; r && r < end && r->len + base == len &&
			       r->table == table && xs_addr_eq(&r->dst, &dst);
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
				/* A next hop on another interface does not
				 * match a constrained lookup: try the next
				 * route. */
				if (oif && r->oif != oif)
					continue;
				return r;
			}
		}
	}
	return NULL;
}

/* The default rules of daddr's family.  oif 0: unconstrained. */
static const struct xs_route *rules_match(const struct xs_rtable *t, int oif,
					  const struct xs_addr *daddr, int *err)
{
	bool v4 = xs_addr_is_v4(daddr);
	int rank, hi = v4 ? V6_RANK0 : XS_RT_RANKS;
	const struct xs_route *r;
	xs_u128 d = xs_addr_u128(daddr);

	for (rank = v4 ? 0 : V6_RANK0; rank < hi; rank++) {
		r = table_match(t, rank, oif, d, err);
		if (r || *err == -ENETUNREACH)
			return r;
	}
	*err = 0;
	return NULL;
}

/*
 * What ip_route_output_key_hash_rcu() and __mkroute_output() (IPv6:
 * ip6_route_output_flags() and the address type checks before it) settle
 * before or after the FIB: no host to shake hands with.  IPv4: 0.0.0.0,
 * the limited broadcast, multicast and loopback out of a non-loopback
 * device; IPv6: ::, ::1 and multicast (ff00::/8).
 */
static bool no_host(const struct xs_addr *a)
{
	static const struct xs_addr loop6 = { .b = { [15] = 1 } };
	uint32_t h;

	if (!xs_addr_is_v4(a))
		return xs_addr_is_zero(a) || xs_addr_eq(a, &loop6) ||
		       a->b[0] == 0xff;
	h = ntohl(xs_addr_get_v4(a));
	return !h || h == 0xffffffffu || (h >> 28) == 0xe || (h >> 24) == 127;
}

int xs_rtable_lookup(const struct xs_rtable *t, int ifindex,
		     const struct xs_addr *daddr, struct xs_nexthop *out)
{
	const struct xs_route *r;
	int err;

	if (ifindex <= 0 || !daddr || !out || no_host(daddr))
		return -EINVAL;
	/* Through our interface if any route leads there that way; else
	 * without the constraint, to tell "no route" from "elsewhere". */
	r = rules_match(t, ifindex, daddr, &err);
	if (!r && !err)
		r = rules_match(t, 0, daddr, &err);
	if (!r)
		return -ENETUNREACH;
	if (r->type == RTN_LOCAL || r->oif != ifindex)
		return -EXDEV;
	if (r->type != RTN_UNICAST)
		return -EINVAL;
	if (r->via_other_family)
		return -EAFNOSUPPORT;
	out->onlink = xs_addr_is_zero(&r->gateway);
	out->nexthop = out->onlink ? *daddr : r->gateway;
	out->prefsrc = r->prefsrc;
	return 0;
}
