/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The JSON writer: see json.h for what it writes and why it is our own.
 *
 * Output is gathered in the writer's own buffer and handed to stdio by
 * one fwrite per line (per XS_JW_BUF bytes of a longer one), under the
 * FILE's lock from the start of a top-level value to its end: a call per
 * field or per byte into libio costs more than the JSON itself, and lines
 * from several threads stay whole.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "json.h"

static void flush(struct xs_jw *w)
{
	if (w->len)
		fwrite_unlocked(w->buf, 1, w->len, w->f);
	w->len = 0;
}

static void put(struct xs_jw *w, char c)
{
	if (w->len == sizeof(w->buf))
		flush(w);
	w->buf[w->len++] = c;
}

static void put_n(struct xs_jw *w, const void *s, size_t n)
{
	const char *p = s;
	size_t k;

	while (n) {
		if (w->len == sizeof(w->buf))
			flush(w);
		k = sizeof(w->buf) - w->len;
		k = k < n ? k : n;
		memcpy(w->buf + w->len, p, k);
		w->len += k;
		p += k;
		n -= k;
	}
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629 section 4,
 * the Unicode Standard's table 3-7: E0 takes A0..BF next, ED 80..9F,
 * F0 90..BF, F4 80..8F), or 0 with *bad
 * set to the length of its maximal ill-formed subpart, which is >= 1.
 */
size_t xs_utf8_len(const uint8_t *s, size_t n, size_t *bad)
{
	uint8_t c = s[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else {
		/* 80..C1 (a stray continuation, an overlong lead), F5..FF */
		*bad = 1;
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

/* The escape for an ASCII byte, or NULL if it stands as it is. */
static const char *ascii_escape(uint8_t c, char buf[8])
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	}
	if (c >= 0x20)
		return NULL;
	memcpy(buf, "\\u00", 4);
	buf[4] = hex[c >> 4];
	buf[5] = hex[c & 0xf];
	buf[6] = '\0';
	return buf;
}

/* The string literal: runs of bytes that stand as they are are copied
 * in one go. */
static void quote(struct xs_jw *w, const uint8_t *s, size_t n)
{
	size_t i = 0, run = 0, len, bad;
	const char *esc;
	char buf[8];

	put(w, '"');
	while (i < n) {
		if (s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' &&
		    s[i] != '\\') {
			i++;
			continue;
		}
		if (s[i] < 0x80) {
			esc = ascii_escape(s[i], buf);
			len = 1;
		} else {
			len = xs_utf8_len(s + i, n - i, &bad);
			esc = len ? NULL : "\\ufffd";
			len = len ? len : bad;
		}
		if (esc) {
			put_n(w, s + run, i - run);
			put_n(w, esc, strlen(esc));
			run = i + len;
		}
		i += len;
	}
	put_n(w, s + run, n - run);
	put(w, '"');
}

void xs_json_quote(FILE *f, const void *s, size_t n)
{
	struct xs_jw w;

	xs_jw_init(&w, f);
	flockfile(f);
	quote(&w, s, n);
	flush(&w);
	funlockfile(f);
}

/* Not a memset: buf needs no clearing. */
void xs_jw_init(struct xs_jw *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->has_item = 0;
	w->is_array = 0;
	w->named = false;
	w->len = 0;
}

/* Before any value or name: the comma, and the lock for a new line. */
static void begin(struct xs_jw *w, bool is_name)
{
	uint32_t bit = 1u << w->depth;

	if (w->named) {
		assert(!is_name);
		w->named = false;
		return;
	}
	/* Inside an object every value has a name; an array has none. */
	assert(!w->depth || is_name == !(w->is_array & bit));
	if (!w->depth)
		flockfile(w->f);
	else if (w->has_item & bit)
		put(w, ',');
	w->has_item |= bit;
}

/* After a value: a top-level one is a whole line. */
static void done(struct xs_jw *w)
{
	if (w->depth)
		return;
	put(w, '\n');
	flush(w);
	funlockfile(w->f);
}

static void open_level(struct xs_jw *w, char c, bool array)
{
	uint32_t bit;

	begin(w, false);
	assert(w->depth < XS_JW_DEPTH_MAX);
	put(w, c);
	w->depth++;
	bit = 1u << w->depth;
	w->has_item &= ~bit;
	if (array)
		w->is_array |= bit;
	else
		w->is_array &= ~bit;
}

static void close_level(struct xs_jw *w, char c, bool array)
{
	assert(w->depth && !w->named);
	assert(!(w->is_array & (1u << w->depth)) == !array);
	put(w, c);
	w->depth--;
	done(w);
}

void xs_jw_start_object(struct xs_jw *w)
{
	open_level(w, '{', false);
}

void xs_jw_end_object(struct xs_jw *w)
{
	close_level(w, '}', false);
}

void xs_jw_start_array(struct xs_jw *w)
{
	open_level(w, '[', true);
}

void xs_jw_end_array(struct xs_jw *w)
{
	close_level(w, ']', true);
}

void xs_jw_name(struct xs_jw *w, const char *name)
{
	assert(w->depth);
	begin(w, true);
	quote(w, (const uint8_t *)name, strlen(name));
	put(w, ':');
	w->named = true;
}

void xs_jw_string_len(struct xs_jw *w, const void *s, size_t n)
{
	begin(w, false);
	quote(w, s, n);
	done(w);
}

void xs_jw_string(struct xs_jw *w, const char *s)
{
	if (s)
		xs_jw_string_len(w, s, strlen(s));
	else
		xs_jw_null(w);
}

/* A token that needs no escaping: a number, true, false, null. */
static void token(struct xs_jw *w, const char *s, size_t n)
{
	begin(w, false);
	put_n(w, s, n);
	done(w);
}

void xs_jw_uint(struct xs_jw *w, uint64_t v)
{
	char buf[24];
	char *p = buf + sizeof(buf);

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	token(w, p, buf + sizeof(buf) - p);
}

void xs_jw_int(struct xs_jw *w, int64_t v)
{
	char buf[24];
	char *p = buf + sizeof(buf);
	/* The magnitude in unsigned arithmetic: -INT64_MIN overflows. */
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = '0' + m % 10;
		m /= 10;
	} while (m);
	if (v < 0)
		*--p = '-';
	token(w, p, buf + sizeof(buf) - p);
}

