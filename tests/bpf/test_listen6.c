// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bpf/listen.bpf.c over IPv6 through BPF_PROG_TEST_RUN, the same program
 * as test_listen_prog.c's IPv4 rows: the SYN-ACK byte by byte (cookie
 * over the IPv6 4-tuple, MSS 20 below IPv4's, checksum over the IPv6
 * pseudo-header), the final ACK counted under its 16-byte source, data,
 * FIN and banner answers, and the hostile responder rows: forged ACKs,
 * checksums (wrong, zero, CHECKSUM_PARTIAL), extension headers,
 * fragments, lengths, versions.  --protect: the cookie's options and the
 * TC half against a real IPv6 listener.  Frames from tests/bpf/frames6.h:
 * the client is fd00::1, the listener fd00::2.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen_loader.h"
#include "bpf/laddr.h"
#include "bpf/frames6.h"
#include "listen.skel.h"
#include "listen_tc.skel.h"
#include "testlib.h"

#define PORT 80
#define CPORT 40000
#define BANNER "hello\n"
#define L4 (14 + 40) /* TCP in a frame without extension headers */

struct run {
	uint8_t out[512];
	uint32_t len;
	int ret;
};

/* MSS 1440, SACK-permitted, TS (1000, 0), NOP, WS 7: 20 bytes. */
static const char syn_opts[] = "\x02\x04\x05\xa0\x04\x02\x08\x0a\x00\x00\x03"
			       "\xe8\x00\x00\x00\x00\x01\x03\x03\x07";
/* NOP NOP TS(7, 0) */
static const char ack_ts[] = "\x01\x01\x08\x0a\x00\x00\x00\x07\x00\x00\x00\x00";

/* Both families, as listen's default: the IPv4 one first. */
static const char *const srv_addrs[] = { "10.0.0.2", "fd00::2" };

static void set_cfg(struct xs_listen_cfg *c, const char *banner, bool protect,
		    uint16_t port)
{
	c->mss = 1460;
	c->key0 = 0x0123456789abcdefULL;
	c->key1 = 0xfedcba9876543210ULL;
	c->ports[port / 64] |= 1ULL << (port % 64);
	c->protect = protect;
	if (banner) {
		c->banner_len = strlen(banner);
		memcpy(c->banner, banner, c->banner_len);
	}
}

static struct listen_bpf *open_listener(const char *banner, bool protect,
					uint16_t port)
{
	struct listen_bpf *s = listen_bpf__open();

	if (!s)
		return NULL;
	set_cfg((struct xs_listen_cfg *)&s->rodata->cfg, banner, protect, port);
	if (listen_bpf__load(s) ||
	    laddr_set(bpf_map__fd(s->maps.xs_laddr), srv_addrs, 2)) {
		listen_bpf__destroy(s);
		return NULL;
	}
	return s;
}

/* A segment from the client (fd00::1 port 40000) to port 80. */
static struct xs_t6 seg(uint8_t flags)
{
	struct xs_t6 f = { .sport = CPORT,
			   .dport = PORT,
			   .flags = flags,
			   .seq_set = true,
			   .seq = 5000,
			   .ack_set = true,
			   .ack = 0 };
	return f;
}

