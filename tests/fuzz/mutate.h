/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Frame mutations for tests/bpf/test_fuzz_bpf.c, from a seeded PRNG
 * (splitmix64: one 64-bit state, the same sequence for the same seed on
 * every machine): bit and byte flips, truncation, extension, and
 * field-aware changes of Ethernet, IPv4, IPv6 (next headers, extension
 * headers inserted) and TCP fields (ports, seq/ack, flags, lengths,
 * checksums, options), and checksums made right again after them, so
 * that a mutated frame reaches the checks behind the checksums.
 */
#ifndef XS_FUZZ_MUTATE_H
#define XS_FUZZ_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bpf/frames.h"

#define FZ_FRAME_MAX 1600

struct fz_rng {
	uint64_t s;
};

static inline uint64_t fz_next(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return n ? (uint32_t)(fz_next(r) % n) : 0;
}

/* A frame being mutated. */
struct fz_frame {
	uint8_t b[FZ_FRAME_MAX];
	size_t len;
};

/* Where IP and the upper layer sit, read from the frame as it is now
 * (IPv6: past up to 8 extension headers); 0 where there is none. */
struct fz_layout {
	size_t l3, l4, end; /* end: where the IP packet says it ends */
	uint8_t ver, proto;
};

static inline void fz_layout6(const struct fz_frame *f, struct fz_layout *l)
{
	const uint8_t *b = f->b;
	size_t off = 54;
	uint8_t nh = b[20], next;
	int i;

	l->end = 54 + ((size_t)b[18] << 8 | b[19]);
	for (i = 0; i < 8 && (nh == 0 || nh == 43 || nh == 60 || nh == 44);
	     i++) {
		if (off + 8 > f->len)
			return;
		next = b[off];
		off += nh == 44 ? 8 : ((size_t)b[off + 1] + 1) * 8;
		nh = next;
	}
	l->proto = nh;
	l->l4 = off;
}

static inline void fz_layout(const struct fz_frame *f, struct fz_layout *l)
{
	const uint8_t *b = f->b;
	uint16_t et;

	memset(l, 0, sizeof(*l));
	if (f->len < 14 + 20)
		return;
	et = (uint16_t)(b[12] << 8 | b[13]);
	l->l3 = 14;
	l->ver = b[14] >> 4;
	if (et == 0x0800) {
		l->l4 = 14 + (size_t)(b[14] & 15) * 4;
		l->proto = b[23];
		l->end = 14 + ((size_t)b[16] << 8 | b[17]);
	} else if (et == 0x86dd && f->len >= 54) {
		fz_layout6(f, l);
	} else {
		l->l3 = 0;
	}
}

/* The checksum at sum_off of the upper layer [l4, end), with the
 * pseudo-header of the IP header at l3. */
static inline void fz_fix_l4(struct fz_frame *f, const struct fz_layout *l)
{
	uint8_t *b = f->b, *ip = b + l->l3;
	size_t at, len = l->end - l->l4;
	uint32_t sum;

	at = l->proto == 6 ? 16 : 2;
	if (l->end > f->len || l->l4 >= l->end || l->l4 + at + 2 > l->end)
		return;
	b[l->l4 + at] = b[l->l4 + at + 1] = 0;
	if (l->ver == 4 && l->proto == 1) {
		xs_tf_put16(b + l->l4 + 2,
			    xs_tf_fold(xs_tf_sum(0, b + l->l4, len)));
		return;
	}
	sum = l->ver == 4 ? xs_tf_sum(0, ip + 12, 8) : xs_tf_sum(0, ip + 8, 32);
	sum += l->proto + (uint32_t)len;
	xs_tf_put16(b + l->l4 + at, xs_tf_fold(xs_tf_sum(sum, b + l->l4, len)));
}

