/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * user/sys/nl.c against the kernel: two namespaces joined by veth pairs, built
 * with ip(8), and the interface, route and neighbour lookups checked inside
 * them.  Needs root.
 *
 * The tests run in a child process; the parent only creates the namespaces,
 * waits with a deadline and deletes the namespaces whatever happens to the
 * child (failure, crash, timeout, SIGINT/SIGTERM), so nothing is left.
 *
 *   ns A                                   ns B
 *   xa0 10.77.0.1/24 (4 RX queues) ------- xb0 10.77.0.2/24
 *   xa1 10.79.0.1/24 --------------------- xb1 10.79.0.2/24
 *   xd0 (up) ---- xd1 (down), both in A
 *   10.78.0.0/24 via 10.77.0.2
 *   10.80.0.0/24 via 10.79.0.2 dev xa1 metric 10, via 10.77.0.2 metric 20
 *   unreachable 10.81.0.0/16, throw 10.82/16, blackhole 10.83/16,
 *   prohibit 10.84/16, 10.78.0.77/32 on-link on xa0, 10.85/16 over two
 *   next hops (xa0 and xa1)
 *
 * and the same over IPv6 (addresses added with nodad, so that they are
 * usable at once and the first solicitation is answered):
 *   xa0 fd00:77::1/64 fe80::1/64 --------- xb0 fd00:77::2/64 fe80::2/64
 *   xa1 fd00:79::1/64 -------------------- xb1 fd00:79::2/64
 *   fd00:78::/64 via fe80::2 dev xa0 (a link-local router)
 *   fd00:80::/64 via fd00:79::2 dev xa1 metric 10, via fe80::2 metric 20
 *   unreachable fd00:81::/64, throw fd00:82::/64, blackhole fd00:83::/64,
 *   prohibit fd00:84::/64, fd00:78::77/128 on-link on xa0, fd00:85::/64
 *   over two next hops
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "nstest.h"
#include "netns.h"
#include "nexthop.h"
#include "nl.h"
#include "route.h"
#include "targets.h"

/* Whole run; the slowest case takes a few hundred milliseconds. */
static const uint8_t mac_xa0[6] = { 0x02, 0x78, 0x73, 0x00, 0x00, 0x01 };
static const uint8_t mac_xb0[6] = { 0x02, 0x78, 0x73, 0x00, 0x00, 0x02 };

static char ns_a[32], ns_b[32];

