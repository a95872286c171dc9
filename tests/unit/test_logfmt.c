/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/logfmt.c: the tutorial's three packets printed byte for
 * byte, the timestamp format, Python's bytes repr, and JSON output that a
 * strict parser accepts.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "testlib.h"
#include "mon_frames6.h"
#include "xdpshake.h"
#include "icmp.h"
#include "logfmt.h"

static const uint8_t mac_b[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };
static const uint8_t mac_a[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x05 };

/* 2020-09-18 11:37:30 UTC, the tutorial's log time read as UTC. */
static const struct timespec tutorial_ts = { .tv_sec = 1600429050 };

/* Frames outlive the parse: xs_pkt points into them. */
static uint8_t frames[3][128];

/* The tutorial's packets, built with our builder and parsed back. */
static void tutorial_pkt(int which, struct xs_pkt *p)
{
	struct xs_frame_spec s;
	size_t n;

	memset(&s, 0, sizeof(s));
	s.window = 29200;
	s.ttl = 64;
	if (which == 1) {
		/* SYN-ACK: hostA -> hostB, MSS option, IP ID 0 */
		memcpy(s.src_mac, mac_a, 6);
		memcpy(s.dst_mac, mac_b, 6);
		s.saddr = xs_addr_v4(inet_addr("172.17.0.5"));
		s.daddr = xs_addr_v4(inet_addr("172.17.0.2"));
		s.sport = 80;
		s.dport = 20;
		s.seq = 692864110;
		s.ack = 1;
		s.flags = XS_TCP_SYN | XS_TCP_ACK;
		s.opts.has_mss = true;
		s.opts.mss = 1460;
	} else {
		memcpy(s.src_mac, mac_b, 6);
		memcpy(s.dst_mac, mac_a, 6);
		s.saddr = xs_addr_v4(inet_addr("172.17.0.2"));
		s.daddr = xs_addr_v4(inet_addr("172.17.0.5"));
		s.sport = 20;
		s.dport = 80;
		s.ip_id = 123;
		s.seq = which ? 1 : 0;
		s.ack = which ? 692864111 : 0;
		s.flags = which ? XS_TCP_ACK : XS_TCP_SYN;
	}
	n = xs_build_tcp_frame(frames[which], sizeof(frames[which]), &s);
	if (which == 1) {
		/* the CHECKSUM_PARTIAL value the tutorial's sniffer saw, raw */
		frames[1][50] = 22600 >> 8;
		frames[1][51] = 22600 & 0xff;
	}
	if (xs_parse_frame(frames[which], n, p) != XS_PARSE_OK)
		memset(p, 0, sizeof(*p));
}

static char *capture(const struct xs_pkt *p, const struct timespec *ts,
		     bool json)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return strdup("");
	if (json)
		xs_log_json(f, p, "sent", ts);
	else
		xs_log_tutorial(f, p, ts);
	fclose(f);
	return out;
}

