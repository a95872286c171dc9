// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * responder: load build/bench/responder.bpf.o, attach one of its programs
 * to an interface of the current network namespace (run it under
 * `ip netns exec`), and report its per-CPU counters as JSON.
 *
 *   responder -i IF --port N [--addr IP]
 *             --count-only | --pass | --tc-synack | --sink | --reflect
 *             [--obj FILE] [--ready FILE] [--timeout S] [-v]
 *
 * --count-only attaches the XDP SYN counter (every frame passed).  --pass
 * attaches the XDP program that only passes frames (for a kernel client's
 * veth, so that it receives the XDP_TX frames of `xdpshake listen`).
 * --tc-synack attaches the TC egress SYN-ACK counter.  --sink and
 * --reflect attach the ceiling phase's programs: drop (and count) every
 * TCP frame to --port, or send it back by XDP_TX with its MACs swapped.
 *
 * XDP programs are attached through a bpf_link, so they go away with this
 * process whatever happens to it.  The TC program is a tc filter, removed
 * at exit with the clsact qdisc if we created it; if this process is
 * killed it stays until the namespace goes (the benchmark's always does).
 * SIGUSR1 prints the counters so far (one JSON line); SIGINT or SIGTERM
 * print them a last time, detach and exit.
 *
 * Exit status: 0 done, 1 usage error, 2 load or attach failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bench/responder.h"
#include "benchlib.h"
#include "json.h"

enum resp_prog {
	RESP_PROG_NONE, /* none chosen: a usage error */
	RESP_PROG_XDP, /* resp_xdp: the SYN counter */
	RESP_PROG_PASS, /* resp_pass */
	RESP_PROG_TC, /* resp_tc_synack */
	RESP_PROG_SINK, /* resp_sink */
	RESP_PROG_REFLECT, /* resp_reflect */
};

static const char *const resp_prog_names[] = {
	[RESP_PROG_XDP] = "resp_xdp",	      [RESP_PROG_PASS] = "resp_pass",
	[RESP_PROG_TC] = "resp_tc_synack",    [RESP_PROG_SINK] = "resp_sink",
	[RESP_PROG_REFLECT] = "resp_reflect",
};

struct resp_opts {
	const char *ifname;
	const char *obj;
	const char *ready;
	struct resp_cfg cfg;
	enum resp_prog prog;
	bool verbose;
	long timeout_s;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: responder -i IF --port N [--addr IP]\n"
		"                 --count-only | --pass | --tc-synack | --sink | --reflect\n"
		"                 [--obj FILE] [--ready FILE] [--timeout S] [-v]\n"
		"  -i, --interface IF  interface to attach to (this netns)\n"
		"      --port N        TCP port counted\n"
		"      --addr IP       address counted (default: any)\n"
		"      --count-only    count SYN/RST/others to the port, pass all\n"
		"      --pass          attach the pass-everything program\n"
		"      --tc-synack     count the SYN-ACKs sent from --port (TC egress)\n"
		"      --sink          count and drop every TCP frame to --port\n"
		"      --reflect       send every TCP frame to --port back (XDP_TX)\n"
		"      --obj FILE      BPF object (default: responder.bpf.o beside\n"
		"                      this program)\n"
		"      --ready FILE    create FILE once attached\n"
		"      --timeout S     detach and exit after S s (default 600)\n"
		"  -v, --verbose       libbpf's log\n"
		"SIGUSR1 prints the counters; SIGINT/SIGTERM print them and exit.\n");
}

