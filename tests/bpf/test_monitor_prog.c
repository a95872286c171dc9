// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The monitor's TC programs under BPF_PROG_TEST_RUN: a table of hand-built
 * frames run through both programs, once per filter setting (no filter,
 * --port, --host, both, a short snap length).  For each run: the verdict is
 * always TC_ACT_UNSPEC, the frame comes out unchanged, a ring buffer event
 * appears exactly when the frame is a TCP segment that matches, with the
 * right direction, lengths and bytes, and the counters say why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpshake.h"
#include "addr.h"
#include "packet.h"
#include "monitor.skel.h"
#include "testlib.h"
#include "mon_frames6.h"

#define TC_UNSPEC (-1)

#define IP_A "10.11.2.1"
#define IP_B "10.11.2.2"
#define IP_C "10.11.2.3"
#define IP6_A "fd00:11:2::1"
#define IP6_B "fd00:11:2::2"
#define IP6_C "fd00:11:2::3"

enum kind {
	K_TCP, /* a TCP segment, from spec */
	K_UDP, /* the same frame with protocol 17 */
	K_IPV6, /* ethertype 0x86dd */
	K_ARP, /* ethertype 0x0806 */
	K_FRAG, /* MF set */
	K_DOFF_PAST_END, /* doff 15 in a 54-byte frame */
	K_IHL_SMALL, /* ihl 4 */
	K_ICMP, /* the TCP frame quoted by an ICMP 3/13 from IP_C to src */
	K_ICMP_ECHO, /* the same with type 8: not an error */
	/* IPv6 (mon_frames6.h), addresses IP6_* */
	K6_TCP, /* a TCP segment */
	K6_HBH, /* behind a hop-by-hop and a destination options header */
	K6_ICMP, /* quoted by an ICMPv6 1/1 from IP6_C to src */
	K6_PTB, /* quoted by an ICMPv6 packet too big */
	K6_ECHO, /* ICMPv6 echo request: not an error */
	K6_UDP, /* next header 17 */
	K6_FRAG, /* a fragment header before TCP */
	K6_EXT_LONG, /* five destination options headers: past the bound */
	K6_PLEN_SHORT, /* payload length 10: shorter than the TCP header */
	K6_VERSION4, /* version 4 in an IPv6 ethertype */
	K6_JUMBO, /* hop-by-hop first, payload length 0 (a jumbogram) */
	K6_LOOP, /* destination options naming itself again and again */
};

/* Frames shown (a TCP segment or an ICMP error quoting one). */
static bool shown_kind(enum kind k)
{
	return k == K_TCP || k == K_ICMP || k == K6_TCP || k == K6_HBH ||
	       k == K6_ICMP || k == K6_PTB;
}

struct frame_case {
	const char *name;
	enum kind kind;
	const char *src, *dst;
	uint16_t sport, dport;
	size_t payload;
	bool opts;
};

