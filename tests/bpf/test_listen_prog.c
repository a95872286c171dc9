// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bpf/listen.bpf.c through BPF_PROG_TEST_RUN: the frames it sends back
 * (SYN-ACK, RST, FIN-ACK, banner) byte by byte, the verdict and the one
 * counter of every frame, including the hostile ones: forged ACKs, bad
 * checksums, IP options, fragments, odd flags, bad option lengths.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bpf/cookie_ref.h"
#include "bpf/frames.h"
#include "listen_loader.h"
#include "bpf/laddr.h"
#include "listen.skel.h"
#include "listen_tc.skel.h"
#include "testlib.h"

#define CLI "10.0.0.1"
#define SRV "10.0.0.2"
static const char *const srv_addr[] = { SRV };
#define PORT 80
#define BANNER "hello\n"

struct run {
	uint8_t out[512];
	uint32_t len;
	int ret;
};

static const struct xs_tf_defaults dflt = { 0, 0, 40000, PORT };
static struct xs_tf_defaults d;

/* MSS 1460, SACK-permitted, TS (1000, 0), NOP, WS 7: 20 bytes. */
static const char syn_opts[] = "\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x03"
			       "\xe8\x00\x00\x00\x00\x01\x03\x03\x07";

static struct listen_bpf *open_listener(const char *banner, bool protect)
{
	struct xs_listen_cfg *c;
	struct listen_bpf *s;

	s = listen_bpf__open();
	if (!s)
		return NULL;
	c = (struct xs_listen_cfg *)&s->rodata->cfg;
	c->mss = 1460;
	c->key0 = 0x0123456789abcdefULL;
	c->key1 = 0xfedcba9876543210ULL;
	c->ports[PORT / 64] |= 1ULL << (PORT % 64);
	c->ports[443 / 64] |= 1ULL << (443 % 64);
	c->protect = protect;
	if (banner) {
		c->banner_len = strlen(banner);
		memcpy(c->banner, banner, c->banner_len);
	}
	if (listen_bpf__load(s) ||
	    laddr_set(bpf_map__fd(s->maps.xs_laddr), srv_addr, 1)) {
		listen_bpf__destroy(s);
		return NULL;
	}
	return s;
}

static void run(struct listen_bpf *s, const struct xs_tframe *f, struct run *r)
{
	uint8_t in[XS_TF_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o);

	o.data_size_in = xs_tf_build(in, f, &d);
	o.data_in = in;
	o.data_out = r->out;
	o.data_size_out = sizeof(r->out);
	o.repeat = 1;
	r->ret = -1;
	if (!bpf_prog_test_run_opts(bpf_program__fd(s->progs.xs_listen), &o))
		r->ret = o.retval;
	r->len = o.data_size_out;
}

static struct xs_listen_stats stats(struct listen_bpf *s)
{
	struct xs_listen_stats st = {};

