/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * test_fuzz_bpf.c's part for xs_listen (bpf/listen.bpf.c): three
 * responders (plain, --banner, --protect) answering for 10.0.0.2 and
 * fd00::2 on ports 80 and 443.  The reference (fzl_expect) gives the exact
 * verdict and counter of every frame userspace's parser takes, from the
 * rules README's listen section states, with cookie_ref.h's cookie.
 */
#ifndef XS_FUZZ_FZ_LISTEN_H
#define XS_FUZZ_FZ_LISTEN_H

#define FZL_MSS 1460
#define FZL_MAX_SEG 1480
#define FZL_BANNER "SSH-2.0-fuzz\r\n"
#define FZL_SEEN \
	(XS_TCP_FIN | XS_TCP_SYN | XS_TCP_RST | XS_TCP_ACK | XS_TCP_URG)
#define FZL_K0 0x1122334455667788ULL
#define FZL_K1 0x99aabbccddeeff00ULL

static const uint8_t fzl_cli6[16] = { 0xfd, [15] = 1 };
static const uint8_t fzl_srv6[16] = { 0xfd, [15] = 2 };

enum fzl_kind { FZL_PLAIN, FZL_BANNER_K, FZL_PROTECT, FZL_NKINDS };

static const char *const fzl_names[FZL_NKINDS] = { "plain", "banner",
						   "protect" };

struct fz_listen {
	struct listen_bpf *skel[FZL_NKINDS];
	struct fz_seeds seeds;
	uint64_t seeds_t; /* the cookie time unit the seeds were made in */
	struct xs_addr srv4, cli4, srv6, cli6;
	unsigned long long tx, valid, unknown, per_stat[XS_LSTAT_MAX];
};

static struct listen_bpf *fzl_load(const struct fz_listen *e, enum fzl_kind k)
{
	struct xs_listen_cfg *c;
	struct listen_bpf *s = listen_bpf__open();

	if (!s)
		return NULL;
	c = (struct xs_listen_cfg *)&s->rodata->cfg;
	c->naddrs = 2;
	memcpy(c->addrs[0], e->srv4.b, 16);
	memcpy(c->addrs[1], e->srv6.b, 16);
	c->mss = FZL_MSS;
	c->key0 = FZL_K0;
	c->key1 = FZL_K1;
	c->ports[80 / 64] |= 1ULL << (80 % 64);
	c->ports[443 / 64] |= 1ULL << (443 % 64);
	c->protect = k == FZL_PROTECT;
	if (k == FZL_BANNER_K) {
		c->banner_len = strlen(FZL_BANNER);
		memcpy(c->banner, FZL_BANNER, c->banner_len);
	}
	if (listen_bpf__load(s)) {
		listen_bpf__destroy(s);
		return NULL;
	}
	return s;
}

static struct ref_tuple fzl_tuple(const struct xs_pkt *p)
{
	struct ref_tuple t = { .cport = p->sport,
			       .sport = p->dport,
			       .v6 = p->ip_version == 6 };

	memcpy(t.caddr, p->saddr.b, 16);
	memcpy(t.saddr, p->daddr.b, 16);
	return t;
}

/* The seeds: SYNs, final ACKs, data, FINs, the ACK of our FIN and an RST
 * from the client, both families, their cookies of now. */
