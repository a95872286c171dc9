/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The scan's resume state file: see statefile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "statefile.h"

int xs_statefile_check(const char *path, char *errbuf, size_t errlen)
{
	char probe[PATH_MAX];
	struct stat st;
	int fd, err;

	if (!stat(path, &st)) {
		/* The save renames over it: never over a device or a
		 * folder. */
		if (!S_ISREG(st.st_mode)) {
			snprintf(errbuf, errlen,
				 "state file '%s' is not a regular file", path);
			return -EINVAL;
		}
	} else if (errno != ENOENT) {
		err = -errno;
		goto fail;
	}
	/* xs_perm_save() writes PATH.tmp next to it, then renames it. */
	if (snprintf(probe, sizeof(probe), "%s.%d.probe", path, getpid()) >=
	    (int)sizeof(probe)) {
		err = -ENAMETOOLONG;
		goto fail;
	}
	fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	close(fd);
	unlink(probe);
	return 0;
fail:
	snprintf(errbuf, errlen, "cannot write state file '%s': %s", path,
		 strerror(-err));
	return err;
}