/* IP and TCP/ICMP checksums right again, where the frame has room. */
static inline void fz_fix_csums(struct fz_frame *f)
{
	struct fz_layout l;
	uint8_t *ip = f->b + 14;
	size_t ihl;

	fz_layout(f, &l);
	if (!l.l3)
		return;
	if (f->b[12] == 0x08 && f->b[13] == 0) {
		ihl = (size_t)(ip[0] & 15) * 4;
		if (ihl >= 20 && 14 + ihl <= f->len) {
			ip[10] = ip[11] = 0;
			xs_tf_put16(ip + 10, xs_tf_fold(xs_tf_sum(0, ip, ihl)));
		}
	}
	if (l.proto == 6 || l.proto == 1 || l.proto == 58)
		fz_fix_l4(f, &l);
}

/* Values worth trying in a field of w bytes. */
static inline uint32_t fz_value(struct fz_rng *r, uint32_t old, int w)
{
	static const uint32_t ports[] = { 0,	 80,	443,   20,    40000,
					  40999, 41000, 39999, 62040, 65535 };
	uint32_t mask = w == 4 ? 0xffffffffu : (1u << (8 * w)) - 1;

	switch (fz_below(r, 6)) {
	case 0:
		return 0;
	case 1:
		return mask;
	case 2:
		return (old + 1) & mask;
	case 3:
		return (old - 1 - fz_below(r, 4)) & mask;
	case 4:
		return w == 2 ? ports[fz_below(r, 10)] :
				(old ^ (1u << fz_below(r, 8 * w))) & mask;
	}
	return (uint32_t)fz_next(r) & mask;
}

static inline void fz_set(uint8_t *p, int w, uint32_t v)
{
	int i;

	for (i = w - 1; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static inline uint32_t fz_get(const uint8_t *p, int w)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < w; i++)
		v = v << 8 | p[i];
	return v;
}

/* One header field: IPv4, IPv6 or TCP, by the layout. */
static inline void fz_field(struct fz_rng *r, struct fz_frame *f)
{
	/* offset, width: IPv4, IPv6, TCP */
	static const uint8_t v4[][2] = { { 0, 1 },  { 1, 1 },  { 2, 2 },
					 { 6, 2 },  { 8, 1 },  { 9, 1 },
					 { 10, 2 }, { 12, 4 }, { 16, 4 } };
	static const uint8_t v6[][2] = { { 0, 1 },  { 1, 1 },  { 4, 2 },
					 { 6, 1 },  { 7, 1 },  { 8, 4 },
					 { 20, 4 }, { 24, 4 }, { 36, 4 } };
	static const uint8_t tcp[][2] = { { 0, 2 },  { 2, 2 },	{ 4, 4 },
					  { 8, 4 },  { 12, 1 }, { 13, 1 },
					  { 14, 2 }, { 16, 2 }, { 18, 2 } };
	static const uint8_t nhs[] = { 0, 6, 17, 43, 44, 58, 59, 60, 1, 4 };
	static const uint8_t flags[] = { 0x02, 0x12, 0x10, 0x11, 0x04, 0x14,
					 0x18, 0x19, 0x03, 0x06, 0x01, 0x20,
					 0x52, 0x13, 0x16, 0x00, 0x32, 0x92 };
	struct fz_layout l;
	const uint8_t(*t)[2];
	size_t base, i;
	uint8_t *p;

	fz_layout(f, &l);
	if (!l.l3)
		return;
	if (l.l4 && fz_below(r, 2) && l.l4 + 20 <= f->len) {
		t = tcp, base = l.l4;
		i = fz_below(r, 9);
	} else {
		t = l.ver == 6 || f->b[12] == 0x86 ? v6 : v4, base = l.l3;
		i = fz_below(r, 9);
	}
	p = f->b + base + t[i][0];
	if (base + t[i][0] + t[i][1] > f->len)
		return;
	if (t == tcp && i == 5 && fz_below(r, 2))
		*p = flags[fz_below(r, sizeof(flags))];
	else if (t == tcp && i == 4)
		*p = (uint8_t)(fz_below(r, 16) << 4 |
			       (fz_below(r, 4) ? 0 : fz_below(r, 16)));
	else if (t == v6 && i == 3)
		*p = nhs[fz_below(r, sizeof(nhs))];
	else
		fz_set(p, t[i][1], fz_value(r, fz_get(p, t[i][1]), t[i][1]));
}

