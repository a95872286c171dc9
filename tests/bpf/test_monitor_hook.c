// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The monitor hook under BPF_PROG_TEST_RUN: xdpshake's XDP filter and a
 * monitor's programs, loaded from their objects, and user/sys/montap.c between
 * them.
 *
 * The filter must hand a monitor exactly the frames it redirects, once,
 * and only while a monitor is plugged in (program in xs_mon_prog and
 * tx_prog set in xs_mon_tap) and the monitor's filters match; its verdict
 * and its own counters must not change.  Senders' frames reach the
 * monitor's ring through xs_montap_frame() with dir egress, path
 * AFXDP_TX, in the order they happen.  Plugging in is exclusive while the
 * owner lives, taken over once it is gone, and a monitor found on the
 * interface's tcx hook is plugged in by a sender that opens the hook.
 *
 * Like test_bpf_progs: an own network namespace, lo up, an AF_XDP socket
 * on lo queue 0 in the filter's XSKMAP so that redirects succeed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpshake.h"
#include "loader.h"
#include "montap.h"
#include "packet.h"
#include "xsk.h"
#include "monitor.skel.h"
#include "xdp_filter.skel.h"
#include "testlib.h"

#define OUR_IP "10.11.3.2"
#define PEER_IP "10.11.3.1"
#define PORT_LO 40000
#define PORT_HI 40999
#define MON_PORT 80 /* the monitors' --port, when they have one */
#define BPF_TCX_INGRESS_ 46

struct events {
	struct xs_mon_event ev[8];
	size_t n;
	size_t bad_size;
};

/* One monitor: its object, ring and ids. */
struct mon {
	struct monitor_bpf *skel;
	struct ring_buffer *rb;
	struct events got;
	struct xs_montap_mon ids;
};

static struct xdp_filter_bpf *xdp;
static struct xs_montap_hook hook;
static int lo_ifindex;

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

/* Events that arrived since the last call. */
static size_t drain(struct mon *m)
{
	memset(&m->got, 0, sizeof(m->got));
	ring_buffer__consume(m->rb);
	return m->got.n;
}

