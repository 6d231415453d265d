// SPDX-License-Identifier: GPL-2.0
/* harness.c - see harness.h. */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned int cases, cases_failed, cur_failures;
static const char *cur_name;

/* Stop printing after this many failed checks in one case. */
#define MAX_REPORTED 20

void t_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void t_check(bool ok, const char *file, int line, const char *expr)
{
	if (ok)
		return;
	if (++cur_failures <= MAX_REPORTED)
		t_diag("%s: %s:%d: check failed: %s", cur_name ? cur_name : "?",
		       file, line, expr);
}

void t_check_eq(long long a, long long b, const char *file, int line,
		const char *ea, const char *eb)
{
	if (a == b)
		return;
	if (++cur_failures <= MAX_REPORTED)
		t_diag("%s: %s:%d: %s == %s failed: %lld (0x%llx) != %lld (0x%llx)",
		       cur_name ? cur_name : "?", file, line, ea, eb, a,
		       (unsigned long long)a, b, (unsigned long long)b);
}

unsigned int t_case_failures(void)
{
	return cur_failures;
}

void t_case(const char *name, void (*fn)(void))
{
	cur_name = name;
	cur_failures = 0;
	fn();
	cases++;
	if (cur_failures) {
		cases_failed++;
		if (cur_failures > MAX_REPORTED)
			t_diag("%s: %u more failed checks not shown", name,
			       cur_failures - MAX_REPORTED);
		printf("not ok %u - %s\n", cases, name);
	} else {
		printf("ok %u - %s\n", cases, name);
	}
	fflush(stdout);
	cur_name = NULL;
}

int t_done(void)
{
	printf("1..%u\n", cases);
	printf("# %u passed, %u failed\n", cases - cases_failed, cases_failed);
	return cases_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
