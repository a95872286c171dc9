/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Output that is never lost silently.  A write, flush or close error of a
 * result file, a pcap file, a state file or standard output is reported
 * once (one line: what could not be written, and why) and ends the process
 * with XS_EXIT_WRITE; main() closes standard output last and checks that
 * too, as gnulib's close_stdout does.
 */
#ifndef XS_OUTPUT_H
#define XS_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Report a write failure: "xdpshake: <message>: <strerror(err)>" (and a
 * JSON error object under --json).  Only the first failure of the process
 * is printed.  Returns XS_EXIT_WRITE.
 */
int xs_err_write(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A write failure was reported. */
bool xs_write_failed(void);

/*
 * Flush f and check its error flag: 0, or XS_EXIT_WRITE after reporting
 * "cannot write <what>" (glibc drops a buffer it could not write, so a
 * stream that failed earlier flushes "successfully": ferror() tells).
 */
int xs_flush_checked(FILE *f, const char *what);

/*
 * At the end of main(): flush and close standard output, report a failure
 * not yet reported, and return the exit code.  After any write failure
 * that is XS_EXIT_WRITE, unless ret already says the run failed for
 * another reason (usage or environment).  Closing a standard output that
 * was closed and never written to is not an error.
 */
int xs_close_stdout(int ret);

/* "1 reply", "2 replies": one or many by n. */
static inline const char *xs_plural(uint64_t n, const char *one,
				    const char *many)
{
	return n == 1 ? one : many;
}

#endif /* XS_OUTPUT_H */
