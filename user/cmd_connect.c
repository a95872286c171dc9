/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake connect: one handshake, printed packet by packet.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "clock.h"
#include "cli.h"
#include "ethtool.h"
#include "commands.h"
#include "handshake.h"
#include "isn.h"
#include "json.h"
#include "loader.h"
#include "logfmt.h"
#include "nl.h"
#include "output.h"
#include "packet.h"
#include "loadtest.h"
#include "session.h"
#include "xsk.h"

static const char connect_usage[] =
	"Usage: xdpshake connect -i IFACE [--netns NS] DST_IP:PORT [options]\n"
	"\n"
	"One TCP three-way handshake with DST_IP:PORT, outside the local kernel's\n"
	"TCP stack: SYN and ACK go out through an AF_XDP socket, the SYN-ACK comes\n"
	"back through the XDP filter. Uses what 'xdpshake load' attached to IFACE,\n"
	"or attaches both programs for the duration of the run.\n"
	"Prints the packets in the seed tutorial's log format, then the result.\n"
	"\n"
	"  -i, --interface IFACE  interface to send on\n"
	"  -n, --netns NS         network namespace (name or /proc/PID/ns/net)\n"
	"      --src IP           source address (default: the loaded config or the\n"
	"                         interface's first IPv4 address)\n"
	"      --sport N          source port (default: random in the port range)\n"
	"      --dst-mac MAC      next hop's MAC (default: from the kernel's route\n"
	"                         and neighbour tables, resolved by ARP if needed)\n"
	"      --seq N            our ISN (default: SipHash of the 4-tuple)\n"
	"      --window N         TCP window (default 64240)\n"
	"      --ttl N            IP TTL (default 64)\n"
	"      --ip-id N          IP ID of every frame (default: random, counting up)\n"
	"      --mss N            MSS option (default: interface MTU - 40, at most\n"
	"                         what an AF_XDP frame holds: 1738)\n"
	"      --no-options       send no TCP options\n"
	"      --timeout MS       first SYN timeout, doubled per retry (default 1000)\n"
	"      --retries N        SYN retransmissions (default 3)\n"
	"      --close MODE       after the handshake: none (default; stays\n"
	"                         established), rst, or fin\n"
	"  -m, --mode MODE        XDP mode when attaching: native or skb\n"
	"      --tc METHOD        TC attach for the run: auto (tcx link if the\n"
	"                         kernel has it, else clsact), tcx, clsact\n"
	"  -j, --json             JSON lines: one object per packet, then the result\n"
	"\n"
	"Load test: repeated handshakes to DST_IP:PORT over the source port range\n"
	"      --count N          N handshakes (closed with RST unless --close), each\n"
	"                         attempted once: a source port is reused when its\n"
	"                         last handshake has its outcome (rst), after 60 s\n"
	"                         (fin), never (none: N at most the ports)\n"
	"      --concurrency C    at most C in flight (default 256)\n"
	"      --rate R           at most R SYNs per second (default: no limit)\n"
	"      --duration S       stop starting new ones after S seconds\n"
	"      --sports LO-HI     source ports to cycle through\n"
	"  -q, --quiet            print only the result line\n"
	"  -v, --verbose          show libbpf's log\n"
	"\n"
	"Exit codes: 0 established (--count: all N, or all started within\n"
	"--duration), 1 usage/configuration, 2 refused (RST), 3 no answer after\n"
	"the retries, 4 environment, 5 --count: not all N established (the\n"
	"summary counts each: established, refused, timed out, unfinished, not\n"
	"attempted), 6 the result could not be written (standard output),\n"
	"130 interrupted.\n";

struct connect_args {
	struct xs_target t;
	const char *dst;
	uint32_t src;
	bool has_sport;
	uint16_t sport;
	bool has_dst_mac;
	uint8_t dst_mac[6];
	bool quiet;
	enum xs_xdp_mode mode;
	enum xs_tc_method tc;
	struct xs_hs_params hp;
	bool count; /* --count given: the load-test mode */
	struct xs_loadtest lt;
};

enum {
	OPT_SRC = 256,
	OPT_SPORT,
	OPT_DST_MAC,
	OPT_SEQ,
	OPT_WINDOW,
	OPT_TTL,
	OPT_IP_ID,
	OPT_MSS,
	OPT_NO_OPTIONS,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_CLOSE,
	OPT_COUNT,
	OPT_CONCURRENCY,
	OPT_RATE,
	OPT_DURATION,
	OPT_SPORTS,
	OPT_TC,
};

