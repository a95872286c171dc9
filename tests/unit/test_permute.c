/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/permute.c: the walk covers [0, n) exactly once, is
 * keyed by the seed, shards partition it, a saved state resumes exactly,
 * and a state from another scan or an edited one is refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "testlib.h"
#include "permute.h"

static char err[512];

static struct xs_perm_cfg cfg_of(uint64_t n, uint64_t seed, uint32_t shard,
				 uint32_t shards)
{
	return (struct xs_perm_cfg){ .n = n,
				     .seed = seed,
				     .shard = shard,
				     .shards = shards,
				     .tag = 0x5eed };
}

/* Walk a whole shard, marking a bitmap of n bits; returns the number of
 * elements emitted, or -1 on an element out of range or seen twice. */
static long long walk_mark(struct xs_perm *pm, uint8_t *seen, uint64_t n)
{
	long long c = 0;
	uint64_t idx;

	while (xs_perm_next(pm, &idx)) {
		if (idx >= n || (seen[idx / 8] & (1u << (idx % 8))))
			return -1;
		seen[idx / 8] |= 1u << (idx % 8);
		c++;
	}
	return c;
}

static void test_number_theory(void)
{
	TEST_BEGIN("perm_primality_and_primitive_roots");
	CHECK(!xs_is_prime(0) && !xs_is_prime(1), "0, 1");
	CHECK(xs_is_prime(2) && xs_is_prime(3) && !xs_is_prime(4), "2, 3, 4");
	CHECK(!xs_is_prime(561), "Carmichael 561");
	/* Strong pseudoprime to bases 2, 3, 5 and 7. */
	CHECK(!xs_is_prime(3215031751ULL), "3215031751");
	CHECK(xs_is_prime(2305843009213693951ULL), "2^61-1");
	CHECK(xs_is_prime(18446744073709551557ULL), "2^64-59");
	CHECK(!xs_is_prime(18446744073709551615ULL), "2^64-1");
	CHECK_EQ(xs_next_prime(1), 2);
	CHECK_EQ(xs_next_prime(2), 3);
	CHECK_EQ(xs_next_prime(1000), 1009);
	CHECK_EQ(xs_next_prime(65536), 65537);
	CHECK_EQ(xs_next_prime(100003), 100019);
	CHECK_EQ(xs_next_prime(1ULL << 32), 4294967311ULL);
	CHECK_EQ(xs_next_prime(1ULL << 48), (1ULL << 48) + 21);
	CHECK(xs_is_primitive_root(3, 7), "3 mod 7");
	CHECK(!xs_is_primitive_root(2, 7), "2 has order 3 mod 7");
	CHECK(xs_is_primitive_root(2, 11), "2 mod 11");
	CHECK(!xs_is_primitive_root(4, 11), "a square is never one");
	CHECK(xs_is_primitive_root(3, 65537), "3 mod 65537");
	CHECK(!xs_is_primitive_root(2, 65537), "2 mod 65537 has order 32");
	TEST_END();
}

static void test_init_bounds(void)
{
	struct xs_perm pm;
	struct xs_perm_cfg c;

	TEST_BEGIN("perm_init_rejects_bad_n_and_shard");
	c = cfg_of(0, 1, 1, 1);
	CHECK_EQ(xs_perm_init(&pm, &c), -EINVAL);
	c = cfg_of(XS_PERM_MAX_N + 1, 1, 1, 1);
	CHECK_EQ(xs_perm_init(&pm, &c), -EINVAL);
	c = cfg_of(10, 1, 0, 1);
	CHECK_EQ(xs_perm_init(&pm, &c), -EINVAL);
	c = cfg_of(10, 1, 3, 2);
	CHECK_EQ(xs_perm_init(&pm, &c), -EINVAL);
	c = cfg_of(10, 1, 1, 0);
	CHECK_EQ(xs_perm_init(&pm, &c), -EINVAL);
	c = cfg_of(XS_PERM_MAX_N, 1, 1, 1);
	CHECK_EQ(xs_perm_init(&pm, &c), 0);
	CHECK_EQ(pm.p, (1ULL << 48) + 21);
	CHECK(xs_is_primitive_root(pm.g, pm.p), "g %llu",
	      (unsigned long long)pm.g);
	TEST_END();
}

