/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/targets.c: each spec kind, merging, excludes, files,
 * every error message, and nth() against a brute-force expansion; the same
 * over IPv6 (singles, ranges, prefixes up to the /96 cap, hit lists) and
 * sets of both families in one index space.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "targets.h"

#define IP(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static char err[256];

/* xs_targets_digest() of 10.0.0.0/24 and port 80 before IPv6 (main at
 * bdaaad2). */
#define DIGEST_10_0_0_0_24_P80 0xa7cca046db38b95eULL

/* An IPv4 address of a set in host order (0 for IPv6 or none). */
static uint32_t h4(struct xs_addr a)
{
	return xs_addr_is_v4(&a) ? ntohl(xs_addr_get_v4(&a)) : 0;
}

static uint32_t nth(const struct xs_targets *t, uint64_t i)
{
	return h4(xs_targets_nth(t, i));
}

/* A finalized set from specs; NULL ends each list. */
static int build(struct xs_targets *t, const char *const *inc,
		 const char *const *exc)
{
	int rc;

	xs_targets_init(t);
	for (; inc && *inc; inc++)
		if ((rc = xs_targets_add(t, *inc, err, sizeof(err))))
			return rc;
	for (; exc && *exc; exc++)
		if ((rc = xs_targets_exclude(t, *exc, err, sizeof(err))))
			return rc;
	return xs_targets_finalize(t, err, sizeof(err));
}

static void test_single(void)
{
	struct xs_targets t;

	TEST_BEGIN("targets_single_address");
	CHECK_EQ(build(&t, (const char *[]){ "10.0.0.1", NULL }, NULL), 0);
	CHECK_EQ(t.count, 1);
	CHECK_EQ(t.n, 1);
	CHECK_EQ(nth(&t, 0), IP(10, 0, 0, 1));
	xs_targets_free(&t);
	TEST_END();
}

static void test_cidr(void)
{
	struct xs_targets t;

	TEST_BEGIN("targets_cidr_24_31_32");
	CHECK_EQ(build(&t, (const char *[]){ "10.0.0.0/24", NULL }, NULL), 0);
	CHECK_EQ(t.count, 256);
	CHECK_EQ(nth(&t, 0), IP(10, 0, 0, 0));
	CHECK_EQ(nth(&t, 255), IP(10, 0, 0, 255));
	xs_targets_free(&t);
	CHECK_EQ(build(&t, (const char *[]){ "192.168.1.7/32", NULL }, NULL),
		 0);
	CHECK_EQ(t.count, 1);
	CHECK_EQ(nth(&t, 0), IP(192, 168, 1, 7));
	xs_targets_free(&t);
	CHECK_EQ(build(&t, (const char *[]){ "192.168.1.7/31", NULL }, NULL),
		 0);
	CHECK_EQ(t.count, 2);
	CHECK_EQ(nth(&t, 0), IP(192, 168, 1, 6));
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets_cidr_host_bits_normalised");
	CHECK_EQ(build(&t, (const char *[]){ "10.1.2.77/16", NULL }, NULL), 0);
	CHECK_EQ(t.count, 65536);
	CHECK_EQ(h4(t.r[0].lo), IP(10, 1, 0, 0));
	CHECK_EQ(h4(t.r[0].hi), IP(10, 1, 255, 255));
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets_cidr_0_is_2_to_32");
	CHECK_EQ(build(&t, (const char *[]){ "0.0.0.0/0", NULL }, NULL), 0);
	CHECK(t.count == (1ULL << 32), "count %llu",
	      (unsigned long long)t.count);
	CHECK_EQ(nth(&t, 0), 0);
	CHECK_EQ(nth(&t, 0xffffffffULL), 0xffffffffU);
	CHECK_EQ(nth(&t, 0x0a000001ULL), IP(10, 0, 0, 1));
	xs_targets_free(&t);
	/* Host bits under /0 are normalised too. */
	CHECK_EQ(build(&t, (const char *[]){ "1.2.3.4/0", NULL }, NULL), 0);
	CHECK(t.count == (1ULL << 32), "count %llu",
	      (unsigned long long)t.count);
	xs_targets_free(&t);
	TEST_END();
}

static void test_range_and_lists(void)
{
	struct xs_targets t;

	TEST_BEGIN("targets_range");
	CHECK_EQ(build(&t, (const char *[]){ "10.0.0.1-10.0.0.9", NULL }, NULL),
		 0);
	CHECK_EQ(t.count, 9);
	CHECK_EQ(nth(&t, 8), IP(10, 0, 0, 9));
	xs_targets_free(&t);
	/* Across an octet boundary, one address, space around the dash. */
	CHECK_EQ(build(&t,
		       (const char *[]){ "10.0.0.250 - 10.0.1.4",
					 "7.7.7.7-7.7.7.7", NULL },
		       NULL),
		 0);
	CHECK_EQ(t.count, 12);
	CHECK_EQ(nth(&t, 0), IP(7, 7, 7, 7));
	CHECK_EQ(nth(&t, 1), IP(10, 0, 0, 250));
	CHECK_EQ(nth(&t, 11), IP(10, 0, 1, 4));
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets_comma_list");
	CHECK_EQ(build(&t,
		       (const char *[]){ " 10.0.0.1 , 10.0.0.3,10.0.1.0/30 ",
					 NULL },
		       NULL),
		 0);
	CHECK_EQ(t.count, 6);
	CHECK_EQ(t.n, 3);
	xs_targets_free(&t);
	TEST_END();
}

