/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The IPv6 counterpart of frames.h: a zeroed struct xs_t6 describes a
 * normal Ethernet + IPv6 + TCP SYN-ACK from the peer (fd00::1 port 80) to
 * us (fd00::2 port 40000); each field set bends one thing: extension
 * headers (hop-by-hop, routing, destination options, fragment), lengths,
 * the version, checksums, or an ICMPv6 message with its quote instead of
 * TCP.  Checksums are computed over whatever was built.
 */
#ifndef XS_TEST_FRAMES6_H
#define XS_TEST_FRAMES6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bpf/frames.h"

#define XS_T6_MAX 2048
#define XS_T6_EXT_N 8

/* fd00::1 (the peer), fd00::2 (us), fd00::99 (another host). */
static const uint8_t xs_t6_peer[16] = { 0xfd, [15] = 1 };
static const uint8_t xs_t6_us[16] = { 0xfd, [15] = 2 };
static const uint8_t xs_t6_other[16] = { 0xfd, [15] = 0x99 };
/* Our solicited-node multicast group (RFC 4291 2.7.1), NDP's target. */
static const uint8_t xs_t6_snm[16] = { 0xff,
				       0x02, [11] = 1, [12] = 0xff, [15] = 2 };

#define XS_T6_PEER_PORT 80
#define XS_T6_OUR_PORT 40000

enum xs_t6_csum {
	XS_T6_CSUM_GOOD,
	XS_T6_CSUM_XOR, /* the right one with its low bit flipped */
	XS_T6_CSUM_ZERO, /* 0, as an IPv4 UDP sender that skipped it */
	XS_T6_CSUM_PARTIAL, /* the pseudo-header sum: CHECKSUM_PARTIAL */
	XS_T6_CSUM_PARTIAL_XOR, /* that sum with its low bit flipped */
};

struct xs_t6 {
	bool egress; /* from us to the peer (TC tests) */
	uint8_t ver; /* 0: 6 */
	bool plen_set;
	uint16_t plen; /* plen_set: this payload length */
	int plen_delta; /* else the real one plus this */
	const uint8_t *saddr, *daddr; /* NULL: the defaults */
	/* Extension headers, in order: type (0, 43, 44, 60) and length in
	 * 8-byte units after the first 8.  A routing header gets rt_type
	 * and rt_segleft; a hop-by-hop header with jumbo carries a Jumbo
	 * Payload option (RFC 2675). */
	uint8_t ext_n;
	uint8_t ext[XS_T6_EXT_N];
	uint8_t ext_len8[XS_T6_EXT_N];
	uint8_t rt_type, rt_segleft;
	bool jumbo;
	uint8_t upper; /* 0: TCP, or ICMPv6 (58) if icmp_type; 17, 59, ... */
	/* TCP */
	uint16_t sport, dport; /* 0: the defaults */
	uint8_t flags;
	bool seq_set, ack_set;
	uint32_t seq, ack; /* defaults 0x11223344, 0x01000001 */
	uint8_t doff; /* 0: 5 plus room for tcp_opt */
	uint8_t tcp_opt; /* bytes of TCP options: tcp_optv, or NOPs */
	const char *tcp_optv;
	uint16_t frag; /* a fragment header's offset word; 0: 0x0001
			* (offset 0, more fragments) */
	uint16_t payload; /* bytes after the upper-layer header */
	enum xs_t6_csum csum;
	/* ICMPv6: errors (< 128) quote the SYN we sent the peer */
	uint8_t icmp_type, icmp_code;
	uint8_t q_ver; /* quoted version; 0: 6 */
	const uint8_t *q_saddr; /* quoted source; NULL: us */
	const uint8_t *q_daddr; /* quoted destination; NULL: the peer */
	uint8_t q_next; /* quoted next header; 0: TCP */
	uint8_t q_icmp_type; /* q_next 58: the quoted ICMPv6 type */
	uint8_t q_l4; /* quoted L4 bytes; 0: 20, 0xff: none */
	uint8_t q_ip_cut; /* quoted IPv6 bytes, if not all; 0xff: no quote */
	bool q_dstopts; /* an 8-byte destination options header in the quote */
	uint16_t q_sport; /* 0: ours */
	uint16_t q_dport; /* 0: the peer's */
	bool q_seq_set;
	uint32_t q_seq; /* 0x11223344 by default */
	uint16_t pad; /* bytes after the packet (Ethernet padding) */
	uint16_t trunc; /* cut the frame to this length */
};