static void test_covers_exactly_once(void)
{
	static const uint64_t ns[] = {
		1, 2, 3, 5, 6, 7, 1000, 1008, 65536, 100003, 100018, 0,
	};
	struct xs_perm pm;
	struct xs_perm_cfg c;
	uint8_t *seen;
	uint64_t n, idx;
	long long got;
	size_t i;
	int s;

	TEST_BEGIN("perm_covers_every_element_once");
	srand(4242);
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		/* The last one is random, a different size on every run of
		 * the generator but fixed by its seed here. */
		n = ns[i] ? ns[i] : 200000 + (uint64_t)rand() % 300000;
		for (s = 0; s < 3; s++) {
			c = cfg_of(n, 1000 + s * 7919, 1, 1);
			CHECK_EQ(xs_perm_init(&pm, &c), 0);
			CHECK(xs_is_primitive_root(pm.g, pm.p),
			      "n %llu: g %llu not a primitive root mod %llu",
			      (unsigned long long)n, (unsigned long long)pm.g,
			      (unsigned long long)pm.p);
			seen = calloc(n / 8 + 1, 1);
			got = walk_mark(&pm, seen, n);
			CHECK(got == (long long)n,
			      "n %llu seed %d: %lld elements (-1: repeat or out of range)",
			      (unsigned long long)n, s, got);
			CHECK(pm.emitted == n, "emitted %llu",
			      (unsigned long long)pm.emitted);
			/* Done stays done. */
			CHECK(!xs_perm_next(&pm, &idx),
			      "n %llu: more after end", (unsigned long long)n);
			free(seen);
		}
	}
	TEST_END();
}

static void first_k(uint64_t n, uint64_t seed, uint64_t *out, int k)
{
	struct xs_perm_cfg c = cfg_of(n, seed, 1, 1);
	struct xs_perm pm;
	int i;

	xs_perm_init(&pm, &c);
	for (i = 0; i < k; i++)
		if (!xs_perm_next(&pm, &out[i]))
			out[i] = UINT64_MAX;
}

static void test_seeds(void)
{
	enum { K = 64, SEEDS = 20 };
	uint64_t a[K], b[K], all[SEEDS][K];
	int i, j, in_order;

	TEST_BEGIN("perm_same_seed_same_order");
	first_k(100000, 77, a, K);
	first_k(100000, 77, b, K);
	CHECK(!memcmp(a, b, sizeof(a)), "orders differ");
	TEST_END();

	TEST_BEGIN("perm_different_seeds_different_orders");
	for (i = 0; i < SEEDS; i++)
		first_k(100000, (uint64_t)i, all[i], K);
	for (i = 0; i < SEEDS; i++)
		for (j = i + 1; j < SEEDS; j++)
			CHECK(memcmp(all[i], all[j], sizeof(all[i])),
			      "seeds %d and %d give the same order", i, j);
	/* Nor is the order the identity. */
	for (i = 1, in_order = 1; i < K; i++)
		in_order &= all[0][i] == all[0][i - 1] + 1;
	CHECK(!in_order, "seed 0 walks in order");
	TEST_END();
}

static void test_shards(void)
{
	static const uint32_t shard_counts[] = { 1, 2, 3, 7 };
	static const uint64_t ns[] = { 1, 5, 1000, 100003 };
	struct xs_perm pm;
	struct xs_perm_cfg c;
	uint8_t *seen;
	long long got, total;
	size_t i, j;
	uint32_t s;

	TEST_BEGIN("perm_shards_partition_the_walk");
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		for (j = 0; j < sizeof(shard_counts) / sizeof(shard_counts[0]);
		     j++) {
			/* One bitmap for all shards of a scan: a repeat
			 * across shards fails walk_mark, a gap fails the
			 * total. */
			seen = calloc(ns[i] / 8 + 1, 1);
			total = 0;
			for (s = 1; s <= shard_counts[j]; s++) {
				c = cfg_of(ns[i], 99, s, shard_counts[j]);
				CHECK_EQ(xs_perm_init(&pm, &c), 0);
				got = walk_mark(&pm, seen, ns[i]);
				CHECK(got >= 0,
				      "n %llu shard %u/%u overlaps another",
				      (unsigned long long)ns[i], s,
				      shard_counts[j]);
				/* Shards are balanced within the skipped
				 * values. */
				CHECK(ns[i] < 100 ||
					      got >= (long long)(ns[i] /
								 shard_counts[j]) -
							      30,
				      "n %llu shard %u/%u: only %lld",
				      (unsigned long long)ns[i], s,
				      shard_counts[j], got);
				total += got;
			}
			CHECK(total == (long long)ns[i],
			      "n %llu over %u shards: %lld elements",
			      (unsigned long long)ns[i], shard_counts[j],
			      total);
			free(seen);
		}
	}
	TEST_END();
}

