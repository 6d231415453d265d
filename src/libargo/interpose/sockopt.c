/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sockopt.c - socket options on Argo descriptors, honestly.
 *
 *   level/option             set                        get
 *   SOL_SOCKET SO_ERROR      -                          pending error
 *   SOL_SOCKET SO_TYPE       -                          SOCK_STREAM/DGRAM
 *   SOL_SOCKET SO_DOMAIN     -                          AF_INET/AF_INET6
 *   SOL_SOCKET SO_PROTOCOL   -                          IPPROTO_TCP/UDP
 *   SOL_SOCKET SO_ACCEPTCONN -                          listening?
 *   SOL_SOCKET SO_BINDTODEVICE -                        "" (no device)
 *   SOL_SOCKET SO_RCVBUF     ring size (before bind)    ring size
 *   SOL_SOCKET SO_SNDBUF     hint, remembered           the hint/ring size
 *   SOL_SOCKET SO_REUSEADDR  no-op, remembered: Argo has no TIME_WAIT; a
 *                            port is free again once its ring is gone
 *   SOL_SOCKET SO_KEEPALIVE  no-op, remembered: no probes are sent; there
 *                            is no middlebox state for them to keep alive
 *   IPPROTO_TCP TCP_NODELAY  no-op, remembered: no Nagle, each send goes
 *                            out at once
 *   IPPROTO_TCP TCP_MAXSEG   -                          65495, the largest
 *                            MSS TCP can have (Argo's messages are bigger)
 *   IPPROTO_TCP TCP_INFO     -                          a struct tcp_info,
 *                            zero but for tcpi_state and tcpi_snd_mss
 *   IPPROTO_IP IP_TOS        no-op, remembered: Argo has no QoS
 *   IPPROTO_IPV6 IPV6_TCLASS the same, for AF_INET6 sockets
 *   IPPROTO_IPV6 IPV6_V6ONLY remembered: only IPv4-mapped, :: and ::1
 *                            addresses reach Argo either way
 *
 * Everything else fails with ENOPROTOOPT rather than pretend
 * (SO_RCVTIMEO, SO_LINGER, TCP_KEEPIDLE, setting TCP_MAXSEG, IP_* ...).
 * TCP_CONGESTION too: Argo has no congestion control, only the receiver's
 * window, so there is no algorithm to name or choose (iperf3 then shows
 * "unknown").  TCP_* on a datagram socket fail as on UDP.
 */
#include "config.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>

#include "interpose.h"

/*
 * The segment size TCP_MAXSEG and tcpi_snd_mss report.  argo.ko cuts a
 * stream write into messages of up to 64 KiB less its 8-byte header
 * (65528 bytes, ARGO_STREAM_MSG_MAX in src/module/stream.c), more than
 * any TCP segment can carry: an IPv4 packet is at most 65535 bytes, 40 of
 * them IP and TCP headers.  Programs check the MSS against that bound
 * (iperf3 calls anything larger "nonsense" and ignores it), so report the
 * largest MSS TCP itself could have.  A write that big goes out as one
 * Argo message unless Xen refused one as too big for the peer's ring
 * (argo.ko then halves its messages, down to 1 KiB).
 */
#define ARGO_IP_STREAM_SEGMENT (65535 - 20 - 20)

static int get_int(const void *val, socklen_t len, int *out)
{
	if (!val || len < sizeof(int)) {
		errno = val ? EINVAL : EFAULT;
		return -1;
	}
	memcpy(out, val, sizeof(int));
	return 0;
}

static int put_int(void *val, socklen_t *len, int v)
{
	socklen_t n;

	if (!val || !len) {
		errno = EFAULT;
		return -1;
	}
	n = *len < sizeof(int) ? *len : (socklen_t)sizeof(int);
	memcpy(val, &v, n);
	*len = n;
	return 0;
}

/* The hint flag an option is remembered in, or NULL. */
static uint8_t *hint_of(struct argo_ip_sock *s, int level, int name)
{
	if (level == SOL_SOCKET && name == SO_REUSEADDR)
		return &s->reuseaddr;
	if (level == SOL_SOCKET && name == SO_KEEPALIVE)
		return &s->keepalive;
	if (level == IPPROTO_TCP && name == TCP_NODELAY &&
	    s->socktype == SOCK_STREAM)
		return &s->nodelay;
	if (level == IPPROTO_IP && name == IP_TOS)
		return &s->tos;
	if (s->family == AF_INET6 && level == IPPROTO_IPV6 &&
	    name == IPV6_TCLASS)
		return &s->tos;
	if (s->family == AF_INET6 && level == IPPROTO_IPV6 &&
	    name == IPV6_V6ONLY)
		return &s->v6only;
	return NULL;
}

void argo_ip_remember_opt(int fd, struct argo_ip_sock *s, int level,
			  int name, const void *val, socklen_t len)
{
	uint8_t *hint = hint_of(s, level, name);
	int v;

	if (get_int(val, len, &v) < 0)
		return;
	if (hint)
		*hint = (uint8_t)(hint == &s->tos ? v : !!v);
	else if (level == SOL_SOCKET && name == SO_RCVBUF)
		s->rcvbuf = v;
	else if (level == SOL_SOCKET && name == SO_SNDBUF)
		s->sndbuf = v;
	else
		return;
	argo_ip_reg_set(fd, s);
}

static int no_such_option(int fd, int level, int name)
{
	ARGO_IP_DBG(1, "fd %d: option %d/%d not supported on Argo", fd,
		    level, name);
	errno = ENOPROTOOPT;
	return -1;
}

int argo_ip_setsockopt(int fd, struct argo_ip_sock *s, int level, int name,
		       const void *val, socklen_t len)
{
	uint8_t *hint = hint_of(s, level, name);
	int v;

	if (get_int(val, len, &v) < 0)
		return -1;
	if (hint) {
		*hint = (uint8_t)(hint == &s->tos ? v : !!v);
		return argo_ip_reg_set(fd, s);
	}
	if (level == SOL_SOCKET && name == SO_RCVBUF) {
		if (ARGO_IP_CALL(argo_setsockopt(fd, level, name, val, len)) == 0)
			return 0;
		/* Like TCP, a late or odd size is advice, not an error. */
		ARGO_IP_DBG(1, "fd %d: SO_RCVBUF %d kept as advice: %s", fd, v,
			    strerror(errno));
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_SNDBUF) {
		s->sndbuf = v;
		return argo_ip_reg_set(fd, s);
	}
	return no_such_option(fd, level, name);
}

static int ring_size(int fd)
{
	socklen_t n = sizeof(int);
	int v = 0;

	if (ARGO_IP_CALL(argo_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &n)) < 0)
		return -1;
	return v;
}

