/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Target and port specs: parsing with precise errors, and the finalized set
 * of disjoint address ranges indexed through prefix sums.
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

#include "diag.h"
#include "parse.h"
#include "targets.h"

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* Strip leading and trailing space in place; returns the new start. */
static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static bool is_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* A dotted quad in host order; the shorthand forms inet_aton takes
 * ("10.1", "0x0a000001") are refused, as xs_parse_ipv4() does. */
static int parse_addr(const char *s, uint32_t *addr)
{
	uint32_t be;

	if (xs_parse_ipv4(s, &be))
		return -EINVAL;
	*addr = ntohl(be);
	return 0;
}

/* Strictly decimal, no sign, no leading space; *v <= max. */
static int parse_dec(const char *s, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > max)
			return -ERANGE;
	}
	*v = (uint32_t)x;
	return 0;
}

/* One trimmed, non-empty item of a target or exclude spec. */
static int parse_item(char *item, const char *kind, struct xs_range *r,
		      char *errbuf, size_t errlen)
{
	char tok[128];
	char *sep, *bad;
	uint32_t a, b, plen;

	/* Errors quote the item as the user wrote it; keep a copy because
	 * parsing cuts it in two. */
	snprintf(tok, sizeof(tok), "%s", item);
	sep = strchr(item, '/');
	if (sep) {
		*sep++ = '\0';
		item = trim(item);
		sep = trim(sep);
		if (parse_addr(item, &a)) {
			seterr(errbuf, errlen,
			       "%s '%s': '%s' is not an IPv4 address", kind,
			       tok, item);
			return -EINVAL;
		}
		if (parse_dec(sep, 32, &plen)) {
			seterr(errbuf, errlen,
			       "%s '%s': prefix length '%s' is not a number from 0 to 32",
			       kind, tok, sep);
			return -EINVAL;
		}
		/* Normalise host bits away (see targets.h); a shift by 32 is
		 * undefined in C, hence the 64-bit constant. */
		b = (uint32_t)(0xffffffffULL >> plen);
		r->lo = a & ~b;
		r->hi = r->lo | b;
		return 0;
	}
	sep = strchr(item, '-');
	if (sep) {
		*sep++ = '\0';
		item = trim(item);
		sep = trim(sep);
		if (!*item || !*sep) {
			seterr(errbuf, errlen, "%s range '%s': missing %s",
			       kind, tok, *item ? "end" : "start");
			return -EINVAL;
		}
		bad = parse_addr(item, &a) ? item :
		      parse_addr(sep, &b)  ? sep :
					     NULL;
		if (bad) {
			seterr(errbuf, errlen,
			       "%s range '%s': '%s' is not an IPv4 address",
			       kind, tok, bad);
			return -EINVAL;
		}
		if (a > b) {
			seterr(errbuf, errlen, "%s range '%s': start after end",
			       kind, tok);
			return -EINVAL;
		}
		r->lo = a;
		r->hi = b;
		return 0;
	}
	if (parse_addr(item, &a)) {
		seterr(errbuf, errlen,
		       "%s '%s': not an IPv4 address, CIDR block or range",
		       kind, tok);
		return -EINVAL;
	}
	r->lo = r->hi = a;
	return 0;
}

static int push(struct xs_range **v, size_t *n, size_t *cap, struct xs_range r)
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

/* A host name's A records, each a one-address range. */
static int add_name(struct xs_targets *t, const char *name, bool exclude,
		    const char *kind, char *errbuf, size_t errlen)
{
	uint32_t a[XS_NAME_ADDRS_MAX];
	size_t n, i;
	int err;

	err = xs_resolve_name(name, a, XS_NAME_ADDRS_MAX, &n, errbuf, errlen);
	if (err) {
		if (errbuf && err == -EINVAL) {
			char why[160];

			snprintf(why, sizeof(why), "%s", errbuf);
			seterr(errbuf, errlen, "%s '%s': %s", kind, name, why);
		}
		return err;
	}
	for (i = 0; i < n && !err; i++) {
		struct xs_range r = { ntohl(a[i]), ntohl(a[i]) };

		err = exclude ? push(&t->exc, &t->n_exc, &t->cap_exc, r) :
				push(&t->inc, &t->n_inc, &t->cap_inc, r);
	}
	return err;
}

