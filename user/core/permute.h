/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The scan order: a keyed pseudo-random permutation of [0, n), n up to
 * 2^48, in constant memory.
 *
 * As zmap does, it walks the cyclic multiplicative group modulo a prime p:
 * p is the smallest prime above n, g a primitive root mod p picked from the
 * seed, x_0 a start picked from the seed, x_{k+1} = x_k * g mod p.  The
 * p - 1 values x_k are 1..p-1 in a seed-dependent order; element x_k - 1 is
 * emitted when it is < n.  Because p is the next prime, the values skipped
 * are at most one prime gap (a few hundred at 2^48).
 *
 * Shard I of N (1-based, like masscan's --shard 1/2) walks the steps
 * k = I-1, I-1+N, I-1+2N, ...: shards 1..N partition the sequence, with no
 * overlap and no gap, and the union of the shards is the unsharded walk.
 *
 * struct xs_perm is plain data: copy it to remember a position (e.g. before
 * taking a batch that may not all be sent) and save that copy.
 */
#ifndef XS_PERMUTE_H
#define XS_PERMUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_PERM_MAX_N (1ULL << 48)

struct xs_perm_cfg {
	uint64_t n; /* elements: 1..XS_PERM_MAX_N */
	uint64_t seed;
	uint32_t shard, shards; /* 1 <= shard <= shards */
	/* Opaque to the permutation, saved and compared on resume: what n
	 * counts, e.g. xs_targets_digest() of the targets and ports, so a
	 * state is not resumed over a different target list of equal size. */
	uint64_t tag;
};

struct xs_perm {
	struct xs_perm_cfg cfg;
	uint64_t p; /* smallest prime > n */
	uint64_t g; /* primitive root mod p, from the seed */
	uint64_t x0; /* x at step 0, from the seed */
	uint64_t gstep; /* g^shards mod p: one step of this shard */
	/* Position: x == x0 * g^k mod p. */
	uint64_t k; /* next step of the group walk to look at */
	uint64_t x;
	uint64_t emitted; /* elements returned so far (progress only) */
};

/* Set up the walk at its start.  Returns 0 or -EINVAL (n, shard). */
int xs_perm_init(struct xs_perm *pm, const struct xs_perm_cfg *cfg);

/* The next element of this shard in *idx, or false when the shard is
 * done.  O(1) amortised: one 128-bit multiply-modulo per step. */
bool xs_perm_next(struct xs_perm *pm, uint64_t *idx);

/*
 * Resume state: a small text file of key=value lines (see permute.c),
 * written to PATH.tmp and renamed, so a crash never leaves half a file.
 * With it the elements handed out before the position but left without an
 * outcome (back, nback: a run stopped by a fault), which a resume produces
 * again first; xs_perm_load() fills back with them (NULL: a file that has
 * any is refused) and empties it when it fails.
 * xs_perm_load() refuses a state whose n, shard, seed or tag differ from
 * cfg, whose derived prime/generator differ (another version), or whose
 * position is inconsistent (edited), each with its own message.  With
 * XS_PERM_LOAD_ANY_SEED the seed is taken from the file (resuming a scan
 * whose random seed the user never saw).  Returns 0, -EINVAL (refused),
 * -ENOMEM or the -errno of the file operation.
 */
#define XS_PERM_LOAD_ANY_SEED 1u
#define XS_PERM_BACK_MAX (1u << 26) /* unfinished elements in a file */
struct xs_perm_back {
	uint64_t *idx;
	size_t n, cap;
};
int xs_perm_back_add(struct xs_perm_back *b, uint64_t idx); /* -ENOMEM */
void xs_perm_back_free(struct xs_perm_back *b);
int xs_perm_save(const struct xs_perm *pm, const uint64_t *back, size_t nback,
		 const char *path, char *errbuf, size_t errlen);
int xs_perm_load(struct xs_perm *pm, struct xs_perm_back *back,
		 const char *path, const struct xs_perm_cfg *cfg,
		 unsigned int flags, char *errbuf, size_t errlen);

/* Parse --shard "I/N" (1 <= I <= N <= 65535).  0 or -EINVAL + message. */
int xs_perm_parse_shard(const char *s, uint32_t *shard, uint32_t *shards,
			char *errbuf, size_t errlen);

/* Number theory the walk rests on, exposed for the tests. */
bool xs_is_prime(uint64_t n); /* deterministic for all 64-bit n */
uint64_t xs_next_prime(uint64_t n); /* smallest prime > n, n < 2^63 */
bool xs_is_primitive_root(uint64_t g, uint64_t p); /* p prime */

#endif /* XS_PERMUTE_H */
