/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * For PROG_TEST_RUN tests of the XDP filter: a redirect is only observable
 * with a socket in the XSKMAP, and BPF_PROG_TEST_RUN without a context runs
 * on loopback's RX queue 0.  So: in a private network namespace, bring lo
 * up and bind one of our own AF_XDP sockets (user/sys/xsk.c) to lo queue 0.
 * Also what both XDP test tables share: verdict names, libbpf's output.
 */
#ifndef XS_LO_XSK_H
#define XS_LO_XSK_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "xsk.h"

/* An XDP verdict's name, for failure messages. */
static const char *xdp_act_str(int act)
{
	switch (act) {
	case XDP_ABORTED:
		return "XDP_ABORTED";
	case XDP_DROP:
		return "XDP_DROP";
	case XDP_PASS:
		return "XDP_PASS";
	case XDP_TX:
		return "XDP_TX";
	case XDP_REDIRECT:
		return "XDP_REDIRECT";
	}
	return "?";
}

/* libbpf's output for tests: warnings and a failed load's verifier log,
 * debug chatter only with XS_TEST_VERBOSE set. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !getenv("XS_TEST_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Enter a new network namespace with lo up.  0 or -errno. */
static int lo_netns(void)
{
	struct ifreq ifr = {};
	int fd, err = 0;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		err = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			err = -errno;
	}
	close(fd);
	return err;
}

/* A copy-mode socket on lo queue 0, put into xsks_fd[0].  0 or -errno. */
static int lo_xsk(int xsks_fd, struct xs_xsk **out)
{
	struct xs_xsk_opts o = {
		.ifindex = (int)if_nametoindex("lo"),
		.queue = 0,
		.nframes = 64,
		.force_copy = 1,
	};
	int err;

	*out = NULL;
	err = xs_xsk_open(&o, out);
	if (!err)
		err = xs_xsk_update_map(*out, xsks_fd);
	return err;
}

#endif /* XS_LO_XSK_H */
