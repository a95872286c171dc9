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
#include "packet.h"
#include "monitor.skel.h"
#include "testlib.h"

#define TC_UNSPEC (-1)

#define IP_A "10.11.2.1"
#define IP_B "10.11.2.2"
#define IP_C "10.11.2.3"

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
};

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
};

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
	{ "none", 0, NULL, XS_MON_SNAP_DEFAULT, { 1, 1, 1, 1, 1, 1 } },
	{ "port80", 80, NULL, XS_MON_SNAP_DEFAULT, { 1, 1, 0, 0, 1, 1 } },
	{ "host_b", 0, IP_B, XS_MON_SNAP_DEFAULT, { 1, 1, 0, 1, 1, 1 } },
	{ "host_c", 0, IP_C, XS_MON_SNAP_DEFAULT, { 0, 0, 1, 1, 0, 0 } },
	{ "port22_host_c", 22, IP_C, XS_MON_SNAP_DEFAULT, { 0, 0, 0, 1, 0 } },
	{ "port443_host_b", 443, IP_B, XS_MON_SNAP_DEFAULT, { 0 } },
	{ "snap64", 0, NULL, 64, { 1, 1, 1, 1, 1, 1 } },
	{ "snapmax", 0, NULL, XS_MON_SNAP_MAX, { 1, 1, 1, 1, 1, 1 } },
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

static size_t build(const struct frame_case *fc, uint8_t *buf, size_t cap)
{
	static uint8_t payload[512];
	struct xs_frame_spec s = {};
	size_t n;

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
	skel->rodata->mon_host = fl->host ? inet_addr(fl->host) : 0;
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
		bool shown = fc->kind == K_TCP || fc->kind == K_ICMP;
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
			if (!shown)
				want.not_tcp++;
			else if (!match)
				want.filtered++;
			else
				want.events++;

			if (match && ev.n == 1) {
				const struct xs_mon_event *e = &ev.ev[0];

				hdr = fc->kind == K_ICMP ?
					      n :
					      14 + 20 + (fc->opts ? 40 : 20);
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
	CHECK_EQ(got.seen, got.not_tcp + got.filtered + got.events +
				   got.ringbuf_full + got.copy_failed);
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

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		run_filter(&filters[i]);
	test_ringbuf_full();
	return TEST_EXIT();
}
