/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake scan's options: the declarative table (opts.h) from which
 * getopt, -h, the man page and the completion come, and the setters of
 * the options with a syntax of their own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "engine.h"
#include "isn.h"
#include "logfmt.h"
#include "nexthop.h"
#include "nl.h"
#include "output.h"
#include "opts.h"
#include "permute.h"
#include "scanplan.h"
#include "report.h"
#include "sinks.h"
#include "session.h"
#include "special.h"
#include "statefile.h"
#include "targets.h"
#include "version.h"
#include "xsk.h"

#include "scan.h"

/* --payload: C escapes, so HTTP requests can be given on a command line. */
static int parse_payload(const char *in, uint8_t *out, size_t cap,
			 uint16_t *len)
{
	size_t n = 0;
	unsigned int v;

	while (*in) {
		if (n >= cap)
			return -EMSGSIZE;
		if (*in != '\\') {
			out[n++] = (uint8_t)*in++;
			continue;
		}
		in++;
		switch (*in) {
		case 'r':
			out[n++] = '\r';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case '\\':
			out[n++] = '\\';
			break;
		case 'x':
			if (sscanf(in + 1, "%2x", &v) != 1 ||
			    !strchr("0123456789abcdefABCDEF", in[1]) ||
			    !in[1] ||
			    !strchr("0123456789abcdefABCDEF", in[2]) || !in[2])
				return -EINVAL;
			out[n++] = (uint8_t)v;
			in += 2;
			break;
		default:
			return -EINVAL;
		}
		in++;
	}
	*len = n;
	return 0;
}

/* The options that add to lists, and the ones with their own syntax. */
static int set_ports(void *cfg, const char *arg, char *err, size_t len)
{
	struct scan *sc = ((struct scan_args *)cfg)->sc;

	if (sc->ports.n)
		xs_ports_free(&sc->ports);
	return xs_ports_parse(arg, &sc->ports, err, len);
}

/* --src, once per family: each family's targets get their own. */
static int set_src(void *cfg, const char *arg, char *err, size_t len)
{
	struct scan_args *a = cfg;

	return xs_opt_src_once(arg, a->src_given, &a->so.src, a->so.src6.b, err,
			       len);
}

static int set_input(void *cfg, const char *arg, char *err, size_t len)
{
	return xs_targets_add_file(&((struct scan_args *)cfg)->sc->targets, arg,
				   err, len);
}

static int set_exclude(void *cfg, const char *arg, char *err, size_t len)
{
	return xs_targets_exclude(&((struct scan_args *)cfg)->sc->targets, arg,
				  err, len);
}

static int set_exclude_file(void *cfg, const char *arg, char *err, size_t len)
{
	return xs_targets_exclude_file(&((struct scan_args *)cfg)->sc->targets,
				       arg, err, len);
}

static int set_shard(void *cfg, const char *arg, char *err, size_t len)
{
	struct xs_perm_cfg *pc = &((struct scan_args *)cfg)->pc;

	return xs_perm_parse_shard(arg, &pc->shard, &pc->shards, err, len);
}

static int set_resume(void *cfg, const char *arg, char *err, size_t len)
{
	struct scan_args *a = cfg;

	a->resume = arg;
	a->state_file = arg;
	return 0;
}

static int set_bandwidth(void *cfg, const char *arg, char *err, size_t len)
{
	struct scan_args *a = cfg;
	const char *why = NULL;

	if (!xs_parse_bandwidth(arg, &a->ec.rate_pps, &why))
		return 0;
	snprintf(
		err, len,
		"--bandwidth takes bits per second, such as 10M (K, M, G), not '%s' (%s)",
		arg, why);
	return -EINVAL;
}

static int set_payload(void *cfg, const char *arg, char *err, size_t len)
{
	struct scan_args *a = cfg;

	if (!parse_payload(arg, a->payload, 1024, &a->payload_len))
		return 0;
	snprintf(err, len,
		 "--payload: bad escape or longer than 1024 bytes in '%s'",
		 arg);
	return -EINVAL;
}

/* -oX FILE and the like: one more output, after the one of -o/--format. */
static int add_out(void *cfg, enum xs_out_fmt fmt, const char *arg, char *err,
		   size_t len)
{
	struct xs_report_cfg *rc = &((struct scan_args *)cfg)->rc;

	if (rc->nout >= XS_OUT_MAX - 1) {
		snprintf(err, len, "at most %d outputs", XS_OUT_MAX - 1);
		return -EINVAL;
	}
	rc->out[rc->nout++] = (struct xs_out_spec){ fmt, arg };
	return 0;
}

