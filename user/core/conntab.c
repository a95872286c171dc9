// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The connection table: see conntab.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "conntab.h"

static uint64_t mix64(uint64_t k)
{
	/* A 64-bit mix (splitmix64's finaliser) spreads sequential
	 * addresses and ports over the table. */
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ULL;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebULL;
	return k ^ (k >> 31);
}

/* The key's 20 bytes, folded: the address's high half, its low half (an
 * IPv4 address lies in the low one) with the ports, each mixed. */
static uint64_t hash_key(const struct xs_ct_key *key)
{
	uint64_t hi, lo;

	memcpy(&hi, key->daddr.b, 8);
	memcpy(&lo, key->daddr.b + 8, 8);
	return mix64(mix64(lo ^ ((uint64_t)key->dport << 16 | key->sport)) ^
		     hi);
}

static uint32_t tag_of(const struct xs_ct_key *key)
{
	return (uint32_t)hash_key(key) | 0x80000000u;
}

/*
 * Mapped and populated at start (malloc plus memset would not do:
 * compilers turn that into calloc, whose fresh pages stay untouched until
 * used), in huge pages where the kernel has them: lookups land anywhere
 * in the table, and with 4 KiB pages most of them missed the TLB too.
 */
static void *alloc_fixed(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_HUGEPAGE);
	/* Populated after the advice, so that it is populated with huge
	 * pages; a kernel before 5.14 has no MADV_POPULATE_WRITE: touched
	 * by hand then. */
	if (madvise(p, len, MADV_POPULATE_WRITE))
		memset(p, 0, len);
	return p;
}

static void free_fixed(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

static size_t tab_len(uint64_t slots)
{
	return slots * sizeof(struct xs_ct_entry);
}

int xs_conntab_init(struct xs_conntab *t, uint64_t slots)
{
	const size_t wheel_len = XS_CT_WHEEL * sizeof(*t->wheel);
	unsigned int b;

	memset(t, 0, sizeof(*t));
	if (slots < 2 || slots > (1ULL << 31) || (slots & (slots - 1)))
		return -EINVAL;
	t->tab = alloc_fixed(tab_len(slots));
	t->tag = alloc_fixed(slots * sizeof(*t->tag));
	t->wheel = alloc_fixed(wheel_len);
	if (!t->tab || !t->tag || !t->wheel) {
		free_fixed(t->tab, tab_len(slots));
		free_fixed(t->tag, slots * sizeof(*t->tag));
		free_fixed(t->wheel, wheel_len);
		memset(t, 0, sizeof(*t));
		return -ENOMEM;
	}
	for (b = 0; b < XS_CT_WHEEL; b++)
		t->wheel[b].head = t->wheel[b].tail = XS_CT_NIL;
	t->mask = slots - 1;
	return 0;
}

void xs_conntab_free(struct xs_conntab *t)
{
	if (t->tab) {
		free_fixed(t->tab, tab_len(t->mask + 1));
		free_fixed(t->tag, (t->mask + 1) * sizeof(*t->tag));
		free_fixed(t->wheel, XS_CT_WHEEL * sizeof(*t->wheel));
	}
	memset(t, 0, sizeof(*t));
}

struct xs_ct_entry *xs_conntab_find(const struct xs_conntab *t,
				    struct xs_ct_key key)
{
	uint32_t want = tag_of(&key);
	uint64_t i;

	for (i = want & t->mask; t->tag[i]; i = (i + 1) & t->mask)
		if (t->tag[i] == want && xs_ct_key_eq(&t->tab[i].key, &key))
			return &t->tab[i];
	return NULL;
}

/* An entry's first 40 bytes, what look-ups and expiries read: entries are
 * 112 bytes, so these straddle two cache lines as often as not. */
static void prefetch_head(const struct xs_ct_entry *e, int rw)
{
	if (rw) {
		__builtin_prefetch(e, 1);
		__builtin_prefetch((const char *)e + 39, 1);
	} else {
		__builtin_prefetch(e);
		__builtin_prefetch((const char *)e + 39);
	}
}

void xs_conntab_prefetch(const struct xs_conntab *t, struct xs_ct_key key)
{
	uint64_t i = tag_of(&key) & t->mask;

	__builtin_prefetch(&t->tag[i]);
	prefetch_head(&t->tab[i], 0);
}

struct xs_ct_entry *xs_conntab_insert(struct xs_conntab *t,
				      struct xs_ct_key key)
{
	uint32_t want = tag_of(&key);
	uint64_t i;

	/* The engine keeps it under 3/4 full (xs_conntab_has_room), so
	 * this ends quickly. */
	for (i = want & t->mask; t->tag[i]; i = (i + 1) & t->mask)
		if (t->tag[i] == want && xs_ct_key_eq(&t->tab[i].key, &key))
			return &t->tab[i];
	if (t->used + 1 > t->mask)
		return NULL; /* the last empty slot ends every probe run */
	t->tag[i] = want;
	t->tab[i].key = key;
	t->used++;
	return &t->tab[i];
}

/* ---- the expiries: a timing wheel of lists through the entries ---- */

static uint32_t *prev_link(struct xs_conntab *t, const struct xs_ct_entry *e)
{
	return e->t_prev == XS_CT_NIL ? &t->wheel[e->t_bucket].head :
					&t->tab[e->t_prev].t_next;
}

static uint32_t *next_link(struct xs_conntab *t, const struct xs_ct_entry *e)
{
	return e->t_next == XS_CT_NIL ? &t->wheel[e->t_bucket].tail :
					&t->tab[e->t_next].t_prev;
}

static void timer_unlink(struct xs_conntab *t, struct xs_ct_entry *e)
{
	if (!e->timed)
		return;
	*prev_link(t, e) = e->t_next;
	*next_link(t, e) = e->t_prev;
	e->timed = false;
	t->timed--;
}

/*
 * Into the bucket of its tick, after every entry due no later: from the
 * tail back, as deadlines mostly come in order.  A tick before the cursor
 * (a deadline already past) goes into the cursor's bucket, the next one
 * looked at.
 */
static void timer_link(struct xs_conntab *t, struct xs_ct_entry *e)
{
	uint64_t tick = e->deadline_ns >> XS_CT_TICK_SHIFT;
	uint32_t slot = (uint32_t)(e - t->tab), at;
	struct xs_ct_bucket *b;

	if (!t->timed)
		t->cursor = tick;
	else if (tick < t->cursor)
		tick = t->cursor;
	e->t_bucket = tick & (XS_CT_WHEEL - 1);
	b = &t->wheel[e->t_bucket];
	at = b->tail;
	while (at != XS_CT_NIL && t->tab[at].deadline_ns > e->deadline_ns)
		at = t->tab[at].t_prev;
	e->t_prev = at;
	e->t_next = at == XS_CT_NIL ? b->head : t->tab[at].t_next;
	*prev_link(t, e) = slot;
	*next_link(t, e) = slot;
	e->timed = true;
	t->timed++;
}

/* The entry now at slot to moved there: its neighbours follow. */
static void timer_moved(struct xs_conntab *t, uint64_t to)
{
	struct xs_ct_entry *e = &t->tab[to];

	if (!e->timed)
		return;
	*prev_link(t, e) = (uint32_t)to;
	*next_link(t, e) = (uint32_t)to;
}

void xs_conntab_remove(struct xs_conntab *t, struct xs_ct_entry *ent)
{
	uint64_t i = ent - t->tab, j = i, home;

	timer_unlink(t, ent);
	/* Shift later members of the probe run back into the hole, so no
	 * tombstones ever accumulate. */
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->tag[j])
			break;
		home = t->tag[j] & t->mask;
		/* Movable if its home is not in (i, j] cyclically. */
		if ((i <= j) ? (home <= i || home > j) :
			       (home <= i && home > j)) {
			t->tab[i] = t->tab[j];
			t->tag[i] = t->tag[j];
			timer_moved(t, i);
			i = j;
		}
	}
	memset(&t->tab[i], 0, sizeof(t->tab[i]));
	t->tag[i] = 0;
	t->used--;
}