static int tmp_path(char *path)
{
	int fd;

	strcpy(path, "/tmp/xs_perm_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* The rest of a walk after k elements, saved and loaded in between, must be
 * exactly what an uninterrupted walk gives. */
static void resume_case(uint64_t n, uint32_t shard, uint32_t shards,
			uint64_t stop)
{
	struct xs_perm_cfg c = cfg_of(n, 0xdecafbad, shard, shards);
	struct xs_perm ref, pm, back;
	uint64_t a, b, k = 0;
	char path[64];
	bool more_a, more_b;

	xs_perm_init(&ref, &c);
	xs_perm_init(&pm, &c);
	for (k = 0; k < stop && xs_perm_next(&pm, &a); k++) {
		xs_perm_next(&ref, &b);
		if (a != b)
			break;
	}
	CHECK(tmp_path(path) == 0, "mkstemp");
	CHECK(xs_perm_save(&pm, NULL, 0, path, err, sizeof(err)) == 0,
	      "save: %s", err);
	memset(&back, 0xa5, sizeof(back));
	CHECK(xs_perm_load(&back, NULL, path, &c, 0, err, sizeof(err)) == 0,
	      "load: %s", err);
	CHECK(back.emitted == k, "emitted %llu want %llu",
	      (unsigned long long)back.emitted, (unsigned long long)k);
	for (;;) {
		more_a = xs_perm_next(&back, &a);
		more_b = xs_perm_next(&ref, &b);
		if (!more_a || !more_b || a != b)
			break;
		k++;
	}
	CHECK(!more_a && !more_b,
	      "n %llu shard %u/%u stop %llu: diverged after %llu elements",
	      (unsigned long long)n, shard, shards, (unsigned long long)stop,
	      (unsigned long long)k);
	unlink(path);
}

static void test_resume(void)
{
	TEST_BEGIN("perm_resume_continues_exactly");
	resume_case(100003, 1, 1, 12345);
	resume_case(100003, 2, 3, 777);
	resume_case(1000, 7, 7, 50);
	resume_case(1000, 1, 1, 0); /* saved before the first element */
	resume_case(1000, 1, 1, 1000); /* saved at the end */
	resume_case(1000, 3, 3, UINT64_MAX); /* past the end */
	resume_case(1, 1, 1, 1);
	TEST_END();

	TEST_BEGIN("perm_struct_copy_remembers_position");
	{
		struct xs_perm_cfg c = cfg_of(5000, 3, 1, 1);
		struct xs_perm pm, mark;
		uint64_t a[10], b[10], x;
		int i;

		xs_perm_init(&pm, &c);
		for (i = 0; i < 100; i++)
			xs_perm_next(&pm, &x);
		mark = pm;
		for (i = 0; i < 10; i++)
			xs_perm_next(&pm, &a[i]);
		for (i = 0; i < 10; i++)
			xs_perm_next(&mark, &b[i]);
		CHECK(!memcmp(a, b, sizeof(a)), "copy walks differently");
	}
	TEST_END();

	TEST_BEGIN("perm_resume_any_seed_takes_the_files");
	{
		struct xs_perm_cfg c = cfg_of(5000, 31337, 2, 2);
		struct xs_perm pm, back;
		char path[64];
		uint64_t x, y;

		xs_perm_init(&pm, &c);
		xs_perm_next(&pm, &x);
		CHECK_EQ(tmp_path(path), 0);
		CHECK_EQ(xs_perm_save(&pm, NULL, 0, path, err, sizeof(err)), 0);
		c.seed = 1;
		CHECK(xs_perm_load(&back, NULL, path, &c, XS_PERM_LOAD_ANY_SEED,
				   err, sizeof(err)) == 0,
		      "load: %s", err);
		CHECK_EQ(back.cfg.seed, 31337);
		xs_perm_next(&pm, &x);
		xs_perm_next(&back, &y);
		CHECK_EQ(x, y);
		unlink(path);
	}
	TEST_END();
}

/* Rewrite one key of a saved state file. */
static void set_key(const char *path, const char *key, const char *value)
{
	char buf[4096], out[4096], *line, *next;
	size_t len, o = 0;
	FILE *f = fopen(path, "r");

	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		if (!strncmp(line, key, strlen(key)) &&
		    line[strlen(key)] == '=') {
			if (value)
				o += snprintf(out + o, sizeof(out) - o, "%s\n",
					      value);
		} else {
			o += snprintf(out + o, sizeof(out) - o, "%s\n", line);
		}
	}
	f = fopen(path, "w");
	fwrite(out, 1, o, f);
	fclose(f);
}

struct refuse_case {
	const char *key; /* key to change, NULL: none */
	const char *value; /* its new line(s), NULL: delete it */
	struct xs_perm_cfg cfg; /* the scan resuming */
	int line; /* the message is "<path>:line: msg", else
		   * "state file '<path>'msg" */
	const char *msg;
};

static void test_refused(void)
{
	const struct xs_perm_cfg good = cfg_of(100003, 5, 2, 3);
	const struct refuse_case cases[] = {
		{ NULL, NULL, cfg_of(100004, 5, 2, 3), 0,
		  " is for 100003 target-port pairs, this scan has 100004" },
		{ NULL, NULL, cfg_of(100003, 6, 2, 3), 0,
		  " is for seed 5, this scan uses seed 6" },
		{ NULL, NULL, cfg_of(100003, 5, 1, 3), 0,
		  " is for shard 2/3, this scan is shard 1/3" },
		{ NULL, NULL, cfg_of(100003, 5, 2, 4), 0,
		  " is for shard 2/3, this scan is shard 2/4" },
		{ NULL,
		  NULL,
		  { .n = 100003, .seed = 5, .shard = 2, .shards = 3, .tag = 1 },
		  0,
		  " is for a different target or port list" },
		{ "version", "version=2", good, 0,
		  " has format version 2, this build reads 1" },
		/* Moving the position by one step of the shard, or the
		 * element alone, is caught. */
		{ "step", "step=1000", good, 0,
		  ": inconsistent position (edited or corrupted)" },
		{ "step", "step=999", good, 0,
		  ": inconsistent position (edited or corrupted)" },
		{ "element", "element=17", good, 0,
		  ": inconsistent position (edited or corrupted)" },
		{ "emitted", "emitted=100004", good, 0,
		  ": inconsistent position (edited or corrupted)" },
		{ "prime", "prime=100043", good, 0,
		  " was written by a build with another permutation: it cannot be resumed" },
		{ "generator", NULL, good, 0,
		  ": no 'generator' (truncated or not a state file)" },
		{ "emitted", "emitted=12x", good, 12,
		  "'emitted' is not a decimal number: '12x'" },
		{ "emitted", "emitted=-1", good, 12,
		  "'emitted' is not a decimal number: '-1'" },
		{ "tag", "colour=blue", good, 6, "unknown key 'colour'" },
		{ "tag", "tag=24301\nn=100003", good, 7, "'n' given twice" },
		{ "tag", "just text", good, 6, "expected key=value" },
		{ "shard", "shard=4/3", good, 5,
		  "shard '4/3': shard number must be from 1 to 3" },
	};
	struct xs_perm pm, back;
	struct xs_perm_cfg c = good;
	char path[64], want[600];
	uint64_t x;
	size_t i;
	int rc, k;

	TEST_BEGIN("perm_state_from_another_scan_or_edited_is_refused");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xs_perm_init(&pm, &c);
		for (k = 0; k < 300; k++)
			xs_perm_next(&pm, &x);
		CHECK_EQ(tmp_path(path), 0);
		CHECK_EQ(xs_perm_save(&pm, NULL, 0, path, err, sizeof(err)), 0);
		if (cases[i].key)
			set_key(path, cases[i].key, cases[i].value);
		memset(&back, 0x5a, sizeof(back));
		err[0] = '\0';
		rc = xs_perm_load(&back, NULL, path, &cases[i].cfg, 0, err,
				  sizeof(err));
		CHECK(rc == -EINVAL, "case %zu: rc %d", i, rc);
		if (cases[i].line)
			snprintf(want, sizeof(want), "%s:%d: %s", path,
				 cases[i].line, cases[i].msg);
		else
			snprintf(want, sizeof(want), "state file '%s'%s", path,
				 cases[i].msg);
		CHECK(!strcmp(err, want), "case %zu: message '%s', want '%s'",
		      i, err, want);
		/* A refused load leaves the output untouched. */
		CHECK(back.p == 0x5a5a5a5a5a5a5a5aULL,
		      "case %zu: output written", i);
		unlink(path);
	}
	rc = xs_perm_load(&back, NULL, "/nonexistent/xs_state", &c, 0, err,
			  sizeof(err));
	CHECK_EQ(rc, -ENOENT);
	CHECK(!strcmp(err,
		      "cannot open state file '/nonexistent/xs_state': No such file or directory"),
	      "message '%s'", err);
	TEST_END();

	TEST_BEGIN("perm_save_is_atomic_and_reports_errors");
	xs_perm_init(&pm, &c);
	rc = xs_perm_save(&pm, NULL, 0, "/nonexistent/dir/state", err,
			  sizeof(err));
	CHECK_EQ(rc, -ENOENT);
	CHECK(!strcmp(err,
		      "cannot write state file '/nonexistent/dir/state.tmp': No such file or directory"),
	      "message '%s'", err);
	CHECK_EQ(tmp_path(path), 0);
	CHECK_EQ(xs_perm_save(&pm, NULL, 0, path, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s.tmp", path);
	CHECK(access(want, F_OK) != 0, "%s left behind", want);
	unlink(path);
	TEST_END();
}

/* A file's text with line appended at its end. */
static void append_line(const char *path, const char *line)
{
	FILE *f = fopen(path, "a");

	fprintf(f, "%s\n", line);
	fclose(f);
}

/*
 * The unfinished list: saved over several lines, loaded back in order;
 * refused when an element is not the scan's, comes twice, or there are
 * more than were handed out; refused by a reader that takes none.
 */
static void test_unfinished(void)
{
	static const struct {
		const char *line;
		const char *msg;
	} bad[] = {
		{ "unfinished=5,100003", "inconsistent unfinished list" },
		{ "unfinished=7,7", "inconsistent unfinished list" },
		{ "unfinished=1,", "'unfinished' is not a list" },
		{ "unfinished=1,,2", "'unfinished' is not a list" },
		{ "unfinished=x", "'unfinished' is not a list" },
		{ "unfinished=", "'unfinished' is not a list" },
	};
	struct xs_perm_cfg c = cfg_of(100003, 77, 2, 3);
	struct xs_perm_back got = { 0 };
	struct xs_perm pm, back, ref;
	uint64_t list[40], x, y;
	char path[64], line[64];
	size_t i;
	int rc, k;

	TEST_BEGIN("perm_state_unfinished_round_trip");
	xs_perm_init(&pm, &c);
	for (k = 0; k < 300; k++) {
		xs_perm_next(&pm, &x);
		if (k < 40)
			list[k] = x;
	}
	CHECK_EQ(tmp_path(path), 0);
	CHECK_EQ(xs_perm_save(&pm, list, 40, path, err, sizeof(err)), 0);
	CHECK_EQ(xs_perm_load(&back, &got, path, &c, 0, err, sizeof(err)), 0);
	CHECK(got.n == 40, "%zu elements back, want 40", got.n);
	for (i = 0; i < got.n && i < 40; i++)
		CHECK(got.idx[i] == list[i], "element %zu: %llu, want %llu", i,
		      (unsigned long long)got.idx[i],
		      (unsigned long long)list[i]);
	/* The position is the one saved. */
	ref = pm;
	CHECK(xs_perm_next(&back, &x) && xs_perm_next(&ref, &y) && x == y,
	      "position moved");
	xs_perm_back_free(&got);
	/* A reader that takes no list refuses the file. */
	rc = xs_perm_load(&back, NULL, path, &c, 0, err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "unknown key 'unfinished'"),
	      "rc %d, '%s'", rc, err);
	unlink(path);
	TEST_END();

	TEST_BEGIN("perm_state_unfinished_edited_is_refused");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(tmp_path(path), 0);
		CHECK_EQ(xs_perm_save(&pm, NULL, 0, path, err, sizeof(err)), 0);
		append_line(path, bad[i].line);
		got.n = 0;
		rc = xs_perm_load(&back, &got, path, &c, 0, err, sizeof(err));
		CHECK(rc == -EINVAL && strstr(err, bad[i].msg) && !got.idx &&
			      !got.n,
		      "'%s': rc %d, '%s'", bad[i].line, rc, err);
		unlink(path);
	}
	/* More unfinished than handed out: 300 emitted, 301 listed. */
	CHECK_EQ(tmp_path(path), 0);
	CHECK_EQ(xs_perm_save(&pm, NULL, 0, path, err, sizeof(err)), 0);
	for (k = 0; k < 301; k++) {
		snprintf(line, sizeof(line), "unfinished=%d", k);
		append_line(path, line);
	}
	rc = xs_perm_load(&back, &got, path, &c, 0, err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "inconsistent unfinished list"),
	      "301 of 300: rc %d, '%s'", rc, err);
	unlink(path);
	TEST_END();
}

