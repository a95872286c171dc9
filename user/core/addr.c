// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* An IP address of either family: parsing, printing, ordering. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
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
