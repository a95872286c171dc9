/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Printing parsed frames: the seed tutorial's sniffer log, and JSON lines.
 *
 * The seed format is reproduced byte for byte, including its Python-isms
 * (a dict repr and a bytes repr for the payload), so the output of
 * `xdpshake connect` can be diffed against the tutorial's log.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "logfmt.h"

#define XS_FLAGS_STR_LEN 32

static void fmt_mac(char out[18], const uint8_t *m)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static void fmt_ip(char out[INET_ADDRSTRLEN], uint32_t addr)
{
	struct in_addr a = { .s_addr = addr };

	if (!inet_ntop(AF_INET, &a, out, INET_ADDRSTRLEN))
		snprintf(out, INET_ADDRSTRLEN, "?");
}

/* Names as the tutorial's sniffer prints them; anything else by number. */
static const char *ethertype_name(uint16_t type, char *buf, size_t len)
{
	switch (type) {
	case 0x0800:
		return "IPv4";
	case 0x0806:
		return "ARP";
	case 0x86dd:
		return "IPv6";
	}
	snprintf(buf, len, "%u", type);
	return buf;
}

static const char *ipproto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 1:
		return "ICMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

/*
 * Python 3's repr() of a bytes object: single quotes unless the data holds
 * a ' and no ", backslash escapes for the quote in use, backslash, \t \n \r,
 * and \xNN (lower case) for every other byte outside printable ASCII.
 */
