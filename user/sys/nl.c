/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rtnetlink with libmnl: the socket, attribute parsing (nl_priv.h, shared
 * with nl_route.c and nl_neigh.c), and interfaces.
 *
 * Every public call opens its own NETLINK_ROUTE socket: the socket belongs to
 * the network namespace the thread is in when it is opened, so a call made
 * after xs_netns_enter() sees that namespace, and no state is shared between
 * calls or threads.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "addr.h"
#include "clock.h"
#include "nl.h"
#include "nl_priv.h"

/* Route requests (RTM_GETROUTE, lookups and dumps) this process sent. */
static unsigned long route_requests;

unsigned long xs_nl_route_requests(void)
{
	return __atomic_load_n(&route_requests, __ATOMIC_RELAXED);
}

/* The kernel always answers at once; this only bounds a broken exchange. */
#define NL_RECV_TIMEOUT_S 2

int nl_open(struct nl_ctx *c)
{
	struct timeval tv = { .tv_sec = NL_RECV_TIMEOUT_S };
	int err;

	c->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!c->sock)
		return -errno;
	if (mnl_socket_bind(c->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	if (setsockopt(mnl_socket_get_fd(c->sock), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)) < 0)
		goto fail;
	c->portid = mnl_socket_get_portid(c->sock);
	c->seq = (unsigned int)time(NULL);
	return 0;

fail:
	err = -errno;
	mnl_socket_close(c->sock);
	c->sock = NULL;
	return err;
}

void nl_close(struct nl_ctx *c)
{
	if (c->sock)
		mnl_socket_close(c->sock);
	c->sock = NULL;
}

/*
 * Send one request and hand every answer to cb until the exchange ends.  A
 * plain request gets NLM_F_ACK so that it ends with an ACK (or the kernel's
 * error) whether or not a reply came before; a dump ends with NLMSG_DONE.
 * Callbacks always return MNL_CB_OK and keep their findings in data, so
 * the errno seen here is the kernel's (or libmnl's seq/portid check).
 */
int nl_talk(struct nl_ctx *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[NL_BUF_SIZE];
	unsigned int seq;
	ssize_t n;
	int ret;

	seq = ++c->seq;
	nlh->nlmsg_seq = seq;
	if (nlh->nlmsg_type == RTM_GETROUTE)
		__atomic_add_fetch(&route_requests, 1, __ATOMIC_RELAXED);
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(c->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		n = mnl_socket_recvfrom(c->sock, buf, sizeof(buf));
		if (n < 0)
			return (errno == EAGAIN || errno == EWOULDBLOCK) ?
				       -ETIMEDOUT :
				       -errno;
		ret = mnl_cb_run(buf, n, seq, c->portid, cb, data);
		if (ret < 0)
			return errno ? -errno : -EPROTO;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static int attr_collect_cb(const struct nlattr *attr, void *data)
{
	struct attr_tab *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Attributes we do not know are skipped, not an error. */
	if (type <= NL_MAX_ATTR)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

/* Collect the attributes after a family header of hdrlen bytes. */
int attr_parse(const struct nlmsghdr *nlh, size_t hdrlen, struct attr_tab *t)
{
	memset(t, 0, sizeof(*t));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen))
		return -EPROTO;
	if (mnl_attr_parse(nlh, hdrlen, attr_collect_cb, t) < 0)
		return -EPROTO;
	return 0;
}

/* Lengths are checked where a value is read: a short attribute is absent. */
bool attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*v))
		return false;
	memcpy(v, mnl_attr_get_payload(a), sizeof(*v));
	return true;
}

bool attr_bytes(const struct nlattr *a, void *dst, size_t len)
{
	if (!a || mnl_attr_get_payload_len(a) != len)
		return false;
	memcpy(dst, mnl_attr_get_payload(a), len);
	return true;
}

bool attr_addr(const struct nlattr *a, int family, struct xs_addr *out)
{
	uint32_t v4;

	if (family == AF_INET) {
		if (!attr_u32(a, &v4))
			return false;
		*out = xs_addr_v4(v4);
		return true;
	}
	return family == AF_INET6 && attr_bytes(a, out->b, sizeof(out->b));
}

void attr_put_addr(struct nlmsghdr *nlh, uint16_t type, const struct xs_addr *a)
{
	if (xs_addr_is_v4(a))
		mnl_attr_put(nlh, type, 4, &a->b[12]);
	else
		mnl_attr_put(nlh, type, sizeof(a->b), a->b);
}

/* ---- interfaces ---- */

struct link_req {
	struct xs_iface *out;
	unsigned int flags; /* IFF_* */
	bool has_mac;
	bool found;
	int err;
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_req *r = data;
	struct xs_iface *out = r->out;
	const struct ifinfomsg *ifi;
	struct attr_tab t;
	uint32_t v;

