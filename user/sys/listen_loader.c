// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdpshake listen`'s BPF side: skeleton lifecycle, bpf_link, pins.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "listen_loader.h"
#include "loader.h"
#include "montap.h"
#include "tc.h"
#include "listen.skel.h"
#include "listen_tc.skel.h"

static const char *const lstat_names[XS_LSTAT_MAX] = {
	[XS_LSTAT_FRAMES] = "frames",
	[XS_LSTAT_SYN] = "syn",
	[XS_LSTAT_SYNACK_TX] = "synack_tx",
	[XS_LSTAT_ACK_VALID] = "ack_valid",
	[XS_LSTAT_BAD_COOKIE] = "bad_cookie",
	[XS_LSTAT_RST] = "rst",
	[XS_LSTAT_DATA] = "data",
	[XS_LSTAT_FIN] = "fin",
	[XS_LSTAT_CLOSING] = "closing",
	[XS_LSTAT_PASSED] = "passed",
	[XS_LSTAT_MALFORMED] = "malformed",
	[XS_LSTAT_UNSUPPORTED] = "unsupported",
	[XS_LSTAT_TX_FAILED] = "tx_failed",
};

_Static_assert(sizeof(struct xs_prot_stats) ==
		       (XS_PROT_MAX + 1) * sizeof(__u64),
	       "struct xs_prot_stats: the list's counters and rtt_samples");

_Static_assert(offsetof(struct xs_listen_stats, t) ==
			       XS_LSTAT_NCOUNTERS * sizeof(__u64) &&
		       sizeof(struct xs_listen_stats) ==
			       offsetof(struct xs_listen_stats, t) +
				       sizeof(struct xs_listen_times),
	       "struct xs_listen_stats: the enum's counters, rtt_samples and "
	       "the times");

const char *xs_lstat_name(enum xs_lstat id)
{
	return id < XS_LSTAT_MAX ? lstat_names[id] : "?";
}

static const struct {
	const char *pin;
	size_t off; /* of the fd in struct xs_listen_maps */
	bool optional; /* --protect's: absent without it */
	__u32 key_size, value_size; /* this build's: others are refused */
} lpins[] = {
	{ XS_PIN_LSTATS, offsetof(struct xs_listen_maps, stats_fd), false,
	  sizeof(__u32), sizeof(struct xs_listen_stats) },
	{ XS_PIN_LSRC, offsetof(struct xs_listen_maps, src_fd), false,
	  sizeof(struct xs_listen_src_key), sizeof(struct xs_listen_src) },
	{ XS_PIN_LRTT, offsetof(struct xs_listen_maps, rtt_fd), false,
	  sizeof(__u32), sizeof(struct xs_rtt_hist) },
	{ XS_PIN_LPROT, offsetof(struct xs_listen_maps, prot_fd), true,
	  sizeof(__u32), sizeof(struct xs_prot_stats) },
	{ XS_PIN_LADDR, offsetof(struct xs_listen_maps, addr_fd), false,
	  sizeof(__u32), sizeof(struct xs_listen_addrs) },
};
#define NPINS (sizeof(lpins) / sizeof(lpins[0]))

static int *map_fd(struct xs_listen_maps *m, size_t i)
{
	return (int *)((char *)m + lpins[i].off);
}

static void maps_reset(struct xs_listen_maps *m)
{
	size_t i;

	for (i = 0; i < NPINS; i++)
		*map_fd(m, i) = -1;
}

