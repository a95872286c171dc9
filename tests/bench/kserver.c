// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kserver: the benchmark's kernel TCP server.  It accepts as fast as it can
 * and closes each connection at once, counting accepts, so that what limits
 * a run is the kernel's handshake work and not the application.
 *
 *   kserver [--bind IP|IP6] --port N [--backlog N] [--close rst|fin]
 *           [--ready FILE] [--timeout S]
 *
 * The backlog is capped by net.core.somaxconn: raise it (and
 * net.ipv4.tcp_max_syn_backlog) in the server's namespace first.
 * SIGUSR1 prints the counters so far as one JSON line; SIGINT or SIGTERM
 * print them a last time and exit.  Exit status: 0 done, 1 usage error,
 * 2 the socket could not be set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchlib.h"

/* accept4() calls per wake-up, so signals are never starved. */
#define KS_ACCEPT_BATCH 512

struct ks_opts {
	struct in_addr bind;
	struct in6_addr bind6; /* with v6: an IPv6-only listener */
	bool v6;
	unsigned int port;
	int backlog;
	bool close_rst;
	const char *ready;
	long timeout_s;
};

struct ks_counts {
	unsigned long long accepted;
	unsigned long long aborted; /* ECONNABORTED: reset before accept() */
	unsigned long long errors; /* any other accept4() failure */
	unsigned long long emfile; /* out of descriptors: retried later */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kserver [--bind IP|IP6] --port N [--backlog N] [--close rst|fin]\n"
		"               [--ready FILE] [--timeout S]\n"
		"  --bind IP       address to listen on (default 0.0.0.0; an IPv6\n"
		"                  one, :: for any, listens on IPv6 only)\n"
		"  --port N        TCP port\n"
		"  --backlog N     listen() backlog (default 65535; the kernel caps\n"
		"                  it at net.core.somaxconn)\n"
		"  --close MODE    fin (default) or rst (SO_LINGER 0)\n"
		"  --ready FILE    create FILE once listening\n"
		"  --timeout S     exit after S seconds (default 600)\n"
		"SIGUSR1 prints the counters; SIGINT/SIGTERM print them and exit.\n");
}

static int parse_args(int argc, char **argv, struct ks_opts *o)
{
	static const struct option longopts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "backlog", required_argument, NULL, 'B' },
		{ "close", required_argument, NULL, 'c' },
		{ "ready", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->bind.s_addr = htonl(INADDR_ANY);
	o->backlog = 65535;
	o->close_rst = false;
	o->timeout_s = 600;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->v6 = strchr(optarg, ':') != NULL;
			if (o->v6 ? inet_pton(AF_INET6, optarg, &o->bind6) !=
					    1 :
				    inet_pton(AF_INET, optarg, &o->bind) != 1)
				goto bad;
			break;
		case 'p':
			if (parse_num(optarg, 1, 65535, &v))
				goto bad;
			o->port = v;
			break;
		case 'B':
			if (parse_num(optarg, 1, 1 << 20, &v))
				goto bad;
			o->backlog = v;
			break;
		case 'c':
			if (!strcmp(optarg, "rst"))
				o->close_rst = true;
			else if (!strcmp(optarg, "fin"))
				o->close_rst = false;
			else
				goto bad;
			break;
		case 'r':
			o->ready = optarg;
			break;
		case 't':
			if (parse_num(optarg, 1, 86400, &v))
				goto bad;
			o->timeout_s = v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !o->port) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "kserver: bad value: %s\n", optarg);
	return -1;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_counts(const char *event, const struct ks_counts *n,
			 double start)
{
	printf("{\"event\":\"%s\",\"accepted\":%llu,\"aborted\":%llu,"
	       "\"errors\":%llu,\"emfile\":%llu,\"elapsed_s\":%.3f}\n",
	       event, n->accepted, n->aborted, n->errors, n->emfile,
	       mono_s() - start);
}

