/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Types shared by the BPF programs and the userspace controller.
 *
 * Only __u8..__u64/__be16/__be32 here, so this compiles after vmlinux.h in
 * BPF code and after <linux/types.h> in userspace.  Every struct that a map
 * holds is defined once, here.
 */
#ifndef XDPSHAKE_H
#define XDPSHAKE_H

/* BPF code gets these types from vmlinux.h, which must not meet uapi
 * headers; userspace from the uapi. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Pinned state: /sys/fs/bpf/xdpshake/<netns>/<ifname>/<name> */
#define XS_PIN_ROOT "/sys/fs/bpf/xdpshake"

/* Map names as the kernel sees them (at most 15 characters). */
#define XS_MAP_CFG "xs_cfg"
#define XS_MAP_STATS "xs_stats"
#define XS_MAP_XSKS "xs_xsks"
#define XS_MAP_CONNS "xs_conns"
#define XS_MAP_RTT "xs_rtt"
#define XS_MAP_SOCKSTAT "xs_sockstat"
#define XS_MAP_FAST_RB "xs_fast_rb"

/* Highest RX queue index the XSKMAP can hold a socket for. */
#define XS_MAX_QUEUES 64

enum xs_cfg_flags {
	/*
	 * Redirect every in-range TCP segment (data, FIN, ACK), not only
	 * SYN-ACK and RST.  Set by `connect --close fin`, which has to see the
	 * server's FIN.
	 */
	XS_CFG_ALL_SEGMENTS = 1U << 0,
	/*
	 * Check the ack number of every SYN-ACK and RST+ACK against
	 * SipHash-2-4(isn_key, 4-tuple) + 1 (user/core/isn.c's xs_isn) and drop
	 * mismatches: stateless validation for scans.  RSTs without ACK are
	 * dropped too (never valid in SYN-SENT).
	 */
	XS_CFG_ISN_CHECK = 1U << 1,
	/*
	 * The fast path (bpf/fastpath.h), with XS_CFG_ISN_CHECK only: a
	 * SYN-ACK that passes every check userspace would make is answered
	 * in XDP by XDP_TX, in place, and recorded in xs_fast_rb for
	 * userspace (struct xs_fast_rec).  FAST_RST answers with the RST of
	 * `scan --syn-only`; FAST_ACK with the final ACK of a handshake, and
	 * records it in xs_conns as established.
	 */
	XS_CFG_FAST_RST = 1U << 2,
	XS_CFG_FAST_ACK = 1U << 3,
};

/*
 * Version of the layout of the pinned maps (their keys and values, the
 * counters).  `load` writes it into xs_config.layout; a run, `status` or
 * `unload`-less reuse refuses pins whose map sizes or layout differ
 * (xs_open_pinned(): -EPROTO, "unload and load again").  Bump it with every
 * change to a struct below that a map holds.
 *   1: IPv4 only (no layout field: told apart by the sizes)
 *   2: IPv6 source in xs_config, 16-byte addresses in xs_conn_key (and
 *      the fast path's window, TTL and counters, which came with it)
 *   3: the fast path's record (xs_fast_rb) holds IPv6 headers and the
 *      CPU that answered
 */
#define XS_LAYOUT_VERSION 3

/*
 * Value of the single entry of the xs_cfg array map.  Both families at
 * once: src_ip for IPv4, src_ip6 for IPv6; a zero address leaves that
 * family unconfigured (every frame of it passes).  The port range, flags
 * and key serve both.
 */
struct xs_config {
	__be32 src_ip; /* our IPv4 source address; 0 = IPv4 not configured */
	__u16 port_lo; /* our source port range, host order, inclusive */
	__u16 port_hi;
	__u32 flags; /* enum xs_cfg_flags */
	__u16 window; /* the fast path: our segments' window, host order */
	__u8 ttl; /* the fast path: our segments' TTL */
	__u8 pad;
	__u64 isn_k0; /* SipHash key for XS_CFG_ISN_CHECK */
	__u64 isn_k1;
	__u8 src_ip6[16]; /* our IPv6 source, network order; :: = none */
	__u32 layout; /* XS_LAYOUT_VERSION of the load that wrote it */
	__u32 pad2;
};

