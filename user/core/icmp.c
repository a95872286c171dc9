/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMP and ICMPv6 errors as answers (icmp.h).
 */
#include <string.h>

#include "icmp.h"

#define ICMP_HLEN 8
#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP 6
#define IP_PROTO_ICMPV6 58
#define IP_MF 0x2000

bool xs_icmp_type_is_error(uint8_t ver, uint8_t type)
{
	if (ver == 6)
		return type < 128; /* RFC 4443 section 2.1 */
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

bool xs_icmp_is_too_big(uint8_t ver, uint8_t type, uint8_t code)
{
	if (ver == 6)
		return type == XS_ICMP6_PKT_TOOBIG;
	return type == XS_ICMP_DEST_UNREACH && code == XS_ICMP_FRAG_NEEDED;
}

/* The quoted transport header at l4, n bytes of it. */
static void quote_l4(const uint8_t *l4, size_t n, struct xs_icmp *ic)
{
	ic->q_l4_len = n;
	if (n >= 1)
		ic->q_icmp_type = l4[0];
	if (n >= 4) {
		ic->q_sport = xs_get16(l4);
		ic->q_dport = xs_get16(l4 + 2);
	}
	if (n >= 8)
		ic->q_seq = xs_get32(l4 + 4);
}

/* The quoted IPv4 header at q (n bytes of ICMP data), and what follows. */
static enum xs_parse_err parse_quote(const uint8_t *q, size_t n,
				     struct xs_icmp *ic)
{
	size_t qhlen;

	if (n < XS_IP_HLEN)
		return XS_PARSE_SHORT_ICMP;
	qhlen = (size_t)(q[0] & 0x0f) * 4;
	if (q[0] >> 4 != 4 || qhlen < XS_IP_HLEN || qhlen > n)
		return XS_PARSE_ICMP_QUOTE;
	ic->q_frag_off = xs_get16(q + 6);
	ic->q_proto = q[9];
	ic->q_saddr = xs_addr_v4(0);
	ic->q_daddr = xs_addr_v4(0);
	memcpy(&ic->q_saddr.b[12], q + 12, 4);
	memcpy(&ic->q_daddr.b[12], q + 16, 4);
	quote_l4(q + qhlen, n - qhlen, ic);
	return XS_PARSE_OK;
}

/*
 * The quoted IPv6 header at q (n bytes of ICMPv6 data) and its extension
 * headers, walked as a frame's (xs_ip6_walk_ext) but within the quote: a
 * quote is cut wherever the router's MTU cut it, so its own payload length
 * is not trusted.  A quoted fragment header is reported as IPv4's MF bit
 * with the protocol it names; a chain that cannot be walked (cut, too
 * long, routed) is not our probe's: we send none.
 */
static enum xs_parse_err parse_quote6(const uint8_t *q, size_t n,
				      struct xs_icmp *ic)
{
	size_t off = XS_IP6_HLEN;
	enum xs_parse_err err;
	uint8_t n_ext;

	if (n < XS_IP6_HLEN)
		return XS_PARSE_SHORT_ICMP6;
	if (q[0] >> 4 != 6)
		return XS_PARSE_ICMP6_QUOTE;
	memcpy(ic->q_saddr.b, q + 8, 16);
	memcpy(ic->q_daddr.b, q + 24, 16);
	if (xs_addr_is_v4(&ic->q_saddr) || xs_addr_is_v4(&ic->q_daddr))
		return XS_PARSE_ICMP6_QUOTE;
	ic->q_proto = q[6];
	err = xs_ip6_walk_ext(q, n, &ic->q_proto, &off, &n_ext, NULL);
	if (err == XS_PARSE_FRAGMENT6) {
		/* The fragment header's own next header says whose it is;
		 * the validator refuses it if it is a TCP of ours. */
		if (n - off < 8)
			return XS_PARSE_ICMP6_QUOTE;
		ic->q_frag_off = IP_MF;
		ic->q_proto = q[off];
		off += 8;
	} else if (err != XS_PARSE_OK) {
		return XS_PARSE_ICMP6_QUOTE;
	}
	quote_l4(q + off, n - off, ic);
	return XS_PARSE_OK;
}

/* The ICMP header at h, ic->len bytes of message, of IP version ver. */
static enum xs_parse_err parse_icmp(const uint8_t *h, uint8_t ver,
				    struct xs_icmp *ic)
{
	const uint8_t *q = h + ICMP_HLEN;
	size_t n = ic->len - ICMP_HLEN;

	ic->hdr = h;
	ic->type = h[0];
	ic->code = h[1];
	ic->csum = xs_get16(h + 2);
	if (ver == 6) {
		if (ic->type != XS_ICMP6_DEST_UNREACH &&
		    ic->type != XS_ICMP6_PKT_TOOBIG &&
		    ic->type != XS_ICMP6_TIME_EXCEEDED)
			return XS_PARSE_ICMP_TYPE;
		if (ic->type == XS_ICMP6_PKT_TOOBIG)
			ic->mtu = xs_get32(h + 4);
		return parse_quote6(q, n, ic);
	}
	if (ic->type != XS_ICMP_DEST_UNREACH &&
	    ic->type != XS_ICMP_TIME_EXCEEDED)
		return XS_PARSE_ICMP_TYPE;
	if (ic->type == XS_ICMP_DEST_UNREACH && ic->code == XS_ICMP_FRAG_NEEDED)
		ic->mtu = xs_get16(h + 6);
	return parse_quote(q, n, ic);
}

enum xs_parse_err xs_parse_reply_frame(const uint8_t *buf, size_t len,
				       struct xs_pkt *p)
{
	enum xs_parse_err err = xs_parse_frame(buf, len, p);
	struct xs_icmp *ic = &p->icmp;
	uint8_t want;

	if (err != XS_PARSE_NOT_TCP)
		return err;
	want = p->ip_version == 6 ? IP_PROTO_ICMPV6 : IP_PROTO_ICMP;
	if (p->protocol != want)
		return err;
	/* xs_parse_frame() checked the IP header and the extension headers
	 * (l3_len) against tot_len, and tot_len against the frame. */
	ic->len = p->tot_len - p->l3_len;
	if (ic->len < ICMP_HLEN)
		return p->ip_version == 6 ? XS_PARSE_SHORT_ICMP6 :
					    XS_PARSE_SHORT_ICMP;
	err = parse_icmp(buf + XS_ETH_HLEN + p->l3_len, p->ip_version, ic);
	if (err != XS_PARSE_OK)
		return err;
	p->is_icmp = true;
	return XS_PARSE_OK;
}

bool xs_icmp_csum_ok(const struct xs_pkt *p)
{
	uint32_t sum = 0;

	if (!p || !p->is_icmp || !p->icmp.hdr)
		return false;
	if (p->ip_version == 6)
		sum = xs_pseudo_sum(&p->saddr, &p->daddr, IP_PROTO_ICMPV6,
				    p->icmp.len);
	return xs_csum_fold(xs_csum_add(sum, p->icmp.hdr, p->icmp.len)) ==
	       0xffff;
}

/* RFC 4443 section 3.1's codes 0-6 as the IPv4 codes they stand for. */
static const uint8_t unreach6_as4[7] = { 0, 13, 1, 1, 3, 13, 13 };

enum xs_icmp_state xs_icmp_state(uint8_t ver, uint8_t type, uint8_t code)
{
	if (ver == 6) {
		if (type != XS_ICMP6_DEST_UNREACH ||
		    code >= sizeof(unreach6_as4))
			return XS_ICMP_UNREACHABLE;
		type = XS_ICMP_DEST_UNREACH;
		code = unreach6_as4[code];
	}
	if (type != XS_ICMP_DEST_UNREACH)
		return XS_ICMP_UNREACHABLE;
	switch (code) {
	case 0: /* net unreachable */
	case 1: /* host unreachable */
	case 2: /* protocol unreachable */
	case 3: /* port unreachable */
	case 9: /* network administratively prohibited */
	case 10: /* host administratively prohibited */
	case 13: /* communication administratively prohibited */
		return XS_ICMP_FILTERED;
	default:
		return XS_ICMP_UNREACHABLE;
	}
}

const char *xs_icmp_state_str(enum xs_icmp_state s)
{
	return s == XS_ICMP_FILTERED ? "filtered" : "unreachable";
}

/* RFC 792, RFC 1812 section 5.2.7.1 */
static const char *const unreach_names[16] = {
	"network unreachable",
	"host unreachable",
	"protocol unreachable",
	"port unreachable",
	"fragmentation needed",
	"source route failed",
	"destination network unknown",
	"destination host unknown",
	"source host isolated",
	"network administratively prohibited",
	"host administratively prohibited",
	"network unreachable for TOS",
	"host unreachable for TOS",
	"administratively prohibited",
	"host precedence violation",
	"precedence cutoff in effect",
};

/* RFC 4443 section 3.1, RFC 6554 (7), RFC 8883 (8) */
static const char *const unreach6_names[9] = {
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

static const char *icmp6_reason(uint8_t type, uint8_t code)
{
	if (type == XS_ICMP6_DEST_UNREACH)
		return code < sizeof(unreach6_names) / sizeof(*unreach6_names) ?
			       unreach6_names[code] :
			       "destination unreachable";
	if (type == XS_ICMP6_PKT_TOOBIG)
		return "packet too big";
	if (type == XS_ICMP6_TIME_EXCEEDED)
		return code == 0 ? "hop limit exceeded in transit" :
		       code == 1 ? "fragment reassembly time exceeded" :
				   "time exceeded";
	return "ICMPv6 error";
}

const char *xs_icmp_reason(uint8_t ver, uint8_t type, uint8_t code)
{
	if (ver == 6)
		return icmp6_reason(type, code);
	if (type == XS_ICMP_DEST_UNREACH)
		return code < 16 ? unreach_names[code] :
				   "destination unreachable";
	if (type == XS_ICMP_TIME_EXCEEDED)
		return code == 0 ? "TTL exceeded in transit" :
		       code == 1 ? "fragment reassembly time exceeded" :
				   "time exceeded";
	return "ICMP error";
}
