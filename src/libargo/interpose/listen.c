/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * listen.c - listen(2); an unbound socket is bound to 0.0.0.0 port 0
 * first, which the rules may send to Argo like an explicit bind.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

#include <arpa/inet.h>

/* Implicit bind of a candidate.  1: stay on TCP/IP, 0: Argo, -1: error. */
static int implicit_bind(int fd, struct argo_ip_sock *s)
{
	struct sockaddr_in any;

	argo_ip_make_sin(INADDR_ANY, 0, &any);
	return argo_ip_bind_to(fd, s, &any);
}

static int argo_ip_listen(int fd, int backlog)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	int ret;

	switch (argo_ip_lookup(fd, &s)) {
	case ARGO_IP_NONE:
		ret = r->listen(fd, backlog);
		if (ret == 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
		argo_ip_lookup(fd, &s);
		break;
	case ARGO_IP_CANDIDATE:
		if (s.socktype != SOCK_STREAM)
			return r->listen(fd, backlog);
		ret = implicit_bind(fd, &s);
		if (ret < 0)
			return -1;
		if (ret > 0) {
			argo_ip_reg_clear(fd);
			return r->listen(fd, backlog);
		}
		break;
	}
	if (ARGO_IP_CALL(argo_listen(fd, backlog)) < 0)
		return -1;
	s.listening = 1;
	return argo_ip_reg_set(fd, &s);
}

ARGO_IP_EXPORT int listen(int fd, int backlog)
{
	if (!argo_ip_active())
		return argo_real()->listen(fd, backlog);
	return argo_ip_listen(fd, backlog);
}
