/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake scan: confirmed handshakes over address blocks and port lists.
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

/* Larger target sets need an exclude or --allow-large (as masscan and
 * zmap ask for one before an Internet-wide scan). */
#define LARGE_TARGETS (1ULL << 24)

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

struct scan {
	struct xs_session s;
	struct xs_targets targets;
	struct xs_ports ports;
	struct xs_perm perm;
	struct xs_report rep;
	bool has_dst_mac;
	uint8_t dst_mac[6];
	struct xs_nexthops *nh;
	int stop; /* set by the engine at the first signal */
	uint64_t unresolved;
	uint32_t first_unresolved; /* network order, for the error */
	uint64_t produced;
	uint64_t max_probes; /* --max-targets; 0: all */
	bool exhausted; /* the permutation has no more (not stopped early) */
};

struct scan_args {
	struct scan *sc;
	bool has_seed, state_given, user_exclude, any_target;
	struct xs_session_opts so;
	struct xs_engine_cfg ec;
	struct xs_perm_cfg pc;
	const char *resume, *state_file, *output;
	int format; /* enum xs_out_fmt */
	struct xs_report_cfg rc;
	bool allow_large, no_default_exclude, print_default_exclude;
	bool status_json, quiet, dryrun, legacy_out;
	uint32_t ttl; /* into ec.ttl, one byte */
	uint64_t max_targets; /* 0: all */
	uint32_t max_runtime_ms; /* 0: no limit */
	char *args, *services; /* for the outputs' headers */
	uint8_t dst_mac[6];
	uint8_t payload[1200];
	uint16_t payload_len;
	unsigned int show; /* enum xs_show; 0: XS_SHOW_DEFAULT */
};

/* The options that add to lists, and the ones with their own syntax. */
static int set_ports(void *cfg, const char *arg, char *err, size_t len)
{
	struct scan *sc = ((struct scan_args *)cfg)->sc;

	if (sc->ports.n)
		xs_ports_free(&sc->ports);
	return xs_ports_parse(arg, &sc->ports, err, len);
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
	{ .section = "Interface:",
	  .name = "interface",
	  .short_name = 'i',
	  .type = XS_OPT_STRING,
	  .metavar = "IFACE",
	  .off = F(so.ifname, const char *),
	  .help = "interface to send on" },
	XS_ALIAS("adapter", 'e', "interface", "masscan; -e: nmap"),
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
	    "where Ctrl-C writes the state (default\nxdpshake-scan.state), checked before the first SYN"),
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
	  .type = XS_OPT_IPV4,
	  .metavar = "IP",
	  .off = F(so.src, uint32_t),
	  .help = "source address" },
	XS_ALIAS("source-ip", 0, "src", "masscan"),
	XS_ALIAS("adapter-ip", 0, "src", "masscan"),
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
	XS_ALIAS("router-mac", 0, "dst-mac", "masscan"),
	{ .name = "ttl",
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .min = 1,
	  .max = 255,
	  .def = "64",
	  .off = F(ttl, uint32_t),
	  .help = "IP TTL of our frames (a small one draws ICMP\ntime-exceeded from a router on the way)" },
	{ .name = "window",
	  .type = XS_OPT_U16,
	  .metavar = "N",
	  .def = "64240",
	  .off = F(ec.window, uint16_t),
	  .help = "TCP window of our frames" },
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
	    "ndjson, JSON and CSV fields, in order (default all:\nip,port,state,sport,rtt_us,ttl,window,mss,wscale,\nsack,ts,time,banner,banner_b64,icmp_type,icmp_code,\nicmp_reason,icmp_from,options_malformed)"),
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
		"addresses, CIDR blocks, ranges a.b.c.d-e.f.g.h.\n",
	.opts = scan_opts,
	.epilog =
		"Exit codes: 0 done, 1 usage/configuration (also: no route to any target),\n"
		"3 no target's next hop answered ARP, 4 environment, 6 results or state\n"
		"could not be written (the scan stops sending), 130 interrupted (the\n"
		"replies in flight are collected and the state file says where to resume;\n"
		"a second Ctrl-C forces exit).\n",
};

