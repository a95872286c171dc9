/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which segments `listen` takes, for both halves (bpf/listen.bpf.c, XDP;
 * bpf/listen_tc.bpf.c, --protect's TC ingress): destination address in
 * xs_laddr (an address or a prefix), destination port in cfg's bitmap, and
 * the MSS a cookie's index stands for.  Include after cfg's definition and
 * bpf/listen_maps.h.
 */
#ifndef XS_BPF_LISTEN_MATCH_H
#define XS_BPF_LISTEN_MATCH_H

/* a: 16 bytes as four words, an IPv4 address as ::ffff:a.b.c.d. */
static __always_inline bool addr_ours(const __u32 *a)
{
	const struct xs_listen_addrs *t;
	__u32 i, key = 0;

	t = bpf_map_lookup_elem(&xs_laddr, &key);
	if (!t)
		return false;
	if (!t->n)
		return true;
	for (i = 0; i < XS_LISTEN_MAX_ADDRS; i++) {
		if (i >= t->n)
			break;
		if ((a[0] & t->mask[i][0]) == t->net[i][0] &&
		    (a[1] & t->mask[i][1]) == t->net[i][1] &&
		    (a[2] & t->mask[i][2]) == t->net[i][2] &&
		    (a[3] & t->mask[i][3]) == t->net[i][3])
			return true;
	}
	return false;
}

static __always_inline bool port_ours(__be16 port)
{
	__u16 p = bpf_ntohs(port);

	return (cfg.ports[p >> 6] >> (p & 63)) & 1;
}

/*
 * The cookie's MSS (include/listen.h's table) by its index.  A switch, not
 * a static const array: clang leaves such an array at offset 0 of
 * .rodata's BTF beside cfg, the kernel refuses that BTF ("Invalid
 * offset") and libbpf loads the program without any, so bpftool could not
 * print the maps by field.
 */
static __always_inline __u16 mss_of(__u32 i)
{
	switch (i & 3) {
	case 0:
		return 536;
	case 1:
		return 1220;
	case 2:
		return 1440;
	}
	return 1460;
}

#endif /* XS_BPF_LISTEN_MATCH_H */
