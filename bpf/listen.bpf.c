// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xs_listen: the handshake responder of `xdpshake listen`.
 *
 * For TCP segments to the configured addresses and ports, answered in
 * place by XDP_TX, no state kept:
 *   SYN          -> SYN-ACK whose ISN is a SYN cookie (include/listen.h)
 *   final ACK    -> cookie checked: a completed handshake, counted by
 *                   source address, its round trip timed (TS echo)
 *   data         -> RST+ACK acknowledging it, or the --banner with FIN
 *   FIN          -> FIN-ACK (ACK if we sent our FIN already)
 *   RST          -> nothing
 * IPv4 and IPv6 alike, the family as data: one path, the headers' offsets
 * and addresses set by the family (struct lpkt).  Everything not
 * addressed to us goes to the kernel untouched.  What is ours but
 * malformed (IPv4 or TCP checksum, lengths, options), unusual (IP options
 * or IPv6 extension headers, fragments, odd flag combinations, a SYN with
 * data) or forged (an ACK without a valid cookie) is dropped and counted,
 * never answered.
 *
 * One exit: every frame ends in exactly one counter of enum xs_lstat.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "listen.h"
#include "bpf/parse.h"
#include "bpf/parse6.h"
#include "bpf/siphash.h"
#include "bpf/cookie.h"

#define L_TTL 64
#define L_WINDOW 65535
#define L_IP_DF 0x4000
#define L_L4_OFF (XS_ETH_HLEN + XS_IP_HLEN)
#define L6_L4_OFF (XS_ETH_HLEN + XS_IP6_HLEN)
#define L6_MSS_LESS 20 /* an IPv6 header is 20 bytes longer than IPv4's */
#define L_MAX_SEG 1480 /* TCP bytes of a 1500-byte packet: all we check */
#define L_GO (-1) /* a step's "keep going": not a verdict */
#define L_TCPOPT_EOL 0
#define L_TCPOPT_NOP 1
#define L_TCPOPT_MSS 2
#define L_TCPOPT_WS 3
#define L_TCPOPT_SACK_PERM 4
#define L_TCPOPT_TS 8
#define L_TCP_MAX_WSCALE 14
#define L_TCPOLEN_MSS 4
#define L_TCPOLEN_TS 10
#define L_TCP_MAX_OPTLEN 40
#define L_TH_TS_LEN 32 /* a reply's header: 20 + NOP NOP TS */
#define L_FLAGS_SEEN \
	(XS_TCP_FIN | XS_TCP_SYN | XS_TCP_RST | XS_TCP_ACK | XS_TCP_URG)

const volatile struct xs_listen_cfg cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_listen_stats);
} xs_lstats SEC(".maps");

/* xs_lsrc, xs_lrtt and xs_laddr, which --protect's TC half shares, and
 * what is ours: addr_ours(), port_ours(). */
#include "bpf/listen_maps.h"
#include "bpf/listen_match.h"

/*
 * The monitor hook (xdpshake.h): a monitor's XDP programs, tail-called
 * for the frames we consume (before we rewrite them) and for the answers
 * we send, and who is plugged in.  Empty unless a `xdpshake monitor`
 * watches this interface.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, XS_MON_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} xs_mon_prog SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xs_mon_tap);
} xs_mon_tap SEC(".maps");

_Static_assert(
	XS_LSTAT_MAX * sizeof(__u64) <=
		__builtin_offsetof(struct xs_listen_stats, rtt_samples),
	"enum xs_lstat must index the counters of struct xs_listen_stats");

/*
 * One segment of ours, headers at fixed offsets (no IP options, no IPv6
 * extension headers): Ethernet, then IPv4 (l3 an iphdr) or IPv6 (an
 * ipv6hdr, tu.v6), TCP at l4off.
 */