static void test_tutorial_lines(void)
{
	static const char *const want[3] = {
		" INFO Source Mac: 02:42:ac:11:00:02 Destination Mac: "
		"02:42:ac:11:00:05 Protocol: IPv4 Version: 4 Type of Service: "
		"0 Packet ID: 123 TTL: 64 Protocol: TCP Source IP: 172.17.0.2 "
		"Destination IP: 172.17.0.5\n"
		"{'SRC_PORT': 20, 'DEST_PORT': 80, 'SEQ': 0, 'ACK_NUM': 0, "
		"'Flags': '_,_,_,_,_,_,SYN,_', 'RESERVE': 0, 'TCP_LENGTH': 5, "
		"'WINDOW': 29200, 'CHECKSUM': 58692, 'PTR': 0, 'data': b''}\n"
		"------------------------\n",

		" INFO Source Mac: 02:42:ac:11:00:05 Destination Mac: "
		"02:42:ac:11:00:02 Protocol: IPv4 Version: 4 Type of Service: "
		"0 Packet ID: 0 TTL: 64 Protocol: TCP Source IP: 172.17.0.5 "
		"Destination IP: 172.17.0.2\n"
		"{'SRC_PORT': 80, 'DEST_PORT': 20, 'SEQ': 692864110, "
		"'ACK_NUM': 1, 'Flags': '_,_,_,ACK,_,_,SYN,_', 'RESERVE': 0, "
		"'TCP_LENGTH': 6, 'WINDOW': 29200, 'CHECKSUM': 22600, "
		"'PTR': 0, 'data': b''}\n"
		"------------------------\n",

		" INFO Source Mac: 02:42:ac:11:00:02 Destination Mac: "
		"02:42:ac:11:00:05 Protocol: IPv4 Version: 4 Type of Service: "
		"0 Packet ID: 123 TTL: 64 Protocol: TCP Source IP: 172.17.0.2 "
		"Destination IP: 172.17.0.5\n"
		"{'SRC_PORT': 20, 'DEST_PORT': 80, 'SEQ': 1, "
		"'ACK_NUM': 692864111, 'Flags': '_,_,_,ACK,_,_,_,_', "
		"'RESERVE': 0, 'TCP_LENGTH': 5, 'WINDOW': 29200, "
		"'CHECKSUM': 30586, 'PTR': 0, 'data': b''}\n"
		"------------------------\n",
	};
	static const char *const names[3] = { "tutorial_line_syn",
					      "tutorial_line_synack",
					      "tutorial_line_ack" };
	struct xs_pkt p;
	int i;

	for (i = 0; i < 3; i++) {
		char *out, *info;

		TEST_BEGIN(names[i]);
		tutorial_pkt(i, &p);
		out = capture(&p, &tutorial_ts, false);
		info = strstr(out, " INFO");
		CHECK(info && !strcmp(info, want[i]), "got:\n%s", out);
		/* exactly a timestamp before " INFO" */
		CHECK(info && info - out == 22, "timestamp is %d bytes",
		      info ? (int)(info - out) : -1);
		free(out);
		TEST_END();
	}
}

static void check_stamp(time_t t, const char *tz, const char *want)
{
	struct timespec ts = { .tv_sec = t, .tv_nsec = 999999999 };
	struct xs_pkt p;
	char *out;

	setenv("TZ", tz, 1);
	tzset();
	tutorial_pkt(0, &p);
	out = capture(&p, &ts, false);
	CHECK(!strncmp(out, want, strlen(want)) &&
		      !strncmp(out + strlen(want), " INFO ", 6),
	      "TZ=%s: got %.30s, want %s", tz, out, want);
	free(out);
}

static void test_timestamp(void)
{
	TEST_BEGIN("tutorial_timestamp_format");
	check_stamp(tutorial_ts.tv_sec, "UTC", "2020-09-18 11:37:30 AM");
	check_stamp(1600470309, "UTC", "2020-09-18 11:05:09 PM");
	/* midnight is 12 AM on a 12-hour clock */
	check_stamp(1600387200, "UTC", "2020-09-18 12:00:00 AM");
	/* local time, not UTC: a POSIX TZ string needs no tzdata */
	check_stamp(tutorial_ts.tv_sec, "CST-8", "2020-09-18 07:37:30 PM");
	setenv("TZ", "UTC", 1);
	tzset();
	TEST_END();
}

/* The 'data' part of the dict line for payload d[0..n). */
static void check_repr(const char *d, size_t n, const char *want)
{
	struct xs_pkt p;
	char *out, *data, expect[256];

	tutorial_pkt(0, &p);
	p.payload = (const uint8_t *)d;
	p.payload_len = n;
	out = capture(&p, &tutorial_ts, false);
	data = strstr(out, "'data': ");
	snprintf(expect, sizeof(expect), "'data': %s}\n----", want);
	CHECK(data && !strncmp(data, expect, strlen(expect)), "got %s want %s",
	      data ? data : out, expect);
	free(out);
}

