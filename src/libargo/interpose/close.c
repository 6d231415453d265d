/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * close.c - close(2): the entry goes first, so a descriptor number
 * reused by another thread right after the close is never mistaken.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"

ARGO_IP_EXPORT int close(int fd)
{
	if (argo_ip_active())
		argo_ip_reg_clear(fd);
	return argo_real()->close(fd);
}
