/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What targets.c, targets_in.c and ports.c share: the one-line error
 * writer and the small text helpers of their parsers.  Not for other
 * files: they use targets.h.
 */
#ifndef XS_TARGETS_PRIV_H
#define XS_TARGETS_PRIV_H

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static inline void __attribute__((format(printf, 3, 4)))
xs_tgt_seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* Strip leading and trailing space in place; returns the new start. */
static inline char *xs_tgt_trim(char *s)
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

static inline bool xs_tgt_is_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* Strictly decimal, no sign, no leading space; *v <= max. */
static inline int xs_tgt_parse_dec(const char *s, uint32_t max, uint32_t *v)
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

struct xs_range;
struct xs_targets;

/* Append r to the vector *v (*n used of *cap); 0 or -ENOMEM. */
int xs_tgt_push(struct xs_range **v, size_t *n, size_t *cap, struct xs_range r);

/* A host name (targets_in.c): resolved now into t->names, its addresses
 * picked and added by xs_tgt_apply_names() at finalize (targets.h). */
int xs_tgt_add_name(struct xs_targets *t, const char *name, bool exclude,
		    const char *kind, char *errbuf, size_t errlen);
int xs_tgt_apply_names(struct xs_targets *t);

#endif /* XS_TARGETS_PRIV_H */
