/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Attaching the XDP filter and TC guard, pinning, and unloading.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "netns.h"
#include "tc.h"
#include "xdp_filter.skel.h"
#include "tc_guard.skel.h"

_Static_assert(sizeof(struct xs_stats) == XS_STAT_MAX * sizeof(__u64),
	       "struct xs_stats and enum xs_stat must list the same counters");

static const char *const stat_names[XS_STAT_MAX] = {
	XS_STAT_LIST(XS_STAT_NAME) /* one per member */
};

const char *xs_stat_name(enum xs_stat id)
{
	return id < XS_STAT_MAX ? stat_names[id] : "?";
}

int xs_pindir(const char *ifname, char *buf, size_t len)
{
	char ns[64];
	int err, n;

	err = xs_netns_current_name(ns, sizeof(ns));
	if (err)
		return err;
	n = snprintf(buf, len, "%s/%s/%s", XS_PIN_ROOT, ns, ifname);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int pin_path(const char *dir, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * With the effective ids and capabilities: access() checks as the real
 * user without capabilities, so a non-root process with CAP_DAC_OVERRIDE
 * would find no pin in another user's 0700 folder.
 */
static bool path_exists(const char *p)
{
	return faccessat(AT_FDCWD, p, F_OK, AT_EACCESS) == 0;
}

static bool pin_exists(const char *dir, const char *name)
{
	char p[PATH_MAX];

	return !pin_path(dir, name, p, sizeof(p)) && path_exists(p);
}

static int get_pinned(const char *dir, const char *name)
{
	char p[PATH_MAX];
	int fd, err;

	err = pin_path(dir, name, p, sizeof(p));
	if (err)
		return err;
	fd = bpf_obj_get(p);
	return fd < 0 ? -errno : fd;
}

/*
 * The pinned XDP link is on another interface than ifindex: the one it was
 * attached to is gone (a deleted device leaves the link defunct, ifindex
 * 0), and ifindex may be a new one of the same name.
 */
static bool pins_stale(const char *dir, int ifindex)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd = get_pinned(dir, XS_PIN_LINK_XDP), err;

	if (fd < 0)
		return false;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	return !err && info.type == BPF_LINK_TYPE_XDP &&
	       (int)info.xdp.ifindex != ifindex;
}

int xs_mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	char *s;

	if (strlen(path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, path);
	for (s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* The id of the program prog_fd, or 0 if it cannot tell. */
static __u32 prog_id_of(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (prog_fd < 0 || bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return 0;
	return info.id;
}

void xs_prog_name(__u32 id, char *buf, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	int fd;

	buf[0] = '\0';
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		snprintf(buf, len, "%s", info.name);
	close(fd);
}

int xs_read_cfg(int cfg_fd, struct xs_config *cfg)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(cfg_fd, &key, cfg) ? -errno : 0;
}

/* Every write stamps the layout, so a pin says which layout wrote it. */
int xs_write_cfg(int cfg_fd, const struct xs_config *cfg)
{
	struct xs_config c = *cfg;
	__u32 key = 0;

	c.layout = XS_LAYOUT_VERSION;
	return bpf_map_update_elem(cfg_fd, &key, &c, BPF_ANY) ? -errno : 0;
}

int xs_read_percpu_u64s(int fd, __u64 *out, size_t n)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = 0;
	__u64 *percpu;
	size_t i, j;

	if (ncpu < 0)
		return ncpu;
	/* Pins of another build's layout would be misread, or overrun. */
	if (!xs_map_sizes_are(fd, sizeof(key), n * sizeof(__u64)))
		return -EPROTO;
	percpu = calloc((size_t)ncpu * n, sizeof(__u64));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, percpu)) {
		free(percpu);
		return -errno;
	}
	memset(out, 0, n * sizeof(__u64));
	for (i = 0; i < (size_t)ncpu; i++)
		for (j = 0; j < n; j++)
			out[j] += percpu[i * n + j];
	free(percpu);
	return 0;
}

int xs_read_stats(int stats_fd, struct xs_stats *st)
{
	return xs_read_percpu_u64s(stats_fd, (__u64 *)st, XS_STAT_MAX);
}

int xs_read_rtt(int rtt_fd, struct xs_rtt_hist *h)
{
	return xs_read_percpu_u64s(rtt_fd, h->slot, XS_HIST_SLOTS);
}

