/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Results, progress and the final summary of engine runs (scan and
 * connect --count): result lines in every format of sinks.h, a start line,
 * a live status line on a
 * terminal (or JSON lines with --status-json), RTT percentiles from a
 * fixed-size reservoir.
 */
#ifndef XS_REPORT_H
#define XS_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <pthread.h>
#include <time.h>

#include "engine.h"
#include "sinks.h"

#define XS_RTT_SAMPLES 65536

/* Which result states a scan lists (--show). */
enum xs_show {
	XS_SHOW_OPEN = 1U << 0,
	XS_SHOW_CLOSED = 1U << 1,
	XS_SHOW_FILTERED = 1U << 2,
	XS_SHOW_UNREACHABLE = 1U << 3,
	XS_SHOW_SILENT = 1U << 4, /* no answer after the retries */
	XS_SHOW_ALL = (1U << 5) - 1,
	XS_SHOW_DEFAULT = XS_SHOW_ALL & ~XS_SHOW_SILENT,
};

/*
 * "open,closed,filtered,unreachable,silent" (any of them, or "all") into
 * *mask.  0, or -EINVAL with the bad token named in err.
 */
int xs_show_parse(const char *s, unsigned int *mask, char *err, size_t len);

struct xs_report_cfg {
	struct xs_out_spec out[XS_OUT_MAX];
	unsigned int nout; /* 0: ndjson on standard output */
	bool append; /* --append-output */
	bool open_only; /* --open */
	unsigned int show; /* --show: enum xs_show, 0: XS_SHOW_DEFAULT */
	const char *fields; /* --output-fields, NULL: all */
	bool status_json, quiet;
	struct xs_run_info info; /* for the formats' headers */
};

/* What the start line says of a scan. */
struct xs_scan_plan {
	uint64_t hosts, rate_pps, seed;
	uint64_t probes; /* this run's: a shard's part, or what a resume has left */
	uint32_t ports, shard, shards;
};

struct xs_report {
	struct xs_sinks sinks;
	struct xs_run_info info;
	bool open_only;
	unsigned int show; /* enum xs_show */
	bool status_json; /* progress as JSON lines on stderr */
	/* The summary as a JSON object on this stream (stdout under --json,
	 * stderr with --status-json), or NULL: as text on stderr. */
	FILE *summary_json;
	bool quiet; /* no live line */
	bool tty;
	/* The live line: on a terminal, not quiet, not --status-json.  It is
	 * cleared before a result goes to a terminal on standard output and
	 * drawn again after it, under tty_mu, so that results and the line
	 * never share a line. */
	bool live, clear_for_results, shown;
	char line[320]; /* the live line as last drawn */
	pthread_mutex_t tty_mu;
	const char *what; /* "scan" or "connect" */
	uint64_t total; /* probes this run will send, for % and ETA */
	uint32_t wait_ms; /* the wait for late replies after the last SYN */
	/* The sockets' XDP_STATISTICS, summed, or NULL: the live line's
	 * drops and the JSON summary's "af_xdp". */
	void (*sockstats)(void *ctx, struct xs_sockstat *out);
	void *sockstats_ctx;
	/* connect --count: the summary accounts for each of the total (N)
	 * by its outcome, and is printed under --quiet too */
	bool exact_n;
	uint64_t done_before; /* sent before a resume */
	uint64_t prev_sent, prev_replies, prev_ns;
	uint32_t *rtt; /* reservoir of RTT samples, us */
	uint64_t rtt_seen;
	uint32_t rtt_max;
	/* "YYYY-MM-DDTHH:MM:SS" of second tsec_cached: results come in
	 * thousands a second, gmtime and strftime once a second do. */
	time_t tsec_cached;
	char tsec[24];
	uint64_t rng;
};

/* Returns 0 or an exit code (prints why). */
int xs_report_open(struct xs_report *r, const struct xs_report_cfg *cfg);
/* One output: path (NULL or "-": standard output) in format (ndjson, json,
 * csv, list, grep, xml or none). */
int xs_report_init(struct xs_report *r, const char *path, const char *format,
		   bool status_json, bool quiet);
/* Writes the trailers, flushes and closes the outputs: 0, or
 * XS_EXIT_WRITE if a write, the flush or the close failed (reported
 * once).  A second call does nothing more. */
int xs_report_close(struct xs_report *r);

/* A result could not be written (already reported). */
static inline bool xs_report_failed(const struct xs_report *r)
{
	return __atomic_load_n(&r->sinks.failed, __ATOMIC_RELAXED);
}

/* The start line: "Scanning N hosts × M ports = P probes, ...". */
void xs_report_start(struct xs_report *r, const struct xs_scan_plan *p);

/* Engine callbacks; ctx is the struct xs_report. */
void xs_report_result(void *ctx, const struct xs_result *res);
void xs_report_progress(void *ctx, const struct xs_engine_stats *s, bool final);

#endif /* XS_REPORT_H */
