/* SPDX-License-Identifier: GPL-2.0 */
/*
 * harness.h - a very small TAP test harness for the userspace test bed.
 *
 * One TAP line per test case ("ok N - name" / "not ok N - name").  A case
 * fails when any of its checks fails; every failed check prints a "#" line
 * with file, line, the expression and, for T_EQ, both values.  main() calls
 * t_case() for each case and returns t_done().
 */
#ifndef ARGO_TEST_HARNESS_H
#define ARGO_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

void t_case(const char *name, void (*fn)(void));
int t_done(void);
void t_check(bool ok, const char *file, int line, const char *expr);
void t_check_eq(long long a, long long b, const char *file, int line,
		const char *ea, const char *eb);
void t_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Failures counted so far in the current case (to stop a loop early). */
unsigned int t_case_failures(void);

#define T_OK(c) t_check(!!(c), __FILE__, __LINE__, #c)
#define T_EQ(a, b) t_check_eq((long long)(a), (long long)(b), __FILE__, \
			      __LINE__, #a, #b)
/* Leave the current function after the first failure of a check. */
#define T_REQUIRE(c) do { bool __r = !!(c); T_OK(__r && #c); \
	if (!__r) return; } while (0)
#define T_REQUIRE_EQ(a, b) do { long long __a = (long long)(a), \
	__b = (long long)(b); T_EQ(__a, __b); if (__a != __b) return; } while (0)

#endif
