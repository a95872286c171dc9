// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * monitor: the tutorial's router sniffer, as TC programs.
 *
 * One program on the ingress hook and one on the egress hook of an
 * interface.  For each unfragmented IPv4 or IPv6 TCP segment that matches
 * the filters (a port that is either the source or the destination port, a
 * host that is either address; 0 = any), and each ICMP (or ICMPv6)
 * destination-unreachable, time-exceeded (or packet-too-big) error whose
 * quoted TCP segment matches them, the frame's headers and a bounded slice
 * of its payload are copied into a ring buffer for userspace to print.
 * IPv6 extension headers are walked with a fixed bound (xdpshake.h), so
 * the headers always captured fit an event.
 *
 * Two more programs see what never passes TC where xdpshake runs (see "The
 * monitor hook" in xdpshake.h): xs_mon_redirect, tail-called by xdpshake's
 * XDP filter for each frame it redirects to its AF_XDP socket, and
 * xs_mon_afxdp_tx, run by xdpshake's senders (BPF_PROG_TEST_RUN) on each
 * frame they send through it.  All four share the filters, the counters and
 * the one ring, so userspace reads every frame in the order it was seen.
 *
 * The programs only watch.  The TC ones always return TC_ACT_UNSPEC (-1):
 * under tcx that is TCX_NEXT, so the programs after us on the hook
 * (xdpshake's TC guard on egress) still run and decide; under clsact
 * direct-action it means "continue with the next filter".  The XDP one
 * returns the redirect its caller decided on.  No frame is ever changed:
 * every byte is read with bpf_skb_load_bytes() (bpf_xdp_load_bytes() in
 * XDP), which also works on non-linear skbs, instead of pulling data into
 * the linear part.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "xdpshake.h"
#include "bpf/parse.h"

/* <linux/pkt_cls.h> value; that header does not mix with vmlinux.h. */
#define XS_TC_ACT_UNSPEC (-1)

/*
 * IPv6 (RFC 8200, RFC 4443).  Our own names: bpf/parse.h is the XDP
 * filter's, and vmlinux.h has no #defines.
 */
#define XS_MON_ETH_P_IPV6 0x86dd
#define XS_MON_IP6_HLEN 40
#define XS_MON_NH_HOPOPTS 0
#define XS_MON_NH_ROUTING 43
#define XS_MON_NH_DSTOPTS 60
#define XS_MON_NH_ICMPV6 58
#define XS_MON_ICMP6_DEST_UNREACH 1
#define XS_MON_ICMP6_PKT_TOOBIG 2
#define XS_MON_ICMP6_TIME_EXCEED 3

/* Filters and snap length, set by userspace before load. */
const volatile __u16 mon_port = 0; /* host order; 0 = any */
/*
 * The host as a struct xs_addr (user/core/addr.h): an IPv6 address, or
 * an IPv4 one as ::ffff:a.b.c.d.  mon_host_set = 0: any host.  A host of
 * one family matches no frame of the other.
 */
const volatile __u8 mon_host[16] = {};
const volatile __u8 mon_host_set = 0;
const volatile __u32 mon_snaplen = XS_MON_SNAP_DEFAULT;
/* The watched interface: a test run's skb is on loopback instead. */
const volatile __u32 mon_ifindex = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XS_MON_RB_SIZE);
} xs_mon_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_mon_stats);
} xs_mon_stats SEC(".maps");

