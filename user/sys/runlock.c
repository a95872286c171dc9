// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One run per interface, with its owner's pid: see runlock.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "runlock.h"

static int lock_path(int ifindex, char *buf, size_t len)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	snprintf(buf, len, "%s/%d-%llu.lock", XS_RUN_DIR, ifindex,
		 (unsigned long long)st.st_ino);
	return 0;
}

static void read_info(int fd, struct xs_run_info *info)
{
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	memset(info, 0, sizeof(*info));
	buf[n > 0 ? n : 0] = '\0';
	if (sscanf(buf, "%d %15s %15s %63s", &info->pid, info->cmd,
		   info->ifname, info->netns) < 1)
		info->pid = 0;
}

/* The file at path, locked by us, and still the one at path (a run that
 * ends unlinks it: a lock on an unlinked file guards nothing). */
static int lock_file(const char *path, struct xs_run_info *holder)
{
	const struct timespec step = { 0, 10 * 1000000L };
	struct stat a, b;
	int fd, i;

	for (i = 0; i < 10; i++) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			read_info(fd, holder);
			close(fd);
			/* A live holder; else status's look (a shared lock
			 * for a moment) on a file a killed run left. */
			if (holder->pid > 0 &&
			    !(kill(holder->pid, 0) && errno == ESRCH))
				return -EBUSY;
			nanosleep(&step, NULL);
			continue;
		}
		if (!fstat(fd, &a) && !stat(path, &b) && a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
	return -EAGAIN;
}

int xs_runlock_take(int ifindex, const char *ifname, const char *cmd,
		    struct xs_run_info *holder)
{
	char path[128], ns[64], line[160];
	int fd, len;

	if (mkdir(XS_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	fd = lock_path(ifindex, path, sizeof(path));
	if (fd)
		return fd;
	fd = lock_file(path, holder);
	if (fd < 0)
		return fd;
	if (xs_netns_current_name(ns, sizeof(ns)))
		snprintf(ns, sizeof(ns), "?");
	len = snprintf(line, sizeof(line), "%d %s %s %s\n", (int)getpid(), cmd,
		       ifname, ns);
	if (ftruncate(fd, 0) || pwrite(fd, line, len, 0) != len) {
		close(fd);
		return -EIO;
	}
	return fd;
}

void xs_runlock_release(int fd, int ifindex)
{
	char path[128];

	if (fd < 0)
		return;
	/* Unlinked while held: the next run makes a new file. */
	if (!lock_path(ifindex, path, sizeof(path)))
		unlink(path);
	close(fd);
}

/* Held by a live run: its info. */
static bool held(const char *path, struct xs_run_info *info)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool busy;

	if (fd < 0)
		return false;
	busy = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
	if (busy)
		read_info(fd, info);
	close(fd);
	return busy;
}

bool xs_runlock_holder(int ifindex, struct xs_run_info *info)
{
	char path[128];

	return !lock_path(ifindex, path, sizeof(path)) && held(path, info);
}

unsigned int xs_runlock_list(void (*fn)(const struct xs_run_info *, void *),
			     void *ctx)
{
	struct xs_run_info info;
	char path[512];
	struct dirent *e;
	unsigned int n = 0;
	DIR *d = opendir(XS_RUN_DIR);

	while (d && (e = readdir(d))) {
		if (!strstr(e->d_name, ".lock"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", XS_RUN_DIR, e->d_name);
		if (held(path, &info)) {
			fn(&info, ctx);
			n++;
		}
	}
	if (d)
		closedir(d);
	return n;
}
