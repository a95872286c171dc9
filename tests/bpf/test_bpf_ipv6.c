// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The XDP filter and the TC guard over IPv6, through BPF_PROG_TEST_RUN:
 * for each hand-built frame (tests/bpf/frames6.h) the verdict, the frame
 * unchanged, and the exact change of every counter.
 *
 *   - the parsing table: extension header chains (bounded), fragments,
 *     payload lengths, versions, next headers, TCP checksums, NDP, ICMPv6
 *     errors and their quotes, with the handshake in xs_conns as `connect`
 *     records it;
 *   - XS_CFG_ISN_CHECK: the program's SipHash of the IPv6 4-tuple equals
 *     user/core/isn.c's xs_isn6() on the same random tuples;
 *   - both families configured at once, and each alone;
 *   - the TC guard: the kernel's IPv6 RSTs from our address and port
 *     range are dropped, nothing else is.
 *
 * As in test_bpf_progs.c, an AF_XDP socket on lo queue 0 in a private
 * namespace makes XDP_REDIRECT observable.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpshake.h"
#include "xdp_filter.skel.h"
#include "tc_guard.skel.h"
#include "isn.h"
#include "loader.h"
#include "testlib.h"
#include "lo_xsk.h"
#include "bpf/frames.h"
#include "bpf/frames6.h"

#define PORT_LO 40000
#define PORT_HI 40999
#define ISN 0x2a3b4c5du
#define SYNACK (XS_TCP_SYN | XS_TCP_ACK)
#define RSTACK (XS_TCP_RST | XS_TCP_ACK)
#define TC_UNSPEC (-1)
#define TC_SHOT 2

struct env {
	struct xdp_filter_bpf *xdp;
	struct tc_guard_bpf *tc;
	int xdp_fd, tc_fd, cfg_fd, stats_fd, conns_fd;
	struct xs_xsk *xsk;
};

static const struct xs_isn_key isn_key = { 0x0706050403020100ULL,
					   0x0f0e0d0c0b0a0908ULL };

static int set_cfg(const struct env *e, bool v4, bool v6, uint32_t flags)
{
	struct xs_config cfg = {
		.src_ip = v4 ? htonl(0x0a0b0102) : 0, /* 10.11.1.2 */
		.port_lo = PORT_LO,
		.port_hi = PORT_HI,
		.flags = flags,
		.isn_k0 = isn_key.k0,
		.isn_k1 = isn_key.k1,
	};

	if (v6)
		memcpy(cfg.src_ip6, xs_t6_us, 16);
	return xs_write_cfg(e->cfg_fd, &cfg);
}

/* Our handshake fd00::2:40000 -> fd00::1:80 as `connect` records it. */
static int set_conn(const struct env *e, enum xs_conn_state st)
{
	struct xs_conn_key k = { .local_port = PORT_LO,
				 .remote_port = XS_T6_PEER_PORT };
	struct xs_conn c = { .state = st, .isn = ISN, .syns_sent = 1 };

	memcpy(k.local_ip, xs_t6_us, 16);
	memcpy(k.remote_ip, xs_t6_peer, 16);
	if (st == XS_CONN_NONE)
		return bpf_map_delete_elem(e->conns_fd, &k) && errno != ENOENT ?
			       -errno :
			       0;
	return bpf_map_update_elem(e->conns_fd, &k, &c, BPF_ANY) ? -errno : 0;
}

/* Run a frame; check the verdict, the bytes, and that exactly rx_frames
 * (XDP) or tc_seen (TC) and stat moved by one (stat < 0: nothing else). */
