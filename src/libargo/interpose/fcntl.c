/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fcntl.c - fcntl(2) and fcntl64: F_DUPFD and F_DUPFD_CLOEXEC copy the
 * registry entry; everything else (O_NONBLOCK, FD_CLOEXEC) acts on the
 * descriptor itself, device or socket alike, so it passes through.
 * Programs built with _FILE_OFFSET_BITS=64 call fcntl64.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interpose.h"

#include <fcntl.h>
#include <stdarg.h>

static int after_fcntl(int fd, int cmd, int ret)
{
	if (ret >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) &&
	    argo_ip_active())
		argo_ip_reg_copy(fd, ret);
	return ret;
}

/* Like glibc, take the optional argument as a pointer-sized value. */
ARGO_IP_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return after_fcntl(fd, cmd, argo_real()->fcntl(fd, cmd, arg));
}

ARGO_IP_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return after_fcntl(fd, cmd, argo_real()->fcntl64(fd, cmd, arg));
}
