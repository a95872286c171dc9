/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake scan: confirmed handshakes over address blocks and port lists.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
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
#include "permute.h"
#include "report.h"
#include "session.h"
#include "special.h"
#include "statefile.h"
#include "targets.h"

static const char scan_usage[] =
	"Usage: xdpshake scan -i IFACE [--netns NS] TARGETS... -p PORTS [options]\n"
	"\n"
	"Scan (address, port) pairs in a keyed pseudo-random order with real\n"
	"handshakes, outside the local kernel's TCP stack. Replies are checked\n"
	"against the keyed ISN in XDP and again in userspace.\n"
	"\n"
	"Targets and ports:\n"
	"  TARGETS                addresses, CIDR blocks, ranges a.b.c.d-e.f.g.h\n"
	"  -p, --ports LIST       22,80,8000-8100\n"
	"  -L, -iL, --input FILE  targets from FILE (one spec per line, # comments)\n"
	"      --exclude SPEC     leave these out (CIDR, ranges); repeatable\n"
	"      --exclude-file F   excludes from a file\n"
	"      --no-default-exclude  scan special-purpose ranges too (multicast,\n"
	"                         loopback, documentation...) in global ranges\n"
	"      --print-default-exclude  print that built-in list and exit\n"
	"      --allow-large      scan more than a /8 (2^24 addresses) without an\n"
	"                         --exclude or --exclude-file\n"
	"Order and splitting:\n"
	"      --seed N           the permutation's seed (default: random)\n"
	"      --shard I/N        scan part I of N: shards never overlap nor leave gaps\n"
	"      --resume FILE      continue a stopped scan; Ctrl-C writes the state to\n"
	"                         --state-file (default xdpshake-scan.state), whose\n"
	"                         place is checked before the first SYN; a resumed\n"
	"                         scan that runs to its end removes FILE\n"
	"Pace:\n"
	"  -r, --rate PPS         SYNs per second (default 10000; 0: no limit)\n"
	"      --retries N        SYN retransmissions (default 1)\n"
	"      --timeout MS       first retransmission after MS (default 1000)\n"
	"      --wait SEC         wait for late replies after the last SYN (default 2)\n"
	"      --queues N         AF_XDP sockets on at most N RX queues (default all)\n"
	"Mode:\n"
	"      --syn-only         answer each SYN-ACK with RST (the classic scan)\n"
	"      --close MODE       after a full handshake: rst (default), fin, none\n"
	"      --banner           after the handshake send --payload (if any) and\n"
	"                         report the first bytes the server sends, then RST\n"
	"      --payload STR      bytes to send (C escapes: \\r \\n \\t \\\\ \\xNN)\n"
	"      --banner-timeout MS  how long to wait for them (default 3000)\n"
	"      --banner-max N     bytes kept (default 256, at most 1024)\n"
	"Addresses:\n"
	"      --src IP           source address; --sports LO-HI source ports\n"
	"      --dst-mac MAC      send everything to this MAC (default: route and\n"
	"                         neighbour tables, per destination)\n"
	"Output:\n"
	"  -o, --output FILE      results to FILE (default stdout)\n"
	"      --format FMT       ndjson (default), list, csv\n"
	"      --status-json      progress as JSON lines on stderr, once a second\n"
	"  -q, --quiet            no progress line\n"
	"\n"
	"Exit codes: 0 done, 1 usage/configuration (also: no route to any target),\n"
	"3 no target's next hop answered ARP, 4 environment, 6 results or state\n"
	"could not be written (the scan stops sending), 130 interrupted (the\n"
	"replies in flight are collected and the state file says where to resume;\n"
	"a second Ctrl-C forces exit).\n";

