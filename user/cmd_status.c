/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake status: what is loaded where, its config, counters, connection
 * table and round-trip histogram; --watch refreshes with rates.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "commands.h"
#include "loader.h"
#include "logfmt.h"
#include "netns.h"
#include "output.h"

static const char status_usage[] =
	"Usage: xdpshake status [-i IFACE] [--netns NS] [--json]\n"
	"                       [--watch [SECONDS]] [--count N] [--conns N]\n"
	"\n"
	"Without -i: every interface, in every namespace, where xdpshake is\n"
	"loaded. With -i: attachments, config, counters, the AF_XDP sockets'\n"
	"statistics, the most recent handshakes and the round-trip histogram.\n"
	"\n"
	"  -w, --watch [SECONDS]  refresh every SECONDS (default 1) with rates per\n"
	"                         second, until Ctrl-C; with --json one object per\n"
	"                         refresh\n"
	"  -c, --count N          stop after N refreshes\n"
	"      --conns N          show the N most recent handshakes (default 10)\n";

static const char *const conn_states[] = {
	[XS_CONN_NONE] = "none",
	[XS_CONN_SYN_SENT] = "syn-sent",
	[XS_CONN_ESTABLISHED] = "established",
	[XS_CONN_REFUSED] = "refused",
	[XS_CONN_TIMED_OUT] = "timed-out",
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
	return c->state <= XS_CONN_TIMED_OUT ? conn_states[c->state] : "?";
}

struct link_desc {
	__u32 link_id;
	__u32 prog_id;
	__u32 ifindex;
};

/* Everything status shows about one interface, read from its pins. */
struct snapshot {
	struct link_desc xdp, tc;
	const char *tc_method;
	const char *mode;
	struct xs_config cfg;
	bool have_stats, have_rtt, have_sock;
	struct xs_stats st;
	struct xs_rtt_hist rtt;
	struct xs_sockstat sock;
	struct conn_row {
		struct xs_conn_key k;
		struct xs_conn v;
	} * conns;
	unsigned int nconns;
};

static int pin_get(const char *dir, const char *name)
{
	char p[1100];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return bpf_obj_get(p);
}

/* bpf_obj_get_info_by_fd() of a pinned object.  0 or -errno. */
static int pinned_info(const char *dir, const char *name, void *info, __u32 len)
{
	int fd = pin_get(dir, name), err = 0;

	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, info, &len))
		err = -errno;
	close(fd);
	return err;
}

static int pinned_link(const char *dir, const char *name, struct link_desc *d)
{
	struct bpf_link_info info = {};
	int err = pinned_info(dir, name, &info, sizeof(info));

	if (err)
		return err;
	d->link_id = info.id;
	d->prog_id = info.prog_id;
	/* xdp and tcx link info both start with the ifindex. */
	d->ifindex = info.xdp.ifindex;
	return 0;
}

static int pinned_prog_id(const char *dir, const char *name, __u32 *id)
{
	struct bpf_prog_info info = {};
	int err = pinned_info(dir, name, &info, sizeof(info));

	if (!err)
		*id = info.id;
	return err;
}

static const char *xdp_mode_str(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (ifindex <= 0 || bpf_xdp_query(ifindex, 0, &q))
		return "unknown";
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "skb";
	case XDP_ATTACHED_HW:
		return "hw";
	case XDP_ATTACHED_MULTI:
		return "multi";
	default:
		return "none";
	}
}

static int cmp_conn_recent(const void *a, const void *b)
{
	const struct conn_row *x = a, *y = b;

	return x->v.syn_ns < y->v.syn_ns ? 1 :
	       x->v.syn_ns > y->v.syn_ns ? -1 :
					   0;
}

static void read_conns(int fd, struct snapshot *s)
{
	struct xs_conn_key k, next;
	void *prev = NULL;

	s->conns = calloc(XS_CONN_MAX, sizeof(*s->conns));
	if (!s->conns)
		return;
	while (s->nconns < XS_CONN_MAX &&
	       !bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &s->conns[s->nconns].v))
			continue;
		s->conns[s->nconns++].k = k;
	}
	qsort(s->conns, s->nconns, sizeof(*s->conns), cmp_conn_recent);
}

