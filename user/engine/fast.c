// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fast path's records (bpf/fastpath.h): each one a SYN-ACK the XDP
 * filter answered by XDP_TX, with its headers as they arrived.  They go
 * through the engine's reply path like a frame from the socket
 * (eng_on_reply), which knows from the record what XDP already sent.
 *
 * One BPF ring buffer serves every queue; the thread that takes fast_mu
 * reads it, so each record is judged once, and by a thread that can send
 * what follows (the closing RST or FIN) on its own socket.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "engine_priv.h"
#include "xdpshake.h"

static int on_record(void *ctx, void *data, size_t size)
{
	struct engine *e = ctx;
	const struct xs_fast_rec *rec = data;

	STAT_ADD(e, fast_records, 1);
	if (size < sizeof(*rec) || rec->len > XS_FAST_HDR_MAX ||
	    (rec->answer != XS_FAST_ANS_RST &&
	     rec->answer != XS_FAST_ANS_ACK)) {
		STAT_ADD(e, invalid, 1);
		return 0;
	}
	eng_on_reply(e->fast_w, rec->hdr, rec->len, rec);
	return 0;
}

/*
 * XS_FAST_READ_DELAY_MS (a test knob, with XS_FAST_RB_BYTES): the records
 * are not read for that long after the start, so that a small ring fills
 * and the filter's fallback to the socket shows.
 */
int eng_fast_open(struct engine *e)
{
	const char *env = getenv("XS_FAST_READ_DELAY_MS");

	unsigned int i;

	pthread_mutex_init(&e->fast_mu, NULL);
	for (i = 0; i < MAX_WORKERS; i++) {
		pthread_mutex_init(&e->w[i].defer_mu, NULL);
		e->w[i].cpu = -1;
	}
	if (!e->c->fast_path)
		return 0;
	if (env && *env)
		e->fast_hold_ns =
			xs_mono_ns() + strtoull(env, NULL, 10) * 1000000ULL;
	e->fast_rb = ring_buffer__new(e->c->fast_rb_fd, on_record, e, NULL);
	return e->fast_rb ? 0 : -errno;
}

void eng_fast_poll(struct worker *w)
{
	struct engine *e = w->e;

	if (!e->fast_rb ||
	    (e->fast_hold_ns && xs_mono_ns() < e->fast_hold_ns && !e->stop) ||
	    pthread_mutex_trylock(&e->fast_mu))
		return;
	e->fast_w = w;
	ring_buffer__consume(e->fast_rb);
	pthread_mutex_unlock(&e->fast_mu);
}

void eng_fast_close(struct engine *e)
{
	unsigned int i;

	ring_buffer__free(e->fast_rb);
	e->fast_rb = NULL;
	pthread_mutex_destroy(&e->fast_mu);
	for (i = 0; i < MAX_WORKERS; i++) {
		free(e->w[i].defer);
		e->w[i].defer = NULL;
		pthread_mutex_destroy(&e->w[i].defer_mu);
	}
}

static void send_held(struct worker *w, struct deferred *d)
{
	d->seg.dst_mac = d->mac;
	if (!eng_send_seg(w, &d->seg))
		__atomic_fetch_add(d->count, 1, __ATOMIC_RELAXED);
	if (d->has_r)
		eng_emit(w->e, &d->r);
	d->has_r = false;
}

/* The oldest held segment of w, out of its ring into *d; false: none
 * (due by now, unless all).  Under w's defer_mu. */
static bool defer_pop(struct worker *w, uint64_t now, bool all,
		      struct deferred *d)
{
	bool got = false;

	pthread_mutex_lock(&w->defer_mu);
	if (w->dlen && (all || w->defer[w->dhead].due_ns <= now)) {
		*d = w->defer[w->dhead];
		w->dhead = (w->dhead + 1) % w->dcap;
		w->dlen--;
		got = true;
	}
	pthread_mutex_unlock(&w->defer_mu);
	return got;
}

/* Sent by w itself, outside the lock: a result callback may take long. */
void eng_defer_flush(struct worker *w, uint64_t now, bool all)
{
	struct deferred d;

	if (!__atomic_load_n(&w->dlen, __ATOMIC_RELAXED))
		return;
	while (defer_pop(w, now, all, &d))
		send_held(w, &d);
}

/* Room for one more in t's ring (defer_mu held): doubled when full, the
 * oldest first in the new one.  false: out of memory. */
static bool defer_room(struct worker *t)
{
	unsigned int cap = t->dcap ? 2 * t->dcap : DEFER_MIN, i;
	struct deferred *n;

	if (t->dlen < t->dcap)
		return true;
	n = malloc((size_t)cap * sizeof(*n));
	if (!n)
		return false;
	for (i = 0; i < t->dlen; i++)
		n[i] = t->defer[(t->dhead + i) % t->dcap];
	free(t->defer);
	t->defer = n;
	t->dhead = 0;
	t->dcap = cap;
	return true;
}

/*
 * The thread that sends what follows an answer the filter sent on cpu.
 * On a veth, an XDP_TX frame goes to the peer's queue of its CPU (native:
 * that CPU's number modulo the queues; generic: that CPU's backlog) and
 * an AF_XDP frame to the queue of its socket (native) or the sending
 * CPU's backlog (generic): the thread pinned on cpu (its socket is the
 * queue of that number when there are as many queues as CPUs, the way
 * the engine pins them) puts the close behind the ACK in the same queue.
 * On a NIC the server's RSS does that for the flow whatever our queue.
 * No thread on cpu (fewer CPUs than queues, an affinity mask): the
 * caller, and only the hold keeps the order.
 */
static struct worker *defer_target(struct worker *w, uint32_t cpu)
{
	struct engine *e = w->e;
	unsigned int i;

	for (i = 0; i < e->c->nsocks; i++)
		if (__atomic_load_n(&e->w[i].cpu, __ATOMIC_ACQUIRE) == (int)cpu)
			return &e->w[i];
	return w;
}

void eng_defer(struct worker *w, uint32_t cpu, const struct xs_seg *s,
	       const uint8_t *mac, uint64_t due_ns, uint64_t *count,
	       const struct xs_result *r)
{
	struct worker *t = defer_target(w, cpu);
	struct deferred *d, now = { .seg = *s, .count = count };

	pthread_mutex_lock(&t->defer_mu);
	if (defer_room(t)) {
		d = &t->defer[(t->dhead + t->dlen) % t->dcap];
		d->seg = *s;
		memcpy(d->mac, mac, 6);
		d->due_ns = due_ns;
		d->count = count;
		d->has_r = r != NULL;
		if (r)
			d->r = *r;
		__atomic_store_n(&t->dlen, t->dlen + 1, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&t->defer_mu);
		return;
	}
	pthread_mutex_unlock(&t->defer_mu);
	/* No memory: now, from the caller's socket. */
	memcpy(now.mac, mac, 6);
	now.has_r = r != NULL;
	if (r)
		now.r = *r;
	send_held(w, &now);
}