static void test_bytes_repr(void)
{
	/* Expected strings are what CPython 3 prints for repr(bytes). */
	TEST_BEGIN("python_bytes_repr");
	check_repr("", 0, "b''");
	check_repr("hello", 5, "b'hello'");
	check_repr("it's", 4, "b\"it's\"");
	check_repr("say \"hi\"", 8, "b'say \"hi\"'");
	check_repr("both ' and \"", 12, "b'both \\' and \"'");
	check_repr("\x00\x7f\x80\xff\\\t\n\r", 8,
		   "b'\\x00\\x7f\\x80\\xff\\\\\\t\\n\\r'");
	check_repr("GET / HTTP/1.0\r\n\r\n", 18,
		   "b'GET / HTTP/1.0\\r\\n\\r\\n'");
	check_repr("\x0b\x0c\x1b~ ", 5, "b'\\x0b\\x0c\\x1b~ '");
	TEST_END();
}

static void test_proto_names(void)
{
	static const struct {
		uint8_t proto;
		const char *name;
	} cases[] = {
		{ 6, "Protocol: TCP Source" },
		{ 17, "Protocol: UDP Source" },
		{ 1, "Protocol: ICMP Source" },
		{ 47, "Protocol: 47 Source" },
	};
	struct xs_pkt p;
	size_t i;

	TEST_BEGIN("tutorial_protocol_names");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out;

		tutorial_pkt(0, &p);
		p.protocol = cases[i].proto;
		out = capture(&p, &tutorial_ts, false);
		CHECK(strstr(out, cases[i].name), "%u: %s", cases[i].proto,
		      out);
		free(out);
	}
	TEST_END();
}

/*
 * A small RFC 8259 validator, small enough to trust: returns the end of one
 * value starting at s, or NULL.  Stricter than the RFC only in refusing
 * exponents, which xs_log_json() never prints.
 */
static const char *json_value(const char *s);

static const char *json_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static const char *json_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s != '\\')
			continue;
		s++;
		if (*s == 'u') {
			int i;

			for (i = 1; i <= 4; i++)
				if (!s[i] ||
				    !strchr("0123456789abcdefABCDEF", s[i]))
					return NULL;
			s += 4;
		} else if (!*s || !strchr("\"\\/bfnrt", *s)) {
			return NULL;
		}
	}
	return s + 1;
}

static const char *json_number(const char *s)
{
	const char *start;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return NULL;
	if (*s == '.') {
		start = ++s;
		while (*s >= '0' && *s <= '9')
			s++;
		if (s == start)
			return NULL;
	}
	return s;
}

static const char *json_container(const char *s, char close, bool obj)
{
	s = json_ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (obj) {
			s = json_string(s);
			if (!s)
				return NULL;
			s = json_ws(s);
			if (*s++ != ':')
				return NULL;
		}
		s = json_value(s);
		if (!s)
			return NULL;
		s = json_ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *s)
{
	s = json_ws(s);
	switch (*s) {
	case '{':
		return json_container(s, '}', true);
	case '[':
		return json_container(s, ']', false);
	case '"':
		return json_string(s);
	case 't':
		return strncmp(s, "true", 4) ? NULL : s + 4;
	case 'f':
		return strncmp(s, "false", 5) ? NULL : s + 5;
	case 'n':
		return strncmp(s, "null", 4) ? NULL : s + 4;
	default:
		return json_number(s);
	}
}

/* One JSON object, then exactly one newline. */
static bool json_line_ok(const char *out)
{
	const char *end = json_ws(out);

	if (*end != '{')
		return false;
	end = json_value(end);
	return end && !strcmp(end, "\n");
}

