/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Bounds-checked Ethernet -> IPv4 -> TCP parsing, shared by the XDP filter
 * and the TC egress guard (IPv6: bpf/parse6.h, on top of this one).
 * Include after vmlinux.h and <bpf/bpf_helpers.h>.
 *
 * A cursor walks the packet; every read is preceded by a check against the
 * end of the packet data, and every length field is checked against its
 * lower bound as well as its upper one.  The parsers only classify: what to
 * do with the result (pass, drop, redirect) is the caller's policy.
 *
 * vmlinux.h and the uapi <linux/...> headers do not mix, so the few
 * constants we need are defined here.
 */
#ifndef XS_BPF_PARSE_H
#define XS_BPF_PARSE_H

#include <bpf/bpf_endian.h>

#define XS_ETH_HLEN 14
#define XS_ETH_P_IP 0x0800
#define XS_IP_HLEN 20 /* IPv4 header without options */
#define XS_IP_MAX_HLEN 60 /* ihl is 4 bits: 15 words */
#define XS_IP_MF 0x2000
#define XS_IP_OFFSET 0x1fff
#define XS_IPPROTO_ICMP 1
#define XS_IPPROTO_TCP 6
#define XS_TCP_HLEN 20 /* TCP header without options */

/* Bytes a parser needs in linear data: Ethernet, longest IPv4, bare TCP. */
#define XS_HDR_MAX (XS_ETH_HLEN + XS_IP_MAX_HLEN + XS_TCP_HLEN)

/* Offsets of the raw bytes we read instead of C bitfields (endian-proof). */
#define XS_IP_VIHL_OFF 0 /* version << 4 | ihl */
#define XS_TCP_DOFF_OFF 12 /* doff << 4 | reserved */
#define XS_TCP_FLAGS_OFF 13 /* CWR ECE URG ACK PSH RST SYN FIN */

/* What a parsing step found. */
enum xs_parse {
	XS_P_OK, /* header present and sane, cursor moved past it */
	XS_P_OTHER, /* well-formed, but not something we parse further */
	XS_P_BAD, /* malformed: the kernel would drop it too */
	XS_P_BAD_CSUM, /* well-formed IPv4 header whose checksum fails: the
			* kernel drops it too; a value of its own so that a
			* caller can count it apart (callers that only test
			* for XS_P_OK treat it as XS_P_BAD) */
};

struct xs_cursor {
	void *pos;
	void *end;
};

static __always_inline void xs_cursor_init(struct xs_cursor *c, void *data,
					   void *data_end)
{
	c->pos = data;
	c->end = data_end;
}

/*
 * Return the current position and advance by len bytes, or NULL if fewer
 * than len bytes are left.  len must be bounded (a constant, or a value
 * the caller has range-checked) so the verifier can follow the pointer.
 */
