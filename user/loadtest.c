/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * connect --count: repeated handshakes to one destination, cycling through
 * the source ports, measured live and at the end.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "engine.h"
#include "isn.h"
#include "loadtest.h"
#include "report.h"
#include "session.h"

/* A 4-tuple closed by FIN leaves the server in TIME-WAIT-like states for
 * up to 2 MSL; never reuse a source port sooner. */
#define REUSE_AFTER_FIN_NS (60ULL * 1000000000ULL)

struct lt_ctx {
	struct xs_probe proto;
	uint16_t lo, span;
	uint32_t next_port;
	uint64_t produced, count;
	uint64_t deadline_ns; /* --duration */
	uint64_t *last_use; /* per source port, for FIN closes */
	uint64_t reuse_ns;
};

/* After the first signal, the next one ends the process. */
static void signals_default(void *ctx)
{
	xs_signal_default();
}

static bool next_probe(void *ctx, struct xs_probe *p)
{
	struct lt_ctx *c = ctx;
	uint64_t now;
	uint16_t port;

	if (c->produced >= c->count)
		return false;
	now = xs_mono_ns();
	if (c->deadline_ns && now >= c->deadline_ns)
		return false;
	port = c->lo + c->next_port % c->span;
	if (c->last_use) {
		/* Too soon to reuse this 4-tuple: the run is over when the
		 * range cannot keep up (the summary says how many). */
		if (c->last_use[port] && now - c->last_use[port] < c->reuse_ns)
			return false;
		c->last_use[port] = now;
	}
	c->next_port++;
	*p = c->proto;
	p->sport = port;
	c->produced++;
	return true;
}

int xs_connect_count(struct xs_target *t, const struct xs_hs_params *hp,
		     uint32_t src, bool has_sport, uint16_t sport,
		     const uint8_t *dst_mac, enum xs_xdp_mode mode,
		     const struct xs_loadtest *lt)
{
	struct xs_session_opts so = { .mode = mode };
	struct xs_engine_cfg ec = {};
	struct xs_engine_stats st;
	struct xs_session se;
	struct xs_report rep;
	struct xs_isn_key key;
	struct lt_ctx c = {};
	enum xs_close_mode close = lt->close_given ? hp->close : XS_CLOSE_RST;
	int ret, err;

	if (has_sport)
		return xs_err(
			XS_EXIT_USAGE,
			"--count cycles through source ports: give --sports LO-HI, not --sport");
	if (close == XS_CLOSE_NONE && lt->count > 65535)
		return xs_err(
			XS_EXIT_USAGE,
			"--close none keeps every connection: --count at most one per source port");
	ret = xs_report_init(&rep, NULL, "none", false, false);
	if (ret)
		return ret;
	rep.what = "connect";
	rep.summary_stdout_json = xs_json;
	rep.total = lt->count;

	err = xs_isn_key_init(&key);
	if (err) {
		ret = xs_err(XS_EXIT_ENV, "no randomness for the ISN key");
		goto out_rep;
	}
	so.ifname = t->ifname;
	so.netns = t->netns;
	so.src = src;
	so.ports_given = lt->sports_given;
	so.port_lo = lt->sport_lo;
	so.port_hi = lt->sport_hi;
	so.cfg_flags = XS_CFG_ISN_CHECK;
	so.isn_k0 = key.k0;
	so.isn_k1 = key.k1;
	ret = xs_session_open(&so, &se);
	if (ret)
		goto out;
	c.proto.daddr = hp->daddr;
	c.proto.dport = hp->dport;
	if (dst_mac)
		memcpy(c.proto.dst_mac, dst_mac, 6);
	else {
		ret = xs_session_nexthop(&se, hp->daddr, c.proto.dst_mac, NULL,
					 1000, false);
		if (ret)
			goto out;
	}
	c.lo = se.port_lo;
	c.span = se.port_hi - se.port_lo + 1;
	c.count = lt->count;
	if (close != XS_CLOSE_RST) {
		/* none: never reuse; fin: not within 2 MSL. */
		c.last_use = calloc(65536, sizeof(*c.last_use));
		c.reuse_ns = close == XS_CLOSE_NONE ? ~0ULL :
						      REUSE_AFTER_FIN_NS;
		if (!c.last_use) {
			ret = xs_err(XS_EXIT_ENV, "out of memory");
			goto out;
		}
	}
	if (lt->duration_s)
		c.deadline_ns = xs_mono_ns() + lt->duration_s * 1000000000ULL;

	ec.socks = se.socks;
	ec.nsocks = se.nsocks;
	memcpy(ec.src_mac, se.t.iface.mac, 6);
	ec.saddr = se.src;
	ec.mode = XS_SCAN_HANDSHAKE;
	ec.close = close;
	ec.key = &key;
	ec.mss = hp->mss ? hp->mss : xs_session_mss(&se);
	ec.window = hp->window;
	ec.ttl = hp->ttl;
	ec.rate_pps = lt->rate;
	ec.retries = hp->retries;
	ec.timeout_ms = hp->timeout_ms;
	/* Closed by RST, a server repeats nothing: a short grace for
	 * duplicates keeps the table small at high rates. */
	ec.wait_ms = hp->timeout_ms < 250 ? hp->timeout_ms : 250;
	ec.max_inflight = lt->concurrency ? lt->concurrency : 256;
	ec.sigfd = se.sigfd;
	ec.next = next_probe;
	ec.next_ctx = &c;
	ec.on_result = xs_report_result;
	ec.result_ctx = &rep;
	ec.on_progress = xs_report_progress;
	ec.progress_ctx = &rep;
	ec.report_timeouts = true;
	/* A second signal forces exit, wherever the run is blocked. */
	ec.on_interrupt = signals_default;
	err = xs_engine_run(&ec, &st);
	xs_session_add_sockstats(&se);
	if (err)
		ret = xs_err(XS_EXIT_ENV, "load test failed: %s",
			     strerror(-err));
	else if (st.interrupted)
		ret = XS_EXIT_INTERRUPTED;
	else if (!st.open)
		ret = st.closed ? XS_EXIT_REFUSED : XS_EXIT_NOANSWER;
out:
	free(c.last_use);
	xs_session_close(&se);
out_rep:
	xs_report_close(&rep);
	return ret;
}
