/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sock.c - helpers the wrappers share: registry look-ups, adopting Argo
 * descriptors we did not create, flags and sockaddr_in handling.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"

int argo_ip_lookup(int fd, struct argo_ip_sock *s)
{
	if (!argo_ip_reg_get(fd, s)) {
		memset(s, 0, sizeof(*s));
		return ARGO_IP_NONE;
	}
	return s->state;
}

int argo_ip_adopt(int fd, int socktype)
{
	struct argo_ip_sock s;
	socklen_t len = sizeof(socktype);

	if (socktype <= 0 &&
	    ARGO_IP_CALL(argo_getsockopt(fd, SOL_SOCKET, SO_TYPE, &socktype,
					 &len)) < 0)
		return -1;
	memset(&s, 0, sizeof(s));
	s.state = ARGO_IP_ARGO;
	s.socktype = (uint8_t)socktype;
	s.bound = 1;	/* unknown; only used to show names */
	return argo_ip_reg_set(fd, &s);
}

int argo_ip_adopt_on_enotsock(int fd)
{
	int saved = errno;

	if (saved != ENOTSOCK || ARGO_IP_CALL(argo_is_socket(fd)) != 1 ||
	    argo_ip_adopt(fd, 0) < 0) {
		errno = saved;
		return 0;
	}
	ARGO_IP_DBG(1, "fd %d: adopted an Argo descriptor", fd);
	return 1;
}

int argo_ip_retry_as_argo(int fd, ssize_t ret, struct argo_ip_sock *s)
{
	if (ret >= 0 || !argo_ip_adopt_on_enotsock(fd))
		return 0;
	argo_ip_lookup(fd, s);
	return 1;
}

/*
 * Descriptors inherited across exec (sshd re-executes itself with the
 * accepted connection on fd 0/1; inetd-style servers) are Argo devices
 * the registry of the new image does not know yet.
 */
void argo_ip_adopt_inherited(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	char *end;
	long fd;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		fd = strtol(de->d_name, &end, 10);
		if (*end || end == de->d_name || fd == dirfd(d))
			continue;
		if (ARGO_IP_CALL(argo_is_socket((int)fd)) == 1 &&
		    argo_ip_adopt((int)fd, 0) == 0)
			ARGO_IP_DBG(1, "fd %ld: inherited Argo descriptor",
				    fd);
	}
	closedir(d);
}

/* MSG_MORE is a batching hint: Argo sends every call as it comes. */
int argo_ip_send_flags(int flags)
{
	return flags & ~MSG_MORE;
}

int argo_ip_recv_flags(int flags)
{
	return flags;
}

/* An AF_INET6 address as IPv4, when it has an IPv4 meaning. */
static int sin6_to_sin(const struct sockaddr_in6 *s6, struct sockaddr_in *sin)
{
	const struct in6_addr *a = &s6->sin6_addr;
	uint32_t v4;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = s6->sin6_port;
	if (IN6_IS_ADDR_UNSPECIFIED(a))
		v4 = INADDR_ANY;
	else if (IN6_IS_ADDR_LOOPBACK(a))
		v4 = INADDR_LOOPBACK;
	else if (IN6_IS_ADDR_V4MAPPED(a))
		return memcpy(&sin->sin_addr, &a->s6_addr[12], 4), 0;
	else
		return -1;
	sin->sin_addr.s_addr = htonl(v4);
	return 0;
}

int argo_ip_sin(const struct argo_ip_sock *s, const struct sockaddr *sa,
		socklen_t len, struct sockaddr_in *sin)
{
	int family = s->family ? s->family : AF_INET;

	if (!sa) {
		errno = EFAULT;
		return -1;
	}
	if (len < sizeof(sa_family_t) || sa->sa_family != family) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 s6;

		if (len < sizeof(s6)) {
			errno = EINVAL;
			return -1;
		}
		memcpy(&s6, sa, sizeof(s6));
		if (sin6_to_sin(&s6, sin) < 0) {
			errno = EAFNOSUPPORT;	/* a real IPv6 address */
			return -1;
		}
		return 0;
	}
	if (len < sizeof(*sin)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(sin, sa, sizeof(*sin));
	return 0;
}

static void copy_out(const void *src, socklen_t size, struct sockaddr *sa,
		     socklen_t *len)
{
	memcpy(sa, src, *len < size ? *len : size);
	*len = size;
}

void argo_ip_sin_out(const struct argo_ip_sock *s,
		     const struct sockaddr_in *sin, struct sockaddr *sa,
		     socklen_t *len)
{
	struct sockaddr_in6 s6;

	if (!sa || !len)
		return;
	if (s->family != AF_INET6) {
		copy_out(sin, sizeof(*sin), sa, len);
		return;
	}
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = sin->sin_port;
	if (sin->sin_addr.s_addr != htonl(INADDR_ANY)) {
		s6.sin6_addr.s6_addr[10] = 0xff;
		s6.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6.sin6_addr.s6_addr[12], &sin->sin_addr, 4);
	}
	copy_out(&s6, sizeof(s6), sa, len);
}
