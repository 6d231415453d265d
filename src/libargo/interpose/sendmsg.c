/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sendmsg.c - sendmsg(2): msg_name is routed like sendto()'s address;
 * ancillary data is refused (EOPNOTSUPP): Argo carries none.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static ssize_t send_argo(int fd, const struct msghdr *msg,
			 const struct argo_ip_send_dest *dest, int flags)
{
	struct sockaddr_xenargo sxa;
	struct msghdr m = *msg;

	m.msg_name = NULL;
	m.msg_namelen = 0;
	if (dest->named) {
		argo_addr_to_sockaddr(&dest->addr, &sxa);
		m.msg_name = &sxa;
		m.msg_namelen = sizeof(sxa);
	}
	return ARGO_IP_CALL(argo_sendmsg(fd, &m, argo_ip_send_flags(flags)));
}

static ssize_t argo_ip_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_send_dest to;
	struct argo_ip_sock s;
	ssize_t ret;

	if (argo_ip_lookup(fd, &s) == ARGO_IP_NONE) {
		ret = r->sendmsg(fd, msg, flags);
		if (!argo_ip_retry_as_argo(fd, ret, &s))
			return ret;
	}
	if (!msg) {
		errno = EFAULT;
		return -1;
	}
	ret = argo_ip_send_route(fd, &s, msg->msg_name, msg->msg_namelen,
				 &to);
	if (ret > 0)
		return r->sendmsg(fd, msg, flags);
	if (ret < 0)
		return -1;
	return send_argo(fd, msg, &to, flags);
}

ARGO_IP_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (!argo_ip_active())
		return argo_real()->sendmsg(fd, msg, flags);
	return argo_ip_sendmsg(fd, msg, flags);
}
