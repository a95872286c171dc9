// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Tables of hand-built frames run through the compiled XDP filter and TC
 * guard with BPF_PROG_TEST_RUN: for each, the return code, the frame bytes
 * (never modified) and the exact change of every counter.
 *
 * XDP_REDIRECT needs a socket in the XSKMAP.  The test enters a network
 * namespace of its own, brings up its loopback and binds an AF_XDP socket
 * (copy mode) to lo queue 0: a test run without a context runs on
 * loopback's RX queue 0.  The redirect itself is not carried out by a test
 * run; only the verdict is returned.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_xdp.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "xdpshake.h"
#include "xdp_filter.skel.h"
#include "tc_guard.skel.h"
#include "loader.h"
#include "testlib.h"
#include "lo_xsk.h"
#include "bpf/frames.h"

#define OUR_IP "10.11.1.2"
#define PEER_IP "10.11.1.1"
#define OTHER_IP "10.11.1.3"
#define PORT_LO 40000
#define PORT_HI 40999
#define PEER_PORT 80

/* In a table, stands for OTHER_IP (tables are built before inet_pton). */
#define OTHER 1

#define TC_UNSPEC (-1)
#define TC_SHOT 2

#define SYNACK (XS_TCP_SYN | XS_TCP_ACK)
#define RSTACK (XS_TCP_RST | XS_TCP_ACK)

/* The counters' names: the one table, in user/sys/loader.c. */
#define stat_names(i) xs_stat_name(i)

struct env {
	struct xdp_filter_bpf *xdp;
	struct tc_guard_bpf *tc;
	int xdp_fd, tc_fd;
	int cfg_fd, stats_fd, xsks_fd;
	struct xs_tf_defaults in; /* peer -> us, for XDP */
	struct xs_tf_defaults out; /* us -> peer, for TC egress */
	struct xs_xsk *xsk; /* on lo queue 0, in xs_xsks[0] */
};

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* Sum of every CPU's counters, by the loader's own reader. */
static int read_stats(const struct env *e, __u64 out[XS_STAT_MAX])
{
	return xs_read_stats(e->stats_fd, (struct xs_stats *)out);
}

static int set_cfg(const struct env *e, uint32_t src_ip, uint32_t flags)
{
	struct xs_config cfg = {
		.src_ip = src_ip,
		.port_lo = PORT_LO,
		.port_hi = PORT_HI,
		.flags = flags,
	};
	__u32 key = 0;

	return bpf_map_update_elem(e->cfg_fd, &key, &cfg, BPF_ANY) ? -errno : 0;
}

/*
 * Run one frame and check the verdict, that the frame came back unchanged,
 * and that exactly the counters in want_stats moved, each by one.
 */
static void run_case(const struct env *e, int prog_fd, bool is_xdp,
		     const char *name, const uint8_t *frame, size_t len,
		     int want, const enum xs_stat *want_stats, int nwant)
{
	__u64 before[XS_STAT_MAX], after[XS_STAT_MAX], delta;
	uint8_t out[XS_TF_MAX + 256];
	int i, j, err;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);

	TEST_BEGIN(name);
	err = read_stats(e, before);
	CHECK(!err, "reading stats: %s", strerror(-err));
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	CHECK(!err, "BPF_PROG_TEST_RUN: %s", strerror(errno));
	if (err)
		goto end;
	if (is_xdp)
		CHECK((int)opts.retval == want, "verdict %s, want %s",
		      xdp_act_str(opts.retval), xdp_act_str(want));
	else
		CHECK((int)opts.retval == want, "verdict %d, want %d",
		      (int)opts.retval, want);
	/* Neither program writes to the frame. */
	CHECK(opts.data_size_out == len && !memcmp(out, frame, len),
	      "frame changed (%u bytes out, %zu in)", opts.data_size_out, len);
	err = read_stats(e, after);
	CHECK(!err, "reading stats: %s", strerror(-err));
	for (i = 0; i < XS_STAT_MAX; i++) {
		__u64 want_delta = 0;

		for (j = 0; j < nwant; j++)
			if (want_stats[j] == (enum xs_stat)i)
				want_delta++;
		delta = after[i] - before[i];
		CHECK(delta == want_delta, "%s moved by %llu, want %llu",
		      stat_names(i), (unsigned long long)delta,
		      (unsigned long long)want_delta);
	}