	xs_listen_read_stats(bpf_map__fd(s->maps.xs_lstats), &st);
	return st;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Both checksums of an Ethernet + IPv4 + TCP frame verify. */
static bool csums_ok(const uint8_t *b, uint32_t len)
{
	const uint8_t *ip = b + 14, *th = ip + 20;
	uint32_t tlen = ((uint32_t)ip[2] << 8 | ip[3]) - 20, sum;
	uint8_t ph[12];

	if (len < 54 || 14 + 20 + tlen > len)
		return false;
	if (xs_tf_fold(xs_tf_sum(0, ip, 20)) != 0)
		return false;
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	xs_tf_put16(ph + 10, tlen);
	sum = xs_tf_sum(xs_tf_sum(0, ph, 12), th, tlen);
	return xs_tf_fold(sum) == 0;
}

/* Addresses and ports of the reply are the request's turned around. */
static void check_turned(const uint8_t *o)
{
	CHECK(!memcmp(o + 14 + 12, &d.daddr, 4), "reply from our address");
	CHECK(!memcmp(o + 14 + 16, &d.saddr, 4), "reply to the client");
	CHECK_EQ(o[34] << 8 | o[35], PORT);
	CHECK_EQ(o[36] << 8 | o[37], 40000);
}

static uint32_t cookie; /* from the last SYN-ACK */

/* c is a cookie of CLI:40000 -> SRV:PORT now, by tests/bpf/cookie_ref.h
 * (written from the layout, not from bpf/cookie.h). */
static bool cookie_ref_ok(uint32_t c)
{
	struct ref_tuple t = { .cport = 40000, .sport = PORT };
	in_addr_t cli = inet_addr(CLI), srv = inet_addr(SRV);
	struct timespec ts;

	memcpy(t.caddr + 12, &cli, 4);
	memcpy(t.saddr + 12, &srv, 4);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ref_cookie_ok(0x0123456789abcdefULL, 0xfedcba9876543210ULL, &t,
			     (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec,
			     c, false, 0);
}

static void test_syn(struct listen_bpf *s)
{
	struct xs_tframe f = { .flags = XS_TCP_SYN,
			       .tcp_opt = 20,
			       .tcp_optv = syn_opts,
			       .seq_set = true,
			       .seq = 5000 };
	const uint8_t *t;
	struct run r;

	TEST_BEGIN("listen: SYN -> SYN-ACK by XDP_TX, cookie ISN, options");
	run(s, &f, &r);
	t = r.out + 34;
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(r.len, 14 + 20 + 40);
	check_turned(r.out);
	CHECK_EQ(t[13], XS_TCP_SYN | XS_TCP_ACK);
	CHECK_EQ(get32(t + 8), 5001);
	CHECK_EQ(t[12] >> 4, 10);
	CHECK(csums_ok(r.out, r.len), "SYN-ACK checksums verify");
	/* MSS ours (1460), TSecr = their TSval, WS and SACK kept. */
	CHECK_EQ(t[20] << 8 | t[21], 0x0204);
	CHECK_EQ(t[22] << 8 | t[23], 1460);
	CHECK_EQ(get32(t + 32), 1000);
	CHECK_EQ(t[37], 0x03);
	CHECK_EQ(r.out[14 + 8], 64);
	cookie = get32(t + 4);
	/* The client's MSS is 1460: index 3 in the cookie's low bits. */
	CHECK_EQ(cookie & 3, 3);
	CHECK_EQ(stats(s).synack_tx, 1);
	TEST_END();

	TEST_BEGIN("listen: the SYN-ACK's cookie is the tests' reference's");
	CHECK(cookie_ref_ok(cookie), "cookie %#x not valid by cookie_ref.h",
	      cookie);
	CHECK(!cookie_ref_ok(cookie + 1), "cookie + 1 valid by cookie_ref.h");
	TEST_END();
}

/* An ACK of the handshake, echoing a timestamp. */
static struct xs_tframe ack_frame(uint32_t ack, uint8_t flags)
{
	/* NOP NOP TS(7, tsecr 0) */
	static const char ts[] =
		"\x01\x01\x08\x0a\x00\x00\x00\x07\x00\x00\x00\x00";
	struct xs_tframe f = { .flags = flags,
			       .seq_set = true,
			       .seq = 5001,
			       .ack_set = true,
			       .ack = ack,
			       .tcp_opt = 12,
			       .tcp_optv = ts };
	return f;
}

static void test_ack(struct listen_bpf *s)
{
	struct xs_listen_src_row rows[4];
	struct xs_tframe f = ack_frame(cookie + 1, XS_TCP_ACK);
	struct xs_listen_stats st;
	struct run r;
	int n;

	TEST_BEGIN("listen: final ACK with the cookie: a handshake, by source");
	run(s, &f, &r);
	st = stats(s);
	CHECK_EQ(r.ret, XDP_DROP);
	CHECK_EQ(st.ack_valid, 1);
	CHECK_EQ(st.bad_cookie, 0);
	n = xs_listen_top_sources(bpf_map__fd(s->maps.xs_lsrc), rows, 4);
	CHECK_EQ(n, 1);
	CHECK(n == 1 && xs_addr_is_v4(&rows[0].addr) &&
		      xs_addr_get_v4(&rows[0].addr) == d.saddr,
	      "source address, ::ffff:a.b.c.d");
	CHECK_EQ(n == 1 ? rows[0].v.handshakes : 0, 1);
	TEST_END();

	TEST_BEGIN(
		"listen: forged ACKs (wrong ack, other port) dropped, counted");
	f.ack = cookie + 1001;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	f.ack = cookie + 1;
	f.sport = 40001;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	f.sport = 0;
	f.saddr = inet_addr("10.0.0.9");
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	st = stats(s);
	CHECK_EQ(st.bad_cookie, 3);
	CHECK_EQ(st.ack_valid, 1);
	TEST_END();
}

static void test_data_fin(struct listen_bpf *s)
{
	struct xs_tframe f = ack_frame(cookie + 1, XS_TCP_ACK | XS_TCP_PSH);
	const uint8_t *t;
	struct run r;

	TEST_BEGIN("listen: data -> RST+ACK acknowledging it, TS answered");
	f.payload = 10;
	run(s, &f, &r);
	t = r.out + 34;
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(r.len, 14 + 20 + 32);
	check_turned(r.out);
	CHECK_EQ(t[13], XS_TCP_RST | XS_TCP_ACK);
	CHECK_EQ(get32(t + 4), cookie + 1);
	CHECK_EQ(get32(t + 8), 5001 + 10);
	CHECK_EQ(get32(t + 28), 7); /* TSecr = their TSval */
	CHECK(csums_ok(r.out, r.len), "RST checksums verify");
	CHECK_EQ(stats(s).data, 1);
	TEST_END();

	TEST_BEGIN("listen: FIN -> FIN-ACK; the ACK of our FIN dropped");
	f = ack_frame(cookie + 1, XS_TCP_ACK | XS_TCP_FIN);
	run(s, &f, &r);
	t = r.out + 34;
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(t[13], XS_TCP_FIN | XS_TCP_ACK);
	CHECK_EQ(get32(t + 8), 5002);
	CHECK(csums_ok(r.out, r.len), "FIN-ACK checksums verify");
	f = ack_frame(cookie + 2, XS_TCP_ACK);
	f.seq = 5002;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	CHECK_EQ(stats(s).fin, 1);
	CHECK_EQ(stats(s).closing, 1);
	TEST_END();
}

/*
 * A SYN without MSS option (index 0 in the cookie): the ACK of our FIN,
 * ack = cookie + 2, must not check out as a cookie of index 1 + 1 (the
 * index is inside the MAC, bpf/cookie.h).
 */
static void test_fin_low_mss(struct listen_bpf *s)
{
	struct xs_tframe f = { .flags = XS_TCP_SYN,
			       .sport = 40005,
			       .seq_set = true,
			       .seq = 5000 };
	struct xs_listen_stats a, b;
	struct run r;
	uint32_t c;

	TEST_BEGIN("listen: MSS index 0: the ACK of our FIN is no handshake");
	run(s, &f, &r);
	c = get32(r.out + 34 + 4);
	CHECK_EQ(c & 3, 0);
	a = stats(s);
	f = ack_frame(c + 1, XS_TCP_ACK | XS_TCP_FIN);
	f.sport = 40005;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_TX);
	f = ack_frame(c + 2, XS_TCP_ACK);
	f.sport = 40005;
	f.seq = 5002;
	run(s, &f, &r);
	b = stats(s);
	CHECK_EQ(r.ret, XDP_DROP);
	CHECK_EQ(b.closing - a.closing, 1);
	CHECK_EQ(b.ack_valid - a.ack_valid, 0);
	TEST_END();
}

struct verdict_case {
	const char *name;
	struct xs_tframe f;
	int ret;
	enum xs_lstat stat;
};

static void test_table(struct listen_bpf *s)
{
	static const char bad_mss_len[] = "\x02\x01\x01\x01";
	const struct verdict_case cases[] = {
		{ "SYN to another port",
		  { .flags = XS_TCP_SYN, .dport = 81 },
		  XDP_PASS,
		  XS_LSTAT_PASSED },
		{ "SYN to another address",
		  { .flags = XS_TCP_SYN, .daddr = inet_addr("10.0.0.3") },
		  XDP_PASS,
		  XS_LSTAT_PASSED },
		{ "UDP to the port",
		  { .proto = 17 },
		  XDP_PASS,
		  XS_LSTAT_PASSED },
		{ "ARP", { .kind = XS_TF_ARP }, XDP_PASS, XS_LSTAT_PASSED },
		{ "SYN to the second port",
		  { .flags = XS_TCP_SYN, .dport = 443 },
		  XDP_TX,
		  XS_LSTAT_SYN },
		{ "SYN, CHECKSUM_PARTIAL (veth peer)",
		  { .flags = XS_TCP_SYN, .tcp_csum_partial = true },
		  XDP_TX,
		  XS_LSTAT_SYN },
		{ "SYN, bad TCP checksum",
		  { .flags = XS_TCP_SYN, .tcp_csum_xor = 0x0101 },
		  XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN, bad IPv4 checksum",
		  { .flags = XS_TCP_SYN, .ip_csum_xor = 0x0101 },
		  XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN, doff 4",
		  { .flags = XS_TCP_SYN, .doff = 4 },
		  XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN, truncated",
		  { .flags = XS_TCP_SYN, .trunc = 44 },
		  XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN, MSS option of length 1",
		  { .flags = XS_TCP_SYN, .tcp_opt = 4, .tcp_optv = bad_mss_len },
		  XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN with IP options",
		  { .flags = XS_TCP_SYN, .ip_opt = 4 },
		  XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "SYN, first fragment (MF)",
		  { .flags = XS_TCP_SYN, .frag_off = 0x2000 },
		  XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "SYN with data",
		  { .flags = XS_TCP_SYN, .payload = 8 },
		  XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "SYN+FIN",
		  { .flags = XS_TCP_SYN | XS_TCP_FIN },
		  XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "SYN+ACK",
		  { .flags = XS_TCP_SYN | XS_TCP_ACK },
		  XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "no flags", { .flags = 0 }, XDP_DROP, XS_LSTAT_UNSUPPORTED },
		{ "bare FIN",
		  { .flags = XS_TCP_FIN },
		  XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "RST", { .flags = XS_TCP_RST }, XDP_DROP, XS_LSTAT_RST },
		{ "RST+ACK",
		  { .flags = XS_TCP_RST | XS_TCP_ACK },
		  XDP_DROP,
		  XS_LSTAT_RST },
		{ "ACK, no cookie",
		  { .flags = XS_TCP_ACK },
		  XDP_DROP,
		  XS_LSTAT_BAD_COOKIE },
		{ "data, no cookie",
		  { .flags = XS_TCP_ACK | XS_TCP_PSH, .payload = 20 },
		  XDP_DROP,
		  XS_LSTAT_BAD_COOKIE },
	};
	struct xs_listen_stats a, b;
	char name[128];
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "listen: %s", cases[i].name);
		TEST_BEGIN(name);
		a = stats(s);
		run(s, &cases[i].f, &r);
		b = stats(s);
		CHECK_EQ(r.ret, cases[i].ret);
		CHECK_EQ(((__u64 *)&b)[cases[i].stat] -
				 ((__u64 *)&a)[cases[i].stat],
			 1);
		CHECK_EQ(b.frames - a.frames, 1);
		TEST_END();
	}
}

