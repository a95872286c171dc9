/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/packet.c: checksums against the tutorial's golden vectors
 * and RFC 1071, the option layout Linux uses in a SYN, build/parse round
 * trips, and one hand-made frame per parse error.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>

#include "testlib.h"
#include "xdpshake.h"
#include "icmp.h"
#include "packet.h"

#define FRAME_MAX 2048

static const uint8_t mac_b[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };
static const uint8_t mac_a[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x05 };

/* hostB -> hostA with the tutorial client's fixed fields. */
static struct xs_frame_spec tutorial_spec(uint32_t seq, uint32_t ack,
					  uint8_t flags)
{
	struct xs_frame_spec s;

	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, mac_b, 6);
	memcpy(s.dst_mac, mac_a, 6);
	s.saddr = xs_addr_v4(inet_addr("172.17.0.2"));
	s.daddr = xs_addr_v4(inet_addr("172.17.0.5"));
	s.sport = 20;
	s.dport = 80;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.window = 29200;
	s.ttl = 64;
	s.tos = 0;
	s.ip_id = 123;
	return s;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Recompute the IPv4 header checksum after a test edited the header. */
static void fix_ip_csum(uint8_t *frame)
{
	uint8_t *ip = frame + XS_ETH_HLEN;

	wr16(ip + 10, 0);
	wr16(ip + 10, xs_ip_csum(ip, (ip[0] & 0x0f) * 4));
}

/*
 * Parse a copy that ends exactly where a PROT_NONE page begins, so a read
 * past len faults even without a sanitizer.  The copy stays valid (and p
 * may point into it) until the next call.
 */
static enum xs_parse_err parse_exact(const uint8_t *frame, size_t len,
				     struct xs_pkt *p)
{
	static uint8_t *area;
	static size_t page;
	uint8_t *copy;

	if (!area) {
		page = (size_t)sysconf(_SC_PAGESIZE);
		area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED ||
		    mprotect(area + page, page, PROT_NONE)) {
			perror("guard page");
			exit(1);
		}
	}
	if (len > page)
		return XS_PARSE_ERR_MAX;
	copy = area + page - len;
	memcpy(copy, frame, len);
	/* TCP exactly as xs_parse_frame(), and ICMP errors. */
	return xs_parse_reply_frame(copy, len, p);
}

static void test_rfc1071(void)
{
	/* RFC 1071 section 3's numerical example. */
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };

	TEST_BEGIN("csum_rfc1071_example");
	CHECK_EQ(xs_csum_fold(xs_csum_add(0, d, sizeof(d))), 0xddf2);
	/* chaining even-length chunks gives the same sum */
	CHECK_EQ(xs_csum_fold(xs_csum_add(xs_csum_add(0, d, 2), d + 2, 6)),
		 0xddf2);
	/* an odd trailing byte is the high byte of a zero-padded word */
	CHECK_EQ(xs_csum_fold(xs_csum_add(0, odd, 3)), 0x0402);
	CHECK_EQ(xs_csum_fold(0x2fffe), 0x0001);
	CHECK_EQ(xs_csum_fold(xs_csum_add(0xffffffffu, odd, 2)), 0x0102);
	TEST_END();
}

static void test_tutorial_syn(void)
{
	/* The tutorial's SYN byte for byte; 0xe544 = 58692, 0x222c is the IPv4
	 * header checksum of those fields. */
	static const uint8_t want[54] = {
		0x02, 0x42, 0xac, 0x11, 0x00, 0x05, 0x02, 0x42, 0xac,
		0x11, 0x00, 0x02, 0x08, 0x00, 0x45, 0x00, 0x00, 0x28,
		0x00, 0x7b, 0x00, 0x00, 0x40, 0x06, 0x22, 0x2c, 0xac,
		0x11, 0x00, 0x02, 0xac, 0x11, 0x00, 0x05, 0x00, 0x14,
		0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x50, 0x02, 0x72, 0x10, 0xe5, 0x44, 0x00, 0x00,
	};
	struct xs_frame_spec s = tutorial_spec(0, 0, XS_TCP_SYN);
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	size_t n;

	TEST_BEGIN("tutorial_syn_golden_58692");
	n = xs_build_tcp_frame(buf, sizeof(buf), &s);
	CHECK_EQ(n, 54);
	CHECK(n == 54 && !memcmp(buf, want, 54), "frame bytes differ");
	CHECK_EQ(rd16(buf + 50), 58692);
	CHECK_EQ(xs_ip_csum(buf + XS_ETH_HLEN, XS_IP_HLEN), 0);
	CHECK_EQ(xs_parse_frame(buf, n, &p), XS_PARSE_OK);
	CHECK_EQ(p.tcp_csum, 58692);
	CHECK_EQ(p.doff, 5);
	CHECK_EQ(p.flags, XS_TCP_SYN);
	CHECK(xs_tcp_csum_acceptable(&p), "checksum not accepted");
	TEST_END();
}

