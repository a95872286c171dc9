/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet/IPv4/TCP and Ethernet/IPv6/TCP frame building and parsing.
 *
 * Byte order convention for every 16-bit checksum value in this file: it is
 * a host-order number equal to the checksum field *read big-endian*, the way
 * the tutorial's sniffer prints it (SYN: 58692).  The sums are taken over
 * big-endian 16-bit words, so the result goes into a frame with put16() (or
 * htons()) and comes out with xs_get16() (or ntohs()).  With this convention
 * the tutorial's SYN-ACK field 22600 (0x5848) is exactly
 * xs_tcp_pseudo_csum(172.17.0.5, 172.17.0.2, 24).
 *
 * Multi-byte fields are read and written a byte at a time, so nothing here
 * depends on alignment or on the host's endianness.
 */
#include <string.h>

#include "packet.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define IP_PROTO_TCP 6
#define IP6_NH_HOPOPTS 0
#define IP6_NH_ROUTING 43
#define IP6_NH_FRAGMENT 44
#define IP6_NH_DSTOPTS 60
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WS 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_TS 8
#define TCPOLEN_MSS 4
#define TCPOLEN_WS 3
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_TS 10
/* RFC 7323 section 2.3: larger shifts are treated as 14. */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

#define PARSE_ERR_TEXT(up, str) [XS_PARSE_##up] = str,
static const char *const parse_errs[XS_PARSE_ERR_MAX] = {
	XS_PARSE_ERR_LIST(PARSE_ERR_TEXT) /* one per member */
};

const char *xs_parse_strerror(enum xs_parse_err err)
{
	if ((unsigned int)err >= XS_PARSE_ERR_MAX)
		return "unknown parse error";
	return parse_errs[err];
}

/*
 * RFC 1071 sum of big-endian 16-bit words, added to sum.  An odd trailing
 * byte counts as the high byte of a word padded with zero, so only the last
 * chunk of a chained sum may have an odd length.  The 64-bit accumulator is
 * folded back to 32 bits; 2^32 = 1 (mod 0xffff), so this keeps the one's
 * complement value while letting callers chain any number of calls.
 */
uint32_t xs_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += xs_get16(p + i);
	if (len & 1)
		acc += (uint32_t)p[len - 1] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

/* Fold to 16 bits, NOT complemented (unlike the kernel's csum_fold()). */
uint16_t xs_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Over a header whose checksum field is zero: the value to store.  Over a
 * received header as it is: 0 when it verifies. */
uint16_t xs_ip_csum(const void *iphdr, size_t len)
{
	return (uint16_t)~xs_csum_fold(xs_csum_add(0, iphdr, len));
}

/*
 * Unfolded sum of the pseudo-header: RFC 9293 section 3.1 for IPv4 (the
 * addresses, zero, protocol, 16-bit length), RFC 8200 section 8.1 for IPv6
 * (the addresses, 32-bit length, three zeros, next header).  Both are a
 * sum of 16-bit words, so one function serves both: the IPv4 one sums the
 * last 4 bytes of each mapped address, the IPv6 one all 16, and the length
 * and protocol words add up the same in either layout (the zeros count
 * nothing).  Addresses are in network order already: their bytes as they
 * are.
 */
uint32_t xs_pseudo_sum(const struct xs_addr *saddr, const struct xs_addr *daddr,
		       uint8_t proto, size_t len)
{
	size_t off = xs_addr_is_v4(saddr) ? 12 : 0;
	uint8_t tail[8] = { 0 };
	uint32_t sum;

	sum = xs_csum_add(0, saddr->b + off, 16 - off);
	sum = xs_csum_add(sum, daddr->b + off, 16 - off);
	put32(tail, (uint32_t)len);
	tail[7] = proto;
	return xs_csum_add(sum, tail, sizeof(tail));
}

uint16_t xs_tcp_csum(const struct xs_addr *saddr, const struct xs_addr *daddr,
		     const void *seg, size_t len)
{
	uint32_t sum = xs_pseudo_sum(saddr, daddr, IP_PROTO_TCP, len);

	return (uint16_t)~xs_csum_fold(xs_csum_add(sum, seg, len));
}

uint16_t xs_tcp_pseudo_csum(const struct xs_addr *saddr,
			    const struct xs_addr *daddr, size_t len)
{
	return xs_csum_fold(xs_pseudo_sum(saddr, daddr, IP_PROTO_TCP, len));
}