static void test_json_packets(void)
{
	static const char *const syn_keys[] = {
		"{\"event\":\"packet\",\"dir\":\"sent\",",
		"\"time\":\"2020-09-18T11:37:30.000000000Z\"",
		"\"ts_ns\":1600429050000000000",
		"\"src_mac\":\"02:42:ac:11:00:02\"",
		"\"dst_mac\":\"02:42:ac:11:00:05\"",
		"\"version\":4",
		"\"ihl\":5",
		"\"tos\":0",
		"\"tot_len\":40",
		"\"id\":123",
		"\"ttl\":64",
		"\"protocol\":6",
		"\"saddr\":\"172.17.0.2\"",
		"\"daddr\":\"172.17.0.5\"",
		"\"sport\":20",
		"\"dport\":80",
		"\"seq\":0",
		"\"ack\":0",
		"\"doff\":5",
		"\"reserved\":0",
		"\"flags\":\"SYN\"",
		"\"flags_bits\":2",
		"\"window\":29200",
		"\"csum\":58692",
		"\"csum_state\":\"valid\"",
		"\"urg_ptr\":0",
		"\"options\":{}",
		"\"payload_len\":0",
		"\"data\":\"\"}\n",
	};
	static const char *const synack_keys[] = {
		"\"flags\":\"SYN|ACK\"",
		"\"flags_bits\":18",
		"\"csum\":22600",
		"\"csum_state\":\"partial\"",
		"\"options\":{\"mss\":1460}",
		"\"seq\":692864110",
	};
	struct xs_pkt p;
	char *out;
	size_t i;

	TEST_BEGIN("json_tutorial_packets");
	tutorial_pkt(0, &p);
	out = capture(&p, &tutorial_ts, true);
	CHECK(json_line_ok(out), "not one JSON line: %s", out);
	for (i = 0; i < sizeof(syn_keys) / sizeof(syn_keys[0]); i++)
		CHECK(strstr(out, syn_keys[i]), "SYN lacks %s: %s", syn_keys[i],
		      out);
	free(out);

	tutorial_pkt(1, &p);
	out = capture(&p, &tutorial_ts, true);
	CHECK(json_line_ok(out), "not one JSON line: %s", out);
	for (i = 0; i < sizeof(synack_keys) / sizeof(synack_keys[0]); i++)
		CHECK(strstr(out, synack_keys[i]), "SYN-ACK lacks %s: %s",
		      synack_keys[i], out);
	free(out);
	TEST_END();
}

static void test_json_options_payload(void)
{
	static const uint8_t frame_payload[] = { 'h', 'i', 0x00, 0xff, '"' };
	struct xs_pkt p;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	TEST_BEGIN("json_options_and_payload");
	tutorial_pkt(0, &p);
	p.flags = 0xff;
	p.opts.has_mss = true;
	p.opts.mss = 1460;
	p.opts.sack_ok = true;
	p.opts.has_ts = true;
	p.opts.ts_val = 4000000000u;
	p.opts.ts_ecr = 7;
	p.opts.has_wscale = true;
	p.opts.wscale = 7;
	p.payload = frame_payload;
	p.payload_len = sizeof(frame_payload);
	p.tcp = NULL; /* hand-made: no segment to check the sum against */
	f = open_memstream(&out, &len);
	xs_log_json(f, &p, NULL, &tutorial_ts);
	fclose(f);
	CHECK(json_line_ok(out), "not one JSON line: %s", out);
	CHECK(strstr(out, "\"options\":{\"mss\":1460,\"sack_ok\":true,"
			  "\"ts_val\":4000000000,\"ts_ecr\":7,\"wscale\":7}"),
	      "options: %s", out);
	CHECK(strstr(out, "\"flags\":\"FIN|SYN|RST|PSH|ACK|URG|ECE|CWR\""),
	      "flags: %s", out);
	CHECK(strstr(out, "\"payload_len\":5,\"data\":\"686900ff22\""),
	      "data: %s", out);
	CHECK(!strstr(out, "\"dir\""), "dir NULL still printed");
	CHECK(!strstr(out, "csum_state"), "csum_state without a segment");
	free(out);
	TEST_END();
}

/* The seed's SYN, quoted by an ICMP 3/13 from 172.17.0.1. */
static void icmp_pkt(struct xs_pkt *p, uint8_t *f)
{
	struct xs_pkt syn;
	uint8_t *ip = f + 14, *icmp = ip + 20;
	uint32_t rtr = inet_addr("172.17.0.1");

	tutorial_pkt(0, &syn);
	memset(f, 0, 128);
	memcpy(f, frames[0], 14);
	memcpy(icmp + 8, frames[0] + 14, 28);
	memcpy(ip, frames[0] + 14, 20);
	ip[2] = 0;
	ip[3] = 56;
	ip[9] = 1;
	memcpy(ip + 16, ip + 12, 4);
	memcpy(ip + 12, &rtr, 4);
	ip[10] = ip[11] = 0;
	icmp[0] = 3;
	icmp[1] = 13;
	if (xs_parse_reply_frame(f, 70, p) != XS_PARSE_OK)
		memset(p, 0, sizeof(*p));
}

