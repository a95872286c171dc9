/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Maps shared by the XDP filter and the TC guard.  Both objects include this
 * one definition, so the two maps have the same type, sizes and BTF in each
 * object: userspace loads one object, then bpf_map__reuse_fd()s its xs_cfg
 * and xs_stats into the other, and both programs see one configuration and
 * count into one set of counters.
 *
 * Include after vmlinux.h, <bpf/bpf_helpers.h> and xdpshake.h.
 */
#ifndef XS_BPF_MAPS_H
#define XS_BPF_MAPS_H

/* The configuration: one entry, written by userspace, read-only here. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_config);
} xs_cfg SEC(".maps");

/*
 * Named counters, one struct xs_stats per CPU: no atomics needed, and
 * bpftool prints the value field by field.  Userspace sums the CPUs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_stats);
} xs_stats SEC(".maps");

/* stat_inc() indexes struct xs_stats as an array of enum xs_stat counters. */
_Static_assert(sizeof(struct xs_stats) == XS_STAT_MAX * sizeof(__u64),
	       "struct xs_stats must hold exactly XS_STAT_MAX __u64 counters");

static __always_inline struct xs_config *xs_get_cfg(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&xs_cfg, &key);
}

static __always_inline struct xs_stats *xs_get_stats(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&xs_stats, &key);
}

/*
 * Increment counter number id of this CPU's struct xs_stats.  The bounds
 * check is what lets the verifier accept the variable offset into the map
 * value; it also makes a stray id harmless.
 */
static __always_inline void stat_inc(struct xs_stats *s, enum xs_stat id)
{
	__u64 *cnt = (__u64 *)s;
	__u32 i = id;

	if (i >= XS_STAT_MAX)
		return;
	cnt[i]++;
}

/* In host order, inclusive; port_lo > port_hi matches nothing. */
static __always_inline bool xs_port_ours(const struct xs_config *cfg,
					 __u16 port)
{
	return port >= cfg->port_lo && port <= cfg->port_hi;
}

#endif /* XS_BPF_MAPS_H */
