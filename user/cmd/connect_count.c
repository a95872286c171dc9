/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * connect --count: repeated handshakes to one destination, cycling through
 * the source ports, measured live and at the end.  Each of the N is
 * attempted once and has one outcome: a handshake takes the next free
 * source port, or waits for one (the engine holds it back).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "engine.h"
#include "isn.h"
#include "connect_count.h"
#include "report.h"
#include "session.h"

/*
 * When a source port may carry the next handshake depends on what the
 * server still holds for the 4-tuple:
 * - rst: nothing once our RST is in (nor after a refusal or a timeout),
 *   so a port is reused as soon as its handshake has its outcome;
 * - fin: the server closes after our FIN and keeps the 4-tuple in
 *   LAST-ACK or TIME-WAIT; a SYN then gets a challenge ACK, not a
 *   SYN-ACK.  A port waits 60 s (Linux's TIME-WAIT) after its SYN, and a
 *   server that holds it longer shows as a timeout, counted;
 * - none: the server stays ESTABLISHED: a port is never reused, so --count
 *   is at most the number of ports.
 */
#define REUSE_AFTER_FIN_NS (60ULL * 1000000000ULL)
/* Ports looked at past a busy one for a free one, per probe */
#define PORT_LOOKAHEAD 64

struct lt_ctx {
	struct xs_probe proto;
	uint16_t lo, span;
	uint32_t next_port;
	uint64_t produced, count;
	/* per source port: handshakes given to the engine without their
	 * outcome yet (the producer adds, the result callback takes off) */
	uint16_t *busy;
	uint64_t *last_use; /* per source port, for FIN closes */
	struct xs_report *rep;
};

/* After the first signal, the next one ends the process. */
static void signals_default(void *ctx)
{
	xs_signal_default();
}

static bool port_free(const struct lt_ctx *c, uint16_t port, uint64_t now)
{
	if (__atomic_load_n(&c->busy[port], __ATOMIC_ACQUIRE))
		return false;
	return !c->last_use || !c->last_use[port] ||
	       now - c->last_use[port] >= REUSE_AFTER_FIN_NS;
}

/*
 * The next source port in the cycle that is free, looking a little ahead
 * past busy ones (a handshake waiting for a retransmit holds its port
 * for seconds); if none is, the next one in order, and the engine holds
 * the probe back until that port is free.
 */
static bool next_probe(void *ctx, struct xs_probe *p)
{
	struct lt_ctx *c = ctx;
	uint64_t now = xs_mono_ns();
	uint32_t k;
	uint16_t port;

	if (c->produced >= c->count)
		return false;
	for (k = 0; k < PORT_LOOKAHEAD && k < c->span; k++)
		if (port_free(c, c->lo + (c->next_port + k) % c->span, now))
			break;
	if (k == PORT_LOOKAHEAD || k == c->span)
		k = 0;
	port = c->lo + (c->next_port + k) % c->span;
	c->next_port += k + 1;
	*p = c->proto;
	p->sport = port;
	__atomic_add_fetch(&c->busy[port], 1, __ATOMIC_RELEASE);
	if (c->last_use) {
		/* Too soon to reuse this 4-tuple: the engine holds the probe
		 * back until then. */
		if (c->last_use[port] &&
		    now - c->last_use[port] < REUSE_AFTER_FIN_NS)
			p->not_before_ns =
				c->last_use[port] + REUSE_AFTER_FIN_NS;
		c->last_use[port] = p->not_before_ns ? p->not_before_ns : now;
	}
	c->produced++;
	return true;
}

/* Each handshake the engine sent has exactly one result. */
static void on_result(void *ctx, const struct xs_result *r)
{
	struct lt_ctx *c = ctx;

	__atomic_sub_fetch(&c->busy[r->sport], 1, __ATOMIC_RELEASE);
	xs_report_result(c->rep, r);
}

/*
 * 0: every one of the N handshakes established (or, with --duration,
 * every one started before it ended); 130: interrupted; 5: any other
 * outcome (refused, timed out, or not attempted).
 */
static int count_exit(const struct xs_engine_stats *st, uint64_t n)
{
	if (st->interrupted)
		return XS_EXIT_INTERRUPTED;
	if (st->open == st->sent && (st->sent == n || st->send_stopped))
		return XS_EXIT_OK;
	return XS_EXIT_PARTIAL;
}

/* Ports in the range for --close, before the first SYN. */
static int check_ports(const struct xs_loadtest *lt, enum xs_close_mode close,
		       uint16_t lo, uint16_t hi)
{
	uint32_t span = hi - lo + 1;

	if (close == XS_CLOSE_NONE && lt->count > span)
		return xs_err(
			XS_EXIT_USAGE,
			"--close none keeps every connection open: --count %u needs %u source ports, %u-%u has %u (give --sports LO-HI)",
			lt->count, lt->count, lo, hi, span);
	if (close == XS_CLOSE_FIN && lt->count > span)
		xs_warn("--close fin reuses a source port after 60 s: %u handshakes over %u ports (%u-%u) take at least %llu s",
			lt->count, span, lo, hi,
			(unsigned long long)((lt->count - 1) / span) * 60);
	return 0;
}

/* The engine's part of connect --count. */
static void lt_engine_cfg(struct xs_engine_cfg *ec, struct xs_session *se,
			  const struct xs_hs_params *hp,
			  const struct xs_loadtest *lt,
			  enum xs_close_mode close,
			  const struct xs_isn_key *key, struct lt_ctx *c,
			  struct xs_report *rep)
{
	if (lt->duration_s)
		ec->send_until_ns =
			xs_mono_ns() + lt->duration_s * 1000000000ULL;

