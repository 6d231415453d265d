/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ip-prog.c - an ordinary IPv4 socket program, run by test-interpose.sh
 * under LD_PRELOAD=libargo-preload.so (and the fake device of
 * tests/userspace).  It knows nothing of Argo; it checks what the
 * interposer promises and prints TAP.  An "Argo" descriptor is told from
 * a real socket by fstat(): the device is a character device.
 *
 *   ip-prog inproc      streams, datagrams, names, options (TCP_INFO,
 *                       TCP_MAXSEG...), dup*, large
 *                       fds, O_NONBLOCK/O_CLOEXEC, threads, fork, exec
 *   ip-prog off         the interposer is off: sockets stay TCP/IP
 *   ip-prog missing     no device: connect fails with a clear errno
 *   ip-prog fallback    no device, ARGO_FALLBACK=tcp: TCP/IP works
 *   ip-prog badmap      ARGO_MAP does not parse: IPv4 sockets refused
 *   ip-prog inet-rule   an ARGO_MAP rule keeps a port on TCP/IP
 *   ip-prog inet6       ARGO_INET6=1: ::, ::1, ::ffff:IPv4 on Argo
 *   ip-prog inet6-off   without ARGO_INET6=1: AF_INET6 stays on IP
 *   ip-prog exec-child FD   (internal) check an inherited connection
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tap.h"

static char *self_path;

static int is_argo(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
}

