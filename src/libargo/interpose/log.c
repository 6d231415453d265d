/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.c - debug lines and one-time warnings on stderr.
 *
 * Lines are formatted into a buffer and written with one write(2), so
 * lines of different threads do not mix and stdio's state is not touched.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "interpose.h"

static void emit(const char *buf, int n, size_t size)
{
	if (n < 0)
		return;
	if ((size_t)n >= size)
		n = (int)size - 1;
	if (write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* stderr closed: nothing to do */
	}
}

void argo_ip_log(int level, const char *func, int line, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n, m, saved = errno;

	if (argo_ip_config()->debug < level)
		return;
	n = snprintf(buf, sizeof(buf), "argo-interpose[%ld] %s:%d: ",
		     (long)getpid(), func, line);
	if (n < 0 || (size_t)n >= sizeof(buf) - 2)
		goto out;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof(buf) - 1 - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		goto out;
	n += m;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	emit(buf, n, sizeof(buf));
out:
	errno = saved;
}

void argo_ip_warn_once(int *flag, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n, saved = errno;

	if (__atomic_exchange_n(flag, 1, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		if ((size_t)n > sizeof(buf) - 2)
			n = sizeof(buf) - 2;
		buf[n++] = '\n';
		emit(buf, n, sizeof(buf));
	}
	errno = saved;
}
