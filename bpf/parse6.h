/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Bounds-checked IPv6 parsing (RFC 8200), shared by the XDP filter and the
 * TC egress guard: the fixed header, a bounded walk of the extension
 * header chain, and ICMPv6 errors (RFC 4443) with the packet they quote.
 * Include after bpf/parse.h; the same cursor, the same rules: every read
 * is checked against the end of the data, every length field against both
 * of its bounds, and the parsers only classify.
 */
#ifndef XS_BPF_PARSE6_H
#define XS_BPF_PARSE6_H

#define XS_ETH_P_IPV6 0x86DD
#define XS_IP6_HLEN 40
#define XS_IPPROTO_HOPOPTS 0
#define XS_IPPROTO_ROUTING 43
#define XS_IPPROTO_FRAGMENT 44
#define XS_IPPROTO_ICMPV6 58
#define XS_IPPROTO_DSTOPTS 60
#define XS_IP6_EXT_MIN 8 /* an extension header is (hdrlen + 1) * 8 bytes */

/*
 * Extension headers walked before giving up (XS_P6_LIMIT).  Our peers'
 * replies carry none; a destination options or routing header (with no
 * segments left) and a hop-by-hop header are the most a sane path adds.
 */
#define XS_IP6_EXT_MAX 4

/* What the extension header walk found, besides enum xs_parse's values. */
enum xs_parse6 {
	XS_P6_FRAG = 16, /* a fragment header: never one of ours */
	XS_P6_LIMIT, /* more than XS_IP6_EXT_MAX extension headers */
};

/*
 * The Ethertype of an untagged IPv4 or IPv6 frame, in host order, or 0:
 * another Ethertype (ARP, VLAN tags: never misread), or a runt.
 */
static __always_inline __u16 xs_parse_eth_l3(struct xs_cursor *c)
{
	struct ethhdr *eth = xs_pull(c, XS_ETH_HLEN);

	if (!eth)
		return 0;
	if (eth->h_proto == bpf_htons(XS_ETH_P_IP))
		return XS_ETH_P_IP;
	if (eth->h_proto == bpf_htons(XS_ETH_P_IPV6))
		return XS_ETH_P_IPV6;
	return 0;
}

/*
 * The fixed IPv6 header.  l3_len: bytes after the Ethernet header in the
 * whole packet (Ethernet padding beyond the payload is allowed).
 *
 * XS_P_BAD: fewer than 40 bytes, a version other than 6 (an IPv4 header
 * behind Ethertype 0x86DD included), a payload length beyond the packet,
 * or a jumbogram (payload length 0 and a hop-by-hop header, RFC 2675: its
 * length is above 65535, more than any frame here; the kernel drops it
 * too).  The cursor is then past the fixed header.
 */
static __always_inline enum xs_parse
xs_parse_ipv6(struct xs_cursor *c, __u32 l3_len, struct ipv6hdr **ip6p)
{
	struct ipv6hdr *ip6 = xs_pull(c, XS_IP6_HLEN);
	__u32 plen;

	if (!ip6)
		return XS_P_BAD;
	if (*(__u8 *)ip6 >> 4 != 6)
		return XS_P_BAD;
	plen = bpf_ntohs(ip6->payload_len);
	if (!plen && ip6->nexthdr == XS_IPPROTO_HOPOPTS)
		return XS_P_BAD;
	if (XS_IP6_HLEN + plen > l3_len)
		return XS_P_BAD;
	*ip6p = ip6;
	return XS_P_OK;
}

/* What comes after the extension headers: the upper-layer header. */
struct xs_l4 {
	__u8 proto; /* TCP or ICMPv6 */
	__u32 len; /* its bytes, by the payload length */
	__u32 off; /* its offset from the Ethernet header */
};

/*
 * Extension header number i (from 0) at the cursor, of type *nh: moves
 * past it, sets *nh to the next one and adds its length to *ext.  XS_P_OK
 * to go on, else the walk's outcome (see xs_ipv6_walk()).  Header number
 * XS_IP6_EXT_MAX is judged as every other one (a fragment, an upper layer,
 * a misplaced hop-by-hop header) and only if it would be walked is the
 * chain too long: the order of user/core/packet.c's xs_ip6_walk_ext().
 */
static __always_inline int xs_ipv6_ext_one(struct xs_cursor *c, __u32 plen,
					   int i, __u8 *nh, __u32 *ext)
{
	__u8 *h;
	__u32 hlen;

	if (*nh == XS_IPPROTO_FRAGMENT)
		return XS_P6_FRAG;
	if (*nh != XS_IPPROTO_HOPOPTS && *nh != XS_IPPROTO_ROUTING &&
	    *nh != XS_IPPROTO_DSTOPTS)
		return XS_P_OTHER;
	/* RFC 8200 4.3: hop-by-hop options only right after the header;
	 * the kernel drops it elsewhere (a next-header loop ends here). */
	if (*nh == XS_IPPROTO_HOPOPTS && i)
		return XS_P_BAD;
	if (i == XS_IP6_EXT_MAX)
		return XS_P6_LIMIT;
	h = xs_pull(c, XS_IP6_EXT_MIN);
	if (!h)
		return XS_P_BAD;
	hlen = ((__u32)h[1] + 1) * 8;
	if (*ext + hlen > plen)
		return XS_P_BAD;
	/*
	 * Segments left: the packet is on its way through us to another
	 * node (any routing type, type 0 included, RFC 5095): the kernel
	 * forwards or refuses it.  With none left it is for us, and the
	 * routing header is skipped like any other.
	 */
	if (*nh == XS_IPPROTO_ROUTING && h[3])
		return XS_P_OTHER;
	/* hlen - 8 is in [0, 2040]: a bounded pull. */
	if (!xs_pull(c, hlen - XS_IP6_EXT_MIN))
		return XS_P_BAD;
	*nh = h[0];
	*ext += hlen;
	return XS_P_OK;
}

