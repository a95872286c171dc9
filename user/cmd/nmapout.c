/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nmap's XML and grepable formats: see nmapout.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nmapout.h"
#include "results.h"

int xs_nmap_add(struct xs_nmap *m, const struct xs_result *r)
{
	struct xs_nmap_hit *h;
	size_t cap;

	if (m->n == m->cap) {
		cap = m->cap ? 2 * m->cap : 1024;
		h = realloc(m->h, cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		m->h = h;
		m->cap = cap;
	}
	m->h[m->n++] = (struct xs_nmap_hit){
		.daddr = r->daddr,
		.dport = r->dport,
		.ttl = r->ttl,
		.state = xs_result_nmap_state(r),
		.reason = xs_result_reason(r),
	};
	return 0;
}

void xs_nmap_free(struct xs_nmap *m)
{
	free(m->h);
	memset(m, 0, sizeof(*m));
}

static int cmp_hit(const void *a, const void *b)
{
	const struct xs_nmap_hit *x = a, *y = b;
	int c = xs_addr_cmp_family(&x->daddr, &y->daddr);

	if (c)
		return c;
	return (x->dport > y->dport) - (x->dport < y->dport);
}

void xs_nmap_sort(struct xs_nmap *m)
{
	if (m->n)
		qsort(m->h, m->n, sizeof(*m->h), cmp_hit);
}

void xs_xml_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* XML 1.0 has no place for other control characters */
			fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
		}
	}
}

/* nmap's time strings: ctime(3) without its newline. */
static void timestr(time_t t, char buf[32])
{
	size_t n;

	if (!ctime_r(&t, buf)) {
		strcpy(buf, "?");
		return;
	}
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

/* The service's name in /etc/services, as nmap's "table" method. */
static const char *service(uint16_t port)
{
	struct servent se, *res = NULL;
	static __thread char buf[1024];
	static __thread char name[64];

	if (getservbyport_r(htons(port), "tcp", &se, buf, sizeof(buf), &res) ||
	    !res)
		return NULL;
	snprintf(name, sizeof(name), "%s", res->s_name);
	return name;
}

/* Hosts with at least one kept result. */
static uint64_t hosts_up(const struct xs_nmap *m)
{
	uint64_t up = 0;
	size_t i;

	for (i = 0; i < m->n; i++)
		up += !i || !xs_addr_eq(&m->h[i].daddr, &m->h[i - 1].daddr);
	return up;
}

static void xml_port(FILE *f, const struct xs_nmap_hit *h)
{
	const char *svc = service(h->dport);

	fprintf(f,
		"<port protocol=\"tcp\" portid=\"%u\"><state state=\"%s\" reason=\"%s\" reason_ttl=\"%u\"/>",
		h->dport, h->state, h->reason, h->ttl);
	if (svc) {
		fputs("<service name=\"", f);
		xs_xml_escape(f, svc);
		fputs("\" method=\"table\" conf=\"3\"/>", f);
	}
	fputs("</port>\n", f);
}

/* One <host> for the hits [i, j) of one address. */
static void xml_host(FILE *f, const struct xs_nmap *m, size_t i, size_t j,
		     const struct xs_run_info *ri)
{
	char ip[XS_ADDR_STRLEN];

	xs_addr_fmt(&m->h[i].daddr, ip);
	fprintf(f,
		"<host starttime=\"%lld\" endtime=\"%lld\"><status state=\"up\" reason=\"%s\" reason_ttl=\"%u\"/>\n"
		"<address addr=\"%s\" addrtype=\"%s\"/>\n<hostnames>\n</hostnames>\n<ports>",
		(long long)ri->start, (long long)ri->end, m->h[i].reason,
		m->h[i].ttl, ip,
		xs_addr_is_v4(&m->h[i].daddr) ? "ipv4" : "ipv6");
	for (; i < j; i++)
		xml_port(f, &m->h[i]);
	fputs("</ports>\n</host>\n", f);
}

static void xml_head(FILE *f, const struct xs_run_info *ri)
{
	char ts[32];

	timestr(ri->start, ts);
	/* scanner="nmap": nmap.dtd allows no other value (DTD-validating
	 * readers refuse one); the comment, args and version say who wrote
	 * it. */
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
		"<!-- xdpshake %s scan, in nmap's XML format -->\n"
		"<nmaprun scanner=\"nmap\" args=\"",
		ri->version ?: "unknown");
	xs_xml_escape(f, ri->args ?: "xdpshake scan");
	fprintf(f,
		"\" start=\"%lld\" startstr=\"%s\" version=\"%s\" xmloutputversion=\"1.05\">\n"
		"<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"%u\" services=\"",
		(long long)ri->start, ts, ri->version ?: "unknown", ri->nports);
	xs_xml_escape(f, ri->services ?: "");
	fputs("\"/>\n<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n", f);
}

