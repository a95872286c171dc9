/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet/IPv4/TCP and Ethernet/IPv6/TCP frame building and parsing.  Pure
 * functions on byte buffers: no sockets, no globals, so the unit tests and
 * the fuzzer can run them on anything.  The address family is data: the
 * addresses (struct xs_addr) say which header a frame gets, and a parsed
 * frame's addresses say which it had.
 */
#ifndef XS_PACKET_H
#define XS_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define XS_ETH_HLEN 14
#define XS_IP_HLEN 20
#define XS_IP6_HLEN 40
/* IPv6 extension headers the parser walks past (hop-by-hop, routing with
 * no segments left, destination options) before it gives up on a frame:
 * XS_PARSE_EXT_CHAIN, passed to the kernel.  RFC 8200 section 4.1 has at
 * most one of each but destination options twice: four covers every legal
 * chain in front of TCP. */
#define XS_IP6_EXT_MAX 4
#define XS_TCP_HLEN 20
#define XS_TCP_MAX_OPTLEN 40

/* Big-endian fields read a byte at a time: no alignment, any host. */
static inline uint16_t xs_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t xs_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* TCP options we build and parse (RFC 9293, RFC 7323, RFC 2018). */
struct xs_tcp_opts {
	bool has_mss;
	uint16_t mss;
	bool sack_ok;
	bool has_ts;
	uint32_t ts_val;
	uint32_t ts_ecr;
	bool has_wscale;
	/* As the option says, not clamped: RFC 7323 section 2.3 has a
	 * receiver use 14 for anything above, and nothing here scales the
	 * server's window, so 15 is reported as 15. */
	uint8_t wscale;
	/* Parsed: an option broke the layout (length < 2, or past the end of
	 * the header); parsing stopped there, as Linux stops. */
	bool malformed;
};

/* Everything needed to build one frame.  Ports and numbers in host order.
 * Both addresses IPv4 (::ffff:a.b.c.d): an IPv4 frame; both IPv6: an IPv6
 * frame (no extension headers); one of each: nothing is built. */
struct xs_frame_spec {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	struct xs_addr saddr;
	struct xs_addr daddr;
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags; /* XS_TCP_* */
	uint16_t window;
	uint8_t ttl; /* IPv4 TTL, IPv6 hop limit */
	uint8_t tos; /* IPv4 TOS, IPv6 traffic class */
	uint16_t ip_id; /* IPv4 only */
	bool df; /* IPv4 only (IPv6 routers never fragment) */
	uint32_t flow_label; /* IPv6 only: the low 20 bits */
	struct xs_tcp_opts opts; /* all unset: no options, doff 5 */
	const uint8_t *payload;
	size_t payload_len;
};

/*
 * An ICMP or ICMPv6 error (destination unreachable, time exceeded, packet
 * too big) and the header it quotes, as xs_parse_reply_frame() (icmp.h)
 * found them.  type and code are the message's own, of the frame's family
 * (xs_pkt.ip_version).  Only what the quote holds is set: q_l4_len says how
 * many bytes of the quoted transport header are present (ports need 4, the
 * sequence number 8).
 */
struct xs_icmp {
	uint8_t type, code;
	uint16_t csum;
	/* The next-hop MTU: IPv4 type 3 code 4 (RFC 1191), ICMPv6 packet too
	 * big (RFC 8201, 32 bits); else 0. */
	uint32_t mtu;
	const uint8_t *hdr; /* the ICMP header inside the frame */
	size_t len; /* ICMP header + data, from the IP total/payload length */
	/* The quoted IP header: a datagram we sent, if it is ours.  q_proto
	 * is the quote's upper layer (past its extension headers); q_frag_off
	 * the IPv4 field, or IP_MF (0x2000) for a quote with an IPv6 fragment
	 * header, so that one test refuses a quoted fragment of either. */
	uint8_t q_proto;
	uint16_t q_frag_off;
	struct xs_addr q_saddr, q_daddr;
	size_t q_l4_len;
	uint16_t q_sport, q_dport; /* if q_l4_len >= 4 */
	uint32_t q_seq; /* if q_l4_len >= 8 */
	uint8_t q_icmp_type; /* q_proto ICMP, q_l4_len >= 1 */
};

