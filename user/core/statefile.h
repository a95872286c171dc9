/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The scan's resume state file (written by xs_perm_save() at Ctrl-C): its
 * place is checked before the first SYN, so an interrupted scan never finds
 * out too late that it cannot say where it stopped.
 */
#ifndef XS_STATEFILE_H
#define XS_STATEFILE_H

#include <stddef.h>

/*
 * Can a state file be written at path?  The path must be a regular file or
 * not exist, and its folder must take a new file: a probe file is created
 * there (exclusively, under a name of this process's own) and removed at
 * once, so nothing is left behind.  0, or -errno with a message naming the
 * path in errbuf.
 */
int xs_statefile_check(const char *path, char *errbuf, size_t errlen);

#endif /* XS_STATEFILE_H */
