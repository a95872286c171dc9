// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a run stands on: its interface (presence and administrative state,
 * by index), the namespace it entered, and the XDP link that redirects its
 * replies.
 */
#include <errno.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ifstate.h"
#include "netns.h"

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

int xs_xdp_link_state(int link_fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	if (link_fd < 0 || bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return 0;
	/* Detached (BPF_LINK_DETACH, or its device unregistered): the
	 * kernel leaves the link defunct, on ifindex 0. */
	if (info.type == BPF_LINK_TYPE_XDP && !info.xdp.ifindex)
		return -XS_EDETACHED;
	return 0;
}
