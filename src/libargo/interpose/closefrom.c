/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * closefrom.c - closefrom(3) and close_range(2) (glibc >= 2.34) close
 * many descriptors without close(2): forget them too.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"

#include <limits.h>
#include <linux/close_range.h>

ARGO_IP_EXPORT void closefrom(int lowfd)
{
	const struct argo_real *r = argo_real();

	if (lowfd >= 0 && argo_ip_active())
		argo_ip_reg_clear_range((unsigned int)lowfd, UINT_MAX);
	if (r->closefrom)
		r->closefrom(lowfd);
}

ARGO_IP_EXPORT int close_range(unsigned int first, unsigned int last,
			       int flags)
{
	const struct argo_real *r = argo_real();

	if (!r->close_range) {
		errno = ENOSYS;
		return -1;
	}
	if (!(flags & CLOSE_RANGE_CLOEXEC) && argo_ip_active())
		argo_ip_reg_clear_range(first, last);
	return r->close_range(first, last, flags);
}