static __always_inline void *xs_pull(struct xs_cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

/*
 * Ethernet.  XS_P_OK only for an untagged IPv4 ethertype; ARP, IPv6 and
 * 802.1Q/802.1ad tagged frames are XS_P_OTHER (never misread as IPv4).
 * A runt shorter than an Ethernet header is XS_P_OTHER too: it is not IPv4,
 * so it is not ours to judge.
 */
static __always_inline enum xs_parse xs_parse_eth(struct xs_cursor *c)
{
	struct ethhdr *eth = xs_pull(c, XS_ETH_HLEN);

	if (!eth)
		return XS_P_OTHER;
	if (eth->h_proto != bpf_htons(XS_ETH_P_IP))
		return XS_P_OTHER;
	return XS_P_OK;
}

/*
 * RFC 1071 over the whole IPv4 header, options included: the one's
 * complement sum of a correct header, checksum field included, is 0xffff.
 * The kernel drops a header that fails (ip_rcv_core), so a frame that fails
 * here was never going to be anyone's.
 *
 * 16-bit loads, because the header sits at an odd multiple of 2 bytes in
 * XDP data.  The sum does not depend on the byte order the words are read
 * in (RFC 1071 section 2(B)), so no byte swapping; 30 words cannot
 * overflow 32 bits.  The 10 fixed words are inside the 20 bytes the caller
 * already checked; each 4-byte option word is checked against the end of
 * the data on its own, so the verifier never has to carry the variable
 * header length over from the caller's pull.
 */
static __always_inline bool xs_ipv4_csum_ok(const struct iphdr *iph, __u32 hlen,
					    const void *end)
{
	const __u16 *w = (const __u16 *)iph;
	__u32 sum;

	sum = (__u32)w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7] +
	      w[8] + w[9];
	/*
	 * Straight-line code, one step per option word, so that every bounds
	 * check is "iph + constant > end".  Written as a loop, clang turns
	 * the check into arithmetic on the end pointer (or fails to unroll
	 * it), and the verifier refuses either.
	 */
#define XS_IP_OPT_WORD(k)                                               \
	do {                                                            \
		if (hlen <= XS_IP_HLEN + 4 * (k))                       \
			goto fold;                                      \
		if ((const void *)iph + XS_IP_HLEN + 4 * (k) + 4 > end) \
			return false;                                   \
		sum += (__u32)w[10 + 2 * (k)] + w[11 + 2 * (k)];        \
	} while (0)
	XS_IP_OPT_WORD(0);
	XS_IP_OPT_WORD(1);
	XS_IP_OPT_WORD(2);
	XS_IP_OPT_WORD(3);
	XS_IP_OPT_WORD(4);
	XS_IP_OPT_WORD(5);
	XS_IP_OPT_WORD(6);
	XS_IP_OPT_WORD(7);
	XS_IP_OPT_WORD(8);
	XS_IP_OPT_WORD(9);
#undef XS_IP_OPT_WORD
fold:
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * IPv4 header, options included.  l3_len is the number of bytes after the
 * Ethernet header in the whole packet (for an skb this may be more than the
 * linear data; trailing Ethernet padding beyond tot_len is allowed).
 *
 * XS_P_BAD: fewer than 20 bytes, version != 4, ihl < 5, ihl * 4 > tot_len,
 * tot_len > l3_len, or options not present in the data.  XS_P_BAD_CSUM: all
 * of that is fine but the header checksum does not verify.
 */
static __always_inline enum xs_parse
xs_parse_ipv4(struct xs_cursor *c, __u32 l3_len, struct iphdr **iphp)
{
	struct iphdr *iph = c->pos;
	__u32 hlen, tot_len;
	__u8 vihl;

	if ((void *)(iph + 1) > c->end)
		return XS_P_BAD;
	vihl = *((__u8 *)iph + XS_IP_VIHL_OFF);
	if (vihl >> 4 != 4)
		return XS_P_BAD;
	hlen = (vihl & 0x0f) * 4;
	if (hlen < XS_IP_HLEN)
		return XS_P_BAD;
	tot_len = bpf_ntohs(iph->tot_len);
	if (hlen > tot_len || tot_len > l3_len)
		return XS_P_BAD;
	/*
	 * hlen is in [20, 60] here, which the verifier knows from the mask
	 * and the check above: the variable-length pull is bounded.
	 */
	if (!xs_pull(c, hlen))
		return XS_P_BAD;
	if (!xs_ipv4_csum_ok(iph, hlen, c->end))
		return XS_P_BAD_CSUM;
	*iphp = iph;
	return XS_P_OK;
}

/* MF set or a non-zero offset: a fragment. DF alone is fine. */
static __always_inline bool xs_ipv4_is_fragment(const struct iphdr *iph)
{
	return (iph->frag_off & bpf_htons(XS_IP_MF | XS_IP_OFFSET)) != 0;
}

/*
 * A TCP header of seg_len bytes of segment at the cursor (either family).
 * XS_P_BAD: fewer than 20 bytes, doff < 5, or doff * 4 beyond seg_len.
 * Only the fixed 20 bytes are required in the data; options are not read.
 */
static __always_inline enum xs_parse
xs_parse_tcp_len(struct xs_cursor *c, __u32 seg_len, struct tcphdr **tcphp)
{
	struct tcphdr *th;
	__u32 doff;

	if (seg_len < XS_TCP_HLEN)
		return XS_P_BAD;
	th = xs_pull(c, XS_TCP_HLEN);
	if (!th)
		return XS_P_BAD;
	doff = (*((__u8 *)th + XS_TCP_DOFF_OFF) >> 4) * 4;
	if (doff < XS_TCP_HLEN || doff > seg_len)
		return XS_P_BAD;
	*tcphp = th;
	return XS_P_OK;
}

/*
 * TCP header of the segment iph carries (the cursor must be just past the
 * IPv4 header): the segment length is tot_len less the header.
 */
static __always_inline enum xs_parse xs_parse_tcp(struct xs_cursor *c,
						  const struct iphdr *iph,
						  struct tcphdr **tcphp)
{
	/* xs_parse_ipv4() made sure tot_len >= ihl * 4: no underflow. */
	return xs_parse_tcp_len(c,
				bpf_ntohs(iph->tot_len) -
					(*((__u8 *)iph + XS_IP_VIHL_OFF) &
					 0x0f) * 4,
				tcphp);
}

static __always_inline __u8 xs_tcp_flags(const struct tcphdr *th)
{
	return *((__u8 *)th + XS_TCP_FLAGS_OFF);
}

/* ICMP errors (RFC 792): the types that answer a SYN. */
#define XS_ICMP_HLEN 8
#define XS_ICMP_DEST_UNREACH 3
#define XS_ICMP_TIME_EXCEEDED 11
#define XS_ICMP_QUOTE_TCP 8 /* RFC 792: "64 bits of original data" */

/* Types that are themselves errors: an error never quotes one (RFC 1122
 * section 3.2.2: no ICMP error about an ICMP error). */
static __always_inline bool xs_icmp_type_is_error(__u8 type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* The parts of an ICMP error the XDP filter judges. */
struct xs_icmp_quote {
	__u8 type, code;
	struct iphdr *qip; /* the quoted IPv4 header, options included */
	__u8 *ql4; /* the quoted transport header: >= 8 bytes present */
};

/*
 * An ICMP destination-unreachable or time-exceeded message carried by iph
 * (the cursor just past iph) and the IPv4 header it quotes.  XS_P_OTHER:
 * another ICMP type.  XS_P_BAD: shorter than an ICMP header plus a
 * quoted IPv4 header, a quoted header that is not IPv4 (version, ihl), or
 * fewer than 8 bytes of quoted transport header (q->ql4 stays NULL then,
 * q->qip is set: the caller decides whether the quote is about us).
 * Lengths are judged by the outer tot_len, never by what follows it.
 */
static __always_inline enum xs_parse xs_parse_icmp_err(struct xs_cursor *c,
						       const struct iphdr *iph,
						       struct xs_icmp_quote *q)
{
	__u32 len, qhlen;
	__u8 *icmph, vihl;

	len = bpf_ntohs(iph->tot_len) -
	      (*((__u8 *)iph + XS_IP_VIHL_OFF) & 0x0f) * 4;
	icmph = xs_pull(c, XS_ICMP_HLEN);
	if (!icmph || len < XS_ICMP_HLEN)
		return XS_P_BAD;
	q->type = icmph[0];
	q->code = icmph[1];
	if (q->type != XS_ICMP_DEST_UNREACH && q->type != XS_ICMP_TIME_EXCEEDED)
		return XS_P_OTHER;
	q->qip = xs_pull(c, XS_IP_HLEN);
	if (!q->qip || len < XS_ICMP_HLEN + XS_IP_HLEN)
		return XS_P_BAD;
	vihl = *((__u8 *)q->qip + XS_IP_VIHL_OFF);
	qhlen = (vihl & 0x0f) * 4;
	if (vihl >> 4 != 4 || qhlen < XS_IP_HLEN)
		return XS_P_BAD;
	/* qhlen - 20 is in [0, 40]: a bounded pull. */
	if (!xs_pull(c, qhlen - XS_IP_HLEN))
		return XS_P_BAD;
	q->ql4 = xs_pull(c, XS_ICMP_QUOTE_TCP);
	if (len < XS_ICMP_HLEN + qhlen + XS_ICMP_QUOTE_TCP)
		q->ql4 = NULL;
	return q->ql4 ? XS_P_OK : XS_P_BAD;
}

#endif /* XS_BPF_PARSE_H */