end:
	TEST_END();
}

static void run_xdp(const struct env *e, const char *name,
		    const struct xs_tframe *f, int want, enum xs_stat stat)
{
	enum xs_stat stats[] = { XS_STAT_RX_FRAMES, stat };
	uint8_t buf[XS_TF_MAX];
	size_t len = xs_tf_build(buf, f, &e->in);

	run_case(e, e->xdp_fd, true, name, buf, len, want, stats, 2);
}

struct xdp_case {
	const char *name;
	struct xs_tframe f;
	int want;
	enum xs_stat stat;
};

/* A case: its name, the verdict and counter expected, the frame's fields. */
#define XDP_CASE(name, want, stat, ...)           \
	{                                         \
		name, { __VA_ARGS__ }, want, stat \
	}

static const struct xdp_case xdp_cases[] = {
	/* ours */
	XDP_CASE("xdp: SYN-ACK in range -> redirect", XDP_REDIRECT,
		 XS_STAT_RX_SYNACK, .flags = SYNACK),
	XDP_CASE("xdp: SYN-ACK to last port of range -> redirect", XDP_REDIRECT,
		 XS_STAT_RX_SYNACK, .flags = SYNACK, .dport = PORT_HI),
	XDP_CASE("xdp: SYN-ACK with TCP options (doff 6) -> redirect",
		 XDP_REDIRECT, XS_STAT_RX_SYNACK, .flags = SYNACK,
		 .tcp_opt = 4),
	XDP_CASE("xdp: SYN-ACK with DF -> redirect", XDP_REDIRECT,
		 XS_STAT_RX_SYNACK, .flags = SYNACK, .frag_off = 0x4000),
	XDP_CASE("xdp: SYN-ACK+ECE -> redirect", XDP_REDIRECT,
		 XS_STAT_RX_SYNACK, .flags = SYNACK | XS_TCP_ECE),
	XDP_CASE("xdp: SYN-ACK with IP options (ihl 6) -> redirect",
		 XDP_REDIRECT, XS_STAT_RX_SYNACK, .flags = SYNACK, .ip_opt = 4),
	XDP_CASE("xdp: SYN-ACK with IP options (ihl 15) -> redirect",
		 XDP_REDIRECT, XS_STAT_RX_SYNACK, .flags = SYNACK,
		 .ip_opt = 40),
	XDP_CASE("xdp: RST in range -> redirect", XDP_REDIRECT, XS_STAT_RX_RST,
		 .flags = XS_TCP_RST),
	XDP_CASE("xdp: RST+ACK in range -> redirect", XDP_REDIRECT,
		 XS_STAT_RX_RST, .flags = RSTACK),
	XDP_CASE("xdp: RST with Ethernet padding to 60 bytes -> redirect",
		 XDP_REDIRECT, XS_STAT_RX_RST, .flags = RSTACK, .pad = 6),
	XDP_CASE("xdp: SYN-ACK with data and padding -> redirect", XDP_REDIRECT,
		 XS_STAT_RX_SYNACK, .flags = SYNACK, .payload = 3, .pad = 3),

	/* not ours: to the kernel */
	XDP_CASE("xdp: SYN-ACK to port below range -> pass", XDP_PASS,
		 XS_STAT_RX_PASS, .flags = SYNACK, .dport = PORT_LO - 1),
	XDP_CASE("xdp: SYN-ACK to port above range -> pass", XDP_PASS,
		 XS_STAT_RX_PASS, .flags = SYNACK, .dport = PORT_HI + 1),
	XDP_CASE("xdp: RST to port 22 -> pass", XDP_PASS, XS_STAT_RX_PASS,
		 .flags = XS_TCP_RST, .dport = 22),
	XDP_CASE("xdp: SYN-ACK to another IP -> pass", XDP_PASS,
		 XS_STAT_RX_PASS, .flags = SYNACK, .daddr = OTHER),
	XDP_CASE("xdp: UDP to our port -> pass", XDP_PASS, XS_STAT_RX_PASS,
		 .proto = 17, .payload = 4),
	XDP_CASE("xdp: ICMP echo -> pass", XDP_PASS, XS_STAT_RX_PASS,
		 .proto = 1),
	XDP_CASE("xdp: ARP -> pass", XDP_PASS, XS_STAT_RX_PASS,
		 .kind = XS_TF_ARP),
	XDP_CASE("xdp: IPv6 SYN-ACK to our port -> pass", XDP_PASS,
		 XS_STAT_RX_PASS, .kind = XS_TF_IPV6, .flags = SYNACK),
	XDP_CASE("xdp: 802.1Q tagged SYN-ACK -> pass", XDP_PASS,
		 XS_STAT_RX_PASS, .vlan = 1, .flags = SYNACK),
	XDP_CASE("xdp: QinQ tagged SYN-ACK -> pass", XDP_PASS, XS_STAT_RX_PASS,
		 .vlan = 2, .flags = SYNACK),
	XDP_CASE("xdp: fragment with MF -> pass", XDP_PASS, XS_STAT_RX_PASS,
		 .flags = SYNACK, .frag_off = 0x2000),
	XDP_CASE("xdp: fragment with offset -> pass", XDP_PASS, XS_STAT_RX_PASS,
		 .flags = SYNACK, .frag_off = 0x0003),
	XDP_CASE("xdp: bare SYN -> pass", XDP_PASS, XS_STAT_RX_PASS,
		 .flags = XS_TCP_SYN),
	XDP_CASE("xdp: plain ACK without ALL_SEGMENTS -> pass", XDP_PASS,
		 XS_STAT_RX_PASS, .flags = XS_TCP_ACK),
	XDP_CASE("xdp: FIN+ACK without ALL_SEGMENTS -> pass", XDP_PASS,
		 XS_STAT_RX_PASS, .flags = XS_TCP_FIN | XS_TCP_ACK),
	/* The TCP header is not judged for frames that are not ours. */
	XDP_CASE("xdp: doff 4 to another IP -> pass", XDP_PASS, XS_STAT_RX_PASS,
		 .flags = SYNACK, .doff = 4, .daddr = OTHER),

	/* malformed: dropped, as the kernel would */
	XDP_CASE("xdp: truncated inside IPv4 header (33 bytes) -> drop",
		 XDP_DROP, XS_STAT_RX_MALFORMED, .flags = SYNACK, .trunc = 33),
	XDP_CASE("xdp: Ethernet header only (14 bytes) -> drop", XDP_DROP,
		 XS_STAT_RX_MALFORMED, .flags = SYNACK, .trunc = 14),
	XDP_CASE("xdp: truncated inside TCP header (53 bytes) -> drop",
		 XDP_DROP, XS_STAT_RX_MALFORMED, .flags = SYNACK, .trunc = 53),
	XDP_CASE("xdp: tot_len ends inside TCP header, rest as padding -> drop",
		 XDP_DROP, XS_STAT_RX_MALFORMED, .flags = SYNACK,
		 .tot_len = 30),
	XDP_CASE("xdp: tot_len ends inside TCP header -> drop", XDP_DROP,
		 XS_STAT_RX_MALFORMED, .flags = SYNACK, .tot_len = 30,
		 .trunc = 44),
	XDP_CASE("xdp: IP options cut by the frame end -> drop", XDP_DROP,
		 XS_STAT_RX_MALFORMED, .flags = SYNACK, .ip_opt = 40,
		 .trunc = 14 + 40),
	XDP_CASE("xdp: IP version 6 in IPv4 ethertype -> drop", XDP_DROP,
		 XS_STAT_RX_MALFORMED, .flags = SYNACK, .ip_ver = 6),
	XDP_CASE("xdp: ihl 4 -> drop", XDP_DROP, XS_STAT_RX_MALFORMED,
		 .flags = SYNACK, .ihl = 4),
	XDP_CASE("xdp: ihl 1 -> drop", XDP_DROP, XS_STAT_RX_MALFORMED,
		 .flags = SYNACK, .ihl = 1),
	XDP_CASE("xdp: ihl*4 > tot_len (ihl 6, tot_len 20) -> drop", XDP_DROP,
		 XS_STAT_RX_MALFORMED, .flags = SYNACK, .ip_opt = 4,
		 .tot_len = 20),
	XDP_CASE("xdp: ihl*4 > tot_len (ihl 15, tot_len 40) -> drop", XDP_DROP,
		 XS_STAT_RX_MALFORMED, .flags = SYNACK, .ip_opt = 40,
		 .tot_len = 40),
	XDP_CASE("xdp: tot_len beyond the frame -> drop", XDP_DROP,
		 XS_STAT_RX_MALFORMED, .flags = SYNACK, .tot_len = 41),
	XDP_CASE("xdp: tot_len beyond the frame, to another IP -> drop",
		 XDP_DROP, XS_STAT_RX_MALFORMED, .flags = SYNACK,
		 .tot_len = 1500, .daddr = OTHER),
	XDP_CASE("xdp: doff 4 -> drop", XDP_DROP, XS_STAT_RX_MALFORMED,
		 .flags = SYNACK, .doff = 4),
	XDP_CASE("xdp: doff 1 -> drop", XDP_DROP, XS_STAT_RX_MALFORMED,
		 .flags = SYNACK, .doff = 1),
	XDP_CASE("xdp: doff 15 beyond a 20-byte segment -> drop", XDP_DROP,
		 XS_STAT_RX_MALFORMED, .flags = SYNACK, .doff = 15),
	XDP_CASE(
		"xdp: doff 8 beyond a 28-byte segment (payload present) -> drop",
		XDP_DROP, XS_STAT_RX_MALFORMED, .flags = SYNACK, .doff = 8,
		.payload = 8),
	XDP_CASE("xdp: doff 6 beyond tot_len, padding present -> drop",
		 XDP_DROP, XS_STAT_RX_MALFORMED, .flags = SYNACK, .doff = 6,
		 .pad = 4),
	XDP_CASE("xdp: SYN+RST -> drop", XDP_DROP, XS_STAT_RX_MALFORMED,
		 .flags = XS_TCP_SYN | XS_TCP_RST),
	XDP_CASE("xdp: SYN+FIN -> drop", XDP_DROP, XS_STAT_RX_MALFORMED,
		 .flags = XS_TCP_SYN | XS_TCP_FIN),
	XDP_CASE("xdp: SYN+FIN+ACK -> drop", XDP_DROP, XS_STAT_RX_MALFORMED,
		 .flags = SYNACK | XS_TCP_FIN),
	XDP_CASE("xdp: all flags -> drop", XDP_DROP, XS_STAT_RX_MALFORMED,
		 .flags = 0xff),
};

