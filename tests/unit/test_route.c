/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/route.c: longest-prefix match over golden route
 * tables of both families (overlapping prefixes, default routes, /32s and
 * /128s, metrics, reject types, table order, the output-interface
 * constraint, link-local IPv6 gateways, IPv4 and IPv6 routes side by
 * side), and the default exclude of user/core/special.c applied to target
 * sets of both families.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "testlib.h"
#include "addr128.h"
#include "route.h"
#include "special.h"
#include "targets.h"

#define IP(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define BE(a, b, c, d) htonl(IP(a, b, c, d))

#define ETH0 2
#define ETH1 3

/* An IPv4 route's destination (host order) and gateway (network order,
 * 0: on-link) as the dump gives them. */
static struct xs_addr d4(uint32_t host)
{
	return xs_addr_v4(htonl(host));
}

static struct xs_addr g4(uint32_t be)
{
	return be ? xs_addr_v4(be) : (struct xs_addr){ 0 };
}

/* IPv6 text; "" is the zero address (no gateway). */
static struct xs_addr a6(const char *s)
{
	struct xs_addr a = { 0 };
	const char *why;

	if (*s && xs_addr_parse(s, &a, &why))
		fprintf(stderr, "bad test address %s: %s\n", s, why);
	return a;
}

#define UNI(tab_, d_, l_, prio_, oif_, gw_)                          \
	{                                                            \
		.dst = d4(d_), .len = (l_), .type = RTN_UNICAST,     \
		.table = (tab_), .priority = (prio_), .oif = (oif_), \
		.gateway = g4(gw_)                                   \
	}
#define REJ(tab_, d_, l_, t_)                                             \
	{                                                                 \
		.dst = d4(d_), .len = (l_), .type = (t_), .table = (tab_) \
	}
#define UNI6(tab_, d_, l_, prio_, oif_, gw_)                         \
	{                                                            \
		.dst = a6(d_), .len = (l_), .type = RTN_UNICAST,     \
		.table = (tab_), .priority = (prio_), .oif = (oif_), \
		.gateway = a6(gw_)                                   \
	}
#define REJ6(tab_, d_, l_, t_)                                            \
	{                                                                 \
		.dst = a6(d_), .len = (l_), .type = (t_), .table = (tab_) \
	}

/* IPv4: daddr and *nh in network order, *nh 0 on error. */
static int look(const struct xs_rtable *t, int oif, uint32_t daddr,
		uint32_t *nh)
{
	struct xs_nexthop x = { 0 };
	struct xs_addr d = xs_addr_v4(daddr);
	int err = xs_rtable_lookup(t, oif, &d, &x);

	*nh = err ? 0 : xs_addr_get_v4(&x.nexthop);
	CHECK(err || xs_addr_is_v4(&x.nexthop), "IPv6 next hop for IPv4");
	return err;
}

/* IPv6: the next hop's text in nh ("" on error). */
static int look6(const struct xs_rtable *t, int oif, const char *daddr,
		 char nh[XS_ADDR_STRLEN])
{
	struct xs_nexthop x = { 0 };
	struct xs_addr d = a6(daddr);
	int err = xs_rtable_lookup(t, oif, &d, &x);

	nh[0] = '\0';
	if (!err)
		xs_addr_fmt(&x.nexthop, nh);
	return err;
}

#define CHECK_NH6(got, want) \
	CHECK(!strcmp((got), (want)), "next hop %s, want %s", (got), (want))

