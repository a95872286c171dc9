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

/* Bytes as a JSON string body: printable ASCII kept, the rest escaped. */
static void json_bytes(FILE *f, const uint8_t *b, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		if (b[i] == '"' || b[i] == '\\')
			fprintf(f, "\\%c", b[i]);
		else if (b[i] == '\n')
			fputs("\\n", f);
		else if (b[i] == '\r')
			fputs("\\r", f);
		else if (b[i] == '\t')
			fputs("\\t", f);
		else if (b[i] >= 0x20 && b[i] < 0x7f)
			fputc(b[i], f);
		else
			fprintf(f, "\\u%04x", b[i]);
	}
	fputc('"', f);
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
		fprintf(r->out,
			"{\"ip\":\"%s\",\"port\":%u,\"state\":\"%s\",\"sport\":%u",
			ip, res->dport, state, res->sport);
		if (res->has_rtt)
			fprintf(r->out, ",\"rtt_us\":%u", res->rtt_us);
		fprintf(r->out, ",\"ttl\":%u,\"window\":%u", res->ttl,
			res->window);
		if (res->opts.has_mss)
			fprintf(r->out, ",\"mss\":%u", res->opts.mss);
		if (res->opts.has_wscale)
			fprintf(r->out, ",\"wscale\":%u", res->opts.wscale);
		fprintf(r->out, ",\"sack\":%s,\"ts\":%s,\"time\":\"%s\"",
			res->opts.sack_ok ? "true" : "false",
			res->opts.has_ts ? "true" : "false", t);
		if (res->has_banner) {
			fprintf(r->out, ",\"banner\":");
			json_bytes(r->out, res->banner, res->banner_len);
		}
		fprintf(r->out, "}\n");
		break;
	case XS_FMT_LIST:
		/* masscan -oL: state proto port ip epoch */
		fprintf(r->out, "%s tcp %u %s %ld", state, res->dport, ip,
			(long)res->ts.tv_sec);
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
static void count_outcomes(const struct xs_report *r,
			   const struct xs_engine_stats *s, bool json, FILE *f)
{
	unsigned long long n = r->total, sent = s->sent;
	unsigned long long skip = n > sent ? n - sent : 0;
	const char *why = !skip		  ? "" :
			  s->interrupted  ? " (interrupted)" :
			  s->send_stopped ? " (--duration)" :
					    "";

	if (json) {
		fprintf(f,
			"\"count\":%llu,\"established\":%llu,\"refused\":%llu,\"timed_out\":%llu,"
			"\"unfinished\":%llu,\"not_attempted\":%llu,\"port_waits\":%llu,\"late\":%llu,",
			n, (unsigned long long)s->open,
			(unsigned long long)s->closed,
			(unsigned long long)s->timeouts,
			(unsigned long long)s->inflight, skip,
			(unsigned long long)s->port_waits,
			(unsigned long long)s->late);
		return;
	}
	fprintf(f,
		"%s: %llu handshakes: %llu established, %llu refused, %llu timed out, %llu unfinished, %llu not attempted%s\n",
		r->what, n, (unsigned long long)s->open,
		(unsigned long long)s->closed, (unsigned long long)s->timeouts,
		(unsigned long long)s->inflight, skip, why);
}

