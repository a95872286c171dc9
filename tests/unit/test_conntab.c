// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for user/core/conntab.c, the engine's connection table: insert and
 * find, deletion by backward shift (a later member of the same probe run is
 * still found, also when the run wraps past the last slot), expiries in
 * deadline order (moved ones once, at their new time; across the timing
 * wheel's rounds), and a full table refusing cleanly instead of looping or
 * overwriting.
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
	CHECK_EQ(xs_conntab_init(&t, 1024), 0);
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
	CHECK_EQ(xs_conntab_init(&t, 1000), -EINVAL);
	CHECK_EQ(xs_conntab_init(&t, 1), -EINVAL);
	CHECK_EQ(xs_conntab_init(&t, 1ULL << 32), -EINVAL);
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

	CHECK_EQ(xs_conntab_init(&t, 16), 0);
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

	CHECK_EQ(xs_conntab_init(&t, 16), 0);
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
	CHECK_EQ(xs_conntab_init(&t, 4096), 0);
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

/*
 * Inserts, deadlines (mostly ahead in order, some out of order, some
 * rounds ahead), moves and removes at random against a plain array: each
 * pop is the earliest deadline present and due, and every one comes up
 * exactly once.
 */
static void test_timer_churn(void)
{
	static uint64_t when[2048]; /* 0: no deadline (or absent) */
	static uint8_t present[2048];
	const uint64_t ms = 1000000;
	uint64_t rnd = 11, k, now = 5000 * ms, min, d;
	struct xs_conntab t;
	struct xs_ct_entry *e;
	int i, bad = 0, pops = 0;

	TEST_BEGIN("conntab: 100000 random deadlines against a plain list");
	CHECK_EQ(xs_conntab_init(&t, 4096), 0);
	for (i = 0; i < 100000; i++) {
		rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (rnd >> 33) % 2048;
		d = (rnd >> 13) % 64;
		if (!present[k]) {
			add(&t, k + 1);
			present[k] = 1;
		} else if (d == 0) {
			xs_conntab_remove(&t, find(&t, k + 1));
			present[k] = 0;
			when[k] = 0;
			continue;
		}
		/* 1 s ahead mostly; now and then anything up to 20 s. */
		d = d < 56 ? 1000 * ms + d : (rnd >> 20) % (20000 * ms);
		when[k] = now + d;
		xs_conntab_set_deadline(&t, find(&t, k + 1), when[k]);
		now += (rnd >> 40) % (2 * ms);
		while ((e = xs_conntab_pop_due(&t, now))) {
			min = UINT64_MAX;
			for (k = 0; k < 2048; k++)
				if (when[k] && when[k] < min)
					min = when[k];
			k = xs_ct_sport(e->key) - 1U;
			bad += e->deadline_ns != min || when[k] != min ||
			       min > now;
			when[k] = 0;
			pops++;
		}
	}
	while ((e = xs_conntab_pop_due(&t, UINT64_MAX))) {
		k = xs_ct_sport(e->key) - 1U;
		bad += !when[k];
		when[k] = 0;
		pops++;
	}
	for (k = 0; k < 2048; k++)
		bad += when[k] != 0;
	CHECK(!bad, "%d expiries out of order, early, twice or lost", bad);
	CHECK(pops > 50000, "only %d expiries", pops);
	CHECK_EQ(t.timed, 0);
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
	CHECK_EQ(xs_conntab_init(&t, 64), 0);
	for (i = 0; i < n; i++) {
		e = add(&t, i + 1);
		xs_conntab_set_deadline(&t, e, dl[i]);
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
	CHECK_EQ(t.timed, 0);
	xs_conntab_free(&t);
	TEST_END();
}

static void test_stale_expiries(void)
{
	struct xs_conntab t;
	struct xs_ct_entry *a, *b, *e;

	TEST_BEGIN(
		"conntab: a moved deadline comes up once, a removed entry never");
	CHECK_EQ(xs_conntab_init(&t, 64), 0);
	a = add(&t, 1);
	b = add(&t, 2);
	xs_conntab_set_deadline(&t, a, 10);
	xs_conntab_set_deadline(&t, b, 20);
	/* a answered: its deadline moves later; b removed. */
	xs_conntab_set_deadline(&t, a, 100);
	xs_conntab_remove(&t, find(&t, 2));
	CHECK_EQ(t.timed, 1);
	CHECK(!xs_conntab_pop_due(&t, 50), "a stale expiry came up");
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
 * The wheel's edges, in ns as the engine sets them: deadlines a round
 * (4.3 s) and several rounds ahead wait for their own round, one already
 * past comes up at the next look, deadlines set out of order come up in
 * order, a gap of rounds between deadlines is crossed, and an entry moved
 * by a backward shift keeps its deadline.
 */
static void test_wheel(void)
{
	const uint64_t ms = 1000000,
		       round = (uint64_t)XS_CT_WHEEL << XS_CT_TICK_SHIFT;
	static const uint64_t dl[] = { 3000, 1,	    4400, 1000, 1000,
				       2,    90000, 4301, 7,	600000 };
	const unsigned int n = sizeof(dl) / sizeof(dl[0]);
	uint64_t base = 1000 * round + 12345, last = 0, now;
	uint64_t keys[3] = {};
	struct xs_conntab t;
	struct xs_ct_entry *e;
	unsigned int i, got = 0;

	TEST_BEGIN(
		"conntab: deadlines rounds ahead, past, out of order, moved");
	CHECK_EQ(xs_conntab_init(&t, 64), 0);
	for (i = 0; i < n; i++)
		xs_conntab_set_deadline(&t, add(&t, i + 1), base + dl[i] * ms);
	/* Time goes on a millisecond at a time for 5 s, then jumps. */
	for (now = base; now <= base + 5000 * ms; now += ms)
		while ((e = xs_conntab_pop_due(&t, now))) {
			CHECK(e->deadline_ns <= now && e->deadline_ns >= last,
			      "deadline %llu at %llu after %llu",
			      (unsigned long long)e->deadline_ns,
			      (unsigned long long)now,
			      (unsigned long long)last);
			last = e->deadline_ns;
			got++;
		}
	CHECK_EQ(got, 8);
	/* Already past when set: due at once, before the later ones. */
	xs_conntab_set_deadline(&t, add(&t, 50), base);
	e = xs_conntab_pop_due(&t, now);
	CHECK(e && key_is(e, 50), "a past deadline did not come up at once");
	CHECK(!xs_conntab_pop_due(&t, base + 89999 * ms), "early by rounds");
	e = xs_conntab_pop_due(&t, base + 90000 * ms);
	CHECK(e && e->deadline_ns == base + 90000 * ms, "90 s");
	e = xs_conntab_pop_due(&t, UINT64_MAX);
	CHECK(e && e->deadline_ns == base + 600000 * ms, "600 s");
	CHECK_EQ(t.timed, 0);
	xs_conntab_free(&t);

	/* Three keys of one home: removing the first moves the other two
	 * back a slot each; their deadlines go with them. */
	CHECK_EQ(xs_conntab_init(&t, 16), 0);
	same_home(&t, 9, keys, 3);
	for (i = 0; i < 3; i++)
		xs_conntab_set_deadline(&t, add(&t, keys[i]), 100 + i);
	xs_conntab_remove(&t, find(&t, keys[0]));
	e = xs_conntab_pop_due(&t, 1000);
	CHECK(e && key_is(e, keys[1]) && slot_of(&t, e) == 9,
	      "the moved entry's deadline");
	xs_conntab_remove(&t, e);
	e = xs_conntab_pop_due(&t, 1000);
	CHECK(e && key_is(e, keys[2]) && slot_of(&t, e) == 9,
	      "the twice moved entry's deadline");
	CHECK(!xs_conntab_pop_due(&t, UINT64_MAX), "an expiry left");
	xs_conntab_free(&t);
	TEST_END();
}

/*
 * A full table refuses the next key (one slot stays empty, so lookups of
 * absent keys still end), and has_room(), which the engine's producer
 * checks before every probe, says no well before.
 */
static void test_full(void)
{
	struct xs_conntab t;
	struct xs_ct_entry *e;
	uint64_t k, first_no_room = 0;

	TEST_BEGIN("conntab: a full table refuses cleanly");
	CHECK_EQ(xs_conntab_init(&t, 8), 0);
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
	TEST_END();
}

int main(void)
{
	test_insert_find();
	test_backward_shift();
	test_churn();
	test_expiry_order();
	test_stale_expiries();
	test_wheel();
	test_timer_churn();
	test_full();
	return TEST_EXIT();
}