static int add_spec(struct xs_targets *t, const char *spec, bool exclude,
		    char *errbuf, size_t errlen)
{
	const char *kind = exclude ? "exclude" : "target";
	size_t *n = exclude ? &t->n_exc : &t->n_inc;
	size_t n0 = *n;
	char *copy, *item, *next;
	struct xs_range r;
	int err = 0;

	if (!spec || is_blank(spec)) {
		seterr(errbuf, errlen, "empty %s", kind);
		return -EINVAL;
	}
	copy = strdup(spec);
	if (!copy)
		return -ENOMEM;
	for (item = copy; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		item = trim(item);
		if (!*item) {
			seterr(errbuf, errlen, "%s list '%s': empty item", kind,
			       spec);
			err = -EINVAL;
			break;
		}
		if (xs_is_host_name(item)) {
			err = add_name(t, item, exclude, kind, errbuf, errlen);
			if (err)
				break;
			continue;
		}
		err = parse_item(item, kind, &r, errbuf, errlen);
		if (!err)
			err = exclude ?
				      push(&t->exc, &t->n_exc, &t->cap_exc, r) :
				      push(&t->inc, &t->n_inc, &t->cap_inc, r);
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
	return add_spec(t, spec, false, errbuf, errlen);
}

int xs_targets_exclude(struct xs_targets *t, const char *spec, char *errbuf,
		       size_t errlen)
{
	return add_spec(t, spec, true, errbuf, errlen);
}

/* Is [lo, hi] inside one of the sorted, merged ranges v? */
static bool covered(const struct xs_range *v, size_t n, uint32_t lo,
		    uint32_t hi)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].lo <= lo && hi <= v[i].hi)
			return true;
	return false;
}

