/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Tests for user/sys/xsk.c on a real AF_XDP socket.
 *
 * The network is private: the process unshares two anonymous network
 * namespaces, A (where it stays, with the AF_XDP socket on xsa) and B (the
 * peer, xsb, reached with setns() for an AF_PACKET socket), joined by a veth
 * pair.  Nothing is named or registered, so the namespaces, the veth pair
 * and the XDP links vanish with the process on every exit path, SIGKILL
 * included, and the host's interfaces are never touched.
 *
 * Queue counts are explicit.  veth defaults to one queue per CPU, and the
 * peer's TX queue (picked by flow hash) becomes our RX queue: a socket on
 * queue 0 would miss some flows.  xsb has one TX queue, so everything
 * arrives on xsa's RX queue 0.  xsa has two RX queues but one TX queue: a
 * socket bound to queue 1 can queue TX frames that the kernel never sends
 * (copy-mode TX skips queues the device does not have), a deterministic
 * "TX is stuck" to test -EAGAIN.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/types.h>
#include <net/if.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "testlib.h"
#include "xdpshake.h"
#include "xsk.h"
#include "xdp_filter.skel.h"

#define IF_A "xsa"
#define IF_B "xsb"
#define IP_A "10.77.0.1"
#define IP_B "10.77.0.2"
/* IEEE "local experimental" EtherType: no protocol stack consumes it. */
#define ETH_P_XS_TEST 0x88b5
#define MAGIC "XSKT"
#define MAX_FRAME 1514
#define WAIT_MS 2000

static const uint8_t mac_a[6] = { 0x02, 0x78, 0x73, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x78, 0x73, 0x00, 0x00, 0x0b };

static int ns_a = -1, ns_b = -1;
static int ifindex_a, ifindex_b;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	return rc ? -1 : 0;
}

static int enter(int ns)
{
	return setns(ns, CLONE_NEWNET) ? -errno : 0;
}

/* No IPv6 chatter (router solicitations, MLD) among our test frames. */
static void quiet_ipv6(void)
{
	static const char *const knobs[] = {
		"/proc/sys/net/ipv6/conf/all/disable_ipv6",
		"/proc/sys/net/ipv6/conf/default/disable_ipv6",
	};
	unsigned int i;
	int fd;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		fd = open(knobs[i], O_WRONLY);
		if (fd < 0)
			continue;
		if (write(fd, "1", 1) != 1)
			fprintf(stderr, "cannot write %s\n", knobs[i]);
		close(fd);
	}
}

static int new_netns(int *fd)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	/* Not O_CLOEXEC: `ip` finds namespace B through /proc/PID/fd. */
	*fd = open("/proc/self/ns/net", O_RDONLY);
	if (*fd < 0)
		return -errno;
	quiet_ipv6();
	return 0;
}

static int setup_net(void)
{
	int err;

	err = new_netns(&ns_b);
	if (err)
		return err;
	err = new_netns(&ns_a);
	if (err)
		return err;
	if (sh("ip link add " IF_A " numtxqueues 1 numrxqueues 2 address "
	       "02:78:73:00:00:0a type veth peer name " IF_B " numtxqueues 1 "
	       "numrxqueues 1 address 02:78:73:00:00:0b netns /proc/%d/fd/%d",
	       (int)getpid(), ns_b) ||
	    sh("ip link set lo up && ip link set " IF_A " up && "
	       "ip addr add " IP_A "/24 dev " IF_A))
		return -EIO;
	ifindex_a = if_nametoindex(IF_A);
	err = enter(ns_b);
	if (err)
		return err;
	if (sh("ip link set lo up && ip link set " IF_B " up && "
	       "ip addr add " IP_B "/24 dev " IF_B))
		return -EIO;
	ifindex_b = if_nametoindex(IF_B);
	err = enter(ns_a);
	if (err)
		return err;
	return ifindex_a > 0 && ifindex_b > 0 ? 0 : -ENODEV;
}

