/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Option tables: parsing, checks between options, usage text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cli.h"
#include "opts.h"

/* Options of one table, plus --json, --verbose and --help. */
#define OPTS_MAX 60
#define LONG_ONLY_BASE 256

static const struct xs_opt common_opts[] = {
	{ .name = "json",
	  .short_name = 'j',
	  .type = XS_OPT_FLAG,
	  .help = "JSON output, errors as JSON objects too" },
	{ .name = "verbose",
	  .short_name = 'v',
	  .type = XS_OPT_FLAG,
	  .help = "show libbpf's log" },
	{ .name = "help",
	  .short_name = 'h',
	  .type = XS_OPT_FLAG,
	  .help = "this text" },
	{}
};

const struct xs_opt *const xs_opts_common = common_opts;

static size_t opts_count(const struct xs_cmd *cmd)
{
	size_t n = 0;

	while (cmd->opts[n].name)
		n++;
	return n;
}

/* The type's own range where the table gives none. */
static void bounds(const struct xs_opt *o, uint64_t *min, uint64_t *max)
{
	*min = o->min;
	*max = o->max;
	if (o->min || o->max)
		return;
	switch (o->type) {
	case XS_OPT_PORT:
	case XS_OPT_PORT_RANGE:
		*min = 1;
		*max = 65535;
		break;
	case XS_OPT_U64:
	case XS_OPT_RATE:
		*max = UINT64_MAX;
		break;
	case XS_OPT_U16:
		*max = UINT16_MAX;
		break;
	default:
		*max = UINT32_MAX;
	}
}

/* What the option takes, for messages: "1 to 60000 ms", "rst, fin or none". */
static void describe(const struct xs_opt *o, char *buf, size_t len)
{
	uint64_t min, max;
	size_t n = 0;
	int i;

	bounds(o, &min, &max);
	switch (o->type) {
	case XS_OPT_IPV4:
		snprintf(buf, len, "an IPv4 address other than 0.0.0.0");
		return;
	case XS_OPT_ADDR:
		snprintf(buf, len,
			 "an IPv4 or IPv6 address, not 0.0.0.0 or ::");
		return;
	case XS_OPT_MAC:
		snprintf(buf, len, "a MAC address xx:xx:xx:xx:xx:xx");
		return;
	case XS_OPT_STRING:
		snprintf(buf, len, "a non-empty %s", o->metavar ?: "value");
		return;
	case XS_OPT_PORT_RANGE:
		snprintf(buf, len, "LO-HI with %llu <= LO <= HI <= %llu",
			 (unsigned long long)min, (unsigned long long)max);
		return;
	case XS_OPT_ENUM:
		buf[0] = '\0';
		for (i = 0; o->names[i] && n < len; i++)
			n += snprintf(buf + n, len - n, "%s%s",
				      !i	      ? "" :
				      o->names[i + 1] ? ", " :
							" or ",
				      o->names[i]);
		return;
	default:
		snprintf(buf, len, "%llu to %llu%s%s", (unsigned long long)min,
			 (unsigned long long)max, o->unit ? " " : "",
			 o->unit ?: "");
	}
}

static int set_number(const struct xs_opt *o, const char *arg, char *cfg,
		      const char **why)
{
	uint64_t min, max, v, hi;

	bounds(o, &min, &max);
	if (o->type == XS_OPT_PORT_RANGE) {
		if (xs_parse_range(arg, min, max, &v, &hi, why))
			return -EINVAL;
		*(uint16_t *)(cfg + o->off) = v;
		*(uint16_t *)(cfg + o->off2) = hi;
		return 0;
	}
	if (xs_parse_dec(arg, min, max, &v, why))
		return -EINVAL;
	switch (o->type) {
	case XS_OPT_U64:
	case XS_OPT_RATE:
		*(uint64_t *)(cfg + o->off) = v;
		break;
	case XS_OPT_U16:
	case XS_OPT_PORT:
		*(uint16_t *)(cfg + o->off) = v;
		break;
	case XS_OPT_SEC:
		*(uint32_t *)(cfg + o->off) = v * 1000;
		break;
	default:
		*(uint32_t *)(cfg + o->off) = v;
	}
	return 0;
}

