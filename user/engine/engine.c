/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The many-handshakes engine: see engine.h.
 *
 * Threads: one per RX queue, each the only user of its socket's rings.
 * Every one takes batches of probes from the producer (rate limited, under
 * the engine's lock), sends their SYNs on its own TX ring and answers the
 * replies that arrive on its RX ring, so that copy mode's per-frame kernel
 * work is spread over the CPUs.  The main thread (queue 0) also retransmits,
 * reports progress and decides the end.  Validation is stateless (ack ==
 * SipHash(4-tuple) + 1, also checked in XDP); the shared connection table
 * only tracks what is in flight and what was answered recently, under one
 * mutex.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "conntab.h"
#include "engine.h"
#include "engine_priv.h"
#include "icmp.h"
#include "ratelimit.h"
#include "txseg.h"
#include "validate.h"
#include "xdpshake.h"

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- frames ---- */

/* Our TSval clock: microseconds, as our SYNs' TSvals. */
uint32_t eng_now_us(void)
{
	return (uint32_t)(xs_mono_ns() / 1000);
}

/* Build one segment into this thread's TX ring (kicked by the caller). */
int eng_send_seg(struct worker *w, struct xs_seg *s)
{
	uint8_t frame[XS_SEG_FRAME_MAX];

	s->ip_id = w->ip_id++;
	return xs_seg_send(&w->path, s, frame, sizeof(frame), NULL);
}

/* A segment to the server of one of our 4-tuples. */
struct xs_seg eng_seg_to(const uint8_t *mac, struct xs_ct_key key,
			 uint8_t flags, uint32_t seq, uint32_t ack)
{
	return (struct xs_seg){
		.dst_mac = mac,
		.daddr = xs_ct_daddr(key),
		.dport = xs_ct_dport(key),
		.sport = xs_ct_sport(key),
		.flags = flags,
		.seq = seq,
		.ack = ack,
	};
}

/* Our 4-tuple of a frame from a server. */
static struct xs_ct_key reply_key(const struct xs_pkt *k)
{
	return xs_ct_key(&k->saddr, k->sport, k->dport);
}

/* What a frame from a server earns. */
enum answer {
	ANS_OPEN, /* a new SYN-ACK: the mode's answer */
	ANS_AGAIN, /* the SYN-ACK again, connection kept: our ACK was lost */
	ANS_RESET, /* a SYN-ACK we closed already, or never kept: RST */
	ANS_DONE, /* banner mode: the server's data came: reset */
	ANS_FIN, /* --close fin: acknowledge the server's bytes and FIN */
	ANS_CHALLENGE, /* a challenge ACK to our SYN: RST, the SYN again */
};

/* What the table adds to an answer, decided under mu by judge(). */
struct ans_ctx {
	uint32_t ack; /* ANS_FIN: the server's next sequence */
	uint32_t syn_ts; /* ANS_CHALLENGE: the TSval of the SYN again */
	uint32_t now_us; /* when the frame arrived, on our TSval clock */
	/* A fast-path record: what XDP sent already (enum xs_fast_answer) */
	uint8_t fast;
	uint32_t fast_cpu; /* the CPU it ran on */
	uint64_t fast_ns; /* and when the SYN-ACK came in (CLOCK_MONOTONIC) */
};

struct out {
	struct xs_seg seg;
	uint64_t *count; /* counted when sent */
};

#define OUT(fl, sq, ak, cnt) \
	(o[n++] = (struct out){ eng_seg_to(k->src_mac, key, fl, sq, ak), cnt })

/* The segments a new SYN-ACK earns in each mode, into o; how many. */
static unsigned int open_answer(struct engine *e, const struct xs_pkt *k,
				uint32_t isn, struct out *o)
{
	const struct xs_engine_cfg *c = e->c;
	struct xs_ct_key key = reply_key(k);
	uint32_t ours = isn + 1, theirs = k->seq + 1;
	unsigned int n = 0;

	if (c->mode == XS_SCAN_SYN_ONLY) {
		OUT(XS_TCP_RST, ours, 0, &e->st.rsts_sent);
		return n;
	}
	OUT(XS_TCP_ACK, ours, theirs, &e->st.acks_sent);
	/* Banner mode's payload follows in segments that fit the path
	 * (send_payload). */
	if (c->mode == XS_SCAN_HANDSHAKE && c->close == XS_CLOSE_RST) {
		OUT(XS_TCP_RST, ours, 0, &e->st.rsts_sent);
	} else if (c->mode == XS_SCAN_HANDSHAKE && c->close == XS_CLOSE_FIN) {
		OUT(XS_TCP_FIN | XS_TCP_ACK, ours, theirs, &e->st.fins_sent);
	}
	return n;
}

/*
 * Once the server's SYN-ACK took timestamps, every segment of ours but an
 * RST carries them (RFC 7323 section 3.2), echoing the TSval of the segment
 * it answers (the latest the server sent).
 */
static void add_ts(struct xs_seg *s, const struct xs_pkt *k)
{
	if (!k->opts.has_ts || (s->flags & (XS_TCP_RST | XS_TCP_SYN)))
		return;
	s->ts = true;
	s->ts_val = eng_now_us();
	s->ts_ecr = k->opts.ts_val;
}

/*
 * The effective send MSS for a server's SYN-ACK k (RFC 9293 section 3.7.1,
 * MUST-16): the smaller of its MSS option (536 without one) and what our
 * own MTU allows (c->mss, MTU - 40).
 */
static uint16_t send_mss(const struct xs_engine_cfg *c, const struct xs_pkt *k)
{
	uint16_t peer = k->opts.has_mss && k->opts.mss ? k->opts.mss : 536;

	return c->mss && c->mss < peer ? c->mss : peer;
}

/*
 * Banner mode: our payload from byte off on, in segments of at most mss
 * bytes, each acknowledging the server's SYN (theirs).
 */
/* The timestamp option as our segments carry it: NOP, NOP, kind 8. */
#define XS_TSOPT_LEN 12

static void send_payload(struct worker *w, const uint8_t *mac,
			 struct xs_ct_key key, uint32_t isn, uint32_t theirs,
			 uint32_t off, uint16_t mss, const struct xs_pkt *k)
{
	const struct xs_engine_cfg *c = w->e->c;
	struct xs_seg s;
	uint32_t n;

	/* The MSS counts data and TCP options alike (RFC 9293 3.7.1: the
	 * effective send MSS is less the options' size): room for TSopt. */
	if (k && k->opts.has_ts && mss > XS_TSOPT_LEN)
		mss -= XS_TSOPT_LEN;
	while (off < c->payload_len && mss) {
		n = c->payload_len - off < mss ? c->payload_len - off : mss;
		s = eng_seg_to(mac, key, XS_TCP_PSH | XS_TCP_ACK, isn + 1 + off,
			       theirs);
		s.data = c->payload + off;
		s.data_len = (uint16_t)n;
		if (k)
			add_ts(&s, k);
		if (!eng_send_seg(w, &s))
			STAT_ADD(w->e, data_sent, 1);
		off += n;
	}
}

/* The fast path's own counters, for a segment it sent. */
static void fast_tally(struct engine *e, uint8_t fast)
{
	if (fast == XS_FAST_ANS_ACK)
		STAT_ADD(e, fast_acks, 1);
	else if (fast == XS_FAST_ANS_RST)
		STAT_ADD(e, fast_rsts, 1);
}

/* The fast path's segment, counted as sent (it went out by XDP_TX). */
static void fast_count(struct engine *e, uint8_t fast)
{
	if (fast == XS_FAST_ANS_ACK)
		STAT_ADD(e, acks_sent, 1);
	else if (fast == XS_FAST_ANS_RST)
		STAT_ADD(e, rsts_sent, 1);
	fast_tally(e, fast);
}

/* Is s the segment the fast path sent in answer to this SYN-ACK? */
static bool fast_is(const struct ans_ctx *x, const struct xs_seg *s)
{
	if (!x || !x->fast)
		return false;
	return (x->fast == XS_FAST_ANS_ACK && s->flags == XS_TCP_ACK) ||
	       (x->fast == XS_FAST_ANS_RST && s->flags == XS_TCP_RST);
}

/*
 * The reply policy: every segment the engine sends in answer to a server's
 * frame k, for our ISN isn of its 4-tuple, and the counter each moves.
 * r (or NULL): the result to emit once they are out; true if a segment
 * held after a fast-path ACK took it.
 */
static bool reply(struct worker *w, const struct xs_pkt *k, uint32_t isn,
		  enum answer a, const struct ans_ctx *x,
		  const struct xs_result *r)
{
	struct engine *e = w->e;
	struct xs_ct_key key = reply_key(k);
	uint32_t ours = isn + 1, theirs = k->seq + 1;
	struct out o[2] = {};
	unsigned int i, n = 0;
	bool fast_done = false, held = false;

	switch (a) {
	case ANS_OPEN:
		n = open_answer(e, k, isn, o);
		break;
	case ANS_AGAIN:
		OUT(XS_TCP_ACK, ours, theirs, &e->st.acks_sent);
		break;
	case ANS_RESET:
		OUT(XS_TCP_RST, ours, 0, &e->st.rsts_sent);
		break;
	case ANS_DONE:
		/* The server's data, FIN or ACK says where it is: k->ack is
		 * what it expects next (checked to be one of ours). */
		OUT(XS_TCP_RST, k->ack, 0, &e->st.rsts_sent);
		break;
	case ANS_FIN:
		/* After our FIN, which took one sequence number. */
		OUT(XS_TCP_ACK, ours + 1, x->ack, &e->st.acks_sent);
		break;
	case ANS_CHALLENGE:
		/* RFC 5961 section 4: the server holds an older connection
		 * on this 4-tuple; an RST at the sequence it expects (its
		 * ack) ends that one, and our SYN again opens ours. */
		OUT(XS_TCP_RST, k->ack, 0, &e->st.rsts_sent);
		OUT(XS_TCP_SYN, isn, 0, &e->st.retransmits);
		o[1].seg.ts = true;
		o[1].seg.ts_val = x->syn_ts;
		break;
	}
	for (i = 0; i < n; i++) {
		/* The fast path sent our first answer already: counted, not
		 * sent twice. */
		if (!i && fast_is(x, &o[0].seg)) {
			__atomic_fetch_add(o[0].count, 1, __ATOMIC_RELAXED);
			fast_tally(e, x->fast);
			fast_done = true;
			continue;
		}
		add_ts(&o[i].seg, k);
		/* After XDP's ACK: never ahead of it (see FAST_CLOSE_NS). */
		if (x && x->fast == XS_FAST_ANS_ACK) {
			eng_defer(w, x->fast_cpu, &o[i].seg, k->src_mac,
				  x->fast_ns + FAST_CLOSE_NS, o[i].count,
				  held ? NULL : r);
			held = true;
			continue;
		}
		if (!eng_send_seg(w, &o[i].seg))
			__atomic_fetch_add(o[i].count, 1, __ATOMIC_RELAXED);
	}
	/* Another answer than XDP's (a late SYN-ACK XDP acknowledged gets
	 * our RST): XDP's segment went out all the same. */
	if (x && x->fast && !fast_done)
		fast_count(e, x->fast);
	if (a == ANS_OPEN && e->c->mode == XS_SCAN_BANNER)
		send_payload(w, k->src_mac, key, isn, theirs, 0,
			     send_mss(e->c, k), k);
	return held && r;
}
#undef OUT

/* Our source towards daddr: the run's of its family. */
static struct xs_addr eng_src(const struct engine *e,
			      const struct xs_addr *daddr)
{
	return xs_addr_is_v4(daddr) ? xs_addr_v4(e->c->saddr) : e->c->saddr6;
}

uint32_t eng_isn_for(const struct engine *e, const struct xs_addr *daddr,
		     uint16_t sport, uint16_t dport)
{
	struct xs_addr src = eng_src(e, daddr);

	return xs_isn_addr(e->c->key, &src, daddr, sport, dport);
}

void eng_emit(struct engine *e, const struct xs_result *r)
{
	if (!e->c->on_result)
		return;
	pthread_mutex_lock(&e->out_mu);
	e->c->on_result(e->c->result_ctx, r);
	pthread_mutex_unlock(&e->out_mu);
}

static void fill_from_entry(struct xs_result *r, const struct xs_ct_entry *ent)
{
	r->daddr = xs_ct_daddr(ent->key);
	r->dport = xs_ct_dport(ent->key);
	r->sport = xs_ct_sport(ent->key);
	r->open = true;
	r->ttl = ent->ttl;
	r->window = ent->window;
	r->opts = ent->opts;
	r->has_rtt = ent->has_rtt;
	r->rtt_us = ent->rtt_us;
	r->has_banner = true;
	clock_gettime(CLOCK_REALTIME, &r->ts);
}

/* What a valid reply does, decided under mu with its table entry. */
enum verdict {
	V_INVALID, /* counted as invalid, dropped */
	V_WAIT, /* valid, nothing to do (yet) */
	V_DUP_OPEN, /* banner mode: the SYN-ACK again, our ACK was lost */
	V_DUP, /* its probe has its answer already */
	V_LATE, /* no probe in flight or answered for its 4-tuple */
	V_NEW, /* the first answer of a probe in flight */
	V_ESTAB, /* banner mode: a new SYN-ACK, kept open for the data */
	V_BANNER, /* banner mode: the server's data, FIN or RST ends it */
	V_FIN, /* --close fin: the server's bytes or FIN, to acknowledge */
	V_CHALLENGE, /* a challenge ACK to our SYN */
};

/* SYN number ent->nsyn of a probe goes out with TSval ts. */
void eng_record_syn(struct xs_ct_entry *ent, uint32_t ts)
{
	ent->syn_ts[ent->nsyn % XS_CT_SYN_TS] = ts;
	ent->nsyn++;
}

/*
 * A SYN-ACK's round trip, in us: from the SYN whose TSval its TSecr echoes,
 * when it echoes one of ours (a TSecr we never sent is not believed); else
 * from our last SYN's send time (Karn: after a retransmission it may answer
 * an earlier SYN, so the figure may be short, never long or negative).
 */
static uint32_t rtt_of(const struct xs_ct_entry *ent, const struct xs_pkt *k,
		       uint32_t now)
{
	unsigned int i, n = ent->nsyn < XS_CT_SYN_TS ? ent->nsyn : XS_CT_SYN_TS;

	for (i = 0; k->opts.has_ts && i < n; i++)
		if (ent->syn_ts[i] == k->opts.ts_ecr)
			return now - k->opts.ts_ecr;
	return now - ent->syn_ts[(ent->nsyn - 1) % XS_CT_SYN_TS];
}

/* A probe in flight leaves SYN-SENT: no retry of it is due any more. */
static void leave_sent(struct engine *e, struct xs_ct_entry *ent)
{
	if (ent->state == XS_CT_SENT && ent->tries < e->c->retries)
		e->retrying--;
}

/* Banner mode, a SYN-ACK for a probe in flight: keep it for the data. */
static void banner_open(struct engine *e, struct xs_ct_entry *ent,
			const struct xs_pkt *k)
{
	ent->state = XS_CT_ESTAB;
	ent->srv_next = k->seq + 1;
	ent->snd_mss = send_mss(e->c, k);
	ent->snd_una = 0;
	ent->ttl = k->ttl;
	ent->window = k->window;
	ent->opts = k->opts;
	ent->has_rtt = true;
	ent->rtt_us = rtt_of(ent, k, eng_now_us());
	e->estab++;
	xs_conntab_set_deadline(&e->ct, ent,
				xs_mono_ns() +
					(uint64_t)e->c->banner_ms * 1000000);
}

/* The probe has its answer: keep the entry a grace to catch duplicates. */
static void answered(struct engine *e, struct xs_ct_entry *ent)
{
	if (ent->state == XS_CT_ESTAB)
		e->estab--;
	ent->state = XS_CT_ANSWERED;
	xs_conntab_set_deadline(&e->ct, ent, xs_mono_ns() + e->grace_ns);
	e->inflight--;
}

/* --close fin, a new SYN-ACK: our ACK and FIN go out, the server's FIN is
 * awaited (at most one timeout, then an RST). */
static void closing(struct engine *e, struct xs_ct_entry *ent,
		    const struct xs_pkt *k)
{
	ent->state = XS_CT_CLOSING;
	ent->srv_next = k->seq + 1;
	e->inflight--;
	e->closing++;
	xs_conntab_set_deadline(&e->ct, ent,
				xs_mono_ns() +
					(uint64_t)e->c->timeout_ms * 1000000);
}

/* The close is over: by the server's FIN (fin) or its RST or ours. */
static void closing_done(struct engine *e, struct xs_ct_entry *ent, bool fin)
{
	ent->state = XS_CT_ANSWERED;
	ent->fin_in = fin;
	e->closing--;
	xs_conntab_set_deadline(&e->ct, ent, xs_mono_ns() + e->grace_ns);
}

/* A frame on a connection we established (banner mode, --close fin),
 * judged as the one validator judges it once established. */
static enum xs_reply as_established(const struct xs_ct_entry *ent,
				    const struct xs_pkt *k,
				    struct xs_reply_ctx *rc)
{
	rc->phase = XS_PH_ESTABLISHED;
	rc->server_isn = ent->srv_next - 1;
	return xs_reply_phase(k, rc);
}

/*
 * Banner mode, a valid ICMP error about one of our data segments (the
 * quote was checked against what we sent).  A frag-needed (RFC 1191) with
 * a next-hop MTU that lowers our send MSS, or its ICMPv6 packet too big
 * (RFC 8201): resend what the server has not acknowledged in segments that
 * fit (Linux's floor: an MTU under 552 is taken as 552; IPv6's under 1280
 * as 1280).  Anything else changes nothing: the banner deadline ends
 * the connection.  Called with mu held.
 */
static enum verdict banner_icmp(struct worker *w, struct xs_ct_entry *ent,
				const struct xs_pkt *k, uint32_t isn)
{
	bool v6 = k->ip_version == 6;
	uint32_t floor = v6 ? XS_IP6_MIN_MTU : 552;
	uint32_t hdrs = v6 ? XS_IP6_HLEN + XS_TCP_HLEN :
			     XS_IP_HLEN + XS_TCP_HLEN;
	uint32_t mtu = k->icmp.mtu < floor ? floor : k->icmp.mtu;

	if (mtu > 0xffff)
		mtu = 0xffff;
	if (!xs_icmp_is_too_big(k->ip_version, k->icmp.type, k->icmp.code) ||
	    mtu - hdrs >= ent->snd_mss)
		return V_WAIT;
	ent->snd_mss = (uint16_t)(mtu - hdrs);
	STAT_ADD(w->e, pmtu_resends, 1);
	send_payload(w, ent->dst_mac, ent->key, isn, ent->srv_next,
		     ent->snd_una, ent->snd_mss, NULL);
	return V_WAIT;
}

/*
 * Banner mode, a segment on a connection we established, as
 * xs_reply_phase() judged it once established.  The server's first data
 * (or its FIN, or an RST at its next sequence) ends it, and r gets the
 * result.
 */
static enum verdict banner_segment(struct worker *w, struct xs_ct_entry *ent,
				   const struct xs_pkt *k, uint32_t isn,
				   enum xs_reply rep, struct xs_result *r)
{
	struct engine *e = w->e;
	uint32_t our_next = isn + 1 + e->c->payload_len;

	if (rep == XS_REPLY_DUP_SYNACK)
		return V_DUP_OPEN;
	if (rep == XS_REPLY_ICMP)
		return banner_icmp(w, ent, k, isn);
	if (rep != XS_REPLY_SEGMENT && rep != XS_REPLY_PEER_RST)
		return V_INVALID;
	/* It must acknowledge something we sent and nothing we did not. */
	if (rep == XS_REPLY_SEGMENT && ((int32_t)(k->ack - (isn + 1)) < 0 ||
					(int32_t)(k->ack - our_next) > 0))
		return V_INVALID;
	if (rep == XS_REPLY_SEGMENT && k->ack - (isn + 1) > ent->snd_una)
		ent->snd_una = k->ack - (isn + 1);
	/* Only the next in-order bytes; a pure ACK of our payload waits. */
	if (rep == XS_REPLY_SEGMENT &&
	    (k->seq != ent->srv_next ||
	     (!k->payload_len && !(k->flags & XS_TCP_FIN))))
		return V_WAIT;
	fill_from_entry(r, ent);
	answered(e, ent);
	return V_BANNER;
}

/*
 * --close fin, after our FIN: the server's in-order bytes and its FIN are
 * acknowledged, so that its socket leaves LAST-ACK at once; its RST ends
 * the close too.  Its FIN again once acknowledged (our ACK was lost): the
 * ACK again.
 */
static enum verdict closing_segment(struct engine *e, struct xs_ct_entry *ent,
				    const struct xs_pkt *k, uint32_t isn,
				    enum xs_reply rep, struct ans_ctx *x)
{
	uint32_t len = k->payload_len + !!(k->flags & XS_TCP_FIN);

	if (rep == XS_REPLY_DUP_SYNACK)
		return V_DUP;
	if (rep == XS_REPLY_PEER_RST) {
		if (ent->state == XS_CT_CLOSING)
			closing_done(e, ent, false);
		return V_WAIT;
	}
	if (rep != XS_REPLY_SEGMENT)
		return V_INVALID;
	/* It acknowledges our SYN, or our FIN too, and nothing more. */
	if ((int32_t)(k->ack - (isn + 1)) < 0 ||
	    (int32_t)(k->ack - (isn + 2)) > 0)
		return V_INVALID;
	if (!len)
		return V_WAIT; /* the ACK of our FIN */
	if (ent->state != XS_CT_CLOSING) {
		if (k->seq + len != ent->srv_next)
			return V_WAIT;
	} else {
		if (k->seq != ent->srv_next)
			return V_WAIT; /* out of order: it comes again */
		ent->srv_next += len;
		if (k->flags & XS_TCP_FIN)
			closing_done(e, ent, true);
	}
	x->ack = ent->srv_next;
	return V_FIN;
}

/*
 * A bare ACK to our SYN that does not acknowledge it: the server holds an
 * older connection on this 4-tuple (a scan before this one left it
 * ESTABLISHED, LAST-ACK or TIME-WAIT) and challenges our SYN (RFC 5961
 * section 4).  Answered with an RST and the SYN again, at most
 * CHALLENGES_MAX times per probe, so that a forged ACK costs two segments.
 */
static enum verdict challenge(struct engine *e, struct xs_ct_entry *ent,
			      const struct xs_pkt *k, uint32_t isn,
			      struct ans_ctx *x)
{
	const uint8_t fl = XS_TCP_SYN | XS_TCP_RST | XS_TCP_FIN | XS_TCP_ACK;

	if ((k->flags & fl) != XS_TCP_ACK || k->payload_len ||
	    k->ack == isn + 1 || ent->challenges >= CHALLENGES_MAX)
		return V_INVALID;
	ent->challenges++;
	x->syn_ts = eng_now_us();
	eng_record_syn(ent, x->syn_ts);
	e->last_syn_ns = xs_mono_ns();
	STAT_ADD(e, challenges, 1);
	return V_CHALLENGE;
}

/*
 * The one table look-up for a reply that passed xs_scan_screen(): the
 * entry gives the phase (rep was judged as SYN-SENT; an established
 * connection is judged again), and the reply moves the entry.
 * Called with mu held.
 */
static enum verdict judge(struct worker *w, const struct xs_pkt *k,
			  struct xs_reply_ctx *rc, enum xs_reply rep,
			  struct xs_result *r, struct ans_ctx *x)
{
	struct engine *e = w->e;
	const struct xs_engine_cfg *c = e->c;
	struct xs_ct_entry *ent;

	/* rc holds the 4-tuple the reply names (an ICMP error's quote). */
	ent = xs_conntab_find(&e->ct,
			      xs_ct_key(&rc->daddr, rc->dport, rc->sport));
	rc->data_len = c->payload_len;
	if (ent && ent->state == XS_CT_ESTAB)
		return banner_segment(w, ent, k, rc->isn,
				      as_established(ent, k, rc), r);
	if (ent && (ent->state == XS_CT_CLOSING || ent->fin_in))
		return closing_segment(e, ent, k, rc->isn,
				       as_established(ent, k, rc), x);
	if (rep == XS_REPLY_IGNORED && ent && ent->state == XS_CT_SENT)
		return challenge(e, ent, k, rc->isn, x);
	/* Data or an ACK on a connection we left or closed: not news. */
	if (rep == XS_REPLY_IGNORED && ent)
		return V_WAIT;
	if (rep != XS_REPLY_SYNACK && rep != XS_REPLY_REFUSED &&
	    rep != XS_REPLY_ICMP)
		return V_INVALID;
	if (!ent)
		return V_LATE;
	if (ent->state == XS_CT_ANSWERED)
		return V_DUP;
	leave_sent(e, ent);
	if (rep == XS_REPLY_SYNACK && c->mode == XS_SCAN_BANNER) {
		/* Stays in flight until the server's data or the deadline. */
		banner_open(e, ent, k);
		return V_ESTAB;
	}
	if (rep == XS_REPLY_SYNACK) {
		r->has_rtt = true;
		r->rtt_us = rtt_of(ent, k, x->now_us);
	}
	if (rep == XS_REPLY_SYNACK && c->mode == XS_SCAN_HANDSHAKE &&
	    c->close == XS_CLOSE_FIN)
		closing(e, ent, k);
	else
		answered(e, ent);
	return V_NEW;
}

/* An ICMP error's result: the probe its quote names, the sender. */
static void result_of_icmp(struct xs_result *r, const struct xs_pkt *k)
{
	r->daddr = k->icmp.q_daddr;
	r->dport = k->icmp.q_dport;
	r->sport = k->icmp.q_sport;
	r->icmp = true;
	r->icmp_ver = k->ip_version;
	r->icmp_type = k->icmp.type;
	r->icmp_code = k->icmp.code;
	r->icmp_from = k->saddr;
	r->ttl = k->ttl;
	clock_gettime(CLOCK_REALTIME, &r->ts);
}

/* The result of a probe's first answer, from the reply itself. */
static void result_of(struct xs_result *r, const struct xs_pkt *k, bool open)
{
	if (k->is_icmp) {
		result_of_icmp(r, k);
		return;
	}
	r->daddr = k->saddr;
	r->dport = k->sport;
	r->sport = k->dport;
	r->open = open;
	r->ttl = k->ttl;
	r->window = k->window;
	r->opts = k->opts;
	clock_gettime(CLOCK_REALTIME, &r->ts);
}

/* A SYN-ACK again for a probe that has its answer: ACK it again if we left
 * the connection open (--close none), else reset it, so that a lost ACK
 * or RST of ours never leaves a connection nobody closes. */
static enum answer dup_answer(const struct engine *e)
{
	const struct xs_engine_cfg *c = e->c;

	return c->mode == XS_SCAN_HANDSHAKE && c->close == XS_CLOSE_NONE ?
		       ANS_AGAIN :
		       ANS_RESET;
}

/* Banner mode, the server's data (or FIN, or RST): the result. */
static void banner_done(struct worker *w, const struct xs_pkt *k, uint32_t isn,
			struct xs_result *r)
{
	struct engine *e = w->e;

	if (k->payload_len && !(k->flags & XS_TCP_RST)) {
		r->banner = k->payload;
		r->banner_len = k->payload_len < e->c->banner_max ?
					k->payload_len :
					e->c->banner_max;
		STAT_ADD(e, banners, 1);
	}
	if (!(k->flags & XS_TCP_RST))
		reply(w, k, isn, ANS_DONE, NULL, NULL);
	eng_emit(e, r);
}

/* What the verdict makes us send, count and report (mu not held). */
static void act(struct worker *w, const struct xs_pkt *k, uint32_t isn,
		enum verdict v, struct xs_result *r, const struct ans_ctx *x)
{
	struct engine *e = w->e;
	bool synack = k->flags & XS_TCP_SYN; /* a SYN-ACK, once judged */

	switch (v) {
	case V_INVALID:
		STAT_ADD(e, invalid, 1);
		fast_count(e, x->fast);
		return;
	case V_WAIT:
		fast_count(e, x->fast);
		return;
	case V_DUP_OPEN:
		STAT_ADD(e, dups, 1);
		reply(w, k, isn, ANS_AGAIN, x, NULL);
		return;
	case V_DUP:
		STAT_ADD(e, dups, 1);
		if (synack)
			reply(w, k, isn, dup_answer(e), x, NULL);
		return;
	case V_LATE:
		/* Its probe already has its outcome (counted once: a timeout
		 * after the wait, or an answer whose grace is over): reset,
		 * so the server never holds a connection we do not. */
		STAT_ADD(e, late, 1);
		if (synack)
			reply(w, k, isn, ANS_RESET, x, NULL);
		return;
	case V_FIN:
		reply(w, k, isn, ANS_FIN, x, NULL);
		return;
	case V_CHALLENGE:
		reply(w, k, isn, ANS_CHALLENGE, x, NULL);
		return;
	case V_BANNER:
		fast_count(e, x->fast);
		banner_done(w, k, isn, r);
		return;
	case V_NEW:
	case V_ESTAB:
		break;
	}
	STAT_ADD(e, replies, 1);
	STAT_ADD(e, queue[w->idx].replies, 1);
	/* The result comes with the banner in banner mode (V_ESTAB). */
	if (v != V_ESTAB)
		result_of(r, k, synack);
	if (synack) {
		STAT_ADD(e, open, 1);
		/* After a fast-path ACK: with the close it waits for. */
		if (reply(w, k, isn, ANS_OPEN, x, v == V_ESTAB ? NULL : r))
			return;
	} else if (!k->is_icmp) {
		STAT_ADD(e, closed, 1);
	} else if (xs_icmp_state(k->ip_version, k->icmp.type, k->icmp.code) ==
		   XS_ICMP_FILTERED) {
		STAT_ADD(e, filtered, 1);
	} else {
		STAT_ADD(e, unreachable, 1);
	}
	if (!synack)
		fast_count(e, x->fast);
	if (v != V_ESTAB)
		eng_emit(e, r);
}

/*
 * A frame on any RX socket: parsed once, screened by the one validator
 * outside the lock, judged with its table entry under it, acted on
 * outside it again.
 */
void eng_on_reply(struct worker *w, const uint8_t *frame, size_t len,
		  const struct xs_fast_rec *fast)
{
	struct engine *e = w->e;
	struct xs_reply_ctx rc;
	struct xs_result r = {};
	struct ans_ctx x = {};
	enum xs_reply rep;
	uint16_t sport, dport;
	struct xs_addr daddr, our;
	uint32_t isn;
	struct xs_pkt k;
	enum verdict v;

	if (fast) {
		x.fast = fast->answer;
		x.fast_cpu = fast->cpu;
		x.fast_ns = fast->ts_ns;
		x.now_us = (uint32_t)(fast->ts_ns / 1000);
	} else {
		x.now_us = eng_now_us();
	}
	if (xs_parse_reply_frame(frame, len, &k) != XS_PARSE_OK) {
		STAT_ADD(e, invalid, 1);
		fast_count(e, x.fast);
		return;
	}
	/* A segment's own 4-tuple, or the one an ICMP error quotes. */
	xs_reply_tuple(&k, &daddr, &sport, &dport);
	/* Its table slot, fetched while the SipHash below runs: judge()'s
	 * look-up, under the lock, then finds it in the cache. */
	xs_conntab_prefetch(&e->ct, xs_ct_key(&daddr, dport, sport));
	isn = eng_isn_for(e, &daddr, sport, dport);
	our = eng_src(e, &daddr);
	if (xs_scan_screen(&k, &our, isn, &rc) != XS_REPLY_MAX) {
		STAT_ADD(e, invalid, 1);
		fast_count(e, x.fast);
		return;
	}
	rep = xs_reply_phase(&k, &rc);
	pthread_mutex_lock(&e->mu);
	v = judge(w, &k, &rc, rep, &r, &x);
	pthread_mutex_unlock(&e->mu);
	act(w, &k, isn, v, &r, &x);
}

/* A frame on an RX socket. */
static void on_frame(void *ctx, const uint8_t *frame, size_t len)
{
	eng_on_reply(ctx, frame, len, NULL);
}

/*
 * Thread i runs on the i-th CPU the process may use, when there are at
 * least as many as queues: the kernel work of its sends (copy-mode
 * transmit, the peer's receive on a veth) then stays on one CPU, and on a
 * veth the answers an XDP program bounces come back to the queue of the
 * CPU that sent, this thread's own socket.  Fewer CPUs than queues (say,
 * under taskset), or a handshake without the fast path (below): the
 * threads float.
 */
static void pin_worker(struct worker *w, const cpu_set_t *allowed,
		       unsigned int nqueues)
{
	const struct xs_engine_cfg *c = w->e->c;
	unsigned int cpu, nth = 0;
	cpu_set_t one;

	/*
	 * Only where it pays: a SYN-only scan (against listen, 2 queues on
	 * 2 CPUs: 482-486k SYNs/s pinned, 434-452k floating) and the fast
	 * path (its closes follow XDP's answers from the CPU they ran on).
	 * A handshake against a kernel server floats: pinned, a thread whose
	 * CPU runs the server (or its softirq) waits for it, milliseconds
	 * (2 queues on 2 CPUs, kserver: 91k handshakes/s pinned, p90 RTT
	 * 3.3 ms; 137k floating).
	 */
	if (c->mode != XS_SCAN_SYN_ONLY && !c->fast_path)
		return;
	if ((unsigned int)CPU_COUNT(allowed) < nqueues)
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, allowed) || nth++ != w->idx)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		/* Where the fast path's closes for this CPU go (fast.c). */
		if (!pthread_setaffinity_np(pthread_self(), sizeof(one), &one))
			__atomic_store_n(&w->cpu, (int)cpu, __ATOMIC_RELEASE);
		return;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct engine *e = w->e;
	struct pollfd p = { .fd = xs_xsk_fd(w->sock), .events = POLLIN };
	int sent;

	pin_worker(w, &e->cpus, e->c->nsocks);

	while (!__atomic_load_n(&e->stop, __ATOMIC_RELAXED)) {
		sent = eng_produce(w, xs_mono_ns());
		if (sent < 0)
			break;
		if (!sent)
			poll(&p, 1,
			     __atomic_load_n(&e->producing, __ATOMIC_RELAXED) ?
				     1 :
				     10);
		if (xs_xsk_poll(w->sock, on_frame, w, 256) < 0)
			break;
		eng_fast_poll(w);
		eng_defer_flush(w, xs_mono_ns(), false);
		xs_xsk_flush(w->sock);
	}
	return NULL;
}