static void fzl_seeds(struct fz_listen *e)
{
	static const char syn_opt[] =
		"\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00"
		"\x03\xe8\x00\x00\x00\x00\x01\x03\x03\x07";
	static const char ts_opt[] = "\x01\x01\x08\x0a\x00\x00\x00\x07\x00\x00"
				     "\x00\x00";
	struct {
		uint8_t flags, opt;
		const char *optv;
		uint16_t payload;
		uint32_t d;
	} s[] = {
		{ XS_TCP_SYN, 20, syn_opt, 0, 0 },
		{ XS_TCP_SYN, 0, NULL, 0, 0 },
		{ XS_TCP_SYN, 4, "\x02\x04\x04\xc4", 0, 0 },
		{ XS_TCP_ACK, 12, ts_opt, 0, 1 },
		{ XS_TCP_ACK, 0, NULL, 0, 1 },
		{ XS_TCP_ACK | XS_TCP_PSH, 0, NULL, 6, 1 },
		{ XS_TCP_ACK | XS_TCP_FIN, 0, NULL, 0, 1 },
		{ XS_TCP_ACK, 0, NULL, 0, 2 },
		{ XS_TCP_ACK, 0, NULL, 0, 2 + sizeof(FZL_BANNER) - 1 },
		{ XS_TCP_RST | XS_TCP_ACK, 0, NULL, 0, 1 },
	};
	struct xs_tf_defaults d = { xs_addr_get_v4(&e->cli4),
				    xs_addr_get_v4(&e->srv4), 40000, 80 };
	static uint8_t b[XS_T6_MAX];
	uint64_t now = mono_ns();
	struct ref_tuple t4 = { .cport = 40000, .sport = 80 }, t6;
	unsigned int i;
	uint32_t c;

	memcpy(t4.caddr, e->cli4.b, 16);
	memcpy(t4.saddr, e->srv4.b, 16);
	t6 = t4;
	memcpy(t6.caddr, fzl_cli6, 16);
	memcpy(t6.saddr, fzl_srv6, 16);
	t6.v6 = true;
	e->seeds.n = 0;
	e->seeds_t = now >> REF_COOKIE_SHIFT;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct xs_tframe f = { .flags = s[i].flags,
				       .tcp_opt = s[i].opt,
				       .tcp_optv = s[i].optv,
				       .payload = s[i].payload,
				       .seq_set = true,
				       .seq = 5001,
				       .ack_set = true };
		struct xs_t6 f6 = { .saddr = fzl_cli6,
				    .daddr = fzl_srv6,
				    .sport = 40000,
				    .dport = 80,
				    .flags = s[i].flags,
				    .tcp_opt = s[i].opt,
				    .tcp_optv = s[i].optv,
				    .payload = s[i].payload,
				    .seq_set = true,
				    .seq = 5001,
				    .ack_set = true };

		c = ref_cookie_make(FZL_K0, FZL_K1, &t4, now, 3, false, 0, 0);
		f.ack = s[i].d ? c + s[i].d : 0;
		seed_add(&e->seeds, b, xs_tf_build(b, &f, &d));
		c = ref_cookie_make(FZL_K0, FZL_K1, &t6, now, 2, false, 0, 0);
		f6.ack = s[i].d ? c + s[i].d : 0;
		seed_add(&e->seeds, b, xs_t6_build(b, &f6));
	}
}

static int fzl_open(struct fz_listen *e)
{
	int k;

	e->srv4 = xs_addr_v4(inet_addr("10.0.0.2"));
	e->cli4 = xs_addr_v4(inet_addr("10.0.0.1"));
	memcpy(e->srv6.b, fzl_srv6, 16);
	memcpy(e->cli6.b, fzl_cli6, 16);
	for (k = 0; k < FZL_NKINDS; k++)
		if (!(e->skel[k] = fzl_load(e, k)))
			return -1;
	fzl_seeds(e);
	return 0;
}

static void fzl_close(struct fz_listen *e)
{
	int k;

	for (k = 0; k < FZL_NKINDS; k++)
		listen_bpf__destroy(e->skel[k]);
}

/* What the reference expects of a frame; known false: it cannot tell
 * (userspace does not parse the frame). */
struct fzl_exp {
	bool known;
	int act;
	enum xs_lstat stat;
	bool open; /* an ACK whose ack - 1 is a cookie */
};

static struct fzl_exp fzl_exp(int act, enum xs_lstat stat)
{
	return (struct fzl_exp){ true, act, stat, false };
}