/*
 * The ids of xs_mon_redirect and xs_mon_afxdp_tx, written by userspace
 * after load and bound to xs_mon_ingress: what xdpshake needs to plug this
 * monitor in when it finds it on the interface.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_mon_info);
} xs_mon_info SEC(".maps");

_Static_assert(sizeof(struct xs_mon_stats) == XS_MON_STAT_MAX * sizeof(__u64),
	       "struct xs_mon_stats must hold exactly XS_MON_STAT_MAX counters");
_Static_assert(XS_MON_HDR_MAX <= XS_MON_SNAP_MAX,
	       "an event must be able to hold the longest headers");
_Static_assert(XS_MON_HDR_MAX >=
		       XS_ETH_HLEN + XS_MON_IP6_HLEN + XS_MON_IP6_EXT_MAX + 60,
	       "headers always captured: IPv6, its walked extension headers "
	       "and the longest TCP header");
_Static_assert(XS_MON_HDR_MAX >= XS_ETH_HLEN + 2 * XS_MON_IP6_HLEN +
					 2 * XS_MON_IP6_EXT_MAX + XS_ICMP_HLEN +
					 XS_ICMP_QUOTE_TCP,
	       "headers always captured: an ICMPv6 error and its quote");

/*
 * Do the ports match the filter?  Host order.  The rodata values are
 * constants after load, so the verifier prunes the branches of unset
 * filters.
 */
static __always_inline bool mon_port_match(__u16 sport, __u16 dport)
{
	return !mon_port || sport == mon_port || dport == mon_port;
}

/* An IPv4 address, network order: mon_host when that is ::ffff:a.b.c.d. */
static __always_inline bool mon_host4(__be32 a)
{
	const volatile __be32 *h = (const volatile __be32 *)mon_host;

	return h[0] == 0 && h[1] == 0 && h[2] == bpf_htonl(0xffff) && h[3] == a;
}

static __always_inline bool mon_host6(const struct in6_addr *a)
{
	const volatile __be32 *h = (const volatile __be32 *)mon_host;

	return h[0] == a->in6_u.u6_addr32[0] && h[1] == a->in6_u.u6_addr32[1] &&
	       h[2] == a->in6_u.u6_addr32[2] && h[3] == a->in6_u.u6_addr32[3];
}

static __always_inline bool mon_match4(__u16 sport, __u16 dport, __be32 saddr,
				       __be32 daddr)
{
	if (!mon_port_match(sport, dport))
		return false;
	return !mon_host_set || mon_host4(saddr) || mon_host4(daddr);
}

static __always_inline bool mon_match6(__u16 sport, __u16 dport,
				       const struct ipv6hdr *ip6)
{
	if (!mon_port_match(sport, dport))
		return false;
	return !mon_host_set || mon_host6(&ip6->saddr) ||
	       mon_host6(&ip6->daddr);
}

/*
 * bpf_skb_load_bytes() or bpf_xdp_load_bytes(): the same arguments, and
 * both copy whatever lies at the offset, linear or not.  xdp is a constant
 * in every caller, so only one of the two calls is compiled in.
 */
static __always_inline long mon_load(void *ctx, bool xdp, __u32 off, void *to,
				     __u32 len)
{
	if (xdp)
		return bpf_xdp_load_bytes(ctx, off, to, len);
	return bpf_skb_load_bytes(ctx, off, to, len);
}

/* What a header check found: a counter, or "show it". */
#define XS_MON_SHOW (-1)

/*
 * The TCP header at off, options included, in the frame of len bytes and
 * in the datagram that ends at ip_end.  *ports: source and destination
 * port, host order.  *hdr_len: the bytes an event must hold.
 */
static __always_inline int mon_tcp_hdr(void *ctx, bool xdp, __u64 len,
				       __u64 off, __u64 ip_end, __u16 *sport,
				       __u16 *dport, __u64 *hdr_len)
{
	struct tcphdr th;
	__u64 doff;
	__u8 doff_byte;

	if (mon_load(ctx, xdp, off, &th, sizeof(th)))
		return XS_MON_STAT_NOT_TCP;
	doff_byte = *((__u8 *)&th + XS_TCP_DOFF_OFF);
	doff = (doff_byte >> 4) * 4;
	*hdr_len = off + doff;
	/* The whole header, options included, must be in the frame. */
	if (doff < XS_TCP_HLEN || *hdr_len > len || *hdr_len > ip_end)
		return XS_MON_STAT_NOT_TCP;
	*sport = bpf_ntohs(th.source);
	*dport = bpf_ntohs(th.dest);
	return XS_MON_SHOW;
}

