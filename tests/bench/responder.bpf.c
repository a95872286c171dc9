// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The benchmark's XDP responder, attached to the server side of the veth.
 *
 * RESP_MODE_ANSWER: a TCP listener that costs the server almost nothing.
 * Each SYN to cfg.addr:cfg.port is turned around in place into a SYN-ACK
 * and sent back with XDP_TX: MACs, addresses and ports swapped, our ISN a
 * keyed hash of the 4-tuple, ack = their ISN + 1, the timestamp option
 * echoed, both checksums recomputed.  A final ACK that acknowledges
 * exactly ISN + 1 counts as a completed handshake.  Every segment of the
 * flow is dropped here, so the server's kernel never sees it and never
 * answers with an RST.  No state: the ISN is recomputed from the ACK.
 *
 * RESP_MODE_COUNT: the same parsing, but every frame goes on to the kernel;
 * SYNs and RSTs to the port are counted and timestamped (other segments
 * only counted), so the benchmark can time any client's SYNs, and its RSTs
 * after SYN-ACKs, at the server, whatever tool sent them.
 *
 * resp_tc_synack, on the server side's TC egress, counts the SYN-ACKs the
 * server's kernel sends from cfg.port: how fast the server answers,
 * whatever the client.
 *
 * Measurement code, not a firewall: incoming checksums are not verified (a
 * same-host veth delivers CHECKSUM_PARTIAL frames anyway).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "xdpshake.h"
#include "bpf/parse.h"
#include "bpf/parse6.h"
#include "responder.h"

#define RESP_TTL 64
#define RESP_WINDOW 64240
#define RESP_IP_DF 0x4000
#define RESP_TCPOPT_EOL 0
#define RESP_TCPOPT_NOP 1
#define RESP_TCPOPT_MSS 2
#define RESP_TCPOPT_TS 8
#define RESP_TCPOLEN_MSS 4
#define RESP_TCPOLEN_TS 10
#define RESP_TCP_MAX_OPTLEN 40
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

/* murmur3's 32-bit finaliser: every input bit reaches every output bit. */
static __always_inline __u32 mix32(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* Our ISN for a connection, from the client's side of the 4-tuple. */
static __always_inline __u32 resp_isn(__be32 caddr, __be32 saddr, __be16 cport,
				      __be16 sport)
{
	__u32 h = cfg.isn_key;

	h = mix32(h ^ caddr);
	h = mix32(h ^ saddr);
	h = mix32(h ^ ((__u32)cport << 16 | sport));
	return h;
}

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/*
 * One's complement sum of len bytes (even, at most 60) from p, 16 bits at a
 * time as stored: the sum is the same whatever the byte order, as long as
 * the result is stored back the same way.  Returns -1 if the bytes are not
 * all in the packet.
 */
static __always_inline __s64 csum_words(void *p, __u32 len, void *data_end)
{
	__u64 sum = 0;
	__u32 i;

	for (i = 0; i < 30; i++) {
		__u16 *w = p + i * 2;

		if (i * 2 >= len)
			break;
		if ((void *)(w + 1) > data_end)
			return -1;
		sum += *w;
	}
	return sum;
}

/*
 * Turn the SYN's options into the SYN-ACK's, in place and at the same
 * length: our MSS, and the timestamp option answered (TSecr = their TSval,
 * TSval = our clock in ms).  SACK-permitted and window scale are echoed as
 * they are, which accepts them.
 *
 * Bounded by the offset alone: it grows by at least one byte a pass and
 * stops at 40.  A pass counter as well would make every (counter, offset)
 * pair a different state for the verifier, which then cannot prune.
 */
static __always_inline int rewrite_options(struct tcphdr *th, __u32 doff,
					   void *data_end)
{
	__u8 *base = (__u8 *)(th + 1);
	__u32 optlen = doff - XS_TCP_HLEN;
	__u32 off = 0, now_ms;

	while (off < optlen && off < RESP_TCP_MAX_OPTLEN) {
		__u8 *p, kind, len;

		p = base + off;
		if ((void *)(p + 1) > data_end)
			return -1;
		kind = p[0];
		if (kind == RESP_TCPOPT_EOL)
			break;
		if (kind == RESP_TCPOPT_NOP) {
			off++;
			continue;
		}
		if ((void *)(p + 2) > data_end)
			return -1;
		len = p[1];
		if (len < 2 || off + len > optlen)
			return -1;
		if (kind == RESP_TCPOPT_MSS && len == RESP_TCPOLEN_MSS) {
			if ((void *)(p + RESP_TCPOLEN_MSS) > data_end)
				return -1;
			p[2] = cfg.mss >> 8;
			p[3] = cfg.mss & 0xff;
		} else if (kind == RESP_TCPOPT_TS && len == RESP_TCPOLEN_TS) {
			if ((void *)(p + RESP_TCPOLEN_TS) > data_end)
				return -1;
			__builtin_memcpy(p + 6, p + 2, 4);
			now_ms = bpf_htonl(bpf_ktime_get_ns() / 1000000);
			__builtin_memcpy(p + 2, &now_ms, 4);
		}
		off += len;
	}
	return 0;
}

/*
 * The SYN becomes our SYN-ACK, in the same buffer.  Only a bare SYN (no
 * payload, no IP options) is answered; that keeps every length fixed.
 */
static __always_inline int answer_syn(struct xdp_md *ctx, struct ethhdr *eth,
				      struct iphdr *iph, struct tcphdr *th,
				      struct resp_verdict *v)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u32 doff = (*((__u8 *)th + XS_TCP_DOFF_OFF) >> 4) * 4;
	__u8 mac[6];
	__be32 addr;
	__be16 port;
	__u32 isn;
	__s64 sum;

	if ((*((__u8 *)iph + XS_IP_VIHL_OFF) & 0x0f) * 4 != XS_IP_HLEN ||
	    bpf_ntohs(iph->tot_len) != XS_IP_HLEN + doff)
		return set_verdict(v, XDP_DROP, RESP_STAT_UNSUPPORTED);
	if (rewrite_options(th, doff, data_end))
		return set_verdict(v, XDP_DROP, RESP_STAT_MALFORMED);

	isn = resp_isn(iph->saddr, iph->daddr, th->source, th->dest);
	th->ack_seq = bpf_htonl(bpf_ntohl(th->seq) + 1);
	th->seq = bpf_htonl(isn);
	port = th->source;
	th->source = th->dest;
	th->dest = port;
	*((__u8 *)th + XS_TCP_FLAGS_OFF) = XS_TCP_SYN | XS_TCP_ACK;
	th->window = bpf_htons(RESP_WINDOW);
	th->urg_ptr = 0;

	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	iph->ttl = RESP_TTL;
	iph->frag_off = bpf_htons(RESP_IP_DF);

	__builtin_memcpy(mac, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, mac, 6);

	/*
	 * Both checksums from scratch: the SYN's TCP checksum field may hold
	 * only a pseudo-header sum (CHECKSUM_PARTIAL from a same-host veth),
	 * so it cannot be updated incrementally, and XDP_TX frames reach the
	 * peer as CHECKSUM_NONE: they must be right.
	 */
	iph->check = 0;
	sum = csum_words(iph, XS_IP_HLEN, data_end);
	if (sum < 0)
		return set_verdict(v, XDP_DROP, RESP_STAT_MALFORMED);
	iph->check = csum_fold(sum);

	th->check = 0;
	sum = csum_words(th, doff, data_end);
	if (sum < 0)
		return set_verdict(v, XDP_DROP, RESP_STAT_MALFORMED);
	sum += (iph->saddr & 0xffff) + (iph->saddr >> 16) +
	       (iph->daddr & 0xffff) + (iph->daddr >> 16) +
	       bpf_htons(XS_IPPROTO_TCP) + bpf_htons(doff);
	th->check = csum_fold(sum);

	return set_verdict(v, XDP_TX, RESP_STAT_SYNACK_TX);
}

