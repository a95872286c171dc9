/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake load | unload
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "addr.h"
#include "cli.h"
#include "commands.h"
#include "loader.h"
#include "json.h"
#include "listen_loader.h"
#include "netns.h"
#include "opts.h"
#include "runlock.h"

struct load_args {
	struct xs_target t;
	struct xs_attach_opts ao;
	uint16_t lo, hi;
	bool src_given[2]; /* --src of IPv4, of IPv6 */
};

/* --src, once per family: the IPv4 one, the IPv6 one or both. */
static int set_src(void *cfg, const char *arg, char *err, size_t len)
{
	struct load_args *a = cfg;

	return xs_opt_src_once(arg, a->src_given, &a->ao.cfg.src_ip,
			       a->ao.cfg.src_ip6, err, len);
}

#define L(f, type) XS_FIELD(struct load_args, f, type)
static const struct xs_opt load_opts[] = {
	{ .name = "interface",
	  .short_name = 'i',
	  .type = XS_OPT_STRING,
	  .metavar = "IFACE",
	  .help = "interface to attach to",
	  .off = L(t.ifname, const char *) },
	XS_OPT_NETNS(struct load_args, t.netns),
	XS_OPT_MODE(struct load_args, ao.mode,
		    "XDP mode: native or skb (generic)"),
	{ .name = "sports",
	  .type = XS_OPT_PORT_RANGE,
	  .metavar = "LO-HI",
	  .def = XS_DEFAULT_PORTS,
	  .help = "our source port range",
	  .off = L(lo, uint16_t),
	  .off2 = L(hi, uint16_t) },
	{ .name = "ports",
	  .short_name = 'p',
	  .alias_of = "sports",
	  .deprecated = true,
	  .help = "-p is scan's destination\nports" },
	{ .name = "src",
	  .short_name = 's',
	  .type = XS_OPT_CALL,
	  .metavar = "IP",
	  .set = set_src,
	  .help = "our source address, IPv4 or IPv6; once for each\nfamily (default: the interface's first IPv4 and\nglobal IPv6 address)" },
	XS_OPT_TC(
		struct load_args, ao.tc,
		"TC attach: auto (tcx link if the kernel has it,\nelse clsact), tcx, clsact"),
	{}
};
#undef L

static const struct xs_cmd load_cmd = {
	.name = "load",
	.synopsis =
		"Usage: xdpshake load -i IFACE [--netns NS] [--mode native|skb]\n"
		"                     [--sports LO-HI] [--src IP [--src IP6]] [--tc auto|tcx|clsact] [-v]\n",
	.desc = "Attach the XDP SYN-ACK filter and the TC RST guard to IFACE and pin\n"
		"them under " XS_PIN_ROOT
		"/<netns>/<iface>/ so they stay until\n"
		"'xdpshake unload'. Later 'connect' runs on IFACE use them. One load\n"
		"serves IPv4 and IPv6: a source address of each family.\n",
	.opts = load_opts,
};

/* For the man page and completion generators (doc.h). */
const struct xs_cmd *const xs_cmd_load = &load_cmd;

struct unload_args {
	const char *ifname, *netns;
};

static const struct xs_opt unload_opts[] = {
	{ .name = "interface",
	  .short_name = 'i',
	  .type = XS_OPT_STRING,
	  .metavar = "IFACE",
	  .help = "interface to detach from (may be gone)",
	  .off = XS_FIELD(struct unload_args, ifname, const char *) },
	{ .name = "netns",
	  .short_name = 'n',
	  .type = XS_OPT_STRING,
	  .metavar = "NS",
	  .help = "its network namespace (may be gone)",
	  .off = XS_FIELD(struct unload_args, netns, const char *) },
	{}
};

static const struct xs_cmd unload_cmd = {
	.name = "unload",
	.synopsis = "Usage: xdpshake unload -i IFACE [--netns NS]\n",
	.desc = "Detach what 'load' attached to IFACE and remove every pin. Works even\n"
		"if the interface is gone. Refused while a connect or scan uses the\n"
		"load (its pid is named).\n",
	.opts = unload_opts,
};

/* For the man page and completion generators (doc.h). */
const struct xs_cmd *const xs_cmd_unload = &unload_cmd;

