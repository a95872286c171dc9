/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The fast path (XS_CFG_FAST_RST, XS_CFG_FAST_ACK): a SYN-ACK that passed
 * the stateless ISN check is turned, in place, into the answer userspace
 * would have sent (engine.c's open_answer(), built as txseg.c builds it)
 * and sent back by XDP_TX, and a record of it (struct xs_fast_rec) goes to
 * userspace through a ring buffer.  Userspace judges the record as it
 * judges a frame from its socket, and sends what follows our answer (the
 * closing RST or FIN) itself.
 *
 * Only a SYN-ACK userspace would take as a new, clean one is answered
 * here: exactly SYN+ACK (ECE allowed), no IP options, no payload, no
 * reserved bits, a TCP checksum that verifies (or the pseudo-header sum a
 * CHECKSUM_PARTIAL veth peer leaves), an option list that parses to its
 * end by the rules of user/core/packet.c's parse_opts().  Anything else,
 * and a SYN-ACK repeating one already answered (same server ISN in
 * xs_conns), goes to the socket as before.  A full ring buffer does too
 * (counted rx_fast_fallback): never an answer without its record.
 *
 * Include from xdp_filter.bpf.c, after its maps, parse.h and maps.h.
 */
#ifndef XS_BPF_FASTPATH_H
#define XS_BPF_FASTPATH_H

#define XS_FP_TCP_MAX 60
#define XS_FP_TS_OPTLEN 12 /* NOP, NOP, kind 8 (RFC 7323 appendix A) */
#define XS_FP_IP_DF 0x4000
#define XS_FP_FLAG_ECE 0x40

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XS_FAST_RB_SIZE);
} xs_fast_rb SEC(".maps");

/* What a SYN-ACK's headers say, as far as the answer needs. */
struct xs_fp_in {
	__u32 doff; /* TCP header length, bytes */
	bool has_ts;
	__be32 ts_val; /* the server's TSval, as on the wire */
	__be32 ts_ecr;
};

static __always_inline __u16 xs_fp_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* The unfolded sum of the TCP pseudo-header (RFC 9293 section 3.1). */
static __always_inline __u64 xs_fp_pseudo(__be32 saddr, __be32 daddr, __u32 len)
{
	struct {
		__be32 s, d;
		__u8 zero, proto;
		__be16 len;
	} ph = { saddr, daddr, 0, XS_IPPROTO_TCP, bpf_htons(len) };

	return (__u32)bpf_csum_diff(NULL, 0, (__be32 *)&ph, sizeof(ph), 0);
}

/*
 * The TCP checksum of a segment of tcp[0..len) with pseudo-header sum ps,
 * as user/core/packet.c's xs_tcp_csum_acceptable() judges it: the whole
 * sum verifies, or the field holds exactly the pseudo-header sum
 * (CHECKSUM_PARTIAL).
 */
static __always_inline bool xs_fp_csum_ok(__u64 ps, __u8 *tcp, __u32 len)
{
	__u16 field = *(__u16 *)(tcp + 16);
	__u64 sum;

	if (len < XS_TCP_HLEN || len > XS_FP_TCP_MAX)
		return false;
	sum = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)tcp, len, 0);
	if (xs_fp_fold(ps + sum) == 0xffff)
		return true;
	return field == xs_fp_fold(ps);
}

/* The SYN-ACK's TCP header, copied out of the packet, and the state of
 * the walk over its options (xs_fp_opt_step). */
struct xs_fp_scan {
	__u8 tcp[XS_FP_TCP_MAX + 16];
	__u32 i, n; /* the next option byte, the options' length */
	bool bad, has_ts;
	__be32 ts_val, ts_ecr;
};

/*
 * One option, by parse_opts()'s rules (user/core/packet.c): EOL ends
 * them, NOP is one byte, every other kind has a length of at least 2 that
 * stays inside the header.  A list that breaks them is malformed (bad):
 * userspace flags such a result, and a flagged result is the socket
 * path's to produce.  The timestamp option counts only with length 10,
 * the last one wins.  A bpf_loop() callback: verified once, not once per
 * pass as an unrolled or bounded loop would be.
 */
