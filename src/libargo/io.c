/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * io.c - moving data: send/recv and their to/from/msg variants, all
 * through the driver's SEND and RECV ioctls.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Flags the driver takes.  As with send(2), a stream whose peer is gone
 * raises SIGPIPE unless MSG_NOSIGNAL is given. */
#define SEND_FLAGS	(MSG_DONTWAIT | MSG_NOSIGNAL)
#define SEND_IGNORED	0
#define RECV_FLAGS	(MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL)
#define RECV_IGNORED	(MSG_CMSG_CLOEXEC)

static ssize_t do_send(int fd, const void *buf, size_t len, int flags,
		       const argo_addr_t *dest)
{
	struct argo_dev d;
	xen_argo_addr_t a;

	if (flags & ~(SEND_FLAGS | SEND_IGNORED)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	memset(&d, 0, sizeof(d));
	d.buf = (void *)buf;
	d.len = len;
	d.flags = flags & SEND_FLAGS;
	if (dest) {
		memset(&a, 0, sizeof(a));
		a.aport = dest->aport;
		a.domain_id = dest->domain_id;
		d.addr = &a;
	}
	return argoi_ioctl(fd, ARGOIOCSEND, &d);
}

static ssize_t do_recv(int fd, void *buf, size_t len, int flags,
		       argo_addr_t *src)
{
	struct argo_dev d;
	xen_argo_addr_t a;
	int n;

	if (flags & ~(RECV_FLAGS | RECV_IGNORED)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	memset(&d, 0, sizeof(d));
	memset(&a, 0, sizeof(a));
	d.buf = buf;
	d.len = len;
	d.flags = flags & RECV_FLAGS;
	d.addr = src ? &a : NULL;
	n = argoi_ioctl(fd, ARGOIOCRECV, &d);
	if (n >= 0 && src)
		*src = a;
	return n;
}

ssize_t argo_send(int fd, const void *buf, size_t len, int flags)
{
	return do_send(fd, buf, len, flags, NULL);
}

ssize_t argo_sendto(int fd, const void *buf, size_t len, int flags,
		    const argo_addr_t *dest)
{
	return do_send(fd, buf, len, flags, dest);
}

ssize_t argo_recv(int fd, void *buf, size_t len, int flags)
{
	return do_recv(fd, buf, len, flags, NULL);
}

ssize_t argo_recvfrom(int fd, void *buf, size_t len, int flags,
		      argo_addr_t *src)
{
	return do_recv(fd, buf, len, flags, src);
}

/* Total length of an iovec array; -1 + EINVAL on overflow. */
static ssize_t iov_total(const struct iovec *iov, size_t n)
{
	size_t total = 0, i;

	if (n && !iov) {
		errno = EFAULT;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total) {
			errno = EINVAL;
			return -1;
		}
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

static void iov_gather(const struct iovec *iov, size_t n, char *dst)
{
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(dst, iov[i].iov_base, iov[i].iov_len);
		dst += iov[i].iov_len;
	}
}

static void iov_scatter(const struct iovec *iov, size_t n, const char *src,
			size_t len)
{
	size_t i, k;

	for (i = 0; i < n && len; i++) {
		k = iov[i].iov_len < len ? iov[i].iov_len : len;
		memcpy(iov[i].iov_base, src, k);
		src += k;
		len -= k;
	}
}

static int msg_dest(const struct msghdr *msg, argo_addr_t *dest)
{
	if (!msg->msg_name || !msg->msg_namelen)
		return 0;
	if (argo_addr_from_sockaddr(msg->msg_name, msg->msg_namelen, dest) < 0)
		return -1;
	return 1;
}

ssize_t argo_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	argo_addr_t dest;
	ssize_t total, n;
	char *buf;
	int has_dest;

	if (!msg) {
		errno = EFAULT;
		return -1;
	}
	if (msg->msg_controllen) {
		errno = EOPNOTSUPP;	/* no ancillary data over Argo */
		return -1;
	}
	has_dest = msg_dest(msg, &dest);
	total = iov_total(msg->msg_iov, msg->msg_iovlen);
	if (has_dest < 0 || total < 0)
		return -1;
	if (msg->msg_iovlen == 1)
		return do_send(fd, msg->msg_iov[0].iov_base, (size_t)total,
			       flags, has_dest ? &dest : NULL);
	/* One message must stay one datagram: gather the pieces. */
	buf = malloc(total ? (size_t)total : 1);
	if (!buf)
		return -1;
	iov_gather(msg->msg_iov, msg->msg_iovlen, buf);
	n = do_send(fd, buf, (size_t)total, flags, has_dest ? &dest : NULL);
	free(buf);
	return n;
}

static int socket_type(int fd)
{
	int ptype = 0;

	if (argoi_ioctl(fd, ARGOIOCGETSOCKTYPE, &ptype) < 0)
		return -1;
	return argoi_ptype_to_socktype(ptype);
}

/*
 * Receive into one buffer, learning the datagram's full length so that
 * MSG_TRUNC can be reported in msg_flags.
 */
static ssize_t recv_one(int fd, void *buf, size_t len, int flags,
			argo_addr_t *src, int *msg_flags)
{
	int is_dgram = socket_type(fd) == SOCK_DGRAM;
	ssize_t n;

	if (!is_dgram)
		return do_recv(fd, buf, len, flags & ~MSG_TRUNC, src);
	n = do_recv(fd, buf, len, flags | MSG_TRUNC, src);
	if (n < 0 || (size_t)n <= len)
		return n;
	*msg_flags |= MSG_TRUNC;
	return (flags & MSG_TRUNC) ? n : (ssize_t)len;
}

ssize_t argo_recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_xenargo sxa;
	argo_addr_t src;
	ssize_t total, n;
	char *buf;

	if (!msg) {
		errno = EFAULT;
		return -1;
	}
	total = iov_total(msg->msg_iov, msg->msg_iovlen);
	if (total < 0)
		return -1;
	msg->msg_flags = 0;
	if (msg->msg_iovlen == 1) {
		buf = NULL;
		n = recv_one(fd, msg->msg_iov[0].iov_base, (size_t)total,
			     flags, &src, &msg->msg_flags);
	} else {
		buf = malloc(total ? (size_t)total : 1);
		if (!buf)
			return -1;
		n = recv_one(fd, buf, (size_t)total, flags, &src,
			     &msg->msg_flags);
		if (n > 0)
			iov_scatter(msg->msg_iov, msg->msg_iovlen, buf,
				    (size_t)n < (size_t)total ? (size_t)n
							      : (size_t)total);
		free(buf);
	}
	if (n < 0)
		return -1;
	msg->msg_controllen = 0;
	if (msg->msg_name) {
		argo_addr_to_sockaddr(&src, &sxa);
		memcpy(msg->msg_name, &sxa,
		       msg->msg_namelen < sizeof(sxa) ? msg->msg_namelen
						      : sizeof(sxa));
		msg->msg_namelen = sizeof(sxa);
	}
	return n;
}
