// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kclient: the benchmark's kernel-stack client, the baseline xdpshake is
 * measured against.  Many non-blocking connect()s in flight, driven by
 * epoll; each socket that connects counts one handshake and is closed at
 * once with an RST (SO_LINGER {1, 0}), so neither side keeps TIME-WAIT
 * state and the client's ports are reused as fast as the kernel allows.
 *
 *   kclient DST_IP:PORT [--count N] [--duration S] [--concurrency C]
 *           [--timeout MS] [--close rst|fin] [--json]
 *
 * It stops after N handshakes were attempted or S seconds of launching,
 * whichever comes first, then waits for the ones in flight (each bounded by
 * --timeout).  The result: handshakes per second from the first connect()
 * to the last outcome, failures by kind, and this process's CPU time
 * (getrusage) for the run.  Exit status: 0 done, 1 usage error, 2 setup.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchlib.h"
#include "json.h"

#define KC_MAX_CONCURRENCY 16384
#define KC_EVENTS 256

struct kc_opts {
	struct sockaddr_in6 dst; /* or a sockaddr_in: see dst_len */
	socklen_t dst_len;
	long count;
	double duration_s; /* 0: until count */
	long concurrency;
	long timeout_ms;
	bool close_rst;
	bool json;
};

struct kc_slot {
	int fd; /* -1: free */
	unsigned long long start_ns;
};

struct kc_counts {
	unsigned long long started;
	unsigned long long ok;
	unsigned long long refused;
	unsigned long long timeouts;
	unsigned long long no_port; /* EADDRNOTAVAIL: out of local ports */
	unsigned long long other;
	int last_errno;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kclient DST_IP:PORT|[DST_IP6]:PORT [--count N] [--duration S]\n"
		"               [--concurrency C] [--timeout MS] [--close rst|fin]\n"
		"               [--json]\n"
		"  --count N        handshakes to attempt (default 10000)\n"
		"  --duration S     stop launching after S seconds (default: none)\n"
		"  --concurrency C  connects in flight (default 64, max %d)\n"
		"  --timeout MS     give up on one connect after MS (default 3000)\n"
		"  --close MODE     rst (SO_LINGER 0, default) or fin\n"
		"  --json           one JSON object instead of text\n",
		KC_MAX_CONCURRENCY);
}

/* A.B.C.D:PORT or [IPV6]:PORT into o->dst and o->dst_len. */
static int parse_dst(const char *s, struct kc_opts *o)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&o->dst;
	char buf[INET6_ADDRSTRLEN + 8];
	char *colon, *host = buf;
	long port;
	int ok;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	memset(&o->dst, 0, sizeof(o->dst));
	if (buf[0] == '[' && colon > buf + 1 && colon[-1] == ']') {
		colon[-1] = '\0';
		host = buf + 1;
		o->dst.sin6_family = AF_INET6;
		o->dst_len = sizeof(struct sockaddr_in6);
		ok = inet_pton(AF_INET6, host, &o->dst.sin6_addr);
	} else {
		sin->sin_family = AF_INET;
		o->dst_len = sizeof(struct sockaddr_in);
		ok = inet_pton(AF_INET, host, &sin->sin_addr);
	}
	if (ok != 1 || parse_num(colon + 1, 1, 65535, &port))
		return -EINVAL;
	/* sin_port and sin6_port share their offset. */
	o->dst.sin6_port = htons(port);
	return 0;
}

