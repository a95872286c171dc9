/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Value parsers: decimal numbers and ranges, IPv4 addresses, ports, MACs,
 * addresses of either family with a zone, endpoints.  Decimal only: "080"
 * is 80, never octal nor hex.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

int xs_parse_dec(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 const char **why)
{
	uint64_t v = 0;
	const char *p;

	if (!s || !*s) {
		*why = "empty";
		return -EINVAL;
	}
	if (*s == '-' && s[1] >= '0' && s[1] <= '9') {
		*why = "negative";
		return -EINVAL;
	}
	/* Digits only: no sign, no spaces, no 0x; leading zeros are decimal. */
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9') {
			*why = "not a whole decimal number";
			return -EINVAL;
		}
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
			*why = "out of range";
			return -EINVAL;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max) {
		*why = "out of range";
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int xs_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *lo,
		   uint64_t *hi, const char **why)
{
	const char *dash = s ? strchr(s, '-') : NULL;
	char buf[32];
	uint64_t a, b;

	if (!dash)
		return xs_parse_dec(s, min, max, lo, why) ?: (*hi = *lo, 0);
	if ((size_t)(dash - s) >= sizeof(buf)) {
		*why = "not a whole decimal number";
		return -EINVAL;
	}
	memcpy(buf, s, dash - s);
	buf[dash - s] = '\0';
	if (xs_parse_dec(buf, min, max, &a, why) ||
	    xs_parse_dec(dash + 1, min, max, &b, why))
		return -EINVAL;
	if (b < a) {
		*why = "LO above HI";
		return -EINVAL;
	}
	*lo = a;
	*hi = b;
	return 0;
}

int xs_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	const char *why;
	uint64_t v;

	/* Decimal only (opts.c): "080" is 80, never octal nor hex. */
	if (xs_parse_dec(s, min, max, &v, &why))
		return -EINVAL;
	*out = v;
	return 0;
}

int xs_parse_ipv4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	/* inet_pton accepts only the dotted quad, no shorthand forms. */
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

int xs_parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[32];
	char *dash;
	uint32_t a, b;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (xs_parse_u32(buf, 1, 65535, &a))
		return -EINVAL;
	b = a;
	if (dash && xs_parse_u32(dash, 1, 65535, &b))
		return -EINVAL;
	if (b < a)
		return -EINVAL;
	*lo = a;
	*hi = b;
	return 0;
}

int xs_parse_ip_port(const char *s, uint32_t *addr, uint16_t *port)
{
	char buf[64];
	char *colon;
	uint32_t p;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (xs_parse_ipv4(buf, addr) || xs_parse_u32(colon + 1, 1, 65535, &p))
		return -EINVAL;
	*port = p;
	return 0;
}

int xs_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (!s || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}

int xs_parse_addr_zone(const char *s, struct xs_addr *addr,
		       char zone[XS_ZONE_LEN], const char **why)
{
	char buf[XS_ADDR_STRLEN];
	const char *pct = s ? strchr(s, '%') : NULL;
	size_t alen = pct ? (size_t)(pct - s) : s ? strlen(s) : 0;

	zone[0] = '\0';
	if (!s || alen >= sizeof(buf)) {
		*why = "not an IP address";
		return -EINVAL;
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (xs_addr_parse(buf, addr, why))
		return -EINVAL;
	if (pct) {
		if (!xs_addr_is_link_local(addr)) {
			*why = "a zone (%IF) is only for a link-local IPv6 address (fe80::/10)";
			return -EINVAL;
		}
		if (!pct[1] || strlen(pct + 1) >= XS_ZONE_LEN ||
		    strpbrk(pct + 1, "/%: ")) {
			*why = "the zone after '%' is not an interface name";
			return -EINVAL;
		}
		strcpy(zone, pct + 1);
	} else if (xs_addr_is_link_local(addr)) {
		*why = "a link-local IPv6 address needs its interface as a zone: fe80::1%IF";
		return -EINVAL;
	}
	return 0;
}

int xs_parse_endpoint(const char *s, struct xs_addr *addr, uint16_t *port,
		      char zone[XS_ZONE_LEN], const char **why)
{
	char buf[XS_ADDR_STRLEN + XS_ZONE_LEN + 8];
	const char *portstr;
	uint64_t p;
	char *end;

	zone[0] = '\0';
	if (!s || strlen(s) >= sizeof(buf)) {
		*why = "not DST:PORT";
		return -EINVAL;
	}
	strcpy(buf, s);
	if (buf[0] == '[') {
		end = strchr(buf, ']');
		if (!end || end[1] != ':') {
			*why = end ? "missing :PORT after ']'" : "missing ']'";
			return -EINVAL;
		}
		*end = '\0';
		portstr = end + 2;
		if (!strchr(buf + 1, ':')) {
			*why = "brackets are for IPv6 addresses; write IPv4 as 10.0.0.2:80";
			return -EINVAL;
		}
		if (xs_parse_addr_zone(buf + 1, addr, zone, why))
			return -EINVAL;
	} else {
		end = strrchr(buf, ':');
		if (!end) {
			*why = "missing :PORT";
			return -EINVAL;
		}
		if (strchr(buf, ':') != end) {
			*why = "an IPv6 address with a port is written in brackets: [2001:db8::2]:80";
			return -EINVAL;
		}
		*end = '\0';
		portstr = end + 1;
		if (xs_parse_addr_zone(buf, addr, zone, why))
			return -EINVAL;
	}
	if (xs_parse_dec(portstr, 1, 65535, &p, why)) {
		*why = "the port is not a number from 1 to 65535";
		return -EINVAL;
	}
	*port = (uint16_t)p;
	return 0;
}

void xs_fmt_ipv4(uint32_t addr, char *buf)
{
	struct in_addr a = { .s_addr = addr };

	inet_ntop(AF_INET, &a, buf, 16);
}
