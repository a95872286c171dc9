/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake scan: confirmed handshakes over address blocks and port lists.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "engine.h"
#include "isn.h"
#include "logfmt.h"
#include "nl.h"
#include "output.h"
#include "permute.h"
#include "report.h"
#include "session.h"
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
};

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

/* Next-hop MACs: per /24 behind a gateway, per address on a link. */
#define MAC_CACHE 4096
/* On-link targets resolved up front; indexed by the address's low 16 bits,
 * so any on-link /16 fits without collisions. */
#define ONLINK_MAX 65536

struct mac_slot {
	uint32_t key; /* /24 or address, host order; 0 = empty */
	bool onlink;
	bool ok;
	uint8_t mac[6];
};

struct scan {
	struct xs_session s;
	struct xs_targets targets;
	struct xs_ports ports;
	struct xs_perm perm;
	struct xs_report rep;
	bool has_dst_mac;
	uint8_t dst_mac[6];
	struct mac_slot net_cache[MAC_CACHE];
	struct mac_slot host_cache[ONLINK_MAX];
	uint64_t unresolved;
	uint32_t first_unresolved; /* network order, for the error */
	uint64_t produced;
	bool exhausted; /* the permutation has no more (not stopped early) */
};

static uint32_t slot_of(uint32_t key)
{
	return (key * 2654435761u) % MAC_CACHE;
}

/* The route towards daddr's /24: gateway MAC, or on the link. */
static struct mac_slot *net_slot(struct scan *sc, uint32_t daddr)
{
	uint32_t h = ntohl(daddr), nexthop = 0, src;
	struct mac_slot *n = &sc->net_cache[slot_of(h >> 8)];

	if (n->key != (h >> 8) + 1) {
		n->key = (h >> 8) + 1;
		n->ok = !xs_nl_route(sc->s.t.iface.ifindex, daddr, &nexthop,
				     &src);
		n->onlink = n->ok && nexthop == daddr;
		if (n->ok && !n->onlink)
			n->ok = !xs_nl_neigh_resolve(sc->s.t.iface.ifindex,
						     nexthop, n->mac, 1000);
	}
	return n;
}

/* The MAC to send to for daddr; false if it cannot be had. */
static bool mac_for(struct scan *sc, uint32_t daddr, uint8_t mac[6])
{
	uint32_t h = ntohl(daddr);
	struct mac_slot *n, *a;

	if (sc->has_dst_mac) {
		memcpy(mac, sc->dst_mac, 6);
		return true;
	}
	n = net_slot(sc, daddr);
	if (!n->ok)
		return false;
	if (!n->onlink) {
		memcpy(mac, n->mac, 6);
		return true;
	}
	/* On the link: every target answers ARP for itself (swept up front,
	 * one at a time for what the sweep did not cover). */
	a = &sc->host_cache[h & (ONLINK_MAX - 1)];
	if (a->key != h + 1) {
		a->key = h + 1;
		a->ok = !xs_nl_neigh_resolve(sc->s.t.iface.ifindex, daddr,
					     a->mac, 300);
	}
	if (a->ok)
		memcpy(mac, a->mac, 6);
	return a->ok;
}

/*
 * An ARP sweep of the on-link targets before the first SYN, as nmap does
 * on a local network: resolving them one by one in the send loop would
 * stall it for every silent address.
 */
static void sweep_onlink(struct scan *sc, bool quiet)
{
	uint32_t *addr = NULL, h;
	uint8_t(*mac)[6] = NULL;
	bool *ok = NULL;
	uint64_t blk, a, first, last;
	size_t i, n = 0;
	int got;

	if (sc->has_dst_mac)
		return;
	for (i = 0; i < sc->targets.n && n < ONLINK_MAX; i++) {
		const struct xs_range *r = &sc->targets.r[i];

		for (blk = r->lo >> 8; blk <= r->hi >> 8 && n < ONLINK_MAX;
		     blk++) {
			first = blk << 8 > r->lo ? blk << 8 : r->lo;
			last = (blk << 8 | 255) < r->hi ? (blk << 8 | 255) :
							  r->hi;
			if (!net_slot(sc, htonl((uint32_t)first))->onlink)
				continue;
			if (!addr) {
				addr = calloc(ONLINK_MAX, sizeof(*addr));
				mac = calloc(ONLINK_MAX, sizeof(*mac));
				ok = calloc(ONLINK_MAX, sizeof(*ok));
				if (!addr || !mac || !ok)
					goto out;
			}
			for (a = first; a <= last && n < ONLINK_MAX; a++)
				addr[n++] = htonl((uint32_t)a);
		}
	}
	if (!n)
		goto out;
	got = xs_nl_neigh_sweep(sc->s.t.iface.ifindex, addr, n, mac, ok, 1000);
	if (got < 0) {
		xs_warn("ARP sweep failed (%s): resolving on-link targets one by one",
			strerror(-got));
		goto out;
	}
	for (i = 0; i < n; i++) {
		h = ntohl(addr[i]);
		sc->host_cache[h & (ONLINK_MAX - 1)] =
			(struct mac_slot){ .key = h + 1, .ok = ok[i] };
		memcpy(sc->host_cache[h & (ONLINK_MAX - 1)].mac, mac[i], 6);
	}
	if (!quiet)
		fprintf(stderr,
			"xdpshake: ARP sweep: %d of %zu on-link %s answered\n",
			got, n, xs_plural(n, "target", "targets"));
out:
	free(addr);
	free(mac);
	free(ok);
}

static bool next_probe(void *ctx, struct xs_probe *p)
{
	struct scan *sc = ctx;
	uint64_t idx;
	uint32_t span = sc->s.port_hi - sc->s.port_lo + 1;

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
		if (mac_for(sc, p->daddr, p->dst_mac))
			return true;
		if (!sc->unresolved++)
			sc->first_unresolved = p->daddr;
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

int do_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "netns", required_argument, NULL, 'n' },
		{ "ports", required_argument, NULL, 'p' },
		{ "input", required_argument, NULL, 'L' },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "exclude-file", required_argument, NULL, OPT_EXCLUDE_FILE },
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
	static uint8_t payload[1200];
	uint16_t payload_len = 0;
	uint32_t v;
	int c, ret = XS_EXIT_OK, e;

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
		case OPT_EXCLUDE:
			if (xs_targets_exclude(&sc->targets, optarg, err,
					       sizeof(err)))
				ret = xs_err(XS_EXIT_USAGE, "%s", err);
			break;
		case OPT_EXCLUDE_FILE:
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
	if (xs_targets_finalize(&sc->targets, err, sizeof(err))) {
		ret = xs_err(XS_EXIT_USAGE, "%s", err);
		goto out_free;
	}
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

	sweep_onlink(sc, quiet || status_json);
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
	e = xs_engine_run(&ec, &st);
	xs_session_add_sockstats(&sc->s);
	/* Closed first: a resume file is removed only once every result of
	 * the run is written. */
	xs_report_close(&sc->rep);
	if (e)
		ret = xs_err(XS_EXIT_ENV, "scan failed: %s", strerror(-e));
	else
		ret = scan_end(sc, &ic, &st, resume, quiet || status_json);
out_session:
	xs_session_close(&sc->s);
out_rep:
	xs_report_close(&sc->rep);
out_free:
	xs_targets_free(&sc->targets);
	xs_ports_free(&sc->ports);
	free(sc);
	return ret;
}