int xs_read_sockstat(int fd, struct xs_sockstat *s)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(fd, &key, s) ? -errno : 0;
}

int xs_write_sockstat(int fd, const struct xs_sockstat *s)
{
	__u32 key = 0;

	return bpf_map_update_elem(fd, &key, s, BPF_ANY) ? -errno : 0;
}

static int attach_xdp(struct xs_loaded *l, enum xs_xdp_mode mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	int fd;

	opts.flags = mode == XS_MODE_SKB ? XDP_FLAGS_SKB_MODE :
					   XDP_FLAGS_DRV_MODE;
	fd = bpf_link_create(bpf_program__fd(l->xdp->progs.xs_xdp_filter),
			     l->ifindex, BPF_XDP, &opts);
	if (fd < 0)
		return -errno;
	l->xdp_link_fd = fd;
	return 0;
}

/*
 * Remove our clsact filter from the egress hook; the qdisc too if we
 * created it and nothing else is on it now.  Destroying the hook outright
 * would flush every egress filter, a monitor's among them.
 */
static void detach_tc_clsact(int ifindex, bool hook_created)
{
	struct xs_tc_link tl = {
		.ifindex = ifindex,
		.egress = true,
		.link_fd = -1,
		.clsact = true,
		.hook_created = hook_created,
		.handle = XS_TC_HANDLE,
		.prio = XS_TC_PRIO,
	};

	xs_tc_detach_prog(&tl);
}

static int attach_tc(struct xs_loaded *l, enum xs_tc_method method)
{
	struct xs_tc_link tl;
	int err;

	err = xs_tc_attach_prog(bpf_program__fd(l->tc->progs.xs_tc_guard),
				l->ifindex, true, method, XS_TC_HANDLE,
				XS_TC_PRIO, &tl);
	if (err)
		return err;
	l->tc_link_fd = tl.link_fd;
	l->tc_clsact = tl.clsact;
	if (tl.clsact)
		l->tc_guard_id =
			prog_id_of(bpf_program__fd(l->tc->progs.xs_tc_guard));
	l->hook_created = tl.hook_created;
	return 0;
}

static void init_loaded(struct xs_loaded *l)
{
	memset(l, 0, sizeof(*l));
	l->xdp_link_fd = -1;
	l->tc_link_fd = -1;
	l->cfg_fd = -1;
	l->stats_fd = -1;
	l->xsks_fd = -1;
	l->conns_fd = -1;
	l->rtt_fd = -1;
	l->sockstat_fd = -1;
	l->fast_rb_fd = -1;
}

/*
 * The XDP object, loaded.  XS_FAST_RB_BYTES (a power of 2, at least a
 * page) sizes the fast path's ring buffer instead of XS_FAST_RB_SIZE: the
 * integration tests make it tiny to see the ring-full fallback.
 */
static struct xdp_filter_bpf *load_xdp(void)
{
	const char *env = getenv("XS_FAST_RB_BYTES");
	struct xdp_filter_bpf *x = xdp_filter_bpf__open();
	unsigned long n;
	int err;

	if (!x)
		return NULL;
	if (env && *env) {
		n = strtoul(env, NULL, 10);
		err = bpf_map__set_max_entries(x->maps.xs_fast_rb, (__u32)n);
		if (err) {
			xdp_filter_bpf__destroy(x);
			errno = -err;
			return NULL;
		}
	}
	err = xdp_filter_bpf__load(x);
	if (err) {
		xdp_filter_bpf__destroy(x);
		errno = -err;
		return NULL;
	}
	return x;
}

