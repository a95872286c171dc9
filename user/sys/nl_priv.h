/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What user/sys/nl.c and user/sys/nl_route.c share: a NETLINK_ROUTE socket, one
 * request/answer exchange, attribute parsing.  Not for other files: they
 * use nl.h.
 */
#ifndef XS_NL_PRIV_H
#define XS_NL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "addr.h"

/*
 * Dumps come in skbs of up to 32 KiB once the kernel has seen that our
 * buffer is that large; a smaller buffer would truncate them (ENOSPC).
 */
#define NL_BUF_SIZE 32768

#define NL_MAX_ATTR 64

struct nl_ctx {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
};

struct attr_tab {
	const struct nlattr *tb[NL_MAX_ATTR + 1];
};

/* Open and bind a socket in the calling thread's namespace; 0 or -errno. */
int nl_open(struct nl_ctx *c);
void nl_close(struct nl_ctx *c);

/*
 * Send one request and hand every answer to cb until the exchange ends
 * (the ACK, the kernel's error, or a dump's NLMSG_DONE).  0 or -errno.
 */
int nl_talk(struct nl_ctx *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* The attributes after a family header of hdrlen bytes; 0 or -EPROTO. */
int attr_parse(const struct nlmsghdr *nlh, size_t hdrlen, struct attr_tab *t);

/* A value of exactly that length, else false (absent or short). */
bool attr_u32(const struct nlattr *a, uint32_t *v);
bool attr_bytes(const struct nlattr *a, void *dst, size_t len);
/* An address of family (AF_INET: 4 bytes, AF_INET6: 16), else false. */
bool attr_addr(const struct nlattr *a, int family, struct xs_addr *out);
/* An address attribute in its family's length (4 or 16 bytes). */
void attr_put_addr(struct nlmsghdr *nlh, uint16_t type,
		   const struct xs_addr *a);

/* The device does no ARP (loopback, point-to-point, IFF_NOARP, or no
 * MAC): its neighbours get the zero MAC.  *err is 0 or -errno. */
bool nl_link_noarp(struct nl_ctx *c, int ifindex, int *err);

#endif /* XS_NL_PRIV_H */
