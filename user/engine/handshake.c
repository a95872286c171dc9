/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The handshake state machine (RFC 9293 section 3.10.7.3, SYN-SENT).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "clock.h"
#include "handshake.h"
#include "packet.h"
#include "txseg.h"
#include "validate.h"
#include "xdpshake.h"

/*
 * Once established we answer two kinds of SYN: the server's SYN-ACK again
 * (our ACK was lost) and any other SYN (RFC 5961 section 4.2 challenge
 * ACK).  Both answers are the same ACK, and both are limited to one per
 * HS_ACK_AGAIN_NS: a server that lost our ACK retransmits after its RTO
 * (1 s initially, RFC 6298), so it always gets its answer, while a flood of
 * forged SYNs gets at most two ACKs a second.  500 ms is Linux's default
 * for the same job (net.ipv4.tcp_invalid_ratelimit).
 */
#define HS_ACK_AGAIN_NS (500ULL * 1000000ULL)

enum hs_state {
	HS_SYN_SENT,
	HS_ESTABLISHED,
	HS_FIN_WAIT, /* our FIN sent, waiting for its ACK and the server's FIN */
	HS_DONE,
};

struct hs {
	const struct xs_hs_params *p;
	struct xs_hs_result *r;
	struct xs_xsk *tx;
	struct xs_seg_path path; /* every segment we send */
	enum hs_state state;
	uint16_t ip_id;
	uint32_t snd_nxt; /* next sequence number we send */
	uint32_t rcv_nxt; /* next sequence number we expect */
	bool fin_acked; /* the server acknowledged our FIN */
	bool peer_fin; /* the server sent its FIN */
	uint64_t syn_sent_ns;
	uint64_t first_syn_ns;
	bool acked_again; /* an ACK went out for a SYN once established */
	uint64_t acked_again_ns; /* when */
};

const char *xs_outcome_str(enum xs_outcome o)
{
#define OUTCOME_NAME(up, str) [XS_OUT_##up] = str,
	static const char *const names[XS_OUT_MAX] = {
		XS_OUTCOME_LIST(OUTCOME_NAME) /* one per member */
	};
#undef OUTCOME_NAME

	return (unsigned int)o < XS_OUT_MAX ? names[o] : "error";
}

const char *xs_fin_str(enum xs_fin_state f)
{
#define FIN_NAME(up, str) [XS_FIN_##up] = str,
	static const char *const names[XS_FIN_MAX] = {
		XS_FIN_LIST(FIN_NAME) /* one per member */
	};
#undef FIN_NAME

	return (unsigned int)f < XS_FIN_MAX ? names[f] : "none";
}

static void log_frame(struct hs *h, const uint8_t *frame, size_t len, bool sent)
{
	struct xs_hs_logent *e;

	if (h->r->n_log >= XS_HS_LOG_MAX)
		return;
	e = &h->r->log[h->r->n_log++];
	clock_gettime(CLOCK_REALTIME, &e->ts);
	e->sent = sent;
	e->len = len < XS_HS_FRAME_MAX ? len : XS_HS_FRAME_MAX;
	memcpy(e->frame, frame, e->len);
}

/* Send a segment from us to the server; flags XS_TCP_*. */
static int send_seg(struct hs *h, uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct xs_seg s = {
		.dst_mac = h->p->dst_mac,
		.daddr = h->p->daddr,
		.dport = h->p->dport,
		.sport = h->p->sport,
		.flags = flags,
		.seq = seq,
		.ack = ack,
		.ip_id = h->ip_id,
	};
	uint8_t frame[XS_SEG_FRAME_MAX];
	size_t len;
	int err;

	/* A fixed --ip-id is the tutorial's behaviour: every frame carries it. */
	if (!h->p->has_ip_id)
		h->ip_id++;
	err = xs_seg_send(&h->path, &s, frame, sizeof(frame), &len);
	if (err)
		return err;
	log_frame(h, frame, len, true);
	return 0;
}

