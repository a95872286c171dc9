// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The hostile-frame table (tests/hostile/cases.h) through the compiled XDP
 * filter with BPF_PROG_TEST_RUN: for each case the verdict, the frame
 * unchanged, and exactly two counters moved by one (rx_frames and the
 * verdict's), with the configuration and the xs_conns entry the case's
 * handshake implies.
 *
 * As in test_bpf_progs.c, the test enters a network namespace of its own,
 * brings its loopback up and binds an AF_XDP socket to lo queue 0, so that
 * XDP_REDIRECT has a socket to name (a test run returns the verdict without
 * carrying the redirect out).
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_xdp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "isn.h"
#include "xdp_filter.skel.h"
#include "loader.h"
#include "testlib.h"
#include "lo_xsk.h"
#include "hostile/cases.h"

/* The counters' names: the one table, in user/sys/loader.c. */
#define stat_names(i) xs_stat_name(i)

/* The key of the stateless ISN check in the cases that turn it on. */
static const struct xs_isn_key isn_key = { 0x0123456789abcdefULL,
					   0xfedcba9876543210ULL };

struct env {
	struct xdp_filter_bpf *skel;
	int prog_fd, cfg_fd, stats_fd, xsks_fd, conns_fd;
	struct xs_xsk *xsk; /* on lo queue 0, in xs_xsks[0] */
};

/* The table's own "refused by the test run" verdict, then lo_xsk.h's. */
static const char *act_str(int act)
{
	return act == HC_XDP_REFUSED ? "refused by the test run" :
				       xdp_act_str(act);
}

/* Sum of every CPU's counters, by the loader's own reader. */
static int read_stats(const struct env *e, __u64 out[XS_STAT_MAX])
{
	return xs_read_stats(e->stats_fd, (struct xs_stats *)out);
}

static struct xs_conn_key conn_key(const struct xs_reply_ctx *rc)
{
	struct xs_conn_key k = {};

	/* IPv4 as ::ffff:a.b.c.d, as struct xs_addr. */
	memcpy(k.local_ip, rc->saddr.b, 16);
	memcpy(k.remote_ip, rc->daddr.b, 16);
	k.local_port = rc->sport;
	k.remote_port = rc->dport;
	return k;
}

/*
 * The configuration and connection table for one case: the context's
 * address and port range, its flags and the case's, and - unless the case
 * says there is none - the handshake in xs_conns, fresh (no reply seen yet,
 * so the round-trip stamp of an earlier case cannot leak into this one).
 */
static int setup_case(const struct env *e, const struct hostile_case *hc)
{
	const struct hc_ctx_def *d = &hc_ctxs[hc->ctx];
	/* Both families at once, as one `load` serves them: the context's
	 * address, and the other family's of the IPv4 or IPv6 contexts. */
	bool v6 = hc_ctx_is6(hc->ctx);
	struct xs_config cfg = {
		.src_ip = v6 ? HC_OUR_IP : xs_addr_get_v4(&d->rc.saddr),
		.port_lo = d->port_lo,
		.port_hi = d->port_hi,
		.flags = d->xdp_flags | hc->xdp_flags,
		.isn_k0 = isn_key.k0,
		.isn_k1 = isn_key.k1,
	};
	struct xs_conn conn = {
		.state = d->conn_state,
		.isn = d->rc.isn,
		.server_isn = d->rc.server_isn,
		.syns_sent = 1,
	};
	struct xs_conn_key k;
	__u32 zero = 0;
	int i;

	memcpy(cfg.src_ip6, hc_ctxs[v6 ? hc->ctx : HC6_SENT].rc.saddr.b, 16);
	if (bpf_map_update_elem(e->cfg_fd, &zero, &cfg, BPF_ANY))
		return -errno;
	for (i = 0; i < HC_NCTX; i++) {
		k = conn_key(&hc_ctxs[i].rc);
		bpf_map_delete_elem(e->conns_fd, &k);
	}
	if (hc->no_conn)
		return 0;
	k = conn_key(&d->rc);
	return bpf_map_update_elem(e->conns_fd, &k, &conn, BPF_ANY) ? -errno :
								      0;
}

/*
 * With the ISN check on, a case's frame must really fail it: an ack that
 * happened to equal the keyed hash + 1 would make the case meaningless
 * (an IPv6 case: that ack, or an ICMPv6 error's quoted seq, against
 * xs_isn6() of the handshake; an IPv4 case: cookie_fails()).
 */
static bool cookie_fails6(const struct hostile_case *hc)
{
	struct xs_t6 f6;
	uint32_t isn;

	hc_fill6(hc, &f6);
	if (f6.icmp_type)
		return f6.q_seq != xs_isn6(&isn_key, f6.q_saddr, f6.q_daddr,
					   f6.q_sport, f6.q_dport);
	isn = xs_isn6(&isn_key, f6.daddr, f6.saddr, f6.dport, f6.sport);
	return f6.ack != isn + 1;
}

static bool cookie_fails(const struct hostile_case *hc,
			 const struct xs_tframe *f)
{
	const struct hc_ctx_def *d = &hc_ctxs[hc->ctx];
	uint32_t ours = f->daddr ? f->daddr : xs_addr_get_v4(&d->rc.saddr);
	uint32_t peer = f->saddr ? f->saddr : xs_addr_get_v4(&d->rc.daddr);
	uint16_t our_port = f->dport ? f->dport : d->rc.sport;
	uint16_t peer_port = f->sport ? f->sport : d->rc.dport;

	return f->ack != xs_isn(&isn_key, ours, peer, our_port, peer_port) + 1;
}

static void run_case(const struct env *e, const struct hostile_case *hc)
{
	const struct hc_ctx_def *d = &hc_ctxs[hc->ctx];
	__u64 before[XS_STAT_MAX], after[XS_STAT_MAX], delta, want;
	uint8_t buf[HC_FRAME_MAX], out[HC_FRAME_MAX + 256];
	struct xs_tframe f;
	char name[160];
	size_t len;
	int i, err;
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	snprintf(name, sizeof(name), "xdp: %s: %s", d->name, hc->name);
	TEST_BEGIN(name);
	len = hc_build(hc, buf, &f);
	opts.data_in = buf;
	opts.data_size_in = len;
	opts.data_out = out;
	opts.data_size_out = sizeof(out);
	opts.repeat = 1;

	err = setup_case(e, hc);
	CHECK(!err, "configuring: %s", strerror(-err));
	if ((d->xdp_flags | hc->xdp_flags) & XS_CFG_ISN_CHECK)
		CHECK(hc_ctx_is6(hc->ctx) ? cookie_fails6(hc) :
					    cookie_fails(hc, &f),
		      "the frame passes the ISN check");
	err = read_stats(e, before);
	CHECK(!err, "reading stats: %s", strerror(-err));
	if (tl_case_failed)
		goto end;

	err = bpf_prog_test_run_opts(e->prog_fd, &opts);
	if (hc->xdp == HC_XDP_REFUSED) {
		CHECK(err && errno == EINVAL, "test run of %zu bytes: err %d",
		      len, err);
	} else {
		CHECK(!err, "BPF_PROG_TEST_RUN: %s", strerror(errno));
		if (err)
			goto end;
		CHECK((int)opts.retval == hc->xdp, "verdict %s, want %s",
		      act_str(opts.retval), act_str(hc->xdp));
		CHECK(opts.data_size_out == len && !memcmp(out, buf, len),
		      "frame changed (%u bytes out, %zu in)",
		      opts.data_size_out, len);
	}

	err = read_stats(e, after);
	CHECK(!err, "reading stats: %s", strerror(-err));
	if (err)
		goto end;
	for (i = 0; i < XS_STAT_MAX; i++) {
		want = 0;
		if (hc->xdp != HC_XDP_REFUSED)
			want = (i == XS_STAT_RX_FRAMES) + (i == (int)hc->stat);
		delta = after[i] - before[i];
		CHECK(delta == want, "%s moved by %llu, want %llu",
		      stat_names(i), (unsigned long long)delta,
		      (unsigned long long)want);
	}
end:
	TEST_END();
}

static void env_destroy(struct env *e)
{
	xs_xsk_close(e->xsk);
	xdp_filter_bpf__destroy(e->skel);
}

static int env_load(struct env *e)
{
	e->skel = xdp_filter_bpf__open_and_load();
	if (!e->skel)
		return -errno;
	e->prog_fd = bpf_program__fd(e->skel->progs.xs_xdp_filter);
	e->cfg_fd = bpf_map__fd(e->skel->maps.xs_cfg);
	e->stats_fd = bpf_map__fd(e->skel->maps.xs_stats);
	e->xsks_fd = bpf_map__fd(e->skel->maps.xs_xsks);
	e->conns_fd = bpf_map__fd(e->skel->maps.xs_conns);
	return 0;
}

int main(void)
{
	struct env e = {};
	size_t i;
	int err;

	libbpf_set_print(quiet);

	TEST_BEGIN("xdp setup: own network namespace with lo up");
	err = lo_netns();
	if (err && geteuid())
		TEST_SKIP("needs root (a network namespace of its own)");
	else
		CHECK(!err, "%s", strerror(-err));
	TEST_END();
	if (err)
		return TEST_EXIT();

	TEST_BEGIN("xdp setup: load xdp_filter");
	err = env_load(&e);
	CHECK(!err, "%s", strerror(-err));
	TEST_END();
	if (err)
		goto out;

	TEST_BEGIN("xdp setup: AF_XDP socket on lo queue 0 in xs_xsks");
	err = lo_xsk(e.xsks_fd, &e.xsk);
	CHECK(!err, "%s", strerror(-err));
	TEST_END();
	if (err)
		goto out;

	for (i = 0; i < HC_NCASES; i++)
		run_case(&e, &hostile_cases[i]);
	printf("# %zu hostile cases\n", (size_t)HC_NCASES);
out:
	env_destroy(&e);
	return TEST_EXIT();
}
