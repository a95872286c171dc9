/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Entering a network namespace for the whole process, without touching the
 * mount namespace (so bpffs at /sys/fs/bpf stays visible, unlike
 * `ip netns exec`).
 */
#ifndef XS_NETNS_H
#define XS_NETNS_H

#include <stddef.h>

/*
 * spec is a name in /var/run/netns or a path such as /proc/PID/ns/net.
 * NULL or "" stays in the current namespace.  Returns 0, -ENOENT if there is
 * no such namespace, or -errno.
 */
int xs_netns_enter(const char *spec);

/*
 * The namespace xs_netns_enter() entered by name is no longer the one that
 * name refers to (`ip netns del`): the name given, or NULL if it still is
 * (or none was entered, or a /proc/PID/ns/net, which is not watched: it
 * goes with its process, not with the namespace).  Our sockets keep a
 * deleted namespace and its interfaces alive, so nothing else tells a run
 * that its namespace is gone.  One stat(): cheap to call
 * often.
 */
const char *xs_netns_gone(void);

/*
 * A stable name for the network namespace we are in, used in pin paths:
 * "init" for the initial namespace, the /var/run/netns name that refers to
 * it if there is one, else "ns<inode>".  Returns 0 or -errno.
 */
int xs_netns_current_name(char *buf, size_t len);

#endif /* XS_NETNS_H */
