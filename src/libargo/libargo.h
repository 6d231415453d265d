/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libargo.h - socket-like C API over Xen Argo (the argo.ko driver).
 *
 * Every call returns -1 and sets errno on failure, like the socket calls it
 * mirrors; nothing returns a negative errno.  A descriptor from argo_socket()
 * or argo_accept() is a plain file descriptor: read(2), write(2), poll(2),
 * select(2), epoll(7), fcntl(2) and close(2) work on it.
 *
 * Linking against libargo never interposes anything: only the separate
 * preload object (see argo-run(1)) turns AF_INET sockets into Argo ones.
 *
 * See libargo(3).
 */
#ifndef LIBARGO_H
#define LIBARGO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <linux/argo.h>

#ifdef __cplusplus
extern "C" {
#endif

/* OpenXT-compatible address family names (the number OpenXT used). */
#ifndef AF_XENARGO
#define AF_XENARGO	13398
#endif
#ifndef PF_XENARGO
#define PF_XENARGO	AF_XENARGO
#endif

/*
 * An Argo address as a struct sockaddr, for argo_sendmsg()/argo_recvmsg()
 * msg_name and for programs that keep addresses in sockaddr storage.  Same
 * size as struct sockaddr; the padding must be zero.
 */
struct sockaddr_xenargo {
	sa_family_t sxenargo_family;	/* AF_XENARGO */
	uint32_t sxenargo_port;
	uint16_t sxenargo_domain;
	uint8_t sxenargo_zero[sizeof(struct sockaddr) - sizeof(sa_family_t)
			      - sizeof(uint32_t) - sizeof(uint16_t) - 2];
};

/* The address type of this API: Xen's {aport, domain_id, pad}. */
typedef xen_argo_addr_t argo_addr_t;

/* Domain ids: any domain, and the first reserved (invalid) id. */
#define ARGO_DOMID_FIRST_RESERVED	0x7FF0U
/* Longest "DOMID:PORT" text argo_addr_format() writes, with its NUL. */
#define ARGO_ADDRSTRLEN			24

/* Sockets.  type: SOCK_STREAM or SOCK_DGRAM, optionally | SOCK_NONBLOCK.
 * The descriptor is always close-on-exec (SOCK_CLOEXEC is accepted). */
int argo_socket(int type);
int argo_close(int fd);

/* partner: the only domain allowed to send to the bound port, or
 * ARGO_DOMID_ANY (needs Xen's permissive mode). addr->aport may be
 * ARGO_PORT_ANY; addr->domain_id is ignored. */
int argo_bind(int fd, const argo_addr_t *addr, uint16_t partner);
int argo_connect(int fd, const argo_addr_t *peer);
int argo_listen(int fd, int backlog);
/* peer may be NULL.  flags: SOCK_NONBLOCK | SOCK_CLOEXEC (the new
 * descriptor is close-on-exec only when asked, like accept4(2)). */
int argo_accept(int fd, argo_addr_t *peer);
int argo_accept4(int fd, argo_addr_t *peer, int flags);

ssize_t argo_send(int fd, const void *buf, size_t len, int flags);
ssize_t argo_recv(int fd, void *buf, size_t len, int flags);
ssize_t argo_sendto(int fd, const void *buf, size_t len, int flags,
		    const argo_addr_t *dest);
ssize_t argo_recvfrom(int fd, void *buf, size_t len, int flags,
		      argo_addr_t *src);
/* msg_name is a struct sockaddr_xenargo (or NULL); no control messages. */
ssize_t argo_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t argo_recvmsg(int fd, struct msghdr *msg, int flags);

/* partner may be NULL. */
int argo_getsockname(int fd, argo_addr_t *addr, uint16_t *partner);
int argo_getpeername(int fd, argo_addr_t *addr);
int argo_shutdown(int fd, int how);

/* level SOL_SOCKET: SO_ERROR, SO_TYPE (get), SO_RCVBUF (get/set: the ring
 * size in bytes; set before bind/connect/listen), SO_DOMAIN (get).  Others:
 * ENOPROTOOPT. */
int argo_setsockopt(int fd, int level, int optname, const void *optval,
		    socklen_t optlen);
int argo_getsockopt(int fd, int level, int optname, void *optval,
		    socklen_t *optlen);

/* Is this descriptor an Argo socket?  1 yes, 0 no, -1 + errno. */
int argo_is_socket(int fd);

/* Can Argo sockets of this type be opened here?  0, or -1 + errno. */
int argo_probe(int type);

/*
 * Like strerror(3), with Argo-specific advice for the errors the driver
 * gives meaning to (ENODEV: the module is not loaded, ENXIO/EOPNOTSUPP: not
 * on Xen or Argo disabled, ECONNREFUSED: no such port or domain ...).
 * Never NULL; the string is static.
 */
const char *argo_strerror(int errnum);

/*
 * Addresses as text: DOMID[:PORT].  DOMID is a decimal or 0x-hex domain id
 * below ARGO_DOMID_FIRST_RESERVED, or "any"/"*"; PORT is a decimal or hex
 * 32-bit port, or "any"/"*".  Without ":PORT", default_port is used.
 * 0, or -1 + errno EINVAL (ERANGE when a number is too big).
 */
int argo_parse_domid(const char *s, uint16_t *domid);
int argo_parse_port(const char *s, uint32_t *port);
int argo_addr_parse(const char *s, uint32_t default_port, argo_addr_t *addr);
/* Writes "DOMID:PORT" ("any" for the wildcards); returns the length it
 * needed, like snprintf(3), or -1 + errno. */
int argo_addr_format(const argo_addr_t *addr, char *buf, size_t size);

/* Conversions to and from struct sockaddr_xenargo.  -1 + EAFNOSUPPORT for
 * another family, EINVAL for a short length. */
int argo_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len,
			    argo_addr_t *addr);
void argo_addr_to_sockaddr(const argo_addr_t *addr,
			   struct sockaddr_xenargo *sa);

#ifdef __cplusplus
}
#endif

#endif /* LIBARGO_H */
