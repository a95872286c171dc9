/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake load | unload | status
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "commands.h"
#include "loader.h"
#include "logfmt.h"
#include "netns.h"

static const char load_usage[] =
	"Usage: xdpshake load -i IFACE [--netns NS] [--mode native|skb]\n"
	"                     [--ports LO-HI] [--src IP] [--tc auto|tcx|clsact] [-v]\n"
	"\n"
	"Attach the XDP SYN-ACK filter and the TC RST guard to IFACE and pin\n"
	"them under " XS_PIN_ROOT "/<netns>/<iface>/ so they stay until\n"
	"'xdpshake unload'. Later 'connect' runs on IFACE use them.\n"
	"\n"
	"  -i, --interface IFACE  interface to attach to\n"
	"  -n, --netns NS         network namespace: a name in /var/run/netns or a\n"
	"                         path such as /proc/PID/ns/net\n"
	"  -m, --mode MODE        XDP mode: native (default) or skb (generic)\n"
	"  -p, --ports LO-HI      our source port range (default " XS_DEFAULT_PORTS ")\n"
	"  -s, --src IP           our source IPv4 address (default: the interface's)\n"
	"      --tc METHOD        TC attach: auto (tcx link if the kernel has it,\n"
	"                         else clsact), tcx, clsact\n"
	"  -v, --verbose          show libbpf's log\n";

static const char unload_usage[] =
	"Usage: xdpshake unload -i IFACE [--netns NS]\n"
	"\n"
	"Detach what 'load' attached to IFACE and remove every pin. Works even\n"
	"if the interface is gone.\n";

static const char status_usage[] =
	"Usage: xdpshake status [-i IFACE] [--netns NS] [--json]\n"
	"\n"
	"Without -i: every interface, in every namespace, where xdpshake is\n"
	"loaded. With -i: what is attached to IFACE, its config and counters.\n";

/* Serialise load/unload: one lock on the pin root for all instances. */
static int lock_root(void)
{
	int fd;

	if (mkdir(XS_PIN_ROOT, 0700) && errno != EEXIST)
		return -errno;
	fd = open(XS_PIN_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		close(fd);
		return -errno;
	}
	return fd;
}

static void unlock_root(int fd)
{
	if (fd >= 0)
		close(fd);
	/* Leave no empty root behind. */
	rmdir(XS_PIN_ROOT);
}

void xs_warn_port_overlap(uint16_t lo, uint16_t hi)
{
	unsigned int elo, ehi;
	FILE *f;

	/* Read in our namespace: the sysctl is per network namespace. */
	f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (!f)
		return;
	if (fscanf(f, "%u %u", &elo, &ehi) == 2 && lo <= ehi && hi >= elo)
		xs_warn("ports %u-%u overlap the kernel's ephemeral range %u-%u (net.ipv4.ip_local_port_range): a local connect() may pick one of our ports",
			lo, hi, elo, ehi);
	fclose(f);
}

