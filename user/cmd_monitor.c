/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake monitor: the tutorial's router sniffer.
 *
 * TC programs on the interface's ingress and egress hooks copy every IPv4
 * TCP frame that passes the filters into a ring buffer; this loop prints
 * each in the seed's log format (or as JSON) and can write a pcap file.
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
#include <getopt.h>
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

#include "clock.h"
#include "cli.h"
#include "commands.h"
#include "loader.h"
#include "logfmt.h"
#include "monitor.h"
#include "monitor.skel.h"
#include "montap.h"
#include "output.h"

/* The usage text says so. */
_Static_assert(XS_MON_SNAP_MAX == 256 && XS_MON_SNAP_DEFAULT == 128,
	       "update --snaplen in the usage text");

/* How often the loop looks at the loss counters and the interface. */
#define MON_TICK_MS 1000

/* Returned by the ring buffer callback to end the consume call early. */
#define MON_STOP (-ECANCELED)

static const char monitor_usage[] =
	"Usage: xdpshake monitor -i IFACE [--netns NS] [--port N] [--host IP]\n"
	"                        [--count N] [--json] [--pcap FILE] [--snaplen N]\n"
	"                        [--tc auto|tcx|clsact] [-v]\n"
	"\n"
	"Print every IPv4 TCP frame IFACE receives or sends, in the seed\n"
	"tutorial's sniffer format, from TC programs on its ingress and egress\n"
	"hooks. The programs only watch: they never change what happens to a\n"
	"frame, and run beside a loaded xdpshake or alone on any Ethernet\n"
	"interface. Filters are applied in the kernel, before the copy.\n"
	"Stops on Ctrl-C (SIGINT/SIGTERM) or after --count frames, detaches\n"
	"everything, prints the counts (frames shown, frames lost because the\n"
	"ring buffer was full) on stderr, and exits 0.\n"
	"\n"
	"Where xdpshake runs on IFACE, the frames that never pass TC are shown\n"
	"too: the ones its XDP program redirects to its AF_XDP socket, and the\n"
	"ones it sends through that socket (with --json, \"path\" says which:\n"
	"\"tc\", \"xdp_redirect\" or \"afxdp_tx\"). One monitor per interface\n"
	"gets those; a second one sees only what passes TC.\n"
	"\n"
	"  -i, --interface IFACE  interface to watch\n"
	"  -n, --netns NS         network namespace: a name in /var/run/netns or a\n"
	"                         path such as /proc/PID/ns/net\n"
	"  -p, --port N           only segments from or to port N\n"
	"  -H, --host IP          only segments from or to IPv4 address IP\n"
	"  -c, --count N          stop after N frames\n"
	"  -j, --json             one JSON object per frame (\"dir\": \"ingress\" or\n"
	"                         \"egress\", and \"path\"), then a summary object\n"
	"  -w, --pcap FILE        also write the frames to FILE (pcap, Ethernet),\n"
	"                         for tcpdump -r or Wireshark\n"
	"  -s, --snaplen N        bytes kept of each frame, 64-256 (default 128);\n"
	"                         headers are always kept whole\n"
	"      --tc METHOD        auto (tcx link if the kernel has it, else\n"
	"                         clsact), tcx, clsact\n"
	"  -v, --verbose          show libbpf's log\n"
	"\n"
	"Exit codes: 0 stopped normally, 1 usage error (unknown interface...),\n"
	"4 environment error (not root, BPF load/attach failed, interface gone),\n"
	"6 the frames could not be written (pcap file or standard output): the\n"
	"monitor stops at the first write error.\n";

struct mon_args {
	struct xs_target t;
	uint32_t port; /* 0 = any */
	uint32_t host; /* network order, 0 = any */
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

static int parse_args(int argc, char **argv, struct mon_args *a)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "netns", required_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'p' },
		{ "host", required_argument, NULL, 'H' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "pcap", required_argument, NULL, 'w' },
		{ "snaplen", required_argument, NULL, 's' },
		{ "tc", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, ret;

	a->snaplen = XS_MON_SNAP_DEFAULT;
	a->tc = XS_TC_AUTO;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:p:H:c:jw:s:vh", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'i':
			a->t.ifname = optarg;
			break;
		case 'n':
			a->t.netns = optarg;
			break;
		case 'p':
			if (xs_parse_u32(optarg, 1, 65535, &a->port))
				return xs_err(
					XS_EXIT_USAGE,
					"--port takes a port 1-65535, not '%s'",
					optarg);
			break;
		case 'H':
			if (xs_parse_ipv4(optarg, &a->host) || !a->host)
				return xs_err(
					XS_EXIT_USAGE,
					"--host takes an IPv4 address other than 0.0.0.0, not '%s'",
					optarg);
			break;
		case 'c':
			if (xs_parse_u32(optarg, 1, UINT32_MAX, &a->count))
				return xs_err(
					XS_EXIT_USAGE,
					"--count takes a number >= 1, not '%s'",
					optarg);
			break;
		case 'w':
			if (!*optarg)
				return xs_err(XS_EXIT_USAGE,
					      "--pcap takes a file name");
			a->pcap_path = optarg;
			break;
		case 's':
			if (xs_parse_u32(optarg, 64, XS_MON_SNAP_MAX,
					 &a->snaplen))
				return xs_err(XS_EXIT_USAGE,
					      "--snaplen takes 64-%u, not '%s'",
					      XS_MON_SNAP_MAX, optarg);
			break;
		case 't':
			if (xs_parse_tc_method(optarg, &a->tc))
				return xs_err(
					XS_EXIT_USAGE,
					"--tc takes auto, tcx or clsact, not '%s'",
					optarg);
			break;
		default:
			ret = xs_common_opt(c, monitor_usage);
			if (ret >= 0)
				return ret == XS_EXIT_OK ? -1 : ret;
		}
	}
	return xs_no_operands(argc, argv);
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

