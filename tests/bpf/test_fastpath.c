// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fast path (bpf/fastpath.h) through the compiled XDP filter with
 * BPF_PROG_TEST_RUN:
 *
 *  - a valid SYN-ACK comes back XDP_TX as exactly the RST (FAST_RST) or
 *    final ACK (FAST_ACK) userspace builds (xs_build_tcp_frame, the bytes
 *    compared whole; the IP ID and our TSval are taken from the output and
 *    checked for what they may be), its IP and TCP checksums verified by
 *    frames.h's own sum, one record in the ring buffer with the SYN-ACK's
 *    headers, and tx_xdp_rst / tx_xdp_ack counted;
 *  - without the fast-path flags the same frame is redirected: the test
 *    fails without the feature;
 *  - a bad TCP checksum, IP options, a payload, broken options, odd flags:
 *    never XDP_TX; CHECKSUM_PARTIAL is answered, as userspace takes it;
 *  - FAST_ACK records the handshake in xs_conns and leaves a retransmitted
 *    SYN-ACK (same server ISN) to the socket;
 *  - the hostile table (tests/hostile/cases.h) twice, as built and with the
 *    ack made to pass the ISN check: XDP_TX only where userspace's parser
 *    and validator take the frame as a clean new SYN-ACK, and then with the
 *    exact answer; its IPv6 rows the same (XDP_TX only for a clean one);
 *  - a full ring buffer: the frame is redirected, rx_fast_fallback
 *    counted, and every XDP_TX has its record;
 *  - IPv6 (tests/bpf/frames6.h): a SYN-ACK that passes the check comes
 *    back as exactly the RST or ACK userspace builds (hop limit as we send
 *    it, the TCP checksum over the IPv6 pseudo-header verified by this
 *    file's own sum), its record holding the IPv6 headers and the entry
 *    in xs_conns under the IPv6 4-tuple; a forged one (ack not ours + 1)
 *    dropped, never answered; extension headers, a payload, a bad
 *    checksum: never XDP_TX.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "icmp.h"
#include "isn.h"
#include "loader.h"
#include "packet.h"
#include "validate.h"
#include "xdp_filter.skel.h"
#include "testlib.h"
#include "lo_xsk.h"
#include "hostile/cases.h"
#include "bpf/frames6.h"

static const struct xs_isn_key key = { 0x0123456789abcdefULL,
				       0xfedcba9876543210ULL };

#define WINDOW 29200
#define TTL 57

/* Linux's SYN-ACK options: MSS 1460, SACK permitted, TS, NOP, WS 7. */
static const char linux_opts[20] = { 2,	   4,	 5, (char)180, 4, 2,	8,
				     10,   0,	 0, 0,	       9, 0x12, 0x34,
				     0x56, 0x78, 1, 3,	       3, 7 };

struct env {
	struct xdp_filter_bpf *skel;
	int prog, cfg, stats, conns;
	struct ring_buffer *rb;
	struct xs_xsk *xsk;
	unsigned int nrec;
	struct xs_fast_rec rec; /* the last one */
};

static int on_rec(void *ctx, void *data, size_t size)
{
	struct env *e = ctx;

	if (size >= sizeof(e->rec))
		memcpy(&e->rec, data, sizeof(e->rec));
	e->nrec++;
	return 0;
}

static int set_cfg(const struct env *e, uint32_t saddr, uint16_t lo,
		   uint16_t hi, uint32_t flags)
{
	struct xs_config c = { .src_ip = saddr,
			       .port_lo = lo,
			       .port_hi = hi,
			       .flags = flags,
			       .window = WINDOW,
			       .ttl = TTL,
			       .isn_k0 = key.k0,
			       .isn_k1 = key.k1 };
	__u32 zero = 0;

	return bpf_map_update_elem(e->cfg, &zero, &c, BPF_ANY) ? -errno : 0;
}

/* The same with our IPv6 address too: both families, as one load. */
static int set_cfg6(const struct env *e, const uint8_t *saddr6, uint16_t lo,
		    uint16_t hi, uint32_t flags)
{
	struct xs_config c = { .src_ip = HC_OUR_IP,
			       .port_lo = lo,
			       .port_hi = hi,
			       .flags = flags,
			       .window = WINDOW,
			       .ttl = TTL,
			       .isn_k0 = key.k0,
			       .isn_k1 = key.k1 };
	__u32 zero = 0;

	memcpy(c.src_ip6, saddr6, 16);
	return bpf_map_update_elem(e->cfg, &zero, &c, BPF_ANY) ? -errno : 0;
}

static __u64 counter(const struct env *e, enum xs_stat id)
{
	struct xs_stats st;

	if (xs_read_stats(e->stats, &st))
		return ~0ULL;
	return ((__u64 *)&st)[id];
}

/* A SYN-ACK from the server to us, with the ack our keyed ISN + 1. */
static size_t synack(uint8_t *buf, struct xs_tframe *f)
{
	struct xs_tf_defaults d = { HC_PEER_IP, HC_OUR_IP, HC_DPORT, HC_SPORT };

	f->flags = f->flags ? f->flags : XS_TCP_SYN | XS_TCP_ACK;
	f->seq_set = f->ack_set = true;
	f->seq = HC_SISN;
	f->ack = xs_isn(&key, HC_OUR_IP, HC_PEER_IP, HC_SPORT, HC_DPORT) + 1;
	return xs_tf_build(buf, f, &d);
}

static uint64_t last_ns; /* the last test run's duration */

static int run(struct env *e, const uint8_t *in, size_t len, uint8_t *out,
	       uint32_t *outlen)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len,
		    .data_out = out, .data_size_out = XS_TF_MAX, .repeat = 1);

	if (bpf_prog_test_run_opts(e->prog, &o))
		return -1;
	*outlen = o.data_size_out;
	last_ns = o.duration;
	return (int)o.retval;
}

