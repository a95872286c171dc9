// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP filter: hands the replies to our handshakes to the AF_XDP socket of
 * the RX queue they arrive on, and leaves every other frame to the kernel.
 *
 * "Ours" means IPv4, not a fragment, TCP, destination = our source address,
 * destination port in our port range.  Of those, SYN-ACKs and RSTs are
 * redirected (all segments with XS_CFG_ALL_SEGMENTS); SYN+RST and SYN+FIN
 * are dropped.  Malformed IPv4/TCP is dropped, as the kernel would drop it.
 * ICMP errors quoting one of our probes are ours too (judge_icmp): with
 * the sequence number we sent, redirected; with any other, dropped.  The
 * ICMP checksum is not verified here (userspace does): the quote check is
 * what stops a blind forgery.
 *
 * Every frame counts rx_frames and exactly one verdict counter (rx_synack,
 * rx_rst, rx_other, rx_icmp, rx_pass, rx_malformed, rx_bad_csum,
 * rx_invalid, rx_icmp_bad or rx_no_socket), so rx_frames is always their
 * sum.  A redirected frame is then shown to the monitor
 * plugged into the monitor hook, if any (see xdpshake.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "xdpshake.h"
#include "bpf/parse.h"
#include "bpf/maps.h"
#include "bpf/siphash.h"

/* A step's "not decided yet, keep going"; real verdicts are >= 0. */
#define XS_CONTINUE (-1)

/* AF_XDP sockets, keyed by the RX queue they are bound to. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XS_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xs_xsks SEC(".maps");

/* Recent handshakes: see struct xs_conn. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XS_CONN_MAX);
	__type(key, struct xs_conn_key);
	__type(value, struct xs_conn);
} xs_conns SEC(".maps");

/* SYN to SYN-ACK round trips, log2 of microseconds, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_rtt_hist);
} xs_rtt SEC(".maps");

/* Written by userspace only; here so that it is created and pinned with
 * the rest and bpftool can print it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_sockstat);
} xs_sockstat SEC(".maps");

/*
 * The monitor hook (see xdpshake.h): a monitor's XDP program, tail-called
 * for every frame redirected, and who is plugged in.  Empty unless a
 * `xdpshake monitor` watches this interface.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xs_mon_prog SEC(".maps");

/* Mmapable: senders read it once per frame without a system call. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xs_mon_tap);
} xs_mon_tap SEC(".maps");

/* The decision about one frame, recorded once at the program's exit. */
struct xs_verdict {
	int action; /* enum xdp_action */
	enum xs_stat stat;
};

static __always_inline int set_verdict(struct xs_verdict *v, int action,
				       enum xs_stat stat)
{
	v->action = action;
	v->stat = stat;
	return action;
}

/*
 * Ethernet + IPv4 + TCP or ICMP.  Returns XS_CONTINUE with *iphp set and
 * the cursor past the IPv4 header when the frame is a well-formed,
 * unfragmented TCP segment (*tcphp set) or ICMP message (*tcphp NULL) to
 * our address; otherwise the verdict.
 */
static __always_inline int parse_frame(struct xdp_md *ctx,
				       const struct xs_config *cfg,
				       struct xs_verdict *v,
				       struct xs_cursor *c, struct iphdr **iphp,
				       struct tcphdr **tcphp)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph;

	xs_cursor_init(c, data, data_end);
	if (xs_parse_eth(c) != XS_P_OK)
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	/*
	 * xs_parse_eth() succeeded, so there are >= XS_ETH_HLEN bytes.  The
	 * frame is linear (no xdp.frags): data_end bounds the whole frame.
	 */
	switch (xs_parse_ipv4(c, data_end - data - XS_ETH_HLEN, &iph)) {
	case XS_P_OK:
		break;
	case XS_P_BAD_CSUM:
		/* Its own counter: the counters say why a frame was dropped. */
		return set_verdict(v, XDP_DROP, XS_STAT_RX_BAD_CSUM);
	default:
		return set_verdict(v, XDP_DROP, XS_STAT_RX_MALFORMED);
	}
	/* A fragmented ICMP error is the kernel's to reassemble: never one
	 * about us (ours are far shorter than any MTU). */
	if (iph->daddr != cfg->src_ip || xs_ipv4_is_fragment(iph))
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	*iphp = iph;
	*tcphp = NULL;
	if (iph->protocol == XS_IPPROTO_ICMP)
		return XS_CONTINUE;
	if (iph->protocol != XS_IPPROTO_TCP)
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	if (xs_parse_tcp(c, iph, tcphp) != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_STAT_RX_MALFORMED);
	return XS_CONTINUE;
}

