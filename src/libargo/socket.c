/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * socket.c - socket life cycle: socket, bind, connect, listen, accept,
 * names, shutdown, close.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int argo_socket(int type)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int oflags = O_CLOEXEC;

	if (type & SOCK_NONBLOCK)
		oflags |= O_NONBLOCK;
	if (base != SOCK_STREAM && base != SOCK_DGRAM) {
		errno = ESOCKTNOSUPPORT;
		return -1;
	}
	return argoi_open_device(base, oflags);
}

int argo_close(int fd)
{
	return close(fd);
}

int argo_bind(int fd, const argo_addr_t *addr, uint16_t partner)
{
	struct argo_ring_id id;

	if (!addr) {
		errno = EFAULT;
		return -1;
	}
	memset(&id, 0, sizeof(id));
	id.partner_id = partner;
	id.aport = addr->aport;
	return argoi_ioctl(fd, ARGOIOCBIND, &id) < 0 ? -1 : 0;
}

int argo_connect(int fd, const argo_addr_t *peer)
{
	xen_argo_addr_t a;

	if (!peer)	/* datagram: dissolve the association */
		return argoi_ioctl(fd, ARGOIOCCONNECT, NULL) < 0 ? -1 : 0;
	memset(&a, 0, sizeof(a));
	a.aport = peer->aport;
	a.domain_id = peer->domain_id;
	return argoi_ioctl(fd, ARGOIOCCONNECT, &a) < 0 ? -1 : 0;
}

int argo_listen(int fd, int backlog)
{
	__u32 b = backlog > 0 ? (__u32)backlog : 0;	/* 0: driver default */

	return argoi_ioctl(fd, ARGOIOCLISTEN, &b) < 0 ? -1 : 0;
}

/* Give an accepted descriptor exactly the flags accept4() was asked for. */
static int set_accept_flags(int fd, int flags)
{
	int fdfl, fl;

	fdfl = fcntl(fd, F_GETFD);
	fl = fcntl(fd, F_GETFL);
	if (fdfl < 0 || fl < 0)
		return -1;
	fdfl = (flags & SOCK_CLOEXEC) ? fdfl | FD_CLOEXEC : fdfl & ~FD_CLOEXEC;
	fl = (flags & SOCK_NONBLOCK) ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	if (fcntl(fd, F_SETFD, fdfl) < 0 || fcntl(fd, F_SETFL, fl) < 0)
		return -1;
	return 0;
}

int argo_accept4(int fd, argo_addr_t *peer, int flags)
{
	xen_argo_addr_t a;
	int nfd, err;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
		errno = EINVAL;
		return -1;
	}
	memset(&a, 0, sizeof(a));
	nfd = argoi_ioctl(fd, ARGOIOCACCEPT, &a);
	if (nfd < 0)
		return -1;
	if (set_accept_flags(nfd, flags) < 0) {
		err = errno;
		close(nfd);
		errno = err;
		return -1;
	}
	if (peer)
		*peer = a;
	return nfd;
}

int argo_accept(int fd, argo_addr_t *peer)
{
	return argo_accept4(fd, peer, 0);
}

int argo_getsockname(int fd, argo_addr_t *addr, uint16_t *partner)
{
	struct argo_ring_id id;

	if (!addr) {
		errno = EFAULT;
		return -1;
	}
	memset(&id, 0, sizeof(id));
	if (argoi_ioctl(fd, ARGOIOCGETSOCKNAME, &id) < 0)
		return -1;
	memset(addr, 0, sizeof(*addr));
	addr->domain_id = id.domain_id;
	addr->aport = id.aport;
	if (partner)
		*partner = id.partner_id;
	return 0;
}

int argo_getpeername(int fd, argo_addr_t *addr)
{
	xen_argo_addr_t a;

	if (!addr) {
		errno = EFAULT;
		return -1;
	}
	memset(&a, 0, sizeof(a));
	if (argoi_ioctl(fd, ARGOIOCGETPEERNAME, &a) < 0)
		return -1;
	*addr = a;
	return 0;
}

int argo_shutdown(int fd, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) {
		errno = EINVAL;
		return -1;
	}
	return argoi_ioctl(fd, ARGOIOCSHUTDOWN, &how) < 0 ? -1 : 0;
}