static void py_bytes_repr(FILE *f, const uint8_t *d, size_t n)
{
	bool has_sq = n && memchr(d, '\'', n);
	bool has_dq = n && memchr(d, '"', n);
	char quote = has_sq && !has_dq ? '"' : '\'';
	size_t i;

	fprintf(f, "b%c", quote);
	for (i = 0; i < n; i++) {
		uint8_t c = d[i];

		if (c == quote || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc(quote, f);
}

static struct timespec now_or(const struct timespec *ts)
{
	struct timespec t;

	if (ts)
		return *ts;
	clock_gettime(CLOCK_REALTIME, &t);
	return t;
}

void xs_log_seed(FILE *f, const struct xs_pkt *p, const struct timespec *ts)
{
	char smac[18], dmac[18], sip[INET_ADDRSTRLEN], dip[INET_ADDRSTRLEN];
	char when[64] = "", eth[8], proto[8], flags[XS_FLAGS_STR_LEN];
	struct timespec t = now_or(ts);
	struct tm tm;

	/* The tutorial's logging datefmt: local time, 12-hour clock, whole
	 * seconds. */
	if (localtime_r(&t.tv_sec, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %I:%M:%S %p", &tm);
	fmt_mac(smac, p->src_mac);
	fmt_mac(dmac, p->dst_mac);
	fmt_ip(sip, p->saddr);
	fmt_ip(dip, p->daddr);

	fprintf(f,
		"%s INFO Source Mac: %s Destination Mac: %s Protocol: %s "
		"Version: %u Type of Service: %u Packet ID: %u TTL: %u "
		"Protocol: %s Source IP: %s Destination IP: %s\n",
		when, smac, dmac,
		ethertype_name(p->ethertype, eth, sizeof(eth)), p->ip_version,
		p->tos, p->ip_id, p->ttl,
		ipproto_name(p->protocol, proto, sizeof(proto)), sip, dip);
	fprintf(f,
		"{'SRC_PORT': %u, 'DEST_PORT': %u, 'SEQ': %" PRIu32
		", 'ACK_NUM': %" PRIu32 ", 'Flags': '%s', 'RESERVE': %u, "
		"'TCP_LENGTH': %u, 'WINDOW': %u, 'CHECKSUM': %u, 'PTR': %u, "
		"'data': ",
		p->sport, p->dport, p->seq, p->ack,
		xs_tcp_flags_str(p->flags, flags, sizeof(flags)), p->reserved,
		p->doff, p->window, p->tcp_csum, p->urg_ptr);
	py_bytes_repr(f, p->payload, p->payload ? p->payload_len : 0);
	fputs("}\n------------------------\n", f);
}

void xs_json_str(FILE *f, const char *s)
{
	const unsigned char *c = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *c; c++) {
		switch (*c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			/* RFC 8259 section 7: control characters must be
			 * escaped; everything else (UTF-8 included) may
			 * pass as it is. */
			if (*c < 0x20)
				fprintf(f, "\\u%04x", *c);
			else
				fputc(*c, f);
		}
	}
	fputc('"', f);
}

/* "SYN|ACK": set flags from the least significant bit up, "" for none. */
static void flags_pipe(char *buf, size_t len, uint8_t flags)
{
	static const char *const names[8] = {
		"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR",
	};
	size_t pos = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < 8; i++) {
		if (!(flags & (1u << i)))
			continue;
		pos += snprintf(buf + pos, len - pos, "%s%s", pos ? "|" : "",
				names[i]);
		if (pos >= len)
			break;
	}
}

static const char *csum_state(const struct xs_pkt *p)
{
	if (xs_tcp_csum(p->saddr, p->daddr, p->tcp, p->tcp_len) == 0)
		return "valid";
	if (xs_tcp_csum_acceptable(p))
		return "partial";
	return "bad";
}

static void json_opts(FILE *f, const struct xs_tcp_opts *o)
{
	const char *sep = "";

	fputs("{", f);
	if (o->has_mss) {
		fprintf(f, "\"mss\":%u", o->mss);
		sep = ",";
	}
	if (o->sack_ok) {
		fprintf(f, "%s\"sack_ok\":true", sep);
		sep = ",";
	}
	if (o->has_ts) {
		fprintf(f, "%s\"ts_val\":%" PRIu32 ",\"ts_ecr\":%" PRIu32, sep,
			o->ts_val, o->ts_ecr);
		sep = ",";
	}
	if (o->has_wscale)
		fprintf(f, "%s\"wscale\":%u", sep, o->wscale);
	fputs("}", f);
}

/*
 * Field names follow the header field names of RFC 791 and RFC 9293 in
 * lower case; every number is a JSON number in host order.  "data" is the
 * payload in lower-case hex, so binary payloads survive any JSON reader.
 * The checksum state tells apart a verified checksum, a CHECKSUM_PARTIAL
 * pseudo-header sum and a bad one, which the bare number cannot.
 */
void xs_log_json(FILE *f, const struct xs_pkt *p, const char *dir,
		 const struct timespec *ts)
{
	xs_log_json_path(f, p, dir, NULL, ts);
}

void xs_log_json_path(FILE *f, const struct xs_pkt *p, const char *dir,
		      const char *path, const struct timespec *ts)
{
	char smac[18], dmac[18], sip[INET_ADDRSTRLEN], dip[INET_ADDRSTRLEN];
	char when[64] = "", flags[48];
	struct timespec t = now_or(ts);
	struct tm tm;
	size_t i;

	if (gmtime_r(&t.tv_sec, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fmt_mac(smac, p->src_mac);
	fmt_mac(dmac, p->dst_mac);
	fmt_ip(sip, p->saddr);
	fmt_ip(dip, p->daddr);
	flags_pipe(flags, sizeof(flags), p->flags);

	fputs("{\"event\":\"packet\"", f);
	if (dir) {
		fputs(",\"dir\":", f);
		xs_json_str(f, dir);
	}
	if (path) {
		fputs(",\"path\":", f);
		xs_json_str(f, path);
	}
	fprintf(f, ",\"time\":\"%s.%09ldZ\",\"ts_ns\":%" PRIu64, when,
		(long)t.tv_nsec,
		(uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec);
	fprintf(f, ",\"src_mac\":\"%s\",\"dst_mac\":\"%s\",\"ethertype\":%u",
		smac, dmac, p->ethertype);
	fprintf(f,
		",\"ip\":{\"version\":%u,\"ihl\":%u,\"tos\":%u,\"tot_len\":%u,"
		"\"id\":%u,\"frag_off\":%u,\"df\":%s,\"ttl\":%u,"
		"\"protocol\":%u,\"csum\":%u,\"saddr\":\"%s\","
		"\"daddr\":\"%s\"}",
		p->ip_version, p->ihl, p->tos, p->tot_len, p->ip_id,
		p->frag_off, p->frag_off & 0x4000 ? "true" : "false", p->ttl,
		p->protocol, p->ip_csum, sip, dip);
	fprintf(f,
		",\"tcp\":{\"sport\":%u,\"dport\":%u,\"seq\":%" PRIu32
		",\"ack\":%" PRIu32 ",\"doff\":%u,\"reserved\":%u,"
		"\"flags\":\"%s\",\"flags_bits\":%u,\"window\":%u,"
		"\"csum\":%u,",
		p->sport, p->dport, p->seq, p->ack, p->doff, p->reserved, flags,
		p->flags, p->window, p->tcp_csum);
	if (p->tcp)
		fprintf(f, "\"csum_state\":\"%s\",", csum_state(p));
	fprintf(f, "\"urg_ptr\":%u,\"options\":", p->urg_ptr);
	json_opts(f, &p->opts);
	fprintf(f, "},\"payload_len\":%zu,\"data\":\"",
		p->payload ? p->payload_len : 0);
	for (i = 0; p->payload && i < p->payload_len; i++)
		fprintf(f, "%02x", p->payload[i]);
	fputs("\"}\n", f);
}
