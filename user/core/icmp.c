/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMP errors as answers (icmp.h).
 */
#include <string.h>

#include "icmp.h"

#define ICMP_HLEN 8
#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP 6

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

bool xs_icmp_type_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* The quoted IPv4 header at q (n bytes of ICMP data), and what follows. */
static enum xs_parse_err parse_quote(const uint8_t *q, size_t n,
				     struct xs_icmp *ic)
{
	size_t qhlen;
	const uint8_t *l4;

	if (n < XS_IP_HLEN)
		return XS_PARSE_SHORT_ICMP;
	qhlen = (size_t)(q[0] & 0x0f) * 4;
	if (q[0] >> 4 != 4 || qhlen < XS_IP_HLEN || qhlen > n)
		return XS_PARSE_ICMP_QUOTE;
	ic->q_frag_off = get16(q + 6);
	ic->q_proto = q[9];
	memcpy(&ic->q_saddr, q + 12, 4);
	memcpy(&ic->q_daddr, q + 16, 4);
	l4 = q + qhlen;
	ic->q_l4_len = n - qhlen;
	if (ic->q_l4_len >= 1)
		ic->q_icmp_type = l4[0];
	if (ic->q_l4_len >= 4) {
		ic->q_sport = get16(l4);
		ic->q_dport = get16(l4 + 2);
	}
	if (ic->q_l4_len >= 8)
		ic->q_seq = get32(l4 + 4);
	return XS_PARSE_OK;
}

enum xs_parse_err xs_parse_reply_frame(const uint8_t *buf, size_t len,
				       struct xs_pkt *p)
{
	enum xs_parse_err err = xs_parse_frame(buf, len, p);
	struct xs_icmp *ic = &p->icmp;
	const uint8_t *h;
	size_t hlen;

	if (err != XS_PARSE_NOT_TCP || p->protocol != IP_PROTO_ICMP)
		return err;
	/* xs_parse_frame() checked ihl and tot_len against the frame. */
	hlen = (size_t)p->ihl * 4;
	h = buf + XS_ETH_HLEN + hlen;
	ic->len = p->tot_len - hlen;
	if (ic->len < ICMP_HLEN)
		return XS_PARSE_SHORT_ICMP;
	ic->hdr = h;
	ic->type = h[0];
	ic->code = h[1];
	ic->csum = get16(h + 2);
	if (ic->type != XS_ICMP_DEST_UNREACH &&
	    ic->type != XS_ICMP_TIME_EXCEEDED)
		return XS_PARSE_ICMP_TYPE;
	if (ic->type == XS_ICMP_DEST_UNREACH && ic->code == XS_ICMP_FRAG_NEEDED)
		ic->mtu = get16(h + 6);
	err = parse_quote(h + ICMP_HLEN, ic->len - ICMP_HLEN, ic);
	if (err != XS_PARSE_OK)
		return err;
	p->is_icmp = true;
	return XS_PARSE_OK;
}

bool xs_icmp_csum_ok(const struct xs_pkt *p)
{
	if (!p || !p->is_icmp || !p->icmp.hdr)
		return false;
	return xs_csum_fold(xs_csum_add(0, p->icmp.hdr, p->icmp.len)) == 0xffff;
}

enum xs_icmp_state xs_icmp_state(uint8_t type, uint8_t code)
{
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

const char *xs_icmp_reason(uint8_t type, uint8_t code)
{
	if (type == XS_ICMP_DEST_UNREACH)
		return code < 16 ? unreach_names[code] :
				   "destination unreachable";
	if (type == XS_ICMP_TIME_EXCEEDED)
		return code == 0 ? "TTL exceeded in transit" :
		       code == 1 ? "fragment reassembly time exceeded" :
				   "time exceeded";
	return "ICMP error";
}
