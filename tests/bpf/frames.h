/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A raw frame builder for tests that need frames no well-behaved builder
 * would make: wrong ihl/doff/tot_len, fragments, VLAN tags, truncation,
 * padding.  A zeroed struct xs_tframe describes a normal Ethernet + IPv4 +
 * TCP frame; each field set to non-zero bends one thing.  Checksums are
 * computed over whatever was built, so a frame is only as malformed as its
 * description says.
 */
#ifndef XS_TEST_FRAMES_H
#define XS_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#define XS_TF_MAX 256

enum xs_tf_kind {
	XS_TF_IPV4, /* Ethernet + IPv4 + (TCP, UDP or ICMP by proto) */
	XS_TF_ARP, /* an ARP request */
	XS_TF_IPV6, /* Ethernet + IPv6 + TCP */
};

struct xs_tframe {
	enum xs_tf_kind kind;
	int vlan; /* 1: an 802.1Q tag; 2: 802.1ad + 802.1Q (QinQ) */
	uint8_t ip_ver; /* 0: 4 */
	uint8_t ihl; /* 0: 5 plus room for ip_opt */
	uint8_t ip_opt; /* bytes of IP options built (Router Alert + NOPs) */
	uint16_t tot_len; /* 0: the real length */
	uint16_t frag_off; /* flags + offset, host order */
	uint8_t proto; /* 0: TCP */
	uint32_t saddr; /* network order; 0: the default */
	uint32_t daddr; /* network order; 0: the default */
	uint16_t sport; /* 0: the default */
	uint16_t dport; /* 0: the default */
	uint8_t flags; /* XS_TCP_* */
	uint8_t doff; /* 0: 5 plus room for tcp_opt */
	uint8_t tcp_opt; /* bytes of TCP options built (NOPs) */
	uint16_t payload; /* bytes of payload after the L4 header */
	uint16_t pad; /* zero bytes after the IP packet (Ethernet padding) */
	uint16_t trunc; /* 0: the whole frame; else cut to this length */
	/*
	 * Added for the hostile-frame table (tests/hostile/cases.h); zero
	 * keeps the behaviour above.
	 */
	bool seq_set, ack_set; /* use seq/ack instead of the defaults */
	uint32_t seq, ack;
	uint16_t window; /* 0: 64240 */
	uint8_t tcp_res; /* the 4 bits between doff and flags (AE = 0x1) */
	const char *tcp_optv; /* tcp_opt raw option bytes instead of NOPs */
	const char *ip_optv; /* ip_opt raw IP option bytes instead of RA+NOPs */
	uint16_t ip_csum_xor; /* flipped after the IP checksum is computed */
	uint16_t tcp_csum_xor; /* flipped after the TCP checksum */
	bool tcp_csum_partial; /* TCP checksum field = pseudo-header sum only,
				* as a CHECKSUM_PARTIAL veth peer leaves it */
	uint8_t pad_fill; /* value of the padding bytes */
	/*
	 * An ICMP error instead (icmp_type != 0; proto becomes 1): it quotes
	 * the SYN "we" sent, from the default destination to the default
	 * source, its sequence number seq (seq_set) or 0x11223344.
	 */
	uint8_t icmp_type, icmp_code;
	uint8_t icmp_qtcp; /* bytes of the quoted TCP header; 0: 20, 0xff: 0 */
	bool icmp_qicmp; /* quote an ICMP port unreachable instead of TCP */
	uint16_t icmp_qfrag; /* quoted flags + offset; 0: DF */
	uint32_t icmp_qsaddr; /* quoted source; 0: the default (us) */
	uint16_t icmp_qsport; /* quoted source port; 0: the default (ours) */
	uint16_t icmp_csum_xor; /* flipped after the ICMP checksum */
	bool icmp_noquote; /* the ICMP header alone */
};

/* Addresses and ports the builder fills in for zero fields. */
struct xs_tf_defaults {
	uint32_t saddr; /* network order */
	uint32_t daddr; /* network order */
	uint16_t sport;
	uint16_t dport;
};

static inline void xs_tf_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void xs_tf_put32(uint8_t *p, uint32_t v)
{
	xs_tf_put16(p, v >> 16);
	xs_tf_put16(p + 2, v & 0xffff);
}

