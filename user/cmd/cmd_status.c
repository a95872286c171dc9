/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake status: what is loaded where, its config, counters, connection
 * table and round-trip histogram; --watch refreshes with rates.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "addr.h"
#include "cli.h"
#include "rtthist.h"
#include "snapshot.h"
#include "commands.h"
#include "json.h"
#include "listen_output.h"
#include "loader.h"
#include "logfmt.h"
#include "netns.h"
#include "nl.h"
#include "opts.h"
#include "output.h"
#include "runlock.h"

struct status_args {
	struct xs_target t;
	uint32_t watch_ms; /* 0: one snapshot */
	uint32_t count;
	uint32_t conns;
};

#define S(f, type) XS_FIELD(struct status_args, f, type)
static const struct xs_opt status_opts[] = {
	{ .name = "interface",
	  .short_name = 'i',
	  .type = XS_OPT_STRING,
	  .metavar = "IFACE",
	  .help = "only this interface, in detail",
	  .off = S(t.ifname, const char *) },
	{ .name = "netns",
	  .short_name = 'n',
	  .type = XS_OPT_STRING,
	  .metavar = "NS",
	  .help = "its network namespace",
	  .off = S(t.netns, const char *),
	  .requires = "interface" },
	{ .name = "watch",
	  .short_name = 'w',
	  .type = XS_OPT_SEC,
	  .metavar = "SECONDS",
	  .optional_arg = true,
	  .def = "1",
	  .min = 1,
	  .max = 3600,
	  .unit = "seconds",
	  .help = "refresh every SECONDS with what moved since the last\nrefresh and rates per second, until Ctrl-C or --count;\nwith --json one object per refresh, a line each",
	  .off = S(watch_ms, uint32_t),
	  .requires = "interface" },
	{ .name = "count",
	  .short_name = 'c',
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .min = 1,
	  .max = 1000000,
	  .help = "stop after N refreshes",
	  .off = S(count, uint32_t),
	  .requires = "watch" },
	{ .name = "conns",
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .min = 0,
	  .max = XS_CONN_MAX,
	  .def = "10",
	  .help = "show the N most recent handshakes",
	  .off = S(conns, uint32_t) },
	{}
};
#undef S

static const struct xs_cmd status_cmd = {
	.name = "status",
	.synopsis =
		"Usage: xdpshake status [-i IFACE] [--netns NS] [--json]\n"
		"                       [--watch [SECONDS]] [--count N] [--conns N]\n",
	.desc = "Without -i: every interface, in every namespace, where xdpshake is\n"
		"loaded. With -i: attachments, config, counters, the AF_XDP sockets'\n"
		"statistics, the most recent handshakes and the round-trip histogram.\n",
	.opts = status_opts,
};

/* For the man page and completion generators (doc.h). */
const struct xs_cmd *const xs_cmd_status = &status_cmd;

static const char *const conn_states[XS_CONN_STATE_MAX] = {
	XS_CONN_STATE_LIST(XS_CONN_STATE_NAME) /* one per member */
};

/*
 * A handshake still in syn-sent whose process is gone was killed before it
 * could record an outcome: say so rather than show it as in progress.
 */
static const char *conn_state_str(const struct xs_conn *c)
{
	if (c->state == XS_CONN_SYN_SENT && c->owner_pid &&
	    kill((pid_t)c->owner_pid, 0) && errno == ESRCH)
		return "abandoned";
	return c->state < XS_CONN_STATE_MAX ? conn_states[c->state] : "?";
}