/* Our ISN for one of our 4-tuples. */
static uint32_t isn_of_key(const struct engine *e, struct xs_ct_key key)
{
	return eng_isn_for(e, &key.daddr, xs_ct_sport(key), xs_ct_dport(key));
}

/* A SYN unanswered within its timeout, with retries left: again. */
static void retransmit(struct engine *e, struct worker *w0,
		       struct xs_ct_entry *ent, uint64_t now)
{
	struct xs_seg s = eng_seg_to(ent->dst_mac, ent->key, XS_TCP_SYN,
				     isn_of_key(e, ent->key), 0);

	ent->tries++;
	if (ent->tries == e->c->retries)
		e->retrying--;
	s.ts = true;
	s.ts_val = eng_now_us();
	eng_record_syn(ent, s.ts_val);
	xs_conntab_set_deadline(&e->ct, ent,
				now + eng_try_wait(e, ent->tries - 1,
						   ent->tries >=
							   e->c->retries));
	e->last_syn_ns = now;
	if (!eng_send_seg(w0, &s))
		STAT_ADD(e, retransmits, 1);
}

/* Banner mode, no data in time (or the run's end): open and silent; close
 * it with an RST, its result in *r for the caller to emit. */
static void banner_silent(struct engine *e, struct worker *w0,
			  struct xs_ct_entry *ent, struct xs_result *r)
{
	/* At what the server acknowledged: all it can expect of us. */
	struct xs_seg s = eng_seg_to(ent->dst_mac, ent->key, XS_TCP_RST,
				     isn_of_key(e, ent->key) + 1 + ent->snd_una,
				     0);

