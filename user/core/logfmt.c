/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Printing parsed frames: the tutorial log format (the sniffer log of the
 * tutorial xdpshake grew out of), and JSON lines.
 *
 * The tutorial log format is reproduced byte for byte, including its Python-isms
 * (a dict repr and a bytes repr for the payload), so the output of
 * `xdpshake connect` can be diffed against the tutorial's log.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "addr.h"
#include "icmp.h"
#include "json.h"
#include "logfmt.h"

#define XS_FLAGS_STR_LEN 32

static void fmt_mac(char out[18], const uint8_t *m)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static void fmt_ip(char out[XS_ADDR_STRLEN], const struct xs_addr *addr)
{
	xs_addr_fmt(addr, out);
}

struct num_name {
	unsigned int num;
	const char *name;
};

/* The name of num in t, or num in decimal (in buf). */
static const char *name_of(const struct num_name *t, size_t n, unsigned int num,
			   char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	snprintf(buf, len, "%u", num);
	return buf;
}

#define NAME_OF(t, num, buf) \
	name_of(t, sizeof(t) / sizeof(t[0]), num, buf, sizeof(buf))

/* Names as the tutorial's sniffer prints them; anything else by number. */
static const struct num_name ethertypes[] = {
	{ 0x0800, "IPv4" },
	{ 0x0806, "ARP" },
	{ 0x86dd, "IPv6" },
};

/* IANA's keywords for the protocol numbers both families share (IPv4's
 * protocol, IPv6's next header: RFC 8200 4); anything else by number. */
static const struct num_name ipprotos[] = {
	{ 0, "HOPOPT" },     { 1, "ICMP" },	   { 6, "TCP" },
	{ 17, "UDP" },	     { 43, "IPv6-Route" }, { 44, "IPv6-Frag" },
	{ 58, "IPv6-ICMP" }, { 59, "IPv6-NoNxt" }, { 60, "IPv6-Opts" },
};

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

/*
 * Whether an ICMP error's MTU is printed: IPv4's when the router gave one
 * (RFC 1191; old routers send 0), ICMPv6 packet too big's always.
 */
static bool icmp_has_mtu(const struct xs_pkt *p)
{
	if (p->ip_version == 6)
		return p->icmp.type == XS_ICMP6_PKT_TOOBIG;
	return p->icmp.mtu != 0;
}

/*
 * The tutorial's log knows only TCP: an ICMP or ICMPv6 error gets a dict
 * of the same style with its type, code, reason and the header it quotes
 * (its upper layer under the family's name: protocol, next header).
 */
static void seed_icmp(FILE *f, const struct xs_pkt *p)
{
	const struct xs_icmp *ic = &p->icmp;
	char qs[XS_ADDR_STRLEN], qd[XS_ADDR_STRLEN];

	fmt_ip(qs, &ic->q_saddr);
	fmt_ip(qd, &ic->q_daddr);
	fprintf(f,
		"{'ICMP_TYPE': %u, 'ICMP_CODE': %u, 'REASON': '%s', "
		"'CHECKSUM': %u, 'QUOTED_SRC': '%s', 'QUOTED_DEST': '%s', "
		"'QUOTED_%s': %u",
		ic->type, ic->code,
		xs_icmp_reason(p->ip_version, ic->type, ic->code), ic->csum, qs,
		qd, p->ip_version == 6 ? "NEXT_HEADER" : "PROTOCOL",
		ic->q_proto);
	if (ic->q_l4_len >= 4)
		fprintf(f, ", 'QUOTED_SRC_PORT': %u, 'QUOTED_DEST_PORT': %u",
			ic->q_sport, ic->q_dport);
	if (ic->q_l4_len >= 8)
		fprintf(f, ", 'QUOTED_SEQ': %" PRIu32, ic->q_seq);
	if (icmp_has_mtu(p))
		fprintf(f, ", 'MTU': %" PRIu32, ic->mtu);
	fputs("}\n------------------------\n", f);
}

/* The tutorial's logging datefmt: local time, 12-hour clock, whole
 * seconds. */
static void fmt_when(char *buf, size_t len, const struct timespec *ts)
{
	struct timespec t = now_or(ts);
	struct tm tm;

	buf[0] = '\0';
	if (localtime_r(&t.tv_sec, &tm))
		strftime(buf, len, "%Y-%m-%d %I:%M:%S %p", &tm);
}

static void seed_tcp(FILE *f, const struct xs_pkt *p);

