/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Result fields and the line formats: see results.h.
 */
#include <errno.h>
#include <string.h>

#include "icmp.h"
#include "json.h"
#include "results.h"

const char *xs_result_state(const struct xs_result *r)
{
	if (r->icmp)
		return xs_icmp_state_str(
			xs_icmp_state(r->icmp_ver, r->icmp_type, r->icmp_code));
	return r->timeout ? "silent" : r->open ? "open" : "closed";
}

const char *xs_result_nmap_state(const struct xs_result *r)
{
	/* nmap has no "unreachable" nor "silent": both are its filtered */
	return r->icmp || r->timeout ? "filtered" : r->open ? "open" : "closed";
}

/* nmap's reason names for ICMP errors (its -oX "reason" attribute). */
/* nmap's reasons for ICMPv6 (its scan engine's mapping, as nmap 7.93 -6
 * -sS reports them): destination unreachable 0-6 (no route is no-route,
 * not net-unreach; a failed source policy is admin-prohibited), packet
 * too big, time exceeded. */
static const char *nmap_icmp6_reason(uint8_t type, uint8_t code)
{
	static const char *const unreach[7] = {
		"no-route",	"admin-prohibited", "beyond-scope",
		"host-unreach", "port-unreach",	    "admin-prohibited",
		"reject-route",
	};

	if (type == 1)
		return code < 7 ? unreach[code] : "unreach";
	return type == 2 ? "packet-too-big" :
	       type == 3 ? "time-exceeded" :
			   "icmp-error";
}

static const char *nmap_icmp_reason(uint8_t ver, uint8_t type, uint8_t code)
{
	static const char *const unreach[16] = {
		"net-unreach",	     "host-unreach",	 "proto-unreach",
		"port-unreach",	     "frag-needed",	 "source-route-failed",
		"net-unknown",	     "host-unknown",	 "host-isolated",
		"net-prohibited",    "host-prohibited",	 "net-tos-unreach",
		"host-tos-unreach",  "admin-prohibited", "host-precedence",
		"precedence-cutoff",
	};

	if (ver == 6)
		return nmap_icmp6_reason(type, code);
	if (type == 3)
		return code < 16 ? unreach[code] : "unreach";
	return type == 11 ? "time-exceeded" : "icmp-error";
}

const char *xs_result_reason(const struct xs_result *r)
{
	if (r->icmp)
		return nmap_icmp_reason(r->icmp_ver, r->icmp_type,
					r->icmp_code);
	return r->timeout ? "no-response" : r->open ? "syn-ack" : "reset";
}

static void num(struct xs_val *v, uint64_t u, bool present)
{
	v->kind = present ? XS_V_UINT : XS_V_NONE;
	v->u = u;
}

static void flag(struct xs_val *v, bool b)
{
	v->kind = XS_V_BOOL;
	v->u = b;
}

static void str(struct xs_val *v, const char *s)
{
	v->kind = XS_V_STR;
	v->s = s;
	v->len = strlen(s);
}

/* A flag shown only when set (absent otherwise: no JSON field). */
static void mark(struct xs_val *v, bool b)
{
	v->kind = b ? XS_V_BOOL : XS_V_NONE;
	v->u = b;
}

static void bytes(struct xs_val *v, enum xs_val_kind k, const void *b, size_t n,
		  bool present)
{
	v->kind = present ? k : XS_V_NONE;
	v->s = b;
	v->len = n;
}

static void icmp_reason(struct xs_val *v, const struct xs_result *r)
{
	if (r->icmp)
		str(v, xs_icmp_reason(r->icmp_ver, r->icmp_type, r->icmp_code));
	else
		v->kind = XS_V_NONE;
}

static void icmp_from(struct xs_val *v, const struct xs_row *w,
		      const struct xs_result *r)
{
	if (r->icmp)
		str(v, w->icmp_from);
	else
		v->kind = XS_V_NONE;
}

