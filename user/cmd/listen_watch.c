// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `status -i IFACE --watch [S] [--count N]` where `listen` runs: its
 * counters read every S seconds, each refresh with what moved since the one
 * before (exact differences) and those per second of the time measured
 * between the two reads.  Text: one line per refresh under one header, as
 * vmstat prints; --json: one object per refresh (ndjson), shaped like
 * `status -i --json`.  Under --protect the handshakes are those the TC
 * half handed to the kernel's listener, and its counters come along
 * ("protect": counters, deltas and rates of its own).
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

#define NCNT XS_LSTAT_NCOUNTERS /* the times are not counters */
#define NPROT (sizeof(struct xs_prot_stats) / sizeof(__u64))

/* One read of the counters. */
struct sample {
	struct xs_listen_stats st;
	struct xs_prot_stats prot; /* zero without --protect */
	bool protect;
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

/* The name and value of counter i of struct xs_prot_stats. */
static const char *prot_name(size_t i)
{
	return i < XS_PROT_MAX ? xs_prot_stat_name(i) : "rtt_samples";
}

static __u64 pcnt(const struct sample *s, size_t i)
{
	return ((const __u64 *)&s->prot)[i];
}

static __u64 handshakes(const struct sample *s)
{
	return s->st.ack_valid + s->prot.assigned;
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
	if (!err)
		err = xs_listen_read_prot(m.prot_fd, &s->prot);
	s->protect = m.prot_fd >= 0;
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

/* counters, deltas and rates of n counters named name(i), valued v(). */
static void json_counters(struct xs_jw *w, const struct sample *s,
			  const struct sample *prev, size_t n,
			  const char *(*name)(size_t),
			  __u64 (*v)(const struct sample *, size_t))
{
	double dt = prev ? s->t - prev->t : 0;
	size_t i;

	xs_jw_object_field(w, "counters");
	for (i = 0; i < n; i++)
		xs_jw_uint_field(w, name(i), v(s, i));
	xs_jw_end_object(w);
	if (!prev || dt <= 0)
		return;
	xs_jw_double_field(w, "elapsed_s", dt, 6);
	xs_jw_object_field(w, "deltas");
	for (i = 0; i < n; i++)
		xs_jw_uint_field(w, name(i), v(s, i) - v(prev, i));
	xs_jw_end_object(w);
	xs_jw_object_field(w, "rates");
	for (i = 0; i < n; i++)
		xs_jw_double_field(w, name(i), (v(s, i) - v(prev, i)) / dt, 3);
	xs_jw_end_object(w);
}

static void show_json(const struct xs_listen_watch *wa, unsigned int seq,
		      const struct sample *s, const struct sample *prev)
{
	struct xs_jw w;

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
	xs_jw_uint_field(&w, "handshakes", handshakes(s));
	json_counters(&w, s, prev, NCNT, cnt_name, cnt);
	xs_listen_show_times(&w, &s->st.t);
	if (s->protect) {
		xs_jw_object_field(&w, "protect");
		json_counters(&w, s, prev, NPROT, prot_name, pcnt);
		xs_jw_end_object(&w);
	}
	xs_jw_end_object(&w);
	xs_jw_end_array(&w);
	xs_jw_end_object(&w);
}

/*
 * The columns of a text line: what a load test watches.  prot: a counter
 * of --protect's TC half (handshakes are its assigned ones then).
 */
struct col {
	const char *head;
	bool prot;
	size_t i;
};

static const struct col cols[] = {
	{ "handshakes/s", false, XS_LSTAT_ACK_VALID },
	{ "bad_cookie/s", false, XS_LSTAT_BAD_COOKIE },
	{ "passed/s", false, XS_LSTAT_PASSED },
	{ "syn/s", false, XS_LSTAT_SYN },
	{ "tx_failed/s", false, XS_LSTAT_TX_FAILED },
};

static const struct col pcols[] = {
	{ "handshakes/s", true, XS_PROT_ASSIGNED },
	{ "bad_cookie/s", true, XS_PROT_BAD_COOKIE },
	{ "assign_fail/s", true, XS_PROT_ASSIGN_FAILED },
	{ "syn/s", false, XS_LSTAT_SYN },
	{ "tx_failed/s", false, XS_LSTAT_TX_FAILED },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))
_Static_assert(sizeof(pcols) == sizeof(cols), "as many columns either way");

static __u64 col_val(const struct col *c, const struct sample *s)
{
	return c->prot ? pcnt(s, c->i) : cnt(s, c->i);
}

static void show_text(const struct xs_listen_watch *wa, unsigned int seq,
		      const struct sample *s, const struct sample *prev)
{
	const struct col *c = s->protect ? pcols : cols;
	double dt = prev ? s->t - prev->t : 0;
	size_t i;

	if (seq == 1) {
		printf("listen%s on %s (netns %s), every %g s: per second\n",
		       s->protect ? " --protect" : "", wa->ifname, wa->ns,
		       wa->interval);
		printf("%12s", "handshakes");
		for (i = 0; i < NCOLS; i++)
			printf(" %13s", c[i].head);
		printf("\n");
	}
	printf("%12llu", (unsigned long long)handshakes(s));
	for (i = 0; i < NCOLS; i++) {
		if (prev && dt > 0)
			printf(" %13.1f",
			       (col_val(&c[i], s) - col_val(&c[i], prev)) / dt);
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
				      xs_pins_strerror(err));
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
