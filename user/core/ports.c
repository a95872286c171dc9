/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Port specs (nmap's spellings, services from /etc/services) into a
 * sorted list, and the fingerprint of a finalized target set with its
 * ports (targets.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "targets.h"
#include "targets_priv.h"

/* A TCP service name from /etc/services: "ssh", "http-alt". */
static int service_port(const char *item, uint32_t *lo, uint32_t *hi,
			char *errbuf, size_t errlen)
{
	struct servent *se = getservbyname(item, "tcp");

	if (!se) {
		xs_tgt_seterr(
			errbuf, errlen,
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
		e1 = xs_tgt_parse_dec(item, 65535, lo);
		if (e1 || *lo == 0) {
			xs_tgt_seterr(errbuf, errlen, "port '%s': %s", tok,
				      e1 == -EINVAL ? "not a number" :
						      "out of range 1-65535");
			return -EINVAL;
		}
		*hi = *lo;
		return 0;
	}
	*dash++ = '\0';
	item = xs_tgt_trim(item);
	dash = xs_tgt_trim(dash);
	e1 = *item ? xs_tgt_parse_dec(item, 65535, lo) : (*lo = 1, 0);
	e2 = *dash ? xs_tgt_parse_dec(dash, 65535, hi) : (*hi = 65535, 0);
	if (!e1 && *lo == 0 && *hi)
		*lo = 1;
	if (e1 == -EINVAL || e2 == -EINVAL) {
		bad = e1 == -EINVAL ? item : dash;
		xs_tgt_seterr(errbuf, errlen,
			      "port range '%s': '%s' is not a number", tok,
			      bad);
		return -EINVAL;
	}
	if (e1 || e2 || *lo == 0 || *hi == 0) {
		bad = (e1 || *lo == 0) ? item : dash;
		xs_tgt_seterr(errbuf, errlen,
			      "port range '%s': '%s' is out of range 1-65535",
			      tok, bad);
		return -EINVAL;
	}
	if (*lo > *hi) {
		xs_tgt_seterr(errbuf, errlen,
			      "port range '%s': start after end", tok);
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
	if (!spec || xs_tgt_is_blank(spec)) {
		xs_tgt_seterr(errbuf, errlen, "empty port list");
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
		item = xs_tgt_trim(item);
		if (!*item) {
			xs_tgt_seterr(errbuf, errlen,
				      "port list '%s': empty item", spec);
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
	for (i = 0; i < t->n; i++) {
		const struct xs_range *r = &t->r[i];
		uint64_t lo, hi;

		/* An IPv4 range hashes as it always has (host-order ends),
		 * so state files of IPv4 scans stay valid; IPv6 ends in
		 * full. */
		if (xs_addr_is_v4(&r->lo)) {
			h = fnv1a(h,
				  (uint64_t)ntohl(xs_addr_get_v4(&r->hi))
						  << 32 |
					  ntohl(xs_addr_get_v4(&r->lo)),
				  8);
			continue;
		}
		memcpy(&lo, r->lo.b, 8);
		memcpy(&hi, r->lo.b + 8, 8);
		h = fnv1a(fnv1a(h, lo, 8), hi, 8);
		memcpy(&lo, r->hi.b, 8);
		memcpy(&hi, r->hi.b + 8, 8);
		h = fnv1a(fnv1a(h, lo, 8), hi, 8);
	}
	h = fnv1a(h, p->n, 4);
	for (i = 0; i < p->n; i++)
		h = fnv1a(h, p->port[i], 2);
	return h;
}
