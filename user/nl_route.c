/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The IPv4 route tables in one dump (for user/route.c's longest-prefix
 * match), the policy rules beside the default ones, and notifications of
 * route and rule changes, over rtnetlink with libmnl.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "nl.h"
#include "nl_priv.h"
#include "route.h"

struct dump_req {
	struct xs_route *r;
	size_t n, cap;
	int err;
};

static int dump_push(struct dump_req *d, const struct xs_route *r)
{
	struct xs_route *v;
	size_t cap;

	if (d->n == d->cap) {
		cap = d->cap ? 2 * d->cap : 64;
		v = realloc(d->r, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		d->r = v;
		d->cap = cap;
	}
	d->r[d->n++] = *r;
	return 0;
}

/* One route per next hop of an RTA_MULTIPATH (ECMP) route. */
static int dump_multipath(struct dump_req *d, struct xs_route *r,
			  const struct nlattr *mp)
{
	const char *p = mnl_attr_get_payload(mp);
	size_t left = mnl_attr_get_payload_len(mp);
	const struct rtnexthop *nh;
	const struct nlattr *a;
	int err;

	while (left >= sizeof(*nh)) {
		nh = (const struct rtnexthop *)p;
		if (nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > left)
			break;
		r->oif = nh->rtnh_ifindex;
		r->gateway = 0;
		r->via_other_family = false;
		for (a = (const struct nlattr *)(p + RTNH_ALIGN(sizeof(*nh)));
		     mnl_attr_ok(a,
				 (int)((p + nh->rtnh_len) - (const char *)a));
		     a = mnl_attr_next(a)) {
			if (mnl_attr_get_type(a) == RTA_GATEWAY)
				attr_u32(a, &r->gateway);
			else if (mnl_attr_get_type(a) == RTA_VIA)
				r->via_other_family = true;
		}
		if (r->gateway)
			r->via_other_family = false;
		if (!(nh->rtnh_flags & RTNH_F_DEAD)) {
			err = dump_push(d, r);
			if (err)
				return err;
		}
		if ((size_t)RTNH_ALIGN(nh->rtnh_len) >= left)
			break;
		left -= (size_t)RTNH_ALIGN(nh->rtnh_len);
		p += RTNH_ALIGN(nh->rtnh_len);
	}
	return 0;
}

static int dump_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_req *d = data;
	const struct rtmsg *rtm;
	struct xs_route r = { 0 };
	struct attr_tab t;
	uint32_t v;
	int err = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE || d->err ||
	    attr_parse(nlh, sizeof(*rtm), &t))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET || rtm->rtm_dst_len > 32 ||
	    (rtm->rtm_flags & RTNH_F_DEAD))
		return MNL_CB_OK;
	r.len = rtm->rtm_dst_len;
	r.type = rtm->rtm_type;
	if (!attr_u32(t.tb[RTA_TABLE], &r.table))
		r.table = rtm->rtm_table;
	if (attr_u32(t.tb[RTA_DST], &v))
		r.dst = ntohl(v);
	attr_u32(t.tb[RTA_PRIORITY], &r.priority);
	attr_u32(t.tb[RTA_PREFSRC], &r.prefsrc);
	if (t.tb[RTA_MULTIPATH]) {
		err = dump_multipath(d, &r, t.tb[RTA_MULTIPATH]);
	} else {
		if (attr_u32(t.tb[RTA_OIF], &v))
			r.oif = (int)v;
		attr_u32(t.tb[RTA_GATEWAY], &r.gateway);
		r.via_other_family = t.tb[RTA_VIA] && !r.gateway;
		err = dump_push(d, &r);
	}
	if (err)
		d->err = err;
	return MNL_CB_OK;
}

int xs_nl_route_dump(struct xs_route **out, size_t *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_req d = { 0 };
	struct nl_ctx c = { 0 };
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int err;

	if (!out || !n)
		return -EINVAL;
	err = nl_open(&c);
	if (err)
		return err;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	/* Every table: route.c keeps those the default rules use. */
	rtm->rtm_table = RT_TABLE_UNSPEC;
	err = nl_talk(&c, nlh, dump_route_cb, &d);
	if (!err)
		err = d.err;
	nl_close(&c);
	if (err) {
		free(d.r);
		return err;
	}
	*out = d.r;
	*n = d.n;
	return 0;
}

struct rule_req {
	unsigned int extra;
};

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_req *r = data;
	const struct fib_rule_hdr *frh;
	struct attr_tab t;
	uint32_t table, prio = 0;

	if (nlh->nlmsg_type != RTM_NEWRULE || attr_parse(nlh, sizeof(*frh), &t))
		return MNL_CB_OK;
	frh = mnl_nlmsg_get_payload(nlh);
	if (frh->family != AF_INET)
		return MNL_CB_OK;
	if (!attr_u32(t.tb[FRA_TABLE], &table))
		table = frh->table;
	attr_u32(t.tb[FRA_PRIORITY], &prio);
	/* The three rules every namespace starts with. */
	if ((prio == 0 && table == RT_TABLE_LOCAL) ||
	    (prio == 32766 && table == RT_TABLE_MAIN) ||
	    (prio == 32767 && table == RT_TABLE_DEFAULT))
		return MNL_CB_OK;
	r->extra++;
	return MNL_CB_OK;
}

int xs_nl_rules_extra(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rule_req r = { 0 };
	struct nl_ctx c = { 0 };
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;
	int err;

	err = nl_open(&c);
	if (err)
		return err;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETRULE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = AF_INET;
	err = nl_talk(&c, nlh, rule_cb, &r);
	nl_close(&c);
	return err ? err : (int)r.extra;
}

struct xs_nl_watch {
	struct mnl_socket *sock;
};

int xs_nl_watch_open(struct xs_nl_watch **out)
{
	struct xs_nl_watch *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!w->sock) {
		err = -errno;
		free(w);
		return err;
	}
	if (mnl_socket_bind(w->sock, RTMGRP_IPV4_ROUTE | RTMGRP_IPV4_RULE,
			    MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(w->sock);
		free(w);
		return err;
	}
	*out = w;
	return 0;
}

bool xs_nl_watch_changed(struct xs_nl_watch *w)
{
	char buf[NL_BUF_SIZE];
	bool changed = false;
	ssize_t n;

	if (!w)
		return false;
	/* Anything at all, or a lost notification (ENOBUFS), is a change:
	 * the caller dumps the table again. */
	while ((n = mnl_socket_recvfrom(w->sock, buf, sizeof(buf))) != 0) {
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		changed = true;
		if (n < 0 && errno != ENOBUFS && errno != EINTR)
			break;
	}
	return changed;
}

void xs_nl_watch_close(struct xs_nl_watch *w)
{
	if (!w)
		return;
	mnl_socket_close(w->sock);
	free(w);
}
