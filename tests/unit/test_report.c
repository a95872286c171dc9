/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/cmd/report.c: the result lines of scan and connect
 * --count, byte for byte in each format (golden lines), the time stamps
 * as the second changes, and timeouts left out; banners as UTF-8 text
 * plus base64; the JSON summary objects byte for byte; a write error is
 * noticed.  Prints the cost of a result line as information.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "cli.h"
#include "report.h"

/* 2026-11-24T18:04:57Z */
#define T0 1795543497

static struct xs_result open_result(long nsec, time_t sec)
{
	struct xs_result r = {
		.daddr = xs_addr_v4(htonl(0x0a4d0002)), /* 10.77.0.2 */
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
		.daddr = xs_addr_v4(htonl(0x0a4d0003)),
		.dport = 81,
		.sport = 61001,
		.ttl = 64,
		.ts = { .tv_sec = T0 + 1, .tv_nsec = 5000 },
	};

	return r;
}

/* An ICMP admin-prohibited from a router, for port 1004. */
static struct xs_result filtered_result(void)
{
	struct xs_result r = {
		.daddr = xs_addr_v4(htonl(0x0a4d0004)),
		.dport = 1004,
		.sport = 61002,
		.ttl = 63,
		.icmp = true,
		.icmp_type = 3,
		.icmp_code = 13,
		.icmp_from = xs_addr_v4(htonl(0x0a4d00fe)),
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
	struct xs_result res[5] = {
		open_result(123456789, T0),
		open_result(999999999, T0), /* same second, cached stamp */
		closed_result(), /* the next second */
		{ .daddr = xs_addr_v4(htonl(0x0a4d0004)),
		  .dport = 82,
		  .timeout = true },
		filtered_result(),
	};
	const char *want =
		"{\"ip\":\"10.77.0.2\",\"family\":\"ipv4\",\"port\":80,\"state\":\"open\",\"sport\":61000,\"rtt_us\":41,\"ttl\":64,\"window\":64240,\"mss\":1460,\"wscale\":7,\"sack\":true,\"ts\":true,\"time\":\"2026-11-24T18:04:57.123456Z\"}\n"
		"{\"ip\":\"10.77.0.2\",\"family\":\"ipv4\",\"port\":80,\"state\":\"open\",\"sport\":61000,\"rtt_us\":41,\"ttl\":64,\"window\":64240,\"mss\":1460,\"wscale\":7,\"sack\":true,\"ts\":true,\"time\":\"2026-11-24T18:04:57.999999Z\"}\n"
		"{\"ip\":\"10.77.0.3\",\"family\":\"ipv4\",\"port\":81,\"state\":\"closed\",\"sport\":61001,\"ttl\":64,\"window\":0,\"sack\":false,\"ts\":false,\"time\":\"2026-11-24T18:04:58.000005Z\"}\n"
		"{\"ip\":\"10.77.0.4\",\"family\":\"ipv4\",\"port\":1004,\"state\":\"filtered\",\"sport\":61002,\"ttl\":63,\"window\":0,\"sack\":false,\"ts\":false,\"time\":\"2026-11-24T18:04:58.000005Z\",\"icmp_type\":3,\"icmp_code\":13,\"icmp_reason\":\"administratively prohibited\",\"icmp_from\":\"10.77.0.254\"}\n";
	const char *got;