static void test_golden(void)
{
	/* A main table with everything that matters at once. */
	const struct xs_route golden[] = {
		UNI(RT_TABLE_MAIN, 0, 0, 100, ETH0,
		    BE(10, 0, 0, 1)), /* default */
		UNI(RT_TABLE_MAIN, 0, 0, 50, ETH1,
		    BE(10, 1, 0, 1)), /* better */
		UNI(RT_TABLE_MAIN, IP(10, 0, 0, 0), 24, 0, ETH0,
		    0), /* on-link */
		UNI(RT_TABLE_MAIN, IP(10, 1, 0, 0), 24, 0, ETH1, 0),
		UNI(RT_TABLE_MAIN, IP(10, 0, 0, 77), 32, 0, ETH0,
		    BE(10, 0, 0, 2)),
		UNI(RT_TABLE_MAIN, IP(172, 16, 0, 0), 12, 20, ETH0,
		    BE(10, 0, 0, 3)),
		UNI(RT_TABLE_MAIN, IP(172, 16, 0, 0), 12, 10, ETH0,
		    BE(10, 0, 0, 4)),
		UNI(RT_TABLE_MAIN, IP(172, 16, 5, 0), 24, 0, ETH0,
		    BE(10, 0, 0, 5)),
		REJ(RT_TABLE_MAIN, IP(192, 0, 2, 0), 24, RTN_UNREACHABLE),
		REJ(RT_TABLE_MAIN, IP(198, 51, 100, 0), 24, RTN_BLACKHOLE),
		REJ(RT_TABLE_MAIN, IP(203, 0, 113, 0), 24, RTN_PROHIBIT),
		/* Host bits set in a dump entry are cleared by the build. */
		UNI(RT_TABLE_MAIN, IP(10, 9, 9, 9), 16, 0, ETH0,
		    BE(10, 0, 0, 6)),
		/* Through eth1 only, with a shorter prefix through eth0. */
		UNI(RT_TABLE_MAIN, IP(10, 50, 0, 0), 16, 0, ETH1,
		    BE(10, 1, 0, 9)),
		/* The local table comes first. */
		{ .dst = d4(IP(10, 0, 0, 10)),
		  .len = 32,
		  .type = RTN_LOCAL,
		  .table = RT_TABLE_LOCAL,
		  .oif = ETH0 },
		{ .dst = d4(IP(10, 0, 0, 255)),
		  .len = 32,
		  .type = RTN_BROADCAST,
		  .table = RT_TABLE_LOCAL,
		  .oif = ETH0 },
		/* Another table: not in the default rules, ignored. */
		UNI(100, IP(8, 8, 8, 0), 24, 0, ETH0, BE(10, 0, 0, 99)),
		/* An IPv6 next hop. */
		{ .dst = d4(IP(100, 100, 0, 0)),
		  .len = 16,
		  .type = RTN_UNICAST,
		  .table = RT_TABLE_MAIN,
		  .oif = ETH0,
		  .via_other_family = true },
	};

	struct xs_rtable t;
	uint32_t nh;

	CHECK_EQ(xs_rtable_build(&t, golden,
				 sizeof(golden) / sizeof(golden[0])),
		 0);

	TEST_BEGIN("route_default_and_metric");
	/* Through eth0 the default with metric 100 (eth1's is better but
	 * elsewhere); through eth1 its own. */
	CHECK_EQ(look(&t, ETH0, BE(8, 8, 8, 8), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 1));
	CHECK_EQ(look(&t, ETH1, BE(8, 8, 8, 8), &nh), 0);
	CHECK_EQ(nh, BE(10, 1, 0, 1));
	/* Of two /12s through eth0 the lower metric. */
	CHECK_EQ(look(&t, ETH0, BE(172, 20, 0, 1), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 4));
	TEST_END();

	TEST_BEGIN("route_longest_prefix");
	CHECK_EQ(look(&t, ETH0, BE(172, 16, 5, 9), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 5));
	CHECK_EQ(look(&t, ETH0, BE(10, 0, 0, 9), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 9)); /* on-link: the address itself */
	CHECK_EQ(look(&t, ETH0, BE(10, 0, 0, 77), &nh), 0); /* /32 */
	CHECK_EQ(nh, BE(10, 0, 0, 2));
	CHECK_EQ(look(&t, ETH0, BE(10, 0, 0, 78), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 78));
	CHECK_EQ(look(&t, ETH0, BE(10, 9, 200, 1), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 6));
	TEST_END();

	TEST_BEGIN("route_reject_types");
	CHECK_EQ(look(&t, ETH0, BE(192, 0, 2, 1), &nh), -ENETUNREACH);
	CHECK_EQ(look(&t, ETH0, BE(198, 51, 100, 1), &nh), -ENETUNREACH);
	CHECK_EQ(look(&t, ETH0, BE(203, 0, 113, 1), &nh), -ENETUNREACH);
	/* Next to them, the default route. */
	CHECK_EQ(look(&t, ETH0, BE(192, 0, 3, 1), &nh), 0);
	TEST_END();

	TEST_BEGIN("route_constrained_to_iface");
	/* 10.50/16 leaves through eth1: through eth0 the default does. */
	CHECK_EQ(look(&t, ETH1, BE(10, 50, 1, 1), &nh), 0);
	CHECK_EQ(nh, BE(10, 1, 0, 9));
	CHECK_EQ(look(&t, ETH0, BE(10, 50, 1, 1), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 1));
	/* eth1's on-link /24 through eth0: the default there. */
	CHECK_EQ(look(&t, ETH0, BE(10, 1, 0, 7), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 1));
	TEST_END();

	TEST_BEGIN("route_local_broadcast_special");
	CHECK_EQ(look(&t, ETH0, BE(10, 0, 0, 10), &nh), -EXDEV);
	CHECK_EQ(look(&t, ETH0, BE(10, 0, 0, 255), &nh), -EINVAL);
	CHECK_EQ(look(&t, ETH0, BE(224, 0, 0, 1), &nh), -EINVAL);
	CHECK_EQ(look(&t, ETH0, BE(255, 255, 255, 255), &nh), -EINVAL);
	CHECK_EQ(look(&t, ETH0, BE(127, 0, 0, 1), &nh), -EINVAL);
	CHECK_EQ(look(&t, ETH0, BE(100, 100, 1, 1), &nh), -EAFNOSUPPORT);
	/* Table 100 is not asked: 8.8.8.0/24 goes the default way. */
	CHECK_EQ(look(&t, ETH0, BE(8, 8, 8, 1), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 1));
	CHECK_EQ(look(&t, 0, BE(8, 8, 8, 1), &nh), -EINVAL);
	TEST_END();
	xs_rtable_free(&t);
}