/* Every field, in the order of the formats: X(name, how to get it). */
#define XS_FIELD_LIST(X)                                                \
	X(ip, str(v, w->ip))                                            \
	X(family, str(v, xs_addr_family_str(&r->daddr)))                \
	X(port, num(v, r->dport, true))                                 \
	X(state, str(v, w->state))                                      \
	X(sport, num(v, r->sport, true))                                \
	X(rtt_us, num(v, r->rtt_us, r->has_rtt))                        \
	X(ttl, num(v, r->ttl, true))                                    \
	X(window, num(v, r->window, true))                              \
	X(mss, num(v, r->opts.mss, r->opts.has_mss))                    \
	X(wscale, num(v, r->opts.wscale, r->opts.has_wscale))           \
	X(sack, flag(v, r->opts.sack_ok))                               \
	X(ts, flag(v, r->opts.has_ts))                                  \
	X(time, str(v, w->time))                                        \
	X(banner,                                                       \
	  bytes(v, XS_V_TEXT, r->banner, r->banner_len, r->has_banner)) \
	X(banner_b64,                                                   \
	  bytes(v, XS_V_B64, r->banner, r->banner_len, r->has_banner))  \
	X(icmp_type, num(v, r->icmp_type, r->icmp))                     \
	X(icmp_code, num(v, r->icmp_code, r->icmp))                     \
	X(icmp_reason, icmp_reason(v, r))                               \
	X(icmp_from, icmp_from(v, w, r))                                \
	/* an option list that broke off, parsed as Linux does */       \
	X(options_malformed, mark(v, r->opts.malformed))

#define GETTER(n, expr)                                               \
	static void get_##n(const struct xs_row *w, struct xs_val *v) \
	{                                                             \
		const struct xs_result *r = w->res;                   \
		(void)r;                                              \
		expr;                                                 \
	}
XS_FIELD_LIST(GETTER)
#undef GETTER

#define ENTRY(n, expr) { #n, get_##n },
static const struct xs_field fields[] = { XS_FIELD_LIST(ENTRY) };
#undef ENTRY
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
_Static_assert(NFIELDS <= XS_FIELDS_MAX, "XS_FIELDS_MAX too small");

static int field_index(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (strlen(fields[i].name) == len &&
		    !memcmp(fields[i].name, name, len))
			return (int)i;
	return -1;
}

static void known_names(char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < NFIELDS && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? "," : "",
			      fields[i].name);
}

int xs_fields_parse(const char *list, struct xs_fieldset *fs, char *err,
		    size_t errlen)
{
	const char *p = list, *e;
	char known[256];
	size_t len, j;
	int i;

	fs->n = 0;
	if (!list) {
		for (fs->n = 0; fs->n < NFIELDS; fs->n++)
			fs->idx[fs->n] = fs->n;
		return 0;
	}
	for (;;) {
		e = strchr(p, ',');
		len = e ? (size_t)(e - p) : strlen(p);
		i = field_index(p, len);
		for (j = 0; i >= 0 && j < fs->n; j++)
			if (fs->idx[j] == i)
				i = -2;
		if (i < 0) {
			known_names(known, sizeof(known));
			snprintf(
				err, errlen,
				"--output-fields: %s field '%.*s' (fields: %s)",
				i == -2 ? "repeated" : "unknown", (int)len, p,
				known);
			return -EINVAL;
		}
		fs->idx[fs->n++] = i;
		if (!e)
			return 0;
		p = e + 1;
	}
}

static void json_value(struct xs_jw *w, const struct xs_val *v)
{
	switch (v->kind) {
	case XS_V_UINT:
		xs_jw_uint(w, v->u);
		break;
	case XS_V_BOOL:
		xs_jw_bool(w, v->u);
		break;
	case XS_V_B64:
		xs_jw_base64(w, v->s, v->len);
		break;
	default:
		xs_jw_string_len(w, v->s, v->len);
	}
}

