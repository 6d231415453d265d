/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * convert.c - turn an AF_INET socket into an Argo descriptor.
 *
 * socket(2) cannot know where a socket will go: the destination comes
 * with connect()/bind()/sendto().  So socket() makes a real AF_INET socket
 * (a "candidate"), and when the rules send it to Argo, the Argo device is
 * opened and dup3()'d onto the same descriptor number.  The program keeps
 * its number; O_NONBLOCK and FD_CLOEXEC are carried over, and so is a
 * receive buffer size asked for with SO_RCVBUF (it becomes the ring size).
 * The real socket is closed by dup3().  The alternative, opening the device
 * at socket() time, would make every IPv4 socket an Argo one and leave no
 * way to keep DNS or other traffic on TCP/IP.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "interpose.h"

static int warned_missing, warned_fallback;

/* Is errno one of "Argo is not here" (as opposed to a real failure)? */
static int argo_absent(int err)
{
	return err == ENOENT || err == ENODEV || err == EAFNOSUPPORT ||
	       err == ENXIO || err == EOPNOTSUPP;
}

static const char *absent_advice(int err)
{
	switch (err) {
	case EAFNOSUPPORT:
		return "not a Xen domain (Argo needs Xen with argo=1)";
	case ENOENT:
		return "the argo module is loaded but the node is missing "
		       "(udev?)";
	case ENXIO:
	case EOPNOTSUPP:
		return "Argo is off in Xen (boot Xen with argo=1)";
	default:	/* ENODEV: Xen, module not loaded */
		return "modprobe argo (Xen with argo=1 needed)";
	}
}

/* Argo is missing: say so once; fall back to TCP/IP if that was asked. */
static enum argo_ip_conv unavailable(int socktype, int err)
{
	if (!argo_absent(err)) {
		errno = err;	/* a real error (EACCES, EMFILE ...) */
		return ARGO_IP_CONV_FAIL;
	}
	const char *dev = socktype == SOCK_STREAM ? ARGO_STREAM_DEVICE
						  : ARGO_DGRAM_DEVICE;

	if (argo_ip_config()->fallback_tcp) {
		argo_ip_warn_once(&warned_fallback,
				  "argo-interpose: %s missing (%s): using "
				  "TCP/IP as ARGO_FALLBACK=tcp asks", dev,
				  absent_advice(err));
		return ARGO_IP_CONV_INET;
	}
	argo_ip_warn_once(&warned_missing,
			  "argo-interpose: %s missing: %s", dev,
			  absent_advice(err));
	errno = err;
	return ARGO_IP_CONV_FAIL;
}

/* Open the device with the candidate's file flags. */
static int open_like(int fd, int socktype, int *cloexec)
{
	const struct argo_real *r = argo_real();
	int fl = r->fcntl(fd, F_GETFL), fdfl = r->fcntl(fd, F_GETFD);

	if (fl < 0 || fdfl < 0)
		return -1;
	*cloexec = !!(fdfl & FD_CLOEXEC);
	return ARGO_IP_CALL(argo_socket(socktype |
					((fl & O_NONBLOCK) ? SOCK_NONBLOCK : 0)));
}

enum argo_ip_conv argo_ip_convert(int fd, struct argo_ip_sock *s)
{
	const struct argo_real *r = argo_real();
	int afd, cloexec = 0, err;

	afd = open_like(fd, s->socktype, &cloexec);
	if (afd < 0)
		return unavailable(s->socktype, errno);
	if (s->rcvbuf > 0 &&
	    ARGO_IP_CALL(argo_setsockopt(afd, SOL_SOCKET, SO_RCVBUF, &s->rcvbuf,
					 sizeof(s->rcvbuf))) < 0)
		ARGO_IP_DBG(1, "fd %d: SO_RCVBUF %d not applied: %s", fd,
			    s->rcvbuf, strerror(errno));
	if (r->dup3(afd, fd, cloexec ? O_CLOEXEC : 0) < 0) {
		err = errno;
		r->close(afd);
		errno = err;
		return ARGO_IP_CONV_FAIL;
	}
	r->close(afd);
	s->state = ARGO_IP_ARGO;
	if (argo_ip_reg_set(fd, s) < 0)
		return ARGO_IP_CONV_FAIL;
	ARGO_IP_DBG(1, "fd %d is now an Argo %s socket", fd,
		    s->socktype == SOCK_STREAM ? "stream" : "datagram");
	return ARGO_IP_CONV_ARGO;
}

enum argo_ip_conv argo_ip_unavailable(int socktype, int err)
{
	return unavailable(socktype, err);
}

/* ---- this domain's id ---- */

static pthread_once_t domid_once = PTHREAD_ONCE_INIT;
static int domid_err;
static uint16_t domid_found;

/* The driver tells an unbound datagram socket's domain in GETSOCKNAME. */
static void ask_driver(void)
{
	argo_addr_t a;
	int fd = ARGO_IP_CALL(argo_socket(SOCK_DGRAM));

	if (fd < 0) {
		domid_err = errno;
		return;
	}
	if (ARGO_IP_CALL(argo_getsockname(fd, &a, NULL)) < 0)
		domid_err = errno;
	else
		domid_found = a.domain_id;
	argo_real()->close(fd);
}

int argo_ip_local_domid(uint16_t *domid)
{
	const struct argo_ip_config *cfg = argo_ip_config();

	if (cfg->have_local_domid) {
		*domid = cfg->local_domid;
		return 0;
	}
	pthread_once(&domid_once, ask_driver);
	if (domid_err) {
		errno = domid_err;
		return -1;
	}
	*domid = domid_found;
	return 0;
}

/* ---- bind with "port 0" ---- */

/* Where to start looking for a free port: random, like Linux does. */
static uint32_t random_start(uint32_t range)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	return v % range;
}

/*
 * Port 0 means "any free port".  Argo's own ephemeral ports are above 2^31
 * and do not fit an AF_INET address, so a free one is picked in Linux's
 * default ephemeral range 32768-60999 instead, so getsockname() shows the
 * port others can really connect to.
 */
int argo_ip_bind_port(int fd, uint32_t port, uint16_t partner)
{
	const uint32_t lo = 32768, range = 61000 - 32768;
	argo_addr_t a;
	uint32_t i, start;

	memset(&a, 0, sizeof(a));
	if (port) {
		a.aport = port;
		return ARGO_IP_CALL(argo_bind(fd, &a, partner));
	}
	start = random_start(range);
	for (i = 0; i < range; i++) {
		a.aport = lo + (start + i) % range;
		if (ARGO_IP_CALL(argo_bind(fd, &a, partner)) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -1;
	}
	errno = EADDRINUSE;
	return -1;
}

/*
 * A datagram socket that sends or connects before bind() gets a port
 * below 65536, like UDP's implicit bind, so that the receiver sees a
 * source address it can reply to (the driver's own ephemeral ports do
 * not fit a sockaddr_in).  Like the driver's implicit bind, only the
 * domain it talks to may send to it.
 */
int argo_ip_autobind(int fd, struct argo_ip_sock *s, uint16_t peer)
{
	if (s->socktype != SOCK_DGRAM || s->bound)
		return 0;
	if (argo_ip_bind_port(fd, 0, peer) < 0)
		return -1;
	s->bound = 1;
	return argo_ip_reg_set(fd, s);
}