	if (nlh->nlmsg_type != RTM_NEWLINK || r->found)
		return MNL_CB_OK;
	if (attr_parse(nlh, sizeof(*ifi), &t)) {
		r->err = -EPROTO;
		return MNL_CB_OK;
	}
	ifi = mnl_nlmsg_get_payload(nlh);
	r->flags = ifi->ifi_flags;
	out->ifindex = ifi->ifi_index;
	/*
	 * IFF_UP alone is only the administrative state: a veth whose peer
	 * is down is "up" but has no carrier and delivers nothing.  Carrier
	 * is IFF_LOWER_UP, current at once; IFF_RUNNING follows the
	 * operstate, which linkwatch updates later (a device just set up
	 * can show RUNNING without carrier), so it is not looked at.
	 */
	out->up = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_LOWER_UP);
	if (t.tb[IFLA_IFNAME]) {
		const char *name = mnl_attr_get_payload(t.tb[IFLA_IFNAME]);
		size_t len = strnlen(
			name, mnl_attr_get_payload_len(t.tb[IFLA_IFNAME]));

		if (len >= sizeof(out->name))
			len = sizeof(out->name) - 1;
		memcpy(out->name, name, len);
		out->name[len] = '\0';
	}
	/* Not Ethernet (no address, or not 6 bytes): the MAC stays zero. */
	r->has_mac = attr_bytes(t.tb[IFLA_ADDRESS], out->mac, sizeof(out->mac));
	if (attr_u32(t.tb[IFLA_MTU], &v))
		out->mtu = v;
	if (attr_u32(t.tb[IFLA_NUM_RX_QUEUES], &v))
		out->rx_queues = v;
	r->found = true;
	return MNL_CB_OK;
}

struct addr_req {
	int ifindex;
	uint32_t ipv4;
	struct xs_addr ipv6, ipv6_ll;
	struct xs_iface *out; /* its tentative addresses, as they come */
};

/*
 * IPv6: the first usable address of each scope.  A tentative address
 * (DAD not done) cannot be sent from yet, a failed or deprecated one
 * should not be; the kernel's own source selection (RFC 6724) skips them
 * too.
 */
static void addr6_cb(struct addr_req *r, const struct ifaddrmsg *ifa,
		     const struct attr_tab *t)
{
	struct xs_addr a;
	uint32_t flags = ifa->ifa_flags;

	if ((int)ifa->ifa_index != r->ifindex)
		return;
	attr_u32(t->tb[IFA_FLAGS], &flags);
	if (!attr_addr(t->tb[IFA_LOCAL], AF_INET6, &a) &&
	    !attr_addr(t->tb[IFA_ADDRESS], AF_INET6, &a))
		return;
	if ((flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) == IFA_F_TENTATIVE &&
	    r->out->n_tentative < XS_IFACE_TENTATIVE_MAX)
		r->out->tentative[r->out->n_tentative++] = a;
	if (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED))
		return;
	if (ifa->ifa_scope == RT_SCOPE_LINK && xs_addr_is_zero(&r->ipv6_ll))
		r->ipv6_ll = a;
	else if (ifa->ifa_scope == RT_SCOPE_UNIVERSE &&
		 xs_addr_is_zero(&r->ipv6))
		r->ipv6 = a;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_req *r = data;
	const struct ifaddrmsg *ifa;
	struct attr_tab t;
	uint32_t a;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	if (attr_parse(nlh, sizeof(*ifa), &t))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family == AF_INET6) {
		addr6_cb(r, ifa, &t);
		return MNL_CB_OK;
	}
	if (r->ipv4)
		return MNL_CB_OK;
	/*
	 * Without strict checking the kernel dumps every interface's
	 * addresses, so filter here.  Secondaries come after their primary
	 * in the dump; skipping them keeps "first" meaning the primary.
	 */
	if (ifa->ifa_family != AF_INET || (int)ifa->ifa_index != r->ifindex ||
	    (ifa->ifa_flags & IFA_F_SECONDARY))
		return MNL_CB_OK;
	/*
	 * IFA_LOCAL is our own address; IFA_ADDRESS is the peer's on a
	 * point-to-point link and equal to IFA_LOCAL elsewhere.
	 */
	if (attr_u32(t.tb[IFA_LOCAL], &a) || attr_u32(t.tb[IFA_ADDRESS], &a))
		r->ipv4 = a;
	return MNL_CB_OK;
}

/*
 * RTM_GETLINK for one interface, by name or (name NULL) by index.  Unknown
 * names and indexes are answered with ENODEV by the kernel itself.
 */
static int link_get(struct nl_ctx *c, const char *name, int ifindex,
		    struct link_req *lr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int err;

	memset(lr->out, 0, sizeof(*lr->out));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	else
		ifi->ifi_index = ifindex;
	/* Statistics are large and unused; older kernels ignore the bit. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nl_talk(c, nlh, link_cb, lr);
	if (!err && lr->err)
		err = lr->err;
	if (!err && !lr->found)
		err = -ENODEV;
	return err;
}

int xs_nl_iface(const char *name, struct xs_iface *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct link_req lr = { .out = out };
	struct addr_req ar = { 0 };
	struct nl_ctx c = { 0 };
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	size_t len;
	int err;

	if (!name || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	/* No interface can have such a name: same answer as the kernel's. */
	len = strlen(name);
	if (len == 0 || len >= IFNAMSIZ)
		return -ENODEV;

	err = nl_open(&c);
	if (err)
		return err;

	err = link_get(&c, name, 0, &lr);
	if (err)
		goto out;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	/* Both families in one dump. */
	ifa->ifa_family = AF_UNSPEC;
	ar.ifindex = out->ifindex;
	ar.out = out;
	err = nl_talk(&c, nlh, addr_cb, &ar);
	if (!err) {
		out->ipv4 = ar.ipv4;
		out->ipv6 = ar.ipv6;
		out->ipv6_ll = ar.ipv6_ll;
	}
out:
	nl_close(&c);
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}

bool nl_link_noarp(struct nl_ctx *c, int ifindex, int *err)
{
	struct xs_iface iface;
	struct link_req lr = { .out = &iface };

	*err = link_get(c, NULL, ifindex, &lr);
	return !*err &&
	       ((lr.flags & (IFF_LOOPBACK | IFF_POINTOPOINT | IFF_NOARP)) ||
		!lr.has_mac);
}
