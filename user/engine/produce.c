/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The engine's first SYNs: probes taken from the source as the rate and
 * the connection table allow (back-pressure), held back while their
 * 4-tuple is still busy, and sent in batches on a worker's TX ring.
 */
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "engine_priv.h"

/* Room for one more probe in flight (back-pressure otherwise). */
static bool have_room(const struct engine *e)
{
	return e->inflight < e->max_inflight && xs_conntab_has_room(&e->ct);
}

/*
 * A probe may go when its 4-tuple has no probe in flight (an answered
 * entry lingering for duplicates is a finished attempt: connect --count
 * reuses its ports) and the producer's not-before time has come.
 */
static bool probe_free(struct engine *e, const struct xs_probe *p, uint64_t now)
{
	struct xs_ct_entry *ent;

	if (p->not_before_ns > now)
		return false;
	ent = xs_conntab_find(&e->ct, xs_ct_key(&p->daddr, p->dport, p->sport));
	return !ent || ent->state == XS_CT_ANSWERED;
}

/*
 * How long a try waits for its answer: the timeout, doubled per retry
 * (shift: the retries before it); the last try at least the --wait, so that a
 * late SYN-ACK still finds its probe in flight and is its one outcome.
 */
uint64_t eng_try_wait(const struct engine *e, unsigned int shift, bool last)
{
	uint64_t t = (uint64_t)e->c->timeout_ms * 1000000ULL
		     << (shift < 10 ? shift : 10);

	if (last && t < e->wait_ns)
		t = e->wait_ns;
	return t;
}

/* Enter a probe in the table as sent; false if the table is full.
 * Called with mu held. */
static bool start_probe(struct engine *e, struct xs_probe *p, uint64_t now)
{
	struct xs_ct_entry *ent;

	ent = xs_conntab_insert(&e->ct,
				xs_ct_key(&p->daddr, p->dport, p->sport));
	if (!ent)
		return false;
	/* A reused, answered 4-tuple is a new attempt; the old expiry is
	 * stale once the deadline moves. */
	ent->state = XS_CT_SENT;
	ent->tries = 0;
	ent->nsyn = 0;
	ent->challenges = 0;
	ent->fin_in = false;
	memcpy(ent->dst_mac, p->dst_mac, 6);
	p->ts_val = eng_now_us();
	eng_record_syn(ent, p->ts_val);
	xs_conntab_set_deadline(&e->ct, ent,
				now + eng_try_wait(e, 0, !e->c->retries));
	e->inflight++;
	if (e->c->retries)
		e->retrying++;
	e->last_syn_ns = now;
	return true;
}

/*
 * Held-back probes that are free now, oldest first, up to max; the rest
 * stay held, in order.  Called with mu held.
 */
static unsigned int take_held(struct engine *e, uint64_t now,
			      struct xs_probe *p, unsigned int max, bool *full)
{
	unsigned int i = 0, j = 0, k;

	for (k = 0; k < e->held_len; k++) {
		if (i < max && !*full && probe_free(e, &e->held[k], now)) {
			p[i] = e->held[k];
			if (have_room(e) && start_probe(e, &p[i], now)) {
				i++;
				continue;
			}
			*full = true;
		}
		e->held[j++] = e->held[k];
	}
	e->held_len = j;
	return i;
}

/* No more first SYNs: what is still held back is never sent. */
void eng_end_sending(struct engine *e, uint64_t now)
{
	e->producing = false;
	e->held_len = 0;
	e->st.end_send_ns = now;
}

/*
 * Up to max probes, entered in the table as sent: first those held back
 * whose 4-tuple is free now, then new ones from the producer.  A new one
 * whose 4-tuple is busy is held back (at most HELD_MAX), never dropped.
 * Called with mu held.
 */
static unsigned int take_probes(struct engine *e, uint64_t now,
				struct xs_probe *p, unsigned int max)
{
	const struct xs_engine_cfg *c = e->c;
	unsigned int i, n;
	bool full = false;

	if (!e->producing)
		return 0;
	if (c->send_until_ns && now >= c->send_until_ns) {
		e->st.send_stopped = true;
		eng_end_sending(e, now);
		return 0;
	}
	/* Exact at 1 pps and at millions: the credit is kept in integer
	 * fractions of a token. */
	n = c->rate_pps ? xs_rate_take(&e->rate, now, max) : max;
	i = take_held(e, now, p, n, &full);
	while (i < n && !full && !e->src_done && e->held_len < HELD_MAX) {
		if (!have_room(e)) {
			full = true;
			break;
		}
		memset(&p[i], 0, sizeof(p[i]));
		if (!c->next(c->next_ctx, &p[i])) {
			e->src_done = true;
			break;
		}
		if (!probe_free(e, &p[i], now)) {
			e->held[e->held_len++] = p[i];
			STAT_ADD(e, port_waits, 1);
			continue;
		}
		if (!start_probe(e, &p[i], now)) {
			/* Never past have_room(); held, not lost, if it were. */
			e->held[e->held_len++] = p[i];
			full = true;
			break;
		}
		i++;
	}
	if (full)
		STAT_ADD(e, table_full_waits, 1);
	if (e->src_done && !e->held_len)
		eng_end_sending(e, now);
	/* Tokens granted but not used (back-pressure, busy 4-tuples, the
	 * end) go back to the bucket. */
	if (c->rate_pps && i < n)
		xs_rate_refund(&e->rate, n - i);
	return i;
}

/*
 * One batch of first SYNs on this thread's own socket.  Returns how many
 * were sent, or -errno (also kept in e->err for the main thread).
 */
int eng_produce(struct worker *w, uint64_t now)
{
	struct engine *e = w->e;
	struct xs_probe p[BATCH];
	struct xs_seg s;
	unsigned int i, n;
	int err;

	if (!__atomic_load_n(&e->producing, __ATOMIC_RELAXED))
		return 0;
	pthread_mutex_lock(&e->mu);
	n = take_probes(e, now, p, BATCH);
	pthread_mutex_unlock(&e->mu);
	for (i = 0; i < n; i++) {
		s = eng_seg_to(
			p[i].dst_mac,
			xs_ct_key(&p[i].daddr, p[i].dport, p[i].sport),
			XS_TCP_SYN,
			eng_isn_for(e, &p[i].daddr, p[i].sport, p[i].dport), 0);
		s.ts = true;
		s.ts_val = p[i].ts_val;
		err = eng_send_seg(w, &s);
		if (err && err != -EAGAIN) {
			__atomic_compare_exchange_n(&e->err, &(int){ 0 }, err,
						    false, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
			return err;
		}
	}
	if (n) {
		STAT_ADD(e, sent, n);
		STAT_ADD(e, queue[w->idx].sent, n);
		xs_xsk_flush(w->sock);
	}
	return (int)n;
}
