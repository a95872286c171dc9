/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What to scan: target addresses and ports.
 *
 * Targets are collected as ranges of addresses of either family (IPv4 and
 * IPv6 addresses, CIDR blocks, a-b ranges, files of them: hit lists),
 * minus excludes, then finalized into a sorted list of disjoint ranges
 * with prefix sums, so that "the i-th target" costs a binary search and
 * memory grows with the number of ranges, never with the number of
 * addresses: a /8 costs what a /24 costs.  Addresses are xs_addr values
 * (IPv4 as ::ffff:a.b.c.d), ordered as 128-bit numbers, so one index
 * space spans both families: the IPv4 targets (inside ::ffff:0:0/96) sort
 * between the IPv6 ones below and above it, and the permutation, shards
 * and resume of a scan treat a mixed set as any other.
 *
 * IPv6 blocks and ranges are enumerated address by address, so a target
 * spec of more than XS_TARGETS_V6_MAX addresses (a prefix shorter than
 * /96) is refused: IPv6 space is scanned from hit lists (-iL), not by
 * sweeping.  Excludes have no such cap.  Link-local IPv6 targets
 * (fe80::/10) are refused: their zone is one link, a scan's targets are
 * routed.
 *
 * Every function that parses user input takes (errbuf, errlen) and on error
 * writes one line naming the offending token and why, e.g.
 *   target '10.0.0.9-10.0.0.1': start after end
 *   hosts.txt:3: target '10.0.0.300': not an IP address, CIDR block or range
 *   target '2001:db8::/64': 2^64 addresses, over the /96 cap (2^32): ...
 * Nothing is written on success.  errbuf may be NULL.
 */
#ifndef XS_TARGETS_H
#define XS_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* An inclusive range of addresses of one family. */
struct xs_range {
	struct xs_addr lo, hi;
};

/* The most addresses one IPv6 target spec may hold: a /96. */
#define XS_TARGETS_V6_MAX (1ULL << 32)

/*
 * A host name's addresses (A and AAAA records), as resolved when added:
 * which of them it stands for is picked at xs_targets_finalize(), when the
 * run's source families are known (xs_name_pick()).
 */
#define XS_NAME_ADDRS_MAX 16
struct xs_named {
	char *name;
	bool exclude;
	size_t n;
	struct xs_addr a[XS_NAME_ADDRS_MAX];
};

/* Source families of a run (xs_targets.name_families), a mask. */
#define XS_FAM_V4 1u
#define XS_FAM_V6 2u

/* Resolves name to at most max addresses of either family; 0, or -EINVAL
 * with a reason in errbuf (xs_resolve_name(), or a test's). */
typedef int (*xs_resolve_fn)(const char *name, struct xs_addr *addrs,
			     size_t max, size_t *n, char *errbuf,
			     size_t errlen);

struct xs_targets {
	/* Collected specs, in the order given. */
	struct xs_range *inc, *exc;
	size_t n_inc, cap_inc, n_exc, cap_exc;
	/* After xs_targets_finalize(): disjoint, sorted, non-adjacent. */
	struct xs_range *r;
	uint64_t *before; /* before[i]: addresses in r[0..i-1] */
	size_t n;
	uint64_t count; /* addresses in total */
	uint64_t count_v6; /* of which IPv6 */
	/* Host names, until xs_targets_finalize() picks their addresses. */
	struct xs_named *names;
	size_t n_names, cap_names;
	/* The families the run has a source for by --src (XS_FAM_*; 0:
	 * none given), set before xs_targets_finalize(). */
	unsigned int name_families;
	xs_resolve_fn resolve; /* NULL: xs_resolve_name() */
};

/* Zero the set; a zeroed struct xs_targets is also a valid empty set. */
void xs_targets_init(struct xs_targets *t);

/*
 * Add (or exclude) a spec: a comma-separated list of items, each an address
 * "10.0.0.1", "2001:db8::1", a CIDR block "10.0.0.0/24", "2001:db8::/120"
 * or a range "10.0.0.1-10.0.0.9", "2001:db8::1-2001:db8::ff" (both ends of
 * one family).  Space around items is ignored.  A CIDR block with host bits set is
 * normalised to its network, as masscan and nmap do ("10.0.0.5/24" is
 * 10.0.0.0-10.0.0.255), because that is what a user typing it means.
 * Returns 0, -EINVAL for a bad spec, -ENOMEM.
 */
int xs_targets_add(struct xs_targets *t, const char *spec, char *errbuf,
		   size_t errlen);
int xs_targets_exclude(struct xs_targets *t, const char *spec, char *errbuf,
		       size_t errlen);
/* As xs_targets_add(), without the IPv6 cap: for sets that are only
 * compared against, never enumerated (special.c's lists). */
int xs_targets_add_block(struct xs_targets *t, const char *spec, char *errbuf,
			 size_t errlen);