static int lo_up(void)
{
	struct ifreq ifr = {};
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* SYN-ACK (or flags) from PEER_IP:sport to OUR_IP:dport. */
static size_t reply(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport,
		    uint8_t flags)
{
	struct xs_frame_spec s = {};

	memcpy(s.src_mac, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(s.dst_mac, "\x02\x00\x00\x00\x00\x02", 6);
	s.saddr = xs_addr_v4(inet_addr(PEER_IP));
	s.daddr = xs_addr_v4(inet_addr(OUR_IP));
	s.sport = sport;
	s.dport = dport;
	s.seq = 5000;
	s.ack = 1001;
	s.flags = flags;
	s.window = 29200;
	s.ttl = 64;
	s.df = true;
	s.opts.has_mss = true;
	s.opts.mss = 1460;
	return xs_build_tcp_frame(buf, cap, &s);
}

/* Our SYN to PEER_IP:dport, as a sender would put it on the TX ring. */
static size_t syn(uint8_t *buf, size_t cap, uint16_t dport)
{
	struct xs_frame_spec s = {};

	memcpy(s.src_mac, "\x02\x00\x00\x00\x00\x02", 6);
	memcpy(s.dst_mac, "\x02\x00\x00\x00\x00\x01", 6);
	s.saddr = xs_addr_v4(inet_addr(OUR_IP));
	s.daddr = xs_addr_v4(inet_addr(PEER_IP));
	s.sport = PORT_LO;
	s.dport = dport;
	s.seq = 1000;
	s.flags = XS_TCP_SYN;
	s.window = 29200;
	s.ttl = 64;
	s.df = true;
	return xs_build_tcp_frame(buf, cap, &s);
}

static int mon_stats(const struct mon *m, struct xs_mon_stats *st)
{
	int ncpu = libbpf_num_possible_cpus(), i, j;
	struct xs_mon_stats *pc;
	__u32 key = 0;

	pc = calloc(ncpu, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(m->skel->maps.xs_mon_stats), &key,
				pc)) {
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

static int mon_load(struct mon *m, uint16_t port)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->skel = monitor_bpf__open();
	if (!m->skel)
		return -errno;
	m->skel->rodata->mon_port = port;
	m->skel->rodata->mon_ifindex = lo_ifindex;
	err = monitor_bpf__load(m->skel);
	if (err)
		return err;
	m->rb = ring_buffer__new(bpf_map__fd(m->skel->maps.xs_mon_rb), on_event,
				 &m->got, NULL);
	if (!m->rb)
		return -errno;
	return xs_montap_publish(
		bpf_map__fd(m->skel->maps.xs_mon_info),
		bpf_program__fd(m->skel->progs.xs_mon_ingress),
		bpf_program__fd(m->skel->progs.xs_mon_redirect),
		bpf_program__fd(m->skel->progs.xs_mon_afxdp_tx),
		bpf_program__fd(m->skel->progs.xs_mon_xdp_tx),
		bpf_program__fd(m->skel->progs.xs_mon_xdp_in), &m->ids);
}

static void mon_free(struct mon *m)
{
	ring_buffer__free(m->rb);
	monitor_bpf__destroy(m->skel);
	memset(m, 0, sizeof(*m));
}

/*
 * One frame through xs_xdp_filter: the verdict, the frame unchanged, the
 * filter's counters moved by exactly one frame and one verdict counter,
 * and want_events events in m's ring (path XDP_REDIRECT, ingress, the
 * frame's bytes).
 */
static void xdp_case(const char *name, struct mon *m, const uint8_t *frame,
		     size_t len, int want, enum xs_stat stat,
		     size_t want_events)
{
	struct xs_stats before, after;
	__u64 *b = (__u64 *)&before, *a = (__u64 *)&after;
	uint8_t out[512];
	const struct xs_mon_event *e;
	int err, i;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out));

	TEST_BEGIN(name);
	if (m)
		drain(m);
	xs_read_stats(bpf_map__fd(xdp->maps.xs_stats), &before);
	err = bpf_prog_test_run_opts(bpf_program__fd(xdp->progs.xs_xdp_filter),
				     &opts);
	CHECK(!err, "test run: %s", strerror(errno));
	CHECK_EQ(opts.retval, want);
	CHECK(opts.data_size_out == len && !memcmp(out, frame, len),
	      "frame changed");
	xs_read_stats(bpf_map__fd(xdp->maps.xs_stats), &after);
	for (i = 0; i < XS_STAT_MAX; i++)
		CHECK(a[i] - b[i] == (__u64)((i == XS_STAT_RX_FRAMES) +
					     (i == (int)stat)),
		      "%s moved by %llu", xs_stat_name(i),
		      (unsigned long long)(a[i] - b[i]));
	if (m) {
		CHECK_EQ(drain(m), want_events);
		CHECK_EQ(m->got.bad_size, 0);
		e = &m->got.ev[0];
		if (want_events == 1 && m->got.n == 1) {
			CHECK_EQ(e->path, XS_MON_PATH_XDP_REDIRECT);
			CHECK_EQ(e->dir, XS_MON_INGRESS);
			CHECK_EQ(e->len, len);
			CHECK_EQ(e->caplen, len);
			CHECK_EQ(e->ifindex, lo_ifindex);
			CHECK(!memcmp(e->data, frame, len), "bytes differ");
		}
	}
	TEST_END();
}