static void run(struct listen_bpf *s, const struct xs_t6 *f, struct run *r)
{
	uint8_t in[XS_T6_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o);

	o.data_size_in = xs_t6_build(in, f);
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

/* The TCP checksum over the IPv6 pseudo-header verifies; the payload
 * length is the frame's. */
static bool csum6_ok(const uint8_t *b, uint32_t len)
{
	const uint8_t *ip = b + 14;
	uint32_t tlen = (uint32_t)ip[4] << 8 | ip[5], sum;

	if (len < L4 + 20 || L4 + tlen != len)
		return false;
	sum = xs_tf_sum(0, ip + 8, 32);
	sum += tlen + 6;
	sum = xs_tf_sum(sum, b + L4, tlen);
	return xs_tf_fold(sum) == 0;
}

/* The reply: IPv6 from us to the client, hop limit 64, flow label 0,
 * ports turned around, checksum right. */
static void check_reply(const struct run *r)
{
	const uint8_t *ip = r->out + 14;

	CHECK_EQ(r->out[12] << 8 | r->out[13], 0x86dd);
	CHECK_EQ(get32(ip), 0x60000000);
	CHECK_EQ(ip[6], 6);
	CHECK_EQ(ip[7], 64);
	CHECK(!memcmp(ip + 8, xs_t6_us, 16), "reply from our address");
	CHECK(!memcmp(ip + 24, xs_t6_peer, 16), "reply to the client");
	CHECK_EQ(r->out[L4] << 8 | r->out[L4 + 1], PORT);
	CHECK_EQ(r->out[L4 + 2] << 8 | r->out[L4 + 3], CPORT);
	CHECK(csum6_ok(r->out, r->len), "TCP checksum over IPv6 verifies");
}

static uint32_t cookie;

static void test_syn(struct listen_bpf *s)
{
	struct xs_t6 f = seg(XS_TCP_SYN);
	const uint8_t *t;
	struct run r;

	TEST_BEGIN("listen6: SYN -> SYN-ACK by XDP_TX, cookie ISN, options");
	f.tcp_opt = 20;
	f.tcp_optv = syn_opts;
	run(s, &f, &r);
	t = r.out + L4;
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(r.len, L4 + 40);
	check_reply(&r);
	CHECK_EQ(t[13], XS_TCP_SYN | XS_TCP_ACK);
	CHECK_EQ(get32(t + 8), 5001);
	CHECK_EQ(t[12] >> 4, 10);
	/* MSS ours less 20 (1440), TSecr = their TSval, WS kept. */
	CHECK_EQ(t[20] << 8 | t[21], 0x0204);
	CHECK_EQ(t[22] << 8 | t[23], 1440);
	CHECK_EQ(get32(t + 32), 1000);
	CHECK_EQ(t[37], 0x03);
	cookie = get32(t + 4);
	/* min(1440, 1440): index 2 of the cookie's MSS table. */
	CHECK_EQ(cookie & 3, 2);
	CHECK_EQ(stats(s).synack_tx, 1);
	TEST_END();

	TEST_BEGIN("listen6: the cookie covers the 16-byte addresses");
	f.saddr = xs_t6_other;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_TX);
	CHECK(get32(r.out + L4 + 4) != cookie, "another client, another MAC");
	TEST_END();
}

static struct xs_t6 ack(uint32_t a, uint8_t flags)
{
	struct xs_t6 f = seg(flags);

	f.seq = 5001;
	f.ack = a;
	f.tcp_opt = 12;
	f.tcp_optv = ack_ts;
	return f;
}

static void test_ack(struct listen_bpf *s)
{
	struct xs_listen_src_row rows[4];
	struct xs_t6 f = ack(cookie + 1, XS_TCP_ACK);
	struct xs_listen_stats st;
	struct run r;
	int n;

	TEST_BEGIN("listen6: final ACK with the cookie: a handshake, timed");
	run(s, &f, &r);
	st = stats(s);
	CHECK_EQ(r.ret, XDP_DROP);
	CHECK_EQ(st.ack_valid, 1);
	CHECK_EQ(st.rtt_samples, 0); /* TSecr 0: no echo of ours */
	n = xs_listen_top_sources(bpf_map__fd(s->maps.xs_lsrc), rows, 4);
	CHECK_EQ(n, 1);
	CHECK(n == 1 && !memcmp(rows[0].addr.b, xs_t6_peer, 16),
	      "source key: the client's 16 bytes");
	TEST_END();

	TEST_BEGIN(
		"listen6: forged ACKs (ack, port, address) dropped, counted");
	f.ack = cookie + 1001;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	f.ack = cookie + 1;
	f.sport = CPORT + 1;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	f.sport = CPORT;
	f.saddr = xs_t6_other;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	st = stats(s);
	CHECK_EQ(st.bad_cookie, 3);
	CHECK_EQ(st.ack_valid, 1);
	TEST_END();
}

static void test_data_fin(struct listen_bpf *s)
{
	struct xs_t6 f = ack(cookie + 1, XS_TCP_ACK | XS_TCP_PSH);
	const uint8_t *t;
	struct run r;

	TEST_BEGIN("listen6: data -> RST+ACK acknowledging it");
	f.payload = 10;
	run(s, &f, &r);
	t = r.out + L4;
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(r.len, L4 + 32);
	check_reply(&r);
	CHECK_EQ(r.out[14 + 4] << 8 | r.out[14 + 5], 32);
	CHECK_EQ(t[13], XS_TCP_RST | XS_TCP_ACK);
	CHECK_EQ(get32(t + 4), cookie + 1);
	CHECK_EQ(get32(t + 8), 5011);
	CHECK_EQ(get32(t + 28), 7);
	TEST_END();

	TEST_BEGIN("listen6: FIN -> FIN-ACK; the ACK of our FIN dropped");
	f = ack(cookie + 1, XS_TCP_ACK | XS_TCP_FIN);
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_TX);
	check_reply(&r);
	CHECK_EQ(r.out[L4 + 13], XS_TCP_FIN | XS_TCP_ACK);
	CHECK_EQ(get32(r.out + L4 + 8), 5002);
	f = ack(cookie + 2, XS_TCP_ACK);
	f.seq = 5002;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	CHECK_EQ(stats(s).closing, 1);
	TEST_END();
}

