// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `listen` and `status`: a listener's counters, RTT and sources.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "diag.h"
#include "listen_output.h"
#include "output.h"
#include "loader.h"
#include "parse.h"

int xs_listen_view_read(const struct xs_listen_maps *m,
			struct xs_listen_view *v)
{
	double secs = v->secs;
	int err, n;

	memset(v, 0, sizeof(*v));
	v->secs = secs;
	v->protect = m->prot_fd >= 0;
	err = xs_listen_read_stats(m->stats_fd, &v->st);
	if (!err)
		err = xs_listen_read_prot(m->prot_fd, &v->prot);
	if (!err)
		err = xs_read_rtt(m->rtt_fd, &v->rtt);
	if (!err)
		err = xs_listen_read_addrs(m->addr_fd, &v->addrs);
	if (err)
		return err;
	n = xs_listen_top_sources(m->src_fd, v->top, XS_LISTEN_TOP);
	if (n < 0)
		return n;
	v->ntop = n;
	return 0;
}

/* Slot k >= 1 holds [2^(k-1), 2^k) us. */
static unsigned long long slot_hi(int k)
{
	return k ? 1ULL << k : 0;
}

long long xs_listen_rtt_pct(const struct xs_rtt_hist *h, double p)
{
	unsigned long long total = 0, acc = 0;
	int i;

	for (i = 0; i < XS_HIST_SLOTS; i++)
		total += h->slot[i];
	if (!total)
		return -1;
	for (i = 0; i < XS_HIST_SLOTS; i++) {
		acc += h->slot[i];
		if (acc >= p * total)
			return slot_hi(i);
	}
	return slot_hi(XS_HIST_SLOTS - 1);
}

static void show_counters(struct xs_jw *w, const struct xs_listen_view *v)
{
	const __u64 *c = (const __u64 *)&v->st;
	int i;

	if (w)
		xs_jw_object_field(w, "counters");
	else
		printf("counters:\n");
	for (i = 0; i < XS_LSTAT_MAX; i++) {
		if (w)
			xs_jw_uint_field(w, xs_lstat_name(i), c[i]);
		else
			printf("  %-12s %llu\n", xs_lstat_name(i),
			       (unsigned long long)c[i]);
	}
	if (w) {
		xs_jw_uint_field(w, "rtt_samples", v->st.rtt_samples);
		xs_jw_end_object(w);
	} else {
		printf("  %-12s %llu\n", "rtt_samples",
		       (unsigned long long)v->st.rtt_samples);
	}
}

void xs_listen_show_times(struct xs_jw *w, const struct xs_listen_times *t)
{
	const struct {
		const char *name;
		__u64 ns;
	} f[] = {
		{ "first_syn_ns", t->first_syn_ns },
		{ "last_syn_ns", t->last_syn_ns },
		{ "first_rst_ns", t->first_rst_ns },
		{ "last_rst_ns", t->last_rst_ns },
		{ "first_ack_ns", t->first_ack_ns },
		{ "last_ack_ns", t->last_ack_ns },
	};
	bool any = false;
	size_t i;

	if (w)
		xs_jw_object_field(w, "times");
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (w && f[i].ns)
			xs_jw_uint_field(w, f[i].name, f[i].ns);
		else if (w)
			xs_jw_null_field(w, f[i].name);
		else if (f[i].ns) {
			printf("%s %s %llu",
			       any ? "," : "times (CLOCK_MONOTONIC):",
			       f[i].name, (unsigned long long)f[i].ns);
			any = true;
		}
	}
	if (w)
		xs_jw_end_object(w);
	else if (any)
		printf("\n");
}