static int take_snapshot(const char *dir, bool can_query, bool detail,
			 struct snapshot *s)
{
	int fd;

	memset(s, 0, sizeof(*s));
	if (pinned_link(dir, XS_PIN_LINK_XDP, &s->xdp))
		return -ENOENT;
	s->tc_method = "none";
	if (!pinned_link(dir, XS_PIN_LINK_TC, &s->tc))
		s->tc_method = "tcx";
	else if (!pinned_prog_id(dir, XS_PIN_PROG_TC, &s->tc.prog_id))
		s->tc_method = "clsact";
	s->mode = can_query ? xdp_mode_str(s->xdp.ifindex) : "unknown";
	fd = pin_get(dir, XS_PIN_CFG);
	if (fd >= 0) {
		xs_read_cfg(fd, &s->cfg);
		close(fd);
	}
	if (!detail)
		return 0;
	fd = pin_get(dir, XS_PIN_STATS);
	if (fd >= 0) {
		s->have_stats = !xs_read_stats(fd, &s->st);
		close(fd);
	}
	fd = pin_get(dir, XS_PIN_RTT);
	if (fd >= 0) {
		s->have_rtt = !xs_read_rtt(fd, &s->rtt);
		close(fd);
	}
	fd = pin_get(dir, XS_PIN_SOCKSTAT);
	if (fd >= 0) {
		s->have_sock = !xs_read_sockstat(fd, &s->sock);
		close(fd);
	}
	fd = pin_get(dir, XS_PIN_CONNS);
	if (fd >= 0) {
		read_conns(fd, s);
		close(fd);
	}
	return 0;
}

/* Lower bound of histogram slot i, in microseconds. */
static unsigned long long slot_lo(int i)
{
	return i == 0 ? 0 : 1ULL << (i - 1);
}

static unsigned long long slot_hi(int i)
{
	return i == 0 ? 1 : 1ULL << i;
}

/* Upper bound (exclusive) of the slot holding the p-th percentile. */
static long long percentile_us(const struct xs_rtt_hist *h, double p)
{
	unsigned long long total = 0, acc = 0;
	int i;

	for (i = 0; i < XS_HIST_SLOTS; i++)
		total += h->slot[i];
	if (!total)
		return -1;
	for (i = 0; i < XS_HIST_SLOTS; i++) {
		acc += h->slot[i];
		if ((double)acc >= p * total)
			return slot_hi(i);
	}
	return slot_hi(XS_HIST_SLOTS - 1);
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
				 slot_lo(i));
		else
			snprintf(label, sizeof(label), "[%llu, %llu)",
				 slot_lo(i), slot_hi(i));
		bar = (int)(h->slot[i] * 40 / max);
		printf("  %-20s %8llu |%-40.*s|\n", label,
		       (unsigned long long)h->slot[i], bar,
		       "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
	}
	printf("  p50 < %lld us, p90 < %lld us, p99 < %lld us\n",
	       percentile_us(h, 0.50), percentile_us(h, 0.90),
	       percentile_us(h, 0.99));
}

static void fmt_conn_addr(const __u8 ip[4], __u16 port, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u:%u", ip[0], ip[1], ip[2], ip[3], port);
}