static void test_tutorial_ack(void)
{
	struct xs_frame_spec s = tutorial_spec(1, 692864111, XS_TCP_ACK);
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	size_t n;

	TEST_BEGIN("tutorial_ack_golden_30586");
	n = xs_build_tcp_frame(buf, sizeof(buf), &s);
	CHECK_EQ(n, 54);
	CHECK_EQ(rd16(buf + 50), 30586);
	CHECK_EQ(xs_parse_frame(buf, n, &p), XS_PARSE_OK);
	CHECK_EQ(p.seq, 1);
	CHECK_EQ(p.ack, 692864111);
	CHECK_EQ(xs_tcp_csum(&p.saddr, &p.daddr, p.tcp, p.tcp_len), 0);
	TEST_END();
}

static void test_odd_payload(void)
{
	struct xs_frame_spec s =
		tutorial_spec(1, 692864111, XS_TCP_ACK | XS_TCP_PSH);
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	size_t n, len;

	TEST_BEGIN("csum_odd_length_payload");
	s.payload = (const uint8_t *)"hello";
	s.payload_len = 5;
	n = xs_build_tcp_frame(buf, sizeof(buf), &s);
	CHECK_EQ(n, 59);
	/* golden value from an independent implementation */
	CHECK_EQ(rd16(buf + 50), 13211);
	CHECK_EQ(xs_parse_frame(buf, n, &p), XS_PARSE_OK);
	CHECK_EQ(p.payload_len, 5);
	CHECK(p.payload && !memcmp(p.payload, "hello", 5), "payload");
	CHECK(xs_tcp_csum_acceptable(&p), "odd segment not verified");
	/* every odd and even length from 0 to 31 verifies after building */
	for (len = 0; len < 32; len++) {
		s.payload = (const uint8_t *)"0123456789abcdefghijklmnopqrstuv";
		s.payload_len = len;
		n = xs_build_tcp_frame(buf, sizeof(buf), &s);
		CHECK_EQ(xs_parse_frame(buf, n, &p), XS_PARSE_OK);
		CHECK(xs_tcp_csum(&p.saddr, &p.daddr, p.tcp, p.tcp_len) == 0,
		      "payload length %zu does not verify", len);
		/* flip one payload bit: must no longer verify */
		if (len) {
			buf[n - 1] ^= 0x01;
			CHECK(xs_tcp_csum(&p.saddr, &p.daddr, p.tcp,
					  p.tcp_len) != 0,
			      "corruption at length %zu not seen", len);
		}
	}
	TEST_END();
}

/*
 * The tutorial's SYN-ACK: hostA -> hostB, TCP_LENGTH 6 (one 4-byte option) and
 * the checksum field 22600, which is the folded pseudo-header sum that a
 * veth peer with TX offload leaves behind.
 */
static void test_tutorial_synack_partial(void)
{
	struct xs_frame_spec s;
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	size_t n;

	TEST_BEGIN("tutorial_synack_pseudo_22600");
	memset(&s, 0, sizeof(s));
	memcpy(s.src_mac, mac_a, 6);
	memcpy(s.dst_mac, mac_b, 6);
	s.saddr = xs_addr_v4(inet_addr("172.17.0.5"));
	s.daddr = xs_addr_v4(inet_addr("172.17.0.2"));
	s.sport = 80;
	s.dport = 20;
	s.seq = 692864110;
	s.ack = 1;
	s.flags = XS_TCP_SYN | XS_TCP_ACK;
	s.window = 29200;
	s.ttl = 64;
	s.opts.has_mss = true;
	s.opts.mss = 1460;
	CHECK_EQ(xs_tcp_pseudo_csum(&s.saddr, &s.daddr, 24), 22600);
	n = xs_build_tcp_frame(buf, sizeof(buf), &s);
	CHECK_EQ(n, 58);
	CHECK_EQ(xs_parse_frame(buf, n, &p), XS_PARSE_OK);
	CHECK_EQ(p.doff, 6);
	CHECK_EQ(p.tcp_len, 24);
	CHECK(xs_tcp_csum_acceptable(&p), "full checksum not accepted");

	wr16(buf + 50, 22600);
	CHECK_EQ(xs_parse_frame(buf, n, &p), XS_PARSE_OK);
	CHECK_EQ(p.tcp_csum, 22600);
	CHECK(xs_tcp_csum(&p.saddr, &p.daddr, p.tcp, p.tcp_len) != 0,
	      "a bare pseudo sum must not pass as a full checksum");
	CHECK(xs_tcp_csum_acceptable(&p), "CHECKSUM_PARTIAL not accepted");

	wr16(buf + 50, 22601);
	CHECK_EQ(xs_parse_frame(buf, n, &p), XS_PARSE_OK);
	CHECK(!xs_tcp_csum_acceptable(&p), "bad checksum accepted");
	/* the byte-swapped pseudo sum is not the convention */
	wr16(buf + 50, 0x4858);
	CHECK_EQ(xs_parse_frame(buf, n, &p), XS_PARSE_OK);
	CHECK(!xs_tcp_csum_acceptable(&p), "swapped pseudo sum accepted");
	TEST_END();
}