struct lpkt {
	struct xdp_md *ctx;
	struct ethhdr *eth;
	void *l3;
	struct tcphdr *th;
	struct xs_ctuple tu; /* addresses and ports, the cookie's input */
	__u32 l4off;
	__u32 seglen; /* TCP bytes, header included */
	__u16 our_mss; /* the MSS we offer in this family */
	bool mine; /* to our address and port: never passed from here on */
	__u32 doff; /* TCP header bytes */
	__u32 plen; /* payload bytes */
	__u32 tsval; /* the timestamp option's fields, as on the wire */
	__u32 tsecr;
	bool has_ts;
	__u16 mss; /* the SYN's MSS option, host order */
	__u32 opts; /* the SYN's window scale << 1 | SACK-permitted (cookie.h) */
	__u64 now;
};

struct lverdict {
	int action; /* enum xdp_action */
	enum xs_lstat stat;
	bool synack; /* a SYN answered: synack_tx as well */
	bool rtt; /* a round trip recorded: rtt_samples as well */
};

static __always_inline int set_verdict(struct lverdict *v, int action,
				       enum xs_lstat stat)
{
	v->action = action;
	v->stat = stat;
	return action;
}

static __always_inline bool addr4_ours(__be32 a)
{
	__u32 m[4] = { 0, 0, bpf_htonl(0xffff), a };

	return addr_ours(m);
}

static __always_inline bool addr6_ours(const struct ipv6hdr *ip6)
{
	__u32 m[4];

	__builtin_memcpy(m, &ip6->daddr, 16);
	/* An IPv4-mapped address never is an IPv6 packet's: not ours. */
	if (!m[0] && !m[1] && m[2] == bpf_htonl(0xffff))
		return false;
	return addr_ours(m);
}

static __always_inline __u16 fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

#define L_CHUNK 128

/*
 * Add the one's complement sum of len bytes of the packet from offset off
 * (len <= L_MAX_SEG) to *sum, in chunks copied to the stack and summed by
 * bpf_csum_diff(): a loop of at most 12 passes, where a loop over the
 * packet's words would be hundreds of passes for the verifier.  The sum is
 * in the bytes' own order whatever the host's (RFC 1071 2(B)); a last
 * chunk of odd length is zero-padded, which is what the checksum wants.
 * -1 if the bytes are not all in the packet.
 */
static __always_inline int csum_pkt(struct xdp_md *ctx, __u32 off, __u32 len,
				    __u64 *sum)
{
	__u8 buf[L_CHUNK];
	__u32 i, chunk;
	__s64 r;

	if (len > L_MAX_SEG)
		return -1;
	for (i = 0; i < (L_MAX_SEG + L_CHUNK - 1) / L_CHUNK; i++) {
		if (len == 0)
			break;
		chunk = len >= L_CHUNK ? L_CHUNK : len;
		/*
		 * chunk is in [1, 128]; clang knows it and drops plain
		 * checks, the verifier has lost track through the
		 * subtractions.  The identity below, out of clang's sight,
		 * proves the range on the register passed.
		 */
		asm volatile("%0 += -1; %0 &= 0x7f; %0 += 1" : "+r"(chunk));
		if (chunk < L_CHUNK)
			__builtin_memset(buf, 0, sizeof(buf));
		if (bpf_xdp_load_bytes(ctx, off, buf, chunk))
			return -1;
		r = bpf_csum_diff(NULL, 0, (__be32 *)buf, (chunk + 3) & ~3U, 0);
		if (r < 0)
			return -1;
		*sum += (__u32)r;
		off += chunk;
		len -= chunk;
	}
	return 0;
}

static __always_inline __u64 sum_words(const __u32 *w, __u32 n)
{
	__u64 s = 0;
	__u32 i;

	for (i = 0; i < 4; i++)
		if (i < n)
			s += (w[i] & 0xffff) + (w[i] >> 16);
	return s;
}

/*
 * The pseudo-header's sum (RFC 9293 3.1, RFC 8200 8.1): the addresses,
 * the protocol and the TCP length; the same both ways, so for a reply
 * too.  len < 65536 either way.
 */
