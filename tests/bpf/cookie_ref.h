/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The listen responder's SYN cookie computed in userspace: the tests'
 * reference, written from the layout include/listen.h and the README
 * describe, not from bpf/cookie.h (the program's code is what it checks).
 *
 *   31                         8 7          2 1   0
 *   | MAC: SipHash-2-4, 24 bits | t mod 64   | mss |
 *
 * The MAC is SipHash-2-4 keyed (k0, k1) over the message client address,
 * our address (4 bytes each for IPv4, 16 for IPv6, as on the wire), client
 * port, our port (big endian, as on the wire) and t (32 bits, little
 * endian), whose last block holds the message length in its top byte and
 * the MSS index in its lowest: 16 or 40 bytes, the index inside the MAC.
 * --protect's cookie (19 bits of MAC, then window scale and SACK-permitted)
 * adds the client's ISN and those 5 option bits to that block, and 5 to
 * the length.  t = CLOCK_MONOTONIC >> 30 ns; valid for 8 units.
 */
#ifndef XS_TEST_COOKIE_REF_H
#define XS_TEST_COOKIE_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define REF_COOKIE_SHIFT 30
#define REF_COOKIE_AGE 8
#define REF_NO_WSCALE 0xf

/* A 4-tuple, ports in host order, addresses as on the wire (an IPv4
 * address in the last 4 bytes, as ::ffff:a.b.c.d). */
struct ref_tuple {
	uint8_t caddr[16], saddr[16];
	uint16_t cport, sport;
	bool v6;
};

static inline uint64_t ref_rotl(uint64_t x, int b)
{
	return x << b | x >> (64 - b);
}

static inline void ref_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ref_rotl(v[1], 13) ^ v[0];
	v[0] = ref_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = ref_rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = ref_rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = ref_rotl(v[1], 17) ^ v[2];
	v[2] = ref_rotl(v[2], 32);
}

static inline void ref_absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	ref_round(v);
	ref_round(v);
	v[0] ^= m;
}

static inline uint64_t ref_le64(const uint8_t *p)
{
	uint64_t w = 0;
	int i;

	for (i = 7; i >= 0; i--)
		w = w << 8 | p[i];
	return w;
}

/* The MAC's 24 bits (prot: the caller keeps 19 of them). */
static inline uint32_t ref_cookie_mac(uint64_t k0, uint64_t k1,
				      const struct ref_tuple *tu, uint32_t t,
				      uint32_t mss_idx, bool prot, uint32_t isn,
				      uint32_t opts)
{
	uint64_t v[4] = { k0 ^ 0x736f6d6570736575ULL,
			  k1 ^ 0x646f72616e646f6dULL,
			  k0 ^ 0x6c7967656e657261ULL,
			  k1 ^ 0x7465646279746573ULL };
	uint8_t m[40];
	size_t n = 0, i;

	if (tu->v6) {
		memcpy(m, tu->caddr, 16);
		memcpy(m + 16, tu->saddr, 16);
		n = 32;
	} else {
		memcpy(m, tu->caddr + 12, 4);
		memcpy(m + 4, tu->saddr + 12, 4);
		n = 8;
	}
	m[n] = tu->cport >> 8;
	m[n + 1] = tu->cport & 0xff;
	m[n + 2] = tu->sport >> 8;
	m[n + 3] = tu->sport & 0xff;
	for (i = 0; i < 4; i++)
		m[n + 4 + i] = (uint8_t)(t >> (8 * i));
	n += 8;
	for (i = 0; i < n; i += 8)
		ref_absorb(v, ref_le64(m + i));
	if (prot)
		ref_absorb(v, (uint64_t)(n + 5) << 56 | (uint64_t)isn << 8 |
				      (mss_idx & 3) << 5 | (opts & 31));
	else
		ref_absorb(v, (uint64_t)n << 56 | (mss_idx & 3));
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		ref_round(v);
	return (uint32_t)(v[0] ^ v[1] ^ v[2] ^ v[3]) & 0xffffff;
}

static inline uint32_t ref_cookie_make(uint64_t k0, uint64_t k1,
				       const struct ref_tuple *tu,
				       uint64_t now_ns, uint32_t mss_idx,
				       bool prot, uint32_t opts, uint32_t isn)
{
	uint32_t t = (uint32_t)(now_ns >> REF_COOKIE_SHIFT);
	uint32_t low = (t & 63) << 2 | (mss_idx & 3);
	uint32_t mac = ref_cookie_mac(k0, k1, tu, t, mss_idx, prot, isn, opts);

	if (prot)
		return (mac & 0x7ffff) << 13 | (opts & 31) << 8 | low;
	return mac << 8 | low;
}

/* c was made for tu at most REF_COOKIE_AGE - 1 units before now_ns. */
static inline bool ref_cookie_ok(uint64_t k0, uint64_t k1,
				 const struct ref_tuple *tu, uint64_t now_ns,
				 uint32_t c, bool prot, uint32_t isn)
{
	uint32_t now_t = (uint32_t)(now_ns >> REF_COOKIE_SHIFT), age, t;

	age = (now_t - (c >> 2)) & 63;
	if (age >= REF_COOKIE_AGE)
		return false;
	t = now_t - age;
	if (prot)
		return c >> 13 == (ref_cookie_mac(k0, k1, tu, t, c & 3, true,
						  isn, (c >> 8) & 31) &
				   0x7ffff);
	return c >> 8 == ref_cookie_mac(k0, k1, tu, t, c & 3, false, 0, 0);
}

/* The index of the MSS a SYN offered (536 without the option), capped
 * at ours: 536, 1220, 1440, 1460. */
static inline uint32_t ref_mss_index(uint32_t mss, uint32_t ours)
{
	if (mss > ours)
		mss = ours;
	return mss >= 1460 ? 3 : mss >= 1440 ? 2 : mss >= 1220 ? 1 : 0;
}

#endif /* XS_TEST_COOKIE_REF_H */