static const struct frame_case frames[] = {
	{ "syn_a_to_b_80", K_TCP, IP_A, IP_B, 40000, 80, 0, true },
	{ "synack_b80_to_a", K_TCP, IP_B, IP_A, 80, 40000, 0, true },
	{ "a_to_c_443", K_TCP, IP_A, IP_C, 40001, 443, 0, false },
	{ "c_to_b_22", K_TCP, IP_C, IP_B, 22, 50000, 0, false },
	{ "data_a_to_b_80_300", K_TCP, IP_A, IP_B, 40000, 80, 300, false },
	{ "icmp_quoting_a_to_b_80", K_ICMP, IP_A, IP_B, 40000, 80, 0, false },
	{ "icmp_echo", K_ICMP_ECHO, IP_A, IP_B, 40000, 80, 0, false },
	{ "udp_a_to_b_80", K_UDP, IP_A, IP_B, 40000, 80, 0, false },
	{ "ipv6", K_IPV6, IP_A, IP_B, 40000, 80, 0, false },
	{ "arp", K_ARP, IP_A, IP_B, 40000, 80, 0, false },
	{ "fragment", K_FRAG, IP_A, IP_B, 40000, 80, 0, false },
	{ "doff_past_end", K_DOFF_PAST_END, IP_A, IP_B, 40000, 80, 0, false },
	{ "ihl_4", K_IHL_SMALL, IP_A, IP_B, 40000, 80, 0, false },
	/* V6: the first IPv6 frame */
	{ "v6_syn_a_to_b_80", K6_TCP, IP6_A, IP6_B, 40000, 80, 0, true },
	{ "v6_synack_b80_to_a", K6_TCP, IP6_B, IP6_A, 80, 40000, 0, true },
	{ "v6_a_to_c_443", K6_TCP, IP6_A, IP6_C, 40001, 443, 0, false },
	{ "v6_hbh_a_to_b_80", K6_HBH, IP6_A, IP6_B, 40000, 80, 0, false },
	{ "v6_data_a_to_b_80_300", K6_TCP, IP6_A, IP6_B, 40000, 80, 300,
	  false },
	{ "v6_icmp6_quoting_a_to_b_80", K6_ICMP, IP6_A, IP6_B, 40000, 80, 0,
	  false },
	{ "v6_ptb_quoting_a_to_b_80", K6_PTB, IP6_A, IP6_B, 40000, 80, 0,
	  false },
	{ "v6_icmp6_echo", K6_ECHO, IP6_A, IP6_B, 40000, 80, 0, false },
	{ "v6_udp", K6_UDP, IP6_A, IP6_B, 40000, 80, 0, false },
	{ "v6_fragment", K6_FRAG, IP6_A, IP6_B, 40000, 80, 0, false },
	{ "v6_ext_past_bound", K6_EXT_LONG, IP6_A, IP6_B, 40000, 80, 0, false },
	{ "v6_plen_short", K6_PLEN_SHORT, IP6_A, IP6_B, 40000, 80, 0, false },
	{ "v6_version4", K6_VERSION4, IP6_A, IP6_B, 40000, 80, 0, false },
	{ "v6_jumbogram", K6_JUMBO, IP6_A, IP6_B, 40000, 80, 0, false },
	{ "v6_next_header_loop", K6_LOOP, IP6_A, IP6_B, 40000, 80, 0, false },
};

/* Index of the first IPv6 frame, for the match tables. */
#define V6 13

#define NFRAMES (sizeof(frames) / sizeof(frames[0]))

struct filter_case {
	const char *name;
	uint16_t port;
	const char *host;
	uint32_t snaplen;
	/* Which TCP frames (by index in frames[]) match. */
	bool match[NFRAMES];
};