static int parse_args(int argc, char **argv, struct kc_opts *o)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "close", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->count = 10000;
	o->concurrency = 64;
	o->timeout_ms = 3000;
	o->close_rst = true;

	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_num(optarg, 1, 100000000, &o->count))
				goto bad;
			break;
		case 'd':
			if (parse_num(optarg, 1, 3600, &v))
				goto bad;
			o->duration_s = v;
			break;
		case 'c':
			if (parse_num(optarg, 1, KC_MAX_CONCURRENCY,
				      &o->concurrency))
				goto bad;
			break;
		case 't':
			if (parse_num(optarg, 10, 60000, &o->timeout_ms))
				goto bad;
			break;
		case 'C':
			if (!strcmp(optarg, "rst"))
				o->close_rst = true;
			else if (!strcmp(optarg, "fin"))
				o->close_rst = false;
			else
				goto bad;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1 || parse_dst(argv[optind], o)) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "kclient: bad value: %s\n", optarg);
	return -1;
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double tv_s(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

static void count_error(struct kc_counts *n, int err)
{
	switch (err) {
	case ECONNREFUSED:
		n->refused++;
		break;
	case ETIMEDOUT:
		n->timeouts++;
		break;
	case EADDRNOTAVAIL:
		n->no_port++;
		break;
	default:
		n->other++;
		n->last_errno = err;
		break;
	}
}

static void finish(int efd, struct kc_slot *s, bool close_rst)
{
	static const struct linger rst = { .l_onoff = 1, .l_linger = 0 };

	epoll_ctl(efd, EPOLL_CTL_DEL, s->fd, NULL);
	/* SO_LINGER {1, 0}: close() sends an RST and frees the port now. */
	if (close_rst)
		setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	close(s->fd);
	s->fd = -1;
}

/*
 * Start one connect in slot idx.  Returns 0 if it is in flight (or already
 * done and counted), -EADDRNOTAVAIL when the local ports ran out (back off),
 * or another -errno for a setup failure.
 */
static int launch(const struct kc_opts *o, int efd, struct kc_slot *slots,
		  int idx, struct kc_counts *n)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = idx };
	struct kc_slot *s = &slots[idx];
	int fd, err;

	fd = socket(o->dst.sin6_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n->started++;
	s->fd = fd;
	s->start_ns = mono_ns();
	if (connect(fd, (struct sockaddr *)&o->dst, o->dst_len) == 0) {
		n->ok++;
		finish(efd, s, o->close_rst);
		return 0;
	}
	err = errno;
	if (err != EINPROGRESS) {
		count_error(n, err);
		close(fd);
		s->fd = -1;
		return err == EADDRNOTAVAIL ? -EADDRNOTAVAIL : 0;
	}
	if (epoll_ctl(efd, EPOLL_CTL_ADD, fd, &ev)) {
		err = errno;
		close(fd);
		s->fd = -1;
		return -err;
	}
	return 0;
}

/* One descriptor per connect in flight: raise the soft limit if needed. */
static int raise_nofile(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max < want)
		return -EMFILE;
	rl.rlim_cur = want;
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

/* One JSON line, through xdpshake's writer (user/core/json.c). */
static void report_json(const struct kc_opts *o, const struct kc_counts *n,
			double elapsed, double cpu_user, double cpu_sys)
{
	struct xs_jw w;

	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "tool", "kclient");
	xs_jw_uint_field(&w, "started", n->started);
	xs_jw_uint_field(&w, "handshakes", n->ok);
	xs_jw_uint_field(&w, "refused", n->refused);
	xs_jw_uint_field(&w, "timeouts", n->timeouts);
	xs_jw_uint_field(&w, "no_port", n->no_port);
	xs_jw_uint_field(&w, "other_errors", n->other);
	xs_jw_string_field(&w, "last_errno",
			   n->last_errno ? strerror(n->last_errno) : "");
	xs_jw_int_field(&w, "concurrency", o->concurrency);
	xs_jw_double_field(&w, "elapsed_s", elapsed, 6);
	xs_jw_double_field(&w, "handshakes_per_s",
			   elapsed > 0 ? n->ok / elapsed : 0, 1);
	xs_jw_double_field(&w, "cpu_user_s", cpu_user, 6);
	xs_jw_double_field(&w, "cpu_sys_s", cpu_sys, 6);
	xs_jw_double_field(&w, "cpu_us_per_handshake",
			   n->ok ? (cpu_user + cpu_sys) * 1e6 / n->ok : 0, 2);
	xs_jw_end_object(&w);
}

static void report(const struct kc_opts *o, const struct kc_counts *n,
		   double elapsed, double cpu_user, double cpu_sys)
{
	double rate = elapsed > 0 ? n->ok / elapsed : 0;
	double us_each = n->ok ? (cpu_user + cpu_sys) * 1e6 / n->ok : 0;

	if (o->json) {
		report_json(o, n, elapsed, cpu_user, cpu_sys);
		return;
	}
	printf("kclient: %llu handshakes of %llu in %.3f s: %.0f/s\n"
	       "  failed: %llu refused, %llu timed out, %llu out of ports, "
	       "%llu other\n"
	       "  CPU: %.3f s user, %.3f s system, %.1f us per handshake\n",
	       n->ok, n->started, elapsed, rate, n->refused, n->timeouts,
	       n->no_port, n->other, cpu_user, cpu_sys, us_each);
}

