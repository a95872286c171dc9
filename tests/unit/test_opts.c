/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/cmd/opts.c: the decimal parsers against a golden table
 * (base 0 used to read "0x50" and "0120" as 80), and a small option table
 * parsed end to end: defaults, bounds, conflicts, requirements.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "testlib.h"
#include "cli.h"
#include "opts.h"

struct dec_case {
	const char *in;
	uint64_t min, max;
	int rc;
	uint64_t want;
	const char *why;
};

static const struct dec_case dec_cases[] = {
	{ "80", 1, 65535, 0, 80, NULL },
	{ "080", 1, 65535, 0, 80, NULL }, /* leading zero: decimal */
	{ "0120", 1, 65535, 0, 120, NULL }, /* not octal 80 */
	{ "0x50", 1, 65535, -EINVAL, 0, "not a whole decimal number" },
	{ "-1", 0, 65535, -EINVAL, 0, "negative" },
	{ "+1", 0, 65535, -EINVAL, 0, "not a whole decimal number" },
	{ "65536", 1, 65535, -EINVAL, 0, "out of range" },
	{ "0", 1, 65535, -EINVAL, 0, "out of range" },
	{ " 80", 1, 65535, -EINVAL, 0, "not a whole decimal number" },
	{ "80 ", 1, 65535, -EINVAL, 0, "not a whole decimal number" },
	{ "", 1, 65535, -EINVAL, 0, "empty" },
	{ "1e3", 0, 100000, -EINVAL, 0, "not a whole decimal number" },
	{ "0.5", 0, 100000, -EINVAL, 0, "not a whole decimal number" },
	{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX, NULL },
	{ "18446744073709551616", 0, UINT64_MAX, -EINVAL, 0, "out of range" },
	{ "99999999999999999999999", 0, UINT64_MAX, -EINVAL, 0,
	  "out of range" },
	{ "010", 0, 100000000, 0, 10, NULL }, /* --rate 010 used to be 8 */
	{ "08", 0, 100000000, 0, 8, NULL }, /* and --rate 08 refused */
};

static void test_dec(void)
{
	const char *why;
	uint64_t v;
	size_t i;
	int rc;

	TEST_BEGIN("opts_parse_dec_golden");
	for (i = 0; i < sizeof(dec_cases) / sizeof(dec_cases[0]); i++) {
		const struct dec_case *c = &dec_cases[i];

		v = 0;
		why = NULL;
		rc = xs_parse_dec(c->in, c->min, c->max, &v, &why);
		CHECK(rc == c->rc, "'%s': rc %d, want %d", c->in, rc, c->rc);
		if (!c->rc)
			CHECK(v == c->want, "'%s': %llu, want %llu", c->in,
			      (unsigned long long)v,
			      (unsigned long long)c->want);
		else
			CHECK(why && !strcmp(why, c->why),
			      "'%s': why '%s', want '%s'", c->in,
			      why ?: "(null)", c->why);
	}
	TEST_END();
}

static void test_range(void)
{
	const char *why = NULL;
	uint64_t lo = 0, hi = 0;

	TEST_BEGIN("opts_parse_range_golden");
	CHECK_EQ(xs_parse_range("61000-61010", 1, 65535, &lo, &hi, &why), 0);
	CHECK(lo == 61000 && hi == 61010, "61000-61010: %llu-%llu",
	      (unsigned long long)lo, (unsigned long long)hi);
	/* --sports 061000-061010 used to mean 25088-25096 (octal). */
	CHECK_EQ(xs_parse_range("061000-061010", 1, 65535, &lo, &hi, &why), 0);
	CHECK(lo == 61000 && hi == 61010, "061000-061010: %llu-%llu",
	      (unsigned long long)lo, (unsigned long long)hi);
	CHECK_EQ(xs_parse_range("80", 1, 65535, &lo, &hi, &why), 0);
	CHECK(lo == 80 && hi == 80, "80: %llu-%llu", (unsigned long long)lo,
	      (unsigned long long)hi);
	CHECK_EQ(xs_parse_range("1-0", 0, 65535, &lo, &hi, &why), -EINVAL);
	CHECK(why && !strcmp(why, "LO above HI"), "1-0: why '%s'", why);
	CHECK_EQ(xs_parse_range("0x10-0x20", 1, 65535, &lo, &hi, &why),
		 -EINVAL);
	CHECK_EQ(xs_parse_range("1-", 1, 65535, &lo, &hi, &why), -EINVAL);
	CHECK_EQ(xs_parse_range("-5", 1, 65535, &lo, &hi, &why), -EINVAL);
	CHECK_EQ(xs_parse_range("1-65536", 1, 65535, &lo, &hi, &why), -EINVAL);
	TEST_END();
}