static void test_xdp_path(struct mon *a)
{
	struct xs_mon_stats st0, st1;
	uint8_t f[256], rst[256], other[256], pass[256], bad[256];
	size_t n, n_rst, n_other, n_pass, n_bad;
	__u32 busy = 0, key = 0, tx;
	int err;

	n = reply(f, sizeof(f), MON_PORT, PORT_LO, XS_TCP_SYN | XS_TCP_ACK);
	n_rst = reply(rst, sizeof(rst), MON_PORT, PORT_LO,
		      XS_TCP_RST | XS_TCP_ACK);
	n_other = reply(other, sizeof(other), 443, PORT_LO + 1,
			XS_TCP_SYN | XS_TCP_ACK);
	n_pass = reply(pass, sizeof(pass), MON_PORT, PORT_HI + 1,
		       XS_TCP_SYN | XS_TCP_ACK);
	n_bad = reply(bad, sizeof(bad), MON_PORT, PORT_LO,
		      XS_TCP_SYN | XS_TCP_RST);

	xdp_case("hook: nobody plugged in, SYN-ACK redirected, no event", a, f,
		 n, XDP_REDIRECT, XS_STAT_RX_SYNACK, 0);

	TEST_BEGIN("hook: plug monitor in");
	err = xs_montap_plug(&hook, &a->ids, &busy);
	CHECK(!err, "plug: %s", strerror(-err));
	CHECK_EQ(hook.tap->owner, a->ids.owner);
	CHECK_EQ(hook.tap->tx_prog, a->ids.tx_prog);
	CHECK(!bpf_map_lookup_elem(hook.prog_fd, &key, &tx) &&
		      tx == a->ids.redirect_prog,
	      "xs_mon_prog holds the monitor's XDP program");
	CHECK_EQ(xs_montap_plug(&hook, &a->ids, &busy), 0);
	TEST_END();

	mon_stats(a, &st0);
	xdp_case("hook: plugged, SYN-ACK to the monitor's port -> one event", a,
		 f, n, XDP_REDIRECT, XS_STAT_RX_SYNACK, 1);
	xdp_case("hook: plugged, RST+ACK -> one event", a, rst, n_rst,
		 XDP_REDIRECT, XS_STAT_RX_RST, 1);
	xdp_case(
		"hook: plugged, monitor's --port filter does not match -> no event",
		a, other, n_other, XDP_REDIRECT, XS_STAT_RX_SYNACK, 0);
	xdp_case(
		"hook: plugged, passed to the kernel -> no event (TC shows it)",
		a, pass, n_pass, XDP_PASS, XS_STAT_RX_PASS, 0);
	xdp_case("hook: plugged, dropped as malformed -> no event", a, bad,
		 n_bad, XDP_DROP, XS_STAT_RX_MALFORMED, 0);
	TEST_BEGIN("hook: the monitor counted what it was handed");
	mon_stats(a, &st1);
	CHECK_EQ(st1.seen - st0.seen, 3);
	CHECK_EQ(st1.events - st0.events, 2);
	CHECK_EQ(st1.filtered - st0.filtered, 1);
	TEST_END();

	/* Half plugged, either way: nothing reaches the ring. */
	__atomic_store_n(&hook.tap->tx_prog, 0, __ATOMIC_RELEASE);
	xdp_case("hook: program in the slot, tx_prog 0 -> no event", a, f, n,
		 XDP_REDIRECT, XS_STAT_RX_SYNACK, 0);
	__atomic_store_n(&hook.tap->tx_prog, a->ids.tx_prog, __ATOMIC_RELEASE);
	bpf_map_delete_elem(hook.prog_fd, &key);
	xdp_case(
		"hook: tx_prog set, empty slot -> tail call falls through, no event",
		a, f, n, XDP_REDIRECT, XS_STAT_RX_SYNACK, 0);
	TEST_BEGIN("hook: plug again repairs the slot");
	CHECK_EQ(xs_montap_plug(&hook, &a->ids, &busy), 0);
	TEST_END();
	xdp_case("hook: plugged again -> one event", a, f, n, XDP_REDIRECT,
		 XS_STAT_RX_SYNACK, 1);

	xs_montap_unplug(&hook, a->ids.owner + 1);
	xdp_case("hook: unplug by someone else is ignored -> one event", a, f,
		 n, XDP_REDIRECT, XS_STAT_RX_SYNACK, 1);
	xs_montap_unplug(&hook, a->ids.owner);
	TEST_BEGIN("hook: unplugged by its owner, the hook is empty");
	CHECK_EQ(hook.tap->owner, 0);
	CHECK_EQ(hook.tap->tx_prog, 0);
	CHECK(bpf_map_lookup_elem(hook.prog_fd, &key, &tx) && errno == ENOENT,
	      "xs_mon_prog still holds a program");
	TEST_END();
	xdp_case("hook: unplugged -> no event", a, f, n, XDP_REDIRECT,
		 XS_STAT_RX_SYNACK, 0);
}

