/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where scan results go: up to XS_OUT_MAX outputs at once (as nmap's -oX,
 * -oG... together), each a file or standard output in one format of
 * results.h or nmapout.h.  Every write is checked: the first failure is
 * reported once (exit 6) and sets the flag the scan's producer stops at.
 */
#ifndef XS_SINKS_H
#define XS_SINKS_H

#include <stdbool.h>
#include <stdio.h>

#include "nmapout.h"
#include "results.h"

#define XS_OUT_MAX 8

/* An output as the command line asks for it. */
struct xs_out_spec {
	enum xs_out_fmt fmt;
	const char *path; /* "-" or NULL: standard output */
};

struct xs_sink {
	enum xs_out_fmt fmt;
	FILE *f;
	bool own;
	const char *name; /* the file, or "standard output" */
	uint64_t n; /* results written */
};

struct xs_sinks {
	struct xs_sink s[XS_OUT_MAX];
	unsigned int n;
	struct xs_fieldset fields; /* ndjson, JSON and CSV */
	struct xs_nmap nmap; /* kept for -oX and -oG */
	bool keep; /* an XML or grepable output */
	const struct xs_run_info *ri;
	const char *what; /* "scan", in messages */
	/* Set by the engine's threads (under its result lock) or its main
	 * thread, read by the producer: atomics. */
	bool failed;
};

/* The formats' names, by enum xs_out_fmt, NULL-terminated. */
extern const char *const xs_out_fmt_names[];

/* "ndjson", "json", "csv", "list", "grep", "xml", "none": 0 or -EINVAL. */
int xs_out_fmt_parse(const char *name, enum xs_out_fmt *fmt);

/*
 * Open the outputs (truncated, or appended to with append: then a CSV
 * header only in an empty file, and no XML or JSON array, which would
 * make the file two documents) and write their headers.  fields: as
 * --output-fields, NULL for all.  Returns 0 or an exit code (reported).
 */
int xs_sinks_open(struct xs_sinks *k, const struct xs_out_spec *spec,
		  unsigned int n, bool append, const char *fields,
		  const struct xs_run_info *ri);
void xs_sinks_write(struct xs_sinks *k, const struct xs_row *row);
/* Flush each output and check it (final: the run is over, for messages). */
void xs_sinks_check(struct xs_sinks *k, bool final);
/* Trailers (and the kept XML and grepable results), flush, close:
 * 0 or XS_EXIT_WRITE (reported). */
int xs_sinks_close(struct xs_sinks *k);
/* An output writes to standard output; only ndjson ones with ndjson. */
bool xs_sinks_on_stdout(const struct xs_sinks *k, bool other_than_ndjson);

#endif /* XS_SINKS_H */
