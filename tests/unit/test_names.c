/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The name tables generated from the X-macro lists (include/xdpshake.h,
 * validate.h, handshake.h, montap.h, packet.h): every member of every list
 * has a name, no two members share one, an index past the end gets the
 * fallback, and the counters' names are the struct fields bpftool prints
 * (same order, one __u64 each).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "handshake.h"
#include "loader.h"
#include "monitor_output.h"
#include "montap.h"
#include "packet.h"
#include "validate.h"
#include "xdpshake.h"

typedef const char *(*name_fn)(unsigned int i);

static const char *stat_name(unsigned int i)
{
	return xs_stat_name((enum xs_stat)i);
}

static const char *reply_name(unsigned int i)
{
	return xs_reply_str((enum xs_reply)i);
}

static const char *outcome_name(unsigned int i)
{
	return xs_outcome_str((enum xs_outcome)i);
}

static const char *fin_name(unsigned int i)
{
	return xs_fin_str((enum xs_fin_state)i);
}

static const char *hook_name(unsigned int i)
{
	return xs_mon_hook_str((enum xs_montap_state)i);
}

static const char *parse_name(unsigned int i)
{
	return xs_parse_strerror((enum xs_parse_err)i);
}

static const struct list {
	const char *what;
	name_fn name;
	unsigned int n;
	const char *past_end; /* what index n gives */
} lists[] = {
	{ "stat", stat_name, XS_STAT_MAX, "?" },
	{ "mon_stat", xs_mon_stat_name, XS_MON_STAT_MAX, "?" },
	{ "mon_path", xs_mon_path_str, XS_MON_PATH_MAX, "?" },
	{ "reply", reply_name, XS_REPLY_MAX, "unknown" },
	{ "outcome", outcome_name, XS_OUT_MAX, "error" },
	{ "fin", fin_name, XS_FIN_MAX, "none" },
	{ "montap", hook_name, XS_MONTAP_MAX, "?" },
	{ "parse_err", parse_name, XS_PARSE_ERR_MAX, "unknown parse error" },
};

static void test_list(const struct list *l)
{
	char name[64];
	unsigned int i, j;

	snprintf(name, sizeof(name), "names_%s_complete_unique", l->what);
	TEST_BEGIN(name);
	CHECK(l->n > 1, "%u members", l->n);
	for (i = 0; i < l->n; i++) {
		const char *a = l->name(i);

		CHECK(a && *a && strcmp(a, "?"), "member %u has no name", i);
		for (j = 0; a && j < i; j++)
			CHECK(strcmp(a, l->name(j)), "members %u and %u: '%s'",
			      j, i, a);
	}
	CHECK(!strcmp(l->name(l->n), l->past_end), "index %u gives '%s'", l->n,
	      l->name(l->n));
	TEST_END();
}

/* The struct fields, as the X-macro made them, against the names. */
#define FIELD_AT(up, low) { offsetof(struct xs_stats, low), #low },
#define MON_FIELD_AT(up, low) { offsetof(struct xs_mon_stats, low), #low },

static void test_fields(void)
{
	static const struct {
		size_t off;
		const char *name;
	} st[] = { XS_STAT_LIST(FIELD_AT) },
	  mon[] = { XS_MON_STAT_LIST(MON_FIELD_AT) };
	unsigned int i;

	TEST_BEGIN("names_counters_are_struct_fields");
	CHECK_EQ(sizeof(st) / sizeof(st[0]), XS_STAT_MAX);
	CHECK_EQ(sizeof(struct xs_stats), XS_STAT_MAX * sizeof(__u64));
	for (i = 0; i < XS_STAT_MAX; i++)
		CHECK(st[i].off == i * sizeof(__u64) &&
			      !strcmp(st[i].name, xs_stat_name(i)),
		      "counter %u: field %s at %zu, name %s", i, st[i].name,
		      st[i].off, xs_stat_name(i));
	CHECK_EQ(sizeof(mon) / sizeof(mon[0]), XS_MON_STAT_MAX);
	CHECK_EQ(sizeof(struct xs_mon_stats), XS_MON_STAT_MAX * sizeof(__u64));
	for (i = 0; i < XS_MON_STAT_MAX; i++)
		CHECK(mon[i].off == i * sizeof(__u64) &&
			      !strcmp(mon[i].name, xs_mon_stat_name(i)),
		      "monitor counter %u: field %s at %zu, name %s", i,
		      mon[i].name, mon[i].off, xs_mon_stat_name(i));
	TEST_END();
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		test_list(&lists[i]);
	test_fields();
	return TEST_EXIT();
}
