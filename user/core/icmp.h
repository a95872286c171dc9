/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMP and ICMPv6 errors as answers to our SYNs: parsing an error and the
 * IP + TCP header it quotes (RFC 792, RFC 1812 section 4.3.2.3; RFC 4443),
 * and what each type and code says about the port.  Pure functions, like
 * packet.h.  The family is data: ver (4 or 6, the frame's xs_pkt.ip_version)
 * says which numbering a type and code are in.
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
/* RFC 4443 section 3 */
#define XS_ICMP6_DEST_UNREACH 1
#define XS_ICMP6_PKT_TOOBIG 2
#define XS_ICMP6_TIME_EXCEEDED 3
/* The smallest MTU of each family: RFC 791's 576 datagram, RFC 8200's
 * 1280 link. */
#define XS_IP6_MIN_MTU 1280

/*
 * What an ICMP error makes of a probe (README, "ICMP errors"), following
 * nmap for SYN scans: destination unreachable codes 0, 1, 2, 3, 9, 10 and
 * 13 say a filter or the host refused it: filtered.  Every other code and
 * time exceeded say the probe never reached the host: unreachable.
 * ICMPv6 destination unreachable maps onto the same states through the
 * IPv4 code it stands for: 0 no route (net unreachable), 1 administratively
 * prohibited (13), 2 beyond the source's scope and 3 address unreachable
 * (host unreachable), 4 port unreachable (3), 5 source address failed
 * policy and 6 reject route (13): filtered, all seven.  Packet too big is
 * IPv4's fragmentation needed, time exceeded IPv4's: unreachable.
 */
enum xs_icmp_state {
	XS_ICMP_FILTERED,
	XS_ICMP_UNREACHABLE,
};

/*
 * A frame we may own: a TCP segment exactly as xs_parse_frame(), or an
 * ICMP destination-unreachable or time-exceeded message whose data begins
 * with a whole IPv4 header, or an ICMPv6 destination-unreachable, packet-
 * too-big or time-exceeded message whose data begins with a whole IPv6
 * header (its extension headers walked as a frame's) (p->is_icmp,
 * p->icmp; the quote's transport bytes may be fewer than 8: the validator
 * judges that).  The ICMP checksum is not verified here
 * (xs_icmp_csum_ok).  Other ICMP types (echo, neighbour discovery...) are
 * XS_PARSE_ICMP_TYPE.
 */
enum xs_parse_err xs_parse_reply_frame(const uint8_t *buf, size_t len,
				       struct xs_pkt *p);

/* True if the ICMP checksum of a parsed ICMP error verifies (ICMPv6's
 * covers the pseudo-header, RFC 4443 section 2.3). */
bool xs_icmp_csum_ok(const struct xs_pkt *p);

/* True if type is itself an ICMP error (RFC 1122 3.2.2, RFC 4443 2.4 (e):
 * never quoted). */
bool xs_icmp_type_is_error(uint8_t ver, uint8_t type);

/* True for the error that carries a path MTU: IPv4 fragmentation needed,
 * ICMPv6 packet too big. */
bool xs_icmp_is_too_big(uint8_t ver, uint8_t type, uint8_t code);

enum xs_icmp_state xs_icmp_state(uint8_t ver, uint8_t type, uint8_t code);
/* "filtered", "unreachable" */
const char *xs_icmp_state_str(enum xs_icmp_state s);
/* "administratively prohibited", "TTL exceeded in transit"... */
const char *xs_icmp_reason(uint8_t ver, uint8_t type, uint8_t code);

#endif /* XS_ICMP_H */