/* A raw socket on the peer's end, created in namespace B. */
static int peer_socket(void)
{
	struct sockaddr_ll sll = { 0 };
	struct timeval tv = { 0, 200000 };
	int fd, err;

	if (enter(ns_b))
		return -1;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	err = enter(ns_a);
	if (fd < 0 || err)
		goto fail;
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex_b;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		goto fail;
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

static int peer_send(int fd, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll sll = { 0 };

	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex_b;
	sll.sll_halen = ETH_ALEN;
	memcpy(sll.sll_addr, mac_a, ETH_ALEN);
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) !=
	    (ssize_t)len)
		return -1;
	return 0;
}

/* Next frame that arrived at the peer (not one it sent), or -1. */
static int peer_recv(int fd, uint8_t *buf, size_t cap, long long deadline)
{
	struct sockaddr_ll from;
	socklen_t flen;
	ssize_t n;

	while (now_ms() < deadline) {
		flen = sizeof(from);
		n = recvfrom(fd, buf, cap, 0, (struct sockaddr *)&from, &flen);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -1;
		if (from.sll_pkttype != PACKET_OUTGOING)
			return (int)n;
	}
	return -1;
}

/* rx_packets of ifname in namespace ns, or -1. */
static long long link_rx_packets(int ns, const char *ifname)
{
	struct ifaddrs *ifa, *i;
	long long v = -1;

	if (enter(ns))
		return -1;
	if (!getifaddrs(&ifa)) {
		for (i = ifa; i; i = i->ifa_next)
			if (i->ifa_addr &&
			    i->ifa_addr->sa_family == AF_PACKET &&
			    i->ifa_data && !strcmp(i->ifa_name, ifname))
				v = ((struct rtnl_link_stats *)i->ifa_data)
					    ->rx_packets;
		freeifaddrs(ifa);
	}
	if (enter(ns_a))
		return -1;
	return v;
}

/* Ethernet frame of our test EtherType: magic, index, then a pattern. */
static size_t test_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src,
			 uint32_t idx, size_t len)
{
	size_t i;

	memcpy(buf, dst, ETH_ALEN);
	memcpy(buf + 6, src, ETH_ALEN);
	buf[12] = ETH_P_XS_TEST >> 8;
	buf[13] = ETH_P_XS_TEST & 0xff;
	memcpy(buf + 14, MAGIC, 4);
	memcpy(buf + 18, &idx, 4);
	for (i = 22; i < len; i++)
		buf[i] = (uint8_t)(idx * 7 + i);
	return len;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* A SYN-ACK from B:80 to A:dport with valid checksums: 54 bytes. */
static size_t synack_frame(uint8_t *f, uint16_t dport)
{
	uint8_t *ip = f + 14, *tcp = f + 34, pseudo[12];
	uint32_t s;

	memset(f, 0, 54);
	memcpy(f, mac_a, ETH_ALEN);
	memcpy(f + 6, mac_b, ETH_ALEN);
	put16(f + 12, ETH_P_IP);
	ip[0] = 0x45;
	put16(ip + 2, 40);
	put16(ip + 4, 0x1234);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	inet_pton(AF_INET, IP_B, ip + 12);
	inet_pton(AF_INET, IP_A, ip + 16);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	put16(tcp, 80);
	put16(tcp + 2, dport);
	put32(tcp + 4, 0x11223344);
	put32(tcp + 8, 0xa0b0c0d1);
	tcp[12] = 5 << 4;
	tcp[13] = XS_TCP_SYN | XS_TCP_ACK;
	put16(tcp + 14, 65535);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, 20);
	s = csum_add(csum_add(0, pseudo, 12), tcp, 20);
	put16(tcp + 16, csum_fold(s));
	return 54;
}

/* What xs_xsk_poll() delivered. */
struct rx_log {
	unsigned int n;
	size_t len[64];
	uint8_t data[64][MAX_FRAME];
};

static struct rx_log rxlog;

static void rx_collect(void *ctx, const uint8_t *frame, size_t len)
{
	struct rx_log *log = ctx;

	if (log->n >= 64 || len > MAX_FRAME)
		return;
	memcpy(log->data[log->n], frame, len);
	log->len[log->n++] = len;
}

/* Poll until want frames arrived or WAIT_MS passed. */
static unsigned int rx_wait(struct xs_xsk *x, unsigned int want)
{
	long long deadline = now_ms() + WAIT_MS;

	while (rxlog.n < want && now_ms() < deadline) {
		if (xs_xsk_poll(x, rx_collect, &rxlog, 64) <= 0)
			sleep_ms(1);
	}
	return rxlog.n;
}