static void test_icmp(void)
{
	static uint8_t f[128];
	struct xs_pkt p;
	char *out;

	TEST_BEGIN("tutorial_style_icmp_error");
	icmp_pkt(&p, f);
	CHECK(p.is_icmp, "not parsed as an ICMP error");
	out = capture(&p, &tutorial_ts, false);
	CHECK(strstr(out,
		     "Protocol: ICMP Source IP: 172.17.0.1 Destination IP: 172.17.0.2\n"
		     "{'ICMP_TYPE': 3, 'ICMP_CODE': 13, 'REASON': 'administratively prohibited', "
		     "'CHECKSUM': 0, 'QUOTED_SRC': '172.17.0.2', 'QUOTED_DEST': '172.17.0.5', "
		     "'QUOTED_PROTOCOL': 6, 'QUOTED_SRC_PORT': 20, 'QUOTED_DEST_PORT': 80, "
		     "'QUOTED_SEQ': 0}\n------------------------\n"),
	      "got %s", out);
	free(out);
	out = capture(&p, &tutorial_ts, true);
	CHECK(strstr(out,
		     "\"icmp\":{\"type\":3,\"code\":13,\"reason\":\"administratively prohibited\","
		     "\"csum\":0,\"csum_state\":\"bad\",\"quote\":{\"saddr\":\"172.17.0.2\","
		     "\"daddr\":\"172.17.0.5\",\"protocol\":6,\"sport\":20,\"dport\":80,\"seq\":0}}"),
	      "got %s", out);
	CHECK(!strstr(out, "\"tcp\":"), "an ICMP error printed as TCP: %s",
	      out);
	free(out);
	TEST_END();
}

/*
 * The tutorial's three packets over IPv6: client fd00::2 port 20, server
 * fd00::5 port 80, the client's flow label 0x12345 (74565), the SYN-ACK
 * with an MSS option and the CHECKSUM_PARTIAL value a veth peer leaves.
 */
static uint8_t frames6[4][160];

static void tutorial_pkt6(int which, struct xs_pkt *p, struct xs_ip6 *ip6)
{
	static const uint8_t mss[4] = { 2, 4, 0x05, 0xa0 }; /* 1440 */
	struct xs_f6 f = { .src = "fd00::2",
			   .dst = "fd00::5",
			   .sport = 20,
			   .dport = 80,
			   .window = 29200,
			   .flow = 0x12345 };
	size_t n;

	if (which == 1) {
		f.src = "fd00::5";
		f.dst = "fd00::2";
		f.sport = 80;
		f.dport = 20;
		f.seq = 692864110;
		f.ack = 1;
		f.flags = XS_TCP_SYN | XS_TCP_ACK;
		f.window = 64800;
		f.flow = 0;
		f.opts = mss;
		f.optlen = sizeof(mss);
		f.csum_partial = true;
	} else {
		f.seq = which ? 1 : 0;
		f.ack = which ? 692864111 : 0;
		f.flags = which ? XS_TCP_ACK : XS_TCP_SYN;
	}
	n = xs_f6_build(frames6[which], sizeof(frames6[which]), &f);
	if (which == 1) {
		/* the server's MAC as the source */
		memcpy(frames6[1], xs_f6_mac_a, 6);
		memcpy(frames6[1] + 6, xs_f6_mac_b, 6);
	}
	if (xs_parse_frame6(frames6[which], n, p, ip6) != XS_PARSE_OK)
		memset(p, 0, sizeof(*p));
}

