/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake connect: one handshake, printed packet by packet.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "clock.h"
#include "cli.h"
#include "ethtool.h"
#include "commands.h"
#include "handshake.h"
#include "icmp.h"
#include "isn.h"
#include "json.h"
#include "loader.h"
#include "logfmt.h"
#include "nl.h"
#include "opts.h"
#include "output.h"
#include "packet.h"
#include "parse.h"
#include "connect_count.h"
#include "session.h"
#include "xsk.h"

struct connect_args {
	struct xs_target t; /* --interface, --netns */
	struct xs_session_opts so; /* --src, --mode, --tc */
	const char *dst;
	bool has_sport, has_dst_mac, count, quiet;
	uint16_t sport;
	uint8_t dst_mac[6];
	struct xs_addr src; /* --src: into so.src or so.src6 */
	char zone[XS_ZONE_LEN]; /* [fe80::1%IF]:PORT */
	uint32_t ttl; /* into hp.ttl, one byte */
	struct xs_hs_params hp;
	struct xs_loadtest lt;
};

#define F(f, type) XS_FIELD(struct connect_args, f, type)
static const struct xs_opt connect_opts[] = {
	XS_OPT_SEND_IFACE(struct connect_args, t.ifname),
	XS_OPT_NETNS(struct connect_args, t.netns),
	XS_OPT_MODE(struct connect_args, so.mode,
		    "XDP mode when attached for the run: native or skb"),
	XS_OPT_TC(
		struct connect_args, so.tc,
		"TC attach for the run: auto (tcx link if the\nkernel has it, else clsact), tcx, clsact"),
	{ .section = "Addresses:",
	  .name = "src",
	  .type = XS_OPT_ADDR,
	  .metavar = "IP",
	  .off = F(src, struct xs_addr),
	  .help = "source address, of the destination's family (default:\nthe loaded config or the interface's first IPv4 or\nglobal IPv6 address)" },
	XS_SRC_ALIASES,
	{ .name = "sport",
	  .type = XS_OPT_PORT,
	  .metavar = "N",
	  .off = F(sport, uint16_t),
	  .conflicts = "count",
	  .help = "source port (default: random in the port range;\n--count cycles through --sports instead)" },
	XS_ALIAS("source-port", 'g', "sport", "masscan; -g: nmap"),
	{ .name = "dst-mac",
	  .type = XS_OPT_MAC,
	  .metavar = "MAC",
	  .off = F(dst_mac, uint8_t[6]),
	  .help = "next hop's MAC (default: from the kernel's route\nand neighbour tables, resolved by ARP if needed)" },
	XS_DST_MAC_ALIAS,
	{ .section = "The SYN:",
	  .name = "seq",
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .off = F(hp.seq, uint32_t),
	  .conflicts = "count",
	  .help = "our ISN (default: SipHash of the 4-tuple)" },
	XS_OPT_WINDOW(struct connect_args, hp.window, "TCP window"),
	XS_OPT_TTL(struct connect_args, ttl, "IP TTL (IPv6: the hop limit)"),
	{ .name = "ip-id",
	  .type = XS_OPT_U16,
	  .metavar = "N",
	  .max = 65535,
	  .off = F(hp.ip_id, uint16_t),
	  .conflicts = "count",
	  .help = "IP ID of every frame (default: random, counting up;\nIPv4 only)" },
	{ .name = "mss",
	  .type = XS_OPT_U16,
	  .metavar = "N",
	  .min = 1,
	  .max = 65535,
	  .off = F(hp.mss, uint16_t),
	  .conflicts = "no-options",
	  .help = "MSS option (default: interface MTU - 40, IPv6 - 60;\nat most what an AF_XDP frame holds, 1738 (IPv6\n1718): more is cut to that, with a warning)" },
	{ .name = "no-options",
	  .type = XS_OPT_FLAG,
	  .off = F(hp.no_options, bool),
	  .conflicts = "count",
	  .help = "send no TCP options" },
	{ .section = "Retries and close:",
	  .name = "timeout",
	  .type = XS_OPT_MS,
	  .metavar = "MS",
	  .min = 1,
	  .max = 600000,
	  .def = "1000",
	  .unit = "ms",
	  .off = XS_INT_FIELD(struct connect_args, hp.timeout_ms),
	  .help = "first SYN timeout, doubled per retry" },
	{ .name = "retries",
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .max = XS_MAX_RETRIES,
	  .def = "3",
	  .off = XS_INT_FIELD(struct connect_args, hp.retries),
	  .help = "SYN retransmissions" },
	{ .name = "close",
	  .type = XS_OPT_ENUM,
	  .metavar = "MODE",
	  .names = xs_close_names,
	  .off = XS_INT_FIELD(struct connect_args, hp.close),
	  .help = "after the handshake: none (stays established), rst,\nor fin (default none; with --count rst)" },
	{ .section =
		  "Load test: repeated handshakes over the source port range:",
	  .name = "count",
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .min = 1,
	  .max = 1000000000,
	  .off = F(lt.count, uint32_t),
	  .help = "N handshakes, each attempted once: a source port is\nreused when its last handshake has its outcome\n(rst), after 60 s (fin), never (none: N at most the\nports)" },
	{ .name = "concurrency",
	  .type = XS_OPT_UINT,
	  .metavar = "C",
	  .min = 1,
	  .max = 1000000,
	  .off = F(lt.concurrency, uint32_t),
	  .requires = "count",
	  .help = "at most C in flight (default 256)" },
	{ .name = "rate",
	  .type = XS_OPT_UINT,
	  .metavar = "R",
	  .max = 100000000,
	  .unit = "SYNs per second",
	  .off = F(lt.rate, uint32_t),
	  .requires = "count",
	  .help = "at most R SYNs per second (default: no limit)" },
	{ .name = "duration",
	  .type = XS_OPT_UINT,
	  .metavar = "S",
	  .min = 1,
	  .max = 86400,
	  .unit = "seconds",
	  .off = F(lt.duration_s, uint32_t),
	  .requires = "count",
	  .help = "stop starting new ones after S seconds" },
	{ .name = "fast-path",
	  .type = XS_OPT_FLAG,
	  .off = F(lt.fast_path, bool),
	  .requires = "count",
	  .help = "the final ACK from XDP (XDP_TX), the close from\nhere (see README: the fast path)" },
	{ .name = "sports",
	  .type = XS_OPT_PORT_RANGE,
	  .metavar = "LO-HI",
	  .off = F(lt.sport_lo, uint16_t),
	  .off2 = F(lt.sport_hi, uint16_t),
	  .requires = "count",
	  .help = "source ports to cycle through" },
	{ .section = "Output:",
	  .name = "quiet",
	  .short_name = 'q',
	  .type = XS_OPT_FLAG,
	  .off = F(quiet, bool),
	  .help = "print only the result line" },
	{}
};
#undef F

