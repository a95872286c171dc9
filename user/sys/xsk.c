/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One AF_XDP socket with its own UMEM (see xsk.h).
 *
 * Frame ownership.  Every UMEM frame is in exactly one of three places, and
 * the counters below always add up to nframes:
 *   free  - on our stack of free frame addresses (the allocator);
 *   fill  - given to the kernel for RX: in the fill ring, in the RX ring, or
 *           in the hands of the RX callback during xs_xsk_poll();
 *   tx    - on the TX ring or sent and awaiting its completion entry.
 * Frames move free -> fill (refill) -> free (after RX), and
 * free -> tx (send) -> free (completion).  Nothing else creates or frees a
 * frame, so a leak shows up as a broken sum.
 *
 * Ring discipline.  We only reserve ring slots we are sure to fill (frames
 * are taken from the allocator before reserving), so every reserve is
 * followed by its submit and no cancel is ever needed.
 *
 * One thread uses an xs_xsk at a time.  The RX callback may send (to answer
 * a SYN-ACK at once) but must not poll or close the socket it runs under.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <xdp/xsk.h>

#include "ifstate.h"
#include "xsk.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define XS_XSK_DEFAULT_FRAMES 4096U
/* 1 GiB of UMEM at the default frame size: far beyond a handshake engine. */
#define XS_XSK_MAX_FRAMES (1U << 18)
#define XS_XSK_MIN_FRAME_SIZE 2048U
/* Holds any 1500-MTU frame after the kernel's 256-byte XDP headroom, and
 * makes 4096 frames (8 MiB) a deep fill ring for a stalled thread. */
#define XS_XSK_DEFAULT_FRAME_SIZE 2048U
/* How long xs_xsk_open() waits for a just-closed socket's queue. */
#define XS_XSK_BUSY_STEP_MS 10
#define XS_XSK_BUSY_TRIES 50
/* Shortest frame we put on the wire: an Ethernet header. */
#define XS_XSK_MIN_LEN 14U

struct xs_xsk {
	/*
	 * Rings come first and the whole object is calloc()ed: libxdp does
	 * not set every cached index (e.g. the completion ring's), and
	 * leftover garbage there crashes on the first peek.
	 */
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_prod tx;
	struct xsk_ring_cons rx;

	struct xsk_umem *umem;
	struct xsk_socket *sock;
	void *area;
	size_t area_len;

	unsigned int nframes;
	unsigned int frame_size;
	unsigned int ring_size; /* same for all four rings */
	unsigned int fill_target; /* frames we try to keep given for RX */

	__u64 *free_addrs; /* stack of free frame addresses */
	unsigned int nfree;
	unsigned int nfill;
	unsigned int ntx;

	xs_xsk_tap_fn tap; /* sees each frame sent */
	void *tap_ctx;

	/* For xs_xsk_dev_error(): the device bound, and a socket made in
	 * its namespace at open (whatever namespace the caller is in later) */
	int ifindex;
	int ctl_fd;
	int link_fd; /* the XDP link redirecting to us (a dup), or -1 */
	int tc_link_fd; /* the TC guard's tcx link (a dup), or -1 */
	__u32 tc_guard_id; /* the guard's clsact program, or 0 */
};

static bool is_pow2(unsigned int v)
{
	return v && !(v & (v - 1));
}

static __u64 frame_base(const struct xs_xsk *x, __u64 addr)
{
	/*
	 * RX descriptors point past the headroom inside the frame; in
	 * aligned mode the frame's start is the address rounded down.
	 */
	return addr & ~((__u64)x->frame_size - 1);
}

static int frame_get(struct xs_xsk *x, __u64 *addr)
{
	if (!x->nfree)
		return -ENOMEM;
	*addr = x->free_addrs[--x->nfree];
	return 0;
}