/* For the man page and completion generators (doc.h). */
const struct xs_cmd *const xs_cmd_scan = &scan_cmd;

static bool next_probe(void *ctx, struct xs_probe *p)
{
	struct scan *sc = ctx;
	uint64_t idx;
	struct xs_perm before = sc->perm;
	unsigned int skipped = 0;
	int err;

	/* Results can no longer be recorded: send nothing more. */
	if (xs_report_failed(&sc->rep))
		return false;
	/* --max-targets: as many probes as said, then as if exhausted. */
	while ((!sc->max_probes || sc->produced < sc->max_probes) &&
	       xs_perm_next(&sc->perm, &idx)) {
		sc->produced++;
		xs_scan_probe_of(&sc->targets, &sc->ports, idx,
				 sc->perm.cfg.seed, sc->s.port_lo,
				 sc->s.port_hi, &p->daddr, &p->dport,
				 &p->sport);
		if (sc->has_dst_mac) {
			memcpy(p->dst_mac, sc->dst_mac, 6);
			return true;
		}
		err = xs_nexthops_mac(sc->nh, p->daddr, p->dst_mac);
		if (!err)
			return true;
		/* A signal while this probe waited for the ARP sweep: give
		 * it back, so that the saved state resumes with it. */
		if (err == -EINTR) {
			sc->perm = before;
			sc->produced--;
			return false;
		}
		if (!sc->unresolved++)
			sc->first_unresolved = p->daddr;
		/* A long run of unroutable targets (a /0 with no default
		 * route) would hold the engine: look at the stop flag. */
		if (++skipped % 65536 == 0 &&
		    __atomic_load_n(&sc->stop, __ATOMIC_RELAXED))
			return false;
		before = sc->perm;
	}
	sc->exhausted = true;
	return false;
}

struct interrupt_ctx {
	struct scan *sc;
	const char *state_file; /* NULL: its place cannot be written */
	bool saved;
	bool save_failed; /* reported */
};

/* First signal: the producer has stopped; save where it stopped now, so a
 * forced exit by a second signal still leaves a state to resume from.
 * After the last SYN there is nothing to resume. */
static void on_interrupt(void *ctx)
{
	struct interrupt_ctx *ic = ctx;
	char err[256];
	int e;

	if (!ic->sc->exhausted && ic->state_file) {
		e = xs_perm_save(&ic->sc->perm, ic->state_file, err,
				 sizeof(err));
		if (e)
			ic->save_failed = xs_err_write(
				-e, "interrupted: cannot write state file %s",
				ic->state_file);
		else
			ic->saved = true;
	}
	xs_signal_default();
}

/* "3 targets", or with several ports "3 target-port pairs". */
static const char *skipped_what(const struct scan *sc)
{
	if (sc->ports.n == 1)
		return xs_plural(sc->unresolved, "target", "targets");
	return xs_plural(sc->unresolved, "target-port pair",
			 "target-port pairs");
}

/* Nothing was sent, every target was skipped: the error (and exit code)
 * connect gives, no route (1) or no ARP answer from the next hop (3). */
static int all_skipped(struct scan *sc)
{
	uint32_t nexthop, src;
	char ip[16];

	xs_fmt_ipv4(sc->first_unresolved, ip);
	if (xs_nl_route(sc->s.t.iface.ifindex, sc->first_unresolved, &nexthop,
			&src))
		return xs_err(
			XS_EXIT_USAGE,
			"nothing sent: no route through %s to any target (%llu %s skipped, the first %s): add one, or give --dst-mac",
			sc->s.t.ifname, (unsigned long long)sc->unresolved,
			skipped_what(sc), ip);
	return xs_err(
		XS_EXIT_NOANSWER,
		"nothing sent: no ARP answer from the next hop of any target on %s (%llu %s skipped, the first %s)",
		sc->s.t.ifname, (unsigned long long)sc->unresolved,
		skipped_what(sc), ip);
}