static int set_enum(const struct xs_opt *o, const char *arg, char *cfg)
{
	int i;

	for (i = 0; o->names[i]; i++) {
		if (!strcmp(arg, o->names[i])) {
			*(int *)(cfg + o->off) = i;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *dashes(const struct xs_opt *o)
{
	return o->single_dash ? "-" : "--";
}

/* XS_OPT_ADDR: either family, never the unspecified address of either. */
static int set_addr(const char *arg, struct xs_addr *out, const char **why)
{
	struct xs_addr a;

	if (xs_addr_parse(arg, &a, why))
		return -EINVAL;
	if (xs_addr_is_zero(&a) || (xs_addr_is_v4(&a) && !xs_addr_get_v4(&a)))
		return -EINVAL;
	*out = a;
	return 0;
}

int xs_opt_src_once(const char *arg, bool given[2], uint32_t *v4out,
		    uint8_t v6out[16], char *err, size_t len)
{
	const char *why = NULL;
	struct xs_addr ad;
	bool v4;

	if (xs_addr_parse(arg, &ad, &why)) {
		snprintf(err, len,
			 "--src takes an IPv4 or IPv6 address, not '%s' (%s)",
			 arg, why);
		return -EINVAL;
	}
	v4 = xs_addr_is_v4(&ad);
	if (given[!v4]) {
		snprintf(
			err, len,
			"--src '%s': an %s source is already given (one per family)",
			arg, v4 ? "IPv4" : "IPv6");
		return -EINVAL;
	}
	if (v4 ? !xs_addr_get_v4(&ad) : xs_addr_is_zero(&ad)) {
		snprintf(err, len,
			 "--src '%s': the unspecified address is no source",
			 arg);
		return -EINVAL;
	}
	given[!v4] = true;
	if (v4)
		*v4out = xs_addr_get_v4(&ad);
	else
		memcpy(v6out, ad.b, sizeof(ad.b));
	return 0;
}

static int set_value(const struct xs_opt *o, const char *arg, void *cfgv,
		     char *err, size_t errlen)
{
	const char *why = NULL;
	char *cfg = cfgv;
	char what[160];
	uint32_t ip;
	int rc = 0;

	switch (o->type) {
	case XS_OPT_FLAG:
		*(bool *)(cfg + o->off) = true;
		return 0;
	case XS_OPT_SET:
		*(int *)(cfg + o->off) = o->value;
		return 0;
	case XS_OPT_CALL:
		return o->set(cfg, arg, err, errlen);
	case XS_OPT_STRING:
		rc = *arg ? 0 : -EINVAL;
		if (!rc)
			*(const char **)(cfg + o->off) = arg;
		break;
	case XS_OPT_ENUM:
		rc = set_enum(o, arg, cfg);
		break;
	case XS_OPT_IPV4:
		rc = xs_parse_ipv4(arg, &ip) || !ip ? -EINVAL : 0;
		if (!rc)
			*(uint32_t *)(cfg + o->off) = ip;
		break;
	case XS_OPT_ADDR:
		rc = set_addr(arg, (struct xs_addr *)(cfg + o->off), &why);
		break;
	case XS_OPT_MAC:
		rc = xs_parse_mac(arg, (uint8_t *)(cfg + o->off));
		break;
	default:
		rc = set_number(o, arg, cfg, &why);
	}
	if (!rc)
		return 0;
	describe(o, what, sizeof(what));
	snprintf(err, errlen, "%s%s takes %s, not '%s'%s%s%s", dashes(o),
		 o->name, what, arg, why ? " (" : "", why ?: "",
		 why ? ")" : "");
	return -EINVAL;
}

static const struct xs_opt *table_target(const struct xs_opt *table,
					 const struct xs_opt *o)
{
	const struct xs_opt *t;

	if (!o->alias_of)
		return o;
	for (t = table; t->name; t++)
		if (!t->alias_of && !strcmp(t->name, o->alias_of))
			return t;
	return NULL;
}

const struct xs_opt *xs_opt_target(const struct xs_cmd *cmd,
				   const struct xs_opt *o)
{
	return table_target(cmd->opts, o);
}

/* Every alias names an option of its table, and no name or letter is
 * taken twice (getopt would silently take the first): table bugs. */
static int check_table(const struct xs_cmd *cmd, size_t n)
{
	const struct xs_opt *a, *b;
	size_t i, j;

	for (i = 0; i < n + 3; i++) {
		a = i < n ? &cmd->opts[i] : &common_opts[i - n];
		if (i < n && !xs_opt_target(cmd, a))
			return xs_err(XS_EXIT_USAGE,
				      "%s: alias --%s of no option --%s",
				      cmd->name, a->name, a->alias_of);
		for (j = i + 1; j < n + 3; j++) {
			b = j < n ? &cmd->opts[j] : &common_opts[j - n];
			if (!strcmp(a->name, b->name) ||
			    (a->short_name && a->short_name == b->short_name))
				return xs_err(XS_EXIT_USAGE,
					      "%s: --%s and --%s share a name",
					      cmd->name, a->name, b->name);
		}
	}
	return 0;
}

static void build_getopt(const struct xs_cmd *cmd, size_t n,
			 struct option *longs, char *shorts)
{
	const struct xs_opt *o;
	size_t i, s = 0;

	shorts[s++] = ':'; /* ':' for a missing argument, '?' for unknown */
	for (i = 0; i < n + 3; i++) {
		o = i < n ? &cmd->opts[i] : &common_opts[i - n];
		longs[i].name = o->name;
		o = i < n ? xs_opt_target(cmd, o) : o;
		longs[i].has_arg = o->type == XS_OPT_FLAG ||
						   o->type == XS_OPT_SET ?
					   no_argument :
				   o->optional_arg ? optional_argument :
						     required_argument;
		longs[i].flag = NULL;
		longs[i].val =
			(i < n ? cmd->opts[i].short_name : o->short_name) ?:
				LONG_ONLY_BASE + (int)i;
		if (!longs[i].val || longs[i].val >= LONG_ONLY_BASE)
			continue;
		shorts[s++] = (char)longs[i].val;
		if (longs[i].has_arg != no_argument)
			shorts[s++] = ':';
		if (longs[i].has_arg == optional_argument)
			shorts[s++] = ':';
	}
	memset(&longs[n + 3], 0, sizeof(longs[0]));
	shorts[s] = '\0';
}

/* The table index of what getopt returned, or -1. */
static int index_of(const struct xs_cmd *cmd, size_t n, int c)
{
	size_t i;

	if (c >= LONG_ONLY_BASE)
		return c - LONG_ONLY_BASE < (int)(n + 3) ? c - LONG_ONLY_BASE :
							   -1;
	for (i = 0; i < n + 3; i++)
		if ((i < n ? cmd->opts[i].short_name :
			     common_opts[i - n].short_name) == c)
			return i;
	return -1;
}

static int usage_err(const struct xs_cmd *cmd, const char *msg)
{
	return xs_err(XS_EXIT_USAGE, "%s: see 'xdpshake %s -h'", msg,
		      cmd->name);
}

/* getopt's '?' and ':' as one line naming the token. */
static int getopt_err(const struct xs_cmd *cmd, size_t n, int c, char **argv)
{
	const char *tok = argv[optind - 1];
	char msg[256];
	int i = optopt ? index_of(cmd, n, optopt) : -1;

	/* A single-dash option was rewritten to "--NAME": say it as given. */
	if (!strncmp(tok, "--", 2) && i >= 0 && i < (int)n &&
	    cmd->opts[i].single_dash)
		tok++;

	if (c == ':')
		snprintf(msg, sizeof(msg), "option '%s' needs a value", tok);
	else if (i >= 0 && strchr(tok, '='))
		snprintf(msg, sizeof(msg), "option '%s' takes no value", tok);
	else if (optopt && optopt < LONG_ONLY_BASE)
		snprintf(msg, sizeof(msg), "unknown option '-%c'", optopt);
	else
		snprintf(msg, sizeof(msg), "unknown option '%s'", tok);
	return usage_err(cmd, msg);
}

/* An optional value may also be the next word, if it looks like a number
 * ("--watch 2", and "--watch -1" is then refused with its bounds). */
static const char *optional_value(int argc, char **argv)
{
	const char *s;

	if (optarg || optind >= argc)
		return optarg;
	s = argv[optind];
	if ((s[0] >= '0' && s[0] <= '9') ||
	    (s[0] == '-' && s[1] >= '0' && s[1] <= '9'))
		return argv[optind++];
	return NULL;
}

/* Every name in list (comma-separated) that was seen: the first, or NULL. */
static const char *first_seen(const struct xs_cmd *cmd, xs_opts_seen_t seen,
			      const char *list, bool want_seen)
{
	static char name[64];
	const char *p = list, *e;
	size_t len;

	while (p && *p) {
		e = strchr(p, ',');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			if (xs_opts_given(cmd, seen, name) == want_seen)
				return name;
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static int check_relations(const struct xs_cmd *cmd, size_t n,
			   xs_opts_seen_t seen)
{
	const struct xs_opt *o;
	const char *other;
	char msg[256];
	size_t i;

	for (i = 0; i < n; i++) {
		o = &cmd->opts[i];
		if (!(seen & (1ULL << i)))
			continue;
		other = first_seen(cmd, seen, o->conflicts, true);
		if (other) {
			snprintf(msg, sizeof(msg),
				 "--%s and --%s do not go together", o->name,
				 other);
			return usage_err(cmd, msg);
		}
		other = first_seen(cmd, seen, o->requires, false);
		if (other) {
			snprintf(msg, sizeof(msg), "--%s needs --%s", o->name,
				 other);
			return usage_err(cmd, msg);
		}
	}
	return 0;
}

static int apply_defaults(const struct xs_cmd *cmd, size_t n, void *cfg)
{
	char err[256];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct xs_opt *o = &cmd->opts[i];

		if (!o->def || o->optional_arg || o->type == XS_OPT_CALL)
			continue;
		if (set_value(o, o->def, cfg, err, sizeof(err)))
			return xs_err(XS_EXIT_USAGE, "bad default: %s", err);
	}
	return 0;
}

/* One option seen: its value into cfg, or an exit code. */
static int take(const struct xs_cmd *cmd, size_t n, int i, int argc,
		char **argv, void *cfg)
{
	const struct xs_opt *o = &cmd->opts[i];
	const char *arg = optarg;
	char err[320];

	if (o->optional_arg) {
		arg = optional_value(argc, argv) ?: o->def;
	}
	if (set_value(o, arg, cfg, err, sizeof(err)))
		return usage_err(cmd, err);
	return 0;
}

static void deprecation_note(const struct xs_cmd *cmd, const struct xs_opt *o)
{
	char sh[8] = "";

	if (o->short_name)
		snprintf(sh, sizeof(sh), "-%c/", o->short_name);
	xs_warn("%s %s--%s is deprecated: say --%s (%s)", cmd->name, sh,
		o->name, o->alias_of, o->help ?: "");
}

/* "-oX" into "--oX" for getopt_long, up to "--". */
static void single_dash_words(const struct xs_cmd *cmd, size_t n, int argc,
			      char **argv)
{
	static char words[OPTS_MAX][32];
	size_t i;
	int a;

	for (a = 1; a < argc && strcmp(argv[a], "--"); a++) {
		if (argv[a][0] != '-' || argv[a][1] == '-')
			continue;
		for (i = 0; i < n; i++) {
			if (!cmd->opts[i].single_dash ||
			    strcmp(argv[a] + 1, cmd->opts[i].name))
				continue;
			snprintf(words[i], sizeof(words[i]), "--%s",
				 cmd->opts[i].name);
			argv[a] = words[i];
		}
	}
}

/*
 * --json anywhere makes every error JSON, even one in an option before it:
 * a first pass looks only for it, with getopt's own idea of which tokens
 * are option values, over a copy of argv (getopt permutes what it scans).
 */
static void scan_json(int argc, char **argv, const char *shorts,
		      const struct option *longs)
{
	char **copy = calloc(argc + 1, sizeof(*copy));
	int c;

	if (!copy)
		return;
	memcpy(copy, argv, argc * sizeof(*copy));
	optind = 0;
	while ((c = getopt_long(argc, copy, shorts, longs, NULL)) != -1)
		if (c == 'j')
			xs_json = true;
	free(copy);
}

int xs_opts_parse(const struct xs_cmd *cmd, int argc, char **argv, void *cfg,
		  xs_opts_seen_t *seen)
{
	struct option longs[OPTS_MAX + 4];
	char shorts[2 * OPTS_MAX + 8];
	size_t n = opts_count(cmd);
	int c, i, err;

	*seen = 0;
	if (n > OPTS_MAX)
		return xs_err(XS_EXIT_USAGE, "%s: too many options", cmd->name);
	err = check_table(cmd, n) ?: apply_defaults(cmd, n, cfg);
	if (err)
		return err;
	single_dash_words(cmd, n, argc, argv);
	build_getopt(cmd, n, longs, shorts);
	opterr = 0;
	scan_json(argc, argv, shorts, longs);
	optind = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		i = c == '?' || c == ':' ? -1 : index_of(cmd, n, c);
		if (i < 0)
			return getopt_err(cmd, n, c, argv);
		if (i < (int)n && cmd->opts[i].deprecated)
			deprecation_note(cmd, &cmd->opts[i]);
		if (i < (int)n && cmd->opts[i].alias_of)
			i = (int)(xs_opt_target(cmd, &cmd->opts[i]) -
				  cmd->opts);
		if (i >= (int)n) {
			if (c == 'h') {
				xs_opts_usage(cmd, stdout);
				return XS_EXIT_OK;
			}
			*(c == 'j' ? &xs_json : &xs_verbose) = true;
			continue;
		}
		*seen |= 1ULL << i;
		err = take(cmd, n, i, argc, argv, cfg);
		if (err)
			return err;
	}
	err = check_relations(cmd, n, *seen);
	return err ?: -1;
}

bool xs_opts_given(const struct xs_cmd *cmd, xs_opts_seen_t seen,
		   const char *name)
{
	size_t i;

	for (i = 0; cmd->opts[i].name; i++)
		if (!strcmp(cmd->opts[i].name, name))
			return seen & (1ULL << i);
	return false;
}

/* The names of a (alias o), the value of its target t. */
static void print_left(const struct xs_opt *a, const struct xs_opt *o, FILE *f,
		       int *col)
{
	char meta[96] = "";
	size_t n = 0;
	int i;

	if (o->metavar) {
		snprintf(meta, sizeof(meta), o->optional_arg ? " [%s]" : " %s",
			 o->metavar);
	} else if (o->type == XS_OPT_ENUM) {
		meta[n++] = ' ';
		for (i = 0; o->names[i] && n < sizeof(meta); i++)
			n += snprintf(meta + n, sizeof(meta) - n, "%s%s",
				      i ? "|" : "", o->names[i]);
	}
	if (a->single_dash)
		*col = fprintf(f, "  -%s%s", a->name, meta);
	else if (a->short_name)
		*col = fprintf(f, "  -%c, --%s%s", a->short_name, a->name,
			       meta);
	else
		*col = fprintf(f, "      --%s%s", a->name, meta);
}

/* Help text at column 25; continuation lines indented to it. */
static void print_help(const char *help, FILE *f)
{
	for (; *help; help++) {
		fputc(*help, f);
		if (*help == '\n')
			fprintf(f, "%25s", "");
	}
}

static void print_opts(const struct xs_opt *o, FILE *f)
{
	const struct xs_opt *table = o, *t;
	int col;

	for (; o->name; o++) {
		t = table_target(table, o) ?: o;
		if (o->section)
			fprintf(f, "%s\n", o->section);
		print_left(o, t, f, &col);
		fprintf(f, "%*s", col < 24 ? 25 - col : 2, "");
		if (o->alias_of && o->deprecated)
			fprintf(f, "deprecated, say --%s: ", t->name);
		else if (o->alias_of)
			fprintf(f, "alias of --%s (%s)", t->name,
				o->peer ?: "");
		print_help(o->help ?: "", f);
		if (o->def)
			fprintf(f, " (default %s)", o->def);
		fputc('\n', f);
	}
}

void xs_opts_usage(const struct xs_cmd *cmd, FILE *f)
{
	fputs(cmd->synopsis, f);
	if (cmd->desc)
		fprintf(f, "\n%s", cmd->desc);
	fputc('\n', f);
	print_opts(cmd->opts, f);
	print_opts(common_opts, f);
	if (cmd->epilog)
		fprintf(f, "\n%s", cmd->epilog);
}

void xs_opt_describe(const struct xs_opt *o, char *buf, size_t len)
{
	describe(o, buf, len);
}
