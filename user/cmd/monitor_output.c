/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Monitor helpers: parsing cut captures, timestamps, the log, pcap output,
 * the summary and what became of the monitor hook.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <pcap/pcap.h>

#include "cli.h"
#include "json.h"
#include "icmp.h"
#include "logfmt.h"
#include "monitor_output.h"

_Static_assert(XS_PCAP_ERRLEN >= PCAP_ERRBUF_SIZE,
	       "pcap error messages must fit");

#define NSEC_PER_SEC 1000000000LL

enum xs_parse_err xs_mon_parse(uint8_t *frame, size_t caplen, size_t len,
			       struct xs_pkt *p, bool *cut)
{
	enum xs_parse_err err;
	uint8_t *totp = frame + XS_ETH_HLEN + 2;
	size_t tot_len, have;
	uint8_t saved[2];

	if (cut)
		*cut = false;
	/* TCP segments, and the ICMP errors that quote them. */
	err = xs_parse_reply_frame(frame, caplen, p);
	/*
	 * Only a capture the snap length cut short gets a second try: a frame
	 * that was whole and still too short for its total length is
	 * malformed, and is reported as it is.
	 */
	if (err != XS_PARSE_BAD_TOTLEN || caplen >= len ||
	    caplen < XS_ETH_HLEN + XS_IP_HLEN)
		return err;

	tot_len = p->tot_len;
	have = caplen - XS_ETH_HLEN;
	memcpy(saved, totp, 2);
	totp[0] = have >> 8;
	totp[1] = have & 0xff;
	err = xs_parse_reply_frame(frame, caplen, p);
	memcpy(totp, saved, 2);
	if (err != XS_PARSE_OK)
		return err;

	p->tot_len = tot_len;
	p->tcp_len = tot_len - (size_t)p->ihl * 4;
	p->tcp = NULL;
	/* No checksum to judge over a cut message. */
	p->icmp.hdr = NULL;
	if (cut)
		*cut = true;
	return XS_PARSE_OK;
}

enum xs_parse_err xs_mon_parse6(uint8_t *frame, size_t caplen, size_t len,
				struct xs_pkt *p, struct xs_ip6 *ip6, bool *cut)
{
	enum xs_parse_err err;
	uint8_t *plp = frame + XS_ETH_HLEN + 4;
	size_t payload_len, have;
	uint8_t saved[2];

	if (cut)
		*cut = false;
	err = xs_parse_frame6(frame, caplen, p, ip6);
	/* As for IPv4: only a capture cut short gets a second try. */
	if (err != XS_PARSE_BAD_TOTLEN || caplen >= len ||
	    caplen < XS_ETH_HLEN + XS_IP6_HLEN)
		return err;

	payload_len = ip6->payload_len;
	have = caplen - XS_ETH_HLEN - XS_IP6_HLEN;
	memcpy(saved, plp, 2);
	plp[0] = have >> 8;
	plp[1] = have & 0xff;
	err = xs_parse_frame6(frame, caplen, p, ip6);
	memcpy(plp, saved, 2);
	if (err != XS_PARSE_OK)
		return err;

	ip6->payload_len = payload_len;
	p->payload_len6 = payload_len;
	p->tot_len = XS_IP6_HLEN + payload_len;
	p->tcp_len = payload_len - ip6->ext_len;
	p->tcp = NULL;
	p->icmp.hdr = NULL;
	if (cut)
		*cut = true;
	return XS_PARSE_OK;
}

int64_t xs_mon_clock_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (rt.tv_sec - mono.tv_sec) * NSEC_PER_SEC +
	       (rt.tv_nsec - mono.tv_nsec);
}

struct timespec xs_mon_walltime(uint64_t mono_ns, int64_t offset_ns)
{
	int64_t ns = (int64_t)mono_ns + offset_ns;
	struct timespec ts;

	if (ns < 0)
		ns = 0;
	ts.tv_sec = ns / NSEC_PER_SEC;
	ts.tv_nsec = ns % NSEC_PER_SEC;
	return ts;
}

int xs_pcap_open(struct xs_pcap *pc, const char *path, unsigned int snaplen,
		 char *err, size_t errlen)
{
	pcap_t *p;
	pcap_dumper_t *d;

	memset(pc, 0, sizeof(*pc));
	p = pcap_open_dead(DLT_EN10MB, snaplen);
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	errno = 0;
	d = pcap_dump_open(p, path);
	if (!d) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		pcap_close(p);
		return errno ? -errno : -EIO;
	}
	pc->pcap = p;
	pc->dumper = d;
	return 0;
}