static void test_no_default(void)
{
	const struct xs_route r[] = {
		UNI(RT_TABLE_MAIN, IP(10, 0, 0, 0), 24, 0, ETH0, 0),
		UNI(RT_TABLE_MAIN, IP(10, 2, 0, 0), 16, 0, ETH1,
		    BE(10, 1, 0, 1)),
		/* A throw route goes on with the default table. */
		{ .dst = d4(IP(10, 3, 0, 0)),
		  .len = 16,
		  .type = RTN_THROW,
		  .table = RT_TABLE_MAIN },
		UNI(RT_TABLE_DEFAULT, 0, 0, 0, ETH0, BE(10, 0, 0, 254)),
		REJ(RT_TABLE_MAIN, IP(10, 4, 0, 0), 16, RTN_BLACKHOLE),
	};
	struct xs_rtable t, empty = { 0 };
	uint32_t nh;

	TEST_BEGIN("route_no_route_elsewhere_throw");
	CHECK_EQ(xs_rtable_build(&t, r, sizeof(r) / sizeof(r[0])), 0);
	CHECK_EQ(t.n, 5);
	/* Only through eth1: elsewhere for eth0... but the default table
	 * has a default through eth0, asked after main. */
	CHECK_EQ(look(&t, ETH0, BE(10, 2, 0, 1), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 254));
	CHECK_EQ(look(&t, ETH0, BE(10, 3, 0, 1), &nh), 0);
	CHECK_EQ(nh, BE(10, 0, 0, 254));
	/* A blackhole in main wins over the default table. */
	CHECK_EQ(look(&t, ETH0, BE(10, 4, 0, 1), &nh), -ENETUNREACH);
	CHECK_EQ(look(&t, ETH1, BE(10, 0, 0, 1), &nh), -EXDEV);
	xs_rtable_free(&t);
	CHECK_EQ(look(&empty, ETH0, BE(10, 0, 0, 1), &nh), -ENETUNREACH);
	TEST_END();
}

/* Many routes: every /24 of 10.0/16 through a gateway of its own. */
static void test_many(void)
{
	static struct xs_route r[65536 / 256 * 2];
	struct xs_rtable t;
	uint32_t nh, i, n = 0;

	TEST_BEGIN("route_many_prefixes");
	for (i = 0; i < 256; i++) {
		r[n++] = (struct xs_route)UNI(RT_TABLE_MAIN, IP(10, 0, i, 0),
					      24, 0, ETH0, BE(10, 9, 0, i));
		r[n++] = (struct xs_route)UNI(RT_TABLE_MAIN, IP(10, 0, i, 0),
					      24, 5, ETH0, BE(10, 8, 0, i));
	}
	CHECK_EQ(xs_rtable_build(&t, r, n), 0);
	for (i = 0; i < 256; i++) {
		CHECK_EQ(look(&t, ETH0, BE(10, 0, i, 7), &nh), 0);
		CHECK_EQ(nh, BE(10, 9, 0, i));
	}
	CHECK_EQ(look(&t, ETH0, BE(10, 1, 0, 7), &nh), -ENETUNREACH);
	xs_rtable_free(&t);
	TEST_END();
}

