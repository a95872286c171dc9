/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The engine's connection table: what is in flight and what was answered
 * recently, keyed by 4-tuple.  An open-addressing hash with linear probing
 * and backward-shift deletion (no tombstones), and beside it a binary
 * min-heap of expiries by deadline.  Memory is mapped and populated once,
 * at init; nothing here allocates afterwards, takes a lock or reads a clock.
 * The caller serialises access.
 */
#ifndef XS_CONNTAB_H
#define XS_CONNTAB_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "packet.h"

/* Our 4-tuple of a handshake: the server's address and port, our source
 * port (our address is the run's, of the server's family).  20 bytes, no
 * padding: compared with memcmp. */
struct xs_ct_key {
	struct xs_addr daddr;
	uint16_t dport;
	uint16_t sport;
};

enum xs_ct_state {
	XS_CT_EMPTY,
	XS_CT_SENT, /* SYN out, no valid answer yet */
	XS_CT_ANSWERED, /* kept until deadline to catch duplicates */
	XS_CT_ESTAB, /* banner mode: ACK sent, waiting for the server's data */
	XS_CT_CLOSING, /* --close fin: our FIN sent, waiting for the server's */
};

/* TSvals of a probe's last SYNs kept, to tell which one a TSecr echoes. */
#define XS_CT_SYN_TS 4

struct xs_ct_entry {
	struct xs_ct_key key; /* xs_ct_key() */
	uint64_t deadline_ns;
	uint32_t tries;
	uint32_t srv_next; /* banner, --close fin: the server's next sequence */
	/* The TSval of SYN number n (first, retries, after a challenge ACK)
	 * at syn_ts[n % XS_CT_SYN_TS]; nsyn SYNs sent so far. */
	uint32_t syn_ts[XS_CT_SYN_TS];
	uint8_t nsyn;
	uint8_t challenges; /* challenge ACKs answered (RST + SYN again) */
	bool fin_in; /* --close fin: the server's FIN is acknowledged */
	uint8_t state; /* enum xs_ct_state */
	uint8_t dst_mac[6];
	uint8_t ttl; /* banner mode: from the SYN-ACK, for the result */
	uint16_t window;
	struct xs_tcp_opts opts;
	uint32_t rtt_us;
	bool has_rtt;
	/* banner mode: the effective send MSS (RFC 9293 3.7.1), lowered by
	 * a frag-needed, and the bytes of our payload the server acked */
	uint16_t snd_mss;
	uint32_t snd_una;
};

/*
 * An expiry to look at; stale ones (deadline moved, entry gone) are
 * skipped when they come up.  A heap, not a FIFO: deadlines are not pushed
 * in order (answered entries get a short grace, retries a longer backoff),
 * and a FIFO would hold every short one behind the longest before it.
 */
struct xs_expiry {
	struct xs_ct_key key;
	uint64_t deadline_ns;
};

struct xs_conntab {
	struct xs_ct_entry *tab;
	uint64_t mask; /* slots - 1 */
	uint64_t used;
	struct xs_expiry *heap;
	uint64_t heap_cap, heap_len;
};

/* Our 4-tuple of a handshake with daddr:dport from sport. */
static inline struct xs_ct_key xs_ct_key(const struct xs_addr *daddr,
					 uint16_t dport, uint16_t sport)
{
	return (struct xs_ct_key){ .daddr = *daddr,
				   .dport = dport,
				   .sport = sport };
}

static inline bool xs_ct_key_eq(const struct xs_ct_key *a,
				const struct xs_ct_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static inline struct xs_addr xs_ct_daddr(struct xs_ct_key key)
{
	return key.daddr;
}

static inline uint16_t xs_ct_dport(struct xs_ct_key key)
{
	return key.dport;
}

static inline uint16_t xs_ct_sport(struct xs_ct_key key)
{
	return key.sport;
}

/*
 * slots: a power of two >= 2; heap_cap >= 1.  Both arrays are mapped and
 * populated now, so memory use is fixed before the first SYN.  0 or
 * -EINVAL / -ENOMEM.
 */
int xs_conntab_init(struct xs_conntab *t, uint64_t slots, uint64_t heap_cap);
void xs_conntab_free(struct xs_conntab *t);

struct xs_ct_entry *xs_conntab_find(const struct xs_conntab *t,
				    struct xs_ct_key key);

/*
 * The entry for key: the existing one, or a new one (zeroed but for its
 * key, state XS_CT_EMPTY until the caller sets it).  NULL when the table
 * is full: one slot always stays empty, so that every probe run ends.
 */
struct xs_ct_entry *xs_conntab_insert(struct xs_conntab *t,
				      struct xs_ct_key key);

/* Remove ent, shifting the later members of its probe run back. */
void xs_conntab_remove(struct xs_conntab *t, struct xs_ct_entry *ent);

/* Set ent's deadline and push its expiry.  0, or -ENOSPC if the heap is
 * full (the deadline is set all the same). */
int xs_conntab_set_deadline(struct xs_conntab *t, struct xs_ct_entry *ent,
			    uint64_t deadline_ns);

/*
 * The next entry whose own deadline is due by now, its expiry taken off
 * the heap; stale expiries (entry gone, deadline moved) are dropped on the
 * way.  NULL when nothing is due.
 */
struct xs_ct_entry *xs_conntab_pop_due(struct xs_conntab *t, uint64_t now_ns);

/*
 * Room for one more probe: the table under 3/4 full (linear probing stays
 * short) and two free expiries (its timeout, then its answer's grace).
 * The producer stops while there is none.
 */
bool xs_conntab_has_room(const struct xs_conntab *t);

#endif /* XS_CONNTAB_H */
