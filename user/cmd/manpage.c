// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Man pages in mdoc(7), generated from the option tables (doc.h).
 *
 * The generated parts: NAME (the command list's summary), SYNOPSIS (the
 * table's synopsis line, turned into Fl/Ar/Op macros), DESCRIPTION's first
 * paragraph (the table's description), OPTIONS (every entry of the table,
 * under its section headings, with what the value may be, the default and
 * the options it needs or excludes, then the common -j -v -h), COMMANDS and
 * EXIT STATUS of xdpshake(8) (the dispatch table and exit code list), EXIT
 * STATUS of a command (its -h epilog), SEE ALSO.  Hand-written sections come
 * from doc/PAGE.mdoc, split at its .Sh lines: a section of a name the
 * generator also writes is appended to it, any other known one is placed
 * in the conventional order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc.h"

#define PROSE_MAX 12

struct prose {
	char *name[PROSE_MAX]; /* "EXAMPLES" */
	char *body[PROSE_MAX]; /* the lines after .Sh, as they are */
	int n;
};

/* Page order after SYNOPSIS; "" marks where generated-only ones go. */
static const char *const order[] = {
	"DESCRIPTION", "OPTIONS",     "COMMANDS", "ENVIRONMENT",
	"FILES",       "EXIT STATUS", "EXAMPLES", "SEE ALSO",
	"NOTES",       "BUGS",	      NULL,
};

static int known_section(const char *name)
{
	int i;

	for (i = 0; order[i]; i++)
		if (!strcmp(order[i], name))
			return 1;
	return 0;
}

static void prose_free(struct prose *p)
{
	while (p->n-- > 0) {
		free(p->name[p->n]);
		free(p->body[p->n]);
	}
}

/* Append line to the last section's body. */
static int prose_add(struct prose *p, const char *line)
{
	size_t old = p->body[p->n - 1] ? strlen(p->body[p->n - 1]) : 0;
	char *b = realloc(p->body[p->n - 1], old + strlen(line) + 1);

	if (!b)
		return -ENOMEM;
	strcpy(b + old, line);
	p->body[p->n - 1] = b;
	return 0;
}

/* Split prose at .Sh lines; text before the first .Sh is a comment. */
static int prose_read(FILE *f, struct prose *p, const char *page)
{
	char line[1024];

	p->n = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, ".Sh ", 4)) {
			line[strcspn(line, "\n")] = '\0';
			if (!known_section(line + 4) || p->n == PROSE_MAX) {
				fprintf(stderr,
					"%s: prose section '%s' has no place in the page\n",
					page, line + 4);
				return -EINVAL;
			}
			p->body[p->n] = NULL;
			p->name[p->n] = strdup(line + 4);
			if (!p->name[p->n++])
				return -ENOMEM;
		} else if (p->n && prose_add(p, line)) {
			return -ENOMEM;
		}
	}
	return 0;
}

static const char *prose_get(const struct prose *p, const char *name)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->name[i], name))
			return p->body[i] ?: "";
	return NULL;
}

/*
 * Text as roff text lines: a backslash is \e, a line that would start with
 * a control character gets \& first, '\n' in table text ends a line, an
 * empty line is a paragraph break, and a sentence ends its line (mdoc's
 * "new sentence, new line", which gives the double space after a period).
 */
static void text_end(const char *s, const char *end, FILE *f)
{
	int bol = 1;

	for (; *s; s++) {
		if (bol && *s == '\n') {
			fputs(".Pp\n", f);
			continue;
		}
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		bol = 0;
		if (*s == '\\') {
			fputs("\\e", f);
		} else if (strchr(".?!", *s) && s[1] == ' ' && s[2] != ' ') {
			fprintf(f, "%c\n", *s++);
			bol = 1;
		} else {
			fputc(*s, f);
			bol = *s == '\n';
		}
	}
	if (!bol)
		fprintf(f, "%s\n", end);
}

static void text(const char *s, FILE *f)
{
	text_end(s, "", f);
}

/* A phrase from a table (no final period) as a sentence. */
static void sentence(const char *s, FILE *f)
{
	size_t n = strlen(s);

	text_end(s, n && !strchr(".?!", s[n - 1]) ? "." : "", f);
}

/* A word as a macro argument: '-' escaped so it stays a hyphen-minus. */
static void word(const char *s, size_t n, FILE *f)
{
	for (; n--; s++) {
		if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\\')
			fputs("\\e", f);
		else
			fputc(*s, f);
	}
}