static void show_rtt(struct xs_jw *w, const struct xs_listen_view *v)
{
	long long p50 = xs_listen_rtt_pct(&v->rtt, 0.5);
	long long p99 = xs_listen_rtt_pct(&v->rtt, 0.99);
	int i;

	if (!w) {
		if (p50 >= 0)
			printf("rtt SYN-ACK -> ACK: p50 <= %lld us, p99 <= %lld us\n",
			       p50, p99);
		return;
	}
	xs_jw_object_field(w, "rtt_us");
	if (p50 >= 0) {
		xs_jw_int_field(w, "p50_le", p50);
		xs_jw_int_field(w, "p99_le", p99);
	}
	xs_jw_array_field(w, "hist");
	for (i = 0; i < XS_HIST_SLOTS; i++) {
		if (!v->rtt.slot[i])
			continue;
		xs_jw_start_object(w);
		xs_jw_uint_field(w, "lo", i ? slot_hi(i - 1) : 0);
		xs_jw_uint_field(w, "hi", slot_hi(i));
		xs_jw_uint_field(w, "count", v->rtt.slot[i]);
		xs_jw_end_object(w);
	}
	xs_jw_end_array(w);
	xs_jw_end_object(w);
}

static void show_sources(struct xs_jw *w, const struct xs_listen_view *v)
{
	char ip[XS_ADDR_STRLEN];
	int i;

	if (w)
		xs_jw_array_field(w, "sources");
	else if (v->ntop)
		printf("sources (most handshakes first):\n");
	for (i = 0; i < v->ntop; i++) {
		xs_addr_fmt(&v->top[i].addr, ip);
		if (!w) {
			printf("  %-15s %llu\n", ip,
			       (unsigned long long)v->top[i].v.handshakes);
			continue;
		}
		xs_jw_start_object(w);
		xs_jw_string_field(w, "addr", ip);
		xs_jw_uint_field(w, "handshakes", v->top[i].v.handshakes);
		xs_jw_end_object(w);
	}
	if (w)
		xs_jw_end_array(w);
}

char *xs_listen_addr_fmt(const struct xs_listen_addrs *t, __u32 i, char *buf)
{
	struct xs_addr a;
	__u32 plen = t->plen[i];

	memcpy(a.b, t->net[i], sizeof(a.b));
	xs_addr_fmt(&a, buf);
	if (xs_addr_is_v4(&a))
		plen = plen >= 96 ? plen - 96 : 0;
	if (plen != (xs_addr_is_v4(&a) ? 32U : 128U))
		sprintf(buf + strlen(buf), "/%u", plen);
	return buf;
}

/* What is answered for: "addrs", or a line "for 10.0.0.0/28 fd00::1". */
static void show_addrs(struct xs_jw *w, const struct xs_listen_view *v)
{
	char buf[XS_LISTEN_ADDR_STRLEN];
	__u32 i;

	if (w)
		xs_jw_array_field(w, "addrs");
	else
		printf("for");
	for (i = 0; i < v->addrs.n; i++) {
		xs_listen_addr_fmt(&v->addrs, i, buf);
		if (w)
			xs_jw_string(w, buf);
		else
			printf(" %s", buf);
	}
	if (w)
		xs_jw_end_array(w);
	else
		printf("%s\n", v->addrs.n ? "" : " any address");
}

/* --protect: what the TC half did with the final ACKs. */
static void show_protect(struct xs_jw *w, const struct xs_listen_view *v)
{
	const __u64 *c = (const __u64 *)&v->prot;
	unsigned int i;

	if (!v->protect)
		return;
	if (w)
		xs_jw_object_field(w, "protect");
	else
		printf("protect (TC ingress):");
	for (i = 0; i < XS_PROT_MAX; i++) {
		if (w)
			xs_jw_uint_field(w, xs_prot_stat_name(i), c[i]);
		else
			printf(" %s %llu", xs_prot_stat_name(i),
			       (unsigned long long)c[i]);
	}
	if (w) {
		xs_jw_uint_field(w, "rtt_samples", v->prot.rtt_samples);
		xs_jw_end_object(w);
	} else {
		printf(" rtt_samples %llu\n",
		       (unsigned long long)v->prot.rtt_samples);
	}
}