struct opt_case {
	const char *name;
	struct xs_tcp_opts o;
	size_t len;
	uint8_t bytes[XS_TCP_MAX_OPTLEN];
};

static void test_opts_layout(void)
{
	static const struct opt_case cases[] = {
		{ "none", { 0 }, 0, { 0 } },
		{ "mss",
		  { .has_mss = true, .mss = 1460 },
		  4,
		  { 0x02, 0x04, 0x05, 0xb4 } },
		{ "sack", { .sack_ok = true }, 4, { 0x01, 0x01, 0x04, 0x02 } },
		{ "ts",
		  { .has_ts = true, .ts_val = 0x01020304, .ts_ecr = 0 },
		  12,
		  { 0x01, 0x01, 0x08, 0x0a, 1, 2, 3, 4, 0, 0, 0, 0 } },
		{ "ws",
		  { .has_wscale = true, .wscale = 7 },
		  4,
		  { 0x01, 0x03, 0x03, 0x07 } },
		/* what Linux puts in every SYN: 20 bytes, doff 10 */
		{
			"linux_syn",
			{ .has_mss = true,
			  .mss = 1460,
			  .sack_ok = true,
			  .has_ts = true,
			  .ts_val = 0xa1b2c3d4,
			  .ts_ecr = 0,
			  .has_wscale = true,
			  .wscale = 7 },
			20,
			{ 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08,
			  0x0a, 0xa1, 0xb2, 0xc3, 0xd4, 0,    0,
			  0,	0,    0x01, 0x03, 0x03, 0x07 } },
		{ "mss_sack_ws",
		  { .has_mss = true,
		    .mss = 536,
		    .sack_ok = true,
		    .has_wscale = true,
		    .wscale = 0 },
		  12,
		  { 0x02, 0x04, 0x02, 0x18, 0x01, 0x01, 0x04, 0x02, 0x01, 0x03,
		    0x03, 0x00 } },
	};
	struct xs_frame_spec s = tutorial_spec(0, 0, XS_TCP_SYN);
	uint8_t buf[FRAME_MAX];
	size_t i, n;

	TEST_BEGIN("opts_linux_syn_layout");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct opt_case *c = &cases[i];
		const uint8_t *tcp = buf + XS_ETH_HLEN + XS_IP_HLEN;

		s.opts = c->o;
		CHECK(xs_tcp_opts_len(&c->o) == c->len, "%s: opts_len %zu",
		      c->name, xs_tcp_opts_len(&c->o));
		n = xs_build_tcp_frame(buf, sizeof(buf), &s);
		CHECK(n == 54 + c->len, "%s: frame length %zu", c->name, n);
		CHECK((tcp[12] >> 4) == 5 + c->len / 4, "%s: doff %u", c->name,
		      tcp[12] >> 4);
		CHECK(!memcmp(tcp + XS_TCP_HLEN, c->bytes, c->len),
		      "%s: option bytes differ", c->name);
		CHECK(rd16(buf + XS_ETH_HLEN + 2) == 40 + c->len, "%s: tot_len",
		      c->name);
	}
	TEST_END();
}

static void test_opts_roundtrip(void)
{
	struct xs_frame_spec s = tutorial_spec(7, 0, XS_TCP_SYN);
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	unsigned int m;
	size_t n;

	TEST_BEGIN("opts_roundtrip_all_combinations");
	for (m = 0; m < 16; m++) {
		struct xs_tcp_opts o;

		/* memset: the parser's struct has zero padding too */
		memset(&o, 0, sizeof(o));
		o.has_mss = m & 1;
		o.mss = o.has_mss ? 1400 + m : 0;
		o.sack_ok = m & 2;
		o.has_ts = m & 4;
		o.ts_val = o.has_ts ? 0xdeadbe00 + m : 0;
		o.ts_ecr = o.has_ts ? 0x12345600 + m : 0;
		o.has_wscale = m & 8;
		o.wscale = o.has_wscale ? m % 8 + 1 : 0;
		s.opts = o;
		s.payload = (const uint8_t *)"abc";
		s.payload_len = 3;
		n = xs_build_tcp_frame(buf, sizeof(buf), &s);
		CHECK(xs_parse_frame(buf, n, &p) == XS_PARSE_OK, "mask %u", m);
		CHECK(!memcmp(&p.opts, &o, sizeof(o)), "mask %u: opts differ",
		      m);
		CHECK(p.doff * 4 == XS_TCP_HLEN + xs_tcp_opts_len(&o),
		      "mask %u: doff %u", m, p.doff);
		CHECK(p.payload_len == 3 && !memcmp(p.payload, "abc", 3),
		      "mask %u: payload", m);
		CHECK(xs_tcp_csum_acceptable(&p), "mask %u: checksum", m);
	}
	TEST_END();
}

