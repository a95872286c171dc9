/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Loading and attaching bpf/listen.bpf.c (`xdpshake listen`), pinning its
 * maps for `status` and `bpftool`, reading them, and taking it all down.
 *
 * The XDP attachment is a bpf_link owned by the process: it goes with the
 * process whatever happens to it.  The maps are pinned in the interface's
 * folder while the run lasts; pins that a killed run left are removed by
 * the next attach, and `status` tells them apart (no XDP program).
 */
#ifndef XS_LISTEN_LOADER_H
#define XS_LISTEN_LOADER_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

#include "addr.h"
#include "listen.h"
#include "loader.h"
#include "tc.h"

struct xs_listen_opts {
	int ifindex;
	const char *ifname;
	enum xs_xdp_mode mode;
	struct xs_listen_cfg cfg;
	struct xs_listen_addrs addrs; /* into xs_laddr */
};

/* The maps of a listener, from its skeleton or from the pins. */
struct xs_listen_maps {
	int stats_fd;
	int src_fd;
	int rtt_fd;
	int prot_fd; /* --protect's TC counters; -1 without */
	int addr_fd; /* xs_laddr: what is answered for */
};

struct xs_listener {
	struct listen_bpf *skel;
	int link_fd;
	struct listen_tc_bpf *tc; /* --protect: TC ingress, a tcx link */
	struct xs_tc_link tc_link;
	struct xs_listen_maps m;
	bool pinned;
	char pindir[PATH_MAX];
};

/*
 * Load, attach to o->ifindex, pin the maps.  -EEXIST if an XDP program is
 * attached already (*owner_id set), -EBUSY if `load`'s pins are there.
 * On error nothing is left.  Takes the pin root's lock itself.
 */
int xs_listen_attach(const struct xs_listen_opts *o, struct xs_listener *l,
		     __u32 *owner_id);

/* Detach, unpin, free.  Safe on a zeroed struct after a failed attach. */
void xs_listen_close(struct xs_listener *l);

/* The pinned maps in pindir (-ENOENT if none, -EPROTO if of another
 * build's layout); close with xs_listen_maps_close(). */
int xs_listen_open_pinned(const char *pindir, struct xs_listen_maps *m);
void xs_listen_maps_close(struct xs_listen_maps *m);

/* Whether a listener's maps are pinned in pindir. */
bool xs_listen_is_pinned(const char *pindir);

/* Remove the listen pins in dir that no running listen owns (a killed
 * one's; its interface may be gone: ifindex 0).  0, -ENOENT (none), or
 * -EBUSY (a listen runs on ifindex: its pins are its own). */
int xs_listen_unpin_stale(const char *dir, int ifindex);

/* --protect's TC counters (map fd; -1: zero), summed over the CPUs. */
int xs_listen_read_prot(int fd, struct xs_prot_stats *st);
const char *xs_prot_stat_name(enum xs_prot_stat id);

/* The addresses and prefixes answered for (xs_laddr). 0 or -errno. */
int xs_listen_read_addrs(int fd, struct xs_listen_addrs *a);

/* The counters summed over the CPUs, the times (struct xs_listen_times)
 * the earliest first and the latest last of them. 0 or -errno. */
int xs_listen_read_stats(int fd, struct xs_listen_stats *st);

/* Name of counter id (field name of struct xs_listen_stats). */
const char *xs_lstat_name(enum xs_lstat id);

/*
 * The busiest sources: up to max entries of the per-source map, most
 * handshakes first, into out; returns how many, or -errno.
 */
struct xs_listen_src_row {
	struct xs_addr addr; /* either family, as the map's key */
	struct xs_listen_src v;
};
int xs_listen_top_sources(int fd, struct xs_listen_src_row *out, int max);

#endif /* XS_LISTEN_LOADER_H */
