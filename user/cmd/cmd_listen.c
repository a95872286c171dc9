// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xdpshake listen: the handshake responder.  bpf/listen.bpf.c answers the
 * SYNs to the given ports and addresses with SYN cookies by XDP_TX and
 * counts the completed handshakes; this command attaches it, shows a live
 * line and prints a summary.  Nothing outlives the process: the XDP
 * attachment is a bpf_link it owns.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "cli.h"
#include "commands.h"
#include "ifstate.h"
#include "json.h"
#include "listen_loader.h"
#include "listen_output.h"
#include "opts.h"
#include "output.h"
#include "targets.h"

struct listen_args {
	struct xs_target t;
	int mode;
	uint32_t duration_ms; /* 0: until a signal */
	const char *banner;
	uint16_t mss;
	bool protect;
	bool have_ports;
	char ports_spec[128];
	struct xs_listen_cfg *cfg;
	struct xs_listen_addrs addrs;
};

static int set_ports(void *cfg, const char *arg, char *err, size_t len)
{
	struct listen_args *a = cfg;
	struct xs_ports p = {};
	uint32_t i;
	int ret;

	ret = xs_ports_parse(arg, &p, err, len);
	if (ret)
		return ret;
	for (i = 0; i < p.n; i++)
		a->cfg->ports[p.port[i] / 64] |= 1ULL << (p.port[i] % 64);
	xs_ports_free(&p);
	a->have_ports = true;
	snprintf(a->ports_spec, sizeof(a->ports_spec), "%s", arg);
	return 0;
}

/* The address list: each entry once (a second is harmless, but a slot). */
static bool addrs_has(const struct xs_listen_addrs *t,
		      const struct xs_addr *net, unsigned int plen)
{
	__u32 i;

	for (i = 0; i < t->n; i++)
		if (t->plen[i] == plen && !memcmp(t->net[i], net->b, 16))
			return true;
	return false;
}

static void addrs_add(struct xs_listen_addrs *t, const struct xs_addr *net,
		      unsigned int plen)
{
	struct xs_addr m;

	if (addrs_has(t, net, plen) || t->n >= XS_LISTEN_MAX_ADDRS)
		return;
	xs_prefix_mask(plen, &m);
	memcpy(t->net[t->n], net->b, 16);
	memcpy(t->mask[t->n], m.b, 16);
	t->plen[t->n++] = plen;
}

static int set_addr(void *cfg, const char *arg, char *err, size_t len)
{
	struct xs_listen_addrs *t = &((struct listen_args *)cfg)->addrs;
	const char *why = NULL;
	unsigned int plen;
	struct xs_addr a;

	if (xs_prefix_parse(arg, &a, &plen, &why)) {
		snprintf(err, len, "address '%s': %s", arg, why);
		return -EINVAL;
	}
	if (plen == 128 && (xs_addr_is_zero(&a) ||
			    (xs_addr_is_v4(&a) && !xs_addr_get_v4(&a)))) {
		snprintf(err, len,
			 "address '%s': unspecified, not one to answer for",
			 arg);
		return -EINVAL;
	}
	if (t->n >= XS_LISTEN_MAX_ADDRS && !addrs_has(t, &a, plen)) {
		snprintf(
			err, len,
			"address '%s': at most %d --addr (addresses and prefixes)",
			arg, XS_LISTEN_MAX_ADDRS);
		return -EINVAL;
	}
	addrs_add(t, &a, plen);
	return 0;
}

