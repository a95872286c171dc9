/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reporting engine runs: see report.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "output.h"
#include "icmp.h"
#include "report.h"
#include "results.h"

int xs_report_open(struct xs_report *r, const struct xs_report_cfg *c)
{
	static const struct xs_out_spec def = { XS_OUT_NDJSON, NULL };
	int ret;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->tty_mu, NULL);
	r->what = "scan";
	r->sinks.what = r->what;
	r->info = c->info;
	if (!r->info.start)
		r->info.start = time(NULL);
	r->open_only = c->open_only;
	ret = xs_sinks_open(&r->sinks, c->nout ? c->out : &def,
			    c->nout ? c->nout : 1, c->append, c->fields,
			    &r->info);
	if (ret)
		return ret;
	r->status_json = c->status_json;
	r->show = c->show ? c->show : XS_SHOW_DEFAULT;
	/* Under --json the summary is a JSON object on standard output
	 * (after the results, if they go there too), for scan and connect
	 * --count alike; on stderr if results in another format go to
	 * standard output, whose format it would break, and with
	 * --status-json. */
	if (xs_json && !xs_sinks_on_stdout(&r->sinks, true))
		r->summary_json = stdout;
	else if (xs_json || c->status_json)
		r->summary_json = stderr;
	/* Errors after this, as the summary. */
	if (xs_json && r->summary_json == stderr)
		xs_json_err_file = stderr;
	r->quiet = c->quiet;
	r->tty = isatty(STDERR_FILENO);
	r->live = r->tty && !r->quiet && !r->status_json;
	r->clear_for_results = r->live && isatty(STDOUT_FILENO) &&
			       xs_sinks_on_stdout(&r->sinks, false);
	r->rtt = malloc(XS_RTT_SAMPLES * sizeof(*r->rtt));
	r->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)time(NULL);
	if (!r->rtt)
		return xs_err(XS_EXIT_ENV, "out of memory");
	/* Touched now, so peak memory does not depend on the target count
	 * (a non-zero fill: a zero one may be folded into calloc). */
	memset(r->rtt, 0xff, XS_RTT_SAMPLES * sizeof(*r->rtt));
	return 0;
}

int xs_report_init(struct xs_report *r, const char *path, const char *format,
		   bool status_json, bool quiet)
{
	struct xs_report_cfg c = { .nout = 1,
				   .status_json = status_json,
				   .quiet = quiet };

	c.out[0].path = path;
	if (format && xs_out_fmt_parse(format, &c.out[0].fmt)) {
		memset(r, 0, sizeof(*r));
		return xs_err(
			XS_EXIT_USAGE,
			"--format takes ndjson, json, csv, list, grep or xml, not '%s'",
			format);
	}
	return xs_report_open(r, &c);
}