/* A SYN whose option area is replaced by opt[0..len) (len % 4 == 0). */
static size_t frame_with_opts(uint8_t *buf, const uint8_t *opt, size_t len)
{
	struct xs_frame_spec s = tutorial_spec(0, 0, XS_TCP_SYN);
	uint8_t *tcp = buf + XS_ETH_HLEN + XS_IP_HLEN;
	size_t n;

	/* all options: 20 bytes of room, then cut to len */
	s.opts.has_ts = true;
	s.opts.has_mss = true;
	s.opts.has_wscale = true;
	s.opts.sack_ok = true;
	n = xs_build_tcp_frame(buf, FRAME_MAX, &s);
	n = n - 20 + len;
	memcpy(tcp + XS_TCP_HLEN, opt, len);
	tcp[12] = (uint8_t)((5 + len / 4) << 4);
	wr16(buf + XS_ETH_HLEN + 2, (uint16_t)(n - XS_ETH_HLEN));
	fix_ip_csum(buf);
	return n;
}

static void test_opts_parse_edges(void)
{
	static const uint8_t after_eol[] = { 0x00, 0x02, 0x04, 0x05,
					     0xb4, 0,	 0,    0 };
	static const uint8_t unknown[] = { 0x1e, 0x06, 1,    2,	   3, 4,
					   0x02, 0x04, 0x05, 0xb4, 1, 1 };
	static const uint8_t bad_mss_len[] = { 0x02, 0x05, 0x05, 0xb4,
					       0xff, 0x01, 0x01, 0x01 };
	static const uint8_t big_ws[] = { 0x01, 0x03, 0x03, 0x0f };
	static const uint8_t len0[] = { 0x1e, 0x00, 0x01, 0x01 };
	static const uint8_t len1[] = { 0x02, 0x01, 0x01, 0x01 };
	static const uint8_t past[] = { 0x01, 0x01, 0x08, 0x0a };
	static const uint8_t no_len[] = { 0x01, 0x01, 0x01, 0x02 };
	static const uint8_t bad_sack[] = { 0x04, 0x03, 0x00, 0x01 };
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	size_t n;

	TEST_BEGIN("opts_parse_edges");
	n = frame_with_opts(buf, after_eol, sizeof(after_eol));
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	CHECK(!p.opts.has_mss, "option after EOL was parsed");

	n = frame_with_opts(buf, unknown, sizeof(unknown));
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	CHECK(p.opts.has_mss && p.opts.mss == 1460, "unknown not skipped");

	n = frame_with_opts(buf, bad_mss_len, sizeof(bad_mss_len));
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	CHECK(!p.opts.has_mss, "MSS of length 5 trusted");

	n = frame_with_opts(buf, bad_sack, sizeof(bad_sack));
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	CHECK(!p.opts.sack_ok, "SACK_PERM of length 3 trusted");

	n = frame_with_opts(buf, big_ws, sizeof(big_ws));
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	/* As the option says: the clamp to 14 is the receiver's business. */
	CHECK(p.opts.has_wscale && p.opts.wscale == 15, "wscale %u",
	      p.opts.wscale);
	CHECK(!p.opts.malformed, "a valid option list called malformed");

	/* Broken layouts end the parsing, as in Linux: accepted, marked. */
	n = frame_with_opts(buf, len0, sizeof(len0));
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	CHECK(p.opts.malformed, "length 0 not marked");
	n = frame_with_opts(buf, len1, sizeof(len1));
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	CHECK(p.opts.malformed && !p.opts.has_mss, "length 1 not marked");
	n = frame_with_opts(buf, past, sizeof(past));
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	CHECK(p.opts.malformed && !p.opts.has_ts, "cut option not marked");
	n = frame_with_opts(buf, no_len, sizeof(no_len));
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	CHECK(p.opts.malformed, "kind without length not marked");
	TEST_END();
}