/* First line of a command's output, "" if none. */
static void sh_out(char *buf, size_t len, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	FILE *f;

	buf[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	pclose(f);
}

static void cleanup(void)
{
	char cmd[128];

	if (!nt_is_parent() || !ns_a[0])
		return;
	snprintf(cmd, sizeof(cmd),
		 "ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null",
		 ns_a, ns_b);
	if (system(cmd) == -1)
		perror("system");
}

static int setup(void)
{
	const char *a = ns_a, *b = ns_b;

	return sh("ip netns add %s", a) || sh("ip netns add %s", b) ||
	       sh("ip -n %s link set lo up", a) ||
	       sh("ip -n %s link set lo up", b) ||
	       sh("ip -n %s link add xa0 address 02:78:73:00:00:01 mtu 1400 "
		  "numrxqueues 4 type veth peer name xb0 "
		  "address 02:78:73:00:00:02 mtu 1400 numrxqueues 1 netns %s",
		  a, b) ||
	       sh("ip -n %s link add xa1 type veth peer name xb1 netns %s", a,
		  b) ||
	       sh("ip -n %s link add xd0 type veth peer name xd1", a) ||
	       sh("ip -n %s addr add 10.77.0.1/24 dev xa0", a) ||
	       sh("ip -n %s addr add 10.77.0.2/24 dev xb0", b) ||
	       sh("ip -n %s addr add 10.79.0.1/24 dev xa1", a) ||
	       sh("ip -n %s addr add 10.79.0.2/24 dev xb1", b) ||
	       sh("ip -n %s link set xa0 up", a) ||
	       sh("ip -n %s link set xa1 up", a) ||
	       sh("ip -n %s link set xd0 up", a) ||
	       sh("ip -n %s link set xb0 up", b) ||
	       sh("ip -n %s link set xb1 up", b) ||
	       sh("ip -n %s route add 10.78.0.0/24 via 10.77.0.2 dev xa0", a) ||
	       sh("ip -n %s route add 10.80.0.0/24 via 10.79.0.2 dev xa1 "
		  "metric 10",
		  a) ||
	       sh("ip -n %s route add 10.80.0.0/24 via 10.77.0.2 dev xa0 "
		  "metric 20",
		  a) ||
	       sh("ip -n %s route add unreachable 10.81.0.0/16", a) ||
	       sh("ip -n %s route add throw 10.82.0.0/16", a) ||
	       sh("ip -n %s route add blackhole 10.83.0.0/16", a) ||
	       sh("ip -n %s route add prohibit 10.84.0.0/16", a) ||
	       sh("ip -n %s route add 10.78.0.77/32 dev xa0", a) ||
	       sh("ip -n %s route add 10.85.0.0/16 nexthop via 10.77.0.2 "
		  "dev xa0 nexthop via 10.79.0.2 dev xa1",
		  a);
}

static int setup6(void)
{
	const char *a = ns_a, *b = ns_b;

	return sh("ip -n %s addr add fd00:77::1/64 dev xa0 nodad", a) ||
	       sh("ip -n %s addr add fe80::1/64 dev xa0 nodad", a) ||
	       sh("ip -n %s addr add fd00:79::1/64 dev xa1 nodad", a) ||
	       sh("ip -n %s addr add fd00:77::2/64 dev xb0 nodad", b) ||
	       sh("ip -n %s addr add fe80::2/64 dev xb0 nodad", b) ||
	       sh("ip -n %s addr add fd00:79::2/64 dev xb1 nodad", b) ||
	       sh("ip -n %s -6 route add fd00:78::/64 via fe80::2 dev xa0",
		  a) ||
	       sh("ip -n %s -6 route add fd00:80::/64 via fd00:79::2 dev xa1 "
		  "metric 10",
		  a) ||
	       sh("ip -n %s -6 route add fd00:80::/64 via fe80::2 dev xa0 "
		  "metric 20",
		  a) ||
	       sh("ip -n %s -6 route add unreachable fd00:81::/64", a) ||
	       sh("ip -n %s -6 route add throw fd00:82::/64", a) ||
	       sh("ip -n %s -6 route add blackhole fd00:83::/64", a) ||
	       sh("ip -n %s -6 route add prohibit fd00:84::/64", a) ||
	       sh("ip -n %s -6 route add fd00:78::77/128 dev xa0", a) ||
	       sh("ip -n %s -6 route add fd00:85::/64 nexthop via fe80::2 "
		  "dev xa0 nexthop via fd00:79::2 dev xa1",
		  a);
}

static int setup_all(void)
{
	return setup() || setup6();
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return 0;
	return a.s_addr;
}

/* Either family, for the calls that take an xs_addr (a ring of 8). */
static const struct xs_addr *ip(const char *s)
{
	static struct xs_addr ring[8];
	static int i;
	const char *why;

	i = (i + 1) % 8;
	memset(&ring[i], 0, sizeof(ring[i]));
	if (xs_addr_parse(s, &ring[i], &why))
		fprintf(stderr, "bad test address %s: %s\n", s, why);
	return &ring[i];
}

static const char *addr_str(const struct xs_addr *a)
{
	static char buf[4][XS_ADDR_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return xs_addr_fmt(a, buf[i]);
}

static const char *mac_str(const uint8_t m[6])
{
	static char buf[4][18];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%02x:%02x:%02x:%02x:%02x:%02x", m[0],
		 m[1], m[2], m[3], m[4], m[5]);
	return buf[i];
}

#define CHECK_MAC(got, want)                                        \
	CHECK(!memcmp((got), (want), 6), "%s is %s, want %s", #got, \
	      mac_str(got), mac_str(want))

#define CHECK_IP(got, want)                                  \
	CHECK((got) == ip4(want), "%s is %s, want %s", #got, \
	      inet_ntoa((struct in_addr){ .s_addr = (got) }), want)

#define CHECK_ADDR(got, want)                                          \
	CHECK(xs_addr_eq(&(got), ip(want)), "%s is %s, want %s", #got, \
	      addr_str(&(got)), want)

/* The peer's MAC, as its own namespace reports it. */
static uint8_t peer_mac[6];

static void test_iface(void)
{
	struct xs_iface it;
	int err;

	TEST_BEGIN("nl_iface_veth");
	err = xs_nl_iface("xa0", &it);
	CHECK_EQ(err, 0);
	CHECK_EQ(it.ifindex, if_nametoindex("xa0"));
	CHECK(!strcmp(it.name, "xa0"), "name %s", it.name);
	CHECK_MAC(it.mac, mac_xa0);
	CHECK_IP(it.ipv4, "10.77.0.1");
	CHECK_ADDR(it.ipv6, "fd00:77::1");
	/* fe80::1 (nodad) or the kernel's own from the MAC, once its DAD
	 * is done: link-local either way. */
	CHECK(it.ipv6_ll.b[0] == 0xfe && it.ipv6_ll.b[1] == 0x80,
	      "link-local %s", addr_str(&it.ipv6_ll));
	CHECK_EQ(it.mtu, 1400);
	CHECK_EQ(it.up, 1);
	CHECK_EQ(it.rx_queues, 4);
	TEST_END();

	TEST_BEGIN("nl_iface_peer_in_other_netns");
	CHECK_EQ(xs_netns_enter(ns_b), 0);
	err = xs_nl_iface("xb0", &it);
	CHECK_EQ(err, 0);
	CHECK_MAC(it.mac, mac_xb0);
	CHECK_IP(it.ipv4, "10.77.0.2");
	CHECK_EQ(it.rx_queues, 1);
	memcpy(peer_mac, it.mac, 6);
	/* xa0 exists only in A. */
	CHECK_EQ(xs_nl_iface("xa0", &it), -ENODEV);
	CHECK_EQ(xs_netns_enter(ns_a), 0);
	TEST_END();

	TEST_BEGIN("nl_iface_no_carrier_no_address");
	err = xs_nl_iface("xd0", &it);
	CHECK_EQ(err, 0);
	CHECK_EQ(it.up, 0);
	CHECK_EQ(it.ipv4, 0);
	CHECK(xs_addr_is_zero(&it.ipv6), "ipv6 %s", addr_str(&it.ipv6));
	CHECK(it.ifindex > 0, "ifindex %d", it.ifindex);
	TEST_END();

	TEST_BEGIN("nl_iface_loopback");
	err = xs_nl_iface("lo", &it);
	CHECK_EQ(err, 0);
	CHECK_EQ(it.ifindex, 1);
	CHECK_IP(it.ipv4, "127.0.0.1");
	CHECK_MAC(it.mac, ((uint8_t[6]){ 0 }));
	CHECK_EQ(it.up, 1);
	TEST_END();

	TEST_BEGIN("nl_iface_missing");
	CHECK_EQ(xs_nl_iface("xsnope0", &it), -ENODEV);
	CHECK_EQ(xs_nl_iface("", &it), -ENODEV);
	CHECK_EQ(xs_nl_iface("averyveryverylongname", &it), -ENODEV);
	CHECK_EQ(it.ifindex, 0);
	CHECK_EQ(xs_nl_iface(NULL, &it), -EINVAL);
	TEST_END();
}

static void test_route(void)
{
	int xa0 = if_nametoindex("xa0"), xa1 = if_nametoindex("xa1");
	struct xs_addr nh, src;

	TEST_BEGIN("nl_route_onlink");
	nh = src = (struct xs_addr){ 0 };
	CHECK_EQ(xs_nl_route(xa0, ip("10.77.0.2"), &nh, &src), 0);
	CHECK_ADDR(nh, "10.77.0.2");
	CHECK_ADDR(src, "10.77.0.1");
	TEST_END();

	TEST_BEGIN("nl_route_gateway");
	nh = src = (struct xs_addr){ 0 };
	CHECK_EQ(xs_nl_route(xa0, ip("10.78.0.9"), &nh, &src), 0);
	CHECK_ADDR(nh, "10.77.0.2");
	CHECK_ADDR(src, "10.77.0.1");
	/* prefsrc is optional. */
	CHECK_EQ(xs_nl_route(xa0, ip("10.78.0.9"), &nh, NULL), 0);
	TEST_END();

	/*
	 * The best route to 10.80/24 leaves through xa1; asking for xa0 must
	 * find the worse one through xa0, not refuse.
	 */
	TEST_BEGIN("nl_route_constrained_to_iface");
	nh = src = (struct xs_addr){ 0 };
	CHECK_EQ(xs_nl_route(xa0, ip("10.80.0.1"), &nh, &src), 0);
	CHECK_ADDR(nh, "10.77.0.2");
	CHECK_ADDR(src, "10.77.0.1");
	CHECK_EQ(xs_nl_route(xa1, ip("10.80.0.1"), &nh, &src), 0);
	CHECK_ADDR(nh, "10.79.0.2");
	CHECK_ADDR(src, "10.79.0.1");
	TEST_END();

	TEST_BEGIN("nl_route_no_route");
	CHECK_EQ(xs_nl_route(xa0, ip("192.0.2.1"), &nh, &src), -ENETUNREACH);
	CHECK_EQ(xs_nl_route(xa0, ip("10.81.1.1"), &nh, &src), -ENETUNREACH);
	TEST_END();

	TEST_BEGIN("nl_route_other_iface");
	CHECK_EQ(xs_nl_route(xa0, ip("10.79.0.2"), &nh, &src), -EXDEV);
	CHECK_EQ(xs_nl_route(xa1, ip("10.78.0.9"), &nh, &src), -EXDEV);
	/* Our own address: the route leaves through lo. */
	CHECK_EQ(xs_nl_route(xa0, ip("10.77.0.1"), &nh, &src), -EXDEV);
	TEST_END();

	TEST_BEGIN("nl_route_bad_args");
	CHECK_EQ(xs_nl_route(0, ip("10.77.0.2"), &nh, &src), -EINVAL);
	CHECK_EQ(xs_nl_route(xa0, ip("0.0.0.0"), &nh, &src), -EINVAL);
	CHECK_EQ(xs_nl_route(xa0, ip("10.77.0.2"), NULL, &src), -EINVAL);
	TEST_END();
}

static void test_route6(void)
{
	int xa0 = if_nametoindex("xa0"), xa1 = if_nametoindex("xa1");
	struct xs_addr nh, src;

	TEST_BEGIN("nl_route6_onlink");
	nh = src = (struct xs_addr){ 0 };
	CHECK_EQ(xs_nl_route(xa0, ip("fd00:77::2"), &nh, &src), 0);
	CHECK_ADDR(nh, "fd00:77::2");
	/* A link-local destination is on-link on its interface. */
	CHECK_EQ(xs_nl_route(xa0, ip("fe80::2"), &nh, &src), 0);
	CHECK_ADDR(nh, "fe80::2");
	TEST_END();

	TEST_BEGIN("nl_route6_link_local_gateway");
	nh = (struct xs_addr){ 0 };
	CHECK_EQ(xs_nl_route(xa0, ip("fd00:78::9"), &nh, NULL), 0);
	CHECK_ADDR(nh, "fe80::2");
	CHECK_EQ(xs_nl_route(xa0, ip("fd00:78::77"), &nh, NULL), 0);
	CHECK_ADDR(nh, "fd00:78::77");
	TEST_END();

	TEST_BEGIN("nl_route6_constrained_to_iface");
	CHECK_EQ(xs_nl_route(xa0, ip("fd00:80::1"), &nh, NULL), 0);
	CHECK_ADDR(nh, "fe80::2");
	CHECK_EQ(xs_nl_route(xa1, ip("fd00:80::1"), &nh, NULL), 0);
	CHECK_ADDR(nh, "fd00:79::2");
	TEST_END();

	TEST_BEGIN("nl_route6_no_route_reject_other_iface");
	CHECK_EQ(xs_nl_route(xa0, ip("2001:db8::1"), &nh, NULL), -ENETUNREACH);
	CHECK_EQ(xs_nl_route(xa0, ip("fd00:81::1"), &nh, NULL), -ENETUNREACH);
	CHECK_EQ(xs_nl_route(xa0, ip("fd00:83::1"), &nh, NULL), -ENETUNREACH);
	CHECK_EQ(xs_nl_route(xa0, ip("fd00:84::1"), &nh, NULL), -ENETUNREACH);
	CHECK_EQ(xs_nl_route(xa0, ip("fd00:79::2"), &nh, NULL), -EXDEV);
	CHECK_EQ(xs_nl_route(xa1, ip("fd00:78::9"), &nh, NULL), -EXDEV);
	CHECK_EQ(xs_nl_route(xa0, ip("fd00:77::1"), &nh, NULL), -EXDEV);
	CHECK_EQ(xs_nl_route(xa0, ip("ff02::1"), &nh, NULL), -EINVAL);
	CHECK_EQ(xs_nl_route(xa0, ip("::1"), &nh, NULL), -EINVAL);
	CHECK_EQ(xs_nl_route(xa0, ip("::"), &nh, NULL), -EINVAL);
	TEST_END();
}

/*
 * The userspace table from one dump against the kernel's own answer
 * (RTM_GETROUTE per address), through both interfaces, for addresses
 * that hit every kind of route set up above.
 */
static void test_route_dump(void)
{
	/* exact: the same errno too.  Otherwise both must fail: the
	 * kernel answers a blackhole with EINVAL (fib_props), the table
	 * with ENETUNREACH; special addresses fail in one place or another
	 * (ip_route_output_key_hash_rcu, __mkroute_output). */
	static const struct {
		const char *ip;
		bool exact;
	} addrs[] = {
		{ "10.77.0.2", true },
		{ "10.77.0.1", true },
		{ "10.77.0.255", true },
		{ "10.78.0.9", true },
		{ "10.78.0.77", true },
		{ "10.79.0.2", true },
		{ "10.80.0.1", true },
		{ "10.81.1.1", true },
		{ "10.82.0.1", true },
		{ "10.83.0.1", false },
		{ "10.84.0.1", true },
		{ "10.85.3.4", true },
		{ "10.85.0.1", true },
		{ "192.0.2.1", true },
		{ "10.79.0.1", true },
		{ "8.8.8.8", true },
		{ "10.77.0.200", true },
		{ "224.0.0.1", false },
		{ "127.0.0.1", false },
		{ "255.255.255.255", false },
		/* IPv6, from the same dump. */
		{ "fd00:77::2", true },
		{ "fd00:77::1", true },
		{ "fd00:78::9", true },
		{ "fd00:78::77", true },
		{ "fd00:79::2", true },
		{ "fd00:80::1", true },
		{ "fd00:81::1", true },
		{ "fd00:82::1", true },
		{ "fd00:83::1", false },
		{ "fd00:84::1", true },
		{ "fd00:85::1", true },
		{ "fe80::2", true },
		{ "2001:db8::1", true },
		{ "ff02::1", false },
		{ "::1", false },
		{ "fd00:77::", false },
	};
	int ifs[2] = { if_nametoindex("xa0"), if_nametoindex("xa1") };
	struct xs_route *r = NULL;
	struct xs_nexthop x;
	struct xs_rtable t;
	struct xs_addr nh, src;
	unsigned long before;
	size_t n = 0, i, k;
	int want, got;

	TEST_BEGIN("nl_route_dump_matches_kernel");
	before = xs_nl_route_requests();
	CHECK_EQ(xs_nl_route_dump(&r, &n), 0);
	/* One dump per family. */
	CHECK_EQ(xs_nl_route_requests() - before, 2);
	CHECK(n >= 10, "%zu routes", n);
	CHECK_EQ(xs_rtable_build(&t, r, n), 0);
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		for (k = 0; k < 2; k++) {
			nh = (struct xs_addr){ 0 };
			memset(&x, 0, sizeof(x));
			want = xs_nl_route(ifs[k], ip(addrs[i].ip), &nh, &src);
			got = xs_rtable_lookup(&t, ifs[k], ip(addrs[i].ip), &x);
			CHECK((addrs[i].exact ? want == got : !want == !got) &&
				      (want || xs_addr_eq(&nh, &x.nexthop)),
			      "%s via ifindex %d: kernel %d %s, table %d %s",
			      addrs[i].ip, ifs[k], want, addr_str(&nh), got,
			      addr_str(&x.nexthop));
		}
	}
	xs_rtable_free(&t);
	free(r);
	CHECK_EQ(xs_nl_rules_extra(), 0);
	TEST_END();
}

