/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * getpeername.c - getpeername(2) of an Argo socket: the peer domain as
 * 127.0.0.1 (this domain) or its address under the rules (1.0.0.N).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static int argo_ip_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	struct sockaddr_in sin;
	argo_addr_t peer;
	int ret;

	if (argo_ip_lookup(fd, &s) != ARGO_IP_ARGO) {
		ret = r->getpeername(fd, addr, len);
		if (ret == 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
	}
	if (!addr || !len) {
		errno = EFAULT;
		return -1;
	}
	if (ARGO_IP_CALL(argo_getpeername(fd, &peer)) < 0)
		return -1;
	argo_ip_to_sin(peer.domain_id, peer.aport, &sin);
	argo_ip_sin_out(&s, &sin, addr, len);
	return 0;
}

ARGO_IP_EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (!argo_ip_active())
		return argo_real()->getpeername(fd, addr, len);
	return argo_ip_getpeername(fd, addr, len);
}