void xs_log_tutorial(FILE *f, const struct xs_pkt *p, const struct timespec *ts)
{
	char smac[18], dmac[18], sip[XS_ADDR_STRLEN], dip[XS_ADDR_STRLEN];
	char when[64], eth[8], proto[8];

	fmt_when(when, sizeof(when), ts);
	fmt_mac(smac, p->src_mac);
	fmt_mac(dmac, p->dst_mac);
	fmt_ip(sip, &p->saddr);
	fmt_ip(dip, &p->daddr);

	fprintf(f,
		"%s INFO Source Mac: %s Destination Mac: %s Protocol: %s "
		"Version: %u Type of Service: %u Packet ID: %u TTL: %u "
		"Protocol: %s Source IP: %s Destination IP: %s\n",
		when, smac, dmac, NAME_OF(ethertypes, p->ethertype, eth),
		p->ip_version, p->tos, p->ip_id, p->ttl,
		NAME_OF(ipprotos, p->protocol, proto), sip, dip);
	if (p->is_icmp) {
		seed_icmp(f, p);
		return;
	}
	seed_tcp(f, p);
}

/* The second line of a TCP segment, the same for both families. */
static void seed_tcp(FILE *f, const struct xs_pkt *p)
{
	char flags[XS_FLAGS_STR_LEN];

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

/*
 * packet.c's IPv6 codes as the IPv4 ones of the same fault: the monitor's
 * words for both families, its cut-capture retry on BAD_TOTLEN included.
 */
static enum xs_parse_err view6_err(enum xs_parse_err err)
{
	switch (err) {
	case XS_PARSE_NOT_IP:
	case XS_PARSE_EXT_CHAIN:
		return XS_PARSE_NOT_TCP;
	case XS_PARSE_SHORT_IP6:
		return XS_PARSE_SHORT_IP;
	case XS_PARSE_BAD_VERSION6:
		return XS_PARSE_BAD_VERSION;
	case XS_PARSE_BAD_PLEN:
		return XS_PARSE_BAD_TOTLEN;
	case XS_PARSE_FRAGMENT6:
		return XS_PARSE_FRAGMENT;
	case XS_PARSE_SHORT_ICMP6:
		return XS_PARSE_SHORT_ICMP;
	case XS_PARSE_ICMP6_QUOTE:
		return XS_PARSE_ICMP_QUOTE;
	default:
		return err;
	}
}

enum xs_parse_err xs_parse_frame6(const uint8_t *buf, size_t len,
				  struct xs_pkt *p, struct xs_ip6 *ip6)
{
	enum xs_parse_err err = xs_parse_reply_frame(buf, len, p);

	memset(ip6, 0, sizeof(*ip6));
	if (err == XS_PARSE_SHORT_ETH)
		return err;
	/* An IPv4 frame parses too: not one this view shows. */
	if (p->ethertype != XS_ETH_P_IPV6)
		return XS_PARSE_NOT_TCP;
	ip6->payload_len = p->payload_len6;
	if (p->l3_len > XS_IP6_HLEN)
		ip6->ext_len = p->l3_len - XS_IP6_HLEN;
	/* Past the BPF programs' byte bound: they never deliver it. */
	if (ip6->ext_len > XS_F6_EXT_BYTES)
		return XS_PARSE_NOT_TCP;
	return view6_err(err);
}

/* "TCP", or the chain of next headers: "HOPOPT,IPv6-Opts,TCP". */
static void nh_chain(char *buf, size_t len, const struct xs_pkt *p)
{
	char num[4];
	size_t pos = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i <= p->n_ext && pos < len; i++)
		pos += snprintf(buf + pos, len - pos, "%s%s", i ? "," : "",
				NAME_OF(ipprotos,
					i < p->n_ext ? p->ext_nh[i] :
						       p->protocol,
					num));
}

/*
 * The IPv4 line's layout with IPv6's fields in the same places: Traffic
 * Class for Type of Service, Flow Label for Packet ID, Payload Length,
 * Hop Limit for TTL, Next Header for Protocol.
 */