static void run_frame(const struct env *e, bool xdp, const char *name,
		      const uint8_t *buf, size_t len, int want, int stat)
{
	__u64 before[XS_STAT_MAX], after[XS_STAT_MAX], d, w;
	uint8_t out[XS_T6_MAX + 256];
	int i, err;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	TEST_BEGIN(name);
	err = xs_read_stats(e->stats_fd, (struct xs_stats *)before);
	CHECK(!err, "reading stats: %s", strerror(-err));
	err = bpf_prog_test_run_opts(xdp ? e->xdp_fd : e->tc_fd, &o);
	CHECK(!err, "BPF_PROG_TEST_RUN: %s", strerror(errno));
	if (err)
		goto end;
	if (xdp)
		CHECK((int)o.retval == want, "verdict %s, want %s",
		      xdp_act_str(o.retval), xdp_act_str(want));
	else
		CHECK((int)o.retval == want, "verdict %d, want %d",
		      (int)o.retval, want);
	CHECK(o.data_size_out == len && !memcmp(out, buf, len),
	      "frame changed (%u bytes out, %zu in)", o.data_size_out, len);
	err = xs_read_stats(e->stats_fd, (struct xs_stats *)after);
	CHECK(!err, "reading stats: %s", strerror(-err));
	for (i = 0; i < XS_STAT_MAX; i++) {
		w = (i == (xdp ? XS_STAT_RX_FRAMES : XS_STAT_TC_SEEN)) +
		    (i == stat);
		d = after[i] - before[i];
		CHECK(d == w, "%s moved by %llu, want %llu", xs_stat_name(i),
		      (unsigned long long)d, (unsigned long long)w);
	}
end:
	TEST_END();
}

static void run6(const struct env *e, const char *name, const struct xs_t6 *f,
		 int want, int stat)
{
	uint8_t buf[XS_T6_MAX];

	run_frame(e, true, name, buf, xs_t6_build(buf, f), want, stat);
}

struct case6 {
	const char *name;
	struct xs_t6 f;
	int want;
	enum xs_stat stat;
};

#define C6(name, want, stat, ...)                 \
	{                                         \
		name, { __VA_ARGS__ }, want, stat \
	}
#define ACK_OK .ack_set = true, .ack = ISN + 1
#define QSEQ_OK .q_seq_set = true, .q_seq = ISN
#define RDR XDP_REDIRECT
#define DROP XDP_DROP
#define PASS XDP_PASS

