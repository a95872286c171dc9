/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Setting up and taking down a run that sends handshakes: see session.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "caps.h"
#include "diag.h"
#include "engine.h"
#include "env.h"
#include "parse.h"
#include "signals.h"
#include "ethtool.h"
#include "montap.h"
#include "nl.h"
#include "packet.h"
#include "runlock.h"
#include "ifstate.h"
#include "session.h"

static int setup_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* Handled in the poll loop through the signalfd; cleanup then runs
	 * in the main flow, never in a handler. */
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Exclusive use of a loaded interface's XSKMAP for this run. */
static int lock_pindir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return -EBUSY;
	}
	return fd;
}

int xs_session_nexthop(struct xs_session *s, const struct xs_addr *daddr,
		       uint8_t mac[6], struct xs_addr *prefsrc, int timeout_ms,
		       bool quiet)
{
	char ip[XS_ADDR_STRLEN], nh[XS_ADDR_STRLEN];
	struct xs_addr nexthop, src = { 0 };
	int err;

	xs_addr_fmt(daddr, ip);
	err = xs_nl_route(s->t.iface.ifindex, daddr, &nexthop, &src);
	if (prefsrc)
		*prefsrc = src;
	if (err && quiet)
		return err == -ENETUNREACH || err == -EXDEV ? XS_EXIT_USAGE :
							      XS_EXIT_ENV;
	if (err == -ENETUNREACH)
		return xs_err(
			XS_EXIT_USAGE,
			"no route to %s through %s: add one, or give --dst-mac",
			ip, s->t.ifname);
	if (err == -EXDEV)
		return xs_err(
			XS_EXIT_USAGE,
			"the route to %s leaves through another interface than %s",
			ip, s->t.ifname);
	if (err == -EINVAL)
		return xs_err(XS_EXIT_USAGE, "%s is not a unicast destination",
			      ip);
	if (err)
		return xs_err(XS_EXIT_ENV, "route lookup for %s failed: %s", ip,
			      strerror(-err));
	err = xs_nl_neigh_resolve(s->t.iface.ifindex, &nexthop, mac,
				  timeout_ms);
	if (err && quiet)
		return err == -EHOSTUNREACH ? XS_EXIT_NOANSWER : XS_EXIT_ENV;
	xs_addr_fmt(&nexthop, nh);
	if (err == -EHOSTUNREACH)
		return xs_err(
			XS_EXIT_NOANSWER, "no %s answer from next hop %s on %s",
			xs_addr_is_v4(&nexthop) ? "ARP" : "neighbour discovery",
			nh, s->t.ifname);
	if (err)
		return xs_err(XS_EXIT_ENV, "neighbour lookup for %s failed: %s",
			      nh, strerror(-err));
	return 0;
}

/* One run per interface, its pid in the lock file for the next one. */
static int take_runlock(const struct xs_session_opts *o, struct xs_session *s)
{
	struct xs_run_info h;
	int fd;

	fd = xs_runlock_take(s->t.iface.ifindex, s->t.ifname, o->cmd ?: "run",
			     &h);
	if (fd == -EBUSY)
		return xs_err(
			XS_EXIT_USAGE,
			"another xdpshake run (pid %d, %s) is using %s: wait for it, or stop it (kill %d)",
			h.pid, h.cmd, s->t.ifname, h.pid);
	/* No /run to write to: the attach and the pin lock still refuse a
	 * second run, without naming it. */
	if (fd < 0 && xs_verbose)
		xs_warn("no run lock in %s: %s", XS_RUN_DIR, strerror(-fd));
	s->runlock = fd;
	return 0;
}

static uint16_t random_port(uint16_t lo, uint16_t hi)
{
	uint16_t r;

	if (getrandom(&r, sizeof(r), 0) < 0)
		r = (uint16_t)getpid();
	return lo + r % (hi - lo + 1);
}

