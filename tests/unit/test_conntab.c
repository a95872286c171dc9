// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for user/core/conntab.c, the engine's connection table: insert and
 * find, deletion by backward shift (a later member of the same probe run is
 * still found, also when the run wraps past the last slot), expiries in
 * deadline order with stale ones skipped, and a full table or heap refusing
 * cleanly instead of looping or overwriting.
 */
#include <errno.h>
#include <stdint.h>

#include "testlib.h"
#include "conntab.h"

/*
 * The tests name keys by number: k as the IPv4 address k >> 32, port
 * k >> 16, source port k (the layout the key had when it held only IPv4).
 */
static struct xs_ct_key K(uint64_t k) {
	struct xs_addr a = xs_addr_v4((uint32_t)(k >> 32));

	return xs_ct_key(&a, (uint16_t)(k >> 16), (uint16_t)k);
}

static uint64_t
k4(uint32_t daddr, uint16_t dport, uint16_t sport)
{
	return (uint64_t)daddr << 32 | (uint64_t)dport << 16 | sport;
}

static struct xs_ct_entry *find(const struct xs_conntab *t, uint64_t k)
{
	return xs_conntab_find(t, K(k));
}

static struct xs_ct_entry *ins(struct xs_conntab *t, uint64_t k)
{
	return xs_conntab_insert(t, K(k));
}

static bool key_is(const struct xs_ct_entry *e, uint64_t k)
{
	struct xs_ct_key want = K(k);

	return xs_ct_key_eq(&e->key, &want);
}

static uint64_t slot_of(const struct xs_conntab *t, const struct xs_ct_entry *e)
{
	return (uint64_t)(e - t->tab);
}

/* A new entry as the engine makes one: insert, then give it a state. */
static struct xs_ct_entry *add(struct xs_conntab *t, uint64_t key)
{
	struct xs_ct_entry *e = ins(t, key);

	if (e)
		e->state = XS_CT_SENT;
	return e;
}

/* The slot key hashes to, found by inserting it alone into t (empty). */
static uint64_t home_of(struct xs_conntab *t, uint64_t key)
{
	struct xs_ct_entry *e = add(t, key);
	uint64_t s = slot_of(t, e);

	xs_conntab_remove(t, e);
	return s;
}

/* n keys (from 1 up) whose home slot is home, in keys[]. */
static void same_home(struct xs_conntab *t, uint64_t home, uint64_t *keys,
		      unsigned int n)
{
	uint64_t k;
	unsigned int i = 0;

	for (k = 1; i < n && k < 1000000; k++)
		if (home_of(t, k) == home)
			keys[i++] = k;
}