size_t xs_l3l4_hlen(const struct xs_addr *addr, size_t optlen)
{
	return (xs_addr_is_v4(addr) ? XS_IP_HLEN : XS_IP6_HLEN) + XS_TCP_HLEN +
	       optlen;
}

/*
 * Options are laid out as Linux lays them out in a SYN (tcp_options_write):
 * MSS; timestamps, preceded by SACK_PERM when both are on (04 02 08 0a) or
 * by two NOPs; SACK_PERM alone as NOP NOP 04 02; window scale as NOP 03 03
 * ws.  Every piece is a whole 32-bit word, so no further padding is needed,
 * and a server sees exactly what a Linux client would have sent.
 */
size_t xs_tcp_opts_len(const struct xs_tcp_opts *opts)
{
	size_t n = 0;

	if (opts->has_mss)
		n += 4;
	if (opts->has_ts)
		n += 12;
	if (opts->sack_ok && !opts->has_ts)
		n += 4;
	if (opts->has_wscale)
		n += 4;
	return n;
}

static size_t write_opts(uint8_t *o, const struct xs_tcp_opts *opts)
{
	uint8_t *p = o;

	if (opts->has_mss) {
		p[0] = TCPOPT_MSS;
		p[1] = TCPOLEN_MSS;
		put16(p + 2, opts->mss);
		p += 4;
	}
	if (opts->has_ts) {
		if (opts->sack_ok) {
			p[0] = TCPOPT_SACK_PERM;
			p[1] = TCPOLEN_SACK_PERM;
		} else {
			p[0] = TCPOPT_NOP;
			p[1] = TCPOPT_NOP;
		}
		p[2] = TCPOPT_TS;
		p[3] = TCPOLEN_TS;
		put32(p + 4, opts->ts_val);
		put32(p + 8, opts->ts_ecr);
		p += 12;
	} else if (opts->sack_ok) {
		p[0] = TCPOPT_NOP;
		p[1] = TCPOPT_NOP;
		p[2] = TCPOPT_SACK_PERM;
		p[3] = TCPOLEN_SACK_PERM;
		p += 4;
	}
	if (opts->has_wscale) {
		p[0] = TCPOPT_NOP;
		p[1] = TCPOPT_WS;
		p[2] = TCPOLEN_WS;
		p[3] = opts->wscale;
		p += 4;
	}
	return (size_t)(p - o);
}

/* The IPv4 header: version 4, ihl 5 (we never send IP options). */
static void put_ip4(uint8_t *ip, const struct xs_frame_spec *spec,
		    size_t seg_len)
{
	ip[0] = 0x45;
	ip[1] = spec->tos;
	put16(ip + 2, (uint16_t)(XS_IP_HLEN + seg_len));
	put16(ip + 4, spec->ip_id);
	put16(ip + 6, spec->df ? IP_DF : 0);
	ip[8] = spec->ttl;
	ip[9] = IP_PROTO_TCP;
	put16(ip + 10, 0);
	memcpy(ip + 12, &spec->saddr.b[12], 4);
	memcpy(ip + 16, &spec->daddr.b[12], 4);
	put16(ip + 10, xs_ip_csum(ip, XS_IP_HLEN));
}

/* The IPv6 header (RFC 8200 section 3), no extension headers. */
static void put_ip6(uint8_t *ip, const struct xs_frame_spec *spec,
		    size_t seg_len)
{
	put32(ip, 6u << 28 | (uint32_t)spec->tos << 20 |
			  (spec->flow_label & 0xfffff));
	put16(ip + 4, (uint16_t)seg_len);
	ip[6] = IP_PROTO_TCP;
	ip[7] = spec->ttl;
	memcpy(ip + 8, spec->saddr.b, 16);
	memcpy(ip + 24, spec->daddr.b, 16);
}

static void put_tcp(uint8_t *tcp, const struct xs_frame_spec *spec,
		    size_t tcp_hlen)
{
	put16(tcp, spec->sport);
	put16(tcp + 2, spec->dport);
	put32(tcp + 4, spec->seq);
	put32(tcp + 8, spec->ack);
	tcp[12] = (uint8_t)((tcp_hlen / 4) << 4);
	tcp[13] = spec->flags;
	put16(tcp + 14, spec->window);
	put16(tcp + 16, 0);
	put16(tcp + 18, 0); /* urgent pointer: never URG */
	write_opts(tcp + XS_TCP_HLEN, &spec->opts);
	if (spec->payload_len)
		memcpy(tcp + tcp_hlen, spec->payload, spec->payload_len);
}

