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
#include "report.h"

int xs_report_init(struct xs_report *r, const char *path, const char *format,
		   bool status_json, bool quiet)
{
	memset(r, 0, sizeof(*r));
	r->what = "scan";
	if (!format || !strcmp(format, "ndjson"))
		r->fmt = XS_FMT_NDJSON;
	else if (!strcmp(format, "list"))
		r->fmt = XS_FMT_LIST;
	else if (!strcmp(format, "csv"))
		r->fmt = XS_FMT_CSV;
	else if (!strcmp(format, "none"))
		r->fmt = XS_FMT_NONE;
	else
		return xs_err(XS_EXIT_USAGE,
			      "--format takes ndjson, list or csv, not '%s'",
			      format);
	r->out = stdout;
	r->out_name = "standard output";
	if (path && strcmp(path, "-")) {
		r->out_name = path;
		r->out = fopen(path, "w");
		if (!r->out)
			return xs_err(XS_EXIT_USAGE, "cannot write %s: %m",
				      path);
		r->own_out = true;
	}
	r->status_json = status_json;
	/* Under --json the summary is a JSON object on standard output
	 * (after the results, if they go there too), for scan and connect
	 * --count alike; on stderr if list or csv results go to standard
	 * output, whose format it would break, and with --status-json. */
	if (xs_json && !(r->out == stdout &&
			 (r->fmt == XS_FMT_LIST || r->fmt == XS_FMT_CSV)))
		r->summary_json = stdout;
	else if (xs_json || status_json)
		r->summary_json = stderr;
	r->quiet = quiet;
	r->tty = isatty(STDERR_FILENO);
	r->rtt = malloc(XS_RTT_SAMPLES * sizeof(*r->rtt));
	r->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)time(NULL);
	if (!r->rtt)
		return xs_err(XS_EXIT_ENV, "out of memory");
	/* Touched now, so peak memory does not depend on the target count
	 * (a non-zero fill: a zero one may be folded into calloc). */
	memset(r->rtt, 0xff, XS_RTT_SAMPLES * sizeof(*r->rtt));
	if (r->fmt == XS_FMT_CSV)
		fprintf(r->out,
			"ip,port,state,rtt_us,ttl,window,mss,wscale,sack,ts,time,banner\n");
	return 0;
}

/*
 * The results' stream after a write (or with flush, after flushing it): on
 * its first error, say so once and set the flag the producer stops at.
 * errno is still the failed write's: nothing runs between it and this.
 */
static void check_out(struct xs_report *r, bool flush, bool final)
{
	int err;

	if (flush) {
		errno = 0;
		fflush(r->out);
	}
	if (!ferror(r->out))
		return;
	err = errno;
	if (__atomic_exchange_n(&r->failed, true, __ATOMIC_RELAXED))
		return;
	if (final)
		xs_err_write(err, "cannot write results to %s", r->out_name);
	else
		xs_err_write(err, "%s stopped: cannot write results to %s",
			     r->what, r->out_name);
}

int xs_report_close(struct xs_report *r)
{
	if (r->out) {
		check_out(r, true, true);
		errno = 0;
		if (r->own_out && fclose(r->out) &&
		    !__atomic_exchange_n(&r->failed, true, __ATOMIC_RELAXED))
			xs_err_write(errno, "cannot write results to %s",
				     r->out_name);
	}
	r->out = NULL;
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

	if (!r->tsec[0] || ts->tv_sec != r->tsec_cached) {
		gmtime_r(&ts->tv_sec, &tm);
		if (!strftime(r->tsec, sizeof(r->tsec), "%Y-%m-%dT%H:%M:%S",
			      &tm))
			r->tsec[0] = '\0';
		r->tsec_cached = ts->tv_sec;
	}
	snprintf(buf, len, "%s.%06ldZ", r->tsec, ts->tv_nsec / 1000);
}

/* For list and csv: one line, no separators inside. */
static void plain_bytes(FILE *f, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != ',' && b[i] != '"' &&
		    b[i] != '\\')
			fputc(b[i], f);
		else
			fprintf(f, "\\x%02x", b[i]);
	}
}

/*
 * One ndjson result line.  A banner twice: "banner" as text (valid UTF-8
 * as it is, each ill-formed byte sequence as U+FFFD) for reading, and
 * "banner_b64" (RFC 4648 base64 of the exact bytes) for what the text
 * cannot say losslessly.
 */