static void print_attached(const struct mon_ctx *c, bool tcx,
			   const struct mon_ids *id)
{
	const struct mon_args *a = c->a;
	char host[16] = "any", port[12] = "any";

	if (a->host)
		xs_fmt_ipv4(a->host, host);
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
	if (xs_json) {
		printf("{\"event\":\"attached\",\"ifname\":");
		xs_json_str(stdout, a->t.ifname);
		printf(",\"ifindex\":%d,\"netns\":", a->t.iface.ifindex);
		xs_json_str(stdout, a->t.netns);
		printf(",\"method\":\"%s\",\"prog_ids\":[%u,%u],"
		       "\"link_ids\":[%u,%u],\"port\":%u,\"host\":\"%s\","
		       "\"snaplen\":%u,\"xdp_hook\":\"%s\",\"xdp_prog_id\":%u}\n",
		       tcx ? "tcx" : "clsact", id->prog[0], id->prog[1],
		       id->link[0], id->link[1], a->port, a->host ? host : "",
		       a->snaplen, xs_mon_hook_str(c->watch.state),
		       c->watch.xdp_prog);
		fflush(stdout);
	}
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
		return xs_err(
			XS_EXIT_ENV,
			"the kernel refused to attach to %s %s (EPERM): run as root",
			a->t.ifname, hook);
	return xs_err(
		XS_EXIT_ENV,
		"attaching to %s %s failed: %s%s (run with -v for libbpf's log)",
		a->t.ifname, hook, strerror(-err),
		a->tc == XS_TC_TCX ? "; --tc clsact may work" : "");
}