static void frame_put(struct xs_xsk *x, __u64 addr)
{
	/*
	 * The kernel only hands back addresses we gave it, so neither check
	 * fires in practice; they keep a kernel or logic bug from writing
	 * past the stack.
	 */
	if (addr >= x->area_len || x->nfree >= x->nframes)
		return;
	x->free_addrs[x->nfree++] = frame_base(x, addr);
}

/* Take completed TX frames back into the allocator. */
static void drain_completions(struct xs_xsk *x)
{
	__u32 idx = 0, n, i;

	n = xsk_ring_cons__peek(&x->comp, x->ring_size, &idx);
	if (!n)
		return;
	for (i = 0; i < n; i++)
		frame_put(x, *xsk_ring_cons__comp_addr(&x->comp, idx + i));
	xsk_ring_cons__release(&x->comp, n);
	x->ntx -= n < x->ntx ? n : x->ntx;
}

/*
 * Give free frames to the kernel until fill_target frames are given or the
 * allocator or the fill ring runs out: as many as possible, never more.
 */
static void refill(struct xs_xsk *x)
{
	__u32 idx = 0, n, i;

	if (x->nfill >= x->fill_target || !x->nfree)
		return;
	n = x->fill_target - x->nfill;
	if (n > x->nfree)
		n = x->nfree;
	i = xsk_prod_nb_free(&x->fill, n);
	if (n > i)
		n = i;
	if (!n || xsk_ring_prod__reserve(&x->fill, n, &idx) != n)
		return;
	/* n <= nfree, checked above: the pops cannot underflow. */
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) =
			x->free_addrs[--x->nfree];
	xsk_ring_prod__submit(&x->fill, n);
	x->nfill += n;
}

/* A kick failing with these means "busy, try again later", not an error. */
static bool kick_retry(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == EBUSY ||
	       err == ENOBUFS || err == EINTR;
}

/* Frames on the TX ring that the kernel has not taken yet. */
static unsigned int tx_queued(struct xs_xsk *x)
{
	return x->ring_size - xsk_prod_nb_free(&x->tx, x->ring_size);
}

static int kick_tx(struct xs_xsk *x)
{
	int fd = xsk_socket__fd(x->sock);
	int i;

	/*
	 * In copy mode this sendto() is what transmits, at most 32 frames a
	 * call (EAGAIN: "more left").  Keep kicking while frames wait, or
	 * they sit in the ring until something else kicks; bounded, and
	 * EBUSY/ENOBUFS (device busy) end it: the next kick retries.
	 */
	for (i = 0; i < 64; i++) {
		if (!tx_queued(x) || !xsk_ring_prod__needs_wakeup(&x->tx))
			return 0;
		if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			continue;
		if (errno == EAGAIN || errno == EINTR)
			continue;
		return kick_retry(errno) ? 0 : -errno;
	}
	return 0;
}

static int kick_fill(struct xs_xsk *x)
{
	if (!xsk_ring_prod__needs_wakeup(&x->fill))
		return 0;
	if (recvfrom(xsk_socket__fd(x->sock), NULL, 0, MSG_DONTWAIT, NULL,
		     NULL) >= 0)
		return 0;
	return kick_retry(errno) ? 0 : -errno;
}

/* One attempt at the whole setup; everything is undone on failure. */
static int open_once(const struct xs_xsk_opts *opts, const char *ifname,
		     unsigned int nframes, unsigned int frame_size,
		     struct xs_xsk **out)
{
	struct xsk_socket_config scfg = { 0 };
	struct xsk_umem_config ucfg = { 0 };
	struct xs_xsk *x;
	unsigned int i;
	int err;

	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->nframes = nframes;
	x->frame_size = frame_size;
	x->ifindex = opts->ifindex;
	x->ctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	x->link_fd = x->tc_link_fd = -1;
	/*
	 * Half the frames are for RX and at most the other half is ever on
	 * the TX side, so rings of nframes / 2 never overflow and never
	 * limit us before the allocator does (2048 at the default size).
	 */
	x->ring_size = nframes / 2;
	x->fill_target = nframes / 2;
	x->area_len = (size_t)nframes * frame_size;

