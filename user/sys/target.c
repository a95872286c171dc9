/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Entering the namespace and finding the interface a command works on. */
#include <errno.h>
#include <string.h>

#include "caps.h"
#include "diag.h"
#include "loader.h"
#include "netns.h"
#include "target.h"

int xs_target_open(struct xs_target *t)
{
	int err;

	if (!t->ifname)
		return xs_err(XS_EXIT_USAGE,
			      "no interface given: use -i IFACE");
	if (strlen(t->ifname) >= 16)
		return xs_err(
			XS_EXIT_USAGE,
			"interface name '%s' is longer than 15 characters",
			t->ifname);
	err = xs_netns_enter(t->netns);
	if (err == -ENOENT)
		return xs_err(
			XS_EXIT_USAGE,
			"no network namespace '%s' (a name in /var/run/netns or a path like /proc/PID/ns/net)",
			t->netns);
	if (err == -EPERM)
		return xs_err(
			XS_EXIT_ENV,
			"entering namespace '%s' needs CAP_SYS_ADMIN: run with sudo, or add cap_sys_admin to the binary's capabilities (sudo setcap %s+ep ...)",
			t->netns, XS_SETCAP_LIST);
	if (err)
		return xs_err(XS_EXIT_USAGE, "cannot enter namespace '%s': %s",
			      t->netns, strerror(-err));
	err = xs_nl_iface(t->ifname, &t->iface);
	if (err == -ENODEV)
		return xs_err(XS_EXIT_USAGE, "no interface '%s'%s%s", t->ifname,
			      t->netns ? " in namespace " : "",
			      t->netns ? t->netns : "");
	if (err)
		return xs_err(XS_EXIT_ENV, "cannot read interface '%s': %s",
			      t->ifname, strerror(-err));
	err = xs_pindir(t->ifname, t->pindir, sizeof(t->pindir));
	if (err)
		return xs_err(XS_EXIT_ENV, "cannot name the pin folder: %s",
			      strerror(-err));
	return 0;
}

void xs_target_warn_tentative(const struct xs_target *t,
			      const struct xs_addr *src6)
{
	char buf[XS_ADDR_STRLEN];
	unsigned int i;

	if (xs_addr_is_zero(src6))
		return;
	for (i = 0; i < t->iface.n_tentative; i++) {
		if (!xs_addr_eq(&t->iface.tentative[i], src6))
			continue;
		xs_warn("%s is tentative on %s (duplicate address detection not over): peers get no neighbour advertisement for it, so replies may not come until it is (add it with nodad, or wait)",
			xs_addr_fmt(src6, buf), t->ifname);
		return;
	}
}