enum {
	OPT_EXCLUDE = 256,
	OPT_EXCLUDE_FILE,
	OPT_SEED,
	OPT_SHARD,
	OPT_RESUME,
	OPT_STATE_FILE,
	OPT_RETRIES,
	OPT_TIMEOUT,
	OPT_WAIT,
	OPT_QUEUES,
	OPT_SYN_ONLY,
	OPT_CLOSE,
	OPT_SRC,
	OPT_SPORTS,
	OPT_DST_MAC,
	OPT_FORMAT,
	OPT_STATUS_JSON,
	OPT_MODE,
	OPT_BANNER,
	OPT_PAYLOAD,
	OPT_BANNER_TIMEOUT,
	OPT_BANNER_MAX,
	OPT_ALLOW_LARGE,
	OPT_NO_DEFAULT_EXCLUDE,
	OPT_PRINT_DEFAULT_EXCLUDE,
};

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
	bool exhausted; /* the permutation has no more (not stopped early) */
};

static bool next_probe(void *ctx, struct xs_probe *p)
{
	struct scan *sc = ctx;
	uint64_t idx;
	uint32_t span = sc->s.port_hi - sc->s.port_lo + 1;

	struct xs_perm before = sc->perm;
	unsigned int skipped = 0;
	int err;

	/* Results can no longer be recorded: send nothing more. */
	if (xs_report_failed(&sc->rep))
		return false;
	while (xs_perm_next(&sc->perm, &idx)) {
		sc->produced++;
		p->daddr =
			htonl(xs_targets_nth(&sc->targets, idx / sc->ports.n));
		p->dport = sc->ports.port[idx % sc->ports.n];
		/* Spread over our ports, the same for every retry. */
		p->sport = sc->s.port_lo + (uint16_t)((idx * 40503u) % span);
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

int do_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "netns", required_argument, NULL, 'n' },
		{ "ports", required_argument, NULL, 'p' },
		{ "input", required_argument, NULL, 'L' },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "exclude-file", required_argument, NULL, OPT_EXCLUDE_FILE },
		{ "allow-large", no_argument, NULL, OPT_ALLOW_LARGE },
		{ "no-default-exclude", no_argument, NULL,
		  OPT_NO_DEFAULT_EXCLUDE },
		{ "print-default-exclude", no_argument, NULL,
		  OPT_PRINT_DEFAULT_EXCLUDE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "state-file", required_argument, NULL, OPT_STATE_FILE },
		{ "rate", required_argument, NULL, 'r' },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "queues", required_argument, NULL, OPT_QUEUES },
		{ "syn-only", no_argument, NULL, OPT_SYN_ONLY },
		{ "close", required_argument, NULL, OPT_CLOSE },
		{ "src", required_argument, NULL, OPT_SRC },
		{ "sports", required_argument, NULL, OPT_SPORTS },
		{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "banner", no_argument, NULL, OPT_BANNER },
		{ "payload", required_argument, NULL, OPT_PAYLOAD },
		{ "banner-timeout", required_argument, NULL,
		  OPT_BANNER_TIMEOUT },
		{ "banner-max", required_argument, NULL, OPT_BANNER_MAX },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "status-json", no_argument, NULL, OPT_STATUS_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct xs_session_opts so = { .mode = XS_MODE_NATIVE };
	struct xs_engine_cfg ec = { .mode = XS_SCAN_HANDSHAKE,
				    .close = XS_CLOSE_RST,
				    .rate_pps = 10000,
				    .retries = 1,
				    .timeout_ms = 1000,
				    .wait_ms = 2000,
				    .window = 64240,
				    .ttl = 64 };
	const char *resume = NULL, *state_file = "xdpshake-scan.state";
	const char *output = NULL, *format = "ndjson";
	struct xs_perm_cfg pc = { .shard = 1, .shards = 1 };
	struct xs_engine_stats st;
	struct interrupt_ctx ic = {};
	struct xs_isn_key key;
	struct scan *sc;
	char err[256];
	bool has_seed = false, any_target = false, status_json = false;
	bool quiet = false, state_given = false;
	bool allow_large = false, user_exclude = false, default_exclude = true;
	static uint8_t payload[1200];
	uint16_t payload_len = 0;
	uint32_t v;
	int c, ret = XS_EXIT_OK, e;

	block_signals();
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return xs_err(XS_EXIT_ENV, "out of memory");
	/* "-iL FILE" as nmap and masscan spell it. */
	for (c = 1; c < argc; c++)
		if (!strcmp(argv[c], "-iL"))
			argv[c] = "-L";

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:p:L:r:o:qjvh", opts, NULL)) !=
	       -1) {
		err[0] = '\0';
		switch (c) {
		case 'i':
			so.ifname = optarg;
			break;
		case 'n':
			so.netns = optarg;
			break;
		case 'p':
			if (sc->ports.n)
				xs_ports_free(&sc->ports);
			if (xs_ports_parse(optarg, &sc->ports, err,
					   sizeof(err)))
				ret = xs_err(XS_EXIT_USAGE, "%s", err);
			break;
		case 'L':
			if (xs_targets_add_file(&sc->targets, optarg, err,
						sizeof(err)))
				ret = xs_err(XS_EXIT_USAGE, "%s", err);
			any_target = true;
			break;
		case OPT_ALLOW_LARGE:
			allow_large = true;
			break;
		case OPT_NO_DEFAULT_EXCLUDE:
			default_exclude = false;
			break;
		case OPT_PRINT_DEFAULT_EXCLUDE:
			xs_special_print(stdout);
			goto out_free;
		case OPT_EXCLUDE:
			user_exclude = true;
			if (xs_targets_exclude(&sc->targets, optarg, err,
					       sizeof(err)))
				ret = xs_err(XS_EXIT_USAGE, "%s", err);
			break;
		case OPT_EXCLUDE_FILE:
			user_exclude = true;
			if (xs_targets_exclude_file(&sc->targets, optarg, err,
						    sizeof(err)))
				ret = xs_err(XS_EXIT_USAGE, "%s", err);
			break;
		case OPT_SEED: {
			char *end;

			errno = 0;
			pc.seed = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg)
				ret = xs_err(XS_EXIT_USAGE,
					     "--seed takes a number, not '%s'",
					     optarg);
			has_seed = true;
			break;
		}
		case OPT_SHARD:
			if (xs_perm_parse_shard(optarg, &pc.shard, &pc.shards,
						err, sizeof(err)))
				ret = xs_err(XS_EXIT_USAGE, "%s", err);
			break;
		case OPT_RESUME:
			resume = optarg;
			state_file = optarg;
			state_given = true;
			break;
		case OPT_STATE_FILE:
			state_file = optarg;
			state_given = true;
			break;
		case 'r':
			if (xs_parse_u32(optarg, 0, 100000000, &v))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--rate takes 0 to 100000000 packets per second, not '%s'",
					optarg);
			ec.rate_pps = v;
			break;
		case OPT_RETRIES:
			if (xs_parse_u32(optarg, 0, 10, &ec.retries))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--retries takes 0 to 10, not '%s'",
					optarg);
			break;
		case OPT_TIMEOUT:
			if (xs_parse_u32(optarg, 1, 60000, &ec.timeout_ms))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--timeout takes 1 to 60000 ms, not '%s'",
					optarg);
			break;
		case OPT_WAIT:
			if (xs_parse_u32(optarg, 0, 3600, &v))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--wait takes 0 to 3600 seconds, not '%s'",
					optarg);
			ec.wait_ms = v * 1000;
			break;
		case OPT_QUEUES:
			if (xs_parse_u32(optarg, 1, XS_MAX_QUEUES,
					 &so.max_queues))
				ret = xs_err(XS_EXIT_USAGE,
					     "--queues takes 1 to %d, not '%s'",
					     XS_MAX_QUEUES, optarg);
			break;
		case OPT_SYN_ONLY:
			ec.mode = XS_SCAN_SYN_ONLY;
			break;
		case OPT_BANNER:
			ec.mode = XS_SCAN_BANNER;
			break;
		case OPT_PAYLOAD:
			if (parse_payload(optarg, payload, 1024, &payload_len))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--payload: bad escape or longer than 1024 bytes in '%s'",
					optarg);
			break;
		case OPT_BANNER_TIMEOUT:
			if (xs_parse_u32(optarg, 1, 600000, &ec.banner_ms))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--banner-timeout takes 1 to 600000 ms, not '%s'",
					optarg);
			break;
		case OPT_BANNER_MAX:
			if (xs_parse_u32(optarg, 1, XS_BANNER_MAX, &v))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--banner-max takes 1 to %d, not '%s'",
					XS_BANNER_MAX, optarg);
			ec.banner_max = v;
			break;
		case OPT_CLOSE:
			if (xs_parse_close(optarg, &ec.close))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--close takes rst, fin or none, not '%s'",
					optarg);
			break;
		case OPT_SRC:
			if (xs_parse_ipv4(optarg, &so.src) || !so.src)
				ret = xs_err(
					XS_EXIT_USAGE,
					"--src takes an IPv4 address, not '%s'",
					optarg);
			break;
		case OPT_SPORTS:
			if (xs_parse_port_range(optarg, &so.port_lo,
						&so.port_hi))
				ret = xs_err(XS_EXIT_USAGE,
					     "--sports takes LO-HI, not '%s'",
					     optarg);
			so.ports_given = true;
			break;
		case OPT_DST_MAC:
			if (xs_parse_mac(optarg, sc->dst_mac))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--dst-mac takes xx:xx:xx:xx:xx:xx, not '%s'",
					optarg);
			sc->has_dst_mac = true;
			break;
		case OPT_MODE:
			if (xs_parse_mode(optarg, &so.mode))
				ret = xs_err(
					XS_EXIT_USAGE,
					"--mode takes native or skb, not '%s'",
					optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_STATUS_JSON:
			status_json = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			ret = xs_common_opt(c, scan_usage);
			if (ret >= 0)
				goto out_free;
			ret = 0;
		}
		if (ret)
			goto out_free;
	}
	for (; optind < argc; optind++) {
		if (xs_targets_add(&sc->targets, argv[optind], err,
				   sizeof(err))) {
			ret = xs_err(XS_EXIT_USAGE, "%s", err);
			goto out_free;
		}
		any_target = true;
	}
	if (!any_target) {
		ret = xs_err(
			XS_EXIT_USAGE,
			"scan needs targets: addresses, CIDR blocks, ranges or -iL FILE");
		goto out_free;
	}
	if (!sc->ports.n) {
		ret = xs_err(XS_EXIT_USAGE,
			     "scan needs ports: -p 22,80,8000-8100");
		goto out_free;
	}
	ret = scan_targets(sc, default_exclude, allow_large || user_exclude,
			   quiet || status_json);
	if (ret)
		goto out_free;
	if (sc->targets.count * sc->ports.n > XS_PERM_MAX_N) {
		ret = xs_err(XS_EXIT_USAGE, "too many (target, port) pairs");
		goto out_free;
	}
	ret = xs_report_init(&sc->rep, output, format, status_json, quiet);
	if (ret)
		goto out_free;
	pc.n = sc->targets.count * sc->ports.n;
	pc.tag = specs_tag(sc);
	if (!has_seed && getrandom(&pc.seed, sizeof(pc.seed), 0) < 0)
		pc.seed = (uint64_t)time(NULL);
	if (resume && access(resume, F_OK) && errno == ENOENT) {
		ret = xs_err(
			XS_EXIT_USAGE,
			"--resume %s: no such state file (a resumed scan that runs to its end removes it: then nothing is left to resume)",
			resume);
		goto out_rep;
	}
	if (resume)
		e = xs_perm_load(&sc->perm, resume, &pc,
				 has_seed ? 0 : XS_PERM_LOAD_ANY_SEED, err,
				 sizeof(err));
	else
		e = xs_perm_init(&sc->perm, &pc);
	if (e) {
		ret = xs_err(XS_EXIT_USAGE, "%s",
			     *err ? err : "bad --shard or target count");
		goto out_rep;
	}

	/* Before the first SYN: Ctrl-C must find a place to save to. */
	if (xs_statefile_check(state_file, err, sizeof(err))) {
		if (state_given) {
			ret = xs_err(XS_EXIT_USAGE, "%s", err);
			goto out_rep;
		}
		xs_warn("%s: Ctrl-C will save no resume state (give --state-file)",
			err);
		state_file = NULL;
	}
	if (xs_isn_key_init(&key)) {
		ret = xs_err(XS_EXIT_ENV, "no randomness for the ISN key");
		goto out_rep;
	}
	if (payload_len && ec.mode != XS_SCAN_BANNER) {
		ret = xs_err(XS_EXIT_USAGE, "--payload goes with --banner");
		goto out_rep;
	}
	if (ec.mode == XS_SCAN_BANNER) {
		ec.payload = payload;
		ec.payload_len = payload_len;
		if (!ec.banner_ms)
			ec.banner_ms = 3000;
		if (!ec.banner_max)
			ec.banner_max = 256;
	}
	/* Banner mode needs the server's data segments too. */
	so.cfg_flags = XS_CFG_ISN_CHECK |
		       (ec.mode == XS_SCAN_BANNER ? XS_CFG_ALL_SEGMENTS : 0);
	so.isn_k0 = key.k0;
	so.isn_k1 = key.k1;
	ret = xs_session_open(&so, &sc->s);
	if (ret)
		goto out_session;

	if (!sc->has_dst_mac) {
		e = xs_nexthops_open(&sc->nh, sc->s.t.iface.ifindex,
				     &sc->targets, &sc->stop,
				     quiet || status_json);
		if (e) {
			ret = xs_err(XS_EXIT_ENV,
				     "cannot read the route tables: %s",
				     strerror(-e));
			goto out_session;
		}
	}
	ec.stop_flag = &sc->stop;
	ec.socks = sc->s.socks;
	ec.nsocks = sc->s.nsocks;
	memcpy(ec.src_mac, sc->s.t.iface.mac, 6);
	ec.saddr = sc->s.src;
	ec.key = &key;
	ec.mss = xs_session_mss(&sc->s);
	ec.sigfd = sc->s.sigfd;
	ec.next = next_probe;
	ec.next_ctx = sc;
	ec.on_result = xs_report_result;
	ec.result_ctx = &sc->rep;
	ec.on_progress = xs_report_progress;
	ec.progress_ctx = &sc->rep;
	sc->rep.total =
		sc->perm.cfg.n / sc->perm.cfg.shards +
		(sc->perm.cfg.shard <= sc->perm.cfg.n % sc->perm.cfg.shards);
	sc->rep.done_before = sc->perm.emitted;

	ic.sc = sc;
	ic.state_file = state_file;
	ec.on_interrupt = on_interrupt;
	ec.interrupt_ctx = &ic;
	e = run_engine(sc, &ec, &ic, &st);
	/* Closed first: a resume file is removed only once every result of
	 * the run is written. */
	xs_report_close(&sc->rep);
	if (e)
		ret = xs_err(XS_EXIT_ENV, "scan failed: %s", strerror(-e));
	else
		ret = scan_end(sc, &ic, &st, resume, quiet || status_json);
	if (sc->nh && xs_verbose) {
		unsigned long req;
		unsigned int dumps;

		xs_nexthops_cost(sc->nh, &dumps, &req);
		fprintf(stderr,
			"xdpshake: next hops: %u route table %s, %lu route %s\n",
			dumps, xs_plural(dumps, "dump", "dumps"), req,
			xs_plural(req, "request", "requests"));
	}
out_session:
	xs_nexthops_close(sc->nh);
	xs_session_close(&sc->s);
out_rep:
	xs_report_close(&sc->rep);
out_free:
	xs_targets_free(&sc->targets);
	xs_ports_free(&sc->ports);
	free(sc);
	return ret;
}
