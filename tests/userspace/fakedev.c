/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fakedev.c - a fake argo.ko for userspace tests, loaded with LD_PRELOAD.
 *
 * open("/dev/argo_stream"/"/dev/argo_dgram") returns an AF_UNIX socket
 * (SOCK_STREAM or SOCK_DGRAM) and the driver's ioctls are emulated on it.
 * Because the descriptor is a real socket, read(2), write(2), poll(2),
 * fork(2) and exec(2) behave as they do on the driver, and separate
 * processes (a listener and a client) talk to each other.  An Argo address
 * (domid, port) is the abstract unix name "argo-fake/NS/{s,d}/DOMID/PORT".
 *
 * Environment:
 *   ARGO_FAKE_NS=NAME      isolates concurrent tests (default "default")
 *   ARGO_FAKE_DOMID=N      this process's domain id (default 0)
 *   ARGO_FAKE_MISSING=1    the devices do not exist (open: ENOENT)
 *   ARGO_FAKE_FAIL=REQ=ERR[,REQ=ERR]   make ioctl REQ (BIND, CONNECT,
 *                          LISTEN, ACCEPT, SEND, RECV, SETRINGSIZE, ...)
 *                          fail with errno ERR (a number or a name below)
 *
 * Not emulated: a bound partner is only enforced on datagram receive;
 * ring-size limits beyond the uapi bounds; credits and back-pressure are
 * those of AF_UNIX.  This tests the library's and tools' logic, the Xen lab
 * tests the real driver.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <linux/argo.h>

struct fake {
	int used;
	int type;		/* SOCK_STREAM or SOCK_DGRAM */
	int bound;
	int connected;
	int pending_err;	/* for GETCONNECTERR */
	uint16_t partner;
	uint32_t port;
	uint32_t ringsize;
	xen_argo_addr_t peer;
};

/* The fd table: indexed by descriptor, grown on demand, under one lock. */
static struct fake *table;
static size_t table_len;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static int (*real_open)(const char *, int, ...);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_fstat)(int, struct stat *);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static pthread_once_t bind_once = PTHREAD_ONCE_INIT;

static void bind_real(void)
{
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	real_fstat = (int (*)(int, struct stat *))dlsym(RTLD_NEXT, "fstat");
	real_dup = (int (*)(int))dlsym(RTLD_NEXT, "dup");
	real_dup2 = (int (*)(int, int))dlsym(RTLD_NEXT, "dup2");
	real_dup3 = (int (*)(int, int, int))dlsym(RTLD_NEXT, "dup3");
}

static void init(void)
{
	pthread_once(&bind_once, bind_real);
}

/* ---- the table ---- */

static int table_get(int fd, struct fake *out)
{
	int ok = 0;

	pthread_mutex_lock(&table_lock);
	if (fd >= 0 && (size_t)fd < table_len && table[fd].used) {
		*out = table[fd];
		ok = 1;
	}
	pthread_mutex_unlock(&table_lock);
	return ok;
}

static void table_put(int fd, const struct fake *f)
{
	size_t n;
	struct fake *t;

	if (fd < 0)
		return;
	pthread_mutex_lock(&table_lock);
	if ((size_t)fd >= table_len) {
		n = (size_t)fd * 2 + 16;
		t = realloc(table, n * sizeof(*t));
		if (!t) {
			pthread_mutex_unlock(&table_lock);
			abort();
		}
		memset(t + table_len, 0, (n - table_len) * sizeof(*t));
		table = t;
		table_len = n;
	}
	table[fd] = *f;
	table[fd].used = 1;
	pthread_mutex_unlock(&table_lock);
}

static void table_del(int fd)
{
	pthread_mutex_lock(&table_lock);
	if (fd >= 0 && (size_t)fd < table_len)
		table[fd].used = 0;
	pthread_mutex_unlock(&table_lock);
}

/* ---- configuration ---- */

static const char *ns(void)
{
	const char *s = getenv("ARGO_FAKE_NS");

	return s && *s ? s : "default";
}

static uint16_t my_domid(void)
{
	const char *s = getenv("ARGO_FAKE_DOMID");

	return s ? (uint16_t)strtoul(s, NULL, 0) : 0;
}