/*
 * Golden vector: a SYN-ACK as a real server sent it (issue 12), MSS 1460
 * and window scale 7, then an option of length 0.  Linux accepts it and
 * keeps what it parsed before ("silly options"); so do we, and say that
 * the options were malformed.
 */
static void test_opts_len0_golden(void)
{
	/* Ethernet; IPv4 10.0.0.2 -> 10.0.0.1, tot_len 52, DF, TTL 64; TCP
	 * 80 -> 61000, seq 0x01020304, ack 0x0a0b0c0d, doff 8, SYN-ACK,
	 * window 64240; MSS 1460, NOP, WS 7, then kind 8 length 0, a pad. */
	static const char vec[] =
		"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
		"\x45\x00\x00\x34\x00\x00\x40\x00\x40\x06\x26\xc2"
		"\x0a\x00\x00\x02\x0a\x00\x00\x01"
		"\x00\x50\xee\x48\x01\x02\x03\x04\x0a\x0b\x0c\x0d"
		"\x80\x12\xfa\xf0\x54\x5a\x00\x00"
		"\x02\x04\x05\xb4\x01\x03\x03\x07\x08\x00\x00\x00";
	const uint8_t *frame = (const uint8_t *)vec;
	const size_t len = sizeof(vec) - 1;
	struct xs_pkt p;

	TEST_BEGIN("opts_len0_golden");
	CHECK_EQ(xs_ip_csum(frame + 14, 20), 0);
	CHECK_EQ(len, 66);
	CHECK_EQ(xs_parse_frame(frame, len, &p), XS_PARSE_OK);
	CHECK(p.opts.has_mss && p.opts.mss == 1460, "mss");
	CHECK(p.opts.has_wscale && p.opts.wscale == 7, "wscale");
	CHECK(!p.opts.has_ts, "a timestamp from a length-0 option");
	CHECK(p.opts.malformed, "not marked malformed");
	CHECK_EQ(p.payload_len, 0);
	CHECK(xs_tcp_csum_acceptable(&p), "checksum");
	TEST_END();
}

/* Build the tutorial's SYN, let edit() break it, expect err from the parser. */
struct err_case {
	const char *name;
	enum xs_parse_err want;
	void (*edit)(uint8_t *f, size_t *len);
};

static void e_short_eth(uint8_t *f, size_t *len)
{
	*len = 13;
}

static void e_arp(uint8_t *f, size_t *len)
{
	wr16(f + 12, 0x0806);
}

static void e_ipv6(uint8_t *f, size_t *len)
{
	wr16(f + 12, 0x86dd);
}

static void e_vlan(uint8_t *f, size_t *len)
{
	wr16(f + 12, 0x8100);
}

static void e_short_ip(uint8_t *f, size_t *len)
{
	*len = XS_ETH_HLEN + 19;
}

static void e_short_ip_opts(uint8_t *f, size_t *len)
{
	/* ihl 6 announces 24 bytes, the frame has 20 */
	f[XS_ETH_HLEN] = 0x46;
	*len = XS_ETH_HLEN + 20;
}

static void e_version(uint8_t *f, size_t *len)
{
	f[XS_ETH_HLEN] = 0x65;
}

static void e_ihl4(uint8_t *f, size_t *len)
{
	f[XS_ETH_HLEN] = 0x44;
	fix_ip_csum(f);
}

static void e_ihl_over_totlen(uint8_t *f, size_t *len)
{
	/* ihl 6 (24 bytes) inside a frame that has them, tot_len 20 */
	f[XS_ETH_HLEN] = 0x46;
	wr16(f + XS_ETH_HLEN + 2, 20);
}

static void e_totlen(uint8_t *f, size_t *len)
{
	wr16(f + XS_ETH_HLEN + 2, 41);
	fix_ip_csum(f);
}

static void e_mf(uint8_t *f, size_t *len)
{
	wr16(f + XS_ETH_HLEN + 6, 0x2000);
	fix_ip_csum(f);
}

static void e_offset(uint8_t *f, size_t *len)
{
	wr16(f + XS_ETH_HLEN + 6, 0x4001);
	fix_ip_csum(f);
}

static void e_udp(uint8_t *f, size_t *len)
{
	f[XS_ETH_HLEN + 9] = 17;
	fix_ip_csum(f);
}

static void e_short_tcp(uint8_t *f, size_t *len)
{
	/* 19 bytes of segment by tot_len; the frame still holds 20 */
	wr16(f + XS_ETH_HLEN + 2, 39);
	fix_ip_csum(f);
}

static void e_doff4(uint8_t *f, size_t *len)
{
	f[XS_ETH_HLEN + XS_IP_HLEN + 12] = 0x40;
}