/* With XS_CFG_ALL_SEGMENTS: every in-range segment goes to the socket. */
static const struct xdp_case xdp_all_cases[] = {
	XDP_CASE("xdp all-segments: plain ACK -> redirect", XDP_REDIRECT,
		 XS_STAT_RX_OTHER, .flags = XS_TCP_ACK),
	XDP_CASE("xdp all-segments: data (PSH+ACK) -> redirect", XDP_REDIRECT,
		 XS_STAT_RX_OTHER, .flags = XS_TCP_PSH | XS_TCP_ACK,
		 .payload = 10),
	XDP_CASE("xdp all-segments: FIN+ACK -> redirect", XDP_REDIRECT,
		 XS_STAT_RX_OTHER, .flags = XS_TCP_FIN | XS_TCP_ACK),
	XDP_CASE("xdp all-segments: SYN-ACK still counted as SYN-ACK",
		 XDP_REDIRECT, XS_STAT_RX_SYNACK, .flags = SYNACK),
	XDP_CASE("xdp all-segments: RST still counted as RST", XDP_REDIRECT,
		 XS_STAT_RX_RST, .flags = XS_TCP_RST),
	XDP_CASE("xdp all-segments: ACK to port out of range -> pass", XDP_PASS,
		 XS_STAT_RX_PASS, .flags = XS_TCP_ACK, .dport = 22),
	XDP_CASE("xdp all-segments: SYN+RST -> drop", XDP_DROP,
		 XS_STAT_RX_MALFORMED, .flags = XS_TCP_SYN | XS_TCP_RST),
};