/* A resumed scan that has sent its last SYN: its state file is spent. */
static int remove_spent(const char *resume, bool quiet, const char *why)
{
	if (unlink(resume) && errno != ENOENT)
		return xs_err_write(errno, "cannot remove state file %s",
				    resume);
	if (!quiet)
		fprintf(stderr, "xdpshake: %s: removed state file %s\n", why,
			resume);
	return XS_EXIT_OK;
}

/*
 * What the end of a run says and its exit code: 130 if interrupted (with
 * where the state is), 6 if the results or the state could not be written
 * (reported already), 1 or 3 if every target was skipped.
 */
static int scan_end(struct scan *sc, const struct interrupt_ctx *ic,
		    const struct xs_engine_stats *st, const char *resume,
		    bool quiet)
{
	bool all = sc->unresolved && sc->unresolved == sc->produced;

	if (sc->unresolved && !(all && !st->interrupted))
		xs_warn("%llu %s skipped: no route or no ARP answer for %s next hop",
			(unsigned long long)sc->unresolved, skipped_what(sc),
			xs_plural(sc->unresolved, "its", "their"));
	if (st->interrupted) {
		if (ic->save_failed)
			return XS_EXIT_WRITE;
		if (ic->saved) {
			fprintf(stderr,
				"xdpshake: interrupted: state saved to %s; continue with --resume %s\n",
				ic->state_file, ic->state_file);
		} else if (!sc->exhausted) {
			fprintf(stderr,
				"xdpshake: interrupted: no state saved (the state file's place cannot be written)\n");
		} else if (resume) {
			if (remove_spent(
				    resume, false,
				    "interrupted after the last SYN, nothing left to resume"))
				return XS_EXIT_WRITE;
		} else {
			fprintf(stderr,
				"xdpshake: interrupted after the last SYN: nothing left to resume\n");
		}
		return XS_EXIT_INTERRUPTED;
	}
	/* Results lost: a resume file stays, to run this part again. */
	if (xs_report_failed(&sc->rep))
		return XS_EXIT_WRITE;
	if (all)
		return all_skipped(sc);
	if (resume && sc->exhausted)
		return remove_spent(resume, quiet, "scan finished");
	return XS_EXIT_OK;
}

static uint64_t specs_tag(const struct scan *sc)
{
	struct xs_isn_key k = { 0x78647073, 0x68616b65 };

	/* What the permutation's elements mean: resuming over a different
	 * target or port list of equal size must be refused. */
	return xs_siphash24(&k, sc->targets.r,
			    sc->targets.n * sizeof(*sc->targets.r)) ^
	       xs_siphash24(&k, sc->ports.port,
			    sc->ports.n * sizeof(*sc->ports.port));
}

/*
 * The engine, unless a signal came during the set-up: then no SYN at all,
 * and the state resumes from where this run would have started.
 */
static int run_engine(struct scan *sc, const struct xs_engine_cfg *ec,
		      struct interrupt_ctx *ic, struct xs_engine_stats *st)
{
	int e = 0;

	if (xs_signal_take(sc->s.sigfd)) {
		memset(st, 0, sizeof(*st));
		st->interrupted = true;
		st->start_ns = st->now_ns = st->end_send_ns = xs_mono_ns();
		st->nqueues = ec->nsocks;
		on_interrupt(ic);
		if (ec->on_progress)
			ec->on_progress(ec->progress_ctx, st, true);
		return 0;
	}
	e = xs_engine_run(ec, st);
	xs_session_add_sockstats(&sc->s);
	/* A signal that stopped the producer (waiting for the ARP sweep)
	 * can end the run before the engine's loop marks it interrupted. */
	if (!e && !st->interrupted &&
	    __atomic_load_n(&sc->stop, __ATOMIC_SEQ_CST)) {
		st->interrupted = true;
		on_interrupt(ic);
	}
	return e;
}

