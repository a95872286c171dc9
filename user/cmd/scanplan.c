// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a scan sends: see scanplan.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "json.h"
#include "opts.h"
#include "packet.h"
#include "scanplan.h"

void xs_scan_probe_of(const struct xs_targets *t, const struct xs_ports *p,
		      uint64_t idx, uint64_t seed, uint16_t lo, uint16_t hi,
		      struct xs_addr *daddr, uint16_t *dport, uint16_t *sport)
{
	const struct xs_isn_key k = { .k0 = seed, .k1 = ~seed };
	uint32_t span = (uint32_t)(hi - lo) + 1;

	*daddr = xs_targets_nth(t, idx / p->n);
	*dport = p->port[idx % p->n];
	*sport = lo + (uint16_t)(xs_siphash24(&k, &idx, sizeof(idx)) % span);
}

bool xs_scan_index_of(const struct xs_targets *t, const struct xs_ports *p,
		      const struct xs_addr *daddr, uint16_t dport,
		      uint64_t *idx)
{
	size_t lo = 0, hi = p->n, mid;
	uint64_t ti;

	/* The ports are sorted (xs_ports_parse()). */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->port[mid] < dport)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->n || p->port[lo] != dport ||
	    !xs_targets_index(t, daddr, &ti))
		return false;
	*idx = ti * p->n + lo;
	return true;
}

unsigned int xs_scan_syn_len(void)
{
	/* The options of txseg.c's XS_SYN_OPTS_LINUX_TS. */
	struct xs_tcp_opts o = { .has_mss = true,
				 .sack_ok = true,
				 .has_wscale = true,
				 .has_ts = true };

	return XS_ETH_HLEN + XS_IP_HLEN + XS_TCP_HLEN +
	       (unsigned int)xs_tcp_opts_len(&o);
}

int xs_parse_bandwidth(const char *arg, uint64_t *pps, const char **why)
{
	uint64_t bps, mult = 1, bits = (xs_scan_syn_len() + 24) * 8;
	size_t n = strlen(arg);
	char num[32];

	if (n && strchr("kKmMgG", arg[n - 1])) {
		mult = strchr("kK", arg[n - 1]) ? 1000 :
		       strchr("mM", arg[n - 1]) ? 1000000 :
						  1000000000;
		n--;
	}
	if (n >= sizeof(num)) {
		*why = "too long";
		return -EINVAL;
	}
	memcpy(num, arg, n);
	num[n] = '\0';
	if (xs_parse_dec(num, 1, UINT64_MAX / mult, &bps, why))
		return -EINVAL;
	if (bps * mult < bits) {
		*why = "less than one SYN per second";
		return -EINVAL;
	}
	*pps = bps * mult / bits;
	return 0;
}

static void print_probe(const struct xs_dryrun *d, const struct xs_addr *daddr,
			uint16_t dport, uint16_t sport, FILE *f)
{
	struct xs_addr saddr = xs_addr_is_v4(daddr) ? xs_addr_v4(d->saddr) :
						      d->saddr6;
	uint32_t seq = xs_isn_addr(d->key, &saddr, daddr, sport, dport);
	char src[XS_ADDR_STRLEN + 8], dst[XS_ADDR_STRLEN + 8];
	struct xs_jw w;

	if (!xs_json) {
		xs_addr_fmt_port(&saddr, sport, src);
		xs_addr_fmt_port(daddr, dport, dst);
		fprintf(f, "SYN %s > %s seq %u ttl %u win %u\n", src, dst, seq,
			d->ttl, d->window);
		return;
	}
	xs_addr_fmt(&saddr, src);
	xs_addr_fmt(daddr, dst);
	xs_jw_init(&w, f);
	xs_jw_start_object(&w);
	xs_jw_string_field(&w, "probe", "syn");
	xs_jw_string_field(&w, "family", xs_addr_family_str(daddr));
	xs_jw_string_field(&w, "saddr", src);
	xs_jw_uint_field(&w, "sport", sport);
	xs_jw_string_field(&w, "daddr", dst);
	xs_jw_uint_field(&w, "dport", dport);
	xs_jw_uint_field(&w, "seq", seq);
	xs_jw_uint_field(&w, "ttl", d->ttl);
	xs_jw_uint_field(&w, "window", d->window);
	xs_jw_end_object(&w);
}

/* SIGINT, SIGTERM or SIGHUP pending: scan blocks them from the start, so a
 * long dry run looks for them itself. */
static bool interrupted(void)
{
	sigset_t set;

	return !sigpending(&set) && (sigismember(&set, SIGINT) == 1 ||
				     sigismember(&set, SIGTERM) == 1 ||
				     sigismember(&set, SIGHUP) == 1);
}

int64_t xs_scan_dryrun(const struct xs_dryrun *d, const struct xs_targets *t,
		       const struct xs_ports *p, struct xs_perm *pm, FILE *f)
{
	uint16_t dport, sport;
	struct xs_addr daddr;
	size_t b = 0, nback = d->back ? d->back->n : 0;
	int64_t n = 0;
	uint64_t idx;

	for (;;) {
		if (b < nback)
			idx = d->back->idx[b++];
		else if ((d->max && pm->emitted >= d->max) ||
			 !xs_perm_next(pm, &idx))
			break;
		xs_scan_probe_of(t, p, idx, pm->cfg.seed, d->port_lo,
				 d->port_hi, &daddr, &dport, &sport);
		print_probe(d, &daddr, dport, sport, f);
		n++;
		if (ferror(f))
			return -EIO;
		if (n % 4096 == 0 && interrupted())
			return fflush(f) ? -errno : -EINTR;
	}
	return fflush(f) ? -errno : n;
}
