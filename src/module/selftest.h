/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Load-time self-tests of debug builds (make ARGO_SELFTEST=1, selftest.c);
 * a no-op otherwise.
 */
#ifndef ARGO_SELFTEST_H
#define ARGO_SELFTEST_H

#ifdef ARGO_SELFTEST
int argo_selftest(void);
#else
static inline int argo_selftest(void)
{
	return 0;
}
#endif

#endif /* ARGO_SELFTEST_H */