	fill_from_entry(r, ent);
	if (!eng_send_seg(w0, &s))
		STAT_ADD(e, rsts_sent, 1);
	answered(e, ent);
}

/* --close fin, no FIN from the server in time: an RST ends it. */
static void close_by_rst(struct engine *e, struct worker *w0,
			 struct xs_ct_entry *ent)
{
	/* After our FIN, which took one sequence number. */
	struct xs_seg s = eng_seg_to(ent->dst_mac, ent->key, XS_TCP_RST,
				     isn_of_key(e, ent->key) + 2, 0);

	if (!eng_send_seg(w0, &s))
		STAT_ADD(e, rsts_sent, 1);
	closing_done(e, ent, false);
}

/* A probe's last try unanswered: silent, its one outcome. */
static void timed_out(struct engine *e, struct xs_ct_entry *ent,
		      struct xs_result *r)
{
	e->inflight--;
	STAT_ADD(e, timeouts, 1);
	ent->state = XS_CT_ANSWERED;
	r->daddr = xs_ct_daddr(ent->key);
	r->dport = xs_ct_dport(ent->key);
	r->sport = xs_ct_sport(ent->key);
	r->timeout = true;
	clock_gettime(CLOCK_REALTIME, &r->ts);
}

/* Emit r with mu dropped (held again on return). */
static void emit_unlocked(struct engine *e, const struct xs_result *r)
{
	pthread_mutex_unlock(&e->mu);
	eng_emit(e, r);
	pthread_mutex_lock(&e->mu);
}

