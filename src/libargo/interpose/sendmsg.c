/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sendmsg.c - sendmsg(2): msg_name is routed like sendto()'s address;
 * ancillary data is refused (EOPNOTSUPP): Argo carries none.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static ssize_t send_argo(int fd, const struct argo_ip_sock *s,
			 const struct msghdr *msg, const argo_addr_t *dest,
			 int flags)
{
	struct sockaddr_xenargo sxa;
	struct msghdr m = *msg;

	m.msg_name = NULL;
	m.msg_namelen = 0;
	if (dest && s->socktype == SOCK_DGRAM) {
		argo_addr_to_sockaddr(dest, &sxa);
		m.msg_name = &sxa;
		m.msg_namelen = sizeof(sxa);
	}
	return ARGO_IP_CALL(argo_sendmsg(fd, &m, argo_ip_send_flags(flags)));
}

static ssize_t argo_ip_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	argo_addr_t a;
	ssize_t ret;
	int st = argo_ip_lookup(fd, &s);

	if (st == ARGO_IP_NONE) {
		ret = r->sendmsg(fd, msg, flags);
		if (ret >= 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
		st = argo_ip_lookup(fd, &s);
	}
	if (!msg) {
		errno = EFAULT;
		return -1;
	}
	if (!msg->msg_name || s.socktype == SOCK_STREAM) {
		if (st == ARGO_IP_CANDIDATE)
			return r->sendmsg(fd, msg, flags);
		return send_argo(fd, &s, msg, NULL, flags);
	}
	switch (argo_ip_dgram_dest(fd, &s, msg->msg_name, msg->msg_namelen,
				   &a)) {
	case 1:
		return r->sendmsg(fd, msg, flags);
	case 0:
		return send_argo(fd, &s, msg, &a, flags);
	default:
		return -1;
	}
}

ARGO_IP_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (!argo_ip_active())
		return argo_real()->sendmsg(fd, msg, flags);
	return argo_ip_sendmsg(fd, msg, flags);
}
