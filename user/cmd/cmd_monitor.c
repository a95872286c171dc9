/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake monitor: the tutorial's router sniffer.
 *
 * TC programs on the interface's ingress and egress hooks copy every IPv4
 * and IPv6 TCP frame that passes the filters into a ring buffer; this loop prints
 * each in the tutorial log format (or as JSON) and can write a pcap file.
 * Where xdpshake runs on the interface, the monitor also plugs itself into
 * its XDP program (montap.h), and the same ring gets the frames xdpshake
 * redirects to and sends through AF_XDP, which never pass TC.
 * Nothing is pinned: the attachments are the process's own and go when it
 * stops (tcx links die with it; clsact filters are removed on the way out;
 * the monitor unplugs itself; if it is killed, the kernel empties
 * xdpshake's program array once no process holds it open, and senders stop
 * feeding a monitor that is gone).
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_arp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "addr.h"
#include "clock.h"
#include "cli.h"
#include "commands.h"
#include "json.h"
#include "loader.h"
#include "logfmt.h"
#include "monitor_output.h"
#include "monitor.skel.h"
#include "montap.h"
#include "tc.h"
#include "opts.h"
#include "output.h"

/* The usage text says so. */
_Static_assert(XS_MON_SNAP_MAX == 256 && XS_MON_SNAP_DEFAULT == 128,
	       "update --snaplen in the usage text");

/* How often the loop looks at the loss counters and the interface. */
#define MON_TICK_MS 1000

/* Returned by the ring buffer callback to end the consume call early. */
#define MON_STOP (-ECANCELED)

struct mon_args {
	struct xs_target t;
	uint16_t port; /* 0 = any */
	struct xs_addr host; /* all zero = any */
	uint32_t count; /* 0 = no limit */
	uint32_t snaplen;
	const char *pcap_path;
	enum xs_tc_method tc;
};

struct mon_ctx {
	const struct mon_args *a;
	struct xs_mon_out out;
	struct xs_montap_watch watch; /* xdpshake's frames, where it runs */
	bool done;
};

/* --host: an address of either family, not the unspecified one. */
static int set_host(void *cfg, const char *arg, char *err, size_t errlen)
{
	struct mon_args *a = cfg;
	const char *why = NULL;

	if (xs_addr_parse(arg, &a->host, &why))
		goto bad;
	if (xs_addr_is_zero(&a->host) ||
	    (xs_addr_is_v4(&a->host) && !xs_addr_get_v4(&a->host))) {
		why = "the unspecified address";
		goto bad;
	}
	return 0;
bad:
	memset(&a->host, 0, sizeof(a->host));
	snprintf(err, errlen,
		 "--host takes an IPv4 or IPv6 address, not '%s' (%s)", arg,
		 why);
	return -EINVAL;
}

#define M(f, type) XS_FIELD(struct mon_args, f, type)
static const struct xs_opt mon_opts[] = {
	{ .name = "interface",
	  .short_name = 'i',
	  .type = XS_OPT_STRING,
	  .metavar = "IFACE",
	  .help = "interface to watch",
	  .off = M(t.ifname, const char *) },
	XS_OPT_NETNS(struct mon_args, t.netns),
	{ .name = "port",
	  .short_name = 'p',
	  .type = XS_OPT_PORT,
	  .metavar = "N",
	  .help = "only segments from or to port N",
	  .off = M(port, uint16_t) },
	{ .name = "host",
	  .short_name = 'H',
	  .type = XS_OPT_CALL,
	  .metavar = "IP",
	  .set = set_host,
	  .help = "only segments from or to address IP (IPv4, or\nIPv6 as 2001:db8::1)" },
	{ .name = "count",
	  .short_name = 'c',
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .min = 1,
	  .max = UINT32_MAX,
	  .help = "stop after N frames",
	  .off = M(count, uint32_t) },
	{ .name = "pcap",
	  .short_name = 'w',
	  .type = XS_OPT_STRING,
	  .metavar = "FILE",
	  .help = "also write the frames to FILE (pcap, Ethernet),\nfor tcpdump -r or Wireshark",
	  .off = M(pcap_path, const char *) },
	{ .name = "snaplen",
	  .short_name = 's',
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .min = 64,
	  .max = XS_MON_SNAP_MAX,
	  .def = "128",
	  .help = "bytes kept of each frame; headers are always\nkept whole",
	  .off = M(snaplen, uint32_t) },
	XS_OPT_TC(
		struct mon_args, tc,
		"auto (tcx link if the kernel has it, else\nclsact), tcx, clsact"),
	{}
};
#undef M