static void print_text(const char *netns, const char *ifname, const char *dir,
		       const struct snapshot *s, const struct snapshot *prev,
		       double interval, bool detail, unsigned int max_conns)
{
	char src[16], a[32], b[32];
	unsigned int i;

	xs_fmt_ipv4(s->cfg.src_ip, src);
	printf("%s (netns %s): xdp prog %u link %u %s, tc %s prog %u, src %s ports %u-%u\n",
	       ifname, netns, s->xdp.prog_id, s->xdp.link_id, s->mode,
	       s->tc_method, s->tc.prog_id, src, s->cfg.port_lo,
	       s->cfg.port_hi);
	if (!detail)
		return;
	printf("  pins: %s\n\n", dir);
	for (i = 0; s->have_stats && i < XS_STAT_MAX; i++) {
		__u64 v = ((const __u64 *)&s->st)[i];

		printf("  %-14s %12llu", xs_stat_name(i),
		       (unsigned long long)v);
		if (prev && prev->have_stats && interval > 0)
			printf("  %10.1f/s",
			       (v - ((const __u64 *)&prev->st)[i]) / interval);
		printf("\n");
	}
	if (s->have_sock)
		printf("\n  af_xdp: rx_dropped %llu, rx_ring_full %llu, fill_ring_empty %llu, rx_invalid_descs %llu, tx_invalid_descs %llu\n",
		       (unsigned long long)s->sock.rx_dropped,
		       (unsigned long long)s->sock.rx_ring_full,
		       (unsigned long long)s->sock.rx_fill_ring_empty_descs,
		       (unsigned long long)s->sock.rx_invalid_descs,
		       (unsigned long long)s->sock.tx_invalid_descs);
	if (s->have_rtt)
		print_hist(&s->rtt);
	printf("\n  recent handshakes (%u in table):\n", s->nconns);
	for (i = 0; i < s->nconns && i < max_conns; i++) {
		const struct conn_row *c = &s->conns[i];

		fmt_conn_addr(c->k.local_ip, c->k.local_port, a, sizeof(a));
		fmt_conn_addr(c->k.remote_ip, c->k.remote_port, b, sizeof(b));
		printf("  %-21s -> %-21s %-11s rtt %6llu us  syns %u  isn %u  server_isn %u\n",
		       a, b, conn_state_str(&c->v),
		       (unsigned long long)c->v.rtt_us, c->v.syns_sent,
		       c->v.isn, c->v.server_isn);
	}
}