#define OUT_SETTER(x, fmt)                                                     \
	static int set_o##x(void *cfg, const char *arg, char *err, size_t len) \
	{                                                                      \
		return add_out(cfg, fmt, arg, err, len);                       \
	}
OUT_SETTER(X, XS_OUT_XML)
OUT_SETTER(G, XS_OUT_GREP)
OUT_SETTER(J, XS_OUT_JSON)
OUT_SETTER(D, XS_OUT_NDJSON)
OUT_SETTER(L, XS_OUT_LIST)
#undef OUT_SETTER

static int set_show(void *cfg, const char *arg, char *err, size_t len)
{
	return xs_show_parse(arg, &((struct scan_args *)cfg)->show, err, len);
}

#define F(f, type) XS_FIELD(struct scan_args, f, type)
#define OUTF(x, h)                                                        \
	{                                                                 \
		.name = "o" #x, .single_dash = true, .type = XS_OPT_CALL, \
		.metavar = "FILE", .set = set_o##x, .help = h             \
	}
#define STR(n, s, meta, f, h)                                         \
	{                                                             \
		.name = n, .short_name = s, .type = XS_OPT_STRING,    \
		.metavar = meta, .off = F(f, const char *), .help = h \
	}
#define CALL(n, s, meta, fn, h)                                  \
	{                                                        \
		.name = n, .short_name = s, .type = XS_OPT_CALL, \
		.metavar = meta, .set = fn, .help = h            \
	}
#define FLAG(n, s, f, h)                                         \
	{                                                        \
		.name = n, .short_name = s, .type = XS_OPT_FLAG, \
		.off = F(f, bool), .help = h                     \
	}
