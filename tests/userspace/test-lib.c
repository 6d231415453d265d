/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-lib.c - the libargo API against the fake device (fakedev.c):
 * datagram and stream loopback, names, options, flags, msg calls.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/uio.h>

#include "libargo.h"
#include "tap.h"

static argo_addr_t addr(uint16_t dom, uint32_t port)
{
	argo_addr_t a;

	memset(&a, 0, sizeof(a));
	a.domain_id = dom;
	a.aport = port;
	return a;
}

static int bound_dgram(uint32_t port)
{
	argo_addr_t a = addr(0, port);
	int fd = argo_socket(SOCK_DGRAM);

	if (fd >= 0 && argo_bind(fd, &a, ARGO_DOMID_ANY) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_dgram(void)
{
	int a = bound_dgram(100), b = bound_dgram(ARGO_PORT_ANY);
	argo_addr_t an, bn, src, to = addr(0, 100);
	uint16_t partner = 0;
	char buf[64];
	ssize_t n;

	ok(a >= 0 && b >= 0, "two bound datagram sockets");
	ok(argo_getsockname(a, &an, &partner) == 0 && an.aport == 100 &&
	   partner == ARGO_DOMID_ANY, "getsockname: port 100, partner any");
	ok(argo_getsockname(b, &bn, NULL) == 0 &&
	   bn.aport >= ARGO_EPHEMERAL_PORT_MIN &&
	   bn.aport <= ARGO_EPHEMERAL_PORT_MAX,
	   "ARGO_PORT_ANY gave an ephemeral port (%u)", bn.aport);
	ok(argo_sendto(b, "hello", 5, 0, &to) == 5, "sendto 0:100");
	n = argo_recvfrom(a, buf, sizeof(buf), 0, &src);
	ok(n == 5 && memcmp(buf, "hello", 5) == 0, "recvfrom got the datagram");
	ok(src.domain_id == bn.domain_id && src.aport == bn.aport,
	   "recvfrom reports the sender's address");
	ok(argo_sendto(a, "world!", 6, 0, &src) == 6, "reply to the sender");
	ok(argo_recv(b, buf, sizeof(buf), 0) == 6 &&
	   memcmp(buf, "world!", 6) == 0, "recv the reply");
	ok(argo_connect(b, &to) == 0 && argo_send(b, "c", 1, 0) == 1,
	   "connected datagram socket sends without an address");
	ok(argo_getpeername(b, &src) == 0 && src.aport == 100,
	   "getpeername of a connected datagram socket");
	ok(argo_recv(a, buf, sizeof(buf), MSG_DONTWAIT) == 1,
	   "received it");
	ok(argo_recv(a, buf, sizeof(buf), MSG_DONTWAIT) == -1 &&
	   errno == EAGAIN, "MSG_DONTWAIT on an empty ring: EAGAIN");
	to.aport = 101;
	ok(argo_sendto(a, "x", 1, 0, &to) == -1 && errno == ECONNREFUSED,
	   "sendto a port nobody bound: ECONNREFUSED");
	close(a);
	close(b);
}

static void test_msg(void)
{
	int a = bound_dgram(110), b = bound_dgram(ARGO_PORT_ANY);
	struct sockaddr_xenargo to, from;
	argo_addr_t dst = addr(0, 110);
	char p1[] = "abc", p2[] = "defg", p3[] = "h", r1[5], r2[16];
	struct iovec out[3] = { { p1, 3 }, { p2, 4 }, { p3, 1 } };
	struct iovec in[2] = { { r1, sizeof(r1) }, { r2, sizeof(r2) } };
	struct msghdr m;
	char small[3] = { 0 };

	argo_addr_to_sockaddr(&dst, &to);
	memset(&m, 0, sizeof(m));
	m.msg_name = &to;
	m.msg_namelen = sizeof(to);
	m.msg_iov = out;
	m.msg_iovlen = 3;
	ok(argo_sendmsg(b, &m, 0) == 8, "sendmsg of 3 pieces: 8 bytes");
	memset(&m, 0, sizeof(m));
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	m.msg_iov = in;
	m.msg_iovlen = 2;
	ok(argo_recvmsg(a, &m, 0) == 8, "recvmsg: one 8-byte datagram");
	ok(memcmp(r1, "abcde", 5) == 0 && memcmp(r2, "fgh", 3) == 0,
	   "scattered over two buffers in order");
	ok(m.msg_namelen == sizeof(from) && from.sxenargo_family ==
	   AF_XENARGO && from.sxenargo_domain == 0, "msg_name: the source");
	ok(!(m.msg_flags & MSG_TRUNC), "no MSG_TRUNC");
	argo_sendto(b, "0123456789", 10, 0, &dst);
	in[0].iov_base = small;
	in[0].iov_len = sizeof(small);
	memset(&m, 0, sizeof(m));
	m.msg_iov = in;
	m.msg_iovlen = 1;
	ok(argo_recvmsg(a, &m, 0) == 3 && (m.msg_flags & MSG_TRUNC) &&
	   memcmp(small, "012", 3) == 0,
	   "short buffer: 3 bytes and MSG_TRUNC in msg_flags");
	m.msg_controllen = 8;
	m.msg_control = r2;
	ok(argo_sendmsg(b, &m, 0) == -1 && errno == EOPNOTSUPP,
	   "sendmsg with control data: EOPNOTSUPP");
	close(a);
	close(b);
}

/* A listener on port, a connected client, the accepted socket. */
static int stream_pair(uint32_t port, int *client, int *server, int flags,
		       argo_addr_t *peer)
{
	argo_addr_t a = addr(0, port);
	int l = argo_socket(SOCK_STREAM);

	*client = *server = -1;
	if (peer)
		memset(peer, 0, sizeof(*peer));
	if (l < 0 || argo_bind(l, &a, ARGO_DOMID_ANY) < 0 ||
	    argo_listen(l, 4) < 0)
		return -1;
	*client = argo_socket(SOCK_STREAM);
	if (*client < 0 || argo_connect(*client, &a) < 0)
		return -1;
	*server = argo_accept4(l, peer, flags);
	return *server < 0 ? -1 : l;
}

static void test_stream(void)
{
	int c, s, l;
	argo_addr_t peer, cn = { 0 };
	char buf[32];

	l = stream_pair(200, &c, &s, 0, &peer);
	ok(l >= 0, "listen, connect, accept");
	ok(argo_getsockname(c, &cn, NULL) == 0 && peer.aport == cn.aport &&
	   peer.domain_id == cn.domain_id, "accept reports the client");
	ok(argo_getpeername(c, &peer) == 0 && peer.aport == 200,
	   "client's getpeername: port 200");
	ok(argo_send(c, "ping", 4, 0) == 4 &&
	   argo_recv(s, buf, sizeof(buf), 0) == 4, "client -> server");
	ok(write(s, "pong", 4) == 4 && read(c, buf, sizeof(buf)) == 4 &&
	   memcmp(buf, "pong", 4) == 0, "read(2)/write(2) work on the fds");
	ok(argo_shutdown(c, SHUT_WR) == 0, "client shuts down writing");
	ok(argo_recv(s, buf, sizeof(buf), 0) == 0, "server reads EOF");
	ok(argo_send(s, "late", 4, 0) == 4 &&
	   argo_recv(c, buf, sizeof(buf), 0) == 4,
	   "half-closed: the other direction still works");
	ok(fcntl(s, F_GETFD) == 0 && !(fcntl(s, F_GETFL) & O_NONBLOCK),
	   "accept without flags: blocking, not close-on-exec");
	close(c);
	close(s);
	close(l);
	l = stream_pair(201, &c, &s, SOCK_NONBLOCK | SOCK_CLOEXEC, NULL);
	ok(l >= 0 && (fcntl(s, F_GETFD) & FD_CLOEXEC) &&
	   (fcntl(s, F_GETFL) & O_NONBLOCK),
	   "accept4(SOCK_NONBLOCK|SOCK_CLOEXEC) sets both");
	ok(fcntl(c, F_GETFD) & FD_CLOEXEC, "argo_socket is close-on-exec");
	close(c);
	close(s);
	close(l);
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void test_sigpipe(void)
{
	int c, s, l = stream_pair(210, &c, &s, 0, NULL);
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, &old);
	close(s);
	ok(argo_send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE &&
	   sigpipes == 0, "peer gone, MSG_NOSIGNAL: EPIPE and no signal");
	ok(argo_send(c, "x", 1, 0) == -1 && errno == EPIPE && sigpipes == 1,
	   "peer gone, no MSG_NOSIGNAL: EPIPE and SIGPIPE, as send(2)");
	sigaction(SIGPIPE, &old, NULL);
	close(c);
	close(l);
}

static void test_nonblocking_connect(void)
{
	argo_addr_t a = addr(0, 300), none = addr(0, 301);
	int l = argo_socket(SOCK_STREAM), c, err = -1;
	socklen_t len = sizeof(err);
	struct pollfd p;

	argo_bind(l, &a, ARGO_DOMID_ANY);
	argo_listen(l, 0);
	c = argo_socket(SOCK_STREAM | SOCK_NONBLOCK);
	ok(argo_connect(c, &a) == -1 && errno == EINPROGRESS,
	   "non-blocking connect: EINPROGRESS");
	p.fd = c;
	p.events = POLLOUT;
	ok(poll(&p, 1, 1000) == 1 && (p.revents & POLLOUT), "poll: POLLOUT");
	ok(argo_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	   err == 0 && len == sizeof(int), "SO_ERROR: 0");
	ok(argo_connect(c, &a) == -1 && errno == EISCONN,
	   "connecting twice: EISCONN");
	close(c);
	c = argo_socket(SOCK_STREAM);
	none.domain_id = ARGO_DOMID_ANY;
	ok(argo_connect(c, &none) == -1 && errno == EINVAL,
	   "connect to the wildcard domain: EINVAL");
	none.domain_id = 0;
	ok(argo_connect(c, &none) == -1 && errno == ECONNREFUSED,
	   "connect to a port without listener: ECONNREFUSED");
	close(c);
	close(l);
}

static void test_listen_unbound(void)
{
	int l = argo_socket(SOCK_STREAM), c = argo_socket(SOCK_STREAM), s;
	argo_addr_t name = { 0 }, peer;

	ok(argo_listen(l, 0) == 0 && argo_getsockname(l, &name, NULL) == 0 &&
	   name.aport >= ARGO_EPHEMERAL_PORT_MIN,
	   "listen without bind takes an ephemeral port (%u)", name.aport);
	ok(argo_connect(c, &name) == 0, "a client connects to it");
	s = argo_accept(l, &peer);
	ok(s >= 0 && argo_is_socket(s) == 1, "accepted, an Argo socket");
	close(s);
	close(c);
	close(l);
}

static void test_sockopt(void)
{
	int s = argo_socket(SOCK_STREAM), d = argo_socket(SOCK_DGRAM);
	int v = 0, small = 1;
	socklen_t len = sizeof(v);

	ok(argo_getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
	   v == SOCK_STREAM, "SO_TYPE stream");
	ok(argo_getsockopt(d, SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
	   v == SOCK_DGRAM, "SO_TYPE dgram");
	ok(argo_getsockopt(d, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 &&
	   v == AF_XENARGO, "SO_DOMAIN: AF_XENARGO");
	v = 1 << 20;
	ok(argo_setsockopt(d, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0,
	   "SO_RCVBUF set 1 MiB");
	v = 0;
	ok(argo_getsockopt(d, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 &&
	   v == 1 << 20, "SO_RCVBUF reads the ring size back");
	ok(argo_setsockopt(d, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small))
	   == 0 && argo_getsockopt(d, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0
	   && (unsigned)v == ARGO_RING_SIZE_MIN,
	   "SO_RCVBUF 1 is raised to the minimum ring");
	ok(argo_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)) == -1
	   && errno == ENOPROTOOPT, "SO_REUSEADDR: ENOPROTOOPT");
	ok(argo_getsockopt(s, 6 /* IPPROTO_TCP */, 1, &v, &len) == -1 &&
	   errno == ENOPROTOOPT, "TCP level: ENOPROTOOPT");
	len = 1;
	ok(argo_getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == -1 &&
	   errno == EINVAL, "short optlen: EINVAL");
	ok(argo_is_socket(s) == 1 && argo_is_socket(STDERR_FILENO) == 0,
	   "argo_is_socket tells Argo fds from others");
	close(s);
	close(d);
}

static void test_high_fd(void)
{
	struct rlimit rl = { 4096, 4096 };
	int d = bound_dgram(400), hi;
	argo_addr_t to = addr(0, 400);
	char c;

	setrlimit(RLIMIT_NOFILE, &rl);
	hi = dup2(d, 3000);
	ok(hi == 3000, "an Argo socket at fd 3000");
	ok(argo_sendto(hi, "z", 1, 0, &to) == 1 &&
	   argo_recv(hi, &c, 1, 0) == 1 && c == 'z',
	   "fds above 1024 work (no fd_set)");
	close(hi);
	close(d);
}

int main(int argc, char **argv)
{
	(void)argc;
	tap_use_fakedev(argv);
	test_dgram();
	test_msg();
	test_stream();
	test_sigpipe();
	test_nonblocking_connect();
	test_listen_unbound();
	test_sockopt();
	test_high_fd();
	return tap_done();
}