static int is_inet_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static struct sockaddr_in sin_of(const char *ip, int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static const char *show(const struct sockaddr_in *a)
{
	static __thread char buf[64];
	char ip[INET_ADDRSTRLEN] = "?";

	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(buf, sizeof(buf), "%s:%u", ip, ntohs(a->sin_port));
	return buf;
}

/* A stream listener on ip, port 0; its port in *port. */
static int listener(const char *ip, int *port)
{
	struct sockaddr_in a = sin_of(ip, 0);
	socklen_t len = sizeof(a);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static int connect_to(const char *ip, int port)
{
	struct sockaddr_in a = sin_of(ip, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send msg on a, read it on b; 1 if it arrived intact. */
static int carries(int a, int b, const char *msg)
{
	char buf[256];
	size_t n = strlen(msg), got = 0;
	ssize_t r;

	if (send(a, msg, n, MSG_NOSIGNAL) != (ssize_t)n)
		return 0;
	while (got < n) {
		r = recv(b, buf + got, sizeof(buf) - got, 0);
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return got == n && memcmp(buf, msg, n) == 0;
}

/* ---- inproc ---- */

static void test_stream(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int port = 0, l = listener("127.0.0.1", &port), c, s;
	char buf[8];

	ok(l >= 0 && is_argo(l), "bind 127.0.0.1:0 + listen: an Argo socket");
	ok(port >= 32768 && port <= 60999,
	   "port 0 picked a free port shown as is: %d", port);
	c = connect_to("127.0.0.1", port);
	ok(c >= 0 && is_argo(c), "connect 127.0.0.1:%d: an Argo socket", port);
	s = accept(l, (struct sockaddr *)&a, &len);
	ok(s >= 0 && is_argo(s) && len == sizeof(a) && a.sin_family == AF_INET
	   && a.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	   "accept: peer shown as %s", show(&a));
	ok(carries(c, s, "hello") && carries(s, c, "world"),
	   "bytes both ways (send/recv)");
	ok(write(c, "rw", 2) == 2 && read(s, buf, 2) == 2 &&
	   memcmp(buf, "rw", 2) == 0, "write(2)/read(2) on the descriptors");
	len = sizeof(a);
	ok(getpeername(c, (struct sockaddr *)&a, &len) == 0 &&
	   a.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	   ntohs(a.sin_port) == port, "getpeername: %s", show(&a));
	len = sizeof(a);
	ok(getsockname(l, (struct sockaddr *)&a, &len) == 0 &&
	   a.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	   "getsockname of the listener: %s", show(&a));
	ok(shutdown(c, SHUT_WR) == 0 && recv(s, buf, sizeof(buf), 0) == 0,
	   "shutdown(SHUT_WR): the peer reads EOF");
	ok(recvfrom(s, buf, 1, MSG_DONTWAIT, (struct sockaddr *)&a, &len) == 0,
	   "recvfrom on a stream after EOF returns 0");
	close(c);
	close(s);
	close(l);
}

static void test_options(void)
{
	int port, l = listener("0.0.0.0", &port), c, v = 1;
	socklen_t len = sizeof(v);
	struct linger lg = { 0, 0 };

	c = connect_to("127.0.0.1", port);
	ok(c >= 0, "connect to a 0.0.0.0 (any domain) listener via 127.0.0.1");
	ok(getsockopt(l, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0 && v == 1,
	   "SO_REUSEADDR set before conversion reads back 1");
	v = 1;
	ok(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) == 0 &&
	   setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)) == 0,
	   "TCP_NODELAY and SO_KEEPALIVE accepted");
	errno = 0;
	ok(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == -1 &&
	   errno == ENOPROTOOPT, "SO_LINGER: ENOPROTOOPT, not ignored");
	v = 10;
	errno = 0;
	ok(setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)) == -1 &&
	   errno == ENOPROTOOPT, "TCP_KEEPIDLE: ENOPROTOOPT");
	len = sizeof(v);
	ok(getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
	   v == SOCK_STREAM, "SO_TYPE: SOCK_STREAM");
	len = sizeof(v);
	ok(getsockopt(c, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 && v == AF_INET,
	   "SO_DOMAIN: AF_INET");
	len = sizeof(v);
	ok(getsockopt(c, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 &&
	   v == IPPROTO_TCP, "SO_PROTOCOL: IPPROTO_TCP");
	len = sizeof(v);
	ok(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v == 1,
	   "SO_ACCEPTCONN of the listener: 1");
	len = sizeof(v);
	ok(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0,
	   "SO_ERROR: 0");
	len = sizeof(v);
	ok(getsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 && v > 0,
	   "SO_RCVBUF: the ring size (%d)", v);
	close(c);
	close(l);
}

/*
 * The TCP-level options iperf3 reads (TCP_MAXSEG, TCP_INFO,
 * TCP_CONGESTION): answered where Argo has an answer, ENOPROTOOPT where
 * it has none.
 */
static void test_tcp_options(void)
{
	int port, l = listener("127.0.0.1", &port), c, s, u, idle, v, rc;
	struct sockaddr_in a = sin_of("127.0.0.1", 0);
	struct tcp_info info, zero;
	socklen_t len;
	char name[32];

	c = connect_to("127.0.0.1", port);
	s = accept(l, NULL, NULL);
	ok(c >= 0 && s >= 0 && is_argo(c) && is_argo(s),
	   "a connected Argo stream pair");
	len = sizeof(v);
	v = 0;
	rc = getsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, &len);
	ok(rc == 0 && len == sizeof(v) && v == 65495,
	   "TCP_MAXSEG: 65495, the largest TCP MSS (%d)", v);
	v = 1400;
	errno = 0;
	ok(setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)) == -1 &&
	   errno == ENOPROTOOPT, "setting TCP_MAXSEG: ENOPROTOOPT");
	memset(&info, 0xa5, sizeof(info));
	len = sizeof(info);
	rc = getsockopt(c, IPPROTO_TCP, TCP_INFO, &info, &len);
	ok(rc == 0 && len == sizeof(info) &&
	   info.tcpi_state == TCP_ESTABLISHED && info.tcpi_snd_mss == 65495,
	   "TCP_INFO of the client: ESTABLISHED, snd_mss 65495 (state %u)",
	   info.tcpi_state);
	info.tcpi_state = 0;
	info.tcpi_snd_mss = 0;
	memset(&zero, 0, sizeof(zero));
	ok(memcmp(&info, &zero, sizeof(info)) == 0,
	   "TCP_INFO: every other field 0 (no retransmits, no RTT or window guessed)");
	len = sizeof(info);
	rc = getsockopt(s, IPPROTO_TCP, TCP_INFO, &info, &len);
	ok(rc == 0 && info.tcpi_state == TCP_ESTABLISHED,
	   "TCP_INFO of the accepted socket: ESTABLISHED (%u)",
	   info.tcpi_state);
	len = sizeof(info);
	rc = getsockopt(l, IPPROTO_TCP, TCP_INFO, &info, &len);
	ok(rc == 0 && info.tcpi_state == TCP_LISTEN,
	   "TCP_INFO of the listener: LISTEN (%u)", info.tcpi_state);
	memset(&info, 0xa5, sizeof(info));
	len = 4;
	ok(getsockopt(c, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 &&
	   len == 4 && info.tcpi_state == TCP_ESTABLISHED &&
	   info.tcpi_snd_mss == 0xa5a5a5a5,
	   "TCP_INFO with a 4-byte buffer: 4 bytes written, no more");
	idle = socket(AF_INET, SOCK_STREAM, 0);
	len = sizeof(info);
	rc = idle >= 0 && bind(idle, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	     is_argo(idle) ? getsockopt(idle, IPPROTO_TCP, TCP_INFO, &info, &len)
			   : -1;
	ok(rc == 0 && info.tcpi_state == TCP_CLOSE,
	   "TCP_INFO of a bound, unconnected stream: CLOSE (%u)",
	   info.tcpi_state);
	len = sizeof(name);
	errno = 0;
	ok(getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, name, &len) == -1 &&
	   errno == ENOPROTOOPT,
	   "TCP_CONGESTION: ENOPROTOOPT (Argo has no congestion control)");
	errno = 0;
	ok(setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5) == -1 &&
	   errno == ENOPROTOOPT, "setting TCP_CONGESTION: ENOPROTOOPT");
	len = sizeof(v);
	errno = 0;
	ok(getsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &v, &len) == -1 &&
	   errno == ENOPROTOOPT, "getting TCP_KEEPCNT: ENOPROTOOPT");
	u = socket(AF_INET, SOCK_DGRAM, 0);
	a = sin_of("127.0.0.1", 0);
	len = sizeof(info);
	errno = 0;
	ok(u >= 0 && bind(u, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	   is_argo(u) &&
	   getsockopt(u, IPPROTO_TCP, TCP_INFO, &info, &len) == -1 &&
	   errno == ENOPROTOOPT, "TCP_INFO of a datagram socket: ENOPROTOOPT");
	close(u);
	close(idle);
	close(s);
	close(c);
	close(l);
}