/*
 * IPv6 as `ip -6 route` dumps it: on-link /64s, a default via a link-local
 * router, metrics, reject types, the local table's own addresses,
 * anycast and multicast, and IPv4 routes beside them that must never
 * match an IPv6 destination (nor the other way round).
 */
static void test_golden6(void)
{
	const struct xs_route golden[] = {
		UNI6(RT_TABLE_MAIN, "::", 0, 1024, ETH0, "fe80::1"),
		UNI6(RT_TABLE_MAIN, "::", 0, 2048, ETH1, "fe80::2"),
		UNI6(RT_TABLE_MAIN, "fd00:77::", 64, 256, ETH0, ""),
		UNI6(RT_TABLE_MAIN, "fd00:79::", 64, 256, ETH1, ""),
		UNI6(RT_TABLE_MAIN, "fe80::", 64, 256, ETH0, ""),
		UNI6(RT_TABLE_MAIN, "fe80::", 64, 256, ETH1, ""),
		UNI6(RT_TABLE_MAIN, "fd00:78::", 48, 1024, ETH0, "fe80::9"),
		/* Two of one prefix: the lower metric; host bits cleared. */
		UNI6(RT_TABLE_MAIN, "fd00:80::5", 64, 20, ETH0, "fe80::20"),
		UNI6(RT_TABLE_MAIN, "fd00:80::", 64, 10, ETH0, "fe80::10"),
		/* Longer inside shorter. */
		UNI6(RT_TABLE_MAIN, "fd00:78:0:5::", 64, 1024, ETH0,
		     "fd00:77::5"),
		UNI6(RT_TABLE_MAIN, "fd00:78:0:5::77", 128, 1024, ETH0, ""),
		/* Through eth1 only: through eth0 the default. */
		UNI6(RT_TABLE_MAIN, "2001:db8:50::", 48, 1024, ETH1,
		     "fd00:79::9"),
		REJ6(RT_TABLE_MAIN, "2001:db8:81::", 48, RTN_UNREACHABLE),
		REJ6(RT_TABLE_MAIN, "2001:db8:83::", 48, RTN_BLACKHOLE),
		REJ6(RT_TABLE_MAIN, "2001:db8:84::", 48, RTN_PROHIBIT),
		{ .dst = a6("fd00:77::1"),
		  .len = 128,
		  .type = RTN_LOCAL,
		  .table = RT_TABLE_LOCAL,
		  .oif = ETH0 },
		{ .dst = a6("fd00:77::"),
		  .len = 128,
		  .type = RTN_ANYCAST,
		  .table = RT_TABLE_LOCAL,
		  .oif = ETH0 },
		{ .dst = a6("ff00::"),
		  .len = 8,
		  .type = RTN_MULTICAST,
		  .table = RT_TABLE_LOCAL,
		  .oif = ETH0 },
		/* IPv6 has no default-table rule: never asked. */
		UNI6(RT_TABLE_DEFAULT, "2001:db8:99::", 48, 0, ETH0,
		     "fe80::99"),
		/* IPv4 beside: its default must not catch IPv6, IPv6's
		 * ::/0 must not catch IPv4. */
		UNI(RT_TABLE_MAIN, 0, 0, 0, ETH1, BE(10, 1, 0, 1)),
	};
	struct xs_rtable t;
	char nh[XS_ADDR_STRLEN];
	uint32_t nh4;

	CHECK_EQ(xs_rtable_build(&t, golden,
				 sizeof(golden) / sizeof(golden[0])),
		 0);

	TEST_BEGIN("route6_onlink_and_default_via_link_local");
	CHECK_EQ(look6(&t, ETH0, "fd00:77::2", nh), 0);
	CHECK_NH6(nh, "fd00:77::2");
	CHECK_EQ(look6(&t, ETH0, "2001:4860::8888", nh), 0);
	CHECK_NH6(nh, "fe80::1");
	/* eth1's default has the worse metric, but is the one there. */
	CHECK_EQ(look6(&t, ETH1, "2001:4860::8888", nh), 0);
	CHECK_NH6(nh, "fe80::2");
	/* A link-local destination on each link. */
	CHECK_EQ(look6(&t, ETH1, "fe80::2", nh), 0);
	CHECK_NH6(nh, "fe80::2");
	TEST_END();

	TEST_BEGIN("route6_longest_prefix_and_metric");
	CHECK_EQ(look6(&t, ETH0, "fd00:78:0:1::1", nh), 0);
	CHECK_NH6(nh, "fe80::9");
	CHECK_EQ(look6(&t, ETH0, "fd00:78:0:5::1", nh), 0);
	CHECK_NH6(nh, "fd00:77::5");
	CHECK_EQ(look6(&t, ETH0, "fd00:78:0:5::77", nh), 0);
	CHECK_NH6(nh, "fd00:78:0:5::77");
	CHECK_EQ(look6(&t, ETH0, "fd00:80::abcd", nh), 0);
	CHECK_NH6(nh, "fe80::10");
	TEST_END();

	TEST_BEGIN("route6_reject_types");
	CHECK_EQ(look6(&t, ETH0, "2001:db8:81::1", nh), -ENETUNREACH);
	CHECK_EQ(look6(&t, ETH0, "2001:db8:83::1", nh), -ENETUNREACH);
	CHECK_EQ(look6(&t, ETH0, "2001:db8:84::1", nh), -ENETUNREACH);
	CHECK_EQ(look6(&t, ETH0, "2001:db8:85::1", nh), 0);
	CHECK_NH6(nh, "fe80::1");
	TEST_END();

	TEST_BEGIN("route6_constrained_local_special");
	CHECK_EQ(look6(&t, ETH1, "2001:db8:50::1", nh), 0);
	CHECK_NH6(nh, "fd00:79::9");
	CHECK_EQ(look6(&t, ETH0, "2001:db8:50::1", nh), 0);
	CHECK_NH6(nh, "fe80::1");
	/* eth0's /64 through eth1: eth1's default. */
	CHECK_EQ(look6(&t, ETH1, "fd00:77::2", nh), 0);
	CHECK_NH6(nh, "fe80::2");
	CHECK_EQ(look6(&t, ETH0, "fd00:77::1", nh), -EXDEV);
	CHECK_EQ(look6(&t, ETH0, "fd00:77::", nh), -EINVAL);
	CHECK_EQ(look6(&t, ETH0, "ff02::1", nh), -EINVAL);
	CHECK_EQ(look6(&t, ETH0, "::1", nh), -EINVAL);
	CHECK_EQ(look6(&t, ETH0, "::", nh), -EINVAL);
	/* Not the default table: the main default. */
	CHECK_EQ(look6(&t, ETH0, "2001:db8:99::1", nh), 0);
	CHECK_NH6(nh, "fe80::1");
	TEST_END();

	TEST_BEGIN("route_families_apart");
	CHECK_EQ(look(&t, ETH1, BE(8, 8, 8, 8), &nh4), 0);
	CHECK_EQ(nh4, BE(10, 1, 0, 1));
	/* No IPv4 route through eth0: ::/0 there is not one. */
	CHECK_EQ(look(&t, ETH0, BE(8, 8, 8, 8), &nh4), -EXDEV);
	xs_rtable_free(&t);
	/* IPv4 only: no IPv6 route at all. */
	{
		const struct xs_route v4[] = {
			UNI(RT_TABLE_MAIN, 0, 0, 0, ETH0, BE(10, 0, 0, 1)),
		};

		CHECK_EQ(xs_rtable_build(&t, v4, 1), 0);
		CHECK_EQ(look6(&t, ETH0, "2001:db8::1", nh), -ENETUNREACH);
		xs_rtable_free(&t);
	}
	TEST_END();
}