static int write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = fputs(val, f) < 0 ? -EIO : 0;
	if (fclose(f))
		err = -errno;
	return err;
}

static void test_neigh(void)
{
	static const uint8_t mac_perm[6] = { 0x02, 0, 0, 0, 0, 0x50 };
	int xa0 = if_nametoindex("xa0");
	uint8_t mac[6];
	char line[256];
	long long t0, dt;
	int err;

	TEST_BEGIN("nl_neigh_resolve_arp");
	/* Start from nothing: the kernel has to send the ARP request. */
	CHECK_EQ(sh("ip -n %s neigh flush dev xa0", ns_a), 0);
	sh_out(line, sizeof(line), "ip -n %s neigh show 10.77.0.2 dev xa0",
	       ns_a);
	CHECK(line[0] == '\0', "neighbour table not empty: %s", line);
	memset(mac, 0xee, sizeof(mac));
	/*
	 * Bounds in these cases tell the answer from the deadline (half the
	 * timeout, or the kernel's 3 s of probes), never the machine's speed:
	 * a veth answers in well under a millisecond when idle.
	 */
	t0 = now_ms();
	err = xs_nl_neigh_resolve(xa0, ip("10.77.0.2"), mac, 5000);
	dt = now_ms() - t0;
	CHECK_EQ(err, 0);
	CHECK_MAC(mac, peer_mac);
	CHECK_MAC(mac, mac_xb0);
	CHECK(dt < 2500, "took %lld ms: waited for the deadline", dt);
	sh_out(line, sizeof(line), "ip -n %s neigh show 10.77.0.2 dev xa0",
	       ns_a);
	CHECK(strstr(line, "REACHABLE"), "kernel entry: %s", line);
	TEST_END();

	TEST_BEGIN("nl_neigh_cached");
	memset(mac, 0xee, sizeof(mac));
	t0 = now_ms();
	CHECK_EQ(xs_nl_neigh_resolve(xa0, ip("10.77.0.2"), mac, 0), 0);
	CHECK_MAC(mac, mac_xb0);
	/* One netlink round trip; 1 s is a retransmission timer's wait. */
	CHECK(now_ms() - t0 < 1000, "took %lld ms", now_ms() - t0);
	TEST_END();

	TEST_BEGIN("nl_neigh_permanent");
	CHECK_EQ(sh("ip -n %s neigh add 10.77.0.50 lladdr %s dev xa0 "
		    "nud permanent",
		    ns_a, mac_str(mac_perm)),
		 0);
	memset(mac, 0xee, sizeof(mac));
	CHECK_EQ(xs_nl_neigh_resolve(xa0, ip("10.77.0.50"), mac, 0), 0);
	CHECK_MAC(mac, mac_perm);
	TEST_END();

	TEST_BEGIN("nl_neigh_stale_reconfirmed");
	CHECK_EQ(sh("ip -n %s neigh change 10.77.0.2 dev xa0 nud stale", ns_a),
		 0);
	memset(mac, 0xee, sizeof(mac));
	CHECK_EQ(xs_nl_neigh_resolve(xa0, ip("10.77.0.2"), mac, 0), 0);
	CHECK_MAC(mac, mac_xb0);
	/* "Used" like the stack would: no longer STALE, being confirmed. */
	sh_out(line, sizeof(line), "ip -n %s neigh show 10.77.0.2 dev xa0",
	       ns_a);
	CHECK(!strstr(line, "STALE") && line[0], "kernel entry: %s", line);
	TEST_END();

	TEST_BEGIN("nl_neigh_noarp_device");
	CHECK_EQ(sh("ip -n %s link set xd0 arp off", ns_a), 0);
	memset(mac, 0xee, sizeof(mac));
	CHECK_EQ(xs_nl_neigh_resolve(if_nametoindex("xd0"), ip("10.82.0.1"),
				     mac, 100),
		 0);
	CHECK_MAC(mac, ((uint8_t[6]){ 0 }));
	TEST_END();

	TEST_BEGIN("nl_neigh_loopback");
	memset(mac, 0xee, sizeof(mac));
	CHECK_EQ(xs_nl_neigh_resolve(1, ip("127.0.0.1"), mac, 100), 0);
	CHECK_MAC(mac, ((uint8_t[6]){ 0 }));
	TEST_END();

	TEST_BEGIN("nl_neigh_nobody_timeout");
	t0 = now_ms();
	err = xs_nl_neigh_resolve(xa0, ip("10.77.0.99"), mac, 300);
	dt = now_ms() - t0;
	CHECK_EQ(err, -EHOSTUNREACH);
	/* Our 300 ms, not the kernel's FAILED after 3 probes 1 s apart. */
	CHECK(dt >= 290 && dt < 2500, "took %lld ms, timeout 300", dt);
	TEST_END();

	/*
	 * One probe, 100 ms apart: the kernel gives up (FAILED) long before
	 * our timeout, and we must notice instead of waiting it out.
	 */
	TEST_BEGIN("nl_neigh_nobody_failed");
	CHECK_EQ(write_file("/proc/sys/net/ipv4/neigh/xa1/mcast_solicit", "1"),
		 0);
	CHECK_EQ(write_file("/proc/sys/net/ipv4/neigh/xa1/retrans_time_ms",
			    "100"),
		 0);
	t0 = now_ms();
	err = xs_nl_neigh_resolve(if_nametoindex("xa1"), ip("10.79.0.99"), mac,
				  5000);
	dt = now_ms() - t0;
	CHECK_EQ(err, -EHOSTUNREACH);
	CHECK(dt < 2500, "took %lld ms: FAILED state not seen", dt);
	sh_out(line, sizeof(line), "ip -n %s neigh show 10.79.0.99 dev xa1",
	       ns_a);
	CHECK(strstr(line, "FAILED"), "kernel entry: %s", line);
	/* A FAILED entry is probed again, not taken as the answer. */
	memset(mac, 0xee, sizeof(mac));
	CHECK_EQ(xs_nl_neigh_resolve(if_nametoindex("xa1"), ip("10.79.0.2"),
				     mac, 1000),
		 0);
	TEST_END();

	TEST_BEGIN("nl_neigh_bad_args");
	CHECK_EQ(xs_nl_neigh_resolve(0, ip("10.77.0.2"), mac, 10), -EINVAL);
	CHECK_EQ(xs_nl_neigh_resolve(xa0, ip("0.0.0.0"), mac, 10), -EINVAL);
	CHECK_EQ(xs_nl_neigh_resolve(xa0, ip("10.77.0.2"), NULL, 10), -EINVAL);
	CHECK_EQ(xs_nl_neigh_resolve(99999, ip("10.77.0.2"), mac, 10), -ENODEV);
	TEST_END();
}