int do_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "netns", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' },
		{ "ports", required_argument, NULL, 'p' },
		{ "src", required_argument, NULL, 's' },
		{ "tc", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct xs_attach_opts ao = { .mode = XS_MODE_NATIVE, .tc = XS_TC_AUTO };
	struct xs_target t = {};
	struct xs_loaded l;
	char ip[16];
	__u32 owner = 0;
	uint16_t lo, hi;
	int c, err, lock;

	xs_parse_port_range(XS_DEFAULT_PORTS, &lo, &hi);
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:m:p:s:jvh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			t.ifname = optarg;
			break;
		case 'n':
			t.netns = optarg;
			break;
		case 'm':
			if (!strcmp(optarg, "native"))
				ao.mode = XS_MODE_NATIVE;
			else if (!strcmp(optarg, "skb"))
				ao.mode = XS_MODE_SKB;
			else
				return xs_err(XS_EXIT_USAGE,
					      "--mode takes native or skb, not '%s'",
					      optarg);
			break;
		case 'p':
			if (xs_parse_port_range(optarg, &lo, &hi))
				return xs_err(XS_EXIT_USAGE,
					      "--ports takes LO-HI with 1 <= LO <= HI <= 65535, not '%s'",
					      optarg);
			break;
		case 's':
			if (xs_parse_ipv4(optarg, &ao.cfg.src_ip) ||
			    !ao.cfg.src_ip)
				return xs_err(XS_EXIT_USAGE,
					      "--src takes an IPv4 address, not '%s'",
					      optarg);
			break;
		case 't':
			if (!strcmp(optarg, "auto"))
				ao.tc = XS_TC_AUTO;
			else if (!strcmp(optarg, "tcx"))
				ao.tc = XS_TC_TCX;
			else if (!strcmp(optarg, "clsact"))
				ao.tc = XS_TC_CLSACT;
			else
				return xs_err(XS_EXIT_USAGE,
					      "--tc takes auto, tcx or clsact, not '%s'",
					      optarg);
			break;
		case 'j':
			xs_json = true;
			break;
		case 'v':
			xs_verbose = true;
			break;
		case 'h':
			fputs(load_usage, stdout);
			return XS_EXIT_OK;
		default:
			fputs(load_usage, stderr);
			return XS_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return xs_err(XS_EXIT_USAGE, "unexpected argument '%s'",
			      argv[optind]);
	err = xs_check_env();
	if (err)
		return err;
	err = xs_target_open(&t);
	if (err)
		return err;
	if (!ao.cfg.src_ip)
		ao.cfg.src_ip = t.iface.ipv4;
	if (!ao.cfg.src_ip)
		return xs_err(XS_EXIT_USAGE,
			      "%s has no IPv4 address: give one with --src",
			      t.ifname);
	ao.cfg.port_lo = lo;
	ao.cfg.port_hi = hi;
	ao.ifindex = t.iface.ifindex;
	ao.ifname = t.ifname;
	xs_warn_port_overlap(lo, hi);

	lock = lock_root();
	if (lock < 0)
		return xs_err(XS_EXIT_ENV, "cannot lock %s: %s", XS_PIN_ROOT,
			      strerror(-lock));
	err = xs_attach(&ao, &l, &owner);
	if (err) {
		unlock_root(lock);
		return xs_err_attach(err, t.ifname, owner);
	}
	err = xs_pin(&l);
	if (err) {
		xs_close(&l);
		unlock_root(lock);
		return xs_err(XS_EXIT_ENV, "pinning under %s failed: %s",
			      l.pindir, strerror(-err));
	}
	xs_close(&l);
	unlock_root(lock);

	xs_fmt_ipv4(ao.cfg.src_ip, ip);
	if (xs_json) {
		printf("{\"event\":\"loaded\",\"ifname\":");
		xs_json_str(stdout, t.ifname);
		printf(",\"ifindex\":%d,\"pindir\":", t.iface.ifindex);
		xs_json_str(stdout, t.pindir);
		printf(",\"src_ip\":\"%s\",\"port_lo\":%u,\"port_hi\":%u}\n",
		       ip, lo, hi);
	} else {
		printf("loaded on %s: src %s ports %u-%u, pinned in %s\n",
		       t.ifname, ip, lo, hi, t.pindir);
	}
	return XS_EXIT_OK;
}

