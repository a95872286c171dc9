/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One run per interface: a connect or scan holds an flock on
 * /run/xdpshake/<ifindex>-<netns inode>.lock for its whole life, whether
 * it uses a load or attached its programs for the run only.  The file
 * holds the run's pid, command, interface and namespace, so that a second
 * run (or a load) can say who owns the interface, and status can list the
 * runs.  The lock dies with its process: a killed run leaves at most a
 * stale file, which nobody holds and the next run takes over.
 */
#ifndef XS_RUNLOCK_H
#define XS_RUNLOCK_H

#include <stdbool.h>
#include <stddef.h>

#define XS_RUN_DIR "/run/xdpshake"

struct xs_run_info {
	int pid;
	char cmd[16]; /* "connect", "scan" */
	char ifname[16];
	char netns[64];
};

/*
 * Take the interface's lock (we are in its namespace).  Returns the fd to
 * keep, -EBUSY with the holder in *holder, or another -errno (no /run:
 * then the run goes on without, as before).
 */
int xs_runlock_take(int ifindex, const char *ifname, const char *cmd,
		    struct xs_run_info *holder);
/* Remove the file and let go. */
void xs_runlock_release(int fd, int ifindex);

/* Who holds the lock of that interface (of the namespace we are in):
 * true with *info filled, false if no run does. */
bool xs_runlock_holder(int ifindex, struct xs_run_info *info);

/* Each live run, in no order; returns how many. */
unsigned int xs_runlock_list(void (*fn)(const struct xs_run_info *, void *),
			     void *ctx);

#endif /* XS_RUNLOCK_H */
