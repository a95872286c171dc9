/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/report.c: the result lines of scan and connect
 * --count, byte for byte in each format (golden lines), the time stamps
 * as the second changes, and timeouts left out; a write error is noticed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "cli.h"
#include "report.h"

/* 2026-11-24T18:04:57Z */
#define T0 1795543497

static struct xs_result open_result(long nsec, time_t sec)
{
	struct xs_result r = {
		.daddr = htonl(0x0a4d0002), /* 10.77.0.2 */
		.dport = 80,
		.sport = 61000,
		.open = true,
		.has_rtt = true,
		.rtt_us = 41,
		.ttl = 64,
		.window = 64240,
		.opts = { .has_mss = true,
			  .mss = 1460,
			  .sack_ok = true,
			  .has_ts = true,
			  .has_wscale = true,
			  .wscale = 7 },
		.ts = { .tv_sec = sec, .tv_nsec = nsec },
	};

	return r;
}

static struct xs_result closed_result(void)
{
	struct xs_result r = {
		.daddr = htonl(0x0a4d0003),
		.dport = 81,
		.sport = 61001,
		.ttl = 64,
		.ts = { .tv_sec = T0 + 1, .tv_nsec = 5000 },
	};

	return r;
}

/* Runs the results through a report in fmt and returns what it wrote. */
static char *run(const char *fmt, const struct xs_result *res, int n)
{
	char path[] = "/tmp/xs_report_XXXXXX";
	struct xs_report r;
	static char buf[4096];
	size_t len = 0;
	FILE *f;
	int fd, i;

	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	if (xs_report_init(&r, path, fmt, false, true))
		return NULL;
	for (i = 0; i < n; i++)
		xs_report_result(&r, &res[i]);
	xs_report_close(&r);
	f = fopen(path, "r");
	if (f) {
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	unlink(path);
	buf[len] = '\0';
	return buf;
}

static void test_ndjson(void)
{
	struct xs_result res[4] = {
		open_result(123456789, T0),
		open_result(999999999, T0), /* same second, cached stamp */
		closed_result(), /* the next second */
		{ .daddr = htonl(0x0a4d0004), .dport = 82, .timeout = true },
	};
	const char *want =
		"{\"ip\":\"10.77.0.2\",\"port\":80,\"state\":\"open\",\"sport\":61000,\"rtt_us\":41,\"ttl\":64,\"window\":64240,\"mss\":1460,\"wscale\":7,\"sack\":true,\"ts\":true,\"time\":\"2026-11-24T18:04:57.123456Z\"}\n"
		"{\"ip\":\"10.77.0.2\",\"port\":80,\"state\":\"open\",\"sport\":61000,\"rtt_us\":41,\"ttl\":64,\"window\":64240,\"mss\":1460,\"wscale\":7,\"sack\":true,\"ts\":true,\"time\":\"2026-11-24T18:04:57.999999Z\"}\n"
		"{\"ip\":\"10.77.0.3\",\"port\":81,\"state\":\"closed\",\"sport\":61001,\"ttl\":64,\"window\":0,\"sack\":false,\"ts\":false,\"time\":\"2026-11-24T18:04:58.000005Z\"}\n";
	const char *got;

	TEST_BEGIN("report_ndjson_golden");
	got = run("ndjson", res, 4);
	CHECK(got && !strcmp(got, want), "got\n%s\nwant\n%s", got ? got : "",
	      want);
	TEST_END();
}

static void test_list_csv(void)
{
	struct xs_result res[2] = { open_result(1000, T0), closed_result() };
	const char *want_list = "open tcp 80 10.77.0.2 1795543497\n"
				"closed tcp 81 10.77.0.3 1795543498\n";
	const char *want_csv =
		"ip,port,state,rtt_us,ttl,window,mss,wscale,sack,ts,time,banner\n"
		"10.77.0.2,80,open,41,64,64240,1460,7,1,1,2026-11-24T18:04:57.000001Z,\n"
		"10.77.0.3,81,closed,,64,0,,,0,0,2026-11-24T18:04:58.000005Z,\n";
	const char *got;

	TEST_BEGIN("report_list_golden");
	got = run("list", res, 2);
	CHECK(got && !strcmp(got, want_list), "got\n%s", got ? got : "");
	TEST_END();

	TEST_BEGIN("report_csv_golden");
	got = run("csv", res, 2);
	CHECK(got && !strcmp(got, want_csv), "got\n%s", got ? got : "");
	TEST_END();
}

static void test_banner(void)
{
	static const uint8_t b[] = "SSH-2.0 \"x\"\\\r\n\x01";
	struct xs_result res = open_result(0, T0);
	const char *got;

	res.has_banner = true;
	res.banner = b;
	res.banner_len = sizeof(b) - 1;
	TEST_BEGIN("report_banner_escaped");
	got = run("ndjson", &res, 1);
	CHECK(got && strstr(got,
			    ",\"banner\":\"SSH-2.0 \\\"x\\\"\\\\\\r\\n\\u0001\"}\n"),
	      "got %s", got ? got : "");
	got = run("list", &res, 1);
	CHECK(got && strstr(got, " SSH-2.0 \\x22x\\x22\\x5c\\x0d\\x0a\\x01\n"),
	      "got %s", got ? got : "");
	TEST_END();
}

/*
 * Results that cannot be written (/dev/full): noticed as the buffer is
 * written, so the producer stops (it reads the flag), and the close fails;
 * a result still in the buffer fails the close.
 */
static void test_write_error(void)
{
	struct xs_result res = open_result(1, T0);
	struct xs_report r;
	int i;

	TEST_BEGIN("report_write_error_stops");
	CHECK_EQ(xs_report_init(&r, "/dev/full", "ndjson", false, true), 0);
	CHECK(!xs_report_failed(&r), "failed before any write");
	for (i = 0; i < 200 && !xs_report_failed(&r); i++)
		xs_report_result(&r, &res);
	CHECK(xs_report_failed(&r), "%d results into /dev/full unnoticed", i);
	CHECK_EQ(xs_report_close(&r), XS_EXIT_WRITE);
	TEST_END();

	TEST_BEGIN("report_write_error_at_close");
	CHECK_EQ(xs_report_init(&r, "/dev/full", "csv", false, true), 0);
	xs_report_result(&r, &res);
	CHECK(!xs_report_failed(&r), "one buffered line cannot have failed");
	CHECK_EQ(xs_report_close(&r), XS_EXIT_WRITE);
	TEST_END();
}

int main(void)
{
	test_ndjson();
	test_list_csv();
	test_banner();
	test_write_error();
	return TEST_EXIT();
}
