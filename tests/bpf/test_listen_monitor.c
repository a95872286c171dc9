// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `listen`'s side of the monitor hook under BPF_PROG_TEST_RUN: bpf/listen.bpf.c
 * and a monitor's programs, loaded from their objects, plugged together by
 * user/sys/montap.c as `monitor` and `listen` do it.
 *
 * With a monitor plugged in, every frame the responder consumes reaches
 * the monitor's ring as it arrived (ingress, path xdp_tx) and every answer
 * it sends as it leaves (egress, path xdp_tx), the SYN before its SYN-ACK;
 * the verdict, the answer's bytes and the responder's counters are those
 * of a run without a monitor (each frame counted once, though it runs
 * through the responder's program twice).  Frames it passes to the kernel
 * are not shown (TC shows them).  IPv6 handshakes alike.  Unplugged, nothing is shown and the
 * monitor's way back no longer holds the responder.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "listen_loader.h"
#include "bpf/laddr.h"
#include "bpf/frames6.h"
#include "montap.h"
#include "listen.skel.h"
#include "monitor.skel.h"
#include "testlib.h"

#define CLI "10.0.0.1"
#define SRV "10.0.0.2"
static const char *const srv_addrs[] = { SRV, "fd00::2" };
#define PORT 80

struct events {
	struct xs_mon_event ev[8];
	size_t n;
};

static struct xs_tf_defaults d = { 0, 0, 40000, PORT };
static struct events got;
static struct ring_buffer *rb;

/* MSS 1460, SACK-permitted, TS (1000, 0), NOP, WS 7: 20 bytes. */
static const char syn_opts[] = "\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x03"
			       "\xe8\x00\x00\x00\x00\x01\x03\x03\x07";

static int on_event(void *ctx, void *data, size_t size)
{
	struct events *e = ctx;

	if (size == sizeof(struct xs_mon_event) &&
	    e->n < sizeof(e->ev) / sizeof(e->ev[0]))
		memcpy(&e->ev[e->n], data, size);
	e->n++;
	return 0;
}

static size_t drain(void)
{
	memset(&got, 0, sizeof(got));
	ring_buffer__consume(rb);
	return got.n;
}

static struct listen_bpf *open_listener(void)
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
	if (listen_bpf__load(s) ||
	    laddr_set(bpf_map__fd(s->maps.xs_laddr), srv_addrs, 2)) {
		listen_bpf__destroy(s);
		return NULL;
	}
	return s;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(pi);

	return bpf_obj_get_info_by_fd(fd, &pi, &len) ? 0 : pi.id;
}

/* What listen_loader.c does after load: the way back, in xs_mon_tap. */
static int set_next(struct listen_bpf *s)
{
	struct xs_mon_tap tap = { .next_prog = prog_id(bpf_program__fd(
					  s->progs.xs_listen_next)) };
	__u32 key = 0;

	return bpf_map_update_elem(bpf_map__fd(s->maps.xs_mon_tap), &key, &tap,
				   BPF_ANY);
}

static struct monitor_bpf *open_monitor(struct xs_montap_mon *ids)
{
	struct monitor_bpf *m = monitor_bpf__open();

	if (!m || monitor_bpf__load(m))
		goto fail;
	rb = ring_buffer__new(bpf_map__fd(m->maps.xs_mon_rb), on_event, &got,
			      NULL);
	if (!rb ||
	    xs_montap_publish(bpf_map__fd(m->maps.xs_mon_info),
			      bpf_program__fd(m->progs.xs_mon_ingress),
			      bpf_program__fd(m->progs.xs_mon_redirect),
			      bpf_program__fd(m->progs.xs_mon_afxdp_tx),
			      bpf_program__fd(m->progs.xs_mon_xdp_tx),
			      bpf_program__fd(m->progs.xs_mon_xdp_in), ids))
		goto fail;
	return m;
fail:
	monitor_bpf__destroy(m);
	return NULL;
}

struct run {
	uint8_t in[XS_TF_MAX];
	uint32_t in_len;
	uint8_t out[512];
	uint32_t len;
	int ret;
};