static const struct filter_case filters[] = {
	/* The ICMP error (index 5) matches by its quote: A -> B:80, though
	 * IP_C sent it. */
	/* An IPv4 host matches no IPv6 frame, an IPv6 host no IPv4 one. */
	{ "none",
	  0,
	  NULL,
	  XS_MON_SNAP_DEFAULT,
	  { 1, 1, 1, 1, 1, 1, [V6] = 1, 1, 1, 1, 1, 1, 1 } },
	{ "port80",
	  80,
	  NULL,
	  XS_MON_SNAP_DEFAULT,
	  { 1, 1, 0, 0, 1, 1, [V6] = 1, 1, 0, 1, 1, 1, 1 } },
	{ "host_b", 0, IP_B, XS_MON_SNAP_DEFAULT, { 1, 1, 0, 1, 1, 1 } },
	{ "host_c", 0, IP_C, XS_MON_SNAP_DEFAULT, { 0, 0, 1, 1, 0, 0 } },
	{ "port22_host_c", 22, IP_C, XS_MON_SNAP_DEFAULT, { 0, 0, 0, 1, 0 } },
	{ "port443_host_b", 443, IP_B, XS_MON_SNAP_DEFAULT, { 0 } },
	{ "snap64",
	  0,
	  NULL,
	  64,
	  { 1, 1, 1, 1, 1, 1, [V6] = 1, 1, 1, 1, 1, 1, 1 } },
	{ "snapmax",
	  0,
	  NULL,
	  XS_MON_SNAP_MAX,
	  { 1, 1, 1, 1, 1, 1, [V6] = 1, 1, 1, 1, 1, 1, 1 } },
	/* The ICMPv6 errors match by their quote: A -> B:80. */
	{ "host6_b",
	  0,
	  IP6_B,
	  XS_MON_SNAP_DEFAULT,
	  { [V6] = 1, 1, 0, 1, 1, 1, 1 } },
	{ "host6_c",
	  0,
	  IP6_C,
	  XS_MON_SNAP_DEFAULT,
	  { [V6] = 0, 0, 1, 0, 0, 0, 0 } },
	{ "port443_host6_c",
	  443,
	  IP6_C,
	  XS_MON_SNAP_DEFAULT,
	  { [V6] = 0, 0, 1, 0, 0, 0, 0 } },
	{ "port80_host6_c", 80, IP6_C, XS_MON_SNAP_DEFAULT, { 0 } },
	/* Same low 32 bits as IP_B's mapped form would not do: a whole
	 * 128-bit compare (fd00:11:2::2 vs fd00:11:2::1:2). */
	{ "host6_near_b", 0, "fd00:11:2::1:2", XS_MON_SNAP_DEFAULT, { 0 } },
};

struct events {
	struct xs_mon_event ev[4];
	size_t n;
	size_t bad_size;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct events *e = ctx;

	if (size != sizeof(struct xs_mon_event)) {
		e->bad_size++;
		return 0;
	}
	if (e->n < sizeof(e->ev) / sizeof(e->ev[0]))
		memcpy(&e->ev[e->n], data, size);
	e->n++;
	return 0;
}

/*
 * The TCP frame in buf (n bytes) as the quote of an ICMP error of type
 * from IP_C to its source: its IPv4 header and 8 bytes of TCP.
 */
static size_t wrap_icmp(uint8_t *buf, size_t n, uint8_t type)
{
	uint8_t quote[28], *ip = buf + 14, *icmp = ip + 20;
	uint32_t c = inet_addr(IP_C);

	memcpy(quote, ip, sizeof(quote));
	memcpy(ip + 16, quote + 12, 4); /* to the segment's source */
	memcpy(ip + 12, &c, 4);
	ip[9] = 1;
	ip[2] = 0;
	ip[3] = 20 + 8 + sizeof(quote);
	ip[10] = ip[11] = 0;
	memset(icmp, 0, 8);
	icmp[0] = type;
	icmp[1] = type == 3 ? 13 : 0;
	memcpy(icmp + 8, quote, sizeof(quote));
	(void)n;
	return 14 + 20 + 8 + sizeof(quote);
}