struct tc_case {
	const char *name;
	struct xs_tframe f;
	int want;
};

#define TC_CASE(name, want, ...)            \
	{                                   \
		name, { __VA_ARGS__ }, want \
	}

/* Egress: saddr/sport default to ours, daddr/dport to the peer's. */
static const struct tc_case tc_cases[] = {
	TC_CASE("tc: kernel RST+ACK from our range -> shot", TC_SHOT,
		.flags = RSTACK),
	TC_CASE("tc: kernel RST from our range -> shot", TC_SHOT,
		.flags = XS_TCP_RST),
	TC_CASE("tc: RST from last port of range -> shot", TC_SHOT,
		.flags = RSTACK, .sport = PORT_HI),
	TC_CASE("tc: RST with IP options -> shot", TC_SHOT, .flags = RSTACK,
		.ip_opt = 4),
	TC_CASE("tc: RST from port below range -> continue", TC_UNSPEC,
		.flags = RSTACK, .sport = PORT_LO - 1),
	TC_CASE("tc: RST from port above range -> continue", TC_UNSPEC,
		.flags = RSTACK, .sport = PORT_HI + 1),
	TC_CASE("tc: RST from another source IP -> continue", TC_UNSPEC,
		.flags = RSTACK, .saddr = OTHER),
	TC_CASE("tc: SYN from our range -> continue", TC_UNSPEC,
		.flags = XS_TCP_SYN),
	TC_CASE("tc: ACK from our range -> continue", TC_UNSPEC,
		.flags = XS_TCP_ACK),
	TC_CASE("tc: data from our range -> continue", TC_UNSPEC,
		.flags = XS_TCP_PSH | XS_TCP_ACK, .payload = 100),
	TC_CASE("tc: FIN from our range -> continue", TC_UNSPEC,
		.flags = XS_TCP_FIN | XS_TCP_ACK),
	TC_CASE("tc: UDP from our port -> continue", TC_UNSPEC, .proto = 17),
	TC_CASE("tc: ARP -> continue", TC_UNSPEC, .kind = XS_TF_ARP),
	TC_CASE("tc: RST in a fragment -> continue", TC_UNSPEC, .flags = RSTACK,
		.frag_off = 0x2000),
	TC_CASE("tc: RST with ihl 4 -> continue", TC_UNSPEC, .flags = RSTACK,
		.ihl = 4),
	TC_CASE("tc: RST with doff 4 -> continue", TC_UNSPEC, .flags = RSTACK,
		.doff = 4),
	TC_CASE("tc: 802.1Q tagged RST -> continue", TC_UNSPEC, .vlan = 1,
		.flags = RSTACK),
};