static const struct xs_cmd mon_cmd = {
	.name = "monitor",
	.synopsis =
		"Usage: xdpshake monitor -i IFACE [--netns NS] [--port N] [--host IP]\n"
		"                        [--count N] [--json] [--pcap FILE] [--snaplen N]\n"
		"                        [--tc auto|tcx|clsact] [-v]\n",
	.desc = "Print every IPv4 and IPv6 TCP frame IFACE receives or sends, in the\n"
		"tutorial log format (IPv6 with its own field names: Traffic Class,\n"
		"Flow Label, Payload Length, Hop Limit, Next Header; the log format\n"
		"of the tutorial xdpshake grew out of: Python raw sockets), from TC\n"
		"programs on its ingress and egress hooks. The programs only watch:\n"
		"they never change what happens to a frame, and run beside a loaded\n"
		"xdpshake or alone on any Ethernet interface.\n"
		"Filters are applied in the kernel, before the copy.\n"
		"Stops on Ctrl-C (SIGINT/SIGTERM) or after --count frames, detaches\n"
		"everything, prints the counts (frames shown, frames lost because the\n"
		"ring buffer was full) on stderr, and exits 0.\n"
		"\n"
		"Where xdpshake runs on IFACE, the frames that never pass TC are shown\n"
		"too: the ones its XDP program redirects to its AF_XDP socket, and the\n"
		"ones it sends through that socket (with --json, \"path\" says which:\n"
		"\"tc\", \"xdp_redirect\" or \"afxdp_tx\"). One monitor per interface\n"
		"gets those; a second one sees only what passes TC.\n",
	.opts = mon_opts,
	.epilog =
		"With --json: one JSON object per frame (\"dir\": \"ingress\" or\n"
		"\"egress\", and \"path\"), then a summary object.\n"
		"\n"
		"Exit codes: 0 stopped normally, 1 usage error (unknown interface...),\n"
		"4 environment error (not root, BPF load/attach failed, interface gone),\n"
		"6 the frames could not be written (pcap file or standard output): the\n"
		"monitor stops at the first write error.\n",
};

/* For the man page and completion generators (doc.h). */
const struct xs_cmd *const xs_cmd_monitor = &mon_cmd;

/* -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv, struct mon_args *a)
{
	xs_opts_seen_t seen;
	int ret;

	ret = xs_opts_parse(&mon_cmd, argc, argv, a, &seen);
	if (ret >= 0)
		return ret;
	return xs_no_operands(argc, argv) ?: -1;
}

/*
 * The programs read an Ethernet header at offset 0.  An L3 device (tun,
 * WireGuard) has none; loopback has a zeroed one.
 */
static int check_link_type(const char *ifname)
{
	struct ifreq ifr = {};
	int fd, type;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return xs_err(XS_EXIT_ENV, "socket: %s", strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		close(fd);
		return xs_err(XS_EXIT_ENV,
			      "cannot read the link type of %s: %s", ifname,
			      strerror(errno));
	}
	close(fd);
	type = ifr.ifr_hwaddr.sa_family;
	if (type != ARPHRD_ETHER && type != ARPHRD_LOOPBACK)
		return xs_err(
			XS_EXIT_USAGE,
			"%s is not an Ethernet interface (link type %d): monitor reads Ethernet frames",
			ifname, type);
	return 0;
}

static int read_mon_stats(int fd, struct xs_mon_stats *st)
{
	int ncpu = libbpf_num_possible_cpus(), i, j;
	struct xs_mon_stats *percpu;
	__u32 key = 0;

	if (ncpu < 0)
		return ncpu;
	percpu = calloc(ncpu, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, percpu)) {
		free(percpu);
		return -errno;
	}
	memset(st, 0, sizeof(*st));
	for (i = 0; i < ncpu; i++)
		for (j = 0; j < XS_MON_STAT_MAX; j++)
			((__u64 *)st)[j] += ((__u64 *)&percpu[i])[j];
	free(percpu);
	return 0;
}

