/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for IPv6 in user/core/packet.c, icmp.c and validate.c: a SYN
 * and an ICMPv6 error built byte for byte against vectors computed
 * independently (python3 struct and its own RFC 1071 sum, below), the
 * header fields parsed back, the extension header walk and every parse
 * error of the "Parsing IPv6 safely" list, the ICMPv6 types and
 * codes mapped onto IPv4's states, and the classifier over IPv6.
 *
 * The vectors: fd00::1 port 61000 -> fd00::2 port 80, ISN 0x01020304,
 * window 64240, hop limit 64, traffic class 0, flow label 0x12345, Linux's
 * SYN options without timestamps (MSS 1440, SACK permitted, window scale
 * 7): TCP checksum 0x8791.  The router fd00::fe answers it with ICMPv6
 * destination unreachable code 1 (administratively prohibited) quoting the
 * whole datagram: ICMPv6 checksum 0x79f3.  Computed with
 *
 *   def csum(b): b += b'\0' * (len(b) % 2); s = sum(struct.unpack(
 *       '!%dH' % (len(b) // 2), b)); fold s; return ~s & 0xffff
 *   ph = src + dst + struct.pack('!I', len(seg)) + b'\0\0\0' + bytes([nh])
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testlib.h"
#include "xdpshake.h"
#include "icmp.h"
#include "logfmt.h"
#include "packet.h"
#include "validate.h"

#define FRAME_MAX 2048

/* clang-format off */
static const uint8_t gold_syn6[86] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x01, 0x23, 0x45, 0x00, 0x20, 0x06, 0x40, 0xfd, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xee, 0x48, 0x00, 0x50, 0x01, 0x02,
	0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x80, 0x02, 0xfa, 0xf0, 0x87, 0x91,
	0x00, 0x00, 0x02, 0x04, 0x05, 0xa0, 0x01, 0x01, 0x04, 0x02, 0x01, 0x03,
	0x03, 0x07,
};
static const uint8_t gold_unreach6[134] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x50, 0x3a, 0x40, 0xfd, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0xfe, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x79, 0xf3, 0x00, 0x00,
	0x00, 0x00, 0x60, 0x01, 0x23, 0x45, 0x00, 0x20, 0x06, 0x40, 0xfd, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xee, 0x48, 0x00, 0x50, 0x01, 0x02,
	0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x80, 0x02, 0xfa, 0xf0, 0x87, 0x91,
	0x00, 0x00, 0x02, 0x04, 0x05, 0xa0, 0x01, 0x01, 0x04, 0x02, 0x01, 0x03,
	0x03, 0x07,
};
/* clang-format on */

static const uint8_t mac_cli[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t mac_srv[6] = { 2, 0, 0, 0, 0, 2 };

static struct xs_addr a6(const char *s)
{
	struct xs_addr a = { 0 };
	const char *why;

	if (xs_addr_parse(s, &a, &why))
		fprintf(stderr, "bad test address %s: %s\n", s, why);
	return a;
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

/* The golden SYN's description. */
static struct xs_frame_spec syn_spec(void)
{
	struct xs_frame_spec s = {
		.saddr = a6("fd00::1"),
		.daddr = a6("fd00::2"),
		.sport = 61000,
		.dport = 80,
		.seq = 0x01020304,
		.flags = XS_TCP_SYN,
		.window = 64240,
		.ttl = 64,
		.flow_label = 0x12345,
		.opts = { .has_mss = true,
			  .mss = 1440,
			  .sack_ok = true,
			  .has_wscale = true,
			  .wscale = 7 },
	};

	memcpy(s.src_mac, mac_cli, 6);
	memcpy(s.dst_mac, mac_srv, 6);
	return s;
}

/* A segment from the server fd00::2:80 to us, as a reply to the SYN. */
static size_t server_seg(uint8_t *buf, uint8_t flags, uint32_t ack)
{
	struct xs_frame_spec s = {
		.saddr = a6("fd00::2"),
		.daddr = a6("fd00::1"),
		.sport = 80,
		.dport = 61000,
		.seq = 0x77000000,
		.ack = ack,
		.flags = flags,
		.window = 65535,
		.ttl = 64,
	};

	memcpy(s.src_mac, mac_srv, 6);
	memcpy(s.dst_mac, mac_cli, 6);
	return xs_build_tcp_frame(buf, FRAME_MAX, &s);
}

/* As test_packet.c: parse a copy that ends where a PROT_NONE page begins. */
static enum xs_parse_err parse_exact(const uint8_t *frame, size_t len,
				     struct xs_pkt *p, bool reply)
{
	static uint8_t *area;
	static size_t page;
	uint8_t *copy;

	if (!area) {
		page = (size_t)sysconf(_SC_PAGESIZE);
		area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED ||
		    mprotect(area + page, page, PROT_NONE))
			return XS_PARSE_ERR_MAX;
	}
	if (len > page)
		return XS_PARSE_ERR_MAX;
	copy = area + page - len;
	memcpy(copy, frame, len);
	return reply ? xs_parse_reply_frame(copy, len, p) :
		       xs_parse_frame(copy, len, p);
}

static void test_build_golden(void)
{
	struct xs_frame_spec s = syn_spec();
	uint8_t buf[FRAME_MAX];
	size_t n;

	TEST_BEGIN("ipv6_syn_golden_8791");
	n = xs_build_tcp_frame(buf, sizeof(buf), &s);
	CHECK_EQ(n, sizeof(gold_syn6));
	CHECK(n == sizeof(gold_syn6) && !memcmp(buf, gold_syn6, n),
	      "frame differs from the python vector");
	CHECK_EQ(rd16(buf + 14 + 40 + 16), 0x8791);
	CHECK_EQ(xs_l3l4_hlen(&s.saddr, 12), 40 + 20 + 12);
	/* One of each family: nothing. */
	s.daddr = xs_addr_v4(inet_addr("10.0.0.2"));
	CHECK_EQ(xs_build_tcp_frame(buf, sizeof(buf), &s), 0);
	/* Too small a buffer: nothing. */
	s = syn_spec();
	CHECK_EQ(xs_build_tcp_frame(buf, sizeof(gold_syn6) - 1, &s), 0);
	/* Traffic class and the flow label's 20 bits, no more. */
	s.tos = 0xb8;
	s.flow_label = 0xfffff | 0x100000;
	n = xs_build_tcp_frame(buf, sizeof(buf), &s);
	CHECK(buf[14] == 0x6b && buf[15] == 0x8f && buf[16] == 0xff &&
		      buf[17] == 0xff,
	      "version/class/label word %02x%02x%02x%02x", buf[14], buf[15],
	      buf[16], buf[17]);
	TEST_END();
}

static void test_parse_fields(void)
{
	struct xs_addr src = a6("fd00::1"), dst = a6("fd00::2");
	struct xs_pkt p;

	TEST_BEGIN("ipv6_parse_header_fields");
	CHECK_EQ(parse_exact(gold_syn6, sizeof(gold_syn6), &p, false),
		 XS_PARSE_OK);
	CHECK_EQ(p.ethertype, 0x86dd);
	CHECK_EQ(p.ip_version, 6);
	CHECK_EQ(p.tos, 0);
	CHECK_EQ(p.flow_label, 0x12345);
	CHECK_EQ(p.payload_len6, 32);
	CHECK_EQ(p.tot_len, 72);
	CHECK_EQ(p.next_hdr, 6);
	CHECK_EQ(p.protocol, 6);
	CHECK_EQ(p.n_ext, 0);
	CHECK_EQ(p.l3_len, 40);
	CHECK_EQ(p.ttl, 64);
	CHECK(xs_addr_eq(&p.saddr, &src), "saddr");
	CHECK(xs_addr_eq(&p.daddr, &dst), "daddr");
	CHECK_EQ(p.sport, 61000);
	CHECK_EQ(p.dport, 80);
	CHECK_EQ(p.seq, 0x01020304);
	CHECK_EQ(p.flags, XS_TCP_SYN);
	CHECK_EQ(p.window, 64240);
	CHECK_EQ(p.doff, 8);
	CHECK(p.opts.has_mss && p.opts.mss == 1440 && p.opts.sack_ok &&
		      p.opts.has_wscale && p.opts.wscale == 7,
	      "options");
	CHECK_EQ(p.tcp_len, 32);
	CHECK_EQ(p.payload_len, 0);
	CHECK_EQ(xs_tcp_csum(&p.saddr, &p.daddr, p.tcp, p.tcp_len), 0);
	CHECK(xs_tcp_csum_acceptable(&p), "golden checksum refused");
	TEST_END();
}

/* TCP checksum: mandatory, verified over the IPv6 pseudo-header. */
static void test_csum6(void)
{
	uint8_t f[FRAME_MAX];
	struct xs_addr src = a6("fd00::1"), dst = a6("fd00::2");
	uint8_t *csum = f + 14 + 40 + 16;
	struct xs_pkt p;

	TEST_BEGIN("ipv6_tcp_csum_mandatory_partial_ok");
	memcpy(f, gold_syn6, sizeof(gold_syn6));
	/* The pseudo-header alone, folded (CHECKSUM_PARTIAL from a veth
	 * peer on this host): accepted, as for IPv4. */
	wr16(csum, xs_tcp_pseudo_csum(&src, &dst, 32));
	CHECK_EQ(parse_exact(f, sizeof(gold_syn6), &p, false), XS_PARSE_OK);
	CHECK(xs_tcp_csum_acceptable(&p), "CHECKSUM_PARTIAL refused");
	/* Zero: no "no checksum" in IPv6 (RFC 8200 8.1). */
	wr16(csum, 0);
	parse_exact(f, sizeof(gold_syn6), &p, false);
	CHECK(!xs_tcp_csum_acceptable(&p), "checksum 0 accepted");
	wr16(csum, 0x8792);
	parse_exact(f, sizeof(gold_syn6), &p, false);
	CHECK(!xs_tcp_csum_acceptable(&p), "checksum off by one accepted");
	/* The sum covers all 16 bytes of each address. */
	memcpy(f, gold_syn6, sizeof(gold_syn6));
	f[14 + 8] ^= 0x01; /* fd00:: -> fc00:: ... the first byte */
	f[14 + 9] ^= 0x01;
	parse_exact(f, sizeof(gold_syn6), &p, false);
	CHECK(!xs_tcp_csum_acceptable(&p), "high address bytes not summed");
	TEST_END();
}

/*
 * Insert an 8 * (1 + hlen8) byte extension header of type nh right after
 * the IPv6 header (the old first next header becomes its next header), and
 * fill its third and fourth bytes (routing type, segments left).
 */
static void ins_ext(uint8_t *f, size_t *len, uint8_t nh, uint8_t hlen8,
		    uint8_t b2, uint8_t b3)
{
	uint8_t *ip = f + 14, *ext = ip + 40;
	size_t n = 8 + 8 * (size_t)hlen8;

	memmove(ext + n, ext, *len - 54);
	memset(ext, 0, n);
	ext[0] = ip[6];
	ext[1] = hlen8;
	ext[2] = b2;
	ext[3] = b3;
	if (nh == 0 || nh == 60)
		ext[2] = 1, ext[3] = (uint8_t)(n - 4); /* one PadN */
	ip[6] = nh;
	wr16(ip + 4, (uint16_t)(rd16(ip + 4) + n));
	*len += n;
}

struct err6_case {
	const char *name;
	enum xs_parse_err want;
	void (*edit)(uint8_t *f, size_t *len);
	uint8_t n_ext; /* XS_PARSE_OK: extension headers walked */
};

static void e_short(uint8_t *f, size_t *len)
{
	*len = 14 + 39;
}

static void e_v4_in_86dd(uint8_t *f, size_t *len)
{
	f[14] = 0x45;
}

static void e_plen_past(uint8_t *f, size_t *len)
{
	wr16(f + 18, 33);
}

static void e_plen_under_tcp(uint8_t *f, size_t *len)
{
	wr16(f + 18, 19);
}

static void e_plen_zero(uint8_t *f, size_t *len)
{
	wr16(f + 18, 0);
}

static void e_jumbo(uint8_t *f, size_t *len)
{
	ins_ext(f, len, 0, 0, 0, 0);
	/* Jumbo Payload option (RFC 2675), length 0 in the fixed header */
	f[54 + 2] = 0xc2;
	f[54 + 3] = 4;
	f[54 + 4] = 0;
	f[54 + 5] = 1;
	f[54 + 6] = 0;
	f[54 + 7] = 0;
	wr16(f + 18, 0);
}

static void e_hbh_ok(uint8_t *f, size_t *len)
{
	ins_ext(f, len, 0, 0, 0, 0);
}

static void e_dst_rt_dst(uint8_t *f, size_t *len)
{
	/* Inserted at the front: the chain ends dst, routing, dst, TCP. */
	ins_ext(f, len, 60, 1, 0, 0);
	ins_ext(f, len, 43, 0, 4, 0); /* segments left 0: walked past */
	ins_ext(f, len, 60, 0, 0, 0);
}

static void e_four(uint8_t *f, size_t *len)
{
	int i;

	for (i = 0; i < XS_IP6_EXT_MAX; i++)
		ins_ext(f, len, 60, 0, 0, 0);
}

static void e_chain(uint8_t *f, size_t *len)
{
	int i;

	/* A next-header loop: destination options pointing at themselves
	 * further than the walk goes. */
	for (i = 0; i < XS_IP6_EXT_MAX + 1; i++)
		ins_ext(f, len, 60, 0, 0, 0);
}

static void e_hbh_second(uint8_t *f, size_t *len)
{
	ins_ext(f, len, 0, 0, 0, 0);
	ins_ext(f, len, 60, 0, 0, 0);
}

static void e_ext_past_plen(uint8_t *f, size_t *len)
{
	ins_ext(f, len, 60, 0, 0, 0);
	f[54 + 1] = 10; /* says 88 bytes, the payload has 40 */
}

static void e_ext_cut(uint8_t *f, size_t *len)
{
	ins_ext(f, len, 60, 0, 0, 0);
	wr16(f + 18, 4); /* half an extension header */
}

static void e_rh0(uint8_t *f, size_t *len)
{
	ins_ext(f, len, 43, 2, 0, 1); /* type 0, segments left 1 */
}

static void e_routed(uint8_t *f, size_t *len)
{
	ins_ext(f, len, 43, 2, 4, 1); /* segment routing, left 1 */
}

static void e_frag(uint8_t *f, size_t *len)
{
	ins_ext(f, len, 44, 0, 0, 0);
	f[54 + 3] = 1; /* M: the first of several */
}

static void e_atomic_frag(uint8_t *f, size_t *len)
{
	ins_ext(f, len, 44, 0, 0, 0); /* RFC 6946: still a fragment */
}

static void e_unknown_nh(uint8_t *f, size_t *len)
{
	f[20] = 253; /* RFC 3692 experimental */
}

static void e_no_next(uint8_t *f, size_t *len)
{
	f[20] = 59;
}

static void e_udp(uint8_t *f, size_t *len)
{
	f[20] = 17;
}

static void e_v4mapped(uint8_t *f, size_t *len)
{
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 10,
					    0,		 0,	      2 };

	memcpy(f + 14 + 8, mapped, 16);
}

static void e_v6_in_0800(uint8_t *f, size_t *len)
{
	wr16(f + 12, 0x0800);
}

static void test_parse_errors6(void)
{
	static const struct err6_case cases[] = {
		{ "short_ip6", XS_PARSE_SHORT_IP6, e_short, 0 },
		{ "v4_in_86dd", XS_PARSE_BAD_VERSION6, e_v4_in_86dd, 0 },
		{ "v6_in_0800", XS_PARSE_BAD_VERSION, e_v6_in_0800, 0 },
		{ "plen_past_frame", XS_PARSE_BAD_PLEN, e_plen_past, 0 },
		{ "plen_under_tcp", XS_PARSE_SHORT_TCP, e_plen_under_tcp, 0 },
		{ "plen_zero", XS_PARSE_SHORT_TCP, e_plen_zero, 0 },
		{ "jumbogram", XS_PARSE_JUMBO, e_jumbo, 0 },
		{ "hop_by_hop", XS_PARSE_OK, e_hbh_ok, 1 },
		{ "dst_routing_dst", XS_PARSE_OK, e_dst_rt_dst, 3 },
		{ "four_ext", XS_PARSE_OK, e_four, XS_IP6_EXT_MAX },
		{ "ext_chain_loop", XS_PARSE_EXT_CHAIN, e_chain, 0 },
		{ "hop_by_hop_second", XS_PARSE_BAD_EXT, e_hbh_second, 0 },
		{ "ext_past_payload", XS_PARSE_BAD_EXT, e_ext_past_plen, 0 },
		{ "ext_cut", XS_PARSE_BAD_EXT, e_ext_cut, 0 },
		{ "routing_type0", XS_PARSE_RH0, e_rh0, 0 },
		{ "routing_segments_left", XS_PARSE_ROUTED, e_routed, 0 },
		{ "fragment", XS_PARSE_FRAGMENT6, e_frag, 0 },
		{ "atomic_fragment", XS_PARSE_FRAGMENT6, e_atomic_frag, 0 },
		{ "unknown_next_header", XS_PARSE_NOT_TCP, e_unknown_nh, 0 },
		{ "no_next_header", XS_PARSE_NOT_TCP, e_no_next, 0 },
		{ "udp", XS_PARSE_NOT_TCP, e_udp, 0 },
		{ "v4mapped_source", XS_PARSE_V4MAPPED, e_v4mapped, 0 },
	};
	bool seen[XS_PARSE_ERR_MAX] = { 0 };
	uint8_t f[FRAME_MAX];
	struct xs_ip6 ip6;
	struct xs_pkt p, mon;
	size_t i, len;
	int e;

	TEST_BEGIN("ipv6_parse_every_error");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum xs_parse_err got;

		memset(f, 0, sizeof(f));
		memcpy(f, gold_syn6, sizeof(gold_syn6));
		len = sizeof(gold_syn6);
		cases[i].edit(f, &len);
		got = parse_exact(f, len, &p, false);
		CHECK(got == cases[i].want, "%s: got %s, want %s",
		      cases[i].name, xs_parse_strerror(got),
		      xs_parse_strerror(cases[i].want));
		seen[got] = true;
		/* The monitor's view is this parser's: it shows exactly the
		 * frames the engine takes (a second walker once showed
		 * routed, hop-by-hop-second and v4-mapped ones). */
		CHECK((xs_parse_frame6(f, len, &mon, &ip6) == XS_PARSE_OK) ==
			      (got == XS_PARSE_OK),
		      "%s: the monitor's view disagrees", cases[i].name);
		if (got != XS_PARSE_OK)
			continue;
		/* Walked to the TCP header, whose checksum is unchanged
		 * (the pseudo-header counts the upper layer only). */
		CHECK(p.n_ext == cases[i].n_ext, "%s: %u extension headers",
		      cases[i].name, p.n_ext);
		/* ...and their types in order (the monitor prints them) */
		CHECK(strcmp(cases[i].name, "dst_routing_dst") ||
			      (p.ext_nh[0] == 60 && p.ext_nh[1] == 43 &&
			       p.ext_nh[2] == 60 && p.protocol == 6),
		      "%s: chain %u,%u,%u", cases[i].name, p.ext_nh[0],
		      p.ext_nh[1], p.ext_nh[2]);
		CHECK(p.l3_len == len - 14 - 32, "%s: l3_len %u", cases[i].name,
		      p.l3_len);
		CHECK(p.seq == 0x01020304 && xs_tcp_csum_acceptable(&p),
		      "%s: not the SYN", cases[i].name);
		/* ...and the classifier's class of it is the same frame's */
		CHECK(xs_parse_class(got) == XS_REPLY_MAX, "%s", cases[i].name);
	}
	/* Every IPv6 error of the frame parser (the ICMPv6 quote's in
	 * icmp6_types_and_quotes) has its case. */
	for (e = XS_PARSE_SHORT_IP6; e < XS_PARSE_SHORT_ICMP6; e++)
		CHECK(seen[e], "no case produced %s", xs_parse_strerror(e));
	/* Which of them the classifier passes on and which it drops. */
	CHECK_EQ(xs_parse_class(XS_PARSE_EXT_CHAIN), XS_REPLY_NOT_OURS);
	CHECK_EQ(xs_parse_class(XS_PARSE_ROUTED), XS_REPLY_NOT_OURS);
	CHECK_EQ(xs_parse_class(XS_PARSE_FRAGMENT6), XS_REPLY_NOT_OURS);
	CHECK_EQ(xs_parse_class(XS_PARSE_JUMBO), XS_REPLY_MALFORMED);
	CHECK_EQ(xs_parse_class(XS_PARSE_RH0), XS_REPLY_MALFORMED);
	CHECK_EQ(xs_parse_class(XS_PARSE_BAD_EXT), XS_REPLY_MALFORMED);
	CHECK_EQ(xs_parse_class(XS_PARSE_BAD_PLEN), XS_REPLY_MALFORMED);
	CHECK_EQ(xs_parse_class(XS_PARSE_BAD_VERSION6), XS_REPLY_MALFORMED);
	for (len = 0; len < sizeof(gold_syn6); len++)
		CHECK(parse_exact(gold_syn6, len, &p, false) != XS_PARSE_OK,
		      "SYN cut to %zu bytes parsed", len);
	TEST_END();
}