/* Put OTHER_IP where a table says OTHER. */
static struct xs_tframe fix_addrs(struct xs_tframe f)
{
	if (f.saddr == OTHER)
		f.saddr = ip4(OTHER_IP);
	if (f.daddr == OTHER)
		f.daddr = ip4(OTHER_IP);
	return f;
}

static void run_xdp_table(const struct env *e, const struct xdp_case *c,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct xs_tframe f = fix_addrs(c[i].f);

		run_xdp(e, c[i].name, &f, c[i].want, c[i].stat);
	}
}

static void run_tc_table(struct env *e)
{
	enum xs_stat shot[] = { XS_STAT_TC_SEEN, XS_STAT_TC_RST_DROP };
	enum xs_stat seen[] = { XS_STAT_TC_SEEN };
	uint8_t buf[XS_TF_MAX];
	size_t i, len;

	for (i = 0; i < sizeof(tc_cases) / sizeof(tc_cases[0]); i++) {
		const struct tc_case *c = &tc_cases[i];
		struct xs_tframe f = fix_addrs(c->f);

		len = xs_tf_build(buf, &f, &e->out);
		if (c->want == TC_SHOT)
			run_case(e, e->tc_fd, false, c->name, buf, len, c->want,
				 shot, 2);
		else
			run_case(e, e->tc_fd, false, c->name, buf, len, c->want,
				 seen, 1);
	}
}

/*
 * Frames shorter than an Ethernet header never reach an XDP or TC program:
 * drivers and the test run refuse them (even with metadata in front), so
 * the programs' runt path (pass: no ethertype, not IPv4, not ours) cannot
 * be run here.  Check that the refusal still holds, so that we notice if a
 * kernel starts handing runts over.
 */
static void run_runts(const struct env *e)
{
	static const size_t lens[] = { 1, 13 };
	struct xs_tframe f = { .flags = SYNACK };
	uint8_t buf[XS_TF_MAX];
	char name[96];
	size_t i, k;
	int err;

	xs_tf_build(buf, &f, &e->in);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf,
				    .data_size_in = lens[i], .repeat = 1);

			snprintf(
				name, sizeof(name),
				"%s: runt of %zu bytes refused by the test run",
				k ? "tc" : "xdp", lens[i]);
			TEST_BEGIN(name);
			err = bpf_prog_test_run_opts(k ? e->tc_fd : e->xdp_fd,
						     &opts);
			CHECK(err && errno == EINVAL, "err %d errno %d", err,
			      err ? errno : 0);
			TEST_END();
		}
	}
}

