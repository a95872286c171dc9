// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the userspace frame parser and validator, and both
 * printers, on arbitrary bytes.  Built with
 * -fsanitize=fuzzer,address,undefined; any out-of-bounds read, UB or crash
 * is a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "logfmt.h"
#include "packet.h"

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timespec ts = { .tv_sec = 1600000000 };
	uint8_t frame[2048];
	struct xs_pkt p;
	char flags[32];

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (size > sizeof(frame))
		size = sizeof(frame);
	/* A private copy of exactly size bytes, so ASan sees any read past
	 * the end of the frame. */
	memcpy(frame, data, size);
	if (xs_parse_frame(data, size, &p) != XS_PARSE_OK)
		return 0;
	/* Everything the parser reported must lie inside the input. */
	if (p.payload < data || p.payload + p.payload_len > data + size ||
	    p.tcp < data || p.tcp + p.tcp_len > data + size)
		__builtin_trap();
	if (p.opts.has_wscale && p.opts.wscale > 14)
		__builtin_trap();
	xs_tcp_csum_acceptable(&p);
	xs_tcp_flags_str(p.flags, flags, sizeof(flags));
	xs_log_seed(sink, &p, &ts);
	xs_log_json(sink, &p, "received", &ts);
	return 0;
}