static const struct {
	const char *name;
	int err;
} errnames[] = {
	{ "ECONNREFUSED", ECONNREFUSED }, { "ECONNRESET", ECONNRESET },
	{ "EPERM", EPERM }, { "EACCES", EACCES }, { "EADDRINUSE", EADDRINUSE },
	{ "ENOSPC", ENOSPC }, { "EAGAIN", EAGAIN }, { "EINVAL", EINVAL },
	{ "EMSGSIZE", EMSGSIZE }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOSYS", ENOSYS }, { "ENOMEM", ENOMEM }, { "EINTR", EINTR },
	{ "ETIMEDOUT", ETIMEDOUT }, { "ESRCH", ESRCH },
	{ "EHOSTUNREACH", EHOSTUNREACH },
};

static int parse_err(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (strlen(errnames[i].name) == len &&
		    strncmp(errnames[i].name, s, len) == 0)
			return errnames[i].err;
	return (int)strtol(s, NULL, 10);
}

/* Is ioctl NAME told to fail?  Returns the errno, or 0. */
static int injected(const char *name)
{
	const char *s = getenv("ARGO_FAKE_FAIL");
	size_t n = strlen(name);
	const char *eq, *end;

	while (s && *s) {
		eq = strchr(s, '=');
		if (!eq)
			return 0;
		end = strchr(eq, ',');
		if (!end)
			end = eq + strlen(eq);
		if ((size_t)(eq - s) == n && strncmp(s, name, n) == 0)
			return parse_err(eq + 1, (size_t)(end - eq - 1));
		s = *end ? end + 1 : end;
	}
	return 0;
}

/* ---- addresses ---- */

static socklen_t make_name(struct sockaddr_un *sun, int type, uint16_t dom,
			   uint32_t port)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
		     "argo-fake/%s/%c/%u/%u", ns(),
		     type == SOCK_STREAM ? 's' : 'd', dom, port);
	if (n < 0 || (size_t)n >= sizeof(sun->sun_path) - 1)
		n = (int)sizeof(sun->sun_path) - 2;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int parse_name(const struct sockaddr_un *sun, socklen_t len,
		      xen_argo_addr_t *a)
{
	char buf[sizeof(sun->sun_path)];
	size_t n;
	const char *p;
	unsigned dom, port;

	memset(a, 0, sizeof(*a));
	if (len <= offsetof(struct sockaddr_un, sun_path) + 1)
		return -1;
	n = len - offsetof(struct sockaddr_un, sun_path) - 1;
	memcpy(buf, sun->sun_path + 1, n);
	buf[n] = '\0';
	p = strrchr(buf, '/');
	if (!p)
		return -1;
	port = (unsigned)strtoul(p + 1, NULL, 10);
	buf[p - buf] = '\0';
	p = strrchr(buf, '/');
	if (!p)
		return -1;
	dom = (unsigned)strtoul(p + 1, NULL, 10);
	a->domain_id = (uint16_t)dom;
	a->aport = port;
	return 0;
}

static int bind_port(int fd, struct fake *f, uint32_t port)
{
	struct sockaddr_un sun;
	socklen_t len;
	uint32_t range = ARGO_EPHEMERAL_PORT_MAX - ARGO_EPHEMERAL_PORT_MIN;
	uint32_t p;
	int tries;

	if (port != ARGO_PORT_ANY) {
		len = make_name(&sun, f->type, my_domid(), port);
		if (bind(fd, (struct sockaddr *)&sun, len) < 0)
			return -1;
		f->port = port;
		f->bound = 1;
		return 0;
	}
	p = ARGO_EPHEMERAL_PORT_MIN + ((uint32_t)getpid() * 7919u) % range;
	for (tries = 0; tries < 1000; tries++, p++) {
		len = make_name(&sun, f->type, my_domid(), p);
		if (bind(fd, (struct sockaddr *)&sun, len) == 0) {
			f->port = p;
			f->bound = 1;
			return 0;
		}
		if (errno != EADDRINUSE)
			return -1;
	}
	return -1;
}

/*
 * A descriptor inherited across exec (sshd re-executes itself with the
 * accepted connection) is not in this image's table.  If it is one of
 * ours, an AF_UNIX socket named "argo-fake/NS/...", take it in, as the
 * real driver's descriptors need no table.
 */
