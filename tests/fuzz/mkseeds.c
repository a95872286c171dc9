// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Writes the fuzzer's seed corpus: well-formed frames from the builder (the
 * seed tutorial's three packets, option-laden SYNs, RSTs, data) that the
 * fuzzer then mutates.  Usage: mkseeds DIR
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "xdpshake.h"
#include "../mon_frames6.h"

static int write_seed(const char *dir, const char *name,
		      const struct xs_frame_spec *s)
{
	uint8_t buf[1600];
	char path[512];
	size_t len;
	FILE *f;

	len = xs_build_tcp_frame(buf, sizeof(buf), s);
	if (!len)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(buf, 1, len, f);
	return fclose(f);
}

static int write_raw(const char *dir, const char *name, const uint8_t *b,
		     size_t len)
{
	char path[512];
	FILE *f;

	if (!len)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(b, 1, len, f);
	return fclose(f);
}

/* IPv6 (the monitor's frame6.c): a SYN, one behind extension headers, and
 * ICMPv6 errors quoting the SYN. */
static int write_seeds6(const char *dir)
{
	static const uint8_t ext[2] = { 0, 60 };
	struct xs_f6 f = { .src = "fd00::2",
			   .dst = "fd00::5",
			   .sport = 20,
			   .dport = 80,
			   .flags = XS_TCP_SYN,
			   .window = 29200 };
	uint8_t syn[200], b[300];
	size_t n;
	int err = 0;

	n = xs_f6_build(syn, sizeof(syn), &f);
	err |= write_raw(dir, "v6_syn", syn, n);
	err |= write_raw(dir, "v6_unreach", b,
			 xs_f6_icmp(b, sizeof(b), syn, n - 14, 1, 1, 0,
				    "fd00::1"));
	err |= write_raw(dir, "v6_too_big", b,
			 xs_f6_icmp(b, sizeof(b), syn, n - 14, 2, 0, 1280,
				    "fd00::1"));
	f.ext = ext;
	f.next = 2;
	err |= write_raw(dir, "v6_ext", b, xs_f6_build(b, sizeof(b), &f));
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
	s.saddr = inet_addr("172.17.0.2");
	s.daddr = inet_addr("172.17.0.5");
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
	return err ? 1 : 0;
}
