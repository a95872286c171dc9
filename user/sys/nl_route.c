/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One route lookup (RTM_GETROUTE, as `ip route get`, IPv4 or IPv6); the
 * IPv4 and IPv6 route tables in one dump each (for user/core/route.c's longest-prefix
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
static int dump_multipath(struct dump_req *d, struct xs_route *r, int family,
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
		r->gateway = (struct xs_addr){ 0 };
		r->via_other_family = false;
		for (a = (const struct nlattr *)(p + RTNH_ALIGN(sizeof(*nh)));
		     mnl_attr_ok(a,
				 (int)((p + nh->rtnh_len) - (const char *)a));
		     a = mnl_attr_next(a)) {
			if (mnl_attr_get_type(a) == RTA_GATEWAY)
				attr_addr(a, family, &r->gateway);
			else if (mnl_attr_get_type(a) == RTA_VIA)
				r->via_other_family = true;
		}
		if (!xs_addr_is_zero(&r->gateway))
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
	int err = 0, fam;

	if (nlh->nlmsg_type != RTM_NEWROUTE || d->err ||
	    attr_parse(nlh, sizeof(*rtm), &t))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	fam = rtm->rtm_family;
	if ((fam != AF_INET && fam != AF_INET6) ||
	    rtm->rtm_dst_len > (fam == AF_INET ? 32 : 128) ||
	    (rtm->rtm_flags & RTNH_F_DEAD))
		return MNL_CB_OK;
	r.len = rtm->rtm_dst_len;
	r.type = rtm->rtm_type;
	if (!attr_u32(t.tb[RTA_TABLE], &r.table))
		r.table = rtm->rtm_table;
	/* A default route has no RTA_DST: 0.0.0.0 or ::. */
	if (!attr_addr(t.tb[RTA_DST], fam, &r.dst) && fam == AF_INET)
		r.dst = xs_addr_v4(0);
	attr_u32(t.tb[RTA_PRIORITY], &r.priority);
	attr_addr(t.tb[RTA_PREFSRC], fam, &r.prefsrc);
	if (t.tb[RTA_MULTIPATH]) {
		err = dump_multipath(d, &r, fam, t.tb[RTA_MULTIPATH]);
	} else {
		if (attr_u32(t.tb[RTA_OIF], &v))
			r.oif = (int)v;
		attr_addr(t.tb[RTA_GATEWAY], fam, &r.gateway);
		r.via_other_family = t.tb[RTA_VIA] &&
				     xs_addr_is_zero(&r.gateway);
		err = dump_push(d, &r);
	}
	if (err)
		d->err = err;
	return MNL_CB_OK;
}

static int route_dump_family(struct nl_ctx *c, struct dump_req *d, int family)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int err;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	/* Every table: route.c keeps those the default rules use. */
	rtm->rtm_table = RT_TABLE_UNSPEC;
	err = nl_talk(c, nlh, dump_route_cb, d);
	/* IPv6 disabled (ipv6.disable=1): no IPv6 routes, not an error. */
	if (family == AF_INET6 && err == -EAFNOSUPPORT)
		err = 0;
	return err ? err : d->err;
}