static char *capture6(const struct xs_pkt *p, const struct xs_ip6 *ip6,
		      bool json)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return strdup("");
	if (json)
		xs_log_json6(f, p, ip6, "ingress", "tc", &tutorial_ts);
	else
		xs_log_tutorial6(f, p, ip6, &tutorial_ts);
	fclose(f);
	return out;
}

static void test_v6_tutorial_lines(void)
{
	static const char *const want[3] = {
		"2020-09-18 11:37:30 AM INFO Source Mac: 02:00:00:00:06:0a "
		"Destination Mac: 02:00:00:00:06:0b Protocol: IPv6 Version: 6 "
		"Traffic Class: 0 Flow Label: 74565 Payload Length: 20 "
		"Hop Limit: 64 Next Header: TCP Source IP: fd00::2 "
		"Destination IP: fd00::5\n"
		"{'SRC_PORT': 20, 'DEST_PORT': 80, 'SEQ': 0, 'ACK_NUM': 0, "
		"'Flags': '_,_,_,_,_,_,SYN,_', 'RESERVE': 0, 'TCP_LENGTH': 5, "
		"'WINDOW': 29200, 'CHECKSUM': 17254, 'PTR': 0, 'data': b''}\n"
		"------------------------\n",

		"2020-09-18 11:37:30 AM INFO Source Mac: 02:00:00:00:06:0b "
		"Destination Mac: 02:00:00:00:06:0a Protocol: IPv6 Version: 6 "
		"Traffic Class: 0 Flow Label: 0 Payload Length: 24 "
		"Hop Limit: 64 Next Header: TCP Source IP: fd00::5 "
		"Destination IP: fd00::2\n"
		"{'SRC_PORT': 80, 'DEST_PORT': 20, 'SEQ': 692864110, "
		"'ACK_NUM': 1, 'Flags': '_,_,_,ACK,_,_,SYN,_', 'RESERVE': 0, "
		"'TCP_LENGTH': 6, 'WINDOW': 64800, 'CHECKSUM': 64038, "
		"'PTR': 0, 'data': b''}\n"
		"------------------------\n",

		"2020-09-18 11:37:30 AM INFO Source Mac: 02:00:00:00:06:0a "
		"Destination Mac: 02:00:00:00:06:0b Protocol: IPv6 Version: 6 "
		"Traffic Class: 0 Flow Label: 74565 Payload Length: 20 "
		"Hop Limit: 64 Next Header: TCP Source IP: fd00::2 "
		"Destination IP: fd00::5\n"
		"{'SRC_PORT': 20, 'DEST_PORT': 80, 'SEQ': 1, "
		"'ACK_NUM': 692864111, 'Flags': '_,_,_,ACK,_,_,_,_', "
		"'RESERVE': 0, 'TCP_LENGTH': 5, 'WINDOW': 29200, "
		"'CHECKSUM': 54683, 'PTR': 0, 'data': b''}\n"
		"------------------------\n",
	};
	static const char *const names[3] = { "v6_tutorial_line_syn",
					      "v6_tutorial_line_synack",
					      "v6_tutorial_line_ack" };
	struct xs_ip6 ip6;
	struct xs_pkt p;
	int i;

	for (i = 0; i < 3; i++) {
		char *out;

		TEST_BEGIN(names[i]);
		tutorial_pkt6(i, &p, &ip6);
		CHECK_EQ(p.ip_version, 6);
		out = capture6(&p, &ip6, false);
		CHECK(!strcmp(out, want[i]), "got:\n%s", out);
		free(out);
		TEST_END();
	}
}

