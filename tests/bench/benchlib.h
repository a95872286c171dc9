/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the bench tools share: bounded number parsing, by the CLI's own
 * parser (user/core/parse.c), for options the tools keep in longs.
 */
#ifndef XS_BENCHLIB_H
#define XS_BENCHLIB_H

#include <errno.h>
#include <stdint.h>

#include "cli.h"

/* 0 and *out set, or -EINVAL; 0 <= lo <= hi <= UINT32_MAX. */
static int parse_num(const char *s, long lo, long hi, long *out)
{
	uint32_t v;

	if (xs_parse_u32(s, (uint32_t)lo, (uint32_t)hi, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

#endif /* XS_BENCHLIB_H */
