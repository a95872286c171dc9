/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The subcommands, each `int do_X(int argc, char **argv)` returning an
 * exit code (enum xs_exit). */
#ifndef XS_COMMANDS_H
#define XS_COMMANDS_H

#include <stdint.h>

int do_load(int argc, char **argv);
int do_unload(int argc, char **argv);
int do_status(int argc, char **argv);
int do_connect(int argc, char **argv);
int do_scan(int argc, char **argv);
int do_monitor(int argc, char **argv);

/* Warn if our source ports [lo, hi] reach below 1024, hold a port a local
 * socket listens on, or overlap net.ipv4.ip_local_port_range (of the
 * namespace we are in). */
void xs_warn_port_overlap(uint16_t lo, uint16_t hi);

#endif /* XS_COMMANDS_H */