static __always_inline __u64 pseudo_sum(const struct lpkt *p, __u32 len)
{
	__u32 n = p->tu.v6 ? 4 : 1;

	return sum_words(p->tu.caddr, n) + sum_words(p->tu.saddr, n) +
	       bpf_htons(XS_IPPROTO_TCP) + bpf_htons(len);
}

/*
 * The TCP checksum of the whole segment.  A frame from a same-host veth
 * peer may carry CHECKSUM_PARTIAL: its field holds only the pseudo-header
 * sum, which is accepted as such (the payload then goes unchecked; the
 * cookie still has to be right).
 */
static __always_inline bool tcp_csum_ok(const struct lpkt *p, __u32 len)
{
	__u64 ps = pseudo_sum(p, len), sum = ps;

	if (csum_pkt(p->ctx, p->l4off, len, &sum))
		return false;
	if (fold(sum) == 0xffff)
		return true;
	return p->th->check == fold(ps);
}

/* The checksums of a frame we send, from scratch (IPv6 has none of its
 * own): XDP_TX frames reach the peer as CHECKSUM_NONE.  p's headers are
 * in bounds (set by classify() or headers()). */
static __always_inline int set_csums(struct lpkt *p, __u32 tcp_len)
{
	struct iphdr *iph = p->l3;
	const __u32 *w = p->l3;
	__u64 sum;

	if (!p->tu.v6) {
		iph->check = 0;
		sum = (__u64)w[0] + w[1] + w[2] + w[3] + w[4];
		iph->check = ~fold(sum);
	}
	p->th->check = 0;
	sum = pseudo_sum(p, tcp_len);
	if (csum_pkt(p->ctx, p->l4off, tcp_len, &sum))
		return -1;
	p->th->check = ~fold(sum);
	return 0;
}

/*
 * Walk the options: note MSS and the timestamps; in a SYN (syn set)
 * rewrite them into the SYN-ACK's at the same place: our MSS, and the
 * timestamp answered (TSecr = theirs, TSval = our clock in us, which the
 * final ACK echoes for the round trip).  Window scale and SACK-permitted
 * stay, which accepts them (we never send more than one segment).
 *
 * Bounded by the offset alone: it grows by at least one a pass and stops
 * at 40 (a pass counter as well would keep the verifier from pruning).
 */
static __always_inline int scan_opts(struct lpkt *p, bool syn, void *end)
{
	__u8 *base = (__u8 *)(p->th + 1);
	__u32 optlen = p->doff - XS_TCP_HLEN, off = 0, ts;

	while (off < optlen && off < L_TCP_MAX_OPTLEN) {
		__u8 *o = base + off, kind, len;

		if ((void *)(o + 1) > end)
			return -1;
		kind = o[0];
		if (kind == L_TCPOPT_EOL)
			break;
		if (kind == L_TCPOPT_NOP) {
			off++;
			continue;
		}
		if ((void *)(o + 2) > end)
			return -1;
		len = o[1];
		if (len < 2 || off + len > optlen)
			return -1;
		if (kind == L_TCPOPT_MSS && len == L_TCPOLEN_MSS) {
			if ((void *)(o + L_TCPOLEN_MSS) > end)
				return -1;
			p->mss = o[2] << 8 | o[3];
			if (syn) {
				o[2] = p->our_mss >> 8;
				o[3] = p->our_mss & 0xff;
			}
		} else if (kind == L_TCPOPT_WS && len == 3) {
			if ((void *)(o + 3) > end)
				return -1;
			p->opts = (o[2] > L_TCP_MAX_WSCALE ? L_TCP_MAX_WSCALE :
							     o[2])
					  << 1 |
				  (p->opts & 1);
		} else if (kind == L_TCPOPT_SACK_PERM && len == 2) {
			p->opts |= 1;
		} else if (kind == L_TCPOPT_TS && len == L_TCPOLEN_TS) {
			if ((void *)(o + L_TCPOLEN_TS) > end)
				return -1;
			p->has_ts = true;
			__builtin_memcpy(&p->tsval, o + 2, 4);
			__builtin_memcpy(&p->tsecr, o + 6, 4);
			if (syn) {
				ts = bpf_htonl(xs_listen_now_us(p->now));
				__builtin_memcpy(o + 6, o + 2, 4);
				__builtin_memcpy(o + 2, &ts, 4);
			}
		}
		off += len;
	}
	return 0;
}