/*
 * An IPv4 TCP segment at ihl: its header, options included, in the frame
 * and matching the filters.
 */
static __always_inline int mon_tcp(void *ctx, bool xdp, __u64 len,
				   const struct iphdr *iph, __u64 ihl,
				   __u64 *hdr_len)
{
	__u16 sport, dport;
	int r;

	r = mon_tcp_hdr(ctx, xdp, len, XS_ETH_HLEN + ihl, len, &sport, &dport,
			hdr_len);
	if (r != XS_MON_SHOW)
		return r;
	if (!mon_match4(sport, dport, iph->saddr, iph->daddr))
		return XS_MON_STAT_FILTERED;
	return XS_MON_SHOW;
}

/*
 * An ICMP destination-unreachable or time-exceeded error at ihl that
 * quotes a TCP segment (its IPv4 header and 8 bytes of TCP in the frame):
 * why a router refused one of the segments we watch.  The filters apply to
 * the quoted segment.
 */
static __always_inline int mon_icmp(void *ctx, bool xdp, __u64 len, __u64 ihl,
				    __u64 *hdr_len)
{
	__u8 icmph[XS_ICMP_HLEN], ports[4], vihl;
	struct iphdr q;
	__u64 qihl;

	if (mon_load(ctx, xdp, XS_ETH_HLEN + ihl, icmph, sizeof(icmph)) ||
	    (icmph[0] != XS_ICMP_DEST_UNREACH &&
	     icmph[0] != XS_ICMP_TIME_EXCEEDED))
		return XS_MON_STAT_NOT_TCP;
	if (mon_load(ctx, xdp, XS_ETH_HLEN + ihl + XS_ICMP_HLEN, &q, sizeof(q)))
		return XS_MON_STAT_NOT_TCP;
	vihl = *((__u8 *)&q + XS_IP_VIHL_OFF);
	qihl = (vihl & 0x0f) * 4;
	if (vihl >> 4 != 4 || qihl < XS_IP_HLEN || q.protocol != XS_IPPROTO_TCP)
		return XS_MON_STAT_NOT_TCP;
	*hdr_len = XS_ETH_HLEN + ihl + XS_ICMP_HLEN + qihl + XS_ICMP_QUOTE_TCP;
	if (*hdr_len > len ||
	    mon_load(ctx, xdp, XS_ETH_HLEN + ihl + XS_ICMP_HLEN + qihl, ports,
		     sizeof(ports)))
		return XS_MON_STAT_NOT_TCP;
	if (!mon_match4((__u16)ports[0] << 8 | ports[1],
			(__u16)ports[2] << 8 | ports[3], q.saddr, q.daddr))
		return XS_MON_STAT_FILTERED;
	return XS_MON_SHOW;
}

/* An IPv4 frame: what to count it as, or XS_MON_SHOW with *hdr_len. */
static __always_inline int mon_ipv4(void *ctx, bool xdp, __u64 len,
				    __u64 *hdr_len)
{
	struct iphdr iph;
	__u64 ihl;
	__u8 vihl;

	if (mon_load(ctx, xdp, XS_ETH_HLEN, &iph, sizeof(iph)))
		return XS_MON_STAT_NOT_TCP;
	/* Raw bytes, not C bitfields: endian-proof. */
	vihl = *((__u8 *)&iph + XS_IP_VIHL_OFF);
	ihl = (vihl & 0x0f) * 4;
	if (vihl >> 4 != 4 || ihl < XS_IP_HLEN)
		return XS_MON_STAT_NOT_TCP;
	/*
	 * A non-first fragment has no TCP header, and a first one is cut
	 * short: neither can be shown as a segment.
	 */
	if (iph.frag_off & bpf_htons(XS_IP_MF | XS_IP_OFFSET))
		return XS_MON_STAT_NOT_TCP;
	if (iph.protocol == XS_IPPROTO_TCP)
		return mon_tcp(ctx, xdp, len, &iph, ihl, hdr_len);
	if (iph.protocol == XS_IPPROTO_ICMP)
		return mon_icmp(ctx, xdp, len, ihl, hdr_len);
	return XS_MON_STAT_NOT_TCP;
}