static inline uint32_t xs_tf_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static inline uint16_t xs_tf_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static inline size_t xs_tf_eth(uint8_t *b, const struct xs_tframe *f,
			       uint16_t ethertype)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	size_t off = 12;

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	if (f->vlan == 2) {
		xs_tf_put16(b + off, 0x88a8);
		xs_tf_put16(b + off + 2, 100);
		off += 4;
	}
	if (f->vlan) {
		xs_tf_put16(b + off, 0x8100);
		xs_tf_put16(b + off + 2, 10);
		off += 4;
	}
	xs_tf_put16(b + off, ethertype);
	return off + 2;
}

/* The quoted IPv4 + TCP (or ICMP) header of an ICMP error; its length. */
static inline size_t xs_tf_quote(uint8_t *q, const struct xs_tframe *f,
				 const struct xs_tf_defaults *d)
{
	uint32_t qs = f->icmp_qsaddr ? f->icmp_qsaddr : d->daddr;
	size_t tcp = f->icmp_qtcp == 0xff ? 0 :
		     f->icmp_qtcp	  ? f->icmp_qtcp :
					    20;

	memset(q, 0, 40);
	q[0] = 0x45;
	xs_tf_put16(q + 2, 60);
	xs_tf_put16(q + 4, 0x77);
	xs_tf_put16(q + 6, f->icmp_qfrag ? f->icmp_qfrag : 0x4000);
	q[8] = 1;
	q[9] = f->icmp_qicmp ? 1 : 6;
	memcpy(q + 12, &qs, 4);
	memcpy(q + 16, &d->saddr, 4);
	xs_tf_put16(q + 10, xs_tf_fold(xs_tf_sum(0, q, 20)));
	if (f->icmp_qicmp) {
		q[20] = 3;
		q[21] = 3;
		return 28;
	}
	xs_tf_put16(q + 20, f->icmp_qsport ? f->icmp_qsport : d->dport);
	xs_tf_put16(q + 22, d->sport);
	xs_tf_put32(q + 24, f->seq_set ? f->seq : 0x11223344);
	q[32] = 0x50;
	q[33] = 0x02; /* SYN */
	xs_tf_put16(q + 34, 64240);
	return 20 + tcp;
}

/* L4 header + payload at p, checksum left zero; returns its length. */
static inline size_t xs_tf_l4(uint8_t *p, const struct xs_tframe *f,
			      const struct xs_tf_defaults *d, uint8_t proto)
{
	uint16_t sport = f->sport ? f->sport : d->sport;
	uint16_t dport = f->dport ? f->dport : d->dport;
	size_t hlen, i;

	if (proto == 6) {
		hlen = 20 + f->tcp_opt;
		memset(p, 0, hlen);
		xs_tf_put16(p, sport);
		xs_tf_put16(p + 2, dport);
		xs_tf_put32(p + 4, f->seq_set ? f->seq : 0x11223344);
		xs_tf_put32(p + 8, f->ack_set ? f->ack : 0x01000001);
		p[12] = (f->doff ? f->doff : hlen / 4) << 4 |
			(f->tcp_res & 0xf);
		p[13] = f->flags;
		xs_tf_put16(p + 14, f->window ? f->window : 64240);
		for (i = 20; i < hlen; i++)
			p[i] = f->tcp_optv ? (uint8_t)f->tcp_optv[i - 20] :
					     1; /* NOP */
	} else if (proto == 17) {
		hlen = 8;
		xs_tf_put16(p, sport);
		xs_tf_put16(p + 2, dport);
		xs_tf_put16(p + 4, hlen + f->payload);
		xs_tf_put16(p + 6, 0);
	} else if (f->icmp_type) {
		memset(p, 0, 8);
		p[0] = f->icmp_type;
		p[1] = f->icmp_code;
		if (f->icmp_type == 3 && f->icmp_code == 4)
			xs_tf_put16(p + 6, 576); /* next-hop MTU */
		hlen = 8 + (f->icmp_noquote ? 0 : xs_tf_quote(p + 8, f, d));
	} else {
		hlen = 8; /* ICMP echo request */
		memset(p, 0, hlen);
		p[0] = 8;
		xs_tf_put16(p + 4, 0x1234);
		xs_tf_put16(p + 6, 1);
	}
	for (i = 0; i < f->payload; i++)
		p[hlen + i] = 'a' + i % 26;
	return hlen + f->payload;
}

