// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* An IP address of either family: parsing, printing, ordering. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "parse.h"

int xs_addr_family(const struct xs_addr *a)
{
	return xs_addr_is_v4(a) ? AF_INET : AF_INET6;
}

int xs_addr_cmp(const struct xs_addr *a, const struct xs_addr *b)
{
	return memcmp(a->b, b->b, sizeof(a->b));
}

int xs_addr_cmp_family(const struct xs_addr *a, const struct xs_addr *b)
{
	bool a4 = xs_addr_is_v4(a), b4 = xs_addr_is_v4(b);

	if (a4 != b4)
		return a4 ? -1 : 1;
	return xs_addr_cmp(a, b);
}

int xs_addr_parse(const char *s, struct xs_addr *out, const char **why)
{
	struct in6_addr in6;
	uint32_t v4;

	if (s && !xs_parse_ipv4(s, &v4)) {
		*out = xs_addr_v4(v4);
		return 0;
	}
	if (!s || !strchr(s, ':') || inet_pton(AF_INET6, s, &in6) != 1) {
		*why = "not an IP address";
		return -EINVAL;
	}
	memcpy(out->b, &in6, sizeof(out->b));
	if (xs_addr_is_v4(out)) {
		*why = "IPv4-mapped IPv6 address: write it as IPv4";
		return -EINVAL;
	}
	return 0;
}

void xs_prefix_mask(unsigned int plen, struct xs_addr *mask)
{
	unsigned int i;

	for (i = 0; i < sizeof(mask->b); i++) {
		mask->b[i] = plen >= 8 ? 0xff : (uint8_t)(0xff00 >> plen);
		plen = plen >= 8 ? plen - 8 : 0;
	}
}

bool xs_prefix_has(const struct xs_addr *net, unsigned int plen,
		   const struct xs_addr *a)
{
	struct xs_addr m;
	unsigned int i;

	xs_prefix_mask(plen, &m);
	for (i = 0; i < sizeof(m.b); i++)
		if ((a->b[i] & m.b[i]) != (net->b[i] & m.b[i]))
			return false;
	return true;
}

int xs_prefix_parse(const char *s, struct xs_addr *net, unsigned int *plen,
		    const char **why)
{
	static const struct xs_addr mapped = {
		.b = { [10] = 0xff, [11] = 0xff }
	};
	const char *slash = s ? strchr(s, '/') : NULL;
	char head[64], *end;
	unsigned long n, max;
	struct xs_addr m;
	unsigned int i;

	if (!slash) {
		*plen = 128;
		return xs_addr_parse(s, net, why);
	}
	if ((size_t)(slash - s) >= sizeof(head)) {
		*why = "not an IP address";
		return -EINVAL;
	}
	memcpy(head, s, slash - s);
	head[slash - s] = '\0';
	if (xs_addr_parse(head, net, why))
		return -EINVAL;
	max = xs_addr_is_v4(net) ? 32 : 128;
	n = strtoul(slash + 1, &end, 10);
	if (slash[1] < '0' || slash[1] > '9' || *end || n > max) {
		*why = max == 32 ? "prefix length not a number from 0 to 32" :
				   "prefix length not a number from 0 to 128";
		return -EINVAL;
	}
	*plen = max == 32 ? 96 + n : n;
	xs_prefix_mask(*plen, &m);
	for (i = 0; i < sizeof(m.b); i++)
		net->b[i] &= m.b[i];
	if (max == 128 && n < 96 && xs_prefix_has(net, *plen, &mapped)) {
		*why = "holds the IPv4-mapped block ::ffff:0:0/96: write IPv4 as IPv4";
		return -EINVAL;
	}
	return 0;
}

/* Dotted quad by hand: glibc's inet_ntop formats IPv4 with sprintf, a
 * scan's costliest call per result. */
static void fmt_v4(const uint8_t *b, char *p)
{
	unsigned int i, v;

	for (i = 0; i < 4; i++) {
		v = b[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
}

char *xs_addr_fmt(const struct xs_addr *a, char *buf)
{
	if (xs_addr_is_v4(a))
		fmt_v4(&a->b[12], buf);
	else
		inet_ntop(AF_INET6, a->b, buf, XS_ADDR_STRLEN);
	return buf;
}

char *xs_addr_fmt_port(const struct xs_addr *a, uint16_t port, char *buf)
{
	char t[XS_ADDR_STRLEN];

	xs_addr_fmt(a, t);
	if (xs_addr_is_v4(a))
		snprintf(buf, XS_ADDR_STRLEN + 8, "%s:%u", t, port);
	else
		snprintf(buf, XS_ADDR_STRLEN + 8, "[%s]:%u", t, port);
	return buf;
}
