/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/cmd/monitor_output.c: parsing captures the snap length cut
 * short (and refusing frames that are really malformed), monotonic to wall
 * clock timestamps, and pcap files that libpcap reads back with the right
 * snap length, caplen, len, timestamps and bytes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "testlib.h"
#include "mon_frames6.h"
#include "xdpshake.h"
#include "logfmt.h"
#include "monitor_output.h"

static const uint8_t mac_b[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };
static const uint8_t mac_a[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x05 };

/* hostB -> hostA, the tutorial's addresses, with payload_len bytes 0, 1, ... */
static size_t build(uint8_t *buf, size_t cap, size_t payload_len,
		    bool with_opts)
{
	static uint8_t payload[512];
	struct xs_frame_spec s;
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = i & 0xff;
	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, mac_b, 6);
	memcpy(s.dst_mac, mac_a, 6);
	s.saddr = xs_addr_v4(inet_addr("172.17.0.2"));
	s.daddr = xs_addr_v4(inet_addr("172.17.0.5"));
	s.sport = 20;
	s.dport = 80;
	s.seq = 1;
	s.ack = 692864111;
	s.flags = XS_TCP_ACK | XS_TCP_PSH;
	s.window = 29200;
	s.ttl = 64;
	s.ip_id = 123;
	if (with_opts) {
		s.opts.has_mss = true;
		s.opts.mss = 1460;
		s.opts.sack_ok = true;
		s.opts.has_ts = true;
		s.opts.ts_val = 7;
		s.opts.has_wscale = true;
		s.opts.wscale = 7;
	}
	s.payload = payload;
	s.payload_len = payload_len;
	return xs_build_tcp_frame(buf, cap, &s);
}

static void test_parse_whole(void)
{
	uint8_t f[128];
	struct xs_pkt p;
	size_t n = build(f, sizeof(f), 6, false);
	bool cut = true;

	TEST_BEGIN("mon_parse_whole_frame");
	CHECK_EQ(xs_mon_parse(f, n, n, &p, &cut), XS_PARSE_OK);
	CHECK(!cut, "a whole frame is not cut");
	CHECK_EQ(p.payload_len, 6);
	CHECK(p.tcp != NULL, "checksum state available");
	CHECK(xs_tcp_csum_acceptable(&p), "built frame has a valid checksum");
	TEST_END();
}

static void test_parse_cut(void)
{
	uint8_t f[512], orig[512];
	struct xs_pkt p;
	size_t n = build(f, sizeof(f), 300, false);
	size_t caplen = XS_MON_SNAP_DEFAULT;
	bool cut = false;

	memcpy(orig, f, n);
	TEST_BEGIN("mon_parse_cut_capture");
	CHECK_EQ(n, 54 + 300);
	CHECK_EQ(xs_mon_parse(f, caplen, n, &p, &cut), XS_PARSE_OK);
	CHECK(cut, "the capture was cut");
	CHECK_EQ(p.tot_len, 20 + 20 + 300);
	CHECK_EQ(p.tcp_len, 20 + 300);
	CHECK_EQ(p.payload_len, caplen - 54);
	CHECK(p.payload == f + 54, "payload points into the frame");
	CHECK(p.payload && p.payload[0] == 0 && p.payload[10] == 10,
	      "payload bytes");
	CHECK(p.tcp == NULL, "no checksum verdict on part of a segment");
	CHECK_EQ(p.seq, 1);
	CHECK_EQ(p.ack, 692864111);
	CHECK(!memcmp(f, orig, n), "frame restored after the parse");
	TEST_END();

	/* The tutorial log format shows the captured slice of data. */
	TEST_BEGIN("mon_parse_cut_tutorial_log");
	{
		char *out = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&out, &len);
		struct timespec ts = { .tv_sec = 1600429050 };

		if (m) {
			xs_log_tutorial(m, &p, &ts);
			fclose(m);
		}
		CHECK(out && strstr(out, "'SEQ': 1, 'ACK_NUM': 692864111, "
					 "'Flags': '_,_,_,ACK,PSH,_,_,_'"),
		      "dict line: %s", out ? out : "(none)");
		CHECK(out && strstr(out, "'data': b'\\x00\\x01\\x02"),
		      "data repr starts with the payload");
		/* 74 bytes captured: the last ones are 0x47-0x49, "GHI". */
		CHECK(out && strstr(out, "GHI'}\n"),
		      "data repr ends with byte %zu", caplen - 54 - 1);
		free(out);
	}
	TEST_END();
}

