/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What `listen` and `status` print about a listener: counters, the round
 * trip histogram and the busiest sources, in text or through a JSON
 * writer (one walk for both).
 */
#ifndef XS_LISTEN_OUTPUT_H
#define XS_LISTEN_OUTPUT_H

#include <stdbool.h>

#include "json.h"
#include "listen_loader.h"

#define XS_LISTEN_TOP 10 /* sources shown */

struct xs_listen_view {
	struct xs_listen_stats st;
	struct xs_rtt_hist rtt;
	struct xs_listen_src_row top[XS_LISTEN_TOP];
	int ntop;
	double secs; /* 0: unknown (status) */
	bool protect; /* --protect: prot holds its TC half's counters */
	struct xs_prot_stats prot;
	struct xs_listen_addrs addrs;
};

/* Entry i of t: "10.0.0.1", "10.192.0.0/12", "fd00:77:1::/112". */
#define XS_LISTEN_ADDR_STRLEN (XS_ADDR_STRLEN + 5)
char *xs_listen_addr_fmt(const struct xs_listen_addrs *t, __u32 i, char *buf);

/* Read everything from the maps. 0 or -errno. */
int xs_listen_view_read(const struct xs_listen_maps *m,
			struct xs_listen_view *v);

/* Counters (--protect's too), RTT and sources as fields of the current
 * JSON object (w), or as text on stdout (w NULL).  Handshakes are the
 * valid final ACKs XDP took plus those TC handed to the listener. */
void xs_listen_view_show(struct xs_jw *w, const struct xs_listen_view *v);

/* The first and last SYN answered, RST and valid final ACK (CLOCK_MONOTONIC
 * ns) as the object "times" of w (null: none yet), or as a text line of
 * those there are (w NULL). */
void xs_listen_show_times(struct xs_jw *w, const struct xs_listen_times *t);

/* Percentile p (0..1) of the histogram, as the upper bound of its slot in
 * us; -1 without samples. */
long long xs_listen_rtt_pct(const struct xs_rtt_hist *h, double p);

/*
 * One interface's listener as an object of the JSON array w is in, or as
 * text (the head line only, unless detail).  -ENOENT if nothing is pinned
 * in pindir; ifindex 0 if the interface cannot be looked up.
 */
int xs_listen_show_iface(struct xs_jw *w, const char *ifname, int ifindex,
			 const char *pindir, const char *ns, bool detail);

/*
 * `status -i IFACE` where `listen` pinned its maps: print them (JSON under
 * --json) and return the exit code; -ENOENT if there are none.
 */
int xs_listen_status(const char *ifname, int ifindex, const char *pindir,
		     const char *ns);

/* `status -i IFACE --watch` where listen runs (listen_watch.c). */
struct xs_listen_watch {
	const char *ifname;
	int ifindex;
	const char *pindir;
	const char *ns;
	double interval; /* seconds between refreshes */
	unsigned int count; /* refreshes; 0 until a signal */
	int sigfd; /* readable: stop */
};

/* Until count refreshes, a signal on sigfd or listen's end: exit code. */
int xs_listen_watch(const struct xs_listen_watch *wa);

#endif /* XS_LISTEN_OUTPUT_H */