	TEST_BEGIN("report_ndjson_golden");
	got = run("ndjson", res, 5);
	CHECK(got && !strcmp(got, want), "got\n%s\nwant\n%s", got ? got : "",
	      want);
	TEST_END();
}

static void test_list_csv(void)
{
	struct xs_result res[3] = { open_result(1000, T0), closed_result(),
				    filtered_result() };
	const char *want_list =
		"#masscan\n"
		"open tcp 80 10.77.0.2 1795543497\n"
		"closed tcp 81 10.77.0.3 1795543498\n"
		"filtered tcp 1004 10.77.0.4 1795543498 icmp 3/13 from 10.77.0.254\n"
		"# end ";
	const char *want_csv =
		"ip,family,port,state,sport,rtt_us,ttl,window,mss,wscale,sack,ts,time,banner,banner_b64,icmp_type,icmp_code,icmp_reason,icmp_from,options_malformed\n"
		"10.77.0.2,ipv4,80,open,61000,41,64,64240,1460,7,true,true,2026-11-24T18:04:57.000001Z,,,,,,,\n"
		"10.77.0.3,ipv4,81,closed,61001,,64,0,,,false,false,2026-11-24T18:04:58.000005Z,,,,,,,\n"
		"10.77.0.4,ipv4,1004,filtered,61002,,63,0,,,false,false,2026-11-24T18:04:58.000005Z,,,3,13,administratively prohibited,10.77.0.254,\n";
	const char *got;
	char *end;
	long long t;

	/* masscan's header and trailer ("# end" and the time of the end). */
	TEST_BEGIN("report_list_golden");
	got = run("list", res, 3);
	CHECK(got && !strncmp(got, want_list, strlen(want_list)), "got\n%s",
	      got ? got : "");
	t = got ? strtoll(got + strlen(want_list), &end, 10) : 0;
	CHECK(got && t >= T0 && !strcmp(end, "\n"), "trailer in\n%s",
	      got ? got : "");
	TEST_END();

	TEST_BEGIN("report_csv_golden");
	got = run("csv", res, 3);
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
			    ",\"banner\":\"SSH-2.0 \\\"x\\\"\\\\\\r\\n\\u0001\","
			    "\"banner_b64\":\"U1NILTIuMCAieCJcDQoB\"}\n"),
	      "got %s", got ? got : "");
	/* a list line: printable ASCII as it is, \xNN for the rest */
	got = run("list", &res, 1);
	CHECK(got && strstr(got, " SSH-2.0 \"x\"\\x5c\\x0d\\x0a\\x01\n"),
	      "got %s", got ? got : "");
	TEST_END();
}

/*
 * A banner in UTF-8 with a byte that is not: "banner" keeps "café ☃" as
 * the characters it is (not byte by byte as \u00XX, which a JSON reader
 * shows as "cafÃ©"), the 0xFF byte is U+FFFD, and "banner_b64" holds the
 * exact bytes.
 */
static void test_banner_utf8(void)
{
	static const uint8_t b[] = "caf\xc3\xa9 \xe2\x98\x83\xff\r\n";
	struct xs_result res = open_result(0, T0);
	const char *want =
		"{\"ip\":\"10.77.0.2\",\"family\":\"ipv4\",\"port\":80,\"state\":\"open\",\"sport\":61000,\"rtt_us\":41,\"ttl\":64,\"window\":64240,\"mss\":1460,\"wscale\":7,\"sack\":true,\"ts\":true,\"time\":\"2026-11-24T18:04:57.000000Z\","
		"\"banner\":\"caf\xc3\xa9 \xe2\x98\x83\\ufffd\\r\\n\",\"banner_b64\":\"Y2Fmw6kg4piD/w0K\"}\n";
	const char *got;

	res.has_banner = true;
	res.banner = b;
	res.banner_len = sizeof(b) - 1;
	TEST_BEGIN("report_banner_utf8_golden");
	got = run("ndjson", &res, 1);
	CHECK(got && !strcmp(got, want), "got\n%s\nwant\n%s", got ? got : "",
	      want);
	TEST_END();
}

/* An engine run's figures, the same for each summary test. */
static void run_stats(struct xs_engine_stats *s, bool interrupted)
{
	memset(s, 0, sizeof(*s));
	s->start_ns = 1000000000ULL;
	s->end_send_ns = 2500000000ULL;
	s->now_ns = 4000000000ULL;
	s->sent = 1000;
	s->retransmits = 12;
	s->replies = 900;
	s->open = 600;
	s->closed = 300;
	s->timeouts = 100;
	s->dups = 3;
	s->invalid = 4;
	s->acks_sent = 600;
	s->rsts_sent = 900;
	s->fins_sent = 7;
	s->data_sent = 8;
	s->banners = 5;
	s->cpu_ns = 123456789;
	s->interrupted = interrupted;
	s->inflight = 7;
	s->port_waits = 8;
	s->late = 9;
	s->nqueues = 2;
	s->queue[0].sent = 600;
	s->queue[0].replies = 500;
	s->queue[1].sent = 400;
	s->queue[1].replies = 400;
}

/* Fixed XDP_STATISTICS, as a run's sockets would report them. */
static void fixed_sockstats(void *ctx, struct xs_sockstat *out)
{
	*out = (struct xs_sockstat){ 1, 2, 3, 4, 5, 6 };
}

/* The JSON summary of a run, as the report writes it to its stream; with
 * sockstats, the sockets' counters too. */