/*
 * Lists written once.  Each XS_*_LIST(X) below calls X(NAME, name) for each
 * member, in order; the enum, the struct bpftool prints and the userspace
 * string table are all generated from it, so they cannot drift apart:
 *
 *	static const char *const names[] = { XS_STAT_LIST(XS_STAT_NAME) };
 *
 * The enum constants are the list's prefix and NAME (XS_STAT_RX_PASS), the
 * struct fields and the names the counters go by are its `name`.  Plain C
 * preprocessor, so the BPF programs include this as well.
 */

/*
 * Named counters.  The stats map is a PERCPU_ARRAY with one entry whose
 * value is struct xs_stats: bpftool prints it field by field, and the BPF
 * code increments field number `enum xs_stat` of it.
 */
#define XS_STAT_LIST(X)                                                       \
	X(RX_FRAMES, rx_frames) /* XDP: frames seen */                        \
	X(RX_SYNACK, rx_synack) /* XDP: SYN-ACKs redirected to the socket */  \
	X(RX_RST, rx_rst) /* XDP: RSTs redirected to the socket */            \
	X(RX_OTHER, rx_other) /* XDP: other in-range segments redirected */   \
	X(RX_PASS, rx_pass) /* XDP: passed to the kernel (not ours) */        \
	X(RX_MALFORMED, rx_malformed) /* XDP: malformed IP/TCP, dropped */    \
	X(RX_NO_SOCKET, rx_no_socket) /* XDP: ours, no socket on the queue */ \
	X(TC_SEEN, tc_seen) /* TC: egress frames seen */                      \
	X(TC_RST_DROP, tc_rst_drop) /* TC: kernel RSTs from our range */      \
	X(RX_INVALID, rx_invalid) /* XDP: tracked, ack not ours + 1: drop */  \
	X(RX_BAD_CSUM, rx_bad_csum) /* XDP: IPv4 header checksum or (IPv6) \
				     * TCP checksum wrong: dropped */  \
	X(RX_ICMP, rx_icmp) /* XDP: ICMP errors quoting one of our probes  \
			     * with its sequence number: redirected */  \
	X(RX_ICMP_BAD, rx_icmp_bad) /* XDP: ICMP errors naming our address \
				     * and port range whose quote is cut,  \
				     * a fragment, an ICMP error, or has a \
				     * seq we never sent: dropped */  \
	X(TX_XDP_ACK, tx_xdp_ack) /* XDP: SYN-ACKs answered by XDP_TX with \
				   * our final ACK (fast path) */  \
	X(TX_XDP_RST, tx_xdp_rst) /* XDP: SYN-ACKs answered by XDP_TX with \
				   * our RST (fast path, --syn-only) */  \
	X(RX_FAST_FALLBACK, rx_fast_fallback) /* XDP: fast path, ring    \
					       * buffer full: redirected \
					       * to the socket instead */    \
	X(RX_V6_FRAG, rx_v6_frag) /* XDP: IPv6 with a fragment header:     \
				   * never ours (we send none), passed   \
				   * for the kernel to reassemble */  \
	X(RX_V6_EXT_DEEP, rx_v6_ext_deep) /* XDP: IPv6 extension header  \
					     * chain longer than we walk: \
					     * passed to the kernel */

#define XS_STAT_ENUM_(up, low) XS_STAT_##up,
#define XS_STAT_FIELD_(up, low) __u64 low;
#define XS_STAT_NAME(up, low) [XS_STAT_##up] = #low,

enum xs_stat {
	XS_STAT_LIST(XS_STAT_ENUM_) XS_STAT_MAX,
};

struct xs_stats {
	XS_STAT_LIST(XS_STAT_FIELD_)
};

/*
 * The connection table: a bounded LRU hash of recent handshakes, keyed by
 * the 4-tuple.  Addresses as bytes and ports in host order, so that
 * `bpftool map dump` reads like a connection table.  Userspace writes an
 * entry before each SYN and its outcome at the end; the XDP filter checks
 * replies against isn and records the round trip.
 */