static void test_insert_find(void)
{
	struct xs_conntab t;
	struct xs_ct_entry *e, *again;
	uint64_t k;
	int bad = 0;

	struct xs_ct_key key;
	struct xs_addr a6 = { .b = { 0xfd, [15] = 1 } }, b6 = a6;

	TEST_BEGIN("conntab: insert, find, insert again, missing keys");
	CHECK_EQ(xs_conntab_init(&t, 1024, 64), 0);
	for (k = 0; k < 700; k++) {
		e = add(&t, k4(0x0a000000 + (uint32_t)k, 80, 40000));
		bad += !e ||
		       !key_is(e, k4(0x0a000000 + (uint32_t)k, 80, 40000));
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(t.used, 700);
	for (k = 0; k < 700; k++) {
		e = find(&t, k4(0x0a000000 + (uint32_t)k, 80, 40000));
		bad += !e ||
		       !key_is(e, k4(0x0a000000 + (uint32_t)k, 80, 40000));
		bad += find(&t, k4(0x0a000000 + (uint32_t)k, 81, 40000)) !=
		       NULL;
	}
	CHECK(!bad, "%d keys not found or found where absent", bad);
	e = find(&t, k4(0x0a000005, 80, 40000));
	again = ins(&t, k4(0x0a000005, 80, 40000));
	CHECK(e && again == e, "insert of a present key gave another entry");
	CHECK_EQ(t.used, 700);
	key = K(k4(0x0a000005, 80, 40000));
	CHECK(xs_addr_get_v4(&key.daddr) == 0x0a000005 &&
		      xs_addr_is_v4(&key.daddr),
	      "address");
	CHECK_EQ(xs_ct_dport(key), 80);
	CHECK_EQ(xs_ct_sport(key), 40000);
	/* IPv6: the whole address is the key; fd00::1 and fd01::1 differ
	 * only in the high half, fd00::1 and ::ffff:0.0.0.1 (IPv4) in all
	 * but the last byte. */
	b6.b[1] = 1;
	e = xs_conntab_insert(&t, xs_ct_key(&a6, 80, 40000));
	if (e)
		e->state = XS_CT_SENT;
	CHECK(e && !xs_conntab_find(&t, xs_ct_key(&b6, 80, 40000)),
	      "fd01::1 found as fd00::1");
	key = K(k4(1, 80, 40000));
	CHECK(!xs_conntab_find(&t, key), "0.0.0.1 found as fd00::1");
	CHECK(xs_conntab_find(&t, xs_ct_key(&a6, 80, 40000)) == e,
	      "fd00::1 not found");
	xs_conntab_free(&t);
	CHECK_EQ(xs_conntab_init(&t, 1000, 64), -EINVAL);
	CHECK_EQ(xs_conntab_init(&t, 1, 64), -EINVAL);
	CHECK_EQ(xs_conntab_init(&t, 16, 0), -EINVAL);
	TEST_END();
}

/*
 * Three keys with one home slot sit in a run: home, home+1, home+2 (mod
 * the size).  Deleting the first must shift the other two back, or a
 * lookup stops at the hole and misses them.
 */
static void shift_case(uint64_t home)
{
	struct xs_conntab t;
	struct xs_ct_entry *a, *b, *c;
	uint64_t keys[3] = {}, mask;

	CHECK_EQ(xs_conntab_init(&t, 16, 64), 0);
	mask = t.mask;
	same_home(&t, home, keys, 3);
	CHECK(keys[2], "no three keys with home %llu",
	      (unsigned long long)home);
	a = add(&t, keys[0]);
	b = add(&t, keys[1]);
	c = add(&t, keys[2]);
	CHECK(a && b && c, "insert failed");
	if (!a || !b || !c)
		goto out;
	CHECK_EQ(slot_of(&t, a), home);
	CHECK_EQ(slot_of(&t, b), (home + 1) & mask);
	CHECK_EQ(slot_of(&t, c), (home + 2) & mask);
	xs_conntab_remove(&t, a);
	CHECK(!find(&t, keys[0]), "deleted key still found");
	b = find(&t, keys[1]);
	c = find(&t, keys[2]);
	CHECK(b, "the second of the run is lost after deleting the first");
	CHECK(c, "the third of the run is lost after deleting the first");
	if (b)
		CHECK_EQ(slot_of(&t, b), home);
	if (c)
		CHECK_EQ(slot_of(&t, c), (home + 1) & mask);
	CHECK_EQ(t.used, 2);
	/* The middle one now: the last moves back again. */
	if (b)
		xs_conntab_remove(&t, b);
	c = find(&t, keys[2]);
	CHECK(c && slot_of(&t, c) == home, "the last is not back home");
out:
	xs_conntab_free(&t);
}

/*
 * A key at its home right after the hole must stay: shifting it back
 * would put it before its home, where a lookup never looks.
 */
static void no_shift_past_home(void)
{
	struct xs_conntab t;
	uint64_t a[2] = {}, b[1] = {};
	struct xs_ct_entry *ea, *eb;

	CHECK_EQ(xs_conntab_init(&t, 16, 64), 0);
	same_home(&t, 3, a, 1);
	same_home(&t, 4, b, 1);
	ea = add(&t, a[0]);
	eb = add(&t, b[0]);
	CHECK(ea && eb && slot_of(&t, ea) == 3 && slot_of(&t, eb) == 4,
	      "setup");
	if (ea)
		xs_conntab_remove(&t, ea);
	eb = find(&t, b[0]);
	CHECK(eb && slot_of(&t, eb) == 4, "a key at its home was moved");
	xs_conntab_free(&t);
}

static void test_backward_shift(void)
{
	TEST_BEGIN("conntab: delete shifts the rest of the probe run back");
	shift_case(5);
	TEST_END();
	TEST_BEGIN("conntab: delete shifts back across the end of the table");
	shift_case(15); /* the run wraps: 15, 0, 1 */
	TEST_END();
	TEST_BEGIN("conntab: delete leaves a key at its home where it is");
	no_shift_past_home();
	TEST_END();
}

/* A churn of inserts and deletes: every present key is found, no other. */
static void test_churn(void)
{
	static uint8_t present[4096];
	struct xs_conntab t;
	struct xs_ct_entry *e;
	uint64_t rnd = 7, k;
	int i, bad = 0;

	TEST_BEGIN("conntab: 200000 random inserts and deletes");
	CHECK_EQ(xs_conntab_init(&t, 4096, 64), 0);
	for (i = 0; i < 200000; i++) {
		rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (rnd >> 33) % 2800; /* at most 2800 of 4096: ~68% full */
		e = find(&t, k + 1);
		if (!!e != present[k])
			bad++;
		if (e) {
			xs_conntab_remove(&t, e);
			present[k] = 0;
		} else if (add(&t, k + 1)) {
			present[k] = 1;
		}
	}
	for (k = 0; k < 4096; k++)
		bad += !!find(&t, k + 1) != present[k];
	CHECK(!bad, "%d lookups disagree with what is present", bad);
	xs_conntab_free(&t);
	TEST_END();
}

static void test_expiry_order(void)
{
	static const uint64_t dl[] = { 50, 10, 40, 30, 20, 70, 60, 15, 35, 5 };
	const unsigned int n = sizeof(dl) / sizeof(dl[0]);
	struct xs_conntab t;
	struct xs_ct_entry *e;
	uint64_t last = 0;
	unsigned int i, got = 0;

	TEST_BEGIN("conntab: expiries come in deadline order, only when due");
	CHECK_EQ(xs_conntab_init(&t, 64, 64), 0);
	for (i = 0; i < n; i++) {
		e = add(&t, i + 1);
		CHECK_EQ(xs_conntab_set_deadline(&t, e, dl[i]), 0);
	}
	CHECK(!xs_conntab_pop_due(&t, 4), "an expiry before its deadline");
	while ((e = xs_conntab_pop_due(&t, 30))) {
		CHECK(e->deadline_ns >= last && e->deadline_ns <= 30,
		      "deadline %llu after %llu",
		      (unsigned long long)e->deadline_ns,
		      (unsigned long long)last);
		last = e->deadline_ns;
		got++;
	}
	CHECK_EQ(got, 5); /* 5 10 15 20 30 */
	while ((e = xs_conntab_pop_due(&t, UINT64_MAX))) {
		CHECK(e->deadline_ns >= last, "deadline %llu after %llu",
		      (unsigned long long)e->deadline_ns,
		      (unsigned long long)last);
		last = e->deadline_ns;
		got++;
	}
	CHECK_EQ(got, n);
	CHECK_EQ(t.heap_len, 0);
	xs_conntab_free(&t);
	TEST_END();
}

static void test_stale_expiries(void)
{
	struct xs_conntab t;
	struct xs_ct_entry *a, *b, *e;

	TEST_BEGIN("conntab: stale expiries (deadline moved, entry gone)");
	CHECK_EQ(xs_conntab_init(&t, 64, 64), 0);
	a = add(&t, 1);
	b = add(&t, 2);
	xs_conntab_set_deadline(&t, a, 10);
	xs_conntab_set_deadline(&t, b, 20);
	/* a answered: its deadline moves later; b removed. */
	xs_conntab_set_deadline(&t, a, 100);
	xs_conntab_remove(&t, find(&t, 2));
	CHECK_EQ(t.heap_len, 3);
	CHECK(!xs_conntab_pop_due(&t, 50), "a stale expiry came up");
	CHECK_EQ(t.heap_len, 1); /* both stale ones dropped on the way */
	e = xs_conntab_pop_due(&t, 100);
	CHECK(e && key_is(e, 1) && e->deadline_ns == 100,
	      "the moved deadline did not come up");
	CHECK(!xs_conntab_pop_due(&t, UINT64_MAX), "an expiry came twice");
	/* Removed and inserted again with a new deadline: only the new. */
	a = find(&t, 1);
	xs_conntab_set_deadline(&t, a, 200);
	xs_conntab_remove(&t, a);
	a = add(&t, 1);
	xs_conntab_set_deadline(&t, a, 300);
	CHECK(!xs_conntab_pop_due(&t, 250), "the old entry's expiry came up");
	e = xs_conntab_pop_due(&t, 300);
	CHECK(e && e->deadline_ns == 300, "the new deadline did not come up");
	xs_conntab_free(&t);
	TEST_END();
}

/*
 * A full table refuses the next key (one slot stays empty, so lookups of
 * absent keys still end), a full heap refuses the next expiry, and
 * has_room(), which the engine's producer checks before every probe, says
 * no well before either.
 */
static void test_full(void)
{
	struct xs_conntab t;
	struct xs_ct_entry *e;
	uint64_t k, first_no_room = 0;

	TEST_BEGIN("conntab: full table and full heap refuse cleanly");
	CHECK_EQ(xs_conntab_init(&t, 8, 4), 0);
	CHECK(xs_conntab_has_room(&t), "no room in an empty table");
	for (k = 1; k <= 7; k++) {
		if (!first_no_room && !xs_conntab_has_room(&t))
			first_no_room = k;
		CHECK(add(&t, k), "insert %llu of 7 refused",
		      (unsigned long long)k);
	}
	CHECK_EQ(first_no_room, 4); /* 3 of 8 used: the 3/4 bound of mask 7 */
	CHECK(!ins(&t, 100), "an eighth key in 8 slots");
	CHECK_EQ(t.used, 7);
	CHECK(!find(&t, 100), "an absent key found");
	e = ins(&t, 3);
	CHECK(e && key_is(e, 3), "a present key refused in a full table");
	for (k = 1; k <= 7; k++)
		CHECK(find(&t, k), "key %llu lost", (unsigned long long)k);
	CHECK(!xs_conntab_has_room(&t), "room in a full table");
	xs_conntab_free(&t);

	CHECK_EQ(xs_conntab_init(&t, 64, 4), 0);
	e = add(&t, 1);
	CHECK_EQ(xs_conntab_set_deadline(&t, e, 1), 0);
	CHECK_EQ(xs_conntab_set_deadline(&t, e, 2), 0);
	CHECK(xs_conntab_has_room(&t), "2 of 4 expiries: room for two more");
	CHECK_EQ(xs_conntab_set_deadline(&t, e, 3), 0);
	CHECK(!xs_conntab_has_room(&t), "3 of 4 expiries: no room for two");
	CHECK_EQ(xs_conntab_set_deadline(&t, e, 4), 0);
	CHECK_EQ(xs_conntab_set_deadline(&t, e, 5), -ENOSPC);
	CHECK_EQ(t.heap_len, 4);
	CHECK_EQ(e->deadline_ns, 5);
	xs_conntab_free(&t);
	TEST_END();
}

int main(void)
{
	test_insert_find();
	test_backward_shift();
	test_churn();
	test_expiry_order();
	test_stale_expiries();
	test_full();
	return TEST_EXIT();
}