/* The handshake as xs_classify_reply() sees it. */
static struct xs_reply_ctx reply_ctx(const struct hs *h)
{
	return (struct xs_reply_ctx){
		.saddr = h->p->saddr,
		.daddr = h->p->daddr,
		.sport = h->p->sport,
		.dport = h->p->dport,
		.isn = h->r->isn,
		.phase = h->state == HS_SYN_SENT ? XS_PH_SYN_SENT :
						   XS_PH_ESTABLISHED,
		.server_isn = h->r->server_isn,
	};
}

/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, rate limited (HS_ACK_AGAIN_NS). */
static void ack_again(struct hs *h)
{
	uint64_t t = xs_mono_ns();

	if (h->acked_again && t - h->acked_again_ns < HS_ACK_AGAIN_NS)
		return;
	h->acked_again = true;
	h->acked_again_ns = t;
	send_seg(h, XS_TCP_ACK, h->snd_nxt, h->rcv_nxt);
}

/* RFC 9293 section 3.10.7.3, as xs_classify_reply() judged the frame. */
static void on_syn_sent(struct hs *h, const struct xs_pkt *k, enum xs_reply rep)
{
	uint64_t t = xs_mono_ns();

	switch (rep) {
	case XS_REPLY_REFUSED:
		h->r->rtt_ns = t - h->syn_sent_ns;
		h->r->outcome = XS_OUT_REFUSED;
		h->state = HS_DONE;
		break;
	case XS_REPLY_SYNACK:
		h->r->rtt_ns = t - h->syn_sent_ns;
		h->r->server_isn = k->seq;
		h->snd_nxt = h->r->isn + 1;
		/* The SYN only: data on the SYN-ACK is left unacknowledged,
		 * and the server sends it again. */
		h->rcv_nxt = k->seq + 1;
		h->state = HS_ESTABLISHED;
		break;
	case XS_REPLY_ICMP:
		/* RFC 5927 checked (the quote is our SYN): stop retrying. */
		h->r->rtt_ns = t - h->syn_sent_ns;
		h->r->outcome = XS_OUT_UNREACHABLE;
		h->r->icmp_type = k->icmp.type;
		h->r->icmp_code = k->icmp.code;
		h->r->icmp_from = k->saddr;
		h->state = HS_DONE;
		break;
	case XS_REPLY_BAD_ACK:
	case XS_REPLY_RST_NO_ACK:
		/* Forged or stale: counted, never answered. */
		h->r->bad_ack++;
		break;
	case XS_REPLY_BAD_QUOTE:
		h->r->bad_quote++;
		break;
	default:
		h->r->ignored++;
		break;
	}
}

/* After our FIN: ACK what the server sends, note its FIN. */
static void on_fin_wait(struct hs *h, const struct xs_pkt *k)
{
	uint32_t seg_end;

	if (k->flags & XS_TCP_RST) {
		h->peer_fin = true;
		h->fin_acked = true;
		return;
	}
	if ((k->flags & XS_TCP_ACK) && k->ack == h->snd_nxt)
		h->fin_acked = true;
	if (!k->payload_len && !(k->flags & XS_TCP_FIN))
		return;
	/* Only in-order data moves rcv_nxt; anything else gets a duplicate
	 * ACK so the server retransmits what we are missing. */
	if (k->seq == h->rcv_nxt) {
		seg_end = k->seq + k->payload_len;
		if (k->flags & XS_TCP_FIN) {
			seg_end++;
			h->peer_fin = true;
		}
		h->rcv_nxt = seg_end;
	}
	send_seg(h, XS_TCP_ACK, h->snd_nxt, h->rcv_nxt);
}

static void fin_check_done(struct hs *h)
{
	if (h->fin_acked && h->peer_fin)
		h->state = HS_DONE;
}

