/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* `status`'s view of one interface, read from its pins (snapshot.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "snapshot.h"

static int pin_get(const char *dir, const char *name)
{
	char p[1100];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return bpf_obj_get(p);
}

/* bpf_obj_get_info_by_fd() of a pinned object.  0 or -errno. */
static int pinned_info(const char *dir, const char *name, void *info, __u32 len)
{
	int fd = pin_get(dir, name), err = 0;

	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, info, &len))
		err = -errno;
	close(fd);
	return err;
}

static int pinned_link(const char *dir, const char *name,
		       struct xs_link_desc *d)
{
	struct bpf_link_info info = {};
	int err = pinned_info(dir, name, &info, sizeof(info));

	if (err)
		return err;
	d->link_id = info.id;
	d->prog_id = info.prog_id;
	/* xdp and tcx link info both start with the ifindex. */
	d->ifindex = info.xdp.ifindex;
	return 0;
}

static int pinned_prog_id(const char *dir, const char *name, __u32 *id)
{
	struct bpf_prog_info info = {};
	int err = pinned_info(dir, name, &info, sizeof(info));

	if (!err)
		*id = info.id;
	return err;
}

static const char *xdp_mode_str(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (ifindex <= 0 || bpf_xdp_query(ifindex, 0, &q))
		return "unknown";
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "skb";
	case XDP_ATTACHED_HW:
		return "hw";
	case XDP_ATTACHED_MULTI:
		return "multi";
	default:
		return "none";
	}
}

static int cmp_conn_recent(const void *a, const void *b)
{
	const struct xs_conn_row *x = a, *y = b;

	return x->v.syn_ns < y->v.syn_ns ? 1 :
	       x->v.syn_ns > y->v.syn_ns ? -1 :
					   0;
}

static void read_conns(int fd, struct xs_snapshot *s)
{
	struct xs_conn_key k, next;
	void *prev = NULL;

	s->conns = calloc(XS_CONN_MAX, sizeof(*s->conns));
	if (!s->conns)
		return;
	while (s->nconns < XS_CONN_MAX &&
	       !bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &s->conns[s->nconns].v))
			continue;
		s->conns[s->nconns++].k = k;
	}
	qsort(s->conns, s->nconns, sizeof(*s->conns), cmp_conn_recent);
}

/* Whether the pins are of this build's layout (xs_layout_check()). */
static bool layout_ok(const char *dir)
{
	int cfg = pin_get(dir, XS_PIN_CFG);
	int stats = pin_get(dir, XS_PIN_STATS);
	int conns = pin_get(dir, XS_PIN_CONNS);
	bool ok = cfg >= 0 && stats >= 0 && conns >= 0 &&
		  !xs_layout_check(cfg, stats, conns);

	if (cfg >= 0)
		close(cfg);
	if (stats >= 0)
		close(stats);
	if (conns >= 0)
		close(conns);
	return ok;
}

int xs_snapshot_take(const char *dir, bool can_query, bool detail,
		     struct xs_snapshot *s)
{
	int fd;

	memset(s, 0, sizeof(*s));
	if (pinned_link(dir, XS_PIN_LINK_XDP, &s->xdp))
		return -ENOENT;
	s->tc_method = "none";
	if (!pinned_link(dir, XS_PIN_LINK_TC, &s->tc))
		s->tc_method = "tcx";
	else if (!pinned_prog_id(dir, XS_PIN_PROG_TC, &s->tc.prog_id))
		s->tc_method = "clsact";
	s->mode = can_query ? xdp_mode_str(s->xdp.ifindex) : "unknown";
	/* Maps of another layout would be misread: show only the links. */
	s->other_layout = !layout_ok(dir);
	if (s->other_layout)
		return 0;
	fd = pin_get(dir, XS_PIN_CFG);
	if (fd >= 0) {
		xs_read_cfg(fd, &s->cfg);
		close(fd);
	}
	if (!detail)
		return 0;
	fd = pin_get(dir, XS_PIN_STATS);
	if (fd >= 0) {
		s->have_stats = !xs_read_stats(fd, &s->st);
		close(fd);
	}
	fd = pin_get(dir, XS_PIN_RTT);
	if (fd >= 0) {
		s->have_rtt = !xs_read_rtt(fd, &s->rtt);
		close(fd);
	}
	fd = pin_get(dir, XS_PIN_SOCKSTAT);
	if (fd >= 0) {
		s->have_sock = !xs_read_sockstat(fd, &s->sock);
		close(fd);
	}
	fd = pin_get(dir, XS_PIN_CONNS);
	if (fd >= 0) {
		read_conns(fd, s);
		close(fd);
	}
	return 0;
}
