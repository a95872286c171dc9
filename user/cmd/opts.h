/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One declarative option table per command (in the spirit of xdp-tools'
 * lib/util/params.h): each entry names an option, its value type, bounds,
 * default, help text, and the options it conflicts with or requires.  From
 * the table come getopt_long's arrays, the options part of the usage text,
 * and the parsing into the command's config struct (through offsetof, with
 * the field's type checked at compile time).  The same tables drive the
 * man pages and the shell completion (doc.h).
 *
 * Numbers are decimal only: "080" is 80, "0x50" and " 80" are refused.
 */
#ifndef XS_OPTS_H
#define XS_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct xs_addr;

enum xs_opt_type {
	XS_OPT_FLAG, /* bool = true */
	XS_OPT_SET, /* int-sized field = .value (e.g. a mode) */
	XS_OPT_UINT, /* uint32_t in [min, max] */
	XS_OPT_U64, /* uint64_t in [min, max] */
	XS_OPT_U16, /* uint16_t in [min, max] */
	XS_OPT_PORT, /* uint16_t in [min, max], default 1-65535 */
	XS_OPT_PORT_RANGE, /* LO-HI or N: uint16_t at .off and .off2 */
	XS_OPT_RATE, /* uint64_t packets per second in [min, max] */
	XS_OPT_MS, /* uint32_t milliseconds in [min, max] */
	XS_OPT_SEC, /* seconds in [min, max], stored as uint32_t ms */
	XS_OPT_IPV4, /* uint32_t, network order, not 0.0.0.0 */
	XS_OPT_ADDR, /* struct xs_addr of either family, not unspecified */
	XS_OPT_MAC, /* uint8_t[6] */
	XS_OPT_STRING, /* const char *, not empty */
	XS_OPT_ENUM, /* int-sized field = index in .names */
	XS_OPT_CALL, /* .set(cfg, arg, err, errlen), repeatable */
};

struct xs_opt {
	const char *name; /* long name, without "--" */
	char short_name; /* 0: long only */
	enum xs_opt_type type;
	const char *metavar; /* shown after the name; NULL for flags */
	const char *help; /* '\n' starts an indented continuation line */
	const char *section; /* heading printed before this option */
	const char *def; /* default, parsed like a command-line value */
	const char *unit; /* "ms", "seconds": in help and messages */
	uint64_t min, max; /* numeric types; both 0: the type's range */
	int value; /* XS_OPT_SET */
	const char *const *names; /* XS_OPT_ENUM: NULL-terminated */
	size_t off, off2; /* offsetof into the config struct */
	int (*set)(void *cfg, const char *arg, char *err, size_t errlen);
	const char *conflicts; /* comma-separated long names */
	const char *requires; /* comma-separated long names */
	bool optional_arg; /* value only as --opt=V or a following number */
	/* An alias: another tool's spelling of the option named alias_of
	 * (same meaning, same value), peer names the tool(s).  Every other
	 * field but name and short_name is taken from that option. */
	const char *alias_of;
	const char *peer;
	/* An alias kept for old command lines: using it prints a note on
	 * stderr, help says why (e.g. "-p means destination ports in scan"). */
	bool deprecated;
	/* Spelled with one dash, as nmap's -oX FILE: "-NAME" on the command
	 * line (a word of its own), shown so in the usage text. */
	bool single_dash;
};

/* An alias entry: --name (and -s, if not 0) mean --target, as in peer. */
#define XS_ALIAS(n, s, target, who)                                         \
	{                                                                   \
		.name = n, .short_name = s, .alias_of = target, .peer = who \
	}

/* A command: its synopsis and description above the options, and the
 * closing text (exit codes) below.  opts ends with an entry without name;
 * -j/--json, -v/--verbose and -h/--help are added to every command. */
struct xs_cmd {
	const char *name;
	const char *synopsis;
	const char *desc;
	const struct xs_opt *opts;
	const char *epilog;
};

/* Compile-time checked offsets: a field of another type does not build. */
#define XS_FIELD(T, f, type)                                                 \
	__builtin_choose_expr(                                               \
		__builtin_types_compatible_p(__typeof__(((T *)0)->f), type), \
		offsetof(T, f), (void)0)
#define XS_INT_FIELD(T, f)                                        \
	__builtin_choose_expr(sizeof(((T *)0)->f) == sizeof(int), \
			      offsetof(T, f), (void)0)

/*
 * The options several commands share, one spelling each: -n/--netns,
 * -m/--mode and --tc (long-only), into fields of T.
 */
