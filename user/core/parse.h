/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Bounded value parsers shared by every layer. */
#ifndef XS_PARSE_H
#define XS_PARSE_H

#include <stdint.h>

#include "addr.h"

/*
 * The value parsers behind the table, usable alone.  Each returns 0, or
 * -EINVAL with *why set to a short reason ("not a decimal number",
 * "out of range"...).
 */
int xs_parse_dec(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 const char **why);
int xs_parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *lo,
		   uint64_t *hi, const char **why);

/* The same, without the reason: 0 on success, -EINVAL otherwise. */
int xs_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int xs_parse_ipv4(const char *s, uint32_t *addr); /* network order */
int xs_parse_port_range(const char *s, uint16_t *lo, uint16_t *hi);
int xs_parse_ip_port(const char *s, uint32_t *addr, uint16_t *port);
int xs_parse_mac(const char *s, uint8_t mac[6]);

/* Room for a zone: an interface name (IFNAMSIZ). */
#define XS_ZONE_LEN 16

/*
 * An address of either family with an optional zone, as a gateway or next
 * hop is written: "10.0.0.1", "2001:db8::1", "fe80::1%eth0".  A zone is
 * an interface name, only for a link-local IPv6 address (fe80::/10), and
 * such an address needs one: on which link it is means nothing without.
 * zone gets the name ("" without one).  Returns 0, or -EINVAL with *why.
 */
int xs_parse_addr_zone(const char *s, struct xs_addr *addr,
		       char zone[XS_ZONE_LEN], const char **why);

/*
 * An endpoint DST:PORT of either family, as in a URL (RFC 3986): IPv4
 * "10.0.0.2:80", IPv6 in brackets "[2001:db8::2]:80", a link-local one
 * with its zone "[fe80::1%eth0]:80" (xs_parse_addr_zone()).  Port
 * 1-65535, decimal.  "fd00::2:80" is refused: without brackets the port
 * cannot be told from the address.  Returns 0, or -EINVAL with *why, a
 * reason that reads after "'TOKEN': ".
 */
int xs_parse_endpoint(const char *s, struct xs_addr *addr, uint16_t *port,
		      char zone[XS_ZONE_LEN], const char **why);

void xs_fmt_ipv4(uint32_t addr, char *buf); /* buf >= 16 */

#endif /* XS_PARSE_H */
