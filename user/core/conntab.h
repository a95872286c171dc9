/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The engine's connection table: what is in flight and what was answered
 * recently, keyed by 4-tuple.  An open-addressing hash with linear probing
 * over a tag array and backward-shift deletion (no tombstones), and through
 * its entries a timing wheel of their deadlines.  Memory is mapped and populated once,
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

/* What lookups and expiries read comes first, in the first 40 bytes. */
struct xs_ct_entry {
	struct xs_ct_key key; /* xs_ct_key() */
	/* conntab.c's own: the entry's place among the expiries */
	uint32_t t_next; /* slots in its bucket's list */
	uint64_t deadline_ns;
	uint32_t t_prev;
	uint16_t t_bucket;
	bool timed; /* on a list: deadline_ns is pending */
	uint8_t state; /* enum xs_ct_state */
	uint32_t tries;
	uint32_t srv_next; /* banner, --close fin: the server's next sequence */
	/* The TSval of SYN number n (first, retries, after a challenge ACK)
	 * at syn_ts[n % XS_CT_SYN_TS]; nsyn SYNs sent so far. */
	uint32_t syn_ts[XS_CT_SYN_TS];
	uint8_t nsyn;
	uint8_t challenges; /* challenge ACKs answered (RST + SYN again) */
	bool fin_in; /* --close fin: the server's FIN is acknowledged */
	uint8_t ttl; /* banner mode: from the SYN-ACK, for the result */
	uint8_t dst_mac[6];
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
 * The expiries: a timing wheel of XS_CT_WHEEL buckets, each
 * 2^XS_CT_TICK_SHIFT ns wide (1.05 ms; a round is 4.3 s), each bucket a
 * list through the entries themselves, in deadline order.  Deadlines mostly
 * come in order (now + a timeout, now + a grace), so an entry almost always
 * joins the tail of its bucket; one further away than a round waits in its
 * bucket for its own round.  An entry is on at most one list: a new
 * deadline moves it, so no stale expiry is ever kept or looked up.
 */
#define XS_CT_TICK_SHIFT 20
#define XS_CT_WHEEL 4096
#define XS_CT_NIL UINT32_MAX /* no entry: the end of a list */

struct xs_ct_bucket {
	uint32_t head, tail; /* slots, or XS_CT_NIL */
};

struct xs_conntab {
	struct xs_ct_entry *tab;
	/* A slot's tag: 0 for an empty one, else the low 31 bits of its
	 * key's hash with bit 31 set.  Probes read these, 16 to a cache
	 * line, and the entry only on a match; the home slot is
	 * tag & mask. */
	uint32_t *tag;
	uint64_t mask; /* slots - 1 */
	uint64_t used;
	struct xs_ct_bucket *wheel;
	uint64_t cursor; /* the first tick not yet done */
	uint64_t timed; /* entries with a deadline */
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
 * slots: a power of two, 2 to 2^31.  Everything is mapped and populated
 * now, so memory use is fixed before the first SYN.  0 or -EINVAL /
 * -ENOMEM.
 */
int xs_conntab_init(struct xs_conntab *t, uint64_t slots);
void xs_conntab_free(struct xs_conntab *t);

struct xs_ct_entry *xs_conntab_find(const struct xs_conntab *t,
				    struct xs_ct_key key);

/* A hint: fetch key's home slot (its tag and entry) into the cache, for a
 * look-up soon.  Reads only what init set, so it needs no lock. */
void xs_conntab_prefetch(const struct xs_conntab *t, struct xs_ct_key key);

/*
 * The entry for key: the existing one, or a new one (zeroed but for its
 * key, state XS_CT_EMPTY until the caller sets it; found from now on).
 * NULL when the table is full: one slot always stays empty, so that every
 * probe run ends.
 */
struct xs_ct_entry *xs_conntab_insert(struct xs_conntab *t,
				      struct xs_ct_key key);

/* Remove ent (and its expiry), shifting the later members of its probe
 * run back: pointers to entries are good only until the next remove. */
void xs_conntab_remove(struct xs_conntab *t, struct xs_ct_entry *ent);

/* Set ent's deadline (its only one: an earlier one is forgotten). */
void xs_conntab_set_deadline(struct xs_conntab *t, struct xs_ct_entry *ent,
			     uint64_t deadline_ns);

/*
 * The entry whose deadline is the earliest, if it is due by now, its
 * expiry taken off (it has none until set again).  NULL when nothing is
 * due.
 */
struct xs_ct_entry *xs_conntab_pop_due(struct xs_conntab *t, uint64_t now_ns);

/*
 * Room for one more probe: the table under 3/4 full (linear probing stays
 * short).  The producer stops while there is none.
 */
bool xs_conntab_has_room(const struct xs_conntab *t);

#endif /* XS_CONNTAB_H */
