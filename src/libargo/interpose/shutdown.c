/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * shutdown.c - shutdown(2) on an Argo socket (half-close: FIN).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

static int argo_ip_shutdown(int fd, int how)
{
	const struct argo_real *r = argo_real();
	struct argo_ip_sock s;
	int ret;

	if (argo_ip_lookup(fd, &s) != ARGO_IP_ARGO) {
		ret = r->shutdown(fd, how);
		if (ret == 0 || !argo_ip_adopt_on_enotsock(fd))
			return ret;
	}
	return ARGO_IP_CALL(argo_shutdown(fd, how));
}

ARGO_IP_EXPORT int shutdown(int fd, int how)
{
	if (!argo_ip_active())
		return argo_real()->shutdown(fd, how);
	return argo_ip_shutdown(fd, how);
}
