/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The default exclude list: IPv4 and IPv6 special-purpose ranges (the
 * IANA IPv4 and IPv6 Special-Purpose Address Registries, RFC 6890 and its
 * updates, plus multicast) that no Internet-wide scan should send to.
 * The private ranges (10/8, 172.16/12, 192.168/16, and IPv6's unique
 * local fc00::/7) are not in it: scanning one's own network is the
 * common case.
 */
#ifndef XS_SPECIAL_H
#define XS_SPECIAL_H

#include <stddef.h>
#include <stdio.h>

#include "targets.h"

struct xs_special {
	const char *cidr;
	const char *what;
};

extern const struct xs_special xs_special_ranges[];
extern const size_t xs_n_special_ranges;

/* The private ranges: not global, not excluded. */
extern const struct xs_special xs_private_ranges[];
extern const size_t xs_n_private_ranges;

/*
 * Leave the special-purpose ranges out of every target range that reaches
 * into global address space (xs_targets_exclude_global()); before
 * xs_targets_finalize().  Returns 0 or -ENOMEM.
 */
int xs_special_apply(struct xs_targets *t);

/* The list in --exclude-file format, with a comment per range. */
void xs_special_print(FILE *f);

#endif /* XS_SPECIAL_H */