/* A segment with ACK: the cookie decides, then what it carries. */
static struct fzl_exp fzl_expect_ack(const struct xs_pkt *p, enum fzl_kind k,
				     uint64_t now)
{
	struct ref_tuple t = fzl_tuple(p);
	uint32_t blen = k == FZL_BANNER_K ? sizeof(FZL_BANNER) - 1 : 0;
	bool fin = p->flags & XS_TCP_FIN, open;
	struct fzl_exp x;

	open = ref_cookie_ok(FZL_K0, FZL_K1, &t, now, p->ack - 1, false, 0);
	if (!open &&
	    !ref_cookie_ok(FZL_K0, FZL_K1, &t, now, p->ack - 2, false, 0) &&
	    !(blen && ref_cookie_ok(FZL_K0, FZL_K1, &t, now, p->ack - 2 - blen,
				    false, 0)))
		return fzl_exp(XDP_DROP, XS_LSTAT_BAD_COOKIE);
	if (p->opts.malformed)
		return fzl_exp(XDP_DROP, XS_LSTAT_MALFORMED);
	if (p->payload_len)
		x = fzl_exp(XDP_TX, XS_LSTAT_DATA);
	else if (fin)
		x = fzl_exp(XDP_TX, XS_LSTAT_FIN);
	else
		x = fzl_exp(XDP_DROP,
			    open ? XS_LSTAT_ACK_VALID : XS_LSTAT_CLOSING);
	x.open = open;
	return x;
}

/* The reference: listen's rules over userspace's parse of the frame. */
static struct fzl_exp fzl_expect(const struct fz_listen *e,
				 const struct fz_frame *f, enum fzl_kind k,
				 struct xs_pkt *p, uint64_t now)
{
	const struct xs_addr *srv;
	uint8_t fl;

	if (xs_parse_frame(f->b, f->len, p) != XS_PARSE_OK)
		return (struct fzl_exp){ false };
	if (!xs_ip_csum_ok(p))
		return fzl_exp(XDP_DROP, XS_LSTAT_MALFORMED);
	srv = p->ip_version == 4 ? &e->srv4 : &e->srv6;
	fl = p->flags & FZL_SEEN;
	if (!xs_addr_eq(&p->daddr, srv) ||
	    (p->dport != 80 && p->dport != 443) ||
	    (k == FZL_PROTECT && fl != XS_TCP_SYN))
		return fzl_exp(XDP_PASS, XS_LSTAT_PASSED);
	if (p->l3_len != (p->ip_version == 4 ? XS_IP_HLEN : XS_IP6_HLEN) ||
	    p->tcp_len > FZL_MAX_SEG)
		return fzl_exp(XDP_DROP, XS_LSTAT_UNSUPPORTED);
	if (!xs_tcp_csum_acceptable(p))
		return fzl_exp(XDP_DROP, XS_LSTAT_MALFORMED);
	if (fl == XS_TCP_RST || fl == (XS_TCP_RST | XS_TCP_ACK))
		return fzl_exp(XDP_DROP, XS_LSTAT_RST);
	if (fl == XS_TCP_SYN)
		return p->payload_len ?
			       fzl_exp(XDP_DROP, XS_LSTAT_UNSUPPORTED) :
		       p->opts.malformed ?
			       fzl_exp(XDP_DROP, XS_LSTAT_MALFORMED) :
			       fzl_exp(XDP_TX, XS_LSTAT_SYN);
	if (fl == XS_TCP_ACK || fl == (XS_TCP_ACK | XS_TCP_FIN))
		return fzl_expect_ack(p, k, now);
	return fzl_exp(XDP_DROP, XS_LSTAT_UNSUPPORTED);
}

/* Our SYN-ACK to SYN p: turned around, ack = ISN + 1, a cookie of now
 * (t0 or t1) with the SYN's MSS index (and, --protect, its options),
 * checksums right. */
static const char *fzl_synack_bad(const struct xs_pkt *p,
				  const struct xs_pkt *o, enum fzl_kind k,
				  uint64_t t0, uint64_t t1)
{
	struct ref_tuple t = fzl_tuple(p);
	bool prot = k == FZL_PROTECT;
	uint32_t ours = p->ip_version == 4 ? FZL_MSS : FZL_MSS - 20, opts;

	if (o->flags != (XS_TCP_SYN | XS_TCP_ACK) || o->ack != p->seq + 1)
		return "not a SYN-ACK of the SYN";
	if (!ref_cookie_ok(FZL_K0, FZL_K1, &t, t0, o->seq, prot, p->seq) &&
	    !ref_cookie_ok(FZL_K0, FZL_K1, &t, t1, o->seq, prot, p->seq))
		return "the SYN-ACK's ISN is not a valid cookie";
	if ((o->seq & 3) !=
	    ref_mss_index(p->opts.has_mss ? p->opts.mss : 536, ours))
		return "the cookie's MSS index is not the SYN's";
	opts = (p->opts.has_wscale ?
			(p->opts.wscale > 14 ? 14 : p->opts.wscale) :
			REF_NO_WSCALE)
		       << 1 |
	       p->opts.sack_ok;
	if (prot && ((o->seq >> 8) & 31) != opts)
		return "the --protect cookie's options are not the SYN's";
	return NULL;
}

