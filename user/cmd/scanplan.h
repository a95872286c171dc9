/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a scan sends: the probe behind each index of the permutation, and
 * --dryrun, which prints those probes instead of sending them (zmap's
 * --dryrun: nothing attached, nothing sent).
 */
#ifndef XS_SCANPLAN_H
#define XS_SCANPLAN_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "isn.h"
#include "permute.h"
#include "targets.h"

/*
 * Index idx of targets x ports: destination (either family), destination
 * port, and our source port in [lo, hi]: a keyed hash (SipHash-2-4) of idx
 * under the permutation's seed (a fresh random one each run unless --seed
 * gives it), as nmap, masscan and zmap key theirs by the run's secret, so
 * that a rescan does not meet the connections the last one may have left
 * on the servers.  The same for every retry, in every shard of one --seed
 * and in a resumed scan (the state file keeps the seed).
 */
void xs_scan_probe_of(const struct xs_targets *t, const struct xs_ports *p,
		      uint64_t idx, uint64_t seed, uint16_t lo, uint16_t hi,
		      struct xs_addr *daddr, uint16_t *dport, uint16_t *sport);

/* Its inverse: the element whose probe goes to daddr, dport, in *idx;
 * false if that pair is not one of the scan's. */
bool xs_scan_index_of(const struct xs_targets *t, const struct xs_ports *p,
		      const struct xs_addr *daddr, uint16_t dport,
		      uint64_t *idx);

/* Bytes on the wire of one of our SYNs (Ethernet header to the end of
 * the TCP options), what -B turns into a rate. */
unsigned int xs_scan_syn_len(void);

/*
 * zmap's -B: bits per second ("10M"; K, M, G are powers of 1000) into SYNs
 * per second, counting what each SYN takes on an Ethernet wire: the frame
 * and 24 bytes more (preamble, frame check sequence, inter-frame gap), as
 * zmap does.  Returns 0, or -EINVAL with *why.
 */
int xs_parse_bandwidth(const char *arg, uint64_t *pps, const char **why);

struct xs_dryrun {
	uint32_t saddr; /* IPv4 source, network order */
	struct xs_addr saddr6; /* IPv6 source */
	uint16_t port_lo, port_hi;
	const struct xs_isn_key *key;
	uint8_t ttl;
	uint16_t window;
	uint64_t max; /* 0: every probe of the shard; else up to that many of
		       * the permutation in all (pm's emitted included) */
	/* A resumed state's unfinished probes: printed first */
	const struct xs_perm_back *back;
};

/* One line per probe of pm (text, or a JSON object under --json) on f:
 * the number printed, -EINTR once SIGINT, SIGTERM or SIGHUP is pending
 * (blocked: looked for every 4096 lines), or -errno for a write error. */
int64_t xs_scan_dryrun(const struct xs_dryrun *d, const struct xs_targets *t,
		       const struct xs_ports *p, struct xs_perm *pm, FILE *f);

#endif /* XS_SCANPLAN_H */