static void test_banner(void)
{
	struct listen_bpf *s = open_listener(BANNER, false);
	struct xs_tframe f = { .flags = XS_TCP_SYN,
			       .seq_set = true,
			       .seq = 5000 };
	const uint8_t *t;
	struct run r;

	TEST_BEGIN(
		"listen --banner: data -> the banner with FIN, then closing");
	CHECK(s, "load with a banner: %s", strerror(errno));
	if (!s) {
		TEST_END();
		return;
	}
	run(s, &f, &r);
	cookie = get32(r.out + 34 + 4);
	/* No timestamp in this flow: a 20-byte header. */
	f = (struct xs_tframe){ .flags = XS_TCP_ACK | XS_TCP_PSH,
				.seq_set = true,
				.seq = 5001,
				.ack_set = true,
				.ack = cookie + 1,
				.payload = 5 };
	run(s, &f, &r);
	t = r.out + 34;
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(r.len, 14 + 20 + 20 + strlen(BANNER));
	CHECK_EQ(t[13], XS_TCP_FIN | XS_TCP_PSH | XS_TCP_ACK);
	CHECK_EQ(get32(t + 8), 5006);
	CHECK(!memcmp(t + 20, BANNER, strlen(BANNER)), "banner bytes");
	CHECK(csums_ok(r.out, r.len), "banner checksums verify");
	/* The client's ACK of banner and FIN, and its own FIN. */
	f = (struct xs_tframe){ .flags = XS_TCP_ACK | XS_TCP_FIN,
				.seq_set = true,
				.seq = 5006,
				.ack_set = true,
				.ack = cookie + 2 + strlen(BANNER) };
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(r.out[34 + 13], XS_TCP_ACK);
	CHECK_EQ(stats(s).bad_cookie, 0);
	CHECK_EQ(stats(s).fin, 1);
	TEST_END();
	listen_bpf__destroy(s);
}

