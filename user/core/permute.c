/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Keyed permutation of [0, n) by a walk of the multiplicative group mod p,
 * and its resume state file.  See permute.h for the construction.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "permute.h"

#define STATE_VERSION 1
/* A line: a key and its number, or 16 elements of an unfinished list. */
#define STATE_MAX_LINE 512

/* p - 1 < 2^49 has at most 13 distinct prime factors (2*3*...*41 > 2^49). */
#define MAX_FACTORS 16

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
	return (uint64_t)((unsigned __int128)a * b % m);
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
	uint64_t r = 1 % m;

	b %= m;
	while (e) {
		if (e & 1)
			r = mulmod(r, b, m);
		b = mulmod(b, b, m);
		e >>= 1;
	}
	return r;
}

bool xs_is_prime(uint64_t n)
{
	/* Miller-Rabin with the first twelve primes as bases has no
	 * pseudoprime below 3.18e23, so it is exact for every 64-bit n. */
	static const uint64_t bases[] = { 2,  3,  5,  7,  11, 13,
					  17, 19, 23, 29, 31, 37 };
	uint64_t d, x;
	unsigned int i, r, s;

	if (n < 2)
		return false;
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		if (n % bases[i] == 0)
			return n == bases[i];
	for (d = n - 1, s = 0; !(d & 1); d >>= 1)
		s++;
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		x = powmod(bases[i], d, n);
		if (x == 1 || x == n - 1)
			continue;
		for (r = 1; r < s; r++) {
			x = mulmod(x, x, n);
			if (x == n - 1)
				break;
		}
		if (r == s)
			return false;
	}
	return true;
}

uint64_t xs_next_prime(uint64_t n)
{
	uint64_t c = n + 1;

	while (!xs_is_prime(c))
		c++;
	return c;
}

/*
 * Distinct prime factors of m, by trial division that stops as soon as the
 * cofactor is prime: what is left after the small factors is usually one
 * large prime, so the loop rarely runs to sqrt(m) (~1.7e7 at 2^49, tens
 * of milliseconds, once per scan).
 */
static int factor(uint64_t m, uint64_t *q)
{
	bool changed = true;
	uint64_t d;
	int n = 0;

	if (m % 2 == 0) {
		q[n++] = 2;
		while (m % 2 == 0)
			m /= 2;
	}
	for (d = 3; m > 1; d += 2) {
		if (changed) {
			if (xs_is_prime(m)) {
				q[n++] = m;
				break;
			}
			changed = false;
		}
		if (m % d == 0) {
			q[n++] = d;
			while (m % d == 0)
				m /= d;
			changed = true;
		}
	}
	return n;
}

/* g generates (Z/pZ)* iff g^((p-1)/q) != 1 for every prime q | p-1. */
static bool primitive(uint64_t g, uint64_t p, const uint64_t *q, int nq)
{
	int i;

	if (g % p == 0)
		return false;
	for (i = 0; i < nq; i++)
		if (powmod(g, (p - 1) / q[i], p) == 1)
			return false;
	return true;
}

bool xs_is_primitive_root(uint64_t g, uint64_t p)
{
	uint64_t q[MAX_FACTORS];

	return primitive(g, p, q, factor(p - 1, q));
}

/* splitmix64: spreads consecutive seeds over the whole 64-bit range. */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int xs_perm_init(struct xs_perm *pm, const struct xs_perm_cfg *cfg)
{
	uint64_t q[MAX_FACTORS];
	uint64_t s = cfg->seed;
	int nq;

	if (!cfg->n || cfg->n > XS_PERM_MAX_N || !cfg->shards || !cfg->shard ||
	    cfg->shard > cfg->shards)
		return -EINVAL;
	memset(pm, 0, sizeof(*pm));
	pm->cfg = *cfg;
	pm->p = xs_next_prime(cfg->n);
	if (pm->p <= 3) {
		/* Groups of order 1 and 2: the only generator is p - 1, and
		 * the draw below would divide by zero. */
		pm->g = pm->p - 1;
	} else {
		nq = factor(pm->p - 1, q);
		/* About phi(p-1)/(p-1) of the candidates are generators, at
		 * worst ~1/6 at these sizes: a few draws. */
		do
			pm->g = 2 + mix(&s) % (pm->p - 3);
		while (!primitive(pm->g, pm->p, q, nq));
	}
	pm->x0 = 1 + mix(&s) % (pm->p - 1);
	pm->gstep = powmod(pm->g, cfg->shards, pm->p);
	pm->k = cfg->shard - 1;
	pm->x = mulmod(pm->x0, powmod(pm->g, pm->k, pm->p), pm->p);
	return 0;
}