static void print_json(const char *netns, const char *ifname, const char *dir,
		       const struct snapshot *s, const struct snapshot *prev,
		       double interval, bool detail, unsigned int max_conns)
{
	char src[16], a[32], b[32];
	unsigned int i;

	xs_fmt_ipv4(s->cfg.src_ip, src);
	printf("{\"netns\":");
	xs_json_str(stdout, netns);
	printf(",\"ifname\":");
	xs_json_str(stdout, ifname);
	printf(",\"ifindex\":%u,\"pindir\":", s->xdp.ifindex);
	xs_json_str(stdout, dir);
	printf(",\"xdp\":{\"prog_id\":%u,\"link_id\":%u,\"mode\":\"%s\",\"attach\":\"bpf_link\"}",
	       s->xdp.prog_id, s->xdp.link_id, s->mode);
	printf(",\"tc\":{\"method\":\"%s\",\"prog_id\":%u,\"link_id\":%u}",
	       s->tc_method, s->tc.prog_id, s->tc.link_id);
	printf(",\"config\":{\"src_ip\":\"%s\",\"port_lo\":%u,\"port_hi\":%u,\"flags\":%u}",
	       src, s->cfg.port_lo, s->cfg.port_hi, s->cfg.flags);
	if (!detail)
		goto end;
	if (s->have_stats) {
		printf(",\"counters\":{");
		for (i = 0; i < XS_STAT_MAX; i++)
			printf("%s\"%s\":%llu", i ? "," : "", xs_stat_name(i),
			       (unsigned long long)((const __u64 *)&s->st)[i]);
		printf("}");
	}
	if (s->have_stats && prev && prev->have_stats && interval > 0) {
		printf(",\"rates\":{");
		for (i = 0; i < XS_STAT_MAX; i++)
			printf("%s\"%s\":%.3f", i ? "," : "", xs_stat_name(i),
			       (((const __u64 *)&s->st)[i] -
				((const __u64 *)&prev->st)[i]) /
				       interval);
		printf("}");
	}
	if (s->have_sock)
		printf(",\"af_xdp\":{\"rx_dropped\":%llu,\"rx_invalid_descs\":%llu,\"tx_invalid_descs\":%llu,\"rx_ring_full\":%llu,\"rx_fill_ring_empty_descs\":%llu,\"tx_ring_empty_descs\":%llu}",
		       (unsigned long long)s->sock.rx_dropped,
		       (unsigned long long)s->sock.rx_invalid_descs,
		       (unsigned long long)s->sock.tx_invalid_descs,
		       (unsigned long long)s->sock.rx_ring_full,
		       (unsigned long long)s->sock.rx_fill_ring_empty_descs,
		       (unsigned long long)s->sock.tx_ring_empty_descs);
	if (s->have_rtt) {
		printf(",\"rtt_us\":{\"slots\":[");
		for (i = 0; i < XS_HIST_SLOTS; i++)
			printf("%s%llu", i ? "," : "",
			       (unsigned long long)s->rtt.slot[i]);
		printf("],\"p50_lt\":%lld,\"p90_lt\":%lld,\"p99_lt\":%lld}",
		       percentile_us(&s->rtt, 0.5), percentile_us(&s->rtt, 0.9),
		       percentile_us(&s->rtt, 0.99));
	}
	printf(",\"conns_in_table\":%u,\"conns\":[", s->nconns);
	for (i = 0; i < s->nconns && i < max_conns; i++) {
		const struct conn_row *c = &s->conns[i];

		fmt_conn_addr(c->k.local_ip, c->k.local_port, a, sizeof(a));
		fmt_conn_addr(c->k.remote_ip, c->k.remote_port, b, sizeof(b));
		printf("%s{\"local\":\"%s\",\"remote\":\"%s\",\"state\":\"%s\",\"isn\":%u,\"server_isn\":%u,\"syns_sent\":%u,\"rtt_us\":%llu}",
		       i ? "," : "", a, b, conn_state_str(&c->v), c->v.isn,
		       c->v.server_isn, c->v.syns_sent,
		       (unsigned long long)c->v.rtt_us);
	}
	printf("]");
end:
	printf("}");
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

static int status_all(void)
{
	struct dirent *ne, *ie;
	struct snapshot s;
	DIR *root, *nsd;
	char dir[512], ifdir[1024];
	int self, n = 0;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (xs_json)
		printf("{\"interfaces\":[");
	root = opendir(XS_PIN_ROOT);
	while (root && (ne = readdir(root))) {
		if (ne->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", XS_PIN_ROOT, ne->d_name);
		nsd = opendir(dir);
		while (nsd && (ie = readdir(nsd))) {
			bool q;

			if (ie->d_name[0] == '.')
				continue;
			snprintf(ifdir, sizeof(ifdir), "%s/%s", dir,
				 ie->d_name);
			q = enter_named_ns(ne->d_name);
			if (!take_snapshot(ifdir, q, false, &s)) {
				if (xs_json) {
					printf("%s", n ? "," : "");
					print_json(ne->d_name, ie->d_name,
						   ifdir, &s, NULL, 0, false,
						   0);
				} else {
					print_text(ne->d_name, ie->d_name,
						   ifdir, &s, NULL, 0, false,
						   0);
				}
				n++;
			}
			if (self >= 0)
				setns(self, CLONE_NEWNET);
		}
		if (nsd)
			closedir(nsd);
	}
	if (root)
		closedir(root);
	if (self >= 0)
		close(self);
	if (xs_json)
		printf("]}\n");
	else if (!n)
		printf("xdpshake is not loaded anywhere\n");
	return xs_flush_checked(stdout, "the status to standard output");
}

static void not_loaded(const struct xs_target *t, const char *ns)
{
	char name[64];
	__u32 id = 0;

	bpf_xdp_query_id(t->iface.ifindex, 0, &id);
	if (xs_json) {
		printf("{\"interfaces\":[],\"loaded\":false,\"ifname\":");
		xs_json_str(stdout, t->ifname);
		printf(",\"xdp_prog_id\":%u}\n", id);
		return;
	}
	printf("xdpshake is not loaded on %s (netns %s)", t->ifname, ns);
	if (id) {
		xs_prog_name(id, name, sizeof(name));
		printf("; XDP program %u (%s) is attached", id, name);
	}
	printf("\n");
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

static int status_one(struct xs_target *t, double interval, unsigned int count,
		      unsigned int max_conns)
{
	struct snapshot snap[2] = {};
	struct snapshot *cur, *prev = NULL;
	unsigned int n = 0;
	bool tty = isatty(STDOUT_FILENO);
	char ns[64];
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
		cur = &snap[n % 2];
		free(cur->conns);
		if (take_snapshot(t->pindir, true, true, cur)) {
			if (!n) {
				not_loaded(t, ns);
				return xs_flush_checked(
					stdout,
					"the status to standard output");
			}
			xs_warn("xdpshake was unloaded from %s", t->ifname);
			break;
		}
		if (interval > 0 && tty && !xs_json)
			printf("\033[H\033[2J"); /* like top: redraw */
		if (xs_json) {
			printf("{\"interfaces\":[");
			print_json(ns, t->ifname, t->pindir, cur, prev,
				   interval, true, max_conns);
			printf("]}\n");
		} else {
			print_text(ns, t->ifname, t->pindir, cur, prev,
				   interval, true, max_conns);
		}
		if (xs_flush_checked(stdout, "the status to standard output")) {
			ret = XS_EXIT_WRITE;
			break;
		}
		n++;
		if (interval <= 0 || (count && n >= count))
			break;
		prev = cur;
		if (!wait_interval(sigfd, interval))
			break;
	}
	free(snap[0].conns);
	free(snap[1].conns);
	if (sigfd >= 0)
		close(sigfd);
	return ret;
}

int do_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "netns", required_argument, NULL, 'n' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "conns", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct xs_target t = {};
	unsigned int count = 0, max_conns = 10;
	double interval = 0;
	uint32_t v;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:w::c:jvh", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'i':
			t.ifname = optarg;
			break;
		case 'n':
			t.netns = optarg;
			break;
		case 'w':
			interval = 1;
			/* `--watch 2` as well as `--watch=2`. */
			if (!optarg && optind < argc &&
			    argv[optind][0] != '-' &&
			    !xs_parse_u32(argv[optind], 1, 3600, &v)) {
				optind++;
				interval = v;
			} else if (optarg) {
				if (xs_parse_u32(optarg, 1, 3600, &v))
					return xs_err(
						XS_EXIT_USAGE,
						"--watch takes 1 to 3600 seconds, not '%s'",
						optarg);
				interval = v;
			}
			break;
		case 'c':
			if (xs_parse_u32(optarg, 1, 1000000, &count))
				return xs_err(
					XS_EXIT_USAGE,
					"--count takes a number from 1 to 1000000, not '%s'",
					optarg);
			break;
		case 'C':
			if (xs_parse_u32(optarg, 0, XS_CONN_MAX, &max_conns))
				return xs_err(XS_EXIT_USAGE,
					      "--conns takes 0 to %d, not '%s'",
					      XS_CONN_MAX, optarg);
			break;
		default:
			err = xs_common_opt(c, status_usage);
			if (err >= 0)
				return err;
		}
	}
	err = xs_no_operands(argc, argv);
	if (err)
		return err;
	err = xs_check_env();
	if (err)
		return err;
	if (!t.ifname) {
		if (t.netns)
			return xs_err(XS_EXIT_USAGE,
				      "--netns goes with -i IFACE");
		if (interval > 0)
			return xs_err(XS_EXIT_USAGE,
				      "--watch goes with -i IFACE");
		return status_all();
	}
	err = xs_target_open(&t);
	if (err)
		return err;
	return status_one(&t, interval, count, max_conns);
}
