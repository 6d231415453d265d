/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * socket.c - socket(2): IPv4 stream and datagram sockets become candidates.
 *
 * The socket made here is a real AF_INET socket; whether it goes to Argo
 * is decided when the program says where it goes (convert.c).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static int is_candidate(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (domain != AF_INET &&
	    !(domain == AF_INET6 && argo_ip_config()->inet6))
		return 0;
	if (base == SOCK_STREAM)
		return protocol == 0 || protocol == IPPROTO_TCP;
	if (base == SOCK_DGRAM)
		return protocol == 0 || protocol == IPPROTO_UDP;
	return 0;
}

static int argo_ip_socket(int domain, int type, int protocol)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	int fd, err;

	if (!is_candidate(domain, type, protocol)) {
		fd = r->socket(domain, type, protocol);
		argo_ip_reg_clear(fd);	/* a stale entry must not stick */
		return fd;
	}
	if (argo_ip_config()->map_error) {
		errno = EINVAL;
		return -1;
	}
	fd = r->socket(domain, type, protocol);
	if (fd < 0)
		return fd;
	memset(&s, 0, sizeof(s));
	s.state = ARGO_IP_CANDIDATE;
	s.socktype = (uint8_t)(type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
	s.family = (uint8_t)domain;
	if (argo_ip_reg_set(fd, &s) < 0) {
		err = errno;
		r->close(fd);
		errno = err;
		return -1;
	}
	ARGO_IP_DBG(2, "fd %d: IPv%c %s socket", fd,
		    domain == AF_INET ? '4' : '6',
		    s.socktype == SOCK_STREAM ? "stream" : "datagram");
	return fd;
}

ARGO_IP_EXPORT int socket(int domain, int type, int protocol)
{
	if (!argo_ip_active())
		return argo_real()->socket(domain, type, protocol);
	return argo_ip_socket(domain, type, protocol);
}