#define XS_CONN_MAX 4096

/* What userspace recorded of a handshake, and the name status shows. */
#define XS_CONN_STATE_LIST(X)         \
	X(NONE, "none")               \
	X(SYN_SENT, "syn-sent")       \
	X(ESTABLISHED, "established") \
	X(REFUSED, "refused")         \
	X(TIMED_OUT, "timed-out")     \
	X(UNREACHABLE, "unreachable") /* an ICMP error answered the SYN */

#define XS_CONN_STATE_ENUM_(up, str) XS_CONN_##up,
#define XS_CONN_STATE_NAME(up, str) [XS_CONN_##up] = str,

enum xs_conn_state {
	XS_CONN_STATE_LIST(XS_CONN_STATE_ENUM_) XS_CONN_STATE_MAX,
};

/*
 * Addresses of either family in 16 bytes, as user/core/addr.h's struct
 * xs_addr: IPv6 as on the wire, IPv4 as ::ffff:a.b.c.d (RFC 4291
 * 2.5.5.2), so userspace copies xs_addr.b in as it is.
 */
struct xs_conn_key {
	__u8 local_ip[16];
	__u8 remote_ip[16];
	__u16 local_port;
	__u16 remote_port;
};

struct xs_conn {
	enum xs_conn_state state;
	__u32 isn; /* our initial sequence number */
	__u32 server_isn; /* from the SYN-ACK, once seen */
	__u32 syns_sent;
	__u64 syn_ns; /* last SYN sent, CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 reply_ns; /* first valid SYN-ACK or RST, set by XDP */
	__u64 rtt_us; /* reply_ns - syn_ns */
	__u64 done_ns; /* outcome known */
	__u32 owner_pid; /* the xdpshake process running the handshake */
	__u32 pad;
};

/*
 * Handshake round trips (SYN to SYN-ACK), log2 buckets in microseconds:
 * slot 0 counts 0 us, slot k >= 1 counts [2^(k-1), 2^k) us; the last slot
 * also takes everything above.
 */
#define XS_HIST_SLOTS 32

struct xs_rtt_hist {
	__u64 slot[XS_HIST_SLOTS];
};

/* The AF_XDP sockets' XDP_STATISTICS, added up by each run at its end. */
struct xs_sockstat {
	__u64 rx_dropped;
	__u64 rx_invalid_descs;
	__u64 tx_invalid_descs;
	__u64 rx_ring_full;
	__u64 rx_fill_ring_empty_descs;
	__u64 tx_ring_empty_descs;
};

/* TCP flag bits, in the order the tutorial log format lists them (MSB first). */
#define XS_TCP_FIN 0x01
#define XS_TCP_SYN 0x02
#define XS_TCP_RST 0x04
#define XS_TCP_PSH 0x08
#define XS_TCP_ACK 0x10
#define XS_TCP_URG 0x20
#define XS_TCP_ECE 0x40
#define XS_TCP_CWR 0x80

/*
 * `xdpshake monitor`: TC programs on ingress and egress copy each IPv4 or
 * IPv6 TCP frame (and each ICMP or ICMPv6 error quoting one) that passes
 * the filters into a ring buffer, one struct xs_mon_event per frame.
 */
#define XS_MAP_MON_RB "xs_mon_rb"
#define XS_MAP_MON_STATS "xs_mon_stats"

/* Bytes of a frame an event can carry: the longest headers below and a
 * slice of payload.  Fixed, because a ring buffer reservation has a
 * constant size. */
#define XS_MON_SNAP_MAX 256
#define XS_MON_SNAP_DEFAULT 128
/*
 * IPv6 extension headers (hop-by-hop, routing, destination options) the
 * monitor walks to reach TCP: at most this many, in at most this many
 * bytes.  A longer chain is counted (ip6_ext_limit) and not shown.
 */
#define XS_MON_IP6_EXT_NUM 4
#define XS_MON_IP6_EXT_MAX 64
/*
 * Headers are always captured whole, whatever the snap length.  The
 * longest: an ICMPv6 error (14 + 40 + extension headers + 8) quoting an
 * IPv6 header, its extension headers and 8 bytes of TCP (40 + ... + 8);
 * Ethernet + IPv4 + TCP (14 + 60 + 60) and Ethernet + IPv6 + extension
 * headers + TCP (14 + 40 + 64 + 60) are shorter.
 */
