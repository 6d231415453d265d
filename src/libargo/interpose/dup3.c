/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dup3.c - dup3(2), dup2 with O_CLOEXEC.  It calls libc's dup3
 * (OpenXT's wrapper called itself and crashed).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"

ARGO_IP_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	int ret = argo_real()->dup3(oldfd, newfd, flags);

	if (ret >= 0 && argo_ip_active())
		argo_ip_reg_copy(oldfd, newfd);
	return ret;
}
