/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The interface a command works on, in the namespace it lives in. */
#ifndef XS_TARGET_H
#define XS_TARGET_H

#include "nl.h"

struct xs_target {
	const char *ifname;
	const char *netns;
	struct xs_iface iface;
	char pindir[256];
};

/*
 * Enter t->netns (setns, network namespace only) and look up t->ifname.
 * On failure prints the error and returns the exit code to use.
 */
int xs_target_open(struct xs_target *t);

/*
 * Warn (one stderr line) if src6, the IPv6 source a run sends from, is
 * tentative on t's interface: until duplicate address detection is over
 * the kernel answers no neighbour solicitation for it, so a peer that has
 * to resolve it never sends its reply.  A zero src6 is no source.
 */
void xs_target_warn_tentative(const struct xs_target *t,
			      const struct xs_addr *src6);

#endif /* XS_TARGET_H */
