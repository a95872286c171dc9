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

	pthread_mutex_init(&e->fast_mu, NULL);
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

void eng_defer_flush(struct worker *w, uint64_t now, bool all)
{
	struct deferred *d;

	while (w->dlen) {
		d = &w->defer[w->dhead];
		if (!all && d->due_ns > now)
			return;
		send_held(w, d);
		w->dhead = (w->dhead + 1) % DEFER_MAX;
		w->dlen--;
	}
}

struct deferred *eng_defer(struct worker *w, const struct xs_seg *s,
			   const uint8_t *mac, uint64_t due_ns, uint64_t *count)
{
	struct deferred *d;

	if (!w->defer)
		w->defer = calloc(DEFER_MAX, sizeof(*w->defer));
	/* No memory, or every slot taken: the oldest goes now (it is the
	 * closest to due), or this one. */
	if (w->defer && w->dlen == DEFER_MAX) {
		send_held(w, &w->defer[w->dhead]);
		w->dhead = (w->dhead + 1) % DEFER_MAX;
		w->dlen--;
	}
	if (!w->defer) {
		struct deferred now = { .seg = *s, .count = count };

		memcpy(now.mac, mac, 6);
		send_held(w, &now);
		return NULL;
	}
	d = &w->defer[(w->dhead + w->dlen) % DEFER_MAX];
	d->seg = *s;
	memcpy(d->mac, mac, 6);
	d->due_ns = due_ns;
	d->count = count;
	d->has_r = false;
	w->dlen++;
	return d;
}
