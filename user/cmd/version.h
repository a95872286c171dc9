/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What `xdpshake --version` says: our version (VERSION in the Makefile), the
 * git commit it was built from ("unknown" outside a git checkout), and the
 * libbpf and libxdp versions it was built against and runs with.
 */
#ifndef XS_VERSION_H
#define XS_VERSION_H

#include <stdio.h>

struct xs_version {
	const char *version; /* "0.1.0" */
	const char *commit; /* git describe --always --dirty, or "unknown" */
	char libbpf[32]; /* running: libbpf_major/minor_version() */
	char libbpf_build[32]; /* built against: libbpf_version.h */
	const char *libxdp; /* built against: pkg-config --modversion */
	char libxdp_loaded[64]; /* the file the dynamic linker loaded */
};

void xs_version_get(struct xs_version *v);

/* As text lines, or one JSON object under --json. */
void xs_version_print(FILE *f);

#endif /* XS_VERSION_H */