static const struct xs_opt scan_opts[] = {
	XS_OPT_SEND_IFACE(struct scan_args, so.ifname),
	XS_OPT_NETNS(struct scan_args, so.netns),
	XS_OPT_MODE(struct scan_args, so.mode,
		    "XDP mode when attached for the run: native or skb"),
	XS_OPT_TC(struct scan_args, so.tc,
		  "TC attach when attached for the run: auto, tcx,\nclsact"),
	{ .section = "Targets and ports:",
	  .name = "ports",
	  .short_name = 'p',
	  .type = XS_OPT_CALL,
	  .metavar = "LIST",
	  .set = set_ports,
	  .help = "22,80,8000-8100, service names (ssh,http: TCP in\n/etc/services), - for 1-65535, -N, N-; port 0\nstarts a range only and is left out" },
	CALL("input", 'L', "FILE", set_input,
	     "targets from FILE (- for standard input): specs\nand host names between spaces, commas or newlines,\n# comments; also -iL FILE"),
	XS_ALIAS("includefile", 0, "input", "masscan"),
	CALL("exclude", 0, "SPEC", set_exclude,
	     "leave these out (CIDR, ranges); repeatable"),
	CALL("exclude-file", 0, "F", set_exclude_file, "excludes from a file"),
	XS_ALIAS("excludefile", 0, "exclude-file", "masscan"),
	{ .name = "max-targets",
	  .type = XS_OPT_U64,
	  .metavar = "N",
	  .min = 1,
	  .max = UINT64_MAX,
	  .off = F(max_targets, uint64_t),
	  .help = "send at most N probes (target, port pairs), as\nzmap's --max-targets" },
	FLAG("no-default-exclude", 0, no_default_exclude,
	     "scan special-purpose ranges too (multicast,\nloopback, documentation...) in global ranges"),
	FLAG("print-default-exclude", 0, print_default_exclude,
	     "print that built-in list and exit"),
	FLAG("allow-large", 0, allow_large,
	     "scan more than a /8 (2^24 addresses) without an\n--exclude or --exclude-file"),
	{ .section = "Order and splitting:",
	  .name = "seed",
	  .type = XS_OPT_U64,
	  .metavar = "N",
	  .off = F(pc.seed, uint64_t),
	  .help = "the permutation's seed (default: random)" },
	CALL("shard", 0, "I/N", set_shard,
	     "scan part I of N: shards never overlap nor leave gaps"),
	CALL("resume", 0, "FILE", set_resume,
	     "continue a stopped scan (a resumed scan that runs\nto its end removes FILE)"),
	STR("state-file", 0, "FILE", state_file,
	    "where Ctrl-C (or a fault: the interface\ngone, down) writes the state (default\nxdpshake-scan.state), checked before the first SYN"),
	{ .section = "Pace:",
	  .name = "rate",
	  .short_name = 'r',
	  .type = XS_OPT_RATE,
	  .metavar = "PPS",
	  .max = 100000000,
	  .def = "10000",
	  .unit = "packets per second",
	  .off = F(ec.rate_pps, uint64_t),
	  .help = "SYNs per second (0: no limit)" },
	XS_ALIAS("max-rate", 0, "rate", "masscan"),
	{ .name = "bandwidth",
	  .short_name = 'B',
	  .type = XS_OPT_CALL,
	  .metavar = "BPS",
	  .set = set_bandwidth,
	  .conflicts = "rate",
	  .help = "rate from bits per second on the wire (10M, 1G), as\nzmap's -B" },
	{ .name = "max-runtime",
	  .type = XS_OPT_SEC,
	  .metavar = "SEC",
	  .min = 1,
	  .max = 31536000,
	  .unit = "seconds",
	  .off = F(max_runtime_ms, uint32_t),
	  .help = "no first SYN after SEC seconds (then --wait), as\nzmap's --max-runtime" },
	{ .name = "retries",
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .max = XS_MAX_RETRIES,
	  .def = "1",
	  .off = F(ec.retries, uint32_t),
	  .help = "SYN retransmissions" },
	{ .name = "timeout",
	  .type = XS_OPT_MS,
	  .metavar = "MS",
	  .min = 1,
	  .max = 60000,
	  .def = "1000",
	  .unit = "ms",
	  .off = F(ec.timeout_ms, uint32_t),
	  .help = "first retransmission after MS" },
	{ .name = "wait",
	  .type = XS_OPT_SEC,
	  .metavar = "SEC",
	  .max = 3600,
	  .def = "2",
	  .unit = "seconds",
	  .off = F(ec.wait_ms, uint32_t),
	  .help = "wait for late replies after the last SYN" },
	{ .name = "queues",
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .min = 1,
	  .max = XS_MAX_QUEUES,
	  .off = F(so.max_queues, uint32_t),
	  .help = "AF_XDP sockets on at most N RX queues (default all)" },
	{ .section = "Mode:",
	  .name = "syn-only",
	  .type = XS_OPT_SET,
	  .value = XS_SCAN_SYN_ONLY,
	  .conflicts = "banner,close",
	  .off = XS_INT_FIELD(struct scan_args, ec.mode),
	  .help = "answer each SYN-ACK with RST (the classic scan)" },
	{ .name = "close",
	  .type = XS_OPT_ENUM,
	  .metavar = "MODE",
	  .names = xs_close_names,
	  .def = "rst",
	  .off = XS_INT_FIELD(struct scan_args, ec.close),
	  .help = "after a full handshake: rst, fin, none" },
	{ .name = "banner",
	  .type = XS_OPT_SET,
	  .value = XS_SCAN_BANNER,
	  .off = XS_INT_FIELD(struct scan_args, ec.mode),
	  .help = "after the handshake send --payload (if any) and\nreport the first bytes the server sends, then RST" },
	XS_ALIAS("banners", 0, "banner", "masscan"),
	{ .name = "fast-path",
	  .type = XS_OPT_FLAG,
	  .conflicts = "banner",
	  .off = F(ec.fast_path, bool),
	  .help = "answer each new SYN-ACK in XDP (XDP_TX): the RST of\n--syn-only, or the final ACK; the close still from\nhere (see README: the fast path)" },
	{ .name = "payload",
	  .type = XS_OPT_CALL,
	  .metavar = "STR",
	  .set = set_payload,
	  .requires = "banner",
	  .help = "bytes to send (C escapes: \\r \\n \\t \\\\ \\xNN)" },
	{ .name = "banner-timeout",
	  .type = XS_OPT_MS,
	  .metavar = "MS",
	  .min = 1,
	  .max = 600000,
	  .def = "3000",
	  .unit = "ms",
	  .requires = "banner",
	  .off = F(ec.banner_ms, uint32_t),
	  .help = "how long to wait for them" },
	{ .name = "banner-max",
	  .type = XS_OPT_U16,
	  .metavar = "N",
	  .min = 1,
	  .max = XS_BANNER_MAX,
	  .def = "256",
	  .requires = "banner",
	  .off = F(ec.banner_max, uint16_t),
	  .help = "bytes kept" },
	{ .section = "Addresses:",
	  .name = "src",
	  .type = XS_OPT_CALL,
	  .metavar = "IP",
	  .set = set_src,
	  .help = "source address, IPv4 or IPv6, for the targets\nof its family; once for each family" },
	XS_SRC_ALIASES,
	{ .name = "sports",
	  .type = XS_OPT_PORT_RANGE,
	  .metavar = "LO-HI",
	  .off = F(so.port_lo, uint16_t),
	  .off2 = F(so.port_hi, uint16_t),
	  .help = "source ports" },
	XS_ALIAS("source-port", 'g', "sports", "masscan; -g: nmap"),
	{ .name = "dst-mac",
	  .type = XS_OPT_MAC,
	  .metavar = "MAC",
	  .off = F(dst_mac, uint8_t[6]),
	  .help = "send everything to this MAC (default: route and\nneighbour tables, per destination)" },
	XS_DST_MAC_ALIAS,
	XS_OPT_TTL(
		struct scan_args, ttl,
		"IP TTL of our frames (a small one draws ICMP\ntime-exceeded from a router on the way)"),
	XS_OPT_WINDOW(struct scan_args, ec.window, "TCP window of our frames"),
	{ .section = "Output:",
	  .name = "output",
	  .short_name = 'o',
	  .type = XS_OPT_STRING,
	  .metavar = "FILE",
	  .off = F(output, const char *),
	  .help = "results to FILE (- or default: stdout, unless an\n-oX/-oG/-oJ/-oD/-oL below is given)" },
	{ .name = "format",
	  .type = XS_OPT_ENUM,
	  .metavar = "FMT",
	  .names = xs_out_fmt_names,
	  .def = "ndjson",
	  .off = XS_INT_FIELD(struct scan_args, format),
	  .help = "of -o: ndjson, json, csv, list, grep, xml, or none\n(results only counted in the summary)" },
	OUTF(X,
	     "nmap XML to FILE (nmap's ndiff reads it); several\n-oX/-oG/-oJ/-oD/-oL may be given, FILE - is stdout"),
	OUTF(G, "nmap grepable output to FILE"),
	OUTF(J, "a JSON array of the results to FILE"),
	OUTF(D, "ndjson (one JSON object a line) to FILE"),
	OUTF(L, "masscan -oL list to FILE"),
	FLAG("open", 0, rc.open_only,
	     "report open ports only (default: every answer)"),
	FLAG("append-output", 0, rc.append,
	     "append to the output files instead of overwriting"),
	STR("output-fields", 0, "LIST", rc.fields,
	    "ndjson, JSON and CSV fields, in order (default all:\nip,family,port,state,sport,rtt_us,ttl,window,\nmss,wscale,sack,ts,time,banner,banner_b64,\nicmp_type,icmp_code,icmp_reason,icmp_from,\noptions_malformed)"),
	{ .name = "show",
	  .type = XS_OPT_CALL,
	  .metavar = "STATES",
	  .def = "open,closed,filtered,unreachable",
	  .set = set_show,
	  .conflicts = "open",
	  .help = "result states to list, comma-separated: open, closed,\nfiltered, unreachable, silent (no answer after the\nretries), or all" },
	FLAG("dryrun", 0, dryrun,
	     "print each SYN that would be sent (addresses, ports,\nseq), attach and send nothing, as zmap's --dryrun"),
	FLAG("status-json", 0, status_json,
	     "progress as JSON lines on stderr, once a second"),
	FLAG("quiet", 'q', quiet,
	     "no live status line (the start line and the\nsummary stay)"),
	{}
};
#undef F
#undef OUTF
#undef STR
#undef CALL
#undef FLAG

