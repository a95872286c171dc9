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

int xs_resolve_name(const char *name, uint32_t *addrs, size_t max, size_t *n,
		    char *errbuf, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char list[128] = "", ip[16];
	size_t i, len = 0;
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
		uint32_t a =
			((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr;

		for (i = 0; i < *n && addrs[i] != a; i++)
			;
		if (i < *n)
			continue;
		addrs[(*n)++] = a;
		xs_fmt_ipv4(a, ip);
		if (len < sizeof(list))
			len += snprintf(list + len, sizeof(list) - len, "%s%s",
					*n > 1 ? ", " : "", ip);
	}
	freeaddrinfo(res);
	/* Once, at start: the scan uses these addresses, say which. */
	fprintf(stderr, "xdpshake: resolved %s to %s\n", name, list);
	return 0;
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