static void test_parse_bad(void)
{
	uint8_t f[256];
	struct xs_pkt p;
	size_t n = build(f, sizeof(f), 100, true);
	bool cut = true;

	/* A frame captured whole that is shorter than its total length is
	 * malformed: no second try. */
	TEST_BEGIN("mon_parse_short_whole_frame_refused");
	CHECK_EQ(xs_mon_parse(f, n - 10, n - 10, &p, &cut),
		 XS_PARSE_BAD_TOTLEN);
	CHECK(!cut, "not marked cut");
	TEST_END();

	/* Cut inside the TCP options: the header cannot be shown. */
	TEST_BEGIN("mon_parse_cut_in_options_refused");
	CHECK(xs_mon_parse(f, 14 + 20 + 24, n, &p, &cut) != XS_PARSE_OK,
	      "a capture cut inside the TCP header must not parse");
	TEST_END();

	/* Options whole, payload cut: fine. */
	TEST_BEGIN("mon_parse_cut_after_options");
	CHECK_EQ(xs_mon_parse(f, 14 + 20 + 40 + 5, n, &p, &cut), XS_PARSE_OK);
	CHECK(cut, "cut");
	CHECK_EQ(p.doff, 10);
	CHECK_EQ(p.opts.mss, 1460);
	CHECK_EQ(p.payload_len, 5);
	TEST_END();
}

static void test_walltime(void)
{
	struct timespec ts;
	int64_t off;

	TEST_BEGIN("mon_walltime");
	ts = xs_mon_walltime(1500000000ULL,
			     1600429050LL * 1000000000LL + 600000000LL);
	CHECK_EQ(ts.tv_sec, 1600429052);
	CHECK_EQ(ts.tv_nsec, 100000000);
	off = xs_mon_clock_offset();
	/* Realtime is ahead of monotonic on any machine since 1970 + uptime. */
	CHECK(off > 0, "clock offset %lld", (long long)off);
	TEST_END();
}

