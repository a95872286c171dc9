/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/scanplan.c: the SYN's length on the wire and zmap's
 * -B arithmetic, the probe of an index, and --dryrun's lines (one per
 * probe of the permutation, each with the keyed ISN, at most --max-targets),
 * and a set of both families walked by one permutation: shards and a
 * resumed state cover every (address, port) exactly once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "cli.h"
#include "scanplan.h"

static void test_bandwidth(void)
{
	const char *why = NULL;
	uint64_t pps = 0;

	TEST_BEGIN("scanplan_syn_len_and_bandwidth");
	/* 14 + 20 + 20 + MSS 4, SACK-permitted 2, timestamps 10, window
	 * scale 3, padded to 20. */
	CHECK_EQ(xs_scan_syn_len(), 74);
	/* (74 + 24) * 8 = 784 bits a SYN. */
	CHECK_EQ(xs_parse_bandwidth("10M", &pps, &why), 0);
	CHECK_EQ(pps, 10000000 / 784);
	CHECK_EQ(xs_parse_bandwidth("1g", &pps, &why), 0);
	CHECK_EQ(pps, 1000000000 / 784);
	CHECK_EQ(xs_parse_bandwidth("784", &pps, &why), 0);
	CHECK_EQ(pps, 1);
	CHECK_EQ(xs_parse_bandwidth("783", &pps, &why), -EINVAL);
	CHECK(!strcmp(why, "less than one SYN per second"), "why '%s'", why);
	CHECK_EQ(xs_parse_bandwidth("10X", &pps, &why), -EINVAL);
	CHECK_EQ(xs_parse_bandwidth("M", &pps, &why), -EINVAL);
	CHECK_EQ(xs_parse_bandwidth("", &pps, &why), -EINVAL);
	CHECK_EQ(xs_parse_bandwidth("-1M", &pps, &why), -EINVAL);
	CHECK_EQ(xs_parse_bandwidth("99999999999999999999G", &pps, &why),
		 -EINVAL);
	TEST_END();
}

static void test_dryrun(void)
{
	struct xs_isn_key key = { 1, 2 };
	struct xs_dryrun d = { .key = &key,
			       .ttl = 9,
			       .window = 999,
			       .port_lo = 62000,
			       .port_hi = 62003 };
	struct xs_perm_cfg pc = { .n = 8, .seed = 7, .shard = 1, .shards = 1 };
	unsigned int seen = 0, n = 0, sport, dport, seq, ttl, win;
	char err[128], line[160], dst[16];
	struct xs_targets t = {};
	struct xs_ports p = {};
	struct xs_perm pm;
	uint32_t daddr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	TEST_BEGIN("scanplan_dryrun_one_line_per_probe");
	xs_parse_ipv4("10.0.0.1", &d.saddr);
	CHECK_EQ(xs_targets_add(&t, "10.9.0.0/30", err, sizeof(err)), 0);
	CHECK_EQ(xs_targets_finalize(&t, err, sizeof(err)), 0);
	CHECK_EQ(xs_ports_parse("22,80", &p, err, sizeof(err)), 0);
	CHECK_EQ(xs_perm_init(&pm, &pc), 0);
	f = open_memstream(&buf, &len);
	CHECK_EQ(xs_scan_dryrun(&d, &t, &p, &pm, f), 8);
	fclose(f);
	f = fmemopen(buf, len, "r");
	while (f && fgets(line, sizeof(line), f)) {
		n++;
		if (sscanf(line,
			   "SYN 10.0.0.1:%u > %15[0-9.]:%u seq %u ttl %u win %u",
			   &sport, dst, &dport, &seq, &ttl, &win) != 6) {
			CHECK(0, "line '%s'", line);
			continue;
		}
		xs_parse_ipv4(dst, &daddr);
		CHECK(sport >= 62000 && sport <= 62003, "sport %u", sport);
		CHECK(ttl == 9 && win == 999, "ttl %u win %u", ttl, win);
		CHECK_EQ(seq, xs_isn(&key, d.saddr, daddr, sport, dport));
		/* Each (target, port) pair exactly once. */
		seen |= 1u << ((ntohl(daddr) & 3) * 2 + (dport == 80));
	}
	if (f)
		fclose(f);
	CHECK_EQ(n, 8);
	CHECK_EQ(seen, 0xff);
	free(buf);
	/* --max-targets 3: three lines. */
	d.max = 3;
	CHECK_EQ(xs_perm_init(&pm, &pc), 0);
	f = fopen("/dev/null", "w");
	CHECK_EQ(xs_scan_dryrun(&d, &t, &p, &pm, f), 3);
	fclose(f);
	xs_targets_free(&t);
	xs_ports_free(&p);
	TEST_END();
}

