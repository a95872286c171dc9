/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What `xdpshake monitor` does with the frames its programs copy out:
 * parse a capture that the snap length may have cut short, place the
 * kernel's monotonic timestamps on the wall clock, print the tutorial log
 * format or JSON, and write a pcap file; and the summary it ends with.
 * No BPF here, so the unit tests can run all of it on hand-built frames.
 */
#ifndef XS_MONITOR_H
#define XS_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <linux/types.h>

#include "xdpshake.h"

#include "montap.h"
#include "logfmt.h"
#include "packet.h"

/*
 * Parse the first caplen bytes of a frame of len bytes.  When the capture
 * is cut short of the IPv4 total length, the headers are parsed all the
 * same: the total length is lowered for the parse, put back afterwards (in
 * frame and in p->tot_len), and p->payload/p->payload_len cover only the
 * captured part.  p->tcp is then NULL, because the checksum cannot be
 * verified on part of a segment.  frame is restored before returning.
 * *cut (may be NULL) says whether that happened.
 */
enum xs_parse_err xs_mon_parse(uint8_t *frame, size_t caplen, size_t len,
			       struct xs_pkt *p, bool *cut);

/*
 * The same for an Ethernet + IPv6 frame (logfmt.h's IPv6 view): a capture cut short
 * of the payload length is parsed with the payload length lowered for the
 * parse and put back (in frame, ip6->payload_len and p->tot_len); p->tcp
 * and p->icmp.hdr are then NULL.
 */
enum xs_parse_err xs_mon_parse6(uint8_t *frame, size_t caplen, size_t len,
				struct xs_pkt *p, struct xs_ip6 *ip6,
				bool *cut);

/* CLOCK_REALTIME - CLOCK_MONOTONIC now, in nanoseconds. */
int64_t xs_mon_clock_offset(void);

/* A bpf_ktime_get_ns() timestamp on the wall clock. */
struct timespec xs_mon_walltime(uint64_t mono_ns, int64_t offset_ns);

/*
 * A pcap file (Ethernet link type, microsecond timestamps).  libpcap's
 * headers are kept out of this one: <pcap/bpf.h> and <linux/bpf.h> both
 * define struct bpf_insn, and the monitor command needs the latter.
 */
#define XS_PCAP_ERRLEN 256 /* PCAP_ERRBUF_SIZE */

struct xs_pcap {
	void *pcap; /* pcap_t */
	void *dumper; /* pcap_dumper_t */
};

/*
 * Create path (truncating it) for frames of up to snaplen captured bytes.
 * Returns 0, or -errno with the reason in err.
 */
int xs_pcap_open(struct xs_pcap *pc, const char *path, unsigned int snaplen,
		 char *err, size_t errlen);

/* One frame: caplen bytes captured of a frame of len bytes. */
void xs_pcap_write(struct xs_pcap *pc, const struct timespec *ts,
		   const uint8_t *data, uint32_t caplen, uint32_t len);

/* Push what is buffered to the file, so a reader sees every frame so far.
 * 0, or -errno if this or an earlier write failed. */
int xs_pcap_flush(struct xs_pcap *pc);

/* Flush and close; 0, or -errno if a write, the flush or the close
 * failed. Safe on a zeroed struct. */
int xs_pcap_close(struct xs_pcap *pc);

/* Where the frames go, and how many went. */
struct xs_mon_out {
	FILE *f; /* the log: tutorial log format, or JSON */
	bool json;
	struct xs_pcap pcap; /* closed: no pcap */
	int64_t clock_off; /* xs_mon_clock_offset() */
	uint64_t shown; /* frames written */
	uint64_t unparsed; /* of which the log could not show (pcap did) */
	uint64_t by_path[XS_MON_PATH_MAX]; /* frames written, by where seen */
};

/* "tc", "xdp_redirect", "afxdp_tx" (enum xs_mon_path), "?" otherwise. */
const char *xs_mon_path_str(unsigned int path);
/* The name of counter `enum xs_mon_stat` id, as --json prints it. */
const char *xs_mon_stat_name(unsigned int id);

/*
 * One ring buffer record (a struct xs_mon_event): into the pcap, and into
 * the log as the tutorial log format's three lines or one JSON object with
 * "dir" set to "ingress" or "egress" and "path" to xs_mon_path_str(); an
 * IPv6 frame by its ethertype with xs_log_tutorial6()/xs_log_json6().  A frame the log cannot show gets a warning on
 * stderr instead.  -EINVAL, and nothing written, for a record that is not
 * a whole event.
 */
int xs_mon_show(struct xs_mon_out *o, const void *rec, size_t size);

/*
 * The end of a run: frames shown, losses and the kernel's counters
 * (have_stats) on stderr, or as one {"event":"summary"} object on stdout.
 */
void xs_mon_summary(const struct xs_mon_out *o, const struct xs_mon_stats *st,
		    bool have_stats, bool json);

/* "none", "plugged", "busy", "old", "failed". */
const char *xs_mon_hook_str(enum xs_montap_state s);

/*
 * What became of xdpshake's frames on ifname (w's state), on stderr, and
 * under json also as an {"event":"xdp_hook"} object on stdout.
 */
void xs_mon_report_hook(const struct xs_montap_watch *w, const char *ifname,
			bool json);

#endif /* XS_MONITOR_H */