static void test_pcap_roundtrip(void)
{
	char path[] = "/tmp/xs-test-monitor-XXXXXX";
	uint8_t f1[128], f2[512];
	size_t n1 = build(f1, sizeof(f1), 0, true);
	size_t n2 = build(f2, sizeof(f2), 300, false);
	struct timespec t1 = { .tv_sec = 1600429050, .tv_nsec = 123456789 };
	struct timespec t2 = { .tv_sec = 1600429051, .tv_nsec = 999 };
	char err[XS_PCAP_ERRLEN], perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct xs_pcap pc;
	pcap_t *r = NULL;
	int fd;

	TEST_BEGIN("pcap_roundtrip");
	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	if (fd >= 0)
		close(fd);
	CHECK_EQ(xs_pcap_open(&pc, path, XS_MON_HDR_MAX, err, sizeof(err)), 0);
	xs_pcap_write(&pc, &t1, f1, n1, n1);
	xs_pcap_write(&pc, &t2, f2, XS_MON_SNAP_DEFAULT, n2);
	CHECK_EQ(xs_pcap_flush(&pc), 0);
	xs_pcap_close(&pc);

	r = pcap_open_offline(path, perr);
	CHECK(r != NULL, "pcap_open_offline: %s", perr);
	if (r) {
		CHECK_EQ(pcap_datalink(r), DLT_EN10MB);
		CHECK_EQ(pcap_snapshot(r), XS_MON_HDR_MAX);
		CHECK_EQ(pcap_next_ex(r, &h, &data), 1);
		CHECK_EQ(h->ts.tv_sec, 1600429050);
		CHECK_EQ(h->ts.tv_usec, 123456);
		CHECK_EQ(h->caplen, n1);
		CHECK_EQ(h->len, n1);
		CHECK(!memcmp(data, f1, n1), "frame 1 bytes");
		CHECK_EQ(pcap_next_ex(r, &h, &data), 1);
		CHECK_EQ(h->ts.tv_sec, 1600429051);
		CHECK_EQ(h->ts.tv_usec, 0);
		CHECK_EQ(h->caplen, XS_MON_SNAP_DEFAULT);
		CHECK_EQ(h->len, n2);
		CHECK(!memcmp(data, f2, XS_MON_SNAP_DEFAULT), "frame 2 bytes");
		CHECK_EQ(pcap_next_ex(r, &h, &data), PCAP_ERROR_BREAK);
		pcap_close(r);
	}
	unlink(path);
	TEST_END();

	/* pcap_dump() says nothing of a failed write: the flush and the
	 * close do, and every flush after the first failure too. */
	TEST_BEGIN("pcap_write_error");
	CHECK_EQ(xs_pcap_open(&pc, "/dev/full", XS_MON_HDR_MAX, err,
			      sizeof(err)),
		 0);
	xs_pcap_write(&pc, &t1, f1, n1, n1);
	CHECK_EQ(xs_pcap_flush(&pc), -ENOSPC);
	CHECK(xs_pcap_flush(&pc) < 0, "a later flush must fail too");
	CHECK(xs_pcap_close(&pc) < 0, "the close must fail");
	TEST_END();

	TEST_BEGIN("pcap_close_error");
	CHECK_EQ(xs_pcap_open(&pc, "/dev/full", XS_MON_HDR_MAX, err,
			      sizeof(err)),
		 0);
	xs_pcap_write(&pc, &t2, f2, XS_MON_SNAP_DEFAULT, n2);
	CHECK_EQ(xs_pcap_close(&pc), -ENOSPC);
	TEST_END();

	TEST_BEGIN("pcap_open_error");
	CHECK(xs_pcap_open(&pc, "/nonexistent-dir/x.pcap", 128, err,
			   sizeof(err)) < 0,
	      "opening in a missing folder must fail");
	CHECK(err[0] != '\0', "with a reason");
	xs_pcap_close(&pc);
	TEST_END();
}

static char *show(struct xs_mon_out *o, const void *rec, size_t size, int *ret)
{
	char *out = NULL;
	size_t len = 0;

	o->f = open_memstream(&out, &len);
	if (!o->f)
		return NULL;
	*ret = xs_mon_show(o, rec, size);
	fclose(o->f);
	return out;
}

/*
 * Ring buffer records in, the tutorial's lines or JSON out.  The tutorial's SYN,
 * rebuilt with the tutorial's fields, must come out as the tutorial's sniffer
 * printed it (timestamp aside).
 */
