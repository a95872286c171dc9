/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet/IPv6 frames as `xdpshake monitor` shows them: the IPv6 header
 * (RFC 8200), its extension headers walked with a fixed bound, and a TCP
 * segment or an ICMPv6 error (RFC 4443) quoting one.  Pure functions on
 * byte buffers, like packet.h.
 *
 * The TCP header itself is parsed by packet.c's parser, so the two
 * families cannot read a segment differently: the IPv6 fields land in
 * struct xs_ip6 beside the struct xs_pkt that holds the TCP ones.  Only
 * the monitor's printing needs this; once packet.c parses IPv6 itself
 * (issue 13), the printers take its struct xs_pkt and this file goes.
 */
#ifndef XS_FRAME6_H
#define XS_FRAME6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "packet.h"

#define XS_ETH_P_IPV6 0x86dd
#define XS_IP6_HLEN 40
#define XS_NH_ICMPV6 58
/*
 * The walk's bound, the same as the monitor's BPF programs
 * (XS_MON_IP6_EXT_NUM/_MAX in xdpshake.h, which test_monitor checks):
 * at most this many hop-by-hop, routing or destination options headers,
 * in at most this many bytes.
 */
#define XS_F6_EXT_NUM 4
#define XS_F6_EXT_BYTES 64

/* The IPv6 fields of a parsed frame; the rest is in struct xs_pkt. */
struct xs_ip6 {
	uint8_t tclass; /* traffic class */
	uint32_t flow_label; /* 20 bits */
	uint16_t payload_len;
	uint8_t next_header; /* the fixed header's */
	uint8_t hop_limit;
	struct xs_addr saddr, daddr;
	/* Each next header value in turn: the extension headers' and the
	 * upper layer's (the last). */
	uint8_t chain[XS_F6_EXT_NUM + 1];
	uint8_t nchain;
	size_t ext_len; /* bytes of extension headers */
	/* An ICMPv6 error: the quoted addresses and packet-too-big's MTU
	 * (32 bits, p->icmp.mtu holds it cut to 16). */
	struct xs_addr q_saddr, q_daddr;
	uint32_t mtu;
};

/*
 * Parse an Ethernet + IPv6 frame of len bytes: a TCP segment, or an
 * ICMPv6 destination-unreachable, packet-too-big or time-exceeded error
 * quoting an IPv6 header (p->is_icmp; as in xs_parse_reply_frame(), the
 * quote's transport bytes may be fewer than 8).  p gets the Ethernet and
 * TCP (or ICMP) fields exactly as xs_parse_frame() sets them, ip_version
 * 6, tos = traffic class, ttl = hop limit, protocol = the upper layer,
 * tot_len = 40 + payload length, and no IPv4 addresses; ip6 the rest.
 * Errors reuse packet.h's codes: NOT_TCP (also: ethertype not IPv6,
 * extension headers past the bound), BAD_VERSION, SHORT_IP, BAD_TOTLEN
 * (payload length past the frame or shorter than the headers), FRAGMENT,
 * SHORT_TCP, BAD_DOFF, ICMP_TYPE, SHORT_ICMP, ICMP_QUOTE.  Never reads
 * outside buf[0..len).
 */
enum xs_parse_err xs_parse_frame6(const uint8_t *buf, size_t len,
				  struct xs_pkt *p, struct xs_ip6 *ip6);

/* TCP (or ICMPv6, proto 58) checksum over the IPv6 pseudo-header
 * (RFC 8200 8.1) and the segment; 0 when it verifies. */
uint16_t xs_l4_csum6(const struct xs_addr *s, const struct xs_addr *d,
		     uint8_t proto, const void *seg, size_t len);

/* "valid", "partial" (a CHECKSUM_PARTIAL pseudo-header sum from a
 * same-host veth peer) or "bad"; NULL without a whole segment. */
const char *xs_tcp_csum_state6(const struct xs_pkt *p,
			       const struct xs_ip6 *ip6);

/* True if the ICMPv6 checksum of a parsed ICMPv6 error verifies. */
bool xs_icmp6_csum_ok(const struct xs_pkt *p, const struct xs_ip6 *ip6);

/* "no route to destination", "packet too big"... (RFC 4443 3.1-3.3) */
const char *xs_icmp6_reason(uint8_t type, uint8_t code);

/* IANA's keyword for a next header: "TCP", "HOPOPT", "IPv6-ICMP"...;
 * NULL for a number without one here. */
const char *xs_ip6_nh_name(uint8_t nh);

#endif /* XS_FRAME6_H */