/*
 * --protect: the SYN-ACK's cookie carries the SYN's window scale and
 * SACK-permitted (bpf/cookie.h) beside the MSS index, for xs_listen_tc;
 * everything but a SYN goes to the kernel untouched.
 */
static void test_protect(void)
{
	struct listen_bpf *s = open_listener(NULL, true);
	struct xs_tframe syn = { .flags = XS_TCP_SYN,
				 .tcp_opt = 20,
				 .tcp_optv = syn_opts },
			 bare = { .flags = XS_TCP_SYN, .sport = 40002 };
	struct xs_tframe ack = ack_frame(0, XS_TCP_ACK),
			 rst = { .flags = XS_TCP_RST };
	struct run r;
	uint32_t c;

	TEST_BEGIN("listen --protect: cookie carries WS 7, SACK, MSS 1460");
	CHECK(s != NULL, "load: %s", strerror(errno));
	if (!s) {
		TEST_END();
		return;
	}
	run(s, &syn, &r);
	CHECK_EQ(r.ret, XDP_TX);
	c = get32(r.out + 34 + 4);
	CHECK_EQ((c >> 8) & 31, 7 << 1 | 1);
	CHECK_EQ(c & 3, 3);
	run(s, &bare, &r);
	CHECK_EQ(r.ret, XDP_TX);
	c = get32(r.out + 34 + 4);
	CHECK_EQ((c >> 8) & 31, 0xf << 1); /* no WS, no SACK */
	CHECK_EQ(c & 3, 0); /* no MSS option: 536 */
	TEST_END();

	TEST_BEGIN("listen --protect: ACK and RST passed to the kernel as is");
	ack.ack = c + 1;
	run(s, &ack, &r);
	CHECK_EQ(r.ret, XDP_PASS);
	run(s, &rst, &r);
	CHECK_EQ(r.ret, XDP_PASS);
	CHECK_EQ(stats(s).passed, 2);
	CHECK_EQ(stats(s).ack_valid, 0);
	CHECK_EQ(stats(s).syn, 2);
	TEST_END();
	listen_bpf__destroy(s);
}

