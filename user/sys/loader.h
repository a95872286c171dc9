/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Loading, attaching, pinning and removing the XDP filter and the TC RST
 * guard on one interface.
 *
 * Attachments are kernel links owned by the process (XDP bpf_link, tcx
 * link), so they die with it; `load` pins the links, which makes them
 * persistent until `unload`.  On kernels without tcx the guard falls back to
 * a classic clsact filter with our own handle and priority.
 */
#ifndef XS_LOADER_H
#define XS_LOADER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "xdpshake.h"

enum xs_xdp_mode {
	XS_MODE_NATIVE,
	XS_MODE_SKB,
};

enum xs_tc_method {
	XS_TC_AUTO, /* tcx if the kernel has it, else clsact */
	XS_TC_TCX,
	XS_TC_CLSACT,
};

/* Pin names inside the per-interface folder. */
#define XS_PIN_CFG "cfg"
#define XS_PIN_STATS "stats"
#define XS_PIN_XSKS "xsks"
#define XS_PIN_CONNS "conns"
#define XS_PIN_RTT "rtt"
#define XS_PIN_SOCKSTAT "sockstat"
#define XS_PIN_FAST_RB "fastrb" /* the fast path's records (ring buffer) */
#define XS_PIN_LINK_XDP "link_xdp"
#define XS_PIN_LINK_TC "link_tc"
#define XS_PIN_PROG_TC "prog_tc" /* clsact fallback: the filter's program */
#define XS_PIN_HOOK_OURS "hook_ours" /* clsact fallback: we made the qdisc */

/* clsact fallback: our filter's handle and priority on the egress hook. */
#define XS_TC_HANDLE 0x5853
#define XS_TC_PRIO 0xc5

struct xs_attach_opts {
	int ifindex;
	const char *ifname;
	enum xs_xdp_mode mode;
	enum xs_tc_method tc;
	struct xs_config cfg;
};

/* What is attached on one interface, and the fds to its maps. */
struct xs_loaded {
	struct xdp_filter_bpf *xdp; /* NULL when opened from pins */
	struct tc_guard_bpf *tc;
	int ifindex;
	int xdp_link_fd;
	int tc_link_fd; /* tcx link, or -1 for clsact */
	bool tc_clsact;
	__u32 tc_guard_id; /* clsact: the guard's program id, to watch */
	bool hook_created;
	int cfg_fd;
	int stats_fd;
	int xsks_fd;
	int conns_fd;
	int rtt_fd;
	int sockstat_fd;
	int fast_rb_fd;
	bool pinned; /* persistent: leave attached on close */
	bool stale_tc_removed; /* xs_attach removed a killed run's filter */
	char pindir[PATH_MAX];
};

/* /sys/fs/bpf/xdpshake/<netns>/<ifname> for the namespace we are in. */
int xs_pindir(const char *ifname, char *buf, size_t len);

/*
 * Load both programs, write the config, attach.  Refuses with -EEXIST if an
 * XDP program is already attached to the interface (*owner_id set to its id)
 * and with -EBUSY if xdpshake pins exist there.  Otherwise a guard clsact
 * filter that a killed run left on the interface is removed first
 * (l->stale_tc_removed says so).  On error nothing is left.  Call under
 * xs_lock_root(), so that no other run is half-way through attaching.
 */
int xs_attach(const struct xs_attach_opts *o, struct xs_loaded *l,
	      __u32 *owner_id);

/* Pin maps and links into l->pindir, making the attachment persistent. */
int xs_pin(struct xs_loaded *l);

/*
 * Serialise attach, load and unload across processes: an exclusive flock
 * on XS_PIN_ROOT (created if missing), waiting at most timeout_ms.
 * Returns the fd to pass to xs_unlock_root(), -EBUSY after the timeout, or
 * -errno.  xs_unlock_root() removes the root again if it is empty.
 *
 * XS_ROOT_LOCK_MS is the wait every caller uses: the holder is loading and
 * verifying BPF objects, which takes well under a second on an idle
 * machine and several on a busy one running other loads at once.
 */
#define XS_ROOT_LOCK_MS 15000
int xs_lock_root(int timeout_ms);
void xs_unlock_root(int fd);
/* The one-line reason for a negative xs_lock_root() result. */
const char *xs_lock_root_strerror(int err);

/*
 * Use what `load` pinned in pindir.  -ENOENT if nothing is pinned there,
 * -EPROTO if the pins are of another layout (xs_layout_check()), -ESTALE
 * if their XDP link is not on ifindex (the interface loaded was deleted;
 * this is another of its name).  xs_attach() says -ESTALE too, where it
 * would say -EBUSY (loaded) of a load that is still attached.
 */
int xs_open_pinned(const char *pindir, int ifindex, struct xs_loaded *l);

/*
 * 0 if the config, counters and connection table maps have this build's
 * key and value sizes and the config was written with XS_LAYOUT_VERSION;
 * else -EPROTO (layout 1 had no layout field: its smaller config and
 * connection key tell it apart).
 */
int xs_layout_check(int cfg_fd, int stats_fd, int conns_fd);

/* Detach (unless pinned) and free everything. Safe on a zeroed struct. */
void xs_close(struct xs_loaded *l);

/*
 * Remove a persistent load: detach both programs, remove every pin and the
 * folders.  ifindex may be 0 if the interface is gone.  -ENOENT if nothing
 * was pinned.
 */
int xs_unload(const char *pindir, int ifindex);

/* pindir holds a load (some of its pins). */
bool xs_load_pinned(const char *pindir);

/* Read the config and summed counters. 0 or -errno. */
int xs_read_cfg(int cfg_fd, struct xs_config *cfg);
int xs_write_cfg(int cfg_fd, const struct xs_config *cfg);
int xs_read_stats(int stats_fd, struct xs_stats *st);
int xs_read_rtt(int rtt_fd, struct xs_rtt_hist *h);
int xs_read_sockstat(int fd, struct xs_sockstat *s);
int xs_write_sockstat(int fd, const struct xs_sockstat *s);

/* mkdir -p with mode 0700 for pin folders. 0 or -errno. */
int xs_mkdir_p(const char *path);

/* Remove dir, then its parents up to XS_PIN_ROOT, as long as they are
 * empty (the interface, namespace and root folders of the pins). */
void xs_pindir_prune(const char *dir);

/* Sum a one-entry per-CPU array whose value is n __u64 counters; -EPROTO
 * if its value is of another size (another build's pins). */
int xs_read_percpu_u64s(int fd, __u64 *out, size_t n);

/* Whether a map's key and value have the sizes this build gives them. */
bool xs_map_sizes_are(int fd, __u32 key_size, __u32 value_size);

/* What an error reading pins means: -EPROTO is another build's layout. */
const char *xs_pins_strerror(int err);

/* Name of the counter at index id (field name of struct xs_stats). */
const char *xs_stat_name(enum xs_stat id);

/* Name of the program with the given id, or "" if it cannot be read. */
void xs_prog_name(__u32 id, char *buf, size_t len);

#endif /* XS_LOADER_H */