static long xs_fp_opt_step(__u64 idx, void *ctx)
{
	struct xs_fp_scan *sc = ctx;
	__u32 i = sc->i, olen;
	__u8 kind;

	if (i >= sc->n || i >= 40)
		return 1;
	kind = sc->tcp[(XS_TCP_HLEN + i) & 63];
	if (kind == 0)
		return 1;
	if (kind == 1) {
		sc->i = i + 1;
		return 0;
	}
	olen = sc->tcp[(XS_TCP_HLEN + i + 1) & 63];
	if (sc->n - i < 2 || olen < 2 || olen > sc->n - i) {
		sc->bad = true;
		return 1;
	}
	if (kind == 8 && olen == 10) {
		sc->has_ts = true;
		__builtin_memcpy(&sc->ts_val,
				 &sc->tcp[(XS_TCP_HLEN + i + 2) & 63], 4);
		__builtin_memcpy(&sc->ts_ecr,
				 &sc->tcp[(XS_TCP_HLEN + i + 6) & 63], 4);
	}
	sc->i = i + olen;
	return 0;
}

/*
 * The TCP part of the question, alike for both families: the segment at
 * off of seg_len bytes (what the IP header says) is exactly a SYN-ACK
 * header with options that parse, no payload.  The header is copied out
 * of the packet first, so that the checksum (IPv4's: ps is its
 * pseudo-header sum; IPv6's was checked by filter_tcp6) and the option
 * walk work on the stack with constant bounds.
 */
static __always_inline bool xs_fp_tcp_ok(struct xdp_md *ctx,
					 const struct tcphdr *th, __u32 off,
					 __u32 seg_len, bool v4, __u64 ps,
					 struct xs_fp_in *in)
{
	struct xs_fp_scan sc = {};
	__u8 flags = xs_tcp_flags(th);
	__u32 doff;

	if ((flags & ~XS_FP_FLAG_ECE) != (XS_TCP_SYN | XS_TCP_ACK))
		return false;
	if (*((__u8 *)th + XS_TCP_DOFF_OFF) & 0x0f)
		return false;
	doff = (*((__u8 *)th + XS_TCP_DOFF_OFF) >> 4) * 4;
	if (doff < XS_TCP_HLEN || doff > XS_FP_TCP_MAX || seg_len != doff)
		return false;
	if (bpf_xdp_load_bytes(ctx, off, sc.tcp, doff))
		return false;
	if (v4 && !xs_fp_csum_ok(ps, sc.tcp, doff))
		return false;
	sc.n = doff - XS_TCP_HLEN;
	bpf_loop(40, xs_fp_opt_step, &sc, 0);
	if (sc.bad)
		return false;
	in->doff = doff;
	in->has_ts = sc.has_ts;
	in->ts_val = sc.ts_val;
	in->ts_ecr = sc.ts_ecr;
	return true;
}

/* Is this IPv4 SYN-ACK one the fast path may answer?  No IP options. */
static __always_inline bool xs_fp_eligible(struct xdp_md *ctx,
					   const struct iphdr *iph,
					   const struct tcphdr *th,
					   struct xs_fp_in *in)
{
	__u32 len = bpf_ntohs(iph->tot_len) - XS_IP_HLEN;

	if (*((__u8 *)iph + XS_IP_VIHL_OFF) != 0x45 ||
	    bpf_ntohs(iph->tot_len) < XS_IP_HLEN)
		return false;
	return xs_fp_tcp_ok(ctx, th, XS_ETH_HLEN + XS_IP_HLEN, len, true,
			    xs_fp_pseudo(iph->saddr, iph->daddr, len), in);
}

/* And this IPv6 one?  TCP right after the fixed header (a chain of
 * extension headers is the socket's), from no IPv4-mapped address (which
 * userspace's validator refuses: never a server of ours over IPv6). */
static __always_inline bool xs_fp_eligible6(struct xdp_md *ctx,
					    const struct ipv6hdr *ip6,
					    const struct tcphdr *th,
					    const struct xs_l4 *l4,
					    struct xs_fp_in *in)
{
	const __u32 *a = (const __u32 *)&ip6->saddr;

	if (l4->off != XS_ETH_HLEN + XS_IP6_HLEN)
		return false;
	if (!a[0] && !a[1] && a[2] == bpf_htonl(0xffff))
		return false;
	return xs_fp_tcp_ok(ctx, th, l4->off, l4->len, false, 0, in);
}