/* Our answer to data or a FIN: seq = its ack, ack past what it carried. */
static const char *fzl_reply_bad(const struct xs_pkt *p, const struct xs_pkt *o,
				 const struct fzl_exp *x, enum fzl_kind k)
{
	bool fin = p->flags & XS_TCP_FIN, banner = k == FZL_BANNER_K && x->open;
	uint8_t want;

	if (p->payload_len)
		want = banner ? XS_TCP_FIN | XS_TCP_PSH | XS_TCP_ACK :
				XS_TCP_RST | XS_TCP_ACK;
	else
		want = x->open ? XS_TCP_FIN | XS_TCP_ACK : XS_TCP_ACK;
	if (o->flags != want)
		return "the answer's flags are not the rules'";
	if (o->seq != p->ack ||
	    o->ack != p->seq + (uint32_t)p->payload_len + fin)
		return "the answer's seq/ack do not follow the segment";
	if (banner && p->payload_len &&
	    (o->payload_len != sizeof(FZL_BANNER) - 1 ||
	     memcmp(o->payload, FZL_BANNER, o->payload_len)))
		return "not the banner";
	if ((!banner || !p->payload_len) && o->payload_len)
		return "an answer with payload";
	return NULL;
}

static const char *fzl_answer_bad(const struct xs_pkt *p, const uint8_t *out,
				  size_t len, const struct fzl_exp *x,
				  enum fzl_kind k, uint64_t t0, uint64_t t1)
{
	struct xs_pkt o;

	if (xs_parse_frame(out, len, &o) != XS_PARSE_OK || o.opts.malformed)
		return "the answer does not parse";
	if (!csums_verify(out, len))
		return "the answer's checksums are wrong";
	if (!xs_addr_eq(&o.saddr, &p->daddr) ||
	    !xs_addr_eq(&o.daddr, &p->saddr) || o.sport != p->dport ||
	    o.dport != p->sport || memcmp(o.dst_mac, p->src_mac, 6))
		return "the answer is not to the segment's source";
	if (x->stat == XS_LSTAT_SYN)
		return fzl_synack_bad(p, &o, k, t0, t1);
	return fzl_reply_bad(p, &o, x, k);
}

/* Counters: frames by one, one verdict counter by one (synack_tx with
 * syn); *stat its index. */
static const char *fzl_counted_bad(const struct xs_listen_stats *b,
				   const struct xs_listen_stats *a, int *stat)
{
	const __u64 *pb = (const __u64 *)b, *pa = (const __u64 *)a;

	if (a->frames != b->frames + 1)
		return "frames did not move by one";
	*stat = one_moved(pb, pa, XS_LSTAT_MAX, XS_LSTAT_FRAMES,
			  XS_LSTAT_SYNACK_TX);
	if (*stat < 0)
		return "not exactly one verdict counter moved";
	if ((a->synack_tx - b->synack_tx) != (*stat == XS_LSTAT_SYN))
		return "synack_tx did not move with syn";
	if (a->rtt_samples - b->rtt_samples > (*stat == XS_LSTAT_ACK_VALID))
		return "rtt_samples moved without a handshake";
	return NULL;
}

static void fzl_one(struct fz_listen *e, const struct fz_frame *f,
		    enum fzl_kind k)
{
	uint8_t out[FZ_FRAME_MAX + 256];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b,
		    .data_size_in = f->len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	int fd = bpf_map__fd(e->skel[k]->maps.xs_lstats), stat, act;
	struct xs_listen_stats sb, sa;
	struct fzl_exp x0, x1;
	struct xs_pkt p;
	const char *why;
	uint64_t t0, t1;