/* Expiries due by now: retransmit, or give up.  Called with mu held. */
static void handle_expiries(struct engine *e, struct worker *w0, uint64_t now)
{
	const struct xs_engine_cfg *c = e->c;
	struct xs_result r;
	struct xs_ct_entry *ent;
	struct xs_ct_key key;

	while ((ent = xs_conntab_pop_due(&e->ct, now))) {
		memset(&r, 0, sizeof(r));
		key = ent->key;
		switch (ent->state) {
		case XS_CT_SENT:
			if (ent->tries < c->retries) {
				retransmit(e, w0, ent, now);
				continue;
			}
			timed_out(e, ent, &r);
			if (c->report_timeouts) {
				emit_unlocked(e, &r);
				/* The table may have changed meanwhile. */
				ent = xs_conntab_find(&e->ct, key);
			}
			break;
		case XS_CT_ESTAB:
			banner_silent(e, w0, ent, &r);
			emit_unlocked(e, &r);
			continue;
		case XS_CT_CLOSING:
			close_by_rst(e, w0, ent);
			continue;
		default:
			break;
		}
		if (ent && ent->state == XS_CT_ANSWERED &&
		    ent->deadline_ns <= now)
			xs_conntab_remove(&e->ct, ent);
	}
}

/*
 * The run is over (its threads joined): every probe still without an
 * outcome gets one, every connection still open is closed.  A probe in
 * SYN-SENT is silent (connect --count, draining, and a run that failed
 * leave it unfinished); a
 * banner connection is reported with what it sent, nothing, and reset; a
 * close still waiting for the server's FIN is reset.
 */