static uint32_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000);
}

/*
 * out must be the answer to the SYN-ACK in[0..len): the bytes txseg.c
 * would build for it (RST, or ACK with the timestamp echoed), the IP ID
 * and our TSval as out has them, TSval within [t0, t1].  Returns a reason,
 * or NULL.
 */
static const char *check_answer(const uint8_t *in, size_t len,
				const uint8_t *out, size_t outlen, bool ack,
				uint32_t t0, uint32_t t1)
{
	static char why[128];
	struct xs_frame_spec s = { .ttl = TTL, .window = WINDOW, .df = true };
	uint8_t want[XS_TF_MAX];
	struct xs_pkt k;
	size_t n;
	uint32_t tsv = 0;

	if (xs_parse_reply_frame(in, len, &k) != XS_PARSE_OK)
		return "the SYN-ACK does not parse";
	memcpy(s.src_mac, k.dst_mac, 6);
	memcpy(s.dst_mac, k.src_mac, 6);
	s.saddr = k.daddr;
	s.daddr = k.saddr;
	s.sport = k.dport;
	s.dport = k.sport;
	s.seq = k.ack;
	s.ip_id = outlen > 19 ? (uint16_t)(out[18] << 8 | out[19]) : 0;
	if (ack) {
		s.flags = XS_TCP_ACK;
		s.ack = k.seq + 1;
		if (k.opts.has_ts && outlen >= 66) {
			tsv = (uint32_t)out[58] << 24 | out[59] << 16 |
			      out[60] << 8 | out[61];
			s.opts.has_ts = true;
			s.opts.ts_val = tsv;
			s.opts.ts_ecr = k.opts.ts_val;
			if ((int32_t)(tsv - t0) < 0 || (int32_t)(t1 - tsv) < 0)
				return "TSval is not the time of the answer";
		}
	} else {
		s.flags = XS_TCP_RST;
	}
	n = xs_build_tcp_frame(want, sizeof(want), &s);
	if (n != outlen || memcmp(want, out, n)) {
		snprintf(why, sizeof(why), "%zu bytes, want %zu: not our %s",
			 outlen, n, ack ? "ACK" : "RST");
		return why;
	}
	/* The sums once more, by frames.h's code rather than packet.c's. */
	if (xs_tf_fold(xs_tf_sum(0, out + 14, 20)) != 0)
		return "IP checksum does not verify";
	{
		uint8_t ph[12];
		uint32_t sum;

		memcpy(ph, out + 26, 8);
		ph[8] = 0;
		ph[9] = 6;
		xs_tf_put16(ph + 10, (uint16_t)(outlen - 34));
		sum = xs_tf_sum(xs_tf_sum(0, ph, 12), out + 34, outlen - 34);
		if (xs_tf_fold(sum) != 0)
			return "TCP checksum does not verify";
	}
	return NULL;
}

/* No handshake recorded: each case starts from an empty table. */
static void clear_conns(const struct env *e)
{
	struct xs_conn_key k, next;

	while (!bpf_map_get_next_key(e->conns, NULL, &next)) {
		k = next;
		if (bpf_map_delete_elem(e->conns, &k))
			break;
	}
}

/* One frame through the filter that must be answered: verdict, bytes,
 * record, counter. */
