// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsflood: send a burst of hand-built Ethernet/IPv4/TCP (or IPv6/TCP)
 * frames out of one interface through an AF_PACKET socket, as fast as the
 * interface takes them.  The fault tests use it from the server's namespace to bury a
 * running xdpshake under SYN-ACK-shaped frames for its port range.
 *
 * Usage: xsflood -i IF --src-mac MAC --dst-mac MAC --src IP --dst IP
 *                --sport N --dport LO[-HI] --count N
 *                [--flags SA|R|RA|A] [--seq N] [--ack N] [--max-ms MS]
 *
 * --src and --dst are both IPv4 or both IPv6 (the frames' family).
 * Destination ports cycle through LO-HI.  The checksums are complete.
 * Prints "SENT <n> DROPPED <m> MS <elapsed>" and exits 0 if every frame was
 * handed to the interface, 1 on a usage error, 2 if the socket could not be
 * set up, 3 if some frames could not be sent within --max-ms (default 10 s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#define FRAME_LEN 60 /* the Ethernet minimum; TCP ends at 54 */
#define FRAME6_LEN 74 /* Ethernet, IPv6 and TCP headers */
#define SEND_RETRIES 1000 /* per frame, while the queue is full */

struct flood_opts {
	const char *ifname;
	uint8_t src_mac[6], dst_mac[6];
	bool v6;
	uint8_t src[16], dst[16]; /* 4 bytes of them for IPv4 */
	unsigned int sport, dport_lo, dport_hi;
	unsigned long count;
	uint8_t flags;
	uint32_t seq, ack;
	long max_ms;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || end == s || *end || *out > max ? -1 : 0;
}

static int parse_flags(const char *s, uint8_t *out)
{
	*out = 0;
	for (; *s; s++) {
		switch (*s) {
		case 'F':
			*out |= 0x01;
			break;
		case 'S':
			*out |= 0x02;
			break;
		case 'R':
			*out |= 0x04;
			break;
		case 'P':
			*out |= 0x08;
			break;
		case 'A':
			*out |= 0x10;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* The TCP header at tcp, its checksum over the pseudo-header's sum. */
static void build_tcp(uint8_t *tcp, const struct flood_opts *o, uint16_t dport,
		      uint32_t pseudo_sum)
{
	put16(tcp, o->sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, o->seq);
	put32(tcp + 8, o->ack);
	tcp[12] = 5 << 4;
	tcp[13] = o->flags;
	put16(tcp + 14, 64240);
	put16(tcp + 16, csum_fold(csum_add(pseudo_sum, tcp, 20)));
}

/* Ethernet + 40-byte IPv6 + 20-byte TCP: 74 bytes. */
static void build6(uint8_t *f, const struct flood_opts *o, uint16_t dport)
{
	uint8_t *ip = f + 14, len[4] = { 0, 0, 0, 20 },
		nh[4] = { 0, 0, 0, IPPROTO_TCP };
	uint32_t sum;

	memset(f, 0, FRAME6_LEN);
	memcpy(f, o->dst_mac, 6);
	memcpy(f + 6, o->src_mac, 6);
	put16(f + 12, ETH_P_IPV6);
	ip[0] = 0x60;
	put16(ip + 4, 20);
	ip[6] = IPPROTO_TCP;
	ip[7] = 64;
	memcpy(ip + 8, o->src, 16);
	memcpy(ip + 24, o->dst, 16);
	sum = csum_add(csum_add(csum_add(0, ip + 8, 32), len, 4), nh, 4);
	build_tcp(ip + 40, o, dport, sum);
}

/* Ethernet + 20-byte IPv4 + 20-byte TCP, zero padding to 60 bytes. */
static void build(uint8_t *f, const struct flood_opts *o, uint16_t dport,
		  uint16_t ip_id)
{
	uint8_t *ip = f + 14, *tcp = ip + 20, pseudo[12];

	if (o->v6) {
		build6(f, o, dport);
		return;
	}
	memset(f, 0, FRAME_LEN);
	memcpy(f, o->dst_mac, 6);
	memcpy(f + 6, o->src_mac, 6);
	put16(f + 12, ETH_P_IP);

	ip[0] = 0x45;
	put16(ip + 2, 40);
	put16(ip + 4, ip_id);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, o->src, 4);
	memcpy(ip + 16, o->dst, 4);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));

	memcpy(pseudo, o->src, 4);
	memcpy(pseudo + 4, o->dst, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, 20);
	build_tcp(tcp, o, dport, csum_add(0, pseudo, sizeof(pseudo)));
}

/* --src/--dst: an address of either family; 4 or 16 bytes at out, 0 for
 * IPv4, 1 for IPv6, -1 if neither. */
static int parse_ip(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET, s, out) == 1)
		return 0;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 1;
	return -1;
}

