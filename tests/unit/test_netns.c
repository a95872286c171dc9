/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * user/sys/netns.c: entering network namespaces by name and by path, and naming
 * the current one.  Needs root.
 *
 * As in test_nl.c, the cases run in a child; the parent creates the named
 * namespaces, waits with a deadline and always deletes them.  Helper
 * processes that hold a namespace die with the child (PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "nstest.h"
#include "netns.h"

/* ns_a also gets the alias ns_0, which sorts first. */
static char ns_a[32], ns_b[32], ns_0[32], ns_missing[32];

static void cleanup(void)
{
	char cmd[256];

	if (!nt_is_parent() || !ns_a[0])
		return;
	snprintf(cmd, sizeof(cmd),
		 "ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null; "
		 "ip netns del %s 2>/dev/null",
		 ns_0, ns_a, ns_b);
	if (system(cmd) == -1)
		perror("system");
}

static const char *cur(void)
{
	static char buf[300];
	int err = xs_netns_current_name(buf, sizeof(buf));

	if (err)
		snprintf(buf, sizeof(buf), "(error %d)", err);
	return buf;
}

#define CHECK_CUR(want)                                                     \
	do {                                                                \
		const char *c_ = cur();                                     \
		CHECK(!strcmp(c_, (want)), "current netns %s, want %s", c_, \
		      (want));                                              \
	} while (0)

/*
 * A process that sits in a network namespace until killed: entered by
 * name (spec != NULL) or a fresh anonymous one (spec == NULL).  Returns
 * its pid once it is there, or -1.
 */
static pid_t holder_start(const char *spec)
{
	int pfd[2];
	pid_t pid;
	char c;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int ok;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ok = spec ? xs_netns_enter(spec) == 0 :
			    unshare(CLONE_NEWNET) == 0;
		c = ok ? '1' : '0';
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1 || c != '1') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(pfd[0]);
	return pid;
}

static void holder_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static int mnt_ns(struct stat *st)
{
	return stat("/proc/thread-self/ns/mnt", st);
}

static int run_tests(void)
{
	char path[64], longname[300], small[5];
	struct stat mnt0, mnt1, st;
	pid_t h;

	TEST_BEGIN("netns_current_init");
	CHECK_CUR("init");
	TEST_END();

	TEST_BEGIN("netns_enter_empty_is_noop");
	CHECK_EQ(xs_netns_enter(NULL), 0);
	CHECK_EQ(xs_netns_enter(""), 0);
	CHECK_CUR("init");
	TEST_END();

	TEST_BEGIN("netns_enter_by_name");
	CHECK_EQ(mnt_ns(&mnt0), 0);
	CHECK_EQ(xs_netns_enter(ns_b), 0);
	CHECK_CUR(ns_b);
	/* Only the network namespace changes: bpffs stays visible. */
	CHECK_EQ(mnt_ns(&mnt1), 0);
	CHECK(mnt0.st_ino == mnt1.st_ino, "mount namespace changed");
	TEST_END();

	TEST_BEGIN("netns_enter_missing");
	CHECK_EQ(xs_netns_enter(ns_missing), -ENOENT);
	CHECK_EQ(xs_netns_enter("/nonexistent/xs/net"), -ENOENT);
	CHECK_CUR(ns_b);
	TEST_END();

	TEST_BEGIN("netns_enter_invalid");
	CHECK_EQ(xs_netns_enter(".."), -EINVAL);
	CHECK_EQ(xs_netns_enter("."), -EINVAL);
	/* Not a namespace; another kind of namespace. */
	CHECK_EQ(xs_netns_enter("/etc/hostname"), -EINVAL);
	CHECK_EQ(xs_netns_enter("/proc/self/ns/uts"), -EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK_EQ(xs_netns_enter(longname), -ENAMETOOLONG);
	CHECK_CUR(ns_b);
	TEST_END();

	TEST_BEGIN("netns_alias_smallest_name");
	CHECK_EQ(xs_netns_enter(ns_a), 0);
	CHECK_CUR(ns_0);
	TEST_END();

	TEST_BEGIN("netns_enter_proc_path");
	h = holder_start(ns_b);
	CHECK(h > 0, "no helper process in %s", ns_b);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)h);
	CHECK_EQ(xs_netns_enter(path), 0);
	CHECK_CUR(ns_b);
	holder_stop(h);
	TEST_END();

	TEST_BEGIN("netns_enter_anonymous");
	h = holder_start(NULL);
	CHECK(h > 0, "no helper process in a new namespace");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)h);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(xs_netns_enter(path), 0);
	{
		char want[32];

		snprintf(want, sizeof(want), "ns%llu",
			 (unsigned long long)st.st_ino);
		CHECK_CUR(want);
	}
	holder_stop(h);
	TEST_END();

	/*
	 * Back home through the parent, which never left the initial
	 * namespace (PID 1's may be unreadable, even to root).
	 */
	TEST_BEGIN("netns_enter_init_by_path");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)nt_parent_pid);
	CHECK_EQ(xs_netns_enter(path), 0);
	CHECK_CUR("init");
	TEST_END();

	TEST_BEGIN("netns_name_buffer");
	/* "init" needs 5 bytes with its NUL. */
	CHECK_EQ(xs_netns_current_name(small, sizeof(small) - 1),
		 -ENAMETOOLONG);
	CHECK_EQ(xs_netns_current_name(small, 0), -EINVAL);
	CHECK_EQ(xs_netns_current_name(small, sizeof(small)), 0);
	CHECK(!strcmp(small, "init"), "got %s", small);
	TEST_END();

	return TEST_EXIT();
}

static int setup(void)
{
	/*
	 * `ip netns attach` names the namespace of a process: give ns_a a
	 * second name through a process that sits in it.
	 */
	pid_t h;
	int err;

	if (sh("ip netns add %s", ns_a) || sh("ip netns add %s", ns_b))
		return 1;
	h = holder_start(ns_a);
	if (h < 0)
		return 1;
	err = sh("ip netns attach %s %d", ns_0, (int)h);
	holder_stop(h);
	return err;
}

int main(void)
{
	snprintf(ns_a, sizeof(ns_a), "xsnsA%d", (int)getpid());
	snprintf(ns_b, sizeof(ns_b), "xsnsB%d", (int)getpid());
	snprintf(ns_0, sizeof(ns_0), "xsns0%d", (int)getpid());
	snprintf(ns_missing, sizeof(ns_missing), "xsnsM%d", (int)getpid());
	return nt_main("netns", setup, run_tests, cleanup);
}