int do_unload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *ifname = NULL, *netns = NULL;
	struct xs_iface iface = {};
	char pindir[256];
	int c, err, lock;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:jvh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			ifname = optarg;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'j':
			xs_json = true;
			break;
		case 'v':
			xs_verbose = true;
			break;
		case 'h':
			fputs(unload_usage, stdout);
			return XS_EXIT_OK;
		default:
			fputs(unload_usage, stderr);
			return XS_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return xs_err(XS_EXIT_USAGE, "unexpected argument '%s'",
			      argv[optind]);
	if (!ifname || strlen(ifname) >= 16)
		return xs_err(XS_EXIT_USAGE,
			      "unload needs -i IFACE (at most 15 characters)");
	err = xs_check_env();
	if (err)
		return err;
	err = xs_netns_enter(netns);
	if (err)
		return xs_err(XS_EXIT_USAGE, "cannot enter namespace '%s': %s",
			      netns, strerror(-err));
	/* The interface may be gone: unload by pin folder all the same. */
	xs_nl_iface(ifname, &iface);
	err = xs_pindir(ifname, pindir, sizeof(pindir));
	if (err)
		return xs_err(XS_EXIT_ENV, "cannot name the pin folder: %s",
			      strerror(-err));
	lock = lock_root();
	if (lock < 0)
		return xs_err(XS_EXIT_ENV, "cannot lock %s: %s", XS_PIN_ROOT,
			      strerror(-lock));
	err = xs_unload(pindir, iface.ifindex);
	unlock_root(lock);
	if (err == -ENOENT)
		return xs_err(XS_EXIT_USAGE, "xdpshake is not loaded on %s",
			      ifname);
	if (err)
		return xs_err(XS_EXIT_ENV, "unload failed: %s", strerror(-err));
	if (xs_json) {
		printf("{\"event\":\"unloaded\",\"ifname\":");
		xs_json_str(stdout, ifname);
		printf("}\n");
	} else {
		printf("unloaded from %s\n", ifname);
	}
	return XS_EXIT_OK;
}

/* ---- status ---- */

struct link_desc {
	__u32 link_id;
	__u32 prog_id;
	__u32 ifindex;
};

static int pinned_link(const char *dir, const char *name, struct link_desc *d)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = bpf_obj_get(p);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return -errno;
	}
	close(fd);
	d->link_id = info.id;
	d->prog_id = info.prog_id;
	/* xdp and tcx link info both start with the ifindex. */
	d->ifindex = info.xdp.ifindex;
	return 0;
}

static int pinned_prog_id(const char *dir, const char *name, __u32 *id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = bpf_obj_get(p);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return -errno;
	}
	close(fd);
	*id = info.id;
	return 0;
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

/* One interface's status; netns entered already when can_query. */
static int show_one(const char *netns, const char *ifname, const char *dir,
		    bool can_query, bool detail, bool *first)
{
	struct link_desc xdp = {}, tc = {};
	struct xs_config cfg = {};
	struct xs_stats st = {};
	const char *tc_method = "none", *mode;
	char src[16], path[1100];
	int fd, i;
	bool have_stats = false;

	if (pinned_link(dir, XS_PIN_LINK_XDP, &xdp))
		return -ENOENT;
	if (!pinned_link(dir, XS_PIN_LINK_TC, &tc))
		tc_method = "tcx";
	else if (!pinned_prog_id(dir, XS_PIN_PROG_TC, &tc.prog_id))
		tc_method = "clsact";
	snprintf(path, sizeof(path), "%s/%s", dir, XS_PIN_CFG);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		xs_read_cfg(fd, &cfg);
		close(fd);
	}
	if (detail) {
		snprintf(path, sizeof(path), "%s/%s", dir, XS_PIN_STATS);
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			have_stats = !xs_read_stats(fd, &st);
			close(fd);
		}
	}
	mode = can_query ? xdp_mode_str(xdp.ifindex) : "unknown";
	xs_fmt_ipv4(cfg.src_ip, src);

	if (xs_json) {
		printf("%s{\"netns\":", *first ? "" : ",");
		xs_json_str(stdout, netns);
		printf(",\"ifname\":");
		xs_json_str(stdout, ifname);
		printf(",\"ifindex\":%u,\"pindir\":", xdp.ifindex);
		xs_json_str(stdout, dir);
		printf(",\"xdp\":{\"prog_id\":%u,\"link_id\":%u,\"mode\":\"%s\",\"attach\":\"bpf_link\"}",
		       xdp.prog_id, xdp.link_id, mode);
		printf(",\"tc\":{\"method\":\"%s\",\"prog_id\":%u,\"link_id\":%u}",
		       tc_method, tc.prog_id, tc.link_id);
		printf(",\"config\":{\"src_ip\":\"%s\",\"port_lo\":%u,\"port_hi\":%u,\"flags\":%u}",
		       src, cfg.port_lo, cfg.port_hi, cfg.flags);
		if (have_stats) {
			printf(",\"counters\":{");
			for (i = 0; i < XS_STAT_MAX; i++)
				printf("%s\"%s\":%llu", i ? "," : "",
				       xs_stat_name(i),
				       (unsigned long long)((__u64 *)&st)[i]);
			printf("}");
		}
		printf("}");
	} else {
		printf("%s%s (netns %s): xdp prog %u link %u %s, tc %s prog %u, src %s ports %u-%u\n",
		       *first ? "" : "\n", ifname, netns, xdp.prog_id,
		       xdp.link_id, mode, tc_method, tc.prog_id, src,
		       cfg.port_lo, cfg.port_hi);
		if (detail) {
			printf("  pins: %s\n", dir);
			for (i = 0; have_stats && i < XS_STAT_MAX; i++)
				printf("  %-14s %llu\n", xs_stat_name(i),
				       (unsigned long long)((__u64 *)&st)[i]);
		}
	}
	*first = false;
	return 0;
}