static void test_flags(void)
{
	int port, l = listener("127.0.0.1", &port), s, e = -1;
	struct sockaddr_in a = sin_of("127.0.0.1", port);
	struct pollfd p;
	socklen_t len = sizeof(e);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int r = connect(c, (struct sockaddr *)&a, sizeof(a));

	ok(r == 0 || errno == EINPROGRESS,
	   "non-blocking connect: 0 or EINPROGRESS");
	ok(is_argo(c) && (fcntl(c, F_GETFL) & O_NONBLOCK) &&
	   (fcntl(c, F_GETFD) & FD_CLOEXEC),
	   "O_NONBLOCK and FD_CLOEXEC survive the conversion");
	p.fd = c;
	p.events = POLLOUT;
	ok(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT),
	   "poll(POLLOUT) says connected");
	ok(getsockopt(c, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0,
	   "SO_ERROR after connect: 0");
	s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	ok(s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK) &&
	   !(fcntl(s, F_GETFD) & FD_CLOEXEC),
	   "accept4(SOCK_NONBLOCK): exactly the flags asked for");
	errno = 0;
	ok(recv(s, &e, 1, 0) == -1 && errno == EAGAIN,
	   "recv on an empty non-blocking socket: EAGAIN");
	ok(fcntl(s, F_SETFL, 0) == 0 && !(fcntl(s, F_GETFL) & O_NONBLOCK),
	   "fcntl(F_SETFL) clears O_NONBLOCK");
	close(s);
	close(c);
	close(l);
}

