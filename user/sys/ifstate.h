/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Whether an interface is still there and up, for a run that waits on it
 * (the AF_XDP sockets, the ARP/NDP sweep): a cheap check to make often.
 */
#ifndef XS_IFSTATE_H
#define XS_IFSTATE_H

/*
 * 0 if ifindex names an interface that is up, -ENODEV if none (deleted, or
 * its namespace with it), -ENETDOWN if it is set down.  ctl_fd: any socket
 * made in the interface's namespace (an AF_INET datagram socket); <0 or an
 * ioctl that fails otherwise: 0, the caller cannot tell.
 */
int xs_if_state(int ctl_fd, int ifindex);

#endif /* XS_IFSTATE_H */
