// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xs_listen_tc: `listen --protect`'s second half, on TC ingress.
 *
 * bpf/listen.bpf.c answers the SYNs to the protected ports in XDP with a
 * SYN-ACK carrying a --protect cookie (bpf/cookie.h: the SYN's MSS, window
 * scale and SACK-permitted in it) and passes everything else.  Here, a
 * segment with ACK and neither SYN nor RST for which the kernel finds only
 * the listening socket is a final ACK of ours, or forged: with a valid
 * cookie it gets a request socket built from what the cookie and the ACK's
 * timestamp say (bpf_sk_assign_tcp_reqsk(), "arbitrary SYN cookie", 6.9),
 * and the kernel's listener creates the connection and queues it for
 * accept(); without one it is dropped.  The listener's SYN queue is never
 * used: the kernel never sees a SYN.  Segments of established connections
 * find their own socket and pass untouched.
 *
 * IPv4 and IPv6 alike (the kernel builds a tcp6 request socket for an
 * IPv6 skb); an IPv6 ACK is judged wherever its extension headers put the
 * TCP header.
 *
 * A connection handed over is counted in the XDP half's xs_lsrc (per
 * client) and, if its ACK echoes our timestamp, timed into its xs_lrtt
 * (the loader shares both maps between the two programs).
 *
 * Returns TC_ACT_UNSPEC (-1, TCX_NEXT) for what it does not drop.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "listen.h"
#include "bpf/parse.h"
#include "bpf/parse6.h"
#include "bpf/siphash.h"
#include "bpf/cookie.h"
#include "bpf/listen_maps.h"

#define XS_TC_ACT_UNSPEC (-1)
#define XS_TC_ACT_SHOT 2
#define L_TCP_LISTEN 10 /* TCP_LISTEN in include/net/tcp_states.h */
#define L_OPT_MAX 40
#define L_TCPOPT_TS 8
#define L6_MSS_LESS 20 /* as in listen.bpf.c */
#define L6_MIN_MSS 1220 /* IPV6_MIN_MTU - 60: bpf_sk_assign_tcp_reqsk's floor */

extern int bpf_sk_assign_tcp_reqsk(struct __sk_buff *skb, struct sock *sk,
				   struct bpf_tcp_req_attrs *attrs,
				   int attrs__sz) __ksym;

/* The same configuration as the XDP half: ports, key (the addresses are
 * its xs_laddr, shared). */
const volatile struct xs_listen_cfg cfg = {};
#include "bpf/listen_match.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_prot_stats);
} xs_lprot SEC(".maps");

/*
 * The handshakes assigned lately, by 4-tuple: their cookie.  A second
 * segment that carries the same cookie (the client's data behind its final
 * ACK in one NAPI batch, where TC runs on both before the stack has made
 * the first one's socket; or a final ACK sent again) is assigned as well,
 * and the kernel keeps one child, but it is no new handshake.  Without
 * this table a stateless count would take it for one.
 */
struct lasg_key {
	__u32 caddr[4];
	__u32 saddr[4];
	__u16 cport, sport;
	__u32 v6;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct lasg_key);
	__type(value, __u32);
} xs_lasg SEC(".maps");

static __always_inline void lasg_key_of(const struct xs_ctuple *tu,
					struct lasg_key *k)
{
	__builtin_memcpy(k->caddr, tu->caddr, 16);
	__builtin_memcpy(k->saddr, tu->saddr, 16);
	k->cport = tu->cport;
	k->sport = tu->sport;
	k->v6 = tu->v6;
}

static __always_inline void count(enum xs_prot_stat i, bool rtt)
{
	struct xs_prot_stats *st;
	__u32 key = 0;

	st = bpf_map_lookup_elem(&xs_lprot, &key);
	if (!st)
		return;
	st->seen++;
	if (i < XS_PROT_MAX)
		((__u64 *)st)[i]++;
	if (rtt)
		st->rtt_samples++;
}

/*
 * The timestamp option of the ACK, copied to the stack first: a bounded
 * walk over a buffer is simpler for the verifier than one over the
 * packet.  The TSecr is our TSval of the SYN-ACK (microseconds).
 */
/* Room for an option's 10 bytes past any offset a mask of 63 leaves. */
#define L_OPT_BUF 80

static __always_inline __u32 be32_at(const __u8 *o)
{
	return (__u32)o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3];
}

/*
 * The timestamp option of the ACK, copied to the stack first.  The
 * verifier needs the offset bounded at each read; clang knows it is below
 * 40 and drops a plain mask, hence the opaque one.  The TSecr is our
 * TSval of the SYN-ACK (microseconds).
 */
