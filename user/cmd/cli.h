/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every subcommand shares: the lower layers' reporting, parsing and
 * set-up (included here for the commands' convenience), the names of
 * option values, and the -j/-v/-h handling of a getopt switch.
 */
#ifndef XS_CLI_H
#define XS_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "caps.h"
#include "diag.h"
#include "env.h"
#include "handshake.h"
#include "loader.h"
#include "nl.h"
#include "parse.h"
#include "session.h"
#include "signals.h"
#include "target.h"

/* Option values by name ("native"/"skb", "auto"/"tcx"/"clsact",
 * "none"/"rst"/"fin"): 0, or -EINVAL with *out untouched. */
int xs_parse_mode(const char *s, enum xs_xdp_mode *out);
int xs_parse_tc_method(const char *s, enum xs_tc_method *out);
int xs_parse_close(const char *s, enum xs_close_mode *out);
/* The same names, NULL-terminated, for option tables (opts.h). */
extern const char *const xs_mode_names[];
extern const char *const xs_tc_names[];
extern const char *const xs_close_names[];

/*
 * The options every command takes, for a getopt switch's default case:
 * -j/--json and -v/--verbose set their flag and return -1 (parse on); -h
 * prints usage on stdout and returns XS_EXIT_OK; anything else (getopt's
 * '?') prints it on stderr and returns XS_EXIT_USAGE.
 */
int xs_common_opt(int c, const char *usage);

/* A command without operands: an exit code for the first one, or 0. */
int xs_no_operands(int argc, char **argv);

#endif /* XS_CLI_H */
