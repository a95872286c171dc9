/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nmap's formats: -oX (the nmaprun XML document of nmap.dtd, which nmap's
 * ndiff and other nmap tools read) and -oG (grepable, one line per host).
 * Both list each host once with all its ports, sorted by address and port,
 * as nmap does (ndiff pairs hosts by address; a host in two elements would
 * lose one).  The document is valid under nmap.dtd, whose scanner
 * attribute must be "nmap": args ("xdpshake scan ...") and a comment say
 * who wrote it.  Results arrive in the scan's random order, so they are kept
 * (24 bytes each) until the end of the run and written then.
 */
#ifndef XS_NMAPOUT_H
#define XS_NMAPOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "engine.h"

/* The run, for headers and trailers of every format. */
struct xs_run_info {
	const char *args; /* the command line */
	const char *version; /* xdpshake's */
	const char *services; /* the ports: "22,80-82" */
	uint32_t nports;
	uint64_t hosts; /* addresses scanned */
	time_t start, end;
	double elapsed; /* seconds */
	/* Why the scan did not run to its end (an interrupt, the interface
	 * gone); NULL if it did.  The XML's exit="error" errormsg=... */
	const char *errmsg;
};

struct xs_nmap_hit {
	struct xs_addr daddr;
	uint16_t dport;
	uint8_t ttl;
	const char *state, *reason;
};

struct xs_nmap {
	struct xs_nmap_hit *h;
	size_t n, cap;
};

/* Keep a result; -ENOMEM if it cannot be kept. */
int xs_nmap_add(struct xs_nmap *m, const struct xs_result *r);
void xs_nmap_free(struct xs_nmap *m);

/* Sort the kept results (once, before writing). */
void xs_nmap_sort(struct xs_nmap *m);
void xs_nmap_xml(FILE *f, const struct xs_nmap *m,
		 const struct xs_run_info *ri);
void xs_nmap_grep_header(FILE *f, const struct xs_run_info *ri);
void xs_nmap_grep(FILE *f, const struct xs_nmap *m,
		  const struct xs_run_info *ri);

/* nmap's services="22,80-82" of a port list: the ports sorted, runs as
 * ranges (malloc'd, NULL if out of memory). */
char *xs_run_services(const uint16_t *port, uint32_t n);
/* "CMD ARG1 ARG2...", from argv[1] on, for args= and the -oG header
 * (malloc'd, NULL if out of memory). */
char *xs_run_args(const char *cmd, int argc, char **argv);

/* s with & < > " ' as XML entities. */
void xs_xml_escape(FILE *f, const char *s);

#endif /* XS_NMAPOUT_H */