/*
 * The IPv6 header at off (in the frame, version 6): its extension headers
 * walked up to the upper-layer header, at most XS_MON_IP6_EXT_NUM of them
 * in at most XS_MON_IP6_EXT_MAX bytes, inside the payload length.  Only
 * hop-by-hop, routing and destination options are walked: a fragment
 * header (RFC 8200 4.5: the TCP header may be in another fragment), ESP,
 * AH or "no next header" end the walk as the upper layer, which is then
 * not TCP.  *proto and *l4: the upper-layer protocol and its offset;
 * *end: where the datagram ends by its payload length.  Returns
 * XS_MON_SHOW (go on), or the counter.
 */
static __always_inline int mon_ip6_walk(void *ctx, bool xdp, __u64 len,
					__u64 off, struct ipv6hdr *ip6,
					__u8 *proto, __u64 *l4, __u64 *end)
{
	__u8 nh, ext[2];
	__u64 pos = off + XS_MON_IP6_HLEN;
	int i;

	if (mon_load(ctx, xdp, off, ip6, sizeof(*ip6)) ||
	    *(__u8 *)ip6 >> 4 != 6)
		return XS_MON_STAT_NOT_TCP;
	*end = pos + bpf_ntohs(ip6->payload_len);
	nh = ip6->nexthdr;
	for (i = 0; i < XS_MON_IP6_EXT_NUM; i++) {
		if (nh != XS_MON_NH_HOPOPTS && nh != XS_MON_NH_ROUTING &&
		    nh != XS_MON_NH_DSTOPTS)
			break;
		if (mon_load(ctx, xdp, pos, ext, sizeof(ext)))
			return XS_MON_STAT_NOT_TCP;
		nh = ext[0];
		/* Length in 8-octet units, not counting the first 8. */
		pos += (ext[1] + 1) * 8;
		if (pos > off + XS_MON_IP6_HLEN + XS_MON_IP6_EXT_MAX)
			return XS_MON_STAT_IP6_EXT_LIMIT;
	}
	if (nh == XS_MON_NH_HOPOPTS || nh == XS_MON_NH_ROUTING ||
	    nh == XS_MON_NH_DSTOPTS)
		return XS_MON_STAT_IP6_EXT_LIMIT;
	/* A payload length smaller than the headers, or a frame shorter. */
	if (pos > *end || pos > len)
		return XS_MON_STAT_NOT_TCP;
	*proto = nh;
	*l4 = pos;
	return XS_MON_SHOW;
}

/*
 * An ICMPv6 destination-unreachable, packet-too-big or time-exceeded
 * error at off that quotes a TCP segment: the quoted IPv6 header, its
 * extension headers walked as the outer ones are, and 8 bytes of TCP.
 * The filters apply to the quoted segment.
 */