int xs_targets_exclude_global(struct xs_targets *t, const struct xs_range *ex,
			      size_t nex, const struct xs_range *local,
			      size_t nlocal)
{
	struct xs_range *v = NULL;
	size_t n = 0, cap = 0, i, k;
	uint64_t lo, hi;

	for (i = 0; i < t->n_inc; i++) {
		lo = t->inc[i].lo;
		hi = t->inc[i].hi;
		if (covered(local, nlocal, (uint32_t)lo, (uint32_t)hi)) {
			if (push(&v, &n, &cap, t->inc[i]))
				goto nomem;
			continue;
		}
		for (k = 0; k < nex && lo <= hi; k++) {
			if (ex[k].hi < lo || ex[k].lo > hi)
				continue;
			if (ex[k].lo > lo &&
			    push(&v, &n, &cap,
				 (struct xs_range){ (uint32_t)lo,
						    ex[k].lo - 1 }))
				goto nomem;
			lo = (uint64_t)ex[k].hi + 1;
		}
		if (lo <= hi &&
		    push(&v, &n, &cap,
			 (struct xs_range){ (uint32_t)lo, (uint32_t)hi }))
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

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

size_t xs_ranges_merge(struct xs_range *v, size_t n)
{
	size_t i, out = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_range);
	for (i = 1; i < n; i++) {
		/* 64-bit so that hi == 255.255.255.255 does not wrap. */
		if ((uint64_t)v[i].lo <= (uint64_t)v[out].hi + 1) {
			if (v[i].hi > v[out].hi)
				v[out].hi = v[i].hi;
		} else {
			v[++out] = v[i];
		}
	}
	return out + 1;
}

static uint64_t span(const struct xs_range *v, size_t n)
{
	uint64_t c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += (uint64_t)v[i].hi - v[i].lo + 1;
	return c;
}

int xs_targets_finalize(struct xs_targets *t, char *errbuf, size_t errlen)
{
	struct xs_range *a = NULL, *b = NULL, *out = NULL;
	uint64_t *before = NULL;
	size_t na, nb, i, j, k, n = 0;
	uint64_t lo, hi, c;
	int err = -ENOMEM;

	if (!t->n_inc) {
		seterr(errbuf, errlen, "no targets given");
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

	/* Subtract: both lists are sorted and disjoint, so one pass.  An
	 * exclude can cut a range in two, hence at most na + nb results. */
	for (i = 0, j = 0; i < na; i++) {
		lo = a[i].lo;
		hi = a[i].hi;
		while (j < nb && b[j].hi < lo)
			j++;
		for (k = j; k < nb && b[k].lo <= hi && lo <= hi; k++) {
			if (b[k].lo > lo)
				out[n++] = (struct xs_range){ (uint32_t)lo,
							      b[k].lo - 1 };
			lo = (uint64_t)b[k].hi + 1;
		}
		if (lo <= hi)
			out[n++] =
				(struct xs_range){ (uint32_t)lo, (uint32_t)hi };
	}
	if (!n) {
		seterr(errbuf, errlen,
		       "all %llu targets are excluded: nothing to scan",
		       (unsigned long long)span(a, na));
		err = -ENOENT;
		goto fail;
	}
	before = malloc(n * sizeof(*before));
	if (!before)
		goto fail;
	for (i = 0, c = 0; i < n; i++) {
		before[i] = c;
		c += (uint64_t)out[i].hi - out[i].lo + 1;
	}
	free(t->r);
	free(t->before);
	t->r = out;
	t->before = before;
	t->n = n;
	t->count = c;
	free(a);
	free(b);
	return 0;
fail:
	if (err == -ENOMEM)
		seterr(errbuf, errlen, "out of memory");
	free(a);
	free(b);
	free(out);
	return err;
}

uint32_t xs_targets_nth(const struct xs_targets *t, uint64_t i)
{
	size_t lo = 0, hi = t->n, mid;

	if (i >= t->count)
		return 0;
	/* The last range whose prefix sum is <= i. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t->before[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return t->r[lo].lo + (uint32_t)(i - t->before[lo]);
}

void xs_targets_free(struct xs_targets *t)
{
	free(t->inc);
	free(t->exc);
	free(t->r);
	free(t->before);
	memset(t, 0, sizeof(*t));
}

/* A TCP service name from /etc/services: "ssh", "http-alt". */
static int service_port(const char *item, uint32_t *lo, uint32_t *hi,
			char *errbuf, size_t errlen)
{
	struct servent *se = getservbyname(item, "tcp");

	if (!se) {
		seterr(errbuf, errlen,
		       "port '%s': not a number nor a TCP service in /etc/services",
		       item);
		return -EINVAL;
	}
	*lo = *hi = ntohs((uint16_t)se->s_port);
	return 0;
}

/* One item of a port list: "80", "8000-8100", "-", "-N", "N-", "ssh". */
static int parse_port_item(char *item, uint32_t *lo, uint32_t *hi, char *errbuf,
			   size_t errlen)
{
	char tok[64];
	char *dash, *bad;
	int e1, e2;

	*lo = *hi = 0;
	snprintf(tok, sizeof(tok), "%s", item);
	if (isalpha((unsigned char)*item))
		return service_port(item, lo, hi, errbuf, errlen);
	/* nmap's "-" (all), "-N" (from 1), "N-" (to 65535), "0-N" (port 0
	 * is never scanned: the range starts at 1). */
	if (!strcmp(item, "-")) {
		*lo = 1;
		*hi = 65535;
		return 0;
	}
	dash = strchr(item, '-');
	if (!dash) {
		e1 = parse_dec(item, 65535, lo);
		if (e1 || *lo == 0) {
			seterr(errbuf, errlen, "port '%s': %s", tok,
			       e1 == -EINVAL ? "not a number" :
					       "out of range 1-65535");
			return -EINVAL;
		}
		*hi = *lo;
		return 0;
	}
	*dash++ = '\0';
	item = trim(item);
	dash = trim(dash);
	e1 = *item ? parse_dec(item, 65535, lo) : (*lo = 1, 0);
	e2 = *dash ? parse_dec(dash, 65535, hi) : (*hi = 65535, 0);
	if (!e1 && *lo == 0 && *hi)
		*lo = 1;
	if (e1 == -EINVAL || e2 == -EINVAL) {
		bad = e1 == -EINVAL ? item : dash;
		seterr(errbuf, errlen, "port range '%s': '%s' is not a number",
		       tok, bad);
		return -EINVAL;
	}
	if (e1 || e2 || *lo == 0 || *hi == 0) {
		bad = (e1 || *lo == 0) ? item : dash;
		seterr(errbuf, errlen,
		       "port range '%s': '%s' is out of range 1-65535", tok,
		       bad);
		return -EINVAL;
	}
	if (*lo > *hi) {
		seterr(errbuf, errlen, "port range '%s': start after end", tok);
		return -EINVAL;
	}
	return 0;
}

int xs_ports_parse(const char *spec, struct xs_ports *p, char *errbuf,
		   size_t errlen)
{
	uint8_t seen[65536 / 8] = { 0 };
	char *copy, *item, *next;
	uint32_t lo, hi, v, n = 0;
	int err = 0;

	p->port = NULL;
	p->n = 0;
	if (!spec || is_blank(spec)) {
		seterr(errbuf, errlen, "empty port list");
		return -EINVAL;
	}
	copy = strdup(spec);
	if (!copy)
		return -ENOMEM;
	/* A bitmap makes duplicates and overlaps free, and the list comes
	 * out sorted. */
	for (item = copy; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		item = trim(item);
		if (!*item) {
			seterr(errbuf, errlen, "port list '%s': empty item",
			       spec);
			err = -EINVAL;
			goto out;
		}
		err = parse_port_item(item, &lo, &hi, errbuf, errlen);
		if (err)
			goto out;
		for (v = lo; v <= hi; v++)
			seen[v / 8] |= 1u << (v % 8);
	}
	for (v = 1; v < 65536; v++)
		n += !!(seen[v / 8] & (1u << (v % 8)));
	p->port = malloc(n * sizeof(*p->port));
	if (!p->port) {
		err = -ENOMEM;
		goto out;
	}
	for (v = 1; v < 65536; v++)
		if (seen[v / 8] & (1u << (v % 8)))
			p->port[p->n++] = (uint16_t)v;
out:
	free(copy);
	return err;
}

void xs_ports_free(struct xs_ports *p)
{
	free(p->port);
	p->port = NULL;
	p->n = 0;
}

static uint64_t fnv1a(uint64_t h, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++, v >>= 8) {
		h ^= v & 0xff;
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t xs_targets_digest(const struct xs_targets *t, const struct xs_ports *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	/* Lengths first, so that no two different sets hash the same
	 * byte stream. */
	h = fnv1a(h, t->n, 8);
	for (i = 0; i < t->n; i++)
		h = fnv1a(h, (uint64_t)t->r[i].hi << 32 | t->r[i].lo, 8);
	h = fnv1a(h, p->n, 4);
	for (i = 0; i < p->n; i++)
		h = fnv1a(h, p->port[i], 2);
	return h;
}