/*
 * An ICMPv6 error (type, code, 32-bit word) from the router fd00::fe to
 * us quoting qlen bytes of q; its checksum computed over the pseudo-header.
 */
static size_t mk_icmp6(uint8_t *f, uint8_t type, uint8_t code, uint32_t word,
		       const uint8_t *q, size_t qlen)
{
	struct xs_addr rtr = a6("fd00::fe"), us = a6("fd00::1");
	uint8_t *ip = f + 14, *ic = ip + 40;
	uint32_t sum;

	memcpy(f, gold_unreach6, 54);
	wr16(ip + 4, (uint16_t)(8 + qlen));
	ic[0] = type;
	ic[1] = code;
	wr16(ic + 2, 0);
	wr16(ic + 4, word >> 16);
	wr16(ic + 6, word & 0xffff);
	memcpy(ic + 8, q, qlen);
	sum = xs_pseudo_sum(&rtr, &us, 58, 8 + qlen);
	wr16(ic + 2, (uint16_t)~xs_csum_fold(xs_csum_add(sum, ic, 8 + qlen)));
	return 54 + 8 + qlen;
}

static void test_icmp6_golden(void)
{
	struct xs_addr us = a6("fd00::1"), srv = a6("fd00::2");
	struct xs_addr rtr = a6("fd00::fe");
	uint8_t f[FRAME_MAX];
	struct xs_pkt p;
	size_t n;

	TEST_BEGIN("icmp6_unreach_golden_79f3");
	n = mk_icmp6(f, 1, 1, 0, gold_syn6 + 14, 72);
	CHECK(n == sizeof(gold_unreach6) && !memcmp(f, gold_unreach6, n),
	      "ICMPv6 builder differs from the python vector");
	CHECK_EQ(parse_exact(gold_unreach6, sizeof(gold_unreach6), &p, true),
		 XS_PARSE_OK);
	CHECK(p.is_icmp, "not an ICMP error");
	CHECK_EQ(p.protocol, 58);
	CHECK_EQ(p.icmp.type, 1);
	CHECK_EQ(p.icmp.code, 1);
	CHECK_EQ(p.icmp.csum, 0x79f3);
	CHECK_EQ(p.icmp.len, 80);
	CHECK_EQ(p.icmp.mtu, 0);
	CHECK(xs_icmp_csum_ok(&p), "golden ICMPv6 checksum refused");
	CHECK(xs_addr_eq(&p.saddr, &rtr), "sender");
	CHECK(xs_addr_eq(&p.icmp.q_saddr, &us), "quoted source");
	CHECK(xs_addr_eq(&p.icmp.q_daddr, &srv), "quoted destination");
	CHECK_EQ(p.icmp.q_proto, 6);
	CHECK_EQ(p.icmp.q_frag_off, 0);
	CHECK_EQ(p.icmp.q_l4_len, 32);
	CHECK_EQ(p.icmp.q_sport, 61000);
	CHECK_EQ(p.icmp.q_dport, 80);
	CHECK_EQ(p.icmp.q_seq, 0x01020304);
	/* Without the pseudo-header (IPv4's ICMP sum) it would not verify. */
	CHECK(xs_csum_fold(xs_csum_add(0, p.icmp.hdr, p.icmp.len)) != 0xffff,
	      "the sum does not depend on the pseudo-header");
	memcpy(f, gold_unreach6, sizeof(gold_unreach6));
	f[54 + 3] ^= 1;
	parse_exact(f, sizeof(gold_unreach6), &p, true);
	CHECK(!xs_icmp_csum_ok(&p), "broken ICMPv6 checksum accepted");
	TEST_END();
}