/*
 * IPv6 neighbours: the kernel sends the neighbour solicitation (to the
 * solicited-node address) when we "use" the entry, exactly as ARP.
 */
static void test_neigh6(void)
{
	int xa0 = if_nametoindex("xa0");
	uint8_t mac[6];
	char line[256];
	long long t0, dt;
	int err;

	TEST_BEGIN("nl_neigh6_resolve_ndp");
	CHECK_EQ(sh("ip -n %s -6 neigh flush dev xa0", ns_a), 0);
	sh_out(line, sizeof(line), "ip -n %s -6 neigh show fd00:77::2 dev xa0",
	       ns_a);
	CHECK(line[0] == '\0', "neighbour table not empty: %s", line);
	memset(mac, 0xee, sizeof(mac));
	t0 = now_ms();
	err = xs_nl_neigh_resolve(xa0, ip("fd00:77::2"), mac, 5000);
	dt = now_ms() - t0;
	CHECK_EQ(err, 0);
	CHECK_MAC(mac, mac_xb0);
	CHECK(dt < 2500, "took %lld ms: waited for the deadline", dt);
	sh_out(line, sizeof(line), "ip -n %s -6 neigh show fd00:77::2 dev xa0",
	       ns_a);
	CHECK(strstr(line, "REACHABLE"), "kernel entry: %s", line);
	TEST_END();

	TEST_BEGIN("nl_neigh6_link_local_router");
	sh_out(line, sizeof(line), "ip -n %s -6 neigh show fe80::2 dev xa0",
	       ns_a);
	CHECK(line[0] == '\0', "router already known: %s", line);
	memset(mac, 0xee, sizeof(mac));
	CHECK_EQ(xs_nl_neigh_resolve(xa0, ip("fe80::2"), mac, 5000), 0);
	CHECK_MAC(mac, mac_xb0);
	TEST_END();

	TEST_BEGIN("nl_neigh6_nobody_timeout");
	t0 = now_ms();
	err = xs_nl_neigh_resolve(xa0, ip("fd00:77::99"), mac, 300);
	dt = now_ms() - t0;
	CHECK_EQ(err, -EHOSTUNREACH);
	CHECK(dt >= 290 && dt < 2500, "took %lld ms, timeout 300", dt);
	TEST_END();
}

