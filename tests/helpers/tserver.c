// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tserver: a small kernel TCP server for the netns integration tests.
 *
 * It listens, and for every accept() prints what the server's own socket saw,
 * one line-buffered line per event, so a test can assert on the far side of
 * the handshake and not only on what xdpshake says about itself:
 *
 *   LISTEN <ip>:<port>               (IPv6: [<ip>]:<port>)
 *   ACCEPT <peer_ip>:<peer_port> state=ESTABLISHED    (IPv6: [<peer_ip>])
 *   SENT <n>                      the banner went out (--banner)
 *   DATA <n>                      the peer sent n bytes
 *   EOF                           the peer closed (FIN)
 *   RST                           the peer reset the connection
 *   ERROR <errno text>            any other read error
 *   HOLD_DONE                     --hold expired, we close our side
 *   TIMEOUT                       --timeout expired
 *   DONE accepted=<n>
 *
 * Usage: tserver --bind IP --port N [--backlog N] [--banner STR] [--hold MS]
 *                [--delay MS] [--count N] [--timeout MS] [--ready FILE]
 *
 * Exit status: 0 when it ran (even if nothing connected before --timeout),
 * 1 on a usage error, 2 if the socket could not be set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Default for --timeout, so a forgotten server never outlives its test. */
#define TS_DEFAULT_TIMEOUT_MS 60000

struct ts_opts {
	struct sockaddr_storage bind; /* IPv4 or IPv6, port set */
	socklen_t bind_len;
	char bind_str[INET6_ADDRSTRLEN + 2]; /* "10.0.0.1", "[fd00::2]" */
	unsigned int port;
	int backlog;
	const char *banner;
	long hold_ms;
	long delay_ms;
	long count;
	long timeout_ms;
	const char *ready;
};

static const char *const tcp_state_names[] = {
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV",
	[TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2",
	[TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",
	[TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tserver --bind IP --port N [--backlog N] [--banner STR]\n"
		"               [--hold MS] [--delay MS] [--count N] [--timeout MS]\n"
		"               [--ready FILE]\n"
		"  --bind IP      IPv4 or IPv6 address to listen on\n"
		"  --port N       TCP port (1-65535)\n"
		"  --backlog N    listen() backlog (default 16, at most 65535)\n"
		"  --banner STR   send STR right after accept()\n"
		"  --hold MS      keep each connection open MS ms, reading (default 0)\n"
		"  --delay MS     sleep MS ms before each accept(): a slow server whose\n"
		"                 accept queue fills (default 0)\n"
		"  --count N      stop after N connections (default 1)\n"
		"  --timeout MS   stop after MS ms in total (default %d)\n"
		"  --ready FILE   create FILE once listening\n",
		TS_DEFAULT_TIMEOUT_MS);
}

/* Parse a decimal number in [lo, hi]; 0 or -EINVAL. */
static int parse_num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline, never negative. */
static int left_ms(long long deadline)
{
	long long d = deadline - now_ms();

	if (d <= 0)
		return 0;
	return d > 1000000 ? 1000000 : (int)d;
}

static const char *tcp_state_name(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return "unknown";
	if (ti.tcpi_state >= ARRAY_SIZE(tcp_state_names) ||
	    !tcp_state_names[ti.tcpi_state])
		return "unknown";
	return tcp_state_names[ti.tcpi_state];
}

/*
 * Keep one accepted connection open until hold_end (or the global deadline,
 * whichever comes first), reporting what the peer does.  Returns when the
 * time is up or the peer is gone.
 */
static void hold_conn(int fd, long long hold_end)
{
	char buf[2048];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	/* Bounded: each pass either waits out the time left or reads data. */
	int guard;

	for (guard = 0; guard < 100000; guard++) {
		int t = left_ms(hold_end);
		ssize_t n;
		int r;

		if (t == 0) {
			printf("HOLD_DONE\n");
			return;
		}
		r = poll(&pfd, 1, t);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			printf("ERROR poll: %s\n", strerror(errno));
			return;
		}
		if (r == 0)
			continue; /* time is up: the next pass says so */
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0) {
			printf("DATA %zd\n", n);
			continue;
		}
		if (n == 0) {
			printf("EOF\n");
			return;
		}
		if (errno == EINTR || errno == EAGAIN)
			continue;
		if (errno == ECONNRESET)
			printf("RST\n");
		else
			printf("ERROR %s\n", strerror(errno));
		return;
	}
	printf("HOLD_DONE\n");
}

/* --bind: an IPv4 or an IPv6 address. */
static int parse_bind(const char *s, struct ts_opts *o)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&o->bind;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&o->bind;

	memset(&o->bind, 0, sizeof(o->bind));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		o->bind_len = sizeof(*s4);
		snprintf(o->bind_str, sizeof(o->bind_str), "%s", s);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) != 1)
		return -1;
	s6->sin6_family = AF_INET6;
	o->bind_len = sizeof(*s6);
	snprintf(o->bind_str, sizeof(o->bind_str), "[%s]", s);
	return 0;
}