/*
 * Finalize the targets, leave the special-purpose ranges out of the global
 * ones, and refuse an Internet-size set nobody confirmed.
 */
static int scan_targets(struct scan *sc, bool default_exclude, bool large_ok,
			bool quiet)
{
	unsigned long long given, left;
	char err[256];

	if (xs_targets_finalize(&sc->targets, err, sizeof(err)))
		return xs_err(XS_EXIT_USAGE, "%s", err);
	given = sc->targets.count;
	if (!large_ok && given > LARGE_TARGETS)
		return xs_err(
			XS_EXIT_USAGE,
			"%llu targets: a set larger than a /8 is refused; leave ranges out with --exclude/--exclude-file, or confirm with --allow-large",
			given);
	if (!default_exclude)
		return 0;
	if (xs_special_apply(&sc->targets))
		return xs_err(XS_EXIT_ENV, "out of memory");
	if (xs_targets_finalize(&sc->targets, err, sizeof(err)))
		return xs_err(XS_EXIT_USAGE, "%s", err);
	left = sc->targets.count;
	if (!quiet && left < given)
		fprintf(stderr,
			"xdpshake: %llu special-purpose address%s left out (--print-default-exclude lists them, --no-default-exclude scans them)\n",
			given - left, given - left == 1 ? "" : "es");
	return 0;
}

/*
 * SIGINT, SIGTERM and SIGHUP stay pending from the start: the session's
 * signalfd and the engine's watcher take them, so a Ctrl-C during set-up
 * ends the run as one during the scan does (state saved, nothing left
 * attached) instead of killing it half-attached.
 */
static void block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Options into a, then the operands as targets: -1 to go on, or an exit
 * code. */
static int scan_parse(int argc, char **argv, struct scan_args *a)
{
	xs_opts_seen_t seen;
	char err[256];
	int c, ret;

	/* "-iL FILE" as nmap and masscan spell it. */
	for (c = 1; c < argc; c++)
		if (!strcmp(argv[c], "-iL"))
			argv[c] = "-L";
	ret = xs_opts_parse(&scan_cmd, argc, argv, a, &seen);
	if (ret >= 0)
		return ret;
	if (a->print_default_exclude) {
		xs_special_print(stdout);
		return XS_EXIT_OK;
	}
	a->has_seed = xs_opts_given(&scan_cmd, seen, "seed");
	a->state_given = xs_opts_given(&scan_cmd, seen, "state-file") ||
			 xs_opts_given(&scan_cmd, seen, "resume");
	a->user_exclude = xs_opts_given(&scan_cmd, seen, "exclude") ||
			  xs_opts_given(&scan_cmd, seen, "exclude-file");
	a->any_target = xs_opts_given(&scan_cmd, seen, "input");
	a->legacy_out = xs_opts_given(&scan_cmd, seen, "output") ||
			xs_opts_given(&scan_cmd, seen, "format");
	a->so.ports_given = xs_opts_given(&scan_cmd, seen, "sports");
	a->sc->has_dst_mac = xs_opts_given(&scan_cmd, seen, "dst-mac");
	memcpy(a->sc->dst_mac, a->dst_mac, 6);
	for (; optind < argc; optind++) {
		if (xs_targets_add(&a->sc->targets, argv[optind], err,
				   sizeof(err)))
			return xs_err(XS_EXIT_USAGE, "%s", err);
		a->any_target = true;
	}
	if (!a->any_target)
		return xs_err(
			XS_EXIT_USAGE,
			"scan needs targets: addresses, CIDR blocks, ranges or -iL FILE");
	if (!a->sc->ports.n)
		return xs_err(XS_EXIT_USAGE,
			      "scan needs ports: -p 22,80,8000-8100");
	return -1;
}