	x->free_addrs = calloc(nframes, sizeof(*x->free_addrs));
	if (!x->free_addrs) {
		err = -ENOMEM;
		goto err_free;
	}
	/* Populated now: memory use is fixed from the start, not growing
	 * as frames get used (the same for 256 targets or 16 million). */
	x->area = mmap(NULL, x->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		err = -errno;
		goto err_free;
	}
	/* Push in reverse so that frame 0 is handed out first. */
	for (i = nframes; i > 0; i--)
		x->free_addrs[x->nfree++] = (__u64)(i - 1) * frame_size;

	ucfg.fill_size = x->ring_size;
	ucfg.comp_size = x->ring_size;
	ucfg.frame_size = frame_size;
	ucfg.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM;
	ucfg.flags = XSK_UMEM__DEFAULT_FLAGS;
	err = xsk_umem__create(&x->umem, x->area, x->area_len, &x->fill,
			       &x->comp, &ucfg);
	if (err) {
		x->umem = NULL;
		goto err_free;
	}

	scfg.rx_size = x->ring_size;
	scfg.tx_size = x->ring_size;
	/* Our own XDP program redirects to us; libxdp must not load one. */
	scfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
	scfg.bind_flags = XDP_USE_NEED_WAKEUP;
	if (opts->force_copy)
		scfg.bind_flags |= XDP_COPY;
	err = xsk_socket__create(&x->sock, ifname, opts->queue, x->umem, &x->rx,
				 &x->tx, &scfg);
	if (err) {
		x->sock = NULL;
		goto err_free;
	}

	refill(x);
	err = kick_fill(x);
	if (err)
		goto err_free;
	*out = x;
	return 0;

err_free:
	xs_xsk_close(x);
	/* libxdp returns -errno; make sure a caller never sees success. */
	return err < 0 ? err : -EIO;
}

int xs_xsk_open(const struct xs_xsk_opts *opts, struct xs_xsk **out)
{
	const struct timespec pause = { 0, XS_XSK_BUSY_STEP_MS * 1000000L };
	long page = sysconf(_SC_PAGESIZE);
	unsigned int nframes, frame_size, i;
	char ifname[IF_NAMESIZE];
	int err;

	if (!opts || !out || opts->ifindex <= 0)
		return -EINVAL;
	nframes = opts->nframes ? opts->nframes : XS_XSK_DEFAULT_FRAMES;
	frame_size = opts->frame_size ? opts->frame_size :
					XS_XSK_DEFAULT_FRAME_SIZE;
	/* Aligned UMEM: the kernel wants power-of-two frames within a page. */
	if (!is_pow2(nframes) || nframes < 2 || nframes > XS_XSK_MAX_FRAMES ||
	    !is_pow2(frame_size) || frame_size < XS_XSK_MIN_FRAME_SIZE ||
	    (page > 0 && frame_size > (unsigned long)page))
		return -EINVAL;
	if (!if_indextoname(opts->ifindex, ifname))
		return errno == ENXIO ? -ENODEV : -errno;

	/*
	 * A socket closed on this queue a moment ago still holds it: the
	 * kernel frees its buffer pool after an RCU grace period and a work
	 * item, and bind() says EBUSY until then (10-25 ms measured here).
	 * Wait that out, briefly; a queue really in use by another socket
	 * still ends in -EBUSY.  Each attempt starts from scratch: we do not
	 * rely on what libxdp keeps of a UMEM whose first bind failed.
	 */
	for (i = 0;; i++) {
		err = open_once(opts, ifname, nframes, frame_size, out);
		if (err != -EBUSY || i >= XS_XSK_BUSY_TRIES)
			return err;
		nanosleep(&pause, NULL);
	}
}

