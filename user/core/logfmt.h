/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Printing parsed frames: the tutorial log format, and JSON.
 *
 * The tutorial log format is the log of the tutorial xdpshake grew out of
 * (a handshake over Python raw sockets, ../shared/seed/): its router's
 * sniffer printed each frame in three lines.  Not to be confused with
 * `scan --seed`, the seed of the target permutation.
 */
#ifndef XS_LOGFMT_H
#define XS_LOGFMT_H

#include <stdio.h>
#include <time.h>

#include "packet.h"

/*
 * The monitor's view of an Ethernet/IPv6 frame.  The frame is parsed by
 * the engine's parser (packet.c, xs_parse_reply_frame(): a TCP segment, or
 * an ICMPv6 error quoting one), so the monitor and the engine cannot read
 * a frame differently: struct xs_pkt holds every header field of either
 * family.  The view adds the monitor's bound and what a capture cut short
 * of its payload length needs (xs_mon_parse6()).
 */
#define XS_ETH_P_IPV6 0x86dd
/*
 * The bound of the monitor's BPF programs (XS_MON_IP6_EXT_NUM/_MAX in
 * xdpshake.h, which test_monitor checks): at most this many hop-by-hop,
 * routing or destination options headers (the parser's own bound), in at
 * most this many bytes.
 */
#define XS_F6_EXT_NUM XS_IP6_EXT_MAX
#define XS_F6_EXT_BYTES 64

struct xs_ip6 {
	/* The payload length field as the frame has it: a cut capture is
	 * parsed with a lower one (p->tot_len, p->payload_len6 then get
	 * this back). */
	uint16_t payload_len;
	size_t ext_len; /* bytes of extension headers */
};

/*
 * Parse an Ethernet + IPv6 frame of len bytes with xs_parse_reply_frame()
 * and fill ip6.  The errors are IPv4's codes for the same fault, as the
 * monitor reports both families (xs_mon_parse*() try a cut capture again
 * on BAD_TOTLEN): NOT_TCP (also: ethertype not IPv6, extension headers
 * past the bound), BAD_VERSION, SHORT_IP, BAD_TOTLEN (payload length past
 * the frame), FRAGMENT, SHORT_ICMP, ICMP_QUOTE; the IPv6-only faults
 * (BAD_EXT, JUMBO, RH0, ROUTED, V4MAPPED) with their own codes.  Never
 * reads outside buf[0..len).
 */
enum xs_parse_err xs_parse_frame6(const uint8_t *buf, size_t len,
				  struct xs_pkt *p, struct xs_ip6 *ip6);

/* "valid", "partial" (a CHECKSUM_PARTIAL pseudo-header sum from a
 * same-host veth peer) or "bad", either family; NULL without a whole
 * segment (p->tcp). */
const char *xs_tcp_csum_state(const struct xs_pkt *p);

/* The same, by the name the IPv6 view's callers know it. */
static inline const char *xs_tcp_csum_state6(const struct xs_pkt *p,
					     const struct xs_ip6 *ip6)
{
	(void)ip6;
	return xs_tcp_csum_state(p);
}

/*
 * The tutorial log format's three lines for one frame:
 *   "%Y-%m-%d %I:%M:%S %p INFO Source Mac: ... Destination IP: a.b.c.d\n"
 *   "{'SRC_PORT': 20, ..., 'data': b''}\n"
 *   "------------------------\n"
 * ts is wall-clock time, printed in local time.
 */
void xs_log_tutorial(FILE *f, const struct xs_pkt *p,
		     const struct timespec *ts);

/*
 * One JSON object on one line with every header field, e.g.
 * {"event":"packet","dir":"sent","time":"2026-...","ts_ns":...,
 *  "src_mac":"..","dst_mac":"..","ip":{...},"tcp":{...,"flags":"SYN",
 *  "flags_bits":2,"options":{...}},"payload_len":0,"data":""}
 * dir is "sent" or "received" (or NULL to omit).
 */
void xs_log_json(FILE *f, const struct xs_pkt *p, const char *dir,
		 const struct timespec *ts);

/* The same with "path" after "dir" (NULL to omit): where the monitor saw
 * the frame ("tc", "xdp_redirect", "afxdp_tx"). */
void xs_log_json_path(FILE *f, const struct xs_pkt *p, const char *dir,
		      const char *path, const struct timespec *ts);

/*
 * The same for an IPv6 frame (xs_parse_frame6()): the first line laid out
 * as IPv4's with IPv6's field names,
 *   "... Protocol: IPv6 Version: 6 Traffic Class: 0 Flow Label: 0
 *    Payload Length: 40 Hop Limit: 64 Next Header: TCP
 *    Source IP: fd00::1 Destination IP: fd00::2\n"
 * (Next Header: the chain when extension headers come first,
 * "HOPOPT,TCP"), the TCP line unchanged, an ICMPv6 error's dict with the
 * quote's IPv6 names.
 */
void xs_log_tutorial6(FILE *f, const struct xs_pkt *p, const struct xs_ip6 *ip6,
		      const struct timespec *ts);

/* xs_log_json_path() for an IPv6 frame: "family":"ipv6" (IPv4's objects
 * say "ipv4") and an "ip" object with IPv6's field names. */
void xs_log_json6(FILE *f, const struct xs_pkt *p, const struct xs_ip6 *ip6,
		  const char *dir, const char *path, const struct timespec *ts);

#endif /* XS_LOGFMT_H */
