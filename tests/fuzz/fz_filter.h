/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * test_fuzz_bpf.c's part for xs_xdp_filter (bpf/xdp_filter.bpf.c with
 * the fast path, bpf/fastpath.h): each frame under one of the four
 * configurations a run loads (scan --fast-path with --syn-only, connect
 * --count --fast-path, a scan without it, connect's recorded handshake),
 * both families configured at once.
 */
#ifndef XS_FUZZ_FZ_FILTER_H
#define XS_FUZZ_FZ_FILTER_H

#define FZF_LO 40000 /* our ports: the hostile contexts' of both families */
#define FZF_HI 62099
#define FZF_WINDOW 29200
#define FZF_TTL 57
#define FZF_V4_PORT 40000
#define FZF_V6_PORT 62040

static const struct xs_isn_key fzf_key = { 0x0123456789abcdefULL,
					   0xfedcba9876543210ULL };

enum fzf_mode { FZF_FAST_RST, FZF_FAST_ACK, FZF_SCAN, FZF_CONNECT, FZF_NMODES };

static const struct {
	const char *name;
	uint32_t flags;
} fzf_modes[FZF_NMODES] = {
	{ "fast rst", XS_CFG_ISN_CHECK | XS_CFG_FAST_RST },
	{ "fast ack", XS_CFG_ISN_CHECK | XS_CFG_FAST_ACK },
	{ "scan", XS_CFG_ISN_CHECK },
	{ "connect", 0 },
};

struct fz_filter {
	struct xdp_filter_bpf *skel;
	struct xs_xsk *xsk;
	struct ring_buffer *rb;
	int prog, cfg, stats, conns;
	unsigned int nrec;
	struct xs_fast_rec rec;
	struct fz_seeds seeds;
	struct xs_addr our4, our6, peer4, peer6;
	bool v6_fast; /* the fast path answers IPv6 (probed) */
	unsigned long long tx, per_mode[FZF_NMODES];
};

static int fzf_on_rec(void *ctx, void *data, size_t size)
{
	struct fz_filter *e = ctx;

	if (size >= sizeof(e->rec))
		memcpy(&e->rec, data, sizeof(e->rec));
	e->nrec++;
	return 0;
}

static uint32_t fzf_isn(const struct fz_filter *e, const struct xs_addr *peer,
			uint16_t our_port, uint16_t peer_port)
{
	const struct xs_addr *our = xs_addr_is_v4(peer) ? &e->our4 : &e->our6;

	return xs_isn_addr(&fzf_key, our, peer, our_port, peer_port);
}

/* connect's record of the seeds' handshakes (SYN sent, our keyed ISN),
 * where xs_conns has none. */
static void fzf_record(const struct fz_filter *e)
{
	const struct xs_addr *our[2] = { &e->our4, &e->our6 };
	const struct xs_addr *peer[2] = { &e->peer4, &e->peer6 };
	uint16_t port[2] = { FZF_V4_PORT, FZF_V6_PORT };
	struct xs_conn_key k;
	struct xs_conn c;
	int i;

	for (i = 0; i < 2; i++) {
		memset(&k, 0, sizeof(k));
		memset(&c, 0, sizeof(c));
		memcpy(k.local_ip, our[i]->b, 16);
		memcpy(k.remote_ip, peer[i]->b, 16);
		k.local_port = port[i];
		k.remote_port = 80;
		c.state = XS_CONN_SYN_SENT;
		c.isn = fzf_isn(e, peer[i], port[i], 80);
		c.syns_sent = 1;
		bpf_map_update_elem(e->conns, &k, &c, BPF_NOEXIST);
	}
}

static int fzf_set_mode(struct fz_filter *e, enum fzf_mode m)
{
	struct xs_config c = { .src_ip = xs_addr_get_v4(&e->our4),
			       .port_lo = FZF_LO,
			       .port_hi = FZF_HI,
			       .flags = fzf_modes[m].flags,
			       .window = FZF_WINDOW,
			       .ttl = FZF_TTL,
			       .isn_k0 = fzf_key.k0,
			       .isn_k1 = fzf_key.k1,
			       .layout = XS_LAYOUT_VERSION };
	__u32 zero = 0;

	memcpy(c.src_ip6, e->our6.b, 16);
	if (m == FZF_CONNECT)
		fzf_record(e);
	return bpf_map_update_elem(e->cfg, &zero, &c, BPF_ANY) ? -errno : 0;
}

/* The connection table's key of a parsed reply to us. */
static struct xs_conn_key fzf_key_of(const struct xs_pkt *k)
{
	struct xs_conn_key key = { .local_port = k->dport,
				   .remote_port = k->sport };

	memcpy(key.local_ip, k->daddr.b, 16);
	memcpy(key.remote_ip, k->saddr.b, 16);
	return key;
}

static void fzf_seeds4(struct fz_filter *e)
{
	static const char lin[20] = { 2,    4,	  5, (char)180, 4, 2,	 8,
				      10,   0,	  0, 0,		9, 0x12, 0x34,
				      0x56, 0x78, 1, 3,		3, 7 };
	struct xs_tf_defaults d = { xs_addr_get_v4(&e->peer4),
				    xs_addr_get_v4(&e->our4), 80, FZF_V4_PORT };
	uint32_t isn = fzf_isn(e, &e->peer4, FZF_V4_PORT, 80);
	struct xs_tframe f[] = {
		{ .flags = 0x12, .tcp_opt = 20, .tcp_optv = lin },
		{ .flags = 0x12 },
		{ .flags = 0x52,
		  .tcp_opt = 12,
		  .tcp_optv = "\x01\x01\x08\x0a\0\0\0\x09\0\0\0\x07" },
		{ .flags = 0x12, .tcp_csum_partial = true },
		{ .flags = 0x14 },
		{ .icmp_type = 3, .icmp_code = 3, .seq = isn },
		{ .icmp_type = 3, .icmp_code = 4, .seq = isn + 101 },
		{ .icmp_type = 11, .seq = isn },
	};
	uint8_t b[XS_TF_MAX];
	unsigned int i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		f[i].seq_set = f[i].ack_set = true;
		if (!f[i].icmp_type)
			f[i].seq = HC_SISN;
		f[i].ack = isn + 1;
		seed_add(&e->seeds, b, xs_tf_build(b, &f[i], &d));
	}
}

