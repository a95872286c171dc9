// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Ethernet/IPv6 frames as the monitor shows them (frame6.h).
 */
#include <string.h>

#include "frame6.h"

#define NH_HOPOPTS 0
#define NH_TCP 6
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define ICMP6_HLEN 8
#define ICMP6_DEST_UNREACH 1
#define ICMP6_PKT_TOOBIG 2
#define ICMP6_TIME_EXCEED 3
#define NH_DSTOPTS 60

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static bool is_ext(uint8_t nh)
{
	return nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_DSTOPTS;
}

/*
 * The IPv6 header at ip (avail bytes from there): fields, and the
 * extension headers walked to the upper layer inside the payload length,
 * as the BPF programs walk them.  *l4: offset of the upper layer from ip.
 */
static enum xs_parse_err walk(const uint8_t *ip, size_t avail, struct xs_ip6 *h,
			      size_t *l4)
{
	size_t pos = XS_IP6_HLEN, end;
	uint8_t nh;

	if (avail < XS_IP6_HLEN)
		return XS_PARSE_SHORT_IP;
	if (ip[0] >> 4 != 6)
		return XS_PARSE_BAD_VERSION;
	h->tclass = (uint8_t)(get16(ip) >> 4);
	h->flow_label = get32(ip) & 0xfffff;
	h->payload_len = get16(ip + 4);
	h->next_header = nh = ip[6];
	h->hop_limit = ip[7];
	memcpy(h->saddr.b, ip + 8, 16);
	memcpy(h->daddr.b, ip + 24, 16);
	end = XS_IP6_HLEN + (size_t)h->payload_len;
	h->nchain = 0;
	while (is_ext(nh)) {
		/* Bounded: at most XS_F6_EXT_NUM passes. */
		if (h->nchain == XS_F6_EXT_NUM)
			return XS_PARSE_NOT_TCP;
		if (pos + 2 > avail || pos + 2 > end)
			return XS_PARSE_BAD_TOTLEN;
		h->chain[h->nchain++] = nh;
		nh = ip[pos];
		pos += ((size_t)ip[pos + 1] + 1) * 8;
		if (pos - XS_IP6_HLEN > XS_F6_EXT_BYTES)
			return XS_PARSE_NOT_TCP;
	}
	h->chain[h->nchain++] = nh;
	h->ext_len = pos - XS_IP6_HLEN;
	if (pos > end)
		return XS_PARSE_BAD_TOTLEN;
	if (nh == NH_FRAGMENT)
		return XS_PARSE_FRAGMENT;
	*l4 = pos;
	return XS_PARSE_OK;
}

/*
 * The TCP segment at seg (n bytes), through packet.c's parser: its header
 * (at most 60 bytes) behind a made-up IPv4 header, then every pointer and
 * length put back onto the real frame.
 */
