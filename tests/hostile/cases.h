/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Hostile and malformed frames, with what each layer must make of them:
 * the one table behind tests/bpf/test_hostile_bpf.c (the compiled XDP
 * filter, through BPF_PROG_TEST_RUN), tests/bpf/test_fastpath.c (its fast
 * path) and tests/unit/test_hostile.c (xs_parse_frame +
 * xs_classify_reply), and, for the IPv6 rows that leave
 * a handshake in flight, tests/integration/t_hostile_live.sh (the frames
 * as `test_hostile --live6` prints them, forged on a veth at a running
 * filter and a waiting `connect`).  All build every frame with hc_build(),
 * so every layer sees the same bytes.
 *
 * A case is a frame from "the server" to "us", described as a bend of a
 * normal SYN-ACK for one of the handshakes in hc_ctxs[]: struct xs_tframe
 * (tests/bpf/frames.h) for the IPv4 handshakes, struct xs_t6
 * (tests/bpf/frames6.h) for the IPv6 ones (the family of the context's
 * addresses says which), and the expected results:
 *
 *   xdp, stat    the XDP verdict and the one counter besides rx_frames that
 *                must move, with the handshake recorded in xs_conns the way
 *                `connect` records it (state SYN_SENT or ESTABLISHED, our
 *                ISN), or without the entry (no_conn), or with the stateless
 *                ISN check of scans (xdp_flags = XS_CFG_ISN_CHECK);
 *   perr         what xs_parse_frame() says;
 *   reply        what xs_classify_reply() says for the context;
 *   opts         the options the parser must report (NULL: none at all);
 *   why          when the two layers legitimately disagree (XDP hands to
 *                userspace a frame userspace then drops, or drops one that
 *                userspace would have answered), the reason.  The unit test
 *                fails any disagreement without one.
 *
 * XDP does not read TCP options or verify IPv4's TCP checksums (userspace
 * does; over IPv6, where the checksum is mandatory, both do), nor ICMP
 * checksums, and checks ack numbers only for tracked handshakes or with
 * the ISN check: those are the usual reasons.
 *
 * The XDP side runs with both families configured, as one `load` has them:
 * an IPv4 context's address and the IPv6 contexts' (HC6_SENT's), or an
 * IPv6 context's and HC_OUR_IP.
 */
#ifndef XS_HOSTILE_CASES_H
#define XS_HOSTILE_CASES_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "xdpshake.h"
#include "validate.h"
#include "bpf/frames.h"
#include "bpf/frames6.h"

/* Room for a frame of either family. */
#define HC_FRAME_MAX XS_T6_MAX

/* An IPv4 address in network order, as a constant expression. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HC_IP4(a, b, c, d)                                          \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | \
	 (uint32_t)(d) << 24)
#else
#define HC_IP4(a, b, c, d)                                                \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | \
	 (uint32_t)(d))
#endif

/* The same as a struct xs_addr initializer (validate.h's contexts). */
#define HC_ADDR4(o1, o2, o3, o4)     \
	{                            \
		.b = { [10] = 0xff,  \
		       [11] = 0xff,  \
		       [12] = (o1),  \
		       [13] = (o2),  \
		       [14] = (o3),  \
		       [15] = (o4) } \
	}

#define HC_OUR_IP HC_IP4(10, 11, 1, 2)
#define HC_PEER_IP HC_IP4(10, 11, 1, 1)
#define HC_OTHER_IP HC_IP4(10, 11, 1, 99)
#define HC_SPORT 40000 /* ours */
#define HC_DPORT 80 /* the server's */
#define HC_PORT_LO 40000
#define HC_PORT_HI 40999
#define HC_ISN 0x2a3b4c5du
#define HC_SISN 0x6000aaaau /* the server's ISN */

/* The seed's experiment (../shared/seed): 172.17.0.2:20 -> 172.17.0.5:80,
 * our ISN 0, the server's 692864110, CHECKSUM_PARTIAL 22600. */
#define HC_SEED_CLI HC_IP4(172, 17, 0, 2)
#define HC_SEED_SRV HC_IP4(172, 17, 0, 5)
#define HC_SEED_SISN 692864110u
#define HC_SEED_CSUM 22600

/*
 * IPv6: us fd00:11:1::2, the server fd00:11:1::1, a router (or any other
 * host) fd00:11:1::99; our ports in the range t_hostile_live.sh loads.
 */
#define HC6_NET 0xfd, 0x00, 0x00, 0x11, 0x00, 0x01
#define HC_ADDR6(last)                          \
	{                                       \
		.b = { HC6_NET, [15] = (last) } \
	}
static const uint8_t hc6_other[16] = { HC6_NET, [15] = 0x99 };
/* ::ffff:10.11.1.1, never on the wire (RFC 4291 2.5.5.2) */
static const uint8_t hc6_mapped[16] = {
	[10] = 0xff, [11] = 0xff, [12] = 10, [13] = 11, [14] = 1, [15] = 1
};
#define HC6_SPORT 62040
#define HC6_PORT_LO 62000
#define HC6_PORT_HI 62099

/* The handshakes a frame is checked against. */
enum hc_ctx {
	HC_SENT, /* SYN sent, ISN HC_ISN */
	HC_WRAP, /* SYN sent, ISN 0xffffffff: only ack 0 is ours */
	HC_EST, /* established, server ISN HC_SISN */
	HC_SEED, /* the seed's handshake, SYN sent */
	HC6_SENT, /* IPv6, SYN sent, ISN HC_ISN */
	HC6_EST, /* IPv6, established, server ISN HC_SISN */
	HC_NCTX,
};

struct hc_ctx_def {
	const char *name;
	struct xs_reply_ctx rc;
	uint32_t server_isn; /* default seq of frames, in every phase */
	/* The XDP side: configuration and the xs_conns entry. */
	uint16_t port_lo, port_hi;
	uint32_t xdp_flags; /* enum xs_cfg_flags */
	enum xs_conn_state conn_state;
};

/*
 * Established is tested as `connect --close fin` runs it: every in-range
 * segment goes to the socket (XS_CFG_ALL_SEGMENTS), so data, FIN and bare
 * SYNs reach the classifier.
 */
static const struct hc_ctx_def hc_ctxs[HC_NCTX] = {
	[HC_SENT] = { "syn-sent",
		      { HC_ADDR4(10, 11, 1, 2), HC_ADDR4(10, 11, 1, 1),
			HC_SPORT, HC_DPORT, HC_ISN, XS_PH_SYN_SENT, 0 },
		      HC_SISN,
		      HC_PORT_LO,
		      HC_PORT_HI,
		      0,
		      XS_CONN_SYN_SENT },
	[HC_WRAP] = { "syn-sent, isn 0xffffffff",
		      { HC_ADDR4(10, 11, 1, 2), HC_ADDR4(10, 11, 1, 1),
			HC_SPORT, HC_DPORT, 0xffffffffu, XS_PH_SYN_SENT, 0 },
		      HC_SISN,
		      HC_PORT_LO,
		      HC_PORT_HI,
		      0,
		      XS_CONN_SYN_SENT },
	[HC_EST] = { "established",
		     { HC_ADDR4(10, 11, 1, 2), HC_ADDR4(10, 11, 1, 1), HC_SPORT,
		       HC_DPORT, HC_ISN, XS_PH_ESTABLISHED, HC_SISN },
		     HC_SISN,
		     HC_PORT_LO,
		     HC_PORT_HI,
		     XS_CFG_ALL_SEGMENTS,
		     XS_CONN_ESTABLISHED },
	[HC_SEED] = { "seed",
		      { HC_ADDR4(172, 17, 0, 2), HC_ADDR4(172, 17, 0, 5), 20,
			80, 0, XS_PH_SYN_SENT, 0 },
		      HC_SEED_SISN,
		      20,
		      20,
		      0,
		      XS_CONN_SYN_SENT },
	[HC6_SENT] = { "v6 syn-sent",
		       { HC_ADDR6(2), HC_ADDR6(1), HC6_SPORT, HC_DPORT, HC_ISN,
			 XS_PH_SYN_SENT, 0 },
		       HC_SISN,
		       HC6_PORT_LO,
		       HC6_PORT_HI,
		       0,
		       XS_CONN_SYN_SENT },
	[HC6_EST] = { "v6 established",
		      { HC_ADDR6(2), HC_ADDR6(1), HC6_SPORT, HC_DPORT, HC_ISN,
			XS_PH_ESTABLISHED, HC_SISN },
		      HC_SISN,
		      HC6_PORT_LO,
		      HC6_PORT_HI,
		      XS_CFG_ALL_SEGMENTS,
		      XS_CONN_ESTABLISHED },
};

/* The context is an IPv6 handshake: its rows are struct xs_t6. */
static inline bool hc_ctx_is6(enum hc_ctx c)
{
	return !xs_addr_is_v4(&hc_ctxs[c].rc.saddr);
}

/* The frame never reaches an XDP program: the test run (and every driver)
 * refuses frames shorter than an Ethernet header. */
#define HC_XDP_REFUSED (-1)

struct hostile_case {
	const char *name;
	enum hc_ctx ctx;
	struct xs_tframe f; /* an IPv4 context's frame */
	struct xs_t6 f6; /* an IPv6 context's frame */
	/* XDP */
	int xdp; /* XDP_* or HC_XDP_REFUSED */
	enum xs_stat stat;
	uint32_t xdp_flags; /* added to the context's */
	bool no_conn; /* no xs_conns entry for the handshake */
	/* userspace */
	enum xs_parse_err perr;
	enum xs_reply reply;
	const struct xs_tcp_opts *opts;
	uint16_t tcp_csum; /* if non-zero, the checksum field must be this */
	const char *why;
};

#define SA (XS_TCP_SYN | XS_TCP_ACK)
#define RA (XS_TCP_RST | XS_TCP_ACK)

#define HC(n, c, ...)                                \
	{                                            \
		.name = (n), .ctx = (c), __VA_ARGS__ \
	}
/* XDP verdicts */
#define X_SYNACK .xdp = XDP_REDIRECT, .stat = XS_STAT_RX_SYNACK
#define X_RST .xdp = XDP_REDIRECT, .stat = XS_STAT_RX_RST
#define X_OTHER .xdp = XDP_REDIRECT, .stat = XS_STAT_RX_OTHER
#define X_PASS .xdp = XDP_PASS, .stat = XS_STAT_RX_PASS
#define X_MALFORMED .xdp = XDP_DROP, .stat = XS_STAT_RX_MALFORMED
#define X_BAD_CSUM .xdp = XDP_DROP, .stat = XS_STAT_RX_BAD_CSUM
#define X_INVALID .xdp = XDP_DROP, .stat = XS_STAT_RX_INVALID
#define X_NEVER .xdp = HC_XDP_REFUSED, .stat = XS_STAT_RX_FRAMES
#define X_ICMP .xdp = XDP_REDIRECT, .stat = XS_STAT_RX_ICMP
#define X_ICMP_BAD .xdp = XDP_DROP, .stat = XS_STAT_RX_ICMP_BAD
#define X_V6_FRAG .xdp = XDP_PASS, .stat = XS_STAT_RX_V6_FRAG
#define X_V6_DEEP .xdp = XDP_PASS, .stat = XS_STAT_RX_V6_EXT_DEEP
/* userspace: parse result, class */
#define U(pe, r) .perr = XS_PARSE_##pe, .reply = XS_REPLY_##r
/* frame fields */
#define F(...) .f = { __VA_ARGS__ }
#define F6(...) .f6 = { __VA_ARGS__ }
/* IPv6 extension headers, in order, and their lengths (8-byte units after
 * the first 8) */
#define EXT(...) \
	.ext_n = sizeof((uint8_t[]){ __VA_ARGS__ }), .ext = { __VA_ARGS__ }
#define EXTL(...) .ext_len8 = { __VA_ARGS__ }
/* An ICMPv6 error from the server quoting our SYN, seq s; ICMP6 from
 * the router hc6_other. */
#define ICMP6Q(t, c, s) \
	.icmp_type = (t), .icmp_code = (c), .q_seq_set = true, .q_seq = (s)
#define ICMP6(t, c, s) ICMP6Q(t, c, s), .saddr = hc6_other
#define SEQ(v) .seq_set = true, .seq = (v)
#define ACK(v) .ack_set = true, .ack = (v)
#define TOPT(s) .tcp_opt = sizeof(s) - 1, .tcp_optv = (s)
#define IPOPT(s) .ip_opt = sizeof(s) - 1, .ip_optv = (s)
/* An ICMP error from the router HC_OTHER_IP quoting our SYN, seq s. */
#define ICMP(t, c, s) \
	.icmp_type = (t), .icmp_code = (c), .saddr = HC_OTHER_IP, SEQ(s)
#define OPTS(...)                           \
	.opts = &(const struct xs_tcp_opts) \
	{                                   \
		__VA_ARGS__                 \
	}

#define Z4 "\0\0\0\0"
#define Z8 Z4 Z4
/* Linux's SYN-ACK options: MSS 1460, SACK-permitted, timestamps 1/2, NOP,
 * window scale 7. */
#define LINUX_OPTS                                                         \
	"\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02" \
	"\x01\x03\x03\x07"
#define LINUX_PARSED                                                        \
	OPTS(.has_mss = true, .mss = 1460, .sack_ok = true, .has_ts = true, \
	     .ts_val = 1, .ts_ecr = 2, .has_wscale = true, .wscale = 7)

/* Why layers differ, said once. */
#define WHY_TCP_CSUM "XDP does not verify TCP checksums; userspace does"
#define WHY_UNTRACKED                                                        \
	"no handshake of ours has this 4-tuple: XDP hands it to userspace, " \
	"which drops it unanswered"
#define WHY_SYN_EST                                                    \
	"XDP checks the ack of every SYN-ACK of a tracked handshake; " \
	"userspace would answer any SYN once established with a challenge ACK"
#define WHY_ICMP_CSUM                                                        \
	"XDP does not verify ICMP checksums (the quoted sequence number is " \
	"what stops blind forgeries); userspace does"
#define WHY_ICMP_UNTRACKED                                                  \
	"the quote names a 4-tuple of ours with no handshake in xs_conns: " \
	"XDP hands it to userspace, which drops it unanswered"
#define WHY_ICMP_DATA                                                         \
	"XDP lets a frag-needed quote any of the first 64 KiB after our ISN " \
	"(our data segments); userspace knows nothing was sent in SYN-SENT"
#define WHY6_V4MAPPED                                                         \
	"XDP does not judge the form of the peer's address (no handshake of " \
	"ours has it); userspace refuses ::ffff:0:0/96 in an IPv6 header "    \
	"(RFC 4291 2.5.5.2), which would name an IPv4 handshake"
#define WHY6_QUOTE_EXT                                                        \
	"XDP takes a quote as our probes leave us (TCP right after the IPv6 " \
	"header, which no router may extend) and passes any other; "          \
	"userspace walks the quote's extension headers as a frame's"
#define WHY_SENT_IGNORED                                                      \
	"with XS_CFG_ALL_SEGMENTS every in-range segment reaches userspace, " \
	"which drops what SYN-SENT cannot take"

static const struct hostile_case hostile_cases[] = {
	/* ------------------------------------------------ the good ones */
	HC("valid SYN-ACK", HC_SENT, F(.flags = SA), X_SYNACK, U(OK, SYNACK)),
	HC("valid SYN-ACK with Linux's options", HC_SENT,
	   F(.flags = SA, TOPT(LINUX_OPTS)), X_SYNACK, U(OK, SYNACK),
	   LINUX_PARSED),
	HC("RST+ACK acknowledging our SYN (port closed)", HC_SENT,
	   F(.flags = RA, SEQ(0)), X_RST, U(OK, REFUSED)),

	/* ------------------------------------------- truncation, by layer */
	HC("runt: 1 byte", HC_SENT, F(.flags = SA, .trunc = 1), X_NEVER,
	   U(SHORT_ETH, MALFORMED)),
	HC("runt: 13 bytes", HC_SENT, F(.flags = SA, .trunc = 13), X_NEVER,
	   U(SHORT_ETH, MALFORMED)),
	HC("Ethernet header only (14 bytes)", HC_SENT,
	   F(.flags = SA, .trunc = 14), X_MALFORMED, U(SHORT_IP, MALFORMED)),
	HC("cut inside the IPv4 header (33 bytes)", HC_SENT,
	   F(.flags = SA, .trunc = 33), X_MALFORMED, U(SHORT_IP, MALFORMED)),
	HC("IPv4 header whole, no TCP byte (34 bytes)", HC_SENT,
	   F(.flags = SA, .trunc = 34), X_MALFORMED, U(BAD_TOTLEN, MALFORMED)),
	HC("cut inside the TCP header (53 bytes)", HC_SENT,
	   F(.flags = SA, .trunc = 53), X_MALFORMED, U(BAD_TOTLEN, MALFORMED)),
	HC("cut inside the TCP options", HC_SENT,
	   F(.flags = SA, TOPT(LINUX_OPTS), .trunc = 14 + 20 + 30), X_MALFORMED,
	   U(BAD_TOTLEN, MALFORMED)),
	HC("cut inside the payload", HC_SENT,
	   F(.flags = SA, .payload = 10, .trunc = 14 + 40 + 5), X_MALFORMED,
	   U(BAD_TOTLEN, MALFORMED)),
	HC("IP options cut by the frame end (ihl 15, 54 bytes)", HC_SENT,
	   F(.flags = SA, .ip_opt = 40, .trunc = 14 + 40), X_MALFORMED,
	   U(SHORT_IP, MALFORMED)),
	HC("tot_len ends inside the TCP header, rest as padding", HC_SENT,
	   F(.flags = SA, .tot_len = 30), X_MALFORMED, U(SHORT_TCP, MALFORMED)),

	/* ----------------------------------------------------- IPv4 header */
	HC("ihl 4", HC_SENT, F(.flags = SA, .ihl = 4), X_MALFORMED,
	   U(BAD_IHL, MALFORMED)),
	HC("ihl 1", HC_SENT, F(.flags = SA, .ihl = 1), X_MALFORMED,
	   U(BAD_IHL, MALFORMED)),
#define IHL_CASE(n)                                                    \
	HC("ihl " #n " (Router Alert + NOPs), valid SYN-ACK", HC_SENT, \
	   F(.flags = SA, .ip_opt = ((n)-5) * 4), X_SYNACK, U(OK, SYNACK))
	IHL_CASE(6),
	IHL_CASE(7),
	IHL_CASE(8),
	IHL_CASE(9),
	IHL_CASE(10),
	IHL_CASE(11),
	IHL_CASE(12),
	IHL_CASE(13),
	IHL_CASE(14),
	IHL_CASE(15),
#undef IHL_CASE
	HC("ihl 15: Record Route (39 bytes) + EOL, valid SYN-ACK", HC_SENT,
	   F(.flags = SA, IPOPT("\x07\x27\x04" Z8 Z8 Z8 Z8 Z4 "\0")), X_SYNACK,
	   U(OK, SYNACK)),
	HC("ihl 8: IP Timestamp option, valid SYN-ACK", HC_SENT,
	   F(.flags = SA, IPOPT("\x44\x0c\x05\x00" Z8)), X_SYNACK,
	   U(OK, SYNACK)),
	HC("ihl*4 > tot_len (ihl 6, tot_len 20)", HC_SENT,
	   F(.flags = SA, .ip_opt = 4, .tot_len = 20), X_MALFORMED,
	   U(BAD_IHL, MALFORMED)),
	HC("ihl*4 > tot_len (ihl 15, tot_len 40)", HC_SENT,
	   F(.flags = SA, .ip_opt = 40, .tot_len = 40), X_MALFORMED,
	   U(BAD_IHL, MALFORMED)),
	HC("tot_len 19", HC_SENT, F(.flags = SA, .tot_len = 19), X_MALFORMED,
	   U(BAD_IHL, MALFORMED)),
	HC("tot_len one byte beyond the frame", HC_SENT,
	   F(.flags = SA, .tot_len = 41), X_MALFORMED,
	   U(BAD_TOTLEN, MALFORMED)),
	HC("tot_len 65535", HC_SENT, F(.flags = SA, .tot_len = 65535),
	   X_MALFORMED, U(BAD_TOTLEN, MALFORMED)),
	HC("version 6 inside an IPv4 ethertype", HC_SENT,
	   F(.flags = SA, .ip_ver = 6), X_MALFORMED, U(BAD_VERSION, MALFORMED)),
	HC("version 15 inside an IPv4 ethertype", HC_SENT,
	   F(.flags = SA, .ip_ver = 15), X_MALFORMED,
	   U(BAD_VERSION, MALFORMED)),
	HC("fragment: MF set", HC_SENT, F(.flags = SA, .frag_off = 0x2000),
	   X_PASS, U(FRAGMENT, NOT_OURS)),
	HC("fragment: offset 3", HC_SENT, F(.flags = SA, .frag_off = 0x0003),
	   X_PASS, U(FRAGMENT, NOT_OURS)),
	HC("fragment: MF and DF", HC_SENT, F(.flags = SA, .frag_off = 0x6000),
	   X_PASS, U(FRAGMENT, NOT_OURS)),
	HC("DF alone is fine", HC_SENT, F(.flags = SA, .frag_off = 0x4000),
	   X_SYNACK, U(OK, SYNACK)),
	HC("reserved IP flag (0x8000) is not a fragment", HC_SENT,
	   F(.flags = SA, .frag_off = 0x8000), X_SYNACK, U(OK, SYNACK)),
	HC("bad IPv4 header checksum", HC_SENT,
	   F(.flags = SA, .ip_csum_xor = 0x0100), X_BAD_CSUM,
	   U(OK, BAD_IP_CSUM)),
	HC("bad IPv4 header checksum, ihl 15", HC_SENT,
	   F(.flags = SA, .ip_opt = 40, .ip_csum_xor = 0x8000), X_BAD_CSUM,
	   U(OK, BAD_IP_CSUM)),
	HC("bad IPv4 header checksum on an RST+ACK", HC_SENT,
	   F(.flags = RA, .ip_csum_xor = 1), X_BAD_CSUM, U(OK, BAD_IP_CSUM)),
	HC("bad IPv4 header checksum, to another address", HC_SENT,
	   F(.flags = SA, .daddr = HC_OTHER_IP, .ip_csum_xor = 1), X_BAD_CSUM,
	   U(OK, BAD_IP_CSUM)),
	HC("Ethernet padding after an RST is not payload", HC_SENT,
	   F(.flags = RA, SEQ(0), .pad = 6, .pad_fill = 0xaa), X_RST,
	   U(OK, REFUSED)),
	HC("SYN-ACK with 3 bytes of data, then 3 of padding", HC_SENT,
	   F(.flags = SA, .payload = 3, .pad = 3, .pad_fill = 0x55), X_SYNACK,
	   U(OK, SYNACK)),

	/* ------------------------------------------------------ TCP header */
	HC("doff 4", HC_SENT, F(.flags = SA, .doff = 4), X_MALFORMED,
	   U(BAD_DOFF, MALFORMED)),
	HC("doff 1", HC_SENT, F(.flags = SA, .doff = 1), X_MALFORMED,
	   U(BAD_DOFF, MALFORMED)),
	HC("doff 15 beyond a 20-byte segment", HC_SENT,
	   F(.flags = SA, .doff = 15), X_MALFORMED, U(BAD_DOFF, MALFORMED)),
	HC("doff 8 beyond a 28-byte segment", HC_SENT,
	   F(.flags = SA, .doff = 8, .payload = 8), X_MALFORMED,
	   U(BAD_DOFF, MALFORMED)),
	HC("doff 6 beyond tot_len, padding present", HC_SENT,
	   F(.flags = SA, .doff = 6, .pad = 4), X_MALFORMED,
	   U(BAD_DOFF, MALFORMED)),
	HC("reserved bits and AE set, doff 5", HC_SENT,
	   F(.flags = SA, .tcp_res = 0xf), X_SYNACK, U(OK, SYNACK)),
	HC("AE set, doff 10 with options", HC_SENT,
	   F(.flags = SA, .tcp_res = 0x1, TOPT(LINUX_OPTS)), X_SYNACK,
	   U(OK, SYNACK), LINUX_PARSED),
	HC("bad TCP checksum", HC_SENT, F(.flags = SA, .tcp_csum_xor = 1),
	   X_SYNACK, U(OK, BAD_CSUM), .why = WHY_TCP_CSUM),
	HC("bad TCP checksum on an RST+ACK acknowledging our SYN", HC_SENT,
	   F(.flags = RA, .tcp_csum_xor = 0x4000), X_RST, U(OK, BAD_CSUM),
	   .why = WHY_TCP_CSUM),
	HC("pseudo-header sum only (CHECKSUM_PARTIAL)", HC_SENT,
	   F(.flags = SA, .tcp_csum_partial = true), X_SYNACK, U(OK, SYNACK)),
	HC("pseudo-header sum off by one", HC_SENT,
	   F(.flags = SA, .tcp_csum_partial = true, .tcp_csum_xor = 1),
	   X_SYNACK, U(OK, BAD_CSUM), .why = WHY_TCP_CSUM),
	HC("the seed's SYN-ACK: CHECKSUM 22600 (CHECKSUM_PARTIAL)", HC_SEED,
	   F(.flags = SA, SEQ(HC_SEED_SISN), ACK(1), .window = 29200,
	     TOPT("\x02\x04\x05\xb4"), .tcp_csum_partial = true),
	   X_SYNACK, U(OK, SYNACK), OPTS(.has_mss = true, .mss = 1460),
	   .tcp_csum = HC_SEED_CSUM),
	HC("the seed's SYN-ACK with its full checksum", HC_SEED,
	   F(.flags = SA, SEQ(HC_SEED_SISN), ACK(1), .window = 29200,
	     TOPT("\x02\x04\x05\xb4")),
	   X_SYNACK, U(OK, SYNACK), OPTS(.has_mss = true, .mss = 1460)),
	HC("the seed's SYN-ACK with CHECKSUM 22601", HC_SEED,
	   F(.flags = SA, SEQ(HC_SEED_SISN), ACK(1), .window = 29200,
	     TOPT("\x02\x04\x05\xb4"), .tcp_csum_partial = true,
	     .tcp_csum_xor = 1),
	   X_SYNACK, U(OK, BAD_CSUM), OPTS(.has_mss = true, .mss = 1460),
	   .tcp_csum = HC_SEED_CSUM + 1, .why = WHY_TCP_CSUM),

	/* ------------------------------------------------ ack numbers */
	HC("SYN-ACK ack = ISN", HC_SENT, F(.flags = SA, ACK(HC_ISN)), X_INVALID,
	   U(OK, BAD_ACK)),
	HC("SYN-ACK ack = ISN + 2", HC_SENT, F(.flags = SA, ACK(HC_ISN + 2)),
	   X_INVALID, U(OK, BAD_ACK)),
	HC("SYN-ACK ack = ISN + 2^31", HC_SENT,
	   F(.flags = SA, ACK(HC_ISN + 0x80000000u)), X_INVALID,
	   U(OK, BAD_ACK)),
	HC("SYN-ACK ack = 0", HC_SENT, F(.flags = SA, ACK(0)), X_INVALID,
	   U(OK, BAD_ACK)),
	HC("ISN 0xffffffff: SYN-ACK ack 0 accepted", HC_WRAP,
	   F(.flags = SA, ACK(0)), X_SYNACK, U(OK, SYNACK)),
	HC("ISN 0xffffffff: SYN-ACK ack 0xffffffff (= ISN)", HC_WRAP,
	   F(.flags = SA, ACK(0xffffffffu)), X_INVALID, U(OK, BAD_ACK)),
	HC("ISN 0xffffffff: SYN-ACK ack 1 (ISN + 2)", HC_WRAP,
	   F(.flags = SA, ACK(1)), X_INVALID, U(OK, BAD_ACK)),
	HC("ISN 0xffffffff: SYN-ACK ack 0x7fffffff (ISN + 2^31)", HC_WRAP,
	   F(.flags = SA, ACK(0x7fffffffu)), X_INVALID, U(OK, BAD_ACK)),
	HC("ISN 0xffffffff: RST+ACK ack 0 refuses", HC_WRAP,
	   F(.flags = RA, ACK(0)), X_RST, U(OK, REFUSED)),
	HC("untracked: SYN-ACK ack = ISN + 2 left to userspace", HC_SENT,
	   F(.flags = SA, ACK(HC_ISN + 2)), .no_conn = true, X_SYNACK,
	   U(OK, BAD_ACK),
	   .why = "XDP judges acks only of handshakes in xs_conns or with "
		  "the ISN check; userspace judges the rest"),
	HC("scan mode (ISN check): SYN-ACK with a failed cookie", HC_SENT,
	   F(.flags = SA, ACK(HC_ISN + 2)), .xdp_flags = XS_CFG_ISN_CHECK,
	   .no_conn = true, X_INVALID, U(OK, BAD_ACK)),
	HC("scan mode (ISN check): RST without ACK", HC_SENT,
	   F(.flags = XS_TCP_RST), .xdp_flags = XS_CFG_ISN_CHECK,
	   .no_conn = true, X_INVALID, U(OK, RST_NO_ACK)),

	/* ------------------------------------------------------ RSTs */
	HC("RST+ACK ack = ISN", HC_SENT, F(.flags = RA, ACK(HC_ISN)), X_INVALID,
	   U(OK, BAD_ACK)),
	HC("RST+ACK ack = ISN + 2", HC_SENT, F(.flags = RA, ACK(HC_ISN + 2)),
	   X_INVALID, U(OK, BAD_ACK)),
	HC("RST+ACK ack = 0", HC_SENT, F(.flags = RA, ACK(0)), X_INVALID,
	   U(OK, BAD_ACK)),
	HC("RST without ACK, ack field = ISN + 1", HC_SENT,
	   F(.flags = XS_TCP_RST), X_INVALID, U(OK, RST_NO_ACK)),
	HC("RST without ACK, ack field 0", HC_SENT,
	   F(.flags = XS_TCP_RST, ACK(0)), X_INVALID, U(OK, RST_NO_ACK)),
	HC("RST+ACK with a diagnostic payload, acknowledging our SYN", HC_SENT,
	   F(.flags = RA, .payload = 8), X_RST, U(OK, REFUSED)),
	HC("RST+FIN+ACK acknowledging our SYN", HC_SENT,
	   F(.flags = RA | XS_TCP_FIN), X_RST, U(OK, REFUSED)),

	/* ------------------------------------------- flags in SYN-SENT */
	HC("ACK without SYN, ack = ISN + 1", HC_SENT, F(.flags = XS_TCP_ACK),
	   X_PASS, U(OK, IGNORED)),
	HC("ACK without SYN, all segments redirected", HC_SENT,
	   F(.flags = XS_TCP_ACK), .xdp_flags = XS_CFG_ALL_SEGMENTS, X_OTHER,
	   U(OK, IGNORED), .why = WHY_SENT_IGNORED),
	HC("bare SYN from the target (simultaneous open)", HC_SENT,
	   F(.flags = XS_TCP_SYN, ACK(0)), X_PASS, U(OK, BAD_FLAGS)),
	HC("bare SYN, all segments redirected", HC_SENT,
	   F(.flags = XS_TCP_SYN, ACK(0)), .xdp_flags = XS_CFG_ALL_SEGMENTS,
	   X_OTHER, U(OK, BAD_FLAGS), .why = WHY_SENT_IGNORED),
	HC("SYN+RST", HC_SENT, F(.flags = XS_TCP_SYN | XS_TCP_RST), X_MALFORMED,
	   U(OK, BAD_FLAGS)),
	HC("SYN+RST+ACK acknowledging our SYN", HC_SENT,
	   F(.flags = SA | XS_TCP_RST), X_MALFORMED, U(OK, BAD_FLAGS)),
	HC("SYN+FIN", HC_SENT, F(.flags = XS_TCP_SYN | XS_TCP_FIN), X_MALFORMED,
	   U(OK, BAD_FLAGS)),
	HC("SYN+FIN+ACK acknowledging our SYN", HC_SENT,
	   F(.flags = SA | XS_TCP_FIN), X_MALFORMED, U(OK, BAD_FLAGS)),
	HC("all flags", HC_SENT, F(.flags = 0xff), X_MALFORMED,
	   U(OK, BAD_FLAGS)),
	HC("no flags", HC_SENT, F(.flags = 0), X_PASS, U(OK, IGNORED)),
	HC("FIN alone", HC_SENT, F(.flags = XS_TCP_FIN), X_PASS,
	   U(OK, IGNORED)),
	HC("FIN+PSH+URG", HC_SENT,
	   F(.flags = XS_TCP_FIN | XS_TCP_PSH | XS_TCP_URG), X_PASS,
	   U(OK, IGNORED)),
	HC("FIN+ACK", HC_SENT, F(.flags = XS_TCP_FIN | XS_TCP_ACK), X_PASS,
	   U(OK, IGNORED)),
	HC("data (PSH+ACK)", HC_SENT,
	   F(.flags = XS_TCP_PSH | XS_TCP_ACK, .payload = 10), X_PASS,
	   U(OK, IGNORED)),
	HC("SYN-ACK+ECE (ECN setup)", HC_SENT, F(.flags = SA | XS_TCP_ECE),
	   X_SYNACK, U(OK, SYNACK)),
	HC("SYN-ACK+ECE+CWR", HC_SENT, F(.flags = SA | XS_TCP_ECE | XS_TCP_CWR),
	   X_SYNACK, U(OK, SYNACK)),
	HC("SYN-ACK+PSH+URG", HC_SENT, F(.flags = SA | XS_TCP_PSH | XS_TCP_URG),
	   X_SYNACK, U(OK, SYNACK)),
	HC("SYN-ACK carrying 5 bytes of data (accepted, data not acked)",
	   HC_SENT, F(.flags = SA, .payload = 5), X_SYNACK, U(OK, SYNACK)),
	HC("SYN-ACK carrying data, ack = ISN + 2", HC_SENT,
	   F(.flags = SA, .payload = 5, ACK(HC_ISN + 2)), X_INVALID,
	   U(OK, BAD_ACK)),

	/* ----------------------------------------------- once established */
	HC("duplicate SYN-ACK after our ACK", HC_EST, F(.flags = SA), X_SYNACK,
	   U(OK, DUP_SYNACK)),
	HC("SYN-ACK with another server ISN", HC_EST,
	   F(.flags = SA, SEQ(HC_SISN + 0x1000)), X_SYNACK, U(OK, CHALLENGE)),
	HC("SYN-ACK with another server ISN and data", HC_EST,
	   F(.flags = SA, SEQ(HC_SISN - 7), .payload = 4), X_SYNACK,
	   U(OK, CHALLENGE)),
	HC("SYN-ACK with our server ISN, ack = ISN + 2", HC_EST,
	   F(.flags = SA, ACK(HC_ISN + 2)), X_INVALID, U(OK, CHALLENGE),
	   .why = WHY_SYN_EST),
	HC("bare SYN", HC_EST, F(.flags = XS_TCP_SYN, SEQ(HC_SISN + 5), ACK(0)),
	   X_OTHER, U(OK, CHALLENGE)),
	HC("RST at exactly RCV.NXT", HC_EST, F(.flags = XS_TCP_RST), X_RST,
	   U(OK, PEER_RST)),
	HC("RST+ACK at RCV.NXT, whatever its ack", HC_EST,
	   F(.flags = RA, ACK(12345)), X_RST, U(OK, PEER_RST)),
	HC("RST in the window, not exact (RCV.NXT + 1000)", HC_EST,
	   F(.flags = XS_TCP_RST, SEQ(HC_SISN + 1001)), X_RST,
	   U(OK, CHALLENGE)),
	HC("RST at RCV.NXT - 1", HC_EST, F(.flags = RA, SEQ(HC_SISN)), X_RST,
	   U(OK, CHALLENGE)),
	HC("RST at RCV.NXT + 2^31", HC_EST,
	   F(.flags = XS_TCP_RST, SEQ(HC_SISN + 1 + 0x80000000u)), X_RST,
	   U(OK, CHALLENGE)),
	HC("pure ACK", HC_EST, F(.flags = XS_TCP_ACK), X_OTHER, U(OK, SEGMENT)),
	HC("data", HC_EST, F(.flags = XS_TCP_PSH | XS_TCP_ACK, .payload = 20),
	   X_OTHER, U(OK, SEGMENT)),
	HC("FIN+ACK", HC_EST, F(.flags = XS_TCP_FIN | XS_TCP_ACK), X_OTHER,
	   U(OK, SEGMENT)),
	HC("FIN without ACK", HC_EST, F(.flags = XS_TCP_FIN), X_OTHER,
	   U(OK, IGNORED),
	   .why = "RFC 9293 3.10.7.4: a segment without ACK is dropped"),
	HC("SYN+RST", HC_EST, F(.flags = XS_TCP_SYN | XS_TCP_RST), X_MALFORMED,
	   U(OK, BAD_FLAGS)),
	HC("SYN+FIN+ACK", HC_EST, F(.flags = SA | XS_TCP_FIN), X_MALFORMED,
	   U(OK, BAD_FLAGS)),
	HC("duplicate SYN-ACK with a bad TCP checksum", HC_EST,
	   F(.flags = SA, .tcp_csum_xor = 0x0010), X_SYNACK, U(OK, BAD_CSUM),
	   .why = WHY_TCP_CSUM),

	/* ------------------------------------------------------ not ours */
	HC("SYN-ACK to the port below our range", HC_SENT,
	   F(.flags = SA, .dport = HC_PORT_LO - 1), X_PASS, U(OK, NOT_OURS)),
	HC("SYN-ACK to the port above our range", HC_SENT,
	   F(.flags = SA, .dport = HC_PORT_HI + 1), X_PASS, U(OK, NOT_OURS)),
	HC("SYN-ACK to port 22", HC_SENT, F(.flags = SA, .dport = 22), X_PASS,
	   U(OK, NOT_OURS)),
	HC("in range, for no handshake of ours", HC_SENT,
	   F(.flags = SA, .dport = HC_PORT_LO + 1), X_SYNACK, U(OK, NOT_OURS),
	   .why = WHY_UNTRACKED),
	HC("in range, for no handshake of ours, RST", HC_SENT,
	   F(.flags = XS_TCP_RST, .dport = HC_PORT_LO + 2), X_RST,
	   U(OK, NOT_OURS), .why = WHY_UNTRACKED),
	HC("in range, for no handshake of ours, scan mode (failed cookie)",
	   HC_SENT, F(.flags = SA, .dport = HC_PORT_LO + 1),
	   .xdp_flags = XS_CFG_ISN_CHECK, .no_conn = true, X_INVALID,
	   U(OK, NOT_OURS)),
	HC("from an address we never sent to", HC_SENT,
	   F(.flags = SA, .saddr = HC_OTHER_IP), X_SYNACK, U(OK, NOT_OURS),
	   .why = WHY_UNTRACKED),
	HC("RST from an address we never sent to", HC_SENT,
	   F(.flags = RA, .saddr = HC_OTHER_IP), X_RST, U(OK, NOT_OURS),
	   .why = WHY_UNTRACKED),
	HC("from the server's address, another port", HC_SENT,
	   F(.flags = SA, .sport = 81), X_SYNACK, U(OK, NOT_OURS),
	   .why = WHY_UNTRACKED),
	HC("to another address of this host", HC_SENT,
	   F(.flags = SA, .daddr = HC_OTHER_IP), X_PASS, U(OK, NOT_OURS)),
	HC("802.1Q-tagged SYN-ACK", HC_SENT, F(.flags = SA, .vlan = 1), X_PASS,
	   U(NOT_IP, NOT_OURS)),
	HC("QinQ-tagged SYN-ACK", HC_SENT, F(.flags = SA, .vlan = 2), X_PASS,
	   U(NOT_IP, NOT_OURS)),
	HC("802.1Q tag, cut right after the tag", HC_SENT,
	   F(.flags = SA, .vlan = 1, .trunc = 18), X_PASS, U(NOT_IP, NOT_OURS)),
	/* Another handshake's (fd00::1 -> fd00::2): parsed, not ours. */
	HC("IPv6 SYN-ACK", HC_SENT, F(.kind = XS_TF_IPV6, .flags = SA), X_PASS,
	   U(OK, NOT_OURS)),
	HC("ARP", HC_SENT, F(.kind = XS_TF_ARP), X_PASS, U(NOT_IP, NOT_OURS)),
	HC("UDP to our port", HC_SENT, F(.proto = 17, .payload = 4), X_PASS,
	   U(NOT_TCP, NOT_OURS)),
	HC("ICMP echo", HC_SENT, F(.proto = 1), X_PASS, U(ICMP_TYPE, NOT_OURS)),

	/* --------------------------------- TCP options (RFC 9293, 7323) */
	HC("opt: MSS 1460", HC_SENT, F(.flags = SA, TOPT("\x02\x04\x05\xb4")),
	   X_SYNACK, U(OK, SYNACK), OPTS(.has_mss = true, .mss = 1460)),
	HC("opt: length 0", HC_SENT, F(.flags = SA, TOPT("\x02\x00\x05\xb4")),
	   X_SYNACK, U(OK, SYNACK), OPTS(.malformed = true)),
	HC("opt: length 1", HC_SENT, F(.flags = SA, TOPT("\x02\x01\x05\xb4")),
	   X_SYNACK, U(OK, SYNACK), OPTS(.malformed = true)),
	HC("opt: unknown kind, length 0", HC_SENT,
	   F(.flags = SA, TOPT("\xfe\x00\x01\x01")), X_SYNACK, U(OK, SYNACK),
	   OPTS(.malformed = true)),
	HC("opt: length running past the header", HC_SENT,
	   F(.flags = SA, TOPT("\x02\x08\x05\xb4")), X_SYNACK, U(OK, SYNACK),
	   OPTS(.malformed = true)),
	HC("opt: length 255", HC_SENT, F(.flags = SA, TOPT("\x1e\xff\x00\x00")),
	   X_SYNACK, U(OK, SYNACK), OPTS(.malformed = true)),
	HC("opt: kind in the last byte, no length", HC_SENT,
	   F(.flags = SA, TOPT("\x01\x01\x01\x02")), X_SYNACK, U(OK, SYNACK),
	   OPTS(.malformed = true)),
	HC("opt: timestamps cut by the header end", HC_SENT,
	   F(.flags = SA, TOPT("\x01\x01\x01\x01\x01\x01\x08\x0a")), X_SYNACK,
	   U(OK, SYNACK), OPTS(.malformed = true)),
	HC("opt: EOL, then MSS (not read)", HC_SENT,
	   F(.flags = SA, TOPT(Z4 "\x02\x04\x05\xb4")), X_SYNACK,
	   U(OK, SYNACK)),
	HC("opt: EOL, then garbage (not read)", HC_SENT,
	   F(.flags = SA, TOPT("\x00\xff\x00\xff")), X_SYNACK, U(OK, SYNACK)),
	HC("opt: MSS, EOL, window scale (not read)", HC_SENT,
	   F(.flags = SA, TOPT("\x02\x04\x05\xb4\x00\x03\x03\x07")), X_SYNACK,
	   U(OK, SYNACK), OPTS(.has_mss = true, .mss = 1460)),
	HC("opt: 40 bytes of EOL", HC_SENT,
	   F(.flags = SA, TOPT(Z8 Z8 Z8 Z8 Z8)), X_SYNACK, U(OK, SYNACK)),
	HC("opt: 40 bytes of NOPs", HC_SENT, F(.flags = SA, .tcp_opt = 40),
	   X_SYNACK, U(OK, SYNACK)),
	HC("opt: MSS length 3 (skipped)", HC_SENT,
	   F(.flags = SA, TOPT("\x02\x03\x05\x01")), X_SYNACK, U(OK, SYNACK)),
	HC("opt: MSS length 5 (skipped)", HC_SENT,
	   F(.flags = SA, TOPT("\x02\x05\x05\xb4\x00\x01\x01\x01")), X_SYNACK,
	   U(OK, SYNACK)),
	HC("opt: MSS length 2 (skipped)", HC_SENT,
	   F(.flags = SA, TOPT("\x02\x02\x01\x01")), X_SYNACK, U(OK, SYNACK)),
	HC("opt: MSS 0", HC_SENT, F(.flags = SA, TOPT("\x02\x04\x00\x00")),
	   X_SYNACK, U(OK, SYNACK), OPTS(.has_mss = true, .mss = 0)),
	HC("opt: MSS 65535", HC_SENT, F(.flags = SA, TOPT("\x02\x04\xff\xff")),
	   X_SYNACK, U(OK, SYNACK), OPTS(.has_mss = true, .mss = 65535)),
	HC("opt: window scale 0", HC_SENT,
	   F(.flags = SA, TOPT("\x01\x03\x03\x00")), X_SYNACK, U(OK, SYNACK),
	   OPTS(.has_wscale = true, .wscale = 0)),
	HC("opt: window scale 14", HC_SENT,
	   F(.flags = SA, TOPT("\x01\x03\x03\x0e")), X_SYNACK, U(OK, SYNACK),
	   OPTS(.has_wscale = true, .wscale = 14)),
	HC("opt: window scale 15 is reported as 15", HC_SENT,
	   F(.flags = SA, TOPT("\x01\x03\x03\x0f")), X_SYNACK, U(OK, SYNACK),
	   OPTS(.has_wscale = true, .wscale = 15)),
	HC("opt: window scale 255 is reported as 255", HC_SENT,
	   F(.flags = SA, TOPT("\x01\x03\x03\xff")), X_SYNACK, U(OK, SYNACK),
	   OPTS(.has_wscale = true, .wscale = 255)),
	HC("opt: window scale length 4 (skipped)", HC_SENT,
	   F(.flags = SA, TOPT("\x03\x04\x07\x00")), X_SYNACK, U(OK, SYNACK)),
	HC("opt: SACK-permitted", HC_SENT,
	   F(.flags = SA, TOPT("\x01\x01\x04\x02")), X_SYNACK, U(OK, SYNACK),
	   OPTS(.sack_ok = true)),
	HC("opt: SACK-permitted length 3 (skipped)", HC_SENT,
	   F(.flags = SA, TOPT("\x04\x03\x00\x01")), X_SYNACK, U(OK, SYNACK)),
	HC("opt: SACK-permitted length 4 (skipped)", HC_SENT,
	   F(.flags = SA, TOPT("\x04\x04\x00\x00")), X_SYNACK, U(OK, SYNACK)),
	HC("opt: timestamps", HC_SENT,
	   F(.flags = SA,
	     TOPT("\x01\x01\x08\x0a\x11\x22\x33\x44\x55\x66\x77\x88")),
	   X_SYNACK, U(OK, SYNACK),
	   OPTS(.has_ts = true, .ts_val = 0x11223344, .ts_ecr = 0x55667788)),
	HC("opt: timestamps length 8 (skipped)", HC_SENT,
	   F(.flags = SA, TOPT("\x08\x08\x11\x22\x33\x44\x55\x66")), X_SYNACK,
	   U(OK, SYNACK)),
	HC("opt: timestamps length 12 (skipped)", HC_SENT,
	   F(.flags = SA,
	     TOPT("\x08\x0c\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa")),
	   X_SYNACK, U(OK, SYNACK)),
	HC("opt: SACK blocks on a SYN-ACK (skipped)", HC_SENT,
	   F(.flags = SA, TOPT("\x01\x01\x05\x0a\x00\x00\x00\x01\x00\x00\x00"
			       "\x02")),
	   X_SYNACK, U(OK, SYNACK)),
	HC("opt: unaligned MSS, window scale, SACK-permitted", HC_SENT,
	   F(.flags = SA,
	     TOPT("\x01\x02\x04\x05\xb4\x03\x03\x07\x04\x02\x01\x01")),
	   X_SYNACK, U(OK, SYNACK),
	   OPTS(.has_mss = true, .mss = 1460, .sack_ok = true,
		.has_wscale = true, .wscale = 7)),
	HC("opt: unaligned timestamps", HC_SENT,
	   F(.flags = SA,
	     TOPT("\x01\x08\x0a\x00\x00\x00\x07\x00\x00\x00\x09\x00")),
	   X_SYNACK, U(OK, SYNACK),
	   OPTS(.has_ts = true, .ts_val = 7, .ts_ecr = 9)),
	HC("opt: MSS twice, the last one counts", HC_SENT,
	   F(.flags = SA, TOPT("\x02\x04\x05\xb4\x02\x04\x02\x18")), X_SYNACK,
	   U(OK, SYNACK), OPTS(.has_mss = true, .mss = 536)),
	HC("opt: window scale twice, the last one counts", HC_SENT,
	   F(.flags = SA, TOPT("\x01\x03\x03\x02\x01\x03\x03\x09")), X_SYNACK,
	   U(OK, SYNACK), OPTS(.has_wscale = true, .wscale = 9)),
	HC("opt: unknown kind 30, then MSS", HC_SENT,
	   F(.flags = SA, TOPT("\x1e\x04\x00\x00\x02\x04\x05\xb4")), X_SYNACK,
	   U(OK, SYNACK), OPTS(.has_mss = true, .mss = 1460)),
	HC("opt: one option of 40 bytes", HC_SENT,
	   F(.flags = SA, TOPT("\x63\x28"
			       "abcdefghijklmnopqrstuvwxyz0123456789AB")),
	   X_SYNACK, U(OK, SYNACK)),

	/* ------------------------------------------ ICMP errors (RFC 5927) */
	HC("icmp: admin-prohibited (3/13) quoting our SYN", HC_SENT,
	   F(ICMP(3, 13, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("icmp: host-prohibited (3/10) quoting our SYN", HC_SENT,
	   F(ICMP(3, 10, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("icmp: port unreachable (3/3) quoting our SYN", HC_SENT,
	   F(ICMP(3, 3, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("icmp: net unreachable (3/0) from the server itself", HC_SENT,
	   F(.icmp_type = 3, .icmp_code = 0, SEQ(HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("icmp: time exceeded (11/0) quoting our SYN", HC_SENT,
	   F(ICMP(11, 0, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("icmp: frag-needed (3/4) quoting our SYN", HC_SENT,
	   F(ICMP(3, 4, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("icmp: frag-needed quoting our data once established", HC_EST,
	   F(ICMP(3, 4, HC_ISN + 1)), X_ICMP, U(OK, ICMP)),
	HC("icmp: quote cut to 4 bytes of TCP (no seq)", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .icmp_qtcp = 4), X_ICMP_BAD,
	   U(OK, BAD_QUOTE)),
	HC("icmp: quote cut to 7 bytes of TCP", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .icmp_qtcp = 7), X_ICMP_BAD,
	   U(OK, BAD_QUOTE)),
	HC("icmp: quote cut after the IPv4 header", HC_SENT,
	   F(ICMP(3, 1, HC_ISN), .icmp_qtcp = 0xff), X_ICMP_BAD,
	   U(OK, BAD_QUOTE)),
	HC("icmp: quote of 8 bytes of TCP (RFC 792's minimum)", HC_SENT,
	   F(ICMP(3, 1, HC_ISN), .icmp_qtcp = 8), X_ICMP, U(OK, ICMP)),
	HC("icmp: no quote at all", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .icmp_noquote = true), X_MALFORMED,
	   U(SHORT_ICMP, MALFORMED)),
	HC("icmp: quote of another source address", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .icmp_qsaddr = HC_OTHER_IP), X_PASS,
	   U(OK, NOT_OURS)),
	HC("icmp: quote of a port outside our range", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .icmp_qsport = 5555), X_PASS,
	   U(OK, NOT_OURS)),
	HC("icmp: quote of another port of ours, untracked", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .icmp_qsport = HC_SPORT + 1), X_ICMP,
	   U(OK, NOT_OURS), .why = WHY_ICMP_UNTRACKED),
	HC("icmp: quoted seq ISN + 1 in SYN-SENT", HC_SENT,
	   F(ICMP(3, 13, HC_ISN + 1)), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("icmp: quoted seq ISN - 1", HC_SENT, F(ICMP(11, 0, HC_ISN - 1)),
	   X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("icmp: quoted seq far off", HC_SENT,
	   F(ICMP(3, 13, HC_ISN + 0x40000000u)), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("icmp: frag-needed quoting ISN + 1 in SYN-SENT", HC_SENT,
	   F(ICMP(3, 4, HC_ISN + 1)), X_ICMP, U(OK, BAD_QUOTE),
	   .why = WHY_ICMP_DATA),
	HC("icmp: frag-needed quoting ISN + 2^20 once established", HC_EST,
	   F(ICMP(3, 4, HC_ISN + 0x100000u)), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("icmp: scan mode (ISN check): a seq the key never gave", HC_SENT,
	   F(ICMP(3, 13, HC_ISN)), .xdp_flags = XS_CFG_ISN_CHECK,
	   .no_conn = true, X_ICMP_BAD, U(OK, ICMP),
	   .why = "the stateless check knows the keyed ISN, not the table's; "
		  "this context's ISN stands for the keyed one in userspace"),
	HC("icmp: an ICMP error quoting an ICMP error", HC_SENT,
	   F(ICMP(3, 1, HC_ISN), .icmp_qicmp = true), X_ICMP_BAD,
	   U(OK, BAD_QUOTE)),
	HC("icmp: bad ICMP checksum, valid quote", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .icmp_csum_xor = 0x0100), X_ICMP,
	   U(OK, BAD_CSUM), .why = WHY_ICMP_CSUM),
	HC("icmp: bad outer IPv4 checksum", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .ip_csum_xor = 0x0001), X_BAD_CSUM,
	   U(OK, BAD_IP_CSUM)),
	HC("icmp: the error itself fragmented (MF)", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .frag_off = 0x2000), X_PASS,
	   U(FRAGMENT, NOT_OURS)),
	HC("icmp: quote of a fragment (MF)", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .icmp_qfrag = 0x2000), X_ICMP_BAD,
	   U(OK, BAD_QUOTE)),
	HC("icmp: quote of a non-first fragment (offset 8)", HC_SENT,
	   F(ICMP(3, 13, HC_ISN), .icmp_qfrag = 0x0008), X_ICMP_BAD,
	   U(OK, BAD_QUOTE)),
	HC("icmp: redirect (type 5) quoting our SYN", HC_SENT,
	   F(ICMP(5, 1, HC_ISN)), X_PASS, U(ICMP_TYPE, NOT_OURS)),

	/* ============================================================ IPv6 */
	/* -------------------------------------------------- the good ones */
	HC("v6: valid SYN-ACK", HC6_SENT, F6(.flags = SA), X_SYNACK,
	   U(OK, SYNACK)),
	HC("v6: valid SYN-ACK with Linux's options", HC6_SENT,
	   F6(.flags = SA, TOPT(LINUX_OPTS)), X_SYNACK, U(OK, SYNACK),
	   LINUX_PARSED),
	HC("v6: RST+ACK acknowledging our SYN (port closed)", HC6_SENT,
	   F6(.flags = RA), X_RST, U(OK, REFUSED)),
	HC("v6: Ethernet padding after a SYN-ACK is not payload", HC6_SENT,
	   F6(.flags = SA, .pad = 6), X_SYNACK, U(OK, SYNACK)),
	HC("v6: SYN-ACK with 3 bytes of data (odd length)", HC6_SENT,
	   F6(.flags = SA, .payload = 3), X_SYNACK, U(OK, SYNACK)),

	/* ----------------------- extension headers, walked 4 deep at most */
	HC("v6: hop-by-hop options, valid SYN-ACK", HC6_SENT,
	   F6(.flags = SA, EXT(0)), X_SYNACK, U(OK, SYNACK)),
	HC("v6: destination options of 24 bytes, valid SYN-ACK", HC6_SENT,
	   F6(.flags = SA, EXT(60), EXTL(2)), X_SYNACK, U(OK, SYNACK)),
	HC("v6: routing header type 0, no segments left, valid SYN-ACK",
	   HC6_SENT, F6(.flags = SA, EXT(43), EXTL(2)), X_SYNACK,
	   U(OK, SYNACK)),
	HC("v6: hop-by-hop, destination, routing, destination (the bound)",
	   HC6_SENT, F6(.flags = SA, EXT(0, 60, 43, 60), EXTL(0, 1, 2, 0)),
	   X_SYNACK, U(OK, SYNACK)),
	HC("v6: 4 extension headers, then an RST+ACK", HC6_SENT,
	   F6(.flags = RA, EXT(0, 60, 60, 60)), X_RST, U(OK, REFUSED)),
	HC("v6: 5 extension headers (beyond the bound)", HC6_SENT,
	   F6(.flags = SA, EXT(0, 60, 43, 60, 60)), X_V6_DEEP,
	   U(EXT_CHAIN, NOT_OURS)),
	HC("v6: 8 destination options headers", HC6_SENT,
	   F6(.flags = SA, EXT(60, 60, 60, 60, 60, 60, 60, 60)), X_V6_DEEP,
	   U(EXT_CHAIN, NOT_OURS)),
	HC("v6: 5 routing headers, no segments left", HC6_SENT,
	   F6(.flags = SA, EXT(43, 43, 43, 43, 43)), X_V6_DEEP,
	   U(EXT_CHAIN, NOT_OURS)),
	/* At the bound, what comes next is judged as anywhere else. */
	HC("v6: 4 destination options, then UDP (not deeper)", HC6_SENT,
	   F6(.upper = 17, .payload = 4, EXT(60, 60, 60, 60)), X_PASS,
	   U(NOT_TCP, NOT_OURS)),
	HC("v6: 4 extension headers, then a fragment header", HC6_SENT,
	   F6(.flags = SA, EXT(0, 60, 43, 60, 44)), X_V6_FRAG,
	   U(FRAGMENT6, NOT_OURS)),
	HC("v6: 4 extension headers, then hop-by-hop again", HC6_SENT,
	   F6(.flags = SA, EXT(0, 60, 43, 60, 0)), X_MALFORMED,
	   U(BAD_EXT, MALFORMED)),

	/* ------------------------------------------ fragments: not ours */
	HC("v6: fragment header (first fragment, more to come)", HC6_SENT,
	   F6(.flags = SA, EXT(44)), X_V6_FRAG, U(FRAGMENT6, NOT_OURS)),
	HC("v6: fragment header after hop-by-hop", HC6_SENT,
	   F6(.flags = SA, EXT(0, 44)), X_V6_FRAG, U(FRAGMENT6, NOT_OURS)),
	HC("v6: fragment header after destination options", HC6_SENT,
	   F6(.flags = RA, EXT(60, 44)), X_V6_FRAG, U(FRAGMENT6, NOT_OURS)),

	/* ---------------------------------------------- payload lengths */
	HC("v6: payload length one byte beyond the frame", HC6_SENT,
	   F6(.flags = SA, .plen_delta = 1), X_MALFORMED,
	   U(BAD_PLEN, MALFORMED)),
	HC("v6: payload length 65535", HC6_SENT,
	   F6(.flags = SA, .plen_set = true, .plen = 65535), X_MALFORMED,
	   U(BAD_PLEN, MALFORMED)),
	HC("v6: payload length 12, below the TCP header (rest padding)",
	   HC6_SENT, F6(.flags = SA, .plen_set = true, .plen = 12, .pad = 8),
	   X_MALFORMED, U(SHORT_TCP, MALFORMED)),
	HC("v6: payload length 0, no hop-by-hop header", HC6_SENT,
	   F6(.flags = SA, .plen_set = true, .plen = 0), X_MALFORMED,
	   U(SHORT_TCP, MALFORMED)),
	HC("v6: payload length ends inside the TCP options", HC6_SENT,
	   F6(.flags = SA, TOPT(LINUX_OPTS), .plen_delta = -8, .pad = 8),
	   X_MALFORMED, U(BAD_DOFF, MALFORMED)),
	HC("v6: payload length below the extension header", HC6_SENT,
	   F6(.flags = SA, EXT(60), EXTL(2), .plen_set = true, .plen = 16,
	      .pad = 28),
	   X_MALFORMED, U(BAD_EXT, MALFORMED)),
	HC("v6: payload length ends between the extension header and TCP",
	   HC6_SENT,
	   F6(.flags = SA, EXT(60), .plen_set = true, .plen = 8, .pad = 20),
	   X_MALFORMED, U(SHORT_TCP, MALFORMED)),
	HC("v6: Ethernet header only (14 bytes)", HC6_SENT,
	   F6(.flags = SA, .trunc = 14), X_MALFORMED, U(SHORT_IP6, MALFORMED)),
	HC("v6: cut inside the IPv6 header (44 bytes)", HC6_SENT,
	   F6(.flags = SA, .trunc = 14 + 30), X_MALFORMED,
	   U(SHORT_IP6, MALFORMED)),
	HC("v6: cut inside the TCP header", HC6_SENT,
	   F6(.flags = SA, .trunc = 14 + 40 + 10), X_MALFORMED,
	   U(BAD_PLEN, MALFORMED)),
	HC("v6: extension header cut by the frame end", HC6_SENT,
	   F6(.flags = SA, EXT(60), EXTL(8), .trunc = 14 + 40 + 20),
	   X_MALFORMED, U(BAD_PLEN, MALFORMED)),

	/* ------------------------------------------- next-header loops */
	HC("v6: next-header loop: hop-by-hop twice", HC6_SENT,
	   F6(.flags = SA, EXT(0, 0)), X_MALFORMED, U(BAD_EXT, MALFORMED)),
	HC("v6: hop-by-hop after destination options", HC6_SENT,
	   F6(.flags = SA, EXT(60, 0)), X_MALFORMED, U(BAD_EXT, MALFORMED)),
	HC("v6: next-header loop: destination options to the end", HC6_SENT,
	   F6(.upper = 60, EXT(60, 60)), X_MALFORMED, U(BAD_EXT, MALFORMED)),
	HC("v6: next-header loop: routing headers to the end", HC6_SENT,
	   F6(.upper = 43, EXT(43)), X_MALFORMED, U(BAD_EXT, MALFORMED)),

	/* --------------------------------- other upper layers, versions */
	HC("v6: unknown next header 253", HC6_SENT, F6(.upper = 253), X_PASS,
	   U(NOT_TCP, NOT_OURS)),
	HC("v6: no next header (59)", HC6_SENT, F6(.upper = 59), X_PASS,
	   U(NOT_TCP, NOT_OURS)),
	HC("v6: unknown next header after destination options", HC6_SENT,
	   F6(.upper = 253, EXT(60)), X_PASS, U(NOT_TCP, NOT_OURS)),
	HC("v6: UDP to our port", HC6_SENT, F6(.upper = 17, .payload = 4),
	   X_PASS, U(NOT_TCP, NOT_OURS)),
	HC("v6: version 4 inside ethertype 0x86DD", HC6_SENT,
	   F6(.flags = SA, .ver = 4), X_MALFORMED, U(BAD_VERSION6, MALFORMED)),
	HC("v6: version 15 inside ethertype 0x86DD", HC6_SENT,
	   F6(.flags = SA, .ver = 15), X_MALFORMED, U(BAD_VERSION6, MALFORMED)),
	HC("v6: jumbogram (payload length 0, Jumbo Payload option)", HC6_SENT,
	   F6(.flags = SA, EXT(0), .jumbo = true, .plen_set = true),
	   X_MALFORMED, U(JUMBO, MALFORMED)),
	HC("v6: payload length 0 with hop-by-hop, no Jumbo option", HC6_SENT,
	   F6(.flags = SA, EXT(0), .plen_set = true), X_MALFORMED,
	   U(JUMBO, MALFORMED)),
	/* Neither layer reads the options inside hop-by-hop and destination
	 * options headers (the kernel does, and refuses this one with a
	 * parameter problem, RFC 2675 section 3): a valid SYN-ACK whatever
	 * they say. */
	HC("v6: Jumbo Payload option, payload length set (options not read)",
	   HC6_SENT, F6(.flags = SA, EXT(0), .jumbo = true), X_SYNACK,
	   U(OK, SYNACK)),
	HC("v6: routing header type 0 with segments left", HC6_SENT,
	   F6(.flags = SA, EXT(43), EXTL(2), .rt_segleft = 1), X_PASS,
	   U(RH0, MALFORMED)),
	HC("v6: routing header type 4 (SRH) with segments left", HC6_SENT,
	   F6(.flags = SA, EXT(43), EXTL(2), .rt_type = 4, .rt_segleft = 1),
	   X_PASS, U(ROUTED, NOT_OURS)),
	HC("v6: ICMPv6 neighbour solicitation to us", HC6_SENT,
	   F6(.icmp_type = 135), X_PASS, U(ICMP_TYPE, NOT_OURS)),
	HC("v6: ICMPv6 echo request", HC6_SENT, F6(.icmp_type = 128), X_PASS,
	   U(ICMP_TYPE, NOT_OURS)),

	/* ------------------------- TCP checksums (mandatory over IPv6) */
	HC("v6: TCP checksum 0", HC6_SENT,
	   F6(.flags = SA, .csum = XS_T6_CSUM_ZERO), X_BAD_CSUM,
	   U(OK, BAD_CSUM)),
	HC("v6: TCP checksum off by one", HC6_SENT,
	   F6(.flags = SA, .csum = XS_T6_CSUM_XOR), X_BAD_CSUM,
	   U(OK, BAD_CSUM)),
	HC("v6: TCP checksum off by one on an RST+ACK", HC6_SENT,
	   F6(.flags = RA, .csum = XS_T6_CSUM_XOR), X_BAD_CSUM,
	   U(OK, BAD_CSUM)),
	HC("v6: TCP checksum off by one, odd-length data", HC6_SENT,
	   F6(.flags = SA, .payload = 3, .csum = XS_T6_CSUM_XOR), X_BAD_CSUM,
	   U(OK, BAD_CSUM)),
	HC("v6: TCP checksum off by one after extension headers", HC6_SENT,
	   F6(.flags = SA, EXT(0, 60), .csum = XS_T6_CSUM_XOR), X_BAD_CSUM,
	   U(OK, BAD_CSUM)),
	HC("v6: TCP checksum wrong, to a port outside our range", HC6_SENT,
	   F6(.flags = SA, .dport = 22, .csum = XS_T6_CSUM_XOR), X_PASS,
	   U(OK, NOT_OURS)),
	HC("v6: pseudo-header sum only (CHECKSUM_PARTIAL)", HC6_SENT,
	   F6(.flags = SA, .csum = XS_T6_CSUM_PARTIAL), X_SYNACK,
	   U(OK, SYNACK)),
	HC("v6: CHECKSUM_PARTIAL with options and odd-length data", HC6_SENT,
	   F6(.flags = SA, TOPT(LINUX_OPTS), .payload = 5,
	      .csum = XS_T6_CSUM_PARTIAL),
	   X_SYNACK, U(OK, SYNACK), LINUX_PARSED),
	HC("v6: CHECKSUM_PARTIAL RST+ACK", HC6_SENT,
	   F6(.flags = RA, .csum = XS_T6_CSUM_PARTIAL), X_RST, U(OK, REFUSED)),
	HC("v6: pseudo-header sum off by one", HC6_SENT,
	   F6(.flags = SA, .csum = XS_T6_CSUM_PARTIAL_XOR), X_BAD_CSUM,
	   U(OK, BAD_CSUM)),

	/* ------------------------------------------- acks, flags, tuples */
	HC("v6: SYN-ACK ack = ISN", HC6_SENT, F6(.flags = SA, ACK(HC_ISN)),
	   X_INVALID, U(OK, BAD_ACK)),
	HC("v6: SYN-ACK ack = ISN + 2", HC6_SENT,
	   F6(.flags = SA, ACK(HC_ISN + 2)), X_INVALID, U(OK, BAD_ACK)),
	HC("v6: RST+ACK ack = ISN + 2", HC6_SENT,
	   F6(.flags = RA, ACK(HC_ISN + 2)), X_INVALID, U(OK, BAD_ACK)),
	HC("v6: RST without ACK", HC6_SENT, F6(.flags = XS_TCP_RST), X_INVALID,
	   U(OK, RST_NO_ACK)),
	HC("v6: SYN+RST+ACK acknowledging our SYN", HC6_SENT,
	   F6(.flags = SA | XS_TCP_RST), X_MALFORMED, U(OK, BAD_FLAGS)),
	HC("v6: ACK without SYN", HC6_SENT, F6(.flags = XS_TCP_ACK), X_PASS,
	   U(OK, IGNORED)),
	HC("v6: doff 4", HC6_SENT, F6(.flags = SA, .doff = 4), X_MALFORMED,
	   U(BAD_DOFF, MALFORMED)),
	HC("v6: doff 15 beyond a 20-byte segment", HC6_SENT,
	   F6(.flags = SA, .doff = 15), X_MALFORMED, U(BAD_DOFF, MALFORMED)),
	HC("v6: SYN-ACK to another address", HC6_SENT,
	   F6(.flags = SA, .daddr = hc6_other), X_PASS, U(OK, NOT_OURS)),
	HC("v6: SYN-ACK to the port below our range", HC6_SENT,
	   F6(.flags = SA, .dport = HC6_PORT_LO - 1), X_PASS, U(OK, NOT_OURS)),
	HC("v6: SYN-ACK to the port above our range", HC6_SENT,
	   F6(.flags = SA, .dport = HC6_PORT_HI + 1), X_PASS, U(OK, NOT_OURS)),
	HC("v6: from an address we never sent to", HC6_SENT,
	   F6(.flags = SA, .saddr = hc6_other), X_SYNACK, U(OK, NOT_OURS),
	   .why = WHY_UNTRACKED),
	HC("v6: in range, for no handshake of ours", HC6_SENT,
	   F6(.flags = SA, .dport = HC6_PORT_LO + 1), X_SYNACK, U(OK, NOT_OURS),
	   .why = WHY_UNTRACKED),
	HC("v6: from an IPv4-mapped address", HC6_SENT,
	   F6(.flags = SA, .saddr = hc6_mapped), X_SYNACK,
	   U(V4MAPPED, MALFORMED), .why = WHY6_V4MAPPED),
	HC("v6: untracked: SYN-ACK ack = ISN + 2 left to userspace", HC6_SENT,
	   F6(.flags = SA, ACK(HC_ISN + 2)), .no_conn = true, X_SYNACK,
	   U(OK, BAD_ACK),
	   .why = "XDP judges acks only of handshakes in xs_conns or with "
		  "the ISN check; userspace judges the rest"),
	HC("v6: scan mode (ISN check): SYN-ACK with a failed cookie", HC6_SENT,
	   F6(.flags = SA, ACK(HC_ISN + 2)), .xdp_flags = XS_CFG_ISN_CHECK,
	   .no_conn = true, X_INVALID, U(OK, BAD_ACK)),

	/* ----------------------------------------------- once established */
	HC("v6: duplicate SYN-ACK after our ACK", HC6_EST, F6(.flags = SA),
	   X_SYNACK, U(OK, DUP_SYNACK)),
	HC("v6: SYN-ACK with another server ISN", HC6_EST,
	   F6(.flags = SA, SEQ(HC_SISN + 0x1000)), X_SYNACK, U(OK, CHALLENGE)),
	HC("v6: RST at exactly RCV.NXT", HC6_EST, F6(.flags = XS_TCP_RST),
	   X_RST, U(OK, PEER_RST)),
	HC("v6: data", HC6_EST,
	   F6(.flags = XS_TCP_PSH | XS_TCP_ACK, .payload = 20), X_OTHER,
	   U(OK, SEGMENT)),
	HC("v6: data after hop-by-hop and destination options", HC6_EST,
	   F6(.flags = XS_TCP_PSH | XS_TCP_ACK, .payload = 20, EXT(0, 60)),
	   X_OTHER, U(OK, SEGMENT)),
	HC("v6: data, CHECKSUM_PARTIAL", HC6_EST,
	   F6(.flags = XS_TCP_PSH | XS_TCP_ACK, .payload = 21,
	      .csum = XS_T6_CSUM_PARTIAL),
	   X_OTHER, U(OK, SEGMENT)),
	HC("v6: data with a bad TCP checksum", HC6_EST,
	   F6(.flags = XS_TCP_PSH | XS_TCP_ACK, .payload = 20,
	      .csum = XS_T6_CSUM_XOR),
	   X_BAD_CSUM, U(OK, BAD_CSUM)),
	HC("v6: FIN+ACK", HC6_EST, F6(.flags = XS_TCP_FIN | XS_TCP_ACK),
	   X_OTHER, U(OK, SEGMENT)),

	/* ------------------------------------ ICMPv6 errors (RFC 4443) */
	HC("v6 icmp: admin prohibited (1/1) quoting our SYN", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("v6 icmp: port unreachable (1/4) from the server itself", HC6_SENT,
	   F6(ICMP6Q(1, 4, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("v6 icmp: reject route (1/6) quoting our SYN", HC6_SENT,
	   F6(ICMP6(1, 6, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("v6 icmp: packet too big quoting our SYN", HC6_SENT,
	   F6(ICMP6(2, 0, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("v6 icmp: time exceeded (3/0) quoting our SYN", HC6_SENT,
	   F6(ICMP6(3, 0, HC_ISN)), X_ICMP, U(OK, ICMP)),
	HC("v6 icmp: unreachable after a hop-by-hop header", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), EXT(0)), X_ICMP, U(OK, ICMP)),
	HC("v6 icmp: packet too big quoting our data once established", HC6_EST,
	   F6(ICMP6(2, 0, HC_ISN + 1)), X_ICMP, U(OK, ICMP)),
	HC("v6 icmp: quote of 8 bytes of TCP (the minimum)", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_l4 = 8), X_ICMP, U(OK, ICMP)),
	HC("v6 icmp: quote cut to 4 bytes of TCP (no seq)", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_l4 = 4), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("v6 icmp: quote cut to 7 bytes of TCP", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_l4 = 7), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("v6 icmp: quote cut after the IPv6 header", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_l4 = 0xff), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("v6 icmp: payload length leaves 4 bytes of quoted TCP", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .plen_delta = -16, .pad = 16), X_ICMP_BAD,
	   U(OK, BAD_QUOTE)),
	HC("v6 icmp: quote cut inside the IPv6 header (20 bytes)", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_ip_cut = 20), X_MALFORMED,
	   U(SHORT_ICMP6, MALFORMED)),
	HC("v6 icmp: no quote at all", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_ip_cut = 0xff), X_MALFORMED,
	   U(SHORT_ICMP6, MALFORMED)),
	HC("v6 icmp: quoted header of version 4", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_ver = 4), X_ICMP_BAD,
	   U(ICMP6_QUOTE, MALFORMED)),
	HC("v6 icmp: quote of another source address", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_saddr = hc6_other), X_PASS,
	   U(OK, NOT_OURS)),
	HC("v6 icmp: quote of another server address, untracked", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_daddr = hc6_other), X_ICMP,
	   U(OK, NOT_OURS), .why = WHY_ICMP_UNTRACKED),
	HC("v6 icmp: quote of a port outside our range", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_sport = 5555), X_PASS, U(OK, NOT_OURS)),
	HC("v6 icmp: quote of another port of ours, untracked", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_sport = HC6_SPORT + 1), X_ICMP,
	   U(OK, NOT_OURS), .why = WHY_ICMP_UNTRACKED),
	HC("v6 icmp: quote of another server port, untracked", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_dport = 81), X_ICMP, U(OK, NOT_OURS),
	   .why = WHY_ICMP_UNTRACKED),
	HC("v6 icmp: quoted seq ISN + 1 in SYN-SENT", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN + 1)), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("v6 icmp: quoted seq ISN - 1", HC6_SENT, F6(ICMP6(3, 0, HC_ISN - 1)),
	   X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("v6 icmp: quoted seq far off", HC6_SENT,
	   F6(ICMP6(1, 4, HC_ISN + 0x40000000u)), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("v6 icmp: packet too big quoting ISN + 1 in SYN-SENT", HC6_SENT,
	   F6(ICMP6(2, 0, HC_ISN + 1)), X_ICMP, U(OK, BAD_QUOTE),
	   .why = WHY_ICMP_DATA),
	HC("v6 icmp: unreachable code 7 (no probe of ours draws it)", HC6_SENT,
	   F6(ICMP6(1, 7, HC_ISN)), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("v6 icmp: time exceeded in reassembly (3/1)", HC6_SENT,
	   F6(ICMP6(3, 1, HC_ISN)), X_ICMP_BAD, U(OK, BAD_QUOTE)),
	HC("v6 icmp: an ICMPv6 error quoting an ICMPv6 error", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_next = 58, .q_icmp_type = 1), X_ICMP_BAD,
	   U(OK, BAD_QUOTE)),
	HC("v6 icmp: quoting an echo request", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_next = 58, .q_icmp_type = 128), X_PASS,
	   U(OK, NOT_OURS)),
	HC("v6 icmp: quote with destination options before our SYN", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .q_dstopts = true), X_PASS, U(OK, ICMP),
	   .why = WHY6_QUOTE_EXT),
	HC("v6 icmp: quoting UDP", HC6_SENT,
	   F6(ICMP6(1, 4, HC_ISN), .q_next = 17), X_PASS, U(OK, NOT_OURS)),
	HC("v6 icmp: bad ICMPv6 checksum, valid quote", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .csum = XS_T6_CSUM_XOR), X_ICMP,
	   U(OK, BAD_CSUM), .why = WHY_ICMP_CSUM),
	HC("v6 icmp: to another address of this host", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), .daddr = hc6_other), X_PASS,
	   U(OK, NOT_OURS)),
	HC("v6 icmp: the error itself behind a fragment header", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN), EXT(44)), X_V6_FRAG, U(FRAGMENT6, NOT_OURS)),
	HC("v6 icmp: parameter problem (type 4) quoting our SYN", HC6_SENT,
	   F6(ICMP6(4, 0, HC_ISN)), X_PASS, U(ICMP_TYPE, NOT_OURS)),
	HC("v6 icmp: scan mode (ISN check): a seq the key never gave", HC6_SENT,
	   F6(ICMP6(1, 1, HC_ISN)), .xdp_flags = XS_CFG_ISN_CHECK,
	   .no_conn = true, X_ICMP_BAD, U(OK, ICMP),
	   .why = "the stateless check knows the keyed ISN, not the table's; "
		  "this context's ISN stands for the keyed one in userspace"),
};

#define HC_NCASES (sizeof(hostile_cases) / sizeof(hostile_cases[0]))

/*
 * The description of an IPv6 case's frame, every default filled in from
 * its context: the addresses and ports (from the server to us; an ICMPv6
 * error's quote from us to the server), seq and ack as hc_build() says.
 */
static inline void hc_fill6(const struct hostile_case *hc, struct xs_t6 *f)
{
	const struct hc_ctx_def *d = &hc_ctxs[hc->ctx];

	*f = hc->f6;
	if (!f->saddr)
		f->saddr = d->rc.daddr.b;
	if (!f->daddr)
		f->daddr = d->rc.saddr.b;
	if (!f->sport)
		f->sport = d->rc.dport;
	if (!f->dport)
		f->dport = d->rc.sport;
	if (!f->q_saddr)
		f->q_saddr = d->rc.saddr.b;
	if (!f->q_daddr)
		f->q_daddr = d->rc.daddr.b;
	if (!f->q_sport)
		f->q_sport = d->rc.sport;
	if (!f->q_dport)
		f->q_dport = d->rc.dport;
	if (!f->seq_set) {
		f->seq_set = true;
		f->seq = d->server_isn + (f->flags & XS_TCP_SYN ? 0 : 1);
	}
	if (!f->ack_set) {
		f->ack_set = true;
		f->ack = d->rc.isn + 1;
	}
}

/*
 * The frame of case hc, as every layer sees it, into buf (HC_FRAME_MAX
 * bytes); its length.  Unset addresses and ports are the context's (from
 * the server to us); an unset seq is the server's ISN (+1 without SYN), an
 * unset ack our ISN + 1.  The description actually built goes to *out (an
 * IPv4 case's; zero for an IPv6 one: hc_fill6()).
 */
static inline size_t hc_build(const struct hostile_case *hc, uint8_t *buf,
			      struct xs_tframe *out)
{
	const struct hc_ctx_def *d = &hc_ctxs[hc->ctx];
	struct xs_tf_defaults def = {
		.saddr = xs_addr_get_v4(&d->rc.daddr),
		.daddr = xs_addr_get_v4(&d->rc.saddr),
		.sport = d->rc.dport,
		.dport = d->rc.sport,
	};
	struct xs_tframe f = hc->f;
	struct xs_t6 f6;

	if (hc_ctx_is6(hc->ctx)) {
		if (out)
			memset(out, 0, sizeof(*out));
		hc_fill6(hc, &f6);
		return xs_t6_build(buf, &f6);
	}
	if (!f.seq_set) {
		f.seq_set = true;
		f.seq = d->server_isn + (f.flags & XS_TCP_SYN ? 0 : 1);
	}

	if (!f.ack_set) {
		f.ack_set = true;
		f.ack = d->rc.isn + 1;
	}
	if (out)
		*out = f;
	return xs_tf_build(buf, &f, &def);
}

#endif /* XS_HOSTILE_CASES_H */
