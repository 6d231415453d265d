/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * accept.c - accept(2): accept4() without flags (see accept4.c).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

ARGO_IP_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (!argo_ip_active())
		return argo_real()->accept(fd, addr, len);
	return argo_ip_accept4(fd, addr, len, 0, 0);
}