static void answered(struct env *e, const char *name, struct xs_tframe f,
		     bool ack)
{
	uint8_t in[XS_TF_MAX], out[XS_TF_MAX];
	enum xs_stat id = ack ? XS_STAT_TX_XDP_ACK : XS_STAT_TX_XDP_RST;
	size_t len = synack(in, &f);
	__u64 before = counter(e, id);
	uint32_t outlen = 0, t0, t1;
	const char *why;
	int act;

	TEST_BEGIN(name);
	clear_conns(e);
	CHECK(!set_cfg(e, HC_OUR_IP, HC_PORT_LO, HC_PORT_HI,
		       XS_CFG_ISN_CHECK |
			       (ack ? XS_CFG_FAST_ACK : XS_CFG_FAST_RST)),
	      "config");
	e->nrec = 0;
	t0 = now_us();
	act = run(e, in, len, out, &outlen);
	t1 = now_us();
	CHECK(act == XDP_TX, "verdict %s, want XDP_TX", xdp_act_str(act));
	if (act == XDP_TX) {
		why = check_answer(in, len, out, outlen, ack, t0, t1);
		CHECK(!why, "%s", why);
	}
	ring_buffer__consume(e->rb);
	CHECK(e->nrec == 1, "%u records, want 1", e->nrec);
	CHECK(e->rec.len == len && !memcmp(e->rec.hdr, in, len) &&
		      e->rec.answer ==
			      (ack ? XS_FAST_ANS_ACK : XS_FAST_ANS_RST),
	      "the record is not the SYN-ACK's headers (len %u of %zu)",
	      e->rec.len, len);
	CHECK(counter(e, id) == before + 1, "%s not counted", xs_stat_name(id));
	TEST_END();
}

/* A frame the fast path must leave alone (the ISN check passes). */
static void not_answered(struct env *e, const char *name, struct xs_tframe f,
			 uint32_t flags, int want)
{
	uint8_t in[XS_TF_MAX], out[XS_TF_MAX];
	size_t len = synack(in, &f);
	uint32_t outlen = 0;
	int act;

	TEST_BEGIN(name);
	CHECK(!set_cfg(e, HC_OUR_IP, HC_PORT_LO, HC_PORT_HI, flags), "config");
	e->nrec = 0;
	act = run(e, in, len, out, &outlen);
	CHECK(act == want, "verdict %s, want %s", xdp_act_str(act),
	      xdp_act_str(want));
	CHECK(outlen == len && !memcmp(in, out, len), "frame changed");
	ring_buffer__consume(e->rb);
	CHECK(e->nrec == 0, "%u records, want none", e->nrec);
	TEST_END();
}

static void basic_cases(struct env *e)
{
	const uint32_t rst = XS_CFG_ISN_CHECK | XS_CFG_FAST_RST;
	struct xs_tframe lin = { .tcp_opt = 20, .tcp_optv = linux_opts };

	answered(e, "fast rst: SYN-ACK with Linux's options -> our RST", lin,
		 false);
	answered(e, "fast ack: SYN-ACK with Linux's options -> our ACK + TSopt",
		 lin, true);
	answered(e, "fast ack: SYN-ACK without options -> bare ACK",
		 (struct xs_tframe){ 0 }, true);
	answered(e, "fast ack: SYN-ACK+ECE -> our ACK",
		 (struct xs_tframe){ .flags = XS_TCP_SYN | XS_TCP_ACK |
					      XS_TCP_ECE,
				     .tcp_opt = 20,
				     .tcp_optv = linux_opts },
		 true);
	answered(e, "fast rst: CHECKSUM_PARTIAL SYN-ACK (veth peer) -> RST",
		 (struct xs_tframe){ .tcp_csum_partial = true }, false);
	not_answered(e, "no fast flags: the same SYN-ACK is redirected", lin,
		     XS_CFG_ISN_CHECK, XDP_REDIRECT);
	not_answered(e, "fast flags without the ISN check: redirected", lin,
		     XS_CFG_FAST_RST, XDP_REDIRECT);
	not_answered(e, "fast rst: bad TCP checksum -> socket",
		     (struct xs_tframe){ .tcp_csum_xor = 0x0100 }, rst,
		     XDP_REDIRECT);
	not_answered(e, "fast rst: IP options -> socket",
		     (struct xs_tframe){ .ip_opt = 4 }, rst, XDP_REDIRECT);
	not_answered(e, "fast rst: payload -> socket",
		     (struct xs_tframe){ .payload = 4 }, rst, XDP_REDIRECT);
	not_answered(e, "fast rst: option of length 1 -> socket",
		     (struct xs_tframe){ .tcp_opt = 4,
					 .tcp_optv = "\x02\x01\x01\x01" },
		     rst, XDP_REDIRECT);
	not_answered(e, "fast rst: option past the header -> socket",
		     (struct xs_tframe){ .tcp_opt = 4,
					 .tcp_optv = "\x01\x08\x0a\x00" },
		     rst, XDP_REDIRECT);
	not_answered(e, "fast rst: SYN-ACK+PSH -> socket",
		     (struct xs_tframe){ .flags = XS_TCP_SYN | XS_TCP_ACK |
						  XS_TCP_PSH },
		     rst, XDP_REDIRECT);
	not_answered(e, "fast rst: reserved bits set -> socket",
		     (struct xs_tframe){ .tcp_res = 1 }, rst, XDP_REDIRECT);
}