static int on_event(void *arg, void *data, size_t size)
{
	struct mon_ctx *c = arg;

	/* Records already in the ring when --count is reached are dropped
	 * unread: the count is exact. */
	if (c->a->count && c->out.shown >= c->a->count)
		return MON_STOP;
	xs_mon_show(&c->out, data, size);
	if (c->a->count && c->out.shown >= c->a->count) {
		c->done = true;
		return MON_STOP;
	}
	return 0;
}

/* Ring buffer events into the callback; -errno only for a real failure. */
static int consume(struct ring_buffer *rb, struct mon_ctx *c)
{
	int n = ring_buffer__consume(rb);

	if (n == MON_STOP || n >= 0)
		return 0;
	return n;
}

/* Frames that can no longer be recorded end the monitor (exit 6). */
static int flush_outputs(struct mon_ctx *c)
{
	int err = xs_pcap_flush(&c->out.pcap);

	if (err)
		return xs_err_write(
			-err, "monitor stopped: cannot write pcap file %s",
			c->a->pcap_path);
	errno = 0;
	if (fflush(stdout) || ferror(stdout))
		return xs_err_write(
			errno,
			"monitor stopped: cannot write the frames to standard output");
	return 0;
}

static void report_loss(const struct xs_mon_stats *st, __u64 *reported)
{
	__u64 lost = st->ringbuf_full + st->copy_failed;

	if (lost <= *reported)
		return;
	xs_warn("%llu frame%s lost so far (ring buffer full %llu, copy failed %llu)",
		(unsigned long long)lost, lost == 1 ? "" : "s",
		(unsigned long long)st->ringbuf_full,
		(unsigned long long)st->copy_failed);
	*reported = lost;
}

/* Poll the ring buffer and the signalfd until a signal, --count or error. */
static int run_loop(struct ring_buffer *rb, int sigfd, int stats_fd,
		    struct mon_ctx *c)
{
	struct pollfd pfd[2] = {
		{ .fd = ring_buffer__epoll_fd(rb), .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
	};
	struct signalfd_siginfo si;
	struct xs_mon_stats st;
	__u64 reported = 0;
	int64_t next_tick = 0, now;
	char name[IF_NAMESIZE];
	int n, err;

