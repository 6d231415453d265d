/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * getsockopt.c - getsockopt(2); see sockopt.c for Argo sockets.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static int argo_ip_getsockopt_call(int fd, int level, int name, void *val,
				   socklen_t *len)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	int ret;

	if (argo_ip_lookup(fd, &s) != ARGO_IP_ARGO) {
		ret = r->getsockopt(fd, level, name, val, len);
		if (ret == 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
		argo_ip_lookup(fd, &s);
	}
	return argo_ip_getsockopt(fd, &s, level, name, val, len);
}

ARGO_IP_EXPORT int getsockopt(int fd, int level, int name, void *val,
			      socklen_t *len)
{
	if (!argo_ip_active())
		return argo_real()->getsockopt(fd, level, name, val, len);
	return argo_ip_getsockopt_call(fd, level, name, val, len);
}
