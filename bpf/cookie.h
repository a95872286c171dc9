/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The listen responder's SYN cookies (layout in include/listen.h): a 24-bit
 * SipHash-2-4 MAC of the 4-tuple and a coarse clock, the clock's low 6
 * bits and a 2-bit MSS index.  Include after bpf/siphash.h.
 */
#ifndef XS_BPF_COOKIE_H
#define XS_BPF_COOKIE_H

/*
 * 16 bytes: client address, our address, client port, our port (as on the
 * wire) and the time unit t; for a --protect cookie 5 more, the client's
 * ISN and the options (tail: SipHash's last block, length byte included;
 * 0 for none).
 */
static __always_inline __u64 xs_cookie_tail(__u32 isn, __u32 opts)
{
	return 21ULL << 56 | (__u64)isn << 8 | (opts & 31);
}

static __always_inline __u32 xs_cookie_mac(__u64 k0, __u64 k1, __be32 caddr,
					   __be32 saddr, __be16 cport,
					   __be16 sport, __u32 t, __u64 tail)
{
	__u64 v0 = k0 ^ 0x736f6d6570736575ULL;
	__u64 v1 = k1 ^ 0x646f72616e646f6dULL;
	__u64 v2 = k0 ^ 0x6c7967656e657261ULL;
	__u64 v3 = k1 ^ 0x7465646279746573ULL;
	__u64 m;

	m = (__u64)caddr | ((__u64)saddr << 32);
	v3 ^= m;
	XS_SIPROUND(v0, v1, v2, v3);
	XS_SIPROUND(v0, v1, v2, v3);
	v0 ^= m;

	m = (__u64)cport | ((__u64)sport << 16) | ((__u64)t << 32);
	v3 ^= m;
	XS_SIPROUND(v0, v1, v2, v3);
	XS_SIPROUND(v0, v1, v2, v3);
	v0 ^= m;

	m = tail ? tail : 16ULL << 56;
	v3 ^= m;
	XS_SIPROUND(v0, v1, v2, v3);
	XS_SIPROUND(v0, v1, v2, v3);
	v0 ^= m;

	v2 ^= 0xff;
	XS_SIPROUND(v0, v1, v2, v3);
	XS_SIPROUND(v0, v1, v2, v3);
	XS_SIPROUND(v0, v1, v2, v3);
	XS_SIPROUND(v0, v1, v2, v3);
	return (__u32)(v0 ^ v1 ^ v2 ^ v3) & 0xffffff;
}

/*
 * A --protect cookie gives 5 bits of the MAC to the SYN's options, which
 * the kernel needs when it takes the connection on (the final ACK does not
 * repeat them):
 *
 *   31               13 12      9  8     7        2 1   0
 *   | MAC, 19 bits     | wscale  | sack | t mod 64 | mss |
 *
 * wscale 0xf: the SYN had no window scale option.  The MAC covers them
 * and the client's ISN, as the kernel's cookies do: only the third segment
 * of the handshake (seq = ISN + 1) checks out, never a late one of a
 * connection that is gone.
 */
#define XS_COOKIE_OPTS(c) (((c) >> 8) & 31)
#define XS_COOKIE_NO_WSCALE 0xf

static __always_inline __u32 xs_cookie_make(__u64 k0, __u64 k1, __be32 caddr,
					    __be32 saddr, __be16 cport,
					    __be16 sport, __u64 now_ns,
					    __u32 mss_idx, bool prot,
					    __u32 opts, __u32 isn)
{
	__u32 t = now_ns >> XS_LISTEN_COOKIE_SHIFT,
	      low = (t & 63) << 2 | (mss_idx & 3);

	if (prot)
		return xs_cookie_mac(k0, k1, caddr, saddr, cport, sport, t,
				     xs_cookie_tail(isn, opts))
			       << 13 |
		       (opts & 31) << 8 | low;
	return xs_cookie_mac(k0, k1, caddr, saddr, cport, sport, t, 0) << 8 |
	       low;
}

/* Whether c is a cookie made for this 4-tuple less than
 * XS_LISTEN_COOKIE_AGE time units before now_ns. */
static __always_inline bool xs_cookie_ok(__u64 k0, __u64 k1, __be32 caddr,
					 __be32 saddr, __be16 cport,
					 __be16 sport, __u64 now_ns, __u32 c,
					 bool prot, __u32 isn)
{
	__u32 now_t = now_ns >> XS_LISTEN_COOKIE_SHIFT;
	__u32 age = (now_t - (c >> 2)) & 63;

	if (age >= XS_LISTEN_COOKIE_AGE)
		return false;
	if (prot)
		return c >> 13 ==
		       (xs_cookie_mac(k0, k1, caddr, saddr, cport, sport,
				      now_t - age,
				      xs_cookie_tail(isn, XS_COOKIE_OPTS(c))) &
			0x7ffff);
	return c >> 8 == xs_cookie_mac(k0, k1, caddr, saddr, cport, sport,
				       now_t - age, 0);
}

#endif /* XS_BPF_COOKIE_H */
