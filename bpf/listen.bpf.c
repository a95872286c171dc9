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
 * Everything not addressed to us goes to the kernel untouched.  What is
 * ours but malformed (IPv4 or TCP checksum, lengths, options), unusual (IP
 * options, fragments, odd flag combinations, a SYN with data) or forged (an
 * ACK without a valid cookie) is dropped and counted, never answered.
 *
 * One exit: every frame ends in exactly one counter of enum xs_lstat.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "listen.h"
#include "bpf/parse.h"
#include "bpf/siphash.h"
#include "bpf/cookie.h"

#define L_TTL 64
#define L_WINDOW 65535
#define L_IP_DF 0x4000
#define L_L4_OFF (XS_ETH_HLEN + XS_IP_HLEN)
#define L_MAX_SEG 1480 /* TCP bytes of a 1500-byte packet: all we check */
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

/* xs_lsrc and xs_lrtt, which --protect's TC half shares. */
#include "bpf/listen_maps.h"

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

/* One segment of ours, headers at fixed offsets (no IP options). */
struct lpkt {
	struct xdp_md *ctx;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct tcphdr *th;
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

static __always_inline bool addr_ours(__be32 a)
{
	__u32 i;

	if (!cfg.naddrs)
		return true;
	for (i = 0; i < XS_LISTEN_MAX_ADDRS; i++) {
		if (i >= cfg.naddrs)
			break;
		if (cfg.addrs[i] == a)
			return true;
	}
	return false;
}

static __always_inline bool port_ours(__be16 port)
{
	__u16 p = bpf_ntohs(port);

	return (cfg.ports[p >> 6] >> (p & 63)) & 1;
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

static __always_inline __u64 pseudo_sum(const struct iphdr *iph, __u32 len)
{
	return (iph->saddr & 0xffff) + (iph->saddr >> 16) +
	       (iph->daddr & 0xffff) + (iph->daddr >> 16) +
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
	__u64 ps = pseudo_sum(p->iph, len), sum = ps;

	if (csum_pkt(p->ctx, L_L4_OFF, len, &sum))
		return false;
	if (fold(sum) == 0xffff)
		return true;
	return p->th->check == fold(ps);
}

/* Both checksums of a frame we send, from scratch: XDP_TX frames reach
 * the peer as CHECKSUM_NONE.  iph is at the fixed offset, in bounds. */
static __always_inline int set_csums(struct xdp_md *ctx, struct iphdr *iph,
				     struct tcphdr *th, __u32 tcp_len)
{
	const __u32 *w = (const __u32 *)iph;
	__u64 sum;

	iph->check = 0;
	sum = (__u64)w[0] + w[1] + w[2] + w[3] + w[4];
	iph->check = ~fold(sum);
	th->check = 0;
	sum = pseudo_sum(iph, tcp_len);
	if (csum_pkt(ctx, L_L4_OFF, tcp_len, &sum))
		return -1;
	th->check = ~fold(sum);
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
				o[2] = cfg.mss >> 8;
				o[3] = cfg.mss & 0xff;
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

/* Addresses and ports turned around, our TTL and DF. */
static __always_inline void turn_around(struct lpkt *p)
{
	struct ethhdr *eth = p->eth;
	struct iphdr *iph = p->iph;
	struct tcphdr *th = p->th;
	__u8 mac[6];
	__be32 addr;
	__be16 port;

	__builtin_memcpy(mac, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, mac, 6);
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	iph->ttl = L_TTL;
	iph->tos = 0;
	iph->id = 0;
	iph->frag_off = bpf_htons(L_IP_DF);
	port = th->source;
	th->source = th->dest;
	th->dest = port;
	th->window = bpf_htons(L_WINDOW);
	th->urg_ptr = 0;
}

static __always_inline __u32 mss_index(__u16 mss)
{
	if (mss > cfg.mss)
		mss = cfg.mss;
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
	cookie = xs_cookie_make(cfg.key0, cfg.key1, p->iph->saddr,
				p->iph->daddr, th->source, th->dest, p->now,
				mss_index(p->mss), cfg.protect, p->opts,
				bpf_ntohl(th->seq));
	th->ack_seq = bpf_htonl(bpf_ntohl(th->seq) + 1);
	th->seq = bpf_htonl(cookie);
	*((__u8 *)th + XS_TCP_DOFF_OFF) = (p->doff / 4) << 4;
	*((__u8 *)th + XS_TCP_FLAGS_OFF) = XS_TCP_SYN | XS_TCP_ACK;
	turn_around(p);
	if (set_csums(p->ctx, p->iph, th, p->doff))
		return set_verdict(v, XDP_DROP, XS_LSTAT_TX_FAILED);
	v->synack = true;
	return set_verdict(v, XDP_TX, XS_LSTAT_SYN);
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
	struct iphdr *iph;
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
	p->iph->tot_len = bpf_htons(XS_IP_HLEN + thl + blen);
	delta = (int)(L_L4_OFF + thl + blen) - (int)(end - data);
	if (delta && bpf_xdp_adjust_tail(p->ctx, delta))
		return set_verdict(v, XDP_DROP, XS_LSTAT_TX_FAILED);
	if (blen && bpf_xdp_store_bytes(p->ctx, L_L4_OFF + thl,
					(void *)cfg.banner, blen))
		return set_verdict(v, XDP_DROP, XS_LSTAT_TX_FAILED);
	data = (void *)(long)p->ctx->data;
	end = (void *)(long)p->ctx->data_end;
	iph = data + XS_ETH_HLEN;
	th = data + L_L4_OFF;
	if ((void *)(th + 1) > end || set_csums(p->ctx, iph, th, thl + blen))
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
	struct xs_listen_src_key k;

	__builtin_memcpy(k.addr, &p->iph->saddr, 4);
	xs_lsrc_add(&k, p->now);
}

static __always_inline bool cookie_ok(const struct lpkt *p, __u32 c)
{
	const struct tcphdr *th = p->th;

	return xs_cookie_ok(cfg.key0, cfg.key1, p->iph->saddr, p->iph->daddr,
			    th->source, th->dest, p->now, c, false, 0);
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

/* Ethernet, IPv4, TCP to one of our ports: fill p, or a verdict. */
static __always_inline int classify(struct xdp_md *ctx, struct lpkt *p,
				    struct lverdict *v)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct tcphdr *th = NULL;
	struct iphdr *iph = NULL;
	struct xs_cursor c;
	__u32 tot;

	xs_cursor_init(&c, data, end);
	if (xs_parse_eth(&c) != XS_P_OK)
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	/* A header the kernel would drop (length, version, checksum). */
	if (xs_parse_ipv4(&c, end - data - XS_ETH_HLEN, &iph) != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	/* Not ours, or a later fragment, whose port we cannot see. */
	if (iph->protocol != XS_IPPROTO_TCP || !addr_ours(iph->daddr) ||
	    (iph->frag_off & bpf_htons(XS_IP_OFFSET)))
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	if (xs_parse_tcp(&c, iph, &th) != XS_P_OK)
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	if (!port_ours(th->dest))
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	/*
	 * --protect: the kernel's listener takes everything but the SYNs,
	 * untouched; xs_listen_tc hands it the final ACKs with our cookie.
	 */
	if (cfg.protect && (xs_tcp_flags(th) & L_FLAGS_SEEN) != XS_TCP_SYN)
		return set_verdict(v, XDP_PASS, XS_LSTAT_PASSED);
	tot = bpf_ntohs(iph->tot_len);
	if ((*((__u8 *)iph + XS_IP_VIHL_OFF) & 0x0f) * 4 != XS_IP_HLEN ||
	    xs_ipv4_is_fragment(iph) || tot > XS_IP_HLEN + L_MAX_SEG)
		return set_verdict(v, XDP_DROP, XS_LSTAT_UNSUPPORTED);
	/* Fixed offsets from here on, which the verifier follows best. */
	if (data + L_L4_OFF + XS_TCP_HLEN > end)
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	p->ctx = ctx;
	p->eth = data;
	p->iph = data + XS_ETH_HLEN;
	p->th = data + L_L4_OFF;
	p->doff = (*((__u8 *)p->th + XS_TCP_DOFF_OFF) >> 4) * 4;
	/* xs_parse_tcp() made sure that doff <= tot - ihl * 4. */
	p->plen = tot - XS_IP_HLEN - p->doff;
	if (!tcp_csum_ok(p, tot - XS_IP_HLEN))
		return set_verdict(v, XDP_DROP, XS_LSTAT_MALFORMED);
	p->now = bpf_ktime_get_ns();
	return dispatch(p, v);
}

static __always_inline void count(const struct lverdict *v)
{
	struct xs_listen_stats *st;
	__u32 key = 0, i = v->stat;

	st = bpf_map_lookup_elem(&xs_lstats, &key);
	if (!st)
		return;
	st->frames++;
	if (i < XS_LSTAT_MAX)
		((__u64 *)st)[i]++;
	if (v->synack)
		st->synack_tx++;
	if (v->rtt)
		st->rtt_samples++;
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
 * frame dropped before (a broken IPv4 or TCP header) is not shown.
 */
static __always_inline bool consumes(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct tcphdr *th = NULL;
	struct iphdr *iph = NULL;
	struct xs_cursor c;

	xs_cursor_init(&c, data, end);
	if (xs_parse_eth(&c) != XS_P_OK ||
	    xs_parse_ipv4(&c, end - data - XS_ETH_HLEN, &iph) != XS_P_OK ||
	    iph->protocol != XS_IPPROTO_TCP || !addr_ours(iph->daddr) ||
	    (iph->frag_off & bpf_htons(XS_IP_OFFSET)) ||
	    xs_parse_tcp(&c, iph, &th) != XS_P_OK)
		return false;
	/* --protect consumes SYNs only. */
	if (cfg.protect && (xs_tcp_flags(th) & L_FLAGS_SEEN) != XS_TCP_SYN)
		return false;
	return port_ours(th->dest);
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
	count(&v);
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