int xs_report_close(struct xs_report *r)
{
	if (r->sinks.n) {
		r->info.end = time(NULL);
		if (!r->info.elapsed)
			r->info.elapsed = difftime(r->info.end, r->info.start);
		xs_sinks_close(&r->sinks);
	}
	free(r->rtt);
	r->rtt = NULL;
	return xs_report_failed(r) ? XS_EXIT_WRITE : XS_EXIT_OK;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void rtt_add(struct xs_report *r, uint32_t us)
{
	uint64_t j;

	if (us > r->rtt_max)
		r->rtt_max = us;
	/* Reservoir sampling (Algorithm R): fixed memory at any count. */
	if (r->rtt_seen < XS_RTT_SAMPLES) {
		r->rtt[r->rtt_seen++] = us;
		return;
	}
	j = xorshift(&r->rng) % ++r->rtt_seen;
	if (j < XS_RTT_SAMPLES)
		r->rtt[j] = us;
}

static void fmt_time(struct xs_report *r, const struct timespec *ts, char *buf,
		     size_t len)
{
	struct tm tm;
	size_t n, i;
	long us;

	if (!r->tsec[0] || ts->tv_sec != r->tsec_cached) {
		gmtime_r(&ts->tv_sec, &tm);
		if (!strftime(r->tsec, sizeof(r->tsec), "%Y-%m-%dT%H:%M:%S",
			      &tm))
			r->tsec[0] = '\0';
		r->tsec_cached = ts->tv_sec;
	}
	/* ".uuuuuuZ" by hand: snprintf (vfprintf) per result showed in a
	 * fast scan's profile. */
	n = strlen(r->tsec);
	if (n + 9 > len) {
		buf[0] = '\0';
		return;
	}
	memcpy(buf, r->tsec, n);
	buf[n] = '.';
	for (us = ts->tv_nsec / 1000, i = 6; i > 0; i--, us /= 10)
		buf[n + i] = (char)('0' + us % 10);
	memcpy(buf + n + 7, "Z", 2);
}

/* The live line, if shown, is cleared before a result goes to the same
 * terminal, and drawn again after it (until the next tick, with the same
 * figures), so that it is always there and never shares a line. */
static void clear_line(struct xs_report *r)
{
	if (r->shown) {
		fputs("\r\033[K", stderr);
		r->shown = false;
	}
}

static void redraw_line(struct xs_report *r)
{
	if (r->line[0] && !r->shown) {
		fputs(r->line, stderr);
		r->shown = true;
	}
}

static const char *const show_names[] = {
	"open", "closed", "filtered", "unreachable", "silent",
};

int xs_show_parse(const char *s, unsigned int *mask, char *err, size_t len)
{
	const char *p = s, *end;
	unsigned int m = 0, i;
	size_t n;

	do {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < 5; i++)
			if (n == strlen(show_names[i]) &&
			    !strncmp(p, show_names[i], n))
				break;
		if (i < 5)
			m |= 1U << i;
		else if (n == 3 && !strncmp(p, "all", 3))
			m |= XS_SHOW_ALL;
		else {
			snprintf(
				err, len,
				"--show: '%.*s' is not open, closed, filtered, unreachable, silent or all",
				(int)n, p);
			return -EINVAL;
		}
		p = end ? end + 1 : NULL;
	} while (p);
	*mask = m;
	return 0;
}

/* The state a result is listed under and its --show bit. */
static unsigned int show_bit(const struct xs_result *res)
{
	if (res->timeout)
		return XS_SHOW_SILENT;
	if (res->icmp)
		return xs_icmp_state(res->icmp_ver, res->icmp_type,
				     res->icmp_code) == XS_ICMP_FILTERED ?
			       XS_SHOW_FILTERED :
			       XS_SHOW_UNREACHABLE;
	return res->open ? XS_SHOW_OPEN : XS_SHOW_CLOSED;
}