/* Replies to our handshake (SYN sent, ISN in xs_conns), bent. */
static const struct case6 cases[] = {
	/* ours */
	C6("v6: SYN-ACK, ack isn+1 -> redirect", RDR, XS_STAT_RX_SYNACK,
	   .flags = SYNACK, ACK_OK),
	C6("v6: RST+ACK, ack isn+1 -> redirect", RDR, XS_STAT_RX_RST,
	   .flags = RSTACK, ACK_OK),
	C6("v6: SYN-ACK with 3 bytes of data (odd length) -> redirect", RDR,
	   XS_STAT_RX_SYNACK, .flags = SYNACK, ACK_OK, .payload = 3),
	C6("v6: SYN-ACK with Ethernet padding -> redirect", RDR,
	   XS_STAT_RX_SYNACK, .flags = SYNACK, ACK_OK, .pad = 6),
	C6("v6: SYN-ACK, CHECKSUM_PARTIAL (veth peer) -> redirect", RDR,
	   XS_STAT_RX_SYNACK, .flags = SYNACK, ACK_OK,
	   .csum = XS_T6_CSUM_PARTIAL),
	C6("v6: SYN-ACK after hop-by-hop options -> redirect", RDR,
	   XS_STAT_RX_SYNACK, .flags = SYNACK, ACK_OK, .ext_n = 1,
	   .ext = { 0 }),
	C6("v6: SYN-ACK after destination options of 24 bytes -> redirect", RDR,
	   XS_STAT_RX_SYNACK, .flags = SYNACK, ACK_OK, .ext_n = 1,
	   .ext = { 60 }, .ext_len8 = { 2 }),
	C6("v6: SYN-ACK after routing type 0, no segments left -> redirect",
	   RDR, XS_STAT_RX_SYNACK, .flags = SYNACK, ACK_OK, .ext_n = 1,
	   .ext = { 43 }, .ext_len8 = { 2 }, .rt_type = 0),
	C6("v6: SYN-ACK after 4 extension headers (the bound) -> redirect", RDR,
	   XS_STAT_RX_SYNACK, .flags = SYNACK, ACK_OK, .ext_n = 4,
	   .ext = { 0, 60, 43, 60 }),
	/* forged or stale */
	C6("v6: SYN-ACK, ack isn -> drop", DROP, XS_STAT_RX_INVALID,
	   .flags = SYNACK, .ack_set = true, .ack = ISN),
	C6("v6: RST+ACK, ack isn+2 -> drop", DROP, XS_STAT_RX_INVALID,
	   .flags = RSTACK, .ack_set = true, .ack = ISN + 2),
	C6("v6: SYN-ACK, TCP checksum off by one -> drop", DROP,
	   XS_STAT_RX_BAD_CSUM, .flags = SYNACK, ACK_OK,
	   .csum = XS_T6_CSUM_XOR),
	C6("v6: SYN-ACK, TCP checksum 0 -> drop", DROP, XS_STAT_RX_BAD_CSUM,
	   .flags = SYNACK, ACK_OK, .csum = XS_T6_CSUM_ZERO),
	C6("v6: SYN-ACK with data, checksum off by one -> drop", DROP,
	   XS_STAT_RX_BAD_CSUM, .flags = SYNACK, ACK_OK, .payload = 101,
	   .csum = XS_T6_CSUM_XOR),
	C6("v6: SYN+RST -> drop", DROP, XS_STAT_RX_MALFORMED,
	   .flags = SYNACK | XS_TCP_RST, ACK_OK),
	C6("v6: doff 4 -> drop", DROP, XS_STAT_RX_MALFORMED, .flags = SYNACK,
	   ACK_OK, .doff = 4),
	C6("v6: doff 6 beyond the segment -> drop", DROP, XS_STAT_RX_MALFORMED,
	   .flags = SYNACK, ACK_OK, .doff = 6),
	/* malformed IPv6: the kernel drops these too */
	C6("v6: version 4 behind ethertype 86DD -> drop", DROP,
	   XS_STAT_RX_MALFORMED, .flags = SYNACK, ACK_OK, .ver = 4),
	C6("v6: payload length 1 beyond the frame -> drop", DROP,
	   XS_STAT_RX_MALFORMED, .flags = SYNACK, ACK_OK, .plen_delta = 1),
	C6("v6: payload length 12, below the TCP header -> drop", DROP,
	   XS_STAT_RX_MALFORMED, .flags = SYNACK, ACK_OK, .plen_set = true,
	   .plen = 12, .pad = 8),
	C6("v6: payload length below the extension header -> drop", DROP,
	   XS_STAT_RX_MALFORMED, .flags = SYNACK, ACK_OK, .ext_n = 1,
	   .ext = { 60 }, .ext_len8 = { 2 }, .plen_set = true, .plen = 16),
	C6("v6: header cut at 30 bytes -> drop", DROP, XS_STAT_RX_MALFORMED,
	   .flags = SYNACK, ACK_OK, .trunc = 14 + 30),
	C6("v6: extension header cut by the frame -> drop", DROP,
	   XS_STAT_RX_MALFORMED, .flags = SYNACK, ACK_OK, .ext_n = 1,
	   .ext = { 60 }, .ext_len8 = { 8 }, .trunc = 14 + 40 + 20),
	C6("v6: jumbogram (payload length 0, jumbo option) -> drop", DROP,
	   XS_STAT_RX_MALFORMED, .flags = SYNACK, ACK_OK, .ext_n = 1,
	   .ext = { 0 }, .jumbo = true, .plen_set = true, .plen = 0),
	C6("v6: hop-by-hop after destination options -> drop", DROP,
	   XS_STAT_RX_MALFORMED, .flags = SYNACK, ACK_OK, .ext_n = 2,
	   .ext = { 60, 0 }),
	C6("v6: next-header loop (hop-by-hop twice) -> drop", DROP,
	   XS_STAT_RX_MALFORMED, .flags = SYNACK, ACK_OK, .ext_n = 2,
	   .ext = { 0, 0 }),
	/* not ours, or not ours to judge: to the kernel */
	C6("v6: 5 extension headers (beyond the bound) -> pass", PASS,
	   XS_STAT_RX_V6_EXT_DEEP, .flags = SYNACK, ACK_OK, .ext_n = 5,
	   .ext = { 60, 60, 60, 60, 60 }),
	C6("v6: 8 destination options headers -> pass", PASS,
	   XS_STAT_RX_V6_EXT_DEEP, .flags = SYNACK, ACK_OK, .ext_n = 8,
	   .ext = { 60, 60, 60, 60, 60, 60, 60, 60 }),
	C6("v6: fragment header (first fragment, TCP) -> pass", PASS,
	   XS_STAT_RX_V6_FRAG, .flags = SYNACK, ACK_OK, .ext_n = 1,
	   .ext = { 44 }),
	C6("v6: fragment header after hop-by-hop -> pass", PASS,
	   XS_STAT_RX_V6_FRAG, .flags = SYNACK, ACK_OK, .ext_n = 2,
	   .ext = { 0, 44 }),
	C6("v6: routing type 0 with segments left -> pass", PASS,
	   XS_STAT_RX_PASS, .flags = SYNACK, ACK_OK, .ext_n = 1, .ext = { 43 },
	   .ext_len8 = { 2 }, .rt_segleft = 1),
	C6("v6: unknown next header 253 -> pass", PASS, XS_STAT_RX_PASS,
	   .upper = 253),
	C6("v6: no next header (59) -> pass", PASS, XS_STAT_RX_PASS,
	   .upper = 59),
	C6("v6: unknown next header after destination options -> pass", PASS,
	   XS_STAT_RX_PASS, .ext_n = 1, .ext = { 60 }, .upper = 253),
	C6("v6: UDP to our port -> pass", PASS, XS_STAT_RX_PASS, .upper = 17,
	   .payload = 4),
	C6("v6: SYN-ACK to another address -> pass", PASS, XS_STAT_RX_PASS,
	   .flags = SYNACK, ACK_OK, .daddr = xs_t6_other),
	C6("v6: SYN-ACK to a port below the range -> pass", PASS,
	   XS_STAT_RX_PASS, .flags = SYNACK, ACK_OK, .dport = PORT_LO - 1),
	C6("v6: SYN-ACK to a port above the range -> pass", PASS,
	   XS_STAT_RX_PASS, .flags = SYNACK, ACK_OK, .dport = PORT_HI + 1),
	C6("v6: plain ACK (no XS_CFG_ALL_SEGMENTS) -> pass", PASS,
	   XS_STAT_RX_PASS, .flags = XS_TCP_ACK, ACK_OK),
	C6("v6: bad checksum to another port -> pass (not ours)", PASS,
	   XS_STAT_RX_PASS, .flags = SYNACK, ACK_OK, .dport = 22,
	   .csum = XS_T6_CSUM_XOR),
	/* neighbour discovery and the other ICMPv6 messages */
	C6("v6: NDP neighbour solicitation to our address -> pass", PASS,
	   XS_STAT_RX_PASS, .icmp_type = 135),
	C6("v6: NDP neighbour solicitation to solicited-node -> pass", PASS,
	   XS_STAT_RX_PASS, .icmp_type = 135, .daddr = xs_t6_snm),
	C6("v6: NDP neighbour advertisement -> pass", PASS, XS_STAT_RX_PASS,
	   .icmp_type = 136),
	C6("v6: NDP router advertisement -> pass", PASS, XS_STAT_RX_PASS,
	   .icmp_type = 134),
	C6("v6: NDP redirect -> pass", PASS, XS_STAT_RX_PASS, .icmp_type = 137),
	C6("v6: NDP after hop-by-hop (MLD-style) -> pass", PASS,
	   XS_STAT_RX_PASS, .icmp_type = 135, .ext_n = 1, .ext = { 0 }),
	C6("v6: echo request -> pass", PASS, XS_STAT_RX_PASS, .icmp_type = 128),
	/* ICMPv6 errors quoting our SYN */
	C6("v6: unreachable code 0 (no route) quoting our SYN -> redirect", RDR,
	   XS_STAT_RX_ICMP, .icmp_type = 1, .icmp_code = 0, QSEQ_OK),
	C6("v6: unreachable code 1 (admin prohibited) -> redirect", RDR,
	   XS_STAT_RX_ICMP, .icmp_type = 1, .icmp_code = 1, QSEQ_OK),
	C6("v6: unreachable code 2 (beyond scope) -> redirect", RDR,
	   XS_STAT_RX_ICMP, .icmp_type = 1, .icmp_code = 2, QSEQ_OK),
	C6("v6: unreachable code 3 (address) -> redirect", RDR, XS_STAT_RX_ICMP,
	   .icmp_type = 1, .icmp_code = 3, QSEQ_OK),
	C6("v6: unreachable code 4 (port) -> redirect", RDR, XS_STAT_RX_ICMP,
	   .icmp_type = 1, .icmp_code = 4, QSEQ_OK),
	C6("v6: unreachable code 5 (ingress policy) -> redirect", RDR,
	   XS_STAT_RX_ICMP, .icmp_type = 1, .icmp_code = 5, QSEQ_OK),
	C6("v6: unreachable code 6 (reject route) -> redirect", RDR,
	   XS_STAT_RX_ICMP, .icmp_type = 1, .icmp_code = 6, QSEQ_OK),
	C6("v6: unreachable code 7 -> drop", DROP, XS_STAT_RX_ICMP_BAD,
	   .icmp_type = 1, .icmp_code = 7, QSEQ_OK),
	C6("v6: packet too big quoting our SYN -> redirect", RDR,
	   XS_STAT_RX_ICMP, .icmp_type = 2, QSEQ_OK),
	C6("v6: packet too big quoting our data (isn+1+100) -> redirect", RDR,
	   XS_STAT_RX_ICMP, .icmp_type = 2, .q_seq_set = true,
	   .q_seq = ISN + 101),
	C6("v6: time exceeded (hop limit) -> redirect", RDR, XS_STAT_RX_ICMP,
	   .icmp_type = 3, .icmp_code = 0, QSEQ_OK),
	C6("v6: time exceeded in reassembly -> drop", DROP, XS_STAT_RX_ICMP_BAD,
	   .icmp_type = 3, .icmp_code = 1, QSEQ_OK),
	C6("v6: unreachable quoting seq isn+100 -> drop", DROP,
	   XS_STAT_RX_ICMP_BAD, .icmp_type = 1, .icmp_code = 4,
	   .q_seq_set = true, .q_seq = ISN + 100),
	C6("v6: unreachable quoting 4 bytes of TCP -> drop", DROP,
	   XS_STAT_RX_ICMP_BAD, .icmp_type = 1, .icmp_code = 1, QSEQ_OK,
	   .q_l4 = 4),
	C6("v6: unreachable quoting a version-4 header -> drop", DROP,
	   XS_STAT_RX_ICMP_BAD, .icmp_type = 1, .icmp_code = 1, QSEQ_OK,
	   .q_ver = 4),
	C6("v6: unreachable quoting 20 bytes of IPv6 header -> drop", DROP,
	   XS_STAT_RX_MALFORMED, .icmp_type = 1, .icmp_code = 1, QSEQ_OK,
	   .q_ip_cut = 20),
	C6("v6: unreachable with no quote -> drop", DROP, XS_STAT_RX_MALFORMED,
	   .icmp_type = 1, .icmp_code = 1, .q_ip_cut = 0xff),
	C6("v6: unreachable quoting an ICMPv6 error -> drop", DROP,
	   XS_STAT_RX_ICMP_BAD, .icmp_type = 1, .icmp_code = 1, .q_next = 58,
	   .q_icmp_type = 1),
	C6("v6: unreachable quoting an echo request -> pass", PASS,
	   XS_STAT_RX_PASS, .icmp_type = 1, .icmp_code = 1, .q_next = 58,
	   .q_icmp_type = 128),
	C6("v6: unreachable quoting another address -> pass", PASS,
	   XS_STAT_RX_PASS, .icmp_type = 1, .icmp_code = 1, QSEQ_OK,
	   .q_saddr = xs_t6_other),
	C6("v6: unreachable quoting a port outside the range -> pass", PASS,
	   XS_STAT_RX_PASS, .icmp_type = 1, .icmp_code = 1, QSEQ_OK,
	   .q_sport = 22),
	C6("v6: unreachable quoting UDP -> pass", PASS, XS_STAT_RX_PASS,
	   .icmp_type = 1, .icmp_code = 4, .q_next = 17),
	C6("v6: parameter problem quoting our SYN -> pass", PASS,
	   XS_STAT_RX_PASS, .icmp_type = 4, QSEQ_OK),
	C6("v6: unreachable to another address -> pass", PASS, XS_STAT_RX_PASS,
	   .icmp_type = 1, .icmp_code = 1, QSEQ_OK, .daddr = xs_t6_other),
	C6("v6: unreachable behind a fragment header -> pass", PASS,
	   XS_STAT_RX_V6_FRAG, .icmp_type = 1, .icmp_code = 1, QSEQ_OK,
	   .ext_n = 1, .ext = { 44 }),
};