size_t xs_build_tcp_frame(uint8_t *buf, size_t cap,
			  const struct xs_frame_spec *spec)
{
	size_t optlen = xs_tcp_opts_len(&spec->opts);
	size_t tcp_hlen = XS_TCP_HLEN + optlen;
	bool v4 = xs_addr_is_v4(&spec->saddr);
	size_t ip_hlen = v4 ? XS_IP_HLEN : XS_IP6_HLEN;
	size_t seg_len, frame_len;
	uint8_t *ip, *tcp;

	if (v4 != xs_addr_is_v4(&spec->daddr))
		return 0;
	/* The option set is fixed, so this only guards future additions. */
	if (optlen > XS_TCP_MAX_OPTLEN || (optlen & 3))
		return 0;
	if (spec->payload_len && !spec->payload)
		return 0;
	seg_len = tcp_hlen + spec->payload_len;
	/* IPv4's total length and IPv6's payload length are 16-bit fields;
	 * checked before the sum can overflow. */
	if (spec->payload_len > 0xffff ||
	    (v4 ? XS_IP_HLEN + seg_len : seg_len) > 0xffff)
		return 0;
	frame_len = XS_ETH_HLEN + ip_hlen + seg_len;
	if (!buf || cap < frame_len)
		return 0;

	memcpy(buf, spec->dst_mac, 6);
	memcpy(buf + 6, spec->src_mac, 6);
	put16(buf + 12, v4 ? ETH_P_IPV4 : ETH_P_IPV6);
	ip = buf + XS_ETH_HLEN;
	if (v4)
		put_ip4(ip, spec, seg_len);
	else
		put_ip6(ip, spec, seg_len);
	tcp = ip + ip_hlen;
	put_tcp(tcp, spec, tcp_hlen);
	put16(tcp + 16, xs_tcp_csum(&spec->saddr, &spec->daddr, tcp, seg_len));
	return frame_len;
}

/*
 * RFC 9293 section 3.2 and RFC 7323 section 2: EOL ends the list, NOP is one
 * byte, anything else has a length byte that counts kind and length, so it
 * must be at least 2 and must not run past the header.  One that breaks
 * this ends the parsing, as in Linux's tcp_parse_options() ("silly
 * options", "don't parse partial options"): what came before it is kept,
 * the segment is not refused, and opts->malformed says so.  A known option
 * with an unexpected length is skipped, not trusted.  Every pass advances i
 * by at least one byte and n <= 40, so the loop is bounded.
 */
static void parse_opts(const uint8_t *o, size_t n, struct xs_tcp_opts *opts)
{
	size_t i = 0;

	while (i < n) {
		uint8_t kind = o[i];
		uint8_t olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (n - i < 2 || o[i + 1] < 2 || o[i + 1] > n - i) {
			opts->malformed = true;
			return;
		}
		olen = o[i + 1];

		switch (kind) {
		case TCPOPT_MSS:
			if (olen == TCPOLEN_MSS) {
				opts->has_mss = true;
				opts->mss = xs_get16(o + i + 2);
			}
			break;
		case TCPOPT_WS:
			if (olen == TCPOLEN_WS) {
				opts->has_wscale = true;
				opts->wscale = o[i + 2];
			}
			break;
		case TCPOPT_SACK_PERM:
			if (olen == TCPOLEN_SACK_PERM)
				opts->sack_ok = true;
			break;
		case TCPOPT_TS:
			if (olen == TCPOLEN_TS) {
				opts->has_ts = true;
				opts->ts_val = xs_get32(o + i + 2);
				opts->ts_ecr = xs_get32(o + i + 6);
			}
			break;
		default:
			break;
		}
		i += olen;
	}
}

/* The IPv4 header at ip (avail bytes to the frame's end). */
static enum xs_parse_err parse_ip4(const uint8_t *ip, size_t avail,
				   struct xs_pkt *p)
{
	size_t ip_hlen;

	if (avail < XS_IP_HLEN)
		return XS_PARSE_SHORT_IP;
	p->ip_version = ip[0] >> 4;
	p->ihl = ip[0] & 0x0f;
	if (p->ip_version != 4)
		return XS_PARSE_BAD_VERSION;
	p->tos = ip[1];
	p->tot_len = xs_get16(ip + 2);
	p->ip_id = xs_get16(ip + 4);
	p->frag_off = xs_get16(ip + 6);
	p->ttl = ip[8];
	p->protocol = ip[9];
	p->ip_csum = xs_get16(ip + 10);
	p->saddr = xs_addr_v4(0);
	p->daddr = xs_addr_v4(0);
	memcpy(&p->saddr.b[12], ip + 12, 4);
	memcpy(&p->daddr.b[12], ip + 16, 4);

