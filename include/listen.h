/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `xdpshake listen`: types shared by bpf/listen.bpf.c and its loader
 * (user/sys/listen_loader.c).  Only __u8..__u64/__be16/__be32, as in
 * xdpshake.h, which this header extends.
 *
 * The SYN cookie (our ISN in each SYN-ACK), 32 bits:
 *
 *   31                         8 7          2 1   0
 *   | MAC: SipHash-2-4, 24 bits | t mod 64   | mss |
 *
 * t counts 2^30 ns (about 1.07 s) of CLOCK_MONOTONIC; the MAC is keyed by
 * the run's random 128-bit key over the 4-tuple and the full t (an IPv6
 * 4-tuple: its 16-byte addresses, the same function, bpf/cookie.h).  An ACK is
 * valid if its ack number - 1 (or - 2 after our FIN, or - banner - 2 after
 * our banner and FIN) is a cookie made at most XS_LISTEN_COOKIE_AGE units
 * ago.  The client's ISN is not hashed, so a segment can be checked by its
 * ack number alone whatever data it sent before.
 */
#ifndef XDPSHAKE_LISTEN_H
#define XDPSHAKE_LISTEN_H

#include "xdpshake.h"

#define XS_LISTEN_MAX_ADDRS 8 /* addresses and prefixes, both families */
#define XS_LISTEN_BANNER_MAX 128
#define XS_LISTEN_PORT_WORDS 1024 /* 65536 ports, one bit each */
#define XS_LISTEN_COOKIE_SHIFT 30 /* one cookie time unit: 2^30 ns */
#define XS_LISTEN_COOKIE_AGE 8 /* units a cookie stays valid */
#define XS_LISTEN_SRC_MAX 65536 /* per-source LRU entries */

/* The MSS values a cookie can carry (index in its low 2 bits): listen.bpf.c
 * mss_index() and listen_tc.bpf.c mss_of() spell them out. */
#define XS_LISTEN_MSS_TABLE           \
	{                             \
		536, 1220, 1440, 1460 \
	}

/* Map names as the kernel sees them, and their pins in the interface's
 * folder (beside `load`'s, which use other names). */
#define XS_MAP_LSTATS "xs_lstats"
#define XS_MAP_LSRC "xs_lsrc"
#define XS_MAP_LRTT "xs_lrtt"
#define XS_PROG_LISTEN "xs_listen"
#define XS_PIN_LSTATS "listen_stats"
#define XS_PIN_LSRC "listen_src"
#define XS_PIN_LRTT "listen_rtt"
#define XS_MAP_LADDR "xs_laddr"
#define XS_PIN_LADDR "listen_addrs"
#define XS_PROG_LISTEN_TC "xs_listen_tc"
#define XS_MAP_LPROT "xs_lprot"
#define XS_PIN_LPROT "listen_prot" /* --protect only */

/*
 * `listen --protect`: the TC ingress program's counters (one struct per
 * CPU).  seen = passed + assigned + duplicate + bad_cookie +
 * assign_failed; rtt_samples (after them, as in struct xs_listen_stats)
 * counts the valid final ACKs (assigned or not; no duplicate) whose
 * timestamp echo timed the round trip
 * into listen_rtt, which the XDP half shares with this one, as it does
 * listen_src (where the assigned ones count).
 */
#define XS_PROT_STAT_LIST(X)                                                   \
	X(SEEN, seen) /* TCP ACKs to a listened port that TC ran on */         \
	X(PASSED, passed) /* a socket of their own (or none): to the kernel */ \
	X(ASSIGNED, assigned) /* valid cookie: the listener accepts them */    \
	X(DUPLICATE, duplicate) /* the cookie of a handshake assigned       \
				 * already (data in the same batch, an ACK \
				 * sent again): assigned, not counted as   \
				 * another handshake */  \
	X(BAD_COOKIE, bad_cookie) /* at the listener, no valid cookie (a    \
				   * forged or late segment): dropped */  \
	X(ASSIGN_FAILED, assign_failed) /* the kernel refused the request    \
					 * socket: dropped */

#define XS_PROT_STAT_ENUM_(up, low) XS_PROT_##up,
#define XS_PROT_STAT_FIELD_(up, low) __u64 low;
#define XS_PROT_STAT_NAME(up, low) [XS_PROT_##up] = #low,

enum xs_prot_stat {
	XS_PROT_STAT_LIST(XS_PROT_STAT_ENUM_) XS_PROT_MAX,
};

struct xs_prot_stats {
	XS_PROT_STAT_LIST(XS_PROT_STAT_FIELD_)
	__u64 rtt_samples;
};

/*
 * The addresses and prefixes answered for, either family, in the one entry
 * of the pinned array xs_laddr (`status` shows them): 16 bytes in network
 * order, IPv4 as ::ffff:a.b.c.d and its prefix length + 96 (user/core/
 * addr.h's struct xs_addr).  A destination d is ours if for some i < n
 * (d & mask[i]) == net[i], word by word; an address is a /128.  A bounded
 * array, not an LPM trie: at most 8 entries are a few masked compares in
 * one value, where a trie lookup is a helper call and a walk of nodes.
 */
