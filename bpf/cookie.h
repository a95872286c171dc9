/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The listen responder's SYN cookies (layout in include/listen.h): a 24-bit
 * SipHash-2-4 MAC of the 4-tuple (either family) and a coarse clock, the clock's low 6
 * bits and a 2-bit MSS index.  Include after bpf/siphash.h.
 */
#ifndef XS_BPF_COOKIE_H
#define XS_BPF_COOKIE_H

/*
 * A 4-tuple as the cookie hashes it, from either family: the addresses
 * as 32-bit words loaded from the header (word 0 only for IPv4, all four
 * for IPv6), the ports as on the wire.
 */
struct xs_ctuple {
	__u32 caddr[4]; /* the client's */
	__u32 saddr[4]; /* ours */
	__be16 cport, sport;
	bool v6;
};

/*
 * SipHash-2-4 of the 4-tuple and the time unit t: for IPv4 16 bytes,
 * client address, our address, client port, our port, t; for IPv6 40,
 * the same with 16-byte addresses.  SipHash's last block holds the length
 * byte and the MSS index; a --protect cookie (prot) adds 5 bytes to it,
 * the client's ISN and the options.  The 24 low bits of the result.
 *
 * The MSS index is covered so that a cookie + 1 is never a cookie too:
 * with the index outside the MAC, cookie + 1 of an index below 3 checked
 * out as a cookie of index + 1, and the ACK of our FIN (ack = cookie + 2)
 * counted as a second handshake, which every IPv6 client (MSS 1440,
 * index 2) would have made.
 */
static __always_inline __u32 xs_cookie_mac(__u64 k0, __u64 k1,
					   const struct xs_ctuple *tu, __u32 t,
					   __u32 mss_idx, bool prot, __u32 isn,
					   __u32 opts)
{
	__u64 v0 = k0 ^ 0x736f6d6570736575ULL;
	__u64 v1 = k1 ^ 0x646f72616e646f6dULL;
	__u64 v2 = k0 ^ 0x6c7967656e657261ULL;
	__u64 v3 = k1 ^ 0x7465646279746573ULL;
	__u64 len = 16;

	if (tu->v6) {
		XS_SIP_ABSORB(v0, v1, v2, v3,
			      (__u64)tu->caddr[0] |
				      ((__u64)tu->caddr[1] << 32));
		XS_SIP_ABSORB(v0, v1, v2, v3,
			      (__u64)tu->caddr[2] |
				      ((__u64)tu->caddr[3] << 32));
		XS_SIP_ABSORB(v0, v1, v2, v3,
			      (__u64)tu->saddr[0] |
				      ((__u64)tu->saddr[1] << 32));
		XS_SIP_ABSORB(v0, v1, v2, v3,
			      (__u64)tu->saddr[2] |
				      ((__u64)tu->saddr[3] << 32));
		len = 40;
	} else {
		XS_SIP_ABSORB(v0, v1, v2, v3,
			      (__u64)tu->caddr[0] |
				      ((__u64)tu->saddr[0] << 32));
	}
	XS_SIP_ABSORB(v0, v1, v2, v3,
		      (__u64)tu->cport | ((__u64)tu->sport << 16) |
			      ((__u64)t << 32));
	if (prot)
		XS_SIP_ABSORB(v0, v1, v2, v3,
			      (len + 5) << 56 | (__u64)isn << 8 |
				      (mss_idx & 3) << 5 | (opts & 31));
	else
		XS_SIP_ABSORB(v0, v1, v2, v3, len << 56 | (mss_idx & 3));

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

static __always_inline __u32 xs_cookie_make(__u64 k0, __u64 k1,
					    const struct xs_ctuple *tu,
					    __u64 now_ns, __u32 mss_idx,
					    bool prot, __u32 opts, __u32 isn)
{
	__u32 t = now_ns >> XS_LISTEN_COOKIE_SHIFT,
	      low = (t & 63) << 2 | (mss_idx & 3);

	if (prot)
		return xs_cookie_mac(k0, k1, tu, t, mss_idx, true, isn, opts)
			       << 13 |
		       (opts & 31) << 8 | low;
	return xs_cookie_mac(k0, k1, tu, t, mss_idx, false, 0, 0) << 8 | low;
}

/* Whether c is a cookie made for this 4-tuple less than
 * XS_LISTEN_COOKIE_AGE time units before now_ns. */
static __always_inline bool xs_cookie_ok(__u64 k0, __u64 k1,
					 const struct xs_ctuple *tu,
					 __u64 now_ns, __u32 c, bool prot,
					 __u32 isn)
{
	__u32 now_t = now_ns >> XS_LISTEN_COOKIE_SHIFT;
	__u32 age = (now_t - (c >> 2)) & 63;

	if (age >= XS_LISTEN_COOKIE_AGE)
		return false;
	if (prot)
		return c >> 13 == (xs_cookie_mac(k0, k1, tu, now_t - age, c & 3,
						 true, isn, XS_COOKIE_OPTS(c)) &
				   0x7ffff);
	return c >> 8 ==
	       xs_cookie_mac(k0, k1, tu, now_t - age, c & 3, false, 0, 0);
}

#endif /* XS_BPF_COOKIE_H */
