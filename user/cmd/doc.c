// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The top-level usage, and the hidden commands that run the man page and
 * completion generators at build time (doc.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "doc.h"

/* "  TAG  text", continuation lines under the text. */
static void print_item(const char *tag, const char *text, int width, FILE *f)
{
	int col = fprintf(f, "  %-*s", width, tag);

	for (; *text; text++) {
		fputc(*text, f);
		if (*text == '\n')
			fprintf(f, "%*s", col, "");
	}
	fputc('\n', f);
}

void xs_doc_list(const struct xs_doc_item *items, int width, FILE *f)
{
	for (; items->tag; items++)
		print_item(items->tag, items->text,
			   width ?: (int)strlen(items->tag) + 2, f);
}

void xs_doc_usage(const struct xs_doc *d, FILE *f)
{
	int width = 0;
	size_t i;

	for (i = 0; i < d->n_cmds; i++)
		if (d->cmds[i].summary && (int)strlen(d->cmds[i].name) > width)
			width = strlen(d->cmds[i].name);
	xs_opts_usage(d->top, f);
	fputs("\nCommands:\n", f);
	for (i = 0; i < d->n_cmds; i++)
		if (d->cmds[i].summary)
			print_item(d->cmds[i].name, d->cmds[i].summary,
				   width + 2, f);
	fputs("\nExit codes:\n", f);
	xs_doc_list(d->exit_codes, 0, f);
}

/* "xdpshake", then "xdpshake-CMD" for each command with options. */
static const char *page_name(const struct xs_doc *d, size_t i, char *buf,
			     size_t len)
{
	if (!i)
		return "xdpshake";
	if (!d->cmds[i - 1].spec)
		return NULL;
	snprintf(buf, len, "xdpshake-%s", d->cmds[i - 1].name);
	return buf;
}

/* Write page (with DOCDIR/page.mdoc, if there is one) to DIR/page.8. */
static int write_page(const struct xs_doc *d, const char *page, const char *dir,
		      const char *docdir)
{
	char path[512];
	FILE *prose, *out;
	int err;

	snprintf(path, sizeof(path), "%s/%s.mdoc", docdir, page);
	prose = fopen(path, "r");
	if (!prose && errno != ENOENT)
		return xs_err(XS_EXIT_WRITE, "%s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s.8", dir, page);
	out = fopen(path, "w");
	if (!out) {
		if (prose)
			fclose(prose);
		return xs_err(XS_EXIT_WRITE, "%s: %s", path, strerror(errno));
	}
	err = xs_man_write(d, page, prose, out);
	if (prose)
		fclose(prose);
	if (fclose(out) && !err)
		return xs_err(XS_EXIT_WRITE, "%s: %s", path, strerror(errno));
	return err ? XS_EXIT_USAGE : XS_EXIT_OK;
}

int xs_doc_man_main(const struct xs_doc *d, int argc, char **argv)
{
	const char *page;
	char buf[64];
	FILE *prose = NULL;
	size_t i;
	int err = 0;

	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; i <= d->n_cmds; i++)
			if ((page = page_name(d, i, buf, sizeof(buf))))
				printf("%s\n", page);
		return XS_EXIT_OK;
	}
	if (argc == 4 && !strcmp(argv[1], "--dir")) {
		for (i = 0; i <= d->n_cmds && !err; i++)
			if ((page = page_name(d, i, buf, sizeof(buf))))
				err = write_page(d, page, argv[2], argv[3]);
		return err;
	}
	if (argc != 2 && argc != 3)
		return xs_err(
			XS_EXIT_USAGE,
			"usage: xdpshake __man --list | PAGE [PROSE] | --dir OUT DOCDIR");
	if (argc == 3 && !(prose = fopen(argv[2], "r")))
		return xs_err(XS_EXIT_USAGE, "%s: %s", argv[2],
			      strerror(errno));
	err = xs_man_write(d, argv[1], prose, stdout);
	if (prose)
		fclose(prose);
	return err ? XS_EXIT_USAGE : XS_EXIT_OK;
}

int xs_doc_complete_main(const struct xs_doc *d, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "bash"))
		return xs_err(XS_EXIT_USAGE, "usage: xdpshake __complete bash");
	xs_complete_bash(d, stdout);
	return XS_EXIT_OK;
}