/* One sweep over addresses of both families at once: ARP and NDP. */
static void test_sweep(void)
{
	static const char *const addrs[] = { "10.77.0.2", "fd00:77::2",
					     "fd00:77::98", "10.77.0.98" };
	struct xs_addr a[4];
	uint8_t mac[4][6];
	size_t refused;
	bool ok[4];
	int i;

	TEST_BEGIN("nl_neigh_sweep_both_families");
	CHECK_EQ(sh("ip -n %s neigh flush dev xa0", ns_a), 0);
	CHECK_EQ(sh("ip -n %s -6 neigh flush dev xa0", ns_a), 0);
	for (i = 0; i < 4; i++)
		a[i] = *ip(addrs[i]);
	CHECK_EQ(xs_nl_neigh_sweep(if_nametoindex("xa0"), a, 4, mac, ok, 300,
				   NULL, &refused),
		 2);
	CHECK_EQ(refused, 0);
	CHECK(ok[0] && ok[1] && !ok[2] && !ok[3], "ok %d %d %d %d", ok[0],
	      ok[1], ok[2], ok[3]);
	CHECK_MAC(mac[0], mac_xb0);
	CHECK_MAC(mac[1], mac_xb0);
	TEST_END();
}

/*
 * A host that failed to answer a moment ago (its entry FAILED: one ARP
 * request 100 ms apart, as set here) and answers now: the sweep asks again
 * instead of taking the old FAILED entry as its answer.
 */