/* The invariant of xsk.h: every frame is accounted for exactly once. */
static int frames_sum_ok(const struct xs_xsk *x, struct xs_xsk_frames *f)
{
	xs_xsk_frames(x, f);
	return f->free + f->fill + f->tx == f->total;
}

/* Poll until every TX frame completed, or WAIT_MS passed. */
static void tx_drain(struct xs_xsk *x)
{
	long long deadline = now_ms() + WAIT_MS;
	struct xs_xsk_frames f;

	for (xs_xsk_frames(x, &f); f.tx && now_ms() < deadline;
	     xs_xsk_frames(x, &f)) {
		xs_xsk_poll(x, NULL, NULL, 64);
		sleep_ms(1);
	}
}

static int open_xsk(unsigned int queue, unsigned int nframes, struct xs_xsk **x)
{
	struct xs_xsk_opts o = {
		.ifindex = ifindex_a,
		.queue = queue,
		.nframes = nframes,
		.frame_size = 4096, /* the cases below are sized for it */
		.force_copy = 1, /* veth has no zero-copy */
	};

	return xs_xsk_open(&o, x);
}

static void test_open_errors(void)
{
	struct xs_xsk_opts o = { .ifindex = ifindex_a, .force_copy = 1 };
	struct xs_xsk *x = NULL;

	TEST_BEGIN("xsk_open_rejects_bad_options");
	o.nframes = 100;
	CHECK_EQ(xs_xsk_open(&o, &x), -EINVAL);
	o.nframes = 64;
	o.frame_size = 1000;
	CHECK_EQ(xs_xsk_open(&o, &x), -EINVAL);
	o.frame_size = 0;
	o.ifindex = 0;
	CHECK_EQ(xs_xsk_open(&o, &x), -EINVAL);
	o.ifindex = 9999;
	CHECK_EQ(xs_xsk_open(&o, &x), -ENODEV);
	/* Fails at bind, after the UMEM exists: the half-open unwind. */
	o.ifindex = ifindex_a;
	o.queue = 7;
	CHECK(xs_xsk_open(&o, &x) < 0, "queue 7 of 2 opened");
	CHECK(x == NULL, "*out set on failure");
	xs_xsk_close(NULL);
	TEST_END();
}

/* The kernel frees a closed socket's queue late; open waits for it. */
static void test_reopen(void)
{
	struct xs_xsk *x = NULL;
	int i, err = 0;

	TEST_BEGIN("xsk_reopen_same_queue_at_once");
	for (i = 0; i < 3 && !err; i++) {
		x = NULL;
		err = open_xsk(0, 64, &x);
		xs_xsk_close(x);
	}
	CHECK_EQ(err, 0);
	TEST_END();
}

static void test_tx(void)
{
	static uint8_t frame[MAX_FRAME], got[MAX_FRAME + 64];
	const unsigned int n = 64;
	struct xs_xsk_frames f;
	struct xs_xsk *x = NULL;
	unsigned int i, tries, bad = 0, recvd = 0;
	size_t len;
	int fd, err, r;

	TEST_BEGIN("xsk_tx_frames_reach_peer");
	fd = peer_socket();
	CHECK(fd >= 0, "peer socket: %s", strerror(errno));
	err = open_xsk(0, 0, &x);
	CHECK_EQ(err, 0);
	if (fd < 0 || err)
		goto out;
	CHECK_EQ(xs_xsk_zerocopy(x), 0);
	CHECK(xs_xsk_fd(x) >= 0, "no fd");
	xs_xsk_frames(x, &f);
	CHECK(f.total == 4096 && f.fill == 2048 && f.free == 2048 && f.tx == 0,
	      "after open: total %u free %u fill %u tx %u", f.total, f.free,
	      f.fill, f.tx);
	for (i = 0; i < n; i++) {
		/* Lengths from the 60-byte minimum to a full 1514. */
		len = test_frame(frame, mac_b, mac_a, i,
				 60 + i * 1454 / (n - 1));
		for (tries = 0; tries < 1000; tries++) {
			err = xs_xsk_send(x, frame, len);
			if (err != -EAGAIN)
				break;
			xs_xsk_poll(x, NULL, NULL, 64);
		}
		CHECK(err == 0, "send %u: %d", i, err);
		if (!frames_sum_ok(x, &f))
			bad++;
	}
	CHECK_EQ(bad, 0);
	/* veth keeps order: the peer sees exactly our bytes, in sequence. */
	for (i = 0; i < n; i++) {
		len = test_frame(frame, mac_b, mac_a, i,
				 60 + i * 1454 / (n - 1));
		r = peer_recv(fd, got, sizeof(got), now_ms() + WAIT_MS);
		if (r < 0)
			break;
		if ((size_t)r != len || memcmp(got, frame, len))
			CHECK(0, "frame %u: got %d bytes, want %zu, or differs",
			      i, r, len);
		recvd++;
	}
	CHECK_EQ(recvd, n);
	tx_drain(x);
	CHECK(frames_sum_ok(x, &f), "sum broken");
	CHECK(f.tx == 0 && f.free == 2048 && f.fill == 2048,
	      "after drain: free %u fill %u tx %u", f.free, f.fill, f.tx);
out:
	xs_xsk_close(x);
	if (fd >= 0)
		close(fd);
	TEST_END();
}

