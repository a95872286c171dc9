// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * wire: a patch cable between two veth ends in one namespace (BENCH_WIRE=1
 * in bench.sh).  Every frame that arrives on one end leaves by the other,
 * untouched, by XDP_REDIRECT: it reaches the next veth as an xdp_frame in
 * a page-pool page with XDP headroom, as a NIC's DMA would put it, not as
 * the sender's skb.  The ends are created with fixed ifindexes (no map to
 * fill: `ip link set dev IF xdpdrv obj` attaches this as it is).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define WIRE_A 10
#define WIRE_B 11

SEC("xdp")
int wire(struct xdp_md *ctx)
{
	return bpf_redirect(ctx->ingress_ifindex == WIRE_A ? WIRE_B : WIRE_A,
			    0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