static void sweep(struct engine *e)
{
	const struct xs_engine_cfg *c = e->c;
	struct worker *w0 = &e->w[0];
	struct xs_ct_entry *ent;
	struct xs_result r;
	uint64_t i;

	for (i = 0; e->ct.tab && i <= e->ct.mask; i++) {
		ent = &e->ct.tab[i];
		memset(&r, 0, sizeof(r));
		if (ent->state == XS_CT_SENT && !c->drain && !e->failed) {
			leave_sent(e, ent);
			timed_out(e, ent, &r);
			if (c->report_timeouts)
				eng_emit(e, &r);
		} else if (ent->state == XS_CT_SENT && e->failed) {
			if (c->on_unfinished)
				c->on_unfinished(c->unfinished_ctx,
						 &ent->key.daddr,
						 ent->key.dport);
		} else if (ent->state == XS_CT_ESTAB) {
			banner_silent(e, w0, ent, &r);
			eng_emit(e, &r);
		} else if (ent->state == XS_CT_CLOSING) {
			close_by_rst(e, w0, ent);
		}
	}
	xs_xsk_flush(w0->sock);
}

/*
 * Signals are read by their own thread, so that the run can be stopped
 * even while the main thread is blocked (writing results into a full
 * pipe, say).  The first signal is only counted: the main loop stops
 * sending and waits for the replies in flight.  The second restores the
 * default action and raises it again: the process ends wherever it is
 * (XDP and tcx links die with it).
 */
