/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* TC hooks: a tcx link or a clsact filter, attached and removed. */
#ifndef XS_TC_H
#define XS_TC_H

#include <stdbool.h>
#include <linux/types.h>

#include "loader.h"

/*
 * One program on one TC hook of an interface: a tcx link, or a classic
 * direct-action clsact filter known by its handle and priority.
 */
struct xs_tc_link {
	int ifindex;
	bool egress;
	int link_fd; /* tcx link, -1 when clsact */
	bool clsact; /* attached as a clsact filter */
	bool hook_created; /* we created the clsact qdisc */
	__u32 handle;
	__u32 prio;
};

/*
 * Attach prog_fd to the ingress or egress hook of ifindex.  XS_TC_AUTO and
 * XS_TC_TCX make a tcx link, appended after the programs already on the hook
 * (it dies with its last fd); XS_TC_AUTO falls back to a clsact filter with
 * handle and prio on kernels without tcx (creating the clsact qdisc if there
 * is none).  Returns 0 or -errno; -EEXIST if a clsact filter with that
 * handle and priority is already there.
 */
int xs_tc_attach_prog(int prog_fd, int ifindex, bool egress,
		      enum xs_tc_method method, __u32 handle, __u32 prio,
		      struct xs_tc_link *tl);

/*
 * Detach what xs_tc_attach_prog() attached.  A clsact qdisc we created is
 * removed only once neither of its hooks holds a filter any more, so that
 * filters others added meanwhile survive: detach several links in the
 * reverse order of attaching, so the one that created the qdisc goes last.
 * Safe to call twice.
 */
void xs_tc_detach_prog(struct xs_tc_link *tl);

/*
 * The program id of the filter with the guard's handle and priority on the
 * egress hook of ifindex in *prog_id: 0 if there is none (no clsact qdisc
 * either).  0, or -errno if rtnetlink could not tell.
 */
int xs_tc_guard_id(int ifindex, __u32 *prog_id);

/*
 * Remove the guard's clsact filter a run that died left on the egress
 * hook of ifindex, and the qdisc if nothing else is left on it (tc.c says
 * when that is safe).  Returns 1 if a filter was removed, 0 if there was
 * none, or -errno.
 */
int xs_tc_remove_stale(int ifindex);

#endif /* XS_TC_H */