void xs_conntab_set_deadline(struct xs_conntab *t, struct xs_ct_entry *ent,
			     uint64_t deadline_ns)
{
	timer_unlink(t, ent);
	ent->deadline_ns = deadline_ns;
	timer_link(t, ent);
}

/*
 * Expiries come in runs, and each reads entries long out of the cache:
 * the next one's link (the unlink above writes it), its slot's tag and the
 * entries after it (the remove that follows shifts them).  The one after
 * next, fetched now, arrives while this one is handled.
 */
static void prefetch_after(const struct xs_conntab *t,
			   const struct xs_ct_entry *e)
{
	uint32_t n = e->t_next;

	if (n == XS_CT_NIL)
		return;
	__builtin_prefetch(&t->tag[n], 1);
	n = t->tab[n].t_next;
	if (n == XS_CT_NIL)
		return;
	prefetch_head(&t->tab[n], 1);
	__builtin_prefetch(&t->tag[n], 1);
}

/*
 * Ticks are done in order: the cursor's bucket holds its tick's entries
 * (and those linked after their tick was done) at its head, sorted, before
 * any of a later round.  A tick is done once its bucket's head is of a
 * later tick, and the cursor moves on, up to now's tick.  A whole round of
 * buckets with nothing of their tick (a gap of a round or more between
 * deadlines) jumps to the earliest head's tick.
 */
struct xs_ct_entry *xs_conntab_pop_due(struct xs_conntab *t, uint64_t now_ns)
{
	uint64_t now_tick = now_ns >> XS_CT_TICK_SHIFT, tick, next = UINT64_MAX;
	struct xs_ct_entry *e;
	unsigned int empty = 0;
	uint32_t h;

	while (t->timed) {
		h = t->wheel[t->cursor & (XS_CT_WHEEL - 1)].head;
		if (h != XS_CT_NIL) {
			e = &t->tab[h];
			tick = e->deadline_ns >> XS_CT_TICK_SHIFT;
			if (tick <= t->cursor) {
				if (e->deadline_ns > now_ns)
					return NULL;
				timer_unlink(t, e);
				prefetch_after(t, e);
				return e;
			}
			if (tick < next)
				next = tick;
		}
		if (t->cursor >= now_tick)
			return NULL;
		if (++empty < XS_CT_WHEEL) {
			t->cursor++;
		} else {
			/* Every bucket's head is of a later tick. */
			t->cursor = next;
			empty = 0;
			next = UINT64_MAX;
		}
	}
	return NULL;
}

bool xs_conntab_has_room(const struct xs_conntab *t)
{
	return t->used < t->mask / 4 * 3;
}