static void result_json(FILE *f, const struct xs_result *res, const char *ip,
			const char *state, const char *t)
{
	struct xs_jw w;

	xs_jw_init(&w, f);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "ip", ip);
	xs_jw_uint_field(&w, "port", res->dport);
	xs_jw_string_field(&w, "state", state);
	xs_jw_uint_field(&w, "sport", res->sport);
	if (res->has_rtt)
		xs_jw_uint_field(&w, "rtt_us", res->rtt_us);
	xs_jw_uint_field(&w, "ttl", res->ttl);
	xs_jw_uint_field(&w, "window", res->window);
	if (res->opts.has_mss)
		xs_jw_uint_field(&w, "mss", res->opts.mss);
	if (res->opts.has_wscale)
		xs_jw_uint_field(&w, "wscale", res->opts.wscale);
	xs_jw_bool_field(&w, "sack", res->opts.sack_ok);
	xs_jw_bool_field(&w, "ts", res->opts.has_ts);
	/* Only when it happened: an option list Linux stops parsing. */
	if (res->opts.malformed)
		xs_jw_bool_field(&w, "options_malformed", true);
	xs_jw_string_field(&w, "time", t);
	if (res->has_banner) {
		xs_jw_string_len_field(&w, "banner", res->banner,
				       res->banner_len);
		xs_jw_base64_field(&w, "banner_b64", res->banner,
				   res->banner_len);
	}
	xs_jw_end_object(&w);
}

void xs_report_result(void *ctx, const struct xs_result *res)
{
	struct xs_report *r = ctx;
	const char *state = res->timeout ? "timeout" :
			    res->open	 ? "open" :
					   "closed";
	char ip[16], t[64];

	if (res->has_rtt)
		rtt_add(r, res->rtt_us);
	if (res->timeout && r->fmt != XS_FMT_NONE)
		return; /* scans report what answered */
	if (r->fmt == XS_FMT_NONE || xs_report_failed(r))
		return;
	xs_fmt_ipv4(res->daddr, ip);
	fmt_time(r, &res->ts, t, sizeof(t));
	switch (r->fmt) {
	case XS_FMT_NDJSON:
		result_json(r->out, res, ip, state, t);
		break;
	case XS_FMT_LIST:
		/* masscan -oL: state proto port ip epoch */
		fprintf(r->out, "%s tcp %u %s %ld", state, res->dport, ip,
			(long)res->ts.tv_sec);
		if (res->opts.malformed)
			fputs(" (malformed TCP options)", r->out);
		if (res->has_banner && res->banner_len) {
			fputc(' ', r->out);
			plain_bytes(r->out, res->banner, res->banner_len);
		}
		fputc('\n', r->out);
		break;
	case XS_FMT_CSV:
		fprintf(r->out, "%s,%u,%s,", ip, res->dport, state);
		if (res->has_rtt)
			fprintf(r->out, "%u", res->rtt_us);
		fprintf(r->out, ",%u,%u,", res->ttl, res->window);
		if (res->opts.has_mss)
			fprintf(r->out, "%u", res->opts.mss);
		fprintf(r->out, ",");
		if (res->opts.has_wscale)
			fprintf(r->out, "%u", res->opts.wscale);
		fprintf(r->out, ",%d,%d,%s,", res->opts.sack_ok,
			res->opts.has_ts, t);
		if (res->has_banner)
			plain_bytes(r->out, res->banner, res->banner_len);
		fputc('\n', r->out);
		break;
	default:
		break;
	}
	check_out(r, false, false);
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
		"%s: %llu handshakes: %llu established, %llu refused, %llu timed out, %llu unfinished, %llu not attempted%s\n",
		r->what, (unsigned long long)r->total,
		(unsigned long long)s->open, (unsigned long long)s->closed,
		(unsigned long long)s->timeouts,
		(unsigned long long)s->inflight, skip, why);
}

static void count_outcomes_json(struct xs_jw *w, const struct xs_report *r,
				const struct xs_engine_stats *s)
{
	xs_jw_uint_field(w, "count", r->total);
	xs_jw_uint_field(w, "established", s->open);
	xs_jw_uint_field(w, "refused", s->closed);
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
	xs_jw_uint_field(&w, "silent", s->timeouts);
	xs_jw_uint_field(&w, "timeouts", s->timeouts);
	xs_jw_uint_field(&w, "duplicates", s->dups);
	xs_jw_uint_field(&w, "late", s->late);
	xs_jw_uint_field(&w, "challenges", s->challenges);
	xs_jw_uint_field(&w, "invalid", s->invalid);
	xs_jw_uint_field(&w, "acks_sent", s->acks_sent);
	xs_jw_uint_field(&w, "rsts_sent", s->rsts_sent);
	xs_jw_uint_field(&w, "banners", s->banners);
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
	xs_jw_end_object(&w);
}

