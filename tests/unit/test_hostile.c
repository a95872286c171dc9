// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The hostile-frame table (tests/hostile/cases.h) through the userspace
 * parser and validator: for each case the parse result, the class
 * xs_classify_reply() gives it for its handshake, every parsed header field
 * against what was built, and the options RFC 9293 / RFC 7323 say a parser
 * must report.  Each frame sits in a heap buffer of exactly its length, so
 * the sanitizer build catches any read past it; every shorter prefix of it
 * is classified too (truncation at every byte, not only at the layers the
 * table names).
 *
 * The same table through the scan path too (scan, connect --count: the
 * engine's on_frame), which has no per-probe state but its connection table:
 * the same classes wherever the frame names the case's handshake.
 *
 * Then the table itself: every case where XDP and userspace disagree must
 * say why.  And a mutation sweep: no frame the classifier accepts may break
 * the rules it is meant to enforce.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "testlib.h"
#include "icmp.h"
#include "hostile/cases.h"

static uint8_t *dup_frame(const uint8_t *buf, size_t len)
{
	/* malloc(0) may return NULL; one byte more is never read. */
	uint8_t *p = malloc(len ? len : 1);

	if (p && len)
		memcpy(p, buf, len);
	return p;
}

static bool opts_equal(const struct xs_tcp_opts *a, const struct xs_tcp_opts *b)
{
	return a->has_mss == b->has_mss && (!a->has_mss || a->mss == b->mss) &&
	       a->sack_ok == b->sack_ok && a->has_ts == b->has_ts &&
	       (!a->has_ts ||
		(a->ts_val == b->ts_val && a->ts_ecr == b->ts_ecr)) &&
	       a->has_wscale == b->has_wscale &&
	       (!a->has_wscale || a->wscale == b->wscale) &&
	       a->malformed == b->malformed;
}

static void print_opts(const char *what, const struct xs_tcp_opts *o)
{
	printf("#   %s: mss %s%u sack %d ts %s%u/%u wscale %s%u malformed %d\n",
	       what, o->has_mss ? "" : "-", o->mss, o->sack_ok,
	       o->has_ts ? "" : "-", o->ts_val, o->ts_ecr,
	       o->has_wscale ? "" : "-", o->wscale, o->malformed);
}

/* A frame the validator lets through must never make us act: below
 * XS_REPLY_SYNACK every class is "count and drop". */
static bool acts(enum xs_reply r)
{
	return r >= XS_REPLY_SYNACK && r < XS_REPLY_MAX;
}

/*
 * The scan path, as engine.c on_frame runs it: parse, name the handshake
 * from the frame's own 4-tuple with our keyed ISN for it
 * (xs_scan_screen), then the phase from the table entry (xs_reply_phase).
 * The entry and the ISN here are the case's handshake; for any other
 * 4-tuple the keyed ISN is another number (~isn stands for it) and there is
 * no entry.  *same: the frame names the case's 4-tuple.
 */
static enum xs_reply scan_path(const uint8_t *frame, size_t len,
			       const struct xs_reply_ctx *d, bool *same)
{
	enum xs_parse_err err;
	struct xs_reply_ctx rc;
	struct xs_pkt p;
	enum xs_reply r;

	struct xs_addr daddr;
	uint16_t sport, dport;

	*same = false;
	err = xs_parse_reply_frame(frame, len, &p);
	if (err != XS_PARSE_OK)
		return xs_parse_class(err);
	xs_reply_tuple(&p, &daddr, &sport, &dport);
	*same = xs_addr_eq(&daddr, &d->daddr) && sport == d->sport &&
		dport == d->dport;
	r = xs_scan_screen(&p, &d->saddr, *same ? d->isn : ~d->isn, &rc);
	if (r != XS_REPLY_MAX)
		return r;
	if (*same && d->phase == XS_PH_ESTABLISHED) {
		rc.phase = XS_PH_ESTABLISHED;
		rc.server_isn = d->server_isn;
	}
	return xs_reply_phase(&p, &rc);
}

/*
 * The scan path gives the case's class, but for a frame that names another
 * server's 4-tuple (or another port of ours) and is addressed to us:
 * without per-probe state the keyed ISN is what says "ours", so such a
 * frame ends as an ack that is not ours (or earlier, on its checksum),
 * where connect says "not ours".  Either way it is dropped, never answered.
 */
static unsigned int scan_other_tuple;

static void check_scan_path(const uint8_t *frame, size_t len,
			    const struct hostile_case *hc,
			    const struct xs_reply_ctx *d)
{
	bool same;
	enum xs_reply r = scan_path(frame, len, d, &same);

	if (hc->reply == XS_REPLY_NOT_OURS && !same && r != hc->reply) {
		CHECK(!acts(r), "scan path: %s for another 4-tuple",
		      xs_reply_str(r));
		scan_other_tuple++;
		return;
	}
	CHECK(r == hc->reply, "scan path: class %s, want %s", xs_reply_str(r),
	      xs_reply_str(hc->reply));
}

/* Every parsed field of a frame that parsed, against its description. */
static void check_fields(const struct xs_pkt *p, const struct xs_tframe *f)
{
	unsigned int doff = f->doff ? f->doff : (20 + f->tcp_opt) / 4;
	unsigned int ihl = f->ihl ? f->ihl : (20 + f->ip_opt) / 4;

	CHECK(p->flags == f->flags, "flags 0x%02x, built 0x%02x", p->flags,
	      f->flags);
	CHECK(p->seq == f->seq, "seq %u, built %u", p->seq, f->seq);
	CHECK(p->ack == f->ack, "ack %u, built %u", p->ack, f->ack);
	CHECK(p->doff == doff, "doff %u, built %u", p->doff, doff);
	CHECK(p->reserved == f->tcp_res, "reserved bits 0x%x, built 0x%x",
	      p->reserved, f->tcp_res);
	if (f->kind != XS_TF_IPV6)
		CHECK(p->ihl == ihl, "ihl %u, built %u", p->ihl, ihl);
	CHECK(p->window == (f->window ? f->window : 64240), "window %u",
	      p->window);
	/* Padding after tot_len is never payload. */
	if (!f->tot_len)
		CHECK(p->payload_len == f->payload, "payload %zu, built %u",
		      p->payload_len, f->payload);
}

/* The same for an IPv6 case, against hc_fill6()'s description. */
static void check_fields6(const struct xs_pkt *p, const struct xs_t6 *f)
{
	unsigned int doff = f->doff ? f->doff : (20 + f->tcp_opt) / 4;

	CHECK(!memcmp(p->saddr.b, f->saddr, 16) &&
		      !memcmp(p->daddr.b, f->daddr, 16),
	      "addresses differ from the built ones");
	CHECK(p->ip_version == 6 && p->n_ext == f->ext_n,
	      "version %u, %u extension headers, built 6 and %u", p->ip_version,
	      p->n_ext, f->ext_n);
	if (p->is_icmp) {
		CHECK(p->icmp.type == f->icmp_type &&
			      p->icmp.code == f->icmp_code,
		      "ICMPv6 %u/%u, built %u/%u", p->icmp.type, p->icmp.code,
		      f->icmp_type, f->icmp_code);
		if (p->icmp.q_l4_len >= 8 && p->icmp.q_proto == 6)
			CHECK(p->icmp.q_seq == f->q_seq &&
				      p->icmp.q_sport == f->q_sport &&
				      p->icmp.q_dport == f->q_dport,
			      "quoted seq %u ports %u %u, built %u %u %u",
			      p->icmp.q_seq, p->icmp.q_sport, p->icmp.q_dport,
			      f->q_seq, f->q_sport, f->q_dport);
		if (f->icmp_type == 2)
			CHECK(p->icmp.mtu == 1280, "MTU %u", p->icmp.mtu);
		return;
	}
	CHECK(p->sport == f->sport && p->dport == f->dport,
	      "ports %u %u, built %u %u", p->sport, p->dport, f->sport,
	      f->dport);
	CHECK(p->flags == f->flags, "flags 0x%02x, built 0x%02x", p->flags,
	      f->flags);
	CHECK(p->seq == f->seq, "seq %u, built %u", p->seq, f->seq);
	CHECK(p->ack == f->ack, "ack %u, built %u", p->ack, f->ack);
	CHECK(p->doff == doff, "doff %u, built %u", p->doff, doff);
	CHECK(p->window == 64800, "window %u", p->window);
	if (!f->plen_set && !f->plen_delta)
		CHECK(p->payload_len == f->payload, "payload %zu, built %u",
		      p->payload_len, f->payload);
}

/* An ICMP error's fields against its description. */
static void check_icmp_fields(const struct xs_pkt *p, const struct xs_tframe *f)
{
	const struct xs_icmp *ic = &p->icmp;

	CHECK(f->icmp_type, "parsed as ICMP, built as TCP");
	CHECK(ic->type == f->icmp_type && ic->code == f->icmp_code,
	      "ICMP %u/%u, built %u/%u", ic->type, ic->code, f->icmp_type,
	      f->icmp_code);
	if (ic->q_l4_len >= 8 && !f->icmp_qicmp)
		CHECK(ic->q_seq == f->seq, "quoted seq %u, built %u", ic->q_seq,
		      f->seq);
	if (f->icmp_type == 3 && f->icmp_code == 4)
		CHECK(ic->mtu == 576, "next-hop MTU %u", ic->mtu);
}

/*
 * Every prefix of a frame (p: parsed, or NULL).  A frame that parses needs
 * its Ethernet header and tot_len bytes: any shorter prefix is malformed,
 * on both paths, any longer one (padding cut away) is the same frame.  A
 * frame that does not parse stays harmless however it is cut.
 */
static void check_prefixes(const uint8_t *frame, size_t len,
			   const struct xs_pkt *p, enum xs_reply r,
			   const struct xs_reply_ctx *rc)
{
	size_t l, need = p ? (size_t)XS_ETH_HLEN + p->tot_len : len;
	enum xs_reply r2;
	uint8_t *cut;
	bool same;

	for (l = 0; l < len; l++) {
		cut = dup_frame(frame, l);
		if (!cut)
			break;
		r2 = xs_classify_reply(cut, l, rc, NULL);
		if (p && l < need)
			CHECK(scan_path(cut, l, rc, &same) ==
				      XS_REPLY_MALFORMED,
			      "scan path: cut to %zu bytes not malformed", l);
		free(cut);
		if (p && l < need) {
			CHECK(r2 == XS_REPLY_MALFORMED,
			      "cut to %zu bytes: %s, want malformed", l,
			      xs_reply_str(r2));
		} else if (p) {
			CHECK(r2 == r, "cut to %zu bytes (padding only): %s", l,
			      xs_reply_str(r2));
		} else {
			CHECK(!acts(r2), "cut to %zu bytes: %s", l,
			      xs_reply_str(r2));
		}
		if (tl_case_failed)
			break;
	}
}

static void run_case(const struct hostile_case *hc)
{
	static const struct xs_tcp_opts none;
	const struct hc_ctx_def *d = &hc_ctxs[hc->ctx];
	uint8_t buf[HC_FRAME_MAX], *frame;
	enum xs_parse_err perr;
	struct xs_tframe f;
	struct xs_pkt p, q;
	enum xs_reply r, r2;
	char name[160];
	size_t len;

	snprintf(name, sizeof(name), "user: %s: %s", d->name, hc->name);
	TEST_BEGIN(name);
	len = hc_build(hc, buf, &f);
	frame = dup_frame(buf, len);
	CHECK(frame, "out of memory");
	if (!frame)
		goto end;

	perr = xs_parse_reply_frame(frame, len, &p);
	CHECK(perr == hc->perr, "parse: %s, want %s", xs_parse_strerror(perr),
	      xs_parse_strerror(hc->perr));
	r = xs_classify_reply(frame, len, &d->rc, &q);
	CHECK(r == hc->reply, "class %s, want %s (%s)", xs_reply_str(r),
	      xs_reply_str(hc->reply), d->name);
	r2 = xs_classify_reply(frame, len, &d->rc, NULL);
	CHECK(r2 == r, "class %s without a pkt, %s with one", xs_reply_str(r2),
	      xs_reply_str(r));
	check_scan_path(frame, len, hc, &d->rc);

	if (perr == XS_PARSE_OK && hc_ctx_is6(hc->ctx)) {
		const struct xs_tcp_opts *want = hc->opts ? hc->opts : &none;
		struct xs_t6 f6;

		hc_fill6(hc, &f6);
		check_fields6(&p, &f6);
		if (!p.is_icmp)
			CHECK(opts_equal(&p.opts, want), "options differ");
	} else if (perr == XS_PARSE_OK && p.is_icmp) {
		check_icmp_fields(&p, &f);
	} else if (perr == XS_PARSE_OK) {
		const struct xs_tcp_opts *want = hc->opts ? hc->opts : &none;

		check_fields(&p, &f);
		CHECK(opts_equal(&p.opts, want), "options differ");
		if (!opts_equal(&p.opts, want)) {
			print_opts("parsed", &p.opts);
			print_opts("want", want);
		}
		if (hc->tcp_csum)
			CHECK(p.tcp_csum == hc->tcp_csum,
			      "TCP checksum field %u, want %u", p.tcp_csum,
			      hc->tcp_csum);
	}

	check_prefixes(frame, len, perr == XS_PARSE_OK ? &p : NULL, r, &d->rc);
	free(frame);
end:
	TEST_END();
}

/*
 * The table says why wherever the layers disagree: XDP hands a frame to
 * userspace that userspace then drops, or drops one userspace would act on.
 */
static void check_table(void)
{
	size_t i, j;

	TEST_BEGIN("table: every XDP/userspace disagreement says why");
	for (i = 0; i < HC_NCASES; i++) {
		const struct hostile_case *hc = &hostile_cases[i];
		bool delivered = hc->xdp == XDP_REDIRECT;

		if (delivered != acts(hc->reply))
			CHECK(hc->why, "%s: XDP %s, userspace %s, no why",
			      hc->name, delivered ? "delivers" : "stops",
			      xs_reply_str(hc->reply));
		else
			CHECK(!hc->why, "%s: the layers agree, but a why",
			      hc->name);
	}
	TEST_END();

	TEST_BEGIN("table: case names are unique");
	for (i = 0; i < HC_NCASES; i++)
		for (j = i + 1; j < HC_NCASES; j++)
			CHECK(strcmp(hostile_cases[i].name,
				     hostile_cases[j].name) ||
				      hostile_cases[i].ctx !=
					      hostile_cases[j].ctx,
			      "two cases named '%s'", hostile_cases[i].name);
	TEST_END();

	TEST_BEGIN("table: every class is covered");
	for (j = 0; j < XS_REPLY_MAX; j++) {
		bool seen = false;

		for (i = 0; i < HC_NCASES; i++)
			seen |= hostile_cases[i].reply == (enum xs_reply)j;
		CHECK(seen, "no case for %s", xs_reply_str(j));
	}
	TEST_END();
}

static void check_names(void)
{
	int i;

	TEST_BEGIN("xs_reply_str: a distinct name for every class");
	for (i = 0; i < XS_REPLY_MAX; i++) {
		CHECK(strcmp(xs_reply_str(i), "unknown"), "class %d unnamed",
		      i);
		if (i)
			CHECK(strcmp(xs_reply_str(i), xs_reply_str(i - 1)),
			      "classes %d and %d share a name", i - 1, i);
	}
	CHECK(!strcmp(xs_reply_str(XS_REPLY_MAX), "unknown"), "out of range");
	CHECK(!strcmp(xs_reply_str(-1), "unknown"), "negative");
	TEST_END();

	TEST_BEGIN("xs_ip_csum_ok: unparsed frame, NULL");
	{
		struct xs_pkt p = {};

		CHECK(!xs_ip_csum_ok(NULL), "NULL accepted");
		CHECK(!xs_ip_csum_ok(&p), "empty pkt accepted");
	}
	CHECK(xs_classify_reply(NULL, 0, &hc_ctxs[HC_SENT].rc, NULL) ==
		      XS_REPLY_MALFORMED,
	      "NULL frame");
	TEST_END();
}

/* An ICMP error accepted: to us, quoting our SYN (or data) exactly. */
static bool icmp_sane(const struct xs_pkt *p, const struct xs_reply_ctx *c,
		      enum xs_reply r)
{
	const struct xs_icmp *ic = &p->icmp;
	uint32_t off = ic->q_seq - (c->isn + 1);

	if (r != XS_REPLY_ICMP)
		return false;
	return xs_addr_eq(&p->daddr, &c->saddr) &&
	       xs_addr_eq(&ic->q_saddr, &c->saddr) &&
	       xs_addr_eq(&ic->q_daddr, &c->daddr) && ic->q_sport == c->sport &&
	       ic->q_dport == c->dport && ic->q_proto == 6 &&
	       ic->q_l4_len >= 8 && !(ic->q_frag_off & 0x3fff) &&
	       xs_ip_csum_ok(p) && xs_icmp_csum_ok(p) &&
	       (c->phase == XS_PH_SYN_SENT ? ic->q_seq == c->isn :
					     off <= c->data_len);
}

/*
 * Accepting a frame means all of this held; a mutation that breaks any of
 * it must not be accepted.
 */
static bool accepted_sane(const struct xs_pkt *p, const struct xs_reply_ctx *c,
			  enum xs_reply r)
{
	bool tuple = xs_addr_eq(&p->saddr, &c->daddr) &&
		     xs_addr_eq(&p->daddr, &c->saddr) && p->sport == c->dport &&
		     p->dport == c->sport;

	if (p->is_icmp)
		return icmp_sane(p, c, r);
	if (!tuple || !xs_ip_csum_ok(p) || !xs_tcp_csum_acceptable(p))
		return false;
	if ((p->flags & XS_TCP_SYN) && (p->flags & (XS_TCP_RST | XS_TCP_FIN)))
		return false;
	switch (r) {
	case XS_REPLY_SYNACK:
		return (p->flags & SA) == SA && p->ack == c->isn + 1;
	case XS_REPLY_REFUSED:
		return (p->flags & RA) == RA && p->ack == c->isn + 1;
	case XS_REPLY_DUP_SYNACK:
		return (p->flags & SA) == SA && p->ack == c->isn + 1 &&
		       p->seq == c->server_isn;
	case XS_REPLY_PEER_RST:
		return (p->flags & XS_TCP_RST) && p->seq == c->server_isn + 1;
	default:
		return true;
	}
}

static void mutation_sweep(void)
{
	static const uint8_t xors[] = { 0x01, 0x02, 0x04, 0x08, 0x10,
					0x20, 0x40, 0x80, 0xff };
	unsigned long runs = 0, accepted = 0;
	uint8_t buf[HC_FRAME_MAX], *m;
	size_t i, len, b, x;
	struct xs_pkt p;
	enum xs_reply r;
	bool same;

	TEST_BEGIN("mutations: every accepted frame obeys the rules");
	for (i = 0; i < HC_NCASES && !tl_case_failed; i++) {
		const struct hostile_case *hc = &hostile_cases[i];
		const struct xs_reply_ctx *c = &hc_ctxs[hc->ctx].rc;

		len = hc_build(hc, buf, NULL);
		m = dup_frame(buf, len);
		if (!m)
			break;
		for (b = 0; b < len; b++) {
			for (x = 0; x < sizeof(xors); x++) {
				m[b] ^= xors[x];
				r = xs_classify_reply(m, len, c, &p);
				runs++;
				if (acts(r)) {
					accepted++;
					CHECK(accepted_sane(&p, c, r),
					      "%s: byte %zu ^ 0x%02x gives %s",
					      hc->name, b, xors[x],
					      xs_reply_str(r));
				}
				r = scan_path(m, len, c, &same);
				if (acts(r))
					CHECK(accepted_sane(&p, c, r),
					      "scan path: %s: byte %zu ^ 0x%02x "
					      "gives %s",
					      hc->name, b, xors[x],
					      xs_reply_str(r));
				m[b] ^= xors[x];
			}
		}
		free(m);
	}
	printf("# %lu mutated frames, %lu accepted\n", runs, accepted);
	TEST_END();
}

/*
 * The IPv6 rows t_hostile_live.sh sends at a running filter while
 * `connect` waits for the answer to its SYN: those of the SYN-SENT
 * context that XDP is configured for as `connect` configures it (no extra
 * flags, the handshake in xs_conns), that a driver delivers at all, and
 * that do not end the handshake (a frame XDP hands over and userspace
 * acts on would: the valid SYN-ACKs, RSTs and ICMPv6 errors).
 */
static bool live6(const struct hostile_case *hc)
{
	return hc->ctx == HC6_SENT && !hc->xdp_flags && !hc->no_conn &&
	       hc->xdp != HC_XDP_REFUSED &&
	       !(hc->xdp == XDP_REDIRECT && acts(hc->reply));
}

/*
 * Which of connect's --json counters a frame userspace gets in SYN-SENT
 * moves (user/engine/handshake.c: on_frame, on_syn_sent).
 */
static const char *connect_counter(enum xs_reply r)
{
	switch (r) {
	case XS_REPLY_BAD_IP_CSUM:
	case XS_REPLY_BAD_CSUM:
		return "bad_csum";
	case XS_REPLY_BAD_ACK:
	case XS_REPLY_RST_NO_ACK:
		return "bad_ack";
	case XS_REPLY_BAD_QUOTE:
		return "bad_quote";
	default:
		return "ignored";
	}
}

/*
 * test_hostile --live6: the context, then one line per live row:
 *   ctx6 OUR_ADDR PEER_ADDR SPORT DPORT ISN PORT_LO PORT_HI
 *   frame XDP_COUNTER CONNECT_COUNTER|- HEX NAME...
 * CONNECT_COUNTER: the counter of connect's --json the frame moves once
 * XDP redirects it ("-": XDP does not).
 */
static int print_live6(void)
{
	static const char *const stat_names[] = { XS_STAT_LIST(XS_STAT_NAME) };
	const struct hc_ctx_def *d = &hc_ctxs[HC6_SENT];
	char us[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
	uint8_t buf[HC_FRAME_MAX];
	size_t i, j, len;

	inet_ntop(AF_INET6, d->rc.saddr.b, us, sizeof(us));
	inet_ntop(AF_INET6, d->rc.daddr.b, peer, sizeof(peer));
	printf("ctx6 %s %s %u %u %u %u %u\n", us, peer, d->rc.sport,
	       d->rc.dport, d->rc.isn, d->port_lo, d->port_hi);
	for (i = 0; i < HC_NCASES; i++) {
		const struct hostile_case *hc = &hostile_cases[i];

		if (!live6(hc))
			continue;
		len = hc_build(hc, buf, NULL);
		printf("frame %s %s ", stat_names[hc->stat],
		       hc->xdp == XDP_REDIRECT ? connect_counter(hc->reply) :
						 "-");
		for (j = 0; j < len; j++)
			printf("%02x", buf[j]);
		printf(" %s\n", hc->name);
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc == 2 && !strcmp(argv[1], "--live6"))
		return print_live6();

	for (i = 0; i < HC_NCASES; i++)
		run_case(&hostile_cases[i]);
	check_table();
	check_names();
	mutation_sweep();
	printf("# %zu hostile cases, %u named another 4-tuple on the scan path\n",
	       (size_t)HC_NCASES, scan_other_tuple);
	return TEST_EXIT();
}