/* The addresses of a conn key for IPv4: ::ffff:a.b.c.d, as xs_addr. */
static __always_inline void xs_key_v4(struct xs_conn_key *k, __be32 local,
				      __be32 remote)
{
	k->local_ip[10] = k->local_ip[11] = 0xff;
	k->remote_ip[10] = k->remote_ip[11] = 0xff;
	__builtin_memcpy(&k->local_ip[12], &local, 4);
	__builtin_memcpy(&k->remote_ip[12], &remote, 4);
}

/* floor(log2(v)) for v > 0, without a loop. */
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	if (v >> 1)
		r += 1;
	return r;
}

static __always_inline void rtt_record(__u64 rtt_us)
{
	struct xs_rtt_hist *h;
	__u32 key = 0, slot;

	h = bpf_map_lookup_elem(&xs_rtt, &key);
	if (!h)
		return;
	slot = rtt_us ? log2_u64(rtt_us) + 1 : 0;
	if (slot >= XS_HIST_SLOTS)
		slot = XS_HIST_SLOTS - 1;
	h->slot[slot]++;
}

/*
 * A SYN-ACK or RST for a handshake userspace has recorded in xs_conns must
 * acknowledge exactly isn + 1; anything else is forged or stale and costs no
 * ring slot.  The first valid reply stamps the round trip.  Frames for no
 * recorded handshake go to userspace, which checks them itself.
 */
static __always_inline int track_reply(const struct xs_config *cfg,
				       const struct iphdr *iph,
				       const struct tcphdr *th,
				       struct xs_verdict *v)
{
	struct xs_conn_key key = {};
	struct xs_conn *c;
	__u32 ack = bpf_ntohl(th->ack_seq);
	__u64 now;

	/* Stateless: our ISN is a keyed hash of the 4-tuple, from our side
	 * (the reply's destination is our source). */
	if (cfg->flags & XS_CFG_ISN_CHECK) {
		if (!th->ack ||
		    ack != xs_isn_of(cfg->isn_k0, cfg->isn_k1, iph->daddr,
				     iph->saddr, th->dest, th->source) +
				    1)
			return set_verdict(v, XDP_DROP, XS_STAT_RX_INVALID);
		return XS_CONTINUE;
	}

	xs_key_v4(&key, iph->daddr, iph->saddr);
	key.local_port = bpf_ntohs(th->dest);
	key.remote_port = bpf_ntohs(th->source);
	c = bpf_map_lookup_elem(&xs_conns, &key);
	if (!c)
		return XS_CONTINUE;
	/* An RST is valid in SYN-SENT only with an acceptable ACK; after
	 * that userspace judges it by its sequence number. */
	if (v->stat == XS_STAT_RX_SYNACK || c->state == XS_CONN_SYN_SENT) {
		if (!th->ack || ack != c->isn + 1)
			return set_verdict(v, XDP_DROP, XS_STAT_RX_INVALID);
	}
	if (c->state == XS_CONN_SYN_SENT && !c->reply_ns) {
		now = bpf_ktime_get_ns();
		c->reply_ns = now;
		c->rtt_us = now > c->syn_ns ? (now - c->syn_ns) / 1000 : 0;
		rtt_record(c->rtt_us);
	}
	return XS_CONTINUE;
}