static void test_dup(void)
{
	int port, l = listener("127.0.0.1", &port);
	int c = connect_to("127.0.0.1", port), s = accept(l, NULL, NULL);
	int d1 = dup(c), d2 = dup2(c, 1500), d3 = dup3(c, 1501, O_CLOEXEC);
	int d4 = fcntl(c, F_DUPFD_CLOEXEC, 1600), v = 0;
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	ok(d2 == 1500 && d3 == 1501 && d4 >= 1600 && d1 >= 0,
	   "dup, dup2, dup3, F_DUPFD_CLOEXEC (fds %d %d %d %d)", d1, d2, d3,
	   d4);
	ok((fcntl(d3, F_GETFD) & FD_CLOEXEC) && !(fcntl(d2, F_GETFD) &
						  FD_CLOEXEC),
	   "dup3(O_CLOEXEC) sets close-on-exec, dup2 does not");
	close(c);
	ok(carries(d1, s, "via dup") && carries(d2, s, "via dup2") &&
	   carries(d3, s, "via dup3") && carries(d4, s, "via F_DUPFD"),
	   "each copy still sends after the original is closed");
	len = sizeof(v);
	ok(getsockopt(d4, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 &&
	   v == AF_INET, "F_DUPFD_CLOEXEC copy is still an interposed socket");
	len = sizeof(a);
	ok(getpeername(d2, (struct sockaddr *)&a, &len) == 0 &&
	   ntohs(a.sin_port) == port, "getpeername on fd 1500: %s", show(&a));
	ok(dup2(d2, d2) == d2, "dup2(fd, fd) returns fd");
	close(d1);
	close(d2);
	close(d3);
	close(d4);
	close(s);
	close(l);
}

static void test_big_fd(void)
{
	struct sockaddr_in a = sin_of("127.0.0.1", 0);
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), big = 4000, c, s;

	ok(dup2(fd, big) == big && close(fd) == 0,
	   "an unconverted socket moved to fd %d", big);
	ok(bind(big, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	   listen(big, 4) == 0 && is_argo(big) &&
	   getsockname(big, (struct sockaddr *)&a, &len) == 0,
	   "bind+listen on fd %d: converted in place", big);
	c = connect_to("127.0.0.1", ntohs(a.sin_port));
	s = accept(big, NULL, NULL);
	ok(c >= 0 && s >= 0 && carries(c, s, "big"),
	   "a connection through the listener on fd %d", big);
	close(c);
	close(s);
	close(big);
}

static void test_dgram(void)
{
	struct sockaddr_in ra = sin_of("127.0.0.1", 0), from;
	socklen_t len = sizeof(ra), flen = sizeof(from);
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[32], nbuf[sizeof(struct sockaddr_in)];
	struct iovec iov[2] = { { buf, 3 }, { buf + 3, sizeof(buf) - 3 } };
	struct msghdr m;
	ssize_t n;

	ok(bind(r, (struct sockaddr *)&ra, sizeof(ra)) == 0 && is_argo(r) &&
	   getsockname(r, (struct sockaddr *)&ra, &len) == 0,
	   "UDP bind 127.0.0.1:0: Argo datagram socket %s", show(&ra));
	ok(sendto(s, "ping", 4, 0, (struct sockaddr *)&ra, sizeof(ra)) == 4 &&
	   is_argo(s), "sendto from an unbound UDP socket converts it");
	n = recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	ok(n == 4 && memcmp(buf, "ping", 4) == 0 && from.sin_family == AF_INET
	   && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	   "recvfrom: 4 bytes from %s", show(&from));
	ok(sendto(r, "pong!", 5, 0, (struct sockaddr *)&from, flen) == 5 &&
	   recv(s, buf, sizeof(buf), 0) == 5, "reply to the source address");
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	m.msg_name = &ra;
	m.msg_namelen = sizeof(ra);
	memcpy(buf, "scattered", 9);
	iov[1].iov_len = 6;
	ok(sendmsg(s, &m, 0) == 9, "sendmsg with two iovecs and msg_name");
	memset(buf, 0, sizeof(buf));
	iov[1].iov_len = sizeof(buf) - 3;
	m.msg_name = nbuf;
	m.msg_namelen = sizeof(nbuf);
	n = recvmsg(r, &m, 0);
	memcpy(&from, nbuf, sizeof(from));
	ok(n == 9 && memcmp(buf, "scattered", 9) == 0 &&
	   m.msg_namelen == sizeof(from) && from.sin_family == AF_INET,
	   "recvmsg: 9 bytes, msg_name %s", show(&from));
	close(r);
	close(s);
}

static void test_dns_stays(void)
{
	struct sockaddr_in a = sin_of("127.0.0.53", 53);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ok(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	   is_inet_socket(fd), "UDP to 127.0.0.53:53 (DNS) stays on IP");
	close(fd);
}

#define NTHREADS 6
#define ROUNDS 40

static int thread_port;

static void *client_thread(void *arg)
{
	char msg[32];
	int i, c, good = 0;

	for (i = 0; i < ROUNDS; i++) {
		c = connect_to("127.0.0.1", thread_port);
		snprintf(msg, sizeof(msg), "t%ld-%d", (long)arg, i);
		if (c >= 0 && send(c, msg, strlen(msg), 0) ==
		    (ssize_t)strlen(msg)) {
			char buf[32] = "";
			ssize_t n = recv(c, buf, sizeof(buf) - 1, MSG_WAITALL);

			good += n == (ssize_t)strlen(msg) &&
				memcmp(buf, msg, (size_t)n) == 0;
		}
		if (c >= 0)
			close(c);
	}
	return (void *)(long)good;
}

static void *echo_server(void *arg)
{
	int l = (int)(long)arg, s, i;
	char buf[64];
	ssize_t n;

	for (i = 0; i < NTHREADS * ROUNDS; i++) {
		s = accept(l, NULL, NULL);
		if (s < 0)
			break;
		n = recv(s, buf, sizeof(buf), 0);
		if (n > 0)
			send(s, buf, (size_t)n, 0);
		close(s);
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t srv, t[NTHREADS];
	long good = 0;
	void *r;
	int i, l = listener("127.0.0.1", &thread_port);

	pthread_create(&srv, NULL, echo_server, (void *)(long)l);
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, client_thread, (void *)(long)i);
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], &r);
		good += (long)r;
	}
	pthread_join(srv, NULL);
	ok(good == NTHREADS * ROUNDS, "%d threads x %d connections, echoed: "
	   "%ld", NTHREADS, ROUNDS, good);
	close(l);
}

