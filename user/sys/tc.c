/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One TC program on one hook of an interface: a tcx link, or a classic
 * direct-action clsact filter (created, found and removed over rtnetlink).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tc.h"

/* Not in Debian bookworm's uapi headers; stable kernel ABI since 6.6. */
#define XS_BPF_TCX_INGRESS 46
#define XS_BPF_TCX_EGRESS 47

/* Bounds a dump exchange that never ends (the kernel ends it at once). */
#define XS_NL_MAX_RECV 256
#define XS_NL_BUF_SIZE 32768

struct tc_count {
	int ifindex;
	int n;
};

static int count_filters_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tc_count *c = data;

	if (nlh->nlmsg_type == RTM_NEWTFILTER)
		c->n++;
	return MNL_CB_OK;
}

static int count_clsact_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct tc_count *c = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWQDISC || tcm->tcm_ifindex != c->ifindex)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*tcm))
	{
		if (mnl_attr_get_type(a) == TCA_KIND &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING) &&
		    !strcmp(mnl_attr_get_str(a), "clsact"))
			c->n++;
	}
	return MNL_CB_OK;
}

/*
 * One rtnetlink dump of tc objects (RTM_GETTFILTER or RTM_GETQDISC) for
 * ifindex under parent, counted by cb into c->n.  0 or -errno.  libbpf
 * cannot list tc objects, so this asks rtnetlink itself.
 */
static int tc_dump(__u16 type, int ifindex, __u32 parent, mnl_cb_t cb,
		   struct tc_count *c)
{
	char *buf = malloc(XS_NL_BUF_SIZE);
	struct mnl_socket *nl = NULL;
	unsigned int seq = 1, portid;
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;
	int i, ret = -EIO;
	ssize_t len;

	c->ifindex = ifindex;
	c->n = 0;
	if (!buf)
		return -ENOMEM;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	for (i = 0; i < XS_NL_MAX_RECV; i++) {
		len = mnl_socket_recvfrom(nl, buf, XS_NL_BUF_SIZE);
		if (len < 0) {
			ret = -errno;
			goto out;
		}
		ret = mnl_cb_run(buf, len, seq, portid, cb, c);
		if (ret < 0) {
			ret = errno ? -errno : -EPROTO;
			goto out;
		}
		if (ret == MNL_CB_STOP) {
			ret = 0;
			goto out;
		}
	}
	ret = -EIO;
out:
	if (nl)
		mnl_socket_close(nl);
	free(buf);
	return ret;
}

/* Entries on one hook of the clsact qdisc (what `tc filter show dev IF
 * ingress|egress` lists): >= 0, or -errno. */
static int clsact_hook_filters(int ifindex, bool egress)
{
	struct tc_count c;
	int err;

	err = tc_dump(RTM_GETTFILTER, ifindex,
		      TC_H_MAKE(TC_H_CLSACT,
				egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS),
		      count_filters_cb, &c);
	return err ? err : c.n;
}

/*
 * Is there a clsact qdisc on ifindex?  Asked first so that we never ask
 * the kernel to create one that exists: that fails, harmlessly, but libbpf
 * prints the kernel's "Exclusivity flag on" message on every start.
 */
static bool clsact_exists(int ifindex)
{
	struct tc_count c;

	return !tc_dump(RTM_GETQDISC, ifindex, 0, count_clsact_cb, &c) &&
	       c.n > 0;
}

static void clsact_remove_if_empty(int ifindex);

/* The guard's filter on egress: our handle and priority, and its program. */
/* A filter on one hook by its handle and priority, and its program. */
struct guard_find {
	struct tc_count c; /* first: tc_dump() hands the callback &c */
	__u32 handle, prio;
	__u32 prog_id; /* 0 if there is no such filter */
};

static int guard_find_cb(const struct nlmsghdr *nlh, void *data)
{
	struct guard_find *g = data;
	const struct tcmsg *tcm;
	struct nlattr *a, *na;

	if (nlh->nlmsg_type != RTM_NEWTFILTER ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*tcm))
		return MNL_CB_OK;
	tcm = mnl_nlmsg_get_payload(nlh);
	/* tcm_info: priority in the upper 16 bits, protocol below. */
	if (tcm->tcm_ifindex != g->c.ifindex || tcm->tcm_handle != g->handle ||
	    TC_H_MAJ(tcm->tcm_info) >> 16 != g->prio)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*tcm))
	{
		if (mnl_attr_get_type(a) != TCA_OPTIONS)
			continue;
		mnl_attr_for_each_nested(na, a)
		{
			if (mnl_attr_get_type(na) == TCA_BPF_ID &&
			    mnl_attr_get_payload_len(na) >= sizeof(__u32))
				g->prog_id = mnl_attr_get_u32(na);
		}
	}
	return MNL_CB_OK;
}

