// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `status -i IFACE --watch [S] [--count N]` where `listen` runs: its
 * counters read every S seconds, each refresh with what moved since the one
 * before (exact differences) and those per second of the time measured
 * between the two reads.  Text: one line per refresh under one header, as
 * vmstat prints; --json: one object per refresh (ndjson), shaped like
 * `status -i --json`.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "diag.h"
#include "listen_output.h"
#include "output.h"
#include "loader.h"

#define NCNT (sizeof(struct xs_listen_stats) / sizeof(__u64))

/* One read of the counters. */
struct sample {
	struct xs_listen_stats st;
	double t; /* CLOCK_MONOTONIC seconds */
	__u32 prog_id; /* the interface's XDP program, if it is ours */
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The name of counter i of struct xs_listen_stats. */
static const char *cnt_name(size_t i)
{
	return i < XS_LSTAT_MAX ? xs_lstat_name(i) : "rtt_samples";
}

static __u64 cnt(const struct sample *s, size_t i)
{
	return ((const __u64 *)&s->st)[i];
}

/* 0, -ENOENT when listen is gone (its pins with it), or -errno. */
static int take(const char *pindir, int ifindex, struct sample *s)
{
	struct xs_listen_maps m;
	char name[64] = "";
	__u32 id = 0;
	int err;

	err = xs_listen_open_pinned(pindir, &m);
	if (err)
		return err == -ENOENT ? -ENOENT : err;
	err = xs_listen_read_stats(m.stats_fd, &s->st);
	s->t = mono_s();
	xs_listen_maps_close(&m);
	s->prog_id = 0;
	if (ifindex > 0 && !bpf_xdp_query_id(ifindex, 0, &id) && id) {
		xs_prog_name(id, name, sizeof(name));
		if (!strcmp(name, XS_PROG_LISTEN))
			s->prog_id = id;
	}
	return err;
}

static void show_json(const struct xs_listen_watch *wa, unsigned int seq,
		      const struct sample *s, const struct sample *prev)
{
	double dt = prev ? s->t - prev->t : 0;
	struct xs_jw w;
	size_t i;

	xs_jw_init(&w, stdout);
	xs_jw_start_object(&w);
	xs_jw_array_field(&w, "interfaces");
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "ifname", wa->ifname);
	xs_jw_string_field(&w, "netns", wa->ns);
	xs_jw_string_field(&w, "role", "listen");
	xs_jw_bool_field(&w, "attached", s->prog_id != 0);
	xs_jw_uint_field(&w, "xdp_prog_id", s->prog_id);
	xs_jw_uint_field(&w, "refresh", seq);
	xs_jw_uint_field(&w, "handshakes", s->st.ack_valid);
	xs_jw_object_field(&w, "counters");
	for (i = 0; i < NCNT; i++)
		xs_jw_uint_field(&w, cnt_name(i), cnt(s, i));
	xs_jw_end_object(&w);
	if (prev && dt > 0) {
		xs_jw_double_field(&w, "elapsed_s", dt, 6);
		xs_jw_object_field(&w, "deltas");
		for (i = 0; i < NCNT; i++)
			xs_jw_uint_field(&w, cnt_name(i),
					 cnt(s, i) - cnt(prev, i));
		xs_jw_end_object(&w);
		xs_jw_object_field(&w, "rates");
		for (i = 0; i < NCNT; i++)
			xs_jw_double_field(&w, cnt_name(i),
					   (cnt(s, i) - cnt(prev, i)) / dt, 3);
		xs_jw_end_object(&w);
	}
	xs_jw_end_object(&w);
	xs_jw_end_array(&w);
	xs_jw_end_object(&w);
}

/* The columns of a text line: what a load test watches. */
static const enum xs_lstat cols[] = { XS_LSTAT_ACK_VALID, XS_LSTAT_BAD_COOKIE,
				      XS_LSTAT_PASSED, XS_LSTAT_SYN,
				      XS_LSTAT_TX_FAILED };
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static void show_text(const struct xs_listen_watch *wa, unsigned int seq,
		      const struct sample *s, const struct sample *prev)
{
	double dt = prev ? s->t - prev->t : 0;
	char col[32];
	size_t i;

	if (seq == 1) {
		printf("listen on %s (netns %s), every %g s: per second\n",
		       wa->ifname, wa->ns, wa->interval);
		printf("%12s", "handshakes");
		for (i = 0; i < NCOLS; i++) {
			snprintf(col, sizeof(col), "%s/s",
				 cols[i] == XS_LSTAT_ACK_VALID ?
					 "handshakes" :
					 xs_lstat_name(cols[i]));
			printf(" %13s", col);
		}
		printf("\n");
	}
	printf("%12llu", (unsigned long long)s->st.ack_valid);
	for (i = 0; i < NCOLS; i++) {
		if (prev && dt > 0)
			printf(" %13.1f",
			       (cnt(s, cols[i]) - cnt(prev, cols[i])) / dt);
		else
			printf(" %13s", "-");
	}
	printf("%s\n", s->prog_id ? "" : "  (not attached)");
}

static bool wait_interval(int sigfd, double secs)
{
	struct pollfd p = { .fd = sigfd, .events = POLLIN };

	return poll(&p, sigfd >= 0 ? 1 : 0, (int)(secs * 1000)) == 0;
}

int xs_listen_watch(const struct xs_listen_watch *wa)
{
	struct sample s[2];
	unsigned int n = 0;
	int err, ret = XS_EXIT_OK;

	for (;;) {
		err = take(wa->pindir, wa->ifindex, &s[n % 2]);
		if (err == -ENOENT && n) {
			xs_warn("listen stopped on %s", wa->ifname);
			break;
		}
		if (err)
			return xs_err(XS_EXIT_ENV, "reading %s: %s", wa->pindir,
				      strerror(-err));
		n++;
		if (xs_json)
			show_json(wa, n, &s[(n - 1) % 2],
				  n > 1 ? &s[n % 2] : NULL);
		else
			show_text(wa, n, &s[(n - 1) % 2],
				  n > 1 ? &s[n % 2] : NULL);
		ret = xs_flush_checked(stdout, "the status to standard output");
		if (ret || (wa->count && n >= wa->count))
			break;
		if (!wait_interval(wa->sigfd, wa->interval))
			break;
	}
	return ret;
}