static void test_v6_json(void)
{
	static const char *const syn =
		"{\"event\":\"packet\",\"dir\":\"ingress\",\"path\":\"tc\","
		"\"time\":\"2020-09-18T11:37:30.000000000Z\","
		"\"ts_ns\":1600429050000000000,"
		"\"src_mac\":\"02:00:00:00:06:0a\","
		"\"dst_mac\":\"02:00:00:00:06:0b\",\"ethertype\":34525,"
		"\"family\":\"ipv6\",\"ip\":{\"version\":6,\"traffic_class\":0,"
		"\"flow_label\":74565,\"payload_len\":20,\"next_header\":6,"
		"\"hop_limit\":64,\"saddr\":\"fd00::2\",\"daddr\":\"fd00::5\","
		"\"ext_headers\":[],\"protocol\":6},"
		"\"tcp\":{\"sport\":20,\"dport\":80,\"seq\":0,\"ack\":0,"
		"\"doff\":5,\"reserved\":0,\"flags\":\"SYN\",\"flags_bits\":2,"
		"\"window\":29200,\"csum\":17254,\"csum_state\":\"valid\","
		"\"urg_ptr\":0,\"options\":{}},\"payload_len\":0,\"data\":\"\"}\n";
	static const char *const synack[] = {
		"\"saddr\":\"fd00::5\",\"daddr\":\"fd00::2\"",
		"\"flags\":\"SYN|ACK\",\"flags_bits\":18",
		"\"csum\":64038,\"csum_state\":\"partial\"",
		"\"options\":{\"mss\":1440}",
		"\"payload_len\":24,",
	};
	static const char *const ack[] = {
		"\"seq\":1,\"ack\":692864111",
		"\"flags\":\"ACK\",\"flags_bits\":16",
		"\"csum\":54683,\"csum_state\":\"valid\"",
	};
	struct xs_ip6 ip6;
	struct xs_pkt p;
	char *out;
	size_t i;

	TEST_BEGIN("v6_json_syn_golden");
	tutorial_pkt6(0, &p, &ip6);
	out = capture6(&p, &ip6, true);
	CHECK(json_line_ok(out), "not one JSON line: %s", out);
	CHECK(!strcmp(out, syn), "got:\n%s", out);
	free(out);
	TEST_END();

	TEST_BEGIN("v6_json_synack_ack");
	tutorial_pkt6(1, &p, &ip6);
	out = capture6(&p, &ip6, true);
	CHECK(json_line_ok(out), "not one JSON line: %s", out);
	for (i = 0; i < sizeof(synack) / sizeof(synack[0]); i++)
		CHECK(strstr(out, synack[i]), "SYN-ACK lacks %s: %s", synack[i],
		      out);
	free(out);
	tutorial_pkt6(2, &p, &ip6);
	out = capture6(&p, &ip6, true);
	CHECK(json_line_ok(out), "not one JSON line: %s", out);
	for (i = 0; i < sizeof(ack) / sizeof(ack[0]); i++)
		CHECK(strstr(out, ack[i]), "ACK lacks %s: %s", ack[i], out);
	free(out);
	TEST_END();
}

/* IPv4's JSON names its family too; its tutorial lines are the goldens
 * above, unchanged. */
static void test_v4_json_family(void)
{
	struct xs_pkt p;
	char *out;

	TEST_BEGIN("json_ipv4_family");
	tutorial_pkt(0, &p);
	out = capture(&p, &tutorial_ts, true);
	CHECK(strstr(out, "\"ethertype\":2048,\"family\":\"ipv4\",\"ip\":{"
			  "\"version\":4,"),
	      "got %s", out);
	free(out);
	TEST_END();
}

/* Extension headers: Next Header shows the chain, TCP is still found. */
static void test_v6_ext_chain(void)
{
	static const uint8_t ext[2] = { 0, 60 }; /* hop-by-hop, dest opts */
	struct xs_f6 f = { .src = "2001:db8:0:0:1:0:0:1",
			   .dst = "fd00::5",
			   .sport = 4000,
			   .dport = 80,
			   .flags = XS_TCP_SYN,
			   .window = 1000,
			   .ext = ext,
			   .next = 2,
			   .tclass = 0xb8,
			   .hlim = 3 };
	struct xs_ip6 ip6;
	struct xs_pkt p;
	char *out;
	size_t n;

	TEST_BEGIN("v6_tutorial_ext_headers");
	n = xs_f6_build(frames6[3], sizeof(frames6[3]), &f);
	CHECK_EQ(xs_parse_frame6(frames6[3], n, &p, &ip6), XS_PARSE_OK);
	out = capture6(&p, &ip6, false);
	/* RFC 5952: the longest run of zeros is the one shortened */
	CHECK(strstr(out, "Traffic Class: 184 Flow Label: 0 Payload Length: "
			  "36 Hop Limit: 3 Next Header: HOPOPT,IPv6-Opts,TCP "
			  "Source IP: 2001:db8::1:0:0:1 Destination IP: "
			  "fd00::5\n{'SRC_PORT': 4000, 'DEST_PORT': 80,"),
	      "got %s", out);
	free(out);
	out = capture6(&p, &ip6, true);
	CHECK(strstr(out, "\"next_header\":0,\"hop_limit\":3,") &&
		      strstr(out, "\"ext_headers\":[0,60],\"protocol\":6}") &&
		      strstr(out, "\"csum_state\":\"valid\""),
	      "got %s", out);
	free(out);
	TEST_END();
}