/* A source for each family the run needs; whose is said by what. */
static int need_sources(const struct xs_session_opts *o,
			const struct xs_session *s, const char *what)
{
	bool v4 = o->need_v4 || !o->need_v6;

	if (v4 && !s->src)
		return xs_err(
			XS_EXIT_USAGE,
			*what ? "%s %s has no IPv4 source: load with --src" :
				"%s%s has no IPv4 address: give --src",
			what, s->t.ifname);
	if (o->need_v6 && xs_addr_is_zero(&s->src6))
		return xs_err(
			XS_EXIT_USAGE,
			*what ? "%s %s has no IPv6 source: load with --src IP6" :
				"%s%s has no usable global IPv6 address (none, or DAD not done): give --src",
			what, s->t.ifname);
	if (o->need_v6)
		xs_target_warn_tentative(&s->t, &s->src6);
	return 0;
}

/*
 * A load whose TC guard is gone already (its tcx link detached, its clsact
 * filter deleted): refused before the first SYN, as the run would stop at
 * once, claiming it went "during the run".
 */
static int guard_gone(struct xs_session *s)
{
	char unload[320];
	int err = xs_links_state(-1, s->l.tc_link_fd);

	if (!err)
		err = xs_clsact_state(s->t.iface.ifindex, s->l.tc_guard_id);
	if (!err)
		return 0;
	return xs_err(
		XS_EXIT_ENV,
		"the load on %s has lost its TC guard (its tcx link detached, or its clsact filter deleted): the kernel's RSTs would reach the targets; '%s' and load again",
		s->t.ifname, xs_unload_hint(&s->t, unload, sizeof(unload)));
}

static int use_pinned(const struct xs_session_opts *o, struct xs_session *s)
{
	struct xs_config cfg;
	__u32 stale_flags;
	int ret;

	ret = guard_gone(s);
	if (ret)
		return ret;

	s->lockfd = lock_pindir(s->t.pindir);
	if (s->lockfd < 0)
		return xs_err(XS_EXIT_USAGE,
			      "another xdpshake run is using %s: wait for it",
			      s->t.ifname);
	xs_read_cfg(s->l.cfg_fd, &cfg);
	/*
	 * `load` sets no flags; a run sets its own under the lock we now
	 * hold and restores them at its end.  Flags still set are a killed
	 * run's (a stale XS_CFG_ISN_CHECK key would drop every reply), so
	 * this run starts from none and leaves none.
	 */
	stale_flags = cfg.flags;
	cfg.flags = 0;
	s->saved_cfg = cfg;
	if (o->src && o->src != cfg.src_ip)
		return xs_err(
			XS_EXIT_USAGE,
			"--src differs from the source address 'load' configured on %s",
			s->t.ifname);
	s->src = cfg.src_ip;
	if (!xs_addr_is_zero(&o->src6) &&
	    memcmp(o->src6.b, cfg.src_ip6, sizeof(cfg.src_ip6)))
		return xs_err(
			XS_EXIT_USAGE,
			"--src differs from the IPv6 source address 'load' configured on %s",
			s->t.ifname);
	memcpy(s->src6.b, cfg.src_ip6, sizeof(s->src6.b));
	if (o->link_local6 && xs_addr_is_zero(&o->src6) &&
	    !xs_addr_is_zero(&s->src6) && !xs_addr_is_link_local(&s->src6))
		xs_warn("the destination is link-local, the IPv6 source 'load' configured on %s is not: the peer answers it only if it has a route back",
			s->t.ifname);
	ret = need_sources(o, s, "the load on");
	if (ret)
		return ret;
	if (o->ports_given &&
	    (o->port_lo < cfg.port_lo || o->port_hi > cfg.port_hi))
		return xs_err(
			XS_EXIT_USAGE,
			"source ports %u-%u are outside the range %u-%u loaded on %s",
			o->port_lo, o->port_hi, cfg.port_lo, cfg.port_hi,
			s->t.ifname);
	s->port_lo = o->ports_given ? o->port_lo : cfg.port_lo;
	s->port_hi = o->ports_given ? o->port_hi : cfg.port_hi;
	if (!o->ports_given && o->pick_one_port)
		s->port_lo = s->port_hi = random_port(s->port_lo, s->port_hi);
	if (o->cfg_flags || stale_flags) {
		cfg.flags |= o->cfg_flags;
		cfg.isn_k0 = o->isn_k0;
		cfg.isn_k1 = o->isn_k1;
		cfg.window = o->window;
		cfg.ttl = o->ttl;
		if (xs_write_cfg(s->l.cfg_fd, &cfg))
			return xs_err(XS_EXIT_ENV,
				      "cannot update the config on %s",
				      s->t.ifname);
		s->cfg_changed = true;
	}
	return 0;
}