/* Build the frame f into b (XS_TF_MAX bytes); returns its length. */
static inline size_t xs_tf_build(uint8_t *b, const struct xs_tframe *f,
				 const struct xs_tf_defaults *d)
{
	uint32_t saddr = f->saddr ? f->saddr : d->saddr;
	uint32_t daddr = f->daddr ? f->daddr : d->daddr;
	uint8_t proto = f->icmp_type ? 1 : f->proto ? f->proto : 6;
	size_t off, hlen, l4len, len, i;
	uint8_t *ip, *l4;
	uint32_t sum;

	memset(b, 0, XS_TF_MAX);
	if (f->kind == XS_TF_ARP) {
		off = xs_tf_eth(b, f, 0x0806);
		xs_tf_put16(b + off, 1); /* Ethernet */
		xs_tf_put16(b + off + 2, 0x0800);
		b[off + 4] = 6;
		b[off + 5] = 4;
		xs_tf_put16(b + off + 6, 1); /* request */
		memcpy(b + off + 8, b + 6, 6);
		memcpy(b + off + 14, &saddr, 4);
		memcpy(b + off + 24, &daddr, 4);
		len = off + 28;
		goto out;
	}
	if (f->kind == XS_TF_IPV6) {
		off = xs_tf_eth(b, f, 0x86dd);
		ip = b + off;
		l4 = ip + 40;
		l4len = xs_tf_l4(l4, f, d, 6);
		ip[0] = 0x60;
		xs_tf_put16(ip + 4, l4len);
		ip[6] = 6;
		ip[7] = 64;
		ip[8] = 0xfd; /* fd00::1 -> fd00::2 */
		ip[23] = 1;
		ip[24] = 0xfd;
		ip[39] = 2;
		len = off + 40 + l4len;
		goto out;
	}

	off = xs_tf_eth(b, f, 0x0800);
	ip = b + off;
	hlen = 20 + f->ip_opt;
	l4 = ip + hlen;
	l4len = xs_tf_l4(l4, f, d, proto);
	ip[0] = (f->ip_ver ? f->ip_ver : 4) << 4 | (f->ihl ? f->ihl : hlen / 4);
	xs_tf_put16(ip + 2, f->tot_len ? f->tot_len : hlen + l4len);
	xs_tf_put16(ip + 4, 0x4d2); /* id */
	xs_tf_put16(ip + 6, f->frag_off);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	if (f->ip_optv) {
		memcpy(ip + 20, f->ip_optv, f->ip_opt);
	} else if (f->ip_opt >= 4) {
		/* Router Alert (RFC 2113), then NOPs */
		ip[20] = 0x94;
		ip[21] = 4;
		for (i = 24; i < hlen; i++)
			ip[i] = 1;
	}
	xs_tf_put16(ip + 10,
		    xs_tf_fold(xs_tf_sum(0, ip, hlen)) ^ f->ip_csum_xor);
	if (proto == 6 || proto == 17) {
		uint8_t *csum = l4 + (proto == 6 ? 16 : 6);
		uint16_t v;

		sum = xs_tf_sum(0, ip + 12, 8) + proto + l4len;
		/* The partial sum is the pseudo-header's, folded and not
		 * complemented: undo the complement xs_tf_fold() applies. */
		if (proto == 6 && f->tcp_csum_partial)
			v = ~xs_tf_fold(sum) & 0xffff;
		else
			v = xs_tf_fold(xs_tf_sum(sum, l4, l4len));
		xs_tf_put16(csum, v ^ (proto == 6 ? f->tcp_csum_xor : 0));
	} else {
		xs_tf_put16(l4 + 2, xs_tf_fold(xs_tf_sum(0, l4, l4len)) ^
					    f->icmp_csum_xor);
	}
	memset(ip + hlen + l4len, f->pad_fill, f->pad);
	len = off + hlen + l4len + f->pad;
out:
	if (f->trunc && f->trunc < len)
		len = f->trunc;
	return len;
}

#endif /* XS_TEST_FRAMES_H */