static void test_show(void)
{
	static const char tutorial_syn[] =
		" INFO Source Mac: 02:42:ac:11:00:02 Destination Mac: "
		"02:42:ac:11:00:05 Protocol: IPv4 Version: 4 Type of Service: 0 "
		"Packet ID: 123 TTL: 64 Protocol: TCP Source IP: 172.17.0.2 "
		"Destination IP: 172.17.0.5\n"
		"{'SRC_PORT': 20, 'DEST_PORT': 80, 'SEQ': 0, 'ACK_NUM': 0, "
		"'Flags': '_,_,_,_,_,_,SYN,_', 'RESERVE': 0, 'TCP_LENGTH': 5, "
		"'WINDOW': 29200, 'CHECKSUM': 58692, 'PTR': 0, 'data': b''}\n"
		"------------------------\n";
	static const char json_head[] =
		"{\"event\":\"packet\",\"dir\":\"egress\",\"path\":\"tc\","
		"\"time\":\"2020-09-18T11:37:31.000000000Z\",";
	static const char *const paths[] = { "\"path\":\"xdp_redirect\",",
					     "\"path\":\"afxdp_tx\"," };
	char *tutorial_out = NULL;
	int k;
	struct xs_mon_out o = { .clock_off = 1600429050LL * 1000000000LL };
	struct xs_mon_event ev = {};
	struct xs_frame_spec s = {};
	char *out;
	int ret = -1;

	memcpy(s.src_mac, mac_b, 6);
	memcpy(s.dst_mac, mac_a, 6);
	s.saddr = xs_addr_v4(inet_addr("172.17.0.2"));
	s.daddr = xs_addr_v4(inet_addr("172.17.0.5"));
	s.sport = 20;
	s.dport = 80;
	s.flags = XS_TCP_SYN;
	s.window = 29200;
	s.ttl = 64;
	s.ip_id = 123;
	ev.len = xs_build_tcp_frame(ev.data, sizeof(ev.data), &s);
	ev.caplen = ev.len;
	ev.dir = XS_MON_INGRESS;
	ev.ts_ns = 1000000000ULL;

	TEST_BEGIN("mon_show_tutorial_syn");
	out = show(&o, &ev, sizeof(ev), &ret);
	CHECK_EQ(ret, 0);
	/* Timestamp: 22 characters, "YYYY-MM-DD HH:MM:SS AM" in local time. */
	CHECK(out && strlen(out) > 22 && !strcmp(out + 22, tutorial_syn),
	      "got: %s", out ? out : "(none)");
	CHECK_EQ(o.shown, 1);
	tutorial_out = out;
	TEST_END();

	/* The tutorial's format has no place for the path: the same lines. */
	TEST_BEGIN("mon_show_tutorial_same_for_every_path");
	for (k = XS_MON_PATH_XDP_REDIRECT; k <= XS_MON_PATH_AFXDP_TX; k++) {
		ev.path = k;
		out = show(&o, &ev, sizeof(ev), &ret);
		CHECK_EQ(ret, 0);
		CHECK(out && tutorial_out &&
			      !strcmp(out + 22, tutorial_out + 22),
		      "path %d: got: %s", k, out ? out : "(none)");
		free(out);
	}
	CHECK_EQ(o.by_path[XS_MON_PATH_TC], 1);
	CHECK_EQ(o.by_path[XS_MON_PATH_XDP_REDIRECT], 1);
	CHECK_EQ(o.by_path[XS_MON_PATH_AFXDP_TX], 1);
	CHECK_EQ(o.shown, 3);
	o.shown = 1;
	ev.path = XS_MON_PATH_TC;
	free(tutorial_out);
	TEST_END();

	TEST_BEGIN("mon_show_json_path");
	o.json = true;
	for (k = XS_MON_PATH_XDP_REDIRECT; k <= XS_MON_PATH_AFXDP_TX; k++) {
		ev.path = k;
		out = show(&o, &ev, sizeof(ev), &ret);
		CHECK_EQ(ret, 0);
		CHECK(out && strstr(out, paths[k - 1]), "path %d: got: %s", k,
		      out ? out : "(none)");
		free(out);
	}
	o.shown = 1;
	ev.path = XS_MON_PATH_TC;
	TEST_END();

	TEST_BEGIN("mon_show_json_dir");
	o.json = true;
	ev.dir = XS_MON_EGRESS;
	out = show(&o, &ev, sizeof(ev), &ret);
	CHECK_EQ(ret, 0);
	CHECK(out && !strncmp(out, json_head, strlen(json_head)), "got: %s",
	      out ? out : "(none)");
	CHECK(out && strstr(out, "\"seq\":0,\"ack\":0,"), "numbers");
	free(out);
	TEST_END();

	TEST_BEGIN("mon_show_rejects_bad_records");
	ev.caplen = XS_MON_SNAP_MAX + 1;
	out = show(&o, &ev, sizeof(ev), &ret);
	CHECK_EQ(ret, -EINVAL);
	CHECK(out && !*out, "nothing printed");
	free(out);
	ev.caplen = ev.len;
	out = show(&o, &ev, 10, &ret);
	CHECK_EQ(ret, -EINVAL);
	free(out);
	/* caplen beyond the record's size */
	out = show(&o, &ev, offsetof(struct xs_mon_event, data) + 20, &ret);
	CHECK_EQ(ret, -EINVAL);
	free(out);
	CHECK_EQ(o.shown, 2);
	TEST_END();

	TEST_BEGIN("mon_show_unparsable_counted");
	ev.data[12] = 0x86; /* not IPv4: counted, warned, not printed */
	ev.data[13] = 0xdd;
	o.json = false;
	out = show(&o, &ev, sizeof(ev), &ret);
	CHECK_EQ(ret, 0);
	CHECK(out && !*out, "nothing printed");
	CHECK_EQ(o.shown, 3);
	CHECK_EQ(o.unparsed, 1);
	free(out);
	TEST_END();
}

