/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * interpose.h - internals of the LD_PRELOAD interposer (libargo-preload.so).
 *
 * Every wrapped call has three layers, each wrapper in its own file:
 *
 *   exported libc name (connect)        checks "is this fd ours?"
 *     -> argo_ip_ policy (argo_ip_connect)   maps AF_INET onto Argo
 *       -> the real libc function (argo_real()->connect), bound once
 *
 * Calls on descriptors that are not ours go straight to libc.
 *
 * State: one fd-indexed registry (registry.c: one table, one mutex,
 * pthread_atfork handlers) and the configuration read once from the
 * environment (config.c).  The registry lock is never held while calling
 * out of registry.c, so wrappers may be re-entered from libargo (which
 * calls close(2) and fcntl(2)) without deadlock.  Lock order: registry
 * only; config and the real-function table are pthread_once values.
 */
#ifndef ARGO_INTERPOSE_H
#define ARGO_INTERPOSE_H

#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "libargo.h"
#include "rule.h"

/* Symbols of the preload object that libc does not define stay hidden. */
#define ARGO_IP_HIDDEN __attribute__((visibility("hidden")))
#define ARGO_IP_EXPORT __attribute__((visibility("default")))

/* ---- real.c: the libc functions, bound once with dlsym(RTLD_NEXT) ---- */
struct argo_real {
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*sendto)(int, const void *, size_t, int,
			  const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *,
			    socklen_t *);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*shutdown)(int, int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	void (*closefrom)(int);
	int (*close_range)(unsigned int, unsigned int, int);
};

ARGO_IP_HIDDEN const struct argo_real *argo_real(void);

/* ---- config.c: the environment, read once ---- */
struct argo_ip_config {
	int enabled;		/* INET_IS_ARGO is exactly "1" */
	int inet6;		/* ARGO_INET6=1: AF_INET6 sockets too */
	int fallback_tcp;	/* ARGO_FALLBACK=tcp */
	int debug;		/* ARGO_INTERPOSE_DEBUG level, 0 = quiet */
	int map_error;		/* ARGO_MAP did not parse: refuse AF_INET */
	int have_local_domid;	/* ARGO_LOCAL_DOMID was given */
	uint16_t local_domid;
	struct argo_rules rules;
};

ARGO_IP_HIDDEN const struct argo_ip_config *argo_ip_config(void);
/* Shortcut: is the interposer switched on? */
ARGO_IP_HIDDEN int argo_ip_enabled(void);

/* ---- log.c ---- */
ARGO_IP_HIDDEN void argo_ip_log(int level, const char *func, int line,
				const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define ARGO_IP_DBG(level, ...) \
	argo_ip_log((level), __func__, __LINE__, __VA_ARGS__)
/* A message printed at most once per process (and once per exec). */
ARGO_IP_HIDDEN void argo_ip_warn_once(int *flag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- guard.c: calls into libargo re-enter our wrappers ----
 * libargo (and, in tests, the fake device) calls close(2), fcntl(2),
 * socket(2)... which resolve to our wrappers.  While a thread is inside
 * libargo for us, the wrappers pass everything straight to libc.
 */
ARGO_IP_HIDDEN int argo_ip_active(void);	/* enabled and not inside */
ARGO_IP_HIDDEN void argo_ip_enter(void);
ARGO_IP_HIDDEN void argo_ip_leave(void);
#define ARGO_IP_CALL(expr) __extension__ ({			\
	__typeof__(expr) argo_ip_r_;				\
	argo_ip_enter();					\
	argo_ip_r_ = (expr);					\
	argo_ip_leave();					\
	argo_ip_r_;						\
})

/* ---- registry.c: what we know about each descriptor ---- */
enum argo_ip_state {
	ARGO_IP_NONE = 0,	/* not ours: pass everything through */
	ARGO_IP_CANDIDATE,	/* AF_INET socket, Argo or TCP not decided */
	ARGO_IP_ARGO,		/* an Argo device descriptor */
};

struct argo_ip_sock {
	uint8_t state;		/* enum argo_ip_state */
	uint8_t socktype;	/* SOCK_STREAM or SOCK_DGRAM */
	uint8_t listening;	/* listen() succeeded */
	uint8_t bound;		/* bind() (or an implicit bind) done */
	uint8_t family;		/* AF_INET, AF_INET6 (ARGO_INET6=1); 0: AF_INET */
	/* Options accepted as hints: what getsockopt() reads back. */
	uint8_t reuseaddr, keepalive, nodelay, tos, v6only;
	int rcvbuf;		/* SO_RCVBUF asked for before conversion */
	int sndbuf;		/* SO_SNDBUF hint */
};