	ip_hlen = (size_t)p->ihl * 4;
	if (p->ihl < 5)
		return XS_PARSE_BAD_IHL;
	if (ip_hlen > avail)
		return XS_PARSE_SHORT_IP;
	if (ip_hlen > p->tot_len)
		return XS_PARSE_BAD_IHL;
	/* Bytes past tot_len are Ethernet padding (a 40-byte SYN sits in a
	 * 60-byte minimum frame): from here on tot_len is the limit. */
	if (p->tot_len > avail)
		return XS_PARSE_BAD_TOTLEN;
	p->l3_len = (uint16_t)ip_hlen;
	/* DF alone is fine; MF or a non-zero offset is a piece of a datagram
	 * whose TCP header we may not have. */
	if (p->frag_off & (IP_MF | IP_OFFMASK))
		return XS_PARSE_FRAGMENT;
	return XS_PARSE_OK;
}

/*
 * IPv6 extension headers from off (inside the payload, end bytes in all),
 * RFC 8200 section 4, walked at most XS_IP6_EXT_MAX deep: hop-by-hop
 * (first only, as the kernel takes it), routing with no segments left,
 * destination options.  Each is 8 + 8 * its length byte long.  Anything
 * else ends the walk as the upper layer, *nh.  A fragment header is a
 * fragment; a routing header with segments left is for another hop (type
 * 0, deprecated by RFC 5095, is refused outright).  Shared by the frame
 * and the quote of an ICMPv6 error.
 */
enum xs_parse_err xs_ip6_walk_ext(const uint8_t *ip, size_t end, uint8_t *nh,
				  size_t *off, uint8_t *n_ext,
				  uint8_t types[XS_IP6_EXT_MAX])
{
	unsigned int i;
	size_t hlen;

	*n_ext = 0;
	for (i = 0;; i++) {
		if (*nh == IP6_NH_FRAGMENT)
			return XS_PARSE_FRAGMENT6;
		if (*nh != IP6_NH_HOPOPTS && *nh != IP6_NH_ROUTING &&
		    *nh != IP6_NH_DSTOPTS)
			return XS_PARSE_OK;
		if (*nh == IP6_NH_HOPOPTS && i)
			return XS_PARSE_BAD_EXT;
		if (i == XS_IP6_EXT_MAX)
			return XS_PARSE_EXT_CHAIN;
		if (end - *off < 8)
			return XS_PARSE_BAD_EXT;
		hlen = 8 + (size_t)ip[*off + 1] * 8;
		if (hlen > end - *off)
			return XS_PARSE_BAD_EXT;
		if (*nh == IP6_NH_ROUTING && ip[*off + 3])
			return ip[*off + 2] == 0 ? XS_PARSE_RH0 :
						   XS_PARSE_ROUTED;
		if (types)
			types[*n_ext] = *nh;
		*nh = ip[*off];
		*off += hlen;
		(*n_ext)++;
	}
}

/* The IPv6 header at ip (avail bytes to the frame's end), and the
 * extension headers up to the upper layer. */
static enum xs_parse_err parse_ip6(const uint8_t *ip, size_t avail,
				   struct xs_pkt *p)
{
	uint32_t w;
	size_t off = XS_IP6_HLEN;
	enum xs_parse_err err;

	if (avail < XS_IP6_HLEN)
		return XS_PARSE_SHORT_IP6;
	w = xs_get32(ip);
	p->ip_version = w >> 28;
	if (p->ip_version != 6)
		return XS_PARSE_BAD_VERSION6;
	p->tos = (w >> 20) & 0xff;
	p->flow_label = w & 0xfffff;
	p->payload_len6 = xs_get16(ip + 4);
	p->next_hdr = ip[6];
	p->ttl = ip[7];
	memcpy(p->saddr.b, ip + 8, 16);
	memcpy(p->daddr.b, ip + 24, 16);
	/* ::ffff:0:0/96 never appears on the wire (RFC 4291 2.5.5.2); taken,
	 * it would name an IPv4 handshake (addr.h). */
	if (xs_addr_is_v4(&p->saddr) || xs_addr_is_v4(&p->daddr))
		return XS_PARSE_V4MAPPED;
	p->tot_len = (uint16_t)(XS_IP6_HLEN + p->payload_len6);
	/* RFC 2675: length 0 with a hop-by-hop header is a jumbogram, more
	 * than 65535 bytes: never a frame of ours (nor of this MTU). */
	if (!p->payload_len6 && p->next_hdr == IP6_NH_HOPOPTS)
		return XS_PARSE_JUMBO;
	if (p->payload_len6 > avail - XS_IP6_HLEN ||
	    XS_IP6_HLEN + (size_t)p->payload_len6 > 0xffff)
		return XS_PARSE_BAD_PLEN;
	p->protocol = p->next_hdr;
	err = xs_ip6_walk_ext(ip, p->tot_len, &p->protocol, &off, &p->n_ext,
			      p->ext_nh);
	p->l3_len = (uint16_t)off;
	return err;
}