static int adopt_inherited(int fd, struct fake *out)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun), tl;
	struct fake f;
	char prefix[80];
	int n, type = 0;

	n = snprintf(prefix, sizeof(prefix), "argo-fake/%s/", ns());
	if (n < 0 || (size_t)n >= sizeof(prefix) ||
	    getsockname(fd, (struct sockaddr *)&sun, &len) < 0 ||
	    sun.sun_family != AF_UNIX ||
	    len <= offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n ||
	    sun.sun_path[0] != '\0' ||
	    strncmp(sun.sun_path + 1, prefix, (size_t)n) != 0)
		return 0;
	tl = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
		return 0;
	memset(&f, 0, sizeof(f));
	f.type = type;
	f.bound = 1;
	f.partner = ARGO_DOMID_ANY;
	parse_name(&sun, len, &f.peer);
	f.port = f.peer.aport;
	memset(&f.peer, 0, sizeof(f.peer));
	len = sizeof(sun);
	if (getpeername(fd, (struct sockaddr *)&sun, &len) == 0 &&
	    parse_name(&sun, len, &f.peer) == 0)
		f.connected = 1;
	table_put(fd, &f);
	*out = f;
	return 1;
}

static int lookup(int fd, struct fake *out)
{
	return table_get(fd, out) || adopt_inherited(fd, out);
}

/* ---- ioctls ---- */

static int do_bind(int fd, struct fake *f, struct argo_ring_id *id)
{
	if (f->bound) {
		errno = EINVAL;
		return -1;
	}
	if (bind_port(fd, f, id->aport) < 0)
		return -1;
	f->partner = id->partner_id;
	return 0;
}

static int do_connect(int fd, struct fake *f, xen_argo_addr_t *a)
{
	struct sockaddr_un sun;
	socklen_t len;
	int nonblock = fcntl(fd, F_GETFL) & O_NONBLOCK;

	if (!a) {
		f->connected = 0;
		return 0;
	}
	/* The driver's checks: a real peer, the bound partner, once. */
	if (a->domain_id == ARGO_DOMID_ANY ||
	    (f->type == SOCK_STREAM && a->aport == ARGO_PORT_ANY) ||
	    (f->bound && f->partner != ARGO_DOMID_ANY &&
	     f->partner != a->domain_id)) {
		errno = EINVAL;
		return -1;
	}
	if (f->type == SOCK_STREAM && f->connected) {
		errno = EISCONN;
		return -1;
	}
	if (!f->bound && bind_port(fd, f, ARGO_PORT_ANY) < 0)
		return -1;
	len = make_name(&sun, f->type, a->domain_id, a->aport);
	if (connect(fd, (struct sockaddr *)&sun, len) < 0) {
		if (errno == ENOENT)
			errno = ECONNREFUSED;
		return -1;
	}
	f->peer = *a;
	f->connected = 1;
	if (f->type == SOCK_STREAM && nonblock) {
		errno = EINPROGRESS;	/* as the driver does; poll says done */
		return -2;
	}
	return 0;
}

static int do_accept(int fd, struct fake *f, xen_argo_addr_t *a)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	struct fake nf;
	int nfd;

	(void)f;
	nfd = accept(fd, (struct sockaddr *)&sun, &len);
	if (nfd < 0)
		return -1;
	memset(&nf, 0, sizeof(nf));
	nf.type = SOCK_STREAM;
	nf.connected = 1;
	nf.bound = 1;
	nf.port = f->port;
	nf.partner = f->partner;
	nf.ringsize = f->ringsize;
	parse_name(&sun, len, &nf.peer);
	table_put(nfd, &nf);
	if (a)
		*a = nf.peer;
	return nfd;
}

static int do_send(int fd, struct fake *f, struct argo_dev *d)
{
	struct sockaddr_un sun;
	socklen_t len;
	ssize_t n;
	/* The driver raises SIGPIPE as send(2) does: so does AF_UNIX. */
	int fl = d->flags & (MSG_DONTWAIT | MSG_NOSIGNAL);

	if (f->type == SOCK_DGRAM && !f->bound &&
	    bind_port(fd, f, ARGO_PORT_ANY) < 0)
		return -1;
	if (f->type == SOCK_DGRAM && d->addr) {
		len = make_name(&sun, SOCK_DGRAM, d->addr->domain_id,
				d->addr->aport);
		n = sendto(fd, d->buf, d->len, fl, (struct sockaddr *)&sun,
			   len);
	} else if (!f->connected) {
		errno = f->type == SOCK_DGRAM ? EDESTADDRREQ : ENOTCONN;
		return -1;
	} else {
		n = send(fd, d->buf, d->len, fl);
	}
	if (n < 0 && errno == ENOENT)
		errno = ECONNREFUSED;
	return (int)n;
}