/* FAST_ACK: the connection table entry, and a retransmission left alone. */
static void conn_cases(struct env *e)
{
	struct xs_conn_key k = { .local_port = HC_SPORT,
				 .remote_port = HC_DPORT };
	struct xs_tframe lin = { .tcp_opt = 20, .tcp_optv = linux_opts };
	uint32_t our = HC_OUR_IP, peer = HC_PEER_IP;
	struct xs_conn c = {};

	/* 16-byte addresses: IPv4 as ::ffff:a.b.c.d. */
	k.local_ip[10] = k.local_ip[11] = 0xff;
	k.remote_ip[10] = k.remote_ip[11] = 0xff;
	memcpy(&k.local_ip[12], &our, 4);
	memcpy(&k.remote_ip[12], &peer, 4);
	answered(e, "fast ack: first SYN-ACK of a 4-tuple answered", lin, true);
	TEST_BEGIN("fast ack: xs_conns holds the handshake, established");
	CHECK(!bpf_map_lookup_elem(e->conns, &k, &c), "no entry");
	CHECK(c.state == XS_CONN_ESTABLISHED && c.server_isn == HC_SISN &&
		      c.isn == xs_isn(&key, our, peer, HC_SPORT, HC_DPORT) &&
		      c.reply_ns && c.done_ns,
	      "entry state %d isn %u server_isn %u", c.state, c.isn,
	      c.server_isn);
	TEST_END();
	not_answered(e,
		     "fast ack: the SYN-ACK again (retransmission) -> socket",
		     lin, XS_CFG_ISN_CHECK | XS_CFG_FAST_ACK, XDP_REDIRECT);
	bpf_map_delete_elem(e->conns, &k);
}

/* What userspace makes of frame buf: a clean new SYN-ACK? */
static bool user_takes(const uint8_t *buf, size_t len, uint32_t ours)
{
	struct xs_addr our = xs_addr_v4(ours), daddr;
	struct xs_reply_ctx rc;
	uint16_t sport, dport;
	struct xs_pkt k;

	if (xs_parse_reply_frame(buf, len, &k) != XS_PARSE_OK)
		return false;
	xs_reply_tuple(&k, &daddr, &sport, &dport);
	if (xs_scan_screen(&k, &our,
			   xs_isn_addr(&key, &our, &daddr, sport, dport),
			   &rc) != XS_REPLY_MAX)
		return false;
	return xs_reply_phase(&k, &rc) == XS_REPLY_SYNACK &&
	       !k.opts.malformed && !k.payload_len;
}

/* The same for an IPv6 frame to ours. */
static bool user_takes6(const uint8_t *buf, size_t len,
			const struct xs_addr *our)
{
	struct xs_reply_ctx rc;
	uint16_t sport, dport;
	struct xs_addr daddr;
	struct xs_pkt k;

	if (xs_parse_reply_frame(buf, len, &k) != XS_PARSE_OK)
		return false;
	xs_reply_tuple(&k, &daddr, &sport, &dport);
	if (xs_scan_screen(&k, our,
			   xs_isn_addr(&key, our, &daddr, sport, dport),
			   &rc) != XS_REPLY_MAX)
		return false;
	return xs_reply_phase(&k, &rc) == XS_REPLY_SYNACK &&
	       !k.opts.malformed && !k.payload_len;
}

/*
 * An IPv6 case, as built or with the ack made to pass the ISN check
 * (xs_isn6): XDP_TX only for a frame userspace takes as a clean new
 * SYN-ACK, with one record; anything else never answered.
 */
