/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Whether what a run stands on is still there: its interface, up; the
 * namespace it entered; the XDP link that redirects its replies.  Cheap
 * checks to make often, for a run that waits on them (the AF_XDP sockets,
 * the ARP/NDP sweep, listen).
 */
#ifndef XS_IFSTATE_H
#define XS_IFSTATE_H

#include <errno.h>

/* The namespace entered with --netns was deleted (its name now refers to
 * no namespace, or another). */
#define XS_ENS_GONE EIDRM
/* Our XDP link was detached from the interface (bpftool link detach, an
 * unload). */
#define XS_EDETACHED ENOLINK
/* Our TC guard's tcx link was detached: the kernel's RSTs go out. */
#define XS_EUNGUARDED EUNATCH

/*
 * 0 if ifindex names an interface that is up, -ENODEV if none (deleted, or
 * its namespace with it), -XS_ENS_GONE if the namespace entered is deleted
 * (the interface lives on only through our sockets), -ENETDOWN if it is set
 * down.  ctl_fd: any socket made in the interface's namespace (an AF_INET
 * datagram socket); <0 or an ioctl that fails otherwise: 0, the caller
 * cannot tell.
 */
int xs_if_state(int ctl_fd, int ifindex);

/*
 * 0 if the XDP link xdp_link_fd and the tcx link tc_link_fd are attached
 * (or it cannot tell; a link < 0 is not asked), -XS_EDETACHED if the XDP
 * one is attached to nothing now, -XS_EUNGUARDED if the tcx one is.
 */
int xs_links_state(int xdp_link_fd, int tc_link_fd);

/*
 * 0 if the guard's clsact filter on ifindex still runs the program
 * guard_id (or rtnetlink cannot tell, or guard_id is 0: no clsact guard),
 * -XS_EUNGUARDED if it was removed (`tc filter del`, the qdisc deleted)
 * or replaced.
 */
int xs_clsact_state(int ifindex, __u32 guard_id);

/*
 * err as xs_links_state() or xs_clsact_state() gave it, unless the link is
 * detached because the interface is being deleted: then -ENODEV (or
 * -XS_ENS_GONE).  The kernel unlists a device before it detaches its XDP
 * and TC programs, so a look at the interface made just before the links'
 * can miss the deletion that detached them; one made after cannot.
 */
int xs_detach_cause(int ctl_fd, int ifindex, int err);

#endif /* XS_IFSTATE_H */