static void run_special(struct env *e)
{
	struct xs_tframe synack = { .flags = SYNACK };
	__u32 key = 0;
	int err;

	/* Not configured: nothing is ours, even a perfect SYN-ACK. */
	set_cfg(e, 0, 0);
	run_xdp(e, "xdp: cfg src_ip 0, SYN-ACK -> pass", &synack, XDP_PASS,
		XS_STAT_RX_PASS);
	{
		struct xs_tframe rst = { .flags = RSTACK };
		enum xs_stat seen[] = { XS_STAT_TC_SEEN };
		uint8_t buf[XS_TF_MAX];
		size_t len = xs_tf_build(buf, &rst, &e->out);

		run_case(e, e->tc_fd, false,
			 "tc: cfg src_ip 0, RST -> continue", buf, len,
			 TC_UNSPEC, seen, 1);
	}
	set_cfg(e, e->in.daddr, 0);

	/* No socket on the queue: the kernel gets it, and we count it. */
	TEST_BEGIN("xsk map: remove the socket of queue 0");
	err = bpf_map_delete_elem(e->xsks_fd, &key);
	CHECK(!err, "delete: %s", strerror(errno));
	TEST_END();
	run_xdp(e, "xdp: SYN-ACK, no socket on the queue -> pass", &synack,
		XDP_PASS, XS_STAT_RX_NO_SOCKET);
	synack.flags = RSTACK;
	run_xdp(e, "xdp: RST, no socket on the queue -> pass", &synack,
		XDP_PASS, XS_STAT_RX_NO_SOCKET);
	TEST_BEGIN("xsk map: put the socket back");
	err = xs_xsk_update_map(e->xsk, e->xsks_fd);
	CHECK(!err, "update_xskmap: %s", strerror(-err));
	TEST_END();
	synack.flags = SYNACK;
	run_xdp(e, "xdp: SYN-ACK after the socket is back -> redirect", &synack,
		XDP_REDIRECT, XS_STAT_RX_SYNACK);
}

/* The maps' BTF names every field, in enum xs_stat order. */
static void check_btf(const struct env *e)
{
	static const char *const cfg_names[] = {
		"src_ip", "port_lo", "port_hi", "flags",   "window", "ttl",
		"pad",	  "isn_k0",  "isn_k1",	"src_ip6", "layout", "pad2"
	};
	const int ncfg = sizeof(cfg_names) / sizeof(cfg_names[0]);
	const struct bpf_map *maps[] = { e->xdp->maps.xs_stats,
					 e->tc->maps.xs_stats };
	const struct btf *btfs[] = { bpf_object__btf(e->xdp->obj),
				     bpf_object__btf(e->tc->obj) };
	const struct btf_member *m;
	const struct btf_type *t;
	const struct btf *btf;
	size_t k;
	int i;

	for (k = 0; k < 2; k++) {
		TEST_BEGIN(k ? "btf: tc object's xs_stats has named fields" :
			       "btf: xdp object's xs_stats has named fields");
		btf = btfs[k];
		/*
		 * bpf_map__reuse_fd() gave the tc object's map the type id of
		 * the XDP object's BTF, which means nothing in the tc object's
		 * own: look its struct up by name there.
		 */
		t = btf__type_by_id(
			btf, k ? (__u32)btf__find_by_name_kind(
					 btf, "xs_stats", BTF_KIND_STRUCT) :
				 bpf_map__btf_value_type_id(maps[k]));
		CHECK(t && btf_is_struct(t) && btf_vlen(t) == XS_STAT_MAX,
		      "value type is not a struct of XS_STAT_MAX members");
		if (t && btf_is_struct(t) && btf_vlen(t) == XS_STAT_MAX) {
			m = btf_members(t);
			for (i = 0; i < XS_STAT_MAX; i++, m++) {
				const char *n =
					btf__name_by_offset(btf, m->name_off);

				CHECK(!strcmp(n, stat_names(i)) &&
					      btf_member_bit_offset(t, i) ==
						      (__u32)i * 64,
				      "member %d is %s, want %s", i, n,
				      stat_names(i));
			}
		}
		TEST_END();
	}

	TEST_BEGIN("btf: xs_cfg value is struct xs_config with named fields");
	btf = bpf_object__btf(e->xdp->obj);
	t = btf__type_by_id(btf,
			    bpf_map__btf_value_type_id(e->xdp->maps.xs_cfg));
	CHECK(t && btf_is_struct(t) &&
		      !strcmp(btf__name_by_offset(btf, t->name_off),
			      "xs_config") &&
		      btf_vlen(t) == ncfg,
	      "value type is not struct xs_config");
	if (t && btf_is_struct(t) && btf_vlen(t) == ncfg) {
		m = btf_members(t);
		for (i = 0; i < ncfg; i++, m++)
			CHECK(!strcmp(btf__name_by_offset(btf, m->name_off),
				      cfg_names[i]),
			      "member %d is not %s", i, cfg_names[i]);
	}
	TEST_END();
}

