/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - small helpers shared by argo-ping and argo-cat.
 */
#ifndef ARGO_UTILS_UTIL_H
#define ARGO_UTILS_UTIL_H

#include <stdint.h>

/* Exit statuses shared by the tools (see argo-cat(1), argo-ping(1)). */
#define EXIT_USAGE	2

/* "1", "0.25", "1.5e1": seconds in [0, max]; 0 or -1 (EINVAL/ERANGE). */
int util_parse_seconds(const char *s, double max, double *out);
/* Decimal (or 0x-hex) integer in [min, max]; 0 or -1. */
int util_parse_ulong(const char *s, unsigned long min, unsigned long max,
		     unsigned long *out);

/* CLOCK_MONOTONIC in seconds. */
double util_now(void);
/* poll(2) timeout in ms until deadline (a util_now() time); -1 for none
 * (deadline < 0), 0 when past. */
int util_poll_ms(double deadline, double now);
/* The earlier of two deadlines where < 0 means none. */
double util_min_deadline(double a, double b);

/* "prog: message[: strerror-ish advice]\n" on stderr.  err 0: no advice. */
void util_error(const char *prog, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Exit status for a failure with errno err: 3 when Argo itself is missing
 * (ENODEV, EAFNOSUPPORT, ENOSYS), else fallback. */
int util_exit_status(int err, int fallback);

#define EXIT_NO_ARGO	3

#endif /* ARGO_UTILS_UTIL_H */