static int parse_num(const char *opt, const char *s, uint32_t min, uint32_t max,
		     uint32_t *out)
{
	if (xs_parse_u32(s, min, max, out))
		return xs_err(XS_EXIT_USAGE,
			      "--%s takes a number from %u to %u, not '%s'",
			      opt, min, max, s);
	return 0;
}

static int parse_args(int argc, char **argv, struct connect_args *a)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "netns", required_argument, NULL, 'n' },
		{ "src", required_argument, NULL, OPT_SRC },
		{ "sport", required_argument, NULL, OPT_SPORT },
		{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
		{ "seq", required_argument, NULL, OPT_SEQ },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "ttl", required_argument, NULL, OPT_TTL },
		{ "ip-id", required_argument, NULL, OPT_IP_ID },
		{ "mss", required_argument, NULL, OPT_MSS },
		{ "no-options", no_argument, NULL, OPT_NO_OPTIONS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "close", required_argument, NULL, OPT_CLOSE },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "sports", required_argument, NULL, OPT_SPORTS },
		{ "mode", required_argument, NULL, 'm' },
		{ "tc", required_argument, NULL, OPT_TC },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct xs_hs_params *hp = &a->hp;
	uint32_t v;
	int c, ret, err = 0;

	hp->window = 64240;
	hp->ttl = 64;
	hp->timeout_ms = 1000;
	hp->retries = 3;
	hp->close = XS_CLOSE_NONE;
	hp->sigfd = -1;
	a->lt.close_given = false;
	a->mode = XS_MODE_NATIVE;

	optind = 1;
	while (!err &&
	       (c = getopt_long(argc, argv, "i:n:m:jqvh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			a->t.ifname = optarg;
			break;
		case 'n':
			a->t.netns = optarg;
			break;
		case OPT_SRC:
			if (xs_parse_ipv4(optarg, &a->src) || !a->src)
				err = xs_err(
					XS_EXIT_USAGE,
					"--src takes an IPv4 address, not '%s'",
					optarg);
			break;
		case OPT_SPORT:
			err = parse_num("sport", optarg, 1, 65535, &v);
			a->has_sport = true;
			a->sport = v;
			break;
		case OPT_DST_MAC:
			a->has_dst_mac = true;
			if (xs_parse_mac(optarg, a->dst_mac))
				err = xs_err(
					XS_EXIT_USAGE,
					"--dst-mac takes xx:xx:xx:xx:xx:xx, not '%s'",
					optarg);
			break;
		case OPT_SEQ:
			err = parse_num("seq", optarg, 0, UINT32_MAX, &v);
			hp->has_seq = true;
			hp->seq = v;
			break;
		case OPT_WINDOW:
			err = parse_num("window", optarg, 0, 65535, &v);
			hp->window = v;
			break;
		case OPT_TTL:
			err = parse_num("ttl", optarg, 1, 255, &v);
			hp->ttl = v;
			break;
		case OPT_IP_ID:
			err = parse_num("ip-id", optarg, 0, 65535, &v);
			hp->has_ip_id = true;
			hp->ip_id = v;
			break;
		case OPT_MSS:
			err = parse_num("mss", optarg, 1, 65535, &v);
			hp->mss = v;
			break;
		case OPT_NO_OPTIONS:
			hp->no_options = true;
			break;
		case OPT_TIMEOUT:
			err = parse_num("timeout", optarg, 1, 600000, &v);
			hp->timeout_ms = v;
			break;
		case OPT_RETRIES:
			err = parse_num("retries", optarg, 0, 20, &v);
			hp->retries = v;
			break;
		case OPT_CLOSE:
			if (xs_parse_close(optarg, &hp->close))
				err = xs_err(
					XS_EXIT_USAGE,
					"--close takes none, rst or fin, not '%s'",
					optarg);
			a->lt.close_given = true;
			break;
		case OPT_COUNT:
			err = parse_num("count", optarg, 1, 1000000000, &v);
			a->count = true;
			a->lt.count = v;
			break;
		case OPT_CONCURRENCY:
			err = parse_num("concurrency", optarg, 1, 1000000, &v);
			a->lt.concurrency = v;
			break;
		case OPT_RATE:
			err = parse_num("rate", optarg, 0, 100000000, &v);
			a->lt.rate = v;
			break;
		case OPT_DURATION:
			err = parse_num("duration", optarg, 1, 86400, &v);
			a->lt.duration_s = v;
			break;
		case OPT_SPORTS:
			if (xs_parse_port_range(optarg, &a->lt.sport_lo,
						&a->lt.sport_hi))
				err = xs_err(XS_EXIT_USAGE,
					     "--sports takes LO-HI, not '%s'",
					     optarg);
			a->lt.sports_given = true;
			break;
		case 'm':
			if (xs_parse_mode(optarg, &a->mode))
				err = xs_err(
					XS_EXIT_USAGE,
					"--mode takes native or skb, not '%s'",
					optarg);
			break;
		case OPT_TC:
			if (xs_parse_tc_method(optarg, &a->tc))
				err = xs_err(
					XS_EXIT_USAGE,
					"--tc takes auto, tcx or clsact, not '%s'",
					optarg);
			break;
		case 'q':
			a->quiet = true;
			break;
		default:
			ret = xs_common_opt(c, connect_usage);
			if (ret >= 0)
				return ret == XS_EXIT_OK ? -1 : ret;
		}
	}
	if (err)
		return err;
	if (optind >= argc)
		return xs_err(XS_EXIT_USAGE,
			      "connect needs a destination DST_IP:PORT");
	if (optind + 1 < argc)
		return xs_err(XS_EXIT_USAGE, "unexpected argument '%s'",
			      argv[optind + 1]);
	a->dst = argv[optind];
	if (xs_parse_ip_port(a->dst, &hp->daddr, &hp->dport))
		return xs_err(
			XS_EXIT_USAGE,
			"'%s' is not DST_IP:PORT (IPv4 address, port 1-65535)",
			a->dst);
	return 0;
}