/*
 * FAST_ACK: a SYN-ACK repeating one we answered already (the same server
 * ISN in xs_conns, under key: its 4-tuple) is a retransmission, which
 * userspace answers as a duplicate.  A new server ISN on a 4-tuple is a
 * new connection.
 */
static __always_inline bool xs_fp_repeat(const struct tcphdr *th,
					 const struct xs_conn_key *key)
{
	struct xs_conn *c = bpf_map_lookup_elem(&xs_conns, key);

	return c && c->state == XS_CONN_ESTABLISHED &&
	       c->server_isn == bpf_ntohl(th->seq);
}

/* The connection table entry of a handshake the fast path completes. */
static __always_inline void xs_fp_conn(const struct tcphdr *th,
				       const struct xs_fp_in *in, __u64 now,
				       struct xs_conn *c)
{
	__u32 sent = bpf_ntohl(in->ts_ecr), now_us = now / 1000;

	c->state = XS_CONN_ESTABLISHED;
	c->isn = bpf_ntohl(th->ack_seq) - 1;
	c->server_isn = bpf_ntohl(th->seq);
	c->syns_sent = 1;
	c->reply_ns = now;
	c->done_ns = now;
	/* Our SYNs' TSval is their send time in us (txseg.c). */
	if (in->has_ts && (__s32)(now_us - sent) >= 0) {
		c->rtt_us = now_us - sent;
		c->syn_ns = now - c->rtt_us * 1000;
	}
}

/*
 * Our segment, as txseg.c builds it: the IP header (IPv4 without options,
 * DF; IPv6 with traffic class and flow label 0, no extension headers) in
 * ip[], TCP with the timestamp option (NOP, NOP, TS) when the answer
 * carries one.
 */
struct xs_fp_out {
	__u8 ip[XS_IP6_HLEN]; /* the first XS_IP_HLEN for IPv4 */
	struct tcphdr tcp;
	__u8 opt[XS_FP_TS_OPTLEN];
};

/* The TCP header of our answer to th; its length.  Checksum left 0. */
static __always_inline __u32 xs_fp_build_tcp(const struct xs_config *cfg,
					     const struct tcphdr *th,
					     const struct xs_fp_in *in,
					     bool ack, __u64 now,
					     struct xs_fp_out *o)
{
	bool ts = ack && in->has_ts;
	__u32 tcp_len = XS_TCP_HLEN + (ts ? XS_FP_TS_OPTLEN : 0);
	__be32 tsval = bpf_htonl((__u32)(now / 1000));
	__u8 *tb = (__u8 *)&o->tcp;

	o->tcp.source = th->dest;
	o->tcp.dest = th->source;
	o->tcp.seq = th->ack_seq; /* our ISN + 1 */
	tb[XS_TCP_DOFF_OFF] = (tcp_len / 4) << 4;
	if (ack) {
		o->tcp.ack_seq = bpf_htonl(bpf_ntohl(th->seq) + 1);
		tb[XS_TCP_FLAGS_OFF] = XS_TCP_ACK;
	} else {
		tb[XS_TCP_FLAGS_OFF] = XS_TCP_RST;
	}
	o->tcp.window = bpf_htons(cfg->window);
	if (ts) {
		o->opt[0] = 1;
		o->opt[1] = 1;
		o->opt[2] = 8;
		o->opt[3] = 10;
		__builtin_memcpy(&o->opt[4], &tsval, 4);
		__builtin_memcpy(&o->opt[8], &in->ts_val, 4);
	}
	return tcp_len;
}

/* The TCP checksum of o's segment, after a pseudo-header sum ps. */
static __always_inline __u16 xs_fp_tcp_csum(__u64 ps, struct xs_fp_out *o,
					    __u32 tcp_len)
{
	return ~xs_fp_fold(ps + (__u32)bpf_csum_diff(NULL, 0, (__be32 *)&o->tcp,
						     tcp_len, 0));
}

