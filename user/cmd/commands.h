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

#endif /* XS_COMMANDS_H */
