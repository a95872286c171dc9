/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Everything a run that sends handshakes needs before the first SYN, and
 * takes down after the last: the namespace and interface, the source address
 * and port range, the programs (a persistent `load`, or attached for the run
 * only), one AF_XDP socket per RX queue in the XSKMAP, the signalfd.
 * Shared by `connect` and `scan`.
 */
#ifndef XS_SESSION_H
#define XS_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "addr.h"
#include "loader.h"
#include "montap.h"
#include "target.h"
#include "xsk.h"

/* Default source port range: above Linux's default ephemeral range
 * (32768-60999), so local connect() calls never pick our ports. */
#define XS_DEFAULT_PORT_LO 61000
#define XS_DEFAULT_PORT_HI 61999
#define XS_STR_(x) #x
#define XS_STR(x) XS_STR_(x)
#define XS_DEFAULT_PORTS           \
	XS_STR(XS_DEFAULT_PORT_LO) \
	"-" XS_STR(XS_DEFAULT_PORT_HI)

/* SYN retransmissions: the same bound for connect and scan. */
#define XS_MAX_RETRIES 10

struct xs_session_opts {
	const char *ifname;
	const char *netns;
	uint32_t src; /* 0: the load's, the route's, or the interface's */
	struct xs_addr src6; /* the same for IPv6; :: for the default */
	/* The families this run sends to: it needs a source of each.  Both
	 * false: IPv4 only. */
	bool need_v4, need_v6;
	/* The IPv6 destination is link-local (fe80::/10): without src6 the
	 * source is the interface's link-local address, of the same scope
	 * (RFC 6724 rule 2), as the kernel would choose. */
	bool link_local6;
	/* Ports this run wants; with a persistent load they must lie in its
	 * range.  Attached for the run, the guard covers exactly these. */
	uint16_t port_lo, port_hi;
	bool ports_given; /* else: the load's range, or XS_DEFAULT_PORTS */
	/* Without ports_given: pick one port at random from that range (and
	 * attach for just that one when there is no load). */
	bool pick_one_port;
	enum xs_xdp_mode mode;
	enum xs_tc_method tc; /* how to attach the guard for the run */
	uint32_t cfg_flags; /* XS_CFG_* to set for this run */
	uint64_t isn_k0, isn_k1; /* with XS_CFG_ISN_CHECK */
	/* With XS_CFG_FAST_*: the window and TTL of the segments XDP sends */
	uint16_t window;
	uint8_t ttl;
	unsigned int nframes; /* UMEM frames per socket; 0: 4096 */
	unsigned int max_queues; /* 0: every active RX queue */
	const char *cmd; /* "connect", "scan": in the run lock */
};

struct xs_session {
	struct xs_target t;
	struct xs_loaded l;
	struct xs_xsk *socks[XS_MAX_QUEUES];
	unsigned int nsocks;
	uint32_t src; /* IPv4 source, network order; 0 if none */
	struct xs_addr src6; /* IPv6 source; :: if none */
	uint16_t port_lo, port_hi; /* usable source ports */
	int sigfd;
	int lockfd;
	int runlock; /* runlock.h */
	bool cfg_changed;
	struct xs_config saved_cfg;
	struct xs_montap *tap; /* shows a monitor our frames; may be NULL */
};

/*
 * Enter the namespace, find the interface, attach or reuse the programs,
 * open the sockets.  Prints what went wrong; returns 0 or an exit code
 * (enum xs_exit).  xs_session_close() is safe after any return.
 */
int xs_session_open(const struct xs_session_opts *o, struct xs_session *s);
void xs_session_close(struct xs_session *s);

/* Our source address towards dst: the session's of dst's family (zero if
 * it has none). */
struct xs_addr xs_session_src(const struct xs_session *s,
			      const struct xs_addr *dst);

/*
 * The MSS to announce in our SYNs to a destination of dst's family: the
 * interface's MTU less the IP and TCP headers (40 for IPv4, 60 for IPv6),
 * but no more than a socket's frame can receive (a jumbo MTU's segments
 * would be dropped before the RX ring), and at least 536 (IPv6: 1220,
 * RFC 8200's 1280 less the headers).  dst NULL: IPv4.
 */
uint16_t xs_session_mss(const struct xs_session *s, const struct xs_addr *dst);

/* --mss N: N, but at most what a socket's frame can receive (more is cut
 * to that, with a warning); 0: xs_session_mss(). */
uint16_t xs_session_mss_for(const struct xs_session *s, uint16_t want,
			    const struct xs_addr *dst);

/* Next-hop MAC towards daddr (route, neighbour table, ARP).  Prints what
 * went wrong; returns 0 or an exit code.  *prefsrc may be NULL. */
int xs_session_nexthop(struct xs_session *s, const struct xs_addr *daddr,
		       uint8_t mac[6], struct xs_addr *prefsrc, int timeout_ms,
		       bool quiet);

/*
 * A run with the fast path (XS_CFG_FAST_* in o->cfg_flags): the filter's
 * ring buffer of records and the call that turns the fast path off at the
 * engine's end, into ec.
 */
struct xs_engine_cfg;
void xs_session_fast(struct xs_session *s, struct xs_engine_cfg *ec);

/* The sockets' XDP_STATISTICS so far, summed over the queues. */
void xs_session_sockstats(const struct xs_session *s, struct xs_sockstat *out);

/* Add the sockets' XDP_STATISTICS to the pinned totals. */
void xs_session_add_sockstats(struct xs_session *s);

#endif /* XS_SESSION_H */