static int finalize_with(struct xs_targets *t, const char *spec, bool dflt)
{
	char err[256];

	xs_targets_init(t);
	if (xs_targets_add(t, spec, err, sizeof(err)))
		return -1;
	if (dflt && xs_special_apply(t))
		return -1;
	return xs_targets_finalize(t, err, sizeof(err));
}

static bool contains_addr(const struct xs_targets *t, const struct xs_addr *a)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (xs_addr_cmp(&t->r[i].lo, a) <= 0 &&
		    xs_addr_cmp(a, &t->r[i].hi) <= 0)
			return true;
	return false;
}

static bool contains(const struct xs_targets *t, uint32_t host)
{
	struct xs_addr a = d4(host);

	return contains_addr(t, &a);
}

static bool contains6(const struct xs_targets *t, const char *s)
{
	struct xs_addr a = a6(s);

	return contains_addr(t, &a);
}

static void test_default_exclude(void)
{
	struct xs_targets t;
	uint64_t special = 0;
	size_t i;

	TEST_BEGIN("special_exclude_global");
	CHECK_EQ(finalize_with(&t, "0.0.0.0/0", true), 0);
	CHECK(!contains(&t, IP(224, 0, 0, 1)), "multicast kept");
	CHECK(!contains(&t, IP(127, 0, 0, 1)), "loopback kept");
	CHECK(!contains(&t, IP(255, 255, 255, 255)), "broadcast kept");
	CHECK(!contains(&t, IP(0, 1, 2, 3)), "0/8 kept");
	CHECK(!contains(&t, IP(192, 0, 2, 1)), "TEST-NET-1 kept");
	CHECK(!contains(&t, IP(100, 64, 0, 1)), "shared space kept");
	CHECK(contains(&t, IP(10, 1, 2, 3)), "10/8 left out");
	CHECK(contains(&t, IP(172, 16, 0, 1)), "172.16/12 left out");
	CHECK(contains(&t, IP(192, 168, 1, 1)), "192.168/16 left out");
	CHECK(contains(&t, IP(8, 8, 8, 8)), "8.8.8.8 left out");
	CHECK(contains(&t, IP(223, 255, 255, 255)), "223.255.255.255 out");
	for (i = 0; i < xs_n_special_ranges; i++) {
		const char *slash = strchr(xs_special_ranges[i].cidr, '/');

		if (!strchr(xs_special_ranges[i].cidr, ':'))
			special += 1ULL << (32 - atoi(slash + 1));
	}
	/* 255.255.255.255 lies inside 240/4: counted once. */
	CHECK_EQ(t.count, (1ULL << 32) - (special - 1));
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("special_named_ranges_kept");
	/* Wholly special or private: scanned as named. */
	CHECK_EQ(finalize_with(&t, "192.0.2.0/24", true), 0);
	CHECK_EQ(t.count, 256);
	xs_targets_free(&t);
	CHECK_EQ(finalize_with(&t, "10.0.0.0/8", true), 0);
	CHECK_EQ(t.count, 1 << 24);
	xs_targets_free(&t);
	CHECK_EQ(finalize_with(&t, "198.18.0.0/15", true), 0);
	CHECK_EQ(t.count, 1 << 17);
	xs_targets_free(&t);
	/* Reaching into global space: the special part goes. */
	CHECK_EQ(finalize_with(&t, "192.0.2.0/23", true), 0);
	CHECK_EQ(t.count, 256);
	CHECK(contains(&t, IP(192, 0, 3, 1)) && !contains(&t, IP(192, 0, 2, 1)),
	      "wrong half kept");
	xs_targets_free(&t);
	CHECK_EQ(finalize_with(&t, "0.0.0.0/0", false), 0);
	CHECK_EQ(t.count, 1ULL << 32);
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("special6_exclude_global");
	/* A hit list reaching into special IPv6 space: only the global
	 * addresses stay. */
	CHECK_EQ(finalize_with(&t,
			       "2001:4860::8888, 2001:db8::1, ff02::1, ::1, "
			       "100::1, 2001:2::1, 5f00::1, 3fff::1, "
			       "2a00:1450::1-2a00:1450::2",
			       true),
		 0);
	/* Each item is a range of its own: wholly special ones are kept
	 * as named, as for IPv4. */
	CHECK(contains6(&t, "2001:db8::1"), "named documentation address");
	xs_targets_free(&t);
	/* One range crossing from global into 2001:db8::/32. */
	CHECK_EQ(finalize_with(
			 &t,
			 "2001:db7:ffff:ffff:ffff:ffff:ffff:fff0-2001:db8::f",
			 true),
		 0);
	CHECK_EQ(t.count, 16);
	CHECK(!contains6(&t, "2001:db8::1"), "documentation kept");
	CHECK(contains6(&t, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"),
	      "global lost");
	xs_targets_free(&t);
	/* Unique local space is private: scanned. */
	CHECK_EQ(finalize_with(&t, "fd00::/120", true), 0);
	CHECK_EQ(t.count, 256);
	xs_targets_free(&t);
	/* Multicast inside a global range goes. */
	CHECK_EQ(finalize_with(
			 &t, "feff:ffff:ffff:ffff:ffff:ffff:ffff:ff00-ff00::ff",
			 true),
		 0);
	CHECK_EQ(t.count, 256);
	CHECK(!contains6(&t, "ff00::1"), "multicast kept");
	xs_targets_free(&t);
	TEST_END();
}

int main(void)
{
	test_golden();
	test_golden6();
	test_no_default();
	test_many();
	test_default_exclude();
	return TEST_EXIT();
}
