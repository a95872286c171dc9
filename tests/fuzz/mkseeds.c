// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Writes the fuzzer's seed corpus: well-formed frames from the builder (the
 * seed tutorial's three packets, option-laden SYNs, RSTs, data; the same
 * over IPv6, one behind extension headers, and ICMPv6 errors quoting a SYN)
 * that the fuzzer then mutates.  Usage: mkseeds DIR
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "xdpshake.h"

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
	if (!len)
		return -1;
	return write_raw(dir, name, buf, len);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * IPv6: a SYN-ACK, the same behind hop-by-hop and destination options
 * headers, and ICMPv6 destination unreachable and packet too big quoting
 * our SYN from fd00::fe.
 */
static int v6_seeds(const char *dir)
{
	struct xs_frame_spec s = {
		.src_mac = { 2, 0, 0, 0, 0, 2 },
		.dst_mac = { 2, 0, 0, 0, 0, 1 },
		.sport = 80,
		.dport = 61000,
		.seq = 7,
		.ack = 0x01020305,
		.flags = XS_TCP_SYN | XS_TCP_ACK,
		.window = 65535,
		.ttl = 64,
		.flow_label = 0x12345,
		.opts = { .has_mss = true, .mss = 1440, .sack_ok = true },
	};
	uint8_t b[1600], e[1600];
	struct xs_addr rtr = { .b = { 0xfd, [15] = 0xfe } };
	size_t n, t;
	int err = 0;

	s.saddr = (struct xs_addr){ .b = { 0xfd, [15] = 2 } };
	s.daddr = (struct xs_addr){ .b = { 0xfd, [15] = 1 } };
	err |= write_seed(dir, "v6_synack", &s);
	n = xs_build_tcp_frame(b, sizeof(b), &s);
	/* hop-by-hop (PadN), destination options (PadN), then TCP */
	memcpy(e, b, 54);
	memset(e + 54, 0, 16);
	e[20] = 0;
	e[54] = 60;
	e[56] = 1;
	e[57] = 4;
	e[62] = 6;
	e[64] = 1;
	e[65] = 4;
	memcpy(e + 70, b + 54, n - 54);
	put16(e + 18, (uint16_t)(n - 54 + 16));
	err |= write_raw(dir, "v6_synack_ext", e, n + 16);
	/* Our SYN, quoted */
	s.saddr = s.daddr;
	s.daddr = (struct xs_addr){ .b = { 0xfd, [15] = 2 } };
	s.flags = XS_TCP_SYN;
	n = xs_build_tcp_frame(b, sizeof(b), &s);
	memcpy(e, b, 14);
	memset(e + 14, 0, 48);
	e[14] = 0x60;
	e[20] = 58;
	e[21] = 64;
	memcpy(e + 22, rtr.b, 16);
	memcpy(e + 38, b + 22, 16);
	e[54] = 1;
	e[55] = 1;
	memcpy(e + 62, b + 14, n - 14);
	for (t = 1; t <= 2; t++) {
		uint32_t sum;
		size_t len = 8 + n - 14;

		e[54] = (uint8_t)t;
		e[55] = t == 1 ? 1 : 0;
		put16(e + 58, t == 2 ? 0 : 0);
		put16(e + 60, t == 2 ? 1280 : 0);
		put16(e + 18, (uint16_t)len);
		put16(e + 56, 0);
		sum = xs_pseudo_sum(&rtr, &s.saddr, 58, len);
		put16(e + 56,
		      (uint16_t)~xs_csum_fold(xs_csum_add(sum, e + 54, len)));
		err |= write_raw(dir, t == 1 ? "v6_unreach" : "v6_too_big", e,
				 54 + len);
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
	err |= v6_seeds(argv[1]);
	return err ? 1 : 0;
}