static enum xs_parse_err parse_tcp(const uint8_t *eth, const uint8_t *seg,
				   size_t n, struct xs_pkt *p)
{
	uint8_t shim[XS_ETH_HLEN + XS_IP_HLEN + 60] = { 0 };
	size_t take = n < 60 ? n : 60, hlen;
	enum xs_parse_err err;
	uint8_t *ip = shim + XS_ETH_HLEN;

	memcpy(shim, eth, 12);
	shim[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((XS_IP_HLEN + take) >> 8);
	ip[3] = (uint8_t)(XS_IP_HLEN + take);
	ip[8] = 64;
	ip[9] = NH_TCP;
	memcpy(ip + XS_IP_HLEN, seg, take);
	err = xs_parse_frame(shim, XS_ETH_HLEN + XS_IP_HLEN + take, p);
	if (err != XS_PARSE_OK)
		return err;
	hlen = (size_t)p->doff * 4;
	p->tcp = seg;
	p->tcp_len = n;
	p->payload = seg + hlen;
	p->payload_len = n - hlen;
	return XS_PARSE_OK;
}

/* An ICMPv6 error at h (n bytes) and the IPv6 header it quotes. */
static enum xs_parse_err parse_icmp6(const uint8_t *h, size_t n,
				     struct xs_pkt *p, struct xs_ip6 *ip6)
{
	struct xs_icmp *ic = &p->icmp;
	struct xs_ip6 q;
	size_t l4;
	enum xs_parse_err err;

	if (n < ICMP6_HLEN)
		return XS_PARSE_SHORT_ICMP;
	ic->hdr = h;
	ic->len = n;
	ic->type = h[0];
	ic->code = h[1];
	ic->csum = get16(h + 2);
	if (ic->type != ICMP6_DEST_UNREACH && ic->type != ICMP6_PKT_TOOBIG &&
	    ic->type != ICMP6_TIME_EXCEED)
		return XS_PARSE_ICMP_TYPE;
	if (ic->type == ICMP6_PKT_TOOBIG) {
		ip6->mtu = get32(h + 4);
		ic->mtu = ip6->mtu > 0xffff ? 0xffff : (uint16_t)ip6->mtu;
	}
	/* A quote is cut by nature: the walk judges only what is there. */
	memset(&q, 0, sizeof(q));
	err = walk(h + ICMP6_HLEN, n - ICMP6_HLEN, &q, &l4);
	if (err == XS_PARSE_SHORT_IP)
		return XS_PARSE_SHORT_ICMP;
	if (err == XS_PARSE_BAD_TOTLEN || err == XS_PARSE_BAD_VERSION ||
	    err == XS_PARSE_NOT_TCP)
		return XS_PARSE_ICMP_QUOTE;
	ip6->q_saddr = q.saddr;
	ip6->q_daddr = q.daddr;
	ic->q_proto = q.chain[q.nchain - 1];
	if (err == XS_PARSE_FRAGMENT)
		return XS_PARSE_ICMP_QUOTE;
	if (l4 > n - ICMP6_HLEN)
		return XS_PARSE_ICMP_QUOTE;
	ic->q_l4_len = n - ICMP6_HLEN - l4;
	h += ICMP6_HLEN + l4;
	if (ic->q_l4_len >= 1)
		ic->q_icmp_type = h[0];
	if (ic->q_l4_len >= 4) {
		ic->q_sport = get16(h);
		ic->q_dport = get16(h + 2);
	}
	if (ic->q_l4_len >= 8)
		ic->q_seq = get32(h + 4);
	p->is_icmp = true;
	return XS_PARSE_OK;
}

enum xs_parse_err xs_parse_frame6(const uint8_t *buf, size_t len,
				  struct xs_pkt *p, struct xs_ip6 *ip6)
{
	const uint8_t *ip = buf + XS_ETH_HLEN;
	enum xs_parse_err err;
	size_t l4, end;
	uint8_t proto;

	memset(p, 0, sizeof(*p));
	memset(ip6, 0, sizeof(*ip6));
	if (!buf || len < XS_ETH_HLEN)
		return XS_PARSE_SHORT_ETH;
	memcpy(p->dst_mac, buf, 6);
	memcpy(p->src_mac, buf + 6, 6);
	p->ethertype = get16(buf + 12);
	/* Not an IPv6 frame at all: nothing it can show. */
	if (p->ethertype != XS_ETH_P_IPV6)
		return XS_PARSE_NOT_TCP;
	if (len > XS_ETH_HLEN)
		p->ip_version = ip[0] >> 4;
	err = walk(ip, len - XS_ETH_HLEN, ip6, &l4);
	if (err != XS_PARSE_OK && err != XS_PARSE_FRAGMENT)
		return err;
	proto = ip6->chain[ip6->nchain - 1];
	end = XS_IP6_HLEN + (size_t)ip6->payload_len;
	/* Bytes past the payload length are Ethernet padding. */
	if (end > len - XS_ETH_HLEN)
		return XS_PARSE_BAD_TOTLEN;
	if (err == XS_PARSE_FRAGMENT)
		return err;
	if (proto == NH_TCP) {
		if (end - l4 < XS_TCP_HLEN)
			return XS_PARSE_SHORT_TCP;
		err = parse_tcp(buf, ip + l4, end - l4, p);
	} else if (proto == XS_NH_ICMPV6) {
		err = parse_icmp6(ip + l4, end - l4, p, ip6);
	} else {
		err = XS_PARSE_NOT_TCP;
	}
	/* packet.c's parser set its IPv4 view of the shim: ours instead. */
	p->ethertype = XS_ETH_P_IPV6;
	p->ip_version = 6;
	p->ihl = 0;
	p->tos = ip6->tclass;
	p->tot_len = (uint16_t)end;
	p->ip_id = p->frag_off = p->ip_csum = 0;
	p->ttl = ip6->hop_limit;
	p->protocol = proto;
	/* No IPv4 addresses: ip6 holds the frame's. */
	memset(&p->saddr, 0, sizeof(p->saddr));
	memset(&p->daddr, 0, sizeof(p->daddr));
	return err;
}

/* Unfolded sum of the 40-byte pseudo-header of RFC 8200 section 8.1. */
static uint32_t pseudo_sum6(const struct xs_addr *s, const struct xs_addr *d,
			    uint8_t proto, size_t len)
{
	uint8_t tail[8] = { 0 };
	uint32_t sum;

	tail[0] = (uint8_t)(len >> 24);
	tail[1] = (uint8_t)(len >> 16);
	tail[2] = (uint8_t)(len >> 8);
	tail[3] = (uint8_t)len;
	tail[7] = proto;
	sum = xs_csum_add(0, s->b, 16);
	sum = xs_csum_add(sum, d->b, 16);
	return xs_csum_add(sum, tail, sizeof(tail));
}

uint16_t xs_l4_csum6(const struct xs_addr *s, const struct xs_addr *d,
		     uint8_t proto, const void *seg, size_t len)
{
	uint32_t sum = pseudo_sum6(s, d, proto, len);

	return (uint16_t)~xs_csum_fold(xs_csum_add(sum, seg, len));
}

const char *xs_tcp_csum_state6(const struct xs_pkt *p, const struct xs_ip6 *ip6)
{
	if (!p->tcp)
		return NULL;
	if (!xs_l4_csum6(&ip6->saddr, &ip6->daddr, NH_TCP, p->tcp, p->tcp_len))
		return "valid";
	/* CHECKSUM_PARTIAL: the folded pseudo-header sum, not complemented. */
	if (p->tcp_csum == xs_csum_fold(pseudo_sum6(&ip6->saddr, &ip6->daddr,
						    NH_TCP, p->tcp_len)))
		return "partial";
	return "bad";
}

bool xs_icmp6_csum_ok(const struct xs_pkt *p, const struct xs_ip6 *ip6)
{
	if (!p || !p->is_icmp || !p->icmp.hdr)
		return false;
	return !xs_l4_csum6(&ip6->saddr, &ip6->daddr, XS_NH_ICMPV6, p->icmp.hdr,
			    p->icmp.len);
}

/* RFC 4443 3.1, RFC 6554 (7), RFC 8883 (8) */
static const char *const unreach6[] = {
	"no route to destination",
	"administratively prohibited",
	"beyond scope of source address",
	"address unreachable",
	"port unreachable",
	"source address failed ingress/egress policy",
	"reject route to destination",
	"error in source routing header",
	"headers too long",
};

const char *xs_icmp6_reason(uint8_t type, uint8_t code)
{
	if (type == ICMP6_DEST_UNREACH)
		return code < sizeof(unreach6) / sizeof(unreach6[0]) ?
			       unreach6[code] :
			       "destination unreachable";
	if (type == ICMP6_PKT_TOOBIG)
		return "packet too big";
	if (type == ICMP6_TIME_EXCEED)
		return code == 1 ? "fragment reassembly time exceeded" :
				   "hop limit exceeded in transit";
	return "ICMPv6 error";
}

const char *xs_ip6_nh_name(uint8_t nh)
{
	switch (nh) {
	case NH_HOPOPTS:
		return "HOPOPT";
	case NH_TCP:
		return "TCP";
	case 17:
		return "UDP";
	case NH_ROUTING:
		return "IPv6-Route";
	case NH_FRAGMENT:
		return "IPv6-Frag";
	case XS_NH_ICMPV6:
		return "IPv6-ICMP";
	case 59:
		return "IPv6-NoNxt";
	case NH_DSTOPTS:
		return "IPv6-Opts";
	}
	return NULL;
}