static void test_merge(void)
{
	struct xs_targets t;

	TEST_BEGIN("targets_merge_overlap_adjacent_duplicate");
	CHECK_EQ(build(&t,
		       (const char *[]){ "10.0.0.128/25", "10.0.0.0/25",
					 "10.0.0.5", "10.0.1.0-10.0.1.10",
					 "10.0.1.5-10.0.1.20", "10.0.1.20",
					 NULL },
		       NULL),
		 0);
	/* 10.0.0.0/25 + /25 adjacent -> /24, which is adjacent to the
	 * 10.0.1.0-20 range: one range in the end. */
	CHECK_EQ(t.n, 1);
	CHECK_EQ(t.count, 256 + 21);
	xs_targets_free(&t);
	CHECK_EQ(build(&t,
		       (const char *[]){ "10.0.0.1", "10.0.0.3", "10.0.0.2",
					 "10.0.0.5", NULL },
		       NULL),
		 0);
	CHECK_EQ(t.n, 2);
	CHECK_EQ(t.count, 4);
	CHECK_EQ(nth(&t, 3), IP(10, 0, 0, 5));
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets_merge_top_of_space_does_not_wrap");
	CHECK_EQ(build(&t,
		       (const char *[]){ "255.255.255.255", "255.255.255.0/24",
					 "0.0.0.0", NULL },
		       NULL),
		 0);
	CHECK_EQ(t.n, 2);
	CHECK_EQ(t.count, 257);
	CHECK_EQ(nth(&t, 256), 0xffffffffU);
	xs_targets_free(&t);
	TEST_END();
}

static void test_exclude(void)
{
	struct xs_targets t;

	TEST_BEGIN("targets_exclude_splits_range");
	CHECK_EQ(build(&t, (const char *[]){ "10.0.0.0/24", NULL },
		       (const char *[]){ "10.0.0.128/26", NULL }),
		 0);
	CHECK_EQ(t.n, 2);
	CHECK_EQ(t.count, 192);
	CHECK_EQ(nth(&t, 127), IP(10, 0, 0, 127));
	CHECK_EQ(nth(&t, 128), IP(10, 0, 0, 192));
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets_exclude_edges_and_several_ranges");
	/* Head and tail cut, a hole in each of two ranges, one exclude
	 * spanning the gap between them, one outside everything. */
	CHECK_EQ(build(&t,
		       (const char *[]){ "10.0.0.0-10.0.0.99",
					 "10.0.1.0-10.0.1.99", NULL },
		       (const char *[]){ "10.0.0.0-10.0.0.9", "10.0.0.50",
					 "10.0.0.90-10.0.1.9", "10.0.1.99",
					 "192.168.0.0/16", NULL }),
		 0);
	CHECK_EQ(t.count, 40 + 39 + 89);
	CHECK_EQ(t.n, 3);
	CHECK_EQ(nth(&t, 0), IP(10, 0, 0, 10));
	CHECK_EQ(nth(&t, 40), IP(10, 0, 0, 51));
	CHECK_EQ(nth(&t, 79), IP(10, 0, 1, 10));
	CHECK_EQ(nth(&t, 167), IP(10, 0, 1, 98));
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets_exclude_from_0_slash_0");
	CHECK_EQ(build(&t, (const char *[]){ "0.0.0.0/0", NULL },
		       (const char *[]){ "10.0.0.0/8", "255.255.255.255",
					 "0.0.0.0/8", NULL }),
		 0);
	CHECK(t.count == (1ULL << 32) - (2ULL << 24) - 1, "count %llu",
	      (unsigned long long)t.count);
	CHECK_EQ(nth(&t, 0), IP(1, 0, 0, 0));
	CHECK_EQ(nth(&t, t.count - 1), IP(255, 255, 255, 254));
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets_everything_excluded_or_nothing_given");
	CHECK_EQ(build(&t, (const char *[]){ "10.0.0.0/24", NULL },
		       (const char *[]){ "10.0.0.0/16", NULL }),
		 -ENOENT);
	CHECK(!strcmp(err, "all 256 targets are excluded: nothing to scan"),
	      "message '%s'", err);
	xs_targets_free(&t);
	CHECK_EQ(build(&t, NULL, (const char *[]){ "10.0.0.0/16", NULL }),
		 -ENOENT);
	CHECK(!strcmp(err, "no targets given"), "message '%s'", err);
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets_finalize_again_after_more_specs");
	CHECK_EQ(build(&t, (const char *[]){ "10.0.0.0/30", NULL }, NULL), 0);
	CHECK_EQ(t.count, 4);
	CHECK_EQ(xs_targets_add(&t, "10.0.0.4/30", err, sizeof(err)), 0);
	CHECK_EQ(xs_targets_exclude(&t, "10.0.0.0", err, sizeof(err)), 0);
	CHECK_EQ(xs_targets_finalize(&t, err, sizeof(err)), 0);
	CHECK_EQ(t.count, 7);
	CHECK_EQ(nth(&t, 0), IP(10, 0, 0, 1));
	xs_targets_free(&t);
	TEST_END();
}

struct err_case {
	const char *spec;
	const char *msg;
};

