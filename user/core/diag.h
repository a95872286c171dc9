/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every layer reports through: the process's exit codes, and errors
 * and warnings printed as one line ("xdpshake: ...") on stderr, with a
 * JSON error object on stdout under --json.
 */
#ifndef XS_DIAG_H
#define XS_DIAG_H

#include <stdbool.h>
#include <stdio.h>

enum xs_exit {
	XS_EXIT_OK = 0, /* established / done */
	XS_EXIT_USAGE = 1, /* usage or configuration error */
	XS_EXIT_REFUSED = 2, /* the server answered RST */
	XS_EXIT_NOANSWER = 3, /* no answer after the retries */
	XS_EXIT_ENV = 4, /* privilege, bpffs, BPF load or attach */
	XS_EXIT_PARTIAL = 5, /* connect --count: not every handshake made */
	XS_EXIT_WRITE = 6, /* results, pcap or state could not be written */
	XS_EXIT_UNREACHABLE = 7, /* connect: an ICMP error answered the SYN */
	XS_EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM before a result */
};

extern bool xs_json; /* --json given */
extern bool xs_verbose; /* -v given */
/* Where --json's error objects go: standard output (NULL), or stderr once
 * standard output holds one document (scan -oJ -, -oX -) they would
 * break, as the summary does. */
extern FILE *xs_json_err_file;

/* Print "xdpshake: <message>" (and a JSON error object under --json);
 * returns code so callers can `return xs_err(XS_EXIT_USAGE, ...)`. */
int xs_err(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xs_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Why a run on ifname stopped, from its -errno, into buf: the interface
 * set down or deleted (with its namespace, say) under it, its namespace
 * deleted, its XDP filter detached are named as such (sys/ifstate.h),
 * anything else as "sending failed: <strerror>".  Returns buf. */
const char *xs_run_fault(int err, const char *ifname, char *buf,
			 unsigned int len);

#endif /* XS_DIAG_H */