void xs_row_ndjson(FILE *f, const struct xs_row *row,
		   const struct xs_fieldset *fs)
{
	struct xs_val v;
	struct xs_jw w;
	unsigned int i;

	xs_jw_init(&w, f);
	xs_jw_start_object(&w);
	for (i = 0; i < fs->n; i++) {
		fields[fs->idx[i]].get(row, &v);
		if (v.kind == XS_V_NONE)
			continue;
		xs_jw_name(&w, fields[fs->idx[i]].name);
		json_value(&w, &v);
	}
	xs_jw_end_object(&w);
}

/* Text as valid UTF-8: each ill-formed sequence as U+FFFD. */
static void utf8_text(FILE *f, const uint8_t *s, size_t n, bool dquote)
{
	size_t i = 0, len, bad;

	while (i < n) {
		if (s[i] == '"' && dquote)
			fputc('"', f);
		len = xs_utf8_len(s + i, n - i, &bad);
		if (len) {
			fwrite(s + i, 1, len, f);
			i += len;
		} else {
			fputs("\xef\xbf\xbd", f);
			i += bad;
		}
	}
}

void xs_csv_field(FILE *f, const void *s, size_t n, bool text)
{
	bool q = false;
	size_t i;

	for (i = 0; i < n && !q; i++)
		q = strchr(",\"\r\n", ((const char *)s)[i]) &&
		    ((const char *)s)[i];
	if (q)
		fputc('"', f);
	if (text)
		utf8_text(f, s, n, q);
	else
		fwrite(s, 1, n, f);
	if (q)
		fputc('"', f);
}

void xs_csv_header(FILE *f, const struct xs_fieldset *fs)
{
	unsigned int i;

	for (i = 0; i < fs->n; i++)
		fprintf(f, "%s%s", i ? "," : "", fields[fs->idx[i]].name);
	fputc('\n', f);
}

static void csv_value(FILE *f, const struct xs_val *v)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t *p = v->s;
	uint32_t x;
	size_t i;

	switch (v->kind) {
	case XS_V_UINT:
		fprintf(f, "%llu", (unsigned long long)v->u);
		break;
	case XS_V_BOOL:
		fputs(v->u ? "true" : "false", f);
		break;
	case XS_V_STR:
	case XS_V_TEXT:
		xs_csv_field(f, v->s, v->len, true);
		break;
	case XS_V_B64:
		for (i = 0; i < v->len; i += 3) {
			x = p[i] << 16;
			x |= i + 1 < v->len ? p[i + 1] << 8 : 0;
			x |= i + 2 < v->len ? p[i + 2] : 0;
			fputc(b64[x >> 18], f);
			fputc(b64[(x >> 12) & 63], f);
			fputc(i + 1 < v->len ? b64[(x >> 6) & 63] : '=', f);
			fputc(i + 2 < v->len ? b64[x & 63] : '=', f);
		}
		break;
	default:
		break;
	}
}

void xs_row_csv(FILE *f, const struct xs_row *row, const struct xs_fieldset *fs)
{
	struct xs_val v;
	unsigned int i;

	flockfile(f);
	for (i = 0; i < fs->n; i++) {
		if (i)
			fputc(',', f);
		fields[fs->idx[i]].get(row, &v);
		csv_value(f, &v);
	}
	fputc('\n', f);
	funlockfile(f);
}

/* A banner in a list line: printable ASCII, \xNN for the rest. */
static void plain_bytes(FILE *f, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\')
			fputc(b[i], f);
		else
			fprintf(f, "\\x%02x", b[i]);
	}
}

void xs_row_list(FILE *f, const struct xs_row *row)
{
	const struct xs_result *r = row->res;

	flockfile(f);
	fprintf(f, "%s tcp %u %s %ld", row->state, r->dport, row->ip,
		(long)r->ts.tv_sec);
	if (r->icmp)
		fprintf(f, " icmp %u/%u from %s", r->icmp_type, r->icmp_code,
			row->icmp_from);
	if (r->has_banner && r->banner_len) {
		fputc(' ', f);
		plain_bytes(f, r->banner, r->banner_len);
	}
	fputc('\n', f);
	funlockfile(f);
}