static void run_table(const struct env *e)
{
	size_t i;

	set_cfg(e, true, true, 0);
	set_conn(e, XS_CONN_SYN_SENT);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run6(e, cases[i].name, &cases[i].f, cases[i].want,
		     cases[i].stat);
}

/* Beyond the table: what depends on the configuration and the entry. */
static void run_config(const struct env *e)
{
	struct xs_t6 sa = { .flags = SYNACK, ACK_OK };
	struct xs_t6 seg = { .flags = XS_TCP_ACK | XS_TCP_PSH,
			     ACK_OK,
			     .payload = 1000 };
	struct xs_tframe v4 = { .flags = SYNACK };
	struct xs_tf_defaults d4 = { htonl(0x0a0b0101), htonl(0x0a0b0102), 80,
				     PORT_LO };
	uint8_t buf[XS_T6_MAX];
	size_t len;

	set_conn(e, XS_CONN_NONE);
	run6(e, "v6: SYN-ACK of no recorded handshake -> redirect", &sa, RDR,
	     XS_STAT_RX_SYNACK);
	sa.ack = 5;
	run6(e, "v6: ... any ack: userspace judges it", &sa, RDR,
	     XS_STAT_RX_SYNACK);
	sa.ack = ISN + 1;
	set_cfg(e, true, true, XS_CFG_ALL_SEGMENTS);
	run6(e, "v6: 1000 bytes of data, XS_CFG_ALL_SEGMENTS -> redirect", &seg,
	     RDR, XS_STAT_RX_OTHER);
	seg.csum = XS_T6_CSUM_XOR;
	run6(e, "v6: ... its checksum off by one -> drop", &seg, DROP,
	     XS_STAT_RX_BAD_CSUM);
	seg.csum = XS_T6_CSUM_PARTIAL;
	run6(e, "v6: ... CHECKSUM_PARTIAL -> redirect", &seg, RDR,
	     XS_STAT_RX_OTHER);

	/* Both families at once, and each alone. */
	set_cfg(e, true, true, 0);
	len = xs_tf_build(buf, &v4, &d4);
	run_frame(e, true, "v4+v6 configured: IPv4 SYN-ACK -> redirect", buf,
		  len, RDR, XS_STAT_RX_SYNACK);
	run6(e, "v4+v6 configured: IPv6 SYN-ACK -> redirect", &sa, RDR,
	     XS_STAT_RX_SYNACK);
	set_cfg(e, true, false, 0);
	run6(e, "v4 only: IPv6 SYN-ACK -> pass", &sa, PASS, XS_STAT_RX_PASS);
	set_cfg(e, false, true, 0);
	run_frame(e, true, "v6 only: IPv4 SYN-ACK -> pass", buf, len, PASS,
		  XS_STAT_RX_PASS);
	run6(e, "v6 only: IPv6 SYN-ACK -> redirect", &sa, RDR,
	     XS_STAT_RX_SYNACK);
}

