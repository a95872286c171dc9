/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The monitor hook: plugging monitors in, and the senders' tap (montap.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "montap.h"

/* Not in Debian bookworm's uapi headers; stable kernel ABI since 6.6. */
#define XS_BPF_TCX_INGRESS 46

/* Maps an XDP filter or a monitor program may use; ours have fewer. */
#define MAX_MAP_IDS 32
/* Programs on one tcx hook we look through for a monitor. */
#define MAX_TCX_PROGS 64

/* How often a sender checks that the monitor it feeds is still there. */
#define OWNER_CHECK_NS 1000000000ULL

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static __u32 prog_id_of(int fd)
{
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(pi);

	if (bpf_obj_get_info_by_fd(fd, &pi, &len))
		return 0;
	return pi.id;
}

/*
 * The program with id prog_id if it is called name, and up to MAX_MAP_IDS
 * ids of its maps.  Returns the number of map ids, or -errno (-ENOENT for
 * another name).
 */
static int prog_maps(__u32 prog_id, const char *name, __u32 *ids)
{
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(pi);
	int fd, err;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	pi.nr_map_ids = MAX_MAP_IDS;
	pi.map_ids = (__u64)(uintptr_t)ids;
	err = bpf_obj_get_info_by_fd(fd, &pi, &len) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	if (strncmp(pi.name, name, sizeof(pi.name)))
		return -ENOENT;
	return pi.nr_map_ids < MAX_MAP_IDS ? (int)pi.nr_map_ids : MAX_MAP_IDS;
}