/* The ]s that end a token and close brackets opened before it: those
 * inside it stay part of it (IP[/LEN]). */
static size_t syn_closing(const char *t, size_t n)
{
	size_t opens = 0, trail = 0, i;

	for (i = 0; i < n; i++)
		opens += t[i] == '[';
	while (trail < n && t[n - 1 - trail] == ']')
		trail++;
	return trail > opens ? trail - opens : 0;
}

/* One synopsis token: [ and ] become Oo/Oc, -x Fl, a|b Cm, else Ar. */
static void syn_token(const char *t, size_t n, FILE *f)
{
	const char *bar;

	if (n == 1 && *t == '|') { /* between alternatives: [-a X | -b] */
		fputs(" |", f);
		return;
	}
	if (n > 3 && *t == '[' && memmem(t, n, "]:", 2)) { /* [ADDR6]:PORT */
		fputs(" Ar ", f);
		word(t, n, f);
		return;
	}
	for (; n && *t == '['; t++, n--)
		fputs(" Oo", f);
	n -= syn_closing(t, n);
	if (n && *t == '-') {
		fputs(" Fl ", f);
		word(t + 1, n - 1, f);
	} else if (n && (bar = memchr(t, '|', n))) {
		while ((bar = memchr(t, '|', n))) {
			fputs(" Cm ", f);
			word(t, bar - t, f);
			fputs(" |", f);
			n -= bar + 1 - t;
			t = bar + 1;
		}
		fputs(" Cm ", f);
		word(t, n, f);
	} else if (n) {
		fputs(" Ar ", f);
		word(t, n, f);
	}
	for (; t[n] == ']'; n++)
		fputs(" Oc", f);
}

/* One synopsis line without its first `skip` words, as one line of macros
 * (each token writes " Macro arg"; the line starts with '.').  Returns the
 * end of the line. */
static const char *syn_line(const char *s, int skip, FILE *f)
{
	const char *end = s + strcspn(s, "\n"), *e;
	size_t len = 0;
	char *line = NULL;
	FILE *m = open_memstream(&line, &len);

	for (; m && s < end; s = e) {
		s += strspn(s, " \t");
		if (s >= end)
			break;
		e = s + strcspn(s, " \t\n");
		if (skip) {
			skip--;
			continue;
		}
		syn_token(s, e - s, m);
	}
	if (m && !fclose(m) && len)
		fprintf(f, ".%s\n", line + 1);
	free(line);
	return *end ? end + 1 : end;
}

/* "Usage: xdpshake CMD tokens...", and more forms on the lines after it
 * ("       xdpshake CMD tokens..."): an .Nm line and its macros each. */
static void synopsis(const struct xs_cmd *cmd, const char *cmdname, FILE *f)
{
	const char *s = cmd->synopsis;
	int words = cmdname ? 2 : 1; /* "xdpshake", CMD */
	bool first = true;

	fprintf(f, ".Sh SYNOPSIS\n");
	while (*s) {
		s += strspn(s, " \t\n");
		if (!*s)
			break;
		fprintf(f, ".Nm xdpshake%s%s\n", cmdname ? " " : "",
			cmdname ?: "");
		s = syn_line(s, words + first, f);
		first = false;
	}
}

/* What the value may be, where the type says more than the help. */
static void value_note(const struct xs_opt *o, FILE *f)
{
	char what[256];

	switch (o->type) {
	case XS_OPT_FLAG:
	case XS_OPT_SET:
	case XS_OPT_CALL:
	case XS_OPT_STRING:
		return;
	default:
		xs_opt_describe(o, what, sizeof(what));
		fprintf(f, "Takes %s", what);
		if (o->optional_arg)
			fputs("; the value is optional", f);
		fputs(".\n", f);
	}
}

static void relation(const char *label, const char *list, FILE *f)
{
	const char *p = list, *e;

	if (!list)
		return;
	fprintf(f, "%s\n", label);
	for (; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, ',');
		fputs(".Fl ", f);
		word("-", 1, f);
		word(p, e ? (size_t)(e - p) : strlen(p), f);
		fputs(e ? " ,\n" : " .\n", f);
	}
}