static void test_sweep_failed_before(void)
{
	const char *nud = "net.ipv4.neigh.xa0";
	struct xs_addr a = *ip("10.77.0.61");
	char line[256] = "";
	uint8_t mac[6];
	size_t refused;
	bool ok;
	int i;

	TEST_BEGIN("nl_neigh_sweep_failed_before_asked_again");
	CHECK_EQ(
		sh("ip netns exec %s sysctl -qw %s.mcast_solicit=1 %s.retrans_time_ms=100",
		   ns_a, nud, nud),
		0);
	CHECK_EQ(xs_nl_neigh_sweep(if_nametoindex("xa0"), &a, 1, &mac, &ok, 300,
				   NULL, &refused),
		 0);
	for (i = 0; i < 50 && !strstr(line, "FAILED"); i++) {
		usleep(20000);
		sh_out(line, sizeof(line),
		       "ip -n %s neigh show 10.77.0.61 dev xa0", ns_a);
	}
	CHECK(strstr(line, "FAILED"), "entry after no answer: %s", line);
	CHECK_EQ(sh("ip -n %s addr add 10.77.0.61/24 dev xb0", ns_b), 0);
	CHECK_EQ(xs_nl_neigh_sweep(if_nametoindex("xa0"), &a, 1, &mac, &ok,
				   2000, NULL, &refused),
		 1);
	CHECK(ok, "10.77.0.61 answers now, not resolved");
	CHECK_MAC(mac, mac_xb0);
	CHECK_EQ(refused, 0);
	sh("ip -n %s addr del 10.77.0.61/24 dev xb0", ns_b);
	sh("ip netns exec %s sysctl -qw %s.mcast_solicit=3 %s.retrans_time_ms=1000",
	   ns_a, nud, nud);
	TEST_END();
}

