/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * connect --count: many handshakes with one server, through the engine.
 */
#ifndef XS_LOADTEST_H
#define XS_LOADTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "handshake.h"
#include "loader.h"
#include "session.h"

struct xs_loadtest {
	uint32_t count;
	uint32_t concurrency; /* 0: 256 */
	uint32_t rate; /* 0: no limit */
	uint32_t duration_s; /* 0: until count */
	bool sports_given;
	uint16_t sport_lo, sport_hi;
	bool close_given;
	bool fast_path; /* --fast-path: final ACKs by XDP_TX */
};

/* Run it; prints live progress and the summary.  Returns an exit code. */
int xs_connect_count(const struct xs_target *t,
		     const struct xs_session_opts *base,
		     const struct xs_hs_params *hp, const uint8_t *dst_mac,
		     const struct xs_loadtest *lt);

#endif /* XS_LOADTEST_H */