static int attach_for_run(const struct xs_session_opts *o, struct xs_session *s)
{
	struct xs_attach_opts ao = {};
	__u32 owner = 0;
	int err, lock;

	if (!o->ports_given) {
		s->port_lo = XS_DEFAULT_PORT_LO;
		s->port_hi = XS_DEFAULT_PORT_HI;
		/* Only our one port: the guard must not touch anything else. */
		if (o->pick_one_port)
			s->port_lo = s->port_hi =
				random_port(s->port_lo, s->port_hi);
	} else {
		s->port_lo = o->port_lo;
		s->port_hi = o->port_hi;
	}
	s->src = o->src ? o->src : s->t.iface.ipv4;
	s->src6 = o->src6;
	if (xs_addr_is_zero(&s->src6))
		s->src6 = o->link_local6 && !xs_addr_is_zero(
						    &s->t.iface.ipv6_ll) ?
				  s->t.iface.ipv6_ll :
				  s->t.iface.ipv6;
	err = need_sources(o, s, "");
	if (err)
		return err;
	ao.ifindex = s->t.iface.ifindex;
	ao.ifname = s->t.ifname;
	ao.mode = o->mode;
	ao.cfg.src_ip = s->src;
	memcpy(ao.cfg.src_ip6, s->src6.b, sizeof(ao.cfg.src_ip6));
	ao.cfg.port_lo = s->port_lo;
	ao.cfg.port_hi = s->port_hi;
	ao.cfg.flags = o->cfg_flags;
	ao.cfg.window = o->window;
	ao.cfg.ttl = o->ttl;
	ao.cfg.isn_k0 = o->isn_k0;
	ao.cfg.isn_k1 = o->isn_k1;
	ao.tc = o->tc;
	xs_warn_port_overlap(s->port_lo, s->port_hi);
	/* The same lock as load/unload: no other run is half-way through
	 * attaching when xs_attach() looks for a killed run's leftovers. */
	lock = xs_lock_root(XS_ROOT_LOCK_MS);
	if (lock < 0)
		return xs_err(XS_EXIT_ENV, "cannot lock %s: %s", XS_PIN_ROOT,
			      xs_lock_root_strerror(lock));
	err = xs_attach(&ao, &s->l, &owner);
	xs_unlock_root(lock);
	if (err)
		return xs_err_attach(err, &s->t, owner);
	if (s->l.stale_tc_removed)
		xs_warn("removed a TC guard filter that a killed xdpshake run left on %s",
			s->t.ifname);
	return 0;
}

/* The filter stops answering in XDP; what it still gets goes to the
 * sockets, as without the fast path. */
static void fast_off(void *ctx)
{
	struct xs_session *s = ctx;
	struct xs_config cfg;

	if (xs_read_cfg(s->l.cfg_fd, &cfg))
		return;
	cfg.flags &= ~(XS_CFG_FAST_RST | XS_CFG_FAST_ACK);
	xs_write_cfg(s->l.cfg_fd, &cfg);
}

/*
 * Native XDP on a veth sends an XDP_TX frame into the peer's own XDP
 * receive path, which only exists while the peer has an XDP program: else
 * the kernel drops the frame (ethtool -S counts xdp_tx_errors), and the
 * fast path's answers never arrive.  Generic XDP sends it as an skb.
 */
static void veth_note(const struct xs_session *s)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char drv[32];

	if (xs_iface_driver(s->t.ifname, drv, sizeof(drv)) ||
	    strcmp(drv, "veth") || bpf_xdp_query(s->t.iface.ifindex, 0, &q) ||
	    q.attach_mode != XDP_ATTACHED_DRV)
		return;
	xs_warn("--fast-path on veth %s in native mode: its XDP_TX answers reach the peer only if the peer runs an XDP program (else the kernel drops them: ethtool -S %s, xdp_tx_errors); for a peer without one, attach with -m skb",
		s->t.ifname, s->t.ifname);
}

