/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Man pages and shell completion, generated from the same option tables
 * that parse the command line and print -h (opts.h), so that the three
 * never disagree.  The generators walk the tables generically: an option
 * added to a table appears in its command's -h, man page and completion.
 *
 * Hidden commands of the binary run them (the Makefile calls them at build
 * time; nothing generated is committed):
 *   xdpshake __man --list             the page names, one a line
 *   xdpshake __man PAGE [PROSE]       one page (mdoc) on stdout
 *   xdpshake __man --dir OUT DOCDIR   every page, into OUT/PAGE.8
 *   xdpshake __complete bash          the bash completion script
 * PROSE (doc/PAGE.mdoc) holds hand-written mdoc sections (.Sh DESCRIPTION,
 * EXIT STATUS, EXAMPLES, ...) merged into the generated page.
 */
#ifndef XS_DOC_H
#define XS_DOC_H

#include <stddef.h>
#include <stdio.h>

#include "opts.h"

/* A tag and its text, for lists: exit codes. */
struct xs_doc_item {
	const char *tag;
	const char *text; /* '\n' starts a continuation line */
};

/* One entry of the command dispatch table. */
struct xs_cmd_entry {
	const char *name;
	int (*fn)(int argc, char **argv);
	const struct xs_cmd *const *spec; /* its option table; NULL: none */
	const char *summary; /* for lists; NULL: hidden command */
};

/* Everything the generators document. */
struct xs_doc {
	const struct xs_cmd *top; /* xdpshake's own options, synopsis */
	const struct xs_cmd_entry *cmds;
	size_t n_cmds;
	const struct xs_doc_item *exit_codes; /* ends with tag NULL */
};

/* The tag/text list as -h prints it: "  TAG  text", aligned at width. */
void xs_doc_list(const struct xs_doc_item *items, int width, FILE *f);

/* The top-level usage: synopsis, options, commands, exit codes. */
void xs_doc_usage(const struct xs_doc *d, FILE *f);

/*
 * One man page in mdoc: "xdpshake" or "xdpshake-CMD".  prose may be NULL.
 * Returns 0, or -EINVAL (message on stderr) for an unknown page or a
 * prose section the generator does not know where to put.
 */
int xs_man_write(const struct xs_doc *d, const char *page, FILE *prose,
		 FILE *out);

/* The bash completion script for every command of d. */
void xs_complete_bash(const struct xs_doc *d, FILE *out);

/* The hidden commands' entry points (argv[0] is the command). */
int xs_doc_man_main(const struct xs_doc *d, int argc, char **argv);
int xs_doc_complete_main(const struct xs_doc *d, int argc, char **argv);

#endif /* XS_DOC_H */
