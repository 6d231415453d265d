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
	struct argo_ip_sock s;
	argo_addr_t a;
	ssize_t ret;
	int st = argo_ip_lookup(fd, &s);

	if (st == ARGO_IP_NONE) {
		ret = r->sendto(fd, buf, len, flags, dest, dlen);
		if (ret >= 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
		st = argo_ip_lookup(fd, &s);
	}
	flags = argo_ip_send_flags(flags);
	if (!dest || s.socktype == SOCK_STREAM) {
		if (st == ARGO_IP_CANDIDATE)
			return r->sendto(fd, buf, len, flags, dest, dlen);
		return ARGO_IP_CALL(argo_send(fd, buf, len, flags));
	}
	switch (argo_ip_dgram_dest(fd, &s, dest, dlen, &a)) {
	case 1:
		return r->sendto(fd, buf, len, flags, dest, dlen);
	case 0:
		return ARGO_IP_CALL(argo_sendto(fd, buf, len, flags, &a));
	default:
		return -1;
	}
}

ARGO_IP_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			      const struct sockaddr *dest, socklen_t dlen)
{
	if (!argo_ip_active())
		return argo_real()->sendto(fd, buf, len, flags, dest, dlen);
	return argo_ip_sendto(fd, buf, len, flags, dest, dlen);
}
