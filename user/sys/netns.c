/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Network namespaces: entering one with setns(CLONE_NEWNET) only, and
 * naming the one we are in.
 *
 * `ip netns exec` also unshares the mount namespace and remounts /sys for
 * the new network namespace, which hides bpffs at /sys/fs/bpf; setns on the
 * network namespace alone keeps every mount as it is.  The flip side: /sys
 * still shows the namespace we came from, so everything after this works
 * over netlink, never /sys/class/net.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"

/* Where `ip netns add` bind-mounts the namespaces it names. */
#define NETNS_RUN_DIR "/var/run/netns"

/*
 * Inode of the initial network namespace, a constant in recent kernels
 * (NET_NS_INIT_INO in 6.18's <linux/nsfs.h>, newer than the headers we
 * build with).  Older kernels number every namespace from 0xF0000000 up,
 * so this value cannot match another namespace there.
 */
#define XS_NET_NS_INIT_INO 0xEFFFFFF9U

/* The namespace xs_netns_enter() moved us to, and the name it had. */
static struct {
	char spec[PATH_MAX];
	char path[PATH_MAX];
	struct stat st;
	bool set;
} entered;

/* path resolves into /proc (a /proc/PID/ns/net, or a link to one). */
static bool is_proc_path(const char *path)
{
	char real[PATH_MAX];

	if (!realpath(path, real))
		return !strncmp(path, "/proc/", 6);
	return !strncmp(real, "/proc/", 6);
}

int xs_netns_enter(const char *spec)
{
	char path[PATH_MAX];
	int fd, n, err = 0;

	if (!spec || !*spec)
		return 0;

	if (strchr(spec, '/')) {
		n = snprintf(path, sizeof(path), "%s", spec);
	} else {
		/*
		 * A name must stay inside NETNS_RUN_DIR: the same rule as
		 * `ip netns add` (no '/', not "." or "..").
		 */
		if (!strcmp(spec, ".") || !strcmp(spec, ".."))
			return -EINVAL;
		if (strlen(spec) > NAME_MAX)
			return -ENAMETOOLONG;
		n = snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, spec);
	}
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;

	/*
	 * O_NONBLOCK and O_NOCTTY only matter if the path is not a namespace
	 * at all: a FIFO must not block us, a terminal must not become ours.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/*
	 * With CLONE_NEWNET the kernel checks the type itself: any other
	 * file, or another kind of namespace, is refused with EINVAL and
	 * nothing changes.  Only the calling thread moves: call this before
	 * starting threads.
	 */
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = -errno;
	} else {
		/*
		 * A name (a bind mount) can be deleted; /proc/PID/ns/net goes
		 * with its process, not with the namespace, and a reused pid
		 * names another: nothing to watch then.
		 */
		entered.set = !is_proc_path(path) &&
			      fstat(fd, &entered.st) == 0;
		snprintf(entered.path, sizeof(entered.path), "%s", path);
		snprintf(entered.spec, sizeof(entered.spec), "%s", spec);
	}
	close(fd);
	return err;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static int put_name(char *buf, size_t len, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s", name) >= len) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

/*
 * The smallest name under NETNS_RUN_DIR that refers to the namespace of
 * self, so that two names for one namespace always give the same answer.
 */
static bool find_run_name(const struct stat *self, char *best, size_t len)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;

	best[0] = '\0';
	dir = opendir(NETNS_RUN_DIR);
	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/*
		 * A name whose bind mount is gone is a plain empty file: its
		 * inode is not a namespace's and cannot match.
		 */
		if (fstatat(dirfd(dir), de->d_name, &st, 0) < 0 ||
		    !same_file(&st, self))
			continue;
		if (strlen(de->d_name) >= len)
			continue;
		if (!best[0] || strcmp(de->d_name, best) < 0)
			strcpy(best, de->d_name);
	}
	closedir(dir);
	return best[0] != '\0';
}

const char *xs_netns_gone(void)
{
	struct stat st;

	if (!entered.set)
		return NULL;
	/*
	 * `ip netns del` unmounts the name and removes it; between the two
	 * it is a plain file (another inode).  A /proc/PID/ns/net path goes
	 * with its process.  Any other error (EACCES...) cannot tell.
	 */
	if (stat(entered.path, &st) < 0)
		return errno == ENOENT ? entered.spec : NULL;
	return same_file(&st, &entered.st) ? NULL : entered.spec;
}

int xs_netns_current_name(char *buf, size_t len)
{
	char name[NAME_MAX + 1];
	struct stat self, init;

	if (!buf || !len)
		return -EINVAL;
	/*
	 * thread-self: setns moves only the calling thread, and /proc/self
	 * would show the thread group leader's namespace.
	 */
	if (stat("/proc/thread-self/ns/net", &self) < 0 &&
	    stat("/proc/self/ns/net", &self) < 0)
		return -errno;

	/*
	 * PID 1's namespace can be unreadable even to root (a non-dumpable
	 * init under a ptrace-restricting LSM): the fixed inode still tells.
	 */
	if (self.st_ino == XS_NET_NS_INIT_INO ||
	    (stat("/proc/1/ns/net", &init) == 0 && same_file(&self, &init)))
		return put_name(buf, len, "init");

	if (find_run_name(&self, name, sizeof(name)))
		return put_name(buf, len, name);

	snprintf(name, sizeof(name), "ns%llu", (unsigned long long)self.st_ino);
	return put_name(buf, len, name);
}
