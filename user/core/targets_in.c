// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Targets that are not literal specs: files of them (-iL, --exclude-file,
 * standard input) and host names, resolved once, at start.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "targets.h"
#include "targets_priv.h"

bool xs_is_host_name(const char *s)
{
	struct in_addr a;
	bool letter = false;
	const char *p;

	if (!*s || *s == '-' || *s == '.')
		return false;
	for (p = s; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return false;
		letter |= isalpha((unsigned char)*p);
	}
	/* "10.0.0.x" and "10.0.0.1-10.0.0.x" are bad addresses, not names:
	 * a first label of digits only is not taken for one, and
	 * "0x0a000001" is inet_aton's, refused as an address. */
	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (*p == '.' || *p == '-')
		return false;
	return letter && !inet_aton(s, &a);
}

int xs_resolve_name(const char *name, struct xs_addr *addrs, size_t max,
		    size_t *n, char *errbuf, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	struct xs_addr a;
	size_t i;
	int rc;

	*n = 0;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot resolve host name: %s",
				 rc == EAI_SYSTEM ? strerror(errno) :
						    gai_strerror(rc));
		return -EINVAL;
	}
	for (ai = res; ai && *n < max; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			a = xs_addr_v4(((struct sockaddr_in *)ai->ai_addr)
					       ->sin_addr.s_addr);
		} else if (ai->ai_family == AF_INET6) {
			memcpy(a.b,
			       &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr,
			       16);
			/* An IPv4-mapped AAAA is IPv4's A in disguise; a
			 * link-local one needs a zone a target has not. */
			if (xs_addr_is_v4(&a) || xs_addr_is_link_local(&a))
				continue;
		} else {
			continue;
		}
		for (i = 0; i < *n && !xs_addr_eq(&addrs[i], &a); i++)
			;
		if (i == *n)
			addrs[(*n)++] = a;
	}
	freeaddrinfo(res);
	if (!*n) {
		if (errbuf)
			snprintf(
				errbuf, errlen,
				"host name has no IPv4 nor global IPv6 address");
		return -EINVAL;
	}
	return 0;
}

size_t xs_name_pick(const struct xs_addr *a, size_t n, unsigned int families,
		    bool exclude, bool *used)
{
	bool has[2] = { false, false }, v6;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		has[!xs_addr_is_v4(&a[i])] = true;
	/* IPv4 unless the run sends from IPv6 only; else what there is. */
	v6 = families == XS_FAM_V6 ? has[1] : !has[0];
	for (i = 0; i < n; i++) {
		used[i] = exclude || !xs_addr_is_v4(&a[i]) == v6;
		k += used[i];
	}
	return k;
}

/* ", "-separated addresses of nm whose used[] is want, into buf. */
static void addr_list(const struct xs_named *nm, const bool *used, bool want,
		      char *buf, size_t len)
{
	char ip[XS_ADDR_STRLEN];
	size_t i, pos = 0;

	buf[0] = '\0';
	for (i = 0; i < nm->n && pos < len; i++)
		if (used[i] == want)
			pos += snprintf(buf + pos, len - pos, "%s%s",
					pos ? ", " : "",
					xs_addr_fmt(&nm->a[i], ip));
}

void xs_name_say(const struct xs_named *nm, const bool *used)
{
	char list[XS_NAME_ADDRS_MAX * (XS_ADDR_STRLEN + 2)];

	/* Once, at start: the scan uses these addresses, say which. */
	addr_list(nm, used, true, list, sizeof(list));
	fprintf(stderr, "xdpshake: resolved %s to %s\n", nm->name, list);
	addr_list(nm, used, false, list, sizeof(list));
	if (*list)
		fprintf(stderr,
			"xdpshake: other addresses for %s (not scanned): %s\n",
			nm->name, list);
}

