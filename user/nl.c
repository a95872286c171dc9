/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Interface, route and neighbour lookups over rtnetlink, with libmnl.
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
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

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

/* Interval between two looks at the neighbour table while ARP runs. */
#define NEIGH_POLL_NS (2 * 1000 * 1000)

/*
 * Entry states with a usable link-layer address (the kernel's NUD_VALID,
 * which is not part of the uapi headers).
 */
#define XS_NUD_USABLE                                                        \
	(NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | \
	 NUD_DELAY)

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
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_req *r = data;
	const struct ifaddrmsg *ifa;
	struct attr_tab t;
	uint32_t a;

	if (nlh->nlmsg_type != RTM_NEWADDR || r->ipv4)
		return MNL_CB_OK;
	if (attr_parse(nlh, sizeof(*ifa), &t))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
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
	ifa->ifa_family = AF_INET;
	ar.ifindex = out->ifindex;
	err = nl_talk(&c, nlh, addr_cb, &ar);
	if (!err)
		out->ipv4 = ar.ipv4;
out:
	nl_close(&c);
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}

/* ---- routes ---- */

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

/* ---- neighbours ---- */

struct neigh_res {
	bool found;
	uint16_t state;
	bool has_lladdr;
	uint8_t lladdr[6];
};

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_res *r = data;
	const struct ndmsg *ndm;
	struct attr_tab t;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || r->found)
		return MNL_CB_OK;
	if (attr_parse(nlh, sizeof(*ndm), &t))
		return MNL_CB_OK;
	ndm = mnl_nlmsg_get_payload(nlh);
	r->found = true;
	r->state = ndm->ndm_state;
	r->has_lladdr =
		attr_bytes(t.tb[NDA_LLADDR], r->lladdr, sizeof(r->lladdr));
	return MNL_CB_OK;
}

/* One entry of the neighbour table.  -ENOENT if there is none. */
static int neigh_get(struct nl_ctx *c, int ifindex, uint32_t addr,
		     struct neigh_res *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	int err;

	memset(r, 0, sizeof(*r));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	mnl_attr_put(nlh, NDA_DST, sizeof(addr), &addr);
	err = nl_talk(c, nlh, neigh_cb, r);
	if (!err && !r->found)
		err = -ENOENT;
	return err;
}

/*
 * Ask the kernel to resolve addr itself, as if a packet wanted to leave for
 * it.  neigh_add() (net/core/neighbour.c) creates the entry (NLM_F_CREATE,
 * else ENOENT when there is none), and with NTF_USE ignores ndm_state:
 * __neigh_update() leaves the state as it is, then neigh_event_send() moves
 * a NONE or FAILED entry to INCOMPLETE and sends the first ARP request at
 * once (STALE goes to DELAY and is re-confirmed later; a valid entry is left
 * alone).  ndm_state stays NUD_NONE: a PERMANENT bit would only exempt the
 * new entry from garbage collection.
 */
static int neigh_use(struct nl_ctx *c, int ifindex, uint32_t addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_NONE;
	ndm->ndm_flags = NTF_USE;
	mnl_attr_put(nlh, NDA_DST, sizeof(addr), &addr);
	return nl_talk(c, nlh, NULL, NULL);
}

int xs_nl_neigh_resolve(int ifindex, uint32_t nexthop, uint8_t mac[6],
			int timeout_ms)
{
	const struct timespec pause = { .tv_nsec = NEIGH_POLL_NS };
	struct xs_iface iface;
	struct link_req lr = { .out = &iface };
	struct nl_ctx c = { 0 };
	bool requested = false;
	struct neigh_res r;
	long long deadline;
	int err;

	if (ifindex <= 0 || !nexthop || !mac)
		return -EINVAL;
	if (timeout_ms < 0)
		timeout_ms = 0;
	err = nl_open(&c);
	if (err)
		return err;

	/*
	 * Devices that do no ARP get the zero MAC.  It has to be decided
	 * from the device: on loopback and point-to-point devices the kernel
	 * keys every IPv4 neighbour as 0.0.0.0, so an entry for nexthop
	 * never appears there.
	 */
	err = link_get(&c, NULL, ifindex, &lr);
	if (err)
		goto out;
	if ((lr.flags & (IFF_LOOPBACK | IFF_POINTOPOINT | IFF_NOARP)) ||
	    !lr.has_mac) {
		memset(mac, 0, 6);
		goto out;
	}

	deadline = xs_mono_ms() + timeout_ms;

	for (;;) {
		err = neigh_get(&c, ifindex, nexthop, &r);
		if (err && err != -ENOENT)
			break;
		if (!err && (r.state & XS_NUD_USABLE)) {
			/* NOARP entries (broadcast, multicast) hold one too. */
			if (r.has_lladdr)
				memcpy(mac, r.lladdr, 6);
			else
				memset(mac, 0, 6);
			/*
			 * Our frames bypass the neighbour subsystem, so a
			 * STALE entry would never be re-confirmed; "use" it
			 * as the stack would when sending through it.
			 */
			if (!requested && (r.state & NUD_STALE))
				neigh_use(&c, ifindex, nexthop);
			err = 0;
			break;
		}
		/*
		 * FAILED after our request: every probe went unanswered.
		 * (Our request turns FAILED into INCOMPLETE synchronously, so
		 * this is not an old failure.)
		 */
		if (!err && requested && (r.state & NUD_FAILED)) {
			err = -EHOSTUNREACH;
			break;
		}
		if (requested && xs_mono_ms() >= deadline) {
			err = -EHOSTUNREACH;
			break;
		}
		/* No entry yet, or it vanished (garbage collected): ask. */
		if (!requested || err == -ENOENT) {
			bool first = !requested;

			err = neigh_use(&c, ifindex, nexthop);
			if (err)
				break;
			requested = true;
			/*
			 * An entry that needs no ARP (broadcast,
			 * multicast) is valid at once: look again now.
			 */
			if (first)
				continue;
		}
		nanosleep(&pause, NULL);
	}
out:
	nl_close(&c);
	return err;
}

