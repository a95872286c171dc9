/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Initial sequence numbers: SipHash-2-4 of the 4-tuple under a secret drawn
 * once per run, so a reply can be checked against the ISN we sent without
 * keeping state for it.
 */
#ifndef XS_ISN_H
#define XS_ISN_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct xs_isn_key {
	uint64_t k0, k1;
};

/* SipHash-2-4 (Aumasson & Bernstein), 64-bit output. */
uint64_t xs_siphash24(const struct xs_isn_key *key, const void *data,
		      size_t len);

/* Fill key from getrandom(). Returns 0 or -errno. */
int xs_isn_key_init(struct xs_isn_key *key);

/* ISN for a 4-tuple.  Addresses in network order, ports in host order. */
uint32_t xs_isn(const struct xs_isn_key *key, uint32_t saddr, uint32_t daddr,
		uint16_t sport, uint16_t dport);

/*
 * ISN for an IPv6 4-tuple: SipHash-2-4 of the 36 bytes saddr (16), daddr
 * (16), sport, dport (big endian), as they sit in an IPv6 SYN; the same
 * function as bpf/siphash.h's xs_isn6_of().  Ports in host order.
 */
uint32_t xs_isn6(const struct xs_isn_key *key, const uint8_t saddr[16],
		 const uint8_t daddr[16], uint16_t sport, uint16_t dport);

/*
 * ISN for a tuple of either family: xs_isn() for two IPv4 addresses (the
 * 12-byte message, so IPv4 ISNs are what they always were), xs_isn6()
 * otherwise.  Both addresses are of one family.
 */
uint32_t xs_isn_addr(const struct xs_isn_key *key, const struct xs_addr *saddr,
		     const struct xs_addr *daddr, uint16_t sport,
		     uint16_t dport);

#endif /* XS_ISN_H */