static __always_inline int mon_icmp6(void *ctx, bool xdp, __u64 len, __u64 off,
				     __u64 end, __u64 *hdr_len)
{
	__u64 ql4, qend;
	struct ipv6hdr q;
	__u8 type, qproto, ports[4];
	int r;

	if (mon_load(ctx, xdp, off, &type, sizeof(type)) ||
	    (type != XS_MON_ICMP6_DEST_UNREACH &&
	     type != XS_MON_ICMP6_PKT_TOOBIG &&
	     type != XS_MON_ICMP6_TIME_EXCEED))
		return XS_MON_STAT_NOT_TCP;
	r = mon_ip6_walk(ctx, xdp, len, off + XS_ICMP_HLEN, &q, &qproto, &ql4,
			 &qend);
	if (r != XS_MON_SHOW)
		return r == XS_MON_STAT_IP6_EXT_LIMIT ? r : XS_MON_STAT_NOT_TCP;
	*hdr_len = ql4 + XS_ICMP_QUOTE_TCP;
	/* The quote is cut where the error ends, not where it says. */
	if (qproto != XS_IPPROTO_TCP || *hdr_len > len || *hdr_len > end ||
	    mon_load(ctx, xdp, ql4, ports, sizeof(ports)))
		return XS_MON_STAT_NOT_TCP;
	if (!mon_match6((__u16)ports[0] << 8 | ports[1],
			(__u16)ports[2] << 8 | ports[3], &q))
		return XS_MON_STAT_FILTERED;
	return XS_MON_SHOW;
}

/* An IPv6 frame: what to count it as, or XS_MON_SHOW with *hdr_len. */
static __always_inline int mon_ipv6(void *ctx, bool xdp, __u64 len,
				    __u64 *hdr_len)
{
	__u16 sport, dport;
	struct ipv6hdr ip6;
	__u64 l4, end;
	__u8 proto;
	int r;

	r = mon_ip6_walk(ctx, xdp, len, XS_ETH_HLEN, &ip6, &proto, &l4, &end);
	if (r != XS_MON_SHOW)
		return r;
	if (proto == XS_MON_NH_ICMPV6)
		return mon_icmp6(ctx, xdp, len, l4, end, hdr_len);
	if (proto != XS_IPPROTO_TCP)
		return XS_MON_STAT_NOT_TCP;
	r = mon_tcp_hdr(ctx, xdp, len, l4, end, &sport, &dport, hdr_len);
	if (r != XS_MON_SHOW)
		return r;
	if (!mon_match6(sport, dport, &ip6))
		return XS_MON_STAT_FILTERED;
	return XS_MON_SHOW;
}

/*
 * Classify the frame of len bytes (an skb, or an xdp_md when xdp) and, if
 * it is to be shown, copy it into a ring buffer event.  Returns the counter
 * that says what became of it.
 */
static __always_inline enum xs_mon_stat
mon_capture(void *ctx, bool xdp, __u64 len, __u32 ifindex, __u8 dir, __u8 path)
{
	/*
	 * 64-bit on purpose: with __u32 clang checks a zero-extended copy
	 * of cap but passes the original register to the helper, and the
	 * verifier loses the bounds in between.
	 */
	__u64 hdr_len = 0, cap;
	struct xs_mon_event *ev;
	struct ethhdr eth;
	int r;

	/* Offset 0 is the Ethernet header at both TC hooks and in XDP. */
	if (mon_load(ctx, xdp, 0, &eth, sizeof(eth)))
		return XS_MON_STAT_NOT_TCP;
	if (eth.h_proto == bpf_htons(XS_ETH_P_IP))
		r = mon_ipv4(ctx, xdp, len, &hdr_len);
	else if (eth.h_proto == bpf_htons(XS_MON_ETH_P_IPV6))
		r = mon_ipv6(ctx, xdp, len, &hdr_len);
	else
		r = XS_MON_STAT_NOT_TCP;
	if (r != XS_MON_SHOW)
		return r;

	/* Headers whole, then payload up to the snap length. */
	cap = mon_snaplen;
	if (cap < hdr_len)
		cap = hdr_len;
	if (cap > len)
		cap = len;
	/*
	 * The load helpers need a length the verifier can bound to
	 * [1, sizeof(ev->data)].  Without the barrier clang may fold the
	 * clamps above into one that the verifier cannot follow.
	 */
	barrier_var(cap);
	if (cap > XS_MON_SNAP_MAX)
		cap = XS_MON_SNAP_MAX;
	if (cap < 1)
		return XS_MON_STAT_NOT_TCP;

	ev = bpf_ringbuf_reserve(&xs_mon_rb, sizeof(*ev), 0);
	if (!ev)
		return XS_MON_STAT_RINGBUF_FULL;
	if (mon_load(ctx, xdp, 0, ev->data, cap)) {
		bpf_ringbuf_discard(ev, 0);
		return XS_MON_STAT_COPY_FAILED;
	}
	ev->ts_ns = bpf_ktime_get_ns();
	ev->ifindex = ifindex;
	ev->len = len;
	ev->caplen = cap;
	ev->dir = dir;
	ev->path = path;
	ev->pad[0] = ev->pad[1] = 0;
	bpf_ringbuf_submit(ev, 0);
	return XS_MON_STAT_EVENTS;
}