int main(int argc, char **argv)
{
	struct epoll_event evs[KC_EVENTS];
	struct rusage ru0, ru1;
	struct kc_counts n = {};
	unsigned long long t0, t_end, stop_launch, hard_stop, now, timeout_ns;
	unsigned long long next_sweep, backoff_until = 0;
	struct kc_slot *slots;
	int *free_idx, nfree, efd, i, r, err, rc = 2;
	struct kc_opts o;

	if (parse_args(argc, argv, &o))
		return 1;
	if (raise_nofile(o.concurrency + 64)) {
		fprintf(stderr, "kclient: cannot have %ld sockets open\n",
			o.concurrency);
		return 2;
	}

	slots = calloc(o.concurrency, sizeof(*slots));
	free_idx = calloc(o.concurrency, sizeof(*free_idx));
	efd = epoll_create1(EPOLL_CLOEXEC);
	if (!slots || !free_idx || efd < 0) {
		fprintf(stderr, "kclient: setup: %s\n", strerror(errno));
		goto out;
	}
	for (i = 0; i < o.concurrency; i++) {
		slots[i].fd = -1;
		free_idx[i] = o.concurrency - 1 - i;
	}
	nfree = o.concurrency;

	timeout_ns = o.timeout_ms * 1000000ULL;
	getrusage(RUSAGE_SELF, &ru0);
	t0 = mono_ns();
	stop_launch = o.duration_s ? t0 + o.duration_s * 1e9 : ~0ULL;
	/* However the server behaves, the run ends by here. */
	hard_stop =
		(o.duration_s ? stop_launch : t0 + 3600ULL * 1000000000ULL) +
		timeout_ns + 1000000000ULL;
	next_sweep = t0 + 50000000ULL;
	t_end = t0;

	for (;;) {
		now = mono_ns();
		if (now >= hard_stop)
			break;
		/* Fill every free slot while there is work left. */
		while (nfree > 0 && n.started < (unsigned long long)o.count &&
		       now < stop_launch && now >= backoff_until) {
			int idx = free_idx[--nfree];

			err = launch(&o, efd, slots, idx, &n);
			if (slots[idx].fd < 0)
				free_idx[nfree++] = idx;
			if (err == -EADDRNOTAVAIL) {
				backoff_until = now + 1000000ULL;
				break;
			}
			if (err) {
				fprintf(stderr, "kclient: %s\n",
					strerror(-err));
				goto out;
			}
		}
		if (nfree == o.concurrency &&
		    (n.started >= (unsigned long long)o.count ||
		     now >= stop_launch))
			break;

		r = epoll_wait(efd, evs, KC_EVENTS, 10);
		for (i = 0; i < r; i++) {
			struct kc_slot *s = &slots[evs[i].data.u32];
			socklen_t len = sizeof(err);

			if (s->fd < 0)
				continue;
			if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len))
				err = errno;
			/*
			 * ECONNRESET: established, then reset by the server
			 * before we looked (an RST in SYN-SENT is
			 * ECONNREFUSED): the handshake was done.
			 */
			if (!err || err == ECONNRESET)
				n.ok++;
			else
				count_error(&n, err);
			finish(efd, s, o.close_rst);
			free_idx[nfree++] = evs[i].data.u32;
		}
		if (r > 0)
			t_end = mono_ns();

		now = mono_ns();
		if (now < next_sweep)
			continue;
		next_sweep = now + 50000000ULL;
		for (i = 0; i < o.concurrency; i++) {
			if (slots[i].fd < 0 ||
			    now - slots[i].start_ns < timeout_ns)
				continue;
			n.timeouts++;
			finish(efd, &slots[i], true);
			free_idx[nfree++] = i;
		}
	}
	getrusage(RUSAGE_SELF, &ru1);
	report(&o, &n, (t_end - t0) / 1e9,
	       tv_s(&ru1.ru_utime) - tv_s(&ru0.ru_utime),
	       tv_s(&ru1.ru_stime) - tv_s(&ru0.ru_stime));
	rc = 0;
out:
	for (i = 0; slots && i < o.concurrency; i++)
		if (slots[i].fd >= 0)
			close(slots[i].fd);
	if (efd >= 0)
		close(efd);
	free(free_idx);
	free(slots);
	return rc;
}