struct vcase {
	const char *name;
	struct xs_t6 f;
	int ret;
	enum xs_lstat stat;
};

/* A row bends the SYN's defaults by designated initialisers given after
 * them: overriding them is the point. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define SYN6(...)                                                   \
	{                                                           \
		.sport = CPORT, .dport = PORT, .flags = XS_TCP_SYN, \
		__VA_ARGS__                                         \
	}

/* The hostile responder rows over IPv6: each frame, its one counter. */
static void test_table(struct listen_bpf *s)
{
	static const uint8_t v4m[16] = { [10] = 0xff, [11] = 0xff, 10, 0, 0, 2 };
	const struct vcase cases[] = {
		{ "SYN to another port", SYN6(.dport = 81), XDP_PASS,
		  XS_LSTAT_PASSED },
		{ "SYN to another address", SYN6(.daddr = xs_t6_other),
		  XDP_PASS, XS_LSTAT_PASSED },
		{ "SYN to ::ffff:10.0.0.2 (IPv4-mapped, never ours)",
		  SYN6(.daddr = v4m), XDP_PASS, XS_LSTAT_PASSED },
		{ "UDP to the port", SYN6(.upper = 17), XDP_PASS,
		  XS_LSTAT_PASSED },
		{ "ICMPv6 echo",
		  { .icmp_type = 128 },
		  XDP_PASS,
		  XS_LSTAT_PASSED },
		{ "SYN, CHECKSUM_PARTIAL (veth peer)",
		  SYN6(.csum = XS_T6_CSUM_PARTIAL), XDP_TX, XS_LSTAT_SYN },
		{ "SYN, bad TCP checksum", SYN6(.csum = XS_T6_CSUM_XOR),
		  XDP_DROP, XS_LSTAT_MALFORMED },
		{ "SYN, TCP checksum 0 (mandatory in IPv6)",
		  SYN6(.csum = XS_T6_CSUM_ZERO), XDP_DROP, XS_LSTAT_MALFORMED },
		{ "SYN, version 4 behind 0x86DD", SYN6(.ver = 4), XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN, payload length beyond the frame", SYN6(.plen_delta = 8),
		  XDP_DROP, XS_LSTAT_MALFORMED },
		{ "SYN, payload length shorter than TCP's header",
		  SYN6(.plen_set = true, .plen = 12), XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN, doff 4", SYN6(.doff = 4), XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN, truncated", SYN6(.trunc = 64), XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN, jumbogram hop-by-hop",
		  SYN6(.ext_n = 1, .ext = { 0 }, .jumbo = true,
		       .plen_set = true, .plen = 0),
		  XDP_DROP, XS_LSTAT_MALFORMED },
		{ "SYN, hop-by-hop after destination options (loop)",
		  SYN6(.ext_n = 2, .ext = { 60, 0 }), XDP_DROP,
		  XS_LSTAT_MALFORMED },
		{ "SYN behind hop-by-hop options",
		  SYN6(.ext_n = 1, .ext = { 0 }), XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "SYN behind destination options and routing (0 left)",
		  SYN6(.ext_n = 2, .ext = { 60, 43 }, .rt_type = 4), XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "SYN, routing header with segments left (type 0)",
		  SYN6(.ext_n = 1, .ext = { 43 }, .rt_type = 0,
		       .rt_segleft = 1),
		  XDP_PASS, XS_LSTAT_PASSED },
		{ "SYN behind 5 extension headers (beyond the walk)",
		  SYN6(.ext_n = 5, .ext = { 0, 60, 60, 60, 60 }), XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "5 extension headers to another address",
		  SYN6(.ext_n = 5, .ext = { 0, 60, 60, 60, 60 },
		       .daddr = xs_t6_other),
		  XDP_PASS, XS_LSTAT_PASSED },
		{ "SYN, first fragment", SYN6(.ext_n = 1, .ext = { 44 }),
		  XDP_DROP, XS_LSTAT_UNSUPPORTED },
		{ "later fragment (offset 8)",
		  SYN6(.ext_n = 1, .ext = { 44 }, .frag = 8 << 3), XDP_PASS,
		  XS_LSTAT_PASSED },
		{ "SYN with data", SYN6(.payload = 8), XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "SYN+ACK", SYN6(.flags = XS_TCP_SYN | XS_TCP_ACK), XDP_DROP,
		  XS_LSTAT_UNSUPPORTED },
		{ "RST", SYN6(.flags = XS_TCP_RST), XDP_DROP, XS_LSTAT_RST },
		{ "ACK, no cookie", SYN6(.flags = XS_TCP_ACK), XDP_DROP,
		  XS_LSTAT_BAD_COOKIE },
		{ "data, no cookie",
		  SYN6(.flags = XS_TCP_ACK | XS_TCP_PSH, .payload = 20),
		  XDP_DROP, XS_LSTAT_BAD_COOKIE },
	};
	struct xs_listen_stats a, b;
	char name[128];
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "listen6: %s", cases[i].name);
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

