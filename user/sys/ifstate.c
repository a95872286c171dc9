// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* An interface's presence and administrative state, by index. */
#include <errno.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include "ifstate.h"

int xs_if_state(int ctl_fd, int ifindex)
{
	struct ifreq ifr = { .ifr_ifindex = ifindex };

	if (ctl_fd < 0)
		return 0;
	if (ioctl(ctl_fd, SIOCGIFNAME, &ifr) < 0)
		return errno == ENODEV ? -ENODEV : 0;
	if (ioctl(ctl_fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP))
		return -ENETDOWN;
	return 0;
}