static int pin_name(const char *dir, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void unpin(const char *dir)
{
	char p[PATH_MAX];
	size_t i;

	for (i = 0; i < NPINS; i++)
		if (!pin_name(dir, lpins[i].pin, p, sizeof(p)))
			unlink(p);
	xs_pindir_prune(dir);
}

static int pin(struct xs_listener *l)
{
	char p[PATH_MAX];
	size_t i;
	int err;

	err = xs_mkdir_p(l->pindir);
	for (i = 0; !err && i < NPINS; i++) {
		if (*map_fd(&l->m, i) < 0)
			continue; /* --protect's, without it */
		err = pin_name(l->pindir, lpins[i].pin, p, sizeof(p));
		if (!err && bpf_obj_pin(*map_fd(&l->m, i), p))
			err = -errno;
	}
	if (err)
		unpin(l->pindir);
	else
		l->pinned = true;
	return err;
}

/* Refuse what is in the way; clear what a killed listen left. */
static int check_free(const struct xs_listen_opts *o, const char *dir,
		      __u32 *owner_id)
{
	char p[PATH_MAX];
	__u32 id = 0;

	if (!pin_name(dir, XS_PIN_LINK_XDP, p, sizeof(p)) && !access(p, F_OK))
		return -EBUSY;
	if (!bpf_xdp_query_id(o->ifindex, 0, &id) && id) {
		if (owner_id)
			*owner_id = id;
		return -EEXIST;
	}
	/* No XDP program: listen pins here are a killed run's counters. */
	unpin(dir);
	return 0;
}

/* The monitor hook's way back (XS_MON_SLOT_XDP_IN): xs_listen_next. */
static int set_next(struct listen_bpf *skel)
{
	struct bpf_prog_info pi = {};
	struct xs_mon_tap tap = {};
	__u32 len = sizeof(pi), key = 0;

	if (bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.xs_listen_next),
				   &pi, &len))
		return -errno;
	tap.next_prog = pi.id;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.xs_mon_tap), &key, &tap,
				BPF_ANY))
		return -errno;
	return 0;
}

/*
 * A monitor already watching the interface sees our frames from the first
 * one (it would find us only at its next look, a second later).
 */
static void plug_monitor(int ifindex)
{
	struct xs_montap *t;

	if (!xs_montap_open(ifindex, &t))
		xs_montap_close(t);
}

static int load_attach(const struct xs_listen_opts *o, struct xs_listener *l)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	int err;

	l->skel = listen_bpf__open();
	if (!l->skel)
		return -errno;
	memcpy((void *)&l->skel->rodata->cfg, &o->cfg, sizeof(o->cfg));
	err = listen_bpf__load(l->skel);
	if (err)
		return err;
	l->m.stats_fd = bpf_map__fd(l->skel->maps.xs_lstats);
	l->m.src_fd = bpf_map__fd(l->skel->maps.xs_lsrc);
	l->m.rtt_fd = bpf_map__fd(l->skel->maps.xs_lrtt);
	l->m.addr_fd = bpf_map__fd(l->skel->maps.xs_laddr);
	if (bpf_map_update_elem(l->m.addr_fd, &(__u32){ 0 }, &o->addrs,
				BPF_ANY))
		return -errno;
	err = set_next(l->skel);
	if (err)
		return err;
	lo.flags = o->mode == XS_MODE_SKB ? XDP_FLAGS_SKB_MODE :
					    XDP_FLAGS_DRV_MODE;
	l->link_fd = bpf_link_create(bpf_program__fd(l->skel->progs.xs_listen),
				     o->ifindex, BPF_XDP, &lo);
	return l->link_fd < 0 ? -errno : 0;
}

/*
 * --protect: the TC ingress half, with the same configuration (the cookie
 * key above all) and the XDP half's source table and RTT histogram (the
 * handshakes TC completes are counted there), on a tcx link that goes
 * with the process.
 */