static bool verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	if (level == LIBBPF_INFO && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int parse_args(int argc, char **argv, struct resp_opts *o)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "port", required_argument, NULL, 'p' },
		{ "addr", required_argument, NULL, 'a' },
		{ "count-only", no_argument, NULL, 'c' },
		{ "pass", no_argument, NULL, 'P' },
		{ "tc-synack", no_argument, NULL, 'T' },
		{ "sink", no_argument, NULL, 'S' },
		{ "reflect", no_argument, NULL, 'R' },
		{ "obj", required_argument, NULL, 'o' },
		{ "ready", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct in_addr a;
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_s = 600;

	while ((c = getopt_long(argc, argv, "i:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'p':
			if (parse_num(optarg, 1, 65535, &v))
				goto bad;
			o->cfg.port = htons(v);
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				goto bad;
			o->cfg.addr = a.s_addr;
			break;
		case 'c':
			o->prog = RESP_PROG_XDP;
			break;
		case 'P':
			o->prog = RESP_PROG_PASS;
			break;
		case 'T':
			o->prog = RESP_PROG_TC;
			break;
		case 'S':
			o->prog = RESP_PROG_SINK;
			break;
		case 'R':
			o->prog = RESP_PROG_REFLECT;
			break;
		case 'o':
			o->obj = optarg;
			break;
		case 'r':
			o->ready = optarg;
			break;
		case 't':
			if (parse_num(optarg, 1, 86400, &v))
				goto bad;
			o->timeout_s = v;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !o->ifname || o->prog == RESP_PROG_NONE ||
	    (o->prog != RESP_PROG_PASS && !o->cfg.port)) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "responder: bad value: %s\n", optarg);
	return -1;
}

/* responder.bpf.o in the folder this program runs from. */
static int default_obj(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	if (snprintf(buf, len, "%s/responder.bpf.o", dirname(exe)) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Write cfg into the object's .rodata before load, at the offset BTF gives
 * for the variable `cfg` (there is no skeleton for bench programs).
 */
static int set_rodata_cfg(struct bpf_object *obj, const struct resp_cfg *cfg)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *var;
	struct bpf_map *map;
	const void *init;
	struct btf *btf;
	char *data;
	size_t size;
	int id, i, err;

	btf = bpf_object__btf(obj);
	map = bpf_object__find_map_by_name(obj, ".rodata");
	if (!btf || !map)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return id;
	sec = btf__type_by_id(btf, id);
	init = bpf_map__initial_value(map, &size);
	if (!init)
		return -ENOENT;
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		var = btf__type_by_id(btf, vs->type);
		if (strcmp(btf__name_by_offset(btf, var->name_off), "cfg"))
			continue;
		if (vs->size != sizeof(*cfg) || vs->offset + vs->size > size)
			return -EINVAL;
		data = malloc(size);
		if (!data)
			return -ENOMEM;
		memcpy(data, init, size);
		memcpy(data + vs->offset, cfg, sizeof(*cfg));
		err = bpf_map__set_initial_value(map, data, size);
		free(data);
		return err;
	}
	return -ENOENT;
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Sum the counters over CPUs, earliest first_* and latest last_*. */
static int read_stats(int map_fd, int ncpus, struct resp_stats *out)
{
	struct resp_stats *v;
	__u32 key = 0;
	int cpu, i;

	v = calloc(ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &key, v)) {
		free(v);
		return -errno;
	}
	memset(out, 0, sizeof(*out));
	for (cpu = 0; cpu < ncpus; cpu++) {
		__u64 *src = (__u64 *)&v[cpu], *dst = (__u64 *)out;

		for (i = 0; i < RESP_STAT_MAX; i++)
			dst[i] += src[i];
		if (v[cpu].first_syn_ns &&
		    (!out->first_syn_ns ||
		     v[cpu].first_syn_ns < out->first_syn_ns))
			out->first_syn_ns = v[cpu].first_syn_ns;
		if (v[cpu].last_syn_ns > out->last_syn_ns)
			out->last_syn_ns = v[cpu].last_syn_ns;
		if (v[cpu].last_rst_ns > out->last_rst_ns)
			out->last_rst_ns = v[cpu].last_rst_ns;
		if (v[cpu].first_synack_ns &&
		    (!out->first_synack_ns ||
		     v[cpu].first_synack_ns < out->first_synack_ns))
			out->first_synack_ns = v[cpu].first_synack_ns;
		if (v[cpu].last_synack_ns > out->last_synack_ns)
			out->last_synack_ns = v[cpu].last_synack_ns;
		if (v[cpu].first_frame_ns &&
		    (!out->first_frame_ns ||
		     v[cpu].first_frame_ns < out->first_frame_ns))
			out->first_frame_ns = v[cpu].first_frame_ns;
		if (v[cpu].last_frame_ns > out->last_frame_ns)
			out->last_frame_ns = v[cpu].last_frame_ns;
	}
	free(v);
	return 0;
}

/* One JSON line, through xdpshake's writer (user/core/json.c). */
static void print_stats(const char *event, int map_fd, int ncpus)
{
	struct resp_stats s = {};
	struct xs_jw w;
	int err;

	err = read_stats(map_fd, ncpus, &s);
	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	if (err) {
		xs_jw_string_field(&w, "event", "error");
		xs_jw_string_field(&w, "error", strerror(-err));
		xs_jw_end_object(&w);
		return;
	}
	xs_jw_string_field(&w, "event", event);
	xs_jw_uint_field(&w, "now_ns", mono_ns());
	xs_jw_uint_field(&w, "frames", s.frames);
	xs_jw_uint_field(&w, "syn", s.syn);
	xs_jw_uint_field(&w, "synack_tx", s.synack_tx);
	xs_jw_uint_field(&w, "rst", s.rst);
	xs_jw_uint_field(&w, "other", s.other);
	xs_jw_uint_field(&w, "pass", s.pass);
	xs_jw_uint_field(&w, "malformed", s.malformed);
	xs_jw_uint_field(&w, "sunk", s.sunk);
	xs_jw_uint_field(&w, "reflected", s.reflected);
	xs_jw_uint_field(&w, "first_syn_ns", s.first_syn_ns);
	xs_jw_uint_field(&w, "last_syn_ns", s.last_syn_ns);
	xs_jw_uint_field(&w, "last_rst_ns", s.last_rst_ns);
	xs_jw_uint_field(&w, "first_synack_ns", s.first_synack_ns);
	xs_jw_uint_field(&w, "last_synack_ns", s.last_synack_ns);
	xs_jw_uint_field(&w, "first_frame_ns", s.first_frame_ns);
	xs_jw_uint_field(&w, "last_frame_ns", s.last_frame_ns);
	xs_jw_end_object(&w);
}

/* What resp_tc_synack's attachment needs for its removal. */
struct tc_attachment {
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	bool attached;
	bool hook_created; /* the clsact qdisc is ours to remove */
};

static int tc_attach(struct tc_attachment *t, unsigned int ifindex, int prog_fd)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->hook.sz = sizeof(t->hook);
	t->hook.ifindex = ifindex;
	t->hook.attach_point = BPF_TC_EGRESS;
	t->opts.sz = sizeof(t->opts);
	t->opts.prog_fd = prog_fd;

	err = bpf_tc_hook_create(&t->hook);
	if (err && err != -EEXIST)
		return err;
	t->hook_created = !err;
	err = bpf_tc_attach(&t->hook, &t->opts);
	if (err) {
		if (t->hook_created)
			bpf_tc_hook_destroy(&t->hook);
		t->hook_created = false;
		return err;
	}
	t->attached = true;
	return 0;
}