/* The upper-layer header and payload of f at p; returns its length. */
static inline size_t xs_t6_upper(uint8_t *p, const struct xs_t6 *f,
				 uint8_t upper, const uint8_t *src,
				 const uint8_t *dst)
{
	uint16_t sport = f->sport  ? f->sport :
			 f->egress ? XS_T6_OUR_PORT :
				     XS_T6_PEER_PORT;
	uint16_t dport = f->dport  ? f->dport :
			 f->egress ? XS_T6_PEER_PORT :
				     XS_T6_OUR_PORT;
	size_t len = 0, i, q, l4;
	uint8_t *qp;

	if (upper == 6) {
		len = 20 + f->tcp_opt;
		memset(p, 0, len);
		xs_tf_put16(p, sport);
		xs_tf_put16(p + 2, dport);
		xs_tf_put32(p + 4, f->seq_set ? f->seq : 0x11223344);
		xs_tf_put32(p + 8, f->ack_set ? f->ack : 0x01000001);
		p[12] = (f->doff ? f->doff : len / 4) << 4;
		p[13] = f->flags;
		xs_tf_put16(p + 14, 64800);
		for (i = 20; i < len; i++)
			p[i] = f->tcp_optv ? (uint8_t)f->tcp_optv[i - 20] :
					     1; /* NOP */
	} else if (upper == 58 && f->icmp_type < 128) {
		memset(p, 0, 8);
		p[0] = f->icmp_type;
		p[1] = f->icmp_code;
		if (f->icmp_type == 2)
			xs_tf_put32(p + 4, 1280); /* the MTU */
		qp = p + 8;
		memset(qp, 0, 40 + 20);
		qp[0] = (f->q_ver ? f->q_ver : 6) << 4;
		xs_tf_put16(qp + 4, 20);
		qp[6] = f->q_next ? f->q_next : 6;
		qp[7] = 64;
		memcpy(qp + 8, f->q_saddr ? f->q_saddr : xs_t6_us, 16);
		memcpy(qp + 24, f->q_daddr ? f->q_daddr : xs_t6_peer, 16);
		l4 = f->q_l4 == 0xff ? 0 : f->q_l4 ? f->q_l4 : 20;
		if (qp[6] == 58) {
			qp[40] = f->q_icmp_type;
		} else {
			xs_tf_put16(qp + 40,
				    f->q_sport ? f->q_sport : XS_T6_OUR_PORT);
			xs_tf_put16(qp + 42,
				    f->q_dport ? f->q_dport : XS_T6_PEER_PORT);
			xs_tf_put32(qp + 44,
				    f->q_seq_set ? f->q_seq : 0x11223344);
			qp[52] = 0x50;
			qp[53] = XS_TCP_SYN;
			xs_tf_put16(qp + 54, 64800);
		}
		if (f->q_dstopts) {
			memmove(qp + 48, qp + 40, 20);
			memset(qp + 40, 0, 8);
			qp[40] = qp[6];
			qp[42] = 1; /* PadN, 4 bytes */
			qp[43] = 4;
			qp[6] = 60;
			xs_tf_put16(qp + 4, 28);
			l4 += 8;
		}
		q = f->q_ip_cut == 0xff ? 0 :
		    f->q_ip_cut		? f->q_ip_cut :
					  40 + l4;
		len = 8 + q;
	} else if (upper == 58) {
		/* NDP (133-137) and echo: 4 bytes, then a target address
		 * (ours) where NDP has one. */
		memset(p, 0, 24);
		p[0] = f->icmp_type;
		p[1] = f->icmp_code;
		memcpy(p + 8, xs_t6_us, 16);
		len = 24;
	} else if (upper == 17) {
		xs_tf_put16(p, sport);
		xs_tf_put16(p + 2, dport);
		xs_tf_put16(p + 4, 8 + f->payload);
		xs_tf_put16(p + 6, 0);
		len = 8;
	}
	for (i = 0; i < f->payload; i++)
		p[len + i] = 'a' + i % 26;
	return len + f->payload;
}