/* A host name: its addresses now, which of them at finalize (targets.h). */
int xs_tgt_add_name(struct xs_targets *t, const char *name, bool exclude,
		    const char *kind, char *errbuf, size_t errlen)
{
	xs_resolve_fn resolve = t->resolve ?: xs_resolve_name;
	struct xs_named *nm;
	char why[160];
	int err;

	if (t->n_names == t->cap_names) {
		size_t ncap = t->cap_names ? t->cap_names * 2 : 4;

		nm = realloc(t->names, ncap * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		t->names = nm;
		t->cap_names = ncap;
	}
	nm = &t->names[t->n_names];
	memset(nm, 0, sizeof(*nm));
	err = resolve(name, nm->a, XS_NAME_ADDRS_MAX, &nm->n, why, sizeof(why));
	if (err) {
		if (err == -EINVAL)
			xs_tgt_seterr(errbuf, errlen, "%s '%s': %s", kind, name,
				      why);
		return err;
	}
	nm->name = strdup(name);
	if (!nm->name)
		return -ENOMEM;
	nm->exclude = exclude;
	t->n_names++;
	return 0;
}

/* The names' addresses as one-address ranges, said once (targets.h). */
int xs_tgt_apply_names(struct xs_targets *t)
{
	bool used[XS_NAME_ADDRS_MAX];
	struct xs_named *nm;
	size_t i, k;
	int err = 0;

	for (i = 0; i < t->n_names && !err; i++) {
		nm = &t->names[i];
		xs_name_pick(nm->a, nm->n, t->name_families, nm->exclude, used);
		xs_name_say(nm, used);
		for (k = 0; k < nm->n && !err; k++) {
			struct xs_range r = { nm->a[k], nm->a[k] };

			if (!used[k])
				continue;
			err = nm->exclude ? xs_tgt_push(&t->exc, &t->n_exc,
							&t->cap_exc, r) :
					    xs_tgt_push(&t->inc, &t->n_inc,
							&t->cap_inc, r);
		}
	}
	for (i = 0; i < t->n_names; i++)
		free(t->names[i].name);
	t->n_names = 0;
	return err;
}

/*
 * One line of a file into specs: '#' starts a comment, space and commas
 * separate specs, but space next to '-' or '/' belongs to the spec
 * ("10.0.0.1 - 10.0.0.9").  Returns the specs as one comma list in place.
 */
static char *line_specs(char *line)
{
	char *hash = strchr(line, '#'), *r, *w = line;
	bool pending = false; /* a separator seen, not yet written */

	if (hash)
		*hash = '\0';
	for (r = line; *r; r++) {
		if (isspace((unsigned char)*r) || *r == ',') {
			pending = true;
			continue;
		}
		if (pending && w > line && w[-1] != '-' && w[-1] != '/' &&
		    *r != '-' && *r != '/')
			*w++ = ',';
		pending = false;
		*w++ = *r;
	}
	*w = '\0';
	return line;
}

static int add_lines(struct xs_targets *t, FILE *f, const char *path,
		     bool exclude, char *errbuf, size_t errlen)
{
	char msg[256];
	char *line = NULL, *s;
	size_t cap = 0;
	unsigned long lineno = 0;
	int err = 0;

	while (!err && getline(&line, &cap, f) >= 0) {
		s = line;
		/* A UTF-8 byte order mark, as Windows editors write. */
		if (!lineno++ && !strncmp(s, "\xef\xbb\xbf", 3))
			s += 3;
		s = line_specs(s);
		if (!*s)
			continue;
		err = exclude ? xs_targets_exclude(t, s, msg, sizeof(msg)) :
				xs_targets_add(t, s, msg, sizeof(msg));
		if (err == -EINVAL && errbuf)
			snprintf(errbuf, errlen, "%s:%lu: %s", path, lineno,
				 msg);
	}
	free(line);
	return err;
}

static int add_file(struct xs_targets *t, const char *path, bool exclude,
		    char *errbuf, size_t errlen)
{
	const char *what = exclude ? "exclude file" : "target file";
	bool in = !strcmp(path, "-");
	FILE *f = in ? stdin : fopen(path, "r");
	int err;

	if (!f) {
		err = -errno;
		if (errbuf)
			snprintf(errbuf, errlen, "cannot open %s '%s': %s",
				 what, path, strerror(-err));
		return err;
	}
	err = add_lines(t, f, in ? "standard input" : path, exclude, errbuf,
			errlen);
	/* getline() returns -1 both at the end and on errors (a directory
	 * opens fine and fails here with EISDIR). */
	if (!err && ferror(f)) {
		err = errno ? -errno : -EIO;
		if (errbuf)
			snprintf(errbuf, errlen, "cannot read %s '%s': %s",
				 what, path, strerror(-err));
	}
	if (!in)
		fclose(f);
	return err;
}

int xs_targets_add_file(struct xs_targets *t, const char *path, char *errbuf,
			size_t errlen)
{
	return add_file(t, path, false, errbuf, errlen);
}

int xs_targets_exclude_file(struct xs_targets *t, const char *path,
			    char *errbuf, size_t errlen)
{
	return add_file(t, path, true, errbuf, errlen);
}