/*
 * Our filter by its handle and priority; the qdisc only if we made it
 * (destroying an egress hook flushes every filter on it, not only ours).
 */
static void tc_detach(struct tc_attachment *t)
{
	if (t->attached) {
		t->opts.prog_fd = 0;
		t->opts.prog_id = 0;
		t->opts.flags = 0;
		bpf_tc_detach(&t->hook, &t->opts);
	}
	/* With both attach points libbpf deletes the clsact qdisc itself;
	 * with one it would only flush that side's filters. */
	if (t->hook_created) {
		t->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&t->hook);
	}
	t->attached = t->hook_created = false;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Until SIGINT/SIGTERM or the timeout; SIGUSR1 prints the counters. */
static void serve(int sfd, int map_fd, int ncpus, long timeout_s)
{
	unsigned long long deadline = mono_ns() + timeout_s * 1000000000ULL;
	struct signalfd_siginfo si;
	struct pollfd pfd = { .fd = sfd, .events = POLLIN };
	unsigned long long now;
	int r;

	/* Bounded by the deadline: each pass waits at most a second. */
	while ((now = mono_ns()) < deadline) {
		r = poll(&pfd, 1, 1000);
		if (r <= 0)
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGUSR1) {
			print_stats("stats", map_fd, ncpus);
			continue;
		}
		return;
	}
}