static void e_doff_past(uint8_t *f, size_t *len)
{
	/* doff 6 in a 20-byte segment, Ethernet padding after it */
	f[XS_ETH_HLEN + XS_IP_HLEN + 12] = 0x60;
	memset(f + 54, 0x02, 6);
	*len = 60;
}

static void e_df_ok(uint8_t *f, size_t *len)
{
	wr16(f + XS_ETH_HLEN + 6, 0x4000);
	fix_ip_csum(f);
}

/*
 * The SYN turned into an ICMP error of type/code quoting its own first
 * qlen bytes of IPv4 + TCP (the frame's old IP header and segment).
 */
static void mk_icmp(uint8_t *f, size_t *len, uint8_t type, size_t qlen)
{
	uint8_t *ip = f + XS_ETH_HLEN, *icmp = ip + XS_IP_HLEN;
	uint8_t quote[60];

	memcpy(quote, ip, qlen);
	memset(icmp, 0, 8);
	icmp[0] = type;
	icmp[1] = 13;
	memcpy(icmp + 8, quote, qlen);
	ip[9] = 1;
	wr16(ip + 2, XS_IP_HLEN + 8 + qlen);
	fix_ip_csum(f);
	wr16(icmp + 2, xs_ip_csum(icmp, 8 + qlen));
	*len = XS_ETH_HLEN + XS_IP_HLEN + 8 + qlen;
}

static void e_icmp_ok(uint8_t *f, size_t *len)
{
	mk_icmp(f, len, 3, 28);
}

static void e_icmp_echo(uint8_t *f, size_t *len)
{
	mk_icmp(f, len, 8, 28);
}

static void e_icmp_short(uint8_t *f, size_t *len)
{
	mk_icmp(f, len, 11, 12);
}

static void e_icmp_quote(uint8_t *f, size_t *len)
{
	mk_icmp(f, len, 3, 28);
	f[XS_ETH_HLEN + XS_IP_HLEN + 8] = 0x65; /* quoted version 6 */
}

static void test_parse_errors(void)
{
	static const struct err_case cases[] = {
		{ "short_eth", XS_PARSE_SHORT_ETH, e_short_eth },
		{ "arp", XS_PARSE_NOT_IP, e_arp },
		{ "v4_in_86dd", XS_PARSE_BAD_VERSION6, e_ipv6 },
		{ "vlan", XS_PARSE_NOT_IP, e_vlan },
		{ "short_ip", XS_PARSE_SHORT_IP, e_short_ip },
		{ "short_ip_opts", XS_PARSE_SHORT_IP, e_short_ip_opts },
		{ "version6", XS_PARSE_BAD_VERSION, e_version },
		{ "ihl4", XS_PARSE_BAD_IHL, e_ihl4 },
		{ "ihl_over_totlen", XS_PARSE_BAD_IHL, e_ihl_over_totlen },
		{ "totlen", XS_PARSE_BAD_TOTLEN, e_totlen },
		{ "mf", XS_PARSE_FRAGMENT, e_mf },
		{ "offset", XS_PARSE_FRAGMENT, e_offset },
		{ "udp", XS_PARSE_NOT_TCP, e_udp },
		{ "short_tcp", XS_PARSE_SHORT_TCP, e_short_tcp },
		{ "doff4", XS_PARSE_BAD_DOFF, e_doff4 },
		{ "doff_past", XS_PARSE_BAD_DOFF, e_doff_past },
		{ "df_alone", XS_PARSE_OK, e_df_ok },
		{ "icmp_error", XS_PARSE_OK, e_icmp_ok },
		{ "icmp_echo", XS_PARSE_ICMP_TYPE, e_icmp_echo },
		{ "icmp_short_quote", XS_PARSE_SHORT_ICMP, e_icmp_short },
		{ "icmp_quote_not_ipv4", XS_PARSE_ICMP_QUOTE, e_icmp_quote },
	};
	bool seen[XS_PARSE_ERR_MAX] = { 0 };
	struct xs_frame_spec s = tutorial_spec(0, 0, XS_TCP_SYN);
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	size_t i, len;
	int e;

	TEST_BEGIN("parse_every_error");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum xs_parse_err got;

		memset(buf, 0, sizeof(buf));
		len = xs_build_tcp_frame(buf, sizeof(buf), &s);
		cases[i].edit(buf, &len);
		got = parse_exact(buf, len, &p);
		CHECK(got == cases[i].want, "%s: got %d (%s), want %d",
		      cases[i].name, got, xs_parse_strerror(got),
		      cases[i].want);
		seen[got] = true;
	}
	for (e = 0; e < XS_PARSE_ERR_MAX; e++) {
		/* IPv6's: test_packet6.c */
		CHECK(seen[e] || e >= XS_PARSE_SHORT_IP6,
		      "no case produced error %d", e);
		CHECK(xs_parse_strerror(e) && *xs_parse_strerror(e),
		      "no text for %d", e);
	}
	CHECK(xs_parse_strerror(XS_PARSE_ERR_MAX) != NULL, "out of range");
	CHECK_EQ(xs_parse_frame(NULL, 0, &p), XS_PARSE_SHORT_ETH);
	TEST_END();
}