static void fzf_seeds6(struct fz_filter *e)
{
	uint32_t isn = fzf_isn(e, &e->peer6, FZF_V6_PORT, 80);
	struct xs_t6 f[] = {
		{ .flags = 0x12,
		  .tcp_opt = 20,
		  .tcp_optv = "\x02\x04\x05\x8c\x04\x02\x08\x0a\0\0\0\x09\0\0\0"
			      "\x07\x01\x03\x03\x07" },
		{ .flags = 0x12 },
		{ .flags = 0x12, .csum = XS_T6_CSUM_PARTIAL },
		{ .flags = 0x14 },
		{ .flags = 0x12, .ext_n = 1, .ext = { 60 } },
		{ .icmp_type = 1,
		  .icmp_code = 4,
		  .q_seq_set = true,
		  .q_seq = isn },
		{ .icmp_type = 2, .q_seq_set = true, .q_seq = isn + 1 + 500 },
	};
	static uint8_t b[XS_T6_MAX];
	unsigned int i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		f[i].saddr = e->peer6.b;
		f[i].daddr = e->our6.b;
		f[i].q_saddr = e->our6.b;
		f[i].q_daddr = e->peer6.b;
		f[i].sport = f[i].q_dport = 80;
		f[i].dport = f[i].q_sport = FZF_V6_PORT;
		f[i].seq_set = f[i].ack_set = true;
		f[i].seq = HC_SISN;
		f[i].ack = isn + 1;
		seed_add(&e->seeds, b, xs_t6_build(b, &f[i]));
	}
}

/* Our seeds, then every frame of the hostile table. */
static void fzf_seeds(struct fz_filter *e)
{
	static uint8_t b[HC_FRAME_MAX];
	unsigned int i;

	fzf_seeds4(e);
	fzf_seeds6(e);
	for (i = 0; i < HC_NCASES; i++)
		seed_add(&e->seeds, b, hc_build(&hostile_cases[i], b, NULL));
}

static int fzf_open(struct fz_filter *e)
{
	int err;

	e->our4 = hc_ctxs[HC_SENT].rc.saddr;
	e->peer4 = hc_ctxs[HC_SENT].rc.daddr;
	e->our6 = hc_ctxs[HC6_SENT].rc.saddr;
	e->peer6 = hc_ctxs[HC6_SENT].rc.daddr;
	e->skel = xdp_filter_bpf__open_and_load();
	if (!e->skel)
		return -1;
	e->prog = bpf_program__fd(e->skel->progs.xs_xdp_filter);
	e->cfg = bpf_map__fd(e->skel->maps.xs_cfg);
	e->stats = bpf_map__fd(e->skel->maps.xs_stats);
	e->conns = bpf_map__fd(e->skel->maps.xs_conns);
	e->rb = ring_buffer__new(bpf_map__fd(e->skel->maps.xs_fast_rb),
				 fzf_on_rec, e, NULL);
	if (!e->rb)
		return -1;
	err = lo_xsk(bpf_map__fd(e->skel->maps.xs_xsks), &e->xsk);
	if (err) {
		errno = -err;
		return -1;
	}
	fzf_seeds(e);
	return 0;
}