static void test_errors(void)
{
	static const struct err_case inc[] = {
		{ "10.0.0.256",
		  "target '10.0.0.256': not an IP address, CIDR block or range" },
		{ "example_com",
		  "target 'example_com': not an IP address, CIDR block or range" },
		{ "10.0.0.x",
		  "target '10.0.0.x': not an IP address, CIDR block or range" },
		{ "10.1",
		  "target '10.1': not an IP address, CIDR block or range" },
		{ "10.0.0.0/33",
		  "target '10.0.0.0/33': prefix length '33' is not a number from 0 to 32" },
		{ "10.0.0.0/",
		  "target '10.0.0.0/': prefix length '' is not a number from 0 to 32" },
		{ "10.0.0.0/-1",
		  "target '10.0.0.0/-1': prefix length '-1' is not a number from 0 to 32" },
		{ "10.0.0.0/99999999999",
		  "target '10.0.0.0/99999999999': prefix length '99999999999' is not a number from 0 to 32" },
		{ "10.0.0/8",
		  "target '10.0.0/8': '10.0.0' is not an IP address" },
		{ "10.0.0.9-10.0.0.1",
		  "target range '10.0.0.9-10.0.0.1': start after end" },
		{ "10.0.0.1-", "target range '10.0.0.1-': missing end" },
		{ "-10.0.0.1", "target range '-10.0.0.1': missing start" },
		{ "10.0.0.1-10.0.0.x",
		  "target range '10.0.0.1-10.0.0.x': '10.0.0.x' is not an IP address" },
		{ "1.2.3-10.0.0.1",
		  "target range '1.2.3-10.0.0.1': '1.2.3' is not an IP address" },
		/* A precise reason follows a colon, with no space before
		 * it. */
		{ "::ffff:10.0.5.0/120",
		  "target '::ffff:10.0.5.0/120': '::ffff:10.0.5.0': IPv4-mapped IPv6 address: write it as IPv4" },
		{ "fd00::1-::ffff:10.0.0.1",
		  "target range 'fd00::1-::ffff:10.0.0.1': '::ffff:10.0.0.1': IPv4-mapped IPv6 address: write it as IPv4" },
		{ "10.0.0.1,,10.0.0.2",
		  "target list '10.0.0.1,,10.0.0.2': empty item" },
		{ "10.0.0.1,", "target list '10.0.0.1,': empty item" },
		{ "", "empty target" },
		{ "   ", "empty target" },
	};
	struct xs_targets t;
	size_t i;
	int rc;

	TEST_BEGIN("targets_error_messages");
	for (i = 0; i < sizeof(inc) / sizeof(inc[0]); i++) {
		xs_targets_init(&t);
		err[0] = '\0';
		rc = xs_targets_add(&t, inc[i].spec, err, sizeof(err));
		CHECK(rc == -EINVAL, "'%s': rc %d", inc[i].spec, rc);
		CHECK(!strcmp(err, inc[i].msg), "'%s': message '%s', want '%s'",
		      inc[i].spec, err, inc[i].msg);
		/* A bad spec adds nothing, not even its good items. */
		CHECK_EQ(t.n_inc, 0);
		xs_targets_free(&t);
	}
	xs_targets_init(&t);
	rc = xs_targets_exclude(&t, "10.0.0.0/40", err, sizeof(err));
	CHECK_EQ(rc, -EINVAL);
	CHECK(!strcmp(err,
		      "exclude '10.0.0.0/40': prefix length '40' is not a number from 0 to 32"),
	      "message '%s'", err);
	xs_targets_free(&t);
	TEST_END();
}

static int write_tmp(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/xs_targets_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void test_files(void)
{
	char path[64], want[160];
	struct xs_targets t;
	int rc;

	TEST_BEGIN("targets_file_comments_blanks_space");
	CHECK_EQ(write_tmp(path, "# scan list\n"
				 "\n"
				 "10.0.0.1\n"
				 "   10.0.0.8/30   # inline comment\r\n"
				 "\t\n"
				 "10.0.1.1-10.0.1.3, 10.0.2.1\n"
				 "10.0.3.1"), /* no final newline */
		 0);
	xs_targets_init(&t);
	CHECK_EQ(xs_targets_add_file(&t, path, err, sizeof(err)), 0);
	CHECK_EQ(xs_targets_finalize(&t, err, sizeof(err)), 0);
	CHECK_EQ(t.count, 1 + 4 + 3 + 1 + 1);
	CHECK_EQ(nth(&t, 9), IP(10, 0, 3, 1));
	xs_targets_free(&t);
	unlink(path);
	TEST_END();

	/* A byte order mark, specs between spaces, commas and newlines, a
	 * range with spaces around its dash, a host name. */
	TEST_BEGIN("targets_file_bom_whitespace_names");
	CHECK_EQ(write_tmp(path, "\xef\xbb\xbf"
				 "10.0.0.1 10.0.0.2\t10.0.0.3,"
				 "10.0.0.4\n10.0.1.1 - 10.0.1.3 10.0.2.0 /31"
				 "  localhost\n"),
		 0);
	xs_targets_init(&t);
	rc = xs_targets_add_file(&t, path, err, sizeof(err));
	CHECK(rc == 0, "rc %d: %s", rc, err);
	CHECK_EQ(xs_targets_finalize(&t, err, sizeof(err)), 0);
	CHECK_EQ(t.count, 4 + 3 + 2 + 1);
	CHECK_EQ(nth(&t, 0), IP(10, 0, 0, 1));
	CHECK_EQ(nth(&t, 9), IP(127, 0, 0, 1));
	xs_targets_free(&t);
	unlink(path);
	TEST_END();

	TEST_BEGIN("targets_host_name_or_address");
	CHECK(xs_is_host_name("localhost"), "localhost");
	CHECK(xs_is_host_name("1password.example"), "1password.example");
	CHECK(xs_is_host_name("a-b.example"), "a-b.example");
	CHECK(!xs_is_host_name("10.0.0.x"), "10.0.0.x");
	CHECK(!xs_is_host_name("10.0.0.1-10.0.0.x"), "range");
	CHECK(!xs_is_host_name("0x0a000001"), "inet_aton's hex");
	CHECK(!xs_is_host_name("-a"), "-a");
	CHECK(!xs_is_host_name("a_b"), "a_b");
	CHECK(!xs_is_host_name("10.0.0.0/8"), "CIDR");
	TEST_END();

	TEST_BEGIN("targets_file_bad_line_says_file_and_line");
	CHECK_EQ(write_tmp(path, "10.0.0.1\n# fine\n\n10.0.0.300\n10.0.0.2\n"),
		 0);
	xs_targets_init(&t);
	rc = xs_targets_add_file(&t, path, err, sizeof(err));
	CHECK_EQ(rc, -EINVAL);
	snprintf(
		want, sizeof(want),
		"%s:4: target '10.0.0.300': not an IP address, CIDR block or range",
		path);
	CHECK(!strcmp(err, want), "message '%s', want '%s'", err, want);
	xs_targets_free(&t);
	unlink(path);
	TEST_END();

	TEST_BEGIN("targets_exclude_file");
	CHECK_EQ(write_tmp(path, "# never\n10.0.0.0/25\n10.0.0.200\n"), 0);
	xs_targets_init(&t);
	CHECK_EQ(xs_targets_add(&t, "10.0.0.0/24", err, sizeof(err)), 0);
	CHECK_EQ(xs_targets_exclude_file(&t, path, err, sizeof(err)), 0);
	CHECK_EQ(xs_targets_finalize(&t, err, sizeof(err)), 0);
	CHECK_EQ(t.count, 127);
	xs_targets_free(&t);
	unlink(path);
	CHECK_EQ(write_tmp(path, "10.0.0.0/25\n\n10.0.0.9-10.0.0.1\n"), 0);
	xs_targets_init(&t);
	CHECK_EQ(xs_targets_exclude_file(&t, path, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3: exclude range '10.0.0.9-10.0.0.1': start after end",
		 path);
	CHECK(!strcmp(err, want), "message '%s', want '%s'", err, want);
	xs_targets_free(&t);
	unlink(path);
	TEST_END();

	TEST_BEGIN("targets_file_missing_or_directory");
	xs_targets_init(&t);
	rc = xs_targets_add_file(&t, "/nonexistent/xs_hosts", err, sizeof(err));
	CHECK_EQ(rc, -ENOENT);
	CHECK(!strcmp(err,
		      "cannot open target file '/nonexistent/xs_hosts': No such file or directory"),
	      "message '%s'", err);
	rc = xs_targets_add_file(&t, "/tmp", err, sizeof(err));
	CHECK_EQ(rc, -EISDIR);
	CHECK(!strcmp(err, "cannot read target file '/tmp': Is a directory"),
	      "message '%s'", err);
	xs_targets_free(&t);
	TEST_END();
}

/* Tiny deterministic generator for the random sets. */
static uint64_t rnd_state = 0x1234567;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rnd_state >> 33) % n;
}