/* 0 once the interface took the frame, -1 if it would not. */
static int send_one(int fd, const struct sockaddr_ll *sll, const uint8_t *f,
		    size_t len)
{
	unsigned int tries;

	for (tries = 0; tries < SEND_RETRIES; tries++) {
		if (sendto(fd, f, len, 0, (const struct sockaddr *)sll,
			   sizeof(*sll)) == (ssize_t)len)
			return 0;
		/* A full device queue says ENOBUFS: wait a moment, bounded. */
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			return -1;
		usleep(50);
	}
	return -1;
}

static void usage(FILE *f)
{
	fputs("Usage: xsflood -i IF --src-mac MAC --dst-mac MAC --src IP --dst IP\n"
	      "               --sport N --dport LO[-HI] --count N\n"
	      "               [--flags SA|R|RA|A] [--seq N] [--ack N] [--max-ms MS]\n",
	      f);
}

static int parse_args(int argc, char **argv, struct flood_opts *o)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "src-mac", required_argument, NULL, 'm' },
		{ "dst-mac", required_argument, NULL, 'M' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "sport", required_argument, NULL, 'p' },
		{ "dport", required_argument, NULL, 'P' },
		{ "count", required_argument, NULL, 'c' },
		{ "flags", required_argument, NULL, 'f' },
		{ "seq", required_argument, NULL, 'q' },
		{ "ack", required_argument, NULL, 'a' },
		{ "max-ms", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, fam_s = -1, fam_d = -1;
	unsigned long v, w;
	char *dash;

	o->flags = 0x12; /* SYN+ACK */
	o->max_ms = 10000;
	while ((c = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'm':
			if (parse_mac(optarg, o->src_mac))
				return -1;
			break;
		case 'M':
			if (parse_mac(optarg, o->dst_mac))
				return -1;
			break;
		case 's':
			fam_s = parse_ip(optarg, o->src);
			if (fam_s < 0)
				return -1;
			break;
		case 'd':
			fam_d = parse_ip(optarg, o->dst);
			if (fam_d < 0)
				return -1;
			break;
		case 'p':
			if (parse_ulong(optarg, 65535, &v) || !v)
				return -1;
			o->sport = v;
			break;
		case 'P':
			dash = strchr(optarg, '-');
			if (dash)
				*dash++ = '\0';
			if (parse_ulong(optarg, 65535, &v) || !v)
				return -1;
			w = v;
			if (dash && (parse_ulong(dash, 65535, &w) || w < v))
				return -1;
			o->dport_lo = v;
			o->dport_hi = w;
			break;
		case 'c':
			if (parse_ulong(optarg, 100000000, &v))
				return -1;
			o->count = v;
			break;
		case 'f':
			if (parse_flags(optarg, &o->flags))
				return -1;
			break;
		case 'q':
			if (parse_ulong(optarg, UINT32_MAX, &v))
				return -1;
			o->seq = v;
			break;
		case 'a':
			if (parse_ulong(optarg, UINT32_MAX, &v))
				return -1;
			o->ack = v;
			break;
		case 't':
			if (parse_ulong(optarg, 600000, &v) || !v)
				return -1;
			o->max_ms = v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind < argc || !o->ifname || !o->sport || !o->dport_lo ||
	    fam_s < 0 || fam_s != fam_d)
		return -1;
	o->v6 = fam_s == 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct flood_opts o = {};
	struct sockaddr_ll sll = {};
	uint8_t frame[FRAME6_LEN];
	size_t len;
	unsigned long sent = 0, dropped = 0, i;
	unsigned int span;
	long long t0, deadline;
	int fd;

	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("xsflood: socket");
		return 2;
	}
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(o.v6 ? ETH_P_IPV6 : ETH_P_IP);
	sll.sll_ifindex = if_nametoindex(o.ifname);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, o.dst_mac, 6);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "xsflood: no interface %s\n", o.ifname);
		return 2;
	}

	span = o.dport_hi - o.dport_lo + 1;
	t0 = now_ms();
	deadline = t0 + o.max_ms;
	for (i = 0; i < o.count && now_ms() < deadline; i++) {
		build(frame, &o, o.dport_lo + i % span, (uint16_t)i);
		len = o.v6 ? FRAME6_LEN : FRAME_LEN;
		if (send_one(fd, &sll, frame, len))
			dropped++;
		else
			sent++;
	}
	dropped += o.count - i;
	printf("SENT %lu DROPPED %lu MS %lld\n", sent, dropped, now_ms() - t0);
	close(fd);
	return dropped ? 3 : 0;
}