/* 1 and *out filled when fd is in the table, else 0. */
ARGO_IP_HIDDEN int argo_ip_reg_get(int fd, struct argo_ip_sock *out);
/* 0, or -1 + errno (ENOMEM, EBADF for a negative fd). */
ARGO_IP_HIDDEN int argo_ip_reg_set(int fd, const struct argo_ip_sock *s);
ARGO_IP_HIDDEN void argo_ip_reg_clear(int fd);
/* newfd takes oldfd's entry (or none, when oldfd has none). */
ARGO_IP_HIDDEN void argo_ip_reg_copy(int oldfd, int newfd);
/* Forget fds lo..hi (closefrom, close_range). */
ARGO_IP_HIDDEN void argo_ip_reg_clear_range(unsigned int lo, unsigned int hi);
/* Number of entries (for tests). */
ARGO_IP_HIDDEN size_t argo_ip_reg_count(void);
ARGO_IP_HIDDEN void argo_ip_reg_atfork_init(void);

/* ---- sock.c: helpers shared by the wrappers ---- */
/* State of fd (ARGO_IP_NONE when the interposer is off), *s filled. */
ARGO_IP_HIDDEN int argo_ip_lookup(int fd, struct argo_ip_sock *s);
/*
 * A real call failed with ENOTSOCK: is fd an Argo descriptor we did not
 * know (passed over a UNIX socket)?  1 when it was adopted.
 */
ARGO_IP_HIDDEN int argo_ip_adopt_on_enotsock(int fd);
/*
 * The same after the real call on a descriptor not in the registry gave
 * ret: 1 when fd was adopted (*s filled): do the call on Argo; 0: give
 * ret to the program.
 */
ARGO_IP_HIDDEN int argo_ip_retry_as_argo(int fd, ssize_t ret,
					 struct argo_ip_sock *s);
/* Add fd to the registry as an Argo descriptor (inherited, accepted). */
ARGO_IP_HIDDEN int argo_ip_adopt(int fd, int socktype);
/* Adopt the Argo descriptors this process inherited across exec. */
ARGO_IP_HIDDEN void argo_ip_adopt_inherited(void);
/* Map MSG_* flags of send/recv onto what the driver takes; -1 EOPNOTSUPP. */
ARGO_IP_HIDDEN int argo_ip_send_flags(int flags);
ARGO_IP_HIDDEN int argo_ip_recv_flags(int flags);
/*
 * Read the address given to a socket of s's family as an IPv4 address.
 * An AF_INET6 socket's ::, ::1 and ::ffff:A.B.C.D are 0.0.0.0, 127.0.0.1
 * and A.B.C.D; other IPv6 addresses have no Argo meaning.  0, or -1 +
 * errno (EAFNOSUPPORT: wrong family or not mappable, EINVAL: short).
 */
ARGO_IP_HIDDEN int argo_ip_sin(const struct argo_ip_sock *s,
			       const struct sockaddr *sa, socklen_t len,
			       struct sockaddr_in *sin);
/*
 * Give an IPv4 address to the caller in s's family (an AF_INET6 socket
 * sees ::ffff:A.B.C.D, or :: for 0.0.0.0), truncating like the kernel.
 */
ARGO_IP_HIDDEN void argo_ip_sin_out(const struct argo_ip_sock *s,
				    const struct sockaddr_in *sin,
				    struct sockaddr *sa, socklen_t *len);

/* ---- convert.c: turn a candidate into an Argo descriptor ---- */
enum argo_ip_conv {
	ARGO_IP_CONV_FAIL = -1,	/* errno set */
	ARGO_IP_CONV_ARGO = 0,	/* fd is now an Argo descriptor */
	ARGO_IP_CONV_INET = 1,	/* stay on TCP/IP (rule or fallback) */
};
ARGO_IP_HIDDEN enum argo_ip_conv argo_ip_convert(int fd,
						 struct argo_ip_sock *s);
/* Argo is not there (err): say so once; ARGO_IP_CONV_INET on fallback. */
ARGO_IP_HIDDEN enum argo_ip_conv argo_ip_unavailable(int socktype, int err);
/* Implicit bind of a datagram socket to a port below 65536. */
ARGO_IP_HIDDEN int argo_ip_autobind(int fd, struct argo_ip_sock *s,
				    uint16_t peer);
