/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Target specs of either family: parsing with precise errors, and the
 * finalized set of disjoint address ranges indexed through prefix sums.
 * Ports are in ports.c, files of specs in targets_in.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr128.h"
#include "diag.h"
#include "parse.h"
#include "targets.h"
#include "targets_priv.h"

/*
 * One address of either family, as xs_addr_parse() takes it; *why says
 * what is wrong.  A zone ("fe80::1%eth0") has no place in a target set:
 * it names one link, and link-local targets are refused (check_target()).
 */
static int parse_addr(const char *s, struct xs_addr *a, const char **why)
{
	if (strchr(s, '%')) {
		*why = "a zone (%IF) has no place in a target list";
		return -EINVAL;
	}
	return xs_addr_parse(s, a, why) ? -EINVAL : 0;
}

/* xs_addr_parse()'s reason for text that is no address at all, said as
 * "'X' is not an IP address"; the others are said after a colon. */
static bool is_generic(const char *why)
{
	return !strcmp(why, "not an IP address");
}

/* "2^64" for a count that is a power of two, else the number. */
static void fmt_count(xs_u128 n, char *buf, size_t len)
{
	int k = 0;

	if (n && !(n & (n - 1))) {
		while (n >>= 1)
			k++;
		snprintf(buf, len, "2^%d", k);
		return;
	}
	if (n >> 64)
		snprintf(buf, len, "more than 2^64");
	else
		snprintf(buf, len, "%llu", (unsigned long long)n);
}

/* fe80::/10 */
#define LL_LO ((xs_u128)0xfe80 << 112)
#define LL_HI (LL_LO | xs_u128_hostmask(10))

/*
 * What a target spec (not an exclude) may not be: link-local IPv6 (a scan
 * goes through routes, a link-local address is only meant on one link,
 * with a zone), or more IPv6 addresses than can be enumerated.
 */
static int check_target(const struct xs_range *r, bool capped, const char *kind,
			const char *tok, char *errbuf, size_t errlen)
{
	xs_u128 lo = xs_addr_u128(&r->lo), hi = xs_addr_u128(&r->hi);
	xs_u128 n = hi - lo + 1;
	char cnt[32];

	if (!capped || xs_addr_is_v4(&r->lo))
		return 0;
	if (lo <= LL_HI && LL_LO <= hi) {
		xs_tgt_seterr(
			errbuf, errlen,
			"%s '%s': link-local IPv6 addresses (fe80::/10) are not scanned: connect to one as [fe80::1%%IF]:PORT",
			kind, tok);
		return -EINVAL;
	}
	if (n && n <= XS_TARGETS_V6_MAX)
		return 0;
	fmt_count(n, cnt, sizeof(cnt));
	xs_tgt_seterr(
		errbuf, errlen,
		"%s '%s': %s addresses, over the /96 cap (2^32): scan IPv6 from a hit list, -iL FILE",
		kind, tok, cnt);
	return -EINVAL;
}

static int parse_prefix(char *item, char *sep, const char *kind,
			const char *tok, struct xs_range *r, char *errbuf,
			size_t errlen)
{
	struct xs_addr a;
	const char *why;
	uint32_t plen, max;
	xs_u128 host;

	if (parse_addr(item, &a, &why)) {
		xs_tgt_seterr(errbuf, errlen, "%s '%s': '%s'%s%s", kind, tok,
			      item, is_generic(why) ? " is " : ": ", why);
		return -EINVAL;
	}
	max = xs_addr_is_v4(&a) ? 32 : 128;
	if (xs_tgt_parse_dec(sep, max, &plen)) {
		xs_tgt_seterr(
			errbuf, errlen,
			"%s '%s': prefix length '%s' is not a number from 0 to %u",
			kind, tok, sep, max);
		return -EINVAL;
	}
	/* Normalise host bits away (see targets.h). */
	host = xs_u128_hostmask(xs_addr_is_v4(&a) ? 96 + plen : plen);
	r->lo = xs_u128_addr(xs_addr_u128(&a) & ~host);
	r->hi = xs_u128_addr(xs_addr_u128(&a) | host);
	/* ::/0 and other blocks around ::ffff:0:0/96 would hold IPv4. */
	if (!xs_addr_is_v4(&a) && plen < 96 &&
	    xs_addr_u128(&r->lo) <= XS_U128_V4_BASE &&
	    XS_U128_V4_BASE <= xs_addr_u128(&r->hi)) {
		xs_tgt_seterr(
			errbuf, errlen,
			"%s '%s': holds the IPv4-mapped block ::ffff:0:0/96: give IPv4 targets as IPv4",
			kind, tok);
		return -EINVAL;
	}
	return 0;
}