static const struct xs_cmd connect_cmd = {
	.name = "connect",
	.synopsis =
		"Usage: xdpshake connect -i IFACE [--netns NS] DST_IP:PORT [options]\n"
		"       xdpshake connect -i IFACE [--netns NS] [DST_IP6]:PORT [options]\n",
	.desc = "One TCP three-way handshake with DST_IP:PORT (IPv6: [DST_IP6]:PORT),\n"
		"outside the local kernel's TCP stack: SYN and ACK go out through an\n"
		"AF_XDP socket, the SYN-ACK comes back through the XDP filter. Uses what\n"
		"'xdpshake load' attached to IFACE,\n"
		"or attaches both programs for the duration of the run.\n"
		"Prints the packets in the tutorial log format (the log of the tutorial\n"
		"xdpshake grew out of: Python raw sockets), then the result\n"
		"(-j: JSON lines, one object per packet, then the result).\n",
	.opts = connect_opts,
	.epilog =
		"Exit codes: 0 established (--count: all N, or all started within\n"
		"--duration), 1 usage/configuration, 2 refused (RST), 3 no answer after\n"
		"the retries, 4 environment (also: the interface deleted or down, its\n"
		"namespace deleted, the filter detached during the run), 5 --count:\n"
		"not all N established (the summary counts each: established, refused,\n"
		"timed out, unfinished, not attempted), 6 the result could not be\n"
		"written (standard output),\n"
		"7 unreachable: an ICMP error quoting our SYN answered it (filtered or\n"
		"unreachable, see README \"ICMP errors\"), 130 interrupted.\n",
};

