// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a run stands on: its interface (presence and administrative state,
 * by index), the namespace it entered, the XDP link that redirects its
 * replies and the TC guard (a tcx link, or a clsact filter).
 */
#include <errno.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ifstate.h"
#include "netns.h"
#include "tc.h"

int xs_if_state(int ctl_fd, int ifindex)
{
	struct ifreq ifr = { .ifr_ifindex = ifindex };

	if (ctl_fd < 0)
		return 0;
	if (ioctl(ctl_fd, SIOCGIFNAME, &ifr) < 0)
		return errno == ENODEV ? -ENODEV : 0;
	/* Still there, but only because our sockets hold its namespace. */
	if (xs_netns_gone())
		return -XS_ENS_GONE;
	if (ioctl(ctl_fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP))
		return -ENETDOWN;
	return 0;
}

/* In 6.18's uapi, newer than the headers we build with (tc.c has its
 * attach types); its ifindex is where the XDP link's is, in the union. */
#define XS_BPF_LINK_TYPE_TCX 11

/* 1 if link_fd is an XDP or tcx link attached to nothing now. */
static int link_defunct(int link_fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	if (link_fd < 0 || bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return 0;
	/* Detached (BPF_LINK_DETACH, or its device unregistered): the
	 * kernel leaves the link defunct, on ifindex 0. */
	return (info.type == BPF_LINK_TYPE_XDP ||
		info.type == XS_BPF_LINK_TYPE_TCX) &&
	       !info.xdp.ifindex;
}

int xs_links_state(int xdp_link_fd, int tc_link_fd)
{
	if (link_defunct(xdp_link_fd))
		return -XS_EDETACHED;
	if (link_defunct(tc_link_fd))
		return -XS_EUNGUARDED;
	return 0;
}

int xs_clsact_state(int ifindex, __u32 guard_id)
{
	__u32 id;

	if (!guard_id || xs_tc_guard_id(ifindex, &id))
		return 0;
	return id == guard_id ? 0 : -XS_EUNGUARDED;
}

int xs_detach_cause(int ctl_fd, int ifindex, int err)
{
	int now;

	if (err != -XS_EDETACHED && err != -XS_EUNGUARDED)
		return err;
	now = xs_if_state(ctl_fd, ifindex);
	return now == -ENODEV || now == -XS_ENS_GONE ? now : err;
}