static void hostile_case6(struct env *e, const struct hostile_case *hc,
			  bool ack, bool fix, unsigned int *tx)
{
	const struct hc_ctx_def *d = &hc_ctxs[hc->ctx];
	uint8_t buf[HC_FRAME_MAX], out[XS_TF_MAX];
	uint32_t outlen = 0;
	struct xs_t6 f6;
	char name[200];
	size_t len;
	int act;

	snprintf(name, sizeof(name), "hostile %s%s: %s: %s",
		 ack ? "ack" : "rst", fix ? ", ack passing" : "", d->name,
		 hc->name);
	TEST_BEGIN(name);
	hc_fill6(hc, &f6);
	if (fix && !f6.icmp_type)
		f6.ack = xs_isn6(&key, f6.daddr, f6.saddr, f6.dport, f6.sport) +
			 1;
	len = xs_t6_build(buf, &f6);
	CHECK(!set_cfg6(e, d->rc.saddr.b, d->port_lo, d->port_hi,
			d->xdp_flags | hc->xdp_flags | XS_CFG_ISN_CHECK |
				(ack ? XS_CFG_FAST_ACK : XS_CFG_FAST_RST)),
	      "config");
	clear_conns(e);
	e->nrec = 0;
	act = run(e, buf, len, out, &outlen);
	ring_buffer__consume(e->rb);
	*tx += act == XDP_TX;
	CHECK(act != XDP_TX || user_takes6(buf, len, &d->rc.saddr),
	      "answered in XDP, but userspace would not take it");
	CHECK(e->nrec == (act == XDP_TX), "%u records, want %d", e->nrec,
	      act == XDP_TX);
	TEST_END();
}

/* One hostile case through the fast path, as built (fix: false) or with
 * its ack made to pass the ISN check. */
static void hostile_case(struct env *e, const struct hostile_case *hc, bool ack,
			 bool fix, unsigned int *tx)
{
	const struct hc_ctx_def *d = &hc_ctxs[hc->ctx];
	uint8_t buf[HC_FRAME_MAX], out[XS_TF_MAX];
	struct xs_tframe f = hc->f;
	struct xs_tf_defaults def = { xs_addr_get_v4(&d->rc.daddr),
				      xs_addr_get_v4(&d->rc.saddr), d->rc.dport,
				      d->rc.sport };
	uint32_t ours, outlen = 0, t0, t1;
	const char *why;
	char name[200];
	size_t len;
	int act;

	if (hc_ctx_is6(hc->ctx)) {
		hostile_case6(e, hc, ack, fix, tx);
		return;
	}
	snprintf(name, sizeof(name), "hostile %s%s: %s: %s",
		 ack ? "ack" : "rst", fix ? ", ack passing" : "", d->name,
		 hc->name);
	TEST_BEGIN(name);
	len = hc_build(hc, buf, &f);
	ours = f.daddr ? f.daddr : xs_addr_get_v4(&d->rc.saddr);
	if (fix && f.proto == 0 && !f.icmp_type && f.kind == XS_TF_IPV4) {
		f.ack = xs_isn(&key, ours,
			       f.saddr ? f.saddr : xs_addr_get_v4(&d->rc.daddr),
			       f.dport ? f.dport : d->rc.sport,
			       f.sport ? f.sport : d->rc.dport) +
			1;
		len = xs_tf_build(buf, &f, &def);
	}
	CHECK(!set_cfg(e, xs_addr_get_v4(&d->rc.saddr), d->port_lo, d->port_hi,
		       d->xdp_flags | hc->xdp_flags | XS_CFG_ISN_CHECK |
			       (ack ? XS_CFG_FAST_ACK : XS_CFG_FAST_RST)),
	      "config");
	clear_conns(e);
	e->nrec = 0;
	t0 = now_us();
	act = run(e, buf, len, out, &outlen);
	t1 = now_us();
	ring_buffer__consume(e->rb);
	if (act == XDP_TX) {
		(*tx)++;
		CHECK(fix && user_takes(buf, len, xs_addr_get_v4(&d->rc.saddr)),
		      "answered in XDP, but userspace would not take it");
		why = check_answer(buf, len, out, outlen, ack, t0, t1);
		CHECK(!why, "%s", why);
		CHECK(e->nrec == 1, "%u records for an answer", e->nrec);
	} else {
		CHECK(e->nrec == 0, "%u records, no answer", e->nrec);
	}
	TEST_END();
}

/*
 * What the filter costs per SYN-ACK on each path: the mean of many single
 * test runs (a repeated run would answer its own answer), printed for the
 * record, never judged (no time thresholds in make test).
 */
static void cost(struct env *e)
{
	static const struct {
		const char *name;
		uint32_t flags;
	} p[] = {
		{ "redirect to the socket", XS_CFG_ISN_CHECK },
		{ "fast path, RST", XS_CFG_ISN_CHECK | XS_CFG_FAST_RST },
		{ "fast path, ACK", XS_CFG_ISN_CHECK | XS_CFG_FAST_ACK },
	};
	struct xs_tframe f = { .tcp_opt = 20, .tcp_optv = linux_opts };
	uint8_t in[XS_TF_MAX], out[XS_TF_MAX];
	size_t len = synack(in, &f);
	uint64_t sum;
	uint32_t outlen;
	unsigned int i, n;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		set_cfg(e, HC_OUR_IP, HC_PORT_LO, HC_PORT_HI, p[i].flags);
		for (sum = 0, n = 0; n < 2000; n++) {
			clear_conns(e);
			run(e, in, len, out, &outlen);
			sum += last_ns;
		}
		ring_buffer__consume(e->rb);
		printf("# xs_xdp_filter on a SYN-ACK, %s: %llu ns a frame (mean of %u test runs)\n",
		       p[i].name, (unsigned long long)(sum / n), n);
	}
}

