/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The handshake engine behind `scan` and `connect --count`: SYNs from a
 * producer callback at a bounded rate, sent and answered on every RX
 * queue's AF_XDP socket (one thread per queue), validated statelessly
 * against the keyed ISN, answered with ACK/RST, reported through a result
 * callback.
 *
 * Memory is fixed at start: a connection table sized from rate x timeout
 * (or the concurrency limit) holds the probes in flight and recent answers
 * for de-duplication; it does not grow with the number of targets.
 */
#ifndef XS_ENGINE_H
#define XS_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"
#include "handshake.h"
#include "isn.h"
#include "packet.h"
#include "xdpshake.h"
#include "xsk.h"

struct xs_probe {
	struct xs_addr daddr; /* either family: the source is the run's of it */
	uint16_t dport;
	uint16_t sport;
	uint8_t dst_mac[6];
	/* 0, or not to be sent before this (CLOCK_MONOTONIC ns): a 4-tuple
	 * the server may still hold; the engine holds the probe back. */
	uint64_t not_before_ns;
	uint32_t ts_val; /* set by the engine: its first SYN's TSval */
};

enum xs_scan_mode {
	XS_SCAN_SYN_ONLY, /* answer each SYN-ACK with RST */
	XS_SCAN_HANDSHAKE, /* SYN, SYN-ACK, ACK, then the close */
	XS_SCAN_BANNER, /* handshake, optional payload, the server's first
			 * bytes, then RST (needs XS_CFG_ALL_SEGMENTS) */
};

#define XS_BANNER_MAX 1024

struct xs_result {
	struct xs_addr daddr;
	uint16_t dport, sport;
	bool open; /* SYN-ACK; else closed (RST) or timeout */
	bool timeout; /* no answer after the retries (connect --count) */
	/* SYN-ACK: from the send of the SYN whose TSval its TSecr echoes,
	 * or (no such echo) of our last SYN, to its judgement here */
	bool has_rtt;
	uint32_t rtt_us;
	uint8_t ttl;
	uint16_t window;
	struct xs_tcp_opts opts; /* the server's options */
	struct timespec ts; /* CLOCK_REALTIME */
	/* An ICMP error quoting our SYN answered (icmp.h): state filtered or
	 * unreachable by type and code, from the router or host that sent
	 * it; ttl is the error's own. */
	bool icmp;
	uint8_t icmp_ver; /* the error's IP version: 4 (ICMP) or 6 (ICMPv6) */
	uint8_t icmp_type, icmp_code;
	struct xs_addr icmp_from;
	bool has_banner; /* banner mode: the server sent data (or not) */
	uint16_t banner_len;
	const uint8_t *banner;
};

struct xs_queue_stats {
	uint64_t sent; /* first SYNs sent on this queue's socket */
	uint64_t replies; /* valid first replies that arrived on it */
};

struct xs_engine_stats {
	uint64_t sent; /* first SYNs */
	uint64_t retransmits;
	uint64_t replies; /* valid SYN-ACK/RST, first of each */
	/* Each probe (first SYN) has exactly one outcome: open + closed +
	 * filtered + unreachable (ICMP errors, by xs_icmp_state()) +
	 * timeouts (silent: no answer after every retry and the wait) ==
	 * sent, once the run is over (connect --count: but those still
	 * unfinished). */
	uint64_t open, closed, filtered, unreachable, timeouts;
	uint64_t dups; /* valid replies seen again */
	uint64_t invalid; /* frames that failed validation */
	/*
	 * Every segment sent, by kind: sent + retransmits SYNs, acks_sent
	 * final ACKs (and again for a repeated SYN-ACK), rsts_sent every RST
	 * (--syn-only, --close rst, late SYN-ACKs, banner done or timed
	 * out), fins_sent FIN+ACKs (--close fin), data_sent --payload
	 * segments.
	 */
	uint64_t acks_sent, rsts_sent, fins_sent, data_sent;
	/* Of those, the fast path's: sent by XDP_TX, from its records */
	uint64_t fast_acks, fast_rsts;
	uint64_t fast_records; /* records read from the fast path's ring */
	uint64_t banners; /* banner mode: servers that sent data */
	uint64_t pmtu_resends; /* banner mode: payload resegmented after a
				* frag-needed lowered the send MSS */
	uint64_t table_full_waits; /* back-pressure events */
	uint64_t port_waits; /* probes held back: their 4-tuple was busy */
	uint64_t late; /* replies for no probe in flight (reset, not reported) */
	uint64_t challenges; /* challenge ACKs to our SYN: RST, SYN again */
	uint64_t inflight; /* now */
	uint64_t start_ns, now_ns, end_send_ns;
	uint64_t cpu_ns; /* process CPU time so far */
	bool interrupted;
	bool send_stopped; /* send_until_ns ended sending before the producer */
	unsigned int nqueues; /* sockets, one per RX queue, in order */
	struct xs_queue_stats queue[XS_MAX_QUEUES];
};