void xs_report_result(void *ctx, const struct xs_result *res)
{
	struct xs_report *r = ctx;
	struct xs_row row = { .res = res, .state = xs_result_state(res) };

	if (res->has_rtt)
		rtt_add(r, res->rtt_us);
	/* What --show asks for (answers by default; connect --count only
	 * counts). */
	if (!(r->show & show_bit(res)) || xs_report_failed(r) || !r->sinks.n)
		return;
	if (r->open_only && !res->open)
		return;
	xs_addr_fmt(&res->daddr, row.ip);
	if (res->icmp)
		xs_addr_fmt(&res->icmp_from, row.icmp_from);
	fmt_time(r, &res->ts, row.time, sizeof(row.time));
	if (!r->clear_for_results) {
		xs_sinks_write(&r->sinks, &row);
		return;
	}
	pthread_mutex_lock(&r->tty_mu);
	clear_line(r);
	xs_sinks_write(&r->sinks, &row);
	redraw_line(r);
	pthread_mutex_unlock(&r->tty_mu);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t pct(const uint32_t *sorted, size_t n, double p)
{
	size_t i = (size_t)(p * (n - 1) + 0.5);

	return n ? sorted[i < n ? i : n - 1] : 0;
}

/*
 * connect --count: each of the N once, by outcome.  Unfinished: sent, no
 * outcome when an interrupt ended the wait; not attempted: never sent
 * (interrupted, or --duration over).
 */
static uint64_t not_attempted(const struct xs_report *r,
			      const struct xs_engine_stats *s)
{
	return r->total > s->sent ? r->total - s->sent : 0;
}

static void count_outcomes(const struct xs_report *r,
			   const struct xs_engine_stats *s, FILE *f)
{
	unsigned long long skip = not_attempted(r, s);
	const char *why = !skip		  ? "" :
			  s->interrupted  ? " (interrupted)" :
			  s->send_stopped ? " (--duration)" :
					    "";

	fprintf(f,
		"%s: %llu handshakes: %llu established, %llu refused, %llu unreachable, %llu timed out, %llu unfinished, %llu not attempted%s\n",
		r->what, (unsigned long long)r->total,
		(unsigned long long)s->open, (unsigned long long)s->closed,
		(unsigned long long)(s->filtered + s->unreachable),
		(unsigned long long)s->timeouts,
		(unsigned long long)s->inflight, skip, why);
}

static void count_outcomes_json(struct xs_jw *w, const struct xs_report *r,
				const struct xs_engine_stats *s)
{
	xs_jw_uint_field(w, "count", r->total);
	xs_jw_uint_field(w, "established", s->open);
	xs_jw_uint_field(w, "refused", s->closed);
	/* ICMP errors: the summary's own "filtered" and "unreachable". */
	xs_jw_uint_field(w, "timed_out", s->timeouts);
	xs_jw_uint_field(w, "unfinished", s->inflight);
	xs_jw_uint_field(w, "not_attempted", not_attempted(r, s));
	xs_jw_uint_field(w, "port_waits", s->port_waits);
}

/* What the summary says of the run's times and round trips. */
struct run_figures {
	double secs, send_secs;
	uint32_t p50, p90, p99;
};

/* The sockets' XDP_STATISTICS at the end of the run, summed. */
static void sockstats_json(struct xs_jw *w, const struct xs_report *r)
{
	struct xs_sockstat k;

	r->sockstats(r->sockstats_ctx, &k);
	xs_jw_object_field(w, "af_xdp");
	xs_jw_uint_field(w, "rx_dropped", k.rx_dropped);
	xs_jw_uint_field(w, "rx_invalid_descs", k.rx_invalid_descs);
	xs_jw_uint_field(w, "tx_invalid_descs", k.tx_invalid_descs);
	xs_jw_uint_field(w, "rx_ring_full", k.rx_ring_full);
	xs_jw_uint_field(w, "rx_fill_ring_empty_descs",
			 k.rx_fill_ring_empty_descs);
	xs_jw_uint_field(w, "tx_ring_empty_descs", k.tx_ring_empty_descs);
	xs_jw_end_object(w);
}

static void summary_json(const struct xs_report *r,
			 const struct xs_engine_stats *s,
			 const struct run_figures *g, FILE *f)
{
	struct xs_jw w;
	unsigned int i;

	xs_jw_init(&w, f);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "summary");
	xs_jw_string_field(&w, "what", r->what);
	xs_jw_uint_field(&w, "sent", s->sent);
	xs_jw_uint_field(&w, "retransmits", s->retransmits);
	xs_jw_uint_field(&w, "replies", s->replies);
	xs_jw_uint_field(&w, "open", s->open);
	xs_jw_uint_field(&w, "closed", s->closed);
	xs_jw_uint_field(&w, "filtered", s->filtered);
	xs_jw_uint_field(&w, "unreachable", s->unreachable);
	xs_jw_uint_field(&w, "silent", s->timeouts);
	xs_jw_uint_field(&w, "timeouts", s->timeouts);
	xs_jw_uint_field(&w, "duplicates", s->dups);
	xs_jw_uint_field(&w, "late", s->late);
	xs_jw_uint_field(&w, "challenges", s->challenges);
	xs_jw_uint_field(&w, "invalid", s->invalid);
	xs_jw_uint_field(&w, "acks_sent", s->acks_sent);
	xs_jw_uint_field(&w, "rsts_sent", s->rsts_sent);
	xs_jw_uint_field(&w, "fins_sent", s->fins_sent);
	xs_jw_uint_field(&w, "data_sent", s->data_sent);
	/* The fast path: of acks_sent and rsts_sent, those XDP sent. */
	xs_jw_uint_field(&w, "fast_acks", s->fast_acks);
	xs_jw_uint_field(&w, "fast_rsts", s->fast_rsts);
	xs_jw_uint_field(&w, "fast_records", s->fast_records);
	xs_jw_uint_field(&w, "banners", s->banners);
	xs_jw_uint_field(&w, "pmtu_resends", s->pmtu_resends);
	xs_jw_double_field(&w, "duration_s", g->secs, 3);
	xs_jw_double_field(&w, "send_rate_pps", s->sent / g->send_secs, 1);
	xs_jw_double_field(&w, "open_per_s", s->open / g->secs, 1);
	xs_jw_double_field(&w, "handshakes_per_s", s->acks_sent / g->secs, 1);
	xs_jw_double_field(&w, "cpu_s", s->cpu_ns / 1e9, 3);
	xs_jw_bool_field(&w, "interrupted", s->interrupted);
	xs_jw_object_field(&w, "rtt_us");
	xs_jw_uint_field(&w, "samples", r->rtt_seen);
	xs_jw_uint_field(&w, "p50", g->p50);
	xs_jw_uint_field(&w, "p90", g->p90);
	xs_jw_uint_field(&w, "p99", g->p99);
	xs_jw_uint_field(&w, "max", r->rtt_max);
	xs_jw_end_object(&w);
	if (r->exact_n)
		count_outcomes_json(&w, r, s);
	xs_jw_array_field(&w, "queues");
	for (i = 0; i < s->nqueues; i++) {
		xs_jw_start_object(&w);
		xs_jw_uint_field(&w, "queue", i);
		xs_jw_uint_field(&w, "sent", s->queue[i].sent);
		xs_jw_uint_field(&w, "replies", s->queue[i].replies);
		xs_jw_end_object(&w);
	}
	xs_jw_end_array(&w);
	if (r->sockstats)
		sockstats_json(&w, r);
	xs_jw_end_object(&w);
}