#define L(f, type) XS_FIELD(struct listen_args, f, type)
static const struct xs_opt listen_opts[] = {
	{ .name = "interface",
	  .short_name = 'i',
	  .type = XS_OPT_STRING,
	  .metavar = "IFACE",
	  .help = "interface to answer on",
	  .off = L(t.ifname, const char *) },
	XS_OPT_NETNS(struct listen_args, t.netns),
	XS_OPT_MODE(struct listen_args, mode,
		    "XDP mode: native or skb (generic)"),
	{ .name = "ports",
	  .short_name = 'p',
	  .type = XS_OPT_CALL,
	  .metavar = "LIST",
	  .set = set_ports,
	  .help = "TCP ports answered: 80,443,8000-8100" },
	{ .name = "addr",
	  .short_name = 'a',
	  .type = XS_OPT_CALL,
	  .metavar = "IP[/LEN]",
	  .set = set_addr,
	  .help = "address or prefix answered for, IPv4 or IPv6;\nrepeatable, at most 8 (default: the interface's,\nboth families)" },
	{ .name = "duration",
	  .type = XS_OPT_SEC,
	  .metavar = "S",
	  .min = 1,
	  .max = 86400,
	  .unit = "seconds",
	  .off = L(duration_ms, uint32_t),
	  .help = "stop after S seconds (default: at Ctrl-C)" },
	{ .name = "banner",
	  .type = XS_OPT_STRING,
	  .metavar = "STR",
	  .off = L(banner, const char *),
	  .help = "answer data with STR and FIN (at most 128 bytes)\ninstead of an RST" },
	{ .name = "mss",
	  .type = XS_OPT_U16,
	  .metavar = "N",
	  .min = 536,
	  .max = 65495,
	  .def = "1460",
	  .off = L(mss, uint16_t),
	  .help = "MSS in the SYN-ACKs (IPv6: N - 20)" },
	{ .name = "protect",
	  .type = XS_OPT_FLAG,
	  .off = L(protect, bool),
	  .conflicts = "banner",
	  .help = "shield a kernel listener on PORTS: SYNs answered in\nXDP, final ACKs with a valid cookie handed to it\n(TC ingress), its SYN queue never used" },
	{}
};
#undef L

static const struct xs_cmd listen_cmd = {
	.name = "listen",
	.synopsis =
		"Usage: xdpshake listen -i IFACE [--netns NS] -p PORTS [--addr IP[/LEN] ...]\n"
		"                       [--duration S] [--banner STR | --protect] [--mss N]\n"
		"                       [--mode native|skb] [--json]\n",
	.desc = "Answer TCP SYNs to PORTS in XDP with a SYN-ACK whose sequence number is a\n"
		"SYN cookie, check each final ACK's cookie and count the handshake. No\n"
		"socket, no SYN queue, no state: the kernel never sees these flows. IPv4\n"
		"and IPv6 alike: --addr takes addresses or prefixes of either (10.192.0.0/12,\n"
		"fd00:77:1::/112: every address of the block, as for a routed AnyIP block;\n"
		"host bits are cleared, as in scan targets; default: the interface's first\n"
		"IPv4, global IPv6 and link-local IPv6 addresses). IPv6 SYN-ACKs carry MSS\n"
		"N - 20; segments behind IPv6 extension headers, like IPv4 options, are\n"
		"dropped.\n"
		"Data is answered by an RST (or --banner), a FIN by a FIN-ACK; everything\n"
		"not addressed to PORTS goes to the kernel untouched. Counters are pinned\n"
		"under " XS_PIN_ROOT
		"/<netns>/<iface>/ while it runs ('status -i').\n"
		"Runs until Ctrl-C or --duration, with a live line on a terminal and a\n"
		"summary at the end.\n",
	.opts = listen_opts,
	.epilog =
		"Exit codes: 0 done (--duration or Ctrl-C), 1 usage/configuration,\n"
		"4 environment (privileges, bpffs, BPF load or attach; or, after the\n"
		"summary, the interface or its namespace deleted, or the XDP link\n"
		"or --protect's TC link detached, while it ran), 6 the summary\n"
		"could not be written.\n",
};