/* Addresses and ports turned around, our TTL (hop limit) and DF; an
 * IPv6 reply has traffic class and flow label 0. */
static __always_inline void turn_around(struct lpkt *p)
{
	struct ethhdr *eth = p->eth;
	struct ipv6hdr *ip6 = p->l3;
	struct iphdr *iph = p->l3;
	struct tcphdr *th = p->th;
	__u8 mac[6];
	__be32 vtf = bpf_htonl(0x60000000);
	__be16 port;

	__builtin_memcpy(mac, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, mac, 6);
	if (p->tu.v6) {
		__builtin_memcpy(ip6, &vtf, 4);
		__builtin_memcpy(&ip6->saddr, p->tu.saddr, 16);
		__builtin_memcpy(&ip6->daddr, p->tu.caddr, 16);
		ip6->hop_limit = L_TTL;
	} else {
		iph->saddr = p->tu.saddr[0];
		iph->daddr = p->tu.caddr[0];
		iph->ttl = L_TTL;
		iph->tos = 0;
		iph->id = 0;
		iph->frag_off = bpf_htons(L_IP_DF);
	}
	port = th->source;
	th->source = th->dest;
	th->dest = port;
	th->window = bpf_htons(L_WINDOW);
	th->urg_ptr = 0;
}

static __always_inline __u32 mss_index(const struct lpkt *p, __u16 mss)
{
	if (mss > p->our_mss)
		mss = p->our_mss;
	if (mss >= 1460)
		return 3;
	if (mss >= 1440)
		return 2;
	if (mss >= 1220)
		return 1;
	return 0;
}

/* The SYN becomes our SYN-ACK in the same buffer, at the same length. */
static __always_inline int answer_syn(struct lpkt *p, struct lverdict *v)
{
	void *end = (void *)(long)p->ctx->data_end;
	struct tcphdr *th = p->th;
	__u32 cookie;

	if (p->plen)
		return set_verdict(v, XDP_DROP, XS_LSTAT_UNSUPPORTED);
	p->mss = 536; /* RFC 9293's default without the option */
	p->opts = XS_COOKIE_NO_WSCALE << 1;
	if (scan_opts(p, true, end))
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	cookie = xs_cookie_make(cfg.key0, cfg.key1, &p->tu, p->now,
				mss_index(p, p->mss), cfg.protect, p->opts,
				bpf_ntohl(th->seq));
	th->ack_seq = bpf_htonl(bpf_ntohl(th->seq) + 1);
	th->seq = bpf_htonl(cookie);
	*((__u8 *)th + XS_TCP_DOFF_OFF) = (p->doff / 4) << 4;
	*((__u8 *)th + XS_TCP_FLAGS_OFF) = XS_TCP_SYN | XS_TCP_ACK;
	turn_around(p);
	if (set_csums(p, p->doff))
		return set_verdict(v, XDP_DROP, XS_LSTAT_TX_FAILED);
	v->synack = true;
	return set_verdict(v, XDP_TX, XS_LSTAT_SYN);
}

/*
 * p's header pointers at the family's fixed offsets, from the packet as
 * it is now (after bpf_xdp_adjust_tail() the old ones are gone); -1 if it
 * is too short.  Constant offsets: the verifier follows them best.
 */
