// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The benchmark's own XDP and TC programs, for the server side of the veth
 * (and resp_pass, resp_sink for the client's).  What answers the scans in
 * XDP is the product, `xdpshake listen` (bench.sh's rscan_* phases).
 *
 * resp_xdp, the SYN counter: every frame goes on to the kernel; SYNs and
 * RSTs to cfg.port are counted and timestamped (other segments only
 * counted), so the benchmark can time any client's SYNs, and its RSTs
 * after SYN-ACKs, at the server, whatever tool sent them.
 *
 * resp_tc_synack, on the server side's TC egress, counts the SYN-ACKs the
 * server's kernel sends from cfg.port: how fast the server answers,
 * whatever the client.
 *
 * Measurement code, not a firewall: checksums are not verified (a
 * same-host veth delivers CHECKSUM_PARTIAL frames anyway).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "xdpshake.h"
#include "bpf/parse.h"
#include "bpf/parse6.h"
#include "responder.h"

#define RESP_TC_ACT_OK 0 /* uapi pkt_cls.h, which cannot meet vmlinux.h */

const volatile struct resp_cfg cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct resp_stats);
} resp_stats SEC(".maps");

_Static_assert(RESP_STAT_MAX * sizeof(__u64) <=
		       __builtin_offsetof(struct resp_stats, first_syn_ns),
	       "enum resp_stat must index the counters of struct resp_stats");

struct resp_verdict {
	int action; /* enum xdp_action */
	enum resp_stat stat;
};

static __always_inline int set_verdict(struct resp_verdict *v, int action,
				       enum resp_stat stat)
{
	v->action = action;
	v->stat = stat;
	return action;
}

/* The SYN counter's verdict: always XDP_PASS, counted under its kind. */
static __always_inline void count_tcp(const struct tcphdr *th,
				      struct resp_verdict *v)
{
	__u8 flags = xs_tcp_flags(th);

	if (flags & XS_TCP_RST)
		v->stat = RESP_STAT_RST;
	else if ((flags & (XS_TCP_SYN | XS_TCP_ACK | XS_TCP_FIN)) == XS_TCP_SYN)
		v->stat = RESP_STAT_SYN;
	else
		v->stat = RESP_STAT_OTHER;
}

static __always_inline void count(struct resp_verdict *v)
{
	struct resp_stats *st;
	__u32 key = 0, i = v->stat;
	__u64 now;

	st = bpf_map_lookup_elem(&resp_stats, &key);
	if (!st)
		return;
	st->frames++;
	if (i < RESP_STAT_MAX)
		((__u64 *)st)[i]++;
	/* The clock only for the events the benchmark times. */
	switch (i) {
	case RESP_STAT_SYN:
		now = bpf_ktime_get_ns();
		if (!st->first_syn_ns)
			st->first_syn_ns = now;
		st->last_syn_ns = now;
		break;
	case RESP_STAT_RST:
		st->last_rst_ns = bpf_ktime_get_ns();
		break;
	default:
		break;
	}
}

/*
 * IPv6 (the IPv6 bench rows): its TCP header, or NULL, for the SYN
 * counter and the TC SYN-ACK counter.
 */
static __always_inline struct tcphdr *tcp6(struct xs_cursor *c, __u32 l3_len)
{
	struct ipv6hdr *ip6 = NULL;
	struct tcphdr *th = NULL;
	struct xs_l4 l4 = {};

	if (xs_parse_ipv6(c, l3_len, &ip6) != XS_P_OK ||
	    xs_ipv6_walk(c, ip6, &l4) != XS_P_OK ||
	    l4.proto != XS_IPPROTO_TCP ||
	    xs_parse_tcp_len(c, l4.len, &th) != XS_P_OK)
		return NULL;
	return th;
}

SEC("xdp")
int resp_xdp(struct xdp_md *ctx)
{
	struct resp_verdict v = { XDP_PASS, RESP_STAT_PASS };
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tcphdr *th = NULL;
	struct iphdr *iph = NULL;
	struct xs_cursor c;

	xs_cursor_init(&c, data, data_end);
	switch (xs_parse_eth_l3(&c)) {
	case XS_ETH_P_IP:
		break;
	case XS_ETH_P_IPV6:
		th = tcp6(&c, data_end - data - XS_ETH_HLEN);
		if (th && th->dest == cfg.port)
			count_tcp(th, &v);
		goto out;
	default:
		goto out;
	}
	if (xs_parse_ipv4(&c, data_end - data - XS_ETH_HLEN, &iph) != XS_P_OK) {
		set_verdict(&v, XDP_PASS, RESP_STAT_MALFORMED);
		goto out;
	}
	if (iph->protocol != XS_IPPROTO_TCP || xs_ipv4_is_fragment(iph) ||
	    (cfg.addr && iph->daddr != cfg.addr))
		goto out;
	if (xs_parse_tcp(&c, iph, &th) != XS_P_OK) {
		set_verdict(&v, XDP_PASS, RESP_STAT_MALFORMED);
		goto out;
	}
	if (th->dest == cfg.port)
		count_tcp(th, &v);
out:
	count(&v);
	return v.action;
}

