/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * send.c - send(2) on an Argo socket goes through the driver.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static ssize_t argo_ip_send(int fd, const void *buf, size_t len, int flags)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	ssize_t ret;

	if (argo_ip_lookup(fd, &s) != ARGO_IP_ARGO) {
		ret = r->send(fd, buf, len, flags);
		if (ret >= 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
	}
	return ARGO_IP_CALL(argo_send(fd, buf, len, argo_ip_send_flags(flags)));
}

ARGO_IP_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	if (!argo_ip_active())
		return argo_real()->send(fd, buf, len, flags);
	return argo_ip_send(fd, buf, len, flags);
}