static int load_protect(const struct xs_listen_opts *o, struct xs_listener *l)
{
	int err;

	l->tc = listen_tc_bpf__open();
	if (!l->tc)
		return -errno;
	memcpy((void *)&l->tc->rodata->cfg, &o->cfg, sizeof(o->cfg));
	err = bpf_map__reuse_fd(l->tc->maps.xs_lsrc, l->m.src_fd);
	if (!err)
		err = bpf_map__reuse_fd(l->tc->maps.xs_lrtt, l->m.rtt_fd);
	if (!err)
		err = bpf_map__reuse_fd(l->tc->maps.xs_laddr, l->m.addr_fd);
	if (!err)
		err = listen_tc_bpf__load(l->tc);
	if (err)
		return err;
	l->m.prot_fd = bpf_map__fd(l->tc->maps.xs_lprot);
	/* tcx only: a clsact filter would outlive a killed run. */
	return xs_tc_attach_prog(bpf_program__fd(l->tc->progs.xs_listen_tc),
				 o->ifindex, false, XS_TC_TCX, 0, 0,
				 &l->tc_link);
}

static const char *const prot_names[XS_PROT_MAX] = { XS_PROT_STAT_LIST(
	XS_PROT_STAT_NAME) };

const char *xs_prot_stat_name(enum xs_prot_stat id)
{
	return id < XS_PROT_MAX ? prot_names[id] : "?";
}

int xs_listen_read_prot(int fd, struct xs_prot_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (fd < 0)
		return 0;
	return xs_read_percpu_u64s(fd, (__u64 *)st,
				   sizeof(*st) / sizeof(__u64));
}

int xs_listen_attach(const struct xs_listen_opts *o, struct xs_listener *l,
		     __u32 *owner_id)
{
	int err, lock;

	memset(l, 0, sizeof(*l));
	l->link_fd = -1;
	l->tc_link.link_fd = -1;
	maps_reset(&l->m);
	err = xs_pindir(o->ifname, l->pindir, sizeof(l->pindir));
	if (err)
		return err;
	lock = xs_lock_root(XS_ROOT_LOCK_MS);
	if (lock < 0)
		return lock;
	err = check_free(o, l->pindir, owner_id);
	if (!err)
		err = load_attach(o, l);
	if (!err && o->cfg.protect)
		err = load_protect(o, l);
	if (!err)
		err = pin(l);
	xs_unlock_root(lock);
	if (!err)
		plug_monitor(o->ifindex);
	if (err)
		xs_listen_close(l);
	return err;
}

void xs_listen_close(struct xs_listener *l)
{
	int lock;

	/* XDP first: no SYN-ACK goes out whose ACK TC would not take. */
	if (l->link_fd >= 0)
		close(l->link_fd);
	l->link_fd = -1;
	if (l->tc)
		xs_tc_detach_prog(&l->tc_link);
	listen_tc_bpf__destroy(l->tc);
	l->tc = NULL;
	if (l->pinned) {
		lock = xs_lock_root(XS_ROOT_LOCK_MS);
		unpin(l->pindir);
		xs_unlock_root(lock);
		l->pinned = false;
	}
	listen_bpf__destroy(l->skel);
	l->skel = NULL;
	maps_reset(&l->m);
}

int xs_listen_open_pinned(const char *pindir, struct xs_listen_maps *m)
{
	char p[PATH_MAX];
	size_t i;
	int err;

	maps_reset(m);
	for (i = 0; i < NPINS; i++) {
		err = pin_name(pindir, lpins[i].pin, p, sizeof(p));
		if (err)
			break;
		*map_fd(m, i) = bpf_obj_get(p);
		if (*map_fd(m, i) < 0) {
			err = -errno;
			if (err == -ENOENT && lpins[i].optional) {
				err = 0;
				continue;
			}
			break;
		}
		if (!xs_map_sizes_are(*map_fd(m, i), lpins[i].key_size,
				      lpins[i].value_size)) {
			err = -EPROTO;
			break;
		}
	}
	if (err)
		xs_listen_maps_close(m);
	return err;
}

bool xs_listen_is_pinned(const char *pindir)
{
	char p[PATH_MAX];

	return !pin_name(pindir, XS_PIN_LSTATS, p, sizeof(p)) &&
	       !access(p, F_OK);
}

