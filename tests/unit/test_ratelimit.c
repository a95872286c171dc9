/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/ratelimit.c on a simulated clock: counting, never
 * sleeping, so the results do not depend on how busy the machine is.
 */
#include <errno.h>
#include <stdint.h>

#include "testlib.h"
#include "ratelimit.h"

#define SEC XS_NS_PER_SEC
#define MS 1000000ULL

static const uint64_t rates[] = { 1, 3, 100, 10000, 1000000 };

static uint64_t rnd_state = 99;

static uint64_t rnd(uint64_t n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (rnd_state >> 11) % n;
}

static void test_init(void)
{
	struct xs_rate r;

	TEST_BEGIN("rate_init_bounds");
	CHECK_EQ(xs_rate_init(&r, 0, 1), -EINVAL);
	CHECK_EQ(xs_rate_init(&r, XS_RATE_MAX_PPS + 1, 1), -EINVAL);
	CHECK_EQ(xs_rate_init(&r, 1, 0), -EINVAL);
	CHECK_EQ(xs_rate_init(&r, 1, XS_RATE_MAX_BURST + 1), -EINVAL);
	CHECK_EQ(xs_rate_init(&r, XS_RATE_MAX_PPS, XS_RATE_MAX_BURST), 0);
	TEST_END();
}

/*
 * A sender polling every tick (fixed or jittered) and taking all it may:
 * with a burst that covers one tick, the count granted by time t is exactly
 * 1 + floor(t * pps / 1e9) (one token at the start, then pps per second),
 * so over [0, 10 s) it is within one tick's worth of 10 * pps.
 */
static void test_accuracy_polling(void)
{
	uint64_t t, last, got, want, tick = MS, burst;
	struct xs_rate r;
	size_t i;
	int jitter;

	TEST_BEGIN("rate_10s_polling_exact_and_within_5pct");
	for (jitter = 0; jitter < 2; jitter++) {
		for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
			burst = rates[i] / 100 + 1; /* 10 ms worth */
			CHECK_EQ(xs_rate_init(&r, rates[i], burst), 0);
			got = 0;
			last = 0;
			for (t = 0; t < 10 * SEC; t += tick) {
				got += xs_rate_take(&r, t, UINT64_MAX);
				last = t;
				tick = jitter ? 1 + rnd(2 * MS) : MS;
			}
			want = 1 + last * rates[i] / SEC;
			CHECK(got == want,
			      "%llu pps jitter %d: granted %llu, want %llu",
			      (unsigned long long)rates[i], jitter,
			      (unsigned long long)got,
			      (unsigned long long)want);
			CHECK(got * 100 >= rates[i] * 10 * 95 &&
				      got * 100 <= rates[i] * 10 * 105,
			      "%llu pps: %llu in 10 s is not within 5%%",
			      (unsigned long long)rates[i],
			      (unsigned long long)got);
		}
	}
	TEST_END();
}

/*
 * A sender that sends one packet, and when refused sleeps exactly
 * wait_ns(): over [0, 10 s) it sends exactly 10 * pps, at the exact
 * instants k * 1e9 / pps rounded up: no drift, even at 3 pps.
 */
static void test_accuracy_waiting(void)
{
	uint64_t t, got, w, k;
	struct xs_rate r;
	size_t i;
	int late;

	TEST_BEGIN("rate_10s_wait_driven_exact_no_drift");
	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		CHECK_EQ(xs_rate_init(&r, rates[i], 1), 0);
		got = 0;
		late = 0;
		for (t = 0; t < 10 * SEC;) {
			if (xs_rate_take(&r, t, 1)) {
				/* Packet k leaves at ceil(k * 1e9 / pps). */
				k = got++;
				late |= t !=
					(k * SEC + rates[i] - 1) / rates[i];
				continue;
			}
			w = xs_rate_wait_ns(&r, t);
			if (!w) {
				late = 1;
				break;
			}
			t += w;
		}
		CHECK(got == rates[i] * 10, "%llu pps: %llu packets in 10 s",
		      (unsigned long long)rates[i], (unsigned long long)got);
		CHECK(!late, "%llu pps: a packet left off its instant",
		      (unsigned long long)rates[i]);
	}
	TEST_END();

	TEST_BEGIN("rate_long_run_no_drift_at_3pps");
	/* A day at 3 pps, polled every 7 ms: exactly 3 * 86400 (+1 for the
	 * start token) minus what the last poll had not reached. */
	CHECK_EQ(xs_rate_init(&r, 3, 1), 0);
	got = 0;
	for (t = 0; t <= 86400 * SEC; t += 7 * MS)
		got += xs_rate_take(&r, t, UINT64_MAX);
	t -= 7 * MS;
	CHECK(got == 1 + t * 3 / SEC, "granted %llu want %llu",
	      (unsigned long long)got, (unsigned long long)(1 + t * 3 / SEC));
	TEST_END();
}