/*
 * --protect at TC (bpf/listen_tc.bpf.c), against a real listener on
 * 0.0.0.0:port in this netns: the third segment of the handshake (seq =
 * the SYN's ISN + 1) opens a connection whatever it carries.  A client
 * whose pure ACK is lost retransmits its data, and Linux collapses the
 * FIN of close() into that retransmission (or into the first data
 * segment, autocorked): data + FIN at ISN + 1 must be assigned, as the
 * kernel's own cookie check does.  A FIN after data (seq beyond ISN + 1)
 * stays a late segment: dropped.
 */
static int tc_listener(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&a, &al)) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/*
 * Both halves for port, as the loader makes them: one configuration, and
 * the TC half on the XDP half's source table and RTT histogram.
 */
static int open_halves(uint16_t port, struct listen_bpf **sp,
		       struct listen_tc_bpf **tp)
{
	struct listen_bpf *s = listen_bpf__open();
	struct listen_tc_bpf *t = listen_tc_bpf__open();
	struct xs_listen_cfg *c;
	int err = -ENOMEM;

	*sp = s;
	*tp = t;
	if (!s || !t)
		return err;
	c = (struct xs_listen_cfg *)&s->rodata->cfg;
	c->mss = 1460;
	c->protect = 1;
	c->key0 = 0x0123456789abcdefULL;
	c->key1 = 0xfedcba9876543210ULL;
	c->ports[port / 64] |= 1ULL << (port % 64);
	memcpy((void *)&t->rodata->cfg, c, sizeof(*c));
	err = listen_bpf__load(s);
	if (!err)
		err = bpf_map__reuse_fd(t->maps.xs_lsrc,
					bpf_map__fd(s->maps.xs_lsrc));
	if (!err)
		err = bpf_map__reuse_fd(t->maps.xs_lrtt,
					bpf_map__fd(s->maps.xs_lrtt));
	if (!err)
		err = bpf_map__reuse_fd(t->maps.xs_laddr,
					bpf_map__fd(s->maps.xs_laddr));
	if (!err)
		err = laddr_set(bpf_map__fd(s->maps.xs_laddr), srv_addr, 1);
	if (!err)
		err = listen_tc_bpf__load(t);
	return err;
}