void xs_log_tutorial6(FILE *f, const struct xs_pkt *p, const struct xs_ip6 *ip6,
		      const struct timespec *ts)
{
	char smac[18], dmac[18], sip[XS_ADDR_STRLEN], dip[XS_ADDR_STRLEN];
	char when[64], nh[XS_F6_EXT_NUM * 12 + 16];

	fmt_when(when, sizeof(when), ts);
	fmt_mac(smac, p->src_mac);
	fmt_mac(dmac, p->dst_mac);
	nh_chain(nh, sizeof(nh), p);
	fprintf(f,
		"%s INFO Source Mac: %s Destination Mac: %s Protocol: IPv6 "
		"Version: 6 Traffic Class: %u Flow Label: %" PRIu32
		" Payload Length: %u Hop Limit: %u Next Header: %s "
		"Source IP: %s Destination IP: %s\n",
		when, smac, dmac, p->tos, p->flow_label, ip6->payload_len,
		p->ttl, nh, xs_addr_fmt(&p->saddr, sip),
		xs_addr_fmt(&p->daddr, dip));
	if (p->is_icmp)
		seed_icmp(f, p);
	else
		seed_tcp(f, p);
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

const char *xs_tcp_csum_state(const struct xs_pkt *p)
{
	if (!p->tcp)
		return NULL;
	if (xs_tcp_csum(&p->saddr, &p->daddr, p->tcp, p->tcp_len) == 0)
		return "valid";
	if (xs_tcp_csum_acceptable(p))
		return "partial";
	return "bad";
}

/* Only the options the frame carried. */
static void json_opts(struct xs_jw *w, const struct xs_tcp_opts *o)
{
	xs_jw_object_field(w, "options");
	if (o->has_mss)
		xs_jw_uint_field(w, "mss", o->mss);
	if (o->sack_ok)
		xs_jw_bool_field(w, "sack_ok", true);
	if (o->has_ts) {
		xs_jw_uint_field(w, "ts_val", o->ts_val);
		xs_jw_uint_field(w, "ts_ecr", o->ts_ecr);
	}
	if (o->has_wscale)
		xs_jw_uint_field(w, "wscale", o->wscale);
	xs_jw_end_object(w);
}

static void json_ip(struct xs_jw *w, const struct xs_pkt *p)
{
	char sip[XS_ADDR_STRLEN], dip[XS_ADDR_STRLEN];

	fmt_ip(sip, &p->saddr);
	fmt_ip(dip, &p->daddr);
	xs_jw_object_field(w, "ip");
	xs_jw_uint_field(w, "version", p->ip_version);
	xs_jw_uint_field(w, "ihl", p->ihl);
	xs_jw_uint_field(w, "tos", p->tos);
	xs_jw_uint_field(w, "tot_len", p->tot_len);
	xs_jw_uint_field(w, "id", p->ip_id);
	xs_jw_uint_field(w, "frag_off", p->frag_off);
	xs_jw_bool_field(w, "df", p->frag_off & 0x4000);
	xs_jw_uint_field(w, "ttl", p->ttl);
	xs_jw_uint_field(w, "protocol", p->protocol);
	xs_jw_uint_field(w, "csum", p->ip_csum);
	xs_jw_string_field(w, "saddr", sip);
	xs_jw_string_field(w, "daddr", dip);
	xs_jw_end_object(w);
}

static void json_tcp(struct xs_jw *w, const struct xs_pkt *p, const char *csum)
{
	char flags[48];

	flags_pipe(flags, sizeof(flags), p->flags);
	xs_jw_object_field(w, "tcp");
	xs_jw_uint_field(w, "sport", p->sport);
	xs_jw_uint_field(w, "dport", p->dport);
	xs_jw_uint_field(w, "seq", p->seq);
	xs_jw_uint_field(w, "ack", p->ack);
	xs_jw_uint_field(w, "doff", p->doff);
	xs_jw_uint_field(w, "reserved", p->reserved);
	xs_jw_string_field(w, "flags", flags);
	xs_jw_uint_field(w, "flags_bits", p->flags);
	xs_jw_uint_field(w, "window", p->window);
	xs_jw_uint_field(w, "csum", p->tcp_csum);
	if (csum)
		xs_jw_string_field(w, "csum_state", csum);
	xs_jw_uint_field(w, "urg_ptr", p->urg_ptr);
	json_opts(w, &p->opts);
	xs_jw_end_object(w);
}

/* An ICMP (RFC 792) or ICMPv6 (RFC 4443) error and the header it quotes. */
static void json_icmp(struct xs_jw *w, const struct xs_pkt *p)
{
	const struct xs_icmp *ic = &p->icmp;
	char qs[XS_ADDR_STRLEN], qd[XS_ADDR_STRLEN];

	fmt_ip(qs, &ic->q_saddr);
	fmt_ip(qd, &ic->q_daddr);
	xs_jw_object_field(w, "icmp");
	xs_jw_uint_field(w, "type", ic->type);
	xs_jw_uint_field(w, "code", ic->code);
	xs_jw_string_field(w, "reason",
			   xs_icmp_reason(p->ip_version, ic->type, ic->code));
	xs_jw_uint_field(w, "csum", ic->csum);
	if (ic->hdr)
		xs_jw_string_field(w, "csum_state",
				   xs_icmp_csum_ok(p) ? "valid" : "bad");
	if (icmp_has_mtu(p))
		xs_jw_uint_field(w, "mtu", ic->mtu);
	xs_jw_object_field(w, "quote");
	xs_jw_string_field(w, "saddr", qs);
	xs_jw_string_field(w, "daddr", qd);
	xs_jw_uint_field(w, p->ip_version == 6 ? "next_header" : "protocol",
			 ic->q_proto);
	if (ic->q_l4_len >= 4) {
		xs_jw_uint_field(w, "sport", ic->q_sport);
		xs_jw_uint_field(w, "dport", ic->q_dport);
	}
	if (ic->q_l4_len >= 8)
		xs_jw_uint_field(w, "seq", ic->q_seq);
	xs_jw_end_object(w);
	xs_jw_end_object(w);
}

/*
 * IPv6 (RFC 8200) under its own field names; "ext_headers" lists the
 * extension headers' next header values in order, "protocol" the upper
 * layer's, as for IPv4.
 */
static void json_ip6(struct xs_jw *w, const struct xs_pkt *p,
		     const struct xs_ip6 *ip6)
{
	char sip[XS_ADDR_STRLEN], dip[XS_ADDR_STRLEN];
	int i;

	xs_jw_object_field(w, "ip");
	xs_jw_uint_field(w, "version", 6);
	xs_jw_uint_field(w, "traffic_class", p->tos);
	xs_jw_uint_field(w, "flow_label", p->flow_label);
	xs_jw_uint_field(w, "payload_len", ip6->payload_len);
	xs_jw_uint_field(w, "next_header", p->next_hdr);
	xs_jw_uint_field(w, "hop_limit", p->ttl);
	xs_jw_string_field(w, "saddr", xs_addr_fmt(&p->saddr, sip));
	xs_jw_string_field(w, "daddr", xs_addr_fmt(&p->daddr, dip));
	xs_jw_array_field(w, "ext_headers");
	for (i = 0; i < p->n_ext; i++)
		xs_jw_uint(w, p->ext_nh[i]);
	xs_jw_end_array(w);
	xs_jw_uint_field(w, "protocol", p->protocol);
	xs_jw_end_object(w);
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

/* The packet object around the family's "ip" and the transport's. */
static void json_packet(FILE *f, const struct xs_pkt *p,
			const struct xs_ip6 *ip6, const char *dir,
			const char *path, const struct timespec *ts)
{
	char smac[18], dmac[18], secs[32] = "", when[64];
	struct timespec t = now_or(ts);
	size_t plen = p->payload ? p->payload_len : 0;
	struct xs_jw w;
	struct tm tm;

	if (gmtime_r(&t.tv_sec, &tm))
		strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when, sizeof(when), "%s.%09ldZ", secs, (long)t.tv_nsec);
	fmt_mac(smac, p->src_mac);
	fmt_mac(dmac, p->dst_mac);

	xs_jw_init(&w, f);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "packet");
	if (dir)
		xs_jw_string_field(&w, "dir", dir);
	if (path)
		xs_jw_string_field(&w, "path", path);
	xs_jw_string_field(&w, "time", when);
	xs_jw_uint_field(&w, "ts_ns",
			 (uint64_t)t.tv_sec * 1000000000u +
				 (uint64_t)t.tv_nsec);
	xs_jw_string_field(&w, "src_mac", smac);
	xs_jw_string_field(&w, "dst_mac", dmac);
	xs_jw_uint_field(&w, "ethertype", p->ethertype);
	xs_jw_string_field(&w, "family", ip6 ? "ipv6" : "ipv4");
	if (ip6)
		json_ip6(&w, p, ip6);
	else
		json_ip(&w, p);
	if (p->is_icmp)
		json_icmp(&w, p);
	else
		json_tcp(&w, p, xs_tcp_csum_state(p));
	xs_jw_uint_field(&w, "payload_len", plen);
	xs_jw_hex_field(&w, "data", p->payload, plen);
	xs_jw_end_object(&w);
}

void xs_log_json_path(FILE *f, const struct xs_pkt *p, const char *dir,
		      const char *path, const struct timespec *ts)
{
	json_packet(f, p, NULL, dir, path, ts);
}

void xs_log_json6(FILE *f, const struct xs_pkt *p, const struct xs_ip6 *ip6,
		  const char *dir, const char *path, const struct timespec *ts)
{
	json_packet(f, p, ip6, dir, path, ts);
}