static __always_inline int headers(struct lpkt *p)
{
	void *data = (void *)(long)p->ctx->data;
	void *end = (void *)(long)p->ctx->data_end;
	__u32 off = p->tu.v6 ? L6_L4_OFF : L_L4_OFF;

	if (p->tu.v6) {
		if (data + L6_L4_OFF + XS_TCP_HLEN > end)
			return -1;
		p->th = data + L6_L4_OFF;
	} else {
		if (data + L_L4_OFF + XS_TCP_HLEN > end)
			return -1;
		p->th = data + L_L4_OFF;
	}
	p->eth = data;
	p->l3 = data + XS_ETH_HLEN;
	p->l4off = off;
	return 0;
}

/*
 * Answer a segment with one of ours: header fields first (the pointers
 * are good until the tail moves), then the frame cut or grown to 20 bytes
 * of TCP header (32 with the timestamp answered) and the banner if any.
 */
static __always_inline int reply(struct lpkt *p, struct lverdict *v, __u8 flags,
				 __u32 seq, __u32 ack, bool banner,
				 enum xs_lstat stat)
{
	void *data = (void *)(long)p->ctx->data;
	void *end = (void *)(long)p->ctx->data_end;
	__u32 thl = p->has_ts ? L_TH_TS_LEN : XS_TCP_HLEN, blen = 0, ts;
	struct tcphdr *th = p->th;
	__u8 *o;
	int delta;

	if (banner)
		blen = cfg.banner_len;
	if (blen > XS_LISTEN_BANNER_MAX)
		return set_verdict(v, XDP_DROP, XS_LSTAT_TX_FAILED);
	turn_around(p);
	th->seq = bpf_htonl(seq);
	th->ack_seq = bpf_htonl(ack);
	*((__u8 *)th + XS_TCP_DOFF_OFF) = (thl / 4) << 4;
	*((__u8 *)th + XS_TCP_FLAGS_OFF) = flags;
	if (p->has_ts) {
		o = (__u8 *)(th + 1);
		if ((void *)(o + L_TH_TS_LEN - XS_TCP_HLEN) > end)
			return set_verdict(v, XDP_DROP, XS_LSTAT_TX_FAILED);
		o[0] = o[1] = L_TCPOPT_NOP;
		o[2] = L_TCPOPT_TS;
		o[3] = L_TCPOLEN_TS;
		ts = bpf_htonl(xs_listen_now_us(p->now));
		__builtin_memcpy(o + 4, &ts, 4);
		__builtin_memcpy(o + 8, &p->tsval, 4);
	}
	if (p->tu.v6)
		((struct ipv6hdr *)p->l3)->payload_len = bpf_htons(thl + blen);
	else
		((struct iphdr *)p->l3)->tot_len =
			bpf_htons(XS_IP_HLEN + thl + blen);
	delta = (int)(p->l4off + thl + blen) - (int)(end - data);
	if (delta && bpf_xdp_adjust_tail(p->ctx, delta))
		return set_verdict(v, XDP_DROP, XS_LSTAT_TX_FAILED);
	if (blen && bpf_xdp_store_bytes(p->ctx, p->l4off + thl,
					(void *)cfg.banner, blen))
		return set_verdict(v, XDP_DROP, XS_LSTAT_TX_FAILED);
	if (headers(p) || set_csums(p, thl + blen))
		return set_verdict(v, XDP_DROP, XS_LSTAT_TX_FAILED);
	return set_verdict(v, XDP_TX, stat);
}

static __always_inline void rtt_record(const struct lpkt *p, struct lverdict *v)
{
	if (p->has_ts && xs_lrtt_add(bpf_ntohl(p->tsecr), p->now))
		v->rtt = true;
}

static __always_inline void src_record(const struct lpkt *p)
{
	xs_lsrc_add(&p->tu, p->now);
}

static __always_inline bool cookie_ok(const struct lpkt *p, __u32 c)
{
	return xs_cookie_ok(cfg.key0, cfg.key1, &p->tu, p->now, c, false, 0);
}

/*
 * A segment with ACK (final ACK, data, FIN): valid only if its ack number
 * is one of ours, right after the handshake (cookie + 1), after our FIN
 * (+ 2) or after our banner and FIN (+ banner + 2).
 */