/* The userspace walk and the BPF programs' walk have one bound. */
_Static_assert(XS_F6_EXT_NUM == XS_MON_IP6_EXT_NUM &&
		       XS_F6_EXT_BYTES == XS_MON_IP6_EXT_MAX,
	       "frame6.c and monitor.bpf.c walk extension headers alike");

static void test_parse6(void)
{
	static const uint8_t five[5] = { 60, 60, 60, 60, 60 };
	struct xs_f6 f = { .src = "fd00::2",
			   .dst = "fd00::5",
			   .sport = 20,
			   .dport = 80,
			   .seq = 1,
			   .ack = 692864111,
			   .flags = XS_TCP_ACK | XS_TCP_PSH,
			   .window = 29200,
			   .payload = 300 };
	uint8_t buf[512], orig[512];
	struct xs_ip6 ip6;
	struct xs_pkt p;
	size_t n, caplen = XS_MON_SNAP_DEFAULT;
	bool cut = false;

	TEST_BEGIN("mon_parse6_cut_capture");
	n = xs_f6_build(buf, sizeof(buf), &f);
	memcpy(orig, buf, n);
	CHECK_EQ(n, 74 + 300);
	CHECK_EQ(xs_mon_parse6(buf, caplen, n, &p, &ip6, &cut), XS_PARSE_OK);
	CHECK(cut, "the capture was cut");
	CHECK_EQ(ip6.payload_len, 20 + 300);
	CHECK_EQ(p.tot_len, 40 + 20 + 300);
	CHECK_EQ(p.tcp_len, 20 + 300);
	CHECK_EQ(p.payload_len, caplen - 74);
	CHECK(p.payload == buf + 74, "payload points into the frame");
	CHECK(p.tcp == NULL, "no checksum verdict on part of a segment");
	CHECK_EQ(p.ack, 692864111);
	CHECK(!memcmp(buf, orig, n), "frame restored after the parse");
	/* A whole frame too short for its payload length is malformed. */
	CHECK_EQ(xs_mon_parse6(buf, caplen, caplen, &p, &ip6, &cut),
		 XS_PARSE_BAD_TOTLEN);
	CHECK(!cut, "not cut");
	TEST_END();

	TEST_BEGIN("mon_parse6_whole_and_bound");
	f.payload = 6;
	n = xs_f6_build(buf, sizeof(buf), &f);
	CHECK_EQ(xs_mon_parse6(buf, n, n, &p, &ip6, &cut), XS_PARSE_OK);
	CHECK(!cut && p.tcp != NULL, "whole");
	CHECK(!strcmp(xs_tcp_csum_state6(&p, &ip6), "valid"), "checksum");
	buf[74] ^= 1; /* the first payload byte */
	CHECK(!strcmp(xs_tcp_csum_state6(&p, &ip6), "bad"), "bad checksum");
	f.ext = five;
	f.next = 5;
	n = xs_f6_build(buf, sizeof(buf), &f);
	CHECK_EQ(xs_mon_parse6(buf, n, n, &p, &ip6, &cut), XS_PARSE_NOT_TCP);
	f.next = 4;
	n = xs_f6_build(buf, sizeof(buf), &f);
	CHECK_EQ(xs_mon_parse6(buf, n, n, &p, &ip6, &cut), XS_PARSE_OK);
	CHECK_EQ(ip6.ext_len, 32);
	CHECK_EQ(p.sport, 20);
	TEST_END();
}