/* A second monitor: busy while the first lives, in once it is gone. */
static void test_exclusive(struct mon *a, struct mon *b)
{
	uint8_t f[256];
	size_t n = reply(f, sizeof(f), 443, PORT_LO, XS_TCP_SYN | XS_TCP_ACK);
	__u32 busy = 0;

	TEST_BEGIN("hook: second monitor refused while the first lives");
	CHECK_EQ(xs_montap_plug(&hook, &a->ids, &busy), 0);
	CHECK_EQ(xs_montap_plug(&hook, &b->ids, &busy), -EBUSY);
	CHECK_EQ(busy, a->ids.owner);
	CHECK(xs_montap_alive(a->ids.owner), "first monitor alive");
	TEST_END();

	/* Killed without unplugging: its ingress program goes. */
	mon_free(a);
	TEST_BEGIN("hook: second monitor takes a dead monitor's place");
	CHECK(!xs_montap_alive(hook.tap->owner), "first monitor gone");
	CHECK_EQ(xs_montap_plug(&hook, &b->ids, &busy), 0);
	CHECK_EQ(hook.tap->owner, b->ids.owner);
	TEST_END();
	/* No --port on the second: everything redirected is shown. */
	xdp_case("hook: second monitor gets the redirected frames", b, f, n,
		 XDP_REDIRECT, XS_STAT_RX_SYNACK, 1);
}

/*
 * The senders' side, with the filter attached to lo so that montap finds
 * it there: frames reach the ring with path AFXDP_TX, in order with the
 * redirects; nothing is run with nobody plugged in; a monitor gone is
 * noticed and tx_prog cleared.
 */
static void test_sender(struct mon *b)
{
	struct xs_mon_stats st0, st1;
	struct xs_montap *t = NULL;
	struct mon c;
	uint8_t s[256], r[256];
	size_t ns = syn(s, sizeof(s), 443);
	size_t nr = reply(r, sizeof(r), 443, PORT_LO, XS_TCP_SYN | XS_TCP_ACK);
	int err, link = -1;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = r, .data_size_in = nr);

	TEST_BEGIN("sender: tap opened on the interface's xdpshake program");
	err = xs_montap_open(lo_ifindex, &t);
	CHECK(!err && t, "xs_montap_open: %s", strerror(-err));
	TEST_END();
	if (!t)
		return;

	TEST_BEGIN("sender: SYN, SYN-ACK, ACK reach the ring in order");
	drain(b);
	xs_montap_frame(t, s, ns);
	bpf_prog_test_run_opts(bpf_program__fd(xdp->progs.xs_xdp_filter),
			       &opts);
	xs_montap_frame(t, s, ns);
	CHECK_EQ(drain(b), 3);
	CHECK_EQ(b->got.ev[0].path, XS_MON_PATH_AFXDP_TX);
	CHECK_EQ(b->got.ev[0].dir, XS_MON_EGRESS);
	CHECK_EQ(b->got.ev[0].ifindex, lo_ifindex);
	CHECK_EQ(b->got.ev[0].len, ns);
	CHECK(!memcmp(b->got.ev[0].data, s, ns), "SYN bytes differ");
	CHECK_EQ(b->got.ev[1].path, XS_MON_PATH_XDP_REDIRECT);
	CHECK_EQ(b->got.ev[2].path, XS_MON_PATH_AFXDP_TX);
	CHECK(b->got.ev[0].ts_ns <= b->got.ev[1].ts_ns &&
		      b->got.ev[1].ts_ns <= b->got.ev[2].ts_ns,
	      "timestamps in order");
	TEST_END();

	TEST_BEGIN("sender: with nobody plugged in nothing is run");
	xs_montap_unplug(&hook, b->ids.owner);
	mon_stats(b, &st0);
	xs_montap_frame(t, s, ns);
	mon_stats(b, &st1);
	CHECK_EQ(st1.seen, st0.seen);
	CHECK_EQ(drain(b), 0);
	TEST_END();

	TEST_BEGIN("sender: a dead monitor is noticed, tx_prog cleared");
	CHECK_EQ(xs_montap_plug(&hook, &b->ids, NULL), 0);
	xs_montap_frame(t, s, ns);
	CHECK_EQ(drain(b), 1);
	mon_free(b);
	/* Senders look at the owner once a second. */
	usleep(1100 * 1000);
	xs_montap_frame(t, s, ns);
	CHECK_EQ(hook.tap->tx_prog, 0);
	TEST_END();
	xs_montap_close(t);
	t = NULL;

	/* A monitor on lo's tcx ingress hook, not plugged in yet. */
	TEST_BEGIN("sender: opening the tap plugs in a monitor found on tcx");
	err = mon_load(&c, 0);
	CHECK(!err, "monitor load: %s", strerror(-err));
	if (!err) {
		link = bpf_link_create(
			bpf_program__fd(c.skel->progs.xs_mon_ingress),
			lo_ifindex, BPF_TCX_INGRESS_, NULL);
		CHECK(link >= 0, "tcx attach: %s", strerror(errno));
	}
	err = xs_montap_open(lo_ifindex, &t);
	CHECK(!err, "xs_montap_open: %s", strerror(-err));
	CHECK_EQ(hook.tap->owner, c.ids.owner);
	CHECK_EQ(hook.tap->tx_prog, c.ids.tx_prog);
	drain(&c);
	xs_montap_frame(t, s, ns);
	CHECK_EQ(drain(&c), 1);
	TEST_END();

	TEST_BEGIN("watch: the plugged-in monitor finds itself plugged in");
	{
		struct xs_montap_watch w;

		xs_montap_watch_init(&w, lo_ifindex, &c.ids);
		CHECK(xs_montap_watch_update(&w), "state changed");
		CHECK_EQ(w.state, XS_MONTAP_PLUGGED);
		CHECK_EQ(w.xdp_prog, hook.xdp_prog);
		CHECK(!xs_montap_watch_update(&w), "no change");
		xs_montap_watch_stop(&w);
		CHECK_EQ(hook.tap->owner, 0);
		CHECK_EQ(hook.tap->tx_prog, 0);
	}
	TEST_END();
	xs_montap_close(t);
	if (link >= 0)
		close(link);
	mon_free(&c);
}