static void run(struct listen_bpf *s, const struct xs_tframe *f, struct run *r)
{
	LIBBPF_OPTS(bpf_test_run_opts, o);

	r->in_len = xs_tf_build(r->in, f, &d);
	o.data_in = r->in;
	o.data_size_in = r->in_len;
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

/* Event i is these bytes, in that direction, by path xdp_tx. */
static void check_ev(size_t i, uint8_t dir, const uint8_t *b, uint32_t len)
{
	const struct xs_mon_event *e = &got.ev[i];

	CHECK_EQ(e->path, XS_MON_PATH_XDP_TX);
	CHECK_EQ(e->dir, dir);
	CHECK_EQ(e->len, len);
	CHECK(e->caplen >= 54 && e->caplen <= len &&
		      !memcmp(e->data, b, e->caplen),
	      "event %zu: not the frame's bytes", i);
}

static const struct xs_tframe syn = { .flags = XS_TCP_SYN,
				      .tcp_opt = 20,
				      .tcp_optv = syn_opts,
				      .seq_set = true,
				      .seq = 5000 };

/* Not plugged in: the answer, and nothing in the ring. */
static void test_unplugged(struct listen_bpf *s, const char *name)
{
	struct run r;

	TEST_BEGIN(name);
	drain();
	run(s, &syn, &r);
	CHECK_EQ(r.ret, XDP_TX);
	drain();
	CHECK_EQ(got.n, 0);
	TEST_END();
}

static void test_handshake(struct listen_bpf *s)
{
	struct xs_listen_stats st0 = stats(s), st;
	struct xs_tframe ack = { .flags = XS_TCP_ACK,
				 .seq_set = true,
				 .seq = 5001,
				 .ack_set = true },
			 other = { .flags = XS_TCP_SYN, .dport = 22 };
	struct run r;

	TEST_BEGIN("listen+monitor: SYN in, SYN-ACK out, by path xdp_tx");
	drain();
	run(s, &syn, &r);
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(r.out[34 + 13], XS_TCP_SYN | XS_TCP_ACK);
	drain();
	CHECK_EQ(got.n, 2);
	if (got.n == 2) {
		check_ev(0, XS_MON_INGRESS, r.in, r.in_len);
		check_ev(1, XS_MON_EGRESS, r.out, r.len);
	}
	st = stats(s);
	CHECK_EQ(st.frames - st0.frames, 1);
	CHECK_EQ(st.syn - st0.syn, 1);
	CHECK_EQ(st.synack_tx - st0.synack_tx, 1);
	TEST_END();

	TEST_BEGIN("listen+monitor: the final ACK shown once, counted once");
	ack.ack = get32(r.out + 34 + 4) + 1;
	run(s, &ack, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	drain();
	CHECK_EQ(got.n, 1);
	if (got.n == 1)
		check_ev(0, XS_MON_INGRESS, r.in, r.in_len);
	st = stats(s);
	CHECK_EQ(st.ack_valid - st0.ack_valid, 1);
	CHECK_EQ(st.frames - st0.frames, 2);
	TEST_END();

	TEST_BEGIN("listen+monitor: a frame passed to the kernel is not shown");
	run(s, &other, &r);
	CHECK_EQ(r.ret, XDP_PASS);
	drain();
	CHECK_EQ(got.n, 0);
	CHECK_EQ(stats(s).passed - st0.passed, 1);
	TEST_END();
}

/* An IPv6 frame (tests/bpf/frames6.h: fd00::1 -> fd00::2) through it. */
static void run6(struct listen_bpf *s, const struct xs_t6 *f, struct run *r)
{
	uint8_t in[XS_T6_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o);

	r->in_len = xs_t6_build(in, f);
	memcpy(r->in, in,
	       r->in_len < sizeof(r->in) ? r->in_len : sizeof(r->in));
	o.data_in = in;
	o.data_size_in = r->in_len;
	o.data_out = r->out;
	o.data_size_out = sizeof(r->out);
	o.repeat = 1;
	r->ret = -1;
	if (!bpf_prog_test_run_opts(bpf_program__fd(s->progs.xs_listen), &o))
		r->ret = o.retval;
	r->len = o.data_size_out;
}

static void test_handshake6(struct listen_bpf *s)
{
	struct xs_t6 f = { .sport = 40000,
			   .dport = PORT,
			   .flags = XS_TCP_SYN,
			   .seq_set = true,
			   .seq = 5000,
			   .tcp_opt = 20,
			   .tcp_optv = syn_opts };
	struct run r;

	TEST_BEGIN("listen+monitor: IPv6 SYN in, SYN-ACK out, by path xdp_tx");
	drain();
	run6(s, &f, &r);
	CHECK_EQ(r.ret, XDP_TX);
	CHECK_EQ(r.len, 14 + 40 + 40);
	CHECK_EQ(r.out[54 + 13], XS_TCP_SYN | XS_TCP_ACK);
	drain();
	CHECK_EQ(got.n, 2);
	if (got.n == 2) {
		check_ev(0, XS_MON_INGRESS, r.in, r.in_len);
		check_ev(1, XS_MON_EGRESS, r.out, r.len);
	}
	TEST_END();

	TEST_BEGIN("listen+monitor: the IPv6 final ACK shown once");
	f.flags = XS_TCP_ACK;
	f.seq = 5001;
	f.ack_set = true;
	f.ack = get32(r.out + 54 + 4) + 1;
	f.tcp_opt = 0;
	run6(s, &f, &r);
	CHECK_EQ(r.ret, XDP_DROP);
	drain();
	CHECK_EQ(got.n, 1);
	if (got.n == 1)
		check_ev(0, XS_MON_INGRESS, r.in, r.in_len);
	TEST_END();
}

/* Unplugging empties the responder's slots and the monitor's way back. */
static void test_unplug(struct monitor_bpf *m, struct xs_montap_hook *h,
			__u32 owner)
{
	__u32 key = 0, id = 0;

	TEST_BEGIN("listen+monitor: unplug empties the way back");
	xs_montap_unplug(h, owner);
	CHECK(bpf_map_lookup_elem(bpf_map__fd(m->maps.xs_mon_next), &key,
				  &id) != 0,
	      "xs_mon_next still holds program %u", id);
	TEST_END();
}

int main(void)
{
	struct listen_bpf *s = open_listener();
	struct xs_montap_mon ids = {};
	struct xs_montap_hook h;
	struct monitor_bpf *m;
	__u32 key = 0, id = 0;

	d.saddr = inet_addr(CLI);
	d.daddr = inet_addr(SRV);
	m = open_monitor(&ids);
	if (!s || !m || set_next(s)) {
		printf("FAIL: listen+monitor: load: %s\n", strerror(errno));
		return 1;
	}
	test_unplugged(s, "listen+monitor: not plugged in, nothing shown");
	TEST_BEGIN("listen+monitor: plug into xs_listen by its program id");
	CHECK_EQ(xs_montap_hook_open_prog(
			 prog_id(bpf_program__fd(s->progs.xs_listen)), &h),
		 0);
	CHECK_EQ(h.nslots, XS_MON_SLOTS);
	CHECK_EQ(xs_montap_plug(&h, &ids, NULL), 0);
	CHECK(!bpf_map_lookup_elem(bpf_map__fd(m->maps.xs_mon_next), &key,
				   &id) &&
		      id == prog_id(bpf_program__fd(s->progs.xs_listen_next)),
	      "the way back holds %u", id);
	TEST_END();
	if (h.tap) {
		test_handshake(s);
		test_handshake6(s);
		test_unplug(m, &h, ids.owner);
		test_unplugged(s, "listen+monitor: unplugged, nothing shown");
	}
	xs_montap_hook_close(&h);
	ring_buffer__free(rb);
	monitor_bpf__destroy(m);
	listen_bpf__destroy(s);
	return TEST_EXIT();
}
