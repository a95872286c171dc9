/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/core/statefile.c: a scan's state file is checked before
 * the first SYN, and the check leaves nothing behind.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "statefile.h"

/* Entries in dir other than . and .. */
static int entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/xs_statefile_XXXXXX", path[64], err[256];
	FILE *f;

	if (!mkdtemp(dir)) {
		printf("FAIL: statefile: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/scan.state", dir);

	TEST_BEGIN("statefile_new_ok_nothing_left");
	CHECK_EQ(xs_statefile_check(path, err, sizeof(err)), 0);
	CHECK_EQ(entries(dir), 0);
	TEST_END();

	TEST_BEGIN("statefile_existing_ok_untouched");
	f = fopen(path, "w");
	CHECK(f != NULL, "fopen %s", path);
	if (f) {
		fputs("kept\n", f);
		fclose(f);
	}
	CHECK_EQ(xs_statefile_check(path, err, sizeof(err)), 0);
	CHECK_EQ(entries(dir), 1);
	f = fopen(path, "r");
	CHECK(f && fgets(err, sizeof(err), f) && !strcmp(err, "kept\n"),
	      "the existing state file changed");
	if (f)
		fclose(f);
	unlink(path);
	TEST_END();

	/* As root, permissions stop nothing: a path under a file does. */
	TEST_BEGIN("statefile_under_a_file");
	CHECK_EQ(xs_statefile_check("/dev/null/x", err, sizeof(err)), -ENOTDIR);
	CHECK(strstr(err, "'/dev/null/x'") && strstr(err, "Not a directory"),
	      "message '%s' names the path and the reason", err);
	TEST_END();

	TEST_BEGIN("statefile_not_a_regular_file");
	CHECK_EQ(xs_statefile_check(dir, err, sizeof(err)), -EINVAL);
	CHECK_EQ(xs_statefile_check("/dev/full", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "'/dev/full'") != NULL, "message '%s'", err);
	TEST_END();

	TEST_BEGIN("statefile_missing_folder");
	snprintf(path, sizeof(path), "%s/no/scan.state", dir);
	CHECK_EQ(xs_statefile_check(path, err, sizeof(err)), -ENOENT);
	TEST_END();

	rmdir(dir);
	return TEST_EXIT();
}