static __always_inline __u32 xs_fp_build(const struct xs_config *cfg,
					 const struct iphdr *iph,
					 const struct tcphdr *th,
					 const struct xs_fp_in *in, bool ack,
					 __u64 now, struct xs_fp_out *o)
{
	struct iphdr *ip = (struct iphdr *)o->ip;
	__u32 tcp_len = xs_fp_build_tcp(cfg, th, in, ack, now, o);

	o->ip[0] = 0x45;
	ip->tot_len = bpf_htons(XS_IP_HLEN + tcp_len);
	ip->id = bpf_htons((__u16)bpf_get_prandom_u32());
	ip->frag_off = bpf_htons(XS_FP_IP_DF);
	ip->ttl = cfg->ttl;
	ip->protocol = XS_IPPROTO_TCP;
	ip->saddr = iph->daddr;
	ip->daddr = iph->saddr;
	ip->check = ~xs_fp_fold(
		(__u32)bpf_csum_diff(NULL, 0, (__be32 *)ip, XS_IP_HLEN, 0));
	o->tcp.check = xs_fp_tcp_csum(
		xs_fp_pseudo(ip->saddr, ip->daddr, tcp_len), o, tcp_len);
	return tcp_len;
}

/* The unfolded sum of the IPv6 TCP pseudo-header (RFC 8200 8.1). */
static __always_inline __u64 xs_fp_pseudo6(const struct ipv6hdr *ip6, __u32 len)
{
	struct {
		__be32 len, nh;
	} ph = { bpf_htonl(len), bpf_htonl(XS_IPPROTO_TCP) };

	/* saddr and daddr side by side: 32 bytes. */
	return (__u32)bpf_csum_diff(NULL, 0, (__be32 *)&ip6->saddr, 32, 0) +
	       (__u64)(__u32)bpf_csum_diff(NULL, 0, (__be32 *)&ph, sizeof(ph),
					   0);
}

static __always_inline __u32 xs_fp_build6(const struct xs_config *cfg,
					  const struct ipv6hdr *in6,
					  const struct tcphdr *th,
					  const struct xs_fp_in *in, bool ack,
					  __u64 now, struct xs_fp_out *o)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)o->ip;
	__u32 tcp_len = xs_fp_build_tcp(cfg, th, in, ack, now, o);

	o->ip[0] = 0x60; /* version 6, traffic class and flow label 0 */
	ip6->payload_len = bpf_htons(tcp_len);
	ip6->nexthdr = XS_IPPROTO_TCP;
	ip6->hop_limit = cfg->ttl;
	__builtin_memcpy(&ip6->saddr, &in6->daddr, 16);
	__builtin_memcpy(&ip6->daddr, &in6->saddr, 16);
	o->tcp.check = xs_fp_tcp_csum(xs_fp_pseudo6(ip6, tcp_len), o, tcp_len);
	return tcp_len;
}

/*
 * The frame becomes o: MACs swapped, the tail cut to our segment (never
 * longer than the SYN-ACK: a timestamp in our answer means one in theirs,
 * so their header is at least as long), the headers written.  ip_hlen:
 * XS_IP_HLEN or XS_IP6_HLEN, a constant at each call.
 */
static __always_inline bool xs_fp_rewrite(struct xdp_md *ctx,
					  const struct xs_fp_out *o,
					  __u32 ip_hlen, __u32 tcp_len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 want = XS_ETH_HLEN + ip_hlen + tcp_len;
	__u8 mac[6], *eth = data;
	int delta = (int)want - (int)(data_end - data);

	if (data + XS_ETH_HLEN > data_end || delta > 0)
		return false;
	__builtin_memcpy(mac, eth, 6);
	__builtin_memcpy(eth, eth + 6, 6);
	__builtin_memcpy(eth + 6, mac, 6);
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return false;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + XS_ETH_HLEN + ip_hlen + XS_TCP_HLEN > data_end)
		return false;
	__builtin_memcpy(data + XS_ETH_HLEN, o->ip, ip_hlen);
	__builtin_memcpy(data + XS_ETH_HLEN + ip_hlen, &o->tcp, XS_TCP_HLEN);
	if (tcp_len == XS_TCP_HLEN)
		return true;
	if (data + XS_ETH_HLEN + ip_hlen + XS_TCP_HLEN + XS_FP_TS_OPTLEN >
	    data_end)
		return false;
	__builtin_memcpy(data + XS_ETH_HLEN + ip_hlen + XS_TCP_HLEN, o->opt,
			 XS_FP_TS_OPTLEN);
	return true;
}

/*
 * Shared by both families, after the eligibility check: the record
 * reserved (a full ring: the socket's, counted), the SYN-ACK's headers
 * copied into it, our answer built (by the family's builder: ip_hlen
 * says which; hdr, the IP header) and written over the frame, the
 * connection table entry (under key) for FAST_ACK.
 */