	ec->socks = se->socks;
	ec->nsocks = se->nsocks;
	memcpy(ec->src_mac, se->t.iface.mac, 6);
	ec->saddr = se->src;
	ec->saddr6 = se->src6;
	ec->mode = XS_SCAN_HANDSHAKE;
	ec->close = close;
	ec->key = key;
	ec->mss = xs_session_mss_for(se, hp->mss, &hp->daddr);
	ec->window = hp->window;
	ec->ttl = hp->ttl;
	ec->rate_pps = lt->rate;
	ec->retries = hp->retries;
	ec->timeout_ms = hp->timeout_ms;
	/* Closed by RST, a server repeats nothing: a short grace for
	 * duplicates keeps the table small at high rates. */
	ec->wait_ms = hp->timeout_ms < 250 ? hp->timeout_ms : 250;
	ec->max_inflight = lt->concurrency ? lt->concurrency : 256;
	ec->sigfd = se->sigfd;
	ec->next = next_probe;
	ec->next_ctx = c;
	ec->on_result = on_result;
	ec->result_ctx = c;
	ec->on_progress = xs_report_progress;
	ec->progress_ctx = rep;
	ec->report_timeouts = true;
	/* Each of the N has one outcome, and the run waits for all. */
	ec->drain = true;
}

/* The producer's state: the destination, the ports, their bookkeeping. */
static int lt_ctx_init(struct lt_ctx *c, struct xs_session *se,
		       const struct xs_hs_params *hp, const uint8_t *dst_mac,
		       const struct xs_loadtest *lt, enum xs_close_mode close)
{
	int ret;

	ret = check_ports(lt, close, se->port_lo, se->port_hi);
	if (ret)
		return ret;
	c->proto.daddr = hp->daddr;
	c->proto.dport = hp->dport;
	if (dst_mac) {
		memcpy(c->proto.dst_mac, dst_mac, 6);
	} else {
		ret = xs_session_nexthop(se, &hp->daddr, c->proto.dst_mac, NULL,
					 1000, false);
		if (ret)
			return ret;
	}
	c->lo = se->port_lo;
	c->span = se->port_hi - se->port_lo + 1;
	c->count = lt->count;
	/* Per source port: in flight, and (fin) when last used. */
	c->busy = calloc(65536, sizeof(*c->busy));
	if (close == XS_CLOSE_FIN)
		c->last_use = calloc(65536, sizeof(*c->last_use));
	if (!c->busy || (close == XS_CLOSE_FIN && !c->last_use))
		return xs_err(XS_EXIT_ENV, "out of memory");
	return 0;
}

/* The summary's "af_xdp": the sockets' XDP_STATISTICS. */
static void lt_sockstats(void *ctx, struct xs_sockstat *out)
{
	xs_session_sockstats(ctx, out);
}

int xs_connect_count(const struct xs_target *t,
		     const struct xs_session_opts *base,
		     const struct xs_hs_params *hp, const uint8_t *dst_mac,
		     const struct xs_loadtest *lt)
{
	/* --src, --mode and --tc as connect without --count has them. */
	struct xs_session_opts so = *base;
	struct xs_engine_cfg ec = {};
	struct xs_engine_stats st;
	struct xs_session se;
	struct xs_report rep;
	struct xs_isn_key key;
	struct lt_ctx c = {};
	char why[160];
	enum xs_close_mode close = lt->close_given ? hp->close : XS_CLOSE_RST;
	int ret, err;

	ret = xs_report_init(&rep, NULL, "none", false, false);
	if (ret)
		return ret;
	rep.what = "connect";
	rep.total = lt->count;
	rep.exact_n = true;

	err = xs_isn_key_init(&key);
	if (err) {
		ret = xs_err(XS_EXIT_ENV, "no randomness for the ISN key");
		goto out_rep;
	}
	so.ifname = t->ifname;
	so.netns = t->netns;
	so.ports_given = lt->sports_given;
	so.port_lo = lt->sport_lo;
	so.port_hi = lt->sport_hi;
	/* The server's other segments too: its FIN after ours (--close fin)
	 * and a challenge ACK when a 4-tuple comes back too soon. */
	so.cfg_flags = XS_CFG_ISN_CHECK | XS_CFG_ALL_SEGMENTS;
	if (lt->fast_path)
		so.cfg_flags |= XS_CFG_FAST_ACK;
	so.window = hp->window;
	so.ttl = hp->ttl;
	so.isn_k0 = key.k0;
	so.isn_k1 = key.k1;
	so.cmd = "connect";
	ret = xs_session_open(&so, &se);
	if (ret)
		goto out;
	ret = lt_ctx_init(&c, &se, hp, dst_mac, lt, close);
	if (ret)
		goto out;
	c.rep = &rep;
	rep.sockstats = lt_sockstats;
	rep.sockstats_ctx = &se;
	lt_engine_cfg(&ec, &se, hp, lt, close, &key, &c, &rep);
	ec.fast_path = lt->fast_path;
	if (lt->fast_path)
		xs_session_fast(&se, &ec);
	/* A second signal forces exit, wherever the run is blocked. */
	ec.on_interrupt = signals_default;
	err = xs_engine_run(&ec, &st);
	xs_session_add_sockstats(&se);
	if (err)
		ret = xs_err(XS_EXIT_ENV, "load test failed: %s",
			     xs_run_fault(err, t->ifname, why, sizeof(why)));
	else
		ret = count_exit(&st, lt->count);
out:
	free(c.last_use);
	free(c.busy);
	xs_session_close(&se);
out_rep:
	xs_report_close(&rep);
	return ret;
}