/* A ring buffer of one page, never read: it fills, and then the SYN-ACK
 * goes to the socket, counted. */
static void ring_full(struct xs_xsk *xsk)
{
	struct env e = {};
	struct xs_tframe f = { .tcp_opt = 20, .tcp_optv = linux_opts };
	uint8_t in[XS_TF_MAX], out[XS_TF_MAX];
	unsigned int i, tx = 0, redir = 0, other = 0;
	size_t len = synack(in, &f);
	uint32_t outlen;
	int act;

	TEST_BEGIN("ring full: redirected, counted, every XDP_TX recorded");
	e.skel = xdp_filter_bpf__open();
	CHECK(e.skel, "open");
	if (!e.skel)
		goto end;
	bpf_map__set_max_entries(e.skel->maps.xs_fast_rb, 4096);
	CHECK(!xdp_filter_bpf__load(e.skel), "load with a 4 KiB ring");
	if (tl_case_failed)
		goto end;
	e.prog = bpf_program__fd(e.skel->progs.xs_xdp_filter);
	e.cfg = bpf_map__fd(e.skel->maps.xs_cfg);
	e.stats = bpf_map__fd(e.skel->maps.xs_stats);
	e.rb = ring_buffer__new(bpf_map__fd(e.skel->maps.xs_fast_rb), on_rec,
				&e, NULL);
	/* The one socket on lo queue 0, in this object's XSKMAP too. */
	CHECK(e.rb && !xs_xsk_update_map(xsk,
					 bpf_map__fd(e.skel->maps.xs_xsks)),
	      "ring buffer reader and socket");
	set_cfg(&e, HC_OUR_IP, HC_PORT_LO, HC_PORT_HI,
		XS_CFG_ISN_CHECK | XS_CFG_FAST_RST);
	for (i = 0; i < 100 && !tl_case_failed; i++) {
		act = run(&e, in, len, out, &outlen);
		tx += act == XDP_TX;
		redir += act == XDP_REDIRECT;
		other += act != XDP_TX && act != XDP_REDIRECT;
	}
	ring_buffer__consume(e.rb);
	CHECK(tx > 0 && redir > 0 && !other,
	      "%u XDP_TX, %u redirected, %u other", tx, redir, other);
	CHECK(e.nrec == tx, "%u records for %u answers", e.nrec, tx);
	CHECK(counter(&e, XS_STAT_RX_FAST_FALLBACK) == redir &&
		      counter(&e, XS_STAT_RX_SYNACK) == redir &&
		      counter(&e, XS_STAT_TX_XDP_RST) == tx,
	      "fallback %llu synack %llu tx_xdp_rst %llu",
	      (unsigned long long)counter(&e, XS_STAT_RX_FAST_FALLBACK),
	      (unsigned long long)counter(&e, XS_STAT_RX_SYNACK),
	      (unsigned long long)counter(&e, XS_STAT_TX_XDP_RST));
	/* Read, the ring has room again. */
	act = run(&e, in, len, out, &outlen);
	CHECK(act == XDP_TX, "after reading: %s", xdp_act_str(act));
end:
	ring_buffer__free(e.rb);
	xdp_filter_bpf__destroy(e.skel);
	TEST_END();
}

/* ---- IPv6 ---- */

static struct xs_addr a6(const uint8_t *b)
{
	struct xs_addr a;

	memcpy(a.b, b, 16);
	return a;
}

/* A SYN-ACK from fd00::1 to us (fd00::2), ack our keyed ISN + 1 (+ off). */
static size_t synack6(uint8_t *buf, struct xs_t6 f, uint32_t off)
{
	struct xs_addr us = a6(xs_t6_us), peer = a6(xs_t6_peer);

	f.flags = f.flags ? f.flags : XS_TCP_SYN | XS_TCP_ACK;
	f.sport = XS_T6_PEER_PORT;
	f.dport = XS_T6_OUR_PORT;
	f.seq_set = f.ack_set = true;
	f.seq = HC_SISN;
	f.ack = xs_isn_addr(&key, &us, &peer, XS_T6_OUR_PORT, XS_T6_PEER_PORT) +
		1 + off;
	return xs_t6_build(buf, &f);
}