static void summary_text(const struct xs_report *r,
			 const struct xs_engine_stats *s,
			 const struct run_figures *g)
{
	unsigned int i;

	if (r->exact_n && r->quiet)
		count_outcomes(r, s, stderr);
	if (r->quiet)
		return;
	fprintf(stderr,
		"%s%s: %llu sent (%llu retransmitted) in %.2f s, %.0f/s; %llu %s: %llu open, %llu closed; %llu filtered, %llu silent (no answer); %llu %s, %llu invalid\n",
		r->tty ? "\r\033[K" : "", r->what, (unsigned long long)s->sent,
		(unsigned long long)s->retransmits, g->secs,
		s->sent / g->send_secs, (unsigned long long)s->replies,
		xs_plural(s->replies, "reply", "replies"),
		(unsigned long long)s->open, (unsigned long long)s->closed,
		(unsigned long long)s->filtered,
		(unsigned long long)s->timeouts, (unsigned long long)s->dups,
		xs_plural(s->dups, "duplicate", "duplicates"),
		(unsigned long long)s->invalid);
	if (r->exact_n)
		count_outcomes(r, s, stderr);
	if (r->rtt_seen)
		fprintf(stderr,
			"rtt: p50 %u us, p90 %u us, p99 %u us, max %u us (%llu %s); cpu %.3f s\n",
			g->p50, g->p90, g->p99, r->rtt_max,
			(unsigned long long)r->rtt_seen,
			xs_plural(r->rtt_seen, "sample", "samples"),
			s->cpu_ns / 1e9);
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

	qsort(r->rtt, n, sizeof(*r->rtt), cmp_u32);
	g.p50 = pct(r->rtt, n, 0.5);
	g.p90 = pct(r->rtt, n, 0.9);
	g.p99 = pct(r->rtt, n, 0.99);
	if (g.secs <= 0)
		g.secs = 1e-9;
	if (g.send_secs <= 0)
		g.send_secs = g.secs;
	if (!r->summary_json) {
		summary_text(r, s, &g);
		return;
	}
	/* The live line on a terminal ends before the summary is printed. */
	if (r->tty && !r->quiet && !r->status_json)
		fputs("\r\033[K", stderr);
	summary_json(r, s, &g, r->summary_json);
	if (r->summary_json == stdout)
		xs_flush_checked(stdout, "the summary to standard output");
	else
		fflush(stderr);
}

void xs_report_progress(void *ctx, const struct xs_engine_stats *s, bool final)
{
	struct xs_report *r = ctx;
	uint64_t done = r->done_before + s->sent;
	double dt = r->prev_ns ? (s->now_ns - r->prev_ns) / 1e9 :
				 (s->now_ns - s->start_ns) / 1e9;
	double rate = dt > 0 ? (s->sent - r->prev_sent) / dt : 0;
	double pc = r->total ? 100.0 * done / r->total : 0;
	double eta = rate > 0 && r->total > done ? (r->total - done) / rate : 0;

	if (r->out)
		check_out(r, true, final);
	if (final) {
		summary(r, s);
		return;
	}
	if (r->status_json) {
		struct xs_jw w;

		xs_jw_init(&w, stderr);
		xs_jw_start_object(&w);
		xs_jw_string_field(&w, "event", "progress");
		xs_jw_uint_field(&w, "sent", done);
		xs_jw_double_field(&w, "rate_pps", rate, 1);
		xs_jw_uint_field(&w, "replies", s->replies);
		xs_jw_uint_field(&w, "open", s->open);
		xs_jw_uint_field(&w, "closed", s->closed);
		xs_jw_uint_field(&w, "inflight", s->inflight);
		xs_jw_double_field(&w, "percent", pc, 2);
		xs_jw_double_field(&w, "eta_s", eta, 1);
		xs_jw_end_object(&w);
	} else if (r->tty && !r->quiet) {
		fprintf(stderr,
			"\r\033[K%s: sent %llu (%.0f/s), replies %llu, open %llu, closed %llu, %.1f%%, ETA %.0f s",
			r->what, (unsigned long long)done, rate,
			(unsigned long long)s->replies,
			(unsigned long long)s->open,
			(unsigned long long)s->closed, pc, eta);
	}
	r->prev_sent = s->sent;
	r->prev_replies = s->replies;
	r->prev_ns = s->now_ns;
}