void xs_session_fast(struct xs_session *s, struct xs_engine_cfg *ec)
{
	veth_note(s);
	ec->fast_path = true;
	ec->fast_rb_fd = s->l.fast_rb_fd;
	ec->fast_off = fast_off;
	ec->fast_off_ctx = s;
}

int xs_session_open(const struct xs_session_opts *o, struct xs_session *s)
{
	struct xs_xsk_opts xo = {};
	char unload[320];
	unsigned int i, n;
	int ret, err;

	memset(s, 0, sizeof(*s));
	s->l.xdp_link_fd = s->l.tc_link_fd = -1;
	s->l.cfg_fd = s->l.stats_fd = s->l.xsks_fd = -1;
	s->l.conns_fd = s->l.rtt_fd = s->l.sockstat_fd = -1;
	s->l.fast_rb_fd = -1;
	s->lockfd = s->runlock = -1;
	s->t.ifname = o->ifname;
	s->t.netns = o->netns;
	s->sigfd = setup_signals();

	ret = xs_check_env(XS_CAPS_RUN);
	if (ret)
		return ret;
	ret = xs_target_open(&s->t);
	if (ret)
		return ret;
	if (!s->t.iface.up)
		xs_warn("%s is down or has no carrier", s->t.ifname);
	ret = take_runlock(o, s);
	if (ret)
		return ret;

	err = xs_open_pinned(s->t.pindir, s->t.iface.ifindex, &s->l);
	if (!err)
		ret = use_pinned(o, s);
	else if (err == -ENOENT)
		ret = attach_for_run(o, s);
	else if (err == -EPROTO)
		ret = xs_err(
			XS_EXIT_ENV,
			"the load on %s is from another xdpshake version: '%s' and load again",
			s->t.ifname,
			xs_unload_hint(&s->t, unload, sizeof(unload)));
	else if (err == -ESTALE)
		ret = xs_err_attach(err, &s->t, 0);
	else
		ret = xs_err(XS_EXIT_ENV, "cannot open the pins in %s: %s",
			     s->t.pindir, strerror(-err));
	if (ret)
		return ret;

	/* One socket per active RX queue: a reply may come in on any. */
	n = xs_rx_queues_active(
		s->t.ifname, s->t.iface.rx_queues ? s->t.iface.rx_queues : 1);
	if (o->max_queues && n > o->max_queues)
		xs_warn("%s has %u RX queues; replies on queues beyond %u are passed to the kernel (rx_no_socket)",
			s->t.ifname, n, o->max_queues);
	if (o->max_queues && n > o->max_queues)
		n = o->max_queues;
	if (n > XS_MAX_QUEUES)
		return xs_err(
			XS_EXIT_USAGE,
			"%s has %u RX queues; xdpshake handles at most %d",
			s->t.ifname, n, XS_MAX_QUEUES);
	xo.ifindex = s->t.iface.ifindex;
	xo.nframes = o->nframes; /* 0: xsk.c's default */
	for (i = 0; i < n; i++) {
		xo.queue = i;
		err = xs_xsk_open(&xo, &s->socks[i]);
		if (!err)
			err = xs_xsk_update_map(s->socks[i], s->l.xsks_fd);
		/* Someone detaching our filter (bpftool link detach) would
		 * leave the run deaf, its targets silent; our guard, let
		 * the kernel's RSTs out. */
		if (!err)
			err = xs_xsk_watch_links(s->socks[i], s->l.xdp_link_fd,
						 s->l.tc_link_fd,
						 s->l.tc_guard_id);
		if (err)
			return xs_err(XS_EXIT_ENV,
				      "AF_XDP socket on %s queue %u: %s",
				      s->t.ifname, i, strerror(-err));
		s->nsocks++;
	}
	/*
	 * A monitor on the interface sees what we send and what the filter
	 * redirects to us, neither of which passes TC.  A load from before
	 * the hook has none: the run goes on, unseen.
	 */
	err = xs_montap_open(s->t.iface.ifindex, &s->tap);
	if (err && xs_verbose)
		xs_warn("no monitor hook on %s (%s): a monitor sees only what passes TC",
			s->t.ifname, strerror(-err));
	for (i = 0; !err && i < s->nsocks; i++)
		xs_xsk_set_tap(s->socks[i], xs_montap_frame, s->tap);
	return 0;
}

