/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * SipHash-2-4 of a TCP 4-tuple, the same function as user/core/isn.c's
 * xs_isn(), so the XDP filter can check a reply's ack number against the
 * ISN we sent without keeping any state per target.
 *
 * The message is 12 bytes: our address, the server's address (as on the
 * wire), our port, the server's port (big-endian): one 8-byte word and a
 * final word holding the last 4 bytes and the length.  Straight-line code,
 * no loops.  Little-endian hosts only, like the rest of our BPF code.
 */
#ifndef XS_BPF_SIPHASH_H
#define XS_BPF_SIPHASH_H

#define XS_ROTL64(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

#define XS_SIPROUND(v0, v1, v2, v3)     \
	do {                            \
		v0 += v1;               \
		v1 = XS_ROTL64(v1, 13); \
		v1 ^= v0;               \
		v0 = XS_ROTL64(v0, 32); \
		v2 += v3;               \
		v3 = XS_ROTL64(v3, 16); \
		v3 ^= v2;               \
		v0 += v3;               \
		v3 = XS_ROTL64(v3, 21); \
		v3 ^= v0;               \
		v2 += v1;               \
		v1 = XS_ROTL64(v1, 17); \
		v1 ^= v2;               \
		v2 = XS_ROTL64(v2, 32); \
	} while (0)

/* One 8-byte message word w through SipHash's two compression rounds. */
#define XS_SIP_ABSORB(v0, v1, v2, v3, w)     \
	do {                                 \
		__u64 m_ = (w);              \
		v3 ^= m_;                    \
		XS_SIPROUND(v0, v1, v2, v3); \
		XS_SIPROUND(v0, v1, v2, v3); \
		v0 ^= m_;                    \
	} while (0)

/* SipHash's four finalisation rounds; the low 32 bits of the result. */
static __always_inline __u32 xs_sip_final(__u64 v0, __u64 v1, __u64 v2,
					  __u64 v3)
{
	v2 ^= 0xff;
	XS_SIPROUND(v0, v1, v2, v3);
	XS_SIPROUND(v0, v1, v2, v3);
	XS_SIPROUND(v0, v1, v2, v3);
	XS_SIPROUND(v0, v1, v2, v3);
	return (__u32)(v0 ^ v1 ^ v2 ^ v3);
}

/* Addresses and ports exactly as they sit in the headers (network order). */
static __always_inline __u32 xs_isn_of(__u64 k0, __u64 k1, __be32 saddr,
				       __be32 daddr, __be16 sport, __be16 dport)
{
	__u64 v0 = k0 ^ 0x736f6d6570736575ULL;
	__u64 v1 = k1 ^ 0x646f72616e646f6dULL;
	__u64 v2 = k0 ^ 0x6c7967656e657261ULL;
	__u64 v3 = k1 ^ 0x7465646279746573ULL;

	XS_SIP_ABSORB(v0, v1, v2, v3, (__u64)saddr | ((__u64)daddr << 32));
	XS_SIP_ABSORB(v0, v1, v2, v3,
		      (__u64)sport | ((__u64)dport << 16) | (12ULL << 56));

	return xs_sip_final(v0, v1, v2, v3);
}

/*
 * The same over an IPv6 4-tuple, user/core/isn.c's xs_isn6(): 36 bytes,
 * our address (16), the server's (16), our port, the server's port, as on
 * the wire.  Addresses as four 32-bit words loaded from the header, so
 * word k of the message is a[2k] | a[2k + 1] << 32 (little endian).
 */
static __always_inline __u32 xs_isn6_of(__u64 k0, __u64 k1, const __u32 *saddr,
					const __u32 *daddr, __be16 sport,
					__be16 dport)
{
	__u64 v0 = k0 ^ 0x736f6d6570736575ULL;
	__u64 v1 = k1 ^ 0x646f72616e646f6dULL;
	__u64 v2 = k0 ^ 0x6c7967656e657261ULL;
	__u64 v3 = k1 ^ 0x7465646279746573ULL;

	XS_SIP_ABSORB(v0, v1, v2, v3,
		      (__u64)saddr[0] | ((__u64)saddr[1] << 32));
	XS_SIP_ABSORB(v0, v1, v2, v3,
		      (__u64)saddr[2] | ((__u64)saddr[3] << 32));
	XS_SIP_ABSORB(v0, v1, v2, v3,
		      (__u64)daddr[0] | ((__u64)daddr[1] << 32));
	XS_SIP_ABSORB(v0, v1, v2, v3,
		      (__u64)daddr[2] | ((__u64)daddr[3] << 32));
	XS_SIP_ABSORB(v0, v1, v2, v3,
		      (__u64)sport | ((__u64)dport << 16) | (36ULL << 56));

	return xs_sip_final(v0, v1, v2, v3);
}

#endif /* XS_BPF_SIPHASH_H */
