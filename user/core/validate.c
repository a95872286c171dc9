/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a received frame means for one handshake of ours (validate.h).
 *
 * The checks run from the cheapest and most general to the most specific,
 * and the first one that fails names the class:
 *
 *   1. the frame parses (xs_parse_frame): Ethernet, IPv4 or IPv6 (with its
 *      extension headers), TCP, options;
 *   2. its IPv4 header checksum verifies (IPv6 has none);
 *   3. it belongs to this handshake: the 4-tuple, reversed;
 *   4. its TCP checksum verifies, or holds exactly the pseudo-header sum
 *      that a same-host veth peer leaves (CHECKSUM_PARTIAL);
 *   5. flags that no state accepts (SYN with RST or FIN);
 *   6. the state machine: RFC 9293 section 3.10.7.3 in SYN-SENT, RFC 5961
 *      once established.
 *
 * An ICMP error goes the same way with its quote in place of the TCP
 * header (icmp_screen, icmp_phase): IPv4 checksum, the quote names this
 * handshake, ICMP checksum, the quote is a whole first fragment with 8
 * bytes of TCP, an ICMPv6 code a SYN can draw, then the quoted sequence
 * number is one we sent.
 *
 * Steps 2 to 5 do not depend on where the handshake is (xs_reply_screen),
 * step 6 does (xs_reply_phase): the scan path runs the first before it
 * locks its connection table and the second with the entry it finds there.
 *
 * Nothing here answers anything.  The caller sends the final ACK for
 * XS_REPLY_SYNACK, the same ACK again for XS_REPLY_DUP_SYNACK, a
 * rate-limited challenge ACK for XS_REPLY_CHALLENGE, and nothing at all for
 * every class below XS_REPLY_SYNACK: a forged frame never makes us send one.
 */
#include "icmp.h"
#include "validate.h"
#include "xdpshake.h"

#define XS_IPPROTO_ICMP_NUM 1
#define XS_IPPROTO_ICMPV6_NUM 58
#define XS_IPPROTO_TCP_NUM 6
#define IP_MF_BIT 0x2000
#define IP_OFFSET_MASK 0x1fff

#define REPLY_NAME(up, str) [XS_REPLY_##up] = str,
static const char *const reply_names[XS_REPLY_MAX] = {
	XS_REPLY_LIST(REPLY_NAME) /* one per member */
};

const char *xs_reply_str(enum xs_reply r)
{
	if ((unsigned int)r >= XS_REPLY_MAX)
		return "unknown";
	return reply_names[r];
}

/*
 * xs_pkt has no pointer to the IPv4 header, but the header ends where the
 * TCP header starts, and ihl says how long it is.  p->tcp is set once the
 * parser got past the IPv4 header, and ihl * 4 bytes before it are inside
 * the frame (the parser checked ihl * 4 against the bytes present).
 */
bool xs_ip_csum_ok(const struct xs_pkt *p)
{
	const uint8_t *l4 = p ? (p->is_icmp ? p->icmp.hdr : p->tcp) : NULL;
	size_t hlen;

	if (!l4)
		return false;
	if (p->ip_version == 6)
		return true;
	if (p->ihl < 5)
		return false;
	hlen = (size_t)p->ihl * 4;
	return xs_ip_csum(l4 - hlen, hlen) == 0;
}

/* The reply goes from the server to us: everything swapped. */
static bool tuple_matches(const struct xs_pkt *p, const struct xs_reply_ctx *c)
{
	return xs_addr_eq(&p->saddr, &c->daddr) &&
	       xs_addr_eq(&p->daddr, &c->saddr) && p->sport == c->dport &&
	       p->dport == c->sport;
}

/*
 * Parse errors that describe a frame that is well formed but not a TCP
 * segment we could own (another ethertype or protocol, a fragment whose TCP
 * header may be in another piece, an IPv6 extension chain longer than we
 * walk or routed through us) are "not ours"; the XDP filter passes exactly
 * these to the kernel.  Every other error is a broken frame (an IPv6
 * jumbogram, a type 0 routing header, a payload length past the frame, an
 * extension header cut or misplaced among them).
 */