/* A file of CRLF lines is read as it is. */
static void to_crlf(const char *path)
{
	char buf[4096], out[8192];
	size_t len, i, o = 0;
	FILE *f = fopen(path, "r");

	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			out[o++] = '\r';
		out[o++] = buf[i];
	}
	f = fopen(path, "w");
	fwrite(out, 1, o, f);
	fclose(f);
}

/*
 * What is not a state file is refused at once and in bounded memory: a
 * device (/dev/zero: it read forever), a FIFO (it waited for a writer,
 * deaf to Ctrl-C), a line longer than any of ours, more unfinished
 * elements than the scan has pairs (read all before).  CRLF lines are
 * taken.
 */
static void test_state_bounds(void)
{
	struct xs_perm_cfg c = cfg_of(5, 9, 1, 1);
	struct xs_perm_back got = { 0 };
	char path[64], fifo[80], line[700];
	struct xs_perm pm, back;
	uint64_t x;
	int rc;

	TEST_BEGIN("perm_state_not_a_file_or_too_big_is_refused");
	rc = xs_perm_load(&back, &got, "/dev/zero", &c, 0, err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "'/dev/zero': not a regular file"),
	      "/dev/zero: rc %d, '%s'", rc, err);
	CHECK_EQ(tmp_path(path), 0);
	snprintf(fifo, sizeof(fifo), "%s.fifo", path);
	CHECK_EQ(mkfifo(fifo, 0600), 0);
	rc = xs_perm_load(&back, &got, fifo, &c, 0, err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "not a regular file"),
	      "FIFO: rc %d, '%s'", rc, err);
	unlink(fifo);
	xs_perm_init(&pm, &c);
	xs_perm_next(&pm, &x);
	CHECK_EQ(xs_perm_save(&pm, NULL, 0, path, err, sizeof(err)), 0);
	memset(line, '#', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	append_line(path, line);
	rc = xs_perm_load(&back, &got, path, &c, 0, err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, ":13: line too long"),
	      "long line: rc %d, '%s'", rc, err);
	CHECK_EQ(xs_perm_save(&pm, NULL, 0, path, err, sizeof(err)), 0);
	append_line(path, "unfinished=0,1,2,3,4,5");
	rc = xs_perm_load(&back, &got, path, &c, 0, err, sizeof(err));
	CHECK(rc == -EINVAL &&
		      strstr(err,
			     "more unfinished elements than the scan has pairs") &&
		      !got.idx,
	      "6 of 5: rc %d, '%s'", rc, err);
	CHECK_EQ(xs_perm_save(&pm, &x, 1, path, err, sizeof(err)), 0);
	to_crlf(path);
	rc = xs_perm_load(&back, &got, path, &c, 0, err, sizeof(err));
	CHECK(rc == 0 && got.n == 1 && got.idx[0] == x, "CRLF: rc %d, '%s'", rc,
	      err);
	xs_perm_back_free(&got);
	unlink(path);
	TEST_END();
}

