/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.c - number parsing, clocks and error messages for the tools.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libargo.h>
#include "util.h"

int util_parse_seconds(const char *s, double max, double *out)
{
	char *end;
	double v;

	if (!s || (!isdigit((unsigned char)*s) && *s != '.')) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s || errno || isnan(v)) {
		errno = EINVAL;
		return -1;
	}
	if (v < 0 || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int util_parse_ulong(const char *s, unsigned long min, unsigned long max,
		     unsigned long *out)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (!s || !*s) {
		errno = EINVAL;
		return -1;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end) {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = (unsigned long)v;
	return 0;
}

double util_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int util_poll_ms(double deadline, double now)
{
	double ms;

	if (deadline < 0)
		return -1;
	ms = (deadline - now) * 1000.0;
	if (ms <= 0)
		return 0;
	if (ms > 86400000.0)
		return 86400000;
	return (int)ceil(ms);
}

double util_min_deadline(double a, double b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

void util_error(const char *prog, int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", argo_strerror(err));
	fputc('\n', stderr);
}

int util_exit_status(int err, int fallback)
{
	switch (err) {
	case ENODEV:
	case EAFNOSUPPORT:
	case ENOSYS:
		return EXIT_NO_ARGO;
	default:
		return fallback;
	}
}