static void summary_text(const struct xs_report *r,
			 const struct xs_engine_stats *s,
			 const struct run_figures *g)
{
	uint64_t done = s->open + s->closed + s->filtered + s->unreachable +
			s->timeouts;
	unsigned int i;

	/* connect --count -q: its outcomes only, as it always said. */
	if (r->exact_n && r->quiet) {
		count_outcomes(r, s, stderr);
		return;
	}
	/* Each probe once by its outcome: open + closed + filtered + silent
	 * adds up to the probes; the SYNs are the probes' first SYNs and
	 * their retransmissions. */
	fprintf(stderr,
		"%s: %llu %s, %llu %s (%llu %s) in %.2f s, %.0f/s: %llu open, %llu closed, %llu filtered, %llu unreachable, %llu silent (no answer); %llu %s, %llu %s, %llu invalid\n",
		r->what, (unsigned long long)s->sent,
		xs_plural(s->sent, "probe", "probes"),
		(unsigned long long)s->retransmits,
		xs_plural(s->retransmits, "retransmission", "retransmissions"),
		(unsigned long long)(s->sent + s->retransmits),
		xs_plural(s->sent + s->retransmits, "SYN", "SYNs"), g->secs,
		s->sent / g->send_secs, (unsigned long long)s->open,
		(unsigned long long)s->closed, (unsigned long long)s->filtered,
		(unsigned long long)s->unreachable,
		(unsigned long long)s->timeouts, (unsigned long long)s->replies,
		xs_plural(s->replies, "reply", "replies"),
		(unsigned long long)s->dups,
		xs_plural(s->dups, "duplicate", "duplicates"),
		(unsigned long long)s->invalid);
	/* A run stopped before the last outcomes (connect --count's drain,
	 * an error): not counted as silent. */
	if (s->sent > done)
		fprintf(stderr,
			"%s: %llu %s unfinished (no answer yet when the run stopped)\n",
			r->what, (unsigned long long)(s->sent - done),
			xs_plural(s->sent - done, "probe", "probes"));
	if (r->exact_n)
		count_outcomes(r, s, stderr);
	if (r->rtt_seen)
		fprintf(stderr,
			"rtt: p50 %u us, p90 %u us, p99 %u us, max %u us (%llu %s); cpu %.3f s\n",
			g->p50, g->p90, g->p99, r->rtt_max,
			(unsigned long long)r->rtt_seen,
			xs_plural(r->rtt_seen, "sample", "samples"),
			s->cpu_ns / 1e9);
	if (s->fast_records)
		fprintf(stderr,
			"fast path: %llu SYN-ACK%s answered in XDP (%llu ACK%s, %llu RST%s by XDP_TX)\n",
			(unsigned long long)s->fast_records,
			s->fast_records == 1 ? "" : "s",
			(unsigned long long)s->fast_acks,
			s->fast_acks == 1 ? "" : "s",
			(unsigned long long)s->fast_rsts,
			s->fast_rsts == 1 ? "" : "s");
	if (s->nqueues > 1) {
		/* Each queue's thread sends and answers on its own socket. */
		fputs("queues (sent/replies):", stderr);
		for (i = 0; i < s->nqueues; i++)
			fprintf(stderr, " %u: %llu/%llu", i,
				(unsigned long long)s->queue[i].sent,
				(unsigned long long)s->queue[i].replies);
		fputc('\n', stderr);
	}
}

