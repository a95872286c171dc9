/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake load | unload
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "commands.h"
#include "loader.h"
#include "json.h"
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
	"  -p, --ports LO-HI      our source port range (default " XS_DEFAULT_PORTS
	")\n"
	"  -s, --src IP           our source IPv4 address (default: the interface's)\n"
	"      --tc METHOD        TC attach: auto (tcx link if the kernel has it,\n"
	"                         else clsact), tcx, clsact\n"
	"  -v, --verbose          show libbpf's log\n";

static const char unload_usage[] =
	"Usage: xdpshake unload -i IFACE [--netns NS]\n"
	"\n"
	"Detach what 'load' attached to IFACE and remove every pin. Works even\n"
	"if the interface is gone.\n";

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

/* What load did, as a line of text or a JSON object. */
static void print_loaded(const struct xs_target *t, uint32_t src_ip,
			 uint16_t lo, uint16_t hi)
{
	struct xs_jw w;
	char ip[16];

	xs_fmt_ipv4(src_ip, ip);
	if (!xs_json) {
		printf("loaded on %s: src %s ports %u-%u, pinned in %s\n",
		       t->ifname, ip, lo, hi, t->pindir);
		return;
	}
	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "loaded");
	xs_jw_string_field(&w, "ifname", t->ifname);
	xs_jw_int_field(&w, "ifindex", t->iface.ifindex);
	xs_jw_string_field(&w, "pindir", t->pindir);
	xs_jw_string_field(&w, "src_ip", ip);
	xs_jw_uint_field(&w, "port_lo", lo);
	xs_jw_uint_field(&w, "port_hi", hi);
	xs_jw_end_object(&w);
}

static void print_unloaded(const char *ifname)
{
	struct xs_jw w;

	if (!xs_json) {
		printf("unloaded from %s\n", ifname);
		return;
	}
	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "unloaded");
	xs_jw_string_field(&w, "ifname", ifname);
	xs_jw_end_object(&w);
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
	__u32 owner = 0;
	uint16_t lo, hi;
	int c, err, lock;

	xs_parse_port_range(XS_DEFAULT_PORTS, &lo, &hi);
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:m:p:s:jvh", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'i':
			t.ifname = optarg;
			break;
		case 'n':
			t.netns = optarg;
			break;
		case 'm':
			if (xs_parse_mode(optarg, &ao.mode))
				return xs_err(
					XS_EXIT_USAGE,
					"--mode takes native or skb, not '%s'",
					optarg);
			break;
		case 'p':
			if (xs_parse_port_range(optarg, &lo, &hi))
				return xs_err(
					XS_EXIT_USAGE,
					"--ports takes LO-HI with 1 <= LO <= HI <= 65535, not '%s'",
					optarg);
			break;
		case 's':
			if (xs_parse_ipv4(optarg, &ao.cfg.src_ip) ||
			    !ao.cfg.src_ip)
				return xs_err(
					XS_EXIT_USAGE,
					"--src takes an IPv4 address, not '%s'",
					optarg);
			break;
		case 't':
			if (xs_parse_tc_method(optarg, &ao.tc))
				return xs_err(
					XS_EXIT_USAGE,
					"--tc takes auto, tcx or clsact, not '%s'",
					optarg);
			break;
		default:
			err = xs_common_opt(c, load_usage);
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

	lock = xs_lock_root(5000);
	if (lock < 0)
		return xs_err(XS_EXIT_ENV, "cannot lock %s: %s", XS_PIN_ROOT,
			      strerror(-lock));
	err = xs_attach(&ao, &l, &owner);
	if (err) {
		xs_unlock_root(lock);
		return xs_err_attach(err, t.ifname, owner);
	}
	err = xs_pin(&l);
	if (err) {
		xs_close(&l);
		xs_unlock_root(lock);
		return xs_err(XS_EXIT_ENV, "pinning under %s failed: %s",
			      l.pindir, strerror(-err));
	}
	xs_close(&l);
	xs_unlock_root(lock);

	print_loaded(&t, ao.cfg.src_ip, lo, hi);
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
		default:
			err = xs_common_opt(c, unload_usage);
			if (err >= 0)
				return err;
		}
	}
	err = xs_no_operands(argc, argv);
	if (err)
		return err;
	if (!ifname || strlen(ifname) >= 16)
		return xs_err(XS_EXIT_USAGE,
			      "unload needs -i IFACE (at most 15 characters)");
	err = xs_check_env();
	if (err)
		return err;
	err = xs_netns_enter(netns);
	if (err == -ENOENT && netns && !strchr(netns, '/')) {
		/* The namespace is gone, and with it the interface and its
		 * attachments: only the pins are left, named after it. */
		if ((size_t)snprintf(pindir, sizeof(pindir), "%s/%s/%s",
				     XS_PIN_ROOT, netns,
				     ifname) >= sizeof(pindir))
			return xs_err(XS_EXIT_USAGE, "namespace name too long");
	} else if (err) {
		return xs_err(XS_EXIT_USAGE, "cannot enter namespace '%s': %s",
			      netns, strerror(-err));
	} else {
		/* The interface may be gone: unload by pin folder all the
		 * same. */
		xs_nl_iface(ifname, &iface);
		err = xs_pindir(ifname, pindir, sizeof(pindir));
		if (err)
			return xs_err(XS_EXIT_ENV,
				      "cannot name the pin folder: %s",
				      strerror(-err));
	}
	lock = xs_lock_root(5000);
	if (lock < 0)
		return xs_err(XS_EXIT_ENV, "cannot lock %s: %s", XS_PIN_ROOT,
			      strerror(-lock));
	err = xs_unload(pindir, iface.ifindex);
	xs_unlock_root(lock);
	if (err == -ENOENT)
		return xs_err(XS_EXIT_USAGE, "xdpshake is not loaded on %s",
			      ifname);
	if (err)
		return xs_err(XS_EXIT_ENV, "unload failed: %s", strerror(-err));
	print_unloaded(ifname);
	return XS_EXIT_OK;
}