static enum xs_reply parse_class(enum xs_parse_err err)
{
	switch (err) {
	case XS_PARSE_NOT_IP:
	case XS_PARSE_NOT_TCP:
	case XS_PARSE_FRAGMENT:
	case XS_PARSE_FRAGMENT6:
	case XS_PARSE_ICMP_TYPE:
	case XS_PARSE_EXT_CHAIN: /* the kernel walks further */
	case XS_PARSE_ROUTED: /* for another hop */
		return XS_REPLY_NOT_OURS;
	default:
		return XS_REPLY_MALFORMED;
	}
}

/*
 * RFC 9293 section 3.10.7.3, SYN-SENT.  SND.UNA = ISS and SND.NXT = ISS + 1,
 * so "ISS < SEG.ACK =< SND.NXT" leaves exactly one acceptable ack, isn + 1,
 * compared modulo 2^32 (isn 0xffffffff accepts only ack 0).
 *
 * An unacceptable ACK would earn an RST from a full TCP; we send nothing
 * (we are never a reflector) and keep waiting.
 */
static enum xs_reply syn_sent(const struct xs_pkt *p,
			      const struct xs_reply_ctx *c)
{
	bool ack = p->flags & XS_TCP_ACK;
	bool ack_ok = ack && p->ack == (uint32_t)(c->isn + 1);

	if (p->flags & XS_TCP_RST) {
		/* "If the ACK was acceptable, signal reset"; an RST without
		 * ACK is dropped (also RFC 5961 section 3.2: in SYN-SENT an
		 * RST is acceptable only if it acknowledges our SYN). */
		if (!ack)
			return XS_REPLY_RST_NO_ACK;
		return ack_ok ? XS_REPLY_REFUSED : XS_REPLY_BAD_ACK;
	}
	if (p->flags & XS_TCP_SYN) {
		/*
		 * A SYN without ACK is a simultaneous open (SYN-RECEIVED in
		 * RFC 9293).  We never listen and never open towards a port
		 * that opens towards us, so it cannot be part of our
		 * handshake: bad flags, dropped, unanswered.
		 */
		if (!ack)
			return XS_REPLY_BAD_FLAGS;
		if (!ack_ok)
			return XS_REPLY_BAD_ACK;
		/*
		 * Data on a SYN-ACK is legal (RFC 9293 3.10.7.3 goes on to
		 * "sixth, check the URG bit / seventh, process the segment
		 * text").  We accept the SYN-ACK but not the data: our ACK
		 * acknowledges the SYN only (server ISN + 1), so the server
		 * keeps the data and sends it again.  ECE/CWR/PSH/URG and the
		 * reserved bits change nothing here.
		 */
		return XS_REPLY_SYNACK;
	}
	/* "If neither of the SYN or RST bits is set, then drop the segment
	 * and return": a bare ACK, data, FIN, or no flags at all. */
	return XS_REPLY_IGNORED;
}

/*
 * Once our ACK is sent.  Our receive window is not modelled: the next byte
 * we expect is the server's ISN + 1, which is exact for a handshake that
 * has taken no data.
 */