/*
 * XS_CFG_ISN_CHECK over IPv6: the program and xs_isn6() on the same
 * random tuples (peer address, both ports; four of our addresses), and
 * the quoted sequence number of an ICMPv6 error checked the same way.
 */
static void run_isn(const struct env *e)
{
	uint8_t us[16], peer[16], buf[XS_T6_MAX];
	struct xs_config cfg = { .port_lo = 1,
				 .port_hi = 65535,
				 .flags = XS_CFG_ISN_CHECK,
				 .isn_k0 = isn_key.k0,
				 .isn_k1 = isn_key.k1 };
	struct xs_t6 f;
	unsigned int i, bad = 0, j;
	uint32_t isn;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf, .repeat = 1);

	TEST_BEGIN("v6 isn_check: the XDP SipHash equals xs_isn6()");
	srand(6);
	for (i = 0; i < 200 && !bad; i++) {
		if (i % 50 == 0) {
			for (j = 0; j < 16; j++)
				us[j] = (uint8_t)rand();
			us[0] = 0xfd;
			memcpy(cfg.src_ip6, us, 16);
			xs_write_cfg(e->cfg_fd, &cfg);
		}
		for (j = 0; j < 16; j++)
			peer[j] = (uint8_t)rand();
		peer[0] = 0x20;
		memset(&f, 0, sizeof(f));
		f.saddr = peer;
		f.daddr = us;
		f.sport = 1 + rand() % 65535;
		f.dport = 1 + rand() % 65535;
		f.flags = SYNACK;
		f.ack_set = true;
		isn = xs_isn6(&isn_key, us, peer, f.dport, f.sport);
		f.ack = isn + 1;
		o.data_size_in = xs_t6_build(buf, &f);
		if (bpf_prog_test_run_opts(e->xdp_fd, &o) ||
		    o.retval != XDP_REDIRECT)
			bad = i + 1;
		f.ack = isn + 2;
		o.data_size_in = xs_t6_build(buf, &f);
		if (bpf_prog_test_run_opts(e->xdp_fd, &o) ||
		    o.retval != XDP_DROP)
			bad = i + 1;
	}
	CHECK(!bad, "tuple %u: ack = xs_isn6() + 1 not taken or + 2 taken",
	      bad - 1);
	TEST_END();

	/* The same with the isn of the default tuple, counters checked. */
	memcpy(cfg.src_ip6, xs_t6_us, 16);
	cfg.port_lo = PORT_LO;
	cfg.port_hi = PORT_HI;
	xs_write_cfg(e->cfg_fd, &cfg);
	isn = xs_isn6(&isn_key, xs_t6_us, xs_t6_peer, PORT_LO, XS_T6_PEER_PORT);
	memset(&f, 0, sizeof(f));
	f.flags = SYNACK;
	f.ack_set = true;
	f.ack = isn + 1;
	run6(e, "v6 isn_check: SYN-ACK ack = xs_isn6()+1 -> redirect", &f, RDR,
	     XS_STAT_RX_SYNACK);
	f.ack = isn;
	run6(e, "v6 isn_check: SYN-ACK ack = xs_isn6() -> drop", &f, DROP,
	     XS_STAT_RX_INVALID);
	f.flags = XS_TCP_RST;
	f.ack = isn + 1;
	run6(e, "v6 isn_check: RST without ACK -> drop", &f, DROP,
	     XS_STAT_RX_INVALID);
	memset(&f, 0, sizeof(f));
	f.icmp_type = 1;
	f.icmp_code = 1;
	f.q_seq_set = true;
	f.q_seq = isn;
	run6(e, "v6 isn_check: unreachable quoting seq xs_isn6() -> redirect",
	     &f, RDR, XS_STAT_RX_ICMP);
	f.q_seq = isn + 1;
	run6(e, "v6 isn_check: unreachable quoting another seq -> drop", &f,
	     DROP, XS_STAT_RX_ICMP_BAD);
}

