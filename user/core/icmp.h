/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMP errors as answers to our SYNs: parsing an error and the IPv4 + TCP
 * header it quotes (RFC 792, RFC 1812 section 4.3.2.3), and what each
 * type and code says about the port.  Pure functions, like packet.h.
 */
#ifndef XS_ICMP_H
#define XS_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

#define XS_ICMP_DEST_UNREACH 3
#define XS_ICMP_TIME_EXCEEDED 11
#define XS_ICMP_FRAG_NEEDED 4 /* a code of XS_ICMP_DEST_UNREACH */

/*
 * What an ICMP error makes of a probe (README, "ICMP errors"), following
 * nmap for SYN scans: destination unreachable codes 0, 1, 2, 3, 9, 10 and
 * 13 say a filter or the host refused it: filtered.  Every other code and
 * time exceeded say the probe never reached the host: unreachable.
 */
enum xs_icmp_state {
	XS_ICMP_FILTERED,
	XS_ICMP_UNREACHABLE,
};

/*
 * A frame we may own: a TCP segment exactly as xs_parse_frame(), or an
 * ICMP destination-unreachable or time-exceeded message whose data begins
 * with a whole IPv4 header (p->is_icmp, p->icmp; the quote's transport
 * bytes may be fewer than 8: the validator judges that).  The ICMP
 * checksum is not verified here (xs_icmp_csum_ok).  Other ICMP types are
 * XS_PARSE_ICMP_TYPE.
 */
enum xs_parse_err xs_parse_reply_frame(const uint8_t *buf, size_t len,
				       struct xs_pkt *p);

/* True if the ICMP checksum of a parsed ICMP error verifies. */
bool xs_icmp_csum_ok(const struct xs_pkt *p);

/* True if type is itself an ICMP error (RFC 1122 3.2.2: never quoted). */
bool xs_icmp_type_is_error(uint8_t type);

enum xs_icmp_state xs_icmp_state(uint8_t type, uint8_t code);
/* "filtered", "unreachable" */
const char *xs_icmp_state_str(enum xs_icmp_state s);
/* "administratively prohibited", "TTL exceeded in transit"... */
const char *xs_icmp_reason(uint8_t type, uint8_t code);

#endif /* XS_ICMP_H */
