/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * connect.c - connect(2): the destination decides Argo or TCP/IP.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

/* 1: stay on TCP/IP, 0: connected on Argo, -1: error. */
static int connect_argo(int fd, struct argo_ip_sock *s,
			const struct sockaddr_in *sin)
{
	argo_addr_t a;
	int ret;

	memset(&a, 0, sizeof(a));
	ret = argo_ip_peer_route(fd, s, sin, "reach", &a.domain_id, &a.aport);
	if (ret != 0)
		return ret;
	if (argo_ip_autobind(fd, s, a.domain_id) < 0)
		return -1;
	ARGO_IP_DBG(1, "fd %d: connect to domain %u port %u", fd,
		    (unsigned)a.domain_id, (unsigned)a.aport);
	return ARGO_IP_CALL(argo_connect(fd, &a));
}

static int argo_ip_connect(int fd, const struct sockaddr *addr,
			   socklen_t len)
{
	struct argo_ip_sock s;
	struct sockaddr_in sin;
	int ret, st = argo_ip_lookup(fd, &s);

	if (st == ARGO_IP_NONE)
		return argo_real()->connect(fd, addr, len);
	if (addr && len >= sizeof(sa_family_t) && addr->sa_family == AF_UNSPEC) {
		if (st == ARGO_IP_CANDIDATE)
			return argo_real()->connect(fd, addr, len);
		if (s.socktype == SOCK_DGRAM)	/* dissolve the association */
			return ARGO_IP_CALL(argo_connect(fd, NULL));
		errno = EOPNOTSUPP;
		return -1;
	}
	if (argo_ip_sin(&s, addr, len, &sin) < 0) {
		if (st == ARGO_IP_CANDIDATE)
			return argo_real()->connect(fd, addr, len);
		return -1;
	}
	ret = connect_argo(fd, &s, &sin);
	if (ret <= 0)
		return ret;
	argo_ip_reg_clear(fd);
	return argo_real()->connect(fd, addr, len);
}

ARGO_IP_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (!argo_ip_active())
		return argo_real()->connect(fd, addr, len);
	return argo_ip_connect(fd, addr, len);
}
