// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * runstat: run a command and record what it cost, the same way for every
 * tool the benchmark compares (xdpshake, kclient, masscan):
 *
 *   runstat -o FILE [-t SECONDS] -- COMMAND [ARGS...]
 *
 * FILE gets one JSON object: exit status, wall time, user and system CPU
 * seconds and peak resident set size (ru_maxrss, KiB), from wait4() on the
 * command (threads included, and any children it waited for), and the
 * CLOCK_MONOTONIC time of the fork in ns (start_ns: the clock of
 * bpf_ktime_get_ns(), so an XDP counter's timestamps can be set against
 * it, e.g. the time to the first SYN).
 * SIGINT and SIGTERM are passed on to the command; after -t SECONDS
 * (default 300) it gets SIGINT, and SIGKILL 5 s later.
 * Exit status: the command's, 128 + signal if it was killed, 125 for our
 * own usage or setup errors, 127 if it could not be started.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RS_KILL_GRACE_MS 5000

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: runstat -o FILE [-t SECONDS] -- COMMAND [ARGS...]\n");
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv_s(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

static int pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct rusage ru;
	sigset_t mask, old;
	double start, wall, limit_s = 300;
	struct timespec start_ts;
	int c, sfd, pfd, status = 0, rc;
	int signalled = 0;
	pid_t pid;
	FILE *f;

	while ((c = getopt(argc, argv, "+o:t:h")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 't':
			limit_s = atof(optarg);
			if (limit_s <= 0 || limit_s > 86400) {
				usage(stderr);
				return 125;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 125;
		}
	}
	if (!out || optind >= argc) {
		usage(stderr);
		return 125;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, &old) ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		perror("runstat: signalfd");
		return 125;
	}

	clock_gettime(CLOCK_MONOTONIC, &start_ts);
	start = mono_s();
	pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 125;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "runstat: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	pfd = pidfd_open(pid);
	if (pfd < 0) {
		perror("runstat: pidfd_open");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 125;
	}

	/*
	 * Bounded: the command gets SIGINT at the time limit and SIGKILL a
	 * grace period later; every poll waits at most 100 ms.
	 */
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = pfd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		double t = mono_s() - start;

		if (poll(fds, 2, 100) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			break;
		if (fds[1].revents && read(sfd, &si, sizeof(si)) == sizeof(si))
			kill(pid, si.ssi_signo);
		if (t > limit_s + RS_KILL_GRACE_MS / 1000.0) {
			kill(pid, SIGKILL);
		} else if (t > limit_s && !signalled) {
			kill(pid, SIGINT);
			signalled = 1;
		}
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("runstat: wait4");
		return 125;
	}
	wall = mono_s() - start;

	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else
		rc = 128 + WTERMSIG(status);
	f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "runstat: %s: %s\n", out, strerror(errno));
		return 125;
	}
	fprintf(f,
		"{\"exit\":%d,\"timed_out\":%s,\"wall_s\":%.6f,"
		"\"cpu_user_s\":%.6f,\"cpu_sys_s\":%.6f,\"maxrss_kb\":%ld,"
		"\"start_ns\":%llu}\n",
		rc, signalled ? "true" : "false", wall, tv_s(&ru.ru_utime),
		tv_s(&ru.ru_stime), ru.ru_maxrss,
		(unsigned long long)start_ts.tv_sec * 1000000000ULL +
			(unsigned long long)start_ts.tv_nsec);
	fclose(f);
	return rc;
}
