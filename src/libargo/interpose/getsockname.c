/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * getsockname.c - getsockname(2) of an Argo socket, as AF_INET.
 *
 * A bound or listening socket shows who may reach it: 0.0.0.0 (any
 * domain), 127.0.0.1 (this domain), 1.0.0.N (domain N).  A connected one
 * shows this domain as its peer would name it: 127.0.0.1 when the peer is
 * this domain, else this domain's address under the rules.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static int argo_name(int fd, struct sockaddr_in *sin)
{
	argo_addr_t self, peer;
	uint16_t partner;
	int loop;

	if (ARGO_IP_CALL(argo_getsockname(fd, &self, &partner)) < 0)
		return -1;
	if (ARGO_IP_CALL(argo_getpeername(fd, &peer)) == 0) {
		loop = peer.domain_id == self.domain_id;
		argo_ip_make_sin(argo_ip_domid_addr(self.domain_id, loop),
				 self.aport, sin);
	} else {
		argo_ip_to_sin(partner, self.aport, sin);
	}
	return 0;
}

static int argo_ip_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	struct sockaddr_in sin;
	int ret;

	if (argo_ip_lookup(fd, &s) != ARGO_IP_ARGO) {
		ret = r->getsockname(fd, addr, len);
		if (ret == 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
	}
	if (!addr || !len) {
		errno = EFAULT;
		return -1;
	}
	if (argo_name(fd, &sin) < 0)
		return -1;
	argo_ip_sin_out(&s, &sin, addr, len);
	return 0;
}

ARGO_IP_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	if (!argo_ip_active())
		return argo_real()->getsockname(fd, addr, len);
	return argo_ip_getsockname(fd, addr, len);
}