/* out must be exactly what xs_build_tcp_frame() makes of the answer. */
static const char *check_answer6(const uint8_t *in, size_t len,
				 const uint8_t *out, size_t outlen, bool ack)
{
	static char why[128];
	struct xs_frame_spec s = { .ttl = TTL, .window = WINDOW };
	uint8_t want[XS_TF_MAX], ph[40];
	struct xs_pkt k;
	uint32_t sum;
	size_t n;

	if (xs_parse_reply_frame(in, len, &k) != XS_PARSE_OK)
		return "the SYN-ACK does not parse";
	memcpy(s.src_mac, k.dst_mac, 6);
	memcpy(s.dst_mac, k.src_mac, 6);
	s.saddr = k.daddr;
	s.daddr = k.saddr;
	s.sport = k.dport;
	s.dport = k.sport;
	s.seq = k.ack;
	s.flags = ack ? XS_TCP_ACK : XS_TCP_RST;
	s.ack = ack ? k.seq + 1 : 0;
	n = xs_build_tcp_frame(want, sizeof(want), &s);
	if (n != outlen || memcmp(want, out, n)) {
		snprintf(why, sizeof(why), "%zu bytes, want %zu: not our %s",
			 (size_t)outlen, n, ack ? "ACK" : "RST");
		return why;
	}
	if (outlen < 74 || out[14 + 7] != TTL)
		return "hop limit is not ours";
	/* The sum once more, by this file's code: RFC 8200 8.1. */
	memcpy(ph, out + 22, 32);
	xs_tf_put16(ph + 32, 0);
	xs_tf_put16(ph + 34, (uint16_t)(outlen - 54));
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = 6;
	sum = xs_tf_sum(xs_tf_sum(0, ph, 40), out + 54, outlen - 54);
	if (xs_tf_fold(sum) != 0)
		return "TCP checksum does not verify";
	return NULL;
}

static void answered6(struct env *e, const char *name, struct xs_t6 f, bool ack)
{
	enum xs_stat id = ack ? XS_STAT_TX_XDP_ACK : XS_STAT_TX_XDP_RST;
	uint8_t in[XS_T6_MAX], out[XS_TF_MAX];
	size_t len = synack6(in, f, 0);
	__u64 before = counter(e, id);
	struct xs_conn_key k = { .local_port = XS_T6_OUR_PORT,
				 .remote_port = XS_T6_PEER_PORT };
	struct xs_conn c = {};
	uint32_t outlen = 0;
	const char *why;
	int act;

	TEST_BEGIN(name);
	clear_conns(e);
	CHECK(!set_cfg6(e, xs_t6_us, HC_PORT_LO, HC_PORT_HI,
			XS_CFG_ISN_CHECK |
				(ack ? XS_CFG_FAST_ACK : XS_CFG_FAST_RST)),
	      "config");
	e->nrec = 0;
	act = run(e, in, len, out, &outlen);
	CHECK(act == XDP_TX, "verdict %s, want XDP_TX", xdp_act_str(act));
	if (act == XDP_TX) {
		why = check_answer6(in, len, out, outlen, ack);
		CHECK(!why, "%s", why);
	}
	ring_buffer__consume(e->rb);
	CHECK(e->nrec == 1, "%u records, want 1", e->nrec);
	CHECK(e->rec.len == len && !memcmp(e->rec.hdr, in, len),
	      "the record is not the SYN-ACK's headers (len %u of %zu)",
	      e->rec.len, len);
	CHECK(counter(e, id) == before + 1, "%s not counted", xs_stat_name(id));
	memcpy(k.local_ip, xs_t6_us, 16);
	memcpy(k.remote_ip, xs_t6_peer, 16);
	if (ack) {
		CHECK(!bpf_map_lookup_elem(e->conns, &k, &c) &&
			      c.state == XS_CONN_ESTABLISHED &&
			      c.server_isn == HC_SISN,
		      "no established entry under the IPv6 4-tuple");
	}
	TEST_END();
}

static void not_answered6(struct env *e, const char *name, struct xs_t6 f,
			  uint32_t off, int want, enum xs_stat stat)
{
	uint8_t in[XS_T6_MAX], out[XS_TF_MAX];
	size_t len = synack6(in, f, off);
	__u64 before = counter(e, stat);
	uint32_t outlen = 0;
	int act;

	TEST_BEGIN(name);
	clear_conns(e);
	CHECK(!set_cfg6(e, xs_t6_us, HC_PORT_LO, HC_PORT_HI,
			XS_CFG_ISN_CHECK | XS_CFG_FAST_ACK),
	      "config");
	e->nrec = 0;
	act = run(e, in, len, out, &outlen);
	CHECK(act == want, "verdict %s, want %s", xdp_act_str(act),
	      xdp_act_str(want));
	CHECK(outlen == len && !memcmp(in, out, len), "frame changed");
	ring_buffer__consume(e->rb);
	CHECK(e->nrec == 0, "%u records, want none", e->nrec);
	CHECK(counter(e, stat) == before + 1, "%s not counted",
	      xs_stat_name(stat));
	TEST_END();
}