static int do_recv(int fd, struct fake *f, struct argo_dev *d)
{
	struct sockaddr_un sun;
	socklen_t len;
	xen_argo_addr_t src;
	ssize_t n;

	for (;;) {
		len = sizeof(sun);
		n = recvfrom(fd, d->buf, d->len, d->flags,
			     (struct sockaddr *)&sun, &len);
		if (n < 0)
			return -1;
		if (f->type == SOCK_STREAM) {
			src = f->peer;
			break;
		}
		parse_name(&sun, len, &src);
		/* The ring's partner: other domains' messages never arrive. */
		if (f->partner == ARGO_DOMID_ANY || f->partner ==
		    src.domain_id || (d->flags & MSG_PEEK))
			break;
	}
	if (d->addr)
		*d->addr = src;
	return (int)n;
}

static int do_getsockname(struct fake *f, struct argo_ring_id *id)
{
	id->domain_id = my_domid();
	id->partner_id = f->bound ? f->partner : ARGO_DOMID_ANY;
	id->aport = f->bound ? f->port : 0;
	return 0;
}

static int do_connecterr(int fd, struct fake *f, int *err)
{
	socklen_t len = sizeof(*err);

	if (f->pending_err) {
		*err = f->pending_err;
		f->pending_err = 0;
		return 0;
	}
	return getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len);
}

static int ioctl_name_fail(unsigned long req)
{
	static const struct {
		unsigned long req;
		const char *name;
	} names[] = {
		{ ARGOIOCSETRINGSIZE, "SETRINGSIZE" }, { ARGOIOCBIND, "BIND" },
		{ ARGOIOCGETSOCKNAME, "GETSOCKNAME" },
		{ ARGOIOCGETPEERNAME, "GETPEERNAME" },
		{ ARGOIOCCONNECT, "CONNECT" },
		{ ARGOIOCGETCONNECTERR, "GETCONNECTERR" },
		{ ARGOIOCLISTEN, "LISTEN" }, { ARGOIOCACCEPT, "ACCEPT" },
		{ ARGOIOCSEND, "SEND" }, { ARGOIOCRECV, "RECV" },
		{ ARGOIOCGETSOCKTYPE, "GETSOCKTYPE" },
		{ ARGOIOCSHUTDOWN, "SHUTDOWN" },
		{ ARGOIOCGETRINGSIZE, "GETRINGSIZE" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].req == req)
			return injected(names[i].name);
	return 0;
}

static int fake_ioctl(int fd, struct fake *f, unsigned long req, void *arg)
{
	int err = ioctl_name_fail(req);

	if (err) {
		errno = err;
		return -1;
	}
	if (!arg && req != ARGOIOCCONNECT && req != ARGOIOCACCEPT) {
		errno = EFAULT;
		return -1;
	}
	switch (req) {
	case ARGOIOCSETRINGSIZE:
		if (*(__u32 *)arg < ARGO_RING_SIZE_MIN ||
		    *(__u32 *)arg > ARGO_RING_SIZE_MAX) {
			errno = EINVAL;
			return -1;
		}
		f->ringsize = *(__u32 *)arg;
		return 0;
	case ARGOIOCGETRINGSIZE:
		*(__u32 *)arg = f->ringsize ? f->ringsize : 65536 - 64;
		return 0;
	case ARGOIOCBIND:
		return do_bind(fd, f, arg);
	case ARGOIOCGETSOCKNAME:
		return do_getsockname(f, arg);
	case ARGOIOCGETPEERNAME:
		if (!f->connected) {
			errno = ENOTCONN;
			return -1;
		}
		*(xen_argo_addr_t *)arg = f->peer;
		return 0;
	case ARGOIOCCONNECT:
		return do_connect(fd, f, arg);
	case ARGOIOCGETCONNECTERR:
		return do_connecterr(fd, f, arg);
	case ARGOIOCLISTEN:
		if (f->type != SOCK_STREAM) {
			errno = EOPNOTSUPP;
			return -1;
		}
		/* Like the driver: an unbound listener gets an ephemeral port. */
		if (!f->bound && bind_port(fd, f, ARGO_PORT_ANY) < 0)
			return -1;
		return listen(fd, *(__u32 *)arg ? (int)*(__u32 *)arg : 16);
	case ARGOIOCACCEPT:
		return do_accept(fd, f, arg);
	case ARGOIOCSEND:
		return do_send(fd, f, arg);
	case ARGOIOCRECV:
		return do_recv(fd, f, arg);
	case ARGOIOCGETSOCKTYPE:
		*(int *)arg = f->type == SOCK_STREAM ? ARGO_PTYPE_STREAM
						     : ARGO_PTYPE_DGRAM;
		return 0;
	case ARGOIOCSHUTDOWN:
		return shutdown(fd, *(int *)arg);
	default:
		errno = ENOTTY;
		return -1;
	}
}

