/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Initial sequence numbers from SipHash-2-4 of the 4-tuple.
 *
 * SipHash is a keyed PRF: without the per-run key an off-path host cannot
 * predict our ISN, and with it we can recompute the ISN of any tuple, so a
 * SYN-ACK is checked (ack == ISN + 1) without remembering what we sent.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "isn.h"

static uint64_t rotl64(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

/* Little-endian load, whatever the host: SipHash is defined on LE words. */
static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl64(s->v2, 32);
}

static void sip_absorb(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	/* the "2" of SipHash-2-4: two compression rounds per word */
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t xs_siphash24(const struct xs_isn_key *key, const void *data,
		      size_t len)
{
	const uint8_t *p = data;
	struct sip_state s;
	uint8_t tail[8];
	size_t left = len;

	/* The initialisation constants spell "somepseudorandomlygeneratedbytes"
	 * (Aumasson & Bernstein, section 2). */
	s.v0 = key->k0 ^ 0x736f6d6570736575ULL;
	s.v1 = key->k1 ^ 0x646f72616e646f6dULL;
	s.v2 = key->k0 ^ 0x6c7967656e657261ULL;
	s.v3 = key->k1 ^ 0x7465646279746573ULL;

	while (left >= 8) {
		sip_absorb(&s, load_le64(p));
		p += 8;
		left -= 8;
	}

	/* Last word: the remaining bytes, zero filled, with len mod 256 in
	 * the top byte. */
	memset(tail, 0, sizeof(tail));
	if (left)
		memcpy(tail, p, left);
	tail[7] = (uint8_t)len;
	sip_absorb(&s, load_le64(tail));

	/* the "4": four finalisation rounds */
	s.v2 ^= 0xff;
	sip_round(&s);
	sip_round(&s);
	sip_round(&s);
	sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

int xs_isn_key_init(struct xs_isn_key *key)
{
	uint8_t buf[16];
	size_t got = 0;

	/* Blocking flags 0: waits only until the pool is initialised once at
	 * boot, which is long over by the time anyone runs us. */
	while (got < sizeof(buf)) {
		ssize_t n = getrandom(buf + got, sizeof(buf) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	key->k0 = load_le64(buf);
	key->k1 = load_le64(buf + 8);
	memset(buf, 0, sizeof(buf));
	return 0;
}

/*
 * The 12 hashed bytes are the tuple exactly as it appears on the wire in our
 * SYN: saddr (4, network order), daddr (4, network order), sport (2, big
 * endian), dport (2, big endian) -- the IPv4 source/destination fields
 * followed by the first four bytes of the TCP header.  A fixed byte layout
 * keeps the ISN independent of host endianness and struct padding.
 */
uint32_t xs_isn(const struct xs_isn_key *key, uint32_t saddr, uint32_t daddr,
		uint16_t sport, uint16_t dport)
{
	uint8_t t[12];

	memcpy(t, &saddr, 4);
	memcpy(t + 4, &daddr, 4);
	t[8] = sport >> 8;
	t[9] = sport & 0xff;
	t[10] = dport >> 8;
	t[11] = dport & 0xff;
	return (uint32_t)xs_siphash24(key, t, sizeof(t));
}

uint32_t xs_isn6(const struct xs_isn_key *key, const uint8_t saddr[16],
		 const uint8_t daddr[16], uint16_t sport, uint16_t dport)
{
	uint8_t t[36];

	memcpy(t, saddr, 16);
	memcpy(t + 16, daddr, 16);
	t[32] = sport >> 8;
	t[33] = sport & 0xff;
	t[34] = dport >> 8;
	t[35] = dport & 0xff;
	return (uint32_t)xs_siphash24(key, t, sizeof(t));
}

uint32_t xs_isn_addr(const struct xs_isn_key *key, const struct xs_addr *saddr,
		     const struct xs_addr *daddr, uint16_t sport,
		     uint16_t dport)
{
	if (xs_addr_is_v4(saddr))
		return xs_isn(key, xs_addr_get_v4(saddr), xs_addr_get_v4(daddr),
			      sport, dport);
	return xs_isn6(key, saddr->b, daddr->b, sport, dport);
}