/* n bytes opened at off (the rest moves back), zeroed. */
static inline bool fz_open(struct fz_frame *f, size_t off, size_t n)
{
	if (f->len + n > FZ_FRAME_MAX || off > f->len)
		return false;
	memmove(f->b + off + n, f->b + off, f->len - off);
	memset(f->b + off, 0, n);
	f->len += n;
	return true;
}

/* An IPv6 extension header put first (hop-by-hop, routing, fragment,
 * destination options), or IPv4 options (NOPs) after the header: the
 * lengths follow. */
static inline void fz_insert_hdr(struct fz_rng *r, struct fz_frame *f)
{
	static const uint8_t ext[] = { 0, 43, 44, 60 };
	uint8_t *b = f->b, t = ext[fz_below(r, 4)];
	size_t n = 4 * (1 + fz_below(r, 3));

	if (f->len < 54)
		return;
	if (b[12] == 0x86 && b[13] == 0xdd) {
		n = t == 44 ? 8 : 8 * (1 + fz_below(r, 2));
		if (!fz_open(f, 54, n))
			return;
		b[54] = b[20];
		b[55] = t == 44 ? 0 : (uint8_t)(n / 8 - 1);
		if (t == 43)
			b[57] = (uint8_t)fz_below(r, 3); /* segments left */
		if (t == 44)
			b[57] = (uint8_t)fz_below(r, 2); /* more fragments */
		b[20] = t;
		fz_set(b + 18, 2, fz_get(b + 18, 2) + (uint32_t)n);
	} else if (b[12] == 0x08 && (b[14] & 15) + n / 4 <= 15) {
		if (!fz_open(f, 14 + (size_t)(b[14] & 15) * 4, n))
			return;
		memset(b + 14 + (b[14] & 15) * 4, 1, n);
		b[14] += (uint8_t)(n / 4);
		fz_set(b + 16, 2, fz_get(b + 16, 2) + (uint32_t)n);
	}
}

/* One mutation of f. */
static inline void fz_mutate_once(struct fz_rng *r, struct fz_frame *f)
{
	size_t n, i;

	switch (fz_below(r, 8)) {
	case 0: /* a bit */
		if (f->len)
			f->b[fz_below(r, f->len)] ^= 1 << fz_below(r, 8);
		break;
	case 1: /* a byte */
		if (f->len)
			f->b[fz_below(r, f->len)] = (uint8_t)fz_next(r);
		break;
	case 2: /* cut */
		if (f->len > 14)
			f->len = 14 + fz_below(r, (uint32_t)f->len - 14);
		break;
	case 3: /* extended: padding, or payload */
		n = 1 + fz_below(r, 64);
		for (i = 0; i < n && f->len < FZ_FRAME_MAX; i++)
			f->b[f->len++] = fz_below(r, 2) ? 0 :
							  (uint8_t)fz_next(r);
		/* Half the time the IP length takes it in: a payload. */
		if (fz_below(r, 2) || f->len < 20)
			break;
		if (f->b[12] == 0x08)
			fz_set(f->b + 16, 2,
			       fz_get(f->b + 16, 2) + (uint32_t)i);
		else if (f->b[12] == 0x86)
			fz_set(f->b + 18, 2,
			       fz_get(f->b + 18, 2) + (uint32_t)i);
		break;
	case 4:
		fz_insert_hdr(r, f);
		break;
	default:
		fz_field(r, f);
	}
}

#endif /* XS_FUZZ_MUTATE_H */