void xs_xsk_close(struct xs_xsk *x)
{
	if (!x)
		return;
	/*
	 * Socket before UMEM: the first socket shares the UMEM's fd, and
	 * xsk_umem__delete() refuses while a socket still uses it.  Closing
	 * the socket also removes it from every XSKMAP.
	 */
	if (x->sock)
		xsk_socket__delete(x->sock);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, x->area_len);
	if (x->ctl_fd >= 0)
		close(x->ctl_fd);
	if (x->link_fd >= 0)
		close(x->link_fd);
	if (x->tc_link_fd >= 0)
		close(x->tc_link_fd);
	free(x->free_addrs);
	free(x);
}

int xs_xsk_fd(const struct xs_xsk *x)
{
	if (!x || !x->sock)
		return -EBADF;
	return xsk_socket__fd(x->sock);
}

int xs_xsk_dev_error(const struct xs_xsk *x)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (!x || !x->sock)
		return -EBADF;
	/*
	 * The kernel unbinds the socket when its device unregisters and
	 * leaves ENETDOWN in sk_err, but its poll() then says nothing: only
	 * SO_ERROR tells.  (Reading it clears it; we stop on it anyway.)
	 */
	if (getsockopt(xsk_socket__fd(x->sock), SOL_SOCKET, SO_ERROR, &err,
		       &len) == 0 &&
	    err)
		return err == ENETDOWN ? -ENODEV : -err;
	/* Down but registered: no frame comes in, none goes out (and if
	 * it cannot tell, the next send will). */
	err = xs_if_state(x->ctl_fd, x->ifindex);
	/* Up, but nothing redirects the replies to us any more, or
	 * nothing keeps the kernel's RSTs in. */
	if (err)
		return err;
	err = xs_links_state(x->link_fd, x->tc_link_fd);
	if (!err)
		err = xs_clsact_state(x->ifindex, x->tc_guard_id);
	return xs_detach_cause(x->ctl_fd, x->ifindex, err);
}

static int dup_fd(int fd, int *to)
{
	if (*to >= 0)
		close(*to);
	*to = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return fd >= 0 && *to < 0 ? -errno : 0;
}

int xs_xsk_watch_links(struct xs_xsk *x, int xdp_link_fd, int tc_link_fd,
		       __u32 tc_guard_id)
{
	if (!x)
		return -EINVAL;
	x->tc_guard_id = tc_guard_id;
	return dup_fd(xdp_link_fd, &x->link_fd) ?:
		       dup_fd(tc_link_fd, &x->tc_link_fd);
}

int xs_xsk_update_map(struct xs_xsk *x, int xskmap_fd)
{
	int err;

	if (!x || !x->sock || xskmap_fd < 0)
		return -EINVAL;
	err = xsk_socket__update_xskmap(x->sock, xskmap_fd);
	return err < 0 ? err : 0;
}

int xs_xsk_send(struct xs_xsk *x, const void *frame, size_t len)
{
	int err = xs_xsk_queue(x, frame, len);

	/*
	 * The frame is queued and accounted for whatever the kick says; a
	 * hard error (device gone or down) is still worth reporting.
	 */
	return err ? err : kick_tx(x);
}

int xs_xsk_queue(struct xs_xsk *x, const void *frame, size_t len)
{
	struct xdp_desc *desc;
	__u32 idx = 0;
	__u64 addr;

	if (!x || !x->sock || !frame || len < XS_XSK_MIN_LEN)
		return -EINVAL;
	if (len > x->frame_size)
		return -EMSGSIZE;

	if (!x->nfree)
		drain_completions(x);
	if (frame_get(x, &addr)) {
		/* Make sure what is queued moves, so completions will come. */
		kick_tx(x);
		return -EAGAIN;
	}
	if (xsk_ring_prod__reserve(&x->tx, 1, &idx) != 1) {
		frame_put(x, addr);
		kick_tx(x);
		return -EAGAIN;
	}
	memcpy(xsk_umem__get_data(x->area, addr), frame, len);
	/* Nothing can fail from here on, and nothing has left yet: a
	 * monitor sees the frame once, and before any answer to it. */
	if (x->tap)
		x->tap(x->tap_ctx, frame, len);
	desc = xsk_ring_prod__tx_desc(&x->tx, idx);
	desc->addr = addr;
	desc->len = len;
	desc->options = 0;
	xsk_ring_prod__submit(&x->tx, 1);
	x->ntx++;
	return 0;
}

