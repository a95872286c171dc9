/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Neighbours over rtnetlink with libmnl: one next hop's MAC resolved
 * through the kernel (which sends the ARP requests, or for IPv6 the
 * neighbour solicitations of RFC 4861), and the sweep of a scan's on-link
 * targets.  One code path for both families: the address says which
 * neighbour table (arp_tbl, nd_tbl) a request goes to.  Each call opens its own socket, in the
 * namespace the thread is in (nl.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "clock.h"
#include "ifstate.h"
#include "nl.h"
#include "nl_priv.h"

/* Interval between two looks at the neighbour table while ARP runs. */
#define NEIGH_POLL_NS (2 * 1000 * 1000)

/*
 * Entry states with a usable link-layer address (the kernel's NUD_VALID,
 * which is not part of the uapi headers).
 */
#define XS_NUD_USABLE                                                        \
	(NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | \
	 NUD_DELAY)

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
static int neigh_get(struct nl_ctx *c, int ifindex, const struct xs_addr *addr,
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
	ndm->ndm_family = (uint8_t)xs_addr_family(addr);
	ndm->ndm_ifindex = ifindex;
	attr_put_addr(nlh, NDA_DST, addr);
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
 * new entry from garbage collection.  The same for IPv6: neigh_event_send()
 * on nd_tbl's entry makes ndisc_solicit() send the neighbour solicitation
 * to the solicited-node multicast address.
 */
static int neigh_use(struct nl_ctx *c, int ifindex, const struct xs_addr *addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = (uint8_t)xs_addr_family(addr);
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_NONE;
	ndm->ndm_flags = NTF_USE;
	attr_put_addr(nlh, NDA_DST, addr);
	return nl_talk(c, nlh, NULL, NULL);
}

/*
 * Wait until the kernel holds a usable entry for nexthop, asking it to
 * resolve one (the kernel sends the ARP requests): 0 with mac set, or
 * -EHOSTUNREACH once deadline (xs_mono_ms) has passed or every probe went
 * unanswered.
 */
static int neigh_wait(struct nl_ctx *c, int ifindex,
		      const struct xs_addr *nexthop, uint8_t mac[6],
		      long long deadline)
{
	const struct timespec pause = { .tv_nsec = NEIGH_POLL_NS };
	bool requested = false;
	struct neigh_res r;
	int err;

	for (;;) {
		err = neigh_get(c, ifindex, nexthop, &r);
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
				neigh_use(c, ifindex, nexthop);
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

			err = neigh_use(c, ifindex, nexthop);
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
	return err;
}

int xs_nl_neigh_resolve(int ifindex, const struct xs_addr *nexthop,
			uint8_t mac[6], int timeout_ms)
{
	struct nl_ctx c = { 0 };
	int err;

	if (ifindex <= 0 || !nexthop || !mac || xs_addr_is_zero(nexthop) ||
	    (xs_addr_is_v4(nexthop) && !xs_addr_get_v4(nexthop)))
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
	if (nl_link_noarp(&c, ifindex, &err)) {
		memset(mac, 0, 6);
		goto out;
	}
	if (err)
		goto out;

	err = neigh_wait(&c, ifindex, nexthop, mac, xs_mono_ms() + timeout_ms);
out:
	nl_close(&c);
	return err;
}

/* ---- neighbour sweep ---- */

/*
 * Far below the kernel's default gc_thresh3 (1024 entries per table): a
 * larger chunk would overflow the neighbour table and fail with ENOBUFS.
 */
#define SWEEP_CHUNK 256
/*
 * How long requests the full table refused are made again after a chunk's
 * timeout: the kernel frees a failed entry (mcast_solicit 3 requests,
 * retrans_time 1 s apart by default) at its next allocation over
 * gc_thresh2.
 */
#define SWEEP_FULL_MS 4000
#define SWEEP_RETRY_MS 100 /* between two rounds of refused requests */

struct sweep {
	int ifindex;
	int ctl_fd; /* for sweep_dev(); -1: not checked */
	const struct xs_addr *addr; /* this chunk */
	size_t n;
	uint8_t (*mac)[6];
	bool *ok;
	bool *done; /* resolved or failed */
	bool *asked; /* the kernel took our request: its entry is ours */
	size_t ndone;
	size_t nasked;
};

static int sweep_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sweep *sw = data;
	const struct ndmsg *ndm;
	struct attr_tab t;
	struct xs_addr dst;
	size_t i;

	if (nlh->nlmsg_type != RTM_NEWNEIGH ||
	    attr_parse(nlh, sizeof(*ndm), &t))
		return MNL_CB_OK;
	ndm = mnl_nlmsg_get_payload(nlh);
	if (ndm->ndm_ifindex != sw->ifindex ||
	    !attr_addr(t.tb[NDA_DST], ndm->ndm_family, &dst))
		return MNL_CB_OK;
	for (i = 0; i < sw->n; i++) {
		if (!xs_addr_eq(&sw->addr[i], &dst) || sw->done[i])
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
		} else if ((ndm->ndm_state & NUD_FAILED) && sw->asked[i]) {
			/* A FAILED entry from before our request (a scan a
			 * moment ago) says nothing: our request moves it back
			 * to INCOMPLETE and asks again. */
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
	/* Both tables (ARP's and NDP's) in one dump. */
	ndm->ndm_family = AF_UNSPEC;
	return nl_talk(c, nlh, sweep_cb, sw);
}

static bool stopped(const int *stop)
{
	return stop && __atomic_load_n(stop, __ATOMIC_RELAXED);
}

/*
 * Ask the kernel to resolve each address of the chunk that is neither done
 * nor asked yet.  ENOBUFS: the neighbour table is full (its gc_thresh3
 * counts the entries of every namespace); asked again at the next poll, as
 * the kernel's garbage collector frees failed entries.  Any other error:
 * the kernel would not even make an entry (a broadcast address): done.
 */
static int sweep_ask(struct nl_ctx *c, struct sweep *sw, const int *stop,
		     long long *asked_ms)
{
	size_t i;
	int err;

	for (i = 0; i < sw->n; i++) {
		if (sw->done[i] || sw->asked[i])
			continue;
		if (stopped(stop))
			return -EINTR;
		err = neigh_use(c, sw->ifindex, &sw->addr[i]);
		if (!err) {
			sw->asked[i] = true;
			sw->nasked++;
			*asked_ms = xs_mono_ms();
		} else if (err != -ENOBUFS) {
			sw->done[i] = true;
			sw->ndone++;
		}
	}
	return 0;
}

/* Addresses neither done nor asked: the ones the full table refused. */
static size_t sweep_unasked(const struct sweep *sw)
{
	size_t i, k = 0;

	for (i = 0; i < sw->n; i++)
		k += !sw->done[i] && !sw->asked[i];
	return k;
}

/* The interface deleted (-ENODEV) or set down (-ENETDOWN) under the
 * sweep: the kernel flushed its entries, none will answer. */
static int sweep_dev(const struct sweep *sw)
{
	return xs_if_state(sw->ctl_fd, sw->ifindex);
}

/*
 * One chunk: the entries already usable taken as they are, the rest asked
 * for, then polled until each is usable or failed, or timeout_ms after the
 * last request; requests the full table refused are made again every
 * SWEEP_RETRY_MS for up to SWEEP_FULL_MS more.
 */
static int sweep_chunk(struct nl_ctx *c, struct sweep *sw, int timeout_ms,
		       const int *stop)
{
	const struct timespec pause = { .tv_nsec = 10 * 1000000 };
	long long start = xs_mono_ms(), asked_ms = start, retry_ms = start, now;
	int err;

	err = sweep_dump(c, sw);
	if (!err)
		err = sweep_ask(c, sw, stop, &asked_ms);
	while (!err && sw->ndone < sw->n) {
		now = xs_mono_ms();
		/* Out of time: unanswered, unless the interface went (its
		 * entries flushed: no answer could come). */
		if (now >= asked_ms + timeout_ms &&
		    (sw->ndone + sw->nasked == sw->n ||
		     now >= start + timeout_ms + SWEEP_FULL_MS)) {
			err = sweep_dev(sw);
			break;
		}
		nanosleep(&pause, NULL);
		err = stopped(stop) ? -EINTR : sweep_dev(sw);
		if (!err)
			err = sweep_dump(c, sw);
		if (!err && sw->ndone + sw->nasked < sw->n &&
		    now >= retry_ms + SWEEP_RETRY_MS) {
			retry_ms = now;
			err = sweep_ask(c, sw, stop, &asked_ms);
		}
	}
	return err;
}

int xs_nl_neigh_sweep(int ifindex, const struct xs_addr *addr, size_t n,
		      uint8_t (*mac)[6], bool *ok, int timeout_ms,
		      const int *stop, size_t *refused)
{
	bool done[SWEEP_CHUNK], asked[SWEEP_CHUNK];
	struct nl_ctx c = { 0 };
	struct sweep sw = { .ifindex = ifindex };
	size_t at, i, resolved = 0;
	int err;

	if (refused)
		*refused = 0;
	if (ifindex <= 0 || (n && (!addr || !mac || !ok)))
		return -EINVAL;
	err = nl_open(&c);
	if (err)
		return err;
	sw.ctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (at = 0; at < n; at += sw.n) {
		sw.addr = addr + at;
		sw.n = n - at < SWEEP_CHUNK ? n - at : SWEEP_CHUNK;
		sw.mac = mac + at;
		sw.ok = ok + at;
		sw.done = done;
		sw.asked = asked;
		sw.ndone = 0;
		sw.nasked = 0;
		memset(done, 0, sizeof(done));
		memset(asked, 0, sizeof(asked));
		memset(sw.ok, 0, sw.n * sizeof(*sw.ok));
		err = sweep_chunk(&c, &sw, timeout_ms, stop);
		if (err)
			break;
		for (i = 0; i < sw.n; i++)
			resolved += sw.ok[i];
		if (refused)
			*refused += sweep_unasked(&sw);
	}
	nl_close(&c);
	if (sw.ctl_fd >= 0)
		close(sw.ctl_fd);
	return err ? err : (int)resolved;
}