/* The local domain id (ARGO_LOCAL_DOMID, or asked once of the driver). */
ARGO_IP_HIDDEN int argo_ip_local_domid(uint16_t *domid);
/* Bind an Argo descriptor; port 0 picks a free port below 65536. */
ARGO_IP_HIDDEN int argo_ip_bind_port(int fd, uint32_t port,
				     uint16_t partner);

/* ---- inaddr.c: Argo addresses <-> AF_INET addresses ---- */
/*
 * Decide where an AF_INET address goes (rules), resolving "local" to the
 * local domid.  Returns the rule's target kind; for ARGO_TARGET_* other than
 * INET, *domid and *port are filled (*domid is the peer, or for bind the
 * partner; ARGO_DOMID_ANY for "any").
 */
ARGO_IP_HIDDEN int argo_ip_route(int socktype, const struct sockaddr_in *sin,
				 int for_bind, uint16_t *domid,
				 uint32_t *port);
/* An Argo (domid, port) as the AF_INET address a program sees. */
ARGO_IP_HIDDEN void argo_ip_to_sin(uint16_t domid, uint32_t port,
				   struct sockaddr_in *sin);
/*
 * The IPv4 address (host order) of a domain: 0.0.0.0 for "any",
 * 127.0.0.1 for this domain when loopback is set, else the rules' name
 * for it (default 1.0.0.0 + domid).
 */
ARGO_IP_HIDDEN uint32_t argo_ip_domid_addr(uint16_t domid, int loopback);
ARGO_IP_HIDDEN void argo_ip_make_sin(uint32_t addr, uint32_t port,
				     struct sockaddr_in *sin);
/*
 * The functions below answer 1: stay on TCP/IP (call libc), 0: Argo,
 * -1: error (errno set).  A candidate the rules send to Argo is converted
 * on the way.
 *
 * bind() of candidate s to sin (listen(): to 0.0.0.0 port 0); on 0, fd
 * is bound and s->bound is set and recorded.
 */
ARGO_IP_HIDDEN int argo_ip_bind_to(int fd, struct argo_ip_sock *s,
				   const struct sockaddr_in *sin);
/*
 * The peer sin of a candidate or Argo socket s (connect, sendto): on 0,
 * *domid and *port name it.  An Argo socket cannot go back to TCP/IP:
 * ENETUNREACH, logged as "cannot <verb> an IP address".
 */
ARGO_IP_HIDDEN int argo_ip_peer_route(int fd, struct argo_ip_sock *s,
				      const struct sockaddr_in *sin,
				      const char *verb, uint16_t *domid,
				      uint32_t *port);
/* Where argo_ip_send_route() sends data over Argo. */
struct argo_ip_send_dest {
	argo_addr_t addr;
	int named;		/* 0: to the connected peer, addr unused */
};
/*
 * sendto()/sendmsg(): where data with destination dest (NULL: none) goes.
 * On 0, *to says where on Argo: a stream ignores dest, as TCP does.  A
 * candidate whose destination the rules (or ARGO_FALLBACK=tcp) keep on
 * TCP/IP is taken out of the registry.
 */
ARGO_IP_HIDDEN int argo_ip_send_route(int fd, struct argo_ip_sock *s,
				      const struct sockaddr *dest,
				      socklen_t dlen,
				      struct argo_ip_send_dest *to);

/* ---- accept4.c: accept() and accept4() share one policy ---- */
ARGO_IP_HIDDEN int argo_ip_accept4(int fd, struct sockaddr *addr,
				   socklen_t *len, int flags, int is4);

/* ---- sockopt.c: socket options on Argo descriptors ---- */
/* A candidate's option that must survive conversion: remember it. */
ARGO_IP_HIDDEN void argo_ip_remember_opt(int fd, struct argo_ip_sock *s,
					 int level, int name, const void *val,
					 socklen_t len);
ARGO_IP_HIDDEN int argo_ip_setsockopt(int fd, struct argo_ip_sock *s,
				      int level, int name, const void *val,
				      socklen_t len);
ARGO_IP_HIDDEN int argo_ip_getsockopt(int fd, struct argo_ip_sock *s,
				      int level, int name, void *val,
				      socklen_t *len);

#endif /* ARGO_INTERPOSE_H */