/* Handshakes the per-source table holds for addr, and the RTT samples. */
static __u64 src_handshakes(struct listen_bpf *s, const char *addr)
{
	struct xs_listen_src_key k = { .addr = { [10] = 0xff, [11] = 0xff } };
	struct xs_listen_src v = {};
	in_addr_t a = inet_addr(addr);

	memcpy(k.addr + 12, &a, 4); /* ::ffff:a.b.c.d */
	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.xs_lsrc), &k, &v))
		return 0;
	return v.handshakes;
}

static __u64 rtt_total(struct listen_bpf *s)
{
	struct xs_rtt_hist h = {};
	__u64 n = 0;
	int i;

	xs_read_rtt(bpf_map__fd(s->maps.xs_lrtt), &h);
	for (i = 0; i < XS_HIST_SLOTS; i++)
		n += h.slot[i];
	return n;
}

static struct xs_prot_stats tc_stats(struct listen_tc_bpf *t)
{
	struct xs_prot_stats all = {}, cpu[512];
	__u32 key = 0;
	int i, n = libbpf_num_possible_cpus();

	if (n > 512 ||
	    bpf_map_lookup_elem(bpf_map__fd(t->maps.xs_lprot), &key, cpu))
		return all;
	for (i = 0; i < n; i++) {
		all.seen += cpu[i].seen;
		all.assigned += cpu[i].assigned;
		all.duplicate += cpu[i].duplicate;
		all.bad_cookie += cpu[i].bad_cookie;
		all.assign_failed += cpu[i].assign_failed;
		all.rtt_samples += cpu[i].rtt_samples;
	}
	return all;
}

static void run_tc(struct listen_tc_bpf *t, const struct xs_tframe *f)
{
	uint8_t in[XS_TF_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o);

	o.data_size_in = xs_tf_build(in, f, &d);
	o.data_in = in;
	o.repeat = 1;
	bpf_prog_test_run_opts(bpf_program__fd(t->progs.xs_listen_tc), &o);
}

/*
 * The final ACK's options: NOP NOP TS(7, tsecr), tsecr the SYN-ACK's
 * TSval (which listen.bpf.c wrote where the SYN's TS was: syn_opts).
 */
static void ts_echo(char *opt, const struct run *synack)
{
	memcpy(opt, "\x01\x01\x08\x0a\x00\x00\x00\x07", 8);
	memcpy(opt + 8, synack->out + 34 + 20 + 6 + 2, 4);
}

static void test_protect_tc(void)
{
	struct xs_tframe syn = { .flags = XS_TCP_SYN,
				 .seq_set = true,
				 .seq = 5000,
				 .tcp_opt = 20,
				 .tcp_optv = syn_opts };
	struct xs_tframe f = ack_frame(0, XS_TCP_ACK | XS_TCP_PSH | XS_TCP_FIN);
	struct listen_bpf *s = NULL;
	struct listen_tc_bpf *t = NULL;
	struct xs_prot_stats st;
	uint16_t port = 0;
	char opt[12];
	struct run r;
	int fd = tc_listener(&port), err = -1;

	TEST_BEGIN(
		"listen --protect TC: data+FIN at ISN+1 opens, late FIN not");
	if (fd >= 0)
		err = open_halves(port, &s, &t);
	CHECK(fd >= 0 && !err, "setup: %s", strerror(errno));
	if (err)
		goto out;
	syn.dport = port;
	run(s, &syn, &r);
	CHECK_EQ(r.ret, XDP_TX);
	ts_echo(opt, &r);
	f.tcp_optv = opt;
	f.dport = port;
	f.ack = get32(r.out + 34 + 4) + 1;
	f.payload = 6;
	f.flags = XS_TCP_ACK | XS_TCP_PSH; /* control: data, no FIN */
	run_tc(t, &f);
	st = tc_stats(t);
	CHECK_EQ(st.bad_cookie, 0);
	CHECK_EQ(st.assigned + st.assign_failed, 1);
	f.flags = XS_TCP_ACK | XS_TCP_PSH | XS_TCP_FIN;
	run_tc(t, &f); /* seq 5001 = ISN + 1: the handshake's third */
	st = tc_stats(t);
	CHECK_EQ(st.bad_cookie, 0);
	/* The same cookie again: a duplicate if the first was assigned. */
	CHECK_EQ(st.assigned + st.duplicate + st.assign_failed, 2);
	CHECK_EQ(st.duplicate, st.assigned);
	f.seq = 5007; /* FIN after the data: a late one */
	f.payload = 0;
	run_tc(t, &f);
	st = tc_stats(t);
	CHECK_EQ(st.bad_cookie, 1);
	CHECK_EQ(st.seen, 3);
	TEST_END();

	/*
	 * Counted where the XDP half counts its handshakes: the valid final
	 * ACKs timed from their TS echo (the late FIN is not), those the
	 * listener took on per source (under BPF_PROG_TEST_RUN the kernel
	 * may refuse the request socket: t_listen sees them taken).
	 */
	TEST_BEGIN(
		"listen --protect TC: valid ACKs timed, assigned per source");
	CHECK_EQ(st.rtt_samples, 2 - st.duplicate);
	CHECK_EQ(rtt_total(s), 2 - st.duplicate);
	CHECK_EQ(src_handshakes(s, CLI), st.assigned);
	CHECK_EQ(stats(s).ack_valid, 0);
	CHECK_EQ(stats(s).rtt_samples, 0);
out:
	TEST_END();
	if (t)
		listen_tc_bpf__destroy(t);
	if (s)
		listen_bpf__destroy(s);
	if (fd >= 0)
		close(fd);
}