#define XS_MON_HDR_MAX \
	(14 + 40 + XS_MON_IP6_EXT_MAX + 8 + 40 + XS_MON_IP6_EXT_MAX + 8)
#define XS_MON_RB_SIZE (1U << 20)

enum xs_mon_dir {
	XS_MON_INGRESS = 0,
	XS_MON_EGRESS = 1,
};

/*
 * Where the monitor saw a frame.  TC hooks see what the kernel's stack
 * receives and sends; the frames xdpshake's XDP program redirects to its
 * AF_XDP socket, and the ones it sends through that socket, never pass TC
 * and reach the monitor through the hook below; so do the frames that
 * `xdpshake listen` (bpf/listen.bpf.c) consumes and the answers it sends
 * back by XDP_TX, which go by path xdp_tx (consumed: ingress; sent:
 * egress).
 */
#define XS_MON_PATH_LIST(X)                                             \
	X(TC, tc) /* a TC hook of the interface */                      \
	X(XDP_REDIRECT, xdp_redirect) /* redirected by xs_xdp_filter */ \
	X(AFXDP_TX, afxdp_tx) /* sent by xdpshake through AF_XDP */     \
	X(XDP_TX, xdp_tx) /* answered in place by xs_xdp_filter (fast path) */

#define XS_MON_PATH_ENUM_(up, low) XS_MON_PATH_##up,
#define XS_MON_PATH_NAME(up, low) [XS_MON_PATH_##up] = #low,

enum xs_mon_path {
	XS_MON_PATH_LIST(XS_MON_PATH_ENUM_) XS_MON_PATH_MAX,
};

struct xs_mon_event {
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 ifindex;
	__u32 len; /* length of the whole frame (skb->len) */
	__u32 caplen; /* bytes of it in data[] */
	__u8 dir; /* enum xs_mon_dir */
	__u8 path; /* enum xs_mon_path */
	__u8 pad[2];
	__u8 data[XS_MON_SNAP_MAX]; /* from the Ethernet header on */
};

/*
 * The monitor hook: how a monitor sees xdpshake's own frames.
 *
 * xdpshake's XDP object holds two maps for it.  xs_mon_prog, a one-slot
 * program array, takes the monitor's XDP program: the filter tail-calls it
 * for each frame it redirects, after its own verdict and counters, and the
 * monitor's program copies the frame into the monitor's ring and returns
 * XDP_REDIRECT.  xs_mon_tap (struct xs_mon_tap, mmapable) says who is
 * plugged in: AF_XDP senders read tx_prog with a plain load per frame and,
 * only when it is set, run that program (BPF_PROG_TEST_RUN) on each frame
 * they send.  The monitor publishes the ids of both programs in its
 * xs_mon_info map, bound to its ingress program so that a sender that
 * attaches xdpshake after the monitor started can find and plug it in.
 */
#define XS_MAP_MON_PROG "xs_mon_prog"
#define XS_MAP_MON_TAP "xs_mon_tap"
#define XS_MAP_MON_INFO "xs_mon_info"
#define XS_PROG_XDP_FILTER "xs_xdp_filter"
#define XS_PROG_MON_INGRESS "xs_mon_ingress"

struct xs_mon_tap {
	__u32 owner; /* id of the plugged monitor's ingress program; 0 none */
	__u32 tx_prog; /* id of its xs_mon_afxdp_tx; 0: tap nothing */
	__u32 next_prog; /* listen only: id of its xs_listen_next, set at load */
	__u32 pad;
};

struct xs_mon_info {
	__u32 redirect_prog; /* id of its xs_mon_redirect (XDP) */
	__u32 tx_prog; /* id of its xs_mon_afxdp_tx (SCHED_CLS, test-run) */
	__u32 xdp_tx_prog; /* id of its xs_mon_xdp_tx (XDP) */
	__u32 xdp_in_prog; /* id of its xs_mon_xdp_in (XDP) */
};