/*
 * A scan's next hops over IPv6: the on-link targets swept by NDP, the
 * routed ones through the link-local router's MAC, no route refused.
 */
static void test_nexthops6(void)
{
	struct xs_nexthops *nh = NULL;
	struct xs_targets t;
	char e[256];
	uint8_t mac[6];
	int err;

	TEST_BEGIN("nexthops6_onlink_and_routed");
	CHECK_EQ(sh("ip -n %s -6 neigh flush dev xa0", ns_a), 0);
	xs_targets_init(&t);
	CHECK_EQ(xs_targets_add(&t,
				"fd00:77::2,fd00:77::90,fd00:78::9,"
				"10.77.0.2,2001:db8::1",
				e, sizeof(e)),
		 0);
	CHECK_EQ(xs_targets_finalize(&t, e, sizeof(e)), 0);
	err = xs_nexthops_open(&nh, if_nametoindex("xa0"), &t, NULL, true);
	CHECK_EQ(err, 0);
	if (!err) {
		memset(mac, 0xee, sizeof(mac));
		CHECK_EQ(xs_nexthops_mac(nh, ip("fd00:77::2"), mac), 0);
		CHECK_MAC(mac, mac_xb0);
		memset(mac, 0xee, sizeof(mac));
		CHECK_EQ(xs_nexthops_mac(nh, ip("fd00:78::9"), mac), 0);
		CHECK_MAC(mac, mac_xb0);
		memset(mac, 0xee, sizeof(mac));
		CHECK_EQ(xs_nexthops_mac(nh, ip("10.77.0.2"), mac), 0);
		CHECK_MAC(mac, mac_xb0);
		CHECK_EQ(xs_nexthops_mac(nh, ip("fd00:77::90"), mac),
			 -EHOSTUNREACH);
		CHECK_EQ(xs_nexthops_mac(nh, ip("2001:db8::1"), mac),
			 -ENETUNREACH);
		xs_nexthops_close(nh);
	}
	xs_targets_free(&t);
	TEST_END();
}

