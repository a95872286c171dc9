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
 * rx_invalid, rx_icmp_bad, rx_no_socket, or the fast path's tx_xdp_ack
 * and tx_xdp_rst), so rx_frames is always their sum; rx_fast_fallback
 * counts, besides rx_synack, the SYN-ACKs the fast path left to the socket
 * because its ring buffer was full.  A redirected frame, and one the fast
 * path sends back, is then shown to the monitor plugged into the monitor
 * hook, if any (see xdpshake.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "xdpshake.h"
#include "bpf/parse.h"
#include "bpf/parse6.h"
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
	__uint(max_entries, 2); /* XS_MON_SLOT_* */
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
	bool fast_fallback; /* the fast path's ring was full: redirected */
};

static __always_inline int set_verdict(struct xs_verdict *v, int action,
				       enum xs_stat stat)
{
	v->action = action;
	v->stat = stat;
	return action;
}

/*
 * A conn key (k zeroed by the caller) from a reply's or a quote's tuple,
 * local being our side.  IPv4 as ::ffff:a.b.c.d, as struct xs_addr.
 */
static __always_inline void xs_key_v4(struct xs_conn_key *k, __be32 local,
				      __be32 remote, __be16 lport, __be16 rport)
{
	k->local_ip[10] = k->local_ip[11] = 0xff;
	k->remote_ip[10] = k->remote_ip[11] = 0xff;
	__builtin_memcpy(&k->local_ip[12], &local, 4);
	__builtin_memcpy(&k->remote_ip[12], &remote, 4);
	k->local_port = bpf_ntohs(lport);
	k->remote_port = bpf_ntohs(rport);
}