static void on_frame(void *ctx, const uint8_t *frame, size_t len)
{
	struct hs *h = ctx;
	struct xs_reply_ctx rc = reply_ctx(h);
	enum xs_reply rep;
	struct xs_pkt k;

	rep = xs_classify_reply(frame, len, &rc, &k);
	switch (rep) {
	case XS_REPLY_MALFORMED:
	case XS_REPLY_NOT_OURS:
		h->r->ignored++;
		return;
	case XS_REPLY_BAD_IP_CSUM:
	case XS_REPLY_BAD_CSUM:
		h->r->bad_csum++;
		return;
	default:
		break;
	}
	/* Once established an ICMP error changes nothing (we send no data
	 * a frag-needed could be about): counted as ignored. */
	if (k.is_icmp && h->state != HS_SYN_SENT) {
		h->r->ignored++;
		return;
	}
	switch (h->state) {
	case HS_SYN_SENT:
		on_syn_sent(h, &k, rep);
		/* Only the frame that decided is part of the exchange. */
		if (h->state != HS_SYN_SENT)
			log_frame(h, frame, len, false);
		break;
	case HS_ESTABLISHED:
		/* A duplicate SYN-ACK means our ACK was lost: ACK again.
		 * Any other SYN earns the same ACK as a challenge and
		 * changes nothing. */
		if (rep == XS_REPLY_DUP_SYNACK || rep == XS_REPLY_CHALLENGE)
			ack_again(h);
		if (rep != XS_REPLY_DUP_SYNACK)
			h->r->ignored++;
		break;
	case HS_FIN_WAIT:
		/*
		 * SYN with RST or FIN is valid in no state; a SYN that is not
		 * the server's SYN-ACK again must not move rcv_nxt or ack our
		 * FIN: challenge ACK.  Everything else as before.
		 */
		if (rep == XS_REPLY_BAD_FLAGS) {
			h->r->ignored++;
			break;
		}
		if (rep == XS_REPLY_CHALLENGE && (k.flags & XS_TCP_SYN)) {
			h->r->ignored++;
			ack_again(h);
			break;
		}
		log_frame(h, frame, len, false);
		on_fin_wait(h, &k);
		fin_check_done(h);
		break;
	default:
		h->r->ignored++;
		break;
	}
}