	while (!c->done) {
		n = poll(pfd, 2, MON_TICK_MS);
		if (n < 0 && errno != EINTR)
			return xs_err(XS_EXIT_ENV, "poll: %s", strerror(errno));
		if (n > 0 && (pfd[1].revents & POLLIN) &&
		    read(sigfd, &si, sizeof(si)) == sizeof(si)) {
			/* Show what is already in the ring, then stop. */
			c->done = true;
		}
		err = consume(rb, c);
		if (err)
			return xs_err(XS_EXIT_ENV,
				      "reading the ring buffer: %s",
				      strerror(-err));
		err = flush_outputs(c);
		if (err)
			return err;
		/* Once a tick, however busy the ring is. */
		now = xs_mono_ms();
		if (now < next_tick)
			continue;
		next_tick = now + MON_TICK_MS;
		if (!read_mon_stats(stats_fd, &st))
			report_loss(&st, &reported);
		/* xdpshake may have come, gone or been replaced. */
		if (!c->done && xs_montap_watch_update(&c->watch))
			xs_mon_report_hook(&c->watch, c->a->t.ifname, xs_json);
		if (!c->done && !if_indextoname(c->a->t.iface.ifindex, name))
			return xs_err(XS_EXIT_ENV,
				      "%s is gone (deleted or moved): stopping",
				      c->a->t.ifname);
	}
	return 0;
}

/* Kernel ids of what we attached, for bpftool. */
struct mon_ids {
	__u32 prog[2]; /* ingress, egress */
	__u32 link[2]; /* tcx links; 0 for clsact */
};

static __u32 obj_id(int fd, bool link)
{
	struct bpf_prog_info pi = {};
	struct bpf_link_info li = {};
	__u32 len;

	if (fd < 0)
		return 0;
	len = link ? sizeof(li) : sizeof(pi);
	if (bpf_obj_get_info_by_fd(fd, link ? (void *)&li : (void *)&pi, &len))
		return 0;
	return link ? li.id : pi.id;
}

static bool mon_has_host(const struct mon_args *a)
{
	return !xs_addr_is_zero(&a->host);
}

/* The "attached" event: what the monitor runs on and what it filters. */
static void json_attached(const struct mon_ctx *c, bool tcx,
			  const struct mon_ids *id)
{
	const struct mon_args *a = c->a;
	struct xs_jw w;
	char host[XS_ADDR_STRLEN];

	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "attached");
	xs_jw_string_field(&w, "ifname", a->t.ifname);
	xs_jw_int_field(&w, "ifindex", a->t.iface.ifindex);
	xs_jw_string_field(&w, "netns", a->t.netns);
	xs_jw_string_field(&w, "method", tcx ? "tcx" : "clsact");
	xs_jw_array_field(&w, "prog_ids");
	xs_jw_uint(&w, id->prog[0]);
	xs_jw_uint(&w, id->prog[1]);
	xs_jw_end_array(&w);
	xs_jw_array_field(&w, "link_ids");
	xs_jw_uint(&w, id->link[0]);
	xs_jw_uint(&w, id->link[1]);
	xs_jw_end_array(&w);
	xs_jw_uint_field(&w, "port", a->port);
	/* No --host: null, as "netns" is without --netns. */
	if (mon_has_host(a))
		xs_addr_fmt(&a->host, host);
	xs_jw_string_field(&w, "host", mon_has_host(a) ? host : NULL);
	xs_jw_uint_field(&w, "snaplen", a->snaplen);
	xs_jw_string_field(&w, "xdp_hook", xs_mon_hook_str(c->watch.state));
	xs_jw_uint_field(&w, "xdp_prog_id", c->watch.xdp_prog);
	xs_jw_end_object(&w);
	fflush(stdout);
}

static void print_attached(const struct mon_ctx *c, bool tcx,
			   const struct mon_ids *id)
{
	const struct mon_args *a = c->a;
	char host[XS_ADDR_STRLEN] = "any", port[12] = "any";

	if (mon_has_host(a))
		xs_addr_fmt(&a->host, host);
	if (a->port)
		snprintf(port, sizeof(port), "%u", a->port);
	fprintf(stderr,
		"xdpshake monitor: attached to %s%s%s (ingress prog %u, egress prog %u, %s",
		a->t.ifname, a->t.netns ? " in netns " : "",
		a->t.netns ? a->t.netns : "", id->prog[0], id->prog[1],
		tcx ? "tcx links" : "clsact");
	if (tcx)
		fprintf(stderr, " %u %u", id->link[0], id->link[1]);
	fprintf(stderr, "), port %s, host %s, snaplen %u; Ctrl-C stops\n", port,
		host, a->snaplen);
	if (xs_json)
		json_attached(c, tcx, id);
	xs_mon_report_hook(&c->watch, a->t.ifname, false);
}

static int attach_err(int err, const struct mon_args *a, bool egress)
{
	const char *hook = egress ? "egress" : "ingress";

	if (err == -EEXIST)
		return xs_err(
			XS_EXIT_USAGE,
			"a monitor filter is already on %s %s (another monitor, or a stale one: tc filter del dev %s %s pref %u handle 0x%x bpf)",
			a->t.ifname, hook, a->t.ifname, hook, XS_MON_TC_PRIO,
			XS_MON_TC_HANDLE);
	if (err == -EPERM)
		return xs_err_perm("attach to %s %s", a->t.ifname, hook);
	return xs_err(
		XS_EXIT_ENV,
		"attaching to %s %s failed: %s%s (run with -v for libbpf's log)",
		a->t.ifname, hook, strerror(-err),
		a->tc == XS_TC_TCX ? "; --tc clsact may work" : "");
}

/* What a run holds, taken down in reverse order by mon_close(). */
struct mon_run {
	struct monitor_bpf *skel;
	struct ring_buffer *rb;
	struct xs_tc_link in, out;
	struct xs_montap_mon mon;
	int sigfd;
};