static __always_inline int
xs_fast_finish(struct xdp_md *ctx, const struct xs_config *cfg, const void *hdr,
	       const struct tcphdr *th, __u32 ip_hlen,
	       const struct xs_fp_in *in, const struct xs_conn_key *key,
	       struct xs_verdict *v)
{
	bool ack = cfg->flags & XS_CFG_FAST_ACK;
	struct xs_conn conn = {};
	struct xs_fp_out o = {};
	struct xs_fast_rec *rec;
	__u32 hlen, tcp_len;
	__u64 now;

	rec = bpf_ringbuf_reserve(&xs_fast_rb, sizeof(*rec), 0);
	if (!rec) {
		v->fast_fallback = true;
		return XS_CONTINUE;
	}
	now = bpf_ktime_get_ns();
	hlen = XS_ETH_HLEN + ip_hlen + in->doff;
	if (hlen > XS_FAST_HDR_MAX ||
	    bpf_xdp_load_bytes(ctx, 0, rec->hdr, hlen)) {
		bpf_ringbuf_discard(rec, 0);
		return XS_CONTINUE;
	}
	rec->ts_ns = now;
	rec->cpu = bpf_get_smp_processor_id();
	rec->len = hlen;
	rec->answer = ack ? XS_FAST_ANS_ACK : XS_FAST_ANS_RST;
	if (ip_hlen == XS_IP6_HLEN)
		tcp_len = xs_fp_build6(cfg, hdr, th, in, ack, now, &o);
	else
		tcp_len = xs_fp_build(cfg, hdr, th, in, ack, now, &o);
	if (ack)
		xs_fp_conn(th, in, now, &conn);
	/* From here on hdr and th are gone: the frame is our answer. */
	if (!xs_fp_rewrite(ctx, &o, ip_hlen, tcp_len)) {
		/* Only a frame shorter than its own headers gets here, which
		 * the parser has excluded; count it as malformed. */
		bpf_ringbuf_discard(rec, 0);
		return set_verdict(v, XDP_DROP, XS_STAT_RX_MALFORMED);
	}
	if (ack)
		bpf_map_update_elem(&xs_conns, key, &conn, BPF_ANY);
	bpf_ringbuf_submit(rec, 0);
	return set_verdict(v, XDP_TX,
			   ack ? XS_STAT_TX_XDP_ACK : XS_STAT_TX_XDP_RST);
}

static __always_inline bool xs_fast_on(const struct xs_config *cfg)
{
	return (cfg->flags & (XS_CFG_FAST_RST | XS_CFG_FAST_ACK)) &&
	       (cfg->flags & XS_CFG_ISN_CHECK);
}

/*
 * The hooks: called for a SYN-ACK that passed the ISN check, key its
 * 4-tuple (ours first).  Return XDP_TX with v set when they answered (the
 * caller sends the frame back), else XS_CONTINUE: the frame goes to the
 * socket as before.
 */
static __always_inline int
xs_fast_answer(struct xdp_md *ctx, const struct xs_config *cfg,
	       const struct iphdr *iph, const struct tcphdr *th,
	       const struct xs_conn_key *key, struct xs_verdict *v)
{
	struct xs_fp_in in = {};

	if (!xs_fast_on(cfg) || !xs_fp_eligible(ctx, iph, th, &in))
		return XS_CONTINUE;
	if ((cfg->flags & XS_CFG_FAST_ACK) && xs_fp_repeat(th, key))
		return XS_CONTINUE;
	return xs_fast_finish(ctx, cfg, iph, th, XS_IP_HLEN, &in, key, v);
}

static __always_inline int
xs_fast_answer6(struct xdp_md *ctx, const struct xs_config *cfg,
		const struct ipv6hdr *ip6, const struct tcphdr *th,
		const struct xs_l4 *l4, const struct xs_conn_key *key,
		struct xs_verdict *v)
{
	struct xs_fp_in in = {};

	if (!xs_fast_on(cfg) || !xs_fp_eligible6(ctx, ip6, th, l4, &in))
		return XS_CONTINUE;
	if ((cfg->flags & XS_CFG_FAST_ACK) && xs_fp_repeat(th, key))
		return XS_CONTINUE;
	return xs_fast_finish(ctx, cfg, ip6, th, XS_IP6_HLEN, &in, key, v);
}

#endif /* XS_BPF_FASTPATH_H */