/* The address:port operand of connect goes through the same parser. */
static void test_ip_port(void)
{
	uint32_t addr;
	uint16_t port = 0;

	TEST_BEGIN("opts_ip_port_decimal");
	CHECK_EQ(xs_parse_ip_port("10.0.0.2:80", &addr, &port), 0);
	CHECK_EQ(port, 80);
	CHECK_EQ(xs_parse_ip_port("10.0.0.2:0x50", &addr, &port), -EINVAL);
	CHECK_EQ(xs_parse_ip_port("10.0.0.2:0120", &addr, &port), 0);
	CHECK_EQ(port, 120);
	CHECK_EQ(xs_parse_ip_port("10.0.0.2:65536", &addr, &port), -EINVAL);
	TEST_END();
}

struct demo_cfg {
	uint64_t rate;
	uint32_t wait_ms;
	uint16_t lo, hi;
	bool banner;
	int mode;
	const char *out, *xml;
};

static const char *const demo_modes[] = { "a", "b", NULL };

static const struct xs_opt demo_opts[] = {
	{ .name = "rate",
	  .short_name = 'r',
	  .type = XS_OPT_RATE,
	  .metavar = "PPS",
	  .def = "100",
	  .max = 1000,
	  .off = XS_FIELD(struct demo_cfg, rate, uint64_t) },
	{ .name = "wait",
	  .type = XS_OPT_SEC,
	  .metavar = "SEC",
	  .def = "2",
	  .max = 3600,
	  .off = XS_FIELD(struct demo_cfg, wait_ms, uint32_t) },
	{ .name = "sports",
	  .type = XS_OPT_PORT_RANGE,
	  .metavar = "LO-HI",
	  .off = XS_FIELD(struct demo_cfg, lo, uint16_t),
	  .off2 = XS_FIELD(struct demo_cfg, hi, uint16_t) },
	{ .name = "banner",
	  .type = XS_OPT_FLAG,
	  .off = XS_FIELD(struct demo_cfg, banner, bool) },
	{ .name = "syn-only",
	  .type = XS_OPT_SET,
	  .value = 1,
	  .off = XS_INT_FIELD(struct demo_cfg, mode),
	  .conflicts = "banner" },
	{ .name = "banner-timeout",
	  .type = XS_OPT_MS,
	  .metavar = "MS",
	  .max = 10,
	  .off = XS_FIELD(struct demo_cfg, wait_ms, uint32_t),
	  .requires = "banner" },
	{ .name = "mode",
	  .type = XS_OPT_ENUM,
	  .names = demo_modes,
	  .off = XS_INT_FIELD(struct demo_cfg, mode) },
	{ .name = "output",
	  .short_name = 'o',
	  .type = XS_OPT_STRING,
	  .metavar = "FILE",
	  .off = XS_FIELD(struct demo_cfg, out, const char *) },
	XS_ALIAS("max-rate", 'R', "rate", "masscan"),
	XS_ALIAS("banners", 0, "banner", "masscan"),
	{ .name = "oX",
	  .single_dash = true,
	  .type = XS_OPT_STRING,
	  .metavar = "FILE",
	  .off = XS_FIELD(struct demo_cfg, xml, const char *) },
	{}
};

static const struct xs_cmd demo_cmd = { .name = "demo",
					.synopsis = "Usage: demo\n",
					.opts = demo_opts };

static int run(struct demo_cfg *c, int argc, char **argv)
{
	xs_opts_seen_t seen;
	int fd = dup(2), rc;

	/* The error lines are the CLI's business, not the test log's. */
	if (!freopen("/dev/null", "w", stderr))
		return -2;
	*c = (struct demo_cfg){};
	rc = xs_opts_parse(&demo_cmd, argc, argv, c, &seen);
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	return rc;
}

#define ARGV(...) ((char *[]){ "demo", __VA_ARGS__, NULL })
#define ARGC(...) \
	(int)(sizeof((char *[]){ "demo", __VA_ARGS__ }) / sizeof(char *))
#define RUN(c, ...) run(c, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void test_table(void)
{
	struct demo_cfg c;

	TEST_BEGIN("opts_table_parse");
	CHECK_EQ(RUN(&c, "-o", "x"), -1);
	CHECK(c.rate == 100 && c.wait_ms == 2000, "defaults %llu %u",
	      (unsigned long long)c.rate, c.wait_ms);
	CHECK_EQ(RUN(&c, "--rate", "010", "--wait=3", "--sports", "5-6"), -1);
	CHECK(c.rate == 10 && c.wait_ms == 3000 && c.lo == 5 && c.hi == 6,
	      "values %llu %u %u-%u", (unsigned long long)c.rate, c.wait_ms,
	      c.lo, c.hi);
	CHECK_EQ(RUN(&c, "--mode", "b"), -1);
	CHECK_EQ(c.mode, 1);
	CHECK_EQ(RUN(&c, "--mode", "c"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--rate", "0x10"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--rate", "1001"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--syn-only", "--banner"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--banner", "--syn-only"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--banner-timeout", "5"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--banner", "--banner-timeout", "5"), -1);
	CHECK_EQ(RUN(&c, "--no-such"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--rate"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "-x"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--banner=1"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "-o", ""), XS_EXIT_USAGE);
	TEST_END();
}

