/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * strerror.c - error messages that tell the user what to do next.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "internal.h"

struct advice {
	int err;
	const char *text;
};

static const struct advice advice[] = {
	{ ENODEV, "Argo is not available: the argo module is not loaded "
		  "(modprobe argo; it refuses to load if Xen runs without "
		  "argo=1)" },
	{ EAFNOSUPPORT, "Argo is not available: not running on Xen" },
	{ EOPNOTSUPP, "operation not supported by Argo (or Argo is disabled "
		      "in Xen: boot Xen with argo=1)" },
	{ ENOSYS, "Xen was built without Argo (CONFIG_ARGO)" },
	{ ECONNREFUSED, "connection refused: no Argo listener on that port, "
			"or no such domain" },
	{ ESRCH, "no such domain" },
	{ EHOSTUNREACH, "no such domain (or it has no Argo)" },
	{ ECONNRESET, "connection reset by the peer domain" },
	{ EPERM, "not permitted by Xen: a wildcard partner needs Xen's "
		 "argo=1,mac-permissive=1, or XSM denied it" },
	{ EACCES, "permission denied: the Argo devices need root or the "
		  "argo group; ports below 1024 need CAP_NET_BIND_SERVICE" },
	{ EADDRINUSE, "that Argo port is already bound" },
	{ ENOSPC, "Xen's limit of Argo rings for this domain is reached" },
	{ EMSGSIZE, "message too long for the receiver's Argo ring" },
	{ ESOCKTNOSUPPORT, "Argo has only stream and datagram sockets" },
	{ ENOPROTOOPT, "socket option not supported on Argo sockets" },
};

const char *argo_strerror(int errnum)
{
	size_t i;

	for (i = 0; i < ARGOI_ARRAY_SIZE(advice); i++)
		if (advice[i].err == errnum)
			return advice[i].text;
	return strerror(errnum);
}
