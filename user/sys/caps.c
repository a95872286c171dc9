/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Effective capabilities of this process, from capget(2): libcap is not
 * needed for reading two 32-bit words.
 */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"

static const struct {
	int cap;
	const char *name;
} cap_names[] = {
	{ CAP_BPF, "CAP_BPF" },
	{ CAP_PERFMON, "CAP_PERFMON" },
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
	{ CAP_NET_RAW, "CAP_NET_RAW" },
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
	{ CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE" },
};

static int effective(uint64_t *eff)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	*eff = (uint64_t)data[1].effective << 32 | data[0].effective;
	return 0;
}

/* The kernel knows CAP_BPF and CAP_PERFMON (5.8 and later). */
static int kernel_has_bpf_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = CAP_BPF;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_BPF;
		fclose(f);
	}
	return last >= CAP_BPF;
}

uint64_t xs_caps_missing(uint64_t want)
{
	const uint64_t split = XS_CAP(CAP_BPF) | XS_CAP(CAP_PERFMON);
	uint64_t eff;

	if (effective(&eff))
		return want;
	if (eff & XS_CAP(CAP_SYS_ADMIN))
		eff |= split;
	if ((want & split) && !kernel_has_bpf_cap())
		want = (want & ~split) | XS_CAP(CAP_SYS_ADMIN);
	return want & ~eff;
}

void xs_caps_fmt(uint64_t caps, char *buf, size_t len)
{
	size_t i, n = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		if (!(caps & XS_CAP(cap_names[i].cap)) || n >= len)
			continue;
		n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
			      cap_names[i].name);
	}
}