/*
 * Our port range and the flags.  Returns XS_CONTINUE with v->stat set to
 * the counter to use if the redirect succeeds; otherwise the verdict.
 */
static __always_inline int classify_tcp(const struct tcphdr *th,
					const struct xs_config *cfg,
					struct xs_verdict *v)
{
	__u8 flags = xs_tcp_flags(th);
	bool syn = flags & XS_TCP_SYN;

	if (!xs_port_ours(cfg, bpf_ntohs(th->dest)))
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	/* Not a valid combination in any state (RFC 9293): never ours. */
	if (syn && (flags & (XS_TCP_RST | XS_TCP_FIN)))
		return set_verdict(v, XDP_DROP, XS_STAT_RX_MALFORMED);
	if (syn && (flags & XS_TCP_ACK))
		v->stat = XS_STAT_RX_SYNACK;
	else if (flags & XS_TCP_RST)
		v->stat = XS_STAT_RX_RST;
	else if (cfg->flags & XS_CFG_ALL_SEGMENTS)
		v->stat = XS_STAT_RX_OTHER;
	else
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	return XS_CONTINUE;
}

/*
 * Largest distance of a quoted sequence number past our ISN that a
 * frag-needed may name: the quoted segment is then one of our data
 * segments (a banner probe's payload), never more than 64 KiB in.
 */
#define XS_ICMP_DATA_WINDOW 65536

/*
 * The quoted sequence number of an ICMP error about one of our 4-tuples:
 * our ISN exactly (it quotes a SYN), or for a frag-needed (type 3 code 4)
 * or an established connection one of our data segments after it.  Scans
 * know the ISN from the keyed hash, `connect` from xs_conns; without an
 * entry userspace judges, as for SYN-ACKs.
 */
static __always_inline bool icmp_seq_ok(const struct xs_config *cfg,
					const struct xs_icmp_quote *q,
					const struct tcphdr *qth)
{
	struct xs_conn_key key = {};
	__u32 seq = bpf_ntohl(qth->seq), isn;
	bool data = q->type == XS_ICMP_DEST_UNREACH && q->code == 4;
	struct xs_conn *c;

	if (cfg->flags & XS_CFG_ISN_CHECK) {
		isn = xs_isn_of(cfg->isn_k0, cfg->isn_k1, q->qip->saddr,
				q->qip->daddr, qth->source, qth->dest);
	} else {
		xs_key_v4(&key, q->qip->saddr, q->qip->daddr);
		key.local_port = bpf_ntohs(qth->source);
		key.remote_port = bpf_ntohs(qth->dest);
		c = bpf_map_lookup_elem(&xs_conns, &key);
		if (!c)
			return true;
		isn = c->isn;
		data |= c->state == XS_CONN_ESTABLISHED;
	}
	if (seq == isn)
		return true;
	return data && seq - (isn + 1) < XS_ICMP_DATA_WINDOW;
}

/*
 * An ICMP message to our address.  Only destination-unreachable and
 * time-exceeded errors whose quote is one of our probes are ours: from our
 * address, TCP, our port range, and the sequence number we sent (RFC 5927
 * section 4.1: validate the quote), so a blind forgery costs no ring slot.
 * Everything about other traffic of this host goes to the kernel.
 */
static __always_inline int judge_icmp(struct xs_cursor *c,
				      const struct xs_config *cfg,
				      const struct iphdr *iph,
				      struct xs_verdict *v)
{
	struct xs_icmp_quote q = {};
	enum xs_parse r = xs_parse_icmp_err(c, iph, &q);
	struct tcphdr *qth;
	bool frag;