static void *sig_main(void *arg)
{
	struct engine *e = arg;
	struct pollfd p = { .fd = e->c->sigfd, .events = POLLIN };
	struct signalfd_siginfo si;
	uint64_t first_ns = 0;
	sigset_t set;

	while (!__atomic_load_n(&e->stop, __ATOMIC_RELAXED)) {
		if (poll(&p, 1, 100) <= 0 ||
		    read(e->c->sigfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (e->c->stop_flag)
			__atomic_store_n(e->c->stop_flag, 1, __ATOMIC_SEQ_CST);
		/* One signal delivered twice (timeout(1) signals its child
		 * and then its process group) is one request: a repeat within
		 * SIG_REPEAT_NS of the first would otherwise force the exit
		 * before the first has saved the scan's state. */
		if (!first_ns)
			first_ns = xs_mono_ns();
		else if (xs_mono_ns() - first_ns < SIG_REPEAT_NS)
			continue;
		if (__atomic_add_fetch(&e->nsig, 1, __ATOMIC_SEQ_CST) < 2)
			continue;
		signal((int)si.ssi_signo, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, (int)si.ssi_signo);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		raise((int)si.ssi_signo);
	}
	return NULL;
}

static void snapshot(struct engine *e, struct xs_engine_stats *out)
{
	pthread_mutex_lock(&e->mu);
	e->st.inflight = e->inflight;
	pthread_mutex_unlock(&e->mu);
	e->st.now_ns = xs_mono_ns();
	e->st.cpu_ns = cpu_ns();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*out = e->st;
}

static int engine_init(struct engine *e, const struct xs_engine_cfg *c)
{
	pthread_mutexattr_t ma;
	uint64_t cap = 1024, want;
	int err;

	memset(e, 0, sizeof(*e));
	e->c = c;
	/* In flight: what the rate can put out in one full retry cycle. */
	want = c->max_inflight;
	if (!want) {
		uint64_t cycle_ms = (uint64_t)c->timeout_ms
				    << (c->retries < 10 ? c->retries + 1 : 11);

		want = c->rate_pps ? c->rate_pps * cycle_ms / 1000 + BATCH :
				     65536;
		if (want > (1u << 20))
			want = 1u << 20;
	}
	e->max_inflight = want ? want : 1;
	/*
	 * Duplicates come from retransmitted SYNs, so answered entries
	 * linger one timeout (or the wait, if shorter).  The table holds
	 * rate x grace of them besides what is in flight, kept under 3/4
	 * full; with no rate limit, room for 2^19.  Fixed from the start,
	 * whatever the number of targets.
	 */
	e->wait_ns = (uint64_t)c->wait_ms * 1000000ULL;
	e->grace_ns = (uint64_t)(c->wait_ms && c->wait_ms < c->timeout_ms ?
					 c->wait_ms :
					 c->timeout_ms) *
		      1000000ULL;
	want = c->rate_pps ? 2 * c->rate_pps * (e->grace_ns / 1000000) / 1000 :
			     1u << 19;
	while ((cap < 4 * e->max_inflight || cap < want) && cap < (1u << 22))
		cap <<= 1;
	err = xs_conntab_init(&e->ct, cap);
	if (err)
		return err;
	/* Held for a table probe or one result line: spinning a little
	 * beats sleeping in the kernel when the other queue's thread has
	 * it. */
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
	pthread_mutex_init(&e->mu, &ma);
	pthread_mutex_init(&e->out_mu, &ma);
	pthread_mutexattr_destroy(&ma);
	return 0;
}

/* Each queue's worker and its segment path; threads for queues 1.., the
 * signal thread.  0 or -errno (what started is stopped by engine_stop). */
static int engine_start(struct engine *e)
{
	const struct xs_engine_cfg *c = e->c;
	unsigned int i;

	for (i = 0; i < c->nsocks; i++) {
		e->w[i].e = e;
		e->w[i].sock = c->socks[i];
		e->w[i].idx = i;
		e->w[i].path = (struct xs_seg_path){
			.sock = c->socks[i],
			.saddr = xs_addr_v4(c->saddr),
			.saddr6 = c->saddr6,
			.window = c->window,
			.mss = c->mss,
			.mss6 = c->mss6,
			.ttl = c->ttl,
			.syn_opts = XS_SYN_OPTS_LINUX_TS,
		};
		memcpy(e->w[i].path.src_mac, c->src_mac, 6);
		e->w[i].ip_id = (uint16_t)(xs_mono_ns() + i * 7919);
	}
	if (sched_getaffinity(0, sizeof(e->cpus), &e->cpus))
		CPU_ZERO(&e->cpus); /* then no pinning */
	for (i = 1; i < c->nsocks; i++) {
		if (pthread_create(&e->w[i].thread, NULL, worker_main,
				   &e->w[i]))
			return -EAGAIN;
		e->w[i].started = true;
	}
	if (c->sigfd >= 0) {
		if (pthread_create(&e->sig_thread, NULL, sig_main, e))
			return -EAGAIN;
		e->sig_started = true;
	}
	/* After the threads are made, so that they do not inherit it. */
	pin_worker(&e->w[0], &e->cpus, c->nsocks);
	return 0;
}

/*
 * First signal: stop sending, let in-flight replies come back within the
 * wait.  Once producing is off under mu, no thread calls the producer
 * again, so on_interrupt may save its position.
 */
static void first_signal(struct engine *e, uint64_t now)
{
	pthread_mutex_lock(&e->mu);
	e->st.interrupted = true;
	if (e->producing)
		eng_end_sending(e, now);
	/* Replies to what is in flight come back within a round trip: a
	 * Ctrl-C waits for them at most 0.5 s (or the --wait, if shorter),
	 * in any phase; what is left then is swept (sweep()). */
	e->wait_end = now + (e->wait_ns < INTERRUPT_WAIT_NS ?
				     e->wait_ns :
				     INTERRUPT_WAIT_NS);
	pthread_mutex_unlock(&e->mu);
	if (e->c->on_interrupt)
		e->c->on_interrupt(e->c->interrupt_ctx);
}

/*
 * Nothing more to send, and every answer in or waited for: the run ends
 * --wait after the last SYN actually sent (retries and SYNs after a
 * challenge ACK included), and no sooner than every deadline it set: no
 * retry left to send, no banner still awaited, no close still waiting
 * for the server's FIN.  Draining (connect --count) waits for every
 * outcome; after a signal only the interrupt's short wait.  Called with
 * mu held.
 */
static bool finished_locked(const struct engine *e, uint64_t now)
{
	if (e->producing)
		return false;
	if (!e->inflight && !e->closing)
		return true;
	if (e->st.interrupted)
		return now >= e->wait_end;
	if (e->c->drain)
		return false;
	return now >= e->last_syn_ns + e->wait_ns && !e->retrying &&
	       !e->estab && !e->closing;
}

static bool finished(struct engine *e, uint64_t now)
{
	bool done;

	pthread_mutex_lock(&e->mu);
	done = finished_locked(e, now);
	pthread_mutex_unlock(&e->mu);
	return done;
}

/* The main thread: queue 0's worker, expiries, progress, the end. */
static int main_loop(struct engine *e)
{
	const struct xs_engine_cfg *c = e->c;
	struct worker *w0 = &e->w[0];
	struct pollfd pfd[2] = {
		{ .fd = xs_xsk_fd(w0->sock), .events = POLLIN },
		{ .fd = e->fast_rb ? ring_buffer__epoll_fd(e->fast_rb) : -1,
		  .events = POLLIN },
	};
	uint64_t now, next_progress = e->st.start_ns + 1000000000ULL;
	uint64_t next_dev = e->st.start_ns;
	struct xs_engine_stats snap;
	int nsig = 0, sent, err;

	for (;;) {
		now = xs_mono_ns();
		if (__atomic_load_n(&e->nsig, __ATOMIC_SEQ_CST) > nsig) {
			nsig = 1;
			first_signal(e, now);
		}
		pthread_mutex_lock(&e->mu);
		handle_expiries(e, w0, now);
		pthread_mutex_unlock(&e->mu);

		sent = eng_produce(w0, now);
		err = __atomic_load_n(&e->err, __ATOMIC_SEQ_CST);
		if (err)
			return err;
		/* eng_produce() kicked its SYNs, the poll kicks the retransmits */
		if (xs_xsk_poll(w0->sock, on_frame, w0, 256) < 0)
			return -EIO;
		eng_fast_poll(w0);
		eng_defer_flush(w0, xs_mono_ns(), false);
		xs_xsk_flush(w0->sock);

		/* A device gone or down while nothing is sent (the wait
		 * for late replies) is told by nothing else: the run would
		 * end as if no one had answered. */
		if (now >= next_dev) {
			err = xs_xsk_dev_error(w0->sock);
			if (err)
				return err;
			next_dev = now + XS_XSK_DEV_CHECK_MS * 1000000ULL;
		}
		if (now >= next_progress && c->on_progress) {
			snapshot(e, &snap);
			c->on_progress(c->progress_ctx, &snap, false);
			next_progress = now + 1000000000ULL;
		}
		if (finished(e, now))
			return 0;
		/* Idle: sleep until a reply, a signal, or the next
		 * token/expiry (at most 1 ms). */
		if (!sent)
			poll(pfd, 2, 1);
	}
}

static void engine_stop(struct engine *e, struct xs_engine_stats *out)
{
	const struct xs_engine_cfg *c = e->c;
	unsigned int i;

	__atomic_store_n(&e->stop, 1, __ATOMIC_RELAXED);
	for (i = 1; i < c->nsocks; i++)
		if (e->w[i].started)
			pthread_join(e->w[i].thread, NULL);
	if (e->sig_started)
		pthread_join(e->sig_thread, NULL);
	/* No new records once the filter stops answering: then the last
	 * ones, before the sweep decides what never got an answer. */
	if (c->fast_off)
		c->fast_off(c->fast_off_ctx);
	if (e->w[0].sock)
		eng_fast_poll(&e->w[0]);
	/* The closes still held: due or not, now (the threads are joined,
	 * so each socket is free), after what XDP sent is long gone. */
	if (c->fast_path)
		usleep(FAST_CLOSE_NS / 1000);
	for (i = 0; i < c->nsocks && e->w[i].sock; i++) {
		eng_defer_flush(&e->w[i], 0, true);
		xs_xsk_flush(e->w[i].sock);
	}
	if (CPU_COUNT(&e->cpus))
		pthread_setaffinity_np(pthread_self(), sizeof(e->cpus),
				       &e->cpus);
	if (e->w[0].sock)
		sweep(e);
	if (!e->st.end_send_ns)
		e->st.end_send_ns = xs_mono_ns();
	snapshot(e, out);
	if (c->on_progress)
		c->on_progress(c->progress_ctx, out, true);
	xs_conntab_free(&e->ct);
	eng_fast_close(e);
	pthread_mutex_destroy(&e->mu);
	pthread_mutex_destroy(&e->out_mu);
}

int xs_engine_run(const struct xs_engine_cfg *c, struct xs_engine_stats *out)
{
	struct engine *e;
	int err;

	if (!c->nsocks || c->nsocks > MAX_WORKERS || !c->next || !c->key ||
	    !c->timeout_ms)
		return -EINVAL;
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	err = engine_init(e, c);
	if (!err) {
		err = eng_fast_open(e);
		if (err)
			xs_conntab_free(&e->ct);
	}
	if (err) {
		free(e);
		return err;
	}
	if (c->rate_pps)
		xs_rate_init(&e->rate, c->rate_pps, BATCH);
	e->producing = true;
	e->st.start_ns = xs_mono_ns();
	e->st.nqueues = c->nsocks;
	err = engine_start(e);
	if (!err)
		err = main_loop(e);
	e->failed = err != 0;
	engine_stop(e, out);
	free(e);
	return err;
}