static void test_icmp6_parse(void)
{
	uint8_t f[FRAME_MAX], q[FRAME_MAX];
	struct xs_pkt p;
	size_t n;

	TEST_BEGIN("icmp6_types_and_quotes");
	/* Packet too big: the MTU is the 32-bit word. */
	n = mk_icmp6(f, 2, 0, 1280, gold_syn6 + 14, 72);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_OK);
	CHECK_EQ(p.icmp.mtu, 1280);
	CHECK(xs_icmp_csum_ok(&p), "PTB checksum");
	n = mk_icmp6(f, 3, 0, 0, gold_syn6 + 14, 72);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_OK);
	CHECK_EQ(p.icmp.type, 3);
	/* Not errors we take: echo, neighbour solicitation, parameter
	 * problem. */
	n = mk_icmp6(f, 128, 0, 0, gold_syn6 + 14, 72);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_ICMP_TYPE);
	n = mk_icmp6(f, 135, 0, 0, gold_syn6 + 14, 24);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_ICMP_TYPE);
	n = mk_icmp6(f, 4, 0, 0, gold_syn6 + 14, 72);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_ICMP_TYPE);
	/* Truncated quotes. */
	n = mk_icmp6(f, 1, 1, 0, gold_syn6 + 14, 39);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_SHORT_ICMP6);
	n = mk_icmp6(f, 1, 1, 0, gold_syn6 + 14, 44);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_OK);
	CHECK_EQ(p.icmp.q_l4_len, 4);
	n = mk_icmp6(f, 1, 1, 0, gold_syn6 + 14, 0);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_SHORT_ICMP6);
	f[18] = 0, f[19] = 4; /* not even an ICMPv6 header */
	CHECK_EQ(parse_exact(f, 58, &p, true), XS_PARSE_SHORT_ICMP6);
	/* A quote that is not IPv6. */
	memcpy(q, gold_syn6 + 14, 72);
	q[0] = 0x45;
	n = mk_icmp6(f, 1, 1, 0, q, 72);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_ICMP6_QUOTE);
	/* A quote with an IPv4-mapped address: not a datagram of ours. */
	memcpy(q, gold_syn6 + 14, 72);
	memset(q + 24, 0, 16);
	q[34] = q[35] = 0xff;
	q[36] = 10;
	n = mk_icmp6(f, 1, 1, 0, q, 72);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_ICMP6_QUOTE);
	/* A quote with a fragment header: the protocol it names, MF. */
	memcpy(q, gold_syn6 + 14, 72);
	memmove(q + 48, q + 40, 32);
	memset(q + 40, 0, 8);
	q[40] = 6;
	q[6] = 44;
	n = mk_icmp6(f, 1, 1, 0, q, 80);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_OK);
	CHECK_EQ(p.icmp.q_proto, 6);
	CHECK(p.icmp.q_frag_off & 0x2000, "quoted fragment not marked");
	CHECK_EQ(p.icmp.q_seq, 0x01020304);
	/* Extension headers in the quote are walked. */
	memset(q + 40, 0, 8);
	q[40] = 6;
	q[42] = 1;
	q[43] = 4;
	q[6] = 60;
	n = mk_icmp6(f, 1, 4, 0, q, 80);
	CHECK_EQ(parse_exact(f, n, &p, true), XS_PARSE_OK);
	CHECK(p.icmp.q_proto == 6 && !p.icmp.q_frag_off &&
		      p.icmp.q_sport == 61000 && p.icmp.q_seq == 0x01020304,
	      "quote past destination options");
	/* Every truncation of the golden error fails or leaves a shorter
	 * quote, and never reads past the frame (parse_exact). */
	for (n = 0; n < sizeof(gold_unreach6); n++)
		parse_exact(gold_unreach6, n, &p, true);
	TEST_END();
}

