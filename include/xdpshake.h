/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Types shared by the BPF programs and the userspace controller.
 *
 * Only __u8..__u64/__be16/__be32 here, so this compiles after vmlinux.h in
 * BPF code and after <linux/types.h> in userspace.  Every struct that a map
 * holds is defined once, here.
 */
#ifndef XDPSHAKE_H
#define XDPSHAKE_H

/* BPF code gets these types from vmlinux.h, which must not meet uapi
 * headers; userspace from the uapi. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Pinned state: /sys/fs/bpf/xdpshake/<netns>/<ifname>/<name> */
#define XS_PIN_ROOT "/sys/fs/bpf/xdpshake"

/* Map names as the kernel sees them (at most 15 characters). */
#define XS_MAP_CFG "xs_cfg"
#define XS_MAP_STATS "xs_stats"
#define XS_MAP_XSKS "xs_xsks"

/* Highest RX queue index the XSKMAP can hold a socket for. */
#define XS_MAX_QUEUES 64

enum xs_cfg_flags {
	/*
	 * Redirect every in-range TCP segment (data, FIN, ACK), not only
	 * SYN-ACK and RST.  Set by `connect --close fin`, which has to see the
	 * server's FIN.
	 */
	XS_CFG_ALL_SEGMENTS = 1U << 0,
};

/* Value of the single entry of the xs_cfg array map. */
struct xs_config {
	__be32 src_ip; /* our source address; 0 = not configured, pass all */
	__u16 port_lo; /* our source port range, host order, inclusive */
	__u16 port_hi;
	__u32 flags; /* enum xs_cfg_flags */
	__u32 pad;
};

/*
 * Named counters.  The stats map is a PERCPU_ARRAY with one entry whose
 * value is struct xs_stats: bpftool prints it field by field, and the BPF
 * code increments field number `enum xs_stat` of it.  The two lists must stay
 * in the same order (checked by a static assertion in userspace).
 */
enum xs_stat {
	XS_STAT_RX_FRAMES, /* XDP: frames seen */
	XS_STAT_RX_SYNACK, /* XDP: SYN-ACKs redirected to the socket */
	XS_STAT_RX_RST, /* XDP: RSTs redirected to the socket */
	XS_STAT_RX_OTHER, /* XDP: other in-range segments redirected */
	XS_STAT_RX_PASS, /* XDP: passed to the kernel (not ours) */
	XS_STAT_RX_MALFORMED, /* XDP: malformed IPv4/TCP, dropped */
	XS_STAT_RX_NO_SOCKET, /* XDP: ours, but no socket on the queue */
	XS_STAT_TC_SEEN, /* TC: egress frames seen */
	XS_STAT_TC_RST_DROP, /* TC: kernel RSTs from our range dropped */
	XS_STAT_MAX,
};

struct xs_stats {
	__u64 rx_frames;
	__u64 rx_synack;
	__u64 rx_rst;
	__u64 rx_other;
	__u64 rx_pass;
	__u64 rx_malformed;
	__u64 rx_no_socket;
	__u64 tc_seen;
	__u64 tc_rst_drop;
};

/* TCP flag bits, in the order the seed's log lists them (MSB first). */
#define XS_TCP_FIN 0x01
#define XS_TCP_SYN 0x02
#define XS_TCP_RST 0x04
#define XS_TCP_PSH 0x08
#define XS_TCP_ACK 0x10
#define XS_TCP_URG 0x20
#define XS_TCP_ECE 0x40
#define XS_TCP_CWR 0x80

#endif /* XDPSHAKE_H */
