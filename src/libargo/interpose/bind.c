/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bind.c - bind(2): the address decides Argo or TCP/IP.
 *
 * On Argo the bound address names who may send to the port (the ring's
 * partner): 0.0.0.0 any domain, 127.0.0.1 this domain only, 1.0.0.N
 * domain N only.  Port 0 picks a free port below 65536.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static int argo_ip_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct argo_ip_sock s;
	struct sockaddr_in sin;
	int ret;

	switch (argo_ip_lookup(fd, &s)) {
	case ARGO_IP_CANDIDATE:
		if (argo_ip_sin(&s, addr, len, &sin) < 0)
			break;	/* the kernel says what is wrong */
		ret = argo_ip_bind_to(fd, &s, &sin);
		if (ret <= 0)
			return ret;
		argo_ip_reg_clear(fd);
		break;
	case ARGO_IP_ARGO:
		errno = EINVAL;	/* already bound or connected */
		return -1;
	}
	return argo_real()->bind(fd, addr, len);
}

ARGO_IP_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (!argo_ip_active())
		return argo_real()->bind(fd, addr, len);
	return argo_ip_bind(fd, addr, len);
}