static void fzf_close(struct fz_filter *e)
{
	ring_buffer__free(e->rb);
	xs_xsk_close(e->xsk);
	xdp_filter_bpf__destroy(e->skel);
}

static void fzf_clear_conns(const struct fz_filter *e)
{
	struct xs_conn_key k, next;

	while (!bpf_map_get_next_key(e->conns, NULL, &next)) {
		k = next;
		if (bpf_map_delete_elem(e->conns, &k))
			break;
	}
}

/*
 * The reference: must the fast path answer frame f?  Userspace's parser
 * and scan validator take it as a clean new SYN-ACK (its ack our keyed ISN
 * + 1, to our address and port range, checksums right), and it is none of
 * what the fast path leaves to the socket by design (fastpath.h): IP
 * options or extension headers, flags but SYN, ACK and ECE, reserved bits,
 * payload, options that break off; with FAST_ACK a SYN-ACK whose server
 * ISN xs_conns already holds as established (a retransmission).
 */
static bool fzf_must_answer(const struct fz_filter *e, const struct fz_frame *f,
			    enum fzf_mode m, struct xs_pkt *k)
{
	const struct xs_addr *our;
	struct xs_reply_ctx rc;
	struct xs_conn_key key;
	struct xs_conn c;

	if (m != FZF_FAST_RST && m != FZF_FAST_ACK)
		return false;
	if (xs_parse_reply_frame(f->b, f->len, k) != XS_PARSE_OK || k->is_icmp)
		return false;
	our = k->ip_version == 4 ? &e->our4 : &e->our6;
	if (!xs_addr_eq(&k->daddr, our) || k->dport < FZF_LO ||
	    k->dport > FZF_HI)
		return false;
	if (xs_scan_screen(k, our, fzf_isn(e, &k->saddr, k->dport, k->sport),
			   &rc) != XS_REPLY_MAX ||
	    xs_reply_phase(k, &rc) != XS_REPLY_SYNACK)
		return false;
	if (k->opts.malformed || k->payload_len || k->reserved ||
	    (k->flags & ~XS_TCP_ECE) != (XS_TCP_SYN | XS_TCP_ACK) ||
	    k->l3_len != (k->ip_version == 4 ? XS_IP_HLEN : XS_IP6_HLEN))
		return false;
	key = fzf_key_of(k);
	return m != FZF_FAST_ACK || bpf_map_lookup_elem(e->conns, &key, &c) ||
	       c.state != XS_CONN_ESTABLISHED || c.server_isn != k->seq;
}

/* The answer out to SYN-ACK k: from its destination to its source, our
 * RST (seq = its ack) or ACK (ack = its seq + 1, its TSval echoed),
 * checksums right; xs_conns holds an ACK's handshake. */
static const char *fzf_answer_bad(const struct fz_filter *e,
				  const struct xs_pkt *k, const uint8_t *out,
				  size_t len, bool ack)
{
	struct xs_conn_key key = fzf_key_of(k);
	struct xs_conn c;
	struct xs_pkt o;

	if (xs_parse_frame(out, len, &o) != XS_PARSE_OK)
		return "the answer does not parse";
	if (!csums_verify(out, len))
		return "the answer's checksums are wrong";
	if (!xs_addr_eq(&o.saddr, &k->daddr) ||
	    !xs_addr_eq(&o.daddr, &k->saddr) || o.sport != k->dport ||
	    o.dport != k->sport || memcmp(o.dst_mac, k->src_mac, 6))
		return "the answer is not to the SYN-ACK's source";
	if (o.seq != k->ack || o.payload_len || o.opts.malformed)
		return "the answer's seq is not the SYN-ACK's ack";
	if (!ack)
		return o.flags == XS_TCP_RST ? NULL : "not an RST";
	if (o.flags != XS_TCP_ACK || o.ack != k->seq + 1)
		return "not the final ACK";
	if (k->opts.has_ts &&
	    (!o.opts.has_ts || o.opts.ts_ecr != k->opts.ts_val))
		return "the ACK does not echo the SYN-ACK's TSval";
	if (bpf_map_lookup_elem(e->conns, &key, &c) ||
	    c.state != XS_CONN_ESTABLISHED || c.server_isn != k->seq ||
	    c.isn != k->ack - 1)
		return "xs_conns does not hold the handshake";
	return NULL;
}

