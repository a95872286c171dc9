/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The monitor hook from userspace (see "The monitor hook" in xdpshake.h):
 * plugging a monitor into xdpshake's XDP program on an interface, so that it
 * sees the frames the program redirects, and showing a plugged-in monitor
 * the frames xdpshake sends through AF_XDP.
 *
 * Either side plugs in: a monitor when it starts or sees xdpshake appear on
 * its interface, and a run of xdpshake that opens its session after a
 * monitor started (the monitor looks only once a second, and a handshake is
 * over long before).  xs_mon_tap.owner, changed only by compare-and-swap on
 * the mmapped map, says who is in: a monitor whose ingress program still
 * exists keeps its place, a dead one's place is taken, and only the owner
 * unplugs.  A monitor killed without unplugging costs nothing for long:
 * the program array is cleared by the kernel when its last user reference
 * goes (it is not pinned), and senders clear tx_prog when they find its
 * owner gone.
 */
#ifndef XS_MONTAP_H
#define XS_MONTAP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xdpshake.h"

/* The monitor's clsact fallback filters: our handle ("XM") and a priority
 * late in the chain, so it sees what earlier filters (the TC guard) let by. */
#define XS_MON_TC_HANDLE 0x584d
#define XS_MON_TC_PRIO 0xfff0

/* xdpshake's side of the hook on one interface. */
struct xs_montap_hook {
	__u32 xdp_prog; /* id of the xs_xdp_filter the maps belong to */
	int prog_fd; /* xs_mon_prog */
	int tap_fd; /* xs_mon_tap */
	struct xs_mon_tap *tap; /* its one value, mmapped; NULL if closed */
};

/* A monitor, by the ids of its programs. */
struct xs_montap_mon {
	__u32 owner; /* xs_mon_ingress: lives exactly as long as the monitor */
	__u32 redirect_prog; /* xs_mon_redirect */
	__u32 tx_prog; /* xs_mon_afxdp_tx */
	__u32 xdp_tx_prog; /* xs_mon_xdp_tx: the fast path's XDP_TX frames */
};

/*
 * The hook of the xs_xdp_filter attached to ifindex in the current network
 * namespace.  -ENOENT: no XDP program there, or not xdpshake's; -EPROTO:
 * xdpshake's, from a version without the hook.  h is closed on error.
 */
int xs_montap_hook_open(int ifindex, struct xs_montap_hook *h);

/* Safe on a closed hook and twice. */
void xs_montap_hook_close(struct xs_montap_hook *h);

/*
 * Plug monitor m in.  0 when it is (also when it already was), -EBUSY with
 * *busy set when another live monitor is, or -errno.
 */
int xs_montap_plug(struct xs_montap_hook *h, const struct xs_montap_mon *m,
		   __u32 *busy);

/* Unplug the monitor whose ingress program is owner, if it is the one in. */
void xs_montap_unplug(struct xs_montap_hook *h, __u32 owner);

/* False only when the program with this id is known to be gone. */
bool xs_montap_alive(__u32 prog_id);

/*
 * The monitor's side: write the ids of its programs into its xs_mon_info
 * map and bind the map to its ingress program, where a sender finds it.
 * Fills *m.  0 or -errno.
 */
int xs_montap_publish(int info_fd, int ingress_fd, int redirect_fd, int tx_fd,
		      int xdp_tx_fd, struct xs_montap_mon *m);

/*
 * A monitor on ifindex's ingress hook (tcx link, or our clsact filter),
 * from what it published.  0, -ENOENT, or -errno.
 */
int xs_montap_find_monitor(int ifindex, struct xs_montap_mon *m);

/*
 * A monitor keeping itself plugged into whatever xdpshake program is on
 * its interface: at start, once a tick (xdpshake may come, go or change),
 * and out at the end.
 */
/* Whether the monitor is plugged into xdpshake's XDP program, with the
 * name xs_mon_hook_str() gives it. */
#define XS_MONTAP_LIST(X)                                              \
	X(NONE, "none") /* no xdpshake XDP program on the interface */ \
	X(PLUGGED, "plugged")                                          \
	X(BUSY, "busy") /* another monitor is plugged in */            \
	X(OLD, "old") /* xdpshake's, without the hook: reload it */    \
	X(FAILED, "failed") /* plugging in failed: err says why */

#define XS_MONTAP_ENUM_(up, str) XS_MONTAP_##up,

enum xs_montap_state {
	XS_MONTAP_LIST(XS_MONTAP_ENUM_) XS_MONTAP_MAX,
};

struct xs_montap_watch {
	int ifindex;
	struct xs_montap_mon m;
	struct xs_montap_hook h; /* of xdp_prog, while plugged */
	__u32 xdp_prog; /* the XDP program last looked at; 0 none */
	enum xs_montap_state state;
	__u32 busy; /* XS_MONTAP_BUSY: the other monitor's ingress id */
	int err; /* XS_MONTAP_FAILED */
};

void xs_montap_watch_init(struct xs_montap_watch *w, int ifindex,
			  const struct xs_montap_mon *m);
/* Look again; true when the state or the XDP program changed. */
bool xs_montap_watch_update(struct xs_montap_watch *w);
/* Unplug from whatever xdpshake program is there now, and close. */
void xs_montap_watch_stop(struct xs_montap_watch *w);

/*
 * The senders' side.  xs_montap_open() finds the hook on ifindex (plugging
 * in a monitor that watches the interface but is not plugged in yet);
 * -ENOENT/-EPROTO as for xs_montap_hook_open().  xs_montap_frame() has the
 * signature of an xs_xsk_tap_fn: with nobody plugged in it costs one load
 * from the mmapped map; otherwise it hands the frame to the monitor's
 * xs_mon_afxdp_tx with BPF_PROG_TEST_RUN.  Thread-safe.
 */
struct xs_montap;

int xs_montap_open(int ifindex, struct xs_montap **out);
void xs_montap_frame(void *tap, const void *frame, size_t len);
void xs_montap_close(struct xs_montap *t);

#endif /* XS_MONTAP_H */