/* Every output: -o/--format's and the -oX/-oG/-oJ/-oD/-oL ones. */
static int scan_outputs(struct scan_args *a)
{
	struct xs_report_cfg *rc = &a->rc;
	struct scan *sc = a->sc;
	struct xs_version v;

	if (a->legacy_out)
		rc->out[rc->nout++] =
			(struct xs_out_spec){ a->format, a->output };
	rc->status_json = a->status_json;
	rc->quiet = a->quiet;
	a->services = xs_run_services(sc->ports.port, sc->ports.n);
	xs_version_get(&v);
	rc->info.version = v.version;
	rc->info.args = a->args;
	rc->info.services = a->services;
	rc->info.nports = sc->ports.n;
	rc->info.hosts = sc->targets.count;
	return xs_report_open(&sc->rep, rc);
}

/* The (target, port) pairs, the output and the permutation, fresh or
 * resumed. */
static int scan_prepare(struct scan_args *a)
{
	struct scan *sc = a->sc;
	struct xs_perm_cfg *pcp = &a->pc;
	char err[256];
	int ret, e;

	ret = scan_targets(sc, !a->no_default_exclude,
			   a->allow_large || a->user_exclude,
			   a->quiet || a->status_json);
	if (ret)
		return ret;
	if (sc->targets.count * sc->ports.n > XS_PERM_MAX_N)
		return xs_err(XS_EXIT_USAGE, "too many (target, port) pairs");
	ret = scan_outputs(a);
	if (ret)
		return ret;
	if (a->show)
		sc->rep.show = a->show;
	/* Silent probes are results only when asked for. */
	a->ec.report_timeouts = sc->rep.show & XS_SHOW_SILENT;
	pcp->n = sc->targets.count * sc->ports.n;
	pcp->tag = specs_tag(sc);
	if (!a->has_seed && getrandom(&pcp->seed, sizeof(pcp->seed), 0) < 0)
		pcp->seed = (uint64_t)time(NULL);
	if (a->resume && access(a->resume, F_OK) && errno == ENOENT)
		return xs_err(
			XS_EXIT_USAGE,
			"--resume %s: no such state file (a resumed scan that runs to its end removes it: then nothing is left to resume)",
			a->resume);
	if (a->resume)
		e = xs_perm_load(&sc->perm, a->resume, pcp,
				 a->has_seed ? 0 : XS_PERM_LOAD_ANY_SEED, err,
				 sizeof(err));
	else
		e = xs_perm_init(&sc->perm, pcp);
	if (e)
		return xs_err(XS_EXIT_USAGE, "%s",
			      *err ? err : "bad --shard or target count");
	return 0;
}

/* Before the first SYN: Ctrl-C must find a place to save to. */
static int scan_state_file(struct scan_args *a)
{
	char err[256];

	if (!xs_statefile_check(a->state_file, err, sizeof(err)))
		return 0;
	if (a->state_given)
		return xs_err(XS_EXIT_USAGE, "%s", err);
	xs_warn("%s: Ctrl-C will save no resume state (give --state-file)",
		err);
	a->state_file = NULL;
	return 0;
}

/* The session (programs, sockets) and the next hops. */
static int scan_open(struct scan_args *a, const struct xs_isn_key *key)
{
	struct xs_engine_cfg *ecp = &a->ec;
	struct xs_session_opts *so = &a->so;
	struct scan *sc = a->sc;
	int ret, e;

	if (ecp->mode == XS_SCAN_BANNER) {
		ecp->payload = a->payload;
		ecp->payload_len = a->payload_len;
	}
	/* Every mode needs the server's other segments too: a challenge ACK
	 * to our SYN (an older connection on the 4-tuple), the server's FIN
	 * after ours (--close fin), its data (banner mode). */
	so->cfg_flags = XS_CFG_ISN_CHECK | XS_CFG_ALL_SEGMENTS;
	so->isn_k0 = key->k0;
	so->isn_k1 = key->k1;
	so->cmd = "scan";
	ret = xs_session_open(so, &sc->s);
	if (ret || sc->has_dst_mac)
		return ret;
	e = xs_nexthops_open(&sc->nh, sc->s.t.iface.ifindex, &sc->targets,
			     &sc->stop, a->quiet || a->status_json);
	if (e)
		return xs_err(XS_EXIT_ENV, "cannot read the route tables: %s",
			      strerror(-e));
	return 0;
}

