/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/parse.c's addresses with a zone and DST:PORT
 * endpoints of either family: golden accepts (with the address and zone
 * they give) and golden refusals (with the reason said).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "testlib.h"
#include "parse.h"

struct ep_case {
	const char *in;
	const char *addr; /* xs_addr_fmt(), or the refusal's reason */
	uint16_t port;
	const char *zone;
};

static void test_endpoints(void)
{
	static const struct ep_case ok[] = {
		{ "10.0.0.2:80", "10.0.0.2", 80, "" },
		{ "[2001:db8::2]:80", "2001:db8::2", 80, "" },
		{ "[2001:DB8:0:0::2]:0443", "2001:db8::2", 443, "" },
		{ "[fd00::2]:65535", "fd00::2", 65535, "" },
		{ "[fe80::1%eth0]:22", "fe80::1", 22, "eth0" },
		{ "[::1]:1", "::1", 1, "" },
	};
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "fd00::2:80",
		  "an IPv6 address with a port is written in brackets: [2001:db8::2]:80" },
		{ "2001:db8::2",
		  "an IPv6 address with a port is written in brackets: [2001:db8::2]:80" },
		{ "[2001:db8::2]", "missing :PORT after ']'" },
		{ "[2001:db8::2:80", "missing ']'" },
		{ "[10.0.0.2]:80",
		  "brackets are for IPv6 addresses; write IPv4 as 10.0.0.2:80" },
		{ "[fe80::1]:80",
		  "a link-local IPv6 address needs its interface as a zone: fe80::1%IF" },
		{ "[fd00::1%eth0]:80",
		  "a zone (%IF) is only for a link-local IPv6 address (fe80::/10)" },
		{ "[fe80::1%]:80",
		  "the zone after '%' is not an interface name" },
		{ "[fe80::1%averyveryverylongname]:80",
		  "the zone after '%' is not an interface name" },
		{ "[::ffff:10.0.0.2]:80",
		  "IPv4-mapped IPv6 address: write it as IPv4" },
		{ "[2001:db8::2]:0",
		  "the port is not a number from 1 to 65535" },
		{ "[2001:db8::2]:65536",
		  "the port is not a number from 1 to 65535" },
		{ "10.0.0.2:0x50", "the port is not a number from 1 to 65535" },
		{ "10.0.0.300:80", "not an IP address" },
		{ "10.0.0.2", "missing :PORT" },
		{ "[2001:db8::g]:80", "not an IP address" },
	};
	char zone[XS_ZONE_LEN], txt[XS_ADDR_STRLEN];
	struct xs_addr a;
	const char *why;
	uint16_t port;
	size_t i;
	int rc;

	TEST_BEGIN("endpoint_golden_accepts");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		port = 0;
		why = NULL;
		rc = xs_parse_endpoint(ok[i].in, &a, &port, zone, &why);
		CHECK(rc == 0, "'%s': rc %d (%s)", ok[i].in, rc, why ?: "");
		if (rc)
			continue;
		xs_addr_fmt(&a, txt);
		CHECK(!strcmp(txt, ok[i].addr) && port == ok[i].port &&
			      !strcmp(zone, ok[i].zone),
		      "'%s': %s port %u zone '%s'", ok[i].in, txt, port, zone);
	}
	TEST_END();

	TEST_BEGIN("endpoint_golden_refusals");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		rc = xs_parse_endpoint(bad[i].in, &a, &port, zone, &why);
		CHECK(rc == -EINVAL && why && !strcmp(why, bad[i].why),
		      "'%s': rc %d why '%s', want '%s'", bad[i].in, rc,
		      why ?: "(null)", bad[i].why);
	}
	TEST_END();
}

static void test_addr_zone(void)
{
	char zone[XS_ZONE_LEN], txt[XS_ADDR_STRLEN];
	struct xs_addr a;
	const char *why = NULL;

	TEST_BEGIN("addr_zone_gateway");
	CHECK_EQ(xs_parse_addr_zone("fe80::1%xa0", &a, zone, &why), 0);
	CHECK(!strcmp(xs_addr_fmt(&a, txt), "fe80::1") && !strcmp(zone, "xa0"),
	      "%s %s", txt, zone);
	CHECK_EQ(xs_parse_addr_zone("10.0.0.1", &a, zone, &why), 0);
	CHECK(xs_addr_is_v4(&a) && !zone[0], "IPv4 %s", zone);
	CHECK_EQ(xs_parse_addr_zone("fd00::1", &a, zone, &why), 0);
	CHECK_EQ(xs_parse_addr_zone("fe80::1", &a, zone, &why), -EINVAL);
	CHECK(!strcmp(why,
		      "a link-local IPv6 address needs its interface as a zone: fe80::1%IF"),
	      "why %s", why);
	CHECK_EQ(xs_parse_addr_zone("10.0.0.1%eth0", &a, zone, &why), -EINVAL);
	TEST_END();
}

int main(void)
{
	test_endpoints();
	test_addr_zone();
	return TEST_EXIT();
}