int main(void)
{
	struct xs_config cfg = { .port_lo = PORT_LO, .port_hi = PORT_HI };
	struct xs_xsk_opts xo = { .queue = 0, .nframes = 64, .force_copy = 1 };
	struct xs_xsk *sock = NULL;
	struct mon a = {}, b = {};
	struct bpf_link *xlink = NULL;
	int err;

	TEST_BEGIN("setup: own network namespace with lo up");
	err = unshare(CLONE_NEWNET) ? -errno : lo_up();
	if (err && geteuid())
		TEST_SKIP("needs root (a network namespace of its own)");
	else
		CHECK(!err, "%s", strerror(-err));
	TEST_END();
	if (err)
		return TEST_EXIT();
	lo_ifindex = if_nametoindex("lo");

	TEST_BEGIN(
		"setup: filter loaded and attached to lo, socket on queue 0");
	xdp = xdp_filter_bpf__open_and_load();
	CHECK(xdp != NULL, "load xdp_filter: %s", strerror(errno));
	if (xdp) {
		cfg.src_ip = inet_addr(OUR_IP);
		err = xs_write_cfg(bpf_map__fd(xdp->maps.xs_cfg), &cfg);
		CHECK(!err, "cfg: %s", strerror(-err));
		xo.ifindex = lo_ifindex;
		err = xs_xsk_open(&xo, &sock);
		CHECK(!err, "AF_XDP socket on lo: %s", strerror(-err));
		if (!err)
			err = xs_xsk_update_map(sock,
						bpf_map__fd(xdp->maps.xs_xsks));
		CHECK(!err, "xskmap: %s", strerror(-err));
		xlink = bpf_program__attach_xdp(xdp->progs.xs_xdp_filter,
						lo_ifindex);
		CHECK(xlink != NULL, "attach to lo: %s", strerror(errno));
		err = xs_montap_hook_open(lo_ifindex, &hook);
		CHECK(!err, "hook on lo: %s", strerror(-err));
	}
	err = err ? err : mon_load(&a, MON_PORT);
	CHECK(!err, "monitor a: %s", strerror(-err));
	err = err ? err : mon_load(&b, 0);
	CHECK(!err, "monitor b: %s", strerror(-err));
	TEST_END();
	if (!err) {
		test_xdp_path(&a);
		test_exclusive(&a, &b);
		test_sender(&b);
	}
	xs_montap_hook_close(&hook);
	bpf_link__destroy(xlink);
	xs_xsk_close(sock);
	mon_free(&a);
	mon_free(&b);
	xdp_filter_bpf__destroy(xdp);
	return TEST_EXIT();
}
