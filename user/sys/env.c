/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Checks of the environment a run needs, and kernel errors explained. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "caps.h"
#include "diag.h"
#include "env.h"
#include "loader.h"
#include "runlock.h"

#define BPF_FS_MAGIC_NUMBER 0xcafe4a11

/* Where this binary is, for the setcap advice. */
static const char *self_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n <= 0)
		return "xdpshake";
	buf[n] = '\0';
	return buf;
}

/*
 * Pins are made mode 0600 in 0700 folders by whoever loaded them: another
 * user's are out of reach without CAP_DAC_OVERRIDE (the kernel answers
 * EACCES, which would otherwise look like "not loaded").
 */
static int check_pin_root(void)
{
	struct stat st;

	if (stat(XS_PIN_ROOT, &st) ||
	    !faccessat(AT_FDCWD, XS_PIN_ROOT, R_OK | W_OK | X_OK, AT_EACCESS))
		return 0;
	if (errno != EACCES)
		return 0;
	return xs_err(
		XS_EXIT_ENV,
		"%s belongs to uid %u (mode 0%03o), and this process (uid %u) lacks CAP_DAC_OVERRIDE: run as that user or with sudo, or add cap_dac_override to the binary's capabilities",
		XS_PIN_ROOT, (unsigned int)st.st_uid, st.st_mode & 0777,
		(unsigned int)geteuid());
}