static void test_fork(void)
{
	int port, l = listener("127.0.0.1", &port), s, status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		int c = connect_to("127.0.0.1", port);

		_exit(c >= 0 && is_argo(c) && send(c, "child", 5, 0) == 5
		      ? 0 : 1);
	}
	s = accept(l, NULL, NULL);
	{
		char buf[8] = "";
		ok(s >= 0 && recv(s, buf, 5, MSG_WAITALL) == 5 &&
		   memcmp(buf, "child", 5) == 0,
		   "a forked child connects to the parent's listener");
	}
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 0, "the child's socket was Argo too");
	close(s);
	close(l);
}

static void test_exec(void)
{
	int port, l = listener("127.0.0.1", &port), status = -1;
	int c = connect_to("127.0.0.1", port), s = accept(l, NULL, NULL);
	char fdbuf[16], buf[16] = "";
	pid_t pid;

	snprintf(fdbuf, sizeof(fdbuf), "%d", s);
	pid = fork();
	if (pid == 0) {
		execl(self_path, self_path, "exec-child", fdbuf, (char *)NULL);
		_exit(127);
	}
	ok(recv(c, buf, 7, MSG_WAITALL) == 7 && memcmp(buf, "in-exec", 7) == 0,
	   "an exec'd child writes on the inherited connection");
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		ok(1, "# SKIP the fake device does not follow exec");
	else
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "after exec, getpeername shows the inherited Argo "
		   "connection as AF_INET (status %d)", status);
	close(c);
	close(s);
	close(l);
}