static int get_socket_level(int fd, struct argo_ip_sock *s, int name,
			    void *val, socklen_t *len)
{
	int v;

	switch (name) {
	case SO_ERROR:
		return ARGO_IP_CALL(argo_getsockopt(fd, SOL_SOCKET, SO_ERROR,
						    val, len));
	case SO_TYPE:
		return put_int(val, len, s->socktype);
	case SO_DOMAIN:
		return put_int(val, len, s->family ? s->family : AF_INET);
	case SO_PROTOCOL:
		return put_int(val, len, s->socktype == SOCK_STREAM
						 ? IPPROTO_TCP : IPPROTO_UDP);
	case SO_ACCEPTCONN:
		return put_int(val, len, s->listening);
	case SO_BINDTODEVICE:
		/* Bound to no network device (sshd asks, for its VRF). */
		if (!len) {
			errno = EFAULT;
			return -1;
		}
		*len = 0;
		return 0;
	case SO_RCVBUF:
	case SO_SNDBUF:
		v = name == SO_SNDBUF && s->sndbuf ? s->sndbuf : ring_size(fd);
		return v < 0 ? -1 : put_int(val, len, v);
	default:
		return no_such_option(fd, SOL_SOCKET, name);
	}
}

/*
 * TCP_INFO: what an Argo stream can say truthfully.  The state is
 * LISTEN, ESTABLISHED (the driver names a peer) or CLOSE; the send
 * segment size is ARGO_IP_STREAM_SEGMENT.  Every counter stays 0: Argo
 * loses nothing, so retransmits and losses are truly 0, and it has no
 * RTT estimate or congestion window to report.  Like Linux, at most *len
 * bytes are written and *len says how many.
 */
static int get_tcp_info(int fd, const struct argo_ip_sock *s, void *val,
			socklen_t *len)
{
	struct tcp_info info;
	argo_addr_t peer;
	socklen_t n;
	int saved_errno = errno;

	if (!val || !len) {
		errno = EFAULT;
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (s->listening)
		info.tcpi_state = TCP_LISTEN;
	else if (ARGO_IP_CALL(argo_getpeername(fd, &peer)) == 0)
		info.tcpi_state = TCP_ESTABLISHED;
	else
		info.tcpi_state = TCP_CLOSE;
	errno = saved_errno;
	info.tcpi_snd_mss = ARGO_IP_STREAM_SEGMENT;
	n = *len < sizeof(info) ? *len : (socklen_t)sizeof(info);
	memcpy(val, &info, n);
	*len = n;
	return 0;
}

static int get_tcp_level(int fd, struct argo_ip_sock *s, int name,
			 void *val, socklen_t *len)
{
	if (s->socktype != SOCK_STREAM)
		return no_such_option(fd, IPPROTO_TCP, name);
	switch (name) {
	case TCP_MAXSEG:
		return put_int(val, len, ARGO_IP_STREAM_SEGMENT);
	case TCP_INFO:
		return get_tcp_info(fd, s, val, len);
	default:
		return no_such_option(fd, IPPROTO_TCP, name);
	}
}

int argo_ip_getsockopt(int fd, struct argo_ip_sock *s, int level, int name,
		       void *val, socklen_t *len)
{
	uint8_t *hint = hint_of(s, level, name);

	if (hint)
		return put_int(val, len, *hint);
	if (level == SOL_SOCKET)
		return get_socket_level(fd, s, name, val, len);
	if (level == IPPROTO_TCP)
		return get_tcp_level(fd, s, name, val, len);
	return no_such_option(fd, level, name);
}