/* The checksum of a TCP, UDP or ICMPv6 segment at p of len bytes. */
static inline void xs_t6_csum(uint8_t *p, size_t len, uint8_t upper,
			      const uint8_t *src, const uint8_t *dst,
			      enum xs_t6_csum how)
{
	size_t at = upper == 6 ? 16 : upper == 17 ? 6 : 2;
	uint32_t sum;
	uint16_t v;

	if (upper != 6 && upper != 17 && upper != 58)
		return;
	sum = xs_tf_sum(0, src, 16);
	sum = xs_tf_sum(sum, dst, 16);
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + upper;
	if (how == XS_T6_CSUM_PARTIAL || how == XS_T6_CSUM_PARTIAL_XOR)
		v = ~xs_tf_fold(sum) & 0xffff;
	else
		v = xs_tf_fold(xs_tf_sum(sum, p, len));
	if (how == XS_T6_CSUM_XOR || how == XS_T6_CSUM_PARTIAL_XOR)
		v ^= 1;
	if (how == XS_T6_CSUM_ZERO)
		v = 0;
	xs_tf_put16(p + at, v);
}

/* One extension header of type t, next header nh, at p; its length. */
static inline size_t xs_t6_ext(uint8_t *p, const struct xs_t6 *f, uint8_t t,
			       uint8_t len8, uint8_t nh)
{
	size_t len = t == 44 ? 8 : ((size_t)len8 + 1) * 8;

	memset(p, 0, len);
	p[0] = nh;
	p[1] = t == 44 ? 0 : len8;
	if (t == 43) {
		p[2] = f->rt_type;
		p[3] = f->rt_segleft;
	} else if (t == 44) {
		/* By default offset 0, more fragments. */
		xs_tf_put16(p + 2, f->frag ? f->frag : 0x0001);
		xs_tf_put32(p + 4, 0x5a5a);
	} else if (t == 0 && f->jumbo) {
		p[2] = 0xc2; /* Jumbo Payload */
		p[3] = 4;
		xs_tf_put32(p + 4, 70000);
	}
	return len;
}

/* Build f into b (XS_T6_MAX bytes); returns the frame's length. */
static inline size_t xs_t6_build(uint8_t *b, const struct xs_t6 *f)
{
	const uint8_t *src = f->saddr  ? f->saddr :
			     f->egress ? xs_t6_us :
					 xs_t6_peer;
	const uint8_t *dst = f->daddr  ? f->daddr :
			     f->egress ? xs_t6_peer :
					 xs_t6_us;
	uint8_t upper = f->upper ? f->upper : f->icmp_type ? 58 : 6;
	struct xs_tframe eth = {};
	size_t off, pos, ulen, len, plen;
	uint8_t *ip;
	int i;

	memset(b, 0, XS_T6_MAX);
	off = xs_tf_eth(b, &eth, 0x86dd);
	ip = b + off;
	pos = off + 40;
	for (i = 0; i < f->ext_n && i < XS_T6_EXT_N; i++)
		pos += xs_t6_ext(b + pos, f, f->ext[i], f->ext_len8[i],
				 i + 1 < f->ext_n ? f->ext[i + 1] : upper);
	ulen = xs_t6_upper(b + pos, f, upper, src, dst);
	xs_t6_csum(b + pos, ulen, upper, src, dst, f->csum);
	plen = pos + ulen - off - 40;
	ip[0] = (f->ver ? f->ver : 6) << 4;
	ip[1] = 0x0a; /* flow label 0xa1234 */
	xs_tf_put16(ip + 2, 0x1234);
	xs_tf_put16(ip + 4, f->plen_set ? f->plen : plen + f->plen_delta);
	ip[6] = f->ext_n ? f->ext[0] : upper;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	len = pos + ulen + f->pad;
	if (f->trunc && f->trunc < len)
		len = f->trunc;
	return len;
}

#endif /* XS_TEST_FRAMES6_H */