static void test_invariant(struct listen_bpf *s)
{
	struct xs_listen_stats st = stats(s);
	__u64 sum = 0, *c = (__u64 *)&st;
	int i;

	TEST_BEGIN("listen6: frames == the sum of the verdict counters");
	for (i = 1; i < XS_LSTAT_MAX; i++)
		if (i != XS_LSTAT_SYNACK_TX)
			sum += c[i];
	CHECK_EQ(st.frames, sum);
	CHECK_EQ(st.synack_tx, st.syn);
	TEST_END();
}

static void test_banner(void)
{
	struct listen_bpf *s = open_listener(BANNER, false, PORT);
	struct xs_t6 f = seg(XS_TCP_SYN);
	const uint8_t *t;
	struct run r;

	TEST_BEGIN("listen6 --banner: data -> the banner with FIN");
	CHECK(s != NULL, "load with a banner: %s", strerror(errno));
	if (!s) {
		TEST_END();
		return;
	}
	run(s, &f, &r);
	cookie = get32(r.out + L4 + 4);
	f = seg(XS_TCP_ACK | XS_TCP_PSH);
	f.seq = 5001;
	f.ack = cookie + 1;
	f.payload = 5;
	run(s, &f, &r);
	t = r.out + L4;
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(r.len, L4 + 20 + strlen(BANNER));
	check_reply(&r);
	CHECK_EQ(t[13], XS_TCP_FIN | XS_TCP_PSH | XS_TCP_ACK);
	CHECK_EQ(get32(t + 8), 5006);
	CHECK(!memcmp(t + 20, BANNER, strlen(BANNER)), "banner bytes");
	TEST_END();
	listen_bpf__destroy(s);
}

/* A real IPv6 listener on [::]:port in this netns. */
static int listener6(uint16_t *port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET6, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&a, &al)) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin6_port);
	return fd;
}

static struct xs_prot_stats tc_stats(struct listen_tc_bpf *t)
{
	struct xs_prot_stats all = {}, cpu[512];
	__u32 key = 0;
	int i, k, n = libbpf_num_possible_cpus();

	if (n > 512 ||
	    bpf_map_lookup_elem(bpf_map__fd(t->maps.xs_lprot), &key, cpu))
		return all;
	for (i = 0; i < n; i++)
		for (k = 0; k < XS_PROT_MAX; k++)
			((__u64 *)&all)[k] += ((__u64 *)&cpu[i])[k];
	return all;
}

static void run_tc(struct listen_tc_bpf *t, const struct xs_t6 *f)
{
	uint8_t in[XS_T6_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o);

	o.data_size_in = xs_t6_build(in, f);
	o.data_in = in;
	o.repeat = 1;
	bpf_prog_test_run_opts(bpf_program__fd(t->progs.xs_listen_tc), &o);
}

/*
 * --protect over IPv6: the SYN-ACK's cookie carries the options; the TC
 * half finds the IPv6 listener for the final ACK and checks the cookie
 * over the IPv6 4-tuple (a forged one dropped).  Whether the request
 * socket is made is the kernel's (t_listen proves accept() returns).
 */
