/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/cmd/manpage.c and complete.c: a made-up command's
 * option table goes through the generators, which must render every entry
 * from its fields alone (type, metavar, names, default, bounds, relations,
 * section), escape roff, merge the prose sections in order and refuse one
 * they do not know; the completion must give each option's values by its
 * kind.  Nothing here knows xdpshake's real tables: a new option in any
 * table is documented and completed the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "doc.h"

struct probe_args {
	int color;
	const char *in, *dev, *word;
	uint32_t every_ms, num;
	bool quiet;
};

static const char *const colors[] = { "red", "green", NULL };

#define F(f, type) XS_FIELD(struct probe_args, f, type)
static const struct xs_opt probe_opts[] = {
	{ .name = "dev",
	  .short_name = 'i',
	  .type = XS_OPT_STRING,
	  .metavar = "IFACE",
	  .off = F(dev, const char *),
	  .help = "the interface" },
	{ .section = "Looks:",
	  .name = "color",
	  .type = XS_OPT_ENUM,
	  .names = colors,
	  .def = "red",
	  .off = XS_INT_FIELD(struct probe_args, color),
	  .help = "which color" },
	{ .name = "in",
	  .type = XS_OPT_STRING,
	  .metavar = "FILE",
	  .off = F(in, const char *),
	  .help = "read FILE" },
	{ .name = "every",
	  .short_name = 'w',
	  .type = XS_OPT_SEC,
	  .metavar = "SEC",
	  .optional_arg = true,
	  .def = "1",
	  .min = 1,
	  .max = 10,
	  .unit = "seconds",
	  .off = F(every_ms, uint32_t),
	  .help = "repeat" },
	{ .name = "quiet",
	  .type = XS_OPT_FLAG,
	  .conflicts = "every",
	  .off = F(quiet, bool),
	  .help = "say less" },
	{ .name = "word",
	  .type = XS_OPT_STRING,
	  .metavar = "W",
	  .off = F(word, const char *),
	  .help = "first line\n.dotted and a back\\slash. Next sentence" },
	{ .name = "num",
	  .type = XS_OPT_UINT,
	  .metavar = "N",
	  .requires = "color",
	  .off = F(num, uint32_t),
	  .help = "a number" },
	XS_ALIAS("adapter", 'e', "dev", "masscan"),
	{}
};
#undef F

static const struct xs_cmd probe_cmd = {
	.name = "probe",
	.synopsis = "Usage: xdpshake probe -i IFACE [--color red|green] X... [--at IP[/LEN]]\n",
	.desc = "Probes things.\n",
	.opts = probe_opts,
	.epilog = "Exit codes: 0 fine.\n",
};
static const struct xs_cmd *const probe_spec = &probe_cmd;

static const struct xs_opt top_opts[] = { {} };
static const struct xs_cmd top_cmd = {
	.name = "xdpshake",
	.synopsis = "Usage: xdpshake COMMAND\n",
	.desc = "The top.\n",
	.opts = top_opts,
};
static const struct xs_cmd_entry cmds[] = {
	{ "probe", NULL, &probe_spec, "probe things" },
	{ "help", NULL, NULL, "this text" },
	{ "__hidden", NULL, NULL, NULL },
};
static const struct xs_doc_item codes[] = { { "0", "fine" }, {} };
static const struct xs_doc doc = {
	.top = &top_cmd,
	.cmds = cmds,
	.n_cmds = 3,
	.exit_codes = codes,
};