/* Slots of xs_mon_prog: the program for redirected frames, and the one
 * for frames the fast path sends back by XDP_TX (it returns XDP_TX). */
#define XS_MON_SLOT_REDIRECT 0
#define XS_MON_SLOT_XDP_TX 1
/*
 * listen's: a frame it is about to consume, as it arrived.  The monitor's
 * xs_mon_xdp_in copies it and tail-calls its xs_mon_next, where the
 * plugger put listen's xs_listen_next (xs_mon_tap.next_prog): the same
 * responder, which then answers or drops the frame as usual, and shows
 * its answer through XS_MON_SLOT_XDP_TX.  A tail call does not come back,
 * and the frame is rewritten in place: the only way to show both.
 */
#define XS_MON_SLOT_XDP_IN 2
#define XS_MON_SLOTS 3
#define XS_MAP_MON_NEXT "xs_mon_next"
#define XS_PROG_LISTEN_NEXT "xs_listen_next"

/*
 * The monitor's counters, one struct per CPU, same scheme as xs_stats: what
 * became of every frame the programs ran on.  seen = not_tcp + filtered +
 * events + ringbuf_full + copy_failed + ip6_ext_limit.
 */
#define XS_MON_STAT_LIST(X)                                                 \
	X(SEEN, seen) /* frames the programs ran on */                      \
	X(NOT_TCP, not_tcp) /* neither TCP nor an ICMP error quoting it */  \
	X(FILTERED, filtered) /* TCP, but not matching --port/--host */     \
	X(EVENTS, events) /* copied into the ring buffer */                 \
	X(RINGBUF_FULL, ringbuf_full) /* matched, lost: ring buffer full */ \
	X(COPY_FAILED, copy_failed) /* matched, lost: skb copy failed */    \
	X(IP6_EXT_LIMIT, ip6_ext_limit) /* IPv6 extension headers past     \
					 * XS_MON_IP6_EXT_NUM/_MAX */

#define XS_MON_STAT_ENUM_(up, low) XS_MON_STAT_##up,
#define XS_MON_STAT_FIELD_(up, low) __u64 low;
#define XS_MON_STAT_NAME(up, low) [XS_MON_STAT_##up] = #low,

enum xs_mon_stat {
	XS_MON_STAT_LIST(XS_MON_STAT_ENUM_) XS_MON_STAT_MAX,
};

struct xs_mon_stats {
	XS_MON_STAT_LIST(XS_MON_STAT_FIELD_)
};

/*
 * The fast path's record of one SYN-ACK it answered (XS_CFG_FAST_*), in
 * the xs_fast_rb ring buffer.  The SYN-ACK's headers as they arrived
 * (Ethernet, IPv4 without options or IPv6 without extension headers, TCP
 * with its options; a fast-path SYN-ACK carries no payload: the addresses
 * of either family are those the parser reads into struct xs_addr), so that userspace reads the 4-tuple, TTL,
 * window, options and server ISN with the same parser and judges them
 * with the same validator as a frame from its AF_XDP socket; and the
 * time, from which userspace takes the round trip as it does for a frame.
 */
#define XS_FAST_HDR_MAX (14 + 40 + 60)
#define XS_FAST_RB_SIZE (1U << 20)

enum xs_fast_answer {
	XS_FAST_ANS_RST = 1, /* our RST went out */
	XS_FAST_ANS_ACK = 2, /* our final ACK went out */
};

struct xs_fast_rec {
	__u64 ts_ns; /* bpf_ktime_get_ns() at the SYN-ACK: CLOCK_MONOTONIC */
	__u16 len; /* bytes of hdr[] */
	__u8 answer; /* enum xs_fast_answer */
	__u8 pad;
	/*
	 * The CPU the filter ran on, which sent the answer: what follows it
	 * (the close) is sent from the thread on that CPU, whose socket is
	 * that CPU's queue, so that both go the same way (see
	 * user/engine/fast.c).
	 */
	__u32 cpu;
	__u8 hdr[XS_FAST_HDR_MAX];
	__u8 pad2[6];
};

#endif /* XDPSHAKE_H */
