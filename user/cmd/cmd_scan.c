/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake scan: confirmed handshakes over address blocks and port lists.
 * Its options are scan_opts.c's table; this is the run.
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
#include "scan.h"
#include "clock.h"
#include "commands.h"
#include "engine.h"
#include "ifstate.h"
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

/*
 * The probe of element idx in *p: 1 to send it, 0 skipped (no next hop:
 * counted), or -errno to stop and give it back: a signal while it waited
 * for the ARP sweep, or the interface gone under the sweep (so that the
 * saved state resumes with it).
 */
static int probe_at(struct scan *sc, uint64_t idx, struct xs_probe *p)
{
	struct xs_addr da;
	int err;

	xs_scan_probe_of(&sc->targets, &sc->ports, idx, sc->perm.cfg.seed,
			 sc->s.port_lo, sc->s.port_hi, &da, &p->dport,
			 &p->sport);
	p->daddr = da;
	if (sc->has_dst_mac) {
		memcpy(p->dst_mac, sc->dst_mac, 6);
		return 1;
	}
	err = xs_nexthops_mac(sc->nh, &da, p->dst_mac);
	if (!err)
		return 1;
	if (err == -EINTR || err == -ENODEV || err == -ENETDOWN ||
	    err == -XS_ENS_GONE) {
		if (err != -EINTR)
			sc->fault = err;
		return err;
	}
	if (!sc->unresolved++)
		sc->first_unresolved = da;
	sc->unresolved_fam[!xs_addr_is_v4(&da)] = true;
	return 0;
}

