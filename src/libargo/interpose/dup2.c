/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dup2.c - dup2(2): newfd becomes oldfd's socket (or stops being one).
 * Calls libc's dup2, never our own wrappers.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"

ARGO_IP_EXPORT int dup2(int oldfd, int newfd)
{
	int ret = argo_real()->dup2(oldfd, newfd);

	if (ret >= 0 && argo_ip_active())
		argo_ip_reg_copy(oldfd, newfd);
	return ret;
}
