// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * blaster: the benchmark's ceiling.  The most frames per second this
 * machine pushes through AF_XDP on an interface, with nothing else to do:
 * one TX-only socket (libxdp's xsk_socket__create, no RX ring, no XDP
 * program) and one thread per queue, every UMEM frame a prebuilt SYN of
 * the scan's size (Linux's options with a timestamp, as `xdpshake scan`
 * sends them, built by user/core/packet.c), batches of 32 descriptors a
 * kick (copy mode's per-call budget, as the engine's).  No frame is
 * written after setup: the loop only posts descriptors, kicks and takes
 * completions back.
 *
 *   blaster -i IF --src IP --dst IP --dst-mac MAC --port N [--queues N]
 *           [--count N] [--duration S] [--batch N] [--copy] [--json]
 *
 * The SYNs go from --src to --dst, --dst + 1, ... (one address per UMEM
 * frame) on --port.  Sends --count frames in all (split over the queues)
 * or for --duration seconds, whichever ends first, then waits (at most
 * 1 s) for the last completions.  What counts is what the peer saw (the
 * bench's XDP sink); the blaster reports its own side: frames completed
 * and their rate from the first post to the last completion, kicks, kicks
 * that found the device busy, times the TX ring was full, and the
 * sockets' XDP_STATISTICS.  Exit status: 0 done, 1 usage, 2 setup.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "benchlib.h"
#include "ethtool.h"
#include "json.h"
#include "packet.h"
#include "parse.h"
#include "xdpshake.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define BL_FRAMES 4096U /* UMEM frames a socket, as xdpshake's */
#define BL_FRAME_SIZE 2048U
#define BL_RING (BL_FRAMES / 2) /* TX and completion ring slots */
#define BL_MAX_QUEUES XS_MAX_QUEUES
#define BL_DRAIN_NS 1000000000ULL

struct bl_opts {
	const char *ifname;
	uint32_t src, dst; /* network order */
	uint8_t src_mac[6], dst_mac[6];
	uint16_t port;
	unsigned int queues; /* 0: every active RX queue */
	unsigned long long count;
	double duration_s;
	unsigned int batch;
	bool copy, json;
};

struct bl_queue {
	/* Rings first in a calloc()ed object: libxdp leaves some cached
	 * indexes unset (see user/sys/xsk.c). */
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_prod tx;
	struct xsk_umem *umem;
	struct xsk_socket *sock;
	void *area;
	const struct bl_opts *o;
	unsigned int idx;
	uint32_t frame_len;
	unsigned long long quota, deadline_ns;
	unsigned long long posted, completed, kicks, kick_busy, ring_full;
	unsigned long long first_ns, last_ns;
	struct xdp_statistics st;
	int err;
	pthread_t th;
};

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: blaster -i IF --src IP --dst IP --dst-mac MAC --port N\n"
		"               [--queues N] [--count N] [--duration S] [--batch N]\n"
		"               [--copy] [--json]\n"
		"  -i IF           interface (this network namespace)\n"
		"  --src IP        source address of the SYNs\n"
		"  --dst IP        first destination (one more per UMEM frame)\n"
		"  --dst-mac MAC   the peer's MAC\n"
		"  --port N        destination port\n"
		"  --queues N      sockets, queues 0..N-1 (default: every RX queue)\n"
		"  --count N       frames in all (default 100000000)\n"
		"  --duration S    stop posting after S seconds (default 2)\n"
		"  --batch N       descriptors a kick (default 32, max %u)\n"
		"  --copy          bind in copy mode (XDP_COPY)\n"
		"  --json          one JSON object instead of text\n",
		BL_RING);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &end) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

static int if_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