/*
 * Remove our guard's clsact filter from the egress hook of ifindex: the
 * one with XS_TC_HANDLE and XS_TC_PRIO whose program is xs_tc_guard, so a
 * stranger's filter that happens to use the same numbers stays.  Then the
 * clsact qdisc goes too if nothing else is left on it: a killed run cannot
 * tell whether it created the qdisc, and an empty one does nothing.
 * Call only when no live run or load owns the interface.
 * Returns 1 if a filter was removed, 0 if there was none, or -errno.
 */
/* The program of the filter with handle and prio on a hook of ifindex
 * in *prog_id (0: none).  0 or -errno. */
static int filter_prog(int ifindex, bool egress, __u32 handle, __u32 prio,
		       __u32 *prog_id)
{
	struct guard_find g = { .handle = handle, .prio = prio };
	int err;

	err = tc_dump(RTM_GETTFILTER, ifindex,
		      TC_H_MAKE(TC_H_CLSACT,
				egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS),
		      guard_find_cb, &g.c);
	*prog_id = err ? 0 : g.prog_id;
	return err;
}

int xs_tc_guard_id(int ifindex, __u32 *prog_id)
{
	return filter_prog(ifindex, true, XS_TC_HANDLE, XS_TC_PRIO, prog_id);
}

int xs_tc_remove_stale(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XS_TC_HANDLE,
		    .priority = XS_TC_PRIO);
	char name[BPF_OBJ_NAME_LEN];
	__u32 id;
	int err;

	err = xs_tc_guard_id(ifindex, &id);
	if (err || !id)
		return err;
	xs_prog_name(id, name, sizeof(name));
	if (strcmp(name, "xs_tc_guard"))
		return 0;
	err = bpf_tc_detach(&hook, &opts);
	if (err)
		return err;
	clsact_remove_if_empty(ifindex);
	return 1;
}

/*
 * Remove the clsact qdisc of ifindex if neither hook holds a filter: one we
 * created must not outlive us, but must not take others' filters with it
 * (destroying the qdisc flushes both hooks).  Anything unclear keeps it.
 */
static void clsact_remove_if_empty(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

	if (clsact_hook_filters(ifindex, false) == 0 &&
	    clsact_hook_filters(ifindex, true) == 0)
		bpf_tc_hook_destroy(&hook);
}

int xs_tc_attach_prog(int prog_fd, int ifindex, bool egress,
		      enum xs_tc_method method, __u32 handle, __u32 prio,
		      struct xs_tc_link *tl)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = prio,
		    .prog_fd = prog_fd);
	int fd, err;

	memset(tl, 0, sizeof(*tl));
	tl->ifindex = ifindex;
	tl->egress = egress;
	tl->link_fd = -1;
	tl->handle = handle;
	tl->prio = prio;

	if (method != XS_TC_CLSACT) {
		fd = bpf_link_create(
			prog_fd, ifindex,
			egress ? XS_BPF_TCX_EGRESS : XS_BPF_TCX_INGRESS, NULL);
		if (fd >= 0) {
			tl->link_fd = fd;
			return 0;
		}
		if (method == XS_TC_TCX)
			return -errno;
	}

	if (!clsact_exists(ifindex)) {
		err = bpf_tc_hook_create(&hook);
		if (err && err != -EEXIST)
			return err;
		tl->hook_created = !err;
	}
	/* No BPF_TC_F_REPLACE: an existing filter with our handle and
	 * priority is someone's, and is reported as -EEXIST. */
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		if (tl->hook_created)
			clsact_remove_if_empty(ifindex);
		tl->hook_created = false;
		return err;
	}
	tl->clsact = true;
	return 0;
}

void xs_tc_detach_prog(struct xs_tc_link *tl)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = tl->ifindex,
		    .attach_point = tl->egress ? BPF_TC_EGRESS :
						 BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = tl->handle,
		    .priority = tl->prio);
	__u32 id;

	if (tl->link_fd >= 0)
		close(tl->link_fd);
	tl->link_fd = -1;
	/* Asked first: one deleted under us (tc filter del, the qdisc
	 * gone) makes libbpf print the kernel's complaint. */
	if (tl->clsact &&
	    (filter_prog(tl->ifindex, tl->egress, tl->handle, tl->prio, &id) ||
	     id))
		bpf_tc_detach(&hook, &opts);
	tl->clsact = false;
	if (tl->hook_created)
		clsact_remove_if_empty(tl->ifindex);
	tl->hook_created = false;
}