static __always_inline int handle_ack(struct lpkt *p, struct lverdict *v,
				      __u8 flags)
{
	void *end = (void *)(long)p->ctx->data_end;
	__u32 ack = bpf_ntohl(p->th->ack_seq), seq = bpf_ntohl(p->th->seq);
	__u32 fin = flags & XS_TCP_FIN ? 1 : 0, blen = cfg.banner_len;
	bool open;

	if (cookie_ok(p, ack - 1))
		open = true;
	else if (cookie_ok(p, ack - 2) ||
		 (blen && cookie_ok(p, ack - 2 - blen)))
		open = false;
	else
		return set_verdict(v, XDP_DROP, XS_LSTAT_BAD_COOKIE);
	if (scan_opts(p, false, end))
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	if (p->plen && open && blen)
		return reply(p, v, XS_TCP_FIN | XS_TCP_PSH | XS_TCP_ACK, ack,
			     seq + p->plen + fin, true, XS_LSTAT_DATA);
	if (p->plen)
		return reply(p, v, XS_TCP_RST | XS_TCP_ACK, ack,
			     seq + p->plen + fin, false, XS_LSTAT_DATA);
	if (fin)
		return reply(p, v, open ? XS_TCP_FIN | XS_TCP_ACK : XS_TCP_ACK,
			     ack, seq + 1, false, XS_LSTAT_FIN);
	if (!open)
		return set_verdict(v, XDP_DROP, XS_LSTAT_CLOSING);
	rtt_record(p, v);
	src_record(p);
	return set_verdict(v, XDP_DROP, XS_LSTAT_ACK_VALID);
}

static __always_inline int dispatch(struct lpkt *p, struct lverdict *v)
{
	__u8 f = xs_tcp_flags(p->th) & L_FLAGS_SEEN;

	if (f == XS_TCP_RST || f == (XS_TCP_RST | XS_TCP_ACK))
		return set_verdict(v, XDP_DROP, XS_LSTAT_RST);
	if (f == XS_TCP_SYN)
		return answer_syn(p, v);
	if (f == XS_TCP_ACK || f == (XS_TCP_ACK | XS_TCP_FIN))
		return handle_ack(p, v, f);
	/* SYN+ACK, SYN+FIN, RST with SYN or FIN, bare FIN, no flags, URG. */
	return set_verdict(v, XDP_DROP, XS_LSTAT_UNSUPPORTED);
}

/* --protect: the kernel's listener takes everything but the SYNs,
 * untouched; xs_listen_tc hands it the final ACKs with our cookie. */
static __always_inline bool protect_passes(const struct tcphdr *th)
{
	return cfg.protect && (xs_tcp_flags(th) & L_FLAGS_SEEN) != XS_TCP_SYN;
}

/* IPv4 to one of our addresses and ports: p set, or a verdict. */
static __always_inline int locate4(struct xs_cursor *c, struct lpkt *p,
				   struct lverdict *v)
{
	void *data = (void *)(long)p->ctx->data;
	void *end = (void *)(long)p->ctx->data_end;
	struct tcphdr *th = NULL;
	struct iphdr *iph = NULL;
	__u32 tot;

