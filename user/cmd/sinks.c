/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The outputs of a scan: see sinks.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "output.h"
#include "sinks.h"

const char *const xs_out_fmt_names[] = {
	[XS_OUT_NDJSON] = "ndjson", [XS_OUT_JSON] = "json",
	[XS_OUT_CSV] = "csv",	    [XS_OUT_LIST] = "list",
	[XS_OUT_GREP] = "grep",	    [XS_OUT_XML] = "xml",
	[XS_OUT_NONE] = "none",	    [XS_OUT_NONE + 1] = NULL,
};

int xs_out_fmt_parse(const char *name, enum xs_out_fmt *fmt)
{
	unsigned int i;

	for (i = 0; i <= XS_OUT_NONE; i++) {
		if (!strcmp(name, xs_out_fmt_names[i])) {
			*fmt = i;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * A stream after a write (or with flush, after flushing it): on the first
 * error of all outputs, say so once and set the flag the producer stops
 * at.  errno is still the failed write's: nothing runs in between.
 */
static void check_one(struct xs_sinks *k, struct xs_sink *s, bool flush,
		      bool final)
{
	int err;

	if (flush) {
		errno = 0;
		fflush(s->f);
	}
	if (!ferror(s->f))
		return;
	err = errno;
	if (__atomic_exchange_n(&k->failed, true, __ATOMIC_RELAXED))
		return;
	if (final)
		xs_err_write(err, "cannot write results to %s", s->name);
	else
		xs_err_write(err, "%s stopped: cannot write results to %s",
			     k->what, s->name);
}

static void header(struct xs_sinks *k, struct xs_sink *s, bool empty)
{
	switch (s->fmt) {
	case XS_OUT_JSON:
		fputs("[\n", s->f);
		break;
	case XS_OUT_CSV:
		if (empty)
			xs_csv_header(s->f, &k->fields);
		break;
	case XS_OUT_LIST:
		fputs("#masscan\n", s->f);
		break;
	case XS_OUT_GREP:
		xs_nmap_grep_header(s->f, k->ri);
		break;
	default:
		break;
	}
}

static int open_one(struct xs_sinks *k, const struct xs_out_spec *sp,
		    bool append)
{
	struct xs_sink *s = &k->s[k->n];
	struct stat st;
	bool empty = true;

	s->fmt = sp->fmt;
	s->f = stdout;
	s->name = "standard output";
	if (sp->path && strcmp(sp->path, "-")) {
		if (append && (sp->fmt == XS_OUT_XML || sp->fmt == XS_OUT_JSON))
			return xs_err(
				XS_EXIT_USAGE,
				"--append-output: %s would then hold two %s documents, which no reader takes: give another file",
				sp->path,
				sp->fmt == XS_OUT_XML ? "XML" : "JSON");
		s->name = sp->path;
		s->f = fopen(sp->path, append ? "a" : "w");
		if (!s->f)
			return xs_err(XS_EXIT_USAGE, "cannot write %s: %m",
				      sp->path);
		s->own = true;
		empty = !append || (!fstat(fileno(s->f), &st) && !st.st_size);
	}
	k->keep |= s->fmt == XS_OUT_XML || s->fmt == XS_OUT_GREP;
	k->n++;
	header(k, s, empty);
	return 0;
}

int xs_sinks_open(struct xs_sinks *k, const struct xs_out_spec *spec,
		  unsigned int n, bool append, const char *fields,
		  const struct xs_run_info *ri)
{
	char err[512];
	unsigned int i;
	int ret;

	k->ri = ri;
	if (xs_fields_parse(fields, &k->fields, err, sizeof(err)))
		return xs_err(XS_EXIT_USAGE, "%s", err);
	for (i = 0; i < n && i < XS_OUT_MAX; i++) {
		if (spec[i].fmt == XS_OUT_NONE)
			continue;
		ret = open_one(k, &spec[i], append);
		if (ret)
			return ret;
	}
	return 0;
}

void xs_sinks_write(struct xs_sinks *k, const struct xs_row *row)
{
	struct xs_sink *s;
	unsigned int i;

	if (k->keep && xs_nmap_add(&k->nmap, row->res) &&
	    !__atomic_exchange_n(&k->failed, true, __ATOMIC_RELAXED))
		xs_err_write(ENOMEM,
			     "%s stopped: cannot keep results for -oX/-oG",
			     k->what);
	for (i = 0; i < k->n; i++) {
		s = &k->s[i];
		switch (s->fmt) {
		case XS_OUT_JSON:
			if (s->n)
				fputc(',', s->f);
			/* fall through */
		case XS_OUT_NDJSON:
			xs_row_ndjson(s->f, row, &k->fields);
			break;
		case XS_OUT_CSV:
			xs_row_csv(s->f, row, &k->fields);
			break;
		case XS_OUT_LIST:
			xs_row_list(s->f, row);
			break;
		default:
			continue; /* kept, written at the end */
		}
		s->n++;
		check_one(k, s, false, false);
	}
}

void xs_sinks_check(struct xs_sinks *k, bool final)
{
	unsigned int i;

	for (i = 0; i < k->n; i++)
		check_one(k, &k->s[i], true, final);
}

static void trailer(struct xs_sinks *k, struct xs_sink *s)
{
	switch (s->fmt) {
	case XS_OUT_JSON:
		fputs("]\n", s->f);
		break;
	case XS_OUT_LIST:
		fprintf(s->f, "# end %lld\n", (long long)k->ri->end);
		break;
	case XS_OUT_GREP:
		xs_nmap_grep(s->f, &k->nmap, k->ri);
		break;
	case XS_OUT_XML:
		xs_nmap_xml(s->f, &k->nmap, k->ri);
		break;
	default:
		break;
	}
}

int xs_sinks_close(struct xs_sinks *k)
{
	struct xs_sink *s;
	unsigned int i;

	if (k->keep)
		xs_nmap_sort(&k->nmap);
	for (i = 0; i < k->n; i++) {
		s = &k->s[i];
		trailer(k, s);
		check_one(k, s, true, true);
		errno = 0;
		if (s->own && fclose(s->f) &&
		    !__atomic_exchange_n(&k->failed, true, __ATOMIC_RELAXED))
			xs_err_write(errno, "cannot write results to %s",
				     s->name);
	}
	k->n = 0;
	xs_nmap_free(&k->nmap);
	return __atomic_load_n(&k->failed, __ATOMIC_RELAXED) ? XS_EXIT_WRITE :
							       XS_EXIT_OK;
}

bool xs_sinks_on_stdout(const struct xs_sinks *k, bool other_than_ndjson)
{
	unsigned int i;

	for (i = 0; i < k->n; i++)
		if (k->s[i].f == stdout &&
		    (!other_than_ndjson || k->s[i].fmt != XS_OUT_NDJSON))
			return true;
	return false;
}
