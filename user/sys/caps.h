/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The capabilities a command needs, checked against the process's
 * effective set (capget(2)), so that a non-root user with the right ones
 * (a setcap install, a container) can work, and one without them is told
 * exactly which are missing.
 */
#ifndef XS_CAPS_H
#define XS_CAPS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/capability.h>

#define XS_CAP(c) (1ULL << (c))

/* connect, scan: load and attach the programs, open AF_XDP sockets. */
#define XS_CAPS_RUN                                                      \
	(XS_CAP(CAP_BPF) | XS_CAP(CAP_PERFMON) | XS_CAP(CAP_NET_ADMIN) | \
	 XS_CAP(CAP_NET_RAW))
/*
 * load, monitor: load and attach programs (the verifier wants CAP_PERFMON
 * for them, as for connect's); unload: detach them (a classic tc filter
 * is removed over netlink, which wants CAP_NET_ADMIN).
 */
#define XS_CAPS_LOAD \
	(XS_CAP(CAP_BPF) | XS_CAP(CAP_PERFMON) | XS_CAP(CAP_NET_ADMIN))
#define XS_CAPS_UNLOAD XS_CAP(CAP_NET_ADMIN)
/* status: reading pins of one's own needs none. */
#define XS_CAPS_NONE 0ULL

/*
 * What grants everything a command may need, for the advice: CAP_SYS_ADMIN
 * for --netns (setns), CAP_DAC_OVERRIDE for the pins another user (root)
 * made in /sys/fs/bpf/xdpshake, 0700 folders of 0600 files.
 */
#define XS_SETCAP_LIST \
	"cap_bpf,cap_perfmon,cap_net_admin,cap_net_raw,cap_sys_admin,cap_dac_override"

/*
 * Which of want the process lacks in its effective set.  CAP_SYS_ADMIN
 * stands in for CAP_BPF and CAP_PERFMON (as the kernel takes it), and on
 * a kernel that predates those two (cap_last_cap below 39) it is the one
 * asked for in their place.  A capget(2) failure counts all as missing.
 */
uint64_t xs_caps_missing(uint64_t want);

/* "CAP_BPF, CAP_NET_RAW" into buf (at least 128 bytes is plenty). */
void xs_caps_fmt(uint64_t caps, char *buf, size_t len);

#endif
