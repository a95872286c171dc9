// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xdpshake: TCP handshakes beside the kernel, over XDP and AF_XDP.
 * Subcommand dispatch, bpftool style: `xdpshake [OPTIONS] COMMAND ...`,
 * commands may be abbreviated to a unique prefix.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "doc.h"
#include "output.h"
#include "version.h"

static const struct xs_opt top_opts[] = {
	{ .name = "version",
	  .short_name = 'V',
	  .type = XS_OPT_FLAG,
	  .help = "print the version, the git commit and the libbpf\nand libxdp versions, and exit" },
	{}
};

static const struct xs_cmd top_cmd = {
	.name = "xdpshake",
	.synopsis = "Usage: xdpshake [-v] [--json] COMMAND [ARGS...]\n",
	.desc = "TCP handshakes beside the kernel: an XDP program hands SYN-ACKs for our\n"
		"source IP and port range to an AF_XDP socket, userspace builds every\n"
		"frame, a TC egress program drops the kernel's RSTs for our ports.\n",
	.opts = top_opts,
};

static const struct xs_doc_item exit_codes[] = {
	{ "0", "done (connect: handshake established)" },
	{ "1",
	  "usage or configuration error (bad address, unknown interface or\n"
	  "namespace, port out of range, already loaded...)" },
	{ "2", "connect: refused, the server answered RST" },
	{ "3", "connect: no answer after the retries (or no ARP answer)" },
	{ "4",
	  "environment error: not root, bpffs missing, BPF load/attach failed" },
	{ "5", "connect --count: not all N handshakes established" },
	{ "6", "results could not be written (output, pcap or state file, or\n"
	       "standard output: a write, flush or close failed)" },
	{ "130",
	  "interrupted by SIGINT/SIGTERM/SIGHUP (connect: before a result;\n"
	  "scan, connect --count: stopped early)" },
	{}
};

static const struct xs_doc doc;
static const struct xs_cmd_entry *find_cmd(const char *word, int *err);

/* "help" alone: the list of commands; "help CMD": CMD's options. */
static int do_help(int argc, char **argv)
{
	const struct xs_cmd_entry *c;
	char *h[] = { NULL, "-h", NULL };
	int err;

	if (argc < 2 || !argv[1]) {
		xs_doc_usage(&doc, stdout);
		return XS_EXIT_OK;
	}
	c = find_cmd(argv[1], &err);
	if (!c)
		return err;
	if (!c->spec) /* help, version: the list says what they do */
		return do_help(1, argv);
	h[0] = argv[1];
	return c->fn(2, h);
}

static int do_version(int argc, char **argv)
{
	xs_version_print(stdout);
	return XS_EXIT_OK;
}

static int do_man(int argc, char **argv)
{
	return xs_doc_man_main(&doc, argc, argv);
}

static int do_complete(int argc, char **argv)
{
	return xs_doc_complete_main(&doc, argc, argv);
}

static const struct xs_cmd_entry cmds[] = {
	{ "load", do_load, &xs_cmd_load,
	  "attach the XDP filter and TC guard to an interface, pinned" },
	{ "unload", do_unload, &xs_cmd_unload,
	  "detach them and remove every pin" },
	{ "status", do_status, &xs_cmd_status,
	  "what is loaded where, config and counters" },
	{ "connect", do_connect, &xs_cmd_connect,
	  "one TCP handshake with a server, packet by packet" },
	{ "scan", do_scan, &xs_cmd_scan,
	  "handshakes over address blocks and port lists" },
	{ "monitor", do_monitor, &xs_cmd_monitor,
	  "print every TCP frame an interface sees, in the tutorial log\n"
	  "format (or JSON, or a pcap file): the log format of the\n"
	  "tutorial xdpshake grew out of (Python raw sockets)" },
	{ "listen", do_listen, &xs_cmd_listen,
	  "answer SYNs to ports with SYN cookies in XDP, count the\n"
	  "completed handshakes (the far end of a load test)" },
	{ "help", do_help, NULL,
	  "this text; 'xdpshake help COMMAND' (or 'xdpshake\n"
	  "COMMAND -h') for a command's options" },
	{ "version", do_version, NULL,
	  "the version, git commit, libbpf and libxdp versions" },
	/* Hidden: the build's man page and completion generators. */
	{ "__man", do_man, NULL, NULL },
	{ "__complete", do_complete, NULL, NULL },
};