/* Count a frame the programs ran on, and what became of it. */
static __always_inline void mon_count(enum xs_mon_stat outcome)
{
	struct xs_mon_stats *st;
	__u32 key = 0, i = outcome;
	__u64 *cnt;

	st = bpf_map_lookup_elem(&xs_mon_stats, &key);
	if (st) {
		cnt = (__u64 *)st;
		st->seen++;
		/* The bound lets the verifier accept the variable offset. */
		if (i < XS_MON_STAT_MAX)
			cnt[i]++;
	}
}

/* One exit: count the frame and what became of it, never change it. */
static __always_inline int mon_run(struct __sk_buff *skb, __u32 ifindex,
				   __u8 dir, __u8 path)
{
	enum xs_mon_stat outcome = XS_MON_STAT_NOT_TCP;

	if (skb->protocol == bpf_htons(XS_ETH_P_IP) ||
	    skb->protocol == bpf_htons(XS_MON_ETH_P_IPV6))
		outcome = mon_capture(skb, false, skb->len, ifindex, dir, path);
	mon_count(outcome);
	return XS_TC_ACT_UNSPEC;
}

SEC("tc")
int xs_mon_ingress(struct __sk_buff *skb)
{
	return mon_run(skb, skb->ifindex, XS_MON_INGRESS, XS_MON_PATH_TC);
}

SEC("tc")
int xs_mon_egress(struct __sk_buff *skb)
{
	return mon_run(skb, skb->ifindex, XS_MON_EGRESS, XS_MON_PATH_TC);
}

/*
 * A frame xdpshake sends through its AF_XDP socket, handed over by a test
 * run (never attached): it leaves by the driver, not through TC egress.
 * The test run's skb sits on loopback, hence the interface from rodata.
 */
SEC("tc")
int xs_mon_afxdp_tx(struct __sk_buff *skb)
{
	return mon_run(skb, mon_ifindex, XS_MON_EGRESS, XS_MON_PATH_AFXDP_TX);
}

/*
 * Tail-called by xdpshake's XDP filter (through its xs_mon_prog) for a
 * frame it has already decided to redirect: bpf_redirect_map() has set the
 * target, and the verdict returned here is the filter's.  Returning
 * anything but XDP_REDIRECT would lose the frame, so there is exactly one
 * return.  The filter never takes XDP multi-buffer frames, so data_end
 * bounds the whole frame.
 */
SEC("xdp")
int xs_mon_redirect(struct xdp_md *ctx)
{
	__u64 len = ctx->data_end - ctx->data;

	mon_count(mon_capture(ctx, true, len, ctx->ingress_ifindex,
			      XS_MON_INGRESS, XS_MON_PATH_XDP_REDIRECT));
	return XDP_REDIRECT;
}

/*
 * Tail-called by xdpshake's XDP filter (slot XS_MON_SLOT_XDP_TX) for a
 * frame its fast path has turned into our answer: the frame as it leaves,
 * by XDP_TX, which is what this returns.
 */
SEC("xdp")
int xs_mon_xdp_tx(struct xdp_md *ctx)
{
	__u64 len = ctx->data_end - ctx->data;

	mon_count(mon_capture(ctx, true, len, ctx->ingress_ifindex,
			      XS_MON_EGRESS, XS_MON_PATH_XDP_TX));
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