static void test_icmp6_states(void)
{
	unsigned int c;

	TEST_BEGIN("icmp6_states_as_ipv4");
	/* Destination unreachable 0-6: filtered, as nmap and as IPv4's
	 * codes they stand for (0, 13, 1, 1, 3, 13, 13). */
	for (c = 0; c <= 6; c++)
		CHECK(xs_icmp_state(6, 1, c) == XS_ICMP_FILTERED,
		      "code %u not filtered", c);
	CHECK_EQ(xs_icmp_state(6, 1, 7), XS_ICMP_UNREACHABLE);
	CHECK_EQ(xs_icmp_state(6, 2, 0), XS_ICMP_UNREACHABLE);
	CHECK_EQ(xs_icmp_state(6, 3, 0), XS_ICMP_UNREACHABLE);
	CHECK_EQ(xs_icmp_state(6, 3, 1), XS_ICMP_UNREACHABLE);
	/* IPv4 unchanged: 3 is its destination unreachable, 11 time
	 * exceeded, 3/4 fragmentation needed. */
	CHECK_EQ(xs_icmp_state(4, 3, 13), XS_ICMP_FILTERED);
	CHECK_EQ(xs_icmp_state(4, 3, 3), XS_ICMP_FILTERED);
	CHECK_EQ(xs_icmp_state(4, 3, 4), XS_ICMP_UNREACHABLE);
	CHECK_EQ(xs_icmp_state(4, 11, 0), XS_ICMP_UNREACHABLE);
	CHECK_EQ(xs_icmp_state(4, 1, 1), XS_ICMP_UNREACHABLE);
	CHECK(xs_icmp_is_too_big(6, 2, 0) && xs_icmp_is_too_big(4, 3, 4) &&
		      !xs_icmp_is_too_big(6, 1, 4) &&
		      !xs_icmp_is_too_big(4, 2, 0),
	      "too big");
	CHECK(xs_icmp_type_is_error(6, 1) && xs_icmp_type_is_error(6, 127) &&
		      !xs_icmp_type_is_error(6, 128) &&
		      xs_icmp_type_is_error(4, 3) &&
		      !xs_icmp_type_is_error(4, 1),
	      "error types");
	CHECK(!strcmp(xs_icmp_reason(6, 1, 1), "administratively prohibited"),
	      "%s", xs_icmp_reason(6, 1, 1));
	CHECK(!strcmp(xs_icmp_reason(6, 1, 4), "port unreachable"), "4");
	CHECK(!strcmp(xs_icmp_reason(6, 2, 0), "packet too big"), "ptb");
	CHECK(!strcmp(xs_icmp_reason(6, 3, 0), "hop limit exceeded in transit"),
	      "te");
	/* RFC 6554 and RFC 8883's codes, one table for engine and monitor */
	CHECK(!strcmp(xs_icmp_reason(6, 1, 7),
		      "error in source routing header"),
	      "%s", xs_icmp_reason(6, 1, 7));
	CHECK(!strcmp(xs_icmp_reason(6, 1, 8), "headers too long"), "8");
	CHECK(!strcmp(xs_icmp_reason(6, 1, 9), "destination unreachable"), "9");
	CHECK(!strcmp(xs_icmp_reason(4, 3, 13), "administratively prohibited"),
	      "v4");
	CHECK(!strcmp(xs_icmp_reason(4, 11, 0), "TTL exceeded in transit"),
	      "v4 te");
	TEST_END();
}

