/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dup.c - dup(2): the copy is the same socket.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"

ARGO_IP_EXPORT int dup(int fd)
{
	int nfd = argo_real()->dup(fd);

	if (nfd >= 0 && argo_ip_active())
		argo_ip_reg_copy(fd, nfd);
	return nfd;
}