/* The names of a (an alias, or o itself), the value of o. */
static void option_head(const struct xs_opt *a, const struct xs_opt *o, FILE *f)
{
	size_t i;

	fputs(".It", f);
	if (a->short_name && !a->single_dash)
		fprintf(f, " Fl %c ,", a->short_name);
	fputs(" Fl ", f);
	/* "Fl oX" is -oX (nmap's spelling), "Fl \-name" --name */
	if (!a->single_dash)
		word("-", 1, f);
	word(a->name, strlen(a->name), f);
	if (o->optional_arg)
		fputs(" Op", f);
	if (o->metavar) {
		fputs(" Ar ", f);
		word(o->metavar, strlen(o->metavar), f);
	} else if (o->type == XS_OPT_ENUM) {
		for (i = 0; o->names[i]; i++) {
			fputs(i ? " | Cm " : " Cm ", f);
			word(o->names[i], strlen(o->names[i]), f);
		}
	}
	fputc('\n', f);
}

/* Another tool's spelling of t (opts.h's alias_of): said as such. */
static void alias(const struct xs_opt *a, const struct xs_opt *t, FILE *f)
{
	option_head(a, t, f);
	fputs(a->deprecated ? "Deprecated spelling of\n" : "Alias of\n", f);
	fputs(".Fl ", f);
	word("-", 1, f);
	word(t->name, strlen(t->name), f);
	if (a->deprecated)
		fputs(" :\n", f);
	else if (a->peer)
		fprintf(f, "\n(%s).\n", a->peer);
	else
		fputs(" .\n", f);
	if (a->deprecated)
		sentence(a->help ?: "", f);
}

static void option(const struct xs_opt *o, FILE *f)
{
	option_head(o, o, f);
	sentence(o->help ?: "", f);
	value_note(o, f);
	if (o->def && !o->optional_arg)
		fprintf(f, "Default:\n.Cm %s .\n", o->def);
	else if (o->def)
		fprintf(f, "Without a value:\n.Cm %s .\n", o->def);
	relation("Needs", o->requires, f);
	relation("Not with", o->conflicts, f);
}

/* A section heading without its colon. */
static void subsection(const char *s, FILE *f)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == ':')
		n--;
	fprintf(f, ".Ss %.*s\n", (int)n, s);
}

static void options(const struct xs_cmd *cmd, FILE *f)
{
	const struct xs_opt *o;
	int open = 0, sections = 0;

	for (o = cmd->opts; o->name; o++) {
		if (o->section) {
			if (open)
				fputs(".El\n", f);
			subsection(o->section, f);
			open = 0;
			sections = 1;
		}
		if (!open)
			fputs(".Bl -tag -width Ds\n", f);
		open = 1;
		if (o->alias_of && xs_opt_target(cmd, o))
			alias(o, xs_opt_target(cmd, o), f);
		else
			option(o, f);
	}
	if (open)
		fputs(".El\n", f);
	/* Under a heading of their own if the others have headings. */
	if (sections)
		subsection("Common options", f);
	fputs(".Bl -tag -width Ds\n", f);
	for (o = xs_opts_common; o->name; o++)
		option(o, f);
	fputs(".El\n", f);
}

/* .Dd from SOURCE_DATE_EPOCH (reproducible builds), else today. */
static void date(FILE *f)
{
	static const char *const months[] = {
		"January",   "February", "March",    "April",
		"May",	     "June",	 "July",     "August",
		"September", "October",	 "November", "December",
	};
	const char *env = getenv("SOURCE_DATE_EPOCH");
	time_t t = env ? (time_t)strtoll(env, NULL, 10) : time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	fprintf(f, ".Dd %s %d, %d\n", months[tm.tm_mon], tm.tm_mday,
		tm.tm_year + 1900);
}

static void header(const char *page, const char *summary, FILE *f)
{
	const char *s;

	fprintf(f,
		".\\\" Generated by 'xdpshake __man %s' from the option tables\n"
		".\\\" and doc/%s.mdoc: edit those, not this file.\n",
		page, page);
	date(f);
	fputs(".Dt ", f);
	for (s = page; *s; s++)
		fputc(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s, f);
	fprintf(f, " 8\n.Os\n.Sh NAME\n.Nm %s\n.Nd ", page);
	for (s = summary; *s; s++)
		fputc(*s == '\n' ? ' ' : *s, f);
	fputc('\n', f);
}

static void commands(const struct xs_doc *d, FILE *f)
{
	const struct xs_cmd_entry *c;

	fputs(".Bl -tag -width Ds\n", f);
	for (c = d->cmds; c < d->cmds + d->n_cmds; c++) {
		if (!c->summary)
			continue;
		fprintf(f, ".It Cm %s\n", c->name);
		sentence(c->summary, f);
		if (c->spec)
			fprintf(f, "See\n.Xr xdpshake-%s 8 .\n", c->name);
	}
	fputs(".El\n", f);
}

