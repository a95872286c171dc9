/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared CLI helpers: errors, parsing, namespace and interface set-up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "caps.h"
#include "cli.h"
#include "loader.h"
#include "json.h"
#include "netns.h"
#include "opts.h"
#include "runlock.h"

#define BPF_FS_MAGIC_NUMBER 0xcafe4a11

bool xs_json;
bool xs_verbose;

int xs_err(int code, const char *fmt, ...)
{
	struct xs_jw w;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xdpshake: %s\n", msg);
	if (xs_json) {
		/* msg holds the user's tokens, whatever their bytes: the
		 * writer keeps the object valid JSON all the same. */
		xs_jw_init(&w, stdout);
		xs_jw_start_object(&w);
		xs_jw_string_field(&w, "event", "error");
		xs_jw_string_field(&w, "error", msg);
		xs_jw_int_field(&w, "exit_code", code);
		xs_jw_end_object(&w);
		fflush(stdout);
	}
	return code;
}

void xs_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpshake: warning: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int xs_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	const char *why;
	uint64_t v;

	/* Decimal only (opts.c): "080" is 80, never octal nor hex. */
	if (xs_parse_dec(s, min, max, &v, &why))
		return -EINVAL;
	*out = v;
	return 0;
}

int xs_parse_ipv4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	/* inet_pton accepts only the dotted quad, no shorthand forms. */
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

int xs_parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[32];
	char *dash;
	uint32_t a, b;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (xs_parse_u32(buf, 1, 65535, &a))
		return -EINVAL;
	b = a;
	if (dash && xs_parse_u32(dash, 1, 65535, &b))
		return -EINVAL;
	if (b < a)
		return -EINVAL;
	*lo = a;
	*hi = b;
	return 0;
}

int xs_parse_ip_port(const char *s, uint32_t *addr, uint16_t *port)
{
	char buf[64];
	char *colon;
	uint32_t p;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (xs_parse_ipv4(buf, addr) || xs_parse_u32(colon + 1, 1, 65535, &p))
		return -EINVAL;
	*port = p;
	return 0;
}

int xs_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (!s || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}

/* Map a name to its value through a NULL-terminated table. */
static int parse_name(const char *s, const char *const names[], int *out)
{
	int i;

	for (i = 0; s && names[i]; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *const xs_mode_names
	[] = { [XS_MODE_NATIVE] = "native", [XS_MODE_SKB] = "skb", NULL };
const char *const xs_tc_names[] = { [XS_TC_AUTO] = "auto",
				    [XS_TC_TCX] = "tcx",
				    [XS_TC_CLSACT] = "clsact",
				    NULL };
const char *const xs_close_names[] = { [XS_CLOSE_NONE] = "none",
				       [XS_CLOSE_RST] = "rst",
				       [XS_CLOSE_FIN] = "fin",
				       NULL };

int xs_parse_mode(const char *s, enum xs_xdp_mode *out)
{
	int v;

	if (parse_name(s, xs_mode_names, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

int xs_parse_tc_method(const char *s, enum xs_tc_method *out)
{
	int v;

	if (parse_name(s, xs_tc_names, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

int xs_parse_close(const char *s, enum xs_close_mode *out)
{
	int v;

	if (parse_name(s, xs_close_names, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

void xs_fmt_ipv4(uint32_t addr, char *buf)
{
	struct in_addr a = { .s_addr = addr };

	inet_ntop(AF_INET, &a, buf, 16);
}

int xs_target_open(struct xs_target *t)
{
	int err;

	if (!t->ifname)
		return xs_err(XS_EXIT_USAGE,
			      "no interface given: use -i IFACE");
	if (strlen(t->ifname) >= 16)
		return xs_err(
			XS_EXIT_USAGE,
			"interface name '%s' is longer than 15 characters",
			t->ifname);
	err = xs_netns_enter(t->netns);
	if (err == -ENOENT)
		return xs_err(
			XS_EXIT_USAGE,
			"no network namespace '%s' (a name in /var/run/netns or a path like /proc/PID/ns/net)",
			t->netns);
	if (err == -EPERM)
		return xs_err(
			XS_EXIT_ENV,
			"entering namespace '%s' needs CAP_SYS_ADMIN: run with sudo, or add cap_sys_admin to the binary's capabilities (sudo setcap %s+ep ...)",
			t->netns, XS_SETCAP_LIST);
	if (err)
		return xs_err(XS_EXIT_USAGE, "cannot enter namespace '%s': %s",
			      t->netns, strerror(-err));
	err = xs_nl_iface(t->ifname, &t->iface);
	if (err == -ENODEV)
		return xs_err(XS_EXIT_USAGE, "no interface '%s'%s%s", t->ifname,
			      t->netns ? " in namespace " : "",
			      t->netns ? t->netns : "");
	if (err)
		return xs_err(XS_EXIT_ENV, "cannot read interface '%s': %s",
			      t->ifname, strerror(-err));
	err = xs_pindir(t->ifname, t->pindir, sizeof(t->pindir));
	if (err)
		return xs_err(XS_EXIT_ENV, "cannot name the pin folder: %s",
			      strerror(-err));
	return 0;
}

int xs_common_opt(int c, const char *usage)
{
	switch (c) {
	case 'j':
		xs_json = true;
		return -1;
	case 'v':
		xs_verbose = true;
		return -1;
	case 'h':
		fputs(usage, stdout);
		return XS_EXIT_OK;
	default:
		fputs(usage, stderr);
		return XS_EXIT_USAGE;
	}
}

int xs_no_operands(int argc, char **argv)
{
	if (optind < argc)
		return xs_err(XS_EXIT_USAGE, "unexpected argument '%s'",
			      argv[optind]);
	return 0;
}

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

void xs_signal_default(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t set;
	unsigned int i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&set, sigs[i]);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

bool xs_signal_take(int sigfd)
{
	struct signalfd_siginfo si;
	bool got = false;
	unsigned int i;

	if (sigfd < 0)
		return false;
	/* Each signal is pending at most once: a few reads drain them all. */
	for (i = 0; i < 8 && read(sigfd, &si, sizeof(si)) == sizeof(si); i++)
		got = true;
	if (!got)
		return false;
	xs_signal_default();
	return true;
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

int xs_err_attach(int err, const struct xs_target *t, uint32_t owner_id)
{
	const char *ifname = t->ifname;
	char name[64], advice[700];
	struct xs_run_info run;

	switch (err) {
	case -EBUSY:
		return xs_err(
			XS_EXIT_USAGE,
			"xdpshake is already loaded on %s: use it as it is, or 'xdpshake unload -i %s' first",
			ifname, ifname);
	case -EEXIST:
		/* No XDP owner: the clsact attach found a filter with our
		 * handle and priority that is not ours (ours is removed). */
		if (!owner_id)
			return xs_err(
				XS_EXIT_USAGE,
				"a tc filter that is not xdpshake's uses its handle 0x%x and priority %u on egress of %s: remove it, or use --tc tcx",
				XS_TC_HANDLE, XS_TC_PRIO, ifname);
		xs_prog_name(owner_id, name, sizeof(name));
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