static const struct xs_cmd scan_cmd = {
	.name = "scan",
	.synopsis =
		"Usage: xdpshake scan -i IFACE [--netns NS] TARGETS... -p PORTS [options]\n",
	.desc = "Scan (address, port) pairs in a keyed pseudo-random order with real\n"
		"handshakes, outside the local kernel's TCP stack. Replies are checked\n"
		"against the keyed ISN in XDP and again in userspace. TARGETS are\n"
		"addresses, CIDR blocks, ranges a.b.c.d-e.f.g.h, of either family:\n"
		"IPv6 as 2001:db8::2, 2001:db8::/120 (at most a /96: larger sets from\n"
		"a hit list, -iL FILE), 2001:db8::1-2001:db8::ff.\n",
	.opts = scan_opts,
	.epilog =
		"Exit codes: 0 done, 1 usage/configuration (also: no route to any target),\n"
		"3 no target's next hop answered ARP or NDP, 4 environment (also: the\n"
		"interface deleted or down, its namespace deleted, the filter detached\n"
		"during the run; the state is saved), 6 results or state\n"
		"could not be written (the scan stops sending), 130 interrupted (the\n"
		"replies in flight are collected and the state file says where to resume;\n"
		"a second Ctrl-C forces exit).\n",
};

/* For the man page and completion generators (doc.h). */
const struct xs_cmd *const xs_cmd_scan = &scan_cmd;