const struct xs_cmd *const xs_cmd_listen = &listen_cmd;

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fill in what the options left to the interface and the run. */
static int complete_cfg(struct listen_args *a)
{
	struct xs_listen_cfg *c = a->cfg;
	struct xs_listen_addrs *t = &a->addrs;
	size_t blen = a->banner ? strlen(a->banner) : 0;

	struct xs_addr v4 = xs_addr_v4(a->t.iface.ipv4);

	/* Default: the first IPv4, global IPv6 and link-local IPv6
	 * addresses (not tentative) the interface has. */
	if (!t->n) {
		if (a->t.iface.ipv4)
			addrs_add(t, &v4, 128);
		if (!xs_addr_is_zero(&a->t.iface.ipv6))
			addrs_add(t, &a->t.iface.ipv6, 128);
		if (!xs_addr_is_zero(&a->t.iface.ipv6_ll))
			addrs_add(t, &a->t.iface.ipv6_ll, 128);
	}
	if (!t->n)
		return xs_err(XS_EXIT_USAGE,
			      "%s has no IP address: give one with --addr",
			      a->t.ifname);
	if (blen > XS_LISTEN_BANNER_MAX)
		return xs_err(XS_EXIT_USAGE, "--banner: %zu bytes, at most %d",
			      blen, XS_LISTEN_BANNER_MAX);
	memcpy(c->banner, a->banner ? a->banner : "", blen);
	c->banner_len = blen;
	c->mss = a->mss;
	c->protect = a->protect;
	if (getrandom(&c->key0, sizeof(c->key0), 0) != sizeof(c->key0) ||
	    getrandom(&c->key1, sizeof(c->key1), 0) != sizeof(c->key1))
		return xs_err(XS_EXIT_ENV, "getrandom: %s", strerror(errno));
	return 0;
}

static void print_started(const struct listen_args *a)
{
	const struct xs_listen_addrs *t = &a->addrs;
	char ip[XS_LISTEN_ADDR_STRLEN];
	struct xs_jw w;
	__u32 i;

	if (xs_json) {
		xs_jw_init(&w, stdout);
		xs_jw_start_object(&w);
		xs_jw_string_field(&w, "event", "listening");
		xs_jw_string_field(&w, "ifname", a->t.ifname);
		xs_jw_string_field(&w, "ports", a->ports_spec);
		xs_jw_array_field(&w, "addrs");
		for (i = 0; i < t->n; i++)
			xs_jw_string(&w, xs_listen_addr_fmt(t, i, ip));
		xs_jw_end_array(&w);
		xs_jw_string_field(&w, "pindir", a->t.pindir);
		xs_jw_end_object(&w);
	} else {
		printf("listening on %s ports %s for", a->t.ifname,
		       a->ports_spec);
		for (i = 0; i < t->n; i++)
			printf(" %s", xs_listen_addr_fmt(t, i, ip));
		printf(" (counters in %s)\n", a->t.pindir);
	}
	fflush(stdout);
}

/* The live line on a terminal: totals and the rate since the last one. */
static void live_line(const struct xs_listener *l, double secs, __u64 *last,
		      double *last_t)
{
	struct xs_listen_stats st;
	struct xs_prot_stats ps;
	double now = mono_s();

	if (xs_listen_read_stats(l->m.stats_fd, &st) ||
	    xs_listen_read_prot(l->m.prot_fd, &ps))
		return;
	st.ack_valid += ps.assigned;
	st.bad_cookie += ps.bad_cookie;
	fprintf(stderr,
		"\r\033[Klisten: %.0f s, %llu handshakes (%.0f/s), bad cookies %llu, passed %llu",
		secs, (unsigned long long)st.ack_valid,
		now > *last_t ? (st.ack_valid - *last) / (now - *last_t) : 0,
		(unsigned long long)st.bad_cookie,
		(unsigned long long)st.passed);
	*last = st.ack_valid;
	*last_t = now;
}

/*
 * What listen stands on is gone: its interface deleted (its program went
 * with it), its namespace deleted (it lives on only through us), its XDP
 * link detached, or --protect's tcx link.  0 otherwise: a link set down
 * comes back up.
 */
static int place_gone(int ctl_fd, const struct listen_args *a,
		      const struct xs_listener *l)
{
	int err = xs_if_state(ctl_fd, a->t.iface.ifindex);

	if (err == -ENODEV || err == -XS_ENS_GONE)
		return err;
	err = xs_links_state(l->link_fd, l->tc_link.link_fd);
	return xs_detach_cause(ctl_fd, a->t.iface.ifindex, err);
}

/* Until a signal, the duration or a fault (place_gone(): returns it); the
 * live line once a second. */