void xs_nmap_xml(FILE *f, const struct xs_nmap *m, const struct xs_run_info *ri)
{
	uint64_t up = hosts_up(m);
	size_t i = 0, j;
	char te[32];

	xml_head(f, ri);
	while (i < m->n) {
		for (j = i + 1;
		     j < m->n && xs_addr_eq(&m->h[j].daddr, &m->h[i].daddr);)
			j++;
		xml_host(f, m, i, j, ri);
		i = j;
	}
	timestr(ri->end, te);
	fprintf(f,
		"<runstats><finished time=\"%lld\" timestr=\"%s\" summary=\"xdpshake done at %s; %llu IP %s (%llu %s up) scanned in %.2f seconds\" elapsed=\"%.2f\" exit=\"%s\"",
		(long long)ri->end, te, te, (unsigned long long)ri->hosts,
		ri->hosts == 1 ? "address" : "addresses",
		(unsigned long long)up, up == 1 ? "host" : "hosts", ri->elapsed,
		ri->elapsed, ri->errmsg ? "error" : "success");
	if (ri->errmsg) {
		fputs(" errormsg=\"", f);
		xs_xml_escape(f, ri->errmsg);
		fputc('"', f);
	}
	fprintf(f,
		"/><hosts up=\"%llu\" down=\"%llu\" total=\"%llu\"/>\n</runstats>\n</nmaprun>\n",
		(unsigned long long)up,
		(unsigned long long)(ri->hosts > up ? ri->hosts - up : 0),
		(unsigned long long)ri->hosts);
}

void xs_nmap_grep_header(FILE *f, const struct xs_run_info *ri)
{
	char ts[32];

	timestr(ri->start, ts);
	fprintf(f, "# xdpshake %s scan initiated %s as: %s\n",
		ri->version ?: "unknown", ts, ri->args ?: "xdpshake scan");
}

/* "Host: IP ()	Ports: 80/open/tcp//http///, ..." for [i, j). */
static void grep_host(FILE *f, const struct xs_nmap *m, size_t i, size_t j)
{
	const char *svc;
	char ip[XS_ADDR_STRLEN];

	xs_addr_fmt(&m->h[i].daddr, ip);
	fprintf(f, "Host: %s ()\tStatus: Up\nHost: %s ()\tPorts: ", ip, ip);
	for (; i < j; i++) {
		svc = service(m->h[i].dport);
		fprintf(f, "%u/%s/tcp//%s///%s", m->h[i].dport, m->h[i].state,
			svc ?: "", i + 1 < j ? ", " : "\n");
	}
}

void xs_nmap_grep(FILE *f, const struct xs_nmap *m,
		  const struct xs_run_info *ri)
{
	uint64_t up = hosts_up(m);
	size_t i = 0, j;
	char te[32];

	while (i < m->n) {
		for (j = i + 1;
		     j < m->n && xs_addr_eq(&m->h[j].daddr, &m->h[i].daddr);)
			j++;
		grep_host(f, m, i, j);
		i = j;
	}
	timestr(ri->end, te);
	fprintf(f,
		"# xdpshake done at %s -- %llu IP %s (%llu %s up) scanned in %.2f seconds\n",
		te, (unsigned long long)ri->hosts,
		ri->hosts == 1 ? "address" : "addresses",
		(unsigned long long)up, up == 1 ? "host" : "hosts",
		ri->elapsed);
}

static int cmp_u16(const void *x, const void *y)
{
	return *(const uint16_t *)x - *(const uint16_t *)y;
}

char *xs_run_services(const uint16_t *port, uint32_t n)
{
	uint16_t *v = malloc(n * sizeof(*v) + 1);
	char *s = malloc(12 * (size_t)n + 1);
	size_t len = 0;
	uint32_t i, j;

	if (!v || !s) {
		free(v);
		free(s);
		return NULL;
	}
	memcpy(v, port, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_u16);
	s[0] = '\0';
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] <= v[j - 1] + 1;)
			j++;
		len += sprintf(s + len, len ? ",%u" : "%u", v[i]);
		if (v[j - 1] != v[i])
			len += sprintf(s + len, "-%u", v[j - 1]);
	}
	free(v);
	return s;
}

char *xs_run_args(const char *cmd, int argc, char **argv)
{
	size_t len = strlen(cmd) + 1;
	char *s;
	int i;

	for (i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, cmd);
	for (i = 1; i < argc; i++)
		strcat(strcat(s, " "), argv[i]);
	return s;
}