/* ---- the interposed libc calls ---- */

static int fake_open(const char *path, int flags)
{
	struct fake f;
	int type, fd;

	if (strcmp(path, ARGO_STREAM_DEVICE) == 0)
		type = SOCK_STREAM;
	else if (strcmp(path, ARGO_DGRAM_DEVICE) == 0)
		type = SOCK_DGRAM;
	else
		return -2;
	if (getenv("ARGO_FAKE_MISSING")) {
		errno = ENOENT;
		return -1;
	}
	fd = socket(AF_UNIX, type | ((flags & O_CLOEXEC) ? SOCK_CLOEXEC : 0)
			     | ((flags & O_NONBLOCK) ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -1;
	memset(&f, 0, sizeof(f));
	f.type = type;
	f.partner = ARGO_DOMID_ANY;
	table_put(fd, &f);
	return fd;
}

static int open_common(const char *path, int flags, mode_t mode)
{
	int fd;

	init();
	fd = fake_open(path, flags);
	if (fd != -2)
		return fd;
	return real_open(path, flags, mode);
}

#define OPEN_MODE(flags, mode) do {				\
	va_list ap;						\
	mode = 0;						\
	if ((flags) & (O_CREAT | O_TMPFILE)) {			\
		va_start(ap, flags);				\
		mode = va_arg(ap, mode_t);			\
		va_end(ap);					\
	}							\
} while (0)

int open(const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return open_common(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return open_common(path, flags, mode);
}

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);

int __open_2(const char *path, int flags)
{
	return open_common(path, flags, 0);
}

int __open64_2(const char *path, int flags)
{
	return open_common(path, flags, 0);
}

int ioctl(int fd, unsigned long req, ...)
{
	struct fake f;
	va_list ap;
	void *arg;
	int ret, err;

	init();
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	/* Generic requests (FIONBIO, FIOCLEX ...) are the VFS's, not the
	 * driver's: they work on the real socket as on the device. */
	if (_IOC_TYPE(req) != ARGO_TYPE || !lookup(fd, &f))
		return real_ioctl(fd, req, arg);
	ret = fake_ioctl(fd, &f, req, arg);
	err = errno;
	if (ret == -2)
		ret = -1;
	table_put(fd, &f);	/* state changes, even on EINPROGRESS */
	errno = err;
	return ret;
}

int close(int fd)
{
	init();
	table_del(fd);
	return real_close(fd);
}

static int copy_entry(int oldfd, int newfd)
{
	struct fake f;

	if (newfd >= 0 && table_get(oldfd, &f))
		table_put(newfd, &f);
	else if (newfd >= 0)
		table_del(newfd);
	return newfd;
}

int dup(int fd)
{
	init();
	return copy_entry(fd, real_dup(fd));
}

int dup2(int fd, int nfd)
{
	init();
	return copy_entry(fd, real_dup2(fd, nfd));
}

int dup3(int fd, int nfd, int flags)
{
	init();
	return copy_entry(fd, real_dup3(fd, nfd, flags));
}

/* The driver's descriptors are misc character devices (major 10). */
int fstat(int fd, struct stat *st)
{
	struct fake f;
	int ret;

	init();
	ret = real_fstat(fd, st);
	if (ret == 0 && S_ISSOCK(st->st_mode) && lookup(fd, &f)) {
		st->st_mode = (st->st_mode & ~S_IFMT) | S_IFCHR;
		st->st_rdev = makedev(10, f.type == SOCK_STREAM ? 120 : 121);
	}
	return ret;
}