int xs_nl_route_dump(struct xs_route **out, size_t *n)
{
	struct dump_req d = { 0 };
	struct nl_ctx c = { 0 };
	int err;

	if (!out || !n)
		return -EINVAL;
	err = nl_open(&c);
	if (err)
		return err;
	err = route_dump_family(&c, &d, AF_INET);
	if (!err)
		err = route_dump_family(&c, &d, AF_INET6);
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
	if (frh->family != AF_INET && frh->family != AF_INET6)
		return MNL_CB_OK;
	if (!attr_u32(t.tb[FRA_TABLE], &table))
		table = frh->table;
	attr_u32(t.tb[FRA_PRIORITY], &prio);
	/* The rules every namespace starts with (IPv6 has no default one,
	 * and a 32767 rule of its is counted as the default too). */
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
	/* AF_UNSPEC: the rules of every family, in one dump. */
	frh->family = AF_UNSPEC;
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
	if (mnl_socket_bind(w->sock,
			    RTMGRP_IPV4_ROUTE | RTMGRP_IPV4_RULE |
				    RTMGRP_IPV6_ROUTE |
				    1u << (RTNLGRP_IPV6_RULE - 1),
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
	int family;
	int oif;
	struct xs_addr gateway;
	struct xs_addr prefsrc;
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
	 * entry does not fail in IPv4: the kernel assumes the destination is
	 * on-link there (ip_route_output_key_hash_rcu, "routing tables are
	 * wrong") and answers without a table.  Only a real FIB match has
	 * one.  IPv6 answers such a lookup with ENETUNREACH instead.
	 */
	if (!attr_u32(t.tb[RTA_TABLE], &table))
		table = rtm->rtm_table;
	r->from_fib = table != RT_TABLE_UNSPEC;
	if (attr_u32(t.tb[RTA_OIF], &v))
		r->oif = (int)v;
	attr_addr(t.tb[RTA_GATEWAY], r->family, &r->gateway);
	attr_addr(t.tb[RTA_PREFSRC], r->family, &r->prefsrc);
	/* RFC 5549: an IPv4 route via an IPv6 next hop, which ARP cannot use
	 * (or the other way round). */
	if (t.tb[RTA_VIA] && xs_addr_is_zero(&r->gateway))
		r->via_other_family = true;
	return MNL_CB_OK;
}

/* `ip route get daddr [oif ifindex]`.  ifindex 0: unconstrained. */
static int route_get(struct nl_ctx *c, int ifindex, const struct xs_addr *daddr,
		     struct route_res *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	bool v4 = xs_addr_is_v4(daddr);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int err;

	memset(r, 0, sizeof(*r));
	r->family = v4 ? AF_INET : AF_INET6;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)r->family;
	rtm->rtm_dst_len = v4 ? 32 : 128;
	/*
	 * Report the table of the FIB entry that matched, 0 if none did;
	 * without this flag the kernel says "main" either way.
	 */
	rtm->rtm_flags = RTM_F_LOOKUP_TABLE;
	attr_put_addr(nlh, RTA_DST, daddr);
	if (ifindex)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	err = nl_talk(c, nlh, route_cb, r);
	/*
	 * "unreachable" and "prohibit" routes answer EHOSTUNREACH and
	 * EACCES (IPv6's blackhole EINVAL, its "no route" ENETUNREACH): for
	 * us they are no route either.
	 */
	if (err == -EHOSTUNREACH || err == -EACCES || (!v4 && err == -EINVAL))
		err = -ENETUNREACH;
	if (!err && !r->found)
		err = -ENETUNREACH;
	return err;
}

/* The answers no route lookup needs (as xs_rtable_lookup()). */
static bool no_host(const struct xs_addr *a)
{
	static const struct xs_addr loop6 = { .b = { [15] = 1 } };

	if (xs_addr_is_v4(a))
		return !xs_addr_get_v4(a);
	return xs_addr_is_zero(a) || xs_addr_eq(a, &loop6) || a->b[0] == 0xff;
}

int xs_nl_route(int ifindex, const struct xs_addr *daddr,
		struct xs_addr *nexthop, struct xs_addr *prefsrc)
{
	struct nl_ctx c = { 0 };
	struct route_res r;
	int err;

	if (ifindex <= 0 || !daddr || !nexthop)
		return -EINVAL;
	if (no_host(daddr))
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
	if (err == -ENETUNREACH && !xs_addr_is_v4(daddr))
		r.from_fib = false;
	else if (err)
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
	/* Broadcast, multicast, anycast...: no single host to shake hands
	 * with. */
	if (r.type != RTN_UNICAST) {
		err = -EINVAL;
		goto out;
	}
	if (r.via_other_family) {
		err = -EAFNOSUPPORT;
		goto out;
	}
	*nexthop = xs_addr_is_zero(&r.gateway) ? *daddr : r.gateway;
	if (prefsrc)
		*prefsrc = r.prefsrc;
out:
	nl_close(&c);
	return err;
}