	if (r == XS_P_OTHER)
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	/* Too short to quote anything: the kernel drops it too. */
	if (!q.qip)
		return set_verdict(v, XDP_DROP, XS_STAT_RX_MALFORMED);
	if (q.qip->saddr != cfg->src_ip)
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	/* An error about an error is never sent (RFC 1122 3.2.2). */
	if (q.qip->protocol == XS_IPPROTO_ICMP) {
		if (q.ql4 && xs_icmp_type_is_error(q.ql4[0]))
			return set_verdict(v, XDP_DROP, XS_STAT_RX_ICMP_BAD);
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	}
	if (q.qip->protocol != XS_IPPROTO_TCP)
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	/* Fewer than 8 bytes of TCP: no sequence number to check (the
	 * kernel discards such an error as well). */
	if (r != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_STAT_RX_ICMP_BAD);
	qth = (struct tcphdr *)q.ql4;
	if (!xs_port_ours(cfg, bpf_ntohs(qth->source)))
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	/* We send whole segments with DF: a quoted fragment is not ours. */
	frag = xs_ipv4_is_fragment(q.qip);
	if (frag || !icmp_seq_ok(cfg, &q, qth))
		return set_verdict(v, XDP_DROP, XS_STAT_RX_ICMP_BAD);
	v->stat = XS_STAT_RX_ICMP;
	return XS_CONTINUE;
}

/*
 * To the socket of this RX queue.  With no socket there, the frame goes to
 * the kernel rather than being lost silently: the kernel answers it with an
 * RST that the TC guard drops, and rx_no_socket says what happened.
 */
static __always_inline int redirect(struct xdp_md *ctx, struct xs_verdict *v)
{
	__u32 qid = ctx->rx_queue_index;

	if (!bpf_map_lookup_elem(&xs_xsks, &qid))
		return set_verdict(v, XDP_PASS, XS_STAT_RX_NO_SOCKET);
	/*
	 * The socket may go away between the lookup and the redirect; then
	 * the fallback action XDP_PASS comes back and is counted the same.
	 */
	if (bpf_redirect_map(&xs_xsks, qid, XDP_PASS) != XDP_REDIRECT)
		return set_verdict(v, XDP_PASS, XS_STAT_RX_NO_SOCKET);
	v->action = XDP_REDIRECT;
	return XDP_REDIRECT;
}

SEC("xdp")
int xs_xdp_filter(struct xdp_md *ctx)
{
	struct xs_verdict v = { XDP_PASS, XS_STAT_RX_PASS };
	struct xs_cursor c;
	struct iphdr *iph = NULL;
	struct tcphdr *th = NULL;
	struct xs_config *cfg;
	struct xs_mon_tap *tap;
	struct xs_stats *st;
	__u32 key = 0;

	cfg = xs_get_cfg();
	/* Not configured yet: nothing is ours. */
	if (!cfg || !cfg->src_ip)
		goto out;
	if (parse_frame(ctx, cfg, &v, &c, &iph, &th) != XS_CONTINUE)
		goto out;
	if (!th) {
		if (judge_icmp(&c, cfg, iph, &v) == XS_CONTINUE)
			redirect(ctx, &v);
		goto out;
	}
	if (classify_tcp(th, cfg, &v) != XS_CONTINUE)
		goto out;
	if ((v.stat == XS_STAT_RX_SYNACK || v.stat == XS_STAT_RX_RST) &&
	    track_reply(cfg, iph, th, &v) != XS_CONTINUE)
		goto out;
	redirect(ctx, &v);
out:
	st = xs_get_stats();
	if (st) {
		stat_inc(st, XS_STAT_RX_FRAMES);
		stat_inc(st, v.stat);
	}
	/*
	 * Show a plugged-in monitor the frame: it never reaches TC.  The
	 * monitor's program returns XDP_REDIRECT, and the target set by
	 * bpf_redirect_map() survives the tail call.  An empty slot makes
	 * the call fall through.  Looking at xs_mon_tap first costs one
	 * array load when nobody watches, and makes the map one of this
	 * program's, which is how a monitor finds it.
	 */
	if (v.action == XDP_REDIRECT) {
		tap = bpf_map_lookup_elem(&xs_mon_tap, &key);
		if (tap && tap->tx_prog)
			bpf_tail_call(ctx, &xs_mon_prog, 0);
	}
	return v.action;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