/* frames = every verdict counter (synack_tx counts SYNs twice over). */
static void test_invariant(struct listen_bpf *s)
{
	struct xs_listen_stats st = stats(s);
	__u64 sum = 0, *c = (__u64 *)&st;
	int i;

	TEST_BEGIN("listen: frames == the sum of the verdict counters");
	for (i = 1; i < XS_LSTAT_MAX; i++)
		if (i != XS_LSTAT_SYNACK_TX)
			sum += c[i];
	CHECK_EQ(st.frames, sum);
	CHECK_EQ(st.synack_tx, st.syn);
	TEST_END();
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* first <= last, both within [t0, t1] (CLOCK_MONOTONIC ns). */
static bool span_ok(__u64 first, __u64 last, uint64_t t0, uint64_t t1)
{
	return first && first <= last && first >= t0 && last <= t1;
}

/*
 * struct xs_listen_times: unset on a fresh listener; the first and last SYN
 * answered, RST and valid final ACK, on CLOCK_MONOTONIC between our reads
 * of it, first <= last; a frame passed or dropped otherwise times nothing.
 */
static void test_times(void)
{
	struct xs_tframe syn = { .flags = XS_TCP_SYN,
				 .tcp_opt = 20,
				 .tcp_optv = syn_opts,
				 .seq_set = true,
				 .seq = 5000 };
	struct xs_tframe rst = { .flags = XS_TCP_RST,
				 .seq_set = true,
				 .seq = 5001 };
	struct listen_bpf *s = open_listener(NULL, false);
	struct xs_listen_stats st, a;
	struct xs_tframe f;
	uint64_t t0, t1, t2;
	struct run r;
	uint32_t c;

	TEST_BEGIN("listen: times of SYN, RST and ACK unset before any");
	CHECK(s, "load: %s", strerror(errno));
	if (!s) {
		TEST_END();
		return;
	}
	st = stats(s);
	CHECK_EQ(st.t.first_syn_ns, 0);
	CHECK_EQ(st.t.last_syn_ns, 0);
	CHECK_EQ(st.t.first_rst_ns, 0);
	CHECK_EQ(st.t.last_rst_ns, 0);
	CHECK_EQ(st.t.first_ack_ns, 0);
	CHECK_EQ(st.t.last_ack_ns, 0);
	/* Passed (not our port) and forged: no time either. */
	syn.dport = 81;
	run(s, &syn, &r);
	CHECK_EQ(r.ret, XDP_PASS);
	syn.dport = 0;
	f = ack_frame(12345, XS_TCP_ACK);
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	st = stats(s);
	CHECK_EQ(st.bad_cookie, 1);
	CHECK(!st.t.first_syn_ns && !st.t.last_syn_ns && !st.t.first_ack_ns &&
		      !st.t.last_ack_ns,
	      "a passed SYN or a forged ACK timed something");
	TEST_END();

	TEST_BEGIN("listen: first/last SYN answered, RST, ACK: first <= last");
	t0 = mono_ns();
	run(s, &syn, &r);
	CHECK_EQ(r.ret, XDP_TX);
	c = get32(r.out + 34 + 4);
	a = stats(s);
	CHECK(span_ok(a.t.first_syn_ns, a.t.last_syn_ns, t0, mono_ns()),
	      "one SYN: first %llu last %llu from %llu",
	      (unsigned long long)a.t.first_syn_ns,
	      (unsigned long long)a.t.last_syn_ns, (unsigned long long)t0);
	CHECK_EQ(a.t.first_syn_ns, a.t.last_syn_ns);
	t1 = mono_ns();
	syn.sport = 40009;
	run(s, &syn, &r);
	syn.sport = 0;
	CHECK_EQ(r.ret, XDP_TX);
	f = ack_frame(c + 1, XS_TCP_ACK);
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	run(s, &rst, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	t2 = mono_ns();
	st = stats(s);
	CHECK_EQ(st.syn, 2);
	CHECK_EQ(st.ack_valid, 1);
	CHECK_EQ(st.rst, 1);
	/* Each CPU keeps its first; userspace takes the earliest. */
	CHECK_EQ(st.t.first_syn_ns, a.t.first_syn_ns);
	CHECK(span_ok(st.t.first_syn_ns, st.t.last_syn_ns, t0, t2) &&
		      st.t.last_syn_ns >= t1,
	      "two SYNs: first %llu last %llu in [%llu, %llu]",
	      (unsigned long long)st.t.first_syn_ns,
	      (unsigned long long)st.t.last_syn_ns, (unsigned long long)t0,
	      (unsigned long long)t2);
	CHECK(span_ok(st.t.first_ack_ns, st.t.last_ack_ns, t1, t2),
	      "ACK: first %llu last %llu",
	      (unsigned long long)st.t.first_ack_ns,
	      (unsigned long long)st.t.last_ack_ns);
	CHECK(span_ok(st.t.first_rst_ns, st.t.last_rst_ns, t1, t2),
	      "RST: first %llu last %llu",
	      (unsigned long long)st.t.first_rst_ns,
	      (unsigned long long)st.t.last_rst_ns);
	CHECK(st.t.last_syn_ns <= st.t.first_ack_ns &&
		      st.t.first_ack_ns <= st.t.first_rst_ns,
	      "SYN, ACK and RST timed out of order");
	TEST_END();
	listen_bpf__destroy(s);
}

/*
 * --addr prefixes: a SYN to an address of the block is answered from that
 * address, one beside it is passed; the table is put back after.  Both
 * families in one table, as `listen --addr` allows.
 */
static void test_prefix(struct listen_bpf *s)
{
	static const char *const blk[] = { "10.9.0.0/28", "fd00:77:1::/112",
					   "10.0.0.7" };
	static const struct {
		const char *dst;
		int ret;
	} rows[] = {
		{ "10.9.0.0", XDP_TX },	   { "10.9.0.5", XDP_TX },
		{ "10.9.0.15", XDP_TX },   { "10.0.0.7", XDP_TX },
		{ "10.9.0.16", XDP_PASS }, { "10.8.255.255", XDP_PASS },
		{ "10.0.0.2", XDP_PASS },  { "10.0.0.6", XDP_PASS },
	};
	struct xs_tframe f = { .flags = XS_TCP_SYN,
			       .tcp_opt = 20,
			       .tcp_optv = syn_opts,
			       .seq_set = true,
			       .seq = 5000 };
	int fd = bpf_map__fd(s->maps.xs_laddr);
	struct run r;
	size_t i;

	TEST_BEGIN("listen --addr 10.9.0.0/28: the block answered, not beside");
	CHECK_EQ(laddr_set(fd, blk, 3), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		d.daddr = inet_addr(rows[i].dst);
		run(s, &f, &r);
		CHECK(r.ret == rows[i].ret, "SYN to %s: verdict %d, want %d",
		      rows[i].dst, r.ret, rows[i].ret);
		if (r.ret == XDP_TX)
			check_turned(r.out);
	}
	d.daddr = inet_addr(SRV);
	CHECK_EQ(laddr_set(fd, srv_addr, 1), 0);
	TEST_END();
}

int main(void)
{
	struct listen_bpf *s;

	d = dflt;
	d.saddr = inet_addr(CLI);
	d.daddr = inet_addr(SRV);
	s = open_listener(NULL, false);
	if (!s) {
		printf("FAIL: listen: load: %s\n", strerror(errno));
		return 1;
	}
	test_syn(s);
	test_ack(s);
	test_data_fin(s);
	test_fin_low_mss(s);
	test_table(s);
	test_invariant(s);
	test_prefix(s);
	test_times();
	test_banner();
	test_protect();
	test_protect_tc();
	listen_bpf__destroy(s);
	return TEST_EXIT();
}
