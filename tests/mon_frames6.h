/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet + IPv6 frames for the monitor's tests (unit and BPF): a TCP
 * segment with optional extension headers, and an ICMPv6 error quoting
 * one.  Its own checksum code (RFC 8200 8.1), so that a test does not
 * check the parser's sum with the parser's sum.
 */
#ifndef XS_TEST_MON_FRAMES6_H
#define XS_TEST_MON_FRAMES6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

struct xs_f6 {
	const char *src, *dst; /* IPv6 text */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags; /* XS_TCP_* */
	uint16_t window;
	uint8_t hlim, tclass;
	uint32_t flow; /* 20 bits */
	const uint8_t *opts; /* raw TCP options, a multiple of 4 bytes */
	size_t optlen;
	size_t payload; /* bytes of 'x' */
	/* Extension headers before TCP: next header values, 8 bytes each
	 * (a PadN option), chained in order. */
	const uint8_t *ext;
	size_t next;
	uint8_t proto; /* 0: TCP (6) */
	bool csum_partial; /* the pseudo-header sum only */
};

static const uint8_t xs_f6_mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x06, 0x0a };
static const uint8_t xs_f6_mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x06, 0x0b };

static inline uint32_t xs_f6_sum(uint32_t s, const uint8_t *d, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)d[i] << 8 | d[i + 1];
	if (n & 1)
		s += (uint32_t)d[n - 1] << 8;
	return s;
}

static inline uint16_t xs_f6_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Unfolded pseudo-header sum for the IPv6 header at ip6. */
static inline uint32_t xs_f6_pseudo(const uint8_t *ip6, uint8_t proto,
				    size_t len)
{
	uint8_t t[8] = { (uint8_t)(len >> 24),
			 (uint8_t)(len >> 16),
			 (uint8_t)(len >> 8),
			 (uint8_t)len,
			 0,
			 0,
			 0,
			 proto };

	return xs_f6_sum(xs_f6_sum(0, ip6 + 8, 32), t, 8);
}

static inline void xs_f6_ip6(uint8_t *ip, const char *src, const char *dst,
			     uint8_t tclass, uint32_t flow, uint16_t plen,
			     uint8_t nh, uint8_t hlim)
{
	uint32_t w = 6u << 28 | (uint32_t)tclass << 20 | (flow & 0xfffff);

	ip[0] = w >> 24;
	ip[1] = w >> 16;
	ip[2] = w >> 8;
	ip[3] = w;
	ip[4] = plen >> 8;
	ip[5] = plen;
	ip[6] = nh;
	ip[7] = hlim;
	inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, dst, ip + 24);
}

/* The frame described by f into buf; its length. */
static inline size_t xs_f6_build(uint8_t *buf, size_t cap,
				 const struct xs_f6 *f)
{
	size_t ext = f->next * 8, thl = 20 + f->optlen;
	size_t plen = ext + thl + f->payload, n = 14 + 40 + plen, i;
	uint8_t *ip = buf + 14, *e = ip + 40, *t = e + ext, nh;
	uint16_t c;

	if (n > cap)
		return 0;
	memset(buf, 0, n);
	memcpy(buf, xs_f6_mac_b, 6);
	memcpy(buf + 6, xs_f6_mac_a, 6);
	buf[12] = 0x86;
	buf[13] = 0xdd;
	nh = f->next ? f->ext[0] : (f->proto ? f->proto : 6);
	xs_f6_ip6(ip, f->src, f->dst, f->tclass, f->flow, (uint16_t)plen, nh,
		  f->hlim ? f->hlim : 64);
	for (i = 0; i < f->next; i++) {
		e[i * 8] = i + 1 < f->next ? f->ext[i + 1] :
			   f->proto	   ? f->proto :
					     6;
		e[i * 8 + 2] = 1; /* PadN */
		e[i * 8 + 3] = 4;
	}
	t[0] = f->sport >> 8;
	t[1] = f->sport;
	t[2] = f->dport >> 8;
	t[3] = f->dport;
	for (i = 0; i < 4; i++) {
		t[4 + i] = f->seq >> (24 - 8 * i);
		t[8 + i] = f->ack >> (24 - 8 * i);
	}
	t[12] = (uint8_t)(thl / 4) << 4;
	t[13] = f->flags;
	t[14] = f->window >> 8;
	t[15] = f->window;
	if (f->optlen)
		memcpy(t + 20, f->opts, f->optlen);
	memset(t + thl, 'x', f->payload);
	if (f->csum_partial)
		c = xs_f6_fold(xs_f6_pseudo(ip, 6, thl + f->payload));
	else
		c = ~xs_f6_fold(xs_f6_sum(xs_f6_pseudo(ip, 6, thl + f->payload),
					  t, thl + f->payload));
	t[16] = c >> 8;
	t[17] = c;
	return n;
}

/*
 * An ICMPv6 error of type/code from `from` to the quoted packet's source,
 * quoting qlen bytes of the IPv6 packet in frame q (from its IPv6
 * header); word: the 4 bytes after the checksum (packet too big: MTU).
 */
static inline size_t xs_f6_icmp(uint8_t *buf, size_t cap, const uint8_t *q,
				size_t qlen, uint8_t type, uint8_t code,
				uint32_t word, const char *from)
{
	size_t n = 14 + 40 + 8 + qlen;
	uint8_t *ip = buf + 14, *ic = ip + 40;
	char dst[INET6_ADDRSTRLEN];
	uint16_t c;

	if (n > cap)
		return 0;
	inet_ntop(AF_INET6, q + 14 + 8, dst, sizeof(dst));
	memset(buf, 0, n);
	memcpy(buf, q + 6, 6);
	memcpy(buf + 6, q, 6);
	buf[12] = 0x86;
	buf[13] = 0xdd;
	xs_f6_ip6(ip, from, dst, 0, 0, (uint16_t)(8 + qlen), 58, 64);
	ic[0] = type;
	ic[1] = code;
	ic[4] = word >> 24;
	ic[5] = word >> 16;
	ic[6] = word >> 8;
	ic[7] = word;
	memcpy(ic + 8, q + 14, qlen);
	c = ~xs_f6_fold(
		xs_f6_sum(xs_f6_pseudo(ip, 58, 8 + qlen), ic, 8 + qlen));
	ic[2] = c >> 8;
	ic[3] = c;
	return n;
}

#endif /* XS_TEST_MON_FRAMES6_H */