/* ---- ARP sweep ---- */

/*
 * Far below the kernel's default gc_thresh3 (1024 entries per table): a
 * larger chunk would overflow the neighbour table and fail with ENOBUFS.
 */
#define SWEEP_CHUNK 256

struct sweep {
	int ifindex;
	const uint32_t *addr; /* this chunk */
	size_t n;
	uint8_t (*mac)[6];
	bool *ok;
	bool *done; /* resolved or failed */
	size_t ndone;
};

static int sweep_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sweep *sw = data;
	const struct ndmsg *ndm;
	struct attr_tab t;
	uint32_t dst;
	size_t i;

	if (nlh->nlmsg_type != RTM_NEWNEIGH ||
	    attr_parse(nlh, sizeof(*ndm), &t))
		return MNL_CB_OK;
	ndm = mnl_nlmsg_get_payload(nlh);
	if (ndm->ndm_family != AF_INET || ndm->ndm_ifindex != sw->ifindex ||
	    !attr_bytes(t.tb[NDA_DST], &dst, sizeof(dst)))
		return MNL_CB_OK;
	for (i = 0; i < sw->n; i++) {
		if (sw->addr[i] != dst || sw->done[i])
			continue;
		/* NOARP entries are broadcast and multicast addresses: no
		 * host to shake hands with. */
		if (ndm->ndm_state & NUD_NOARP) {
			sw->done[i] = true;
			sw->ndone++;
		} else if ((ndm->ndm_state & XS_NUD_USABLE) &&
			   attr_bytes(t.tb[NDA_LLADDR], sw->mac[i], 6)) {
			sw->ok[i] = true;
			sw->done[i] = true;
			sw->ndone++;
		} else if (ndm->ndm_state & NUD_FAILED) {
			sw->done[i] = true;
			sw->ndone++;
		}
		break;
	}
	return MNL_CB_OK;
}

static int sweep_dump(struct nl_ctx *c, struct sweep *sw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	return nl_talk(c, nlh, sweep_cb, sw);
}

static bool stopped(const int *stop)
{
	return stop && __atomic_load_n(stop, __ATOMIC_RELAXED);
}

int xs_nl_neigh_sweep(int ifindex, const uint32_t *addr, size_t n,
		      uint8_t (*mac)[6], bool *ok, int timeout_ms,
		      const int *stop)
{
	const struct timespec pause = { .tv_nsec = 10 * 1000000 };
	bool done[SWEEP_CHUNK];
	struct nl_ctx c = { 0 };
	struct sweep sw = { .ifindex = ifindex };
	long long deadline;
	size_t at, i, resolved = 0;
	int err;

	if (ifindex <= 0 || (n && (!addr || !mac || !ok)))
		return -EINVAL;
	err = nl_open(&c);
	if (err)
		return err;
	for (at = 0; at < n; at += sw.n) {
		sw.addr = addr + at;
		sw.n = n - at < SWEEP_CHUNK ? n - at : SWEEP_CHUNK;
		sw.mac = mac + at;
		sw.ok = ok + at;
		sw.done = done;
		sw.ndone = 0;
		memset(done, 0, sizeof(done));
		memset(sw.ok, 0, sw.n * sizeof(*sw.ok));
		/* Entries already usable are taken as they are. */
		err = sweep_dump(&c, &sw);
		for (i = 0; !err && i < sw.n; i++) {
			if (stopped(stop))
				err = -EINTR;
			if (err || done[i] ||
			    !neigh_use(&c, ifindex, sw.addr[i]))
				continue;
			/* The kernel would not even make an entry. */
			done[i] = true;
			sw.ndone++;
		}
		deadline = xs_mono_ms() + timeout_ms;
		while (!err && sw.ndone < sw.n && xs_mono_ms() < deadline) {
			nanosleep(&pause, NULL);
			err = stopped(stop) ? -EINTR : sweep_dump(&c, &sw);
		}
		if (err)
			break;
		for (i = 0; i < sw.n; i++)
			resolved += sw.ok[i];
	}
	nl_close(&c);
	return err ? err : (int)resolved;
}