/*
 * Signals are blocked from before the first attachment, so Ctrl-C at any
 * point ends in the cleanup (a clsact filter would outlive a killed
 * process).  A closed output pipe is an error to report, not a reason to
 * die attached.
 */
static int mon_signals(struct mon_run *r)
{
	sigset_t set;

	sigemptyset(&set);
	/*
	 * A shell starts background jobs with SIGINT ignored, and an ignored
	 * signal never reaches a signalfd: take the default back (it never
	 * runs, the signal is blocked) so Ctrl-C or kill -INT always stops
	 * the monitor cleanly.  SIGHUP is left as it is, so that nohup
	 * still keeps a monitor running after its terminal is gone.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return xs_err(XS_EXIT_ENV, "sigprocmask: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	r->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r->sigfd < 0)
		return xs_err(XS_EXIT_ENV, "signalfd: %s", strerror(errno));
	return 0;
}

static int mon_pcap_open(struct mon_ctx *c)
{
	const struct mon_args *a = c->a;
	char perr[XS_PCAP_ERRLEN];

	if (!a->pcap_path)
		return 0;
	/* Headers are kept whole even past the snap length: the file
	 * announces the longest capture it may hold. */
	if (xs_pcap_open(&c->out.pcap, a->pcap_path,
			 a->snaplen > XS_MON_HDR_MAX ? a->snaplen :
						       XS_MON_HDR_MAX,
			 perr, sizeof(perr)))
		return xs_err(XS_EXIT_USAGE, "cannot write %s: %s",
			      a->pcap_path, perr);
	return 0;
}

/* The BPF object loaded with the filters, published, and its reader. */
static int mon_load(struct mon_run *r, struct mon_ctx *c)
{
	const struct mon_args *a = c->a;
	struct monitor_bpf *skel;
	int err;

	skel = r->skel = monitor_bpf__open();
	if (!skel)
		return xs_err(XS_EXIT_ENV,
			      "opening the monitor's BPF object: %s",
			      strerror(errno));
	skel->rodata->mon_port = a->port;
	memcpy(skel->rodata->mon_host, a->host.b, sizeof(a->host.b));
	skel->rodata->mon_host_set = mon_has_host(a);
	skel->rodata->mon_snaplen = a->snaplen;
	skel->rodata->mon_ifindex = a->t.iface.ifindex;
	err = monitor_bpf__load(skel);
	if (err)
		return err == -EPERM ?
			       xs_err_perm("load the monitor") :
			       xs_err(XS_EXIT_ENV,
				      "loading the monitor's BPF programs failed: %s (run with -v for libbpf's log)",
				      strerror(-err));
	/*
	 * What xdpshake needs to plug us in, published before the programs
	 * are on the interface where a sender looks for them.
	 */
	err = xs_montap_publish(bpf_map__fd(skel->maps.xs_mon_info),
				bpf_program__fd(skel->progs.xs_mon_ingress),
				bpf_program__fd(skel->progs.xs_mon_redirect),
				bpf_program__fd(skel->progs.xs_mon_afxdp_tx),
				bpf_program__fd(skel->progs.xs_mon_xdp_tx),
				&r->mon);
	if (err)
		return xs_err(XS_EXIT_ENV,
			      "publishing the monitor's programs: %s",
			      strerror(-err));
	/* The reader exists before the first frame can arrive. */
	c->out.f = stdout;
	c->out.json = xs_json;
	c->out.clock_off = xs_mon_clock_offset();
	r->rb = ring_buffer__new(bpf_map__fd(skel->maps.xs_mon_rb), on_event, c,
				 NULL);
	if (!r->rb)
		return xs_err(XS_EXIT_ENV, "ring buffer: %s", strerror(errno));
	return 0;
}