/* The page as a string (free it), or NULL if the generator refused. */
static char *page(const char *name, const char *prose)
{
	FILE *p = prose ? fmemopen((void *)prose, strlen(prose), "r") : NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int err = xs_man_write(&doc, name, p, out);

	fclose(out);
	if (p)
		fclose(p);
	if (err) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void has(const char *text, const char *want)
{
	CHECK(text && strstr(text, want), "missing:\n%s", want);
}

static void test_man_options(void)
{
	char *m;

	TEST_BEGIN("doc_man_from_table");
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	m = page("xdpshake-probe", NULL);
	has(m, ".Dd January 1, 1970\n.Dt XDPSHAKE-PROBE 8\n.Os\n");
	has(m, ".Sh NAME\n.Nm xdpshake-probe\n.Nd probe things\n");
	has(m,
	    ".Nm xdpshake probe\n.Fl i Ar IFACE Oo Fl \\-color Cm red | Cm green Oc Ar X... Oo Fl \\-at Ar IP[/LEN] Oc\n");
	has(m, ".Sh DESCRIPTION\nProbes things.\n.Sh OPTIONS\n");
	has(m, ".It Fl i , Fl \\-dev Ar IFACE\nthe interface.\n");
	has(m, ".El\n.Ss Looks\n.Bl -tag -width Ds\n");
	has(m,
	    ".It Fl \\-color Cm red | Cm green\nwhich color.\nTakes red or green.\nDefault:\n.Cm red .\n");
	has(m,
	    ".It Fl w , Fl \\-every Op Ar SEC\nrepeat.\nTakes 1 to 10 seconds; the value is optional.\nWithout a value:\n.Cm 1 .\n");
	has(m, "say less.\nNot with\n.Fl \\-every .\n");
	has(m, "a number.\nTakes 0 to 4294967295.\nNeeds\n.Fl \\-color .\n");
	/* An alias: its names, its target's value, whose spelling. */
	has(m,
	    ".It Fl e , Fl \\-adapter Ar IFACE\nAlias of\n.Fl \\-dev\n(masscan).\n");
	/* roff: a line starting with '.', a backslash, a sentence per line. */
	has(m, "first line\n\\&.dotted and a back\\eslash.\nNext sentence.\n");
	has(m,
	    ".Ss Common options\n.Bl -tag -width Ds\n.It Fl j , Fl \\-json\n");
	has(m,
	    ".Sh EXIT STATUS\nExit codes: 0 fine.\n.Sh SEE ALSO\n.Xr xdpshake 8\n");
	CHECK(m && !strstr(m, "__hidden"), "a hidden command is documented");
	free(m);
	TEST_END();
}

static void test_man_prose(void)
{
	char *m;

	TEST_BEGIN("doc_man_prose_merged");
	m = page("xdpshake-probe",
		 "a comment line before any section\n"
		 ".Sh EXAMPLES\n.Bd -literal\nxdpshake probe -i lo\n.Ed\n"
		 ".Sh DESCRIPTION\nMore words.\n");
	has(m, "Probes things.\n.Pp\nMore words.\n.Sh OPTIONS\n");
	has(m,
	    ".Sh EXIT STATUS\nExit codes: 0 fine.\n.Sh EXAMPLES\n.Bd -literal\n");
	CHECK(m && !strstr(m, "a comment line"), "text before .Sh kept");
	free(m);
	m = page("xdpshake-probe", ".Sh WHATEVER\nx\n");
	CHECK(!m, "an unknown prose section was accepted");
	free(m);
	m = page("xdpshake-nosuch", NULL);
	CHECK(!m, "a page for no command was written");
	free(m);
	TEST_END();
}

static void test_man_top(void)
{
	char *m;

	TEST_BEGIN("doc_man_top_page");
	m = page("xdpshake", NULL);
	has(m,
	    ".Sh COMMANDS\n.Bl -tag -width Ds\n.It Cm probe\nprobe things.\nSee\n.Xr xdpshake-probe 8 .\n.It Cm help\nthis text.\n.El\n");
	has(m, ".Sh EXIT STATUS\n.Bl -tag -width Ds\n.It 0\nfine.\n.El\n");
	has(m, ".Sh SEE ALSO\n.Xr xdpshake-probe 8\n");
	free(m);
	TEST_END();
}

static void test_complete(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	TEST_BEGIN("doc_completion_from_table");
	xs_complete_bash(&doc, out);
	fclose(out);
	has(buf, "_xdpshake_cmds='probe help'\n");
	has(buf,
	    "\t\t-i|--dev) _xdpshake_reply \"$(_xdpshake_ifaces \"$4\")\" \"$3\" ;;\n");
	has(buf, "\t\t--color) _xdpshake_reply \"red green\" \"$3\" ;;\n");
	has(buf, "\t\t--in) compopt -o filenames");
	has(buf,
	    "\t\t-w|--every) [[ $3 == -* ]] && return 1; COMPREPLY=() ;;\n");
	has(buf, "\t\t--num) COMPREPLY=() ;;\n");
	has(buf,
	    "\t\t-e|--adapter) _xdpshake_reply \"$(_xdpshake_ifaces \"$4\")\" \"$3\" ;;\n");
	has(buf,
	    "\tprobe) echo \" -i --dev --color --in -w --every --quiet --word --num -e --adapter -j --json -v --verbose -h --help\" ;;\n");
	CHECK(buf && !strstr(buf, "--quiet)"), "a flag takes a value");
	CHECK(buf && !strstr(buf, "__hidden"), "a hidden command completes");
	free(buf);
	TEST_END();
}

int main(void)
{
	test_man_options();
	test_man_prose();
	test_man_top();
	test_complete();
	return TEST_EXIT();
}