bool xs_perm_next(struct xs_perm *pm, uint64_t *idx)
{
	uint64_t v;

	/* Steps 0..p-2 visit each of 1..p-1 once; values >= n + 1 are the
	 * few between n and the prime, skipped. */
	while (pm->k < pm->p - 1) {
		v = pm->x - 1;
		pm->k += pm->cfg.shards;
		pm->x = mulmod(pm->x, pm->gstep, pm->p);
		if (v < pm->cfg.n) {
			pm->emitted++;
			*idx = v;
			return true;
		}
	}
	return false;
}

int xs_perm_parse_shard(const char *s, uint32_t *shard, uint32_t *shards,
			char *errbuf, size_t errlen)
{
	unsigned long long i, n;
	char *end;

	if (!s || *s < '0' || *s > '9')
		goto syntax;
	errno = 0;
	i = strtoull(s, &end, 10);
	if (errno || *end != '/' || end[1] < '0' || end[1] > '9')
		goto syntax;
	n = strtoull(end + 1, &end, 10);
	if (errno || *end)
		goto syntax;
	if (n < 1 || n > 65535) {
		seterr(errbuf, errlen,
		       "shard '%s': shard count must be from 1 to 65535", s);
		return -EINVAL;
	}
	if (i < 1 || i > n) {
		seterr(errbuf, errlen,
		       "shard '%s': shard number must be from 1 to %llu", s, n);
		return -EINVAL;
	}
	*shard = (uint32_t)i;
	*shards = (uint32_t)n;
	return 0;
syntax:
	seterr(errbuf, errlen, "shard '%s': expected I/N, e.g. 1/3",
	       s ? s : "");
	return -EINVAL;
}

/*
 * The state file, one key=value a line, all numbers decimal:
 *   version    format version (1)
 *   n seed shard tag   the scan it belongs to: compared with the caller's
 *   prime generator start   derived from n and seed: a mismatch means the
 *              file was written by a build that derives them differently
 *   step element   the position: element == start * generator^step mod prime
 *   emitted    elements handed out so far (for progress only)
 *   unfinished a comma-separated list of elements handed out before the
 *              position but without an outcome (a run stopped by a fault):
 *              produced again first on resume.  The one key that may come
 *              on several lines; none at all is an empty list.
 */
#define BACK_PER_LINE 16
int xs_perm_save(const struct xs_perm *pm, const uint64_t *back, size_t nback,
		 const char *path, char *errbuf, size_t errlen)
{
	char tmp[PATH_MAX];
	FILE *f;
	size_t i;
	int err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		seterr(errbuf, errlen, "state file name '%s' is too long",
		       path);
		return -ENAMETOOLONG;
	}
	f = fopen(tmp, "w");
	if (!f) {
		err = -errno;
		seterr(errbuf, errlen, "cannot write state file '%s': %s", tmp,
		       strerror(-err));
		return err;
	}
	fprintf(f,
		"# xdpshake scan state, for --resume\n"
		"version=%d\nn=%llu\nseed=%llu\nshard=%u/%u\ntag=%llu\n"
		"prime=%llu\ngenerator=%llu\nstart=%llu\n"
		"step=%llu\nelement=%llu\nemitted=%llu\n",
		STATE_VERSION, (unsigned long long)pm->cfg.n,
		(unsigned long long)pm->cfg.seed, pm->cfg.shard, pm->cfg.shards,
		(unsigned long long)pm->cfg.tag, (unsigned long long)pm->p,
		(unsigned long long)pm->g, (unsigned long long)pm->x0,
		(unsigned long long)pm->k, (unsigned long long)pm->x,
		(unsigned long long)pm->emitted);
	for (i = 0; i < nback; i++)
		fprintf(f, "%s%llu%s", i % BACK_PER_LINE ? "" : "unfinished=",
			(unsigned long long)back[i],
			i + 1 == nback || (i + 1) % BACK_PER_LINE == 0 ? "\n" :
									 ",");
	/* The rename makes the new state visible only once it is complete
	 * and on disk. */
	if (fflush(f) || fsync(fileno(f)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		seterr(errbuf, errlen, "cannot write state file '%s': %s", path,
		       strerror(-err));
		unlink(tmp);
	}
	return err;
}