	/* A header the kernel would drop (length, version, checksum). */
	if (xs_parse_ipv4(c, end - data - XS_ETH_HLEN, &iph) != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	/* Not ours, or a later fragment, whose port we cannot see. */
	if (iph->protocol != XS_IPPROTO_TCP || !addr4_ours(iph->daddr) ||
	    (iph->frag_off & bpf_htons(XS_IP_OFFSET)))
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	if (xs_parse_tcp(c, iph, &th) != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	if (!port_ours(th->dest) || protect_passes(th))
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	p->mine = true;
	tot = bpf_ntohs(iph->tot_len);
	if ((*((__u8 *)iph + XS_IP_VIHL_OFF) & 0x0f) * 4 != XS_IP_HLEN ||
	    xs_ipv4_is_fragment(iph) || tot > XS_IP_HLEN + L_MAX_SEG)
		return set_verdict(v, XDP_DROP, XS_LSTAT_UNSUPPORTED);
	p->tu.caddr[0] = iph->saddr;
	p->tu.saddr[0] = iph->daddr;
	p->seglen = tot - XS_IP_HLEN;
	return L_GO;
}

/*
 * An IPv6 fragment header at the cursor: a later fragment (its port out
 * of sight) or one that is not TCP goes to the kernel, as for IPv4; a
 * first fragment of TCP to one of our ports is dropped (we answer only
 * whole segments).
 */
static __always_inline int frag6(struct xs_cursor *c, struct lpkt *p,
				 struct lverdict *v)
{
	__u8 *fh = xs_pull(c, XS_IP6_EXT_MIN);
	struct tcphdr *th;

	if (!fh || fh[0] != XS_IPPROTO_TCP || (fh[2] << 8 | fh[3]) & 0xfff8)
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	th = xs_pull(c, XS_TCP_HLEN);
	if (!th || !port_ours(th->dest) || protect_passes(th))
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	p->mine = true;
	return set_verdict(v, XDP_DROP, XS_LSTAT_UNSUPPORTED);
}

/*
 * IPv6 to one of our addresses and ports: p set, or a verdict.  The
 * extension header chain is walked (bpf/parse6.h) to find the port; a
 * segment of ours behind extension headers is dropped, as IPv4 options
 * are.  A chain longer than XS_IP6_EXT_MAX to one of our addresses is
 * dropped too, port unseen: passed, it would be a way for SYNs around us
 * to the kernel's listener (--protect), and nothing sane sends one.
 */
static __always_inline int locate6(struct xs_cursor *c, struct lpkt *p,
				   struct lverdict *v)
{
	void *data = (void *)(long)p->ctx->data;
	void *end = (void *)(long)p->ctx->data_end;
	struct ipv6hdr *ip6 = NULL;
	struct tcphdr *th = NULL;
	struct xs_l4 l4 = {};
	int r;

	if (xs_parse_ipv6(c, end - data - XS_ETH_HLEN, &ip6) != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	if (!addr6_ours(ip6))
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	r = xs_ipv6_walk(c, ip6, &l4);
	if (r == XS_P6_FRAG)
		return frag6(c, p, v);
	if (r == XS_P_BAD)
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	if (r == XS_P6_LIMIT)
		return set_verdict(v, XDP_DROP, XS_LSTAT_UNSUPPORTED);
	if (r != XS_P_OK || l4.proto != XS_IPPROTO_TCP)
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	if (xs_parse_tcp_len(c, l4.len, &th) != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	if (!port_ours(th->dest) || protect_passes(th))
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	p->mine = true;
	if (l4.off != L6_L4_OFF || l4.len > L_MAX_SEG)
		return set_verdict(v, XDP_DROP, XS_LSTAT_UNSUPPORTED);
	__builtin_memcpy(p->tu.caddr, &ip6->saddr, 16);
	__builtin_memcpy(p->tu.saddr, &ip6->daddr, 16);
	p->tu.v6 = true;
	p->seglen = l4.len;
	return L_GO;
}

/*
 * Ethernet, IPv4 or IPv6, TCP to one of our ports: p set (headers at the
 * family's fixed offsets, addresses, ports, lengths), or a verdict.
 * Reads only: consumes() runs it too.
 */
static __always_inline int locate(struct xdp_md *ctx, struct lpkt *p,
				  struct lverdict *v)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct xs_cursor c;
	__u16 l3;
	int r;

	p->ctx = ctx;
	xs_cursor_init(&c, data, end);
	l3 = xs_parse_eth_l3(&c);
	if (l3 == XS_ETH_P_IP)
		r = locate4(&c, p, v);
	else if (l3 == XS_ETH_P_IPV6)
		r = locate6(&c, p, v);
	else
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	if (r != L_GO)
		return r;
	/* Fixed offsets from here on, which the verifier follows best. */
	if (headers(p))
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	p->tu.cport = p->th->source;
	p->tu.sport = p->th->dest;
	p->our_mss = p->tu.v6 ? cfg.mss - L6_MSS_LESS : cfg.mss;
	return L_GO;
}

static __always_inline int classify(struct xdp_md *ctx, struct lpkt *p,
				    struct lverdict *v)
{
	int r = locate(ctx, p, v);

	if (r != L_GO)
		return r;
	p->doff = (*((__u8 *)p->th + XS_TCP_DOFF_OFF) >> 4) * 4;
	/* xs_parse_tcp*() made sure that doff <= the segment's length. */
	p->plen = p->seglen - p->doff;
	if (!tcp_csum_ok(p, p->seglen))
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	p->now = bpf_ktime_get_ns();
	return dispatch(p, v);
}

/* This CPU's first and last time of one event (struct xs_listen_times):
 * bpf_ktime_get_ns() never goes back, so the first one set stays the
 * smallest and the latest is the largest. */
static __always_inline void stamp(__u64 *first, __u64 *last, __u64 now)
{
	if (!*first)
		*first = now;
	*last = now;
}

/* now: p->now, set for every frame that reached dispatch(), which every
 * timed verdict comes from. */
static __always_inline void count(const struct lverdict *v, __u64 now)
{
	struct xs_listen_stats *st;
	__u32 key = 0, i = v->stat;

	st = bpf_map_lookup_elem(&xs_lstats, &key);
	if (!st)
		return;
	st->frames++;
	if (i < XS_LSTAT_MAX)
		((__u64 *)st)[i]++;
	if (v->synack) {
		st->synack_tx++;
		stamp(&st->t.first_syn_ns, &st->t.last_syn_ns, now);
	}
	if (v->rtt)
		st->rtt_samples++;
	if (i == XS_LSTAT_RST)
		stamp(&st->t.first_rst_ns, &st->t.last_rst_ns, now);
	else if (i == XS_LSTAT_ACK_VALID)
		stamp(&st->t.first_ack_ns, &st->t.last_ack_ns, now);
}

static __always_inline bool mon_plugged(void)
{
	struct xs_mon_tap *tap;
	__u32 key = 0;

	tap = bpf_map_lookup_elem(&xs_mon_tap, &key);
	return tap && tap->tx_prog;
}

/*
 * Will classify() consume the frame (answer or drop it)?  Its first
 * checks, read only: from the port on, nothing of ours is passed.  A
 * frame dropped before (a broken IPv4, IPv6 or TCP header) is not shown.
 */
static __always_inline bool consumes(struct xdp_md *ctx)
{
	struct lverdict v = {};
	struct lpkt p = {};

	locate(ctx, &p, &v);
	return p.mine;
}

/*
 * Both programs.  With a monitor plugged in, xs_listen shows it what it is
 * about to consume (the monitor's program comes back by xs_listen_next,
 * which does not show it again), and either shows it what it sends.  An
 * empty slot makes a tail call fall through.
 */
static __always_inline int listen_run(struct xdp_md *ctx, bool first)
{
	struct lverdict v = { XDP_PASS, XS_LSTAT_PASSED, false, false };
	struct lpkt p = {};

	if (first && mon_plugged() && consumes(ctx))
		bpf_tail_call(ctx, &xs_mon_prog, XS_MON_SLOT_XDP_IN);
	classify(ctx, &p, &v);
	count(&v, p.now);
	if (v.action == XDP_TX && mon_plugged())
		bpf_tail_call(ctx, &xs_mon_prog, XS_MON_SLOT_XDP_TX);
	return v.action;
}

SEC("xdp")
int xs_listen(struct xdp_md *ctx)
{
	return listen_run(ctx, true);
}

/* The way back from a monitor's xs_mon_xdp_in (never attached). */
SEC("xdp")
int xs_listen_next(struct xdp_md *ctx)
{
	return listen_run(ctx, false);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