static void test_shard_parse(void)
{
	static const struct {
		const char *s;
		const char *msg;
	} bad[] = {
		{ "0/3", "shard '0/3': shard number must be from 1 to 3" },
		{ "4/3", "shard '4/3': shard number must be from 1 to 3" },
		{ "1/0", "shard '1/0': shard count must be from 1 to 65535" },
		{ "1/65536",
		  "shard '1/65536': shard count must be from 1 to 65535" },
		{ "3", "shard '3': expected I/N, e.g. 1/3" },
		{ "a/b", "shard 'a/b': expected I/N, e.g. 1/3" },
		{ "/3", "shard '/3': expected I/N, e.g. 1/3" },
		{ "1/3x", "shard '1/3x': expected I/N, e.g. 1/3" },
		{ "1/-3", "shard '1/-3': expected I/N, e.g. 1/3" },
		{ "", "shard '': expected I/N, e.g. 1/3" },
	};
	uint32_t i, n;
	size_t k;

	TEST_BEGIN("perm_parse_shard");
	CHECK_EQ(xs_perm_parse_shard("1/1", &i, &n, err, sizeof(err)), 0);
	CHECK(i == 1 && n == 1, "1/1 -> %u/%u", i, n);
	CHECK_EQ(xs_perm_parse_shard("3/7", &i, &n, err, sizeof(err)), 0);
	CHECK(i == 3 && n == 7, "3/7 -> %u/%u", i, n);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		CHECK_EQ(xs_perm_parse_shard(bad[k].s, &i, &n, err,
					     sizeof(err)),
			 -EINVAL);
		CHECK(!strcmp(err, bad[k].msg), "'%s': message '%s'", bad[k].s,
		      err);
	}
	TEST_END();
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_big(void)
{
	enum { STEPS = 1000000 };
	const uint64_t n = 3ULL << 32; /* a /0 times three ports */
	struct xs_perm_cfg c = cfg_of(n, 12, 1, 1);
	struct xs_perm pm;
	uint64_t *v;
	size_t i, dup = 0, out = 0;
	double t0;

	TEST_BEGIN("perm_big_n_bounded_steps");
	t0 = now_s();
	CHECK_EQ(xs_perm_init(&pm, &c), 0);
	CHECK_EQ(pm.p, 12884901893ULL);
	/* Generous: the point is that set-up does not scale with n. */
	CHECK(now_s() - t0 < 2.0, "init took %.3f s", now_s() - t0);
	v = malloc(STEPS * sizeof(*v));
	for (i = 0; i < STEPS; i++) {
		if (!xs_perm_next(&pm, &v[i]))
			break;
		out += v[i] >= n;
	}
	CHECK(i == STEPS, "ended after %zu", i);
	CHECK(out == 0, "%zu out of range", out);
	CHECK(sizeof(pm) <= 128, "state is %zu bytes", sizeof(pm));
	qsort(v, STEPS, sizeof(*v), cmp_u64);
	for (i = 1; i < STEPS; i++)
		dup += v[i] == v[i - 1];
	CHECK(dup == 0, "%zu repeats", dup);
	/* Spread over the space, not a clump at one end. */
	CHECK(v[0] < n / 100 && v[STEPS - 1] > n - n / 100, "range %llu..%llu",
	      (unsigned long long)v[0], (unsigned long long)v[STEPS - 1]);
	free(v);
	TEST_END();
}

int main(void)
{
	test_number_theory();
	test_init_bounds();
	test_covers_exactly_once();
	test_seeds();
	test_shards();
	test_resume();
	test_refused();
	test_unfinished();
	test_state_bounds();
	test_shard_parse();
	test_big();
	return TEST_EXIT();
}