enum {
	K_VERSION,
	K_N,
	K_SEED,
	K_SHARD,
	K_TAG,
	K_PRIME,
	K_GEN,
	K_START,
	K_STEP,
	K_ELEMENT,
	K_EMITTED,
	K_NR,
};

static const char *const key_names[K_NR] = {
	"version",   "n",     "seed", "shard",	 "tag",	    "prime",
	"generator", "start", "step", "element", "emitted",
};

static int parse_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*v = x;
	return 0;
}

int xs_perm_back_add(struct xs_perm_back *b, uint64_t idx)
{
	uint64_t *v;
	size_t cap;

	if (b->n == b->cap) {
		cap = b->cap ? 2 * b->cap : 64;
		v = realloc(b->idx, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		b->idx = v;
		b->cap = cap;
	}
	b->idx[b->n++] = idx;
	return 0;
}

void xs_perm_back_free(struct xs_perm_back *b)
{
	free(b->idx);
	memset(b, 0, sizeof(*b));
}

/* "unfinished=" value: decimal elements, comma-separated, into back. */
static int parse_back(char *s, struct xs_perm_back *back, uint64_t max)
{
	char *item, *comma;
	uint64_t v;

	for (item = s; item; item = comma) {
		comma = strchr(item, ',');
		if (comma)
			*comma++ = '\0';
		if (parse_u64(item, &v))
			return -EINVAL;
		if (back->n >= max || back->n >= XS_PERM_BACK_MAX)
			return -E2BIG;
		if (xs_perm_back_add(back, v))
			return -ENOMEM;
	}
	return 0;
}

struct state_in {
	const char *path;
	uint64_t *val;
	bool seen[K_NR];
	struct xs_perm_back *back;
	uint64_t max_back;
	int lineno;
};

/* One key=value line into in->val[] (shard as shard << 32 | shards) or
 * the unfinished list. */
static int state_line(struct state_in *in, char *line, char *errbuf,
		      size_t errlen)
{
	char msg[128], *eq = strchr(line, '=');
	uint32_t sh, shs;
	int i;

	if (!eq) {
		seterr(errbuf, errlen, "%s:%d: expected key=value", in->path,
		       in->lineno);
		return -EINVAL;
	}
	*eq++ = '\0';
	if (!strcmp(line, "unfinished") && in->back) {
		i = parse_back(eq, in->back, in->max_back);
		if (i)
			seterr(errbuf, errlen, "%s:%d: %s", in->path,
			       in->lineno,
			       i == -E2BIG ?
				       "more unfinished elements than the scan has pairs" :
			       i == -ENOMEM ?
				       strerror(ENOMEM) :
				       "'unfinished' is not a list of decimal numbers");
		return i == -E2BIG ? -EINVAL : i;
	}
	for (i = 0; i < K_NR && strcmp(line, key_names[i]); i++)
		;
	if (i == K_NR) {
		seterr(errbuf, errlen, "%s:%d: unknown key '%s'", in->path,
		       in->lineno, line);
		return -EINVAL;
	}
	if (in->seen[i]) {
		seterr(errbuf, errlen, "%s:%d: '%s' given twice", in->path,
		       in->lineno, line);
		return -EINVAL;
	}
	in->seen[i] = true;
	if (i == K_SHARD) {
		if (xs_perm_parse_shard(eq, &sh, &shs, msg, sizeof(msg))) {
			seterr(errbuf, errlen, "%s:%d: %s", in->path,
			       in->lineno, msg);
			return -EINVAL;
		}
		in->val[i] = (uint64_t)sh << 32 | shs;
	} else if (parse_u64(eq, &in->val[i])) {
		seterr(errbuf, errlen,
		       "%s:%d: '%s' is not a decimal number: '%s'", in->path,
		       in->lineno, line, eq);
		return -EINVAL;
	}
	return 0;
}

/* Read and syntax-check the file into val[] and back (NULL: a file with
 * an unfinished list is refused, its key unknown). */
/* A regular file's stream (not a FIFO, a device or /dev/zero), or NULL
 * with the message in errbuf. */
static FILE *open_state(const char *path, char *errbuf, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), err;
	struct stat st;
	FILE *f;

	if (fd < 0 || fstat(fd, &st)) {
		err = errno;
		seterr(errbuf, errlen, "cannot open state file '%s': %s", path,
		       strerror(err));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err = EINVAL;
		seterr(errbuf, errlen, "state file '%s': not a regular file",
		       path);
		goto fail;
	}
	f = fdopen(fd, "r");
	if (f)
		return f;
	err = errno;
	seterr(errbuf, errlen, "cannot open state file '%s': %s", path,
	       strerror(err));
fail:
	if (fd >= 0)
		close(fd);
	errno = err;
	return NULL;
}