static void print_packets(const struct xs_hs_result *r)
{
	struct xs_pkt k;
	unsigned int i;

	for (i = 0; i < r->n_log; i++) {
		const struct xs_hs_logent *e = &r->log[i];

		if (xs_parse_frame(e->frame, e->len, &k) != XS_PARSE_OK)
			continue;
		if (xs_json)
			xs_log_json(stdout, &k, e->sent ? "sent" : "received",
				    &e->ts);
		else
			xs_log_seed(stdout, &k, &e->ts);
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
	case XS_OUT_INTERRUPTED:
		return XS_EXIT_INTERRUPTED;
	default:
		return XS_EXIT_ENV;
	}
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
			r->outcome == XS_OUT_REFUSED;
	char src[16], dst[16];
	struct xs_stats st;
	struct xs_jw w;
	int i;

	xs_fmt_ipv4(p->saddr, src);
	xs_fmt_ipv4(p->daddr, dst);
	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "result");
	xs_jw_string_field(&w, "result", xs_outcome_str(r->outcome));
	xs_jw_int_field(&w, "exit_code", outcome_exit(r->outcome));
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
	if (r->err)
		xs_jw_string_field(&w, "error", strerror(-r->err));
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
	char src[16], dst[16];

	if (xs_json) {
		print_result_json(a, r, stats_fd);
		return;
	}
	xs_fmt_ipv4(p->saddr, src);
	xs_fmt_ipv4(p->daddr, dst);
	switch (r->outcome) {
	case XS_OUT_ESTABLISHED:
		printf("established %s:%u -> %s:%u in %.3f ms (SYN-ACK after %.3f ms, %u SYN%s sent, ISN %u, server ISN %u",
		       src, p->sport, dst, p->dport, r->handshake_ns / 1e6,
		       r->rtt_ns / 1e6, r->syns_sent,
		       r->syns_sent == 1 ? "" : "s", r->isn, r->server_isn);
		if (p->close == XS_CLOSE_RST)
			printf(", closed with RST");
		else if (p->close == XS_CLOSE_FIN)
			printf(", FIN close: %s", xs_fin_str(r->fin));
		printf(")\n");
		break;
	case XS_OUT_REFUSED:
		printf("refused: %s:%u answered RST after %.3f ms\n", dst,
		       p->dport, r->rtt_ns / 1e6);
		break;
	case XS_OUT_TIMEOUT:
		printf("no answer from %s:%u after %u SYN%s\n", dst, p->dport,
		       r->syns_sent, r->syns_sent == 1 ? "" : "s");
		break;
	case XS_OUT_INTERRUPTED:
		printf("interrupted before %s:%u answered\n", dst, p->dport);
		break;
	default:
		/* What the AF_XDP socket says when the interface goes away
		 * under it: name the cause, not only the errno. */
		if (r->err == -ENETDOWN)
			printf("error: %s went down during the run\n",
			       a->t.ifname);
		else if (r->err == -ENXIO || r->err == -ENODEV)
			printf("error: %s is gone (the interface or its namespace was deleted during the run)\n",
			       a->t.ifname);
		else
			printf("error: sending failed: %s\n",
			       strerror(-r->err));
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
	default:
		/* Interrupted or failed: not a handshake result. */
		bpf_map_delete_elem(t->conns_fd, &t->key);
		return;
	}
	c.server_isn = r->server_isn;
	c.done_ns = xs_mono_ns();
	bpf_map_update_elem(t->conns_fd, &t->key, &c, BPF_ANY);
}