static int make_listener(const struct ks_opts *o)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(o->port),
		.sin_addr = o->bind,
	};
	struct sockaddr_in6 sa6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(o->port),
		.sin6_addr = o->bind6,
	};
	char name[INET6_ADDRSTRLEN];
	int one = 1;
	int fd;

	fd = socket(o->v6 ? AF_INET6 : AF_INET,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "kserver: socket: %s\n", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (o->v6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    (o->v6 ? bind(fd, (struct sockaddr *)&sa6, sizeof(sa6)) :
		     bind(fd, (struct sockaddr *)&sa, sizeof(sa))) ||
	    listen(fd, o->backlog)) {
		inet_ntop(o->v6 ? AF_INET6 : AF_INET,
			  o->v6 ? (const void *)&o->bind6 :
				  (const void *)&o->bind,
			  name, sizeof(name));
		fprintf(stderr, "kserver: %s port %u: %s\n", name, o->port,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Accept what is queued (at most one batch) and close it at once.  Returns
 * whether the batch was full (more may be waiting).
 */
static bool accept_batch(int lfd, bool close_rst, struct ks_counts *n)
{
	static const struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	int i, fd;

	for (i = 0; i < KS_ACCEPT_BATCH; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return false;
			if (errno == ECONNABORTED) {
				n->aborted++;
				continue;
			}
			if (errno == EMFILE || errno == ENFILE) {
				n->emfile++;
				return false;
			}
			n->errors++;
			return false;
		}
		n->accepted++;
		if (close_rst)
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst,
				   sizeof(rst));
		close(fd);
	}
	return true;
}

int main(int argc, char **argv)
{
	struct epoll_event ev, evs[2];
	struct ks_counts n = {};
	struct ks_opts o;
	double start, deadline;
	int lfd, sfd, efd, i, r, rc = 2;
	sigset_t mask;

	if (parse_args(argc, argv, &o))
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    (sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "kserver: signalfd: %s\n", strerror(errno));
		return 2;
	}
	lfd = make_listener(&o);
	if (lfd < 0)
		goto out_sfd;
	efd = epoll_create1(EPOLL_CLOEXEC);
	if (efd < 0) {
		fprintf(stderr, "kserver: epoll: %s\n", strerror(errno));
		goto out_lfd;
	}
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	r = epoll_ctl(efd, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.fd = sfd;
	if (r || epoll_ctl(efd, EPOLL_CTL_ADD, sfd, &ev)) {
		fprintf(stderr, "kserver: epoll_ctl: %s\n", strerror(errno));
		goto out_efd;
	}
	if (o.ready) {
		int fd = open(o.ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0644);

		if (fd < 0) {
			fprintf(stderr, "kserver: %s: %s\n", o.ready,
				strerror(errno));
			goto out_efd;
		}
		close(fd);
	}

	start = mono_s();
	deadline = start + o.timeout_s;
	/* Bounded by the deadline: every wait is at most 200 ms. */
	while (mono_s() < deadline) {
		r = epoll_wait(efd, evs, 2, 200);
		for (i = 0; i < r; i++) {
			struct signalfd_siginfo si;

			if (evs[i].data.fd == lfd) {
				accept_batch(lfd, o.close_rst, &n);
				continue;
			}
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo != SIGUSR1)
				goto done;
			print_counts("stats", &n, start);
		}
	}
done:
	/*
	 * Connections the kernel completed but we had not accepted yet (a
	 * client faster than this loop leaves a queue) count too: drain
	 * the queue, bounded by the listener's non-blocking accept and 2 s.
	 */
	deadline = mono_s() + 2;
	while (accept_batch(lfd, o.close_rst, &n) && mono_s() < deadline)
		;
	print_counts("final", &n, start);
	rc = 0;
out_efd:
	close(efd);
out_lfd:
	close(lfd);
out_sfd:
	close(sfd);
	return rc;
}