void xs_pcap_write(struct xs_pcap *pc, const struct timespec *ts,
		   const uint8_t *data, uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr h = {};

	if (!pc->dumper)
		return;
	h.ts.tv_sec = ts->tv_sec;
	h.ts.tv_usec = ts->tv_nsec / 1000;
	h.caplen = caplen;
	/* A frame is never shorter than what was captured of it. */
	h.len = len < caplen ? caplen : len;
	pcap_dump(pc->dumper, &h, data);
}

int xs_pcap_flush(struct xs_pcap *pc)
{
	if (!pc->dumper)
		return 0;
	/* pcap_dump() says nothing when a write fails, and glibc drops
	 * what it could not write: the stream's error flag tells. */
	errno = 0;
	if (!pcap_dump_flush(pc->dumper) && !ferror(pcap_dump_file(pc->dumper)))
		return 0;
	return errno ? -errno : -EIO;
}

int xs_pcap_close(struct xs_pcap *pc)
{
	int err = 0;

	if (pc->dumper) {
		err = xs_pcap_flush(pc);
		/* pcap_dump_close() is fclose() of this stream with its
		 * result dropped; closing it here keeps the result. */
		errno = 0;
		if (fclose(pcap_dump_file(pc->dumper)) && !err)
			err = errno ? -errno : -EIO;
	}
	if (pc->pcap)
		pcap_close(pc->pcap);
	pc->dumper = NULL;
	pc->pcap = NULL;
	return err;
}

const char *xs_mon_path_str(unsigned int path)
{
	static const char *const names[XS_MON_PATH_MAX] = {
		XS_MON_PATH_LIST(XS_MON_PATH_NAME) /* one per member */
	};

	return path < XS_MON_PATH_MAX ? names[path] : "?";
}

int xs_mon_show(struct xs_mon_out *o, const void *rec, size_t size)
{
	const size_t hdr = offsetof(struct xs_mon_event, data);
	const char *dir;
	enum xs_parse_err perr;
	struct xs_mon_event ev;
	struct timespec ts;
	struct xs_ip6 ip6;
	struct xs_pkt p;
	bool v6;

	if (size < hdr)
		return -EINVAL;
	/* The ring is mapped read-only, and xs_mon_parse() writes. */
	memset(&ev, 0, sizeof(ev));
	memcpy(&ev, rec, size < sizeof(ev) ? size : sizeof(ev));
	if (ev.caplen > XS_MON_SNAP_MAX || ev.caplen > size - hdr)
		return -EINVAL;

	dir = ev.dir == XS_MON_EGRESS ? "egress" : "ingress";
	ts = xs_mon_walltime(ev.ts_ns, o->clock_off);
	xs_pcap_write(&o->pcap, &ts, ev.data, ev.caplen, ev.len);
	v6 = ev.caplen >= XS_ETH_HLEN &&
	     (ev.data[12] << 8 | ev.data[13]) == XS_ETH_P_IPV6;
	if (v6)
		perr = xs_mon_parse6(ev.data, ev.caplen, ev.len, &p, &ip6,
				     NULL);
	else
		perr = xs_mon_parse(ev.data, ev.caplen, ev.len, &p, NULL);
	if (perr == XS_PARSE_OK && o->json && v6) {
		xs_log_json6(o->f, &p, &ip6, dir, xs_mon_path_str(ev.path),
			     &ts);
	} else if (perr == XS_PARSE_OK && o->json) {
		xs_log_json_path(o->f, &p, dir, xs_mon_path_str(ev.path), &ts);
	} else if (perr == XS_PARSE_OK && v6) {
		xs_log_tutorial6(o->f, &p, &ip6, &ts);
	} else if (perr == XS_PARSE_OK) {
		xs_log_tutorial(o->f, &p, &ts);
	} else {
		/* The kernel side checked these headers, so this is a bug
		 * on one side or the other; the pcap still has the frame. */
		o->unparsed++;
		xs_warn("%s %sframe of %u bytes (%s) not shown: %s", dir,
			v6 ? "IPv6 " : "", ev.len, xs_mon_path_str(ev.path),
			v6 && perr == XS_PARSE_BAD_VERSION ?
				"IP version is not 6" :
				xs_parse_strerror(perr));
	}
	o->shown++;
	if (ev.path < XS_MON_PATH_MAX)
		o->by_path[ev.path]++;
	return 0;
}

const char *xs_mon_stat_name(unsigned int id)
{
	static const char *const names[XS_MON_STAT_MAX] = {
		XS_MON_STAT_LIST(XS_MON_STAT_NAME) /* one per member */
	};

	return id < XS_MON_STAT_MAX ? names[id] : "?";
}

