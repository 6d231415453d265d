/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * recvmsg.c - recvmsg(2): msg_name as AF_INET (datagrams; streams
 * report none), no ancillary data.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static ssize_t recv_argo(int fd, const struct argo_ip_sock *s,
			 struct msghdr *msg, int flags)
{
	struct sockaddr_xenargo sxa;
	struct sockaddr_in sin;
	struct msghdr m = *msg;
	ssize_t n;

	memset(&sxa, 0, sizeof(sxa));
	m.msg_name = &sxa;
	m.msg_namelen = sizeof(sxa);
	m.msg_control = NULL;
	m.msg_controllen = 0;
	n = ARGO_IP_CALL(argo_recvmsg(fd, &m, argo_ip_recv_flags(flags)));
	if (n < 0)
		return -1;
	msg->msg_flags = m.msg_flags;
	msg->msg_controllen = 0;
	if (!msg->msg_name || s->socktype == SOCK_STREAM) {
		msg->msg_namelen = 0;
		return n;
	}
	argo_ip_to_sin(sxa.sxenargo_domain, sxa.sxenargo_port, &sin);
	argo_ip_sin_out(s, &sin, msg->msg_name, &msg->msg_namelen);
	return n;
}

static ssize_t argo_ip_recvmsg(int fd, struct msghdr *msg, int flags)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	ssize_t n;

	if (argo_ip_lookup(fd, &s) != ARGO_IP_ARGO) {
		n = r->recvmsg(fd, msg, flags);
		if (n >= 0 || !argo_ip_adopt_on_enotsock(fd))
			return n;
		argo_ip_lookup(fd, &s);
	}
	if (!msg) {
		errno = EFAULT;
		return -1;
	}
	return recv_argo(fd, &s, msg, flags);
}

ARGO_IP_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	if (!argo_ip_active())
		return argo_real()->recvmsg(fd, msg, flags);
	return argo_ip_recvmsg(fd, msg, flags);
}