/* Read and syntax-check the file into val[] and back (NULL: a file with
 * an unfinished list is refused, its key unknown), a line at a time of at
 * most STATE_MAX_LINE bytes, at most max_back elements. */
static int read_state(const char *path, uint64_t *val,
		      struct xs_perm_back *back, uint64_t max_back,
		      char *errbuf, size_t errlen)
{
	struct state_in in = {
		.path = path, .val = val, .back = back, .max_back = max_back
	};
	char line[STATE_MAX_LINE + 2];
	size_t len;
	int i, err = 0;
	FILE *f = open_state(path, errbuf, errlen);

	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		in.lineno++;
		len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f))
			len = sizeof(line); /* longer than any line of ours */
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len > STATE_MAX_LINE) {
			seterr(errbuf, errlen,
			       "%s:%d: line too long (not a state file)", path,
			       in.lineno);
			err = -EINVAL;
		} else if (*line && *line != '#') {
			err = state_line(&in, line, errbuf, errlen);
		}
	}
	if (!err && ferror(f)) {
		seterr(errbuf, errlen, "state file '%s': read error", path);
		err = -EIO;
	}
	fclose(f);
	for (i = 0; !err && i < K_NR; i++) {
		if (!in.seen[i]) {
			seterr(errbuf, errlen,
			       "state file '%s': no '%s' (truncated or not a state file)",
			       path, key_names[i]);
			err = -EINVAL;
		}
	}
	return err;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every unfinished element one of this scan's, none twice, no more than
 * were handed out. */
static bool back_valid(const struct xs_perm_back *back, uint64_t n,
		       uint64_t emitted)
{
	uint64_t *v;
	size_t i;
	bool ok = back->n <= emitted;

	if (!back->n || !ok)
		return ok;
	v = malloc(back->n * sizeof(*v));
	if (!v)
		return false;
	memcpy(v, back->idx, back->n * sizeof(*v));
	qsort(v, back->n, sizeof(*v), cmp_u64);
	for (i = 0; ok && i < back->n; i++)
		ok = v[i] < n && (!i || v[i] != v[i - 1]);
	free(v);
	return ok;
}