static void test_protect(void)
{
	struct listen_tc_bpf *t = NULL;
	struct listen_bpf *s = NULL;
	struct xs_t6 f = seg(XS_TCP_SYN);
	struct xs_prot_stats st;
	uint16_t port = 0;
	struct run r;
	int fd = listener6(&port);
	uint32_t c;

	TEST_BEGIN("listen6 --protect: cookie options; TC finds the listener");
	CHECK(fd >= 0, "IPv6 listener: %s", strerror(errno));
	if (fd < 0)
		goto out;
	s = open_listener(NULL, true, port);
	t = listen_tc_bpf__open();
	if (t) {
		set_cfg((struct xs_listen_cfg *)&t->rodata->cfg, NULL, true,
			port);
		if (bpf_map__reuse_fd(t->maps.xs_laddr,
				      bpf_map__fd(s->maps.xs_laddr)) ||
		    listen_tc_bpf__load(t)) {
			listen_tc_bpf__destroy(t);
			t = NULL;
		}
	}
	CHECK(s && t, "load: %s", strerror(errno));
	if (!s || !t)
		goto out;
	f.dport = port;
	f.tcp_opt = 20;
	f.tcp_optv = syn_opts;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_TX);
	c = get32(r.out + L4 + 4);
	CHECK_EQ((c >> 8) & 31, 7 << 1 | 1);
	f = ack(c + 1, XS_TCP_ACK);
	f.dport = port;
	run(s, &f, &r);
	CHECK_EQ(r.ret, XDP_PASS); /* the kernel's, through TC */
	run_tc(t, &f);
	st = tc_stats(t);
	CHECK_EQ(st.seen, 1);
	CHECK_EQ(st.bad_cookie, 0);
	CHECK_EQ(st.assigned + st.assign_failed, 1);
	f.ack = c + 7; /* forged */
	run_tc(t, &f);
	st = tc_stats(t);
	CHECK_EQ(st.bad_cookie, 1);
out:
	TEST_END();
	listen_tc_bpf__destroy(t);
	listen_bpf__destroy(s);
	if (fd >= 0)
		close(fd);
}

/* --addr fd00:77:1::/112 beside 10.9.0.0/28: IPv6 SYNs into the block
 * answered from their address, beside it passed. */
static void test_prefix(struct listen_bpf *s)
{
	static const char *const blk[] = { "10.9.0.0/28", "fd00:77:1::/112" };
	static const struct {
		uint8_t dst[16];
		int ret;
	} rows[] = {
		{ { 0xfd, 0, 0, 0x77, 0, 1, [14] = 0, [15] = 0 }, XDP_TX },
		{ { 0xfd, 0, 0, 0x77, 0, 1, [14] = 0xff, [15] = 0xff },
		  XDP_TX },
		{ { 0xfd, 0, 0, 0x77, 0, 1, [13] = 1 }, XDP_PASS },
		{ { 0xfd, 0, 0, 0x77, 0, 2, [15] = 5 }, XDP_PASS },
		{ { 0xfd, [15] = 2 }, XDP_PASS }, /* fd00::2, not listed */
	};
	struct xs_t6 f = seg(XS_TCP_SYN);
	int fd = bpf_map__fd(s->maps.xs_laddr);
	struct run r;
	size_t i;

	TEST_BEGIN("listen6 --addr fd00:77:1::/112: the block answered only");
	CHECK_EQ(laddr_set(fd, blk, 2), 0);
	f.tcp_opt = 20;
	f.tcp_optv = syn_opts;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		f.daddr = rows[i].dst;
		run(s, &f, &r);
		CHECK(r.ret == rows[i].ret, "row %zu: verdict %d, want %d", i,
		      r.ret, rows[i].ret);
		if (r.ret == XDP_TX)
			CHECK(!memcmp(r.out + 14 + 8, rows[i].dst, 16),
			      "row %zu: SYN-ACK from the SYN's address", i);
	}
	CHECK_EQ(laddr_set(fd, srv_addrs, 2), 0);
	TEST_END();
}

int main(void)
{
	struct listen_bpf *s = open_listener(NULL, false, PORT);

	if (!s) {
		printf("FAIL: listen6: load: %s\n", strerror(errno));
		return 1;
	}
	test_syn(s);
	test_ack(s);
	test_data_fin(s);
	test_table(s);
	test_invariant(s);
	test_prefix(s);
	listen_bpf__destroy(s);
	test_banner();
	test_protect();
	return TEST_EXIT();
}
