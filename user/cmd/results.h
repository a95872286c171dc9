/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The formats of scan results, over one table of fields.  A result's
 * fields are named once (xs_fields[]: a name and a getter), and ndjson,
 * the JSON array and CSV all walk that table, so that they carry the same
 * fields with the same values: a number is a number, a boolean is
 * true/false, an absent value is left out of JSON and empty in CSV.  A
 * new field is one line in the table; a new state one line in
 * xs_result_state().
 *
 * CSV follows RFC 4180: a field with a comma, a double quote, CR or LF is
 * quoted and its quotes doubled; text is UTF-8 (an ill-formed byte
 * sequence becomes U+FFFD, as in JSON; banner_b64 has the exact bytes).
 *
 * The list format is masscan's -oL: "#masscan" first, then
 * "STATE tcp PORT IP EPOCH [BANNER]" lines, then "# end EPOCH"; a banner
 * there is printable ASCII with every other byte as \xNN.
 */
#ifndef XS_RESULTS_H
#define XS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"

enum xs_out_fmt {
	XS_OUT_NDJSON, /* one JSON object a line */
	XS_OUT_JSON, /* one JSON array of those objects */
	XS_OUT_CSV,
	XS_OUT_LIST, /* masscan -oL */
	XS_OUT_GREP, /* nmap -oG */
	XS_OUT_XML, /* nmap -oX */
	XS_OUT_NONE, /* no result lines (connect --count) */
};

/* A result as every format sees it: what is computed once for them all. */
struct xs_row {
	const struct xs_result *res;
	const char *state;
	char ip[XS_ADDR_STRLEN];
	char time[48]; /* RFC 3339, UTC, microseconds */
	char icmp_from[XS_ADDR_STRLEN]; /* the ICMP error's sender */
};

/* "open", "closed", "filtered", "unreachable" (an ICMP error: README
 * "ICMP errors"), "silent" (no answer after the retries). */
const char *xs_result_state(const struct xs_result *r);
/* The same in nmap's words (open, closed, filtered), for -oX and -oG. */
const char *xs_result_nmap_state(const struct xs_result *r);
/* nmap's reason for that state: "syn-ack", "reset", "no-response". */
const char *xs_result_reason(const struct xs_result *r);

enum xs_val_kind {
	XS_V_NONE, /* absent: left out of JSON, empty in CSV */
	XS_V_UINT,
	XS_V_BOOL,
	XS_V_STR, /* NUL-terminated ASCII */
	XS_V_TEXT, /* bytes shown as UTF-8 text */
	XS_V_B64, /* bytes as RFC 4648 base64 */
};

struct xs_val {
	enum xs_val_kind kind;
	uint64_t u;
	const void *s;
	size_t len;
};

struct xs_field {
	const char *name;
	void (*get)(const struct xs_row *row, struct xs_val *v);
};

#define XS_FIELDS_MAX 32

/* The fields a format writes, in order (--output-fields). */
struct xs_fieldset {
	uint8_t idx[XS_FIELDS_MAX];
	unsigned int n;
};

/*
 * list: comma-separated field names, or NULL for all of them.  Returns 0,
 * or -EINVAL with err naming the unknown (or repeated) name and the
 * known ones.
 */
int xs_fields_parse(const char *list, struct xs_fieldset *fs, char *err,
		    size_t errlen);

void xs_row_ndjson(FILE *f, const struct xs_row *row,
		   const struct xs_fieldset *fs);
void xs_csv_header(FILE *f, const struct xs_fieldset *fs);
void xs_row_csv(FILE *f, const struct xs_row *row,
		const struct xs_fieldset *fs);
void xs_row_list(FILE *f, const struct xs_row *row);

/* One CSV field: as it is, or quoted with its quotes doubled. */
void xs_csv_field(FILE *f, const void *s, size_t n, bool text);

#endif /* XS_RESULTS_H */