/* An IPv6 record through xs_mon_show(): IPv6's lines, then its JSON. */
static void test_show6(void)
{
	struct xs_mon_out o = { .clock_off = 1600429050LL * 1000000000LL };
	struct xs_f6 f = { .src = "fd00::2",
			   .dst = "fd00::5",
			   .sport = 20,
			   .dport = 80,
			   .flags = XS_TCP_SYN,
			   .window = 29200 };
	struct xs_mon_event ev = {};
	char *out;
	int ret = -1;

	ev.len = xs_f6_build(ev.data, sizeof(ev.data), &f);
	ev.caplen = ev.len;
	ev.ts_ns = 1000000000ULL;
	TEST_BEGIN("mon_show_v6_tutorial_and_json");
	out = show(&o, &ev, sizeof(ev), &ret);
	CHECK_EQ(ret, 0);
	CHECK(out && strlen(out) > 22 &&
		      !strncmp(
			      out + 22,
			      " INFO Source Mac: 02:00:00:00:06:0a Destination "
			      "Mac: 02:00:00:00:06:0b Protocol: IPv6 Version: 6 "
			      "Traffic Class: 0 Flow Label: 0 Payload Length: "
			      "20 Hop Limit: 64 Next Header: TCP Source IP: "
			      "fd00::2 Destination IP: fd00::5\n{'SRC_PORT': 20,",
			      175),
	      "got: %s", out ? out : "(none)");
	free(out);
	o.json = true;
	out = show(&o, &ev, sizeof(ev), &ret);
	CHECK(out && strstr(out, "\"family\":\"ipv6\",\"ip\":{\"version\":6,"),
	      "got: %s", out ? out : "(none)");
	free(out);
	CHECK_EQ(o.shown, 2);
	CHECK_EQ(o.unparsed, 0);
	TEST_END();
}

/* The summary names the frames the extension-header bound kept out. */
static void test_summary_ext_limit(void)
{
	struct xs_mon_stats st = { .seen = 5, .events = 3, .ip6_ext_limit = 2 };
	struct xs_mon_out o = { .shown = 3 };
	char buf[1024] = "";
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n = 0;

	TEST_BEGIN("mon_summary_ip6_ext_limit");
	CHECK(tmp && saved >= 0, "tmpfile/dup");
	if (tmp && saved >= 0) {
		fflush(stderr);
		dup2(fileno(tmp), 2);
		xs_mon_summary(&o, &st, true, false);
		fflush(stderr);
		dup2(saved, 2);
		rewind(tmp);
		n = fread(buf, 1, sizeof(buf) - 1, tmp);
		buf[n] = '\0';
	}
	CHECK(strstr(buf, "3 copied); 2 IPv6 frames with more extension "
			  "headers than the monitor walks (4 headers, 64 "
			  "bytes) not shown\n"),
	      "got %s", buf);
	if (tmp)
		fclose(tmp);
	if (saved >= 0)
		close(saved);
	TEST_END();
}

int main(void)
{
	test_parse_whole();
	test_parse_cut();
	test_parse_bad();
	test_walltime();
	test_pcap_roundtrip();
	test_show();
	test_parse6();
	test_show6();
	test_summary_ext_limit();
	return TEST_EXIT();
}
