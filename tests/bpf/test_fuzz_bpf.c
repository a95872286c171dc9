// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A mutation fuzzer of the compiled BPF programs, through
 * BPF_PROG_TEST_RUN.  The verifier already makes them memory safe; this
 * checks what they decide.  From valid frames (SYN-ACKs of a recorded
 * handshake and of a scan's ISN check, RSTs and ICMP errors quoting our
 * probes; SYNs, final ACKs, data and FINs for listen; our kernel's RSTs
 * for the TC guard; both families, with options, extension headers and the
 * hostile table's frames) it makes frames by seeded mutations
 * (tests/fuzz/mutate.h), runs each through a program, and holds the
 * verdict against a reference model built from userspace's parser and
 * validator (user/core/packet.c, validate.c, isn.c) and, for listen, the
 * tests' own cookie (cookie_ref.h):
 *
 *  - xs_xdp_filter (fz_filter.h): XDP_TX only for a SYN-ACK the fast path
 *    may answer (userspace takes it as a clean new SYN-ACK whose ack is
 *    our keyed ISN + 1, to our address and ports, checksums right), and
 *    then as a correctly checksummed RST or ACK to its source, with one
 *    ring buffer record; every such SYN-ACK answered (IPv6 only if the
 *    fast path serves IPv6); SYN-ACKs, RSTs and ICMP errors redirected
 *    only with the ack or quoted sequence number we sent; a frame not sent
 *    back leaves the program unchanged;
 *  - xs_listen (fz_listen.h): the exact verdict and counter of every frame
 *    the model knows (userspace parses it): SYN-ACKs only for well-formed
 *    SYNs to our addresses and ports, with a valid cookie, the right MSS
 *    index and checksums; answers to data and FINs only with a valid
 *    cookie; a final ACK counted as a handshake only when its cookie is
 *    valid; never an answer to a frame userspace cannot parse;
 *  - xs_tc_guard (fz_guard.h): drops exactly the well-formed RSTs from our
 *    address and port range, nothing else;
 *  - counters: every frame moves rx_frames (frames, tc_seen) and exactly
 *    one verdict counter, the one of its verdict.
 *
 * make test runs XS_FUZZ_FRAMES (200000) frames from seed 1 (the same
 * mutations every run; only the cookies' time differs); make fuzz-bpf runs
 * for XS_FUZZ_SECONDS (its FUZZ_SECONDS) from XS_FUZZ_SEED (FUZZ_SEED;
 * default: the time), and prints the seed.  A finding prints the program, what broke, the seed, the frame's
 * number and its bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "icmp.h"
#include "isn.h"
#include "listen_loader.h"
#include "loader.h"
#include "packet.h"
#include "validate.h"
#include "listen.skel.h"
#include "tc_guard.skel.h"
#include "xdp_filter.skel.h"
#include "testlib.h"
#include "lo_xsk.h"
#include "hostile/cases.h"
#include "bpf/cookie_ref.h"
#include "fuzz/mutate.h"

#define FZ_SEEDS_MAX 256
#define FZ_FINDINGS_SHOWN 5 /* per program: the first ones, in full */

/* A set of frames to start from. */
struct fz_seeds {
	struct fz_frame f[FZ_SEEDS_MAX];
	unsigned int n;
};

/* The run: its PRNG and where it is. */
struct fz_run {
	struct fz_rng rng;
	uint64_t seed, frame;
	unsigned int shown; /* findings printed in the current case */
	unsigned long long findings;
};

static struct fz_run fz;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void seed_add(struct fz_seeds *s, const uint8_t *b, size_t len)
{
	if (s->n >= FZ_SEEDS_MAX || len > FZ_FRAME_MAX || len < 14)
		return;
	memcpy(s->f[s->n].b, b, len);
	s->f[s->n].len = len;
	s->n++;
}

/*
 * A finding: the current case fails; the first few are printed with the
 * frame, so that it can be replayed (FUZZ_SEED, or the bytes).
 */
static void finding(const char *prog, const struct fz_frame *f, const char *fmt,
		    ...)
{
	va_list ap;
	size_t i;

	fz.findings++;
	tl_case_failed = 1;
	if (fz.shown++ >= FZ_FINDINGS_SHOWN || tl_case_quiet)
		return;
	printf("FAIL: %s: %s: ", tl_case_name, prog);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (seed %llu, frame %llu)\n# frame %zu bytes:",
	       (unsigned long long)fz.seed, (unsigned long long)fz.frame,
	       f->len);
	for (i = 0; i < f->len; i++)
		printf("%s%02x", i % 32 ? "" : "\n# ", f->b[i]);
	printf("\n");
}

/* A mutated copy of one of the seeds; fix may put back what the
 * mutations broke that the program checks first (an ack, a cookie). */
static void fz_make(const struct fz_seeds *s, struct fz_frame *f,
		    void (*fix)(struct fz_frame *f, void *ctx), void *ctx)
{
	unsigned int i, n = 1 + fz_below(&fz.rng, 4);

	*f = s->f[fz_below(&fz.rng, s->n)];
	/* One frame in 16 unchanged: the seeds' verdicts are checked too. */
	if (!fz_below(&fz.rng, 16))
		return;
	for (i = 0; i < n; i++)
		fz_mutate_once(&fz.rng, f);
	if (fix && fz_below(&fz.rng, 2))
		fix(f, ctx);
	if (fz_below(&fz.rng, 4))
		fz_fix_csums(f);
}

/* The Internet checksum of an IPv4 header, and of a TCP segment with its
 * pseudo-header, verified by frames.h's sum (not packet.c's). */
static bool csums_verify(const uint8_t *b, size_t len)
{
	size_t ihl, tl;
	uint32_t sum;

	if (len < 54)
		return false;
	if (b[12] == 0x08 && b[13] == 0) {
		ihl = (size_t)(b[14] & 15) * 4;
		tl = (size_t)(b[16] << 8 | b[17]);
		if (ihl < 20 || tl < ihl + 20 || 14 + tl > len ||
		    xs_tf_fold(xs_tf_sum(0, b + 14, ihl)))
			return false;
		sum = xs_tf_sum(0, b + 26, 8) + 6 + (uint32_t)(tl - ihl);
		return !xs_tf_fold(xs_tf_sum(sum, b + 14 + ihl, tl - ihl));
	}
	tl = (size_t)(b[18] << 8 | b[19]);
	if (b[20] != 6 || tl < 20 || 54 + tl > len)
		return false;
	sum = xs_tf_sum(0, b + 22, 32) + 6 + (uint32_t)tl;
	return !xs_tf_fold(xs_tf_sum(sum, b + 54, tl));
}

/* Exactly one of the counters [0, n) but skip moved, by one: its index,
 * or -1.  before and after hold n counters. */
static int one_moved(const __u64 *before, const __u64 *after, int n, int skip0,
		     int skip1)
{
	int i, which = -1;

	for (i = 0; i < n; i++) {
		if (i == skip0 || i == skip1 || after[i] == before[i])
			continue;
		if (which >= 0 || after[i] != before[i] + 1)
			return -1;
		which = i;
	}
	return which;
}

/* Frames the run makes: FUZZ_FRAMES, or until FUZZ_SECONDS are over. */
struct fz_budget {
	uint64_t frames, end_ns, ns;
};

/* A program's share of the run: num / 10 of its frames or its time. */
static struct fz_budget fz_share(const struct fz_budget *b, unsigned int num)
{
	struct fz_budget s = { b->frames * num / 10, 0, 0 };

	if (b->ns)
		s.end_ns = mono_ns() + b->ns / 10 * num;
	return s;
}

static bool fz_more(const struct fz_budget *b, uint64_t done)
{
	if (b->end_ns)
		return (done & 1023) || mono_ns() < b->end_ns;
	return done < b->frames;
}

#include "fuzz/fz_filter.h"
#include "fuzz/fz_listen.h"
#include "fuzz/fz_guard.h"

static void fz_budget_init(struct fz_budget *b)
{
	const char *secs = getenv("XS_FUZZ_SECONDS"),
		   *frames = getenv("XS_FUZZ_FRAMES");
	const char *seed = getenv("XS_FUZZ_SEED");

	b->frames = frames ? strtoull(frames, NULL, 0) : 200000;
	b->ns = secs ? strtoull(secs, NULL, 0) * 1000000000ULL : 0;
	b->end_ns = 0;
	fz.seed = seed ? strtoull(seed, NULL, 0) :
		  secs ? (uint64_t)time(NULL) :
			 1;
	fz.rng.s = fz.seed;
}

int main(void)
{
	struct fz_budget b;
	struct fz_filter flt = {};
	struct fz_listen lis = {};
	struct fz_guard grd = {};
	uint64_t t0;
	int err;

	libbpf_set_print(quiet);
	fz_budget_init(&b);
	TEST_BEGIN("fuzz setup: own netns, the three programs, seeds");
	err = lo_netns();
	if (err && geteuid()) {
		TEST_SKIP("needs root (a network namespace of its own)");
		TEST_END();
		return TEST_EXIT();
	}
	CHECK(!err, "netns: %s", strerror(-err));
	CHECK(!fzf_open(&flt), "xdp_filter: %s", strerror(errno));
	CHECK(!fzl_open(&lis), "listen: %s", strerror(errno));
	CHECK(!fzg_open(&grd), "tc_guard: %s", strerror(errno));
	TEST_END();
	if (tl_case_failed)
		goto out;
	printf("# seed %llu, %s\n", (unsigned long long)fz.seed,
	       b.ns ? "for XS_FUZZ_SECONDS" : "XS_FUZZ_FRAMES frames");
	t0 = mono_ns();
	{
		struct fz_budget s = fz_share(&b, 5);

		fzf_run(&flt, &s);
		s = fz_share(&b, 3);
		fzl_run(&lis, &s);
		s = fz_share(&b, 2);
		fzg_run(&grd, &s);
	}
	printf("# %.1f s in all (printed, never judged)\n",
	       (double)(mono_ns() - t0) / 1e9);
out:
	fzf_close(&flt);
	fzl_close(&lis);
	fzg_close(&grd);
	return TEST_EXIT();
}
