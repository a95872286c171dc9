/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/json.c: hostile strings (invalid UTF-8, NUL, control
 * bytes, UTF-16 surrogates encoded in UTF-8, overlong forms, code points
 * above U+10FFFF, truncated sequences, a lone 0xFF) escaped to golden
 * bytes; the writer's commas, nesting, numbers, hex and base64; write
 * errors left visible to the caller; and every output accepted by Python's
 * strict parser, which also decodes each hostile input itself with
 * bytes.decode("utf-8", "replace") and must get the same string back.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "json.h"

struct hostile {
	const char *name;
	const char *in;
	size_t len;
	const char *want; /* the literal, quotes included */
};

#define H(name, in, want)                      \
	{                                      \
		name, in, sizeof(in) - 1, want \
	}

/* \ufffd in a want is the six ASCII characters the writer puts in place of
 * each maximal ill-formed subpart. */
static const struct hostile cases[] = {
	H("empty", "", "\"\""),
	H("utf8_2_3_byte", "caf\xc3\xa9 \xe2\x98\x83",
	  "\"caf\xc3\xa9 \xe2\x98\x83\""),
	H("utf8_4_byte", "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""),
	H("utf8_max_scalar", "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""),
	H("utf8_bounds",
	  "\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80",
	  "\"\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\""),
	H("input_fffd_kept", "\xef\xbf\xbd", "\"\xef\xbf\xbd\""),
	H("line_separator", "\xe2\x80\xa8", "\"\xe2\x80\xa8\""),
	H("lone_ff", "\xff", "\"\\ufffd\""),
	H("token_with_ff", "10.0.0.\xff:80", "\"10.0.0.\\ufffd:80\""),
	H("lone_fe_f5", "\xfe\xf5", "\"\\ufffd\\ufffd\""),
	H("nul_inside", "a\0b", "\"a\\u0000b\""),
	H("nul_only", "\0", "\"\\u0000\""),
	H("short_escapes", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""),
	H("control_bytes", "\x01\x1b\x1f\x7f", "\"\\u0001\\u001b\\u001f\x7f\""),
	H("quote_backslash", "\"\\/", "\"\\\"\\\\/\""),
	H("ssh_banner", "SSH-2.0-OpenSSH_9.2\r\n",
	  "\"SSH-2.0-OpenSSH_9.2\\r\\n\""),
	H("surrogate_high", "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""),
	H("surrogate_low", "\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\""),
	H("surrogate_pair", "\xed\xa0\xbd\xed\xb8\x80",
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""),
	H("overlong_2", "\xc0\xaf", "\"\\ufffd\\ufffd\""),
	H("overlong_nul", "\xc0\x80", "\"\\ufffd\\ufffd\""),
	H("overlong_c1", "\xc1\xbf", "\"\\ufffd\\ufffd\""),
	H("overlong_3", "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\""),
	H("overlong_4", "\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),
	H("above_10ffff", "\xf4\x90\x80\x80",
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),
	H("lead_f5", "\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""),
	H("five_byte", "\xf8\x88\x80\x80\x80",
	  "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""),
	H("truncated_at_end", "ab\xe2\x98", "\"ab\\ufffd\""),
	H("truncated_then_ascii",
	  "\xe2\x98"
	  "A",
	  "\"\\ufffdA\""),
	H("truncated_4", "\xf0\x9f\x98 ", "\"\\ufffd \""),
	H("truncated_2", "\xc3", "\"\\ufffd\""),
	H("truncated_then_lead", "\xe2\xc3\xa9", "\"\\ufffd\xc3\xa9\""),
	H("stray_continuation", "\x80", "\"\\ufffd\""),
	H("stray_pair",
	  "a\xbf\xbf"
	  "b",
	  "\"a\\ufffd\\ufffdb\""),
	H("mixed",
	  "\xff"
	  "caf\xc3\xa9\0\xed\xa0\x80\n",
	  "\"\\ufffdcaf\xc3\xa9\\u0000\\ufffd\\ufffd\\ufffd\\n\""),
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* What stmt wrote to f, a memory stream, as a string to free(). */
#define CAPTURE(out, f, stmt)                            \
	do {                                             \
		size_t len_ = 0;                         \
		FILE *f = open_memstream(&(out), &len_); \
		if (!f) {                                \
			(out) = strdup("");              \
			break;                           \
		}                                        \
		stmt;                                    \
		fclose(f);                               \
	} while (0)

static void test_hostile_golden(void)
{
	size_t i;
	char *out;

	for (i = 0; i < NCASES; i++) {
		TEST_BEGIN(cases[i].name);
		out = NULL;
		CAPTURE(out, f, xs_json_quote(f, cases[i].in, cases[i].len));
		CHECK(!strcmp(out, cases[i].want), "got %s, want %s", out,
		      cases[i].want);
		free(out);
		TEST_END();
	}
}

static void test_writer_shape(void)
{
	const char *want =
		"{\"a\":1,\"b\":{},\"c\":[],\"d\":[[1,2],{\"x\":null}],"
		"\"e\":{\"f\":\"g\",\"h\":[true,false]},\"i\\n\\\"\\ufffd\":\"j\"}\n"
		"[\"k\",null]\n";
	char *out = NULL;
	struct xs_jw w;

	TEST_BEGIN("writer_commas_nesting_lines");
	CAPTURE(out, f, {
		xs_jw_init(&w, f);
		xs_jw_start_object(&w);
		xs_jw_uint_field(&w, "a", 1);
		xs_jw_object_field(&w, "b");
		xs_jw_end_object(&w);
		xs_jw_array_field(&w, "c");
		xs_jw_end_array(&w);
		xs_jw_array_field(&w, "d");
		xs_jw_start_array(&w);
		xs_jw_uint(&w, 1);
		xs_jw_uint(&w, 2);
		xs_jw_end_array(&w);
		xs_jw_start_object(&w);
		xs_jw_null_field(&w, "x");
		xs_jw_end_object(&w);
		xs_jw_end_array(&w);
		xs_jw_object_field(&w, "e");
		xs_jw_string_field(&w, "f", "g");
		xs_jw_array_field(&w, "h");
		xs_jw_bool(&w, true);
		xs_jw_bool(&w, false);
		xs_jw_end_array(&w);
		xs_jw_end_object(&w);
		/* a name is escaped like any other string */
		xs_jw_string_field(&w, "i\n\"\xff", "j");
		xs_jw_end_object(&w);
		/* a second top-level value is a second line */
		xs_jw_start_array(&w);
		xs_jw_string(&w, "k");
		xs_jw_string(&w, NULL);
		xs_jw_end_array(&w);
	});
	CHECK(!strcmp(out, want), "got %s, want %s", out, want);
	free(out);
	TEST_END();
}

static void test_numbers(void)
{
	const char *want = "{\"u0\":0,\"umax\":18446744073709551615,"
			   "\"i\":-1,\"imin\":-9223372036854775808,"
			   "\"imax\":9223372036854775807,\"d3\":1.500,"
			   "\"d1\":-0.1,\"d0\":3,\"nan\":null,\"inf\":null,"
			   "\"big\":1.0000000000000001e+300}\n";
	char *out = NULL;
	struct xs_jw w;

	TEST_BEGIN("writer_numbers");
	CAPTURE(out, f, {
		xs_jw_init(&w, f);
		xs_jw_start_object(&w);
		xs_jw_uint_field(&w, "u0", 0);
		xs_jw_uint_field(&w, "umax", UINT64_MAX);
		xs_jw_int_field(&w, "i", -1);
		xs_jw_int_field(&w, "imin", INT64_MIN);
		xs_jw_int_field(&w, "imax", INT64_MAX);
		xs_jw_double_field(&w, "d3", 1.5, 3);
		xs_jw_double_field(&w, "d1", -0.1, 1);
		xs_jw_double_field(&w, "d0", 3.0, 0);
		xs_jw_double_field(&w, "nan", NAN, 3);
		xs_jw_double_field(&w, "inf", -INFINITY, 3);
		xs_jw_double_field(&w, "big", 1e300, 3);
		xs_jw_end_object(&w);
	});
	CHECK(!strcmp(out, want), "got %s, want %s", out, want);
	free(out);
	TEST_END();
}

/* A line several times XS_JW_BUF long, escapes falling on every offset of
 * the buffer's boundary: the same bytes as a short one, repeated. */
static void test_long_line(void)
{
	static const char piece[] = "ab\xff"
				    "c\xc3\xa9\n";
	static const char piece_out[] = "ab\\ufffdc\xc3\xa9\\n";
	/* 13 bytes out per piece, coprime to XS_JW_BUF (512): the escapes
	 * fall at every offset of the buffer. */
	size_t reps = XS_JW_BUF + 7, i, n = sizeof(piece) - 1;
	size_t m = sizeof(piece_out) - 1;
	char *in = malloc(reps * n + 1), *want = malloc(reps * m + 4);
	char *out = NULL;
	struct xs_jw w;

	TEST_BEGIN("long_line_across_buffer");
	CHECK(in && want, "out of memory");
	if (in && want) {
		want[0] = '"';
		for (i = 0; i < reps; i++) {
			memcpy(in + i * n, piece, n);
			memcpy(want + 1 + i * m, piece_out, m);
		}
		in[reps * n] = '\0';
		strcpy(want + 1 + reps * m, "\"\n");
		CAPTURE(out, f, {
			xs_jw_init(&w, f);
			xs_jw_string(&w, in);
		});
		CHECK(!strcmp(out, want), "got %zu bytes, want %zu",
		      strlen(out), strlen(want));
		free(out);
	}
	free(in);
	free(want);
	TEST_END();
}

/* RFC 4648 section 10's test vectors, and bytes that are not text. */
static void test_base64_hex(void)
{
	static const char *const b64[] = {
		"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy",
	};
	static const uint8_t bin[] = { 0x00, 0xff, 0xfe, 0x80, 0x3f };
	char *out, want[32];
	struct xs_jw w;
	size_t i;

	TEST_BEGIN("base64_rfc4648_vectors");
	for (i = 0; i < 7; i++) {
		out = NULL;
		CAPTURE(out, f, {
			xs_jw_init(&w, f);
			xs_jw_base64(&w, "foobar", i);
		});
		snprintf(want, sizeof(want), "\"%s\"\n", b64[i]);
		CHECK(!strcmp(out, want), "%zu bytes: got %s, want %s", i, out,
		      want);
		free(out);
	}
	TEST_END();

	TEST_BEGIN("base64_hex_binary");
	out = NULL;
	CAPTURE(out, f, {
		xs_jw_init(&w, f);
		xs_jw_start_object(&w);
		xs_jw_base64_field(&w, "banner_b64", bin, sizeof(bin));
		xs_jw_hex_field(&w, "data", bin, sizeof(bin));
		xs_jw_hex_field(&w, "none", NULL, 0);
		xs_jw_end_object(&w);
	});
	CHECK(!strcmp(out, "{\"banner_b64\":\"AP/+gD8=\","
			   "\"data\":\"00fffe803f\",\"none\":\"\"}\n"),
	      "got %s", out);
	free(out);
	TEST_END();
}

/* The writer writes; a full disk shows in the FILE, where the caller
 * looks (fflush, ferror). */
static void test_write_error_visible(void)
{
	FILE *f = fopen("/dev/full", "w");
	struct xs_jw w;
	int i;

	TEST_BEGIN("write_error_left_to_caller");
	CHECK(f, "cannot open /dev/full");
	if (f) {
		xs_jw_init(&w, f);
		for (i = 0; i < 3; i++) {
			xs_jw_start_object(&w);
			xs_jw_string_field(&w, "event", "result");
			xs_jw_end_object(&w);
		}
		CHECK(fflush(f) == EOF, "fflush on /dev/full succeeded");
		CHECK(ferror(f), "no error indicator after a failed write");
		fclose(f);
	}
	TEST_END();
}

/*
 * Python reads the lines as bytes, decodes them as strict UTF-8 (which
 * raises on any invalid byte) and parses them with json.loads; for the
 * hostile lines it decodes the input itself, from in_b64, with
 * errors="replace" and wants the same string as the writer's.
 */
static const char *const py_check =
	"python3 -c '\n"
	"import base64, json, sys\n"
	"n = 0\n"
	"for raw in sys.stdin.buffer:\n"
	"    o = json.loads(raw.decode(\"utf-8\"))\n"
	"    if isinstance(o, dict) and \"in_b64\" in o:\n"
	"        want = base64.b64decode(o[\"in_b64\"], validate=True)\n"
	"        want = want.decode(\"utf-8\", \"replace\")\n"
	"        if o[\"out\"] != want:\n"
	"            print(\"FAIL: python_strict_parse: %s: %r, python %r\"\n"
	"                  % (o[\"name\"], o[\"out\"], want))\n"
	"            sys.exit(1)\n"
	"    n += 1\n"
	"sys.exit(0 if n == int(sys.argv[1]) else 2)\n"
	"' ";

static void write_python_input(FILE *f)
{
	struct xs_jw w;
	size_t i;

	xs_jw_init(&w, f);
	for (i = 0; i < NCASES; i++) {
		xs_jw_start_object(&w);
		xs_jw_string_field(&w, "name", cases[i].name);
		xs_jw_base64_field(&w, "in_b64", cases[i].in, cases[i].len);
		xs_jw_string_len_field(&w, "out", cases[i].in, cases[i].len);
		/* the same bytes as a name, and nested */
		xs_jw_array_field(&w, "nested");
		xs_jw_start_object(&w);
		xs_jw_string_len_field(&w, cases[i].in, "v", 1);
		xs_jw_double_field(&w, "nan", NAN, 1);
		xs_jw_int_field(&w, "neg", INT64_MIN);
		xs_jw_end_object(&w);
		xs_jw_end_array(&w);
		xs_jw_end_object(&w);
	}
}

static void test_python_strict(void)
{
	char cmd[1024];
	FILE *p;
	int rc;

	TEST_BEGIN("python_strict_parse");
	if (system("command -v python3 >/dev/null 2>&1")) {
		TEST_SKIP("python3 not installed (make deps installs it)");
		TEST_END();
		return;
	}
	snprintf(cmd, sizeof(cmd), "%s%zu", py_check, NCASES);
	p = popen(cmd, "w");
	CHECK(p, "cannot run python3");
	if (p) {
		write_python_input(p);
		rc = pclose(p);
		CHECK(rc == 0, "python3 rejected the output (status %d)", rc);
	}
	TEST_END();
}

int main(void)
{
	test_hostile_golden();
	test_writer_shape();
	test_numbers();
	test_long_line();
	test_base64_hex();
	test_write_error_visible();
	test_python_strict();
	return TEST_EXIT();
}