static void summary(struct xs_report *r, const struct xs_engine_stats *s)
{
	size_t n = r->rtt_seen < XS_RTT_SAMPLES ? r->rtt_seen : XS_RTT_SAMPLES;
	struct run_figures g = {
		.secs = (s->now_ns - s->start_ns) / 1e9,
		.send_secs = (s->end_send_ns - s->start_ns) / 1e9,
	};

	r->info.elapsed = g.secs;
	qsort(r->rtt, n, sizeof(*r->rtt), cmp_u32);
	g.p50 = pct(r->rtt, n, 0.5);
	g.p90 = pct(r->rtt, n, 0.9);
	g.p99 = pct(r->rtt, n, 0.99);
	if (g.secs <= 0)
		g.secs = 1e-9;
	if (g.send_secs <= 0)
		g.send_secs = g.secs;
	/* The live line ends before the summary is printed. */
	pthread_mutex_lock(&r->tty_mu);
	clear_line(r);
	r->line[0] = '\0';
	pthread_mutex_unlock(&r->tty_mu);
	if (!r->summary_json) {
		summary_text(r, s, &g);
		return;
	}
	summary_json(r, s, &g, r->summary_json);
	if (r->summary_json == stdout)
		xs_flush_checked(stdout, "the summary to standard output");
	else
		fflush(stderr);
}

/* "1:02:03" */
static void hms(double secs, char buf[24])
{
	unsigned long long t = secs > 0 ? (unsigned long long)(secs + 0.5) : 0;

	snprintf(buf, 24, "%llu:%02llu:%02llu", t / 3600, t / 60 % 60, t % 60);
}

void xs_report_start(struct xs_report *r, const struct xs_scan_plan *p)
{
	uint64_t all = p->hosts * p->ports;
	char rate[32], here[48] = "";
	struct xs_jw w;

	/* --json alone: nothing but JSON, and the summary says it all. */
	if (r->summary_json && !r->status_json)
		return;
	if (r->status_json) {
		xs_jw_init(&w, stderr);
		xs_jw_start_object(&w);
		xs_jw_string_field(&w, "event", "start");
		xs_jw_uint_field(&w, "hosts", p->hosts);
		xs_jw_uint_field(&w, "ports", p->ports);
		xs_jw_uint_field(&w, "probes", all);
		xs_jw_uint_field(&w, "shard_probes", p->probes);
		xs_jw_uint_field(&w, "rate_pps", p->rate_pps);
		xs_jw_uint_field(&w, "shard", p->shard);
		xs_jw_uint_field(&w, "shards", p->shards);
		xs_jw_uint_field(&w, "seed", p->seed);
		xs_jw_end_object(&w);
		return;
	}
	if (p->rate_pps)
		snprintf(rate, sizeof(rate), "%llu/s",
			 (unsigned long long)p->rate_pps);
	else
		snprintf(rate, sizeof(rate), "unlimited");
	/* Part of the pairs: how many this shard (or resumed run) sends. */
	if (p->probes != all)
		snprintf(here, sizeof(here), " (%llu here)",
			 (unsigned long long)p->probes);
	fprintf(stderr,
		"Scanning %llu %s \u00d7 %u %s = %llu %s, rate %s, shard %u/%u%s, seed %llu\n",
		(unsigned long long)p->hosts,
		xs_plural(p->hosts, "host", "hosts"), p->ports,
		xs_plural(p->ports, "port", "ports"), (unsigned long long)all,
		xs_plural(all, "probe", "probes"), rate, p->shard, p->shards,
		here, (unsigned long long)p->seed);
}

