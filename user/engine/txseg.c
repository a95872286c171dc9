// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One TCP segment from us to a server: see txseg.h.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "txseg.h"
#include "xdpshake.h"

static void syn_opts(const struct xs_seg_path *p, const struct xs_seg *s,
		     struct xs_tcp_opts *o)
{
	if (p->syn_opts == XS_SYN_OPTS_NONE)
		return;
	/* Linux's SYN options. */
	*o = (struct xs_tcp_opts){
		.has_mss = true,
		.mss = !xs_addr_is_v4(&s->daddr) && p->mss6 ? p->mss6 : p->mss,
		.sack_ok = true,
		.has_wscale = true,
		.wscale = 7,
	};
	if (p->syn_opts == XS_SYN_OPTS_LINUX_TS) {
		o->has_ts = true;
		o->ts_val = s->ts ? s->ts_val : (uint32_t)(xs_mono_ns() / 1000);
	}
}

/* Ring full: let the kernel send, take completions back, try again. */
static int tx(const struct xs_seg_path *p, const uint8_t *frame, size_t len)
{
	unsigned int tries, max = p->patient ? 1000 : 100;
	int err = -EAGAIN;

	for (tries = 0; tries < max; tries++) {
		err = p->kick ? xs_xsk_send(p->sock, frame, len) :
				xs_xsk_queue(p->sock, frame, len);
		if (err != -EAGAIN)
			return err;
		if (!p->kick)
			xs_xsk_flush(p->sock);
		xs_xsk_poll(p->sock, NULL, NULL, 0);
		if (p->patient)
			usleep(10);
	}
	return err;
}

int xs_seg_send(const struct xs_seg_path *p, const struct xs_seg *s,
		uint8_t *buf, size_t cap, size_t *len)
{
	struct xs_frame_spec f = {
		.saddr = xs_addr_is_v4(&s->daddr) ? p->saddr : p->saddr6,
		.daddr = s->daddr,
		.sport = s->sport,
		.dport = s->dport,
		.seq = s->seq,
		.ack = s->ack,
		.flags = s->flags,
		.window = p->window,
		.ttl = p->ttl,
		.ip_id = s->ip_id,
		.df = true,
		.payload = s->data,
		.payload_len = s->data_len,
	};
	size_t n;
	int err;

	memcpy(f.src_mac, p->src_mac, 6);
	memcpy(f.dst_mac, s->dst_mac, 6);
	if (s->flags & XS_TCP_SYN) {
		syn_opts(p, s, &f.opts);
	} else if (s->ts && !(s->flags & XS_TCP_RST)) {
		f.opts.has_ts = true;
		f.opts.ts_val = s->ts_val;
		f.opts.ts_ecr = s->ts_ecr;
	}
	n = xs_build_tcp_frame(buf, cap, &f);
	if (!n)
		return -EINVAL;
	err = tx(p, buf, n);
	if (!err && len)
		*len = n;
	return err;
}