/* For the man page and completion generators (doc.h). */
const struct xs_cmd *const xs_cmd_connect = &connect_cmd;

/*
 * The destination and what depends on its family: the source asked for,
 * the family the session needs a source of, options IPv6 lacks.  -1 to go
 * on, or an exit code.
 */
static int dst_args(struct connect_args *a)
{
	struct xs_hs_params *hp = &a->hp;
	bool v4;
	const char *why;

	if (xs_parse_endpoint(a->dst, &hp->daddr, &hp->dport, a->zone, &why))
		return xs_err(XS_EXIT_USAGE, "'%s' is not DST_IP:PORT: %s",
			      a->dst, why);
	v4 = xs_addr_is_v4(&hp->daddr);
	if (a->zone[0] && strcmp(a->zone, a->t.ifname))
		return xs_err(
			XS_EXIT_USAGE,
			"'%s': the zone %%%s is not the interface %s the handshake goes out of",
			a->dst, a->zone, a->t.ifname);
	if (!xs_addr_is_zero(&a->src) && xs_addr_is_v4(&a->src) != v4)
		return xs_err(XS_EXIT_USAGE,
			      "--src is %s, the destination '%s' %s",
			      v4 ? "IPv6" : "IPv4", a->dst,
			      v4 ? "IPv4" : "IPv6");
	if (v4)
		a->so.src = xs_addr_get_v4(&a->src);
	else
		a->so.src6 = a->src;
	a->so.need_v4 = v4;
	a->so.need_v6 = !v4;
	a->so.link_local6 = !v4 && xs_addr_is_link_local(&hp->daddr);
	if (!v4 && hp->has_ip_id)
		return xs_err(XS_EXIT_USAGE,
			      "--ip-id: IPv6 has no IP ID (destination '%s')",
			      a->dst);
	return -1;
}

/* Options into a, then the destination: -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct connect_args *a)
{
	const struct xs_cmd *cmd = &connect_cmd;
	struct xs_hs_params *hp = &a->hp;
	xs_opts_seen_t seen;
	int ret;

	hp->close = XS_CLOSE_NONE;
	hp->sigfd = -1;
	ret = xs_opts_parse(cmd, argc, argv, a, &seen);
	if (ret >= 0)
		return ret;
	hp->ttl = a->ttl;
	hp->has_seq = xs_opts_given(cmd, seen, "seq");
	hp->has_ip_id = xs_opts_given(cmd, seen, "ip-id");
	a->has_sport = xs_opts_given(cmd, seen, "sport");
	a->has_dst_mac = xs_opts_given(cmd, seen, "dst-mac");
	a->count = xs_opts_given(cmd, seen, "count");
	a->lt.close_given = xs_opts_given(cmd, seen, "close");
	a->lt.sports_given = xs_opts_given(cmd, seen, "sports");
	if (optind >= argc)
		return xs_err(
			XS_EXIT_USAGE,
			"connect needs a destination DST_IP:PORT: see 'xdpshake connect -h'");
	if (optind + 1 < argc)
		return xs_err(
			XS_EXIT_USAGE,
			"unexpected argument '%s': see 'xdpshake connect -h'",
			argv[optind + 1]);
	a->dst = argv[optind];
	return dst_args(a);
}

/* An IPv6 frame as the monitor prints it (logfmt.h: IPv6's field names). */
static void print_packet6(const struct xs_hs_logent *e)
{
	struct xs_ip6 ip6;
	struct xs_pkt k;

	if (xs_parse_frame6(e->frame, e->len, &k, &ip6) != XS_PARSE_OK)
		return;
	if (xs_json)
		xs_log_json6(stdout, &k, &ip6, e->sent ? "sent" : "received",
			     NULL, &e->ts);
	else
		xs_log_tutorial6(stdout, &k, &ip6, &e->ts);
}