static void test_nth_brute_force(void)
{
	/* Random ranges and excludes inside 10.0.0.0/22, checked against a
	 * bitmap of the same space. */
	enum { SPACE = 1024 };
	uint32_t base = IP(10, 0, 0, 0), lo, hi, len;
	uint8_t in[SPACE];
	char spec[64], a[16], b[16];
	struct xs_targets t;
	uint64_t i, want_count;
	int round, j, k, bad = 0;

	TEST_BEGIN("targets_nth_equals_brute_force_expansion");
	for (round = 0; round < 200; round++) {
		memset(in, 0, sizeof(in));
		xs_targets_init(&t);
		for (j = 0; j < 1 + (int)rnd(8); j++) {
			for (k = 0; k < 2; k++) {
				/* k 0: include, 1: exclude */
				if (k && rnd(2))
					continue;
				lo = rnd(SPACE);
				len = 1 + rnd(rnd(2) ? 8 : 200);
				hi = lo + len - 1 < SPACE ? lo + len - 1 :
							    SPACE - 1;
				snprintf(a, sizeof(a), "10.0.%u.%u",
					 (base + lo) >> 8 & 255,
					 (base + lo) & 255);
				snprintf(b, sizeof(b), "10.0.%u.%u",
					 (base + hi) >> 8 & 255,
					 (base + hi) & 255);
				snprintf(spec, sizeof(spec), "%s-%s", a, b);
				if (k)
					CHECK_EQ(xs_targets_exclude(
							 &t, spec, err,
							 sizeof(err)),
						 0);
				else
					CHECK_EQ(xs_targets_add(&t, spec, err,
								sizeof(err)),
						 0);
			}
		}
		/* Apply in the same order the set does: includes, then all
		 * excludes. */
		for (j = 0; j < (int)t.n_inc; j++)
			for (lo = h4(t.inc[j].lo); lo <= h4(t.inc[j].hi); lo++)
				in[lo - base] = 1;
		for (j = 0; j < (int)t.n_exc; j++)
			for (lo = h4(t.exc[j].lo); lo <= h4(t.exc[j].hi); lo++)
				in[lo - base] = 0;
		for (want_count = 0, lo = 0; lo < SPACE; lo++)
			want_count += in[lo];
		if (xs_targets_finalize(&t, err, sizeof(err))) {
			CHECK(want_count == 0, "round %d: finalize failed: %s",
			      round, err);
			xs_targets_free(&t);
			continue;
		}
		CHECK(t.count == want_count, "round %d: count %llu want %llu",
		      round, (unsigned long long)t.count,
		      (unsigned long long)want_count);
		/* Ranges must be sorted, disjoint and not adjacent. */
		for (j = 1; j < (int)t.n; j++)
			CHECK((uint64_t)h4(t.r[j - 1].hi) + 1 < h4(t.r[j].lo),
			      "round %d: ranges %d and %d touch", round, j - 1,
			      j);
		for (i = 0, lo = 0, bad = 0; lo < SPACE && !bad; lo++) {
			if (!in[lo])
				continue;
			if (nth(&t, i) != base + lo)
				bad = 1;
			else
				i++;
		}
		CHECK(!bad, "round %d: nth(%llu) = %08x, want %08x", round,
		      (unsigned long long)i, nth(&t, i), base + lo - 1);
		xs_targets_free(&t);
	}
	TEST_END();
}