/* IPv6 route and rule changes are announced, and IPv6 policy rules
 * besides the default ones counted, as IPv4's are. */
static void test_watch_rules6(void)
{
	const struct timespec pause = { .tv_nsec = 10 * 1000 * 1000 };
	struct xs_nl_watch *w = NULL;
	bool changed = false;
	int i;

	TEST_BEGIN("nl_watch_ipv6_route_change");
	CHECK_EQ(xs_nl_watch_open(&w), 0);
	CHECK(!xs_nl_watch_changed(w), "a change before any");
	CHECK_EQ(sh("ip -n %s -6 route add fd00:86::/64 via fe80::2 dev xa0",
		    ns_a),
		 0);
	/* Bounded: the notification is queued before ip(8) returns. */
	for (i = 0; i < 100 && !changed; i++) {
		changed = xs_nl_watch_changed(w);
		if (!changed)
			nanosleep(&pause, NULL);
	}
	CHECK(changed, "no notification of an IPv6 route");
	CHECK_EQ(sh("ip -n %s -6 route del fd00:86::/64", ns_a), 0);
	xs_nl_watch_close(w);
	TEST_END();

	TEST_BEGIN("nl_rules_extra_ipv6");
	CHECK_EQ(xs_nl_rules_extra(), 0);
	CHECK_EQ(sh("ip -n %s -6 rule add from fd00:77::/64 table 100 pref 100",
		    ns_a),
		 0);
	CHECK_EQ(xs_nl_rules_extra(), 1);
	CHECK_EQ(sh("ip -n %s -6 rule del pref 100", ns_a), 0);
	CHECK_EQ(xs_nl_rules_extra(), 0);
	TEST_END();
}

/*
 * The interface set down under a scan: the kernel flushes its routes, and
 * once the table is dumped again a target has no route.  That is the
 * interface's fault, said as -ENETDOWN, not the target's (-ENETUNREACH:
 * the scan skipped the rest as unroutable, silently).  Last: the link's
 * IPv6 addresses go with it.
 */
static void test_nexthops_link_down(void)
{
	const struct timespec pause = { .tv_nsec = 10 * 1000 * 1000 };
	struct xs_nexthops *nh = NULL;
	struct xs_targets t;
	char e[256];
	uint8_t mac[6];
	int i, err, got = 0;

	TEST_BEGIN("nexthops_link_down_is_the_fault");
	xs_targets_init(&t);
	CHECK_EQ(xs_targets_add(&t, "10.77.0.2", e, sizeof(e)), 0);
	CHECK_EQ(xs_targets_finalize(&t, e, sizeof(e)), 0);
	err = xs_nexthops_open(&nh, if_nametoindex("xa0"), &t, NULL, true);
	CHECK_EQ(err, 0);
	if (!err) {
		CHECK_EQ(xs_nexthops_mac(nh, ip("10.77.0.2"), mac), 0);
		CHECK_EQ(sh("ip -n %s link set dev xa0 down", ns_a), 0);
		/* Bounded: the table is looked at again every 64 lookups
		 * and 100 ms; 500 rounds of 10 ms. */
		for (i = 0; i < 500 && !got; i++) {
			got = xs_nexthops_mac(nh, ip("10.77.0.2"), mac);
			if (!got)
				nanosleep(&pause, NULL);
		}
		CHECK(got == -ENETDOWN, "%d (%s), want -ENETDOWN", got,
		      strerror(-got));
		xs_nexthops_close(nh);
	}
	CHECK_EQ(sh("ip -n %s link set dev xa0 up", ns_a), 0);
	xs_targets_free(&t);
	TEST_END();
}

static int run_tests(void)
{
	TEST_BEGIN("nl_enter_test_netns");
	CHECK_EQ(xs_netns_enter(ns_a), 0);
	TEST_END();
	if (tl_failed_total)
		return TEST_EXIT();

	test_iface();
	test_route();
	test_route6();
	test_route_dump();
	test_neigh();
	test_neigh6();
	test_sweep();
	test_sweep_failed_before();
	test_nexthops6();
	test_watch_rules6();
	test_nexthops_link_down();
	return TEST_EXIT();
}

int main(void)
{
	snprintf(ns_a, sizeof(ns_a), "xsnlA%d", (int)getpid());
	snprintf(ns_b, sizeof(ns_b), "xsnlB%d", (int)getpid());
	return nt_main("nl", setup_all, run_tests, cleanup);
}