static int parse_span(char *item, char *sep, const char *kind, const char *tok,
		      struct xs_range *r, char *errbuf, size_t errlen)
{
	const char *why;
	char *bad;

	if (!*item || !*sep) {
		xs_tgt_seterr(errbuf, errlen, "%s range '%s': missing %s", kind,
			      tok, *item ? "end" : "start");
		return -EINVAL;
	}
	bad = parse_addr(item, &r->lo, &why) ? item :
	      parse_addr(sep, &r->hi, &why)  ? sep :
					       NULL;
	if (bad) {
		xs_tgt_seterr(errbuf, errlen, "%s range '%s': '%s'%s%s", kind,
			      tok, bad, is_generic(why) ? " is " : ": ", why);
		return -EINVAL;
	}
	if (xs_addr_is_v4(&r->lo) != xs_addr_is_v4(&r->hi)) {
		xs_tgt_seterr(errbuf, errlen,
			      "%s range '%s': one end IPv4, the other IPv6",
			      kind, tok);
		return -EINVAL;
	}
	if (xs_addr_cmp(&r->lo, &r->hi) > 0) {
		xs_tgt_seterr(errbuf, errlen, "%s range '%s': start after end",
			      kind, tok);
		return -EINVAL;
	}
	if (!xs_addr_is_v4(&r->lo) && xs_addr_u128(&r->lo) < XS_U128_V4_BASE &&
	    XS_U128_V4_BASE <= xs_addr_u128(&r->hi)) {
		xs_tgt_seterr(
			errbuf, errlen,
			"%s range '%s': holds the IPv4-mapped block ::ffff:0:0/96: give IPv4 targets as IPv4",
			kind, tok);
		return -EINVAL;
	}
	return 0;
}

/* One trimmed, non-empty item of a target or exclude spec. */
static int parse_item(char *item, const char *kind, bool capped,
		      struct xs_range *r, char *errbuf, size_t errlen)
{
	char tok[128];
	const char *why;
	char *sep;
	int err;

	/* Errors quote the item as the user wrote it; keep a copy because
	 * parsing cuts it in two. */
	snprintf(tok, sizeof(tok), "%s", item);
	sep = strchr(item, '/');
	if (sep) {
		*sep++ = '\0';
		err = parse_prefix(xs_tgt_trim(item), xs_tgt_trim(sep), kind,
				   tok, r, errbuf, errlen);
	} else if ((sep = strchr(item, '-'))) {
		*sep++ = '\0';
		err = parse_span(xs_tgt_trim(item), xs_tgt_trim(sep), kind, tok,
				 r, errbuf, errlen);
	} else if (parse_addr(item, &r->lo, &why)) {
		/* A plain "not an IP address" is the generic complaint;
		 * anything more precise is said as it is. */
		xs_tgt_seterr(errbuf, errlen, "%s '%s': %s", kind, tok,
			      is_generic(why) ?
				      "not an IP address, CIDR block or range" :
				      why);
		return -EINVAL;
	} else {
		r->hi = r->lo;
		err = 0;
	}
	return err ? err : check_target(r, capped, kind, tok, errbuf, errlen);
}

int xs_tgt_push(struct xs_range **v, size_t *n, size_t *cap, struct xs_range r)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct xs_range *nv = realloc(*v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = r;
	return 0;
}

static int add_spec(struct xs_targets *t, const char *spec, bool exclude,
		    bool capped, char *errbuf, size_t errlen)
{
	const char *kind = exclude ? "exclude" : "target";
	size_t *n = exclude ? &t->n_exc : &t->n_inc;
	size_t n0 = *n;
	char *copy, *item, *next;
	struct xs_range r;
	int err = 0;

	if (!spec || xs_tgt_is_blank(spec)) {
		xs_tgt_seterr(errbuf, errlen, "empty %s", kind);
		return -EINVAL;
	}
	copy = strdup(spec);
	if (!copy)
		return -ENOMEM;
	for (item = copy; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		item = xs_tgt_trim(item);
		if (!*item) {
			xs_tgt_seterr(errbuf, errlen,
				      "%s list '%s': empty item", kind, spec);
			err = -EINVAL;
			break;
		}
		if (xs_is_host_name(item)) {
			err = xs_tgt_add_name(t, item, exclude, kind, errbuf,
					      errlen);
			if (err)
				break;
			continue;
		}
		err = parse_item(item, kind, capped, &r, errbuf, errlen);
		if (!err)
			err = exclude ? xs_tgt_push(&t->exc, &t->n_exc,
						    &t->cap_exc, r) :
					xs_tgt_push(&t->inc, &t->n_inc,
						    &t->cap_inc, r);
		if (err)
			break;
	}
	/* A bad spec leaves the set as it was. */
	if (err)
		*n = n0;
	free(copy);
	return err;
}