/* A peer as "ip:port", IPv6 "[ip]:port". */
static void fmt_peer(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	char ip[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(s6->sin6_port));
		return;
	}
	inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, ntohs(s4->sin_port));
}

static int make_listener(const struct ts_opts *o)
{
	struct sockaddr_storage sa = o->bind;
	int one = 1;
	int fd;

	if (sa.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&sa)->sin6_port = htons(o->port);
	else
		((struct sockaddr_in *)&sa)->sin_port = htons(o->port);
	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "tserver: socket: %s\n", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (sa.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) <
		     0) ||
	    bind(fd, (struct sockaddr *)&sa, o->bind_len) < 0 ||
	    listen(fd, o->backlog) < 0) {
		fprintf(stderr, "tserver: %s:%u: %s\n", o->bind_str, o->port,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "tserver: %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int parse_args(int argc, char **argv, struct ts_opts *o)
{
	static const struct option longopts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "backlog", required_argument, NULL, 'B' },
		{ "banner", required_argument, NULL, 'm' },
		{ "hold", required_argument, NULL, 'H' },
		{ "delay", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ready", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_bind = false;
	long v;
	int c;

	o->port = 0;
	o->backlog = 16;
	o->banner = NULL;
	o->hold_ms = 0;
	o->delay_ms = 0;
	o->count = 1;
	o->timeout_ms = TS_DEFAULT_TIMEOUT_MS;
	o->ready = NULL;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_bind(optarg, o)) {
				fprintf(stderr, "tserver: bad --bind %s\n",
					optarg);
				return -1;
			}
			have_bind = true;
			break;
		case 'p':
			if (parse_num(optarg, 1, 65535, &v))
				goto bad;
			o->port = v;
			break;
		case 'B':
			if (parse_num(optarg, 1, 65535, &v))
				goto bad;
			o->backlog = v;
			break;
		case 'm':
			o->banner = optarg;
			break;
		case 'H':
			if (parse_num(optarg, 0, 3600000, &v))
				goto bad;
			o->hold_ms = v;
			break;
		case 'd':
			if (parse_num(optarg, 0, 60000, &v))
				goto bad;
			o->delay_ms = v;
			break;
		case 'c':
			if (parse_num(optarg, 1, 1000000, &v))
				goto bad;
			o->count = v;
			break;
		case 't':
			if (parse_num(optarg, 1, 3600000, &v))
				goto bad;
			o->timeout_ms = v;
			break;
		case 'r':
			o->ready = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !have_bind || !o->port) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "tserver: number out of range: %s\n", optarg);
	return -1;
}

int main(int argc, char **argv)
{
	struct ts_opts o;
	long long deadline;
	long accepted = 0;
	int lfd;

	if (parse_args(argc, argv, &o))
		return 1;

	/* The tests read our stdout from a file while we run. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	lfd = make_listener(&o);
	if (lfd < 0)
		return 2;
	printf("LISTEN %s:%u\n", o.bind_str, o.port);
	if (o.ready && touch(o.ready)) {
		close(lfd);
		return 2;
	}

	deadline = now_ms() + o.timeout_ms;
	while (accepted < o.count) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		char ip[INET6_ADDRSTRLEN + 8];
		long long hold_end;
		int r, cfd;

		if (o.delay_ms > 0)
			nanosleep(&(struct timespec){ o.delay_ms / 1000,
						      o.delay_ms % 1000 *
							      1000000 },
				  NULL);
		r = poll(&pfd, 1, left_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			printf("ERROR poll: %s\n", strerror(errno));
			break;
		}
		if (r == 0) {
			printf("TIMEOUT\n");
			break;
		}
		cfd = accept4(lfd, (struct sockaddr *)&peer, &plen,
			      SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			printf("ERROR accept: %s\n", strerror(errno));
			break;
		}
		accepted++;
		fmt_peer(&peer, ip, sizeof(ip));
		printf("ACCEPT %s state=%s\n", ip, tcp_state_name(cfd));

		if (o.banner) {
			ssize_t n = send(cfd, o.banner, strlen(o.banner),
					 MSG_NOSIGNAL);

			if (n < 0)
				printf("ERROR send: %s\n", strerror(errno));
			else
				printf("SENT %zd\n", n);
		}

		hold_end = now_ms() + o.hold_ms;
		if (hold_end > deadline)
			hold_end = deadline;
		if (o.hold_ms > 0)
			hold_conn(cfd, hold_end);
		close(cfd);
	}

	printf("DONE accepted=%ld\n", accepted);
	close(lfd);
	return 0;
}