/* An fd for the map among ids that is called name, or -ENOENT. */
static int map_by_name(const __u32 *ids, int n, const char *name)
{
	struct bpf_map_info mi;
	__u32 len;
	int i, fd;

	for (i = 0; i < n; i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		len = sizeof(mi);
		if (!bpf_obj_get_info_by_fd(fd, &mi, &len) &&
		    !strncmp(mi.name, name, sizeof(mi.name)))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

bool xs_montap_alive(__u32 prog_id)
{
	int fd;

	if (!prog_id)
		return false;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != ENOENT;
}

static void hook_init(struct xs_montap_hook *h)
{
	memset(h, 0, sizeof(*h));
	h->prog_fd = -1;
	h->tap_fd = -1;
}

void xs_montap_hook_close(struct xs_montap_hook *h)
{
	if (h->tap)
		munmap(h->tap, sysconf(_SC_PAGESIZE));
	h->tap = NULL;
	close_fd(&h->prog_fd);
	close_fd(&h->tap_fd);
	h->xdp_prog = 0;
}

/* Map the tap's value; the hook owns both fds from here on. */
static int hook_map(struct xs_montap_hook *h)
{
	void *p;

	/* An array's values start the mapping; one page holds ours. */
	p = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
		 MAP_SHARED, h->tap_fd, 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		xs_montap_hook_close(h);
		return err;
	}
	h->tap = p;
	return 0;
}

int xs_montap_hook_open(int ifindex, struct xs_montap_hook *h)
{
	__u32 ids[MAX_MAP_IDS], id = 0;
	int n;

	hook_init(h);
	if (bpf_xdp_query_id(ifindex, 0, &id) || !id)
		return -ENOENT;
	n = prog_maps(id, XS_PROG_XDP_FILTER, ids);
	if (n < 0)
		return n;
	h->prog_fd = map_by_name(ids, n, XS_MAP_MON_PROG);
	h->tap_fd = map_by_name(ids, n, XS_MAP_MON_TAP);
	if (h->prog_fd < 0 || h->tap_fd < 0) {
		xs_montap_hook_close(h);
		return -EPROTO;
	}
	h->xdp_prog = id;
	return hook_map(h);
}

/* Is m plugged in exactly as it would be? */
static bool plugged_as(const struct xs_montap_hook *h,
		       const struct xs_montap_mon *m)
{
	__u32 key = XS_MON_SLOT_REDIRECT, id = 0, id2 = 0;

	if (__atomic_load_n(&h->tap->tx_prog, __ATOMIC_ACQUIRE) != m->tx_prog)
		return false;
	/* A program array's lookup from userspace gives the program's id. */
	if (bpf_map_lookup_elem(h->prog_fd, &key, &id) ||
	    id != m->redirect_prog)
		return false;
	key = XS_MON_SLOT_XDP_TX;
	return !bpf_map_lookup_elem(h->prog_fd, &key, &id2) &&
	       id2 == m->xdp_tx_prog;
}

/* Program id into slot key of the filter's xs_mon_prog.  0 or -errno. */
static int put_slot(const struct xs_montap_hook *h, __u32 key, __u32 id)
{
	int fd = bpf_prog_get_fd_by_id(id), err;

	if (fd < 0)
		return -errno;
	err = bpf_map_update_elem(h->prog_fd, &key, &fd, BPF_ANY) ? -errno : 0;
	close(fd);
	return err;
}

int xs_montap_plug(struct xs_montap_hook *h, const struct xs_montap_mon *m,
		   __u32 *busy)
{
	__u32 cur, mine = m->owner;
	int err;

	if (!h->tap || !m->owner || !m->redirect_prog || !m->tx_prog ||
	    !m->xdp_tx_prog)
		return -EINVAL;
	cur = __atomic_load_n(&h->tap->owner, __ATOMIC_ACQUIRE);
	if (cur == mine && plugged_as(h, m))
		return 0;
	if (cur != mine) {
		if ((cur && xs_montap_alive(cur)) ||
		    !__atomic_compare_exchange_n(&h->tap->owner, &cur, mine,
						 false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			if (busy)
				*busy = cur;
			return -EBUSY;
		}
	}
	/*
	 * Ours now.  A dead owner's tx_prog goes first, so that no sender
	 * feeds it while the program array changes under the filter.
	 */
	__atomic_store_n(&h->tap->tx_prog, 0, __ATOMIC_RELEASE);
	err = put_slot(h, XS_MON_SLOT_REDIRECT, m->redirect_prog);
	if (!err)
		err = put_slot(h, XS_MON_SLOT_XDP_TX, m->xdp_tx_prog);
	if (err)
		goto undo;
	/* Last: from here on the filter tail-calls, and senders tap. */
	__atomic_store_n(&h->tap->tx_prog, m->tx_prog, __ATOMIC_RELEASE);
	return 0;
undo:
	__atomic_compare_exchange_n(&h->tap->owner, &mine, 0, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	return err;
}

void xs_montap_unplug(struct xs_montap_hook *h, __u32 owner)
{
	__u32 key = XS_MON_SLOT_REDIRECT, key2 = XS_MON_SLOT_XDP_TX;

	if (!h->tap || !owner ||
	    __atomic_load_n(&h->tap->owner, __ATOMIC_ACQUIRE) != owner)
		return;
	__atomic_store_n(&h->tap->tx_prog, 0, __ATOMIC_RELEASE);
	bpf_map_delete_elem(h->prog_fd, &key);
	bpf_map_delete_elem(h->prog_fd, &key2);
	__atomic_compare_exchange_n(&h->tap->owner, &owner, 0, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

int xs_montap_publish(int info_fd, int ingress_fd, int redirect_fd, int tx_fd,
		      int xdp_tx_fd, struct xs_montap_mon *m)
{
	struct xs_mon_info info = {};
	__u32 key = 0;

	m->owner = prog_id_of(ingress_fd);
	m->redirect_prog = info.redirect_prog = prog_id_of(redirect_fd);
	m->tx_prog = info.tx_prog = prog_id_of(tx_fd);
	m->xdp_tx_prog = info.xdp_tx_prog = prog_id_of(xdp_tx_fd);
	if (!m->owner || !m->redirect_prog || !m->tx_prog || !m->xdp_tx_prog)
		return -EBADF;
	if (bpf_map_update_elem(info_fd, &key, &info, BPF_ANY))
		return -errno;
	/*
	 * The program never reads the map: binding it makes it one of the
	 * program's maps, which is how others find it.
	 */
	return bpf_prog_bind_map(ingress_fd, info_fd, NULL) ? -errno : 0;
}

/* Is prog_id a monitor's ingress program?  Then fill *m from its info. */
static int monitor_of(__u32 prog_id, struct xs_montap_mon *m)
{
	struct xs_mon_info info = {};
	__u32 ids[MAX_MAP_IDS], key = 0;
	int n, fd, err;

	n = prog_maps(prog_id, XS_PROG_MON_INGRESS, ids);
	if (n < 0)
		return n;
	fd = map_by_name(ids, n, XS_MAP_MON_INFO);
	if (fd < 0)
		return fd;
	err = bpf_map_lookup_elem(fd, &key, &info) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	if (!info.redirect_prog || !info.tx_prog || !info.xdp_tx_prog)
		return -ENOENT;
	m->owner = prog_id;
	m->redirect_prog = info.redirect_prog;
	m->tx_prog = info.tx_prog;
	m->xdp_tx_prog = info.xdp_tx_prog;
	return 0;
}

/*
 * The program of a monitor's clsact filter (our handle and priority) on the
 * ingress hook, or 0.  Usually there is none, or no clsact qdisc at all,
 * and libbpf would print the kernel's complaint about it as a warning.
 */
static __u32 clsact_monitor(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XS_MON_TC_HANDLE,
		    .priority = XS_MON_TC_PRIO);
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	int err;

	err = bpf_tc_query(&hook, &opts);
	libbpf_set_print(old);
	return err ? 0 : opts.prog_id;
}

int xs_montap_find_monitor(int ifindex, struct xs_montap_mon *m)
{
	__u32 ids[MAX_TCX_PROGS], cnt = MAX_TCX_PROGS, i, id;

	if (!bpf_prog_query(ifindex, XS_BPF_TCX_INGRESS, 0, NULL, ids, &cnt)) {
		for (i = 0; i < cnt && i < MAX_TCX_PROGS; i++)
			if (!monitor_of(ids[i], m))
				return 0;
	}
	id = clsact_monitor(ifindex);
	if (id && !monitor_of(id, m))
		return 0;
	return -ENOENT;
}

/* ---- a monitor keeping itself plugged in ---- */

void xs_montap_watch_init(struct xs_montap_watch *w, int ifindex,
			  const struct xs_montap_mon *m)
{
	memset(w, 0, sizeof(*w));
	w->ifindex = ifindex;
	w->m = *m;
	hook_init(&w->h);
}

bool xs_montap_watch_update(struct xs_montap_watch *w)
{
	enum xs_montap_state was = w->state;
	__u32 id = 0, busy = 0;
	int err;

	if (bpf_xdp_query_id(w->ifindex, 0, &id))
		id = 0;
	/*
	 * The same program: plugged in stays plugged in (a sender may also
	 * have done it for us, which the next look finds).  Busy, try again:
	 * the other monitor may have gone.
	 */
	if (id == w->xdp_prog && w->state != XS_MONTAP_BUSY &&
	    w->state != XS_MONTAP_FAILED && (!id || w->h.tap))
		return false;
	if (id != w->xdp_prog) {
		xs_montap_unplug(&w->h, w->m.owner);
		xs_montap_hook_close(&w->h);
	}
	w->xdp_prog = id;
	w->err = 0;
	w->busy = 0;
	if (!id) {
		w->state = XS_MONTAP_NONE;
		return w->state != was;
	}
	if (!w->h.tap) {
		err = xs_montap_hook_open(w->ifindex, &w->h);
		if (err == -ENOENT) {
			/* Someone else's XDP program: nothing to plug into. */
			w->state = XS_MONTAP_NONE;
			return w->state != was;
		}
		if (err == -EPROTO) {
			w->state = XS_MONTAP_OLD;
			return w->state != was;
		}
		if (err) {
			w->state = XS_MONTAP_FAILED;
			w->err = err;
			return w->state != was;
		}
		/* It may have changed between the query and the open. */
		w->xdp_prog = w->h.xdp_prog;
	}
	err = xs_montap_plug(&w->h, &w->m, &busy);
	if (err == -EBUSY) {
		w->busy = busy;
		w->state = XS_MONTAP_BUSY;
		xs_montap_hook_close(&w->h);
		return w->state != was;
	}
	if (err) {
		w->err = err;
		w->state = XS_MONTAP_FAILED;
		xs_montap_hook_close(&w->h);
		return w->state != was;
	}
	w->state = XS_MONTAP_PLUGGED;
	return true;
}

void xs_montap_watch_stop(struct xs_montap_watch *w)
{
	struct xs_montap_hook now;

	if (!w->m.owner)
		return;
	xs_montap_unplug(&w->h, w->m.owner);
	xs_montap_hook_close(&w->h);
	/* A sender may have plugged us into a program we have not seen. */
	if (!xs_montap_hook_open(w->ifindex, &now)) {
		xs_montap_unplug(&now, w->m.owner);
		xs_montap_hook_close(&now);
	}
	w->state = XS_MONTAP_NONE;
	w->xdp_prog = 0;
	w->m.owner = 0;
}

/* ---- the senders' tap ---- */

struct xs_montap {
	struct xs_montap_hook h; /* tap only: the program array is closed */
	pthread_mutex_t mu; /* what follows, and the test runs */
	__u32 tx_id; /* the program tx_fd is for */
	int tx_fd;
	__u32 owner; /* its monitor's ingress program */
	__u32 dead_tx; /* a tx_prog whose monitor is gone */
	__u64 check_ns; /* next look at whether owner lives */
};

int xs_montap_open(int ifindex, struct xs_montap **out)
{
	struct xs_montap_mon m;
	struct xs_montap *t;
	__u32 cur;
	int err;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	err = xs_montap_hook_open(ifindex, &t->h);
	if (err) {
		free(t);
		return err;
	}
	pthread_mutex_init(&t->mu, NULL);
	t->tx_fd = -1;
	cur = __atomic_load_n(&t->h.tap->owner, __ATOMIC_ACQUIRE);
	if ((!cur || !xs_montap_alive(cur)) &&
	    !xs_montap_find_monitor(ifindex, &m))
		xs_montap_plug(&t->h, &m, NULL);
	/*
	 * Holding the program array would keep a killed monitor's program
	 * in it (the kernel clears it when the last user reference goes).
	 */
	close_fd(&t->h.prog_fd);
	*out = t;
	return 0;
}

/* The monitor behind tx is gone: stop feeding it, and tell the filter. */
static void tap_gone(struct xs_montap *t, __u32 tx)
{
	t->dead_tx = tx;
	t->tx_id = 0;
	close_fd(&t->tx_fd);
	/* Only if nobody plugged in a new one meanwhile. */
	__atomic_compare_exchange_n(&t->h.tap->tx_prog, &tx, 0, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static void tap_frame(struct xs_montap *t, __u32 tx, const void *frame,
		      size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len);
	__u64 now = xs_mono_ns();

	if (tx == t->dead_tx)
		return;
	if (tx != t->tx_id) {
		close_fd(&t->tx_fd);
		t->tx_id = tx;
		/* Written before tx_prog, so this is tx's owner or newer. */
		t->owner = __atomic_load_n(&t->h.tap->owner, __ATOMIC_ACQUIRE);
		t->check_ns = 0;
		t->tx_fd = bpf_prog_get_fd_by_id(tx);
		if (t->tx_fd < 0) {
			tap_gone(t, tx);
			return;
		}
	}
	/* Our fd keeps the program alive; the monitor is its owner. */
	if (now >= t->check_ns) {
		if (!xs_montap_alive(t->owner)) {
			tap_gone(t, tx);
			return;
		}
		t->check_ns = now + OWNER_CHECK_NS;
	}
	/* The monitor counts what it gets; a failed run is its loss. */
	bpf_prog_test_run_opts(t->tx_fd, &opts);
}

void xs_montap_frame(void *tap, const void *frame, size_t len)
{
	struct xs_montap *t = tap;
	__u32 tx;

	if (!t)
		return;
	/* With nobody plugged in, this load is all a frame costs. */
	tx = __atomic_load_n(&t->h.tap->tx_prog, __ATOMIC_ACQUIRE);
	if (!tx)
		return;
	pthread_mutex_lock(&t->mu);
	tap_frame(t, tx, frame, len);
	pthread_mutex_unlock(&t->mu);
}

void xs_montap_close(struct xs_montap *t)
{
	if (!t)
		return;
	close_fd(&t->tx_fd);
	xs_montap_hook_close(&t->h);
	pthread_mutex_destroy(&t->mu);
	free(t);
}