void xs_targets_init(struct xs_targets *t)
{
	memset(t, 0, sizeof(*t));
}

int xs_targets_add(struct xs_targets *t, const char *spec, char *errbuf,
		   size_t errlen)
{
	return add_spec(t, spec, false, true, errbuf, errlen);
}

int xs_targets_add_block(struct xs_targets *t, const char *spec, char *errbuf,
			 size_t errlen)
{
	return add_spec(t, spec, false, false, errbuf, errlen);
}

int xs_targets_exclude(struct xs_targets *t, const char *spec, char *errbuf,
		       size_t errlen)
{
	return add_spec(t, spec, true, false, errbuf, errlen);
}

/* Is [lo, hi] inside one of the sorted, merged ranges v? */
static bool covered(const struct xs_range *v, size_t n, xs_u128 lo, xs_u128 hi)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (xs_addr_u128(&v[i].lo) <= lo &&
		    hi <= xs_addr_u128(&v[i].hi))
			return true;
	return false;
}

static int push_u128(struct xs_range **v, size_t *n, size_t *cap, xs_u128 lo,
		     xs_u128 hi)
{
	return xs_tgt_push(v, n, cap,
			   (struct xs_range){ xs_u128_addr(lo),
					      xs_u128_addr(hi) });
}

int xs_targets_exclude_global(struct xs_targets *t, const struct xs_range *ex,
			      size_t nex, const struct xs_range *local,
			      size_t nlocal)
{
	struct xs_range *v = NULL;
	size_t n = 0, cap = 0, i, k;
	xs_u128 lo, hi, elo, ehi;
	bool left;

	for (i = 0; i < t->n_inc; i++) {
		lo = xs_addr_u128(&t->inc[i].lo);
		hi = xs_addr_u128(&t->inc[i].hi);
		if (covered(local, nlocal, lo, hi)) {
			if (xs_tgt_push(&v, &n, &cap, t->inc[i]))
				goto nomem;
			continue;
		}
		for (k = 0, left = true; k < nex && left; k++) {
			elo = xs_addr_u128(&ex[k].lo);
			ehi = xs_addr_u128(&ex[k].hi);
			if (ehi < lo || elo > hi)
				continue;
			if (elo > lo && push_u128(&v, &n, &cap, lo, elo - 1))
				goto nomem;
			left = ehi < hi;
			lo = ehi + 1;
		}
		if (left && push_u128(&v, &n, &cap, lo, hi))
			goto nomem;
	}
	free(t->inc);
	t->inc = v;
	t->n_inc = n;
	t->cap_inc = cap;
	return 0;
nomem:
	free(v);
	return -ENOMEM;
}

static int cmp_range(const void *a, const void *b)
{
	const struct xs_range *x = a, *y = b;

	return xs_addr_cmp(&x->lo, &y->lo);
}

size_t xs_ranges_merge(struct xs_range *v, size_t n)
{
	size_t i, out = 0;
	xs_u128 hi;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_range);
	for (i = 1; i < n; i++) {
		hi = xs_addr_u128(&v[out].hi);
		/* Adjacent ranges merge too; the last address of all has
		 * no successor. */
		if (xs_addr_u128(&v[i].lo) <= hi ||
		    (hi != ~(xs_u128)0 && xs_addr_u128(&v[i].lo) == hi + 1)) {
			if (xs_addr_cmp(&v[i].hi, &v[out].hi) > 0)
				v[out].hi = v[i].hi;
		} else {
			v[++out] = v[i];
		}
	}
	return out + 1;
}

static uint64_t range_len(const struct xs_range *r)
{
	return (uint64_t)(xs_addr_u128(&r->hi) - xs_addr_u128(&r->lo) + 1);
}

static uint64_t span(const struct xs_range *v, size_t n)
{
	uint64_t c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += range_len(&v[i]);
	return c;
}

/* a minus b, both sorted and disjoint, into out (na + nb at most: an
 * exclude can cut a range in two).  Returns the number of ranges. */
static size_t subtract(const struct xs_range *a, size_t na,
		       const struct xs_range *b, size_t nb,
		       struct xs_range *out)
{
	size_t i, j, k, n = 0;
	xs_u128 lo, hi, blo, bhi;
	bool left;