static __always_inline void xs_key_v6(struct xs_conn_key *k,
				      const struct in6_addr *local,
				      const struct in6_addr *remote,
				      __be16 lport, __be16 rport)
{
	__builtin_memcpy(k->local_ip, local, 16);
	__builtin_memcpy(k->remote_ip, remote, 16);
	k->local_port = bpf_ntohs(lport);
	k->remote_port = bpf_ntohs(rport);
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

/*
 * Our ISN for the tuple of k under XS_CFG_ISN_CHECK: user/core/isn.c's
 * xs_isn_addr(), the 12-byte IPv4 message for an IPv4-mapped key, the
 * 36-byte IPv6 one otherwise.  Inlined: as a subprogram its frame and the
 * filter's (with the fast path) exceed the verifier's 512 bytes of stack
 * for a call chain.
 */
static __always_inline __u32 isn_of_key(const struct xs_config *cfg,
					const struct xs_conn_key *k)
{
	__be16 lp = bpf_htons(k->local_port), rp = bpf_htons(k->remote_port);
	__u32 l[4], r[4];

	__builtin_memcpy(l, k->local_ip, 16);
	__builtin_memcpy(r, k->remote_ip, 16);
	if (!l[0] && !l[1] && l[2] == bpf_htonl(0xffff))
		return xs_isn_of(cfg->isn_k0, cfg->isn_k1, l[3], r[3], lp, rp);
	return xs_isn6_of(cfg->isn_k0, cfg->isn_k1, l, r, lp, rp);
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
				       const struct xs_conn_key *key,
				       const struct tcphdr *th,
				       struct xs_verdict *v)
{
	struct xs_conn *c;
	__u32 ack = bpf_ntohl(th->ack_seq);
	__u64 now;

	/* Stateless: our ISN is a keyed hash of the 4-tuple, from our side
	 * (the reply's destination is our source). */
	if (cfg->flags & XS_CFG_ISN_CHECK) {
		if (!th->ack || ack != isn_of_key(cfg, key) + 1)
			return set_verdict(v, XDP_DROP, XS_STAT_RX_INVALID);
		return XS_CONTINUE;
	}

	c = bpf_map_lookup_elem(&xs_conns, key);
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
static __always_inline bool icmp_seq_ok(const struct xs_config *cfg, bool data,
					const struct xs_conn_key *key,
					const struct tcphdr *qth)
{
	__u32 seq = bpf_ntohl(qth->seq), isn;
	struct xs_conn *c;

	if (cfg->flags & XS_CFG_ISN_CHECK) {
		isn = isn_of_key(cfg, key);
	} else {
		c = bpf_map_lookup_elem(&xs_conns, key);
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
 * The end of judging an ICMP or ICMPv6 error whose quote is a TCP header
 * from our address, alike for both families: key holds the quote's
 * addresses (ours first).  Another port is not ours; bad (a quote or code
 * no probe of ours draws) or a sequence number we never sent is dropped.
 */
static __always_inline int judge_quoted_tcp(const struct xs_config *cfg,
					    struct xs_conn_key *key,
					    const struct tcphdr *qth, bool bad,
					    bool data, struct xs_verdict *v)
{
	if (!xs_port_ours(cfg, bpf_ntohs(qth->source)))
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	if (bad)
		return set_verdict(v, XDP_DROP, XS_STAT_RX_ICMP_BAD);
	key->local_port = bpf_ntohs(qth->source);
	key->remote_port = bpf_ntohs(qth->dest);
	if (!icmp_seq_ok(cfg, data, key, qth))
		return set_verdict(v, XDP_DROP, XS_STAT_RX_ICMP_BAD);
	v->stat = XS_STAT_RX_ICMP;
	return XS_CONTINUE;
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
	struct xs_conn_key key = {};
	struct tcphdr *qth;
	bool frag, data;

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
	/* We send whole segments with DF: a quoted fragment is not ours. */
	frag = xs_ipv4_is_fragment(q.qip);
	xs_key_v4(&key, q.qip->saddr, q.qip->daddr, qth->source, qth->dest);
	data = q.type == XS_ICMP_DEST_UNREACH && q.code == 4;
	return judge_quoted_tcp(cfg, &key, qth, frag, data, v);
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

/*
 * IPv6 (RFC 8200).  The same replies are ours as over IPv4, to our IPv6
 * source (cfg->src_ip6) and port range, with the same verdicts and
 * counters; what only IPv6 has is told apart:
 *
 *   - the extension header chain is walked XS_IP6_EXT_MAX headers deep
 *     (hop-by-hop, routing with no segments left, destination options);
 *     a longer one is passed to the kernel and counted rx_v6_ext_deep;
 *   - a fragment header: never ours (we send whole segments, replies to
 *     them are far below the minimum MTU of 1280), passed for the kernel
 *     to reassemble and counted rx_v6_frag; the kernel's RST for a
 *     reassembled reply of ours is the TC guard's;
 *   - IPv6 has no header checksum and a mandatory TCP one (RFC 8200 8.1):
 *     our segments are checked here, a wrong one (0 included) is dropped
 *     and counted rx_bad_csum; the pseudo-header sum alone is taken, as
 *     userspace takes it over IPv4, as CHECKSUM_PARTIAL from a same-host
 *     veth peer;
 *   - ICMPv6 destination unreachable (codes 0-6), packet too big and time
 *     exceeded (code 0) quoting one of our probes, validated against its
 *     sequence number as over IPv4; NDP, MLD and every other type are the
 *     kernel's, untouched.
 */

/* Answers in XDP: after the maps, set_verdict(), the conn keys and the
 * IPv6 parser, which it uses. */
#include "bpf/fastpath.h"

/* Segments longer than this are redirected unchecked (only data segments
 * under XS_CFG_ALL_SEGMENTS can be: userspace checks them again). */
#define XS_TCP6_CSUM_MAX 4096
#define XS_TCP6_OFF_MAX \
	(XS_ETH_HLEN + XS_IP6_HLEN + XS_IP6_EXT_MAX * (255 + 1) * 8)

static __always_inline __u32 csum_fold32(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	return (sum & 0xffff) + (sum >> 16);
}

/*
 * One's complement sum (RFC 1071, folded) of len bytes of the frame from
 * off, or -1 when they are not all in the data or beyond the bounds.
 * Global, so the verifier checks its loop once, not once per caller path;
 * 64-bit arguments, so that the register bounded is the one used (a
 * 32-bit one is zero-extended into a copy that the check never sees).
 * 16-bit loads in the order they sit in memory: the folded sum does not
 * depend on the byte order (RFC 1071 2(B)), as long as every other term
 * is taken the same way; an odd last byte is padded with zero.
 */
__noinline int xs_tcp6_sum(struct xdp_md *ctx, __u64 off, __u64 len)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 sum = 0, i;
	__u8 *p;

	if (!ctx || off > XS_TCP6_OFF_MAX || len > XS_TCP6_CSUM_MAX)
		return -1;
	/*
	 * One pointer moved by a constant each step: the verifier follows
	 * its offset exactly, where an index recomputed from off would
	 * reach it unbounded.
	 */
	p = data + off;
	for (i = 0; i < XS_TCP6_CSUM_MAX / 2; i++) {
		if (2 * i + 2 > len)
			break;
		if ((void *)(p + 2) > end)
			return -1;
		sum += *(__u16 *)p;
		p += 2;
		barrier_var(p);
	}
	/* An odd last byte, padded with a zero. */
	if (len & 1) {
		if ((void *)(p + 1) > end)
			return -1;
		sum += *p;
	}
	return csum_fold32(sum);
}

/* The pseudo-header (RFC 8200 8.1) of a TCP segment of len bytes. */
static __always_inline __u32 tcp6_pseudo_sum(const struct ipv6hdr *ip6,
					     __u32 len)
{
	const __u16 *a = (const __u16 *)&ip6->saddr;
	__u32 sum = 0;
	int i;

	/* saddr and daddr: 16 words, inside the 40 bytes pulled. */
#pragma unroll
	for (i = 0; i < 16; i++)
		sum += a[i];
	return sum + bpf_htons(len >> 16) + bpf_htons(len & 0xffff) +
	       bpf_htons(XS_IPPROTO_TCP);
}

/*
 * The segment's checksum verifies, or holds exactly the pseudo-header sum
 * a CHECKSUM_PARTIAL sender leaves (user/core/packet.c's
 * xs_tcp_csum_acceptable()).  off: the TCP header's offset in the frame.
 */
static __always_inline bool tcp6_csum_ok(struct xdp_md *ctx,
					 const struct ipv6hdr *ip6,
					 const struct tcphdr *th, __u32 off,
					 __u32 len)
{
	__u32 pseudo = tcp6_pseudo_sum(ip6, len);
	int seg;

	if (len > XS_TCP6_CSUM_MAX)
		return true;
	seg = xs_tcp6_sum(ctx, off, len);
	if (seg < 0)
		return false;
	if (csum_fold32(pseudo + (__u32)seg) == 0xffff)
		return true;
	return th->check == csum_fold32(pseudo);
}

/* An ICMPv6 message to our IPv6 address: as judge_icmp() for IPv4. */
static __always_inline int judge_icmp6(struct xs_cursor *c,
				       const struct xs_config *cfg, __u32 len,
				       struct xs_verdict *v)
{
	struct xs_icmp6_quote q = {};
	enum xs_parse r = xs_parse_icmp6_err(c, len, &q);
	struct xs_conn_key key = {};
	struct tcphdr *qth;
	bool data;

	if (r == XS_P_OTHER)
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	/* Too short to quote a header: the kernel drops it too. */
	if (!q.qip6)
		return set_verdict(v, XDP_DROP, XS_STAT_RX_MALFORMED);
	if (!xs_ip6_eq(&q.qip6->saddr, cfg->src_ip6))
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	/* No error about an error (RFC 4443 2.4 (e)). */
	if (q.qip6->nexthdr == XS_IPPROTO_ICMPV6) {
		if (q.ql4 && q.ql4[0] <= XS_ICMP6_ERROR_MAX)
			return set_verdict(v, XDP_DROP, XS_STAT_RX_ICMP_BAD);
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	}
	/* Our probes carry no extension headers: TCP right after. */
	if (q.qip6->nexthdr != XS_IPPROTO_TCP)
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	if (r != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_STAT_RX_ICMP_BAD);
	qth = (struct tcphdr *)q.ql4;
	xs_key_v6(&key, &q.qip6->saddr, &q.qip6->daddr, qth->source, qth->dest);
	/* Packet too big, like IPv4's frag-needed, may quote our data. */
	data = q.type == XS_ICMP6_PKT_TOOBIG;
	return judge_quoted_tcp(cfg, &key, qth, !xs_icmp6_code_ok(&q), data, v);
}

/* Ethertype 0x86DD, untagged. */
static __always_inline bool frame_is_ipv6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return false;
	return eth->h_proto == bpf_htons(XS_ETH_P_IPV6);
}

/* The TCP segment of ip6 (after ext bytes of extension headers). */
static __always_inline int
filter_tcp6(struct xdp_md *ctx, const struct xs_config *cfg,
	    struct xs_cursor *c, const struct ipv6hdr *ip6,
	    const struct xs_l4 *l4, struct xs_verdict *v)
{
	struct xs_conn_key key = {};
	struct tcphdr *th;

	if (xs_parse_tcp_len(c, l4->len, &th) != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_STAT_RX_MALFORMED);
	if (classify_tcp(th, cfg, v) != XS_CONTINUE)
		return v->action;
	/* Only our segments cost a checksum. */
	if (!tcp6_csum_ok(ctx, ip6, th, l4->off, l4->len))
		return set_verdict(v, XDP_DROP, XS_STAT_RX_BAD_CSUM);
	xs_key_v6(&key, &ip6->daddr, &ip6->saddr, th->dest, th->source);
	if ((v->stat == XS_STAT_RX_SYNACK || v->stat == XS_STAT_RX_RST) &&
	    track_reply(cfg, &key, th, v) != XS_CONTINUE)
		return v->action;
	if (v->stat == XS_STAT_RX_SYNACK &&
	    xs_fast_answer6(ctx, cfg, ip6, th, l4, &key, v) != XS_CONTINUE)
		return v->action;
	return redirect(ctx, v);
}

static __always_inline int filter_ipv6(struct xdp_md *ctx,
				       const struct xs_config *cfg,
				       struct xs_verdict *v)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xs_l4 l4 = {};
	struct ipv6hdr *ip6;
	struct xs_cursor c;

	/* IPv6 not configured: nothing of it is ours. */
	if (xs_ip6_is_zero(cfg->src_ip6))
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	xs_cursor_init(&c, data, data_end);
	if (!xs_pull(&c, XS_ETH_HLEN))
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	/* The frame is linear (no xdp.frags): data_end bounds it all. */
	if (xs_parse_ipv6(&c, data_end - data - XS_ETH_HLEN, &ip6) != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_STAT_RX_MALFORMED);
	/* Multicast (NDP's solicited-node, MLD) and other hosts' traffic. */
	if (!xs_ip6_eq(&ip6->daddr, cfg->src_ip6))
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	switch (xs_ipv6_walk(&c, ip6, &l4)) {
	case XS_P_OK:
		break;
	case XS_P_OTHER:
		return set_verdict(v, XDP_PASS, XS_STAT_RX_PASS);
	case XS_P6_FRAG:
		return set_verdict(v, XDP_PASS, XS_STAT_RX_V6_FRAG);
	case XS_P6_LIMIT:
		return set_verdict(v, XDP_PASS, XS_STAT_RX_V6_EXT_DEEP);
	default:
		return set_verdict(v, XDP_DROP, XS_STAT_RX_MALFORMED);
	}
	if (l4.proto == XS_IPPROTO_ICMPV6) {
		if (judge_icmp6(&c, cfg, l4.len, v) != XS_CONTINUE)
			return v->action;
		return redirect(ctx, v);
	}
	return filter_tcp6(ctx, cfg, &c, ip6, &l4, v);
}

SEC("xdp")
int xs_xdp_filter(struct xdp_md *ctx)
{
	struct xs_verdict v = { XDP_PASS, XS_STAT_RX_PASS };
	struct xs_conn_key ck = {};
	struct xs_cursor c;
	struct iphdr *iph = NULL;
	struct tcphdr *th = NULL;
	struct xs_config *cfg;
	struct xs_mon_tap *tap;
	struct xs_stats *st;
	__u32 key = 0;

	cfg = xs_get_cfg();
	if (!cfg)
		goto out;
	if (frame_is_ipv6(ctx)) {
		filter_ipv6(ctx, cfg, &v);
		goto out;
	}
	/* IPv4 not configured (yet): nothing of it is ours. */
	if (!cfg->src_ip)
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
	xs_key_v4(&ck, iph->daddr, iph->saddr, th->dest, th->source);
	if ((v.stat == XS_STAT_RX_SYNACK || v.stat == XS_STAT_RX_RST) &&
	    track_reply(cfg, &ck, th, &v) != XS_CONTINUE)
		goto out;
	if (v.stat == XS_STAT_RX_SYNACK &&
	    xs_fast_answer(ctx, cfg, iph, th, &ck, &v) != XS_CONTINUE)
		goto out;
	redirect(ctx, &v);
out:
	st = xs_get_stats();
	if (st) {
		stat_inc(st, XS_STAT_RX_FRAMES);
		stat_inc(st, v.stat);
		if (v.fast_fallback)
			stat_inc(st, XS_STAT_RX_FAST_FALLBACK);
	}
	/*
	 * Show a plugged-in monitor the frame: it never reaches TC.  The
	 * monitor's program returns XDP_REDIRECT, and the target set by
	 * bpf_redirect_map() survives the tail call; for a frame the fast
	 * path answered, the one in the other slot sees it as sent and
	 * returns XDP_TX.  An empty slot makes
	 * the call fall through.  Looking at xs_mon_tap first costs one
	 * array load when nobody watches, and makes the map one of this
	 * program's, which is how a monitor finds it.
	 */
	if (v.action == XDP_REDIRECT || v.action == XDP_TX) {
		tap = bpf_map_lookup_elem(&xs_mon_tap, &key);
		if (tap && tap->tx_prog)
			bpf_tail_call(ctx, &xs_mon_prog,
				      v.action == XDP_TX ?
					      XS_MON_SLOT_XDP_TX :
					      XS_MON_SLOT_REDIRECT);
	}
	return v.action;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