static void test_ports(void)
{
	struct xs_ports p;
	uint32_t i;
	int rc;

	TEST_BEGIN("ports_list_and_range");
	CHECK_EQ(xs_ports_parse("22,80,8000-8100", &p, err, sizeof(err)), 0);
	CHECK_EQ(p.n, 2 + 101);
	CHECK_EQ(p.port[0], 22);
	CHECK_EQ(p.port[1], 80);
	CHECK_EQ(p.port[2], 8000);
	CHECK_EQ(p.port[102], 8100);
	xs_ports_free(&p);
	TEST_END();

	TEST_BEGIN("ports_sorted_unique");
	CHECK_EQ(xs_ports_parse(" 443, 80,80 ,70-90,85,1", &p, err,
				sizeof(err)),
		 0);
	CHECK_EQ(p.n, 1 + 21 + 1);
	for (i = 1; i < p.n; i++)
		CHECK(p.port[i - 1] < p.port[i], "not sorted at %u", i);
	CHECK_EQ(p.port[p.n - 1], 443);
	xs_ports_free(&p);
	CHECK_EQ(xs_ports_parse("1-65535", &p, err, sizeof(err)), 0);
	CHECK_EQ(p.n, 65535);
	CHECK_EQ(p.port[65534], 65535);
	xs_ports_free(&p);
	CHECK_EQ(xs_ports_parse("65535", &p, err, sizeof(err)), 0);
	CHECK_EQ(p.n, 1);
	xs_ports_free(&p);
	TEST_END();

	/* nmap's spellings: -p- (all), -N, N-, 0-N, service names. */
	TEST_BEGIN("ports_nmap_spellings");
	CHECK_EQ(xs_ports_parse("-", &p, err, sizeof(err)), 0);
	CHECK_EQ(p.n, 65535);
	CHECK_EQ(p.port[0], 1);
	xs_ports_free(&p);
	CHECK_EQ(xs_ports_parse("0-65535", &p, err, sizeof(err)), 0);
	CHECK_EQ(p.n, 65535);
	CHECK_EQ(p.port[0], 1);
	xs_ports_free(&p);
	CHECK_EQ(xs_ports_parse("-80,65000-", &p, err, sizeof(err)), 0);
	CHECK_EQ(p.n, 80 + 536);
	CHECK_EQ(p.port[p.n - 1], 65535);
	xs_ports_free(&p);
	rc = xs_ports_parse("ssh,http,8080", &p, err, sizeof(err));
	CHECK(rc == 0, "rc %d: %s", rc, err);
	CHECK_EQ(p.n, 3);
	CHECK_EQ(p.port[0], 22);
	CHECK_EQ(p.port[1], 80);
	xs_ports_free(&p);
	TEST_END();

	static const struct err_case bad[] = {
		{ "0", "port '0': out of range 1-65535" },
		{ "65536", "port '65536': out of range 1-65535" },
		{ "99999999999999999999999",
		  "port '99999999999999999999999': out of range 1-65535" },
		{ "90-80", "port range '90-80': start after end" },
		{ "22,,80", "port list '22,,80': empty item" },
		{ "22,", "port list '22,': empty item" },
		{ "", "empty port list" },
		{ "abc",
		  "port 'abc': not a number nor a TCP service in /etc/services" },
		{ "80x", "port '80x': not a number" },
		{ "+80", "port '+80': not a number" },
		{ "0x50", "port '0x50': not a number" },
		{ "0-0", "port range '0-0': '0' is out of range 1-65535" },
		{ "1-70000",
		  "port range '1-70000': '70000' is out of range 1-65535" },
		{ "1-x", "port range '1-x': 'x' is not a number" },
		{ "1-2-3", "port range '1-2-3': '2-3' is not a number" },
		{ "22,80,9o", "port '9o': not a number" },
	};

	TEST_BEGIN("ports_error_messages");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		rc = xs_ports_parse(bad[i].spec, &p, err, sizeof(err));
		CHECK(rc == -EINVAL, "'%s': rc %d", bad[i].spec, rc);
		CHECK(!strcmp(err, bad[i].msg), "'%s': message '%s', want '%s'",
		      bad[i].spec, err, bad[i].msg);
		CHECK(p.port == NULL && p.n == 0, "'%s': output set",
		      bad[i].spec);
	}
	TEST_END();
}

static void test_digest(void)
{
	struct xs_targets a, b;
	struct xs_ports p, q;

	TEST_BEGIN("targets_digest_same_set_same_tag");
	CHECK_EQ(build(&a, (const char *[]){ "10.0.0.0/24", NULL }, NULL), 0);
	CHECK_EQ(build(&b,
		       (const char *[]){ "10.0.0.128/25", "10.0.0.0-10.0.0.127",
					 NULL },
		       NULL),
		 0);
	CHECK_EQ(xs_ports_parse("80,22", &p, err, sizeof(err)), 0);
	CHECK_EQ(xs_ports_parse("22,80", &q, err, sizeof(err)), 0);
	CHECK(xs_targets_digest(&a, &p) == xs_targets_digest(&b, &q),
	      "same set, different digest");
	xs_ports_free(&q);
	CHECK_EQ(xs_ports_parse("22,81", &q, err, sizeof(err)), 0);
	CHECK(xs_targets_digest(&a, &p) != xs_targets_digest(&a, &q),
	      "different ports, same digest");
	xs_targets_free(&b);
	CHECK_EQ(build(&b, (const char *[]){ "10.0.1.0/24", NULL }, NULL), 0);
	CHECK(xs_targets_digest(&a, &p) != xs_targets_digest(&b, &p),
	      "different targets, same digest");
	xs_targets_free(&a);
	xs_targets_free(&b);
	xs_ports_free(&p);
	xs_ports_free(&q);
	TEST_END();
}

