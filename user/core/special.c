/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The built-in default exclude list, printed by `scan
 * --print-default-exclude` in the format --exclude-file reads.
 */
#include <errno.h>

#include "special.h"

const struct xs_special xs_special_ranges[] = {
	{ "0.0.0.0/8", "\"this network\" (RFC 791, RFC 1122)" },
	{ "100.64.0.0/10",
	  "shared address space, carrier-grade NAT (RFC 6598)" },
	{ "127.0.0.0/8", "loopback (RFC 1122)" },
	{ "169.254.0.0/16", "link local (RFC 3927)" },
	{ "192.0.0.0/24", "IETF protocol assignments (RFC 6890)" },
	{ "192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)" },
	{ "192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)" },
	{ "198.18.0.0/15", "benchmarking (RFC 2544)" },
	{ "198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)" },
	{ "203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)" },
	{ "224.0.0.0/4", "multicast (RFC 5771)" },
	{ "240.0.0.0/4", "reserved (RFC 1112)" },
	{ "255.255.255.255/32", "limited broadcast (RFC 919)" },
	/*
	 * IPv6: the IANA IPv6 Special-Purpose Address Registry (RFC 6890
	 * and updates), the entries not globally reachable, plus
	 * multicast.  Left out: ::ffff:0:0/96 (IPv4-mapped: those are the
	 * IPv4 targets above), 64:ff9b::/96 and 2002::/16 (they reach real
	 * hosts through translators and relays), and fc00::/7, which is
	 * private space like 10/8 (below).
	 */
	{ "::/128", "unspecified address (RFC 4291)" },
	{ "::1/128", "loopback (RFC 4291)" },
	{ "64:ff9b:1::/48", "local-use IPv4/IPv6 translation (RFC 8215)" },
	{ "100::/64", "discard-only (RFC 6666)" },
	{ "2001::/23", "IETF protocol assignments (RFC 2928)" },
	{ "2001:db8::/32", "documentation (RFC 3849)" },
	{ "3fff::/20", "documentation (RFC 9637)" },
	{ "5f00::/16", "segment routing SIDs (RFC 9602)" },
	{ "fe80::/10", "link-local unicast (RFC 4291)" },
	{ "ff00::/8", "multicast (RFC 4291)" },
};
const size_t xs_n_special_ranges =
	sizeof(xs_special_ranges) / sizeof(xs_special_ranges[0]);

const struct xs_special xs_private_ranges[] = {
	{ "10.0.0.0/8", "private (RFC 1918)" },
	{ "172.16.0.0/12", "private (RFC 1918)" },
	{ "192.168.0.0/16", "private (RFC 1918)" },
	{ "fc00::/7", "unique local (RFC 4193)" },
};
const size_t xs_n_private_ranges =
	sizeof(xs_private_ranges) / sizeof(xs_private_ranges[0]);

void xs_special_print(FILE *f)
{
	size_t i;

	fprintf(f,
		"# xdpshake's default exclude list (IANA IPv4 and IPv6 special-purpose\n"
		"# ranges, RFC 6890).  Applied to target ranges that reach into global\n"
		"# address space; private ranges (10/8, 172.16/12, 192.168/16,\n"
		"# fc00::/7) are not excluded.\n"
		"# Turn it off with --no-default-exclude; edit a copy and pass it\n"
		"# with --exclude-file.\n");
	for (i = 0; i < xs_n_special_ranges; i++)
		fprintf(f, "%-20s # %s\n", xs_special_ranges[i].cidr,
			xs_special_ranges[i].what);
}

/* A list of specs as a finalized set: sorted, merged ranges. */
static int build(struct xs_targets *set, const struct xs_special *a, size_t na,
		 const struct xs_special *b, size_t nb)
{
	size_t i;
	int err = 0;

	xs_targets_init(set);
	for (i = 0; !err && i < na; i++)
		err = xs_targets_add_block(set, a[i].cidr, NULL, 0);
	for (i = 0; !err && i < nb; i++)
		err = xs_targets_add_block(set, b[i].cidr, NULL, 0);
	if (!err)
		err = xs_targets_finalize(set, NULL, 0);
	return err;
}

int xs_special_apply(struct xs_targets *t)
{
	struct xs_targets ex, local;
	int err;

	err = build(&ex, xs_special_ranges, xs_n_special_ranges, NULL, 0);
	if (!err)
		err = build(&local, xs_special_ranges, xs_n_special_ranges,
			    xs_private_ranges, xs_n_private_ranges);
	else
		xs_targets_init(&local);
	if (!err)
		err = xs_targets_exclude_global(t, ex.r, ex.n, local.r,
						local.n);
	xs_targets_free(&ex);
	xs_targets_free(&local);
	return err == -ENOMEM ? err : err ? -EINVAL : 0;
}
