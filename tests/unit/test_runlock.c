/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/runlock.c: a second taker of an interface's lock is
 * refused with the holder's pid and command, status sees the run, and a
 * released lock is free again and leaves no file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "runlock.h"

/* No real interface has it. */
#define IFX 2147483000

static unsigned int found;

static void count_ours(const struct xs_run_info *r, void *ctx)
{
	if (r->pid == getpid() && !strcmp(r->ifname, "xstest0"))
		found++;
}

int main(void)
{
	struct xs_run_info h = {};
	int fd, fd2;

	TEST_BEGIN("runlock_second_taker_named");
	fd = xs_runlock_take(IFX, "xstest0", "scan", &h);
	if (fd == -EACCES || fd == -EROFS) {
		/* Not root: runs go on without the lock; nothing to test. */
		printf("# %s not writable: %s\n", XS_RUN_DIR, strerror(-fd));
	} else {
		CHECK(fd >= 0, "take: %d", fd);
		fd2 = xs_runlock_take(IFX, "xstest0", "connect", &h);
		CHECK_EQ(fd2, -EBUSY);
		CHECK_EQ(h.pid, getpid());
		CHECK(!strcmp(h.cmd, "scan") && !strcmp(h.ifname, "xstest0"),
		      "holder '%s' on '%s'", h.cmd, h.ifname);
		memset(&h, 0, sizeof(h));
		CHECK(xs_runlock_holder(IFX, &h), "no holder");
		CHECK_EQ(h.pid, getpid());
		xs_runlock_list(count_ours, NULL);
		CHECK_EQ(found, 1);
		xs_runlock_release(fd, IFX);
		CHECK(!xs_runlock_holder(IFX, &h), "held after release");
		found = 0;
		xs_runlock_list(count_ours, NULL);
		CHECK_EQ(found, 0);
		fd = xs_runlock_take(IFX, "xstest0", "connect", &h);
		CHECK(fd >= 0, "take again: %d", fd);
		xs_runlock_release(fd, IFX);
	}
	TEST_END();
	return TEST_EXIT();
}