/* The live line's figures, once a second. */
struct live {
	uint64_t done;
	double rate, pc, eta;
};

static void progress_json(const struct xs_engine_stats *s, const struct live *l)
{
	struct xs_jw w;

	xs_jw_init(&w, stderr);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "progress");
	xs_jw_uint_field(&w, "sent", l->done);
	xs_jw_double_field(&w, "rate_pps", l->rate, 1);
	xs_jw_uint_field(&w, "replies", s->replies);
	xs_jw_uint_field(&w, "open", s->open);
	xs_jw_uint_field(&w, "closed", s->closed);
	xs_jw_uint_field(&w, "inflight", s->inflight);
	xs_jw_double_field(&w, "percent", l->pc, 2);
	xs_jw_double_field(&w, "eta_s", l->eta, 1);
	xs_jw_end_object(&w);
}

/*
 * "0:00:03 scan: sent 3000/10000 (1000/s), replies 2900, open 2000,
 * closed 900, drops 0 ring 0 kernel, hit 66.7%, ETA 0:00:07", and after
 * the last first SYN "..., waiting 2 s for late replies".  No newline: the
 * next one overwrites it, a result or the summary clears it first.
 */
static void progress_line(struct xs_report *r, const struct xs_engine_stats *s,
			  const struct live *l)
{
	struct xs_sockstat k = {};
	uint64_t ring, kernel, waited, left = 0;
	char el[24], eta[24], tail[64];

	if (r->sockstats)
		r->sockstats(r->sockstats_ctx, &k);
	ring = k.rx_ring_full;
	kernel = k.rx_dropped;
	hms((s->now_ns - s->start_ns) / 1e9, el);
	hms(l->eta, eta);
	if (s->end_send_ns) {
		waited = (s->now_ns - s->end_send_ns) / 1000000;
		if (waited < r->wait_ms)
			left = (r->wait_ms - waited + 999) / 1000;
		snprintf(tail, sizeof(tail), "waiting %llu s for late replies",
			 (unsigned long long)left);
	} else {
		snprintf(tail, sizeof(tail), "ETA %s", eta);
	}
	pthread_mutex_lock(&r->tty_mu);
	snprintf(
		r->line, sizeof(r->line),
		"\r\033[K%s %s: sent %llu/%llu (%.0f/s), replies %llu, open %llu, closed %llu, drops %llu ring %llu kernel, hit %.1f%%, %s",
		el, r->what, (unsigned long long)l->done,
		(unsigned long long)r->total, l->rate,
		(unsigned long long)s->replies, (unsigned long long)s->open,
		(unsigned long long)s->closed, (unsigned long long)ring,
		(unsigned long long)kernel,
		l->done ? 100.0 * s->open / l->done : 0.0, tail);
	fputs(r->line, stderr);
	fflush(stderr);
	r->shown = true;
	pthread_mutex_unlock(&r->tty_mu);
}

void xs_report_progress(void *ctx, const struct xs_engine_stats *s, bool final)
{
	struct xs_report *r = ctx;
	double dt = r->prev_ns ? (s->now_ns - r->prev_ns) / 1e9 :
				 (s->now_ns - s->start_ns) / 1e9;
	struct live l = { .done = r->done_before + s->sent };

	l.rate = dt > 0 ? (s->sent - r->prev_sent) / dt : 0;
	l.pc = r->total ? 100.0 * l.done / r->total : 0;
	l.eta = l.rate > 0 && r->total > l.done ? (r->total - l.done) / l.rate :
						  0;
	if (r->sinks.n)
		xs_sinks_check(&r->sinks, final);
	if (final) {
		summary(r, s);
		return;
	}
	if (r->status_json)
		progress_json(s, &l);
	else if (r->live)
		progress_line(r, s, &l);
	r->prev_sent = s->sent;
	r->prev_replies = s->replies;
	r->prev_ns = s->now_ns;
}
