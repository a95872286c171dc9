/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Checked output: see output.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "output.h"

/* Set by whichever thread fails first (scan results are written by the
 * engine's threads): atomics. */
static bool write_failed;

static int report(bool json, int err, const char *fmt, va_list ap)
{
	char msg[512];

	if (__atomic_exchange_n(&write_failed, true, __ATOMIC_SEQ_CST))
		return XS_EXIT_WRITE;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (json)
		return xs_err(XS_EXIT_WRITE, "%s: %s", msg,
			      strerror(err ? err : EIO));
	fprintf(stderr, "xdpshake: %s: %s\n", msg, strerror(err ? err : EIO));
	return XS_EXIT_WRITE;
}

int xs_err_write(int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = report(true, err, fmt, ap);
	va_end(ap);
	return ret;
}

bool xs_write_failed(void)
{
	return __atomic_load_n(&write_failed, __ATOMIC_SEQ_CST);
}

int xs_flush_checked(FILE *f, const char *what)
{
	errno = 0;
	if (!fflush(f) && !ferror(f))
		return 0;
	return xs_err_write(errno, "cannot write %s", what);
}

/* Without the JSON object: standard output is gone by then. */
static void report_closed(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(false, err, fmt, ap);
	va_end(ap);
}

int xs_close_stdout(int ret)
{
	xs_flush_checked(stdout, "to standard output");
	errno = 0;
	/* EBADF after a clean flush: it was closed and nothing was written
	 * (xdpshake version >&-); anything written would have failed above. */
	if (fclose(stdout) && errno != EBADF)
		report_closed(errno, "cannot close standard output");
	if (xs_write_failed() && ret != XS_EXIT_USAGE && ret != XS_EXIT_ENV)
		return XS_EXIT_WRITE;
	return ret;
}