int xs_listen_unpin_stale(const char *dir, int ifindex)
{
	char p[PATH_MAX], name[64];
	bool any = false;
	__u32 id = 0;
	size_t i;

	for (i = 0; i < NPINS && !any; i++)
		any = !pin_name(dir, lpins[i].pin, p, sizeof(p)) &&
		      !access(p, F_OK);
	if (!any)
		return -ENOENT;
	if (ifindex > 0 && !bpf_xdp_query_id(ifindex, 0, &id) && id) {
		xs_prog_name(id, name, sizeof(name));
		if (!strcmp(name, "xs_listen"))
			return -EBUSY;
	}
	unpin(dir);
	return 0;
}

void xs_listen_maps_close(struct xs_listen_maps *m)
{
	size_t i;

	for (i = 0; i < NPINS; i++) {
		if (*map_fd(m, i) >= 0)
			close(*map_fd(m, i));
		*map_fd(m, i) = -1;
	}
}

int xs_listen_read_addrs(int fd, struct xs_listen_addrs *a)
{
	memset(a, 0, sizeof(*a));
	if (bpf_map_lookup_elem(fd, &(__u32){ 0 }, a))
		return -errno;
	if (a->n > XS_LISTEN_MAX_ADDRS)
		a->n = XS_LISTEN_MAX_ADDRS;
	return 0;
}

static void first_min(__u64 *o, __u64 v)
{
	if (v && (!*o || v < *o))
		*o = v;
}

static void last_max(__u64 *o, __u64 v)
{
	if (v > *o)
		*o = v;
}

/* One CPU's times into o: the earliest first, the latest last. */
static void times_merge(struct xs_listen_times *o,
			const struct xs_listen_times *c)
{
	first_min(&o->first_syn_ns, c->first_syn_ns);
	last_max(&o->last_syn_ns, c->last_syn_ns);
	first_min(&o->first_rst_ns, c->first_rst_ns);
	last_max(&o->last_rst_ns, c->last_rst_ns);
	first_min(&o->first_ack_ns, c->first_ack_ns);
	last_max(&o->last_ack_ns, c->last_ack_ns);
}

int xs_listen_read_stats(int fd, struct xs_listen_stats *st)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	struct xs_listen_stats *v;
	size_t j;

	if (ncpu < 0)
		return ncpu;
	/* A listen of another build: its values would be read out of step,
	 * CPU after CPU. */
	if (!xs_map_sizes_are(fd, sizeof(__u32), sizeof(*st)))
		return -EPROTO;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &(__u32){ 0 }, v)) {
		free(v);
		return -errno;
	}
	memset(st, 0, sizeof(*st));
	for (i = 0; i < ncpu; i++) {
		for (j = 0; j < XS_LSTAT_NCOUNTERS; j++)
			((__u64 *)st)[j] += ((__u64 *)&v[i])[j];
		times_merge(&st->t, &v[i].t);
	}
	free(v);
	return 0;
}

static int cmp_src(const void *a, const void *b)
{
	const struct xs_listen_src_row *x = a, *y = b;

	if (x->v.handshakes != y->v.handshakes)
		return x->v.handshakes < y->v.handshakes ? 1 : -1;
	return xs_addr_cmp_family(&x->addr, &y->addr);
}

/* The whole map (at most XS_LISTEN_SRC_MAX entries), sorted, cut to max. */
int xs_listen_top_sources(int fd, struct xs_listen_src_row *out, int max)
{
	struct xs_listen_src_key k, next, *prev = NULL;
	struct xs_listen_src_row *all;
	int n = 0, i;

	all = calloc(XS_LISTEN_SRC_MAX, sizeof(*all));
	if (!all)
		return -ENOMEM;
	while (n < XS_LISTEN_SRC_MAX &&
	       !bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &all[n].v))
			continue; /* evicted meanwhile */
		memcpy(all[n].addr.b, k.addr, sizeof(k.addr));
		n++;
	}
	qsort(all, n, sizeof(*all), cmp_src);
	for (i = 0; i < n && i < max; i++)
		out[i] = all[i];
	free(all);
	return i;
}