/* One option; 0, or -1 for a bad value. */
static int parse_opt(int c, const char *arg, struct bl_opts *o, bool *mac)
{
	long v;

	switch (c) {
	case 'i':
		o->ifname = arg;
		return 0;
	case 's':
		return xs_parse_ipv4(arg, &o->src) ? -1 : 0;
	case 'd':
		return xs_parse_ipv4(arg, &o->dst) ? -1 : 0;
	case 'm':
		*mac = true;
		return parse_mac(arg, o->dst_mac) ? -1 : 0;
	case 'C':
		o->copy = true;
		return 0;
	case 'j':
		o->json = true;
		return 0;
	}
	if (!arg)
		return -1;
	switch (c) {
	case 'p':
		if (parse_num(arg, 1, 65535, &v))
			return -1;
		o->port = v;
		return 0;
	case 'q':
		if (parse_num(arg, 1, BL_MAX_QUEUES, &v))
			return -1;
		o->queues = v;
		return 0;
	case 'c':
		if (parse_num(arg, 1, UINT32_MAX, &v))
			return -1;
		o->count = v;
		return 0;
	case 't':
		if (parse_num(arg, 1, 600, &v))
			return -1;
		o->duration_s = v;
		return 0;
	case 'b':
		if (parse_num(arg, 1, BL_RING, &v))
			return -1;
		o->batch = v;
		return 0;
	}
	return -1;
}

static int parse_args(int argc, char **argv, struct bl_opts *o)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "queues", required_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },
		{ "copy", no_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool mac = false;
	int c;

	*o = (struct bl_opts){ .count = 100000000ULL,
			       .duration_s = 2,
			       .batch = 32 };
	while ((c = getopt_long(argc, argv, "i:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?' || parse_opt(c, optarg, o, &mac)) {
			if (c != '?')
				fprintf(stderr, "blaster: bad value: %s\n",
					optarg);
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !o->ifname || !o->src || !o->dst || !mac ||
	    !o->port) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Every UMEM frame a SYN to its own address, as the scan builds them. */
static uint32_t prebuild(struct bl_queue *q)
{
	const struct bl_opts *o = q->o;
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < BL_FRAMES; i++) {
		struct xs_frame_spec f = {
			.saddr = xs_addr_v4(o->src),
			.daddr = xs_addr_v4(htonl(ntohl(o->dst) + i)),
			.sport = 32768 + (q->idx * BL_FRAMES + i) % 28232,
			.dport = o->port,
			.seq = (q->idx * BL_FRAMES + i) * 2654435761U,
			.flags = XS_TCP_SYN,
			.window = 64240,
			.ttl = 64,
			.ip_id = i,
			.df = true,
			.opts = { .has_mss = true,
				  .mss = 1460,
				  .sack_ok = true,
				  .has_wscale = true,
				  .wscale = 7,
				  .has_ts = true,
				  .ts_val = i },
		};

		memcpy(f.src_mac, o->src_mac, 6);
		memcpy(f.dst_mac, o->dst_mac, 6);
		len = xs_build_tcp_frame((uint8_t *)q->area + i * BL_FRAME_SIZE,
					 BL_FRAME_SIZE, &f);
		if (!len)
			return 0;
	}
	return len;
}

static int queue_open(struct bl_queue *q)
{
	struct xsk_umem_config uc = {
		.fill_size = BL_RING,
		.comp_size = BL_RING,
		.frame_size = BL_FRAME_SIZE,
		.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM,
		.flags = XSK_UMEM__DEFAULT_FLAGS,
	};
	struct xsk_socket_config sc = {
		.tx_size = BL_RING,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	size_t len = (size_t)BL_FRAMES * BL_FRAME_SIZE;
	int err;

	if (q->o->copy)
		sc.bind_flags |= XDP_COPY;
	q->area = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	q->frame_len = prebuild(q);
	if (!q->frame_len)
		return -EINVAL;
	err = xsk_umem__create(&q->umem, q->area, len, &q->fill, &q->comp, &uc);
	if (err) {
		q->umem = NULL;
		return err;
	}
	/* TX only: no RX ring, so nothing is ever received here. */
	err = xsk_socket__create(&q->sock, q->o->ifname, q->idx, q->umem, NULL,
				 &q->tx, &sc);
	if (err)
		q->sock = NULL;
	return err;
}

static void queue_close(struct bl_queue *q)
{
	if (q->sock)
		xsk_socket__delete(q->sock);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, (size_t)BL_FRAMES * BL_FRAME_SIZE);
}

static void reap(struct bl_queue *q)
{
	__u32 idx, n;

	n = xsk_ring_cons__peek(&q->comp, BL_RING, &idx);
	if (!n)
		return;
	xsk_ring_cons__release(&q->comp, n);
	q->completed += n;
	q->last_ns = mono_ns();
}

/* In copy mode the sendto() is what sends (32 frames a call at most). */
static int kick(struct bl_queue *q)
{
	if (!xsk_ring_prod__needs_wakeup(&q->tx))
		return 0;
	q->kicks++;
	if (sendto(xsk_socket__fd(q->sock), NULL, 0, MSG_DONTWAIT, NULL, 0) >=
	    0)
		return 0;
	if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS ||
	    errno == EINTR) {
		q->kick_busy++;
		return 0;
	}
	return -errno;
}

/* Post up to one batch of descriptors; the frames are already there. */
static unsigned int post(struct bl_queue *q)
{
	unsigned long long room = BL_RING - (q->posted - q->completed);
	unsigned int n = q->o->batch, i;
	__u32 idx;

	if (n > q->quota - q->posted)
		n = q->quota - q->posted;
	if (n > room)
		n = room;
	if (!n || xsk_ring_prod__reserve(&q->tx, n, &idx) != n) {
		q->ring_full++;
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->tx, idx + i);

		/* At most BL_RING in flight over BL_FRAMES frames: a frame
		 * is never posted again before its completion. */
		d->addr = ((q->posted + i) % BL_FRAMES) * BL_FRAME_SIZE;
		d->len = q->frame_len;
		d->options = 0;
	}
	xsk_ring_prod__submit(&q->tx, n);
	q->posted += n;
	return n;
}