/* Queue 1 has no TX queue behind it: frames stay queued, nothing completes. */
static void test_tx_full(void)
{
	static uint8_t frame[4200];
	struct xs_xsk_frames f;
	struct xs_xsk *x = NULL;
	unsigned int i, sent = 0;
	int err = 0;

	TEST_BEGIN("xsk_tx_full_gives_eagain_and_sizes_checked");
	err = open_xsk(1, 64, &x);
	CHECK_EQ(err, 0);
	if (err)
		goto out;
	test_frame(frame, mac_b, mac_a, 0, sizeof(frame));
	CHECK_EQ(xs_xsk_send(x, frame, 4097), -EMSGSIZE);
	CHECK_EQ(xs_xsk_send(x, frame, 100000), -EMSGSIZE);
	CHECK_EQ(xs_xsk_send(x, frame, 4), -EINVAL);
	/* 32 frames are free for TX; ask for more and count what is taken. */
	for (i = 0; i < 40; i++) {
		err = xs_xsk_send(x, frame, 60);
		if (err)
			break;
		sent++;
	}
	CHECK_EQ(sent, 32);
	CHECK_EQ(err, -EAGAIN);
	/* Still -EAGAIN, not an error, after a poll found no completion. */
	CHECK_EQ(xs_xsk_poll(x, NULL, NULL, 64), 0);
	CHECK_EQ(xs_xsk_send(x, frame, 60), -EAGAIN);
	CHECK(frames_sum_ok(x, &f), "sum broken");
	CHECK(f.total == 64 && f.free == 0 && f.fill == 32 && f.tx == 32,
	      "free %u fill %u tx %u", f.free, f.fill, f.tx);
	/* A full frame is fine; the size check is not off by one. */
	CHECK_EQ(xs_xsk_send(x, frame, 4096), -EAGAIN);
	xs_xsk_flush(x);
	xs_xsk_frames(x, &f);
	CHECK_EQ(f.tx, 32);
out:
	/* Closing with frames in flight must release everything. */
	xs_xsk_close(x);
	TEST_END();
}

struct tap_seen {
	unsigned int n;
	size_t len;
	uint8_t first[64];
};

static void tap_count(void *ctx, const void *frame, size_t len)
{
	struct tap_seen *t = ctx;

	if (!t->n)
		memcpy(t->first, frame,
		       len < sizeof(t->first) ? len : sizeof(t->first));
	t->n++;
	t->len = len;
}

/*
 * The TX tap (xs_xsk_set_tap(), for the monitor) sees each frame that goes
 * on the ring once, never one refused with -EAGAIN or a bad size, and
 * nothing once removed.  Queue 1 keeps everything queued, as above.
 */
