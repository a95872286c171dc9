/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One JSON writer for every JSON output: a streaming writer to a FILE* in
 * the spirit of bpftool's json_writer, which does the commas, the nesting
 * and the escaping, so that no caller builds JSON by hand.
 *
 * Why our own and not json-c or jansson: json-c passes bytes that are not
 * UTF-8 through as they are, which makes the document invalid JSON (a
 * banner or a user's token can hold any byte); and result lines at 300k/s
 * want a writer that streams into a FILE* and allocates nothing per object,
 * where both libraries build a tree first.  Everything here is pure stdio:
 * no kernel, libbpf or CLI dependency.
 *
 * Strings are written as RFC 8259 requires:
 *   - valid UTF-8 (RFC 3629: no overlong forms, no UTF-16 surrogates
 *     U+D800..U+DFFF encoded in UTF-8, nothing above U+10FFFF) passes
 *     through unchanged, "café ☃" stays "café ☃";
 *   - every ill-formed sequence becomes one U+FFFD per maximal subpart (the
 *     Unicode Standard's recommended practice, chapter 3, "U+FFFD
 *     Substitution of Maximal Subparts", which is also what Python's
 *     bytes.decode("utf-8", "replace") does), written as the escape
 *     \ufffd: a replacement we made is then visible in the raw output and
 *     not confused with a U+FFFD that was in the input (that one passes
 *     through as the bytes EF BF BD);
 *   - " and \ are escaped, control characters below 0x20 are \b \f \n \r \t
 *     or \u00xx (lower-case hex), so NUL in a length-delimited string is
 *     \u0000; / and DEL are left as they are.
 * Binary data that must survive exactly (a banner) goes in a base64 field
 * (RFC 4648 section 4: the standard alphabet with '=' padding) next to the
 * readable string: a third larger where hex doubles it, decoded by every
 * language's standard library, and its alphabet needs no JSON escaping.
 *
 * Every complete top-level value ends with a newline (JSON lines), and is
 * written under the FILE's lock (flockfile), so that lines from several
 * threads never interleave.  The writer buffers a value until it is
 * complete (up to XS_JW_BUF bytes at a time): do not write to the FILE
 * by other means while a value is open.  Numbers with a fraction use "%.*f" in the C
 * locale (xdpshake never calls setlocale); NaN and infinities, which JSON
 * cannot hold, are written as null.
 *
 * Write errors are not hidden and not reported here either: they stay in
 * the FILE's error indicator, and the caller checks ferror()/fflush() where
 * it decides what a failed write means (exit 6).  Misuse (a value without
 * a name inside an object, a name inside an array, unbalanced ends, more
 * than XS_JW_DEPTH_MAX levels) is a programming error and asserts.
 */
#ifndef XS_JSON_H
#define XS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define XS_JW_DEPTH_MAX 16
#define XS_JW_BUF 512

/* The whole writer state: lives on the caller's stack, nothing to free. */
struct xs_jw {
	FILE *f;
	unsigned int depth; /* open objects and arrays */
	uint32_t has_item; /* bit d: level d holds an element already */
	uint32_t is_array; /* bit d: level d is an array */
	bool named; /* a name was written, its value comes next */
	size_t len; /* bytes in buf, not yet handed to f */
	char buf[XS_JW_BUF];
};

void xs_jw_init(struct xs_jw *w, FILE *f);

void xs_jw_start_object(struct xs_jw *w);
void xs_jw_end_object(struct xs_jw *w);
void xs_jw_start_array(struct xs_jw *w);
void xs_jw_end_array(struct xs_jw *w);
/* The name of the next member of the open object. */
void xs_jw_name(struct xs_jw *w, const char *name);

/* Values: in an array as they are, in an object after xs_jw_name(). */
void xs_jw_string(struct xs_jw *w, const char *s); /* NULL: null */
void xs_jw_string_len(struct xs_jw *w, const void *s, size_t n);
void xs_jw_uint(struct xs_jw *w, uint64_t v);
void xs_jw_int(struct xs_jw *w, int64_t v);
void xs_jw_double(struct xs_jw *w, double v, int decimals);
void xs_jw_bool(struct xs_jw *w, bool v);
void xs_jw_null(struct xs_jw *w);
void xs_jw_hex(struct xs_jw *w, const void *b, size_t n); /* lower case */
void xs_jw_base64(struct xs_jw *w, const void *b, size_t n);

/* A member in one call: xs_jw_name() and the value. */
void xs_jw_string_field(struct xs_jw *w, const char *name, const char *s);
void xs_jw_string_len_field(struct xs_jw *w, const char *name, const void *s,
			    size_t n);
void xs_jw_uint_field(struct xs_jw *w, const char *name, uint64_t v);
void xs_jw_int_field(struct xs_jw *w, const char *name, int64_t v);
void xs_jw_double_field(struct xs_jw *w, const char *name, double v,
			int decimals);
void xs_jw_bool_field(struct xs_jw *w, const char *name, bool v);
void xs_jw_null_field(struct xs_jw *w, const char *name);
void xs_jw_hex_field(struct xs_jw *w, const char *name, const void *b,
		     size_t n);
void xs_jw_base64_field(struct xs_jw *w, const char *name, const void *b,
			size_t n);
/* The name, and an object or array opened as its value. */
void xs_jw_object_field(struct xs_jw *w, const char *name);
void xs_jw_array_field(struct xs_jw *w, const char *name);

/*
 * The string escaping alone: s[0..n) as one quoted JSON string literal,
 * under f's lock.  For output that is not (yet) built with the writer.
 */
void xs_json_quote(FILE *f, const void *s, size_t n);

/*
 * Length of the well-formed UTF-8 sequence at s[0..n) (n >= 1), or 0 with
 * *bad set to the length (>= 1) of its maximal ill-formed subpart: what
 * the writer replaces by one U+FFFD.  For other text formats (CSV) that
 * must be valid UTF-8 too.
 */
size_t xs_utf8_len(const uint8_t *s, size_t n, size_t *bad);

#endif /* XS_JSON_H */
