/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sockopt.c - the socket options that mean something on Argo.
 *
 *   SO_ERROR   get   GETCONNECTERR (read and clear)
 *   SO_TYPE    get   GETSOCKTYPE, as SOCK_STREAM/SOCK_DGRAM
 *   SO_RCVBUF  both  the receive ring size (SETRINGSIZE/GETRINGSIZE)
 *   SO_DOMAIN  get   AF_XENARGO
 *   SO_PROTOCOL get  0
 * Anything else fails with ENOPROTOOPT rather than pretending.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "internal.h"

static int put_int(void *optval, socklen_t *optlen, int v)
{
	if (!optval || !optlen) {
		errno = EFAULT;
		return -1;
	}
	if (*optlen < sizeof(int)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(optval, &v, sizeof(v));
	*optlen = sizeof(int);
	return 0;
}

static int get_int(const void *optval, socklen_t optlen, int *v)
{
	if (!optval) {
		errno = EFAULT;
		return -1;
	}
	if (optlen < sizeof(int)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(v, optval, sizeof(*v));
	return 0;
}

/* SO_RCVBUF value -> a ring size the driver accepts. */
static __u32 clamp_ring_size(int v)
{
	if (v < 0 || (__u32)v < ARGO_RING_SIZE_MIN)
		return ARGO_RING_SIZE_MIN;
	if ((__u32)v > ARGO_RING_SIZE_MAX)
		return ARGO_RING_SIZE_MAX;
	return (__u32)v;
}

static int get_value(int fd, int optname, int *v)
{
	__u32 size;
	int ptype;

	switch (optname) {
	case SO_ERROR:
		return argoi_ioctl(fd, ARGOIOCGETCONNECTERR, v) < 0 ? -1 : 0;
	case SO_TYPE:
		if (argoi_ioctl(fd, ARGOIOCGETSOCKTYPE, &ptype) < 0)
			return -1;
		*v = argoi_ptype_to_socktype(ptype);
		if (*v < 0) {
			errno = EPROTO;
			return -1;
		}
		return 0;
	case SO_RCVBUF:
		if (argoi_ioctl(fd, ARGOIOCGETRINGSIZE, &size) < 0)
			return -1;
		*v = size > (__u32)INT32_MAX ? INT32_MAX : (int)size;
		return 0;
	case SO_DOMAIN:
		*v = AF_XENARGO;
		return 0;
	case SO_PROTOCOL:
		*v = 0;
		return 0;
	default:
		errno = ENOPROTOOPT;
		return -1;
	}
}

int argo_getsockopt(int fd, int level, int optname, void *optval,
		    socklen_t *optlen)
{
	int v;

	if (level != SOL_SOCKET) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (get_value(fd, optname, &v) < 0)
		return -1;
	return put_int(optval, optlen, v);
}

int argo_setsockopt(int fd, int level, int optname, const void *optval,
		    socklen_t optlen)
{
	__u32 size;
	int v;

	if (level != SOL_SOCKET || optname != SO_RCVBUF) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (get_int(optval, optlen, &v) < 0)
		return -1;
	size = clamp_ring_size(v);
	return argoi_ioctl(fd, ARGOIOCSETRINGSIZE, &size) < 0 ? -1 : 0;
}
