/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A run blocks SIGINT/SIGTERM/SIGHUP and watches them on a signalfd; the
 * first one makes it stop and clean up in the main flow.
 */
#ifndef XS_SIGNALS_H
#define XS_SIGNALS_H

#include <stdbool.h>

/*
 * Take the pending signals from sigfd; if there were any, restore their
 * default action and unblock them, so that a second signal ends the
 * process at once should the cleanup hang (XDP and tcx links die with the
 * process; a clsact filter left behind is removed by the next start).
 * Returns true if a signal had arrived.
 */
bool xs_signal_take(int sigfd);

/* SIGINT/SIGTERM/SIGHUP back to their default action (terminate), so the
 * next one ends the process wherever it is blocked. */
void xs_signal_default(void);

#endif /* XS_SIGNALS_H */