/* Parsed frame: every header field, host order except addresses. */
struct xs_pkt {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint16_t ethertype;
	/* IP, either family: ip_version says which */
	uint8_t ip_version; /* 4 or 6 */
	uint8_t ihl; /* IPv4: in 32-bit words */
	uint8_t tos; /* IPv4 TOS, IPv6 traffic class */
	uint16_t tot_len; /* IPv4 total length; IPv6 40 + payload length */
	uint16_t ip_id; /* IPv4 */
	uint16_t frag_off; /* IPv4 flags + offset, as on the wire */
	uint8_t ttl; /* IPv4 TTL, IPv6 hop limit */
	/* The upper-layer protocol: IPv4's field; IPv6's last next header,
	 * past the extension headers (the first one is next_hdr). */
	uint8_t protocol;
	uint16_t ip_csum; /* IPv4 */
	struct xs_addr saddr;
	struct xs_addr daddr;
	/* IPv6 */
	uint32_t flow_label;
	uint16_t payload_len6; /* the payload length field */
	uint8_t next_hdr; /* the fixed header's next header */
	uint8_t n_ext; /* extension headers walked */
	/* Their types in order (ext_nh[0] == next_hdr when n_ext > 0): the
	 * chain the monitor prints, ending in protocol. */
	uint8_t ext_nh[XS_IP6_EXT_MAX];
	/* Both: bytes from the start of the IP header to the upper layer
	 * (ihl * 4, or 40 + the extension headers). */
	uint16_t l3_len;
	/* TCP */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t doff; /* in 32-bit words */
	uint8_t reserved; /* the 4 bits between doff and flags (incl. AE) */
	uint8_t flags;
	uint16_t window;
	uint16_t tcp_csum;
	uint16_t urg_ptr;
	struct xs_tcp_opts opts;
	const uint8_t *tcp; /* start of the TCP header inside the frame */
	size_t tcp_len; /* TCP header + payload, from the IP total length */
	const uint8_t *payload;
	size_t payload_len;
	/* Set by xs_parse_reply_frame() only: the frame is an ICMP error,
	 * the IPv4 fields above are its own, the TCP fields unset. */
	bool is_icmp;
	struct xs_icmp icmp;
};

/* Why a frame was rejected by xs_parse_frame(). 0 is success. */
/* Why a frame did not parse, with the text xs_parse_strerror() gives. */
#define XS_PARSE_ERR_LIST(X)                                                  \
	X(OK, "ok")                                                           \
	X(SHORT_ETH, "frame shorter than an Ethernet header")                 \
	X(NOT_IP, "ethertype is neither IPv4 nor IPv6") /* ARP, VLAN... */    \
	X(SHORT_IP, "frame shorter than its IPv4 header")                     \
	X(BAD_VERSION, "IP version is not 4") /* version field != 4 */        \
	X(BAD_IHL, "bad IPv4 header length") /* ihl < 5 or ihl*4 > tot_len */ \
	X(BAD_TOTLEN, "IPv4 total length beyond the frame")                   \
	X(FRAGMENT, "IPv4 fragment") /* MF set or offset != 0 */              \
	X(NOT_TCP, "IP protocol is not TCP")                                  \
	X(SHORT_TCP, "segment shorter than a TCP header")                     \
	X(BAD_DOFF, "bad TCP data offset") /* doff < 5 or beyond it */        \
	/* ICMP, from xs_parse_reply_frame() only */                          \
	X(ICMP_TYPE, "ICMP message is not an error we take") /* echo... */    \
	X(SHORT_ICMP, "ICMP error shorter than a quoted IPv4 header")         \
	X(ICMP_QUOTE, "ICMP error does not quote an IPv4 header")             \
	/* IPv6 (ethertype 0x86DD) */                                         \
	X(SHORT_IP6, "frame shorter than its IPv6 header")                    \
	X(BAD_VERSION6, "IP version is not 6") /* 4 inside 0x86DD... */       \
	X(BAD_PLEN, "IPv6 payload length beyond the frame")                   \
	X(JUMBO, "IPv6 jumbogram") /* payload length 0 + hop-by-hop */        \
	X(BAD_EXT, "IPv6 extension header beyond the payload or misplaced")   \
	X(EXT_CHAIN, "IPv6 extension headers beyond the walk's bound")        \
	X(RH0, "IPv6 routing header type 0") /* RFC 5095, segments left */    \
	X(ROUTED, "IPv6 routing header with segments left") /* not ours */    \
	X(V4MAPPED, "IPv4-mapped address in an IPv6 header") /* RFC 4291 */   \
	X(FRAGMENT6, "IPv6 fragment") /* a fragment header: not ours */       \
	X(SHORT_ICMP6, "ICMPv6 error shorter than a quoted IPv6 header")      \
	X(ICMP6_QUOTE, "ICMPv6 error does not quote an IPv6 header")