static void summary_json(const struct xs_mon_out *o,
			 const struct xs_mon_stats *st, bool have_stats)
{
	struct xs_jw w;
	int i;

	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "event", "summary");
	xs_jw_uint_field(&w, "frames", o->shown);
	xs_jw_uint_field(&w, "ringbuf_drops", st->ringbuf_full);
	xs_jw_uint_field(&w, "copy_failed", st->copy_failed);
	xs_jw_uint_field(&w, "unparsed", o->unparsed);
	if (have_stats) {
		xs_jw_object_field(&w, "counters");
		for (i = 0; i < XS_MON_STAT_MAX; i++)
			xs_jw_uint_field(&w, xs_mon_stat_name(i),
					 ((__u64 *)st)[i]);
		xs_jw_end_object(&w);
	}
	xs_jw_object_field(&w, "paths");
	for (i = 0; i < XS_MON_PATH_MAX; i++)
		xs_jw_uint_field(&w, xs_mon_path_str(i), o->by_path[i]);
	xs_jw_end_object(&w);
	xs_jw_end_object(&w);
}

void xs_mon_summary(const struct xs_mon_out *o, const struct xs_mon_stats *st,
		    bool have_stats, bool json)
{
	unsigned int i;

	if (json) {
		summary_json(o, st, have_stats);
		fflush(stdout);
		return;
	}
	fprintf(stderr,
		"xdpshake monitor: %llu frame%s, %llu ringbuf drop%s, %llu copy failure%s",
		(unsigned long long)o->shown, o->shown == 1 ? "" : "s",
		(unsigned long long)st->ringbuf_full,
		st->ringbuf_full == 1 ? "" : "s",
		(unsigned long long)st->copy_failed,
		st->copy_failed == 1 ? "" : "s");
	if (have_stats)
		fprintf(stderr,
			" (programs saw %llu: %llu not TCP, %llu filtered out, %llu copied)",
			(unsigned long long)st->seen,
			(unsigned long long)st->not_tcp,
			(unsigned long long)st->filtered,
			(unsigned long long)st->events);
	if (have_stats && st->ip6_ext_limit)
		fprintf(stderr,
			"; %llu IPv6 frame%s with more extension headers than the monitor walks (%d headers, %d bytes) not shown",
			(unsigned long long)st->ip6_ext_limit,
			st->ip6_ext_limit == 1 ? "" : "s", XS_MON_IP6_EXT_NUM,
			XS_MON_IP6_EXT_MAX);
	/* Say where they came from once xdpshake's paths are in play. */
	if (o->by_path[XS_MON_PATH_XDP_REDIRECT] ||
	    o->by_path[XS_MON_PATH_AFXDP_TX] || o->by_path[XS_MON_PATH_XDP_TX])
		for (i = 0; i < XS_MON_PATH_MAX; i++)
			fprintf(stderr, "%s%s %llu",
				i ? ", " : "; by path: ", xs_mon_path_str(i),
				(unsigned long long)o->by_path[i]);
	fputc('\n', stderr);
}

const char *xs_mon_hook_str(enum xs_montap_state s)
{
#define HOOK_NAME(up, str) [XS_MONTAP_##up] = str,
	static const char *const names[XS_MONTAP_MAX] = {
		XS_MONTAP_LIST(HOOK_NAME) /* one per member */
	};
#undef HOOK_NAME

	return (unsigned int)s < XS_MONTAP_MAX ? names[s] : "?";
}

void xs_mon_report_hook(const struct xs_montap_watch *w, const char *ifname,
			bool json)
{
	struct xs_jw jw;

	switch (w->state) {
	case XS_MONTAP_PLUGGED:
		fprintf(stderr,
			"xdpshake monitor: plugged into xdpshake's XDP program %u: its frames on %s that never pass TC (AF_XDP, XDP_TX) are shown too\n",
			w->xdp_prog, ifname);
		break;
	case XS_MONTAP_BUSY:
		xs_warn("another monitor (ingress prog %u) gets xdpshake's AF_XDP frames on %s: this one shows only what passes TC",
			w->busy, ifname);
		break;
	case XS_MONTAP_OLD:
		xs_warn("xdpshake on %s was loaded by a version without the monitor hook: its AF_XDP frames are not shown ('xdpshake unload' and load again)",
			ifname);
		break;
	case XS_MONTAP_FAILED:
		xs_warn("cannot plug into xdpshake's XDP program on %s: %s; its AF_XDP frames are not shown",
			ifname, strerror(-w->err));
		break;
	default:
		if (xs_verbose)
			fprintf(stderr,
				"xdpshake monitor: no xdpshake XDP program on %s\n",
				ifname);
		break;
	}
	if (json) {
		xs_jw_init(&jw, stdout);
		xs_jw_start_object(&jw);
		xs_jw_string_field(&jw, "event", "xdp_hook");
		xs_jw_string_field(&jw, "state", xs_mon_hook_str(w->state));
		xs_jw_uint_field(&jw, "xdp_prog_id", w->xdp_prog);
		xs_jw_end_object(&jw);
		fflush(stdout);
	}
}