/* Enter the namespace a pin folder is named after, if we can. */
static bool enter_named_ns(const char *name)
{
	char p[300];
	int fd, ok;

	if (!strcmp(name, "init"))
		snprintf(p, sizeof(p), "/proc/1/ns/net");
	else if (!strncmp(name, "ns", 2) && strspn(name + 2, "0123456789") ==
						    strlen(name + 2))
		return false; /* unnamed: its inode cannot be opened */
	else
		snprintf(p, sizeof(p), "/var/run/netns/%s", name);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = !setns(fd, CLONE_NEWNET);
	close(fd);
	return ok;
}

static int status_all(void)
{
	struct dirent *ne, *ie;
	DIR *root, *nsd;
	char dir[512];
	bool first = true;
	int self;

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
			char ifdir[1024];
			bool q;

			if (ie->d_name[0] == '.')
				continue;
			snprintf(ifdir, sizeof(ifdir), "%s/%s", dir,
				 ie->d_name);
			q = enter_named_ns(ne->d_name);
			show_one(ne->d_name, ie->d_name, ifdir, q, false,
				 &first);
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
	else if (first)
		printf("xdpshake is not loaded anywhere\n");
	return XS_EXIT_OK;
}

int do_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct xs_target t = {};
	char ns[64];
	bool first = true;
	__u32 id = 0;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:jvh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			t.ifname = optarg;
			break;
		case 'n':
			t.netns = optarg;
			break;
		case 'j':
			xs_json = true;
			break;
		case 'v':
			xs_verbose = true;
			break;
		case 'h':
			fputs(status_usage, stdout);
			return XS_EXIT_OK;
		default:
			fputs(status_usage, stderr);
			return XS_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return xs_err(XS_EXIT_USAGE, "unexpected argument '%s'",
			      argv[optind]);
	err = xs_check_env();
	if (err)
		return err;
	if (!t.ifname)
		return t.netns ? xs_err(XS_EXIT_USAGE,
					"--netns goes with -i IFACE") :
				 status_all();
	err = xs_target_open(&t);
	if (err)
		return err;
	xs_netns_current_name(ns, sizeof(ns));
	if (xs_json)
		printf("{\"interfaces\":[");
	err = show_one(ns, t.ifname, t.pindir, true, true, &first);
	if (xs_json) {
		printf("]");
		if (err) {
			bpf_xdp_query_id(t.iface.ifindex, 0, &id);
			printf(",\"loaded\":false,\"xdp_prog_id\":%u", id);
		}
		printf("}\n");
	} else if (err) {
		bpf_xdp_query_id(t.iface.ifindex, 0, &id);
		printf("xdpshake is not loaded on %s (netns %s)", t.ifname, ns);
		if (id) {
			char name[64];

			xs_prog_name(id, name, sizeof(name));
			printf("; XDP program %u (%s) is attached", id, name);
		}
		printf("\n");
	}
	return XS_EXIT_OK;
}