/* The TC guard on IPv6 egress. */
static void run_tc(const struct env *e)
{
	static const struct {
		const char *name;
		struct xs_t6 f;
		int want;
	} tc[] = {
		{ "tc v6: kernel RST from our address and port -> drop",
		  { .egress = true, .flags = XS_TCP_RST },
		  TC_SHOT },
		{ "tc v6: kernel RST+ACK from the last port of the range -> drop",
		  { .egress = true, .flags = RSTACK, .sport = PORT_HI },
		  TC_SHOT },
		{ "tc v6: RST from a port outside the range -> continue",
		  { .egress = true, .flags = XS_TCP_RST, .sport = 22 },
		  TC_UNSPEC },
		{ "tc v6: RST from another address -> continue",
		  { .egress = true, .flags = XS_TCP_RST, .saddr = xs_t6_other },
		  TC_UNSPEC },
		{ "tc v6: SYN from our port -> continue",
		  { .egress = true, .flags = XS_TCP_SYN },
		  TC_UNSPEC },
		{ "tc v6: ACK from our port -> continue",
		  { .egress = true, .flags = XS_TCP_ACK },
		  TC_UNSPEC },
		{ "tc v6: NDP solicitation from us -> continue",
		  { .egress = true, .icmp_type = 135, .daddr = xs_t6_snm },
		  TC_UNSPEC },
		{ "tc v6: RST behind a destination options header -> continue",
		  { .egress = true,
		    .flags = XS_TCP_RST,
		    .ext_n = 1,
		    .ext = { 60 } },
		  TC_UNSPEC },
		{ "tc v6: RST, payload length beyond the frame -> continue",
		  { .egress = true, .flags = XS_TCP_RST, .plen_delta = 4 },
		  TC_UNSPEC },
	};
	uint8_t buf[XS_T6_MAX];
	size_t i;

	set_cfg(e, true, true, 0);
	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++)
		run_frame(e, false, tc[i].name, buf, xs_t6_build(buf, &tc[i].f),
			  tc[i].want,
			  tc[i].want == TC_SHOT ? XS_STAT_TC_RST_DROP : -1);
	set_cfg(e, true, false, 0);
	run_frame(e, false, "tc v6: IPv6 not configured: RST -> continue", buf,
		  xs_t6_build(buf, &tc[0].f), TC_UNSPEC, -1);
}