void xs_listen_view_show(struct xs_jw *w, const struct xs_listen_view *v)
{
	__u64 hs = v->st.ack_valid + v->prot.assigned;
	double rate = v->secs > 0 ? hs / v->secs : 0;

	if (w) {
		xs_jw_uint_field(w, "handshakes", hs);
		if (v->secs > 0) {
			xs_jw_double_field(w, "seconds", v->secs, 3);
			xs_jw_double_field(w, "handshakes_per_s", rate, 1);
		}
	} else {
		printf("handshakes %llu", (unsigned long long)hs);
		if (v->secs > 0)
			printf(" in %.1f s (%.0f/s)", v->secs, rate);
		/* Under --protect the bad cookies are found at TC. */
		printf(", bad cookies %llu, passed %llu\n",
		       (unsigned long long)(v->st.bad_cookie +
					    v->prot.bad_cookie),
		       (unsigned long long)v->st.passed);
	}
	show_addrs(w, v);
	show_counters(w, v);
	xs_listen_show_times(w, &v->st.t);
	show_protect(w, v);
	show_rtt(w, v);
	show_sources(w, v);
}

static void status_head(struct xs_jw *w, const char *ifname, const char *ns,
			__u32 id, bool ours, bool protect)
{
	if (w) {
		xs_jw_string_field(w, "ifname", ifname);
		xs_jw_string_field(w, "netns", ns);
		xs_jw_string_field(w, "role", "listen");
		xs_jw_bool_field(w, "attached", ours);
		xs_jw_uint_field(w, "xdp_prog_id", id);
		return;
	}
	printf("listen%s on %s (netns %s): ", protect ? " --protect" : "",
	       ifname, ns);
	if (ours)
		printf("XDP program %u (%s)\n", id, XS_PROG_LISTEN);
	else
		printf("not attached (the counters of a run that was killed)\n");
}

int xs_listen_show_iface(struct xs_jw *w, const char *ifname, int ifindex,
			 const char *pindir, const char *ns, bool detail)
{
	struct xs_listen_view v = {};
	struct xs_listen_maps m;
	char name[64] = "";
	__u32 id = 0;
	bool ours;
	int err;

	err = xs_listen_open_pinned(pindir, &m);
	if (err == -EPROTO && !detail) {
		/* Another build's: named, never misread. */
		if (w) {
			xs_jw_start_object(w);
			status_head(w, ifname, ns, 0, false, false);
			xs_jw_bool_field(w, "other_layout", true);
			xs_jw_end_object(w);
		} else {
			printf("listen on %s (netns %s): pins of another xdpshake build's layout, not read\n",
			       ifname, ns);
		}
		return 0;
	}
	if (err)
		return err;
	err = xs_listen_view_read(&m, &v);
	xs_listen_maps_close(&m);
	if (err)
		return err;
	if (ifindex > 0 && !bpf_xdp_query_id(ifindex, 0, &id) && id)
		xs_prog_name(id, name, sizeof(name));
	ours = id && !strcmp(name, XS_PROG_LISTEN);
	if (w)
		xs_jw_start_object(w);
	status_head(w, ifname, ns, id, ours, v.protect);
	if (detail || w)
		xs_listen_view_show(w, &v);
	if (w)
		xs_jw_end_object(w);
	return 0;
}

int xs_listen_status(const char *ifname, int ifindex, const char *pindir,
		     const char *ns)
{
	struct xs_jw jw, *w = NULL;
	int err;

	if (!xs_listen_is_pinned(pindir))
		return -ENOENT;
	if (xs_json) {
		w = &jw;
		xs_jw_init(w, stdout);
		xs_jw_start_object(w);
		xs_jw_array_field(w, "interfaces");
	}
	err = xs_listen_show_iface(w, ifname, ifindex, pindir, ns, true);
	if (w) {
		xs_jw_end_array(w);
		xs_jw_end_object(w);
	}
	if (err)
		return xs_err(XS_EXIT_ENV, "reading %s: %s", pindir,
			      xs_pins_strerror(err));
	return xs_flush_checked(stdout, "the status to standard output");
}
