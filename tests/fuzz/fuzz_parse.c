// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the userspace frame parser (IPv4 and IPv6, with the
 * extension header walk, and the ICMP/ICMPv6 error parser) and validator,
 * both printers, and the JSON string escaping, on arbitrary bytes.  Built with
 * -fsanitize=fuzzer,address,undefined; any out-of-bounds read, UB or crash
 * is a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "icmp.h"
#include "json.h"
#include "logfmt.h"
#include "packet.h"
#include "validate.h"

static FILE *sink;

/* The monitor's IPv6 view of the frame parser (logfmt.h), its printers. */
static void fuzz_frame6(const uint8_t *data, size_t size,
			const struct timespec *ts)
{
	struct xs_ip6 ip6;
	struct xs_pkt p;

	if (xs_parse_frame6(data, size, &p, &ip6) != XS_PARSE_OK)
		return;
	/* Everything it reported must lie inside the input. */
	if ((p.payload &&
	     (p.payload < data || p.payload + p.payload_len > data + size)) ||
	    (p.tcp && (p.tcp < data || p.tcp + p.tcp_len > data + size)) ||
	    (p.icmp.hdr && p.icmp.hdr + p.icmp.len > data + size))
		__builtin_trap();
	xs_tcp_csum_state(&p);
	xs_icmp_csum_ok(&p);
	xs_log_tutorial6(sink, &p, &ip6, ts);
	xs_log_json6(sink, &p, &ip6, "ingress", "tc", ts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timespec ts = { .tv_sec = 1600000000 };
	struct xs_reply_ctx rc = {};
	struct xs_pkt p, q;
	char flags[32];

	if (!sink)
		sink = fopen("/dev/null", "w");
	/* An ICMP error's header and quote lie inside the input, and the
	 * quote's addresses are the family of the frame. */
	if (xs_parse_reply_frame(data, size, &q) == XS_PARSE_OK && q.is_icmp) {
		if (q.icmp.hdr < data ||
		    q.icmp.hdr + q.icmp.len > data + size ||
		    xs_addr_is_v4(&q.icmp.q_saddr) != (q.ip_version == 4))
			__builtin_trap();
		xs_icmp_csum_ok(&q);
		xs_log_tutorial(sink, &q, &ts);
		xs_log_json(sink, &q, "received", &ts);
	}
	/* The bytes as a JSON string: UTF-8 decoding must never read past
	 * the end of a truncated sequence. */
	xs_json_quote(sink, data, size);
	fuzz_frame6(data, size, &ts);
	/* libFuzzer hands over exactly size bytes: ASan sees any read past
	 * the end of the frame. */
	if (xs_parse_frame(data, size, &p) != XS_PARSE_OK)
		goto validate;
	/* Everything the parser reported must lie inside the input. */
	if (p.payload < data || p.payload + p.payload_len > data + size ||
	    p.tcp < data || p.tcp + p.tcp_len > data + size ||
	    p.tcp != data + XS_ETH_HLEN + p.l3_len)
		__builtin_trap();
	/* IPv6: the walk's bound holds, and the addresses are never the
	 * IPv4-mapped ones an IPv4 frame's are. */
	if (p.ip_version == 6 && p.n_ext > XS_IP6_EXT_MAX)
		__builtin_trap();
	if (p.ip_version == 4 && !xs_addr_is_v4(&p.saddr))
		__builtin_trap();
	xs_tcp_csum_acceptable(&p);
	xs_tcp_flags_str(p.flags, flags, sizeof(flags));
	xs_log_tutorial(sink, &p, &ts);
	xs_log_json(sink, &p, "received", &ts);
	/* A handshake that this frame belongs to, so the validator gets
	 * past the 4-tuple check; both phases, ISN from the frame. */
	rc.saddr = p.daddr;
	rc.daddr = p.saddr;
	rc.sport = p.dport;
	rc.dport = p.sport;
	rc.isn = p.ack - 1;
	rc.server_isn = p.seq;
validate:
	rc.phase = XS_PH_SYN_SENT;
	xs_classify_reply(data, size, &rc, &q);
	rc.phase = XS_PH_ESTABLISHED;
	xs_classify_reply(data, size, &rc, NULL);
	return 0;
}