int do_connect(int argc, char **argv)
{
	struct connect_args a = {};
	struct xs_session_opts so = {};
	struct xs_session se;
	struct xs_hs_result *r = NULL;
	struct tracker tr = { .conns_fd = -1 };
	struct xs_isn_key key;
	int ret, err;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret < 0 ? XS_EXIT_OK : ret;
	if (a.count)
		return xs_connect_count(&a.t, &a.hp, a.src, a.has_sport,
					a.sport,
					a.has_dst_mac ? a.dst_mac : NULL,
					a.mode, &a.lt);

	so.ifname = a.t.ifname;
	so.netns = a.t.netns;
	so.src = a.src;
	so.ports_given = a.has_sport;
	so.port_lo = so.port_hi = a.sport;
	so.pick_one_port = true;
	so.mode = a.mode;
	so.tc = a.tc;
	so.nframes = 512;
	/* --close fin has to see the server's FIN and data. */
	if (a.hp.close == XS_CLOSE_FIN)
		so.cfg_flags = XS_CFG_ALL_SEGMENTS;
	ret = xs_session_open(&so, &se);
	if (ret)
		goto out;
	if (a.has_dst_mac)
		memcpy(a.hp.dst_mac, a.dst_mac, 6);
	else {
		ret = xs_session_nexthop(&se, a.hp.daddr, a.hp.dst_mac, NULL,
					 1000, false);
		if (ret)
			goto out;
	}

	err = xs_isn_key_init(&key);
	if (err) {
		ret = xs_err(XS_EXIT_ENV, "no randomness for the ISN key: %s",
			     strerror(-err));
		goto out;
	}
	memcpy(a.hp.src_mac, se.t.iface.mac, 6);
	a.hp.saddr = se.src;
	a.hp.sport = se.port_lo;
	a.hp.key = &key;
	a.hp.sigfd = se.sigfd;
	if (!a.hp.mss)
		a.hp.mss = xs_session_mss(&se);
	tr.conns_fd = se.l.conns_fd;
	memcpy(tr.key.local_ip, &a.hp.saddr, 4);
	memcpy(tr.key.remote_ip, &a.hp.daddr, 4);
	tr.key.local_port = a.hp.sport;
	tr.key.remote_port = a.hp.dport;
	a.hp.track = track;
	a.hp.track_ctx = &tr;

	r = calloc(1, sizeof(*r));
	if (!r) {
		ret = xs_err(XS_EXIT_ENV, "out of memory");
		goto out;
	}
	/* A signal during the set-up: stop before the first SYN leaves. */
	if (xs_signal_take(se.sigfd)) {
		r->outcome = XS_OUT_INTERRUPTED;
	} else {
		err = xs_handshake(se.socks, se.nsocks, &a.hp, r);
		if (err) {
			ret = xs_err(XS_EXIT_USAGE,
				     "invalid handshake parameters");
			goto out;
		}
		/* From here on a second signal ends a hung cleanup. */
		xs_signal_take(se.sigfd);
	}
	check_frames(&se);
	xs_session_add_sockstats(&se);
	if (!a.quiet)
		print_packets(r);
	print_result(&a, r, se.l.stats_fd);
	ret = outcome_exit(r->outcome);
	/* A result nobody can read is not a result. */
	if (xs_flush_checked(stdout, "the result to standard output"))
		ret = XS_EXIT_WRITE;
out:
	xs_session_close(&se);
	free(r);
	return ret;
}