/*
 * For a kernel client's side of the veth: frames sent by XDP_TX into a
 * veth are received only if the peer has NAPI on, which an XDP program
 * (or GRO) turns on.  This one lets everything through.
 */
SEC("xdp")
int resp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/*
 * The ceiling phase (bench.sh's limit_*): is the frame TCP to cfg.port?
 * The same parsing as resp_xdp, so a sink costs what a real filter does.
 */
static __always_inline bool to_port(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tcphdr *th = NULL;
	struct iphdr *iph = NULL;
	struct xs_cursor c;

	xs_cursor_init(&c, data, data_end);
	if (xs_parse_eth(&c) != XS_P_OK ||
	    xs_parse_ipv4(&c, data_end - data - XS_ETH_HLEN, &iph) != XS_P_OK ||
	    iph->protocol != XS_IPPROTO_TCP || xs_ipv4_is_fragment(iph) ||
	    xs_parse_tcp(&c, iph, &th) != XS_P_OK)
		return false;
	return th->dest == cfg.port;
}

/* Count one frame of the ceiling phase under stat, with its time. */
static __always_inline void count_frame(enum resp_stat stat)
{
	struct resp_stats *st;
	__u32 key = 0;
	__u64 now;

	st = bpf_map_lookup_elem(&resp_stats, &key);
	if (!st)
		return;
	now = bpf_ktime_get_ns();
	st->frames++;
	if (stat < RESP_STAT_MAX)
		((__u64 *)st)[stat]++;
	if (!st->first_frame_ns)
		st->first_frame_ns = now;
	st->last_frame_ns = now;
}

/*
 * The sink: every TCP frame to cfg.port counted and dropped.  On the peer
 * of the blaster it counts the frames AF_XDP put through; on our side, in
 * the reflection phase, the frames resp_reflect sent back.
 */
SEC("xdp")
int resp_sink(struct xdp_md *ctx)
{
	if (!to_port(ctx))
		return XDP_PASS;
	count_frame(RESP_STAT_SUNK);
	return XDP_DROP;
}

/*
 * The reflector: every TCP frame to cfg.port goes back where it came from
 * by XDP_TX, its MACs swapped and nothing else touched: the frames per
 * second an XDP program can bounce on this veth.
 */
SEC("xdp")
int resp_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 mac[6];

	if ((void *)(eth + 1) > data_end || !to_port(ctx))
		return XDP_PASS;
	__builtin_memcpy(mac, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, mac, 6);
	count_frame(RESP_STAT_REFLECTED);
	return XDP_TX;
}

/*
 * TC egress of the server side: count the kernel's SYN-ACKs from cfg.port
 * and let every frame go.  The counters share resp_stats' layout: frames,
 * synack_tx, rst, other, pass, malformed and the *_synack_ns times.
 */
SEC("tc")
int resp_tc_synack(struct __sk_buff *skb)
{
	struct resp_verdict v = { RESP_TC_ACT_OK, RESP_STAT_PASS };
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct tcphdr *th = NULL;
	struct iphdr *iph = NULL;
	struct resp_stats *st;
	struct xs_cursor c;
	__u32 key = 0;
	__u16 l3;
	__u8 flags;
	__u64 now;

	xs_cursor_init(&c, data, data_end);
	l3 = xs_parse_eth_l3(&c);
	if (!l3)
		goto out;
	if (l3 == XS_ETH_P_IPV6 && skb->len >= XS_ETH_HLEN) {
		th = tcp6(&c, skb->len - XS_ETH_HLEN);
		if (!th)
			goto out;
		goto flags;
	}
	if (skb->len < XS_ETH_HLEN ||
	    xs_parse_ipv4(&c, skb->len - XS_ETH_HLEN, &iph) != XS_P_OK) {
		v.stat = RESP_STAT_MALFORMED;
		goto out;
	}
	if (iph->protocol != XS_IPPROTO_TCP || xs_ipv4_is_fragment(iph))
		goto out;
	if (xs_parse_tcp(&c, iph, &th) != XS_P_OK) {
		v.stat = RESP_STAT_MALFORMED;
		goto out;
	}
flags:
	if (th->source != cfg.port)
		goto out;
	flags = xs_tcp_flags(th);
	if (flags & XS_TCP_RST)
		v.stat = RESP_STAT_RST;
	else if ((flags & (XS_TCP_SYN | XS_TCP_ACK)) ==
		 (XS_TCP_SYN | XS_TCP_ACK))
		v.stat = RESP_STAT_SYNACK_TX;
	else
		v.stat = RESP_STAT_OTHER;
out:
	st = bpf_map_lookup_elem(&resp_stats, &key);
	if (st) {
		st->frames++;
		if (v.stat < RESP_STAT_MAX)
			((__u64 *)st)[v.stat]++;
		if (v.stat == RESP_STAT_SYNACK_TX) {
			now = bpf_ktime_get_ns();
			if (!st->first_synack_ns)
				st->first_synack_ns = now;
			st->last_synack_ns = now;
		}
	}
	return v.action;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
