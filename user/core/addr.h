/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * An IP address of either family, as data.
 *
 * One 16-byte value for both: an IPv6 address as it is, an IPv4 address as
 * the IPv4-mapped IPv6 address ::ffff:a.b.c.d (RFC 4291 2.5.5.2).  So a
 * table keyed by addresses, a hash of a tuple or a comparison is one
 * memcmp()/memcpy() for both families, and the family is read off the
 * value, never carried beside it.  No IPv6 address we send to or from is
 * IPv4-mapped (they never appear on the wire), so the mapping is unique.
 */
#ifndef XS_ADDR_H
#define XS_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct xs_addr {
	uint8_t b[16]; /* network order */
};

/* Longest text xs_addr_fmt() writes, with the NUL (INET6_ADDRSTRLEN). */
#define XS_ADDR_STRLEN 46

static inline bool xs_addr_is_v4(const struct xs_addr *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a->b, pfx, sizeof(pfx));
}

/* AF_INET or AF_INET6. */
int xs_addr_family(const struct xs_addr *a);

/* An IPv6 link-local unicast address, fe80::/10. */
static inline bool xs_addr_is_link_local(const struct xs_addr *a)
{
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

/* The family as the JSON and CSV outputs name it: "ipv4" or "ipv6". */
static inline const char *xs_addr_family_str(const struct xs_addr *a)
{
	return xs_addr_is_v4(a) ? "ipv4" : "ipv6";
}

/* From and to an IPv4 address in network order. */
static inline struct xs_addr xs_addr_v4(uint32_t be)
{
	struct xs_addr a = { .b = { [10] = 0xff, [11] = 0xff } };

	memcpy(&a.b[12], &be, 4);
	return a;
}

static inline uint32_t xs_addr_get_v4(const struct xs_addr *a)
{
	uint32_t be;

	memcpy(&be, &a->b[12], 4);
	return be;
}

static inline bool xs_addr_eq(const struct xs_addr *a, const struct xs_addr *b)
{
	return !memcmp(a->b, b->b, sizeof(a->b));
}

static inline bool xs_addr_is_zero(const struct xs_addr *a)
{
	static const struct xs_addr zero;

	return xs_addr_eq(a, &zero);
}

/* Byte order: the same as comparing the 16-byte values as numbers.  IPv4
 * addresses sit inside ::ffff:0:0/96, so ::2 sorts before every one. */
int xs_addr_cmp(const struct xs_addr *a, const struct xs_addr *b);
/* IPv4 addresses first, then IPv6, each in numeric order. */
int xs_addr_cmp_family(const struct xs_addr *a, const struct xs_addr *b);

/*
 * Parse a bare address of either family: dotted quad (four decimal parts,
 * no shorthand) or RFC 4291 text.  No brackets, no port, no zone ("%eth0"),
 * no IPv4-mapped IPv6 text (::ffff:10.0.0.1 is refused: write 10.0.0.1).
 * Returns 0, or -EINVAL with *why ("not an IP address", "IPv4-mapped IPv6
 * address: write it as IPv4").
 */
int xs_addr_parse(const char *s, struct xs_addr *out, const char **why);

/*
 * An address or a CIDR prefix of either family: "10.0.0.1" (a /32),
 * "10.192.0.0/12", "fd00:77:1::/112".  *plen counts in the 16-byte form:
 * an IPv4 /n is 96 + n.  Host bits are cleared ("10.0.0.5/24" is
 * 10.0.0.0/24), as nmap, masscan and the scan targets do.  An IPv6 prefix
 * holding ::ffff:0:0/96 is refused (IPv4 is written as IPv4).  Returns 0,
 * or -EINVAL with *why.
 */
int xs_prefix_parse(const char *s, struct xs_addr *net, unsigned int *plen,
		    const char **why);

/* a & the mask of plen (16-byte form) == net & that mask. */
bool xs_prefix_has(const struct xs_addr *net, unsigned int plen,
		   const struct xs_addr *a);

/* The mask of a 16-byte prefix length, as bytes in network order. */
void xs_prefix_mask(unsigned int plen, struct xs_addr *mask);

/* Text form: dotted quad for IPv4, RFC 5952 for IPv6 (what inet_ntop
 * writes).  buf holds at least XS_ADDR_STRLEN bytes; returns buf. */
char *xs_addr_fmt(const struct xs_addr *a, char *buf);

/* As in a URL or nmap's output for an endpoint: "10.0.0.1:80",
 * "[2001:db8::1]:80".  buf holds at least XS_ADDR_STRLEN + 8. */
char *xs_addr_fmt_port(const struct xs_addr *a, uint16_t port, char *buf);

#endif /* XS_ADDR_H */