void xs_jw_double(struct xs_jw *w, double v, int decimals)
{
	char buf[64];
	int n;

	if (!isfinite(v)) {
		xs_jw_null(w);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	/* Too large for the buffer (over 1e40 or so): in exponent form,
	 * which is a JSON number too. */
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = snprintf(buf, sizeof(buf), "%.17g", v);
	token(w, buf, n);
}

void xs_jw_bool(struct xs_jw *w, bool v)
{
	if (v)
		token(w, "true", 4);
	else
		token(w, "false", 5);
}

void xs_jw_null(struct xs_jw *w)
{
	token(w, "null", 4);
}

void xs_jw_hex(struct xs_jw *w, const void *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = b;
	size_t i;

	begin(w, false);
	put(w, '"');
	for (i = 0; i < n; i++) {
		put(w, hex[p[i] >> 4]);
		put(w, hex[p[i] & 0xf]);
	}
	put(w, '"');
	done(w);
}

/* RFC 4648 section 4: three bytes to four characters, '=' pads the last
 * group. */
void xs_jw_base64(struct xs_jw *w, const void *b, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"abcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t *p = b;
	uint32_t v;
	size_t i;

	begin(w, false);
	put(w, '"');
	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		put(w, a[v >> 18]);
		put(w, a[(v >> 12) & 0x3f]);
		put(w, i + 1 < n ? a[(v >> 6) & 0x3f] : '=');
		put(w, i + 2 < n ? a[v & 0x3f] : '=');
	}
	put(w, '"');
	done(w);
}

void xs_jw_string_field(struct xs_jw *w, const char *name, const char *s)
{
	xs_jw_name(w, name);
	xs_jw_string(w, s);
}

void xs_jw_string_len_field(struct xs_jw *w, const char *name, const void *s,
			    size_t n)
{
	xs_jw_name(w, name);
	xs_jw_string_len(w, s, n);
}

void xs_jw_uint_field(struct xs_jw *w, const char *name, uint64_t v)
{
	xs_jw_name(w, name);
	xs_jw_uint(w, v);
}

void xs_jw_int_field(struct xs_jw *w, const char *name, int64_t v)
{
	xs_jw_name(w, name);
	xs_jw_int(w, v);
}

void xs_jw_double_field(struct xs_jw *w, const char *name, double v,
			int decimals)
{
	xs_jw_name(w, name);
	xs_jw_double(w, v, decimals);
}

void xs_jw_bool_field(struct xs_jw *w, const char *name, bool v)
{
	xs_jw_name(w, name);
	xs_jw_bool(w, v);
}

void xs_jw_null_field(struct xs_jw *w, const char *name)
{
	xs_jw_name(w, name);
	xs_jw_null(w);
}

void xs_jw_hex_field(struct xs_jw *w, const char *name, const void *b, size_t n)
{
	xs_jw_name(w, name);
	xs_jw_hex(w, b, n);
}

void xs_jw_base64_field(struct xs_jw *w, const char *name, const void *b,
			size_t n)
{
	xs_jw_name(w, name);
	xs_jw_base64(w, b, n);
}

void xs_jw_object_field(struct xs_jw *w, const char *name)
{
	xs_jw_name(w, name);
	xs_jw_start_object(w);
}

void xs_jw_array_field(struct xs_jw *w, const char *name)
{
	xs_jw_name(w, name);
	xs_jw_start_array(w);
}
