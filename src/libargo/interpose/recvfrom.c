/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * recvfrom.c - recvfrom(2): a datagram's source domain as AF_INET; a
 * stream socket reports no address (length 0), as TCP does.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static ssize_t argo_ip_recvfrom(int fd, void *buf, size_t len, int flags,
				struct sockaddr *addr, socklen_t *alen)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	struct sockaddr_in sin;
	argo_addr_t src;
	ssize_t n;

	if (argo_ip_lookup(fd, &s) != ARGO_IP_ARGO) {
		n = r->recvfrom(fd, buf, len, flags, addr, alen);
		if (n >= 0 || !argo_ip_adopt_on_enotsock(fd))
			return n;
		argo_ip_lookup(fd, &s);
	}
	flags = argo_ip_recv_flags(flags);
	if (s.socktype == SOCK_STREAM || !addr || !alen) {
		n = ARGO_IP_CALL(argo_recv(fd, buf, len, flags));
		if (n >= 0 && addr && alen)
			*alen = 0;
		return n;
	}
	n = ARGO_IP_CALL(argo_recvfrom(fd, buf, len, flags, &src));
	if (n >= 0) {
		argo_ip_to_sin(src.domain_id, src.aport, &sin);
		argo_ip_sin_out(&s, &sin, addr, alen);
	}
	return n;
}

ARGO_IP_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
				struct sockaddr *addr, socklen_t *alen)
{
	if (!argo_ip_active())
		return argo_real()->recvfrom(fd, buf, len, flags, addr, alen);
	return argo_ip_recvfrom(fd, buf, len, flags, addr, alen);
}