static void test_tx_tap(void)
{
	static uint8_t frame[4200];
	struct tap_seen t = {};
	struct xs_xsk *x = NULL;
	unsigned int i, sent = 0;
	int err;

	TEST_BEGIN("xsk_tx_tap_sees_each_queued_frame_once");
	err = open_xsk(1, 64, &x);
	CHECK_EQ(err, 0);
	if (err)
		goto out;
	test_frame(frame, mac_b, mac_a, 7, sizeof(frame));
	xs_xsk_set_tap(x, tap_count, &t);
	CHECK_EQ(xs_xsk_send(x, frame, 4097), -EMSGSIZE);
	CHECK_EQ(xs_xsk_send(x, frame, 4), -EINVAL);
	CHECK_EQ(t.n, 0);
	for (i = 0; i < 40; i++) {
		err = i % 2 ? xs_xsk_send(x, frame, 60) :
			      xs_xsk_queue(x, frame, 60);
		if (!err)
			sent++;
	}
	CHECK_EQ(sent, 32);
	CHECK_EQ(t.n, 32);
	CHECK_EQ(t.len, 60);
	CHECK(!memcmp(t.first, frame, 60), "tap saw other bytes");
	xs_xsk_set_tap(x, NULL, NULL);
	CHECK_EQ(xs_xsk_send(x, frame, 60), -EAGAIN);
	CHECK_EQ(t.n, 32);
out:
	xs_xsk_close(x);
	TEST_END();
}

/* Many more frames than the rings hold, through a 64-frame UMEM. */
static void test_stress(void)
{
	static uint8_t frame[256];
	const unsigned int n = 3000;
	long long before, after, deadline = now_ms() + 5000;
	unsigned int i, eagain = 0, other = 0, bad = 0, sent = 0;
	struct xs_xsk_frames f;
	struct xs_xsk *x = NULL;
	int err;

	TEST_BEGIN("xsk_stress_no_frame_leaks");
	err = open_xsk(0, 64, &x);
	CHECK_EQ(err, 0);
	if (err)
		goto out;
	before = link_rx_packets(ns_b, IF_B);
	for (i = 0; sent < n && i < 20 * n && now_ms() < deadline; i++) {
		test_frame(frame, mac_b, mac_a, sent, 60 + sent % 190);
		err = xs_xsk_send(x, frame, 60 + sent % 190);
		if (!err)
			sent++;
		else if (err == -EAGAIN)
			eagain++;
		else
			other++;
		if (err == -EAGAIN || i % 16 == 0)
			xs_xsk_poll(x, NULL, NULL, 64);
		if (!frames_sum_ok(x, &f) || f.tx > 32)
			bad++;
	}
	CHECK_EQ(sent, n);
	CHECK_EQ(other, 0);
	CHECK_EQ(bad, 0);
	tx_drain(x);
	CHECK(frames_sum_ok(x, &f) && f.tx == 0 && f.free == 32 && f.fill == 32,
	      "after drain: free %u fill %u tx %u", f.free, f.fill, f.tx);
	after = link_rx_packets(ns_b, IF_B);
	CHECK(before >= 0 && after - before >= n,
	      "peer received %lld of %u frames", after - before, n);
	printf("# stress: %u frames, %u EAGAIN retries\n", sent, eagain);
out:
	xs_xsk_close(x);
	TEST_END();
}

/*
 * With the peer down, xsa has no carrier: the kernel drops each frame,
 * completes it at once and the kick fails with EBUSY.  That is "try later",
 * not an error, and the frames must still come back.
 */
static void test_tx_busy(void)
{
	static uint8_t frame[64];
	unsigned int i, ok = 0;
	struct xs_xsk_frames f;
	struct xs_xsk *x = NULL;
	int err;

	TEST_BEGIN("xsk_tx_kick_ebusy_is_retry");
	if (enter(ns_b) || sh("ip link set " IF_B " down") || enter(ns_a)) {
		CHECK(0, "cannot take " IF_B " down");
		goto out;
	}
	err = open_xsk(0, 64, &x);
	CHECK_EQ(err, 0);
	if (err)
		goto out;
	test_frame(frame, mac_b, mac_a, 0, sizeof(frame));
	for (i = 0; i < 100; i++) {
		err = xs_xsk_send(x, frame, sizeof(frame));
		if (err == -EAGAIN)
			xs_xsk_poll(x, NULL, NULL, 64);
		else if (!err)
			ok++;
		else
			CHECK(0, "send %u: %d", i, err);
	}
	CHECK(ok >= 32, "only %u of 100 sends taken", ok);
	tx_drain(x);
	CHECK(frames_sum_ok(x, &f) && f.tx == 0 && f.free == 32,
	      "free %u fill %u tx %u", f.free, f.fill, f.tx);
out:
	xs_xsk_close(x);
	if (enter(ns_b) || sh("ip link set " IF_B " up") || enter(ns_a))
		CHECK(0, "cannot bring " IF_B " back up");
	TEST_END();
}

