/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdpshake scan's state and its parsed options, shared by scan_opts.c
 * (the option table and its setters) and cmd_scan.c (the run).
 */
#ifndef XS_SCAN_H
#define XS_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "nexthop.h"
#include "permute.h"
#include "report.h"
#include "session.h"
#include "targets.h"

struct scan {
	struct xs_session s;
	struct xs_targets targets;
	struct xs_ports ports;
	struct xs_perm perm;
	struct xs_report rep;
	bool has_dst_mac;
	uint8_t dst_mac[6];
	struct xs_nexthops *nh;
	int stop; /* set by the engine at the first signal */
	uint64_t unresolved;
	struct xs_addr first_unresolved; /* for the error */
	bool unresolved_fam[2]; /* IPv4, IPv6 targets skipped: ARP, NDP */
	uint64_t produced;
	uint64_t max_probes; /* --max-targets; 0: all */
	bool exhausted; /* the permutation has no more (not stopped early) */
	/* The interface went (or went down) under the ARP/NDP sweep: no
	 * more probes, the run ends on it (-ENODEV, -ENETDOWN) */
	int fault;
	/* A resumed state's unfinished probes, sent first (back_pos: the
	 * next one), and this run's own, left without an outcome by a fault:
	 * both go into the state it saves. */
	struct xs_perm_back back;
	size_t back_pos;
	struct xs_perm_back unfinished;
	uint64_t unfinished_lost; /* not recorded: out of memory */
};

struct scan_args {
	struct scan *sc;
	bool has_seed, state_given, user_exclude, any_target;
	bool src_given[2]; /* --src of IPv4, of IPv6 */
	struct xs_session_opts so;
	struct xs_engine_cfg ec;
	struct xs_perm_cfg pc;
	const char *resume, *state_file, *output;
	int format; /* enum xs_out_fmt */
	struct xs_report_cfg rc;
	bool allow_large, no_default_exclude, print_default_exclude;
	bool status_json, quiet, dryrun, legacy_out;
	uint32_t ttl; /* into ec.ttl, one byte */
	uint64_t max_targets; /* 0: all */
	uint32_t max_runtime_ms; /* 0: no limit */
	char *args, *services; /* for the outputs' headers */
	uint8_t dst_mac[6];
	uint8_t payload[1200];
	uint16_t payload_len;
	unsigned int show; /* enum xs_show; 0: XS_SHOW_DEFAULT */
};

#endif /* XS_SCAN_H */
