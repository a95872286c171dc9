/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a received frame means for one handshake of ours: the single decision
 * function used by `connect`, `connect --count` and `scan`, and by the
 * hostile-frame tests.  Pure: no I/O, no clocks, no state.
 */
#ifndef XS_VALIDATE_H
#define XS_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

/* Where our side of the handshake is. */
enum xs_hs_phase {
	XS_PH_SYN_SENT, /* SYN sent, no valid answer yet */
	XS_PH_ESTABLISHED, /* SYN-ACK accepted, our ACK sent */
};

/* The handshake a frame is checked against. */
struct xs_reply_ctx {
	struct xs_addr saddr, daddr; /* ours, the server's: one family */
	uint16_t sport, dport; /* ours, the server's */
	uint32_t isn; /* our ISN */
	enum xs_hs_phase phase;
	uint32_t server_isn; /* valid in XS_PH_ESTABLISHED */
	/* XS_PH_ESTABLISHED: bytes of data we sent after the SYN, which an
	 * ICMP error (a frag-needed, say) may quote. */
	uint32_t data_len;
};

/*
 * The classes, each with the name xs_reply_str() gives it; the enum and
 * the names come from this one list.
 *
 * Frames that are not a valid part of this handshake, MALFORMED to
 * BAD_QUOTE (IGNORED: other segments, data, ACK, FIN before we are
 * established; BAD_QUOTE: an ICMP error naming our address and port whose
 * quote is cut under 8 bytes of TCP, a fragment, an ICMP error, an ICMPv6
 * code no SYN draws, or carries a sequence number we never sent): counted
 * and dropped, never answered.  The rest move the handshake.  DUP_SYNACK: the
 * same SYN-ACK again once established, our ACK was lost: ACK again (count
 * the result once).  CHALLENGE: a SYN-ACK with another server ISN once
 * established: no state change, a challenge ACK (RFC 5961), rate limited by
 * the caller.
 */
#define XS_REPLY_LIST(X)                                                       \
	X(MALFORMED, "malformed") /* xs_parse_frame() refused it */            \
	X(NOT_OURS, "not-ours") /* other 4-tuple, or not TCP/IP */             \
	X(BAD_IP_CSUM, "bad-ip-csum") /* IPv4 header checksum wrong */         \
	X(BAD_CSUM, "bad-csum") /* TCP checksum wrong, not CHECKSUM_PARTIAL */ \
	X(BAD_FLAGS, "bad-flags") /* SYN+RST, SYN+FIN, SYN without ACK... */   \
	X(BAD_ACK, "bad-ack") /* SYN-ACK or RST+ACK not acking isn + 1 */      \
	X(RST_NO_ACK, "rst-no-ack") /* RST without ACK in SYN-SENT (9293) */   \
	X(IGNORED, "ignored") /* other segments, see above */                  \
	X(BAD_QUOTE, "bad-quote") /* ICMP error, quote cut/forged/stale */     \
	X(SYNACK, "synack") /* valid SYN-ACK in SYN-SENT: send the ACK */      \
	X(REFUSED, "refused") /* RST+ACK acking isn + 1 in SYN-SENT */         \
	X(DUP_SYNACK, "dup-synack") /* our ACK was lost: ACK again */          \
	X(CHALLENGE, "challenge") /* another server ISN: challenge ACK */      \
	X(PEER_RST, "peer-rst") /* RST in window once established */           \
	X(SEGMENT, "segment") /* data/FIN/ACK once established */              \
	X(ICMP, "icmp") /* ICMP error quoting this handshake's SYN or data */

#define XS_REPLY_ENUM_(up, str) XS_REPLY_##up,

enum xs_reply {
	XS_REPLY_LIST(XS_REPLY_ENUM_) XS_REPLY_MAX,
};

/*
 * Classify frame[0..len) for the handshake in c: a TCP segment or an ICMP
 * error (xs_parse_reply_frame).  p receives the parsed frame when parsing
 * succeeded (it may be NULL).
 */
enum xs_reply xs_classify_reply(const uint8_t *frame, size_t len,
				const struct xs_reply_ctx *c, struct xs_pkt *p);

/* The same for a frame xs_parse_frame() has parsed into p. */
enum xs_reply xs_classify_pkt(const struct xs_pkt *p,
			      const struct xs_reply_ctx *c);

/*
 * xs_classify_pkt() in its two halves.  xs_reply_screen(): the checks that
 * do not depend on c->phase (IPv4 checksum, 4-tuple, TCP checksum, flags no
 * state accepts): a class, or XS_REPLY_MAX when the frame passed them all.
 * xs_reply_phase(): the state machine, for a frame that passed.
 */
enum xs_reply xs_reply_screen(const struct xs_pkt *p,
			      const struct xs_reply_ctx *c);
enum xs_reply xs_reply_phase(const struct xs_pkt *p,
			     const struct xs_reply_ctx *c);

/* The class of an xs_parse_frame() error (XS_REPLY_MAX for XS_PARSE_OK). */
enum xs_reply xs_parse_class(enum xs_parse_err err);

/*
 * The scan path (`scan`, `connect --count`): no per-probe state but its
 * connection table, so a parsed reply names its own handshake: its 4-tuple
 * reversed, our_addr as ours, isn our keyed ISN for that 4-tuple, phase
 * SYN-SENT.  Fills *c and screens p against it (xs_reply_screen); the
 * caller then sets the phase from its table entry (an established banner
 * connection: XS_PH_ESTABLISHED and the server's ISN) and calls
 * xs_reply_phase(p, c).  A reply no keyed ISN vouches for ends as
 * XS_REPLY_BAD_ACK there (XS_REPLY_BAD_QUOTE for an ICMP error, whose
 * handshake is the one its quote names: xs_reply_tuple).
 */
enum xs_reply xs_scan_screen(const struct xs_pkt *p,
			     const struct xs_addr *our_addr, uint32_t isn,
			     struct xs_reply_ctx *c);

/*
 * Our side of the handshake a parsed frame names: the server's address and
 * the ports, a segment's source and destination reversed; an ICMP error's
 * quote.
 */
void xs_reply_tuple(const struct xs_pkt *p, struct xs_addr *daddr,
		    uint16_t *sport, uint16_t *dport);

/* Name of a reply class, e.g. "bad-ack". */
const char *xs_reply_str(enum xs_reply r);

/* True if the IPv4 header checksum of a parsed frame verifies; always for
 * IPv6, which has none (RFC 8200 leaves it to the upper layer). */
bool xs_ip_csum_ok(const struct xs_pkt *p);

#endif /* XS_VALIDATE_H */