/* An IPv6 frame of kind fc->kind (K6_*). */
static size_t build6(const struct frame_case *fc, uint8_t *buf, size_t cap)
{
	static const uint8_t opts[20] = { 2, 4, 0x05, 0xa0, 4, 2, 8, 10, 0, 0,
					  0, 1, 0,    0,    0, 0, 1, 3,	 3, 7 };
	static const uint8_t hbh[2] = { 0, 60 }, frag[1] = { 44 };
	static const uint8_t longx[5] = { 60, 60, 60, 60, 60 };
	struct xs_f6 f = { .src = fc->src,
			   .dst = fc->dst,
			   .sport = fc->sport,
			   .dport = fc->dport,
			   .seq = 1000,
			   .window = 29200,
			   .payload = fc->payload };
	uint8_t q[600];
	size_t n;

	f.ack = fc->sport == 80 ? 2001 : 0;
	f.flags = fc->sport == 80 ? XS_TCP_SYN | XS_TCP_ACK :
		  fc->payload	  ? XS_TCP_ACK | XS_TCP_PSH :
				    XS_TCP_SYN;
	if (fc->opts) {
		f.opts = opts;
		f.optlen = sizeof(opts);
	}
	switch (fc->kind) {
	case K6_JUMBO:
	case K6_HBH:
		f.ext = hbh;
		f.next = sizeof(hbh);
		break;
	case K6_FRAG:
		/* Its 8 bytes as a fragment header would have them. */
		f.ext = frag;
		f.next = 1;
		break;
	case K6_LOOP:
	case K6_EXT_LONG:
		f.ext = longx;
		f.next = sizeof(longx);
		break;
	case K6_UDP:
		f.proto = 17;
		break;
	case K6_ICMP:
	case K6_PTB:
	case K6_ECHO:
		n = xs_f6_build(q, sizeof(q), &f);
		return xs_f6_icmp(buf, cap, q, 40 + 20,
				  fc->kind == K6_ICMP ? 1 :
				  fc->kind == K6_PTB  ? 2 :
							128,
				  fc->kind == K6_ICMP ? 1 : 0,
				  fc->kind == K6_PTB ? 1280 : 0, IP6_C);
	default:
		break;
	}
	n = xs_f6_build(buf, cap, &f);
	if (fc->kind == K6_PLEN_SHORT) {
		buf[14 + 4] = 0;
		buf[14 + 5] = 10;
	} else if (fc->kind == K6_VERSION4) {
		buf[14] = 0x45;
	} else if (fc->kind == K6_JUMBO) {
		buf[14 + 4] = buf[14 + 5] = 0;
	} else if (fc->kind == K6_LOOP) {
		/* every header's next header: destination options */
		buf[14 + 40 + 8 * 4] = 60;
	}
	return n;
}

/* Bytes the monitor must capture whatever the snap length. */
static size_t hdr_bytes(const struct frame_case *fc, size_t n)
{
	size_t tcp = fc->opts ? 40 : 20;

	switch (fc->kind) {
	case K_ICMP:
		return n;
	case K6_TCP:
		return 14 + 40 + tcp;
	case K6_HBH:
		return 14 + 40 + 16 + tcp;
	case K6_ICMP:
	case K6_PTB:
		/* ICMPv6 header, quoted IPv6 header, 8 bytes of TCP */
		return 14 + 40 + 8 + 40 + 8;
	default:
		return 14 + 20 + tcp;
	}
}

static size_t build(const struct frame_case *fc, uint8_t *buf, size_t cap)
{
	static uint8_t payload[512];
	struct xs_frame_spec s = {};
	size_t n;

	if (fc->kind >= K6_TCP)
		return build6(fc, buf, cap);
	memset(payload, 'x', sizeof(payload));
	memcpy(s.src_mac, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(s.dst_mac, "\x02\x00\x00\x00\x00\x02", 6);
	s.saddr = xs_addr_v4(inet_addr(fc->src));
	s.daddr = xs_addr_v4(inet_addr(fc->dst));
	s.sport = fc->sport;
	s.dport = fc->dport;
	s.seq = 1000;
	s.ack = fc->sport == 80 ? 2001 : 0;
	s.flags = fc->sport == 80 ? XS_TCP_SYN | XS_TCP_ACK :
		  fc->payload	  ? XS_TCP_ACK | XS_TCP_PSH :
				    XS_TCP_SYN;
	s.window = 29200;
	s.ttl = 64;
	s.df = true;
	if (fc->opts) {
		s.opts.has_mss = true;
		s.opts.mss = 1460;
		s.opts.sack_ok = true;
		s.opts.has_ts = true;
		s.opts.ts_val = 1;
		s.opts.has_wscale = true;
		s.opts.wscale = 7;
	}
	s.payload = payload;
	s.payload_len = fc->payload;
	n = xs_build_tcp_frame(buf, cap, &s);
	switch (fc->kind) {
	case K_UDP:
		buf[14 + 9] = 17;
		break;
	case K_IPV6:
		buf[12] = 0x86;
		buf[13] = 0xdd;
		break;
	case K_ARP:
		buf[12] = 0x08;
		buf[13] = 0x06;
		break;
	case K_FRAG:
		buf[14 + 6] = 0x20; /* MF, offset 0 */
		break;
	case K_DOFF_PAST_END:
		buf[14 + 20 + 12] = 0xf0;
		break;
	case K_IHL_SMALL:
		buf[14] = 0x44;
		break;
	case K_ICMP:
		n = wrap_icmp(buf, n, 3);
		break;
	case K_ICMP_ECHO:
		n = wrap_icmp(buf, n, 8);
		break;
	default:
		break;
	}
	return n;
}

static int read_stats(int fd, struct xs_mon_stats *st)
{
	int ncpu = libbpf_num_possible_cpus(), i, j;
	struct xs_mon_stats *pc;
	__u32 key = 0;

	pc = calloc(ncpu, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, pc)) {
		free(pc);
		return -errno;
	}
	memset(st, 0, sizeof(*st));
	for (i = 0; i < ncpu; i++)
		for (j = 0; j < XS_MON_STAT_MAX; j++)
			((__u64 *)st)[j] += ((__u64 *)&pc[i])[j];
	free(pc);
	return 0;
}

