// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Writes the fuzzer's seed corpus: well-formed frames from the builder (the
 * seed tutorial's three packets, option-laden SYNs, RSTs, data), IPv6
 * frames from tests/bpf/frames6.h (extension headers, a fragment, ICMPv6
 * errors and NDP), and every frame of the hostile table (both families:
 * tests/hostile/cases.h) that the fuzzer then mutates.  Usage: mkseeds DIR
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "xdpshake.h"
#include "bpf/frames6.h"
#include "hostile/cases.h"

static int write_raw(const char *dir, const char *name, const uint8_t *buf,
		     size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(buf, 1, len, f);
	return fclose(f);
}

static int write_seed(const char *dir, const char *name,
		      const struct xs_frame_spec *s)
{
	uint8_t buf[1600];
	size_t len;

	len = xs_build_tcp_frame(buf, sizeof(buf), s);
	return len ? write_raw(dir, name, buf, len) : -1;
}

/* IPv6: what the XDP filter's IPv6 parser tells apart, one of each. */
static int write_seeds6(const char *dir)
{
	static const struct {
		const char *name;
		struct xs_t6 f;
	} v6[] = {
		{ "v6_synack", { .flags = XS_TCP_SYN | XS_TCP_ACK } },
		{ "v6_rst", { .flags = XS_TCP_RST | XS_TCP_ACK } },
		{ "v6_hbh_dst_rt",
		  { .flags = XS_TCP_SYN | XS_TCP_ACK,
		    .ext_n = 3,
		    .ext = { 0, 60, 43 },
		    .ext_len8 = { 0, 1, 2 } } },
		{ "v6_frag",
		  { .flags = XS_TCP_SYN | XS_TCP_ACK,
		    .ext_n = 1,
		    .ext = { 44 } } },
		{ "v6_jumbo",
		  { .flags = XS_TCP_SYN | XS_TCP_ACK,
		    .ext_n = 1,
		    .ext = { 0 },
		    .jumbo = true,
		    .plen_set = true } },
		{ "v6_partial",
		  { .flags = XS_TCP_SYN | XS_TCP_ACK,
		    .csum = XS_T6_CSUM_PARTIAL } },
		{ "v6_unreach", { .icmp_type = 1, .icmp_code = 1 } },
		{ "v6_toobig", { .icmp_type = 2 } },
		{ "v6_timex", { .icmp_type = 3 } },
		{ "v6_ndp_ns", { .icmp_type = 135, .daddr = xs_t6_snm } },
	};
	uint8_t buf[XS_T6_MAX];
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
		err |= write_raw(dir, v6[i].name, buf,
				 xs_t6_build(buf, &v6[i].f));
	return err;
}

/* The hostile table's frames, hostile_NNN (both families). */
static int write_hostile(const char *dir)
{
	uint8_t buf[HC_FRAME_MAX];
	char name[32];
	size_t i;
	int err = 0;

	for (i = 0; i < HC_NCASES; i++) {
		snprintf(name, sizeof(name), "hostile_%03zu", i);
		err |= write_raw(dir, name, buf,
				 hc_build(&hostile_cases[i], buf, NULL));
	}
	return err;
}

int main(int argc, char **argv)
{
	static const uint8_t data[] = "HTTP/1.0 200 OK\r\n\r\n";
	struct xs_frame_spec s = {
		.src_mac = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 },
		.dst_mac = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x05 },
		.sport = 20,
		.dport = 80,
		.flags = XS_TCP_SYN,
		.window = 29200,
		.ttl = 64,
		.ip_id = 123,
	};
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 1;
	}
	s.saddr = xs_addr_v4(inet_addr("172.17.0.2"));
	s.daddr = xs_addr_v4(inet_addr("172.17.0.5"));
	err |= write_seed(argv[1], "seed_syn", &s);
	s.flags = XS_TCP_ACK;
	s.seq = 1;
	s.ack = 692864111;
	err |= write_seed(argv[1], "seed_ack", &s);
	s.flags = XS_TCP_SYN | XS_TCP_ACK;
	s.opts = (struct xs_tcp_opts){ .has_mss = true,
				       .mss = 1460,
				       .sack_ok = true,
				       .has_ts = true,
				       .ts_val = 1,
				       .has_wscale = true,
				       .wscale = 7 };
	err |= write_seed(argv[1], "synack_opts", &s);
	s.flags = XS_TCP_RST | XS_TCP_ACK;
	memset(&s.opts, 0, sizeof(s.opts));
	err |= write_seed(argv[1], "rst_ack", &s);
	s.flags = XS_TCP_PSH | XS_TCP_ACK;
	s.payload = data;
	s.payload_len = sizeof(data) - 1;
	err |= write_seed(argv[1], "data", &s);
	err |= write_seeds6(argv[1]);
	err |= write_hostile(argv[1]);
	return err ? 1 : 0;
}
