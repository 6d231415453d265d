/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * accept4.c - accept4(2), and the policy accept(2) shares.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static int real_accept(int fd, struct sockaddr *addr, socklen_t *len,
		       int flags, int is4)
{
	const struct argo_real *r = argo_real();

	return is4 ? r->accept4(fd, addr, len, flags) : r->accept(fd, addr, len);
}

int argo_ip_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags,
		    int is4)
{
	struct argo_ip_sock s, ns;
	struct sockaddr_in sin;
	argo_addr_t peer;
	int nfd;

	if (argo_ip_lookup(fd, &s) != ARGO_IP_ARGO) {
		nfd = real_accept(fd, addr, len, flags, is4);
		if (nfd >= 0) {
			argo_ip_reg_clear(nfd);	/* no stale entry */
			return nfd;
		}
		if (!argo_ip_adopt_on_enotsock(fd))
			return nfd;
	}
	if (!is4)
		flags = 0;
	nfd = ARGO_IP_CALL(argo_accept4(fd, &peer, flags));
	if (nfd < 0)
		return -1;
	memset(&ns, 0, sizeof(ns));
	ns.state = ARGO_IP_ARGO;
	ns.socktype = SOCK_STREAM;
	ns.family = s.family;
	if (argo_ip_reg_set(nfd, &ns) < 0) {
		argo_real()->close(nfd);
		errno = ENOMEM;
		return -1;
	}
	if (addr && len) {
		argo_ip_to_sin(peer.domain_id, peer.aport, &sin);
		argo_ip_sin_out(&ns, &sin, addr, len);
	}
	ARGO_IP_DBG(1, "fd %d: accepted fd %d from domain %u", fd, nfd,
		    (unsigned)peer.domain_id);
	return nfd;
}

ARGO_IP_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len,
			   int flags)
{
	if (!argo_ip_active())
		return argo_real()->accept4(fd, addr, len, flags);
	return argo_ip_accept4(fd, addr, len, flags, 1);
}