static void print_packets(const struct xs_hs_result *r)
{
	struct xs_pkt k;
	unsigned int i;

	for (i = 0; i < r->n_log; i++) {
		const struct xs_hs_logent *e = &r->log[i];

		/* Segments, and the ICMP error that ended a handshake. */
		if (xs_parse_reply_frame(e->frame, e->len, &k) != XS_PARSE_OK)
			continue;
		if (k.ip_version == 6)
			print_packet6(e);
		else if (xs_json)
			xs_log_json(stdout, &k, e->sent ? "sent" : "received",
				    &e->ts);
		else
			xs_log_tutorial(stdout, &k, &e->ts);
	}
}

static int outcome_exit(enum xs_outcome o)
{
	switch (o) {
	case XS_OUT_ESTABLISHED:
		return XS_EXIT_OK;
	case XS_OUT_REFUSED:
		return XS_EXIT_REFUSED;
	case XS_OUT_TIMEOUT:
		return XS_EXIT_NOANSWER;
	case XS_OUT_UNREACHABLE:
		return XS_EXIT_UNREACHABLE;
	case XS_OUT_INTERRUPTED:
		return XS_EXIT_INTERRUPTED;
	default:
		return XS_EXIT_ENV;
	}
}

/* The ICMP error that answered: the same fields as a scan result's. */
static void icmp_json(struct xs_jw *w, const struct xs_hs_result *r)
{
	uint8_t ver = xs_addr_is_v4(&r->icmp_from) ? 4 : 6;
	char from[XS_ADDR_STRLEN];

	xs_addr_fmt(&r->icmp_from, from);
	xs_jw_string_field(w, "state",
			   xs_icmp_state_str(xs_icmp_state(ver, r->icmp_type,
							   r->icmp_code)));
	xs_jw_uint_field(w, "icmp_type", r->icmp_type);
	xs_jw_uint_field(w, "icmp_code", r->icmp_code);
	xs_jw_string_field(w, "icmp_reason",
			   xs_icmp_reason(ver, r->icmp_type, r->icmp_code));
	xs_jw_string_field(w, "icmp_from", from);
}

/*
 * The result object.  rtt_us (SYN to the answer) is null when nothing
 * answered, handshake_us (first SYN to our ACK) unless the handshake was
 * established: a time that was not measured is no 0.
 */
