// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * TC egress guard: drops the RSTs the local kernel sends for our handshakes.
 *
 * The kernel's TCP stack knows nothing of the connections we open through
 * the AF_XDP socket; when a segment of one of them reaches it (a SYN-ACK
 * with no socket on the queue, a server's banner) it answers with an RST
 * that would tear the server's side down.  Frames we send through AF_XDP do
 * not pass TC egress, so every RST seen here from our address and port
 * range is the kernel's, and is dropped.  Nothing else is touched.  Both
 * families: from src_ip over IPv4, from src_ip6 over IPv6 (the kernel's
 * RSTs carry no extension headers: TCP right after the IPv6 header).
 *
 * Returns TC_ACT_UNSPEC (-1) for everything it does not drop: under tcx
 * that is TCX_NEXT, so programs after us still run; under clsact
 * direct-action it means "continue" with the default action.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "xdpshake.h"
#include "bpf/parse.h"
#include "bpf/parse6.h"
#include "bpf/maps.h"

/* <linux/pkt_cls.h> values; that header does not mix with vmlinux.h. */
#define XS_TC_ACT_UNSPEC (-1)
#define XS_TC_ACT_SHOT 2

/*
 * Make the headers we parse linear, so direct packet access can reach them.
 * Locally generated TCP segments normally have them linear already; the
 * helper is only called when they are not.  Asking for more than skb->len
 * would fail, so ask for at most that.
 */
static __always_inline void linearize_headers(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 want = skb->len;

	/*
	 * Without the barrier clang reads skb->len a second time after the
	 * clamp, and the verifier sees an unbounded offset added to a
	 * packet pointer.
	 */
	if (want > XS_HDR_MAX)
		want = XS_HDR_MAX;
	barrier_var(want);
	if (data + want > data_end)
		bpf_skb_pull_data(skb, want);
}

/* An RST from our port range: the last test of both families. */
static __always_inline int judge_tcp(const struct tcphdr *th,
				     const struct xs_config *cfg)
{
	if (!xs_port_ours(cfg, bpf_ntohs(th->source)))
		return XS_TC_ACT_UNSPEC;
	if (!(xs_tcp_flags(th) & XS_TCP_RST))
		return XS_TC_ACT_UNSPEC;
	return XS_TC_ACT_SHOT;
}

/* IPv6: from our IPv6 source, TCP as the first next header. */
static __always_inline int judge6(struct __sk_buff *skb,
				  const struct xs_config *cfg)
{
	struct ipv6hdr *ip6;
	struct xs_cursor c;
	struct tcphdr *th;

	if (xs_ip6_is_zero(cfg->src_ip6))
		return XS_TC_ACT_UNSPEC;
	linearize_headers(skb);
	/* Packet pointers only after bpf_skb_pull_data(). */
	xs_cursor_init(&c, (void *)(long)skb->data,
		       (void *)(long)skb->data_end);
	if (xs_parse_eth_l3(&c) != XS_ETH_P_IPV6 || skb->len < XS_ETH_HLEN ||
	    xs_parse_ipv6(&c, skb->len - XS_ETH_HLEN, &ip6) != XS_P_OK)
		return XS_TC_ACT_UNSPEC;
	if (!xs_ip6_eq(&ip6->saddr, cfg->src_ip6) ||
	    ip6->nexthdr != XS_IPPROTO_TCP)
		return XS_TC_ACT_UNSPEC;
	if (xs_parse_tcp_len(&c, bpf_ntohs(ip6->payload_len), &th) != XS_P_OK)
		return XS_TC_ACT_UNSPEC;
	return judge_tcp(th, cfg);
}

/* TC_ACT_SHOT for a kernel RST from our address and port range. */
static __always_inline int judge(struct __sk_buff *skb,
				 const struct xs_config *cfg)
{
	struct xs_cursor c;
	struct tcphdr *th;
	struct iphdr *iph;
	void *data;

	if (skb->protocol == bpf_htons(XS_ETH_P_IPV6))
		return judge6(skb, cfg);
	if (skb->protocol != bpf_htons(XS_ETH_P_IP) || !cfg->src_ip)
		return XS_TC_ACT_UNSPEC;
	linearize_headers(skb);
	/*
	 * bpf_skb_pull_data() invalidates every packet pointer: load data
	 * and data_end only after it.
	 */
	data = (void *)(long)skb->data;
	xs_cursor_init(&c, data, (void *)(long)skb->data_end);
	if (xs_parse_eth(&c) != XS_P_OK)
		return XS_TC_ACT_UNSPEC;
	/*
	 * tot_len is checked against the whole skb (a GSO skb carries more
	 * than its linear part); the parsers bound their reads by data_end.
	 */
	if (skb->len < XS_ETH_HLEN ||
	    xs_parse_ipv4(&c, skb->len - XS_ETH_HLEN, &iph) != XS_P_OK)
		return XS_TC_ACT_UNSPEC;
	if (iph->saddr != cfg->src_ip || xs_ipv4_is_fragment(iph) ||
	    iph->protocol != XS_IPPROTO_TCP)
		return XS_TC_ACT_UNSPEC;
	if (xs_parse_tcp(&c, iph, &th) != XS_P_OK)
		return XS_TC_ACT_UNSPEC;
	return judge_tcp(th, cfg);
}

SEC("tc")
int xs_tc_guard(struct __sk_buff *skb)
{
	int action = XS_TC_ACT_UNSPEC;
	struct xs_config *cfg;
	struct xs_stats *st;

	cfg = xs_get_cfg();
	/* Each family unconfigured (yet) is nobody's: judge() asks. */
	if (cfg)
		action = judge(skb, cfg);

	st = xs_get_stats();
	if (st) {
		stat_inc(st, XS_STAT_TC_SEEN);
		if (action == XS_TC_ACT_SHOT)
			stat_inc(st, XS_STAT_TC_RST_DROP);
	}
	return action;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
