/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One route lookup (RTM_GETROUTE, as `ip route get`); the IPv4 route
 * tables in one dump (for user/core/route.c's longest-prefix
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

/* ---- one route, as the kernel picks it ---- */

struct route_res {
	bool found;
	bool from_fib;
	bool via_other_family;
	uint8_t type;
	int oif;
	uint32_t gateway;
	uint32_t prefsrc;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_res *r = data;
	const struct rtmsg *rtm;
	struct attr_tab t;
	uint32_t table, v;

	if (nlh->nlmsg_type != RTM_NEWROUTE || r->found)
		return MNL_CB_OK;
	if (attr_parse(nlh, sizeof(*rtm), &t))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	r->found = true;
	r->type = rtm->rtm_type;
	/*
	 * A lookup constrained by an output interface that matches no FIB
	 * entry does not fail: the kernel assumes the destination is on-link
	 * there (ip_route_output_key_hash_rcu, "routing tables are wrong")
	 * and answers without a table.  Only a real FIB match has one.
	 */
	if (!attr_u32(t.tb[RTA_TABLE], &table))
		table = rtm->rtm_table;
	r->from_fib = table != RT_TABLE_UNSPEC;
	if (attr_u32(t.tb[RTA_OIF], &v))
		r->oif = (int)v;
	attr_u32(t.tb[RTA_GATEWAY], &r->gateway);
	attr_u32(t.tb[RTA_PREFSRC], &r->prefsrc);
	/* RFC 5549: an IPv4 route via an IPv6 next hop, which ARP cannot use. */
	if (t.tb[RTA_VIA] && !r->gateway)
		r->via_other_family = true;
	return MNL_CB_OK;
}

/* `ip route get daddr [oif ifindex]`.  ifindex 0: unconstrained. */
static int route_get(struct nl_ctx *c, int ifindex, uint32_t daddr,
		     struct route_res *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int err;

	memset(r, 0, sizeof(*r));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	/*
	 * Report the table of the FIB entry that matched, 0 if none did;
	 * without this flag the kernel says "main" either way.
	 */
	rtm->rtm_flags = RTM_F_LOOKUP_TABLE;
	mnl_attr_put(nlh, RTA_DST, sizeof(daddr), &daddr);
	if (ifindex)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	err = nl_talk(c, nlh, route_cb, r);
	/*
	 * "unreachable" and "prohibit" routes answer EHOSTUNREACH and
	 * EACCES: for us they are no route either.
	 */
	if (err == -EHOSTUNREACH || err == -EACCES)
		err = -ENETUNREACH;
	if (!err && !r->found)
		err = -ENETUNREACH;
	return err;
}

int xs_nl_route(int ifindex, uint32_t daddr, uint32_t *nexthop,
		uint32_t *prefsrc)
{
	struct nl_ctx c = { 0 };
	struct route_res r;
	int err;

	if (ifindex <= 0 || !daddr || !nexthop)
		return -EINVAL;
	err = nl_open(&c);
	if (err)
		return err;

	/*
	 * Constrained to the interface the user picked, so that a route
	 * through it is found even where another one would win without the
	 * constraint (a second default route with a higher metric, say).
	 */
	err = route_get(&c, ifindex, daddr, &r);
	if (err)
		goto out;
	if (!r.from_fib) {
		/*
		 * Nothing in the FIB leads there through ifindex.  Ask again
		 * without the constraint to tell "no route at all" from "a
		 * route through another interface"; an on-link guess is not
		 * a route.
		 */
		err = route_get(&c, 0, daddr, &r);
		if (err)
			goto out;
	}
	/* A local address leaves through lo. */
	if (r.type == RTN_LOCAL || r.oif != ifindex) {
		err = -EXDEV;
		goto out;
	}
	/* Broadcast, multicast...: no single host to shake hands with. */
	if (r.type != RTN_UNICAST) {
		err = -EINVAL;
		goto out;
	}
	if (r.via_other_family) {
		err = -EAFNOSUPPORT;
		goto out;
	}
	*nexthop = r.gateway ? r.gateway : daddr;
	if (prefsrc)
		*prefsrc = r.prefsrc;
out:
	nl_close(&c);
	return err;
}