/* The live line's drops: the sockets' XDP_STATISTICS, summed. */
static void sock_drops(void *ctx, uint64_t *ring, uint64_t *kernel)
{
	const struct scan *sc = ctx;
	struct xdp_statistics xs;
	unsigned int i;

	for (i = 0; i < sc->s.nsocks; i++) {
		if (xs_xsk_stats(sc->s.socks[i], &xs))
			continue;
		*ring += xs.rx_ring_full;
		*kernel += xs.rx_dropped;
	}
}

/* The start line, once the session is up. */
static void scan_start_line(struct scan_args *a)
{
	struct scan *sc = a->sc;
	struct xs_scan_plan p = {
		.hosts = sc->targets.count,
		.ports = sc->ports.n,
		.probes = sc->rep.total - sc->rep.done_before,
		.rate_pps = a->ec.rate_pps,
		.seed = sc->perm.cfg.seed,
		.shard = sc->perm.cfg.shard,
		.shards = sc->perm.cfg.shards,
	};

	xs_report_start(&sc->rep, &p);
}

/* The engine's part: the session's sockets and addresses, the callbacks. */
static void scan_engine_cfg(struct scan_args *a, const struct xs_isn_key *key,
			    struct interrupt_ctx *ic)
{
	struct xs_engine_cfg *ecp = &a->ec;
	struct scan *sc = a->sc;

	ecp->stop_flag = &sc->stop;
	ecp->socks = sc->s.socks;
	ecp->nsocks = sc->s.nsocks;
	memcpy(ecp->src_mac, sc->s.t.iface.mac, 6);
	ecp->saddr = sc->s.src;
	ecp->key = key;
	ecp->mss = xs_session_mss(&sc->s);
	ecp->ttl = (uint8_t)a->ttl;
	if (a->max_runtime_ms)
		ecp->send_until_ns =
			xs_mono_ns() + (uint64_t)a->max_runtime_ms * 1000000;
	ecp->sigfd = sc->s.sigfd;
	ecp->next = next_probe;
	ecp->next_ctx = sc;
	ecp->on_result = xs_report_result;
	ecp->result_ctx = &sc->rep;
	ecp->on_progress = xs_report_progress;
	ecp->progress_ctx = &sc->rep;
	sc->rep.total =
		sc->perm.cfg.n / sc->perm.cfg.shards +
		(sc->perm.cfg.shard <= sc->perm.cfg.n % sc->perm.cfg.shards);
	if (sc->max_probes && sc->max_probes < sc->rep.total)
		sc->rep.total = sc->max_probes;
	sc->rep.done_before = sc->perm.emitted;
	sc->rep.wait_ms = ecp->wait_ms;
	sc->rep.drops = sock_drops;
	sc->rep.drops_ctx = sc;
	ic->sc = sc;
	ic->state_file = a->state_file;
	ecp->on_interrupt = on_interrupt;
	ecp->interrupt_ctx = ic;
}

/* --dryrun: the interface's address (or --src) and the source ports, then
 * the SYNs as lines; nothing attached, nothing sent. */