#define XS_PARSE_ERR_ENUM_(up, str) XS_PARSE_##up,

enum xs_parse_err {
	XS_PARSE_ERR_LIST(XS_PARSE_ERR_ENUM_) XS_PARSE_ERR_MAX,
};

const char *xs_parse_strerror(enum xs_parse_err err);

/* Internet checksum helpers (RFC 1071).  Results in host order. */
uint32_t xs_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t xs_csum_fold(uint32_t sum);
uint16_t xs_ip_csum(const void *iphdr, size_t len);
/* Unfolded sum of the pseudo-header for upper-layer protocol proto and
 * length len: RFC 9293 3.1's 12 bytes for two IPv4 addresses, RFC 8200
 * 8.1's 40 for two IPv6 ones. */
uint32_t xs_pseudo_sum(const struct xs_addr *saddr, const struct xs_addr *daddr,
		       uint8_t proto, size_t len);
/* TCP checksum over pseudo-header + segment; segment's checksum field is
 * taken as it is (zero it first when computing a new one). */
uint16_t xs_tcp_csum(const struct xs_addr *saddr, const struct xs_addr *daddr,
		     const void *seg, size_t len);
/* Folded pseudo-header sum only, what a CHECKSUM_PARTIAL sender leaves in
 * the checksum field (not complemented). */
uint16_t xs_tcp_pseudo_csum(const struct xs_addr *saddr,
			    const struct xs_addr *daddr, size_t len);

/* Bytes of TCP options xs_build_tcp_frame() will emit for opts (padded). */
size_t xs_tcp_opts_len(const struct xs_tcp_opts *opts);

/* Build an Ethernet+IPv4+TCP or Ethernet+IPv6+TCP frame into buf (by the
 * family of spec's addresses).  Returns the frame length, or 0 if cap is
 * too small or the families differ.  Checksums are computed in full. */
size_t xs_build_tcp_frame(uint8_t *buf, size_t cap,
			  const struct xs_frame_spec *spec);

/* Bytes of IP + TCP header a segment with optlen option bytes takes, in
 * the family of addr: what an MSS leaves room for. */
size_t xs_l3l4_hlen(const struct xs_addr *addr, size_t optlen);

/* Parse a frame, IPv4 or IPv6.  On XS_PARSE_OK every field of p is set.
 * Never reads outside buf[0..len).  IPv6: the extension headers walked
 * with a fixed bound (XS_IP6_EXT_MAX); a fragment header is
 * XS_PARSE_FRAGMENT6, passed as an IPv4 fragment is. */
enum xs_parse_err xs_parse_frame(const uint8_t *buf, size_t len,
				 struct xs_pkt *p);

/*
 * The IPv6 extension headers from ip + *off to ip + end, starting with next
 * header *nh, at most XS_IP6_EXT_MAX of them: *nh becomes the upper layer,
 * *off its offset, *n_ext how many were passed, types[] (NULL: not kept)
 * the type of each in turn.  XS_PARSE_OK,
 * XS_PARSE_FRAGMENT6, XS_PARSE_BAD_EXT (cut, or a hop-by-hop header not
 * first), XS_PARSE_EXT_CHAIN, XS_PARSE_RH0, XS_PARSE_ROUTED.  Reads only
 * ip[*off..end).  (XS_PARSE_FRAGMENT6 for a fragment header.)
 */
enum xs_parse_err xs_ip6_walk_ext(const uint8_t *ip, size_t end, uint8_t *nh,
				  size_t *off, uint8_t *n_ext,
				  uint8_t types[XS_IP6_EXT_MAX]);

/* True if the TCP checksum is right, or if it holds exactly the folded
 * pseudo-header sum (CHECKSUM_PARTIAL from a same-host veth peer). */
bool xs_tcp_csum_acceptable(const struct xs_pkt *p);

/* "_,_,_,ACK,_,_,SYN,_" style, as the tutorial log format. buf >= 32 bytes. */
const char *xs_tcp_flags_str(uint8_t flags, char *buf, size_t len);

#endif /* XS_PACKET_H */