/* Wait until deadline (monotonic ns) or until the state leaves `from`. */
static int wait_frames(struct hs *h, struct xs_xsk **socks, unsigned int nsocks,
		       uint64_t deadline, enum hs_state from)
{
	struct pollfd pfd[XS_MAX_QUEUES + 1];
	unsigned int i, n = 0;
	uint64_t t;
	int ms, ret;

	for (i = 0; i < nsocks && n < XS_MAX_QUEUES; i++)
		pfd[n++] = (struct pollfd){ .fd = xs_xsk_fd(socks[i]),
					    .events = POLLIN };
	if (h->p->sigfd >= 0)
		pfd[n++] =
			(struct pollfd){ .fd = h->p->sigfd, .events = POLLIN };

	while (h->state == from) {
		t = xs_mono_ns();
		if (t >= deadline)
			return 0;
		ms = (deadline - t + 999999) / 1000000;
		/* Awake often enough to see the device go (nothing else
		 * tells while we only wait). */
		if (ms > XS_XSK_DEV_CHECK_MS)
			ms = XS_XSK_DEV_CHECK_MS;
		ret = poll(pfd, n, ms);
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (h->p->sigfd >= 0 && (pfd[n - 1].revents & POLLIN))
			return -EINTR;
		for (i = 0; i < nsocks; i++) {
			/* Even without POLLIN: completions need draining. */
			ret = xs_xsk_poll(socks[i], on_frame, h, 64);
			if (ret < 0)
				return ret;
		}
		if (nsocks && !ret) {
			ret = xs_xsk_dev_error(socks[0]);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int do_fin(struct hs *h, struct xs_xsk **socks, unsigned int nsocks)
{
	uint64_t deadline;
	int err;

	err = send_seg(h, XS_TCP_FIN | XS_TCP_ACK, h->snd_nxt, h->rcv_nxt);
	if (err)
		return err;
	h->snd_nxt++;
	h->state = HS_FIN_WAIT;
	deadline = xs_mono_ns() + (uint64_t)h->p->timeout_ms * 2 * 1000000ULL;
	/* Returns when on_frame saw both our FIN acked and the server's FIN
	 * (state HS_DONE), or at the deadline. */
	err = wait_frames(h, socks, nsocks, deadline, HS_FIN_WAIT);
	if (err)
		return err;
	h->r->fin = h->fin_acked && h->peer_fin ? XS_FIN_CLOSED :
		    h->fin_acked		? XS_FIN_HALF :
						  XS_FIN_NO_ANSWER;
	h->state = HS_DONE;
	return 0;
}

/* Our ISN, the first IP ID, and what every segment we send shares. */
static void setup(struct hs *h, struct xs_xsk *tx)
{
	const struct xs_hs_params *p = h->p;

	memset(h->r, 0, sizeof(*h->r));
	h->tx = tx;
	h->path = (struct xs_seg_path){
		.sock = tx,
		.saddr = p->saddr,
		.saddr6 = p->saddr,
		.window = p->window,
		.mss = p->mss,
		.ttl = p->ttl,
		.syn_opts = p->no_options ? XS_SYN_OPTS_NONE :
					    XS_SYN_OPTS_LINUX,
		.kick = true,
		.patient = true,
	};
	memcpy(h->path.src_mac, p->src_mac, 6);
	h->r->isn = p->has_seq ? p->seq :
				 xs_isn_addr(p->key, &p->saddr, &p->daddr,
					     p->sport, p->dport);
	if (p->has_ip_id)
		h->ip_id = p->ip_id;
	else if (getrandom(&h->ip_id, sizeof(h->ip_id), 0) < 0)
		h->ip_id = (uint16_t)xs_mono_ns();
}

static int run(struct xs_xsk **socks, unsigned int nsocks,
	       const struct xs_hs_params *p, struct xs_hs_result *r)
{
	struct hs h = { .p = p, .r = r, .state = HS_SYN_SENT };
	uint64_t timeout_ns, deadline;
	int err;

	if (!nsocks || !socks[0] || p->timeout_ms <= 0 || p->retries < 0 ||
	    (!p->has_seq && !p->key))
		return -EINVAL;
	setup(&h, socks[0]);

	timeout_ns = (uint64_t)p->timeout_ms * 1000000ULL;
	for (;;) {
		r->syns_sent++;
		if (p->track)
			p->track(p->track_ctx, r, false);
		/* Before the send: on veth the SYN-ACK can be back in our
		 * ring before the kick returns. */
		h.syn_sent_ns = xs_mono_ns();
		err = send_seg(&h, XS_TCP_SYN, r->isn, 0);
		if (err)
			goto error;
		if (r->syns_sent == 1)
			h.first_syn_ns = h.syn_sent_ns;
		deadline = h.syn_sent_ns + timeout_ns;
		err = wait_frames(&h, socks, nsocks, deadline, HS_SYN_SENT);
		if (err == -EINTR) {
			r->outcome = XS_OUT_INTERRUPTED;
			return 0;
		}
		if (err)
			goto error;
		if (h.state != HS_SYN_SENT)
			break;
		if (r->syns_sent > (unsigned int)p->retries) {
			r->outcome = XS_OUT_TIMEOUT;
			return 0;
		}
		timeout_ns *= 2;
	}
	if (h.state == HS_DONE)
		return 0; /* refused */

	err = send_seg(&h, XS_TCP_ACK, h.snd_nxt, h.rcv_nxt);
	if (err)
		goto error;
	r->handshake_ns = xs_mono_ns() - h.first_syn_ns;
	r->outcome = XS_OUT_ESTABLISHED;
	/* Tell the connection table now, not at the end: during a FIN close
	 * XDP must judge the server's segments as for an established
	 * connection. */
	if (p->track)
		p->track(p->track_ctx, r, true);

	switch (p->close) {
	case XS_CLOSE_RST:
		err = send_seg(&h, XS_TCP_RST, h.snd_nxt, 0);
		break;
	case XS_CLOSE_FIN:
		err = do_fin(&h, socks, nsocks);
		if (err == -EINTR)
			err = 0;
		break;
	default:
		break;
	}
	/* The connection is established whatever happens to the close. */
	if (err)
		r->err = err;
	/* Let the last frames leave before the caller tears down. */
	xs_xsk_flush(h.tx);
	return 0;
error:
	r->outcome = XS_OUT_ERROR;
	r->err = err;
	return 0;
}

int xs_handshake(struct xs_xsk **socks, unsigned int nsocks,
		 const struct xs_hs_params *p, struct xs_hs_result *r)
{
	int err = run(socks, nsocks, p, r);

	if (!err && p->track)
		p->track(p->track_ctx, r, true);
	return err;
}