static int scan_dryrun(struct scan_args *a, const struct xs_isn_key *key)
{
	struct xs_target t = { .ifname = a->so.ifname, .netns = a->so.netns };
	struct xs_dryrun d = { .key = key,
			       .ttl = (uint8_t)a->ttl,
			       .window = a->ec.window,
			       .max = a->max_targets };
	int64_t n;
	int ret;

	ret = xs_target_open(&t);
	if (ret)
		return ret;
	d.saddr = a->so.src ?: t.iface.ipv4;
	if (!d.saddr)
		return xs_err(XS_EXIT_USAGE,
			      "%s has no IPv4 address: give --src", t.ifname);
	d.port_lo = a->so.port_lo;
	d.port_hi = a->so.port_hi;
	if (!a->so.ports_given) {
		d.port_lo = XS_DEFAULT_PORT_LO;
		d.port_hi = XS_DEFAULT_PORT_HI;
	}
	/* The probes are the run's output: on standard output. */
	n = xs_scan_dryrun(&d, &a->sc->targets, &a->sc->ports, &a->sc->perm,
			   stdout);
	if (n < 0)
		return xs_err_write(
			(int)-n, "cannot write the probes to standard output");
	if (!a->quiet)
		fprintf(stderr,
			"xdpshake: dry run: %lld SYN%s printed, none sent\n",
			(long long)n, n == 1 ? "" : "s");
	return XS_EXIT_OK;
}

/* The run, its results closed, its end reported: the exit code. */
static int scan_run(struct scan_args *a, struct interrupt_ctx *ic)
{
	struct xs_engine_stats st;
	struct scan *sc = a->sc;
	unsigned long req;
	unsigned int dumps;
	int ret, e;

	e = run_engine(sc, &a->ec, ic, &st);
	/* Closed first: a --resume file is removed only once every result of
	 * the run is written. */
	xs_report_close(&sc->rep);
	if (e)
		ret = xs_err(XS_EXIT_ENV, "scan failed: %s", strerror(-e));
	else
		ret = scan_end(sc, ic, &st, a->resume,
			       a->quiet || a->status_json);
	if (sc->nh && xs_verbose) {
		xs_nexthops_cost(sc->nh, &dumps, &req);
		fprintf(stderr,
			"xdpshake: next hops: %u route table %s, %lu route %s\n",
			dumps, xs_plural(dumps, "dump", "dumps"), req,
			xs_plural(req, "request", "requests"));
	}
	return ret;
}

int do_scan(int argc, char **argv)
{
	static struct scan_args a;
	struct interrupt_ctx ic = {};
	struct xs_isn_key key;
	struct scan *sc;
	int ret;

	block_signals();
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return xs_err(XS_EXIT_ENV, "out of memory");
	a = (struct scan_args){
		.sc = sc,
		.state_file = "xdpshake-scan.state",
		.ec = { .mode = XS_SCAN_HANDSHAKE, .window = 64240, .ttl = 64 },
		.pc = { .shard = 1, .shards = 1 }
	};
	a.args = xs_run_args("xdpshake scan", argc, argv);
	ret = scan_parse(argc, argv, &a);
	if (ret >= 0)
		goto out_free;
	ret = scan_prepare(&a) ?: scan_state_file(&a);
	if (!ret && xs_isn_key_init(&key))
		ret = xs_err(XS_EXIT_ENV, "no randomness for the ISN key");
	if (ret)
		goto out_rep;
	sc->max_probes = a.max_targets;
	if (a.dryrun) {
		ret = scan_dryrun(&a, &key);
		goto out_rep;
	}
	ret = scan_open(&a, &key);
	if (!ret) {
		scan_engine_cfg(&a, &key, &ic);
		scan_start_line(&a);
		ret = scan_run(&a, &ic);
	}
	xs_nexthops_close(sc->nh);
	xs_session_close(&sc->s);
out_rep:
	xs_report_close(&sc->rep);
out_free:
	xs_targets_free(&sc->targets);
	xs_ports_free(&sc->ports);
	free(sc);
	free(a.args);
	free(a.services);
	return ret;
}