static void print_hist(const struct xs_rtt_hist *h)
{
	unsigned long long max = 0;
	int i, first = -1, last = -1, bar;
	char label[48];

	for (i = 0; i < XS_HIST_SLOTS; i++) {
		if (!h->slot[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (h->slot[i] > max)
			max = h->slot[i];
	}
	printf("\n  handshake rtt (us):\n");
	if (first < 0) {
		printf("  (no round trips recorded yet)\n");
		return;
	}
	for (i = first; i <= last; i++) {
		if (i == 0)
			snprintf(label, sizeof(label), "[0]");
		else if (i == 1)
			snprintf(label, sizeof(label), "[1]");
		else if (i == XS_HIST_SLOTS - 1)
			snprintf(label, sizeof(label), "[%llu, ...)",
				 xs_hist_slot_lo(i));
		else
			snprintf(label, sizeof(label), "[%llu, %llu)",
				 xs_hist_slot_lo(i), xs_hist_slot_hi(i));
		bar = (int)(h->slot[i] * 40 / max);
		printf("  %-20s %8llu |%-40.*s|\n", label,
		       (unsigned long long)h->slot[i], bar,
		       "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
	}
	printf("  p50 < %lld us, p90 < %lld us, p99 < %lld us\n",
	       xs_hist_percentile_us(h, 0.50), xs_hist_percentile_us(h, 0.90),
	       xs_hist_percentile_us(h, 0.99));
}

/* "10.0.0.1:80", "[fd00::1]:80": the key holds xs_addr's 16 bytes. */
static void fmt_conn_addr(const __u8 ip[16], __u16 port, char *buf)
{
	struct xs_addr a;

	memcpy(a.b, ip, sizeof(a.b));
	xs_addr_fmt_port(&a, port, buf);
}

/* The config's IPv6 source in RFC 5952 form, or "" when there is none. */
static void fmt_src6(const struct xs_config *cfg, char *buf)
{
	struct xs_addr a;

	memcpy(a.b, cfg->src_ip6, sizeof(a.b));
	if (xs_addr_is_zero(&a))
		buf[0] = '\0';
	else
		xs_addr_fmt(&a, buf);
}

/*
 * One interface as status shows it.  show_iface() walks it once for both
 * formats: each part is written by w, the JSON writer, or as text when w
 * is NULL.
 */
struct view {
	const char *netns, *ifname, *dir;
	const struct xs_snapshot *s;
	const struct xs_snapshot *prev; /* the refresh before, or NULL */
	double interval; /* seconds between prev and s */
	bool detail; /* counters, sockets, histogram, handshakes */
	unsigned int max_conns;
};

static __u64 stat_at(const struct xs_stats *st, unsigned int i)
{
	return ((const __u64 *)st)[i];
}

/* Per second since the refresh before, where there was one. */
static bool have_rates(const struct view *v)
{
	return v->prev && v->prev->have_stats && v->interval > 0;
}

static double rate_at(const struct view *v, unsigned int i)
{
	return (stat_at(&v->s->st, i) - stat_at(&v->prev->st, i)) / v->interval;
}

static void json_head(struct xs_jw *w, const struct view *v)
{
	const struct xs_snapshot *s = v->s;
	char src[16], src6[XS_ADDR_STRLEN];

	xs_fmt_ipv4(s->cfg.src_ip, src);
	fmt_src6(&s->cfg, src6);
	xs_jw_start_object(w);
	xs_jw_string_field(w, "netns", v->netns);
	xs_jw_string_field(w, "ifname", v->ifname);
	xs_jw_uint_field(w, "ifindex", s->xdp.ifindex);
	xs_jw_bool_field(w, "gone", !s->xdp.ifindex);
	xs_jw_string_field(w, "pindir", v->dir);
	xs_jw_object_field(w, "xdp");
	xs_jw_uint_field(w, "prog_id", s->xdp.prog_id);
	xs_jw_uint_field(w, "link_id", s->xdp.link_id);
	xs_jw_string_field(w, "mode", s->mode);
	xs_jw_string_field(w, "attach", "bpf_link");
	xs_jw_end_object(w);
	xs_jw_object_field(w, "tc");
	xs_jw_string_field(w, "method", s->tc_method);
	xs_jw_uint_field(w, "prog_id", s->tc.prog_id);
	xs_jw_uint_field(w, "link_id", s->tc.link_id);
	xs_jw_end_object(w);
	xs_jw_bool_field(w, "other_layout", s->other_layout);
	xs_jw_object_field(w, "config");
	xs_jw_string_field(w, "src_ip", src);
	if (src6[0])
		xs_jw_string_field(w, "src_ip6", src6);
	else
		xs_jw_null_field(w, "src_ip6");
	xs_jw_uint_field(w, "port_lo", s->cfg.port_lo);
	xs_jw_uint_field(w, "port_hi", s->cfg.port_hi);
	xs_jw_uint_field(w, "flags", s->cfg.flags);
	xs_jw_end_object(w);
}

/* What is attached and how it is set up; opens the interface's object. */
static void show_head(struct xs_jw *w, const struct view *v)
{
	const struct xs_snapshot *s = v->s;
	char src[16], src6[XS_ADDR_STRLEN + 7];

	if (w) {
		json_head(w, v);
		return;
	}
	xs_fmt_ipv4(s->cfg.src_ip, src);
	/* An IPv4-only load prints what it always did. */
	fmt_src6(&s->cfg, src6 + 6);
	if (src6[6])
		memcpy(src6, " src6 ", 6);
	else
		src6[0] = '\0';
	printf("%s (netns %s): xdp prog %u link %u %s, tc %s prog %u, src %s%s ports %u-%u\n",
	       v->ifname, v->netns, s->xdp.prog_id, s->xdp.link_id, s->mode,
	       s->tc_method, s->tc.prog_id, src, src6, s->cfg.port_lo,
	       s->cfg.port_hi);
	if (s->other_layout)
		printf("  pins of another xdpshake version (map layout is not %d): 'xdpshake unload -i %s --netns %s' and load again\n",
		       XS_LAYOUT_VERSION, v->ifname, v->netns);
	/* The link lost its device, or was detached: only the pins are
	 * left. */
	if (!s->xdp.ifindex)
		printf("  attached to nothing (interface deleted, or XDP link detached): remove the pins with 'xdpshake unload -i %s --netns %s'\n",
		       v->ifname, v->netns);
	if (v->detail)
		printf("  pins: %s\n\n", v->dir);
}

/* JSON: the counters, then their rates; text: one line each, both. */
static void show_counters(struct xs_jw *w, const struct view *v)
{
	unsigned int i;

	if (!w) {
		for (i = 0; i < XS_STAT_MAX; i++) {
			printf("  %-18s %12llu", xs_stat_name(i),
			       (unsigned long long)stat_at(&v->s->st, i));
			if (have_rates(v))
				printf("  %10.1f/s", rate_at(v, i));
			printf("\n");
		}
		return;
	}
	xs_jw_object_field(w, "counters");
	for (i = 0; i < XS_STAT_MAX; i++)
		xs_jw_uint_field(w, xs_stat_name(i), stat_at(&v->s->st, i));
	xs_jw_end_object(w);
	if (!have_rates(v))
		return;
	xs_jw_object_field(w, "deltas");
	for (i = 0; i < XS_STAT_MAX; i++)
		xs_jw_uint_field(w, xs_stat_name(i),
				 stat_at(&v->s->st, i) -
					 stat_at(&v->prev->st, i));
	xs_jw_end_object(w);
	xs_jw_object_field(w, "rates");
	for (i = 0; i < XS_STAT_MAX; i++)
		xs_jw_double_field(w, xs_stat_name(i), rate_at(v, i), 3);
	xs_jw_end_object(w);
}

static void show_af_xdp(struct xs_jw *w, const struct xs_sockstat *k)
{
	if (!w) {
		printf("\n  af_xdp: rx_dropped %llu, rx_ring_full %llu, fill_ring_empty %llu, rx_invalid_descs %llu, tx_invalid_descs %llu\n",
		       (unsigned long long)k->rx_dropped,
		       (unsigned long long)k->rx_ring_full,
		       (unsigned long long)k->rx_fill_ring_empty_descs,
		       (unsigned long long)k->rx_invalid_descs,
		       (unsigned long long)k->tx_invalid_descs);
		return;
	}
	xs_jw_object_field(w, "af_xdp");
	xs_jw_uint_field(w, "rx_dropped", k->rx_dropped);
	xs_jw_uint_field(w, "rx_invalid_descs", k->rx_invalid_descs);
	xs_jw_uint_field(w, "tx_invalid_descs", k->tx_invalid_descs);
	xs_jw_uint_field(w, "rx_ring_full", k->rx_ring_full);
	xs_jw_uint_field(w, "rx_fill_ring_empty_descs",
			 k->rx_fill_ring_empty_descs);
	xs_jw_uint_field(w, "tx_ring_empty_descs", k->tx_ring_empty_descs);
	xs_jw_end_object(w);
}

static void show_rtt(struct xs_jw *w, const struct xs_rtt_hist *h)
{
	unsigned int i;

	if (!w) {
		print_hist(h);
		return;
	}
	xs_jw_object_field(w, "rtt_us");
	xs_jw_array_field(w, "slots");
	for (i = 0; i < XS_HIST_SLOTS; i++)
		xs_jw_uint(w, h->slot[i]);
	xs_jw_end_array(w);
	xs_jw_int_field(w, "p50_lt", xs_hist_percentile_us(h, 0.5));
	xs_jw_int_field(w, "p90_lt", xs_hist_percentile_us(h, 0.9));
	xs_jw_int_field(w, "p99_lt", xs_hist_percentile_us(h, 0.99));
	xs_jw_end_object(w);
}

static void show_conn(struct xs_jw *w, const struct xs_conn_row *c)
{
	char a[XS_ADDR_STRLEN + 8], b[XS_ADDR_STRLEN + 8];
	struct xs_addr r;

	fmt_conn_addr(c->k.local_ip, c->k.local_port, a);
	fmt_conn_addr(c->k.remote_ip, c->k.remote_port, b);
	if (!w) {
		printf("  %-21s -> %-21s %-11s rtt %6llu us  syns %u  isn %u  server_isn %u\n",
		       a, b, conn_state_str(&c->v),
		       (unsigned long long)c->v.rtt_us, c->v.syns_sent,
		       c->v.isn, c->v.server_isn);
		return;
	}
	memcpy(r.b, c->k.remote_ip, sizeof(r.b));
	xs_jw_start_object(w);
	xs_jw_string_field(w, "family", xs_addr_family_str(&r));
	xs_jw_string_field(w, "local", a);
	xs_jw_string_field(w, "remote", b);
	xs_jw_string_field(w, "state", conn_state_str(&c->v));
	xs_jw_uint_field(w, "isn", c->v.isn);
	xs_jw_uint_field(w, "server_isn", c->v.server_isn);
	xs_jw_uint_field(w, "syns_sent", c->v.syns_sent);
	xs_jw_uint_field(w, "rtt_us", c->v.rtt_us);
	xs_jw_end_object(w);
}

/* The most recent handshakes first, at most max_conns of them. */
static void show_conns(struct xs_jw *w, const struct view *v)
{
	const struct xs_snapshot *s = v->s;
	unsigned int i;

	if (w) {
		xs_jw_uint_field(w, "conns_in_table", s->nconns);
		xs_jw_array_field(w, "conns");
	} else {
		printf("\n  recent handshakes (%u in table):\n", s->nconns);
	}
	for (i = 0; i < s->nconns && i < v->max_conns; i++)
		show_conn(w, &s->conns[i]);
	if (w)
		xs_jw_end_array(w);
}

/* The one walk of an interface's status, in either format. */
static void show_iface(struct xs_jw *w, const struct view *v)
{
	const struct xs_snapshot *s = v->s;

	show_head(w, v);
	if (v->detail) {
		if (s->have_stats)
			show_counters(w, v);
		if (s->have_sock)
			show_af_xdp(w, &s->sock);
		if (s->have_rtt)
			show_rtt(w, &s->rtt);
		show_conns(w, v);
	}
	if (w)
		xs_jw_end_object(w);
}

/* Enter the namespace a pin folder is named after, if we can. */
static bool enter_named_ns(const char *name)
{
	char p[300];

	if (!strcmp(name, "init"))
		return !xs_netns_enter("/proc/1/ns/net");
	if (!strncmp(name, "ns", 2) &&
	    strspn(name + 2, "0123456789") == strlen(name + 2))
		return false; /* unnamed: its inode cannot be opened */
	snprintf(p, sizeof(p), "/var/run/netns/%s", name);
	return !xs_netns_enter(p);
}

/* The interfaces of one namespace's pin folder, briefly; n counts them. */
static void status_ns(struct xs_jw *w, int self, const char *ns,
		      unsigned int *n)
{
	struct view v = { .netns = ns };
	char dir[512], ifdir[1024];
	struct xs_snapshot s;
	struct dirent *ie;
	DIR *nsd;
	bool q;

	snprintf(dir, sizeof(dir), "%s/%s", XS_PIN_ROOT, ns);
	nsd = opendir(dir);
	while (nsd && (ie = readdir(nsd))) {
		if (ie->d_name[0] == '.')
			continue;
		snprintf(ifdir, sizeof(ifdir), "%s/%s", dir, ie->d_name);
		q = enter_named_ns(ns);
		if (!xs_snapshot_take(ifdir, q, false, &s)) {
			v.ifname = ie->d_name;
			v.dir = ifdir;
			v.s = &s;
			show_iface(w, &v);
			(*n)++;
		} else if (!xs_listen_show_iface(
				   w, ie->d_name,
				   q ? (int)if_nametoindex(ie->d_name) : 0,
				   ifdir, ns, false)) {
			(*n)++;
		}
		if (self >= 0)
			setns(self, CLONE_NEWNET);
	}
	if (nsd)
		closedir(nsd);
}

/* A connect or scan that holds an interface (with a load or without). */
static void show_run(const struct xs_run_info *r, void *ctx)
{
	struct xs_jw *w = ctx;

	if (!w) {
		printf("run: %s pid %d on %s (netns %s)\n", r->cmd, r->pid,
		       r->ifname, r->netns);
		return;
	}
	xs_jw_start_object(w);
	xs_jw_int_field(w, "pid", r->pid);
	xs_jw_string_field(w, "command", r->cmd);
	xs_jw_string_field(w, "ifname", r->ifname);
	xs_jw_string_field(w, "netns", r->netns);
	xs_jw_end_object(w);
}

static int status_all(void)
{
	struct xs_jw jw, *w = NULL;
	unsigned int n = 0, runs;
	struct dirent *ne;
	DIR *root;
	int self;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (xs_json) {
		w = &jw;
		xs_jw_init(w, stdout);
		xs_jw_start_object(w);
		xs_jw_array_field(w, "interfaces");
	}
	root = opendir(XS_PIN_ROOT);
	while (root && (ne = readdir(root)))
		if (ne->d_name[0] != '.')
			status_ns(w, self, ne->d_name, &n);
	if (root)
		closedir(root);
	if (self >= 0)
		close(self);
	if (w) {
		xs_jw_end_array(w);
		xs_jw_array_field(w, "runs");
	}
	runs = xs_runlock_list(show_run, w);
	if (w) {
		xs_jw_end_array(w);
		xs_jw_end_object(w);
	} else if (!n && !runs) {
		printf("xdpshake is not loaded anywhere\n");
	}
	return xs_flush_checked(stdout, "the status to standard output");
}

static void not_loaded(const struct xs_target *t, const char *ns)
{
	struct xs_run_info run;
	bool has_run;
	struct xs_jw w;
	char name[64];
	__u32 id = 0;

	bpf_xdp_query_id(t->iface.ifindex, 0, &id);
	has_run = xs_runlock_holder(t->iface.ifindex, &run);
	if (xs_json) {
		xs_jw_init(&w, stdout);
		xs_jw_start_object(&w);
		xs_jw_array_field(&w, "interfaces");
		xs_jw_end_array(&w);
		xs_jw_array_field(&w, "runs");
		if (has_run)
			show_run(&run, &w);
		xs_jw_end_array(&w);
		xs_jw_bool_field(&w, "loaded", false);
		xs_jw_string_field(&w, "ifname", t->ifname);
		xs_jw_uint_field(&w, "xdp_prog_id", id);
		xs_jw_end_object(&w);
		return;
	}
	printf("xdpshake is not loaded on %s (netns %s)", t->ifname, ns);
	if (id) {
		xs_prog_name(id, name, sizeof(name));
		printf("; XDP program %u (%s) is attached", id, name);
	}
	printf("\n");
	if (has_run)
		show_run(&run, NULL);
}

/* One refresh of status -i: the interface's status, then a flush. */
static int show_refresh(const struct view *v)
{
	struct xs_jw w;

	if (!xs_json) {
		show_iface(NULL, v);
	} else {
		xs_jw_init(&w, stdout);
		xs_jw_start_object(&w);
		xs_jw_array_field(&w, "interfaces");
		show_iface(&w, v);
		xs_jw_end_array(&w);
		xs_jw_end_object(&w);
	}
	return xs_flush_checked(stdout, "the status to standard output");
}

/* Wait interval seconds; false if a signal came or the time is up. */
static bool wait_interval(int sigfd, double interval)
{
	struct pollfd p = { .fd = sigfd, .events = POLLIN };

	if (sigfd < 0) {
		usleep((useconds_t)(interval * 1e6));
		return true;
	}
	return poll(&p, 1, (int)(interval * 1000)) == 0;
}

/* Where `listen` pinned its maps: once, or --watch.  -ENOENT if not. */
static int listen_status(const struct xs_target *t, const char *ns,
			 double interval, unsigned int count, int sigfd)
{
	struct xs_listen_watch wa = { .ifname = t->ifname,
				      .ifindex = t->iface.ifindex,
				      .pindir = t->pindir,
				      .ns = ns,
				      .interval = interval,
				      .count = count,
				      .sigfd = sigfd };

	if (interval <= 0 || !xs_listen_is_pinned(t->pindir))
		return xs_listen_status(t->ifname, t->iface.ifindex, t->pindir,
					ns);
	return xs_listen_watch(&wa);
}

static int status_one(struct xs_target *t, double interval, unsigned int count,
		      unsigned int max_conns)
{
	struct xs_snapshot snap[2] = {};
	char ns[64];
	struct view v = { .netns = ns,
			  .ifname = t->ifname,
			  .dir = t->pindir,
			  .interval = interval,
			  .detail = true,
			  .max_conns = max_conns };
	unsigned int n = 0;
	bool tty = isatty(STDOUT_FILENO);
	sigset_t set;
	int sigfd = -1, ret = XS_EXIT_OK;

	xs_netns_current_name(ns, sizeof(ns));
	if (interval > 0) {
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	}
	for (;;) {
		free(snap[n % 2].conns);
		if (xs_snapshot_take(t->pindir, true, true, &snap[n % 2])) {
			if (!n && (ret = listen_status(t, ns, interval, count,
						       sigfd)) != -ENOENT)
				break;
			ret = XS_EXIT_OK;
			if (!n) {
				not_loaded(t, ns);
				ret = xs_flush_checked(
					stdout,
					"the status to standard output");
			} else {
				xs_warn("xdpshake was unloaded from %s",
					t->ifname);
			}
			break;
		}
		v.prev = n ? v.s : NULL;
		v.s = &snap[n % 2];
		if (interval > 0 && tty && !xs_json)
			printf("\033[H\033[2J"); /* like top: redraw */
		ret = show_refresh(&v);
		n++;
		if (ret || interval <= 0 || (count && n >= count))
			break;
		if (!wait_interval(sigfd, interval))
			break;
	}
	free(snap[0].conns);
	free(snap[1].conns);
	if (sigfd >= 0)
		close(sigfd);
	return ret;
}

/*
 * status -i of an interface that is gone (deleted, or its namespace with
 * it) while its pins are left: say so and how to remove them.  -1 when the
 * interface is there (or no pins are left: "no interface" then).
 */
static int gone(const struct xs_target *t)
{
	const char *ns = t->netns;
	struct xs_iface iface;
	char dir[512];
	struct stat st;
	int err;

	if (!t->ifname || strlen(t->ifname) >= 16)
		return -1;
	err = xs_netns_enter(ns);
	if (err == -ENOENT && ns && !strchr(ns, '/'))
		snprintf(dir, sizeof(dir), "%s/%s/%s", XS_PIN_ROOT, ns,
			 t->ifname);
	else if (err || !xs_nl_iface(t->ifname, &iface) ||
		 xs_pindir(t->ifname, dir, sizeof(dir)))
		return -1;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return -1;
	return xs_err(
		XS_EXIT_USAGE,
		"%s is gone (%s), but its pins are left in %s: remove them with 'xdpshake unload -i %s%s%s'",
		t->ifname,
		err ? "and its namespace with it" :
		      "deleted, or moved to another namespace",
		dir, t->ifname, ns ? " --netns " : "", ns ?: "");
}

int do_status(int argc, char **argv)
{
	struct status_args a = {};
	xs_opts_seen_t seen;
	int err;

	err = xs_opts_parse(&status_cmd, argc, argv, &a, &seen);
	if (err >= 0)
		return err;
	err = xs_no_operands(argc, argv);
	if (err)
		return err;
	err = xs_check_env(XS_CAPS_NONE);
	if (err)
		return err;
	if (!a.t.ifname)
		return status_all();
	err = gone(&a.t);
	if (err >= 0)
		return err;
	err = xs_target_open(&a.t);
	if (err)
		return err;
	return status_one(&a.t, a.watch_ms / 1000.0, a.count, a.conns);
}