#define XS_NETNS_HELP \
	"network namespace: a name in /var/run/netns or a\npath such as /proc/PID/ns/net"
#define XS_OPT_NETNS(T, f)                                                 \
	{                                                                  \
		.name = "netns", .short_name = 'n', .type = XS_OPT_STRING, \
		.metavar = "NS", .off = XS_FIELD(T, f, const char *),      \
		.help = XS_NETNS_HELP                                      \
	}
#define XS_OPT_MODE(T, f, h)                                                \
	{                                                                   \
		.name = "mode", .short_name = 'm', .type = XS_OPT_ENUM,     \
		.metavar = "MODE", .names = xs_mode_names, .def = "native", \
		.off = XS_INT_FIELD(T, f), .help = h                        \
	}
#define XS_OPT_TC(T, f, h)                                              \
	{                                                               \
		.name = "tc", .type = XS_OPT_ENUM, .metavar = "METHOD", \
		.names = xs_tc_names, .def = "auto",                    \
		.off = XS_INT_FIELD(T, f), .help = h                    \
	}

/*
 * The entries connect and scan share, the commands that send SYNs: the
 * interface and masscan's and nmap's names for it, the aliases of --src
 * and --dst-mac, the IP TTL and the TCP window.
 */
#define XS_OPT_SEND_IFACE(T, f)                \
	{ .section = "Interface:",             \
	  .name = "interface",                 \
	  .short_name = 'i',                   \
	  .type = XS_OPT_STRING,               \
	  .metavar = "IFACE",                  \
	  .off = XS_FIELD(T, f, const char *), \
	  .help = "interface to send on" },    \
		XS_ALIAS("adapter", 'e', "interface", "masscan; -e: nmap")
#define XS_SRC_ALIASES                              \
	XS_ALIAS("source-ip", 0, "src", "masscan"), \
		XS_ALIAS("adapter-ip", 0, "src", "masscan")
#define XS_DST_MAC_ALIAS XS_ALIAS("router-mac", 0, "dst-mac", "masscan")
#define XS_OPT_TTL(T, f, h)                                                   \
	{                                                                     \
		.name = "ttl", .type = XS_OPT_UINT, .metavar = "N", .min = 1, \
		.max = 255, .def = "64", .off = XS_FIELD(T, f, uint32_t),     \
		.help = h                                                     \
	}
#define XS_OPT_WINDOW(T, f, h)                                                 \
	{                                                                      \
		.name = "window", .type = XS_OPT_U16, .metavar = "N",          \
		.max = 65535, .def = "64240", .off = XS_FIELD(T, f, uint16_t), \
		.help = h                                                      \
	}

/* Which options a parse saw, by their index in the table. */
typedef uint64_t xs_opts_seen_t;

/*
 * Apply the table's defaults to cfg, then parse argv into it.  Returns -1
 * when the command should go on (operands start at optind), XS_EXIT_OK
 * after -h (usage printed on stdout), or XS_EXIT_USAGE after an error,
 * reported in one line (as JSON too under --json) naming the token.
 */
int xs_opts_parse(const struct xs_cmd *cmd, int argc, char **argv, void *cfg,
		  xs_opts_seen_t *seen);

/* Whether the option of that long name was given. */
bool xs_opts_given(const struct xs_cmd *cmd, xs_opts_seen_t seen,
		   const char *name);

/* What o stands for: o itself, or the option an alias names (NULL if the
 * table has none of that name). */
const struct xs_opt *xs_opt_target(const struct xs_cmd *cmd,
				   const struct xs_opt *o);

/* The usage text: synopsis, description, options, epilog. */
void xs_opts_usage(const struct xs_cmd *cmd, FILE *f);

/* -j/--json, -v/--verbose, -h/--help: every command's; ends without name. */
extern const struct xs_opt *const xs_opts_common;

/* What the option's value may be, as error messages say it: "1 to 60000
 * ms", "native or skb", "a non-empty FILE". */
void xs_opt_describe(const struct xs_opt *o, char *buf, size_t len);

/*
 * --src given once per family (load, scan): parse arg, an IPv4 or IPv6
 * address, not unspecified, whose family's flag in given[] (0: IPv4, 1:
 * IPv6) is not yet set; sets it and the family's source, *v4out (network
 * order) or v6out.  Else -EINVAL, err in one line.
 */
int xs_opt_src_once(const char *arg, bool given[2], uint32_t *v4out,
		    uint8_t v6out[16], char *err, size_t len);

#endif /* XS_OPTS_H */