int xs_attach(const struct xs_attach_opts *o, struct xs_loaded *l,
	      __u32 *owner_id)
{
	__u32 id = 0;
	int err;

	init_loaded(l);
	l->ifindex = o->ifindex;
	err = xs_pindir(o->ifname, l->pindir, sizeof(l->pindir));
	if (err)
		return err;
	if (pin_exists(l->pindir, XS_PIN_LINK_XDP))
		return pins_stale(l->pindir, o->ifindex) ? -ESTALE : -EBUSY;
	if (!bpf_xdp_query_id(o->ifindex, 0, &id) && id) {
		if (owner_id)
			*owner_id = id;
		return -EEXIST;
	}
	/*
	 * No XDP program and no load here, so a guard filter of ours is what
	 * a run killed in clsact mode left behind (classic filters do not die
	 * with their process).  Left alone, it would go on dropping the
	 * kernel's RSTs from that run's ports, and block a clsact attach.
	 */
	if (!pin_exists(l->pindir, XS_PIN_PROG_TC) &&
	    xs_tc_remove_stale(o->ifindex) > 0)
		l->stale_tc_removed = true;

	l->xdp = load_xdp();
	if (!l->xdp) {
		err = -errno;
		goto fail;
	}
	l->tc = tc_guard_bpf__open();
	if (!l->tc) {
		err = -errno;
		goto fail;
	}
	/* One config and one counter map for both programs. */
	err = bpf_map__reuse_fd(l->tc->maps.xs_cfg,
				bpf_map__fd(l->xdp->maps.xs_cfg));
	if (!err)
		err = bpf_map__reuse_fd(l->tc->maps.xs_stats,
					bpf_map__fd(l->xdp->maps.xs_stats));
	if (!err)
		err = tc_guard_bpf__load(l->tc);
	if (err)
		goto fail;

	l->cfg_fd = bpf_map__fd(l->xdp->maps.xs_cfg);
	l->stats_fd = bpf_map__fd(l->xdp->maps.xs_stats);
	l->xsks_fd = bpf_map__fd(l->xdp->maps.xs_xsks);
	l->conns_fd = bpf_map__fd(l->xdp->maps.xs_conns);
	l->rtt_fd = bpf_map__fd(l->xdp->maps.xs_rtt);
	l->sockstat_fd = bpf_map__fd(l->xdp->maps.xs_sockstat);
	l->fast_rb_fd = bpf_map__fd(l->xdp->maps.xs_fast_rb);
	err = xs_write_cfg(l->cfg_fd, &o->cfg);
	if (err)
		goto fail;

	/* Guard first: from the moment the filter redirects SYN-ACKs the
	 * kernel must not answer anything in our range with an RST. */
	err = attach_tc(l, o->tc);
	if (err)
		goto fail;
	err = attach_xdp(l, o->mode);
	if (err)
		goto fail;
	return 0;
fail:
	xs_close(l);
	return err;
}

static int pin_fd(const char *dir, const char *name, int fd)
{
	char p[PATH_MAX];
	int err = pin_path(dir, name, p, sizeof(p));

	if (err)
		return err;
	return bpf_obj_pin(fd, p) ? -errno : 0;
}

/* Every pin `load` makes. */
static const char *const load_pins[] = {
	XS_PIN_LINK_XDP, XS_PIN_LINK_TC, XS_PIN_PROG_TC, XS_PIN_CFG,
	XS_PIN_STATS,	 XS_PIN_XSKS,	 XS_PIN_CONNS,	 XS_PIN_RTT,
	XS_PIN_SOCKSTAT, XS_PIN_FAST_RB,
};

static bool any_load_pin(const char *dir)
{
	size_t i;

	for (i = 0; i < sizeof(load_pins) / sizeof(load_pins[0]); i++)
		if (pin_exists(dir, load_pins[i]))
			return true;
	return false;
}

bool xs_load_pinned(const char *pindir)
{
	return path_exists(pindir) && any_load_pin(pindir);
}

static void unpin_all(const char *dir)
{
	char p[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(load_pins) / sizeof(load_pins[0]); i++)
		if (!pin_path(dir, load_pins[i], p, sizeof(p)))
			unlink(p);
	if (!pin_path(dir, XS_PIN_HOOK_OURS, p, sizeof(p)))
		rmdir(p);
	xs_pindir_prune(dir);
}

void xs_pindir_prune(const char *dir)
{
	char p[PATH_MAX];
	char *slash;

	snprintf(p, sizeof(p), "%s", dir);
	while (strlen(p) >= strlen(XS_PIN_ROOT)) {
		if (rmdir(p))
			break;
		slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = '\0';
	}
}