/*
 * The same from a file (-iL, --exclude-file; "-" is standard input): specs
 * separated by space, commas or newlines ("10.0.0.1 - 10.0.0.9" is one),
 * '#' starts a comment, a UTF-8 byte order mark is skipped.  Errors are
 * prefixed with "path:line: ".  Returns 0, -EINVAL, -ENOMEM or the -errno
 * of opening/reading the file.
 */
int xs_targets_add_file(struct xs_targets *t, const char *path, char *errbuf,
			size_t errlen);
int xs_targets_exclude_file(struct xs_targets *t, const char *path,
			    char *errbuf, size_t errlen);

/*
 * Host names among the items (letters, digits, '-', '.', with a letter, a
 * first label not all digits, not an inet_aton() form): resolved when
 * added, to its A and AAAA records (getaddrinfo, AF_UNSPEC, in its order);
 * a name that does not resolve is a bad spec: "target 'NAME': cannot
 * resolve host name: ...".  At xs_targets_finalize() a target name stands
 * for its addresses of one family, as nmap scans one address family: IPv4
 * unless the run's only --src is IPv6 (name_families == XS_FAM_V6), and the
 * other family when the name has no address of that one.  An exclude name
 * stands for all its addresses.  Said on stderr once: "resolved NAME to A,
 * B", and, for addresses left out, "other addresses for NAME (not
 * scanned): C" (nmap's words).
 */
bool xs_is_host_name(const char *s);
int xs_resolve_name(const char *name, struct xs_addr *addrs, size_t max,
		    size_t *n, char *errbuf, size_t errlen);

/* Which of a name's n addresses a[] it stands for (used[i]), by the rule
 * above for a target (families: the run's XS_FAM_*) or an exclude (all);
 * returns how many. */
size_t xs_name_pick(const struct xs_addr *a, size_t n, unsigned int families,
		    bool exclude, bool *used);

/* Says on stderr which addresses a name stands for (and which not). */
void xs_name_say(const struct xs_named *nm, const bool *used);

/*
 * Sort and merge the targets, subtract the excludes, compute the prefix
 * sums.  Returns -ENOENT (with a message) when nothing is left to scan: no
 * targets given, or all of them excluded.  May be called again after more
 * specs are added.
 */
int xs_targets_finalize(struct xs_targets *t, char *errbuf, size_t errlen);

/* Sort and merge overlapping and adjacent ranges in place; returns the new
 * length. */
size_t xs_ranges_merge(struct xs_range *v, size_t n);

/*
 * The default exclude (see special.h): subtract ex from every collected
 * target range that reaches outside local (the ranges that are not global
 * address space), and leave a range wholly inside one of them as it was
 * given: a user who names 192.0.2.0/24 means it, one who names 0.0.0.0/0
 * does not mean multicast.  Both lists sorted and merged (a finalized
 * set's r).  Call before xs_targets_finalize(); a range the exclude eats
 * entirely is dropped.  Returns 0 or -ENOMEM.
 */
int xs_targets_exclude_global(struct xs_targets *t, const struct xs_range *ex,
			      size_t nex, const struct xs_range *local,
			      size_t nlocal);

/* The i-th target (0 <= i < t->count) in ascending order (xs_addr_cmp());
 * the zero address beyond the end.  O(log ranges). */
struct xs_addr xs_targets_nth(const struct xs_targets *t, uint64_t i);
/* Its inverse: a's place in *i, or false if a is not a target. */
bool xs_targets_index(const struct xs_targets *t, const struct xs_addr *a,
		      uint64_t *i);

void xs_targets_free(struct xs_targets *t);

/* A sorted list of distinct ports. */
struct xs_ports {
	uint16_t *port;
	uint32_t n;
};

/*
 * Parse "22,80,8000-8100": comma-separated ports and inclusive ranges, each
 * 1-65535; duplicates and overlaps are merged.  Returns 0, -EINVAL with a
 * message naming the item (port '0': out of range 1-65535; port range
 * '90-80': start after end; ...), -ENOMEM.
 */
int xs_ports_parse(const char *spec, struct xs_ports *p, char *errbuf,
		   size_t errlen);
void xs_ports_free(struct xs_ports *p);

/* A 64-bit fingerprint (FNV-1a) of the finalized targets and the ports,
 * for xs_perm_cfg.tag: --resume must continue over the same set, not only
 * one of the same size. */
uint64_t xs_targets_digest(const struct xs_targets *t,
			   const struct xs_ports *p);

/*
 * The finalized ranges as bytes, for a scan's resume tag: an IPv4 range as
 * the two host-order uint32_t it was before IPv6 (so an IPv4 scan's state
 * file stays valid), an IPv6 range as its two 16-byte ends.  malloc'd;
 * NULL (with *len 0) if out of memory.
 */
void *xs_targets_pack(const struct xs_targets *t, size_t *len);

#endif /* XS_TARGETS_H */