static void summary(struct xs_report *r, const struct xs_engine_stats *s)
{
	double secs = (s->now_ns - s->start_ns) / 1e9;
	double send_secs = (s->end_send_ns - s->start_ns) / 1e9;
	size_t n = r->rtt_seen < XS_RTT_SAMPLES ? r->rtt_seen : XS_RTT_SAMPLES;
	uint32_t p50, p90, p99;
	unsigned int i;
	FILE *f = r->summary_stdout_json ? stdout : stderr;
	bool json = r->summary_stdout_json || r->status_json;

	qsort(r->rtt, n, sizeof(*r->rtt), cmp_u32);
	p50 = pct(r->rtt, n, 0.5);
	p90 = pct(r->rtt, n, 0.9);
	p99 = pct(r->rtt, n, 0.99);
	if (secs <= 0)
		secs = 1e-9;
	if (send_secs <= 0)
		send_secs = secs;
	if (json) {
		fprintf(f,
			"{\"event\":\"summary\",\"what\":\"%s\",\"sent\":%llu,\"retransmits\":%llu,"
			"\"replies\":%llu,\"open\":%llu,\"closed\":%llu,\"timeouts\":%llu,"
			"\"duplicates\":%llu,\"invalid\":%llu,\"acks_sent\":%llu,\"rsts_sent\":%llu,\"banners\":%llu,"
			"\"duration_s\":%.3f,\"send_rate_pps\":%.1f,\"open_per_s\":%.1f,"
			"\"handshakes_per_s\":%.1f,\"cpu_s\":%.3f,\"interrupted\":%s,"
			"\"rtt_us\":{\"samples\":%llu,\"p50\":%u,\"p90\":%u,\"p99\":%u,\"max\":%u},",
			r->what, (unsigned long long)s->sent,
			(unsigned long long)s->retransmits,
			(unsigned long long)s->replies,
			(unsigned long long)s->open,
			(unsigned long long)s->closed,
			(unsigned long long)s->timeouts,
			(unsigned long long)s->dups,
			(unsigned long long)s->invalid,
			(unsigned long long)s->acks_sent,
			(unsigned long long)s->rsts_sent,
			(unsigned long long)s->banners, secs,
			s->sent / send_secs, s->open / secs,
			s->acks_sent / secs, s->cpu_ns / 1e9,
			s->interrupted ? "true" : "false",
			(unsigned long long)r->rtt_seen, p50, p90, p99,
			r->rtt_max);
		if (r->exact_n)
			count_outcomes(r, s, true, f);
		fputs("\"queues\":[", f);
		for (i = 0; i < s->nqueues; i++)
			fprintf(f,
				"%s{\"queue\":%u,\"sent\":%llu,\"replies\":%llu}",
				i ? "," : "", i,
				(unsigned long long)s->queue[i].sent,
				(unsigned long long)s->queue[i].replies);
		fputs("]}\n", f);
		if (f == stdout)
			xs_flush_checked(f, "the summary to standard output");
		else
			fflush(f);
		return;
	}
	if (r->exact_n && r->quiet)
		count_outcomes(r, s, false, stderr);
	if (r->quiet)
		return;
	fprintf(stderr,
		"%s%s: %llu sent (%llu retransmitted) in %.2f s, %.0f/s; %llu %s: %llu open, %llu closed; %llu no answer; %llu %s, %llu invalid\n",
		r->tty ? "\r\033[K" : "", r->what, (unsigned long long)s->sent,
		(unsigned long long)s->retransmits, secs, s->sent / send_secs,
		(unsigned long long)s->replies,
		xs_plural(s->replies, "reply", "replies"),
		(unsigned long long)s->open, (unsigned long long)s->closed,
		(unsigned long long)s->timeouts, (unsigned long long)s->dups,
		xs_plural(s->dups, "duplicate", "duplicates"),
		(unsigned long long)s->invalid);
	if (r->exact_n)
		count_outcomes(r, s, false, stderr);
	if (n)
		fprintf(stderr,
			"rtt: p50 %u us, p90 %u us, p99 %u us, max %u us (%llu %s); cpu %.3f s\n",
			p50, p90, p99, r->rtt_max,
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
		fprintf(stderr,
			"{\"event\":\"progress\",\"sent\":%llu,\"rate_pps\":%.1f,\"replies\":%llu,"
			"\"open\":%llu,\"closed\":%llu,\"inflight\":%llu,\"percent\":%.2f,\"eta_s\":%.1f}\n",
			(unsigned long long)done, rate,
			(unsigned long long)s->replies,
			(unsigned long long)s->open,
			(unsigned long long)s->closed,
			(unsigned long long)s->inflight, pc, eta);
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