enum xs_parse_err xs_parse_frame(const uint8_t *buf, size_t len,
				 struct xs_pkt *p)
{
	const uint8_t *ip, *tcp;
	size_t seg_len, tcp_hlen;
	enum xs_parse_err err;

	memset(p, 0, sizeof(*p));

	if (!buf || len < XS_ETH_HLEN)
		return XS_PARSE_SHORT_ETH;
	memcpy(p->dst_mac, buf, 6);
	memcpy(p->src_mac, buf + 6, 6);
	p->ethertype = xs_get16(buf + 12);
	/* A VLAN tag (0x8100/0x88a8) lands here too: we only send untagged
	 * frames, so a tagged one is not an answer to us. */
	ip = buf + XS_ETH_HLEN;
	if (p->ethertype == ETH_P_IPV4)
		err = parse_ip4(ip, len - XS_ETH_HLEN, p);
	else if (p->ethertype == ETH_P_IPV6)
		err = parse_ip6(ip, len - XS_ETH_HLEN, p);
	else
		return XS_PARSE_NOT_IP;
	if (err != XS_PARSE_OK)
		return err;
	if (p->protocol != IP_PROTO_TCP)
		return XS_PARSE_NOT_TCP;

	tcp = ip + p->l3_len;
	seg_len = p->tot_len - p->l3_len;
	if (seg_len < XS_TCP_HLEN)
		return XS_PARSE_SHORT_TCP;
	p->tcp = tcp;
	p->tcp_len = seg_len;
	p->sport = xs_get16(tcp);
	p->dport = xs_get16(tcp + 2);
	p->seq = xs_get32(tcp + 4);
	p->ack = xs_get32(tcp + 8);
	p->doff = tcp[12] >> 4;
	p->reserved = tcp[12] & 0x0f;
	p->flags = tcp[13];
	p->window = xs_get16(tcp + 14);
	p->tcp_csum = xs_get16(tcp + 16);
	p->urg_ptr = xs_get16(tcp + 18);

	tcp_hlen = (size_t)p->doff * 4;
	if (p->doff < 5 || tcp_hlen > seg_len)
		return XS_PARSE_BAD_DOFF;
	parse_opts(tcp + XS_TCP_HLEN, tcp_hlen - XS_TCP_HLEN, &p->opts);

	p->payload = tcp + tcp_hlen;
	p->payload_len = seg_len - tcp_hlen;
	return XS_PARSE_OK;
}

bool xs_tcp_csum_acceptable(const struct xs_pkt *p)
{
	if (!p->tcp)
		return false;
	if (xs_tcp_csum(&p->saddr, &p->daddr, p->tcp, p->tcp_len) == 0)
		return true;
	/* CHECKSUM_PARTIAL: the sender's NIC (here, a veth peer on the same
	 * host) was to finish the sum and never did.  Such a frame was never
	 * on a wire that could have corrupted it. */
	return p->tcp_csum ==
	       xs_tcp_pseudo_csum(&p->saddr, &p->daddr, p->tcp_len);
}

const char *xs_tcp_flags_str(uint8_t flags, char *buf, size_t len)
{
	static const char *const names[8] = {
		"CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN",
	};
	size_t pos = 0;
	int i;

	if (!buf || !len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < 8; i++) {
		const char *s = flags & (0x80 >> i) ? names[i] : "_";
		size_t n = strlen(s) + (i ? 1 : 0);

		/* Stop at a whole item rather than print half a name. */
		if (pos + n >= len)
			break;
		if (i)
			buf[pos++] = ',';
		memcpy(buf + pos, s, strlen(s));
		pos += strlen(s);
		buf[pos] = '\0';
	}
	return buf;
}