static void pin(unsigned int idx, unsigned int nq)
{
	cpu_set_t allowed, one;
	unsigned int cpu, nth = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) ||
	    (unsigned int)CPU_COUNT(&allowed) < nq)
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed) || nth++ != idx)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
		return;
	}
}

static void *queue_main(void *arg)
{
	struct bl_queue *q = arg;
	unsigned long long end;
	socklen_t sl = sizeof(q->st);

	q->first_ns = mono_ns();
	while (q->posted < q->quota && !q->err) {
		reap(q);
		post(q);
		q->err = kick(q);
		if (mono_ns() >= q->deadline_ns)
			break;
	}
	end = mono_ns() + BL_DRAIN_NS;
	while (q->completed < q->posted && !q->err && mono_ns() < end) {
		q->err = kick(q);
		reap(q);
	}
	if (getsockopt(xsk_socket__fd(q->sock), SOL_XDP, XDP_STATISTICS, &q->st,
		       &sl))
		memset(&q->st, 0, sizeof(q->st));
	return NULL;
}

static void *queue_thread(void *arg)
{
	struct bl_queue *q = arg;
	unsigned int nq = q->o->queues;

	pin(q->idx, nq);
	return queue_main(q);
}

struct bl_total {
	unsigned long long posted, completed, kicks, kick_busy, ring_full;
	unsigned long long first_ns, last_ns;
	unsigned long long tx_invalid, tx_ring_empty;
};

static void total(const struct bl_queue *qs, unsigned int nq,
		  struct bl_total *t)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < nq; i++) {
		const struct bl_queue *q = &qs[i];

		t->posted += q->posted;
		t->completed += q->completed;
		t->kicks += q->kicks;
		t->kick_busy += q->kick_busy;
		t->ring_full += q->ring_full;
		t->tx_invalid += q->st.tx_invalid_descs;
		t->tx_ring_empty += q->st.tx_ring_empty_descs;
		if (!t->first_ns || q->first_ns < t->first_ns)
			t->first_ns = q->first_ns;
		if (q->last_ns > t->last_ns)
			t->last_ns = q->last_ns;
	}
}

