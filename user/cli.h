/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every subcommand shares: exit codes, error reporting (as text on
 * stderr, and as a JSON object on stdout under --json), bounded parsing of
 * numbers and addresses, and entering the namespace/interface to work on.
 */
#ifndef XS_CLI_H
#define XS_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "caps.h"
#include "handshake.h"
#include "loader.h"
#include "nl.h"

enum xs_exit {
	XS_EXIT_OK = 0, /* established / done */
	XS_EXIT_USAGE = 1, /* usage or configuration error */
	XS_EXIT_REFUSED = 2, /* the server answered RST */
	XS_EXIT_NOANSWER = 3, /* no answer after the retries */
	XS_EXIT_ENV = 4, /* privilege, bpffs, BPF load or attach */
	XS_EXIT_PARTIAL = 5, /* connect --count: not every handshake made */
	XS_EXIT_WRITE = 6, /* results, pcap or state could not be written */
	XS_EXIT_UNREACHABLE = 7, /* connect: an ICMP error answered the SYN */
	XS_EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM before a result */
};

/* Default source port range: above Linux's default ephemeral range
 * (32768-60999), so local connect() calls never pick our ports. */
#define XS_DEFAULT_PORTS "61000-61999"

/* SYN retransmissions: the same bound for connect and scan. */
#define XS_MAX_RETRIES 10

extern bool xs_json; /* --json given */
extern bool xs_verbose; /* -v given */

/* Print "xdpshake: <message>" (and a JSON error object under --json);
 * returns code so callers can `return xs_err(XS_EXIT_USAGE, ...)`. */
int xs_err(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xs_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Bounded parsers: 0 on success, -EINVAL otherwise. */
int xs_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int xs_parse_ipv4(const char *s, uint32_t *addr); /* network order */
int xs_parse_port_range(const char *s, uint16_t *lo, uint16_t *hi);
int xs_parse_ip_port(const char *s, uint32_t *addr, uint16_t *port);
int xs_parse_mac(const char *s, uint8_t mac[6]);

/* Option values by name ("native"/"skb", "auto"/"tcx"/"clsact",
 * "none"/"rst"/"fin"): 0, or -EINVAL with *out untouched. */
int xs_parse_mode(const char *s, enum xs_xdp_mode *out);
int xs_parse_tc_method(const char *s, enum xs_tc_method *out);
int xs_parse_close(const char *s, enum xs_close_mode *out);
/* The same names, NULL-terminated, for option tables (opts.h). */
extern const char *const xs_mode_names[];
extern const char *const xs_tc_names[];
extern const char *const xs_close_names[];

void xs_fmt_ipv4(uint32_t addr, char *buf); /* buf >= 16 */

/* The interface a command works on, after entering its namespace. */
struct xs_target {
	const char *ifname;
	const char *netns;
	struct xs_iface iface;
	char pindir[256];
};

/*
 * Enter t->netns (setns, network namespace only) and look up t->ifname.
 * On failure prints the error and returns the exit code to use.
 */
int xs_target_open(struct xs_target *t);

/*
 * Check the effective capabilities a command needs (XS_CAPS_* in caps.h:
 * names the missing ones and how to grant them), bpffs, access to the pin
 * folder, and the memlock limit; prints and returns an exit code, or 0.
 */
int xs_check_env(uint64_t caps);

/* The kernel answered EPERM to what fmt says ("load or attach BPF
 * programs"): say which capability is missing, or what else refuses.
 * Returns XS_EXIT_ENV. */
int xs_err_perm(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The options every command takes, for a getopt switch's default case:
 * -j/--json and -v/--verbose set their flag and return -1 (parse on); -h
 * prints usage on stdout and returns XS_EXIT_OK; anything else (getopt's
 * '?') prints it on stderr and returns XS_EXIT_USAGE.
 */
int xs_common_opt(int c, const char *usage);

/* A command without operands: an exit code for the first one, or 0. */
int xs_no_operands(int argc, char **argv);

/*
 * A run blocks SIGINT/SIGTERM/SIGHUP and watches them on a signalfd; the
 * first one makes it stop and clean up in the main flow.  This takes the
 * pending signals from sigfd; if there were any, it restores their default
 * action and unblocks them, so that a second signal ends the process at
 * once should the cleanup hang (XDP and tcx links die with the process; a
 * clsact filter left behind is removed by the next start).  Returns true
 * if a signal had arrived.
 */
bool xs_signal_take(int sigfd);

/* SIGINT/SIGTERM/SIGHUP back to their default action (terminate), so the
 * next one ends the process wherever it is blocked. */
void xs_signal_default(void);

/* libbpf's messages: only warnings, or everything under -v. */
void xs_setup_libbpf(void);

/* Map a -errno from loading/attaching to an exit code with a message that
 * says what to do. */
int xs_err_attach(int err, const char *ifname, uint32_t owner_id);

#endif /* XS_CLI_H */
