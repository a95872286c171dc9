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

/*
 * Mapped and populated at start (malloc plus memset would not do:
 * compilers turn that into calloc, whose fresh pages stay untouched until
 * used).
 */
static void *alloc_fixed(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void free_fixed(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

int xs_conntab_init(struct xs_conntab *t, uint64_t slots, uint64_t heap_cap)
{
	memset(t, 0, sizeof(*t));
	if (slots < 2 || (slots & (slots - 1)) || !heap_cap)
		return -EINVAL;
	t->tab = alloc_fixed(slots * sizeof(*t->tab));
	t->heap = alloc_fixed(heap_cap * sizeof(*t->heap));
	if (!t->tab || !t->heap) {
		free_fixed(t->tab, slots * sizeof(*t->tab));
		free_fixed(t->heap, heap_cap * sizeof(*t->heap));
		memset(t, 0, sizeof(*t));
		return -ENOMEM;
	}
	t->mask = slots - 1;
	t->heap_cap = heap_cap;
	return 0;
}

void xs_conntab_free(struct xs_conntab *t)
{
	if (t->tab)
		free_fixed(t->tab, (t->mask + 1) * sizeof(*t->tab));
	free_fixed(t->heap, t->heap_cap * sizeof(*t->heap));
	memset(t, 0, sizeof(*t));
}

struct xs_ct_entry *xs_conntab_find(const struct xs_conntab *t,
				    struct xs_ct_key key)
{
	uint64_t i = hash_key(&key) & t->mask;

	while (t->tab[i].state != XS_CT_EMPTY) {
		if (xs_ct_key_eq(&t->tab[i].key, &key))
			return &t->tab[i];
		i = (i + 1) & t->mask;
	}
	return NULL;
}

struct xs_ct_entry *xs_conntab_insert(struct xs_conntab *t,
				      struct xs_ct_key key)
{
	uint64_t i = hash_key(&key) & t->mask;

	/* The engine keeps it under 3/4 full (xs_conntab_has_room), so
	 * this ends quickly. */
	while (t->tab[i].state != XS_CT_EMPTY) {
		if (xs_ct_key_eq(&t->tab[i].key, &key))
			return &t->tab[i];
		i = (i + 1) & t->mask;
	}
	if (t->used + 1 > t->mask)
		return NULL; /* the last empty slot ends every probe run */
	t->tab[i].key = key;
	t->used++;
	return &t->tab[i];
}

void xs_conntab_remove(struct xs_conntab *t, struct xs_ct_entry *ent)
{
	uint64_t i = ent - t->tab, j = i, home;

	/* Shift later members of the probe run back into the hole, so no
	 * tombstones ever accumulate. */
	for (;;) {
		j = (j + 1) & t->mask;
		if (t->tab[j].state == XS_CT_EMPTY)
			break;
		home = hash_key(&t->tab[j].key) & t->mask;
		/* Movable if its home is not in (i, j] cyclically. */
		if ((i <= j) ? (home <= i || home > j) :
			       (home <= i && home > j)) {
			t->tab[i] = t->tab[j];
			i = j;
		}
	}
	memset(&t->tab[i], 0, sizeof(t->tab[i]));
	t->used--;
}

static int heap_push(struct xs_conntab *t, struct xs_ct_key key,
		     uint64_t deadline)
{
	struct xs_expiry *h = t->heap, x = { key, deadline };
	uint64_t i, parent;

	if (t->heap_len == t->heap_cap)
		return -ENOSPC;
	for (i = t->heap_len++; i; i = parent) {
		parent = (i - 1) / 2;
		if (h[parent].deadline_ns <= deadline)
			break;
		h[i] = h[parent];
	}
	h[i] = x;
	return 0;
}

static struct xs_expiry heap_pop(struct xs_conntab *t)
{
	struct xs_expiry *h = t->heap, top = h[0], last = h[--t->heap_len];
	uint64_t i = 0, c, n = t->heap_len;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1].deadline_ns < h[c].deadline_ns)
			c++;
		if (last.deadline_ns <= h[c].deadline_ns)
			break;
		h[i] = h[c];
		i = c;
	}
	if (n)
		h[i] = last;
	return top;
}

int xs_conntab_set_deadline(struct xs_conntab *t, struct xs_ct_entry *ent,
			    uint64_t deadline_ns)
{
	ent->deadline_ns = deadline_ns;
	return heap_push(t, ent->key, deadline_ns);
}

struct xs_ct_entry *xs_conntab_pop_due(struct xs_conntab *t, uint64_t now_ns)
{
	struct xs_expiry x;
	struct xs_ct_entry *ent;

	while (t->heap_len && t->heap[0].deadline_ns <= now_ns) {
		x = heap_pop(t);
		ent = xs_conntab_find(t, x.key);
		/* Answered meanwhile, or rescheduled: stale. */
		if (ent && ent->deadline_ns == x.deadline_ns)
			return ent;
	}
	return NULL;
}

bool xs_conntab_has_room(const struct xs_conntab *t)
{
	return t->heap_len + 2 <= t->heap_cap && t->used < t->mask / 4 * 3;
}
