/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One TCP three-way handshake over AF_XDP sockets, with its own state:
 * SYN (retransmitted with exponential backoff), the SYN-ACK checked against
 * our ISN, the final ACK, then the chosen close.
 */
#ifndef XS_HANDSHAKE_H
#define XS_HANDSHAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "addr.h"
#include "isn.h"
#include "xsk.h"

enum xs_close_mode {
	XS_CLOSE_NONE, /* leave the connection established (the tutorial) */
	XS_CLOSE_RST,
	XS_CLOSE_FIN,
};

/* How a handshake ended, with the name xs_outcome_str() gives it. */
#define XS_OUTCOME_LIST(X)                                            \
	X(ESTABLISHED, "established")                                 \
	X(REFUSED, "refused") /* RST acknowledging our SYN */         \
	X(TIMEOUT, "timeout") /* no valid answer after the retries */ \
	X(INTERRUPTED, "interrupted") /* SIGINT/SIGTERM */            \
	X(ERROR, "error") /* sending failed */                        \
	X(UNREACHABLE, "unreachable") /* valid ICMP error quoting our SYN */

#define XS_OUTCOME_ENUM_(up, str) XS_OUT_##up,

enum xs_outcome {
	XS_OUTCOME_LIST(XS_OUTCOME_ENUM_) XS_OUT_MAX,
};

/* How --close fin went, with the name xs_fin_str() gives it. */
#define XS_FIN_LIST(X)                                                        \
	X(NOT_TRIED, "none")                                                  \
	X(CLOSED, "closed") /* our FIN acked and the server's FIN acked */    \
	X(HALF, "half-closed") /* our FIN acked, server kept its side open */ \
	X(NO_ANSWER, "no-answer")

#define XS_FIN_ENUM_(up, str) XS_FIN_##up,

enum xs_fin_state {
	XS_FIN_LIST(XS_FIN_ENUM_) XS_FIN_MAX,
};

struct xs_hs_result;

struct xs_hs_params {
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	struct xs_addr saddr, daddr; /* ours, the server's: one family */
	uint16_t sport, dport;
	bool has_seq;
	uint32_t seq; /* ISN if has_seq, else a keyed hash of the 4-tuple */
	const struct xs_isn_key *key;
	uint16_t window;
	uint8_t ttl;
	bool has_ip_id;
	uint16_t ip_id; /* else random per run, incremented per frame */
	bool no_options;
	uint16_t mss; /* advertised MSS when options are on */
	int timeout_ms; /* first SYN timeout, doubled per retry */
	int retries; /* SYN retransmissions after the first */
	enum xs_close_mode close;
	int sigfd; /* signalfd to watch, or -1 */
	/*
	 * Called just before each SYN leaves (done false; r->isn and
	 * r->syns_sent are set), and with done true when the outcome is
	 * known (once established, again at the end), so the caller can
	 * keep the kernel's connection table in step.
	 */
	void (*track)(void *ctx, const struct xs_hs_result *r, bool done);
	void *track_ctx;
};

#define XS_HS_LOG_MAX 16
#define XS_HS_FRAME_MAX 256

struct xs_hs_logent {
	struct timespec ts; /* CLOCK_REALTIME */
	bool sent;
	uint16_t len;
	uint8_t frame[XS_HS_FRAME_MAX]; /* headers and the first payload bytes */
};

struct xs_hs_result {
	enum xs_outcome outcome;
	enum xs_fin_state fin;
	int err; /* -errno for XS_OUT_ERROR */
	uint32_t isn;
	uint32_t server_isn;
	unsigned int syns_sent;
	uint64_t rtt_ns; /* last SYN sent -> SYN-ACK received */
	uint64_t handshake_ns; /* first SYN sent -> final ACK sent */
	unsigned int ignored; /* frames not part of this handshake */
	unsigned int bad_ack; /* SYN-ACK/RST with the wrong ack number */
	unsigned int bad_csum;
	unsigned int bad_quote; /* ICMP errors quoting a seq we never sent */
	/* XS_OUT_UNREACHABLE: the error and who sent it */
	uint8_t icmp_type, icmp_code;
	struct xs_addr icmp_from;
	unsigned int n_log;
	struct xs_hs_logent log[XS_HS_LOG_MAX];
};

/*
 * Run the handshake.  socks[0] sends; replies are read from every socket
 * (one per RX queue).  Fills r; returns 0 (the outcome is in r) or -errno
 * for bad parameters.
 */
int xs_handshake(struct xs_xsk **socks, unsigned int nsocks,
		 const struct xs_hs_params *p, struct xs_hs_result *r);

const char *xs_outcome_str(enum xs_outcome o);
const char *xs_fin_str(enum xs_fin_state f);

#endif /* XS_HANDSHAKE_H */