/* An ICMPv6 administratively-prohibited error quoting the SYN. */
static void test_v6_icmp(void)
{
	static uint8_t f[200];
	struct xs_ip6 ip6;
	struct xs_pkt p, syn;
	char *out;
	size_t n;

	TEST_BEGIN("v6_tutorial_icmp6_error");
	tutorial_pkt6(0, &syn, &ip6);
	n = xs_f6_icmp(f, sizeof(f), frames6[0], 40 + 20, 1, 1, 0, "fd00::1");
	CHECK_EQ(xs_parse_frame6(f, n, &p, &ip6), XS_PARSE_OK);
	CHECK(p.is_icmp, "not parsed as an ICMPv6 error");
	out = capture6(&p, &ip6, false);
	CHECK(strstr(out,
		     "Payload Length: 68 Hop Limit: 64 Next Header: IPv6-ICMP "
		     "Source IP: fd00::1 Destination IP: fd00::2\n"
		     "{'ICMP_TYPE': 1, 'ICMP_CODE': 1, 'REASON': 'administratively prohibited', "
		     "'CHECKSUM': 31483, 'QUOTED_SRC': 'fd00::2', 'QUOTED_DEST': 'fd00::5', "
		     "'QUOTED_NEXT_HEADER': 6, 'QUOTED_SRC_PORT': 20, 'QUOTED_DEST_PORT': 80, "
		     "'QUOTED_SEQ': 0}\n------------------------\n"),
	      "got %s", out);
	free(out);
	out = capture6(&p, &ip6, true);
	CHECK(strstr(out,
		     "\"icmp\":{\"type\":1,\"code\":1,\"reason\":\"administratively prohibited\","
		     "\"csum\":31483,\"csum_state\":\"valid\",\"quote\":{\"saddr\":\"fd00::2\","
		     "\"daddr\":\"fd00::5\",\"next_header\":6,\"sport\":20,\"dport\":80,\"seq\":0}}"),
	      "got %s", out);
	CHECK(!strstr(out, "\"tcp\":"), "an ICMPv6 error printed as TCP");
	free(out);
	/* packet too big: its 32-bit MTU */
	n = xs_f6_icmp(f, sizeof(f), frames6[0], 40 + 20, 2, 0, 1280,
		       "fd00::1");
	CHECK_EQ(xs_parse_frame6(f, n, &p, &ip6), XS_PARSE_OK);
	out = capture6(&p, &ip6, false);
	CHECK(strstr(out, "'REASON': 'packet too big'") &&
		      strstr(out, "'QUOTED_SEQ': 0, 'MTU': 1280}"),
	      "got %s", out);
	free(out);
	TEST_END();
}

int main(void)
{
	/* Only the timestamp depends on the zone; pin it for the rest. */
	setenv("TZ", "UTC", 1);
	tzset();
	test_tutorial_lines();
	test_timestamp();
	test_bytes_repr();
	test_proto_names();
	test_json_packets();
	test_json_options_payload();
	test_icmp();
	test_v6_tutorial_lines();
	test_v6_json();
	test_v4_json_family();
	test_v6_ext_chain();
	test_v6_icmp();
	return TEST_EXIT();
}