static void test_burst(void)
{
	enum { EVENTS = 3000 };
	static uint64_t at[EVENTS], cum[EVENTS + 1];
	struct xs_rate r;
	uint64_t t, n, bound;
	int i, j, bad = 0;

	TEST_BEGIN("rate_start_one_token_idle_capped_at_burst");
	CHECK_EQ(xs_rate_init(&r, 1000, 50), 0);
	CHECK_EQ(xs_rate_take(&r, 5 * SEC, 1000), 1);
	CHECK_EQ(xs_rate_take(&r, 5 * SEC, 1000), 0);
	/* An hour idle earns no more than the burst. */
	CHECK_EQ(xs_rate_take(&r, 3605 * SEC, 1000), 50);
	CHECK_EQ(xs_rate_take(&r, 3605 * SEC, 1000), 0);
	/* want is honoured and the rest kept. */
	CHECK_EQ(xs_rate_take(&r, 3605 * SEC + 20 * MS, 5), 5);
	CHECK_EQ(xs_rate_take(&r, 3605 * SEC + 20 * MS, 1000), 15);
	/* At the highest rate and a year idle, no overflow. */
	CHECK_EQ(xs_rate_init(&r, XS_RATE_MAX_PPS, XS_RATE_MAX_BURST), 0);
	CHECK_EQ(xs_rate_take(&r, 0, UINT64_MAX), 1);
	CHECK_EQ(xs_rate_take(&r, 365 * 86400 * SEC, UINT64_MAX),
		 XS_RATE_MAX_BURST);
	TEST_END();

	TEST_BEGIN("rate_any_window_within_burst_plus_rate");
	/* Random polls and wants: in any window [a, b] the packets granted
	 * are at most burst + ceil((b - a) * pps / 1e9). */
	CHECK_EQ(xs_rate_init(&r, 10000, 20), 0);
	for (i = 0, t = 0; i < EVENTS; i++) {
		t += rnd(rnd(4) ? 200000 : 5 * MS);
		n = xs_rate_take(&r, t, 1 + rnd(40));
		CHECK(n <= 20, "take %llu > burst", (unsigned long long)n);
		at[i] = t;
		cum[i + 1] = cum[i] + n;
	}
	for (i = 0; i < EVENTS && !bad; i++) {
		for (j = i; j < EVENTS; j++) {
			bound = 20 + ((at[j] - at[i]) * 10000 + SEC - 1) / SEC;
			if (cum[j + 1] - cum[i] > bound) {
				bad = 1;
				CHECK(0,
				      "events %d..%d: %llu granted, bound %llu",
				      i, j,
				      (unsigned long long)(cum[j + 1] - cum[i]),
				      (unsigned long long)bound);
				break;
			}
		}
	}
	TEST_END();
}

static void test_wait(void)
{
	struct xs_rate r, c;
	uint64_t t, w;
	int i, bad = 0;

	TEST_BEGIN("rate_wait_ns_consistent_with_take");
	CHECK_EQ(xs_rate_init(&r, 3, 2), 0);
	/* Before the first take a token is there. */
	CHECK_EQ(xs_rate_wait_ns(&r, 12345), 0);
	CHECK_EQ(xs_rate_take(&r, 0, 1), 1);
	/* 1e9 / 3 rounded up. */
	CHECK_EQ(xs_rate_wait_ns(&r, 0), 333333334);
	CHECK_EQ(xs_rate_wait_ns(&r, 333333333), 1);
	for (i = 0, t = 0; i < 20000 && !bad; i++) {
		CHECK_EQ(xs_rate_init(&r, 1 + rnd(2000000), 1 + rnd(4)), 0);
		xs_rate_take(&r, t, UINT64_MAX);
		t += rnd(3 * MS);
		xs_rate_take(&r, t, rnd(3));
		w = xs_rate_wait_ns(&r, t);
		c = r;
		if (!w) {
			bad |= xs_rate_take(&c, t, 1) != 1;
		} else {
			/* Not a nanosecond early, not a nanosecond late. */
			bad |= xs_rate_take(&c, t + w - 1, 1) != 0;
			c = r;
			bad |= xs_rate_take(&c, t + w, 1) != 1;
		}
		/* wait_ns() leaves the bucket alone. */
		bad |= xs_rate_wait_ns(&r, t) != w;
		CHECK(!bad, "iteration %d: pps %llu wait %llu", i,
		      (unsigned long long)r.pps, (unsigned long long)w);
	}
	TEST_END();

	TEST_BEGIN("rate_refund_restores_credit_exactly");
	/* A sender at 1000 pps that can only ever send half of what it is
	 * granted, refunding the rest, still sends at the full rate over
	 * time: nothing refunded is lost, nothing is created. */
	CHECK_EQ(xs_rate_init(&r, 1000, 100), 0);
	w = 0;
	for (t = 0; t < 10 * SEC; t += 10 * MS) {
		uint64_t n = xs_rate_take(&r, t, UINT64_MAX);

		w += (n + 1) / 2;
		xs_rate_refund(&r, n - (n + 1) / 2);
	}
	/* 1 + 9990 ms * 1000 pps earned; whatever is left is still owed. */
	CHECK(w + xs_rate_take(&r, t - 10 * MS, UINT64_MAX) == 1 + 9990,
	      "sent %llu", (unsigned long long)w);
	CHECK(w >= 9900, "sent %llu", (unsigned long long)w);
	/* Refunding more than was taken stops at the cap. */
	xs_rate_refund(&r, 1000000);
	CHECK_EQ(xs_rate_take(&r, t, UINT64_MAX), 100);
	TEST_END();

	TEST_BEGIN("rate_clock_going_back_is_not_moving");
	CHECK_EQ(xs_rate_init(&r, 10, 5), 0);
	CHECK_EQ(xs_rate_take(&r, 5 * SEC, 100), 1);
	CHECK_EQ(xs_rate_take(&r, 4 * SEC, 100), 0);
	CHECK_EQ(xs_rate_wait_ns(&r, 4 * SEC), 100 * MS);
	/* Time is measured from 5 s, not from 4 s. */
	CHECK_EQ(xs_rate_take(&r, 5 * SEC + 99 * MS, 100), 0);
	CHECK_EQ(xs_rate_take(&r, 5 * SEC + 300 * MS, 100), 3);
	TEST_END();
}

int main(void)
{
	test_init();
	test_accuracy_polling();
	test_accuracy_waiting();
	test_burst();
	test_wait();
	return TEST_EXIT();
}