/*
 * The smallest XDP program that feeds an AF_XDP socket:
 *	return bpf_redirect_map(&xskmap, ctx->rx_queue_index, XDP_PASS);
 */
static int load_redirect_prog(int xskmap_fd)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_LDX | BPF_MEM | BPF_W,
		  .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_1,
		  .off = offsetof(struct xdp_md, rx_queue_index) },
		{ .code = BPF_LD | BPF_DW | BPF_IMM,
		  .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = xskmap_fd },
		{ 0 }, /* second half of the 64-bit immediate */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K,
		  .dst_reg = BPF_REG_3,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect_map },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "xs_t_redirect", "Dual BSD/GPL",
			     insns, sizeof(insns) / sizeof(insns[0]), NULL);
}

/* XSKMAP, raw program and its XDP link on xsa; fds or -1. */
struct raw_xdp {
	int map, prog, link;
};

static int raw_xdp_attach(struct raw_xdp *r)
{
	r->prog = r->link = -1;
	r->map =
		bpf_map_create(BPF_MAP_TYPE_XSKMAP, "xs_t_xsks", 4, 4, 4, NULL);
	if (r->map < 0)
		return r->map;
	r->prog = load_redirect_prog(r->map);
	if (r->prog < 0)
		return r->prog;
	r->link = bpf_link_create(r->prog, ifindex_a, BPF_XDP, NULL);
	return r->link < 0 ? r->link : 0;
}

static void raw_xdp_detach(struct raw_xdp *r)
{
	if (r->link >= 0)
		close(r->link);
	if (r->prog >= 0)
		close(r->prog);
	if (r->map >= 0)
		close(r->map);
}

static void test_rx(const struct raw_xdp *r)
{
	static uint8_t frame[MAX_FRAME];
	const unsigned int n = 16;
	struct xs_xsk_frames f;
	struct xs_xsk *x = NULL;
	unsigned int i;
	size_t len;
	int fd, err;

	TEST_BEGIN("xsk_rx_delivers_exact_bytes");
	fd = peer_socket();
	CHECK(fd >= 0, "peer socket");
	err = open_xsk(0, 256, &x);
	CHECK_EQ(err, 0);
	if (fd < 0 || err)
		goto out;
	CHECK_EQ(xs_xsk_update_map(x, r->map), 0);
	memset(&rxlog, 0, sizeof(rxlog));
	for (i = 0; i < n; i++) {
		len = test_frame(frame, mac_a, mac_b, i, 60 + i * 90);
		CHECK(peer_send(fd, frame, len) == 0, "peer send %u", i);
	}
	CHECK_EQ(rx_wait(x, n), n);
	for (i = 0; i < n && i < rxlog.n; i++) {
		len = test_frame(frame, mac_a, mac_b, i, 60 + i * 90);
		CHECK(rxlog.len[i] == len && !memcmp(rxlog.data[i], frame, len),
		      "frame %u differs (%zu bytes, want %zu)", i, rxlog.len[i],
		      len);
	}
	/* Every received frame went back to the fill ring. */
	CHECK(frames_sum_ok(x, &f) && f.fill == 128 && f.free == 128,
	      "free %u fill %u tx %u", f.free, f.fill, f.tx);
out:
	xs_xsk_close(x);
	if (fd >= 0)
		close(fd);
	TEST_END();
}

