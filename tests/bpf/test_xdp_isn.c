// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XS_CFG_ISN_CHECK: the XDP filter's SipHash of the 4-tuple must equal
 * userspace's xs_isn() for every tuple, or scans would drop their own
 * replies.  With no AF_XDP socket in the XSKMAP, a reply that passes the
 * check comes back XDP_PASS counted rx_no_socket; one that fails is
 * XDP_DROP counted rx_invalid.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdlib.h>

#include "isn.h"
#include "loader.h"
#include "packet.h"
#include "testlib.h"
#include "xdp_filter.skel.h"

static struct xdp_filter_bpf *skel;

static int run(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
	       uint8_t flags, uint32_t ack)
{
	/* A reply: from the server (daddr:dport) to us (saddr:sport). */
	struct xs_frame_spec s = {
		.saddr = xs_addr_v4(daddr),
		.daddr = xs_addr_v4(saddr),
		.sport = dport,
		.dport = sport,
		.seq = 1000,
		.ack = ack,
		.flags = flags,
		.window = 1000,
		.ttl = 64,
	};
	uint8_t frame[128];
	LIBBPF_OPTS(bpf_test_run_opts, o);

	o.data_in = frame;
	o.data_size_in = xs_build_tcp_frame(frame, sizeof(frame), &s);
	o.repeat = 1;
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xs_xdp_filter),
				   &o))
		return -1;
	return o.retval;
}

static __u64 counter(enum xs_stat id)
{
	struct xs_stats st;

	if (xs_read_stats(bpf_map__fd(skel->maps.xs_stats), &st))
		return ~0ULL;
	return ((__u64 *)&st)[id];
}

int main(void)
{
	struct xs_isn_key key = { 0x0706050403020100ULL,
				  0x0f0e0d0c0b0a0908ULL };
	struct xs_config cfg = { .port_lo = 61000,
				 .port_hi = 61999,
				 .flags = XS_CFG_ISN_CHECK };
	uint32_t saddr = inet_addr("10.1.2.3"), daddr;
	__u64 inv0, nosock0;
	uint32_t isn, i;
	int ok_all = 1, rc;

	skel = xdp_filter_bpf__open_and_load();
	if (!skel) {
		printf("FAIL: load: %s\n", strerror(errno));
		return 1;
	}
	cfg.src_ip = saddr;

	for (int round = 0; round < 2; round++) {
		if (round) {
			/* A second key: the program must read it from the
			 * map, not from anything cached. */
			key.k0 = 0x1234567890abcdefULL;
			key.k1 = 0xfedcba0987654321ULL;
		}
		cfg.isn_k0 = key.k0;
		cfg.isn_k1 = key.k1;
		xs_write_cfg(bpf_map__fd(skel->maps.xs_cfg), &cfg);

		TEST_BEGIN(round ? "isn_check: agrees with xs_isn (key 2)" :
				   "isn_check: agrees with xs_isn (key 1)");
		srand(42 + round);
		for (i = 0; i < 200; i++) {
			uint16_t sport = 61000 + rand() % 1000;
			uint16_t dport = 1 + rand() % 65535;

			daddr = htonl(0x0a000000 | (rand() & 0xffffff));
			isn = xs_isn(&key, saddr, daddr, sport, dport);
			nosock0 = counter(XS_STAT_RX_NO_SOCKET);
			rc = run(saddr, daddr, sport, dport,
				 XS_TCP_SYN | XS_TCP_ACK, isn + 1);
			if (rc != XDP_PASS ||
			    counter(XS_STAT_RX_NO_SOCKET) != nosock0 + 1) {
				ok_all = 0;
				break;
			}
		}
		CHECK(ok_all,
		      "SYN-ACK with ack = xs_isn()+1 rejected at tuple %u", i);
		TEST_END();
	}

	daddr = inet_addr("10.9.9.9");
	isn = xs_isn(&key, saddr, daddr, 61500, 80);
	{
		static const struct {
			const char *name;
			uint8_t flags;
			uint32_t ack_delta;
			int verdict;
			enum xs_stat stat;
		} cases[] = {
			{ "isn_check: SYN-ACK ack=isn+1 accepted", 0x12, 1,
			  XDP_PASS, XS_STAT_RX_NO_SOCKET },
			{ "isn_check: SYN-ACK ack=isn dropped", 0x12, 0,
			  XDP_DROP, XS_STAT_RX_INVALID },
			{ "isn_check: SYN-ACK ack=isn+2 dropped", 0x12, 2,
			  XDP_DROP, XS_STAT_RX_INVALID },
			{ "isn_check: SYN-ACK ack=isn+2^31 dropped", 0x12,
			  0x80000001u, XDP_DROP, XS_STAT_RX_INVALID },
			{ "isn_check: RST+ACK ack=isn+1 accepted", 0x14, 1,
			  XDP_PASS, XS_STAT_RX_NO_SOCKET },
			{ "isn_check: RST+ACK wrong ack dropped", 0x14, 7,
			  XDP_DROP, XS_STAT_RX_INVALID },
			{ "isn_check: RST without ACK dropped", 0x04, 1,
			  XDP_DROP, XS_STAT_RX_INVALID },
		};

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			__u64 before = counter(cases[i].stat);

			TEST_BEGIN(cases[i].name);
			rc = run(saddr, daddr, 61500, 80, cases[i].flags,
				 isn + cases[i].ack_delta);
			CHECK_EQ(rc, cases[i].verdict);
			CHECK_EQ(counter(cases[i].stat), before + 1);
			TEST_END();
		}
	}

	/* Without the flag the same wrong ack goes to userspace to judge. */
	cfg.flags = 0;
	xs_write_cfg(bpf_map__fd(skel->maps.xs_cfg), &cfg);
	TEST_BEGIN("isn_check: off: wrong ack not judged in XDP");
	inv0 = counter(XS_STAT_RX_INVALID);
	rc = run(saddr, daddr, 61500, 80, 0x12, isn + 5);
	CHECK_EQ(rc, XDP_PASS);
	CHECK_EQ(counter(XS_STAT_RX_INVALID), inv0);
	TEST_END();

	xdp_filter_bpf__destroy(skel);
	return TEST_EXIT();
}