/* Which (target, port) a probe is: its index in targets x ports. */
static uint64_t probe_index(const struct xs_targets *t,
			    const struct xs_ports *p, const struct xs_addr *a,
			    uint16_t dport)
{
	uint64_t i, k;

	for (i = 0; i < t->count; i++) {
		struct xs_addr x = xs_targets_nth(t, i);

		if (!xs_addr_eq(&x, a))
			continue;
		for (k = 0; k < p->n; k++)
			if (p->port[k] == dport)
				return i * p->n + k;
	}
	return UINT64_MAX;
}

static void test_mixed_families(void)
{
	struct xs_perm_cfg pc = { .seed = 99, .shards = 3 };
	uint8_t seen[64 * 2] = { 0 };
	struct xs_targets t;
	struct xs_ports p;
	struct xs_perm pm, pr;
	struct xs_addr a;
	char err[256], path[] = "/tmp/xs_scanplan_XXXXXX";
	uint16_t dport, sport;
	uint64_t idx, k, n = 0, v6 = 0;
	int fd, bad = 0, half;

	TEST_BEGIN("scanplan_mixed_families_shards_resume");
	xs_targets_init(&t);
	CHECK_EQ(xs_targets_add(&t, "10.0.0.0/27, fd00::/123", err,
				sizeof(err)),
		 0);
	CHECK_EQ(xs_targets_finalize(&t, err, sizeof(err)), 0);
	CHECK_EQ(t.count, 64);
	CHECK_EQ(xs_ports_parse("22,80", &p, err, sizeof(err)), 0);
	pc.n = t.count * p.n;
	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	close(fd);
	for (pc.shard = 1; pc.shard <= pc.shards; pc.shard++) {
		CHECK_EQ(xs_perm_init(&pm, &pc), 0);
		/* Half the shard, saved, then the rest from the state. */
		for (half = 0; half < 5 && xs_perm_next(&pm, &idx); half++) {
			xs_scan_probe_of(&t, &p, idx, pc.seed, 1000, 1999, &a,
					 &dport, &sport);
			k = probe_index(&t, &p, &a, dport);
			bad |= k != idx || k >= 128 || seen[k]++;
			v6 += !xs_addr_is_v4(&a);
			n++;
		}
		CHECK_EQ(xs_perm_save(&pm, NULL, 0, path, err, sizeof(err)), 0);
		CHECK_EQ(xs_perm_load(&pr, NULL, path, &pc, 0, err,
				      sizeof(err)),
			 0);
		while (xs_perm_next(&pr, &idx)) {
			xs_scan_probe_of(&t, &p, idx, pc.seed, 1000, 1999, &a,
					 &dport, &sport);
			k = probe_index(&t, &p, &a, dport);
			bad |= k != idx || k >= 128 || seen[k]++ ||
			       sport < 1000 || sport > 1999;
			v6 += !xs_addr_is_v4(&a);
			n++;
		}
	}
	unlink(path);
	CHECK(!bad, "a probe seen twice, or not the index's");
	CHECK_EQ(n, 128);
	CHECK_EQ(v6, 64);
	xs_targets_free(&t);
	xs_ports_free(&p);
	TEST_END();
}

