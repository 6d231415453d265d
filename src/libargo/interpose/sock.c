/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sock.c - helpers the wrappers share: registry look-ups, adopting Argo
 * descriptors we did not create, flags and sockaddr_in handling.
 */
#include "config.h"

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

int argo_ip_sin(const struct sockaddr *sa, socklen_t len,
		struct sockaddr_in *sin)
{
	if (!sa) {
		errno = EFAULT;
		return -1;
	}
	if (len < sizeof(sa_family_t) || sa->sa_family != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (len < sizeof(*sin)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(sin, sa, sizeof(*sin));
	return 0;
}

void argo_ip_sin_out(const struct sockaddr_in *sin, struct sockaddr *sa,
		     socklen_t *len)
{
	socklen_t n;

	if (!sa || !len)
		return;
	n = *len < sizeof(*sin) ? *len : (socklen_t)sizeof(*sin);
	memcpy(sa, sin, n);
	*len = sizeof(*sin);
}