static void ipv6_cases(struct env *e)
{
	answered6(e, "fast rst 6: SYN-ACK -> our RST", (struct xs_t6){ 0 },
		  false);
	answered6(e, "fast ack 6: SYN-ACK -> our ACK, xs_conns entry",
		  (struct xs_t6){ 0 }, true);
	answered6(e, "fast rst 6: CHECKSUM_PARTIAL (veth peer) -> RST",
		  (struct xs_t6){ .csum = XS_T6_CSUM_PARTIAL }, false);
	not_answered6(e, "fast 6: forged SYN-ACK (ack not ours + 1) -> dropped",
		      (struct xs_t6){ 0 }, 1, XDP_DROP, XS_STAT_RX_INVALID);
	not_answered6(e, "fast 6: bad TCP checksum -> dropped",
		      (struct xs_t6){ .csum = XS_T6_CSUM_XOR }, 0, XDP_DROP,
		      XS_STAT_RX_BAD_CSUM);
	not_answered6(e, "fast 6: destination options header -> socket",
		      (struct xs_t6){ .ext_n = 1, .ext = { 60 } }, 0,
		      XDP_REDIRECT, XS_STAT_RX_SYNACK);
	not_answered6(e, "fast 6: payload -> socket",
		      (struct xs_t6){ .payload = 4 }, 0, XDP_REDIRECT,
		      XS_STAT_RX_SYNACK);
	not_answered6(e, "fast 6: SYN-ACK+PSH -> socket",
		      (struct xs_t6){ .flags = XS_TCP_SYN | XS_TCP_ACK |
					       XS_TCP_PSH },
		      0, XDP_REDIRECT, XS_STAT_RX_SYNACK);
}

int main(void)
{
	struct env e = {};
	unsigned int i, tx_fix = 0, tx_raw = 0;
	int err;

	libbpf_set_print(quiet);
	TEST_BEGIN("fast setup: own network namespace, filter, socket, ring");
	err = lo_netns();
	if (err && geteuid()) {
		TEST_SKIP("needs root (a network namespace of its own)");
		TEST_END();
		return TEST_EXIT();
	}
	CHECK(!err, "netns: %s", strerror(-err));
	e.skel = xdp_filter_bpf__open_and_load();
	CHECK(e.skel, "load: %s", strerror(errno));
	if (e.skel) {
		e.prog = bpf_program__fd(e.skel->progs.xs_xdp_filter);
		e.cfg = bpf_map__fd(e.skel->maps.xs_cfg);
		e.stats = bpf_map__fd(e.skel->maps.xs_stats);
		e.conns = bpf_map__fd(e.skel->maps.xs_conns);
		e.rb = ring_buffer__new(bpf_map__fd(e.skel->maps.xs_fast_rb),
					on_rec, &e, NULL);
		CHECK(e.rb, "ring buffer: %s", strerror(errno));
		err = lo_xsk(bpf_map__fd(e.skel->maps.xs_xsks), &e.xsk);
		CHECK(!err, "socket: %s", strerror(-err));
	}
	TEST_END();
	if (tl_case_failed)
		goto out;

	basic_cases(&e);
	conn_cases(&e);
	ipv6_cases(&e);
	for (i = 0; i < HC_NCASES; i++) {
		hostile_case(&e, &hostile_cases[i], false, false, &tx_raw);
		hostile_case(&e, &hostile_cases[i], true, false, &tx_raw);
		hostile_case(&e, &hostile_cases[i], false, true, &tx_fix);
		hostile_case(&e, &hostile_cases[i], true, true, &tx_fix);
	}
	TEST_BEGIN("hostile table: no forged SYN-ACK answered from XDP");
	CHECK(!tx_raw, "%u answered as built", tx_raw);
	TEST_END();
	printf("# %zu hostile cases, %u of them answered in XDP once their ack passes\n",
	       (size_t)HC_NCASES, tx_fix / 2);
	ring_full(e.xsk);
	cost(&e);
out:
	ring_buffer__free(e.rb);
	xs_xsk_close(e.xsk);
	xdp_filter_bpf__destroy(e.skel);
	return TEST_EXIT();
}