static void print_result_json(const struct connect_args *a,
			      const struct xs_hs_result *r, int stats_fd)
{
	const struct xs_hs_params *p = &a->hp;
	bool answered = r->outcome == XS_OUT_ESTABLISHED ||
			r->outcome == XS_OUT_REFUSED ||
			r->outcome == XS_OUT_UNREACHABLE;
	char src[XS_ADDR_STRLEN], dst[XS_ADDR_STRLEN], why[160];
	struct xs_stats st;
	struct xs_jw w;
	int i;

	xs_addr_fmt(&p->saddr, src);
	xs_addr_fmt(&p->daddr, dst);
	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "result");
	xs_jw_string_field(&w, "result", xs_outcome_str(r->outcome));
	xs_jw_int_field(&w, "exit_code", outcome_exit(r->outcome));
	xs_jw_string_field(&w, "family", xs_addr_family_str(&p->daddr));
	xs_jw_string_field(&w, "src", src);
	xs_jw_uint_field(&w, "sport", p->sport);
	xs_jw_string_field(&w, "dst", dst);
	xs_jw_uint_field(&w, "dport", p->dport);
	xs_jw_uint_field(&w, "isn", r->isn);
	xs_jw_uint_field(&w, "server_isn", r->server_isn);
	xs_jw_uint_field(&w, "syns_sent", r->syns_sent);
	if (answered)
		xs_jw_double_field(&w, "rtt_us", r->rtt_ns / 1e3, 3);
	else
		xs_jw_null_field(&w, "rtt_us");
	/* From the last SYN: after a retransmission, the SYN-ACK may answer
	 * an earlier one (Karn), and nothing tells which. */
	xs_jw_bool_field(&w, "rtt_ambiguous", answered && r->syns_sent > 1);
	if (r->outcome == XS_OUT_ESTABLISHED)
		xs_jw_double_field(&w, "handshake_us", r->handshake_ns / 1e3,
				   3);
	else
		xs_jw_null_field(&w, "handshake_us");
	xs_jw_string_field(&w, "close",
			   p->close == XS_CLOSE_RST ? "rst" :
			   p->close == XS_CLOSE_FIN ? "fin" :
						      "none");
	xs_jw_string_field(&w, "fin", xs_fin_str(r->fin));
	xs_jw_uint_field(&w, "ignored", r->ignored);
	xs_jw_uint_field(&w, "bad_ack", r->bad_ack);
	xs_jw_uint_field(&w, "bad_csum", r->bad_csum);
	xs_jw_uint_field(&w, "bad_quote", r->bad_quote);
	if (r->outcome == XS_OUT_UNREACHABLE)
		icmp_json(&w, r);
	if (r->err)
		xs_jw_string_field(&w, "error",
				   xs_run_fault(r->err, a->t.ifname, why,
						sizeof(why)));
	if (stats_fd >= 0 && !xs_read_stats(stats_fd, &st)) {
		xs_jw_object_field(&w, "counters");
		for (i = 0; i < XS_STAT_MAX; i++)
			xs_jw_uint_field(&w, xs_stat_name(i),
					 ((__u64 *)&st)[i]);
		xs_jw_end_object(&w);
	}
	xs_jw_end_object(&w);
}

static void print_result(const struct connect_args *a,
			 const struct xs_hs_result *r, int stats_fd)
{
	const struct xs_hs_params *p = &a->hp;
	char src[XS_ADDR_STRLEN + 8], dst[XS_ADDR_STRLEN + 8];
	char why[160];

	if (xs_json) {
		print_result_json(a, r, stats_fd);
		return;
	}
	xs_addr_fmt_port(&p->saddr, p->sport, src);
	xs_addr_fmt_port(&p->daddr, p->dport, dst);
	switch (r->outcome) {
	case XS_OUT_ESTABLISHED:
		printf("established %s -> %s in %.3f ms (", src, dst,
		       r->handshake_ns / 1e6);
		/* Our SYNs carry no timestamp, so after a retransmission
		 * the SYN-ACK may answer any of them (Karn): timed from the
		 * last, and said so. */
		if (r->syns_sent == 1)
			printf("SYN-ACK after %.3f ms, 1 SYN sent",
			       r->rtt_ns / 1e6);
		else
			printf("SYN-ACK %.3f ms after the last of %u SYNs sent, which of them it answers cannot be told",
			       r->rtt_ns / 1e6, r->syns_sent);
		printf(", ISN %u, server ISN %u", r->isn, r->server_isn);
		if (p->close == XS_CLOSE_RST)
			printf(", closed with RST");
		else if (p->close == XS_CLOSE_FIN)
			printf(", FIN close: %s", xs_fin_str(r->fin));
		printf(")\n");
		break;
	case XS_OUT_REFUSED:
		printf("refused: %s answered RST after %.3f ms\n", dst,
		       r->rtt_ns / 1e6);
		break;
	case XS_OUT_TIMEOUT:
		printf("no answer from %s after %u SYN%s\n", dst, r->syns_sent,
		       r->syns_sent == 1 ? "" : "s");
		break;
	case XS_OUT_UNREACHABLE:
		xs_addr_fmt(&r->icmp_from, src);
		printf("%s unreachable: %s (ICMP%s %u/%u) from %s\n", dst,
		       xs_icmp_reason(xs_addr_is_v4(&r->icmp_from) ? 4 : 6,
				      r->icmp_type, r->icmp_code),
		       xs_addr_is_v4(&r->icmp_from) ? "" : "v6", r->icmp_type,
		       r->icmp_code, src);
		break;
	case XS_OUT_INTERRUPTED:
		printf("interrupted before %s answered\n", dst);
		break;
	default:
		/* What the AF_XDP socket says when the interface goes away
		 * under it: name the cause, not only the errno.  Not a
		 * result: on stderr, as scan's and the load test's. */
		fprintf(stderr, "xdpshake: connect failed: %s\n",
			xs_run_fault(r->err, a->t.ifname, why, sizeof(why)));
		break;
	}
}