static void run_filter(const struct filter_case *fl)
{
	struct xs_mon_stats want = {}, got;
	struct ring_buffer *rb = NULL;
	struct monitor_bpf *skel;
	struct events ev;
	char name[128];
	size_t i, n, expect_cap, hdr;
	uint8_t in[600], out[600];
	int dir, prog_fd, err;

	snprintf(name, sizeof(name), "monitor_load_%s", fl->name);
	TEST_BEGIN(name);
	skel = monitor_bpf__open();
	CHECK(skel != NULL, "open: %s", strerror(errno));
	if (!skel) {
		TEST_END();
		return;
	}
	skel->rodata->mon_port = fl->port;
	if (fl->host) {
		struct xs_addr h;
		const char *why;

		CHECK(!xs_addr_parse(fl->host, &h, &why), "%s", fl->host);
		memcpy(skel->rodata->mon_host, h.b, sizeof(h.b));
		skel->rodata->mon_host_set = 1;
	}
	skel->rodata->mon_snaplen = fl->snaplen;
	err = monitor_bpf__load(skel);
	CHECK(!err, "load: %s", strerror(-err));
	if (!err) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.xs_mon_rb),
				      on_event, &ev, NULL);
		CHECK(rb != NULL, "ring_buffer__new");
	}
	TEST_END();
	if (!rb)
		goto out;

	for (i = 0; i < NFRAMES; i++) {
		const struct frame_case *fc = &frames[i];
		bool shown = shown_kind(fc->kind);
		bool match = shown && fl->match[i];

		n = build(fc, in, sizeof(in));
		for (dir = 0; dir < 2; dir++) {
			LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = in,
				    .data_size_in = n, .data_out = out,
				    .data_size_out = sizeof(out));

			snprintf(name, sizeof(name), "monitor_%s_%s_%s",
				 fl->name, fc->name,
				 dir ? "egress" : "ingress");
			TEST_BEGIN(name);
			prog_fd = bpf_program__fd(
				dir ? skel->progs.xs_mon_egress :
				      skel->progs.xs_mon_ingress);
			memset(&ev, 0, sizeof(ev));
			err = bpf_prog_test_run_opts(prog_fd, &topts);
			CHECK(!err, "test run: %s", strerror(errno));
			CHECK_EQ((int)topts.retval, TC_UNSPEC);
			CHECK_EQ(topts.data_size_out, n);
			CHECK(!memcmp(in, out, n), "frame changed");
			ring_buffer__consume(rb);
			CHECK_EQ(ev.bad_size, 0);
			CHECK_EQ(ev.n, match ? 1 : 0);

			want.seen++;
			if (fc->kind == K6_EXT_LONG || fc->kind == K6_LOOP)
				want.ip6_ext_limit++;
			else if (!shown)
				want.not_tcp++;
			else if (!match)
				want.filtered++;
			else
				want.events++;

			if (match && ev.n == 1) {
				const struct xs_mon_event *e = &ev.ev[0];

				hdr = hdr_bytes(fc, n);
				expect_cap = fl->snaplen > hdr ? fl->snaplen :
								 hdr;
				if (expect_cap > n)
					expect_cap = n;
				CHECK_EQ(e->dir,
					 dir ? XS_MON_EGRESS : XS_MON_INGRESS);
				CHECK_EQ(e->len, n);
				CHECK_EQ(e->caplen, expect_cap);
				CHECK(!memcmp(e->data, in, e->caplen),
				      "captured bytes differ from the frame");
				CHECK(e->ts_ns > 0, "timestamp set");
				CHECK(e->ifindex > 0, "ifindex set");
			}
			TEST_END();
		}
	}

	snprintf(name, sizeof(name), "monitor_%s_counters", fl->name);
	TEST_BEGIN(name);
	err = read_stats(bpf_map__fd(skel->maps.xs_mon_stats), &got);
	CHECK(!err, "reading counters: %s", strerror(-err));
	CHECK_EQ(got.seen, want.seen);
	CHECK_EQ(got.not_tcp, want.not_tcp);
	CHECK_EQ(got.filtered, want.filtered);
	CHECK_EQ(got.events, want.events);
	CHECK_EQ(got.ringbuf_full, 0);
	CHECK_EQ(got.copy_failed, 0);
	CHECK_EQ(got.ip6_ext_limit, want.ip6_ext_limit);
	CHECK_EQ(got.seen, got.not_tcp + got.filtered + got.events +
				   got.ringbuf_full + got.copy_failed +
				   got.ip6_ext_limit);
	TEST_END();
