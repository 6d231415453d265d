/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * setsockopt.c - setsockopt(2); what each option means on Argo is in
 * sockopt.c.  A candidate's options go to its real socket and the ones
 * that matter later (SO_RCVBUF, the hints) are remembered.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static int argo_ip_setsockopt_call(int fd, int level, int name,
				   const void *val, socklen_t len)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	int ret;

	switch (argo_ip_lookup(fd, &s)) {
	case ARGO_IP_NONE:
		ret = r->setsockopt(fd, level, name, val, len);
		if (ret == 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
		argo_ip_lookup(fd, &s);
		break;
	case ARGO_IP_CANDIDATE:
		ret = r->setsockopt(fd, level, name, val, len);
		if (ret == 0)
			argo_ip_remember_opt(fd, &s, level, name, val, len);
		return ret;
	}
	return argo_ip_setsockopt(fd, &s, level, name, val, len);
}

ARGO_IP_EXPORT int setsockopt(int fd, int level, int name, const void *val,
			      socklen_t len)
{
	if (!argo_ip_active())
		return argo_real()->setsockopt(fd, level, name, val, len);
	return argo_ip_setsockopt_call(fd, level, name, val, len);
}