/* A redirected reply of ours carries what we sent: the ack of a SYN-ACK
 * or RST, the sequence number an ICMP error quotes. */
static const char *fzf_redirect_bad(const struct fz_filter *e,
				    const struct fz_frame *f, enum fzf_mode m,
				    int stat)
{
	uint32_t isn, seq;
	struct xs_conn_key key;
	struct xs_conn c;
	struct xs_pkt k;
	bool data;

	if (xs_parse_reply_frame(f->b, f->len, &k) != XS_PARSE_OK)
		return NULL; /* userspace drops it: costs a slot, no harm */
	if (stat == XS_STAT_RX_ICMP && k.is_icmp && m != FZF_CONNECT) {
		seq = k.icmp.q_seq;
		isn = fzf_isn(e, &k.icmp.q_daddr, k.icmp.q_sport,
			      k.icmp.q_dport);
		data = k.ip_version == 4 ?
			       k.icmp.type == 3 && k.icmp.code == 4 :
			       k.icmp.type == 2;
		if (seq != isn && !(data && seq - (isn + 1) < 65536))
			return "an ICMP error quoting a seq we never sent redirected";
		return NULL;
	}
	if (k.is_icmp || (stat != XS_STAT_RX_SYNACK && stat != XS_STAT_RX_RST))
		return NULL;
	if (m == FZF_CONNECT) {
		key = fzf_key_of(&k);
		if (bpf_map_lookup_elem(e->conns, &key, &c))
			return NULL;
		isn = c.isn;
		if (stat == XS_STAT_RX_RST && c.state != XS_CONN_SYN_SENT)
			return NULL;
	} else {
		isn = fzf_isn(e, &k.saddr, k.dport, k.sport);
	}
	if (!(k.flags & XS_TCP_ACK) || k.ack != isn + 1)
		return "a reply whose ack is not our ISN + 1 redirected";
	return NULL;
}

/* The counter of the verdict moved, and only it. */
static const char *fzf_counted_bad(const struct xs_stats *b,
				   const struct xs_stats *a, int act, int *stat)
{
	const __u64 *pb = (const __u64 *)b, *pa = (const __u64 *)a;
	static const uint64_t tx = 1ULL << XS_STAT_TX_XDP_ACK |
				   1ULL << XS_STAT_TX_XDP_RST,
			      redir = 1ULL << XS_STAT_RX_SYNACK |
				      1ULL << XS_STAT_RX_RST |
				      1ULL << XS_STAT_RX_OTHER |
				      1ULL << XS_STAT_RX_ICMP,
			      pass = 1ULL << XS_STAT_RX_PASS |
				     1ULL << XS_STAT_RX_NO_SOCKET |
				     1ULL << XS_STAT_RX_V6_FRAG |
				     1ULL << XS_STAT_RX_V6_EXT_DEEP,
			      drop = 1ULL << XS_STAT_RX_MALFORMED |
				     1ULL << XS_STAT_RX_BAD_CSUM |
				     1ULL << XS_STAT_RX_INVALID |
				     1ULL << XS_STAT_RX_ICMP_BAD;
	uint64_t want = act == XDP_TX	    ? tx :
			act == XDP_REDIRECT ? redir :
			act == XDP_PASS	    ? pass :
			act == XDP_DROP	    ? drop :
					      0;

	if (a->rx_frames != b->rx_frames + 1)
		return "rx_frames did not move by one";
	if (a->rx_fast_fallback != b->rx_fast_fallback)
		return "rx_fast_fallback moved with the ring read";
	*stat = one_moved(pb, pa, XS_STAT_MAX, XS_STAT_RX_FRAMES,
			  XS_STAT_RX_FAST_FALLBACK);
	if (*stat < 0)
		return "not exactly one verdict counter moved";
	if (!(want >> *stat & 1))
		return "the counter that moved is not one of the verdict's";
	return NULL;
}

