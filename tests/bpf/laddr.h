/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The listen tests' address table: fill xs_laddr (include/listen.h) from
 * text, as `listen --addr` does ("10.0.0.2", "10.9.0.0/28", "fd00::/112").
 */
#ifndef XS_TEST_LADDR_H
#define XS_TEST_LADDR_H

#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "listen.h"

/* n specs into map fd; 0, or -EINVAL / -errno. */
static inline int laddr_set(int fd, const char *const *spec, unsigned int n)
{
	struct xs_listen_addrs t = {};
	struct xs_addr net, m;
	unsigned int i, plen;
	const char *why;
	__u32 key = 0;

	for (i = 0; i < n && i < XS_LISTEN_MAX_ADDRS; i++) {
		if (xs_prefix_parse(spec[i], &net, &plen, &why))
			return -EINVAL;
		xs_prefix_mask(plen, &m);
		memcpy(t.net[i], net.b, 16);
		memcpy(t.mask[i], m.b, 16);
		t.plen[i] = plen;
	}
	t.n = i;
	return bpf_map_update_elem(fd, &key, &t, BPF_ANY) ? -errno : 0;
}

#endif /* XS_TEST_LADDR_H */