int main(int argc, char **argv)
{
	struct bpf_link *link = NULL;
	struct bpf_object *obj = NULL;
	struct tc_attachment tc = {};
	struct bpf_program *prog;
	char path[PATH_MAX];
	struct resp_opts o;
	unsigned int ifindex;
	int err, ncpus, sfd = -1, rc = 2;
	sigset_t mask;

	if (parse_args(argc, argv, &o))
		return 1;
	verbose = o.verbose;
	libbpf_set_print(print_libbpf);
	setvbuf(stdout, NULL, _IOLBF, 0);

	ifindex = if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "responder: no interface %s in this netns\n",
			o.ifname);
		return 1;
	}
	if (!o.obj) {
		err = default_obj(path, sizeof(path));
		if (err) {
			fprintf(stderr, "responder: %s\n", strerror(-err));
			return 2;
		}
		o.obj = path;
	}

	/* Signals go to the signalfd from here on, before anything exists
	 * that needs cleaning up. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "responder: signalfd: %s\n", strerror(errno));
		return 2;
	}

	obj = bpf_object__open_file(o.obj, NULL);
	if (!obj) {
		fprintf(stderr, "responder: open %s: %s\n", o.obj,
			strerror(errno));
		goto out_sfd;
	}
	err = set_rodata_cfg(obj, &o.cfg);
	if (err) {
		fprintf(stderr, "responder: %s: no usable .rodata cfg: %s\n",
			o.obj, strerror(-err));
		goto out_obj;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "responder: load %s: %s (-v for the log)\n",
			o.obj, strerror(-err));
		goto out_obj;
	}
	prog = bpf_object__find_program_by_name(obj, resp_prog_names[o.prog]);
	if (!prog) {
		fprintf(stderr, "responder: no program %s in %s\n",
			resp_prog_names[o.prog], o.obj);
		goto out_obj;
	}
	if (o.prog == RESP_PROG_TC) {
		err = tc_attach(&tc, ifindex, bpf_program__fd(prog));
		if (err) {
			fprintf(stderr, "responder: tc attach to %s: %s\n",
				o.ifname, strerror(-err));
			goto out_obj;
		}
	} else {
		link = bpf_program__attach_xdp(prog, ifindex);
		if (!link) {
			fprintf(stderr, "responder: attach to %s: %s\n",
				o.ifname, strerror(errno));
			goto out_obj;
		}
	}
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		fprintf(stderr, "responder: number of CPUs unknown\n");
		goto out_link;
	}
	if (o.ready && (err = touch(o.ready))) {
		fprintf(stderr, "responder: %s: %s\n", o.ready, strerror(-err));
		goto out_link;
	}

	serve(sfd, bpf_object__find_map_fd_by_name(obj, "resp_stats"), ncpus,
	      o.timeout_s);
	print_stats("final", bpf_object__find_map_fd_by_name(obj, "resp_stats"),
		    ncpus);
	rc = 0;
out_link:
	bpf_link__destroy(link);
	tc_detach(&tc);
out_obj:
	bpf_object__close(obj);
out_sfd:
	close(sfd);
	return rc;
}