static __always_inline void ack_ts(struct __sk_buff *skb, __u32 off,
				   __u32 optlen, struct bpf_tcp_req_attrs *a)
{
	__u8 buf[L_OPT_BUF] = {}, *o;
	__u32 i = 0, k, len;

	if (!optlen || optlen > L_OPT_MAX ||
	    bpf_skb_load_bytes(skb, off, buf, optlen))
		return;
	/* Bounded by the offset alone, as listen.bpf.c's scan_opts(). */
	while (i + 1 < optlen && i < L_OPT_MAX) {
		k = i;
		asm volatile("%0 &= 63" : "+r"(k));
		o = buf + k;
		if (o[0] == 0)
			break;
		if (o[0] == 1) {
			i++;
			continue;
		}
		len = o[1];
		if (len < 2)
			break;
		if (o[0] == L_TCPOPT_TS && len == 10 && i + 10 <= optlen) {
			a->rcv_tsval = be32_at(o + 2);
			a->rcv_tsecr = be32_at(o + 6);
			a->tstamp_ok = 1;
			a->usec_ts_ok = 1;
			return;
		}
		i += len;
	}
}

/*
 * What the cookie says the SYN asked for.  Over IPv6 the MSS is at most
 * ours less 20 (what listen.bpf.c offered) and at least 1220, the floor
 * the kernel sets for an IPv6 request socket (IPv6's minimum MTU: a SYN
 * without the option still gets that much).
 */
static __always_inline void cookie_attrs(__u32 c, bool v6,
					 struct bpf_tcp_req_attrs *a)
{
	__u32 opts = XS_COOKIE_OPTS(c), ws = opts >> 1;
	__u16 ours = v6 ? cfg.mss - L6_MSS_LESS : cfg.mss;

	a->mss = mss_of(c);
	if (a->mss > ours)
		a->mss = ours;
	if (v6 && a->mss < L6_MIN_MSS)
		a->mss = L6_MIN_MSS;
	a->sack_ok = opts & 1;
	if (ws != XS_COOKIE_NO_WSCALE) {
		/* We echoed the client's scale as ours (listen.bpf.c). */
		a->wscale_ok = 1;
		a->snd_wscale = ws;
		a->rcv_wscale = ws;
	}
}

/*
 * A final ACK at the listener: a request socket, or a drop.  The third
 * segment of the handshake may carry data and FIN: a client whose pure ACK
 * was lost retransmits its data with close()'s FIN collapsed into it, and
 * an autocorked first write takes the FIN along too, both at seq = ISN + 1.
 * The kernel's own cookie check takes those; so do we.  A late FIN (after
 * data, seq past ISN + 1) fails the MAC, which covers the ISN.
 */
static __always_inline enum xs_prot_stat
assign(struct __sk_buff *skb, struct sock *sk, const struct xs_ctuple *tu,
       const struct tcphdr *th, __u32 off, bool *rtt)
{
	struct bpf_tcp_req_attrs a = {};
	__u32 c = bpf_ntohl(th->ack_seq) - 1;
	__u32 doff = (*((__u8 *)th + XS_TCP_DOFF_OFF) >> 4) * 4;
	__u64 now = bpf_ktime_get_ns();
	struct lasg_key k = {};
	__u32 *seen;
	bool dup;

	if (!xs_cookie_ok(cfg.key0, cfg.key1, tu, now, c, true,
			  bpf_ntohl(th->seq) - 1))
		return XS_PROT_BAD_COOKIE;
	lasg_key_of(tu, &k);
	seen = bpf_map_lookup_elem(&xs_lasg, &k);
	dup = seen && *seen == c;
	cookie_attrs(c, tu->v6, &a);
	if (doff > XS_TCP_HLEN)
		ack_ts(skb, off + XS_TCP_HLEN, doff - XS_TCP_HLEN, &a);
	/* A new valid final ACK: its round trip, whatever the kernel says. */
	*rtt = !dup && a.tstamp_ok && xs_lrtt_add(a.rcv_tsecr, now);
	if (bpf_sk_assign_tcp_reqsk(skb, sk, &a, sizeof(a)) < 0)
		return XS_PROT_ASSIGN_FAILED;
	if (dup)
		return XS_PROT_DUPLICATE;
	bpf_map_update_elem(&xs_lasg, &k, &c, BPF_ANY);
	/* A handshake the listener takes on: the client's. */
	xs_lsrc_add(tu, now);
	return XS_PROT_ASSIGNED;
}

