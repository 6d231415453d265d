/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny helpers shared by the lab's test programs: TAP output and thin
 * wrappers over argo.ko's ioctls (raw, without libargo, so that the module
 * is tested on its own).
 */
#ifndef ARGO_TEST_H
#define ARGO_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/argo.h>

static int t_num, t_failed;

static void __attribute__((format(printf, 2, 3)))
t_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++t_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		t_failed++;
}

/* "call returned want_ret (or -1 with errno want_errno)" as a test line. */
#define T_ERRNO(expr, want_errno, what)					\
	do {								\
		long r_ = (expr);					\
		int e_ = errno;						\
		t_ok(r_ == -1 && e_ == (want_errno),			\
		     "%s: errno %s (got %ld, %s)", (what),		\
		     strerrorname_np(want_errno) ?: "?", r_,		\
		     r_ == -1 ? (strerrorname_np(e_) ?: "?") : "success"); \
	} while (0)

static inline void t_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int t_done(void)
{
	printf("# %d tests, %d failed\n", t_num, t_failed);
	return t_failed ? 1 : 0;
}

static inline int argo_open_dgram(void)
{
	int fd = open(ARGO_DGRAM_DEVICE, O_RDWR);

	if (fd < 0) {
		printf("Bail out! open %s: %s\n", ARGO_DGRAM_DEVICE,
		       strerror(errno));
		exit(1);
	}
	return fd;
}

static inline int argo_bind(int fd, uint32_t port, uint16_t partner)
{
	struct argo_ring_id id = { .partner_id = partner, .aport = port };

	return ioctl(fd, ARGOIOCBIND, &id);
}

static inline struct argo_ring_id argo_name(int fd)
{
	struct argo_ring_id id;

	memset(&id, 0xff, sizeof(id));
	if (ioctl(fd, ARGOIOCGETSOCKNAME, &id))
		perror("GETSOCKNAME");
	return id;
}

static inline ssize_t argo_sendto(int fd, const void *buf, size_t len, int flags,
			   uint16_t dom, uint32_t port)
{
	xen_argo_addr_t to = { .aport = port, .domain_id = dom };
	struct argo_dev a = {
		.buf = (void *)buf, .len = len, .flags = flags, .addr = &to,
	};

	return ioctl(fd, ARGOIOCSEND, &a);
}

static inline ssize_t argo_recvfrom(int fd, void *buf, size_t len, int flags,
			     xen_argo_addr_t *from)
{
	struct argo_dev a = {
		.buf = buf, .len = len, .flags = flags, .addr = from,
	};

	return ioctl(fd, ARGOIOCRECV, &a);
}

static inline int argo_connect(int fd, uint16_t dom, uint32_t port)
{
	xen_argo_addr_t to = { .aport = port, .domain_id = dom };

	return ioctl(fd, ARGOIOCCONNECT, &to);
}

/* A test pattern that differs per message and per byte. */
static inline void t_fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

#endif /* ARGO_TEST_H */
