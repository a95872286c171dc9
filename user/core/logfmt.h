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

#include "frame6.h"
#include "packet.h"

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