/* The i-th target as text. */
static const char *nth_s(const struct xs_targets *t, uint64_t i)
{
	static char buf[4][XS_ADDR_STRLEN];
	static int k;
	struct xs_addr a = xs_targets_nth(t, i);

	k = (k + 1) % 4;
	return xs_addr_fmt(&a, buf[k]);
}

#define CHECK_NTH(t, i, want)                                              \
	CHECK(!strcmp(nth_s((t), (i)), (want)), "nth(%llu) = %s, want %s", \
	      (unsigned long long)(i), nth_s((t), (i)), (want))

static void test_v6(void)
{
	struct xs_targets t;

	TEST_BEGIN("targets6_single_range_prefix");
	CHECK_EQ(build(&t,
		       (const char *[]){ "2001:db8::2", "2001:db8:1::/120",
					 "2001:db8:2::10-2001:db8:2::1f",
					 NULL },
		       NULL),
		 0);
	CHECK_EQ(t.count, 1 + 256 + 16);
	CHECK_EQ(t.count_v6, t.count);
	CHECK_EQ(t.n, 3);
	CHECK_NTH(&t, 0, "2001:db8::2");
	CHECK_NTH(&t, 1, "2001:db8:1::");
	CHECK_NTH(&t, 256, "2001:db8:1::ff");
	CHECK_NTH(&t, 257, "2001:db8:2::10");
	CHECK_NTH(&t, 272, "2001:db8:2::1f");
	CHECK_NTH(&t, 273, "::"); /* beyond the end */
	xs_targets_free(&t);
	/* Host bits normalised; a /96 is the cap, and counts 2^32. */
	CHECK_EQ(build(&t, (const char *[]){ "fd00::1:2:3/96", NULL }, NULL),
		 0);
	CHECK_EQ(t.count, 1ULL << 32);
	CHECK_NTH(&t, 0, "fd00::1:0:0");
	CHECK_NTH(&t, 0xffffffffULL, "fd00::1:ffff:ffff");
	xs_targets_free(&t);
	CHECK_EQ(build(&t, (const char *[]){ "fd00::5/128", NULL }, NULL), 0);
	CHECK_EQ(t.count, 1);
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets6_exclude_and_merge");
	CHECK_EQ(build(&t,
		       (const char *[]){ "fd00::/120", "fd00::100-fd00::10f",
					 NULL },
		       (const char *[]){ "fd00::80/121", "fd00::5", "fd00::/8x",
					 NULL }),
		 -EINVAL);
	xs_targets_free(&t);
	CHECK_EQ(build(&t,
		       (const char *[]){ "fd00::/120", "fd00::100-fd00::10f",
					 NULL },
		       (const char *[]){ "fd00::80/121", "fd00::5", NULL }),
		 0);
	/* Adjacent ranges merge, excludes cut (an exclude has no cap). */
	CHECK_EQ(t.count, 256 + 16 - 128 - 1);
	CHECK_EQ(t.n, 3);
	CHECK_NTH(&t, 5, "fd00::6");
	CHECK_NTH(&t, 126, "fd00::7f");
	CHECK_NTH(&t, 127, "fd00::100");
	xs_targets_free(&t);
	CHECK_EQ(build(&t, (const char *[]){ "fd00::1", NULL },
		       (const char *[]){ "fd00::/8", NULL }),
		 -ENOENT);
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("targets_mixed_families_one_index_space");
	CHECK_EQ(build(&t,
		       (const char *[]){ "2001:db8::1-2001:db8::3",
					 "10.0.0.1-10.0.0.2", "::2", NULL },
		       NULL),
		 0);
	CHECK_EQ(t.count, 6);
	CHECK_EQ(t.count_v6, 4);
	/* Numeric order of the 128-bit values: ::2 < ::ffff:10.0.0.1 <
	 * 2001:db8::1. */
	CHECK_NTH(&t, 0, "::2");
	CHECK_NTH(&t, 1, "10.0.0.1");
	CHECK_NTH(&t, 2, "10.0.0.2");
	CHECK_NTH(&t, 3, "2001:db8::1");
	CHECK_NTH(&t, 5, "2001:db8::3");
	xs_targets_free(&t);
	TEST_END();
}

