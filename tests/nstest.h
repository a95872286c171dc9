/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * For C tests that build network namespaces with `ip`: run the checks in a
 * child process (so setns() there never affects the parent), bounded in
 * time, with the namespaces deleted by the parent on every way out.
 *
 * A test defines its names and a cleanup that deletes them, then:
 *	return nt_main("nl", setup, run_tests, cleanup);
 * setup() runs in the parent (0 on success); run_tests() in the child, its
 * return value the exit status; cleanup() from atexit in the parent only.
 * Include after testlib.h.
 */
#ifndef XS_NSTEST_H
#define XS_NSTEST_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NT_DEADLINE_MS 20000

static pid_t nt_parent_pid;
static volatile sig_atomic_t nt_got_signal;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run a shell command; returns 0, or 1 on any failure (and says which). */
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("# command failed (%d): %s\n", st, cmd);
		return 1;
	}
	return 0;
}

/* atexit handlers are inherited by fork: only the parent cleans. */
static int nt_is_parent(void)
{
	return getpid() == nt_parent_pid;
}

static void nt_on_signal(int sig)
{
	nt_got_signal = sig;
}

static int nt_main(const char *label, int (*setup)(void), int (*run)(void),
		   void (*cleanup)(void))
{
	struct sigaction sa = { .sa_handler = nt_on_signal };
	long long deadline;
	char name[64];
	int status = 0;
	pid_t child;

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(name, sizeof(name), "%s_setup", label);
	if (geteuid() != 0) {
		printf("SKIP: %s: needs root (network namespaces)\n", name);
		return 0;
	}
	nt_parent_pid = getpid();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	atexit(cleanup);

	TEST_BEGIN(name);
	CHECK(setup() == 0, "could not build the test namespaces");
	TEST_END();
	if (tl_failed_total)
		return 1;

	child = fork();
	if (child < 0) {
		printf("FAIL: %s: fork: %s\n", name, strerror(errno));
		return 1;
	}
	if (child == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		exit(run());
	}

	/* Cleanup happens here, in the main flow, never in a handler. */
	deadline = now_ms() + NT_DEADLINE_MS;
	for (;;) {
		pid_t r = waitpid(child, &status, WNOHANG);

		if (r == child)
			break;
		if (nt_got_signal || now_ms() > deadline) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			printf("FAIL: %s_run: %s\n", label,
			       nt_got_signal ? "interrupted" : "timed out");
			return 1;
		}
		usleep(10000);
	}
	if (!WIFEXITED(status)) {
		printf("FAIL: %s_run: test process died (status %d)\n", label,
		       status);
		return 1;
	}
	return WEXITSTATUS(status);
}

#endif /* XS_NSTEST_H */