int xs_pin(struct xs_loaded *l)
{
	char p[PATH_MAX];
	int err;

	err = xs_mkdir_p(l->pindir);
	if (err)
		return err;
	err = pin_fd(l->pindir, XS_PIN_CFG, l->cfg_fd);
	if (!err)
		err = pin_fd(l->pindir, XS_PIN_STATS, l->stats_fd);
	if (!err)
		err = pin_fd(l->pindir, XS_PIN_XSKS, l->xsks_fd);
	if (!err)
		err = pin_fd(l->pindir, XS_PIN_CONNS, l->conns_fd);
	if (!err)
		err = pin_fd(l->pindir, XS_PIN_RTT, l->rtt_fd);
	if (!err)
		err = pin_fd(l->pindir, XS_PIN_SOCKSTAT, l->sockstat_fd);
	if (!err)
		err = pin_fd(l->pindir, XS_PIN_FAST_RB, l->fast_rb_fd);
	if (!err && l->tc_clsact)
		err = pin_fd(l->pindir, XS_PIN_PROG_TC,
			     bpf_program__fd(l->tc->progs.xs_tc_guard));
	if (!err && l->tc_clsact && l->hook_created) {
		err = pin_path(l->pindir, XS_PIN_HOOK_OURS, p, sizeof(p));
		if (!err && mkdir(p, 0700))
			err = -errno;
	}
	if (!err && !l->tc_clsact)
		err = pin_fd(l->pindir, XS_PIN_LINK_TC, l->tc_link_fd);
	/* The XDP link last: its pin is what marks the interface as loaded. */
	if (!err)
		err = pin_fd(l->pindir, XS_PIN_LINK_XDP, l->xdp_link_fd);
	if (err) {
		unpin_all(l->pindir);
		return err;
	}
	l->pinned = true;
	return 0;
}

/* Open XS_PIN_ROOT, making it first if needed. */
static int open_root(void)
{
	int fd = -1, i;

	/* Another process's unlock may remove the empty root between our
	 * mkdir and open: make it again, a few times. */
	for (i = 0; fd < 0 && i < 10; i++) {
		if (mkdir(XS_PIN_ROOT, 0700) && errno != EEXIST)
			return -errno;
		fd = open(XS_PIN_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT)
			return -errno;
	}
	return fd < 0 ? -ENOENT : fd;
}

/* The locked fd is still the directory at XS_PIN_ROOT (not one an unlock
 * removed while we waited for it). */
static bool root_is(int fd)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat(XS_PIN_ROOT, &b) &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/*
 * Same lock as `load`/`unload` take: the pin root directory itself.  An
 * unlock removes the root while it still holds the lock, so a waiter that
 * then gets the lock may hold a directory that is gone: it checks, and
 * starts again on the new one.
 */
int xs_lock_root(int timeout_ms)
{
	const struct timespec step = { 0, 10 * 1000000L };
	int fd, i, err;

	for (i = 0;; i++) {
		fd = open_root();
		if (fd < 0)
			return fd;
		if (!flock(fd, LOCK_EX | LOCK_NB)) {
			if (root_is(fd))
				return fd;
			err = EWOULDBLOCK; /* removed under us: wait, again */
		} else {
			err = errno;
		}
		close(fd);
		if (err != EWOULDBLOCK || i * 10 >= timeout_ms)
			return err == EWOULDBLOCK ? -EBUSY : -err;
		nanosleep(&step, NULL);
	}
}

const char *xs_lock_root_strerror(int err)
{
	if (err == -EBUSY)
		return "another xdpshake run held it for the whole wait "
		       "(attaching, loading or unloading): try again";
	return strerror(-err);
}

void xs_unlock_root(int fd)
{
	if (fd < 0)
		return;
	/* Leave no empty root behind; fails harmlessly if it holds pins.
	 * Removed before the lock goes, so it never disappears under a run
	 * that holds the lock. */
	rmdir(XS_PIN_ROOT);
	close(fd);
}

bool xs_map_sizes_are(int fd, __u32 key_size, __u32 value_size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	return info.key_size == key_size && info.value_size == value_size;
}

const char *xs_pins_strerror(int err)
{
	if (err == -EPROTO)
		return "the pins are of another xdpshake build's layout (another version made them): read them with that build";
	return strerror(-err);
}

int xs_layout_check(int cfg_fd, int stats_fd, int conns_fd)
{
	struct xs_config cfg;

	if (!xs_map_sizes_are(conns_fd, sizeof(struct xs_conn_key),
			      sizeof(struct xs_conn)) ||
	    !xs_map_sizes_are(cfg_fd, sizeof(__u32),
			      sizeof(struct xs_config)) ||
	    !xs_map_sizes_are(stats_fd, sizeof(__u32), sizeof(struct xs_stats)))
		return -EPROTO;
	if (xs_read_cfg(cfg_fd, &cfg) || cfg.layout != XS_LAYOUT_VERSION)
		return -EPROTO;
	return 0;
}