static void test_v6_errors(void)
{
	static const struct err_case inc[] = {
		{ "2001:db8::/64",
		  "target '2001:db8::/64': 2^64 addresses, over the /96 cap (2^32): scan IPv6 from a hit list, -iL FILE" },
		{ "2001:db8::/95",
		  "target '2001:db8::/95': 2^33 addresses, over the /96 cap (2^32): scan IPv6 from a hit list, -iL FILE" },
		{ "2001:db8::-2001:db8::1:0:0",
		  "target '2001:db8::-2001:db8::1:0:0': 4294967297 addresses, over the /96 cap (2^32): scan IPv6 from a hit list, -iL FILE" },
		{ "2001:db8::/129",
		  "target '2001:db8::/129': prefix length '129' is not a number from 0 to 128" },
		{ "fe80::1",
		  "target 'fe80::1': link-local IPv6 addresses (fe80::/10) are not scanned: connect to one as [fe80::1%IF]:PORT" },
		{ "fe80::1%eth0",
		  "target 'fe80::1%eth0': a zone (%IF) has no place in a target list" },
		{ "fe80::/120",
		  "target 'fe80::/120': link-local IPv6 addresses (fe80::/10) are not scanned: connect to one as [fe80::1%IF]:PORT" },
		{ "::ffff:10.0.0.1",
		  "target '::ffff:10.0.0.1': IPv4-mapped IPv6 address: write it as IPv4" },
		{ "::/0",
		  "target '::/0': holds the IPv4-mapped block ::ffff:0:0/96: give IPv4 targets as IPv4" },
		{ "10.0.0.1-2001:db8::1",
		  "target range '10.0.0.1-2001:db8::1': one end IPv4, the other IPv6" },
		{ "2001:db8::5-2001:db8::1",
		  "target range '2001:db8::5-2001:db8::1': start after end" },
		{ "2001:db8::1-2001:db8::g",
		  "target range '2001:db8::1-2001:db8::g': '2001:db8::g' is not an IP address" },
		{ "2001:db8:::1",
		  "target '2001:db8:::1': not an IP address, CIDR block or range" },
		{ "[2001:db8::1]",
		  "target '[2001:db8::1]': not an IP address, CIDR block or range" },
	};
	struct xs_targets t;
	size_t i;
	int rc;

	TEST_BEGIN("targets6_error_messages");
	for (i = 0; i < sizeof(inc) / sizeof(inc[0]); i++) {
		xs_targets_init(&t);
		err[0] = '\0';
		rc = xs_targets_add(&t, inc[i].spec, err, sizeof(err));
		CHECK(rc == -EINVAL, "'%s': rc %d", inc[i].spec, rc);
		CHECK(!strcmp(err, inc[i].msg), "'%s': message '%s', want '%s'",
		      inc[i].spec, err, inc[i].msg);
		CHECK_EQ(t.n_inc, 0);
		xs_targets_free(&t);
	}
	/* Excludes have no cap: a /64 or all of fc00::/7 can be left out. */
	xs_targets_init(&t);
	CHECK_EQ(xs_targets_exclude(&t, "2001:db8::/64, fc00::/7", err,
				    sizeof(err)),
		 0);
	xs_targets_free(&t);
	TEST_END();
}

/* A hit list: one IPv6 address a line, as IPv6 scans are fed. */
static void test_v6_file(void)
{
	char path[64], want[300];
	struct xs_targets t;
	int rc;

	TEST_BEGIN("targets6_hit_list_file");
	CHECK_EQ(write_tmp(path, "# hit list\n"
				 "2001:db8::1\n"
				 "2001:db8::a  # comment\n"
				 "2001:db8::1:0 - 2001:db8::1:3\r\n"
				 "10.0.0.7, 2001:db8:ff::/126\n"
				 "2001:db8::1\n"), /* a duplicate */
		 0);
	xs_targets_init(&t);
	rc = xs_targets_add_file(&t, path, err, sizeof(err));
	CHECK(rc == 0, "rc %d: %s", rc, err);
	CHECK_EQ(xs_targets_finalize(&t, err, sizeof(err)), 0);
	CHECK_EQ(t.count, 1 + 1 + 4 + 1 + 4);
	CHECK_EQ(t.count_v6, 10);
	CHECK_NTH(&t, 0, "10.0.0.7");
	CHECK_NTH(&t, 1, "2001:db8::1");
	CHECK_NTH(&t, 2, "2001:db8::a");
	CHECK_NTH(&t, 3, "2001:db8::1:0");
	CHECK_NTH(&t, 10, "2001:db8:ff::3");
	xs_targets_free(&t);
	unlink(path);
	CHECK_EQ(write_tmp(path, "2001:db8::1\n2001:db8::/64\n"), 0);
	xs_targets_init(&t);
	CHECK_EQ(xs_targets_add_file(&t, path, err, sizeof(err)), -EINVAL);
	snprintf(
		want, sizeof(want),
		"%s:2: target '2001:db8::/64': 2^64 addresses, over the /96 cap (2^32): scan IPv6 from a hit list, -iL FILE",
		path);
	CHECK(!strcmp(err, want), "message '%s', want '%s'", err, want);
	xs_targets_free(&t);
	unlink(path);
	TEST_END();
}

/* The digest tells IPv6 sets apart, and an IPv4 set's stays as it was. */
static void test_v6_digest(void)
{
	struct xs_targets a, b;
	struct xs_ports p;

	TEST_BEGIN("targets6_digest");
	CHECK_EQ(xs_ports_parse("80", &p, err, sizeof(err)), 0);
	CHECK_EQ(build(&a, (const char *[]){ "fd00::/120", NULL }, NULL), 0);
	CHECK_EQ(build(&b, (const char *[]){ "fd00::1:0/120", NULL }, NULL), 0);
	CHECK(xs_targets_digest(&a, &p) != xs_targets_digest(&b, &p),
	      "different IPv6 sets, same digest");
	xs_targets_free(&a);
	xs_targets_free(&b);
	/* Golden: the FNV-1a of (1 range, 10.0.0.0-10.0.0.255, 1 port, 80)
	 * as before IPv6, so that IPv4 state files keep their tag. */
	CHECK_EQ(build(&a, (const char *[]){ "10.0.0.0/24", NULL }, NULL), 0);
	CHECK_EQ(xs_targets_digest(&a, &p), DIGEST_10_0_0_0_24_P80);
	{
		/* The resume tag's bytes: IPv4 as the old struct xs_range
		 * (host-order lo, hi), IPv6 as 32 bytes. */
		const uint32_t old[2] = { IP(10, 0, 0, 0), IP(10, 0, 0, 255) };
		size_t len;
		uint8_t *pk = xs_targets_pack(&a, &len);

		CHECK(pk && len == sizeof(old) && !memcmp(pk, old, len),
		      "packed IPv4 set: %zu bytes", len);
		free(pk);
		xs_targets_free(&a);
		CHECK_EQ(build(&a,
			       (const char *[]){ "fd00::1", "10.0.0.1", NULL },
			       NULL),
			 0);
		pk = xs_targets_pack(&a, &len);
		CHECK(pk && len == 8 + 32 && pk[8] == 0xfd && pk[23] == 1 &&
			      pk[39] == 1,
		      "packed mixed set: %zu bytes", len);
		free(pk);
	}
	xs_targets_free(&a);
	xs_ports_free(&p);
	TEST_END();
}

