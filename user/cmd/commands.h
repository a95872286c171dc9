/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The subcommands, each `int do_X(int argc, char **argv)` returning an
 * exit code (enum xs_exit). */
#ifndef XS_COMMANDS_H
#define XS_COMMANDS_H

int do_load(int argc, char **argv);
int do_unload(int argc, char **argv);
int do_status(int argc, char **argv);
int do_connect(int argc, char **argv);
int do_scan(int argc, char **argv);
int do_monitor(int argc, char **argv);
int do_listen(int argc, char **argv);

/* Each command's option table (opts.h), for the generators in doc.h. */
struct xs_cmd;
extern const struct xs_cmd *const xs_cmd_load;
extern const struct xs_cmd *const xs_cmd_unload;
extern const struct xs_cmd *const xs_cmd_status;
extern const struct xs_cmd *const xs_cmd_connect;
extern const struct xs_cmd *const xs_cmd_scan;
extern const struct xs_cmd *const xs_cmd_monitor;
extern const struct xs_cmd *const xs_cmd_listen;

#endif /* XS_COMMANDS_H */