static void test_truncation_sweep(void)
{
	struct xs_frame_spec s = tutorial_spec(0, 0, XS_TCP_SYN);
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	size_t n, len;

	TEST_BEGIN("parse_every_truncation");
	s.opts.has_mss = s.opts.sack_ok = s.opts.has_ts = true;
	s.opts.has_wscale = true;
	s.payload = (const uint8_t *)"payload";
	s.payload_len = 7;
	n = xs_build_tcp_frame(buf, sizeof(buf), &s);
	for (len = 0; len < n; len++)
		CHECK(parse_exact(buf, len, &p) != XS_PARSE_OK,
		      "frame cut to %zu bytes parsed", len);
	CHECK_EQ(parse_exact(buf, n, &p), XS_PARSE_OK);
	TEST_END();
}

static void test_eth_padding(void)
{
	struct xs_frame_spec s = tutorial_spec(0, 0, XS_TCP_SYN);
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	size_t n;

	TEST_BEGIN("eth_padding_not_payload");
	n = xs_build_tcp_frame(buf, sizeof(buf), &s);
	/* 54 bytes padded to the 60-byte minimum with junk, not zeros */
	memset(buf + n, 0xa5, 6);
	CHECK_EQ(parse_exact(buf, 60, &p), XS_PARSE_OK);
	CHECK_EQ(p.tot_len, 40);
	CHECK_EQ(p.tcp_len, 20);
	CHECK_EQ(p.payload_len, 0);
	CHECK(xs_tcp_csum_acceptable(&p), "padding entered the checksum");
	TEST_END();
}

static void test_ip_options(void)
{
	struct xs_frame_spec s = tutorial_spec(5, 6, XS_TCP_ACK);
	uint8_t base[FRAME_MAX], buf[FRAME_MAX];
	struct xs_pkt p;
	size_t n, seg, extra;
	unsigned int ihl;

	TEST_BEGIN("ip_options_ihl_6_to_15");
	s.opts.has_mss = true;
	s.opts.mss = 1000;
	s.payload = (const uint8_t *)"xyz";
	s.payload_len = 3;
	n = xs_build_tcp_frame(base, sizeof(base), &s);
	seg = n - XS_ETH_HLEN - XS_IP_HLEN;
	for (ihl = 6; ihl <= 15; ihl++) {
		extra = (ihl - 5) * 4;
		memcpy(buf, base, XS_ETH_HLEN + XS_IP_HLEN);
		/* IP options: NOPs, ended by EOL */
		memset(buf + XS_ETH_HLEN + XS_IP_HLEN, 0x01, extra);
		buf[XS_ETH_HLEN + XS_IP_HLEN + extra - 1] = 0x00;
		memcpy(buf + XS_ETH_HLEN + XS_IP_HLEN + extra,
		       base + XS_ETH_HLEN + XS_IP_HLEN, seg);
		buf[XS_ETH_HLEN] = 0x40 | ihl;
		wr16(buf + XS_ETH_HLEN + 2, XS_IP_HLEN + extra + seg);
		fix_ip_csum(buf);
		CHECK(parse_exact(buf, n + extra, &p) == XS_PARSE_OK, "ihl %u",
		      ihl);
		CHECK(p.ihl == ihl && p.sport == 20 && p.dport == 80 &&
			      p.seq == 5 && p.ack == 6,
		      "ihl %u: TCP fields", ihl);
		CHECK(p.opts.has_mss && p.opts.mss == 1000, "ihl %u: mss", ihl);
		CHECK(p.payload_len == 3 && !memcmp(p.payload, "xyz", 3),
		      "ihl %u: payload", ihl);
		CHECK(xs_tcp_csum_acceptable(&p), "ihl %u: checksum", ihl);
		CHECK(xs_ip_csum(buf + XS_ETH_HLEN, ihl * 4) == 0,
		      "ihl %u: ip checksum", ihl);
	}
	TEST_END();
}