/*
 * Host names through a stub resolver, offline: which addresses a name
 * stands for by the run's --src families, excludes, and what is said.
 */
static int stub_resolve(const char *name, struct xs_addr *a, size_t max,
			size_t *n, char *errbuf, size_t errlen)
{
	static const char *const dual[] = { "fd00::7", "10.0.0.7", "fd00::8" };
	const char *why;
	size_t i;

	*n = 0;
	if (!strcmp(name, "dual.test")) {
		for (i = 0; i < 3 && i < max; i++)
			xs_addr_parse(dual[i], &a[(*n)++], &why);
	} else if (!strcmp(name, "six.test")) {
		xs_addr_parse("fd00::9", &a[(*n)++], &why);
	} else if (!strcmp(name, "four.test")) {
		xs_addr_parse("10.0.0.9", &a[(*n)++], &why);
	} else {
		snprintf(errbuf, errlen, "cannot resolve host name: stub");
		return -EINVAL;
	}
	return 0;
}

/* The set of one spec (a name) for families; its stderr into said. */
static int name_set(struct xs_targets *t, const char *spec, const char *exc,
		    unsigned int families, char *said, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(2), rc;
	size_t n = 0;

	xs_targets_init(t);
	t->resolve = stub_resolve;
	rc = xs_targets_add(t, spec, err, sizeof(err));
	if (!rc && exc)
		rc = xs_targets_exclude(t, exc, err, sizeof(err));
	/* Set after the names are added: picked at finalize, so --src
	 * may come after -iL on the command line. */
	t->name_families = families;
	fflush(stderr);
	dup2(fileno(tmp), 2);
	if (!rc)
		rc = xs_targets_finalize(t, err, sizeof(err));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(said, 1, len - 1, tmp);
	said[n] = '\0';
	fclose(tmp);
	return rc;
}

static void test_names(void)
{
	struct xs_targets t;
	char said[512];

	TEST_BEGIN("names_ipv4_first_others_said");
	CHECK_EQ(name_set(&t, "dual.test", NULL, 0, said, sizeof(said)), 0);
	CHECK_EQ(t.count, 1);
	CHECK_NTH(&t, 0, "10.0.0.7");
	CHECK(!strcmp(said, "xdpshake: resolved dual.test to 10.0.0.7\n"
			    "xdpshake: other addresses for dual.test (not "
			    "scanned): fd00::7, fd00::8\n"),
	      "said: %s", said);
	xs_targets_free(&t);
	/* --src of both families: still IPv4, as nmap without -6 */
	CHECK_EQ(name_set(&t, "dual.test", NULL, XS_FAM_V4 | XS_FAM_V6, said,
			  sizeof(said)),
		 0);
	CHECK(t.count == 1 && t.count_v6 == 0, "count %llu",
	      (unsigned long long)t.count);
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("names_ipv6_when_only_ipv6_src");
	CHECK_EQ(name_set(&t, "dual.test", NULL, XS_FAM_V6, said, sizeof(said)),
		 0);
	CHECK(t.count == 2 && t.count_v6 == 2, "count %llu",
	      (unsigned long long)t.count);
	CHECK_NTH(&t, 0, "fd00::7");
	CHECK_NTH(&t, 1, "fd00::8");
	CHECK(!strcmp(said, "xdpshake: resolved dual.test to fd00::7, fd00::8\n"
			    "xdpshake: other addresses for dual.test (not "
			    "scanned): 10.0.0.7\n"),
	      "said: %s", said);
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("names_one_family_only_taken_as_it_is");
	CHECK_EQ(name_set(&t, "six.test", NULL, 0, said, sizeof(said)), 0);
	CHECK(t.count == 1 && t.count_v6 == 1, "AAAA only, no IPv4 source");
	CHECK(!strcmp(said, "xdpshake: resolved six.test to fd00::9\n"),
	      "said: %s", said);
	xs_targets_free(&t);
	CHECK_EQ(name_set(&t, "four.test", NULL, XS_FAM_V6, said, sizeof(said)),
		 0);
	CHECK(t.count == 1 && t.count_v6 == 0, "A only, IPv6 source");
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("names_exclude_every_address");
	CHECK_EQ(name_set(&t, "10.0.0.0/24,fd00::/120", "dual.test", 0, said,
			  sizeof(said)),
		 0);
	CHECK(t.count == 256 + 256 - 3 && t.count_v6 == 256 - 2,
	      "count %llu v6 %llu", (unsigned long long)t.count,
	      (unsigned long long)t.count_v6);
	CHECK(!strcmp(said, "xdpshake: resolved dual.test to fd00::7, "
			    "10.0.0.7, fd00::8\n"),
	      "said: %s", said);
	xs_targets_free(&t);
	TEST_END();

	TEST_BEGIN("names_unresolved_one_line");
	CHECK_EQ(name_set(&t, "10.0.0.1,nx.test", NULL, 0, said, sizeof(said)),
		 -EINVAL);
	CHECK(!strcmp(err, "target 'nx.test': cannot resolve host name: stub"),
	      "err: %s", err);
	xs_targets_free(&t);
	TEST_END();
}

int main(void)
{
	test_single();
	test_cidr();
	test_range_and_lists();
	test_merge();
	test_exclude();
	test_errors();
	test_files();
	test_nth_brute_force();
	test_ports();
	test_digest();
	test_v6();
	test_v6_errors();
	test_v6_file();
	test_v6_digest();
	test_names();
	return TEST_EXIT();
}