struct xs_listen_addrs {
	__be32 net[XS_LISTEN_MAX_ADDRS][4]; /* host bits zero */
	__be32 mask[XS_LISTEN_MAX_ADDRS][4];
	__u8 plen[XS_LISTEN_MAX_ADDRS]; /* 0..128, IPv4 + 96 */
	__u32 n; /* 0: any address */
};

/* Set before load, in .rodata. */
struct xs_listen_cfg {
	__u16 mss; /* the SYN-ACK's MSS at most this (IPv6: this - 20) */
	__u16 banner_len; /* 0: data is answered by RST */
	__u32 protect; /* --protect: SYNs only; the kernel takes the rest */
	__u64 key0; /* SipHash key of the cookies */
	__u64 key1;
	__u64 ports[XS_LISTEN_PORT_WORDS]; /* bit p % 64 of word p / 64 */
	__u8 banner[XS_LISTEN_BANNER_MAX];
};

/*
 * What became of each frame; one counter each, one struct per CPU.
 * frames = the sum of all the others but synack_tx (which counts the
 * answered SYNs a second time).
 */
enum xs_lstat {
	XS_LSTAT_FRAMES, /* frames the program ran on */
	XS_LSTAT_SYN, /* SYNs to a listened port (each answered or counted
		       * under unsupported/malformed as well) */
	XS_LSTAT_SYNACK_TX, /* SYN-ACKs sent */
	XS_LSTAT_ACK_VALID, /* final ACKs with a valid cookie: handshakes */
	XS_LSTAT_BAD_COOKIE, /* ACK/data/FIN with no valid cookie: dropped */
	XS_LSTAT_RST, /* RSTs to a listened port: dropped, unanswered */
	XS_LSTAT_DATA, /* data segments answered (RST or banner) */
	XS_LSTAT_FIN, /* FINs answered (FIN-ACK, or ACK after ours) */
	XS_LSTAT_CLOSING, /* valid ACKs of our FIN or banner: dropped */
	XS_LSTAT_PASSED, /* not for us: to the kernel untouched */
	XS_LSTAT_MALFORMED, /* bad IPv4/IPv6/TCP header or checksum:
			     * dropped */
	XS_LSTAT_UNSUPPORTED, /* IP options or IPv6 extension headers,
			       * fragment, odd flags, SYN with data,
			       * oversized: dropped */
	XS_LSTAT_TX_FAILED, /* an answer that could not be built: dropped */
	XS_LSTAT_MAX,
};

/*
 * When the program first and last answered a SYN (sent its SYN-ACK), took
 * an RST and took a valid final ACK: bpf_ktime_get_ns() (CLOCK_MONOTONIC
 * ns), per CPU, 0 until the first on that CPU.  Userspace takes the
 * smallest first_* and the largest last_* over the CPUs, so that a client
 * can be timed where its segments arrive.  Under --protect the final ACKs
 * are TC's: first_ack_ns and last_ack_ns stay 0.
 */
struct xs_listen_times {
	__u64 first_syn_ns;
	__u64 last_syn_ns;
	__u64 first_rst_ns;
	__u64 last_rst_ns;
	__u64 first_ack_ns;
	__u64 last_ack_ns;
};

/* Counters summed over the CPUs: the enum's and rtt_samples. */
#define XS_LSTAT_NCOUNTERS (XS_LSTAT_MAX + 1)

/* frames..tx_failed in the order of enum xs_lstat, rtt_samples, then the
 * times (not counters: never summed). */
struct xs_listen_stats {
	__u64 frames;
	__u64 syn;
	__u64 synack_tx;
	__u64 ack_valid;
	__u64 bad_cookie;
	__u64 rst;
	__u64 data;
	__u64 fin;
	__u64 closing;
	__u64 passed;
	__u64 malformed;
	__u64 unsupported;
	__u64 tx_failed;
	__u64 rtt_samples; /* final ACKs that echoed our timestamp */
	struct xs_listen_times t;
};

/*
 * The per-source LRU hash: completed handshakes by client address, one
 * entry per address of either family (16 bytes, IPv4 as ::ffff:a.b.c.d).
 * Per address, not per prefix, for IPv6 too: a /64 is one host as often
 * as a whole network, and the address is what a test compares.
 */
struct xs_listen_src_key {
	__u8 addr[16];
};

struct xs_listen_src {
	__u64 handshakes;
	__u64 last_ns; /* bpf_ktime_get_ns() of the latest */
};

/* RTT SYN-ACK -> final ACK: struct xs_rtt_hist (xdpshake.h), log2 us. */

#endif /* XDPSHAKE_LISTEN_H */