static void exit_status(const struct xs_doc *d, const struct xs_cmd *cmd,
			FILE *f)
{
	const struct xs_doc_item *e;

	if (cmd != d->top) {
		if (cmd->epilog)
			text(cmd->epilog, f);
		else
			fputs("The exit codes of\n.Xr xdpshake 8 .\n", f);
		return;
	}
	fputs(".Bl -tag -width Ds\n", f);
	for (e = d->exit_codes; e->tag; e++) {
		fprintf(f, ".It %s\n", e->tag);
		sentence(e->text, f);
	}
	fputs(".El\n", f);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The other pages, sorted as mdoc wants its .Xr list. */
static void see_also(const struct xs_doc *d, const char *page, FILE *f)
{
	const char *names[64];
	char buf[64][64];
	size_t i, n = 0;

	if (strcmp(page, "xdpshake"))
		names[n++] = "xdpshake";
	for (i = 0; i < d->n_cmds && n < 64; i++) {
		snprintf(buf[n], sizeof(buf[n]), "xdpshake-%s",
			 d->cmds[i].name);
		if (!d->cmds[i].spec || !strcmp(buf[n], page))
			continue;
		names[n] = buf[n];
		n++;
	}
	qsort(names, n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++)
		fprintf(f, ".Xr %s 8%s\n", names[i], i + 1 < n ? " ," : "");
}

/* Whether the generator writes something under that heading. */
static int has_generated(const struct xs_doc *d, const struct xs_cmd *cmd,
			 const char *name)
{
	if (!strcmp(name, "DESCRIPTION"))
		return cmd->desc != NULL;
	if (!strcmp(name, "COMMANDS"))
		return cmd == d->top;
	return !strcmp(name, "OPTIONS") || !strcmp(name, "EXIT STATUS") ||
	       !strcmp(name, "SEE ALSO");
}

static void generated(const struct xs_doc *d, const struct xs_cmd *cmd,
		      const char *page, const char *name, FILE *f)
{
	if (!strcmp(name, "DESCRIPTION"))
		text(cmd->desc, f);
	else if (!strcmp(name, "OPTIONS"))
		options(cmd, f);
	else if (!strcmp(name, "COMMANDS"))
		commands(d, f);
	else if (!strcmp(name, "EXIT STATUS"))
		exit_status(d, cmd, f);
	else if (!strcmp(name, "SEE ALSO"))
		see_also(d, page, f);
}

static const struct xs_cmd *page_cmd(const struct xs_doc *d, const char *page,
				     const char **cmdname, const char **summary)
{
	const struct xs_cmd_entry *c;

	*cmdname = NULL;
	*summary = "TCP handshakes beside the kernel, over XDP and AF_XDP";
	if (!strcmp(page, "xdpshake"))
		return d->top;
	for (c = d->cmds; c < d->cmds + d->n_cmds; c++) {
		if (c->spec && !strncmp(page, "xdpshake-", 9) &&
		    !strcmp(page + 9, c->name)) {
			*cmdname = c->name;
			*summary = c->summary;
			return *c->spec;
		}
	}
	return NULL;
}

/* Each section in order: the generated part, then the prose. */
static void sections(const struct xs_doc *d, const struct xs_cmd *cmd,
		     const char *page, const struct prose *p, FILE *f)
{
	const char *body;
	int i, gen;

	for (i = 0; order[i]; i++) {
		body = prose_get(p, order[i]);
		gen = has_generated(d, cmd, order[i]);
		if (!gen && !body)
			continue;
		fprintf(f, ".Sh %s\n", order[i]);
		if (gen)
			generated(d, cmd, page, order[i], f);
		if (!body)
			continue;
		if (gen && strncmp(body, ".Ss ", 4) && strncmp(body, ".Pp", 3))
			fputs(".Pp\n", f);
		fputs(body, f);
	}
}

int xs_man_write(const struct xs_doc *d, const char *page, FILE *prose,
		 FILE *out)
{
	const char *cmdname, *summary;
	const struct xs_cmd *cmd = page_cmd(d, page, &cmdname, &summary);
	struct prose p;
	int err;

	if (!cmd) {
		fprintf(stderr,
			"no man page '%s': see 'xdpshake __man --list'\n",
			page);
		return -EINVAL;
	}
	err = prose_read(prose, &p, page);
	if (!err) {
		header(page, summary, out);
		synopsis(cmd, cmdname, out);
		sections(d, cmd, page, &p, out);
	}
	prose_free(&p);
	return err;
}