static const struct xs_doc doc = {
	.top = &top_cmd,
	.cmds = cmds,
	.n_cmds = sizeof(cmds) / sizeof(cmds[0]),
	.exit_codes = exit_codes,
};

/* A global option before the command: -1 to go on, or an exit code. */
static int global_opt(const char *arg)
{
	if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose")) {
		xs_verbose = true;
	} else if (!strcmp(arg, "-j") || !strcmp(arg, "--json")) {
		xs_json = true;
	} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
		return xs_close_stdout(do_help(0, NULL));
	} else if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
		return xs_close_stdout(do_version(0, NULL));
	} else {
		xs_doc_usage(&doc, stderr);
		return xs_err(XS_EXIT_USAGE, "unknown option '%s'", arg);
	}
	return -1;
}

/* Levenshtein distance, for "did you mean"; command names are short. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[32], prev, tmp;

	if (la >= sizeof(d) || lb >= sizeof(d))
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = d[j];
			d[j] = prev + (a[i - 1] != b[j - 1]);
			if (d[j - 1] + 1 < d[j])
				d[j] = d[j - 1] + 1;
			if (tmp + 1 < d[j])
				d[j] = tmp + 1;
			prev = tmp;
		}
	}
	return d[lb];
}

/* An unknown command: the nearest listed one, if it is near enough to be
 * a typo (at most 2 edits, fewer than the word has letters). */
static int unknown_cmd(const char *word)
{
	size_t i, best = SIZE_MAX, d;
	const char *near = NULL;

	for (i = 0; i < doc.n_cmds; i++) {
		if (!cmds[i].summary)
			continue;
		d = distance(word, cmds[i].name);
		if (d < best) {
			best = d;
			near = cmds[i].name;
		}
	}
	if (near && best <= 2 && best < strlen(word))
		return xs_err(
			XS_EXIT_USAGE,
			"unknown command '%s': did you mean '%s'? (see 'xdpshake help')",
			word, near);
	return xs_err(XS_EXIT_USAGE,
		      "unknown command '%s': see 'xdpshake help'", word);
}

/* The command named by a unique prefix (hidden ones only in full). */
static const struct xs_cmd_entry *find_cmd(const char *word, int *err)
{
	const struct xs_cmd_entry *found = NULL;
	size_t i, n = strlen(word);

	*err = 0;
	if (!n) {
		*err = xs_err(XS_EXIT_USAGE,
			      "missing command: see 'xdpshake help'");
		return NULL;
	}
	for (i = 0; i < doc.n_cmds; i++) {
		if (strncmp(cmds[i].name, word, n))
			continue;
		if (strlen(cmds[i].name) == n)
			return &cmds[i];
		if (!cmds[i].summary)
			continue;
		if (found) {
			*err = xs_err(
				XS_EXIT_USAGE,
				"'%s' is ambiguous: say more of the command",
				word);
			return NULL;
		}
		found = &cmds[i];
	}
	if (!found)
		*err = unknown_cmd(word);
	return found;
}

int main(int argc, char **argv)
{
	const struct xs_cmd_entry *found;
	int argi = 1, err;

	/* Global options before the command (also accepted after it). */
	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		err = global_opt(argv[argi]);
		if (err >= 0)
			return err;
	}
	if (argi >= argc) {
		xs_doc_usage(&doc, stderr);
		return XS_EXIT_USAGE;
	}
	xs_setup_libbpf();
	found = find_cmd(argv[argi], &err);
	if (!found)
		return err;
	return xs_close_stdout(found->fn(argc - argi, argv + argi));
}
