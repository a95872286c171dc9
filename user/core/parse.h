/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Bounded value parsers shared by every layer. */
#ifndef XS_PARSE_H
#define XS_PARSE_H

#include <stdint.h>

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

void xs_fmt_ipv4(uint32_t addr, char *buf); /* buf >= 16 */

#endif /* XS_PARSE_H */
