/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/addr.c: both families in one value, parsed and
 * printed (RFC 5952 text, the bracketed endpoint form), ordered.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "testlib.h"
#include "addr.h"

static void check_roundtrip(const char *in, const char *want, int family)
{
	struct xs_addr a;
	const char *why = NULL;
	char buf[XS_ADDR_STRLEN];

	CHECK(!xs_addr_parse(in, &a, &why), "'%s' refused: %s", in,
	      why ? why : "?");
	CHECK(xs_addr_family(&a) == family, "'%s' family %d", in,
	      xs_addr_family(&a));
	CHECK(!strcmp(xs_addr_fmt(&a, buf), want),
	      "'%s' printed '%s', want '%s'", in, buf, want);
}

static void test_parse_fmt(void)
{
	TEST_BEGIN("addr_parse_fmt");
	check_roundtrip("10.0.0.1", "10.0.0.1", AF_INET);
	check_roundtrip("0.0.0.0", "0.0.0.0", AF_INET);
	check_roundtrip("255.255.255.255", "255.255.255.255", AF_INET);
	/* Every width of a byte in every place (printed by hand). */
	check_roundtrip("1.20.199.9", "1.20.199.9", AF_INET);
	check_roundtrip("100.99.10.0", "100.99.10.0", AF_INET);
	/* RFC 5952: lower case, longest zero run compressed, the first of
	 * equal runs, no single-field compression, no leading zeros. */
	check_roundtrip("2001:DB8:0:0:0:0:0:1", "2001:db8::1", AF_INET6);
	check_roundtrip("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", AF_INET6);
	check_roundtrip("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1",
			AF_INET6);
	check_roundtrip("fd00:0000::0002", "fd00::2", AF_INET6);
	check_roundtrip("::1", "::1", AF_INET6);
	check_roundtrip("::", "::", AF_INET6);
	check_roundtrip("fe80::1", "fe80::1", AF_INET6);
	TEST_END();
}

static void check_refused(const char *in, const char *want_why)
{
	struct xs_addr a;
	const char *why = NULL;

	CHECK(xs_addr_parse(in, &a, &why) == -EINVAL, "'%s' accepted", in);
	CHECK(why && !strcmp(why, want_why), "'%s': why '%s', want '%s'", in,
	      why ? why : "(null)", want_why);
}

static void test_refused(void)
{
	TEST_BEGIN("addr_refused");
	check_refused("", "not an IP address");
	check_refused("10.0.0", "not an IP address");
	check_refused("10.0.0.256", "not an IP address");
	check_refused("[::1]", "not an IP address");
	check_refused("fe80::1%eth0", "not an IP address");
	check_refused("2001:db8::/64", "not an IP address");
	check_refused("1:2:3:4:5:6:7:8:9", "not an IP address");
	check_refused("::ffff:10.0.0.1",
		      "IPv4-mapped IPv6 address: write it as IPv4");
	TEST_END();
}

static void test_v4_mapping(void)
{
	struct xs_addr a = xs_addr_v4(htonl(0x0a000001)), b;
	const char *why;
	char buf[XS_ADDR_STRLEN + 8];

	TEST_BEGIN("addr_v4_mapping");
	CHECK(xs_addr_is_v4(&a), "v4 not v4");
	CHECK_EQ(ntohl(xs_addr_get_v4(&a)), 0x0a000001);
	CHECK_EQ(a.b[10], 0xff);
	CHECK_EQ(a.b[11], 0xff);
	CHECK(!xs_addr_parse("10.0.0.1", &b, &why) && xs_addr_eq(&a, &b),
	      "parsed v4 differs from xs_addr_v4()");
	CHECK(!xs_addr_is_zero(&a), "10.0.0.1 is zero");
	CHECK(!strcmp(xs_addr_fmt_port(&a, 80, buf), "10.0.0.1:80"), "'%s'",
	      buf);
	CHECK(!xs_addr_parse("2001:db8::2", &b, &why), "v6 refused");
	CHECK(!xs_addr_is_v4(&b), "v6 is v4");
	CHECK(!strcmp(xs_addr_fmt_port(&b, 443, buf), "[2001:db8::2]:443"),
	      "'%s'", buf);
	TEST_END();
}

