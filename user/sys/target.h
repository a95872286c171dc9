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

#endif /* XS_TARGET_H */