/* One frame through the filter under mode m, every check. */
static void fzf_one(struct fz_filter *e, struct fz_frame *f, enum fzf_mode m)
{
	uint8_t out[FZ_FRAME_MAX + 64];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b,
		    .data_size_in = f->len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	struct xs_stats sb, sa;
	struct xs_pkt k;
	const char *why;
	bool must;
	int act, stat = -1;

	must = fzf_must_answer(e, f, m, &k);
	e->nrec = 0;
	if (xs_read_stats(e->stats, &sb) || bpf_prog_test_run_opts(e->prog, &o))
		return; /* under an Ethernet header: never run */
	act = (int)o.retval;
	ring_buffer__consume(e->rb);
	if (xs_read_stats(e->stats, &sa))
		return finding("xdp_filter", f, "stats unreadable");
	if ((why = fzf_counted_bad(&sb, &sa, act, &stat)))
		finding("xdp_filter", f, "%s: %s (%s)", fzf_modes[m].name, why,
			xdp_act_str(act));
	if (act == XDP_TX) {
		e->tx++;
		if (!must)
			return finding(
				"xdp_filter", f,
				"%s: answered by XDP_TX, but the reference would not",
				fzf_modes[m].name);
		if ((why = fzf_answer_bad(e, &k, out, o.data_size_out,
					  m == FZF_FAST_ACK)))
			finding("xdp_filter", f, "%s: %s", fzf_modes[m].name,
				why);
		if (e->nrec != 1 || e->rec.len > f->len ||
		    memcmp(e->rec.hdr, f->b, e->rec.len))
			finding("xdp_filter", f,
				"%u records, or not the SYN-ACK's", e->nrec);
		return;
	}
	if (e->nrec)
		finding("xdp_filter", f, "a record without an answer");
	if (must && (k.ip_version == 4 || e->v6_fast))
		finding("xdp_filter", f, "%s: a SYN-ACK to answer went %s",
			fzf_modes[m].name, xdp_act_str(act));
	if (o.data_size_out != f->len || memcmp(out, f->b, f->len))
		finding("xdp_filter", f, "%s: %s, but the frame changed",
			fzf_modes[m].name, xdp_act_str(act));
	if (act == XDP_REDIRECT && (why = fzf_redirect_bad(e, f, m, stat)))
		finding("xdp_filter", f, "%s: %s", fzf_modes[m].name, why);
}

/* A mutated frame's ack made our ISN + 1 again for its (new) tuple, so
 * that it reaches what follows the ISN check. */
static void fzf_fix(struct fz_frame *f, void *ctx)
{
	struct fz_filter *e = ctx;
	struct fz_layout l;
	struct xs_pkt k;

	fz_layout(f, &l);
	if (xs_parse_frame(f->b, f->len, &k) != XS_PARSE_OK || !l.l4 ||
	    l.l4 + 12 > f->len)
		return;
	fz_set(f->b + l.l4 + 8, 4, fzf_isn(e, &k.saddr, k.dport, k.sport) + 1);
}

/* Does the fast path answer a clean IPv6 SYN-ACK?  (It is IPv4's until
 * IPv6 lands in bpf/fastpath.h: then it must answer every one.) */
static void fzf_probe6(struct fz_filter *e)
{
	struct fz_frame *f = &e->seeds.f[8]; /* fzf_seeds6's first */
	uint8_t out[FZ_FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b,
		    .data_size_in = f->len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);

	fzf_set_mode(e, FZF_FAST_RST);
	e->v6_fast = !bpf_prog_test_run_opts(e->prog, &o) && o.retval == XDP_TX;
	ring_buffer__consume(e->rb);
}

static void fzf_run(struct fz_filter *e, const struct fz_budget *b)
{
	struct fz_frame f;
	uint64_t n = 0;
	enum fzf_mode m;

	TEST_BEGIN(
		"fuzz xdp_filter: XDP_TX only for SYN-ACKs the reference answers, counted once");
	fz.shown = 0;
	fzf_probe6(e);
	printf("# xdp_filter: the fast path answers IPv6: %s\n",
	       e->v6_fast ? "yes" : "no");
	while (fz_more(b, n)) {
		m = (enum fzf_mode)fz_below(&fz.rng, FZF_NMODES);
		if (fzf_set_mode(e, m)) {
			finding("xdp_filter", &e->seeds.f[0], "config");
			break;
		}
		if (!fz_below(&fz.rng, 64))
			fzf_clear_conns(e);
		fz_make(&e->seeds, &f, fzf_fix, e);
		fz.frame++;
		fzf_one(e, &f, m);
		e->per_mode[m]++;
		n++;
	}
	printf("# xdp_filter: %llu frames (%llu fast rst, %llu fast ack, %llu scan, %llu connect), %llu answered by XDP_TX, %llu findings\n",
	       (unsigned long long)n, e->per_mode[0], e->per_mode[1],
	       e->per_mode[2], e->per_mode[3], e->tx, fz.findings);
	CHECK(e->tx > 0,
	      "no frame answered: the fuzzer does not reach the fast path");
	TEST_END();
}

#endif /* XS_FUZZ_FZ_FILTER_H */
