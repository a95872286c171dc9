/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The maps both halves of `listen` share, and how they fill them: completed
 * handshakes per client address (an LRU hash), the round trip SYN-ACK ->
 * final ACK (a log2 histogram of microseconds) and the addresses answered
 * for (read only).  bpf/listen.bpf.c defines them for
 * itself; bpf/listen_tc.bpf.c (--protect) declares the same and its loader
 * hands it the XDP half's maps (bpf_map__reuse_fd), so one histogram and
 * one source table count every handshake whichever half completed it.
 * bpf/listen_match.h tells, from them and cfg, which segments are ours.
 * Include after vmlinux.h, bpf_helpers.h, listen.h and bpf/cookie.h.
 */
#ifndef XS_BPF_LISTEN_MAPS_H
#define XS_BPF_LISTEN_MAPS_H

#define XS_LISTEN_RTT_MAX_US 60000000U /* longer: a stale echo */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XS_LISTEN_SRC_MAX);
	__type(key, struct xs_listen_src_key);
	__type(value, struct xs_listen_src);
} xs_lsrc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_rtt_hist);
} xs_lrtt SEC(".maps");

/* What is answered for (include/listen.h); filled by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_listen_addrs);
} xs_laddr SEC(".maps");

/* Our TSval clock (the SYN-ACK's, echoed in the final ACK's TSecr). */
static __always_inline __u32 xs_listen_now_us(__u64 now_ns)
{
	return now_ns / 1000;
}

/*
 * A final ACK echoing tsecr (host order) at now_ns: its round trip into
 * the histogram.  False (nothing recorded) without an echo, or for one
 * too old to be this handshake's.
 */
static __always_inline bool xs_lrtt_add(__u32 tsecr, __u64 now_ns)
{
	__u32 key = 0, slot = 0, rtt = xs_listen_now_us(now_ns) - tsecr;
	struct xs_rtt_hist *h;

	if (!tsecr || rtt > XS_LISTEN_RTT_MAX_US)
		return false;
	h = bpf_map_lookup_elem(&xs_lrtt, &key);
	if (!h)
		return false;
	/* log2 buckets as xs_rtt_hist says: slot k holds [2^(k-1), 2^k). */
	while (rtt && slot < XS_HIST_SLOTS - 1) {
		rtt >>= 1;
		slot++;
	}
	h->slot[slot & (XS_HIST_SLOTS - 1)]++;
	return true;
}

/* One more completed handshake from the client of tu. */
static __always_inline void xs_lsrc_add(const struct xs_ctuple *tu,
					__u64 now_ns)
{
	struct xs_listen_src_key k = { .addr = { [10] = 0xff, [11] = 0xff } };
	struct xs_listen_src *s, init = { 1, now_ns };

	/* 16 bytes, IPv4 as ::ffff:a.b.c.d (its address in caddr[0]). */
	if (tu->v6)
		__builtin_memcpy(k.addr, tu->caddr, 16);
	else
		__builtin_memcpy(k.addr + 12, tu->caddr, 4);
	s = bpf_map_lookup_elem(&xs_lsrc, &k);
	if (s) {
		__sync_fetch_and_add(&s->handshakes, 1);
		s->last_ns = now_ns;
		return;
	}
	if (bpf_map_update_elem(&xs_lsrc, &k, &init, BPF_NOEXIST)) {
		/* Another CPU made it first. */
		s = bpf_map_lookup_elem(&xs_lsrc, &k);
		if (s)
			__sync_fetch_and_add(&s->handshakes, 1);
	}
}

#endif /* XS_BPF_LISTEN_MAPS_H */