int xs_open_pinned(const char *pindir, int ifindex, struct xs_loaded *l)
{
	struct {
		const char *name;
		int *fd;
	} pins[] = {
		{ XS_PIN_CFG, &l->cfg_fd },
		{ XS_PIN_STATS, &l->stats_fd },
		{ XS_PIN_XSKS, &l->xsks_fd },
		{ XS_PIN_CONNS, &l->conns_fd },
		{ XS_PIN_RTT, &l->rtt_fd },
		{ XS_PIN_SOCKSTAT, &l->sockstat_fd },
		{ XS_PIN_FAST_RB, &l->fast_rb_fd },
		/* Pinned, it stays attached when closed: only to watch. */
		{ XS_PIN_LINK_XDP, &l->xdp_link_fd },
	};
	size_t i;
	int err, fd;

	init_loaded(l);
	snprintf(l->pindir, sizeof(l->pindir), "%s", pindir);
	l->ifindex = ifindex;
	if (!pin_exists(pindir, XS_PIN_LINK_XDP))
		return -ENOENT;
	l->pinned = true;
	for (i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		*pins[i].fd = get_pinned(pindir, pins[i].name);
		if (*pins[i].fd < 0) {
			err = *pins[i].fd;
			*pins[i].fd = -1;
			xs_close(l);
			/* A load from an older xdpshake lacks newer maps. */
			return err == -ENOENT ? -EPROTO : err;
		}
	}
	/* ... or has them with other layouts. */
	if (xs_layout_check(l->cfg_fd, l->stats_fd, l->conns_fd)) {
		xs_close(l);
		return -EPROTO;
	}
	/* Of this layout, but attached to nothing here? */
	if (pins_stale(pindir, ifindex)) {
		xs_close(l);
		return -ESTALE;
	}
	/* A tcx guard's link, to watch; a clsact load has none, but its
	 * guard's program, whose filter is watched. */
	l->tc_link_fd = get_pinned(pindir, XS_PIN_LINK_TC);
	if (l->tc_link_fd < 0) {
		l->tc_link_fd = -1;
		fd = get_pinned(pindir, XS_PIN_PROG_TC);
		l->tc_guard_id = prog_id_of(fd);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void xs_close(struct xs_loaded *l)
{
	/* A pinned link stays attached when its fd closes; an unpinned one
	 * detaches.  XDP first, so no SYN-ACK is redirected while nothing
	 * guards against the kernel's RST. */
	close_fd(&l->xdp_link_fd);
	close_fd(&l->tc_link_fd);
	if (l->tc_clsact && !l->pinned)
		detach_tc_clsact(l->ifindex, l->hook_created);
	l->tc_clsact = false;
	if (l->xdp || l->tc) {
		/* The fds belong to the skeletons. */
		l->cfg_fd = l->stats_fd = l->xsks_fd = -1;
		l->conns_fd = l->rtt_fd = l->sockstat_fd = -1;
		l->fast_rb_fd = -1;
	}
	close_fd(&l->cfg_fd);
	close_fd(&l->stats_fd);
	close_fd(&l->xsks_fd);
	close_fd(&l->conns_fd);
	close_fd(&l->rtt_fd);
	close_fd(&l->sockstat_fd);
	close_fd(&l->fast_rb_fd);
	tc_guard_bpf__destroy(l->tc);
	xdp_filter_bpf__destroy(l->xdp);
	l->tc = NULL;
	l->xdp = NULL;
}

int xs_unload(const char *pindir, int ifindex)
{
	char p[PATH_MAX];
	int fd;

	/* A folder with only a listen's pins holds no load. */
	if (!xs_load_pinned(pindir))
		return -ENOENT;
	fd = get_pinned(pindir, XS_PIN_LINK_XDP);
	if (fd >= 0) {
		/* Detach even if another process still holds the link. */
		bpf_link_detach(fd);
		close(fd);
	}
	fd = get_pinned(pindir, XS_PIN_LINK_TC);
	if (fd >= 0) {
		bpf_link_detach(fd);
		close(fd);
	}
	if (pin_exists(pindir, XS_PIN_PROG_TC) && ifindex > 0) {
		pin_path(pindir, XS_PIN_HOOK_OURS, p, sizeof(p));
		detach_tc_clsact(ifindex, path_exists(p));
	}
	unpin_all(pindir);
	return 0;
}