/* Both TC hooks, xdpshake's frames plugged in, and the "attached" line. */
static int mon_attach(struct mon_run *r, struct mon_ctx *c)
{
	const struct mon_args *a = c->a;
	struct monitor_bpf *skel = r->skel;
	struct mon_ids ids = {};
	int err;

	err = xs_tc_attach_prog(bpf_program__fd(skel->progs.xs_mon_ingress),
				a->t.iface.ifindex, false, a->tc,
				XS_MON_TC_HANDLE, XS_MON_TC_PRIO, &r->in);
	if (err)
		return attach_err(err, a, false);
	/* Both hooks the same way: no tcx on one and clsact on the other. */
	err = xs_tc_attach_prog(bpf_program__fd(skel->progs.xs_mon_egress),
				a->t.iface.ifindex, true,
				r->in.clsact ? XS_TC_CLSACT : XS_TC_TCX,
				XS_MON_TC_HANDLE, XS_MON_TC_PRIO, &r->out);
	if (err)
		return attach_err(err, a, true);
	ids.prog[0] =
		obj_id(bpf_program__fd(skel->progs.xs_mon_ingress), false);
	ids.prog[1] = obj_id(bpf_program__fd(skel->progs.xs_mon_egress), false);
	ids.link[0] = obj_id(r->in.link_fd, true);
	ids.link[1] = obj_id(r->out.link_fd, true);
	/* xdpshake's frames: plug into its XDP program if it is here. */
	xs_montap_watch_init(&c->watch, a->t.iface.ifindex, &r->mon);
	xs_montap_watch_update(&c->watch);
	print_attached(c, !r->in.clsact, &ids);
	return 0;
}

/* After the loop: unplug and detach first, so the counters are final. */
static void mon_end(struct mon_run *r, struct mon_ctx *c, int ret)
{
	struct xs_mon_stats st = {};
	bool have_stats;

	xs_montap_watch_stop(&c->watch);
	xs_tc_detach_prog(&r->out);
	xs_tc_detach_prog(&r->in);
	have_stats =
		!read_mon_stats(bpf_map__fd(r->skel->maps.xs_mon_stats), &st);
	if (!ret || ret == XS_EXIT_ENV || ret == XS_EXIT_WRITE)
		xs_mon_summary(&c->out, &st, have_stats, xs_json);
	if (st.ringbuf_full || st.copy_failed)
		xs_warn("%llu %s lost (ring buffer full %llu, copy failed %llu): narrow the filters with --port/--host",
			(unsigned long long)(st.ringbuf_full + st.copy_failed),
			xs_plural(st.ringbuf_full + st.copy_failed, "frame was",
				  "frames were"),
			(unsigned long long)st.ringbuf_full,
			(unsigned long long)st.copy_failed);
}

/* Reverse order of setup; detaching twice is harmless. */
static int mon_close(struct mon_run *r, struct mon_ctx *c, int ret)
{
	int err;

	xs_montap_watch_stop(&c->watch);
	xs_tc_detach_prog(&r->out);
	xs_tc_detach_prog(&r->in);
	ring_buffer__free(r->rb);
	monitor_bpf__destroy(r->skel);
	err = xs_pcap_close(&c->out.pcap);
	if (err && !ret)
		ret = xs_err_write(-err, "cannot write pcap file %s",
				   c->a->pcap_path);
	if (r->sigfd >= 0)
		close(r->sigfd);
	return ret;
}

int do_monitor(int argc, char **argv)
{
	struct mon_args a = {};
	struct mon_ctx c = { .a = &a };
	struct mon_run r = { .in = { .link_fd = -1 },
			     .out = { .link_fd = -1 },
			     .sigfd = -1 };
	int ret;

	/* Nothing plugged in yet: the cleanup below may run from here on. */
	xs_montap_watch_init(&c.watch, 0, &r.mon);
	ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	ret = xs_check_env(XS_CAPS_LOAD);
	if (!ret)
		ret = xs_target_open(&a.t);
	if (!ret)
		ret = check_link_type(a.t.ifname);
	if (!ret)
		ret = mon_signals(&r);
	if (ret) {
		if (r.sigfd >= 0)
			close(r.sigfd);
		return ret;
	}
	ret = mon_pcap_open(&c);
	if (!ret)
		ret = mon_load(&r, &c);
	if (!ret)
		ret = mon_attach(&r, &c);
	if (!ret) {
		ret = run_loop(r.rb, r.sigfd,
			       bpf_map__fd(r.skel->maps.xs_mon_stats), &c);
		mon_end(&r, &c, ret);
	}
	return mon_close(&r, &c, ret);
}