static void test_order(void)
{
	struct xs_addr v4a = xs_addr_v4(htonl(0x0a000001));
	struct xs_addr v4b = xs_addr_v4(htonl(0x0a000002));
	struct xs_addr v6a, v6b;
	const char *why;

	TEST_BEGIN("addr_order");
	xs_addr_parse("::2", &v6a, &why); /* sorts below ::ffff:0:0/96 */
	xs_addr_parse("fd00::1", &v6b, &why);
	CHECK(xs_addr_cmp(&v4a, &v4b) < 0, "10.0.0.1 !< 10.0.0.2");
	CHECK(xs_addr_cmp(&v6a, &v4a) < 0, "memcmp order: ::2 !< v4");
	CHECK(xs_addr_cmp_family(&v4b, &v6a) < 0, "v4 not first");
	CHECK(xs_addr_cmp_family(&v6a, &v6b) < 0, "::2 !< fd00::1");
	CHECK(xs_addr_cmp_family(&v4a, &v4a) == 0, "not equal to itself");
	TEST_END();
}

/* xs_prefix_parse: golden networks and lengths (16-byte form), host bits
 * cleared, membership at the edges, the refusals. */
static void check_prefix(const char *in, const char *net, unsigned int plen)
{
	char buf[XS_ADDR_STRLEN];
	const char *why = NULL;
	unsigned int got = 0;
	struct xs_addr a;

	CHECK(!xs_prefix_parse(in, &a, &got, &why), "'%s' refused: %s", in,
	      why ? why : "?");
	CHECK(!strcmp(xs_addr_fmt(&a, buf), net) && got == plen,
	      "'%s': %s/%u, want %s/%u", in, buf, got, net, plen);
}

static void check_prefix_bad(const char *in, const char *want_why)
{
	const char *why = NULL;
	unsigned int plen;
	struct xs_addr a;

	CHECK(xs_prefix_parse(in, &a, &plen, &why) == -EINVAL, "'%s' accepted",
	      in);
	CHECK(why && !strcmp(why, want_why), "'%s': why '%s', want '%s'", in,
	      why ? why : "(null)", want_why);
}

static bool has(const char *pfx, const char *ip)
{
	struct xs_addr n, a;
	unsigned int plen;
	const char *why;

	return !xs_prefix_parse(pfx, &n, &plen, &why) &&
	       !xs_addr_parse(ip, &a, &why) && xs_prefix_has(&n, plen, &a);
}

static void test_prefix(void)
{
	TEST_BEGIN("addr_prefix");
	check_prefix("10.0.0.1", "10.0.0.1", 128);
	check_prefix("10.192.0.0/12", "10.192.0.0", 108);
	check_prefix("10.0.0.5/24", "10.0.0.0", 120);
	check_prefix("10.1.2.3/0", "0.0.0.0", 96);
	check_prefix("10.1.2.3/32", "10.1.2.3", 128);
	check_prefix("fd00:77:1::/112", "fd00:77:1::", 112);
	check_prefix("fd00:77:1::ffff/112", "fd00:77:1::", 112);
	check_prefix("fd00::1/7", "fc00::", 7);
	check_prefix("2001:db8::1/128", "2001:db8::1", 128);
	CHECK(has("10.77.0.0/28", "10.77.0.15"), "/28 holds .15");
	CHECK(!has("10.77.0.0/28", "10.77.0.16"), "/28 not .16");
	CHECK(!has("10.77.0.0/28", "fd00::1"), "an IPv4 block, not IPv6");
	CHECK(has("0.0.0.0/0", "255.255.255.255"), "/0 holds all IPv4");
	CHECK(!has("0.0.0.0/0", "::1"), "IPv4's /0 not IPv6");
	CHECK(has("fd00:77:1::/124", "fd00:77:1::f"), "/124 holds ::f");
	CHECK(!has("fd00:77:1::/124", "fd00:77:1::10"), "/124 not ::10");
	check_prefix_bad("10.0.0.0/33",
			 "prefix length not a number from 0 to 32");
	check_prefix_bad("10.0.0.0/",
			 "prefix length not a number from 0 to 32");
	check_prefix_bad("10.0.0.0/-1",
			 "prefix length not a number from 0 to 32");
	check_prefix_bad("10.0.0.0/2x",
			 "prefix length not a number from 0 to 32");
	check_prefix_bad("fd00::/129",
			 "prefix length not a number from 0 to 128");
	check_prefix_bad("10.0.0/8", "not an IP address");
	check_prefix_bad("::/64", "holds the IPv4-mapped block ::ffff:0:0/96: "
				  "write IPv4 as IPv4");
	check_prefix_bad("::ffff:0:0/96",
			 "IPv4-mapped IPv6 address: write it as IPv4");
	TEST_END();
}

int main(void)
{
	test_parse_fmt();
	test_refused();
	test_v4_mapping();
	test_order();
	test_prefix();
	return TEST_EXIT();
}
