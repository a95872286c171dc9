/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * test_fuzz_bpf.c's part for xs_tc_guard (bpf/tc_guard.bpf.c): frames
 * leaving us (the kernel's RSTs and other segments of both families), our
 * addresses and port range as the filter's.  It must drop exactly the
 * RSTs from our address and port range that userspace's parser takes as
 * well-formed TCP right after the IP header (the kernel's RSTs carry no
 * IP options or extension headers), and nothing else.
 */
#ifndef XS_FUZZ_FZ_GUARD_H
#define XS_FUZZ_FZ_GUARD_H

#define FZG_SHOT 2

struct fz_guard {
	struct tc_guard_bpf *skel;
	int prog, stats;
	struct fz_seeds seeds;
	struct xs_addr our4, our6;
	unsigned long long shot, frames;
};

static void fzg_seeds(struct fz_guard *e)
{
	static const uint8_t fl[] = { XS_TCP_RST, XS_TCP_RST | XS_TCP_ACK,
				      XS_TCP_ACK, XS_TCP_SYN,
				      XS_TCP_FIN | XS_TCP_ACK };
	struct xs_tf_defaults d = { xs_addr_get_v4(&e->our4), HC_PEER_IP,
				    FZF_V4_PORT, 80 };
	static uint8_t b[XS_T6_MAX];
	unsigned int i;

	for (i = 0; i < sizeof(fl); i++) {
		struct xs_tframe f = { .flags = fl[i] };
		struct xs_t6 f6 = { .egress = true,
				    .saddr = e->our6.b,
				    .daddr = hc_ctxs[HC6_SENT].rc.daddr.b,
				    .sport = FZF_V6_PORT,
				    .dport = 80,
				    .flags = fl[i] };

		seed_add(&e->seeds, b, xs_tf_build(b, &f, &d));
		seed_add(&e->seeds, b, xs_t6_build(b, &f6));
	}
}

static int fzg_open(struct fz_guard *e)
{
	struct xs_config c = { .port_lo = FZF_LO, .port_hi = FZF_HI };
	__u32 zero = 0;

	e->our4 = hc_ctxs[HC_SENT].rc.saddr;
	e->our6 = hc_ctxs[HC6_SENT].rc.saddr;
	c.src_ip = xs_addr_get_v4(&e->our4);
	memcpy(c.src_ip6, e->our6.b, 16);
	e->skel = tc_guard_bpf__open_and_load();
	if (!e->skel)
		return -1;
	e->prog = bpf_program__fd(e->skel->progs.xs_tc_guard);
	e->stats = bpf_map__fd(e->skel->maps.xs_stats);
	if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.xs_cfg), &zero, &c,
				BPF_ANY))
		return -1;
	fzg_seeds(e);
	return 0;
}

static void fzg_close(struct fz_guard *e)
{
	tc_guard_bpf__destroy(e->skel);
}

/* The reference: an RST from us that the kernel could have sent. */
static bool fzg_must_drop(const struct fz_guard *e, const struct fz_frame *f)
{
	struct xs_pkt p;

	if (xs_parse_frame(f->b, f->len, &p) != XS_PARSE_OK ||
	    !xs_ip_csum_ok(&p))
		return false;
	return xs_addr_eq(&p.saddr, p.ip_version == 4 ? &e->our4 : &e->our6) &&
	       p.sport >= FZF_LO && p.sport <= FZF_HI &&
	       (p.flags & XS_TCP_RST) && (p.ip_version == 4 || !p.n_ext);
}

static void fzg_one(struct fz_guard *e, const struct fz_frame *f)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b,
		    .data_size_in = f->len, .repeat = 1);
	struct xs_stats sb, sa;
	bool must = fzg_must_drop(e, f), shot;

	if (xs_read_stats(e->stats, &sb) || bpf_prog_test_run_opts(e->prog, &o))
		return;
	shot = (int)o.retval == FZG_SHOT;
	e->frames++;
	e->shot += shot;
	if (xs_read_stats(e->stats, &sa))
		return finding("tc_guard", f, "stats unreadable");
	if (sa.tc_seen != sb.tc_seen + 1 ||
	    sa.tc_rst_drop != sb.tc_rst_drop + shot ||
	    sa.rx_frames != sb.rx_frames)
		finding("tc_guard", f,
			"tc_seen/tc_rst_drop not as the verdict");
	if (shot != must)
		finding("tc_guard", f, "%s; the reference: %s",
			shot ? "dropped" : "not dropped",
			must ? "an RST of ours" : "not one of our RSTs");
	else if (!shot && (int)o.retval != -1)
		finding("tc_guard", f, "verdict %d", (int)o.retval);
}

static void fzg_run(struct fz_guard *e, const struct fz_budget *b)
{
	struct fz_frame f;
	uint64_t n = 0;

	TEST_BEGIN("fuzz tc_guard: drops exactly our RSTs, counted");
	fz.shown = 0;
	fz.findings = 0;
	while (fz_more(b, n)) {
		fz_make(&e->seeds, &f, NULL, NULL);
		fz.frame++;
		fzg_one(e, &f);
		n++;
	}
	printf("# tc_guard: %llu frames, %llu dropped, %llu findings\n",
	       e->frames, e->shot, fz.findings);
	CHECK(e->shot > 0, "the fuzzer never reaches a drop");
	TEST_END();
}

#endif /* XS_FUZZ_FZ_GUARD_H */