/* An ACK to one of our ports: whose is it? */
static __always_inline enum xs_prot_stat judge(struct __sk_buff *skb,
					       const struct xs_ctuple *tu,
					       const struct tcphdr *th,
					       __u32 off, bool *rtt)
{
	struct bpf_sock_tuple t = {};
	enum xs_prot_stat r = XS_PROT_PASSED;
	struct bpf_sock *skc;
	struct tcp_sock *tp;
	__u32 tlen;

	if (tu->v6) {
		__builtin_memcpy(t.ipv6.saddr, tu->caddr, 16);
		__builtin_memcpy(t.ipv6.daddr, tu->saddr, 16);
		t.ipv6.sport = tu->cport;
		t.ipv6.dport = tu->sport;
		tlen = sizeof(t.ipv6);
	} else {
		t.ipv4.saddr = tu->caddr[0];
		t.ipv4.daddr = tu->saddr[0];
		t.ipv4.sport = tu->cport;
		t.ipv4.dport = tu->sport;
		tlen = sizeof(t.ipv4);
	}
	skc = bpf_skc_lookup_tcp(skb, &t, tlen, -1, 0);
	if (!skc)
		return XS_PROT_PASSED; /* nobody listens: the kernel resets */
	if (skc->state == L_TCP_LISTEN) {
		tp = bpf_skc_to_tcp_sock(skc);
		r = tp ? assign(skb, (struct sock *)tp, tu, th, off, rtt) :
			 XS_PROT_ASSIGN_FAILED;
	}
	bpf_sk_release(skc);
	return r;
}

/* IPv4 to one of our addresses, TCP: its header, or NULL. */
static __always_inline struct tcphdr *locate4(struct xs_cursor *c, __u32 l3_len,
					      struct xs_ctuple *tu)
{
	struct tcphdr *th = NULL;
	struct iphdr *iph = NULL;
	__u32 m[4] = { 0, 0, bpf_htonl(0xffff) };

	if (xs_parse_ipv4(c, l3_len, &iph) != XS_P_OK ||
	    iph->protocol != XS_IPPROTO_TCP || xs_ipv4_is_fragment(iph))
		return NULL;
	m[3] = iph->daddr;
	if (!addr_ours(m) || xs_parse_tcp(c, iph, &th) != XS_P_OK)
		return NULL;
	tu->caddr[0] = iph->saddr;
	tu->saddr[0] = iph->daddr;
	return th;
}

/* IPv6 to one of our addresses, TCP past at most XS_IP6_EXT_MAX
 * extension headers (no fragment): its header, or NULL. */
static __always_inline struct tcphdr *locate6(struct xs_cursor *c, __u32 l3_len,
					      struct xs_ctuple *tu)
{
	struct ipv6hdr *ip6 = NULL;
	struct tcphdr *th = NULL;
	struct xs_l4 l4 = {};

	if (xs_parse_ipv6(c, l3_len, &ip6) != XS_P_OK)
		return NULL;
	__builtin_memcpy(tu->caddr, &ip6->saddr, 16);
	__builtin_memcpy(tu->saddr, &ip6->daddr, 16);
	/* An IPv4-mapped address never is an IPv6 packet's: not ours. */
	if (!tu->saddr[0] && !tu->saddr[1] && tu->saddr[2] == bpf_htonl(0xffff))
		return NULL;
	if (!addr_ours(tu->saddr) || xs_ipv6_walk(c, ip6, &l4) != XS_P_OK ||
	    l4.proto != XS_IPPROTO_TCP ||
	    xs_parse_tcp_len(c, l4.len, &th) != XS_P_OK)
		return NULL;
	tu->v6 = true;
	return th;
}

SEC("tc")
int xs_listen_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct tcphdr *th = NULL;
	struct xs_ctuple tu = {};
	enum xs_prot_stat r;
	struct xs_cursor c;
	bool rtt = false;
	__u16 l3;
	__u8 f;

	xs_cursor_init(&c, data, end);
	l3 = xs_parse_eth_l3(&c);
	if (l3 == XS_ETH_P_IP)
		th = locate4(&c, end - data - XS_ETH_HLEN, &tu);
	else if (l3 == XS_ETH_P_IPV6)
		th = locate6(&c, end - data - XS_ETH_HLEN, &tu);
	if (!th || !port_ours(th->dest))
		return XS_TC_ACT_UNSPEC;
	f = xs_tcp_flags(th);
	if (!(f & XS_TCP_ACK) || (f & (XS_TCP_SYN | XS_TCP_RST)))
		return XS_TC_ACT_UNSPEC;
	tu.cport = th->source;
	tu.sport = th->dest;
	r = judge(skb, &tu, th, (void *)th - data, &rtt);
	count(r, rtt);
	return r == XS_PROT_BAD_COOKIE || r == XS_PROT_ASSIGN_FAILED ?
		       XS_TC_ACT_SHOT :
		       XS_TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
