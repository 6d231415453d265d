/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sendto.c - sendto(2): a datagram candidate is routed by its
 * destination; on an Argo socket the data goes through the driver.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static ssize_t argo_ip_sendto(int fd, const void *buf, size_t len, int flags,
			      const struct sockaddr *dest, socklen_t dlen)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_send_dest to;
	struct argo_ip_sock s;
	ssize_t ret;

	if (argo_ip_lookup(fd, &s) == ARGO_IP_NONE) {
		ret = r->sendto(fd, buf, len, flags, dest, dlen);
		if (!argo_ip_retry_as_argo(fd, ret, &s))
			return ret;
	}
	flags = argo_ip_send_flags(flags);
	ret = argo_ip_send_route(fd, &s, dest, dlen, &to);
	if (ret > 0)
		return r->sendto(fd, buf, len, flags, dest, dlen);
	if (ret < 0)
		return -1;
	return ARGO_IP_CALL(argo_sendto(fd, buf, len, flags,
					to.named ? &to.addr : NULL));
}

ARGO_IP_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			      const struct sockaddr *dest, socklen_t dlen)
{
	if (!argo_ip_active())
		return argo_real()->sendto(fd, buf, len, flags, dest, dlen);
	return argo_ip_sendto(fd, buf, len, flags, dest, dlen);
}