void xs_xsk_set_tap(struct xs_xsk *x, xs_xsk_tap_fn fn, void *ctx)
{
	if (!x)
		return;
	x->tap = fn;
	x->tap_ctx = ctx;
}

void xs_xsk_flush(struct xs_xsk *x)
{
	if (x && x->sock)
		kick_tx(x);
}

int xs_xsk_poll(struct xs_xsk *x, xs_xsk_rx_fn fn, void *ctx, unsigned int max)
{
	const struct xdp_desc *desc;
	__u32 idx = 0, n, i;
	int err;

	if (!x || !x->sock)
		return -EINVAL;

	drain_completions(x);
	if (x->ntx)
		kick_tx(x);

	n = max ? xsk_ring_cons__peek(&x->rx, max, &idx) : 0;
	/*
	 * The kernel copied these frames in (copy mode), often on the other
	 * CPU: their first read missed the cache in every callback
	 * (xs_parse_frame's top cost in connect --count).  Their headers
	 * fetched together, the misses overlap.
	 */
	for (i = 0; fn && i < n; i++) {
		desc = xsk_ring_cons__rx_desc(&x->rx, idx + i);
		if (desc->addr < x->area_len)
			__builtin_prefetch(
				xsk_umem__get_data(x->area, desc->addr));
	}
	for (i = 0; i < n; i++) {
		desc = xsk_ring_cons__rx_desc(&x->rx, idx + i);
		if (fn && desc->addr < x->area_len &&
		    desc->len <= x->area_len - desc->addr)
			fn(ctx, xsk_umem__get_data(x->area, desc->addr),
			   desc->len);
		/*
		 * The callback is done with this frame: it may now be reused,
		 * even by a send from a later callback of this same poll.
		 */
		frame_put(x, desc->addr);
		x->nfill--;
	}
	if (n)
		xsk_ring_cons__release(&x->rx, n);

	refill(x);
	err = kick_fill(x);
	return n ? (int)n : err;
}

int xs_xsk_stats(const struct xs_xsk *x, struct xdp_statistics *st)
{
	socklen_t len = sizeof(*st);

	if (!x || !x->sock || !st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	if (getsockopt(xsk_socket__fd(x->sock), SOL_XDP, XDP_STATISTICS, st,
		       &len))
		return -errno;
	return 0;
}

void xs_xsk_frames(const struct xs_xsk *x, struct xs_xsk_frames *f)
{
	if (!f)
		return;
	memset(f, 0, sizeof(*f));
	if (!x)
		return;
	f->total = x->nframes;
	f->free = x->nfree;
	f->fill = x->nfill;
	f->tx = x->ntx;
}

unsigned int xs_xsk_rx_room(const struct xs_xsk *x)
{
	return x && x->frame_size > XDP_PACKET_HEADROOM ?
		       x->frame_size - XDP_PACKET_HEADROOM :
		       0;
}

int xs_xsk_zerocopy(const struct xs_xsk *x)
{
	struct xdp_options o = { 0 };
	socklen_t len = sizeof(o);

	if (!x || !x->sock)
		return 0;
	/* A socket we cannot ask is reported as copy mode, the safe guess. */
	if (getsockopt(xsk_socket__fd(x->sock), SOL_XDP, XDP_OPTIONS, &o, &len))
		return 0;
	return !!(o.flags & XDP_OPTIONS_ZEROCOPY);
}
