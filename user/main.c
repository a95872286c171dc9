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
#include "output.h"

#define XS_VERSION "0.1.0"

static const char usage[] =
	"Usage: xdpshake [-v] [--json] COMMAND [ARGS...]\n"
	"\n"
	"TCP handshakes beside the kernel: an XDP program hands SYN-ACKs for our\n"
	"source IP and port range to an AF_XDP socket, userspace builds every\n"
	"frame, a TC egress program drops the kernel's RSTs for our ports.\n"
	"\n"
	"Commands:\n"
	"  load     attach the XDP filter and TC guard to an interface, pinned\n"
	"  unload   detach them and remove every pin\n"
	"  status   what is loaded where, config and counters\n"
	"  connect  one TCP handshake with a server, packet by packet\n"
	"  scan     handshakes over address blocks and port lists\n"
	"  monitor  print every TCP frame an interface sees, in the seed's\n"
	"           sniffer format (or JSON, or a pcap file)\n"
	"  help     this text; 'xdpshake help COMMAND' (or 'xdpshake COMMAND -h')\n"
	"           for a command's options\n"
	"  version  print the version\n"
	"\n"
	"Exit codes:\n"
	"  0  done (connect: handshake established)\n"
	"  1  usage or configuration error (bad address, unknown interface or\n"
	"     namespace, port out of range, already loaded...)\n"
	"  2  connect: refused, the server answered RST\n"
	"  3  connect: no answer after the retries (or no ARP answer)\n"
	"  4  environment error: not root, bpffs missing, BPF load/attach failed\n"
	"  6  results could not be written (output, pcap or state file, or\n"
	"     standard output: a write, flush or close failed)\n"
	"  130  interrupted by SIGINT/SIGTERM/SIGHUP (connect: before a result;\n"
	"       scan, connect --count: stopped early)\n";

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static const struct cmd *find_cmd(const char *name);

/* "help" alone: the list of commands; "help CMD": CMD's options. */
static int do_help(int argc, char **argv)
{
	char *h[] = { NULL, "-h", NULL };
	const struct cmd *c;

	if (argc < 2) {
		fputs(usage, stdout);
		return XS_EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return XS_EXIT_USAGE;
	if (c->fn == do_help)
		return do_help(1, argv);
	h[0] = argv[1];
	return c->fn(2, h);
}

static int do_version(int argc, char **argv)
{
	printf("xdpshake %s\n", XS_VERSION);
	return XS_EXIT_OK;
}

static const struct cmd cmds[] = {
	{ "load", do_load },	 { "unload", do_unload },
	{ "status", do_status }, { "connect", do_connect },
	{ "scan", do_scan },	 { "monitor", do_monitor },
	{ "help", do_help },	 { "version", do_version },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* Levenshtein distance, for "did you mean"; names are short. */
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

static int unknown_cmd(const char *name)
{
	size_t i, best = SIZE_MAX, d;
	const char *near = NULL;

	for (i = 0; i < NCMDS; i++) {
		d = distance(name, cmds[i].name);
		if (d < best) {
			best = d;
			near = cmds[i].name;
		}
	}
	/* Near enough to be a typo: at most 2 edits, fewer than the name. */
	if (near && best <= 2 && best < strlen(name))
		return xs_err(
			XS_EXIT_USAGE,
			"unknown command '%s': did you mean '%s'? (see 'xdpshake help')",
			name, near);
	return xs_err(XS_EXIT_USAGE,
		      "unknown command '%s': see 'xdpshake help'", name);
}

/* The command named, or a unique prefix of it; NULL after an error. */
static const struct cmd *find_cmd(const char *name)
{
	const struct cmd *found = NULL;
	size_t i, n = strlen(name);

	if (!n) {
		xs_err(XS_EXIT_USAGE, "missing command: see 'xdpshake help'");
		return NULL;
	}
	for (i = 0; i < NCMDS; i++) {
		if (strncmp(cmds[i].name, name, n))
			continue;
		if (strlen(cmds[i].name) == n)
			return &cmds[i];
		if (found) {
			xs_err(XS_EXIT_USAGE,
			       "'%s' is ambiguous: say more of the command",
			       name);
			return NULL;
		}
		found = &cmds[i];
	}
	if (!found)
		unknown_cmd(name);
	return found;
}

int main(int argc, char **argv)
{
	const struct cmd *found;
	int argi = 1;

	/* Global options before the command (also accepted after it). */
	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (!strcmp(argv[argi], "-v") ||
		    !strcmp(argv[argi], "--verbose")) {
			xs_verbose = true;
		} else if (!strcmp(argv[argi], "-j") ||
			   !strcmp(argv[argi], "--json")) {
			xs_json = true;
		} else if (!strcmp(argv[argi], "-h") ||
			   !strcmp(argv[argi], "--help")) {
			return xs_close_stdout(do_help(0, NULL));
		} else if (!strcmp(argv[argi], "-V") ||
			   !strcmp(argv[argi], "--version")) {
			return xs_close_stdout(do_version(0, NULL));
		} else {
			fputs(usage, stderr);
			return xs_err(XS_EXIT_USAGE, "unknown option '%s'",
				      argv[argi]);
		}
	}
	if (argi >= argc) {
		fputs(usage, stderr);
		return XS_EXIT_USAGE;
	}
	xs_setup_libbpf();
	found = find_cmd(argv[argi]);
	if (!found)
		return XS_EXIT_USAGE;
	return xs_close_stdout(found->fn(argc - argi, argv + argi));
}
