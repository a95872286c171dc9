/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet/IPv4/TCP frame building and parsing.  Pure functions on byte
 * buffers: no sockets, no globals, so the unit tests and the fuzzer can run
 * them on anything.
 */
#ifndef XS_PACKET_H
#define XS_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_ETH_HLEN 14
#define XS_IP_HLEN 20
#define XS_TCP_HLEN 20
#define XS_TCP_MAX_OPTLEN 40

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

/* Everything needed to build one frame.  Addresses in network order,
 * ports and numbers in host order. */
struct xs_frame_spec {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint32_t saddr; /* network order */
	uint32_t daddr; /* network order */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags; /* XS_TCP_* */
	uint16_t window;
	uint8_t ttl;
	uint8_t tos;
	uint16_t ip_id;
	bool df;
	struct xs_tcp_opts opts; /* all unset: no options, doff 5 */
	const uint8_t *payload;
	size_t payload_len;
};

/*
 * An ICMP error (destination unreachable, time exceeded) and the header it
 * quotes, as xs_parse_reply_frame() (icmp.h) found them.  Only what the
 * quote holds is set: q_l4_len says how many bytes of the quoted transport
 * header are present (ports need 4, the sequence number 8).
 */
struct xs_icmp {
	uint8_t type, code;
	uint16_t csum;
	uint16_t mtu; /* type 3 code 4: next-hop MTU (RFC 1191), else 0 */
	const uint8_t *hdr; /* the ICMP header inside the frame */
	size_t len; /* ICMP header + data, from the IP total length */
	/* The quoted IPv4 header: a datagram we sent, if it is ours. */
	uint8_t q_proto;
	uint16_t q_frag_off;
	uint32_t q_saddr, q_daddr; /* network order */
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
	/* IPv4 */
	uint8_t ip_version;
	uint8_t ihl; /* in 32-bit words */
	uint8_t tos;
	uint16_t tot_len;
	uint16_t ip_id;
	uint16_t frag_off; /* flags + offset, as on the wire (host order) */
	uint8_t ttl;
	uint8_t protocol;
	uint16_t ip_csum;
	uint32_t saddr; /* network order */
	uint32_t daddr; /* network order */
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
	X(NOT_IPV4, "ethertype is not IPv4") /* ARP, IPv6, VLAN... */         \
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
	X(ICMP_QUOTE, "ICMP error does not quote an IPv4 header")

#define XS_PARSE_ERR_ENUM_(up, str) XS_PARSE_##up,

enum xs_parse_err {
	XS_PARSE_ERR_LIST(XS_PARSE_ERR_ENUM_) XS_PARSE_ERR_MAX,
};

const char *xs_parse_strerror(enum xs_parse_err err);

/* Internet checksum helpers (RFC 1071).  Results in host order. */
uint32_t xs_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t xs_csum_fold(uint32_t sum);
uint16_t xs_ip_csum(const void *iphdr, size_t len);
/* TCP checksum over pseudo-header + segment; segment's checksum field is
 * taken as it is (zero it first when computing a new one). */
uint16_t xs_tcp_csum(uint32_t saddr, uint32_t daddr, const void *seg,
		     size_t len);
/* Folded pseudo-header sum only, what a CHECKSUM_PARTIAL sender leaves in
 * the checksum field (not complemented). */
uint16_t xs_tcp_pseudo_csum(uint32_t saddr, uint32_t daddr, size_t len);

/* Bytes of TCP options xs_build_tcp_frame() will emit for opts (padded). */
size_t xs_tcp_opts_len(const struct xs_tcp_opts *opts);

/* Build an Ethernet+IPv4+TCP frame into buf.  Returns the frame length,
 * or 0 if cap is too small. Checksums are computed in full. */
size_t xs_build_tcp_frame(uint8_t *buf, size_t cap,
			  const struct xs_frame_spec *spec);

/* Parse a frame.  On XS_PARSE_OK every field of p is set.  Never reads
 * outside buf[0..len). */
enum xs_parse_err xs_parse_frame(const uint8_t *buf, size_t len,
				 struct xs_pkt *p);

/* True if the TCP checksum is right, or if it holds exactly the folded
 * pseudo-header sum (CHECKSUM_PARTIAL from a same-host veth peer). */
bool xs_tcp_csum_acceptable(const struct xs_pkt *p);

/* "_,_,_,ACK,_,_,SYN,_" style, as the tutorial log format. buf >= 32 bytes. */
const char *xs_tcp_flags_str(uint8_t flags, char *buf, size_t len);

#endif /* XS_PACKET_H */