	if (xs_listen_read_stats(fd, &sb))
		return;
	t0 = mono_ns();
	if (bpf_prog_test_run_opts(bpf_program__fd(e->skel[k]->progs.xs_listen),
				   &o))
		return;
	t1 = mono_ns();
	act = (int)o.retval;
	if (xs_listen_read_stats(fd, &sa))
		return finding("listen", f, "stats unreadable");
	if ((why = fzl_counted_bad(&sb, &sa, &stat)))
		return finding("listen", f, "%s: %s", fzl_names[k], why);
	e->per_stat[stat]++;
	e->tx += act == XDP_TX;
	x0 = fzl_expect(e, f, k, &p, t0);
	x1 = fzl_expect(e, f, k, &p, t1);
	if (!x0.known) {
		e->unknown++;
		if (act == XDP_TX || stat == XS_LSTAT_ACK_VALID)
			finding("listen", f,
				"%s: %s (%s) for a frame userspace does not parse",
				fzl_names[k], xdp_act_str(act),
				xs_lstat_name(stat));
		return;
	}
	if (x0.stat != x1.stat || x0.open != x1.open)
		return; /* the cookie's time unit turned during the run */
	if (act != x0.act || stat != (int)x0.stat)
		return finding("listen", f, "%s: %s, %s; the reference: %s, %s",
			       fzl_names[k], xdp_act_str(act),
			       xs_lstat_name(stat), xdp_act_str(x0.act),
			       xs_lstat_name(x0.stat));
	e->valid += stat == XS_LSTAT_ACK_VALID;
	if (act == XDP_TX &&
	    (why = fzl_answer_bad(&p, out, o.data_size_out, &x0, k, t0, t1)))
		finding("listen", f, "%s: %s", fzl_names[k], why);
}

/* A mutated segment with ACK gets a cookie of its tuple again (+ 1, + 2
 * or + banner + 2), a SYN nothing. */
static void fzl_fix(struct fz_frame *f, void *ctx)
{
	static const uint32_t d[] = { 1, 1, 2, 2 + sizeof(FZL_BANNER) - 1 };
	struct ref_tuple t;
	struct fz_layout l;
	struct xs_pkt p;
	uint32_t c;

	(void)ctx;
	fz_layout(f, &l);
	if (xs_parse_frame(f->b, f->len, &p) != XS_PARSE_OK ||
	    !(p.flags & XS_TCP_ACK) || !l.l4 || l.l4 + 12 > f->len)
		return;
	t = fzl_tuple(&p);
	c = ref_cookie_make(FZL_K0, FZL_K1, &t, mono_ns(), fz_below(&fz.rng, 4),
			    false, 0, 0);
	fz_set(f->b + l.l4 + 8, 4, c + d[fz_below(&fz.rng, 4)]);
}

static void fzl_run(struct fz_listen *e, const struct fz_budget *b)
{
	struct fz_frame f;
	enum fzl_kind k;
	uint64_t n = 0;
	int i;

	TEST_BEGIN(
		"fuzz listen: verdicts and counters as the reference's, cookies checked");
	fz.shown = 0;
	fz.findings = 0;
	while (fz_more(b, n)) {
		if (!(n & 255) && mono_ns() >> REF_COOKIE_SHIFT != e->seeds_t)
			fzl_seeds(e);
		k = (enum fzl_kind)fz_below(&fz.rng, FZL_NKINDS);
		fz_make(&e->seeds, &f, fzl_fix, e);
		fz.frame++;
		fzl_one(e, &f, k);
		n++;
	}
	printf("# listen: %llu frames, %llu answered by XDP_TX, %llu handshakes, %llu the reference cannot judge, %llu findings; by counter:",
	       (unsigned long long)n, e->tx, e->valid, e->unknown, fz.findings);
	for (i = 1; i < XS_LSTAT_MAX; i++)
		if (i != XS_LSTAT_SYNACK_TX)
			printf(" %s %llu", xs_lstat_name(i), e->per_stat[i]);
	printf("\n");
	CHECK(e->valid > 0 && e->per_stat[XS_LSTAT_SYN] > 0 &&
		      e->per_stat[XS_LSTAT_DATA] > 0,
	      "the fuzzer does not reach handshakes, SYNs and data");
	TEST_END();
}

#endif /* XS_FUZZ_FZ_LISTEN_H */