/* The saved scan is this scan: n, shard, seed and tag as cfg's. */
static int same_scan(const char *path, const uint64_t *val,
		     const struct xs_perm_cfg *cfg, unsigned int flags,
		     char *errbuf, size_t errlen)
{
	uint32_t sh, shs;

	sh = (uint32_t)(val[K_SHARD] >> 32);
	shs = (uint32_t)val[K_SHARD];
	if (val[K_VERSION] != STATE_VERSION) {
		seterr(errbuf, errlen,
		       "state file '%s' has format version %llu, this build reads %d",
		       path, (unsigned long long)val[K_VERSION], STATE_VERSION);
		return -EINVAL;
	}
	/* The scan the state belongs to must be this scan. */
	if (val[K_N] != cfg->n) {
		seterr(errbuf, errlen,
		       "state file '%s' is for %llu target-port pairs, this scan has %llu",
		       path, (unsigned long long)val[K_N],
		       (unsigned long long)cfg->n);
		return -EINVAL;
	}
	if (sh != cfg->shard || shs != cfg->shards) {
		seterr(errbuf, errlen,
		       "state file '%s' is for shard %u/%u, this scan is shard %u/%u",
		       path, sh, shs, cfg->shard, cfg->shards);
		return -EINVAL;
	}
	if (!(flags & XS_PERM_LOAD_ANY_SEED) && val[K_SEED] != cfg->seed) {
		seterr(errbuf, errlen,
		       "state file '%s' is for seed %llu, this scan uses seed %llu",
		       path, (unsigned long long)val[K_SEED],
		       (unsigned long long)cfg->seed);
		return -EINVAL;
	}
	if (val[K_TAG] != cfg->tag) {
		seterr(errbuf, errlen,
		       "state file '%s' is for a different target or port list",
		       path);
		return -EINVAL;
	}
	return 0;
}

static int load_state(struct xs_perm *pm, struct xs_perm_back *back,
		      const char *path, const struct xs_perm_cfg *cfg,
		      unsigned int flags, char *errbuf, size_t errlen)
{
	struct xs_perm_cfg c = *cfg;
	uint64_t val[K_NR];
	uint32_t shs;
	struct xs_perm w;
	int err;

	err = read_state(path, val, back, cfg->n, errbuf, errlen);
	if (!err)
		err = same_scan(path, val, cfg, flags, errbuf, errlen);
	if (err)
		return err;
	shs = (uint32_t)val[K_SHARD];
	c.seed = val[K_SEED];
	err = xs_perm_init(&w, &c);
	if (err) {
		seterr(errbuf, errlen, "state file '%s': invalid scan", path);
		return err;
	}
	if (val[K_PRIME] != w.p || val[K_GEN] != w.g || val[K_START] != w.x0) {
		seterr(errbuf, errlen,
		       "state file '%s' was written by a build with another permutation: it cannot be resumed",
		       path);
		return -EINVAL;
	}
	/* The position must be a step of this shard, at most one past the
	 * end, and the element there: a hand-edited position would skip or
	 * repeat targets. */
	if (val[K_STEP] < w.k || (val[K_STEP] - w.k) % shs ||
	    val[K_STEP] >= w.p - 1 + shs ||
	    val[K_ELEMENT] !=
		    mulmod(w.x0, powmod(w.g, val[K_STEP], w.p), w.p) ||
	    val[K_EMITTED] > cfg->n) {
		seterr(errbuf, errlen,
		       "state file '%s': inconsistent position (edited or corrupted)",
		       path);
		return -EINVAL;
	}
	if (back && !back_valid(back, cfg->n, val[K_EMITTED])) {
		seterr(errbuf, errlen,
		       "state file '%s': inconsistent unfinished list (edited or corrupted)",
		       path);
		return -EINVAL;
	}
	w.k = val[K_STEP];
	w.x = val[K_ELEMENT];
	w.emitted = val[K_EMITTED];
	*pm = w;
	return 0;
}

int xs_perm_load(struct xs_perm *pm, struct xs_perm_back *back,
		 const char *path, const struct xs_perm_cfg *cfg,
		 unsigned int flags, char *errbuf, size_t errlen)
{
	int err = load_state(pm, back, path, cfg, flags, errbuf, errlen);

	if (err && back)
		xs_perm_back_free(back);
	return err;
}