static void report_json(const struct bl_opts *o, const struct bl_queue *qs,
			const struct bl_total *t, double secs)
{
	struct xs_jw w;
	unsigned int i;

	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "tool", "blaster");
	xs_jw_uint_field(&w, "queues_n", o->queues);
	xs_jw_uint_field(&w, "frame_len", qs[0].frame_len);
	xs_jw_uint_field(&w, "batch", o->batch);
	xs_jw_uint_field(&w, "posted", t->posted);
	xs_jw_uint_field(&w, "frames", t->completed);
	xs_jw_double_field(&w, "elapsed_s", secs, 4);
	xs_jw_double_field(&w, "frames_per_s",
			   secs > 0 ? t->completed / secs : 0, 1);
	xs_jw_uint_field(&w, "kicks", t->kicks);
	xs_jw_uint_field(&w, "kick_busy", t->kick_busy);
	xs_jw_uint_field(&w, "ring_full", t->ring_full);
	xs_jw_uint_field(&w, "tx_invalid_descs", t->tx_invalid);
	xs_jw_uint_field(&w, "tx_ring_empty_descs", t->tx_ring_empty);
	xs_jw_array_field(&w, "queues");
	for (i = 0; i < o->queues; i++) {
		xs_jw_start_object(&w);
		xs_jw_uint_field(&w, "queue", i);
		xs_jw_uint_field(&w, "frames", qs[i].completed);
		xs_jw_uint_field(&w, "ring_full", qs[i].ring_full);
		xs_jw_end_object(&w);
	}
	xs_jw_end_array(&w);
	xs_jw_end_object(&w);
}

static int run(struct bl_opts *o, struct bl_queue *qs)
{
	unsigned long long deadline;
	unsigned int i, started = 0;
	int err = 0;

	for (i = 0; i < o->queues; i++) {
		qs[i].o = o;
		qs[i].idx = i;
		qs[i].quota = o->count / o->queues +
			      (i < o->count % o->queues ? 1 : 0);
		err = queue_open(&qs[i]);
		if (err) {
			fprintf(stderr, "blaster: queue %u of %s: %s\n", i,
				o->ifname, strerror(-err));
			return 2;
		}
	}
	deadline = mono_ns() + (unsigned long long)(o->duration_s * 1e9);
	for (i = 0; i < o->queues; i++) {
		qs[i].deadline_ns = deadline;
		if (pthread_create(&qs[i].th, NULL, queue_thread, &qs[i]))
			break;
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(qs[i].th, NULL);
	for (i = 0; i < started; i++)
		if (qs[i].err && !err)
			err = qs[i].err;
	if (started < o->queues || err) {
		fprintf(stderr, "blaster: %s\n",
			err ? strerror(-err) : "cannot start a thread");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bl_queue *qs;
	struct bl_opts o;
	struct bl_total t;
	unsigned int i;
	double secs;
	int ret, err;

	if (parse_args(argc, argv, &o))
		return 1;
	if (!o.queues)
		o.queues = xs_rx_queues_active(o.ifname, 1);
	if (o.queues < 1 || o.queues > BL_MAX_QUEUES) {
		fprintf(stderr, "blaster: %s: %u queues\n", o.ifname, o.queues);
		return 2;
	}
	err = if_mac(o.ifname, o.src_mac);
	if (err) {
		fprintf(stderr, "blaster: %s: %s\n", o.ifname, strerror(-err));
		return 2;
	}
	qs = calloc(o.queues, sizeof(*qs));
	if (!qs)
		return 2;
	ret = run(&o, qs);
	total(qs, o.queues, &t);
	secs = t.last_ns > t.first_ns ? (t.last_ns - t.first_ns) / 1e9 : 0;
	if (!ret && o.json)
		report_json(&o, qs, &t, secs);
	else if (!ret)
		printf("blaster: %llu frames of %u bytes in %.3f s: %.0f/s on %u queues (ring full %llu, busy kicks %llu)\n",
		       t.completed, qs[0].frame_len, secs,
		       secs > 0 ? t.completed / secs : 0, o.queues, t.ring_full,
		       t.kick_busy);
	for (i = 0; i < o.queues; i++)
		queue_close(&qs[i]);
	free(qs);
	return ret;
}