static int exec_child(int fd)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;
	socklen_t len = sizeof(ss);
	int r = getpeername(fd, (struct sockaddr *)&ss, &len);

	if (send(fd, "in-exec", 7, 0) != 7 && write(fd, "in-exec", 7) != 7)
		return 1;
	if (r == 0 && ss.ss_family == AF_UNIX)
		return 77;	/* not recognised: the fake's table is gone */
	return r == 0 && a->sin_family == AF_INET &&
	       a->sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? 0 : 1;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 8192) {
		rl.rlim_cur = rl.rlim_max < 8192 ? rl.rlim_max : 8192;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int inproc(void)
{
	raise_nofile();
	test_stream();
	test_options();
	test_tcp_options();
	test_flags();
	test_dup();
	test_big_fd();
	test_dgram();
	test_dns_stays();
	test_threads();
	test_fork();
	test_exec();
	return tap_done();
}

/* ---- the other modes ---- */

static int off(void)
{
	int port, l = listener("127.0.0.1", &port), c, s;

	ok(l >= 0 && is_inet_socket(l), "listener is a real TCP socket");
	c = connect_to("127.0.0.1", port);
	s = accept(l, NULL, NULL);
	ok(c >= 0 && s >= 0 && is_inet_socket(c) && carries(c, s, "tcp"),
	   "a real TCP connection on 127.0.0.1:%d", port);
	return tap_done();
}

static int missing(void)
{
	int c1, c2, e1, e2;

	errno = 0;
	c1 = connect_to("127.0.0.1", 9);
	e1 = errno;
	c2 = connect_to("1.0.0.3", 22);
	e2 = errno;
	ok(c1 == -1 && (e1 == EAFNOSUPPORT || e1 == ENODEV || e1 == ENOENT),
	   "connect without the device: -1, %s", strerror(e1));
	ok(c2 == -1 && e2 == e1, "again: the same errno");
	return tap_done();
}

static int fallback(void)
{
	return off();
}

static int badmap(void)
{
	errno = 0;
	ok(socket(AF_INET, SOCK_STREAM, 0) == -1 && errno == EINVAL,
	   "socket(AF_INET) refused: EINVAL");
	ok(socket(AF_UNIX, SOCK_STREAM, 0) >= 0, "AF_UNIX still works");
	return tap_done();
}

static int inet_rule(void)
{
	int port, l = listener("127.0.0.1", &port), c;

	ok(l >= 0 && is_argo(l), "127.0.0.1 listener on Argo");
	c = connect_to("127.0.0.1", 7);
	ok(c == -1 && errno == ECONNREFUSED,
	   "tcp/127.0.0.1:7=inet: connect reaches TCP/IP (refused: %s)",
	   strerror(errno));
	return tap_done();
}

static struct sockaddr_in6 sin6_of(const char *ip, int port)
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons((uint16_t)port);
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

static const char *show6(const struct sockaddr_in6 *a)
{
	static char buf[80];
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
	snprintf(buf, sizeof(buf), "[%s]:%u", ip, ntohs(a->sin6_port));
	return buf;
}

static int connect6(const char *ip, int port)
{
	struct sockaddr_in6 a = sin6_of(ip, port);
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int inet6(void)
{
	struct sockaddr_in6 a = sin6_of("::", 0), p;
	socklen_t len = sizeof(a);
	int l = socket(AF_INET6, SOCK_STREAM, 0), zero = 0, v = 0, port;
	int c, c2, s, s2, r;

	ok(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) == 0 &&
	   bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 4) == 0
	   && is_argo(l), "bind [::]:0 + listen: an Argo socket");
	r = getsockname(l, (struct sockaddr *)&a, &len);
	ok(r == 0 && len == sizeof(a) && a.sin6_family == AF_INET6 &&
	   IN6_IS_ADDR_UNSPECIFIED(&a.sin6_addr),
	   "getsockname: %s", show6(&a));
	port = ntohs(a.sin6_port);
	c = connect6("::1", port);
	len = sizeof(p);
	s = accept(l, (struct sockaddr *)&p, &len);
	ok(c >= 0 && is_argo(c) && s >= 0 && p.sin6_family == AF_INET6 &&
	   IN6_IS_ADDR_V4MAPPED(&p.sin6_addr),
	   "connect [::1]:%d; accept sees %s", port, show6(&p));
	ok(carries(c, s, "six") && carries(s, c, "four"), "bytes both ways");
	len = sizeof(v);
	ok(getsockopt(c, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 &&
	   v == AF_INET6, "SO_DOMAIN: AF_INET6");
	c2 = connect6("::ffff:127.0.0.1", port);
	s2 = accept(l, NULL, NULL);
	ok(c2 >= 0 && is_argo(c2) && s2 >= 0 && carries(c2, s2, "mapped"),
	   "connect [::ffff:127.0.0.1]:%d: Argo too", port);
	a = sin6_of("2001:db8::1", 80);
	r = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(r, (struct sockaddr *)&a, sizeof(a));
	ok(is_inet_socket(r), "a real IPv6 address (2001:db8::1) stays on IP");
	close(r);
	close(c);
	close(s);
	close(c2);
	close(s2);
	close(l);
	return tap_done();
}

static int inet6_off(void)
{
	struct sockaddr_in6 a = sin6_of("::1", 0);
	int l = socket(AF_INET6, SOCK_STREAM, 0);

	ok(l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	   listen(l, 1) == 0 && is_inet_socket(l),
	   "without ARGO_INET6=1, [::1] is a real IPv6 listener");
	return tap_done();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	self_path = argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "inproc") == 0)
		return inproc();
	if (strcmp(mode, "off") == 0)
		return off();
	if (strcmp(mode, "missing") == 0)
		return missing();
	if (strcmp(mode, "fallback") == 0)
		return fallback();
	if (strcmp(mode, "badmap") == 0)
		return badmap();
	if (strcmp(mode, "inet-rule") == 0)
		return inet_rule();
	if (strcmp(mode, "inet6") == 0)
		return inet6();
	if (strcmp(mode, "inet6-off") == 0)
		return inet6_off();
	if (strcmp(mode, "exec-child") == 0 && argc > 2)
		return exec_child(atoi(argv[2]));
	fprintf(stderr, "usage: ip-prog inproc|off|missing|fallback|badmap|"
		"inet-rule|inet6|inet6-off\n");
	return 2;
}