/* Peers' spellings: the same field, the same bounds and relations, and a
 * note in the usage text. */
static void test_alias(void)
{
	struct demo_cfg c;
	char buf[4096] = "";
	FILE *f;

	TEST_BEGIN("opts_alias");
	CHECK_EQ(RUN(&c, "--max-rate", "7"), -1);
	CHECK_EQ(c.rate, 7);
	CHECK_EQ(RUN(&c, "-R", "8"), -1);
	CHECK_EQ(c.rate, 8);
	CHECK_EQ(RUN(&c, "--max-rate", "1001"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--max-rate"), XS_EXIT_USAGE);
	CHECK_EQ(RUN(&c, "--banners"), -1);
	CHECK(c.banner, "--banners sets banner");
	/* Relations see the alias as its option. */
	CHECK_EQ(RUN(&c, "--banners", "--banner-timeout", "5"), -1);
	CHECK_EQ(RUN(&c, "--syn-only", "--banners"), XS_EXIT_USAGE);
	CHECK(xs_opt_target(&demo_cmd, &demo_opts[8]) == &demo_opts[0],
	      "target of --max-rate");
	f = fmemopen(buf, sizeof(buf) - 1, "w");
	xs_opts_usage(&demo_cmd, f);
	fclose(f);
	CHECK(strstr(buf,
		     "  -R, --max-rate PPS     alias of --rate (masscan)\n"),
	      "usage: %s", buf);
	CHECK(strstr(buf,
		     "      --banners          alias of --banner (masscan)\n"),
	      "usage: %s", buf);
	TEST_END();
}

/* A table bug is refused at the first parse, not left to getopt. */
static void test_bad_tables(void)
{
	static const struct xs_opt twice[] = {
		{ .name = "rate", .short_name = 'r', .type = XS_OPT_FLAG },
		{ .name = "retries", .short_name = 'r', .type = XS_OPT_FLAG },
		{}
	};
	static const struct xs_opt dangling[] = {
		XS_ALIAS("max-rate", 0, "rate", "masscan"), {}
	};
	static const struct xs_opt common[] = {
		{ .name = "json", .type = XS_OPT_FLAG }, {}
	};
	const struct xs_opt *tables[] = { twice, dangling, common };
	struct demo_cfg c;
	xs_opts_seen_t seen;
	size_t i;
	int fd, rc;

	TEST_BEGIN("opts_bad_tables_refused");
	for (i = 0; i < 3; i++) {
		struct xs_cmd cmd = { .name = "bad",
				      .synopsis = "",
				      .opts = tables[i] };
		char *argv[] = { "bad", NULL };

		fd = dup(2);
		if (!freopen("/dev/null", "w", stderr))
			break;
		rc = xs_opts_parse(&cmd, 1, argv, &c, &seen);
		fflush(stderr);
		dup2(fd, 2);
		close(fd);
		CHECK(rc == XS_EXIT_USAGE, "table %zu: rc %d", i, rc);
	}
	TEST_END();
}

/* nmap's -oX FILE: one word "-oX", not -o with the value "X". */
static void test_single_dash(void)
{
	struct demo_cfg c;
	char buf[4096];
	size_t n;
	FILE *f;

	TEST_BEGIN("opts_single_dash_oX");
	CHECK_EQ(RUN(&c, "-oX", "a.xml", "-o", "X"), -1);
	CHECK(c.xml && !strcmp(c.xml, "a.xml") && c.out && !strcmp(c.out, "X"),
	      "-oX '%s', -o '%s'", c.xml ?: "", c.out ?: "");
	CHECK_EQ(RUN(&c, "-oXa.xml"), -1); /* -o "Xa.xml", as getopt has it */
	CHECK(c.out && !strcmp(c.out, "Xa.xml") && !c.xml, "-o '%s'",
	      c.out ?: "");
	CHECK_EQ(RUN(&c, "--", "-oX"), -1); /* an operand after "--" */
	CHECK(!c.xml, "-oX after -- taken as an option");
	CHECK_EQ(RUN(&c, "-oX"), XS_EXIT_USAGE);
	f = tmpfile();
	xs_opts_usage(&demo_cmd, f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	CHECK(strstr(buf, "\n  -oX FILE ") && !strstr(buf, "--oX"), "usage\n%s",
	      buf);
	TEST_END();
}

int main(void)
{
	test_dec();
	test_range();
	test_ip_port();
	test_table();
	test_alias();
	test_bad_tables();
	test_single_dash();
	return TEST_EXIT();
}