static int serve(const struct listen_args *a, const struct xs_listener *l,
		 int sigfd, double start)
{
	struct pollfd pfd = { .fd = sigfd, .events = POLLIN };
	bool tty = isatty(STDERR_FILENO);
	double end = start + a->duration_ms / 1000.0, now, left;
	int ctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	__u64 last = 0;
	double last_t = start;
	int ms, fault = 0;

	for (;;) {
		now = mono_s();
		left = a->duration_ms ? end - now : 1.0;
		if (left <= 0)
			break;
		ms = left < 1.0 ? (int)(left * 1000) + 1 : 1000;
		if (poll(&pfd, 1, ms) > 0 && xs_signal_take(sigfd))
			break;
		fault = place_gone(ctl_fd, a, l);
		if (fault)
			break;
		if (tty && !xs_json)
			live_line(l, mono_s() - start, &last, &last_t);
	}
	if (tty && !xs_json)
		fputs("\r\033[K", stderr);
	if (ctl_fd >= 0)
		close(ctl_fd);
	return fault;
}

static int summary(const struct listen_args *a, const struct xs_listener *l,
		   double secs)
{
	struct xs_listen_view v = { .secs = secs };
	struct xs_jw w;
	int err;

	err = xs_listen_view_read(&l->m, &v);
	if (err)
		return xs_err(XS_EXIT_ENV, "reading the counters: %s",
			      strerror(-err));
	if (!xs_json) {
		xs_listen_view_show(NULL, &v);
	} else {
		xs_jw_init(&w, stdout);
		xs_jw_start_object(&w);
		xs_jw_string_field(&w, "event", "summary");
		xs_jw_string_field(&w, "ifname", a->t.ifname);
		xs_listen_view_show(&w, &v);
		xs_jw_end_object(&w);
	}
	return xs_flush_checked(stdout, "the summary to standard output");
}

static int block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int run(struct listen_args *a)
{
	struct xs_listen_opts lo = { .ifindex = a->t.iface.ifindex,
				     .ifname = a->t.ifname,
				     .mode = a->mode };
	struct xs_listener l;
	__u32 owner = 0;
	int err, sigfd, ret;
	double start;
	char why[160];
	int fault;

	sigfd = block_signals();
	if (sigfd < 0)
		return xs_err(XS_EXIT_ENV, "signalfd: %s", strerror(errno));
	memcpy(&lo.cfg, a->cfg, sizeof(lo.cfg));
	lo.addrs = a->addrs;
	err = xs_listen_attach(&lo, &l, &owner);
	if (err) {
		close(sigfd);
		return xs_err_attach(err, &a->t, owner);
	}
	print_started(a);
	start = mono_s();
	fault = serve(a, &l, sigfd, start);
	ret = summary(a, &l, mono_s() - start);
	if (fault == -XS_EDETACHED)
		ret = xs_err(
			XS_EXIT_ENV,
			"listen stopped: its XDP program on %s was detached (bpftool link detach?): no SYN is answered",
			a->t.ifname);
	else if (fault == -XS_EUNGUARDED)
		ret = xs_err(
			XS_EXIT_ENV,
			"listen stopped: its --protect TC program on %s was detached (bpftool link detach?): the handshakes XDP answers no longer reach the server",
			a->t.ifname);
	else if (fault)
		ret = xs_err(XS_EXIT_ENV, "listen stopped: %s",
			     xs_run_fault(fault, a->t.ifname, why, sizeof(why)));
	xs_listen_close(&l);
	close(sigfd);
	return ret;
}

int do_listen(int argc, char **argv)
{
	struct listen_args a = {};
	xs_opts_seen_t seen;
	int err;

	a.cfg = calloc(1, sizeof(*a.cfg));
	if (!a.cfg)
		return xs_err(XS_EXIT_ENV, "out of memory");
	err = xs_opts_parse(&listen_cmd, argc, argv, &a, &seen);
	if (err < 0)
		err = xs_no_operands(argc, argv);
	if (!err && !a.have_ports)
		err = xs_err(XS_EXIT_USAGE, "listen needs -p PORTS");
	if (!err && !a.t.ifname)
		err = xs_err(XS_EXIT_USAGE, "listen needs -i IFACE");
	if (!err)
		err = xs_check_env(XS_CAPS_LOAD);
	if (!err)
		err = xs_target_open(&a.t);
	if (!err)
		err = complete_cfg(&a);
	if (!err)
		err = run(&a);
	free(a.cfg);
	return err;
}