/*
 * The frame allocator's invariant (xsk.c): every UMEM frame is free, given
 * for RX, or on the TX side.  Cheap to check after a run, and a broken sum
 * is a leak that the next run would not show.
 */
static void check_frames(const struct xs_session *se)
{
	struct xs_xsk_frames f;
	unsigned int i;

	for (i = 0; i < se->nsocks; i++) {
		xs_xsk_frames(se->socks[i], &f);
		if (f.free + f.fill + f.tx != f.total)
			xs_warn("UMEM frame accounting broken on queue %u: free %u + fill %u + tx %u != %u",
				i, f.free, f.fill, f.tx, f.total);
	}
}

struct tracker {
	int conns_fd;
	struct xs_conn_key key;
};

/* Keep the kernel's connection table in step with the handshake. */
static void track(void *ctx, const struct xs_hs_result *r, bool done)
{
	struct tracker *t = ctx;
	struct xs_conn c = {};

	if (t->conns_fd < 0)
		return;
	if (!done) {
		c.state = XS_CONN_SYN_SENT;
		c.owner_pid = (__u32)getpid();
		c.isn = r->isn;
		c.syns_sent = r->syns_sent;
		c.syn_ns = xs_mono_ns();
		bpf_map_update_elem(t->conns_fd, &t->key, &c, BPF_ANY);
		return;
	}
	/* Keep what XDP stamped (reply_ns, rtt_us). */
	if (bpf_map_lookup_elem(t->conns_fd, &t->key, &c))
		return;
	switch (r->outcome) {
	case XS_OUT_ESTABLISHED:
		c.state = XS_CONN_ESTABLISHED;
		break;
	case XS_OUT_REFUSED:
		c.state = XS_CONN_REFUSED;
		break;
	case XS_OUT_TIMEOUT:
		c.state = XS_CONN_TIMED_OUT;
		break;
	case XS_OUT_UNREACHABLE:
		c.state = XS_CONN_UNREACHABLE;
		break;
	default:
		/* Interrupted or failed: not a handshake result. */
		bpf_map_delete_elem(t->conns_fd, &t->key);
		return;
	}
	c.server_isn = r->server_isn;
	c.done_ns = xs_mono_ns();
	bpf_map_update_elem(t->conns_fd, &t->key, &c, BPF_ANY);
}

/* The session one handshake needs: one source port, few frames. */
static int connect_open(struct connect_args *a, struct xs_session *se)
{
	struct xs_session_opts *so = &a->so;

	so->ifname = a->t.ifname;
	so->netns = a->t.netns;
	so->ports_given = a->has_sport;
	so->port_lo = so->port_hi = a->sport;
	so->pick_one_port = true;
	so->nframes = 512;
	so->cmd = "connect";
	/* --close fin has to see the server's FIN and data. */
	if (a->hp.close == XS_CLOSE_FIN)
		so->cfg_flags = XS_CFG_ALL_SEGMENTS;
	return xs_session_open(so, se);
}

/* Everything the SYN needs from the session; a's tracker keeps the
 * kernel's connection table in step. */