static char *summary_of_socks(bool exact_n, bool sockstats)
{
	static char buf[2048];
	struct xs_engine_stats s;
	struct xs_report r;
	size_t len = 0;
	FILE *f = tmpfile();
	int i;

	buf[0] = '\0';
	if (!f || xs_report_init(&r, "/dev/null", "ndjson", false, true))
		return buf;
	r.summary_json = f;
	r.total = 1100;
	r.exact_n = exact_n;
	if (sockstats)
		r.sockstats = fixed_sockstats;
	for (i = 1; i <= 100; i++) {
		struct xs_result res = { .has_rtt = true,
					 .rtt_us = i * 10,
					 .timeout = true };

		xs_report_result(&r, &res);
	}
	run_stats(&s, exact_n);
	xs_report_progress(&r, &s, true);
	xs_report_close(&r);
	rewind(f);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static char *summary_of(bool exact_n)
{
	return summary_of_socks(exact_n, false);
}

/*
 * The summary objects of scan and connect --count, byte for byte: the
 * fields, their order and their number formats as the printf that built
 * them by hand wrote them (golden lines taken from that code).
 */
static void test_summary_json(void)
{
	const char *head =
		"{\"event\":\"summary\",\"what\":\"scan\",\"sent\":1000,\"retransmits\":12,\"replies\":900,\"open\":600,\"closed\":300,\"filtered\":0,\"unreachable\":0,\"silent\":100,\"timeouts\":100,\"duplicates\":3,\"late\":9,\"challenges\":0,\"invalid\":4,\"acks_sent\":600,\"rsts_sent\":900,\"fins_sent\":7,\"data_sent\":8,\"fast_acks\":0,\"fast_rsts\":0,\"fast_records\":0,\"banners\":5,\"pmtu_resends\":0,\"duration_s\":3.000,\"send_rate_pps\":666.7,\"open_per_s\":200.0,\"handshakes_per_s\":200.0,\"cpu_s\":0.123,";
	const char *queues =
		"\"queues\":[{\"queue\":0,\"sent\":600,\"replies\":500},{\"queue\":1,\"sent\":400,\"replies\":400}]}\n";
	const char *rtt =
		"\"rtt_us\":{\"samples\":100,\"p50\":510,\"p90\":900,\"p99\":990,\"max\":1000},";
	char want[2048];
	const char *got;

	TEST_BEGIN("report_summary_json_golden");
	snprintf(want, sizeof(want), "%s\"interrupted\":false,%s%s", head, rtt,
		 queues);
	got = summary_of(false);
	CHECK(!strcmp(got, want), "got\n%s\nwant\n%s", got, want);
	TEST_END();

	TEST_BEGIN("report_summary_json_count_golden");
	snprintf(
		want, sizeof(want),
		"%s\"interrupted\":true,%s\"count\":1100,\"established\":600,\"refused\":300,\"timed_out\":100,\"unfinished\":7,\"not_attempted\":100,\"port_waits\":8,%s",
		head, rtt, queues);
	got = summary_of(true);
	CHECK(!strcmp(got, want), "got\n%s\nwant\n%s", got, want);
	TEST_END();

	/* The sockets' XDP_STATISTICS last, named as status names them. */
	TEST_BEGIN("report_summary_json_af_xdp");
	snprintf(
		want, sizeof(want),
		"%s\"interrupted\":false,%s%.*s,\"af_xdp\":{\"rx_dropped\":1,\"rx_invalid_descs\":2,\"tx_invalid_descs\":3,\"rx_ring_full\":4,\"rx_fill_ring_empty_descs\":5,\"tx_ring_empty_descs\":6}}\n",
		head, rtt, (int)strlen(queues) - 2, queues);
	got = summary_of_socks(false, true);
	CHECK(!strcmp(got, want), "got\n%s\nwant\n%s", got, want);
	TEST_END();
}

/*
 * The cost of a result line (the hot path, 300k lines/s in a scan), as
 * information only: speed claims belong to make bench.
 */
static void bench_result_line(void)
{
	static const uint8_t b[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
	struct xs_result res = open_result(1000, T0);
	struct timespec t0, t1;
	struct xs_report r;
	const int n = 100000;
	int i, k;

	for (k = 0; k < 2; k++) {
		if (k) {
			res.has_banner = true;
			res.banner = b;
			res.banner_len = sizeof(b) - 1;
		}
		if (xs_report_init(&r, "/dev/null", "ndjson", false, true))
			return;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < n; i++) {
			res.ts.tv_nsec = i;
			xs_report_result(&r, &res);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		xs_report_close(&r);
		printf("info: ndjson result line%s: %.0f ns\n",
		       k ? " with a banner" : "",
		       ((t1.tv_sec - t0.tv_sec) * 1e9 +
			(t1.tv_nsec - t0.tv_nsec)) /
			       n);
	}
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
	test_banner_utf8();
	test_summary_json();
	test_write_error();
	bench_result_line();
	return TEST_EXIT();
}
