/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every subcommand shares: the names of option values, -j/-v/-h in a
 * getopt switch, and refusing operands.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Map a name to its value through a NULL-terminated table. */
static int parse_name(const char *s, const char *const names[], int *out)
{
	int i;

	for (i = 0; s && names[i]; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *const xs_mode_names
	[] = { [XS_MODE_NATIVE] = "native", [XS_MODE_SKB] = "skb", NULL };
const char *const xs_tc_names[] = { [XS_TC_AUTO] = "auto",
				    [XS_TC_TCX] = "tcx",
				    [XS_TC_CLSACT] = "clsact",
				    NULL };
const char *const xs_close_names[] = { [XS_CLOSE_NONE] = "none",
				       [XS_CLOSE_RST] = "rst",
				       [XS_CLOSE_FIN] = "fin",
				       NULL };

int xs_parse_mode(const char *s, enum xs_xdp_mode *out)
{
	int v;

	if (parse_name(s, xs_mode_names, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

int xs_parse_tc_method(const char *s, enum xs_tc_method *out)
{
	int v;

	if (parse_name(s, xs_tc_names, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

int xs_parse_close(const char *s, enum xs_close_mode *out)
{
	int v;

	if (parse_name(s, xs_close_names, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

int xs_common_opt(int c, const char *usage)
{
	switch (c) {
	case 'j':
		xs_json = true;
		return -1;
	case 'v':
		xs_verbose = true;
		return -1;
	case 'h':
		fputs(usage, stdout);
		return XS_EXIT_OK;
	default:
		fputs(usage, stderr);
		return XS_EXIT_USAGE;
	}
}

int xs_no_operands(int argc, char **argv)
{
	if (optind < argc)
		return xs_err(XS_EXIT_USAGE, "unexpected argument '%s'",
			      argv[optind]);
	return 0;
}
