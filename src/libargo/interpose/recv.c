/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * recv.c - recv(2) on an Argo socket goes through the driver.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static ssize_t argo_ip_recv(int fd, void *buf, size_t len, int flags)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	ssize_t ret;

	if (argo_ip_lookup(fd, &s) != ARGO_IP_ARGO) {
		ret = r->recv(fd, buf, len, flags);
		if (ret >= 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
	}
	return ARGO_IP_CALL(argo_recv(fd, buf, len, argo_ip_recv_flags(flags)));
}

ARGO_IP_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	if (!argo_ip_active())
		return argo_real()->recv(fd, buf, len, flags);
	return argo_ip_recv(fd, buf, len, flags);
}
