/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Results, progress and the final summary of engine runs (scan and
 * connect --count): ndjson/list/csv result lines, a live progress line on a
 * terminal (or JSON lines with --status-json), RTT percentiles from a
 * fixed-size reservoir.
 */
#ifndef XS_REPORT_H
#define XS_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"

enum xs_report_fmt {
	XS_FMT_NDJSON,
	XS_FMT_LIST,
	XS_FMT_CSV,
	XS_FMT_NONE, /* no result lines (connect --count) */
};

#define XS_RTT_SAMPLES 65536

struct xs_report {
	FILE *out;
	bool own_out;
	const char *out_name; /* the file, or "standard output" */
	/* The results could not be written (reported once): the producer
	 * stops, so that nothing more is sent whose answer would be lost.
	 * Set under the engine's result lock or in its main thread, read by
	 * the producer: atomics. */
	bool failed;
	enum xs_report_fmt fmt;
	bool status_json; /* progress as JSON lines on stderr */
	/* The summary as a JSON object on this stream (stdout under --json,
	 * stderr with --status-json), or NULL: as text on stderr. */
	FILE *summary_json;
	bool quiet;
	bool tty;
	const char *what; /* "scan" or "connect" */
	uint64_t total; /* probes this run will send, for % and ETA */
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
int xs_report_init(struct xs_report *r, const char *path, const char *format,
		   bool status_json, bool quiet);
/* Flushes and closes the output: 0, or XS_EXIT_WRITE if a write, the
 * flush or the close failed (reported once). */
int xs_report_close(struct xs_report *r);

/* A result could not be written (already reported). */
static inline bool xs_report_failed(const struct xs_report *r)
{
	return __atomic_load_n(&r->failed, __ATOMIC_RELAXED);
}

/* Engine callbacks; ctx is the struct xs_report. */
void xs_report_result(void *ctx, const struct xs_result *res);
void xs_report_progress(void *ctx, const struct xs_engine_stats *s, bool final);

#endif /* XS_REPORT_H */