	for (i = 0, j = 0; i < na; i++) {
		lo = xs_addr_u128(&a[i].lo);
		hi = xs_addr_u128(&a[i].hi);
		while (j < nb && xs_addr_u128(&b[j].hi) < lo)
			j++;
		for (k = j, left = true; k < nb && left; k++) {
			blo = xs_addr_u128(&b[k].lo);
			bhi = xs_addr_u128(&b[k].hi);
			if (blo > hi)
				break;
			if (blo > lo)
				out[n++] = (struct xs_range){
					xs_u128_addr(lo), xs_u128_addr(blo - 1)
				};
			left = bhi < hi;
			lo = bhi + 1;
		}
		if (left)
			out[n++] = (struct xs_range){ xs_u128_addr(lo),
						      xs_u128_addr(hi) };
	}
	return n;
}

int xs_targets_finalize(struct xs_targets *t, char *errbuf, size_t errlen)
{
	struct xs_range *a = NULL, *b = NULL, *out = NULL;
	uint64_t *before = NULL, c, c6;
	size_t na, nb, i, n;
	int err = -ENOMEM;

	if (xs_tgt_apply_names(t))
		goto fail;
	if (!t->n_inc) {
		xs_tgt_seterr(errbuf, errlen, "no targets given");
		return -ENOENT;
	}
	/* Work on copies so that finalize can run again after more specs. */
	a = malloc(t->n_inc * sizeof(*a));
	b = malloc((t->n_exc + 1) * sizeof(*b));
	out = malloc((t->n_inc + t->n_exc) * sizeof(*out));
	if (!a || !b || !out)
		goto fail;
	memcpy(a, t->inc, t->n_inc * sizeof(*a));
	if (t->n_exc)
		memcpy(b, t->exc, t->n_exc * sizeof(*b));
	na = xs_ranges_merge(a, t->n_inc);
	nb = xs_ranges_merge(b, t->n_exc);
	n = subtract(a, na, b, nb, out);
	if (!n) {
		xs_tgt_seterr(errbuf, errlen,
			      "all %llu targets are excluded: nothing to scan",
			      (unsigned long long)span(a, na));
		err = -ENOENT;
		goto fail;
	}
	before = malloc(n * sizeof(*before));
	if (!before)
		goto fail;
	for (i = 0, c = 0, c6 = 0; i < n; i++) {
		before[i] = c;
		c += range_len(&out[i]);
		if (!xs_addr_is_v4(&out[i].lo))
			c6 += range_len(&out[i]);
	}
	free(t->r);
	free(t->before);
	t->r = out;
	t->before = before;
	t->n = n;
	t->count = c;
	t->count_v6 = c6;
	free(a);
	free(b);
	return 0;
fail:
	if (err == -ENOMEM)
		xs_tgt_seterr(errbuf, errlen, "out of memory");
	free(a);
	free(b);
	free(out);
	return err;
}

struct xs_addr xs_targets_nth(const struct xs_targets *t, uint64_t i)
{
	size_t lo = 0, hi = t->n, mid;

	if (i >= t->count)
		return (struct xs_addr){ 0 };
	/* The last range whose prefix sum is <= i. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t->before[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return xs_u128_addr(xs_addr_u128(&t->r[lo].lo) + (i - t->before[lo]));
}

bool xs_targets_index(const struct xs_targets *t, const struct xs_addr *a,
		      uint64_t *i)
{
	xs_u128 v = xs_addr_u128(a);
	size_t lo = 0, hi = t->n, mid;

	/* The last range that starts at or below a. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (xs_addr_u128(&t->r[mid].lo) <= v)
			lo = mid;
		else
			hi = mid;
	}
	if (!t->n || v < xs_addr_u128(&t->r[lo].lo) ||
	    v > xs_addr_u128(&t->r[lo].hi))
		return false;
	*i = t->before[lo] + (uint64_t)(v - xs_addr_u128(&t->r[lo].lo));
	return true;
}

void xs_targets_free(struct xs_targets *t)
{
	size_t i;

	free(t->inc);
	free(t->exc);
	free(t->r);
	free(t->before);
	for (i = 0; i < t->n_names; i++)
		free(t->names[i].name);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

void *xs_targets_pack(const struct xs_targets *t, size_t *len)
{
	uint8_t *buf = malloc(t->n ? t->n * 32 : 1), *w = buf;
	uint32_t v4[2];
	size_t i;

	*len = 0;
	if (!buf)
		return NULL;
	for (i = 0; i < t->n; i++) {
		if (xs_addr_is_v4(&t->r[i].lo)) {
			v4[0] = ntohl(xs_addr_get_v4(&t->r[i].lo));
			v4[1] = ntohl(xs_addr_get_v4(&t->r[i].hi));
			memcpy(w, v4, sizeof(v4));
			w += sizeof(v4);
		} else {
			memcpy(w, t->r[i].lo.b, 16);
			memcpy(w + 16, t->r[i].hi.b, 16);
			w += 32;
		}
	}
	*len = (size_t)(w - buf);
	return buf;
}
