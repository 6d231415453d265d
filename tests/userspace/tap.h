/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tap.h - a minimal TAP producer for the userspace unit tests.
 *
 * ok(cond, fmt, ...) prints "ok N - ..." or "not ok N - ..." with the
 * file and line of a failure on stderr; tap_done() prints the plan and
 * returns the exit status.
 */
#ifndef ARGO_TESTS_TAP_H
#define ARGO_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tap {
	int n, failed;
};

static struct tap tap_state;

__attribute__((format(printf, 4, 5)))
static inline int tap_ok(int cond, const char *file, int line,
			 const char *fmt, ...)
{
	va_list ap;

	tap_state.n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_state.n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond) {
		tap_state.failed++;
		fprintf(stderr, "# failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_state.n);
	return tap_state.failed ? 1 : 0;
}

/*
 * Run this test under the fake device: re-exec with LD_PRELOAD set to
 * $FAKEDEV (set by make check) and a namespace of its own.  Returns only
 * when already running under it; exits 77 (skip) if FAKEDEV is unset.
 */
static inline void tap_use_fakedev(char **argv)
{
	const char *dev = getenv("FAKEDEV");
	const char *pre = getenv("LD_PRELOAD");
	char ns[64];

	if (!dev) {
		printf("1..0 # SKIP FAKEDEV is not set (run through make check)\n");
		exit(77);
	}
	if (pre && strstr(pre, dev))
		return;
	snprintf(ns, sizeof(ns), "%s-%ld", argv[0], (long)getpid());
	for (char *p = ns; *p; p++)
		if (*p == '/')
			*p = '_';
	setenv("ARGO_FAKE_NS", ns, 1);
	setenv("LD_PRELOAD", dev, 1);
	execv("/proc/self/exe", argv);
	perror("execv /proc/self/exe");
	exit(99);
}

#endif /* ARGO_TESTS_TAP_H */