out:
	ring_buffer__free(rb);
	monitor_bpf__destroy(skel);
}

/*
 * A full ring buffer: frames keep their verdict, and every one that found
 * no room is counted in ringbuf_full, never silently lost.
 */
static void test_ringbuf_full(void)
{
	const struct frame_case *fc = &frames[0];
	struct monitor_bpf *skel;
	struct xs_mon_stats got;
	uint8_t in[600];
	size_t n, i, runs;
	int err;

	TEST_BEGIN("monitor_ringbuf_full_counted");
	skel = monitor_bpf__open_and_load();
	CHECK(skel != NULL, "open_and_load: %s", strerror(errno));
	if (!skel) {
		TEST_END();
		return;
	}
	n = build(fc, in, sizeof(in));
	/* Nobody consumes: more runs than the ring can hold events. */
	runs = XS_MON_RB_SIZE / sizeof(struct xs_mon_event) + 100;
	for (i = 0; i < runs; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = in,
			    .data_size_in = n);

		err = bpf_prog_test_run_opts(
			bpf_program__fd(skel->progs.xs_mon_ingress), &topts);
		if (err || (int)topts.retval != TC_UNSPEC) {
			CHECK(0, "run %zu: err %d retval %d", i, err,
			      (int)topts.retval);
			break;
		}
	}
	err = read_stats(bpf_map__fd(skel->maps.xs_mon_stats), &got);
	CHECK(!err, "reading counters");
	CHECK_EQ(got.seen, runs);
	CHECK(got.ringbuf_full >= 100, "ringbuf_full %llu, want >= 100",
	      (unsigned long long)got.ringbuf_full);
	CHECK_EQ(got.events + got.ringbuf_full, runs);
	monitor_bpf__destroy(skel);
	TEST_END();
}