int xs_check_env(uint64_t caps)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char names[160], self[256];
	struct statfs sfs;
	uint64_t missing;

	missing = xs_caps_missing(caps);
	if (missing) {
		xs_caps_fmt(missing, names, sizeof(names));
		return xs_err(
			XS_EXIT_ENV,
			"missing capabilities %s (uid %u): run with sudo, or grant them to the binary: sudo setcap %s+ep %s",
			names, (unsigned int)geteuid(), XS_SETCAP_LIST,
			self_path(self, sizeof(self)));
	}
	if (statfs("/sys/fs/bpf", &sfs) ||
	    (unsigned long)sfs.f_type != BPF_FS_MAGIC_NUMBER)
		return xs_err(
			XS_EXIT_ENV,
			"bpffs is not mounted at /sys/fs/bpf: mount -t bpf bpf /sys/fs/bpf (or make deps)");
	if (check_pin_root())
		return XS_EXIT_ENV;
	/* Kernels before 5.11 charge BPF maps and UMEM to RLIMIT_MEMLOCK
	 * (raising it needs CAP_SYS_RESOURCE; later ones do not care). */
	setrlimit(RLIMIT_MEMLOCK, &rl);
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !xs_verbose)
		return 0;
	if (level == LIBBPF_INFO && !xs_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void xs_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

int xs_err_perm(const char *fmt, ...)
{
	uint64_t missing = xs_caps_missing(XS_CAPS_LOAD);
	char names[160], what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (missing) {
		xs_caps_fmt(missing, names, sizeof(names));
		return xs_err(
			XS_EXIT_ENV,
			"the kernel refused to %s (EPERM): this process lacks %s: run with sudo, or grant them (sudo setcap %s+ep ...)",
			what, names, XS_SETCAP_LIST);
	}
	return xs_err(
		XS_EXIT_ENV,
		"the kernel refused to %s (EPERM) although this process has CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN: capabilities held inside a user namespace (a container) do not count for BPF; check lockdown (/sys/kernel/security/lockdown)",
		what);
}

/*
 * How to remove a foreign XDP program: the ip command for the mode it is
 * attached in (iproute2's "xdp off" leaves a generic-mode program), in the
 * right namespace.
 */
static void foreign_advice(const struct xs_target *t, char *buf, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char where[300] = "";
	const char *kw;

	if (bpf_xdp_query(t->iface.ifindex, 0, &q))
		q.attach_mode = XDP_ATTACHED_NONE;
	kw = q.attach_mode == XDP_ATTACHED_SKB ? "xdpgeneric" :
	     q.attach_mode == XDP_ATTACHED_HW  ? "xdpoffload" :
						 "xdp";
	if (t->netns && strchr(t->netns, '/'))
		snprintf(where, sizeof(where), "nsenter --net=%s ip ",
			 t->netns);
	else if (t->netns)
		snprintf(where, sizeof(where), "ip -n %s ", t->netns);
	else
		snprintf(where, sizeof(where), "ip ");
	snprintf(buf, len, "%slink set dev %s %s off", where, t->ifname, kw);
	/* Programs in several modes at once: each has its own off. */
	if (q.attach_mode == XDP_ATTACHED_MULTI)
		snprintf(buf + strlen(buf), len - strlen(buf),
			 ", then %slink set dev %s xdpgeneric off", where,
			 t->ifname);
}

const char *xs_unload_hint(const struct xs_target *t, char *buf, size_t len)
{
	snprintf(buf, len, "xdpshake unload -i %s%s%s", t->ifname,
		 t->netns ? " --netns " : "", t->netns ?: "");
	return buf;
}

int xs_err_attach(int err, const struct xs_target *t, uint32_t owner_id)
{
	const char *ifname = t->ifname;
	char name[64], advice[700], unload[320];
	struct xs_run_info run;

	switch (err) {
	case -EBUSY:
		return xs_err(
			XS_EXIT_USAGE,
			"xdpshake is already loaded on %s: use it as it is, or '%s' first",
			ifname, xs_unload_hint(t, unload, sizeof(unload)));
	case -ESTALE:
		return xs_err(
			XS_EXIT_ENV,
			"the load pinned in %s is attached to nothing (the %s it was on deleted since, or its XDP link detached): '%s', then load again",
			t->pindir, ifname,
			xs_unload_hint(t, unload, sizeof(unload)));
	case -EEXIST:
		/* No XDP owner: the clsact attach found a filter with our
		 * handle and priority that is not ours (ours is removed). */
		if (!owner_id)
			return xs_err(
				XS_EXIT_USAGE,
				"a tc filter that is not xdpshake's uses its handle 0x%x and priority %u on egress of %s: remove it, or use --tc tcx",
				XS_TC_HANDLE, XS_TC_PRIO, ifname);
		xs_prog_name(owner_id, name, sizeof(name));
		if (!strcmp(name, "xs_listen"))
			return xs_err(
				XS_EXIT_USAGE,
				"xdpshake listen runs on %s (XDP program id %u): stop it first",
				ifname, owner_id);
		if (!strcmp(name, "xs_xdp_filter") &&
		    xs_runlock_holder(t->iface.ifindex, &run))
			return xs_err(
				XS_EXIT_USAGE,
				"another xdpshake run (pid %d, %s) owns %s (XDP program id %u): wait for it, or stop it (kill %d)",
				run.pid, run.cmd, ifname, owner_id, run.pid);
		if (!strcmp(name, "xs_xdp_filter"))
			return xs_err(
				XS_EXIT_USAGE,
				"another xdpshake run owns %s (XDP program id %u): wait for it or stop it",
				ifname, owner_id);
		foreign_advice(t, advice, sizeof(advice));
		return xs_err(
			XS_EXIT_USAGE,
			"another XDP program (id %u%s%s) is attached to %s: remove it first (%s)",
			owner_id, *name ? ", " : "", name, ifname, advice);
	case -EOPNOTSUPP:
		return xs_err(XS_EXIT_ENV,
			      "%s does not support native XDP: use --mode skb",
			      ifname);
	/* What veth answers to a native XDP attach it cannot serve; the
	 * kernel's own explanation goes to netlink extack, which a bpf_link
	 * never shows, so say it here. */
	case -ERANGE:
		return xs_err(
			XS_EXIT_ENV,
			"the MTU of %s or of its veth peer is too large for native XDP: use --mode skb, or lower the MTU",
			ifname);
	case -ENOSPC:
		return xs_err(
			XS_EXIT_ENV,
			"native XDP on %s needs at least as many RX queues as its veth peer has TX queues: use --mode skb, or raise them (ethtool -L %s rx N)",
			ifname, ifname);
	case -EPERM:
		return xs_err_perm("load or attach BPF programs");
	default:
		return xs_err(
			XS_EXIT_ENV,
			"loading or attaching the BPF programs on %s failed: %s (run with -v for libbpf's log)",
			ifname, strerror(-err));
	}
}

/* A socket in LISTEN state on a port in [lo, hi], from /proc/net/tcp or
 * tcp6 (those of the namespace we are in): its port, or 0. */
static unsigned int listening_in(const char *path, uint16_t lo, uint16_t hi)
{
	unsigned int port = 0, p, st;
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	/* "  0: 0100007F:1F90 00000000:0000 0A ...": port in hex, 0A LISTEN */
	while (!port && fgets(line, sizeof(line), f))
		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
			   &p, &st) == 2 &&
		    st == 0x0A && p >= lo && p <= hi)
			port = p;
	fclose(f);
	return port;
}

void xs_warn_port_overlap(uint16_t lo, uint16_t hi)
{
	unsigned int elo, ehi, port;
	FILE *f;

	if (lo < 1024)
		xs_warn("source ports %u-%u reach below 1024, the ports servers listen on: a local server there would lose its RSTs to our guard",
			lo, hi);
	port = listening_in("/proc/net/tcp", lo, hi) ?:
		       listening_in("/proc/net/tcp6", lo, hi);
	if (port)
		xs_warn("a local socket listens on port %u, inside our source ports %u-%u: the guard drops its RSTs and the filter may take its segments",
			port, lo, hi);

	/* Read in our namespace: the sysctl is per network namespace. */
	f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (!f)
		return;
	if (fscanf(f, "%u %u", &elo, &ehi) == 2 && lo <= ehi && hi >= elo)
		xs_warn("ports %u-%u overlap the kernel's ephemeral range %u-%u (net.ipv4.ip_local_port_range): a local connect() may pick one of our ports",
			lo, hi, elo, ehi);
	fclose(f);
}