/*
 * Walk the extension headers of ip6 (the cursor just past its fixed
 * header) to a TCP or ICMPv6 header: XS_P_OK with *l4 set and the cursor
 * on it.  XS_P_OTHER: another upper layer (UDP, ESP, AH, no next header,
 * an unknown one) or a routing header with segments left.  XS_P6_FRAG: a
 * fragment header.  XS_P6_LIMIT: XS_IP6_EXT_MAX headers walked and yet
 * another hop-by-hop, routing or destination options header next.
 * XS_P_BAD: a header cut by the data or by the payload length, or
 * hop-by-hop options after the first header.
 */
static __always_inline int
xs_ipv6_walk(struct xs_cursor *c, const struct ipv6hdr *ip6, struct xs_l4 *l4)
{
	__u32 plen = bpf_ntohs(ip6->payload_len), ext = 0;
	__u8 nh = ip6->nexthdr;
	int i, r;

#pragma unroll
	for (i = 0; i <= XS_IP6_EXT_MAX; i++) {
		if (nh == XS_IPPROTO_TCP || nh == XS_IPPROTO_ICMPV6) {
			l4->proto = nh;
			l4->len = plen - ext;
			l4->off = XS_ETH_HLEN + XS_IP6_HLEN + ext;
			return XS_P_OK;
		}
		r = xs_ipv6_ext_one(c, plen, i, &nh, &ext);
		if (r != XS_P_OK)
			return r;
	}
	/* Not reached: header XS_IP6_EXT_MAX never returns XS_P_OK. */
	return XS_P6_LIMIT;
}

/* The 16 bytes at a equal cfg's (of a struct xs_config: 4-byte aligned). */
static __always_inline bool xs_ip6_eq(const struct in6_addr *a, const __u8 *b16)
{
	const __u32 *b = (const __u32 *)b16;

	return a->in6_u.u6_addr32[0] == b[0] && a->in6_u.u6_addr32[1] == b[1] &&
	       a->in6_u.u6_addr32[2] == b[2] && a->in6_u.u6_addr32[3] == b[3];
}

static __always_inline bool xs_ip6_is_zero(const __u8 *b16)
{
	const __u32 *b = (const __u32 *)b16;

	return !(b[0] | b[1] | b[2] | b[3]);
}

/* ICMPv6 errors (RFC 4443 section 3) that answer a SYN. */
#define XS_ICMP6_DEST_UNREACH 1 /* codes 0-6 */
#define XS_ICMP6_PKT_TOOBIG 2 /* code 0; the MTU in the next 4 bytes */
#define XS_ICMP6_TIME_EXCEED 3 /* code 0: hop limit; 1: reassembly */
#define XS_ICMP6_DEST_UNREACH_MAX_CODE 6
#define XS_ICMP6_ERROR_MAX 127 /* types 0-127 are errors, 128-255 not */

/* The parts of an ICMPv6 error the XDP filter judges. */
struct xs_icmp6_quote {
	__u8 type, code;
	struct ipv6hdr *qip6; /* the quoted IPv6 header */
	__u8 *ql4; /* the quoted transport header: >= 8 bytes present */
};

/*
 * An ICMPv6 destination-unreachable, packet-too-big or time-exceeded
 * message of len bytes at the cursor, and the IPv6 header it quotes.
 * XS_P_OTHER: another type (NDP, MLD, echo: the kernel's).  XS_P_BAD:
 * shorter than an ICMPv6 header plus a quoted IPv6 header (q->qip6 stays
 * NULL), a quoted header that is not version 6, or fewer than 8 bytes of
 * quoted transport header (q->ql4 NULL, q->qip6 set: the caller decides
 * whether the quote is about us).  Lengths are judged by len, never by
 * what follows the payload.
 */
static __always_inline enum xs_parse
xs_parse_icmp6_err(struct xs_cursor *c, __u32 len, struct xs_icmp6_quote *q)
{
	__u8 *icmph = xs_pull(c, XS_ICMP_HLEN);

	if (!icmph || len < XS_ICMP_HLEN)
		return XS_P_BAD;
	q->type = icmph[0];
	q->code = icmph[1];
	if (q->type != XS_ICMP6_DEST_UNREACH &&
	    q->type != XS_ICMP6_PKT_TOOBIG && q->type != XS_ICMP6_TIME_EXCEED)
		return XS_P_OTHER;
	q->qip6 = xs_pull(c, XS_IP6_HLEN);
	if (!q->qip6 || len < XS_ICMP_HLEN + XS_IP6_HLEN) {
		q->qip6 = NULL;
		return XS_P_BAD;
	}
	if (*(__u8 *)q->qip6 >> 4 != 6)
		return XS_P_BAD;
	q->ql4 = xs_pull(c, XS_ICMP_QUOTE_TCP);
	if (len < XS_ICMP_HLEN + XS_IP6_HLEN + XS_ICMP_QUOTE_TCP)
		q->ql4 = NULL;
	return q->ql4 ? XS_P_OK : XS_P_BAD;
}

/* The codes a SYN can be answered with, per type (RFC 4443 3.1-3.3). */
static __always_inline bool xs_icmp6_code_ok(const struct xs_icmp6_quote *q)
{
	if (q->type == XS_ICMP6_DEST_UNREACH)
		return q->code <= XS_ICMP6_DEST_UNREACH_MAX_CODE;
	/* Time exceeded in reassembly (code 1) needs a fragment: we send
	 * none. */
	return q->code == 0;
}

#endif /* XS_BPF_PARSE6_H */
