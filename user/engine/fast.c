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
#include <bpf/libbpf.h>

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

int eng_fast_open(struct engine *e)
{
	pthread_mutex_init(&e->fast_mu, NULL);
	if (!e->c->fast_path)
		return 0;
	e->fast_rb = ring_buffer__new(e->c->fast_rb_fd, on_record, e, NULL);
	return e->fast_rb ? 0 : -errno;
}

void eng_fast_poll(struct worker *w)
{
	struct engine *e = w->e;

	if (!e->fast_rb || pthread_mutex_trylock(&e->fast_mu))
		return;
	e->fast_w = w;
	ring_buffer__consume(e->fast_rb);
	pthread_mutex_unlock(&e->fast_mu);
}

void eng_fast_close(struct engine *e)
{
	ring_buffer__free(e->fast_rb);
	e->fast_rb = NULL;
	pthread_mutex_destroy(&e->fast_mu);
}
