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

/* 1: stay on TCP/IP, 0: bound on Argo, -1: error. */
static int bind_argo(int fd, struct argo_ip_sock *s,
		     const struct sockaddr_in *sin)
{
	uint16_t partner;
	uint32_t port;
	int t = argo_ip_route(s->socktype, sin, 1, &partner, &port);

	if (t < 0)
		return -1;
	if (t == ARGO_TARGET_INET)
		return 1;
	switch (argo_ip_convert(fd, s)) {
	case ARGO_IP_CONV_FAIL:
		return -1;
	case ARGO_IP_CONV_INET:
		return 1;
	case ARGO_IP_CONV_ARGO:
		break;
	}
	if (argo_ip_bind_port(fd, port, partner) < 0)
		return -1;
	s->bound = 1;
	return argo_ip_reg_set(fd, s);
}

static int argo_ip_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct argo_ip_sock s;
	struct sockaddr_in sin;
	int ret;

	switch (argo_ip_lookup(fd, &s)) {
	case ARGO_IP_CANDIDATE:
		if (argo_ip_sin(&s, addr, len, &sin) < 0)
			break;	/* the kernel says what is wrong */
		ret = bind_argo(fd, &s, &sin);
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