struct xs_engine_cfg {
	struct xs_xsk **socks; /* one per RX queue, in queue order */
	unsigned int nsocks;
	uint8_t src_mac[6];
	uint32_t saddr; /* IPv4 source, network order (0: no IPv4 probes) */
	struct xs_addr saddr6; /* IPv6 source (::: no IPv6 probes) */
	enum xs_scan_mode mode;
	enum xs_close_mode close;
	const struct xs_isn_key *key;
	uint16_t mss, window; /* mss: the MSS our IPv4 SYNs announce */
	uint16_t mss6; /* IPv6 SYNs' (MTU - 60); 0: mss */
	uint8_t ttl;
	uint64_t rate_pps; /* 0: as fast as the socket takes them */
	unsigned int retries;
	unsigned int timeout_ms; /* per try, doubled per retry */
	unsigned int wait_ms; /* for late replies after the last send */
	unsigned int max_inflight; /* 0: from rate x timeout */
	int sigfd; /* signalfd (SIGINT/SIGTERM) or -1 */
	/* 0, or no first SYN after this (CLOCK_MONOTONIC ns) */
	uint64_t send_until_ns;
	/* After the last first SYN, wait until every probe in flight has its
	 * outcome (answer or timeout after the retries) instead of wait_ms;
	 * an interrupted run still waits wait_ms only. */
	bool drain;
	/* Set to 1 at the first signal, before the main loop sees it: a
	 * producer that waits (for an ARP sweep, say) gives up on it. */
	int *stop_flag;
	/* Next probe; false when there are no more.  Called from any of the
	 * engine's threads, one at a time (under the engine's lock).  A probe
	 * whose 4-tuple is still in flight (or before its not_before_ns) is
	 * held back and sent when it is free: never skipped, never twice at
	 * once. */
	bool (*next)(void *ctx, struct xs_probe *p);
	void *next_ctx;
	/* Each result once, serialised by the engine (any thread). */
	void (*on_result)(void *ctx, const struct xs_result *r);
	void *result_ctx;
	/* About once a second and at the end (main thread). */
	void (*on_progress)(void *ctx, const struct xs_engine_stats *s,
			    bool final);
	void *progress_ctx;
	bool report_timeouts; /* results for probes that never got answered */
	/*
	 * Called once, at the first SIGINT/SIGTERM, before waiting for the
	 * replies in flight: save what a resume needs and make the next
	 * signal end the process (a second signal forces exit).
	 */
	void (*on_interrupt)(void *ctx);
	void *interrupt_ctx;
	/* A run that failed (its interface gone, its filter detached): each
	 * probe it sent that is left without an outcome, once, at the end
	 * (main thread, the other threads joined), for a resume to send
	 * again.  May be NULL. */
	void (*on_unfinished)(void *ctx, const struct xs_addr *daddr,
			      uint16_t dport);
	void *unfinished_ctx;
	/* XS_SCAN_BANNER */
	const uint8_t *payload; /* sent after the ACK, may be NULL */
	uint16_t payload_len;
	unsigned int banner_ms; /* how long to wait for the server's data */
	uint16_t banner_max; /* bytes kept, <= XS_BANNER_MAX */
	/*
	 * The fast path (XS_CFG_FAST_RST/ACK set in the filter's config): the
	 * filter's ring buffer of struct xs_fast_rec, each a SYN-ACK it
	 * answered; -1 without.  A record is judged as the SYN-ACK itself
	 * would be, and the segment XDP sent is not sent again.  fast_off
	 * turns the fast path off in the filter (the engine calls it at the
	 * end, before it reads the last records).
	 */
	bool fast_path;
	int fast_rb_fd;
	void (*fast_off)(void *ctx);
	void *fast_off_ctx;
};

/* Run until the producer is exhausted and the wait is over, or a signal.
 * Returns 0 (stats in *out) or -errno. */
int xs_engine_run(const struct xs_engine_cfg *c, struct xs_engine_stats *out);

#endif /* XS_ENGINE_H */
