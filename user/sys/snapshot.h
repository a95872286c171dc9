/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What `status` shows about one interface, read from its pins: the links
 * and programs, the XDP mode, the config, and (in detail) the counters,
 * the RTT histogram, the AF_XDP socket statistics and the connection
 * table, newest first.
 */
#ifndef XS_SNAPSHOT_H
#define XS_SNAPSHOT_H

#include <stdbool.h>
#include <linux/types.h>

#include "xdpshake.h"

struct xs_link_desc {
	__u32 link_id;
	__u32 prog_id;
	__u32 ifindex;
};

/* Everything status shows about one interface, read from its pins. */
struct xs_snapshot {
	struct xs_link_desc xdp, tc;
	const char *tc_method;
	const char *mode;
	bool other_layout; /* pins of another XS_LAYOUT_VERSION: links only */
	struct xs_config cfg;
	bool have_stats, have_rtt, have_sock;
	struct xs_stats st;
	struct xs_rtt_hist rtt;
	struct xs_sockstat sock;
	struct xs_conn_row {
		struct xs_conn_key k;
		struct xs_conn v;
	} * conns;
	unsigned int nconns;
};

/*
 * Read the pins in dir into s: -ENOENT if nothing is loaded there.
 * can_query: the interface is in this namespace (the XDP mode can be
 * asked).  detail: counters, histogram, sockets and connections too.
 * Free s->conns after.
 */
int xs_snapshot_take(const char *dir, bool can_query, bool detail,
		     struct xs_snapshot *s);

#endif /* XS_SNAPSHOT_H */