static enum xs_reply established(const struct xs_pkt *p,
				 const struct xs_reply_ctx *c)
{
	uint32_t rcv_nxt = c->server_isn + 1;

	if (p->flags & XS_TCP_RST) {
		/*
		 * RFC 5961 section 3.2: an RST whose sequence number is
		 * exactly RCV.NXT resets the connection; any other one only
		 * earns a challenge ACK, so that a blind attacker has to hit
		 * the one right number.  (For an RST far outside the window
		 * RFC 5961 would stay silent; without a window we answer,
		 * and the caller's rate limit bounds what that costs.)
		 */
		return p->seq == rcv_nxt ? XS_REPLY_PEER_RST :
					   XS_REPLY_CHALLENGE;
	}
	if (p->flags & XS_TCP_SYN) {
		/*
		 * Our ACK was lost and the server sends its SYN-ACK again:
		 * exactly the one we accepted.  Anything else with SYN set
		 * (another server ISN, another ack, a bare SYN) must not
		 * touch the connection: RFC 5961 section 4.2, challenge ACK.
		 */
		if ((p->flags & XS_TCP_ACK) && p->seq == c->server_isn &&
		    p->ack == (uint32_t)(c->isn + 1))
			return XS_REPLY_DUP_SYNACK;
		return XS_REPLY_CHALLENGE;
	}
	/* RFC 9293 section 3.10.7.4, fifth: "if the ACK bit is off, drop
	 * the segment and return". */
	if (!(p->flags & XS_TCP_ACK))
		return XS_REPLY_IGNORED;
	return XS_REPLY_SEGMENT;
}

/*
 * The ICMPv6 codes a SYN of ours can draw (RFC 4443 3.1-3.3), as the XDP
 * filter takes them (bpf/parse6.h, xs_icmp6_code_ok): destination
 * unreachable 0-6, packet too big and time exceeded 0 (in reassembly, 1,
 * needs a fragment: we send none).  IPv4's codes are all taken.
 */
static bool icmp6_code_ok(const struct xs_icmp *ic)
{
	if (ic->type == XS_ICMP6_DEST_UNREACH)
		return ic->code <= 6;
	return ic->code == 0;
}

/*
 * An ICMP error, before the state machine (RFC 5927 section 4.1): the
 * outer header to us, the quote from our address to the handshake's
 * server and ports, the ICMP checksum (only for our own 4-tuple, as for
 * TCP), then the quote itself.  A quote that names our address and TCP but
 * cannot be checked is bad-quote rather than not-ours: only our probes use
 * that address and range, and it is counted where a user will look.
 */
static enum xs_reply icmp_screen(const struct xs_pkt *p,
				 const struct xs_reply_ctx *c)
{
	const struct xs_icmp *ic = &p->icmp;

	if (!xs_addr_eq(&p->daddr, &c->saddr) ||
	    !xs_addr_eq(&ic->q_saddr, &c->saddr))
		return XS_REPLY_NOT_OURS;
	if (ic->q_proto == (p->ip_version == 6 ? XS_IPPROTO_ICMPV6_NUM :
						 XS_IPPROTO_ICMP_NUM)) {
		/* RFC 1122 3.2.2, RFC 4443 2.4 (e): an error about an error
		 * is never sent. */
		return ic->q_l4_len && xs_icmp_type_is_error(p->ip_version,
							     ic->q_icmp_type) ?
			       XS_REPLY_BAD_QUOTE :
			       XS_REPLY_NOT_OURS;
	}
	if (ic->q_proto != XS_IPPROTO_TCP_NUM)
		return XS_REPLY_NOT_OURS;
	if (ic->q_l4_len < 8)
		return XS_REPLY_BAD_QUOTE;
	if (!xs_addr_eq(&ic->q_daddr, &c->daddr) || ic->q_sport != c->sport ||
	    ic->q_dport != c->dport)
		return XS_REPLY_NOT_OURS;
	if (!xs_icmp_csum_ok(p))
		return XS_REPLY_BAD_CSUM;
	/* We send whole segments with DF: a quoted fragment is not ours. */
	if (ic->q_frag_off & (IP_MF_BIT | IP_OFFSET_MASK))
		return XS_REPLY_BAD_QUOTE;
	if (p->ip_version == 6 && !icmp6_code_ok(ic))
		return XS_REPLY_BAD_QUOTE;
	return XS_REPLY_MAX;
}

/*
 * The quoted sequence number: our SYN's (the ISN), or once established one
 * of the data bytes we sent after it (or our FIN/RST right after them).
 */