/*
 * Random mutations of the table's frames (bytes set at random in the first
 * 120, or the frame cut short), a fixed seed and a fixed count: whatever
 * the bytes, the frame comes back unchanged, the verdict is one of the
 * three, rx_frames and exactly one verdict counter move, and nothing is
 * redirected that is not IPv6 to our address.
 */
static void run_mutations(const struct env *e)
{
	__u64 before[XS_STAT_MAX], after[XS_STAT_MAX], moved;
	uint8_t buf[XS_T6_MAX], out[XS_T6_MAX + 256];
	unsigned int n, k, bad = 0;
	const char *why = "";
	size_t len, c, i;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf, .data_out = out,
		    .repeat = 1);

	TEST_BEGIN("v6 mutations: 3000 mutated frames keep the invariants");
	set_cfg(e, true, true, 0);
	set_conn(e, XS_CONN_SYN_SENT);
	srand(1306);
	for (n = 0; n < 3000 && !bad; n++) {
		c = rand() % (sizeof(cases) / sizeof(cases[0]));
		len = xs_t6_build(buf, &cases[c].f);
		for (k = rand() % 4 + 1; k; k--)
			buf[rand() % (len < 120 ? len : 120)] = (uint8_t)rand();
		if (rand() % 8 == 0)
			len = 14 + rand() % (len - 13);
		o.data_size_in = len;
		o.data_size_out = sizeof(out);
		xs_read_stats(e->stats_fd, (struct xs_stats *)before);
		if (bpf_prog_test_run_opts(e->xdp_fd, &o)) {
			why = "test run failed";
			bad = n + 1;
			break;
		}
		xs_read_stats(e->stats_fd, (struct xs_stats *)after);
		moved = 0;
		for (i = 0; i < XS_STAT_MAX; i++)
			moved += after[i] - before[i];
		if (o.retval != XDP_PASS && o.retval != XDP_DROP &&
		    o.retval != XDP_REDIRECT)
			why = "verdict";
		else if (o.data_size_out != len || memcmp(out, buf, len))
			why = "frame changed";
		else if (after[XS_STAT_RX_FRAMES] !=
				 before[XS_STAT_RX_FRAMES] + 1 ||
			 moved != 2)
			why = "counters";
		else if (o.retval == XDP_REDIRECT &&
			 (buf[12] != 0x86 || buf[13] != 0xdd ||
			  memcmp(buf + 14 + 24, xs_t6_us, 16)))
			why = "redirected a frame not to us";
		else
			continue;
		bad = n + 1;
	}
	CHECK(!bad, "mutation %u (of case '%s'): %s", bad - 1,
	      bad ? cases[c].name : "", why);
	TEST_END();
}

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
	if (!err)
		err = tc_guard_bpf__load(e->tc);
	if (err)
		return err;
	e->xdp_fd = bpf_program__fd(e->xdp->progs.xs_xdp_filter);
	e->tc_fd = bpf_program__fd(e->tc->progs.xs_tc_guard);
	e->cfg_fd = bpf_map__fd(e->xdp->maps.xs_cfg);
	e->stats_fd = bpf_map__fd(e->xdp->maps.xs_stats);
	e->conns_fd = bpf_map__fd(e->xdp->maps.xs_conns);
	return lo_xsk(bpf_map__fd(e->xdp->maps.xs_xsks), &e->xsk);
}

int main(void)
{
	struct env e = {};
	int err;

	libbpf_set_print(quiet);
	TEST_BEGIN("setup: own network namespace with lo up");
	err = lo_netns();
	if (err && geteuid())
		TEST_SKIP("needs root (a network namespace of its own)");
	else
		CHECK(!err, "%s", strerror(-err));
	TEST_END();
	if (err)
		return TEST_EXIT();
	TEST_BEGIN("setup: both programs, shared maps, AF_XDP socket on lo");
	err = env_load(&e);
	CHECK(!err, "%s", strerror(-err));
	TEST_END();
	if (!err) {
		run_table(&e);
		run_config(&e);
		run_isn(&e);
		run_tc(&e);
		run_mutations(&e);
	}
	xs_xsk_close(e.xsk);
	tc_guard_bpf__destroy(e.tc);
	xdp_filter_bpf__destroy(e.xdp);
	return TEST_EXIT();
}