int do_monitor(int argc, char **argv)
{
	struct mon_args a = {};
	struct mon_ctx c = { .a = &a };
	struct xs_tc_link in = { .link_fd = -1 }, out = { .link_fd = -1 };
	struct xs_mon_stats st = {};
	struct xs_montap_mon mon = {};
	struct mon_ids ids = {};
	struct ring_buffer *rb = NULL;
	struct monitor_bpf *skel = NULL;
	char perr[XS_PCAP_ERRLEN];
	bool have_stats;
	sigset_t set;
	int err, ret, sigfd = -1;

	/* Nothing plugged in yet: the cleanup below may run from here on. */
	xs_montap_watch_init(&c.watch, 0, &mon);
	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret < 0 ? XS_EXIT_OK : ret;
	ret = xs_check_env();
	if (ret)
		return ret;
	ret = xs_target_open(&a.t);
	if (ret)
		return ret;
	ret = check_link_type(a.t.ifname);
	if (ret)
		return ret;

	/*
	 * Signals are blocked from before the first attachment, so Ctrl-C at
	 * any point ends in the cleanup below (a clsact filter would outlive
	 * a killed process).  A closed output pipe is an error to report,
	 * not a reason to die attached.
	 */
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
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0)
		return xs_err(XS_EXIT_ENV, "signalfd: %s", strerror(errno));

	if (a.pcap_path) {
		/* Headers are kept whole even past the snap length: the file
		 * announces the longest capture it may hold. */
		err = xs_pcap_open(&c.out.pcap, a.pcap_path,
				   a.snaplen > XS_MON_HDR_MAX ? a.snaplen :
								XS_MON_HDR_MAX,
				   perr, sizeof(perr));
		if (err) {
			ret = xs_err(XS_EXIT_USAGE, "cannot write %s: %s",
				     a.pcap_path, perr);
			goto out;
		}
	}

	skel = monitor_bpf__open();
	if (!skel) {
		ret = xs_err(XS_EXIT_ENV,
			     "opening the monitor's BPF object: %s",
			     strerror(errno));
		goto out;
	}
	skel->rodata->mon_port = a.port;
	skel->rodata->mon_host = a.host;
	skel->rodata->mon_snaplen = a.snaplen;
	skel->rodata->mon_ifindex = a.t.iface.ifindex;
	err = monitor_bpf__load(skel);
	if (err) {
		ret = err == -EPERM ?
			      xs_err(XS_EXIT_ENV,
				     "the kernel refused to load the monitor (EPERM): run as root, check lockdown") :
			      xs_err(XS_EXIT_ENV,
				     "loading the monitor's BPF programs failed: %s (run with -v for libbpf's log)",
				     strerror(-err));
		goto out;
	}
	/*
	 * What xdpshake needs to plug us in, published before the programs
	 * are on the interface where a sender looks for them.
	 */
	err = xs_montap_publish(bpf_map__fd(skel->maps.xs_mon_info),
				bpf_program__fd(skel->progs.xs_mon_ingress),
				bpf_program__fd(skel->progs.xs_mon_redirect),
				bpf_program__fd(skel->progs.xs_mon_afxdp_tx),
				&mon);
	if (err) {
		ret = xs_err(XS_EXIT_ENV,
			     "publishing the monitor's programs: %s",
			     strerror(-err));
		goto out;
	}
	/* The reader exists before the first frame can arrive. */
	c.out.f = stdout;
	c.out.json = xs_json;
	c.out.clock_off = xs_mon_clock_offset();
	rb = ring_buffer__new(bpf_map__fd(skel->maps.xs_mon_rb), on_event, &c,
			      NULL);
	if (!rb) {
		ret = xs_err(XS_EXIT_ENV, "ring buffer: %s", strerror(errno));
		goto out;
	}

	err = xs_tc_attach_prog(bpf_program__fd(skel->progs.xs_mon_ingress),
				a.t.iface.ifindex, false, a.tc,
				XS_MON_TC_HANDLE, XS_MON_TC_PRIO, &in);
	if (err) {
		ret = attach_err(err, &a, false);
		goto out;
	}
	/* Both hooks the same way: no tcx on one and clsact on the other. */
	err = xs_tc_attach_prog(bpf_program__fd(skel->progs.xs_mon_egress),
				a.t.iface.ifindex, true,
				in.clsact ? XS_TC_CLSACT : XS_TC_TCX,
				XS_MON_TC_HANDLE, XS_MON_TC_PRIO, &out);
	if (err) {
		ret = attach_err(err, &a, true);
		goto out;
	}
	ids.prog[0] =
		obj_id(bpf_program__fd(skel->progs.xs_mon_ingress), false);
	ids.prog[1] = obj_id(bpf_program__fd(skel->progs.xs_mon_egress), false);
	ids.link[0] = obj_id(in.link_fd, true);
	ids.link[1] = obj_id(out.link_fd, true);
	/* xdpshake's frames: plug into its XDP program if it is here. */
	xs_montap_watch_init(&c.watch, a.t.iface.ifindex, &mon);
	xs_montap_watch_update(&c.watch);
	print_attached(&c, !in.clsact, &ids);

	ret = run_loop(rb, sigfd, bpf_map__fd(skel->maps.xs_mon_stats), &c);

	/* Unplug and detach first, so the counters read below are final. */
	xs_montap_watch_stop(&c.watch);
	xs_tc_detach_prog(&out);
	xs_tc_detach_prog(&in);
	have_stats = !read_mon_stats(bpf_map__fd(skel->maps.xs_mon_stats), &st);
	if (!ret || ret == XS_EXIT_ENV || ret == XS_EXIT_WRITE)
		xs_mon_summary(&c.out, &st, have_stats, xs_json);
	if (st.ringbuf_full || st.copy_failed)
		xs_warn("%llu %s lost (ring buffer full %llu, copy failed %llu): narrow the filters with --port/--host",
			(unsigned long long)(st.ringbuf_full + st.copy_failed),
			xs_plural(st.ringbuf_full + st.copy_failed, "frame was",
				  "frames were"),
			(unsigned long long)st.ringbuf_full,
			(unsigned long long)st.copy_failed);
out:
	/* Reverse order of setup; detaching twice is harmless. */
	xs_montap_watch_stop(&c.watch);
	xs_tc_detach_prog(&out);
	xs_tc_detach_prog(&in);
	ring_buffer__free(rb);
	monitor_bpf__destroy(skel);
	err = xs_pcap_close(&c.out.pcap);
	if (err && !ret)
		ret = xs_err_write(-err, "cannot write pcap file %s",
				   a.pcap_path);
	if (sigfd >= 0)
		close(sigfd);
	return ret;
}