/*
 * xs_scan_index_of() undoes xs_scan_probe_of() for every probe of a set
 * of ranges of both families with a hole, and knows no pair outside it;
 * a dry run prints a resumed state's unfinished probes first.
 */
static void test_index_of(void)
{
	static const char *const outside[] = { "10.0.0.7",	"10.0.0.32",
					       "10.0.1.4",	"fd00::20",
					       "9.255.255.255", "::" };
	struct xs_isn_key key = { 1, 2 };
	uint64_t back_idx[2] = { 5, 0 };
	struct xs_perm_back back = { .idx = back_idx, .n = 2, .cap = 2 };
	struct xs_dryrun d = {
		.key = &key, .port_lo = 1, .port_hi = 9, .max = 1, .back = &back
	};
	struct xs_perm_cfg pc = { .seed = 3, .shard = 1, .shards = 1 };
	char err[256], line[3][160];
	struct xs_targets t;
	struct xs_ports p;
	struct xs_addr a;
	struct xs_perm pm;
	uint16_t dport, sport;
	uint64_t idx, k;
	int bad = 0;
	size_t i;
	FILE *f;

	TEST_BEGIN("scanplan_index_of_inverts_probe_of");
	xs_targets_init(&t);
	CHECK_EQ(
		xs_targets_add(
			&t,
			"10.0.0.0/27, 10.0.1.5-10.0.1.9, fd00::/123, 192.168.0.1",
			err, sizeof(err)),
		0);
	CHECK_EQ(xs_targets_exclude(&t, "10.0.0.7", err, sizeof(err)), 0);
	CHECK_EQ(xs_targets_finalize(&t, err, sizeof(err)), 0);
	CHECK_EQ(t.count, 31 + 5 + 32 + 1);
	CHECK_EQ(xs_ports_parse("445,22,443-444,80", &p, err, sizeof(err)), 0);
	for (idx = 0; idx < t.count * p.n; idx++) {
		xs_scan_probe_of(&t, &p, idx, 3, 1, 9, &a, &dport, &sport);
		bad |= !xs_scan_index_of(&t, &p, &a, dport, &k) || k != idx;
	}
	CHECK(!bad, "an index not given back");
	for (i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		CHECK_EQ(xs_addr_parse(outside[i], &a, NULL), 0);
		CHECK(!xs_scan_index_of(&t, &p, &a, 80, &k), "%s is a target",
		      outside[i]);
	}
	CHECK_EQ(xs_addr_parse("10.0.0.8", &a, NULL), 0);
	CHECK(!xs_scan_index_of(&t, &p, &a, 81, &k), "port 81 is a target");
	CHECK(xs_scan_index_of(&t, &p, &a, 445, &k) && k == 7 * 5 + 4,
	      "10.0.0.8:445 is %llu", (unsigned long long)k);
	/* 5 is 10.0.0.1:22, 0 is 10.0.0.0:22: first, in that order. */
	pc.n = t.count * p.n;
	CHECK_EQ(xs_perm_init(&pm, &pc), 0);
	xs_parse_ipv4("10.0.0.100", &d.saddr);
	f = tmpfile();
	CHECK_EQ(xs_scan_dryrun(&d, &t, &p, &pm, f), 3);
	rewind(f);
	for (i = 0; i < 3; i++)
		CHECK(fgets(line[i], sizeof(line[i]), f), "line %zu", i);
	fclose(f);
	CHECK(!strncmp(line[0], "SYN 10.0.0.100:", 15) &&
		      strstr(line[0], " > 10.0.0.1:22 "),
	      "first '%s'", line[0]);
	CHECK(strstr(line[1], " > 10.0.0.0:22 "), "second '%s'", line[1]);
	CHECK_EQ(pm.emitted, 1);
	xs_targets_free(&t);
	xs_ports_free(&p);
	TEST_END();
}

int main(void)
{
	test_bandwidth();
	test_dryrun();
	test_mixed_families();
	test_index_of();
	return TEST_EXIT();
}
