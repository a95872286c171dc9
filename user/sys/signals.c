/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Signal handling shared by every run. */
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "signals.h"

void xs_signal_default(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t set;
	unsigned int i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&set, sigs[i]);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

bool xs_signal_take(int sigfd)
{
	struct signalfd_siginfo si;
	bool got = false;
	unsigned int i;

	if (sigfd < 0)
		return false;
	/* Each signal is pending at most once: a few reads drain them all. */
	for (i = 0; i < 8 && read(sigfd, &si, sizeof(si)) == sizeof(si); i++)
		got = true;
	if (!got)
		return false;
	xs_signal_default();
	return true;
}
