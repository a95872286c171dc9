/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The benchmark's XDP programs and TC SYN-ACK counter (responder.bpf.c)
 * and their loader (responder.c) share these types: the configuration in
 * .rodata and the per-CPU counters.  Only __u8..__u64/__be16/__be32, as in
 * include/.  (What answers the scans is the product: `xdpshake listen`.)
 */
#ifndef XS_BENCH_RESPONDER_H
#define XS_BENCH_RESPONDER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Set by the loader before load; the program sees constants. */
struct resp_cfg {
	__be32 addr; /* address counted for; 0 = any */
	__be16 port; /* TCP port counted */
	__u16 pad;
};

/*
 * Counters, one struct per CPU (PERCPU_ARRAY with one entry), incremented
 * field by field through enum resp_stat without atomics.  The timestamps
 * are bpf_ktime_get_ns() (CLOCK_MONOTONIC): userspace takes the smallest
 * first_* and the largest last_* over the CPUs.
 */
enum resp_stat {
	RESP_STAT_FRAMES, /* frames the program ran on */
	RESP_STAT_SYN, /* SYNs to addr:port */
	RESP_STAT_SYNACK_TX, /* SYN-ACKs the kernel sent (TC egress) */
	RESP_STAT_RST, /* RSTs to addr:port */
	RESP_STAT_OTHER, /* other segments to addr:port */
	RESP_STAT_PASS, /* not ours */
	RESP_STAT_MALFORMED, /* bad IPv4/TCP: to the kernel, which drops it */
	RESP_STAT_SUNK, /* resp_sink: TCP frames to the port, dropped */
	RESP_STAT_REFLECTED, /* resp_reflect: sent back by XDP_TX */
	RESP_STAT_MAX,
};

struct resp_stats {
	__u64 frames;
	__u64 syn;
	__u64 synack_tx;
	__u64 rst;
	__u64 other;
	__u64 pass;
	__u64 malformed;
	__u64 sunk;
	__u64 reflected;
	__u64 first_syn_ns; /* 0 until the first SYN on this CPU */
	__u64 last_syn_ns;
	__u64 last_rst_ns;
	__u64 first_synack_ns; /* TC egress: first and last SYN-ACK out */
	__u64 last_synack_ns;
	__u64 first_frame_ns; /* resp_sink, resp_reflect: first and last */
	__u64 last_frame_ns; /* frame counted */
};

#endif /* XS_BENCH_RESPONDER_H */