/* The resumed state's unfinished probes first, then the permutation. */
static bool next_probe(void *ctx, struct xs_probe *p)
{
	struct scan *sc = ctx;
	struct xs_perm before = sc->perm;
	unsigned int skipped = 0;
	bool from_back;
	uint64_t idx;
	int r;

	/* Results can no longer be recorded: send nothing more. */
	if (xs_report_failed(&sc->rep))
		return false;
	/* --max-targets: as many pairs of the permutation as said, counted
	 * over the resumed runs too (the unfinished ones are among them),
	 * then as if exhausted. */
	for (;;) {
		from_back = sc->back_pos < sc->back.n;
		if (from_back)
			idx = sc->back.idx[sc->back_pos++];
		else if ((sc->max_probes &&
			  sc->perm.emitted >= sc->max_probes) ||
			 !xs_perm_next(&sc->perm, &idx))
			break;
		sc->produced++;
		r = probe_at(sc, idx, p);
		if (r > 0)
			return true;
		if (r < 0) {
			if (from_back)
				sc->back_pos--;
			sc->perm = before;
			sc->produced--;
			return false;
		}
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

/* A probe the fault left without an outcome: its element, for the state
 * (every probe in flight is one of the scan's pairs). */
static void on_unfinished(void *ctx, const struct xs_addr *daddr,
			  uint16_t dport)
{
	struct scan *sc = ctx;
	uint64_t idx;

	if (!xs_scan_index_of(&sc->targets, &sc->ports, daddr, dport, &idx) ||
	    xs_perm_back_add(&sc->unfinished, idx))
		sc->unfinished_lost++;
}

/* The position, with the probes to send first on resume: those of the
 * resumed state not sent yet, and this run's unfinished ones. */
static int save_state(struct scan *sc, const char *path, char *err,
		      size_t errlen)
{
	size_t rest = sc->back.n - sc->back_pos, n = rest + sc->unfinished.n;
	uint64_t *v = malloc((n ? n : 1) * sizeof(*v));
	int e;

	if (!v) {
		snprintf(err, errlen, "cannot write state file '%s': %s", path,
			 strerror(ENOMEM));
		return -ENOMEM;
	}
	if (rest)
		memcpy(v, sc->back.idx + sc->back_pos, rest * sizeof(*v));
	if (sc->unfinished.n)
		memcpy(v + rest, sc->unfinished.idx,
		       sc->unfinished.n * sizeof(*v));
	e = xs_perm_save(&sc->perm, v, n, path, err, errlen);
	free(v);
	return e;
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
		e = save_state(ic->sc, ic->state_file, err, sizeof(err));
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
	struct xs_addr nexthop, src;
	char ip[XS_ADDR_STRLEN];

	xs_addr_fmt(&sc->first_unresolved, ip);
	if (xs_nl_route(sc->s.t.iface.ifindex, &sc->first_unresolved, &nexthop,
			&src))
		return xs_err(
			XS_EXIT_USAGE,
			"nothing sent: no route through %s to any target (%llu %s skipped, the first %s): add one, or give --dst-mac",
			sc->s.t.ifname, (unsigned long long)sc->unresolved,
			skipped_what(sc), ip);
	return xs_err(
		XS_EXIT_NOANSWER,
		"nothing sent: no %s answer from the next hop of any target on %s (%llu %s skipped, the first %s)",
		xs_addr_is_v4(&sc->first_unresolved) ? "ARP" :
						       "neighbour discovery",
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
		xs_warn("%llu %s skipped: no route or no %s answer for %s next hop",
			(unsigned long long)sc->unresolved, skipped_what(sc),
			!sc->unresolved_fam[1] ? "ARP" :
			!sc->unresolved_fam[0] ? "NDP" :
						 "ARP/NDP",
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

/*
 * A run stopped by a fault (its interface gone or down, its filter
 * detached): exit 4, and the state saved as Ctrl-C saves it, so that the
 * scan continues there once the interface is back.  The probes still
 * unanswered when it stopped are in the state too: the resumed scan sends
 * them first, so that together the two runs give every pair its outcome
 * once.  6 if the state (or the results) could not be written.
 */
static int fault_end(struct scan *sc, struct interrupt_ctx *ic, const char *why)
{
	char err[256];
	int e;

	xs_err(XS_EXIT_ENV, "scan failed: %s", why);
	if (xs_report_failed(&sc->rep))
		return XS_EXIT_WRITE;
	if (ic->save_failed)
		return XS_EXIT_WRITE;
	if (sc->unfinished_lost)
		xs_warn("%llu unfinished %s not recorded in the state (out of memory)",
			(unsigned long long)sc->unfinished_lost,
			xs_plural(sc->unfinished_lost, "probe", "probes"));
	if ((sc->exhausted && !sc->unfinished.n) || !ic->state_file)
		return XS_EXIT_ENV;
	e = save_state(sc, ic->state_file, err, sizeof(err));
	if (e)
		return xs_err_write(-e, "cannot write state file %s",
				    ic->state_file);
	fprintf(stderr,
		"xdpshake: state saved to %s; continue with --resume %s",
		ic->state_file, ic->state_file);
	if (sc->unfinished.n)
		fprintf(stderr,
			" (it sends the %zu %s unfinished when it stopped first)",
			sc->unfinished.n,
			xs_plural(sc->unfinished.n, "probe", "probes"));
	fputc('\n', stderr);
	return XS_EXIT_ENV;
}

static uint64_t specs_tag(const struct scan *sc)
{
	struct xs_isn_key k = { 0x78647073, 0x68616b65 };

	size_t len;
	void *packed = xs_targets_pack(&sc->targets, &len);
	uint64_t h;

	/* What the permutation's elements mean: resuming over a different
	 * target or port list of equal size must be refused. */
	h = xs_siphash24(&k, packed, len) ^
	    xs_siphash24(&k, sc->ports.port,
			 sc->ports.n * sizeof(*sc->ports.port));
	free(packed);
	return h;
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
	ret = xs_opts_parse(xs_cmd_scan, argc, argv, a, &seen);
	if (ret >= 0)
		return ret;
	if (a->print_default_exclude) {
		xs_special_print(stdout);
		return XS_EXIT_OK;
	}
	a->has_seed = xs_opts_given(xs_cmd_scan, seen, "seed");
	a->state_given = xs_opts_given(xs_cmd_scan, seen, "state-file") ||
			 xs_opts_given(xs_cmd_scan, seen, "resume");
	a->user_exclude = xs_opts_given(xs_cmd_scan, seen, "exclude") ||
			  xs_opts_given(xs_cmd_scan, seen, "exclude-file");
	a->any_target = xs_opts_given(xs_cmd_scan, seen, "input");
	a->legacy_out = xs_opts_given(xs_cmd_scan, seen, "output") ||
			xs_opts_given(xs_cmd_scan, seen, "format");
	a->so.ports_given = xs_opts_given(xs_cmd_scan, seen, "sports");
	a->sc->has_dst_mac = xs_opts_given(xs_cmd_scan, seen, "dst-mac");
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

	/* Host names stand for addresses of the family --src says. */
	sc->targets.name_families = (a->src_given[0] ? XS_FAM_V4 : 0) |
				    (a->src_given[1] ? XS_FAM_V6 : 0);
	ret = scan_targets(sc, !a->no_default_exclude,
			   a->allow_large || a->user_exclude,
			   a->quiet || a->status_json);
	if (ret)
		return ret;
	/* A source of each family the targets hold (session.c). */
	a->so.need_v6 = sc->targets.count_v6 > 0;
	a->so.need_v4 = sc->targets.count_v6 < sc->targets.count;
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
		e = xs_perm_load(&sc->perm, &sc->back, a->resume, pcp,
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
	if (ecp->fast_path)
		so->cfg_flags |= ecp->mode == XS_SCAN_SYN_ONLY ?
					 XS_CFG_FAST_RST :
					 XS_CFG_FAST_ACK;
	so->window = ecp->window;
	so->ttl = (uint8_t)a->ttl;
	so->isn_k0 = key->k0;
	so->isn_k1 = key->k1;
	so->cmd = "scan";
	ret = xs_session_open(so, &sc->s);
	if (!ret && ecp->fast_path)
		xs_session_fast(&sc->s, ecp);
	if (ret || sc->has_dst_mac)
		return ret;
	e = xs_nexthops_open(&sc->nh, sc->s.t.iface.ifindex, &sc->targets,
			     &sc->stop, a->quiet || a->status_json);
	if (e)
		return xs_err(XS_EXIT_ENV, "cannot read the route tables: %s",
			      strerror(-e));
	return 0;
}

/* The live line's drops and the summary's: XDP_STATISTICS, summed. */
static void scan_sockstats(void *ctx, struct xs_sockstat *out)
{
	const struct scan *sc = ctx;

	xs_session_sockstats(&sc->s, out);
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
	ecp->saddr6 = sc->s.src6;
	ecp->key = key;
	ecp->mss = xs_session_mss(&sc->s, NULL);
	ecp->mss6 = xs_session_mss(&sc->s, &sc->s.src6);
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
	sc->rep.done_before = sc->perm.emitted - sc->back.n;
	sc->rep.wait_ms = ecp->wait_ms;
	sc->rep.sockstats = scan_sockstats;
	sc->rep.sockstats_ctx = sc;
	ic->sc = sc;
	ic->state_file = a->state_file;
	ecp->on_interrupt = on_interrupt;
	ecp->interrupt_ctx = ic;
	ecp->on_unfinished = on_unfinished;
	ecp->unfinished_ctx = sc;
}

/* --dryrun: the interface's address (or --src) and the source ports, then
 * the SYNs as lines; nothing attached, nothing sent. */
static int scan_dryrun(struct scan_args *a, const struct xs_isn_key *key)
{
	struct xs_target t = { .ifname = a->so.ifname, .netns = a->so.netns };
	struct xs_dryrun d = { .key = key,
			       .ttl = (uint8_t)a->ttl,
			       .window = a->ec.window,
			       .max = a->max_targets,
			       .back = &a->sc->back };
	int64_t n;
	int ret;

	ret = xs_target_open(&t);
	if (ret)
		return ret;
	d.saddr = a->so.src ?: t.iface.ipv4;
	d.saddr6 = xs_addr_is_zero(&a->so.src6) ? t.iface.ipv6 : a->so.src6;
	if (!d.saddr && a->sc->targets.count_v6 < a->sc->targets.count)
		return xs_err(XS_EXIT_USAGE,
			      "%s has no IPv4 address: give --src", t.ifname);
	if (xs_addr_is_zero(&d.saddr6) && a->sc->targets.count_v6)
		return xs_err(
			XS_EXIT_USAGE,
			"%s has no usable global IPv6 address for the IPv6 targets",
			t.ifname);
	d.port_lo = a->so.port_lo;
	d.port_hi = a->so.port_hi;
	if (!a->so.ports_given) {
		d.port_lo = XS_DEFAULT_PORT_LO;
		d.port_hi = XS_DEFAULT_PORT_HI;
	}
	/* The probes are the run's output: on standard output. */
	n = xs_scan_dryrun(&d, &a->sc->targets, &a->sc->ports, &a->sc->perm,
			   stdout);
	if (n == -EINTR) {
		fprintf(stderr, "xdpshake: dry run interrupted\n");
		return XS_EXIT_INTERRUPTED;
	}
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
	char why[160];
	int ret, e;

	e = run_engine(sc, &a->ec, ic, &st);
	/* The engine may have ended with nothing in flight before it
	 * looked at the interface again. */
	if (!e && !st.interrupted && sc->fault)
		e = sc->fault;
	if (e)
		sc->rep.info.errmsg =
			xs_run_fault(e, sc->s.t.ifname, why, sizeof(why));
	else if (st.interrupted)
		sc->rep.info.errmsg = "interrupted";
	/* Closed first: a --resume file is removed only once every result of
	 * the run is written. */
	xs_report_close(&sc->rep);
	if (e)
		ret = fault_end(sc, ic, why);
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
	xs_perm_back_free(&sc->back);
	xs_perm_back_free(&sc->unfinished);
	free(sc);
	free(a.args);
	free(a.services);
	return ret;
}