static void test_fields(void)
{
	struct xs_frame_spec s =
		tutorial_spec(0xfffffffe, 0x80000001, XS_TCP_SYN | XS_TCP_ACK);
	uint8_t buf[FRAME_MAX];
	struct xs_pkt p;
	size_t n;

	TEST_BEGIN("parse_header_fields");
	s.df = true;
	s.tos = 0x10;
	s.ttl = 3;
	s.ip_id = 0xbeef;
	s.window = 65535;
	n = xs_build_tcp_frame(buf, sizeof(buf), &s);
	/* reserved bits, incl. AE, are reported, not rejected */
	buf[XS_ETH_HLEN + XS_IP_HLEN + 12] |= 0x0b;
	CHECK_EQ(xs_parse_frame(buf, n, &p), XS_PARSE_OK);
	CHECK(!memcmp(p.src_mac, mac_b, 6) && !memcmp(p.dst_mac, mac_a, 6),
	      "macs");
	CHECK_EQ(p.ethertype, 0x0800);
	CHECK_EQ(p.ip_version, 4);
	CHECK_EQ(p.ihl, 5);
	CHECK_EQ(p.tos, 0x10);
	CHECK_EQ(p.tot_len, 40);
	CHECK_EQ(p.ip_id, 0xbeef);
	CHECK_EQ(p.frag_off, 0x4000);
	CHECK_EQ(p.ttl, 3);
	CHECK_EQ(p.protocol, 6);
	CHECK_EQ(p.ip_csum, rd16(buf + XS_ETH_HLEN + 10));
	CHECK_EQ(xs_addr_get_v4(&p.saddr), inet_addr("172.17.0.2"));
	CHECK_EQ(xs_addr_get_v4(&p.daddr), inet_addr("172.17.0.5"));
	CHECK_EQ(p.seq, 0xfffffffeu);
	CHECK_EQ(p.ack, 0x80000001u);
	CHECK_EQ(p.reserved, 0x0b);
	CHECK_EQ(p.flags, XS_TCP_SYN | XS_TCP_ACK);
	CHECK_EQ(p.window, 65535);
	CHECK_EQ(p.urg_ptr, 0);
	CHECK(p.tcp == buf + 34, "tcp pointer");
	TEST_END();
}

static void test_build_limits(void)
{
	struct xs_frame_spec s = tutorial_spec(0, 0, XS_TCP_SYN);
	static uint8_t big[70000];
	uint8_t buf[FRAME_MAX];

	TEST_BEGIN("build_limits");
	CHECK_EQ(xs_build_tcp_frame(buf, 53, &s), 0);
	CHECK_EQ(xs_build_tcp_frame(buf, 54, &s), 54);
	s.payload = big;
	s.payload_len = 65535 - 40 + 1;
	CHECK_EQ(xs_build_tcp_frame(big, sizeof(big), &s), 0);
	s.payload_len = 1;
	s.payload = NULL;
	CHECK_EQ(xs_build_tcp_frame(buf, sizeof(buf), &s), 0);
	TEST_END();
}

static void test_flags_str(void)
{
	char b[32], small[8];

	TEST_BEGIN("flags_str_tutorial_format");
	CHECK(!strcmp(xs_tcp_flags_str(XS_TCP_SYN, b, sizeof(b)),
		      "_,_,_,_,_,_,SYN,_"),
	      "%s", b);
	CHECK(!strcmp(xs_tcp_flags_str(XS_TCP_SYN | XS_TCP_ACK, b, sizeof(b)),
		      "_,_,_,ACK,_,_,SYN,_"),
	      "%s", b);
	CHECK(!strcmp(xs_tcp_flags_str(XS_TCP_ACK, b, sizeof(b)),
		      "_,_,_,ACK,_,_,_,_"),
	      "%s", b);
	CHECK(!strcmp(xs_tcp_flags_str(0, b, sizeof(b)), "_,_,_,_,_,_,_,_"),
	      "%s", b);
	CHECK(!strcmp(xs_tcp_flags_str(0xff, b, sizeof(b)),
		      "CWR,ECE,URG,ACK,PSH,RST,SYN,FIN"),
	      "%s", b);
	CHECK(!strcmp(xs_tcp_flags_str(XS_TCP_RST | XS_TCP_FIN, b, sizeof(b)),
		      "_,_,_,_,_,RST,_,FIN"),
	      "%s", b);
	/* a short buffer is cut at a whole item and stays terminated */
	CHECK(!strcmp(xs_tcp_flags_str(0xff, small, sizeof(small)), "CWR,ECE"),
	      "%s", small);
	TEST_END();
}

int main(void)
{
	test_rfc1071();
	test_tutorial_syn();
	test_tutorial_ack();
	test_odd_payload();
	test_tutorial_synack_partial();
	test_opts_layout();
	test_opts_roundtrip();
	test_opts_parse_edges();
	test_opts_len0_golden();
	test_parse_errors();
	test_truncation_sweep();
	test_eth_padding();
	test_ip_options();
	test_fields();
	test_build_limits();
	test_flags_str();
	return TEST_EXIT();
}