/* 8 frames: 4 for RX.  Frames beyond them are dropped and counted. */
static void test_stats(const struct raw_xdp *r)
{
	static uint8_t frame[128];
	struct xdp_statistics st;
	long long deadline;
	struct xs_xsk *x = NULL;
	unsigned int i, n = 10;
	int fd, err;

	TEST_BEGIN("xsk_stats_count_drops");
	fd = peer_socket();
	err = open_xsk(0, 8, &x);
	CHECK(fd >= 0 && err == 0, "setup: fd %d err %d", fd, err);
	if (fd < 0 || err)
		goto out;
	CHECK_EQ(xs_xsk_update_map(x, r->map), 0);
	CHECK_EQ(xs_xsk_stats(x, &st), 0);
	CHECK(st.rx_dropped == 0 && st.rx_invalid_descs == 0 &&
		      st.tx_invalid_descs == 0,
	      "fresh socket has counts");
	for (i = 0; i < n; i++)
		peer_send(fd, frame, test_frame(frame, mac_a, mac_b, i, 60));
	/* Do not poll yet: the fill ring must run dry. */
	deadline = now_ms() + WAIT_MS;
	do {
		err = xs_xsk_stats(x, &st);
		if (err || st.rx_dropped >= n - 4)
			break;
		sleep_ms(5);
	} while (now_ms() < deadline);
	CHECK_EQ(err, 0);
	CHECK_EQ(st.rx_dropped, n - 4);
	memset(&rxlog, 0, sizeof(rxlog));
	CHECK_EQ(xs_xsk_poll(x, rx_collect, &rxlog, 64), 4);
	CHECK_EQ(xs_xsk_stats(NULL, &st), -EINVAL);
out:
	xs_xsk_close(x);
	if (fd >= 0)
		close(fd);
	TEST_END();
}

struct rx_count {
	unsigned int n;
	unsigned int bad; /* frames without our magic: a reused frame */
};

static void rx_count_cb(void *ctx, const uint8_t *frame, size_t len)
{
	struct rx_count *c = ctx;

	c->n++;
	if (len < 22 || memcmp(frame + 14, MAGIC, 4))
		c->bad++;
}

/*
 * Far more frames than the UMEM holds, arriving faster than we poll: the
 * kernel drops and counts what finds no fill frame or ring slot, every
 * frame we get is intact, and the allocator's sum holds at every step and
 * ends with all RX frames given back to the kernel.
 */
static void test_rx_pressure(const struct raw_xdp *r)
{
	static uint8_t frame[128];
	const unsigned int n = 4000;
	struct rx_count got = { 0 };
	struct xdp_statistics st;
	struct xs_xsk_frames f;
	struct xs_xsk *x = NULL;
	unsigned int i, broken = 0, idle = 0, sent = 0;
	long long deadline;
	int fd, err;

	TEST_BEGIN("xsk_rx_pressure_drops_counted_no_leak");
	fd = peer_socket();
	err = open_xsk(0, 64, &x);
	CHECK(fd >= 0 && err == 0, "setup: fd %d err %d", fd, err);
	if (fd < 0 || err)
		goto out;
	CHECK_EQ(xs_xsk_update_map(x, r->map), 0);
	for (i = 0; i < n; i++) {
		if (!peer_send(fd, frame,
			       test_frame(frame, mac_a, mac_b, i, 60)))
			sent++;
		/* Poll now and then, and only a little: the rings overflow. */
		if (i % 256 == 255) {
			xs_xsk_poll(x, rx_count_cb, &got, 16);
			if (!frames_sum_ok(x, &f))
				broken++;
		}
	}
	/* Take what is left until nothing more comes for 50 ms. */
	deadline = now_ms() + WAIT_MS;
	while (idle < 50 && now_ms() < deadline) {
		if (xs_xsk_poll(x, rx_count_cb, &got, 64) > 0) {
			idle = 0;
		} else {
			idle++;
			sleep_ms(1);
		}
		if (!frames_sum_ok(x, &f))
			broken++;
	}
	CHECK_EQ(xs_xsk_stats(x, &st), 0);
	CHECK_EQ(broken, 0);
	CHECK_EQ(got.bad, 0);
	CHECK(got.n > 0, "no frame received");
	CHECK(st.rx_dropped + st.rx_ring_full > 0,
	      "%u frames sent, %u received, no drop counted", sent, got.n);
	CHECK(got.n + st.rx_dropped + st.rx_ring_full <= sent,
	      "received %u + dropped %llu + ring full %llu > sent %u", got.n,
	      (unsigned long long)st.rx_dropped,
	      (unsigned long long)st.rx_ring_full, sent);
	CHECK(frames_sum_ok(x, &f) && f.fill == 32 && f.free == 32 && f.tx == 0,
	      "after the burst: free %u fill %u tx %u of %u", f.free, f.fill,
	      f.tx, f.total);
	printf("# rx pressure: %u sent, %u received, %llu dropped, %llu ring full\n",
	       sent, got.n, (unsigned long long)st.rx_dropped,
	       (unsigned long long)st.rx_ring_full);
out:
	xs_xsk_close(x);
	if (fd >= 0)
		close(fd);
	TEST_END();
}