static void env_destroy(struct env *e)
{
	xs_xsk_close(e->xsk);
	tc_guard_bpf__destroy(e->tc);
	xdp_filter_bpf__destroy(e->xdp);
}

/*
 * Load both objects the way the loader does: the TC object reuses the XDP
 * object's xs_cfg and xs_stats, so one config drives both programs and one
 * set of counters collects both.
 */
static int env_load(struct env *e)
{
	int err;

	e->xdp = xdp_filter_bpf__open_and_load();
	if (!e->xdp)
		return -errno;
	e->tc = tc_guard_bpf__open();
	if (!e->tc)
		return -errno;
	err = bpf_map__reuse_fd(e->tc->maps.xs_cfg,
				bpf_map__fd(e->xdp->maps.xs_cfg));
	if (!err)
		err = bpf_map__reuse_fd(e->tc->maps.xs_stats,
					bpf_map__fd(e->xdp->maps.xs_stats));
	if (err)
		return err;
	err = tc_guard_bpf__load(e->tc);
	if (err)
		return err;
	e->xdp_fd = bpf_program__fd(e->xdp->progs.xs_xdp_filter);
	e->tc_fd = bpf_program__fd(e->tc->progs.xs_tc_guard);
	e->cfg_fd = bpf_map__fd(e->xdp->maps.xs_cfg);
	e->stats_fd = bpf_map__fd(e->xdp->maps.xs_stats);
	e->xsks_fd = bpf_map__fd(e->xdp->maps.xs_xsks);
	return 0;
}

int main(void)
{
	struct env e = {};
	int err;

	libbpf_set_print(quiet);
	e.in.saddr = ip4(PEER_IP);
	e.in.daddr = ip4(OUR_IP);
	e.in.sport = PEER_PORT;
	e.in.dport = PORT_LO;
	e.out.saddr = e.in.daddr;
	e.out.daddr = e.in.saddr;
	e.out.sport = e.in.dport;
	e.out.dport = e.in.sport;

	TEST_BEGIN("setup: own network namespace with lo up");
	err = lo_netns();
	if (err && geteuid())
		TEST_SKIP("needs root (a network namespace of its own)");
	else
		CHECK(!err, "%s", strerror(-err));
	TEST_END();
	if (err)
		return TEST_EXIT();

	TEST_BEGIN("setup: load xdp_filter and tc_guard, shared maps");
	err = env_load(&e);
	CHECK(!err, "%s", strerror(-err));
	if (!err) {
		err = set_cfg(&e, e.in.daddr, 0);
		CHECK(!err, "set cfg: %s", strerror(-err));
	}
	TEST_END();
	if (err)
		goto out;

	TEST_BEGIN("setup: AF_XDP socket on lo queue 0 in xs_xsks");
	err = lo_xsk(e.xsks_fd, &e.xsk);
	CHECK(!err, "%s", strerror(-err));
	TEST_END();
	if (err)
		goto out;

	check_btf(&e);
	run_xdp_table(&e, xdp_cases, sizeof(xdp_cases) / sizeof(xdp_cases[0]));
	run_runts(&e);
	set_cfg(&e, e.in.daddr, XS_CFG_ALL_SEGMENTS);
	run_xdp_table(&e, xdp_all_cases,
		      sizeof(xdp_all_cases) / sizeof(xdp_all_cases[0]));
	set_cfg(&e, e.in.daddr, 0);
	run_tc_table(&e);
	run_special(&e);
out:
	env_destroy(&e);
	return TEST_EXIT();
}
