/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One AF_XDP socket on one RX queue, with its own UMEM and an explicit frame
 * allocator that owns every UMEM frame.  Built on libxdp's xsk.h; never loads
 * an XDP program (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD): the caller puts the
 * socket into its own XSKMAP with xs_xsk_update_map().
 */
#ifndef XS_XSK_H
#define XS_XSK_H

#include <stddef.h>
#include <stdint.h>
#include <linux/if_xdp.h>

struct xs_xsk;

struct xs_xsk_opts {
	int ifindex;
	unsigned int queue;
	unsigned int nframes; /* UMEM frames, power of two; 0 = 4096 */
	unsigned int frame_size; /* 0 = 2048 */
	int force_copy; /* XDP_COPY; otherwise let the kernel choose */
};

/* Returns 0 or -errno; *out is set only on success. */
int xs_xsk_open(const struct xs_xsk_opts *opts, struct xs_xsk **out);
void xs_xsk_close(struct xs_xsk *x);

/* The socket's fd, to poll() for POLLIN. */
int xs_xsk_fd(const struct xs_xsk *x);

/*
 * Whether the socket's device is still there and up: 0, -ENODEV (deleted,
 * or its namespace with it: the socket is unbound), -XS_ENS_GONE (the
 * namespace entered was deleted), -ENETDOWN (set down), -XS_EDETACHED or
 * -XS_EUNGUARDED (a link given to xs_xsk_watch_links() is detached), or
 * another -errno
 * the socket reported.  A few syscalls: for a periodic
 * check (XS_XSK_DEV_CHECK_MS) while a run waits, when no send would tell.
 */
#define XS_XSK_DEV_CHECK_MS 100
int xs_xsk_dev_error(const struct xs_xsk *x);

/* Also check, in xs_xsk_dev_error(), that the XDP link xdp_link_fd and
 * the tcx link tc_link_fd (kept as duplicates; < 0: none) are still
 * attached, and that the clsact guard's filter still runs the program
 * tc_guard_id (0: none).  0 or -errno. */
int xs_xsk_watch_links(struct xs_xsk *x, int xdp_link_fd, int tc_link_fd,
		       __u32 tc_guard_id);

/* Insert the socket into xskmap_fd at its queue index. 0 or -errno. */
int xs_xsk_update_map(struct xs_xsk *x, int xskmap_fd);

/*
 * Copy one frame into a free UMEM frame and put it on the TX ring; kicks the
 * kernel when it needs a wakeup.  Returns 0, -EAGAIN when no frame or ring
 * slot is free right now (drain completions with xs_xsk_poll() and retry),
 * -EMSGSIZE if len is larger than a frame.
 */
int xs_xsk_send(struct xs_xsk *x, const void *frame, size_t len);

/*
 * Like xs_xsk_send() without the kick: for batches, queue several frames
 * then xs_xsk_flush() once (copy mode sends up to 32 frames per kick).
 */
int xs_xsk_queue(struct xs_xsk *x, const void *frame, size_t len);

/* Kick TX if frames are queued and the kernel asked for a wakeup. */
void xs_xsk_flush(struct xs_xsk *x);

/*
 * Have fn see each frame xs_xsk_send()/xs_xsk_queue() put on the TX ring,
 * exactly once and before the kernel can send it (a retry after -EAGAIN
 * is not seen twice).  For `xdpshake monitor`: AF_XDP frames never pass
 * TC.  fn NULL: none.
 */
typedef void (*xs_xsk_tap_fn)(void *ctx, const void *frame, size_t len);
void xs_xsk_set_tap(struct xs_xsk *x, xs_xsk_tap_fn fn, void *ctx);

typedef void (*xs_xsk_rx_fn)(void *ctx, const uint8_t *frame, size_t len);

/*
 * Handle up to max received frames that are ready now (no waiting): calls
 * fn for each, returns the frames to the fill ring, and drains the
 * completion ring.  Returns the number of frames handled, or -errno.
 */
int xs_xsk_poll(struct xs_xsk *x, xs_xsk_rx_fn fn, void *ctx, unsigned int max);

/* XDP_STATISTICS of the socket. 0 or -errno. */
int xs_xsk_stats(const struct xs_xsk *x, struct xdp_statistics *st);

/*
 * Frame accounting, for tests and the allocator invariant:
 * free + in fill ring + in TX/completion = nframes at all times.
 */
struct xs_xsk_frames {
	unsigned int total;
	unsigned int free; /* in the allocator */
	unsigned int fill; /* given to the kernel for RX */
	unsigned int tx; /* on TX ring or awaiting completion */
};
void xs_xsk_frames(const struct xs_xsk *x, struct xs_xsk_frames *f);

/* 1 if the socket is bound in zero-copy mode, 0 for copy mode. */
int xs_xsk_zerocopy(const struct xs_xsk *x);

/* The longest frame the socket receives: a UMEM frame less the kernel's
 * XDP headroom.  Longer ones are dropped before the RX ring. */
unsigned int xs_xsk_rx_room(const struct xs_xsk *x);

#endif /* XS_XSK_H */
