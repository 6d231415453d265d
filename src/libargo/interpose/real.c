/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * real.c - the libc functions behind our wrappers, bound once.
 *
 * dlsym(RTLD_NEXT) finds the next definition after this object in the
 * lookup order: libc's (or another preloaded interposer's).  A symbol
 * that is missing gets a stub failing with ENOSYS, never a NULL call.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "interpose.h"

static struct argo_real real;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static int missing(void)
{
	errno = ENOSYS;
	return -1;
}

static void *next(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p) {
		/* No stdio here: it may not be set up this early. */
		static const char msg[] =
			"argo-interpose: a libc function is missing\n";
		if (write(2, msg, sizeof(msg) - 1) < 0) {
			/* nothing better to do */
		}
		return (void *)missing;
	}
	return p;
}

#define BIND_REAL(name) (*(void **)&real.name = next(#name))

static void bind_real(void)
{
	BIND_REAL(socket);
	BIND_REAL(bind);
	BIND_REAL(connect);
	BIND_REAL(listen);
	BIND_REAL(accept);
	BIND_REAL(accept4);
	BIND_REAL(getsockname);
	BIND_REAL(getpeername);
	BIND_REAL(send);
	BIND_REAL(sendto);
	BIND_REAL(sendmsg);
	BIND_REAL(recv);
	BIND_REAL(recvfrom);
	BIND_REAL(recvmsg);
	BIND_REAL(shutdown);
	BIND_REAL(setsockopt);
	BIND_REAL(getsockopt);
	BIND_REAL(fcntl);
	/* glibc >= 2.28; older ones have only fcntl. */
	*(void **)&real.fcntl64 = dlsym(RTLD_NEXT, "fcntl64");
	if (!real.fcntl64)
		real.fcntl64 = real.fcntl;
	BIND_REAL(close);
	BIND_REAL(dup);
	BIND_REAL(dup2);
	BIND_REAL(dup3);
	/* glibc >= 2.34: only wrapped when libc has them (see closefrom.c). */
	*(void **)&real.closefrom = dlsym(RTLD_NEXT, "closefrom");
	*(void **)&real.close_range = dlsym(RTLD_NEXT, "close_range");
}

const struct argo_real *argo_real(void)
{
	pthread_once(&real_once, bind_real);
	return &real;
}
