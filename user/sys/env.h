/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The environment a run needs: capabilities, bpffs, the pin folder, the
 * memlock limit, libbpf's logging; and errors from the kernel explained
 * as what to do.
 */
#ifndef XS_ENV_H
#define XS_ENV_H

#include <stdint.h>

#include "target.h"

/*
 * Check the effective capabilities a command needs (XS_CAPS_* in caps.h:
 * names the missing ones and how to grant them), bpffs, access to the pin
 * folder, and the memlock limit; prints and returns an exit code, or 0.
 */
int xs_check_env(uint64_t caps);

/* The kernel answered EPERM to what fmt says ("load or attach BPF
 * programs"): say which capability is missing, or what else refuses.
 * Returns XS_EXIT_ENV. */
int xs_err_perm(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "xdpshake unload -i IF" with t's --netns, if any, into buf: the command
 * a message advises.  Returns buf. */
const char *xs_unload_hint(const struct xs_target *t, char *buf, size_t len);

/* Map a -errno from loading/attaching to an exit code with a message that
 * says what to do. */
int xs_err_attach(int err, const struct xs_target *t, uint32_t owner_id);

/* libbpf's messages: only warnings, or everything under -v. */
void xs_setup_libbpf(void);

/* Warn if our source ports [lo, hi] reach below 1024, hold a port a local
 * socket listens on, or overlap net.ipv4.ip_local_port_range (of the
 * namespace we are in). */
void xs_warn_port_overlap(uint16_t lo, uint16_t hi);

#endif /* XS_ENV_H */
