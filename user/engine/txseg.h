/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One TCP segment from us to a server, built and put on an AF_XDP socket's
 * TX ring: the frame set-up and the TX retry policy shared by the single
 * handshake (handshake.c) and the engine (engine.c).
 */
#ifndef XS_TXSEG_H
#define XS_TXSEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "xsk.h"

/* The options our SYNs carry. */
enum xs_syn_opts {
	XS_SYN_OPTS_NONE, /* none at all (connect --no-options) */
	XS_SYN_OPTS_LINUX, /* MSS, SACK permitted, window scale 7 */
	/* And a timestamp whose TSval is our send time in us, so that the
	 * server's TSecr gives the round trip without state (the engine). */
	XS_SYN_OPTS_LINUX_TS,
};

/* What every segment of a run shares. */
struct xs_seg_path {
	struct xs_xsk *sock;
	uint8_t src_mac[6];
	/* Ours, by the server's family: saddr for IPv4 (::ffff:a.b.c.d),
	 * saddr6 for IPv6; a run of one family may leave the other unset. */
	struct xs_addr saddr, saddr6;
	uint16_t window, mss;
	uint16_t mss6; /* IPv6 SYNs' MSS; 0: mss */
	uint8_t ttl;
	enum xs_syn_opts syn_opts;
	/*
	 * The TX ring is full: kick the kernel and take completions back,
	 * then try again.  kick: every frame is kicked at once (else queued
	 * for the caller's xs_xsk_flush(), for batches).  patient: up to
	 * 10 ms, sleeping 10 us between tries, for one handshake where a lost
	 * frame costs a timeout; else 100 tries without sleeping, so that an
	 * engine thread never stops reading its RX ring for long.
	 */
	bool kick, patient;
};

/* One segment to the server. */
struct xs_seg {
	const uint8_t *dst_mac;
	struct xs_addr daddr; /* the server's, of either family */
	uint16_t dport, sport;
	uint8_t flags; /* XS_TCP_* */
	uint32_t seq, ack;
	uint16_t ip_id;
	const uint8_t *data;
	uint16_t data_len;
	/*
	 * A timestamp option (RFC 7323): on a SYN with XS_SYN_OPTS_LINUX_TS,
	 * ts_val is its TSval (else the send time in us); on any other
	 * segment but an RST, once the server's SYN-ACK carried timestamps,
	 * TSval ts_val and TSecr ts_ecr (section 3.2: in every segment).
	 */
	bool ts;
	uint32_t ts_val, ts_ecr;
};

#define XS_SEG_FRAME_MAX \
	(XS_ETH_HLEN + XS_IP6_HLEN + XS_TCP_HLEN + XS_TCP_MAX_OPTLEN + 1024)

/*
 * Build s into buf (cap bytes, XS_SEG_FRAME_MAX covers every segment with
 * up to 1024 bytes of data) and send it by p's policy.  *len (may be NULL)
 * gets the frame's length.  0, -EINVAL if it does not fit, or the socket's
 * error (-EAGAIN once the retries are spent).
 */
int xs_seg_send(const struct xs_seg_path *p, const struct xs_seg *s,
		uint8_t *buf, size_t cap, size_t *len);

#endif /* XS_TXSEG_H */