/* The golden SYN's handshake, from our side. */
static struct xs_reply_ctx ctx6(void)
{
	return (struct xs_reply_ctx){
		.saddr = a6("fd00::1"),
		.daddr = a6("fd00::2"),
		.sport = 61000,
		.dport = 80,
		.isn = 0x01020304,
		.phase = XS_PH_SYN_SENT,
	};
}

static void test_classify6(void)
{
	struct xs_reply_ctx c = ctx6(), c4 = ctx6(), sc;
	struct xs_addr us = a6("fd00::1"), d;
	uint8_t f[FRAME_MAX], q[FRAME_MAX];
	uint16_t sp, dp;
	struct xs_pkt p;
	size_t n;

	TEST_BEGIN("ipv6_classify");
	n = server_seg(f, XS_TCP_SYN | XS_TCP_ACK, 0x01020305);
	CHECK_EQ(xs_classify_reply(f, n, &c, &p), XS_REPLY_SYNACK);
	CHECK(xs_ip_csum_ok(&p), "IPv6 has no header checksum to fail");
	/* The scan path names the handshake from the frame. */
	xs_reply_tuple(&p, &d, &sp, &dp);
	CHECK(xs_addr_eq(&d, &c.daddr) && sp == 61000 && dp == 80, "tuple");
	CHECK_EQ(xs_scan_screen(&p, &us, 0x01020304, &sc), XS_REPLY_MAX);
	CHECK_EQ(xs_reply_phase(&p, &sc), XS_REPLY_SYNACK);
	CHECK_EQ(xs_scan_screen(&p, &us, 0x01020305, &sc), XS_REPLY_MAX);
	CHECK_EQ(xs_reply_phase(&p, &sc), XS_REPLY_BAD_ACK);
	n = server_seg(f, XS_TCP_SYN | XS_TCP_ACK, 0x01020304);
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_BAD_ACK);
	n = server_seg(f, XS_TCP_RST | XS_TCP_ACK, 0x01020305);
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_REFUSED);
	n = server_seg(f, XS_TCP_RST, 0);
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_RST_NO_ACK);
	/* Checksum wrong or zero: bad-csum, never an answer. */
	n = server_seg(f, XS_TCP_SYN | XS_TCP_ACK, 0x01020305);
	f[54 + 16] ^= 0x40;
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_BAD_CSUM);
	f[54 + 16] = f[54 + 17] = 0;
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_BAD_CSUM);
	/* The same ports from the IPv4-mapped twin of the handshake: not
	 * ours (and an IPv4 reply is not ours for an IPv6 handshake). */
	c4.saddr = xs_addr_v4(inet_addr("10.0.0.1"));
	c4.daddr = xs_addr_v4(inet_addr("10.0.0.2"));
	n = server_seg(f, XS_TCP_SYN | XS_TCP_ACK, 0x01020305);
	CHECK_EQ(xs_classify_reply(f, n, &c4, NULL), XS_REPLY_NOT_OURS);
	/* Another of our addresses' neighbours, same ports: not ours. */
	f[14 + 8 + 15] = 3;
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_NOT_OURS);

	/* ICMPv6 quoting our SYN: an answer; its seq decides. */
	CHECK_EQ(xs_classify_reply(gold_unreach6, sizeof(gold_unreach6), &c,
				   NULL),
		 XS_REPLY_ICMP);
	c.isn++;
	CHECK_EQ(xs_classify_reply(gold_unreach6, sizeof(gold_unreach6), &c,
				   NULL),
		 XS_REPLY_BAD_QUOTE);
	c = ctx6();
	/* Quoting another address of ours' destination: not ours. */
	memcpy(q, gold_syn6 + 14, 72);
	q[39] = 9;
	n = mk_icmp6(f, 1, 1, 0, q, 72);
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_NOT_OURS);
	/* Quoting another source: the kernel's own traffic, not ours. */
	memcpy(q, gold_syn6 + 14, 72);
	q[23] = 7;
	n = mk_icmp6(f, 1, 1, 0, q, 72);
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_NOT_OURS);
	/* Cut under 8 bytes of TCP, naming our address: bad quote. */
	n = mk_icmp6(f, 1, 1, 0, gold_syn6 + 14, 44);
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_BAD_QUOTE);
	/* A quoted fragment: we send none. */
	memcpy(q, gold_syn6 + 14, 72);
	memmove(q + 48, q + 40, 32);
	memset(q + 40, 0, 8);
	q[40] = 6;
	q[6] = 44;
	n = mk_icmp6(f, 1, 1, 0, q, 80);
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_BAD_QUOTE);
	/* An error about an ICMPv6 error of ours: never sent (RFC 4443). */
	memcpy(q, gold_syn6 + 14, 48);
	q[6] = 58;
	q[40] = 1;
	n = mk_icmp6(f, 1, 1, 0, q, 48);
	CHECK_EQ(xs_classify_reply(f, n, &c, NULL), XS_REPLY_BAD_QUOTE);
	/* Broken ICMPv6 checksum on a quote of ours. */
	memcpy(f, gold_unreach6, sizeof(gold_unreach6));
	f[54 + 2] ^= 0x10;
	CHECK_EQ(xs_classify_reply(f, sizeof(gold_unreach6), &c, NULL),
		 XS_REPLY_BAD_CSUM);
	/* Parse errors: dropped as malformed, passed as not ours. */
	memcpy(f, gold_syn6, sizeof(gold_syn6));
	f[14] = 0x45;
	CHECK_EQ(xs_classify_reply(f, sizeof(gold_syn6), &c, NULL),
		 XS_REPLY_MALFORMED);
	TEST_END();
}

int main(void)
{
	test_build_golden();
	test_parse_fields();
	test_csum6();
	test_parse_errors6();
	test_icmp6_golden();
	test_icmp6_parse();
	test_icmp6_states();
	test_classify6();
	return TEST_EXIT();
}