/* The client's final ACK: does it acknowledge our ISN + 1? */
static __always_inline int check_ack(const struct iphdr *iph,
				     const struct tcphdr *th,
				     struct resp_verdict *v)
{
	__u32 isn = resp_isn(iph->saddr, iph->daddr, th->source, th->dest);

	if (bpf_ntohl(th->ack_seq) == isn + 1)
		return set_verdict(v, XDP_DROP, RESP_STAT_ACK_VALID);
	return set_verdict(v, XDP_DROP, RESP_STAT_ACK_INVALID);
}

static __always_inline int handle_tcp(struct xdp_md *ctx, struct ethhdr *eth,
				      struct iphdr *iph, struct tcphdr *th,
				      struct resp_verdict *v)
{
	__u8 flags = xs_tcp_flags(th);
	bool answer = cfg.mode == RESP_MODE_ANSWER;
	int pass_or_drop = answer ? XDP_DROP : XDP_PASS;

	if (flags & XS_TCP_RST)
		return set_verdict(v, pass_or_drop, RESP_STAT_RST);
	if ((flags & (XS_TCP_SYN | XS_TCP_ACK | XS_TCP_FIN)) == XS_TCP_SYN) {
		if (!answer)
			return set_verdict(v, XDP_PASS, RESP_STAT_SYN);
		/*
		 * A SYN answered counts under syn (synack_tx too, in
		 * count()); one we cannot answer under unsupported or
		 * malformed.
		 */
		answer_syn(ctx, eth, iph, th, v);
		if (v->stat == RESP_STAT_SYNACK_TX)
			v->stat = RESP_STAT_SYN;
		return v->action;
	}
	if (answer &&
	    (flags & (XS_TCP_SYN | XS_TCP_ACK | XS_TCP_FIN)) == XS_TCP_ACK)
		return check_ack(iph, th, v);
	return set_verdict(v, pass_or_drop, RESP_STAT_OTHER);
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
		if (v->action == XDP_TX)
			st->synack_tx++;
		break;
	case RESP_STAT_ACK_VALID:
		st->last_ack_ns = bpf_ktime_get_ns();
		break;
	case RESP_STAT_RST:
		st->last_rst_ns = bpf_ktime_get_ns();
		break;
	default:
		break;
	}
}

/*
 * IPv6 (the IPv6 bench rows): its TCP header to cfg.port, or NULL.  Only
 * counted, never answered: the scans' SYN counter and the TC SYN-ACK
 * counter; answer mode passes every IPv6 frame.
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

static __always_inline void count6(struct tcphdr *th, struct resp_verdict *v)
{
	__u8 flags;

	if (!th || th->dest != cfg.port || cfg.mode == RESP_MODE_ANSWER)
		return;
	flags = xs_tcp_flags(th);
	if (flags & XS_TCP_RST)
		v->stat = RESP_STAT_RST;
	else if ((flags & (XS_TCP_SYN | XS_TCP_ACK | XS_TCP_FIN)) == XS_TCP_SYN)
		v->stat = RESP_STAT_SYN;
	else
		v->stat = RESP_STAT_OTHER;
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
	struct ethhdr *eth;

	eth = data;
	xs_cursor_init(&c, data, data_end);
	switch (xs_parse_eth_l3(&c)) {
	case XS_ETH_P_IP:
		break;
	case XS_ETH_P_IPV6:
		count6(tcp6(&c, data_end - data - XS_ETH_HLEN), &v);
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
	if (th->dest != cfg.port)
		goto out;
	handle_tcp(ctx, eth, iph, th, &v);
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