/* What load did, as a line of text or a JSON object. */
static void print_loaded(const struct xs_target *t, const struct xs_config *cfg)
{
	char ip[16], ip6[XS_ADDR_STRLEN] = "";
	struct xs_addr a6;
	struct xs_jw w;

	memcpy(a6.b, cfg->src_ip6, sizeof(a6.b));
	if (!xs_addr_is_zero(&a6))
		xs_addr_fmt(&a6, ip6);
	xs_fmt_ipv4(cfg->src_ip, ip);
	if (!xs_json) {
		/* An IPv4-only load says what it always said. */
		printf("loaded on %s: src %s%s%s ports %u-%u, pinned in %s\n",
		       t->ifname, cfg->src_ip ? ip : "-",
		       ip6[0] ? " src6 " : "", ip6, cfg->port_lo, cfg->port_hi,
		       t->pindir);
		return;
	}
	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "loaded");
	xs_jw_string_field(&w, "ifname", t->ifname);
	xs_jw_int_field(&w, "ifindex", t->iface.ifindex);
	xs_jw_string_field(&w, "pindir", t->pindir);
	if (cfg->src_ip)
		xs_jw_string_field(&w, "src_ip", ip);
	else
		xs_jw_null_field(&w, "src_ip");
	if (ip6[0])
		xs_jw_string_field(&w, "src_ip6", ip6);
	else
		xs_jw_null_field(&w, "src_ip6");
	xs_jw_uint_field(&w, "port_lo", cfg->port_lo);
	xs_jw_uint_field(&w, "port_hi", cfg->port_hi);
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
	struct load_args a = {};
	struct xs_attach_opts *ao = &a.ao;
	struct xs_target *t = &a.t;
	struct xs_loaded l;
	xs_opts_seen_t seen;
	__u32 owner = 0;
	int err, lock;

	err = xs_opts_parse(&load_cmd, argc, argv, &a, &seen);
	if (err >= 0)
		return err;
	err = xs_no_operands(argc, argv);
	if (err)
		return err;
	err = xs_check_env(XS_CAPS_LOAD);
	if (err)
		return err;
	err = xs_target_open(t);
	if (err)
		return err;
	/* Each family not given takes the interface's address, if any. */
	if (!a.src_given[0])
		ao->cfg.src_ip = t->iface.ipv4;
	if (!a.src_given[1])
		memcpy(ao->cfg.src_ip6, t->iface.ipv6.b,
		       sizeof(ao->cfg.src_ip6));
	if (!ao->cfg.src_ip && xs_addr_is_zero(&t->iface.ipv6) &&
	    !a.src_given[1])
		return xs_err(
			XS_EXIT_USAGE,
			"%s has no IPv4 or global IPv6 address: give one with --src",
			t->ifname);
	if (a.src_given[1]) {
		struct xs_addr s6;

		memcpy(s6.b, ao->cfg.src_ip6, sizeof(s6.b));
		xs_target_warn_tentative(t, &s6);
	}
	ao->cfg.port_lo = a.lo;
	ao->cfg.port_hi = a.hi;
	ao->ifindex = t->iface.ifindex;
	ao->ifname = t->ifname;
	xs_warn_port_overlap(a.lo, a.hi);

	lock = xs_lock_root(XS_ROOT_LOCK_MS);
	if (lock < 0)
		return xs_err(XS_EXIT_ENV, "cannot lock %s: %s", XS_PIN_ROOT,
			      xs_lock_root_strerror(lock));
	err = xs_attach(ao, &l, &owner);
	if (err) {
		xs_unlock_root(lock);
		return xs_err_attach(err, t, owner);
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

	print_loaded(t, &ao->cfg);
	return XS_EXIT_OK;
}

int do_unload(int argc, char **argv)
{
	struct unload_args a = {};
	struct xs_iface iface = {};
	const char *ifname, *netns;
	xs_opts_seen_t seen;
	struct xs_run_info run;
	char pindir[256];
	int err, lerr, lock;

	err = xs_opts_parse(&unload_cmd, argc, argv, &a, &seen);
	if (err >= 0)
		return err;
	ifname = a.ifname;
	netns = a.netns;
	err = xs_no_operands(argc, argv);
	if (err)
		return err;
	if (!ifname || strlen(ifname) >= 16)
		return xs_err(XS_EXIT_USAGE,
			      "unload needs -i IFACE (at most 15 characters)");
	err = xs_check_env(XS_CAPS_UNLOAD);
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
	lock = xs_lock_root(XS_ROOT_LOCK_MS);
	if (lock < 0)
		return xs_err(XS_EXIT_ENV, "cannot lock %s: %s", XS_PIN_ROOT,
			      xs_lock_root_strerror(lock));
	/* A connect or scan that uses the load would go on deaf. */
	if (iface.ifindex > 0 && xs_load_pinned(pindir) &&
	    xs_runlock_holder(iface.ifindex, &run)) {
		xs_unlock_root(lock);
		return xs_err(
			XS_EXIT_USAGE,
			"a %s run (pid %d) uses the load on %s: wait for it, or stop it (kill %d), then unload",
			run.cmd, run.pid, ifname, run.pid);
	}
	err = xs_unload(pindir, iface.ifindex);
	/* And what a killed listen left (its running one keeps them). */
	lerr = xs_listen_unpin_stale(pindir, iface.ifindex);
	xs_unlock_root(lock);
	if (err == -ENOENT && !lerr) {
		print_unloaded(ifname);
		return XS_EXIT_OK;
	}
	if (err == -ENOENT)
		return xs_err(
			XS_EXIT_USAGE, "xdpshake is not loaded on %s%s", ifname,
			lerr == -EBUSY ?
				" (xdpshake listen runs there: stop it instead)" :
				"");
	if (err)
		return xs_err(XS_EXIT_ENV, "unload failed: %s", strerror(-err));
	print_unloaded(ifname);
	return XS_EXIT_OK;
}
