/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Errors and warnings, as one line of text on stderr (and as a JSON object
 * on stdout under --json).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "json.h"

bool xs_json;
FILE *xs_json_err_file;
bool xs_verbose;

int xs_err(int code, const char *fmt, ...)
{
	struct xs_jw w;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xdpshake: %s\n", msg);
	if (xs_json) {
		/* msg holds the user's tokens, whatever their bytes: the
		 * writer keeps the object valid JSON all the same. */
		xs_jw_init(&w, xs_json_err_file ?: stdout);
		xs_jw_start_object(&w);
		xs_jw_string_field(&w, "event", "error");
		xs_jw_string_field(&w, "error", msg);
		xs_jw_int_field(&w, "exit_code", code);
		xs_jw_end_object(&w);
		fflush(xs_json_err_file ?: stdout);
	}
	return code;
}

void xs_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpshake: warning: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *xs_run_fault(int err, const char *ifname, char *buf,
			 unsigned int len)
{
	if (err == -ENETDOWN)
		snprintf(buf, len, "%s went down during the run", ifname);
	else if (err == -ENXIO || err == -ENODEV)
		snprintf(
			buf, len,
			"%s is gone (the interface or its namespace was deleted during the run)",
			ifname);
	else if (err == -EIDRM) /* XS_ENS_GONE (sys/ifstate.h) */
		snprintf(
			buf, len,
			"the namespace of %s was deleted during the run (its name is gone: ip netns del)",
			ifname);
	else if (err == -ENOLINK) /* XS_EDETACHED */
		snprintf(
			buf, len,
			"the XDP filter on %s was detached during the run (bpftool link detach?): no reply reaches the run",
			ifname);
	else if (err == -EUNATCH) /* XS_EUNGUARDED */
		snprintf(
			buf, len,
			"the TC guard on %s was detached during the run (bpftool link detach? tc filter del?): the kernel's RSTs would reach the targets",
			ifname);
	else
		snprintf(buf, len, "sending failed: %s", strerror(-err));
	return buf;
}