static enum xs_reply icmp_phase(const struct xs_pkt *p,
				const struct xs_reply_ctx *c)
{
	uint32_t off = p->icmp.q_seq - (uint32_t)(c->isn + 1);

	if (c->phase == XS_PH_SYN_SENT)
		return p->icmp.q_seq == c->isn ? XS_REPLY_ICMP :
						 XS_REPLY_BAD_QUOTE;
	return off <= c->data_len ? XS_REPLY_ICMP : XS_REPLY_BAD_QUOTE;
}

void xs_reply_tuple(const struct xs_pkt *p, struct xs_addr *daddr,
		    uint16_t *sport, uint16_t *dport)
{
	if (p->is_icmp) {
		*daddr = p->icmp.q_daddr;
		*sport = p->icmp.q_sport;
		*dport = p->icmp.q_dport;
		return;
	}
	*daddr = p->saddr;
	*sport = p->dport;
	*dport = p->sport;
}

enum xs_reply xs_reply_screen(const struct xs_pkt *p,
			      const struct xs_reply_ctx *c)
{
	const uint8_t syn_rst_fin = XS_TCP_SYN | XS_TCP_RST | XS_TCP_FIN;

	if (!c)
		return XS_REPLY_NOT_OURS;
	/*
	 * Before the 4-tuple: a header whose checksum fails may hold any
	 * address, so its addresses mean nothing.  The kernel drops such a
	 * frame too (ip_rcv_core).
	 */
	if (!xs_ip_csum_ok(p))
		return XS_REPLY_BAD_IP_CSUM;
	if (p->is_icmp)
		return icmp_screen(p, c);
	if (!tuple_matches(p, c))
		return XS_REPLY_NOT_OURS;
	/* Only for our own 4-tuple: the sum covers the whole segment. */
	if (!xs_tcp_csum_acceptable(p))
		return XS_REPLY_BAD_CSUM;
	/*
	 * SYN with RST or FIN is valid in no state.  Judged before the
	 * state machine, so a SYN+RST+ACK that acknowledges our SYN does not
	 * refuse the handshake (RFC 9293 would process its RST first); the
	 * XDP filter drops these as malformed, and here they are refused
	 * the same way whichever path they took.
	 */
	if ((p->flags & XS_TCP_SYN) && (p->flags & syn_rst_fin) != XS_TCP_SYN)
		return XS_REPLY_BAD_FLAGS;
	return XS_REPLY_MAX;
}

enum xs_reply xs_reply_phase(const struct xs_pkt *p,
			     const struct xs_reply_ctx *c)
{
	if (p->is_icmp)
		return icmp_phase(p, c);
	switch (c->phase) {
	case XS_PH_SYN_SENT:
		return syn_sent(p, c);
	case XS_PH_ESTABLISHED:
		return established(p, c);
	}
	return XS_REPLY_IGNORED;
}

enum xs_reply xs_classify_pkt(const struct xs_pkt *p,
			      const struct xs_reply_ctx *c)
{
	enum xs_reply r = xs_reply_screen(p, c);

	return r != XS_REPLY_MAX ? r : xs_reply_phase(p, c);
}

enum xs_reply xs_classify_reply(const uint8_t *frame, size_t len,
				const struct xs_reply_ctx *c, struct xs_pkt *p)
{
	enum xs_parse_err err;
	struct xs_pkt local;

	if (!p)
		p = &local;
	err = xs_parse_reply_frame(frame, len, p);
	if (err != XS_PARSE_OK)
		return parse_class(err);
	return xs_classify_pkt(p, c);
}

enum xs_reply xs_parse_class(enum xs_parse_err err)
{
	return err == XS_PARSE_OK ? XS_REPLY_MAX : parse_class(err);
}

enum xs_reply xs_scan_screen(const struct xs_pkt *p,
			     const struct xs_addr *our_addr, uint32_t isn,
			     struct xs_reply_ctx *c)
{
	*c = (struct xs_reply_ctx){
		.saddr = *our_addr,
		.isn = isn,
		.phase = XS_PH_SYN_SENT,
	};
	xs_reply_tuple(p, &c->daddr, &c->sport, &c->dport);
	return xs_reply_screen(p, c);
}