static int connect_params(struct connect_args *a, struct xs_session *se,
			  struct xs_isn_key *key, struct tracker *tr)
{
	struct xs_hs_params *hp = &a->hp;
	int ret, err;

	if (a->has_dst_mac) {
		memcpy(hp->dst_mac, a->dst_mac, 6);
	} else {
		ret = xs_session_nexthop(se, &hp->daddr, hp->dst_mac, NULL,
					 1000, false);
		if (ret)
			return ret;
	}
	err = xs_isn_key_init(key);
	if (err)
		return xs_err(XS_EXIT_ENV, "no randomness for the ISN key: %s",
			      strerror(-err));
	memcpy(hp->src_mac, se->t.iface.mac, 6);
	hp->saddr = xs_session_src(se, &hp->daddr);
	hp->sport = se->port_lo;
	hp->key = key;
	hp->sigfd = se->sigfd;
	hp->mss = xs_session_mss_for(se, hp->mss, &hp->daddr);
	tr->conns_fd = se->l.conns_fd;
	/* The table holds 16-byte addresses: IPv4 as ::ffff:a.b.c.d. */
	memcpy(tr->key.local_ip, hp->saddr.b, sizeof(hp->saddr.b));
	memcpy(tr->key.remote_ip, hp->daddr.b, sizeof(hp->daddr.b));
	tr->key.local_port = hp->sport;
	tr->key.remote_port = hp->dport;
	hp->track = track;
	hp->track_ctx = tr;
	return 0;
}

/* The handshake, unless a signal came during the set-up. */
static int connect_run(struct connect_args *a, struct xs_session *se,
		       struct xs_hs_result *r)
{
	if (xs_signal_take(se->sigfd)) {
		r->outcome = XS_OUT_INTERRUPTED;
		return 0;
	}
	if (xs_handshake(se->socks, se->nsocks, &a->hp, r))
		return xs_err(XS_EXIT_USAGE, "invalid handshake parameters");
	/* From here on a second signal ends a hung cleanup. */
	xs_signal_take(se->sigfd);
	return 0;
}

/* The packets and the result; the exit code of the outcome. */
static int connect_end(struct connect_args *a, struct xs_session *se,
		       const struct xs_hs_result *r)
{
	check_frames(se);
	xs_session_add_sockstats(se);
	if (!a->quiet)
		print_packets(r);
	print_result(a, r, se->l.stats_fd);
	/* Attached for this run only: once we exit, nothing keeps the
	 * kernel from answering the server's next segment with RST. */
	if (r->outcome == XS_OUT_ESTABLISHED && a->hp.close == XS_CLOSE_NONE &&
	    !se->l.pinned)
		xs_warn("--close none with the programs attached for this run only: once we exit, the kernel will answer the server's next segment on this connection with RST (run 'xdpshake load -i %s%s%s' first to keep it open)",
			se->t.ifname, se->t.netns ? " --netns " : "",
			se->t.netns ?: "");
	/* A result nobody can read is not a result. */
	if (xs_flush_checked(stdout, "the result to standard output"))
		return XS_EXIT_WRITE;
	return outcome_exit(r->outcome);
}

int do_connect(int argc, char **argv)
{
	struct connect_args a = {};
	struct xs_session se;
	struct xs_hs_result *r = NULL;
	struct tracker tr = { .conns_fd = -1 };
	struct xs_isn_key key;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	if (a.count)
		return xs_connect_count(&a.t, &a.so, &a.hp,
					a.has_dst_mac ? a.dst_mac : NULL,
					&a.lt);
	ret = connect_open(&a, &se);
	if (!ret)
		ret = connect_params(&a, &se, &key, &tr);
	if (ret)
		goto out;
	r = calloc(1, sizeof(*r));
	if (!r) {
		ret = xs_err(XS_EXIT_ENV, "out of memory");
		goto out;
	}
	ret = connect_run(&a, &se, r) ?: connect_end(&a, &se, r);
out:
	xs_session_close(&se);
	free(r);
	return ret;
}