struct xs_addr xs_session_src(const struct xs_session *s,
			      const struct xs_addr *dst)
{
	return xs_addr_is_v4(dst) ? xs_addr_v4(s->src) : s->src6;
}

uint16_t xs_session_mss(const struct xs_session *s, const struct xs_addr *dst)
{
	struct xs_addr v4 = xs_addr_v4(0);
	unsigned int hdrs = xs_l3l4_hlen(dst ?: &v4, 0);
	unsigned int floor = hdrs == 40 ? 536 : 1280 - hdrs;
	unsigned int mss = s->t.iface.mtu > hdrs ? s->t.iface.mtu - hdrs : 0;
	unsigned int room = s->nsocks ? xs_xsk_rx_room(s->socks[0]) : 0;

	/* Ethernet, IP and TCP headers without options */
	if (room > XS_ETH_HLEN + hdrs && mss > room - (XS_ETH_HLEN + hdrs))
		mss = room - (XS_ETH_HLEN + hdrs);
	return mss < floor ? floor : mss;
}

uint16_t xs_session_mss_for(const struct xs_session *s, uint16_t want,
			    const struct xs_addr *dst)
{
	struct xs_addr v4 = xs_addr_v4(0);
	unsigned int room = s->nsocks ? xs_xsk_rx_room(s->socks[0]) : 0;
	unsigned int cap = XS_ETH_HLEN + xs_l3l4_hlen(dst ?: &v4, 0);

	if (!want)
		return xs_session_mss(s, dst);
	if (room <= cap || want <= room - cap)
		return want;
	cap = room - cap;
	xs_warn("--mss %u is more than an AF_XDP frame holds: sending MSS %u",
		want, cap);
	return cap;
}

void xs_session_sockstats(const struct xs_session *s, struct xs_sockstat *out)
{
	struct xdp_statistics xs;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->nsocks; i++) {
		if (xs_xsk_stats(s->socks[i], &xs))
			continue;
		out->rx_dropped += xs.rx_dropped;
		out->rx_invalid_descs += xs.rx_invalid_descs;
		out->tx_invalid_descs += xs.tx_invalid_descs;
		out->rx_ring_full += xs.rx_ring_full;
		out->rx_fill_ring_empty_descs += xs.rx_fill_ring_empty_descs;
		out->tx_ring_empty_descs += xs.tx_ring_empty_descs;
	}
}

void xs_session_add_sockstats(struct xs_session *s)
{
	struct xs_sockstat tot, now;

	if (s->l.sockstat_fd < 0 || xs_read_sockstat(s->l.sockstat_fd, &tot))
		return;
	xs_session_sockstats(s, &now);
	tot.rx_dropped += now.rx_dropped;
	tot.rx_invalid_descs += now.rx_invalid_descs;
	tot.tx_invalid_descs += now.tx_invalid_descs;
	tot.rx_ring_full += now.rx_ring_full;
	tot.rx_fill_ring_empty_descs += now.rx_fill_ring_empty_descs;
	tot.tx_ring_empty_descs += now.tx_ring_empty_descs;
	xs_write_sockstat(s->l.sockstat_fd, &tot);
}

void xs_session_close(struct xs_session *s)
{
	unsigned int i;
	__u32 q;

	if (s->cfg_changed)
		xs_write_cfg(s->l.cfg_fd, &s->saved_cfg);
	for (i = 0; i < s->nsocks; i++) {
		if (s->l.pinned && s->l.xsks_fd >= 0) {
			q = i;
			bpf_map_delete_elem(s->l.xsks_fd, &q);
		}
		xs_xsk_close(s->socks[i]);
		s->socks[i] = NULL;
	}
	s->nsocks = 0;
	xs_montap_close(s->tap);
	s->tap = NULL;
	xs_close(&s->l);
	/* Let go only once detached: the next run finds the interface
	 * free. */
	xs_runlock_release(s->runlock, s->t.iface.ifindex);
	s->runlock = -1;
	if (s->lockfd >= 0)
		close(s->lockfd);
	if (s->sigfd >= 0)
		close(s->sigfd);
	s->lockfd = s->sigfd = -1;
}