/*
 * The two paths where xdpshake runs: xs_mon_redirect (XDP, tail-called
 * for a frame the filter redirects) and xs_mon_afxdp_tx (a frame sent
 * through AF_XDP) take IPv6 frames as the TC programs do: the SYN-ACK and
 * the SYN shown with their path, headers whole; a chain past the bound
 * counted, not shown; the XDP verdict always the caller's redirect.
 */
static void test_paths6(void)
{
	const struct frame_case *syn = &frames[V6], *synack = &frames[V6 + 1];
	const struct frame_case *longx = &frames[V6 + 10];
	struct monitor_bpf *skel;
	struct ring_buffer *rb = NULL;
	struct xs_mon_stats got;
	struct events ev = {};
	uint8_t in[600];
	size_t n;
	int err;

	TEST_BEGIN("monitor_v6_xdp_redirect_and_afxdp_tx_paths");
	CHECK(longx->kind == K6_EXT_LONG && synack->kind == K6_TCP,
	      "frame table moved");
	skel = monitor_bpf__open();
	CHECK(skel != NULL, "open");
	if (!skel) {
		TEST_END();
		return;
	}
	skel->rodata->mon_snaplen = 64;
	skel->rodata->mon_ifindex = 7;
	err = monitor_bpf__load(skel);
	CHECK(!err, "load: %s", strerror(-err));
	if (!err)
		rb = ring_buffer__new(bpf_map__fd(skel->maps.xs_mon_rb),
				      on_event, &ev, NULL);
	if (rb) {
		LIBBPF_OPTS(bpf_test_run_opts, x1, .data_in = in);
		LIBBPF_OPTS(bpf_test_run_opts, x2, .data_in = in);
		LIBBPF_OPTS(bpf_test_run_opts, t1, .data_in = in);

		n = build(synack, in, sizeof(in));
		x1.data_size_in = n;
		CHECK(!bpf_prog_test_run_opts(
			      bpf_program__fd(skel->progs.xs_mon_redirect),
			      &x1),
		      "xdp run");
		CHECK_EQ(x1.retval, XDP_REDIRECT);
		n = build(syn, in, sizeof(in));
		t1.data_size_in = n;
		CHECK(!bpf_prog_test_run_opts(
			      bpf_program__fd(skel->progs.xs_mon_afxdp_tx),
			      &t1),
		      "tx run");
		n = build(longx, in, sizeof(in));
		x2.data_size_in = n;
		CHECK(!bpf_prog_test_run_opts(
			      bpf_program__fd(skel->progs.xs_mon_redirect),
			      &x2),
		      "xdp run");
		CHECK_EQ(x2.retval, XDP_REDIRECT);
		ring_buffer__consume(rb);
		CHECK_EQ(ev.n, 2);
		CHECK_EQ(ev.ev[0].path, XS_MON_PATH_XDP_REDIRECT);
		CHECK_EQ(ev.ev[0].dir, XS_MON_INGRESS);
		CHECK_EQ(ev.ev[0].caplen, 14 + 40 + 40);
		CHECK_EQ(ev.ev[1].path, XS_MON_PATH_AFXDP_TX);
		CHECK_EQ(ev.ev[1].dir, XS_MON_EGRESS);
		CHECK_EQ(ev.ev[1].ifindex, 7);
		CHECK_EQ(ev.ev[1].caplen, 14 + 40 + 40);
		CHECK(!memcmp(ev.ev[0].data + 14 + 8,
			      "\xfd\x00\x00\x11\x00\x02", 6),
		      "source address of the SYN-ACK");
		err = read_stats(bpf_map__fd(skel->maps.xs_mon_stats), &got);
		CHECK(!err, "counters");
		CHECK_EQ(got.seen, 3);
		CHECK_EQ(got.events, 2);
		CHECK_EQ(got.ip6_ext_limit, 1);
	}
	ring_buffer__free(rb);
	monitor_bpf__destroy(skel);
	TEST_END();
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		run_filter(&filters[i]);
	test_ringbuf_full();
	test_paths6();
	return TEST_EXIT();
}