static long long synack_count(int stats_fd)
{
	struct xs_stats *v;
	long long sum = 0;
	__u32 key = 0;
	int i, ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		return -1;
	v = calloc(ncpu, sizeof(*v));
	if (!v || bpf_map_lookup_elem(stats_fd, &key, v)) {
		free(v);
		return -1;
	}
	for (i = 0; i < ncpu; i++)
		sum += v[i].rx_synack;
	free(v);
	return sum;
}

/* The real XDP filter, from its skeleton, with our socket in its XSKMAP. */
static void test_rx_filter(void)
{
	struct xs_config cfg = { .port_lo = 40000, .port_hi = 40009 };
	static uint8_t ours[64], other[64];
	struct xdp_filter_bpf *skel;
	struct bpf_link *link = NULL;
	struct xs_xsk *x = NULL;
	int fd = -1, err;
	__u32 key = 0;
	size_t len;

	TEST_BEGIN("xsk_rx_through_xdp_filter");
	skel = xdp_filter_bpf__open_and_load();
	CHECK(skel != NULL, "xdp_filter: open and load: %s", strerror(errno));
	if (!skel)
		goto out;
	inet_pton(AF_INET, IP_A, &cfg.src_ip);
	CHECK_EQ(bpf_map__update_elem(skel->maps.xs_cfg, &key, sizeof(key),
				      &cfg, sizeof(cfg), BPF_ANY),
		 0);
	link = bpf_program__attach_xdp(skel->progs.xs_xdp_filter, ifindex_a);
	CHECK(link != NULL, "attach: %s", strerror(errno));
	fd = peer_socket();
	err = open_xsk(0, 256, &x);
	CHECK(fd >= 0 && err == 0, "setup: fd %d err %d", fd, err);
	if (!link || fd < 0 || err)
		goto out;
	CHECK_EQ(xs_xsk_update_map(x, bpf_map__fd(skel->maps.xs_xsks)), 0);
	memset(&rxlog, 0, sizeof(rxlog));
	/* Out of range first: the kernel gets it, the socket must not. */
	len = synack_frame(other, 50000);
	CHECK(peer_send(fd, other, len) == 0, "peer send");
	len = synack_frame(ours, 40001);
	CHECK(peer_send(fd, ours, len) == 0, "peer send");
	CHECK_EQ(rx_wait(x, 1), 1);
	/* Give a wrongly redirected second frame time to show up. */
	sleep_ms(50);
	xs_xsk_poll(x, rx_collect, &rxlog, 64);
	CHECK_EQ(rxlog.n, 1);
	CHECK(rxlog.len[0] == len && !memcmp(rxlog.data[0], ours, len),
	      "delivered frame differs from the SYN-ACK sent");
	CHECK_EQ(synack_count(bpf_map__fd(skel->maps.xs_stats)), 1);
out:
	xs_xsk_close(x);
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	xdp_filter_bpf__destroy(skel);
	TEST_END();
}

int main(void)
{
	struct raw_xdp raw = { -1, -1, -1 };
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	err = setup_net();
	if (err) {
		TEST_BEGIN("xsk_netns_setup");
		if (geteuid())
			TEST_SKIP("needs root (private netns + veth)");
		else
			CHECK(0, "private netns + veth: %s", strerror(-err));
		TEST_END();
		return TEST_EXIT();
	}
	test_open_errors();
	test_reopen();
	test_tx();
	test_tx_full();
	test_tx_tap();
	test_stress();
	test_tx_busy();

	err = raw_xdp_attach(&raw);
	if (err) {
		TEST_BEGIN("xsk_raw_xdp_attach");
		CHECK(0, "raw XDP program: %s", strerror(-err));
		TEST_END();
	} else {
		test_rx(&raw);
		test_stats(&raw);
		test_rx_pressure(&raw);
	}
	raw_xdp_detach(&raw);
	test_rx_filter();
	/* Namespaces, veth and XDP links go away with the process. */
	return TEST_EXIT();
}
