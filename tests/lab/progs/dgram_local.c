// SPDX-License-Identifier: GPL-2.0
/*
 * dgram_local - datagram sockets within one domain, through argo.ko's
 * ioctls: binding, source addresses, message boundaries, MSG_PEEK/TRUNC,
 * non-blocking calls, poll, the connect filter, a full ring (EAGAIN, a
 * blocked sender woken when the reader consumes), bad arguments and bad
 * pointers, the privileged-port rule.  Prints TAP lines; exit 1 on failure.
 *
 * Usage: dgram_local [BASEPORT]   (ports BASEPORT..BASEPORT+9 are used)
 */
#include "argo_test.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static uint16_t self;
static uint32_t base = 0x4000;

static void test_basic(void)
{
	struct argo_ring_id id;
	uint32_t size;
	int type = 0;
	int fd, fd2;

	fd = argo_open_dgram();
	t_ok(ioctl(fd, ARGOIOCGETSOCKTYPE, &type) == 0 &&
	     type == ARGO_PTYPE_DGRAM, "GETSOCKTYPE is ARGO_PTYPE_DGRAM");
	t_ok(ioctl(fd, ARGOIOCGETRINGSIZE, &size) == 0 && size >= 4032,
	     "GETRINGSIZE default %u", size);
	size = 100;
	T_ERRNO(ioctl(fd, ARGOIOCSETRINGSIZE, &size), EINVAL,
		"SETRINGSIZE below the minimum");
	size = 64u << 20;
	T_ERRNO(ioctl(fd, ARGOIOCSETRINGSIZE, &size), EINVAL,
		"SETRINGSIZE above 16 MiB");
	size = 5000;
	t_ok(ioctl(fd, ARGOIOCSETRINGSIZE, &size) == 0 &&
	     ioctl(fd, ARGOIOCGETRINGSIZE, &size) == 0 && size == 5008,
	     "SETRINGSIZE 5000 rounds up to a slot multiple (%u)", size);

	t_ok(argo_bind(fd, base, self) == 0, "bind port 0x%x partner %u",
	     base, self);
	id = argo_name(fd);
	t_ok(id.aport == base && id.partner_id == self &&
	     id.domain_id == self, "GETSOCKNAME after bind: %u:0x%x partner %u",
	     id.domain_id, id.aport, id.partner_id);
	T_ERRNO(argo_bind(fd, base + 1, self), EINVAL, "second bind");
	size = 8192;
	T_ERRNO(ioctl(fd, ARGOIOCSETRINGSIZE, &size), EINVAL,
		"SETRINGSIZE after bind");

	fd2 = argo_open_dgram();
	T_ERRNO(argo_bind(fd2, base, self), EADDRINUSE,
		"bind the same port and partner twice");
	t_ok(argo_bind(fd2, ARGO_PORT_ANY, self) == 0, "bind ARGO_PORT_ANY");
	id = argo_name(fd2);
	t_ok(id.aport >= ARGO_EPHEMERAL_PORT_MIN &&
	     id.aport <= ARGO_EPHEMERAL_PORT_MAX,
	     "ephemeral port 0x%x in range", id.aport);
	close(fd2);
	close(fd);
}

static void test_send_recv(void)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 1000, 4000 };
	unsigned char out[4096], in[4096];
	xen_argo_addr_t from;
	struct argo_ring_id sid;
	int rx, tx, fd, i, good;
	ssize_t n;

	rx = argo_open_dgram();
	tx = argo_open_dgram();
	t_ok(argo_bind(rx, base + 1, self) == 0, "receiver bound");

	n = argo_sendto(tx, "hello", 5, 0, self, base + 1);
	t_ok(n == 5, "sendto returns the length (%zd)", n);
	sid = argo_name(tx);
	t_ok(sid.aport >= ARGO_EPHEMERAL_PORT_MIN &&
	     sid.aport <= ARGO_EPHEMERAL_PORT_MAX && sid.partner_id == self,
	     "first send auto-binds an ephemeral port (0x%x partner %u)",
	     sid.aport, sid.partner_id);
	memset(&from, 0, sizeof(from));
	n = argo_recvfrom(rx, in, sizeof(in), 0, &from);
	t_ok(n == 5 && !memcmp(in, "hello", 5), "recvfrom gets the message");
	t_ok(from.domain_id == self && from.aport == sid.aport,
	     "source address is the sender's (%u:0x%x)", from.domain_id,
	     from.aport);

	/* Boundaries: each send is one message of exactly its size. */
	for (i = 0; i < (int)(sizeof(sizes) / sizeof(sizes[0])); i++) {
		t_fill(out, sizes[i], i);
		if (argo_sendto(tx, out, sizes[i], 0, self, base + 1) !=
		    (ssize_t)sizes[i])
			break;
	}
	t_ok(i == (int)(sizeof(sizes) / sizeof(sizes[0])),
	     "sent %d messages of sizes 0..4000", i);
	good = 1;
	for (i = 0; i < (int)(sizeof(sizes) / sizeof(sizes[0])); i++) {
		memset(in, 0xee, sizeof(in));
		n = argo_recvfrom(rx, in, sizeof(in), MSG_DONTWAIT, NULL);
		t_fill(out, sizes[i], i);
		if (n != (ssize_t)sizes[i] || memcmp(in, out, sizes[i])) {
			t_diag("message %d: got %zd bytes, want %zu", i, n,
			       sizes[i]);
			good = 0;
		}
	}
	t_ok(good, "message boundaries and contents kept (wrapping ring)");

	/* MSG_PEEK leaves it; MSG_TRUNC reports the real length. */
	t_fill(out, 100, 42);
	argo_sendto(tx, out, 100, 0, self, base + 1);
	argo_sendto(tx, "next", 4, 0, self, base + 1);
	n = argo_recvfrom(rx, in, 10, MSG_PEEK, NULL);
	t_ok(n == 10 && !memcmp(in, out, 10), "MSG_PEEK with a short buffer");
	n = argo_recvfrom(rx, in, 10, MSG_PEEK | MSG_TRUNC, NULL);
	t_ok(n == 100, "MSG_PEEK|MSG_TRUNC returns the full length (%zd)", n);
	n = argo_recvfrom(rx, in, 10, 0, NULL);
	t_ok(n == 10 && !memcmp(in, out, 10),
	     "short read returns the head of the message");
	n = argo_recvfrom(rx, in, sizeof(in), 0, NULL);
	t_ok(n == 4 && !memcmp(in, "next", 4),
	     "the rest of a truncated message is discarded");
	argo_sendto(tx, out, 100, 0, self, base + 1);
	n = argo_recvfrom(rx, in, 10, MSG_TRUNC, NULL);
	t_ok(n == 100, "MSG_TRUNC returns the real length (%zd)", n);

	/* Non-blocking. */
	T_ERRNO(argo_recvfrom(rx, in, sizeof(in), MSG_DONTWAIT, NULL), EAGAIN,
		"recv MSG_DONTWAIT on an empty ring");
	fcntl(rx, F_SETFL, O_NONBLOCK);
	T_ERRNO(read(rx, in, sizeof(in)), EAGAIN, "read with O_NONBLOCK");
	fcntl(rx, F_SETFL, 0);

	/* Sending to a port nobody bound. */
	T_ERRNO(argo_sendto(tx, "x", 1, 0, self, base + 9), ECONNREFUSED,
		"send to an unbound port");
	/* Domain 0x7fef does not exist (ids are allocated from 1 upwards). */
	T_ERRNO(argo_sendto(tx, "x", 1, 0, 0x7fef, base + 9), EHOSTUNREACH,
		"send to a domain that does not exist");
	fd = argo_open_dgram();
	T_ERRNO(argo_bind(fd, base + 8, 0x7fef), EHOSTUNREACH,
		"bind with a partner domain that does not exist");
	T_ERRNO(argo_sendto(fd, "x", 1, 0, 0x7fef, base + 9), EHOSTUNREACH,
		"auto-bind for a domain that does not exist");
	close(fd);
	close(tx);
	close(rx);
}

static int poll1(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
}

struct reader {
	int fd;
	int delay_ms;
	ssize_t got;
};

static void *delayed_reader(void *arg)
{
	struct reader *r = arg;
	char buf[4096];

	usleep(r->delay_ms * 1000);
	r->got = read(r->fd, buf, sizeof(buf));
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_poll_filter_full(void)
{
	char buf[4096], big[4096];
	xen_argo_addr_t from, peer;
	struct argo_ring_id a_id;
	struct reader rd;
	pthread_t th;
	uint32_t size = 4032;
	int rx, a, b, n, re;
	double t0;
	ssize_t r;

	rx = argo_open_dgram();
	a = argo_open_dgram();
	b = argo_open_dgram();
	ioctl(rx, ARGOIOCSETRINGSIZE, &size);
	argo_bind(rx, base + 2, self);

	re = poll1(rx, POLLIN | POLLOUT, 0);
	t_ok(re == POLLOUT, "poll: empty ring is writable, not readable (0x%x)",
	     re);
	argo_sendto(a, "A", 1, 0, self, base + 2);
	re = poll1(rx, POLLIN, 2000);
	t_ok(re & POLLIN, "poll: POLLIN once a message arrived (0x%x)", re);
	argo_recvfrom(rx, buf, sizeof(buf), 0, NULL);

	/* Connect filter. */
	a_id = argo_name(a);
	T_ERRNO(ioctl(rx, ARGOIOCGETPEERNAME, &peer), ENOTCONN,
		"GETPEERNAME unconnected");
	T_ERRNO(write(rx, "x", 1), EDESTADDRREQ, "write without a peer");
	t_ok(argo_connect(rx, self, a_id.aport) == 0, "connect to A");
	t_ok(ioctl(rx, ARGOIOCGETPEERNAME, &peer) == 0 &&
	     peer.aport == a_id.aport && peer.domain_id == self,
	     "GETPEERNAME gives A");
	argo_sendto(b, "B1", 2, 0, self, base + 2);
	argo_sendto(a, "A1", 2, 0, self, base + 2);
	memset(&from, 0, sizeof(from));
	r = argo_recvfrom(rx, buf, sizeof(buf), MSG_DONTWAIT, &from);
	t_ok(r == 2 && !memcmp(buf, "A1", 2) && from.aport == a_id.aport,
	     "connected socket skips B's message and gets A's");
	argo_sendto(b, "B2", 2, 0, self, base + 2);
	re = poll1(rx, POLLIN, 0);
	t_ok(!(re & POLLIN), "poll: a filtered message is not readable (0x%x)",
	     re);
	t_ok(ioctl(rx, ARGOIOCCONNECT, NULL) == 0, "disconnect (NULL)");
	T_ERRNO(ioctl(rx, ARGOIOCGETPEERNAME, &peer), ENOTCONN,
		"GETPEERNAME after disconnect");
	argo_sendto(b, "B3", 2, 0, self, base + 2);
	r = argo_recvfrom(rx, buf, sizeof(buf), MSG_DONTWAIT, NULL);
	t_ok(r == 2 && !memcmp(buf, "B3", 2),
	     "after disconnect B's messages arrive");

	/* write/read on a connected sender. */
	argo_connect(a, self, base + 2);
	t_ok(write(a, "W", 1) == 1 && read(rx, buf, sizeof(buf)) == 1 &&
	     buf[0] == 'W', "write()/read() on a connected socket");

	/* Fill the 4032-byte ring with 1000-byte messages. */
	memset(big, 'z', sizeof(big));
	for (n = 0; n < 10; n++)
		if (argo_sendto(a, big, 1000, MSG_DONTWAIT, self, base + 2) < 0)
			break;
	t_ok(n == 3 && errno == EAGAIN,
	     "full ring: %d sends, then EAGAIN (%s)", n, strerror(errno));
	T_ERRNO(argo_sendto(a, big, 4032, 0, self, base + 2), EMSGSIZE,
		"a message larger than the ring");
	re = poll1(a, POLLOUT, 0);
	t_ok(!(re & POLLOUT), "poll: connected sender not writable (0x%x)", re);
	rd.fd = rx;
	rd.delay_ms = 300;
	pthread_create(&th, NULL, delayed_reader, &rd);
	re = poll1(a, POLLOUT, 5000);
	t_ok(re & POLLOUT, "poll: writable once the reader consumed (0x%x)",
	     re);
	pthread_join(th, NULL);

	/* Fill again; a blocking send must wait for the reader. */
	for (n = 0; n < 10; n++)
		if (argo_sendto(a, big, 1000, MSG_DONTWAIT, self, base + 2) < 0)
			break;
	rd.delay_ms = 500;
	pthread_create(&th, NULL, delayed_reader, &rd);
	t0 = now();
	r = argo_sendto(a, big, 1000, 0, self, base + 2);
	t0 = now() - t0;
	pthread_join(th, NULL);
	t_ok(r == 1000 && t0 > 0.3 && t0 < 10,
	     "blocking send waits for space (%.2f s) and completes", t0);
	while (argo_recvfrom(rx, buf, sizeof(buf), MSG_DONTWAIT, NULL) >= 0)
		;
	close(a);
	close(b);
	close(rx);
}

static void test_bad_args(void)
{
	struct argo_dev d;
	xen_argo_addr_t addr;
	struct argo_ring_id id;
	char buf[64];
	int fd, tx, v;

	fd = argo_open_dgram();
	tx = argo_open_dgram();
	T_ERRNO(ioctl(fd, _IOW(ARGO_TYPE, 99, int), &v), ENOTTY,
		"unknown ioctl");
	T_ERRNO(ioctl(fd, _IOW('Z', 2, struct argo_ring_id), &id), ENOTTY,
		"foreign ioctl type");
	T_ERRNO(ioctl(fd, ARGOIOCBIND, NULL), EFAULT, "BIND NULL");
	T_ERRNO(ioctl(fd, ARGOIOCBIND, (void *)8), EFAULT, "BIND bad pointer");
	id.domain_id = 0;
	id.partner_id = 0x7FF5;
	id.aport = base + 3;
	T_ERRNO(ioctl(fd, ARGOIOCBIND, &id), EINVAL, "BIND partner 0x7ff5");
	addr.aport = 1;
	addr.domain_id = 0x7FF0;
	addr.pad = 0;
	T_ERRNO(ioctl(fd, ARGOIOCCONNECT, &addr), EINVAL,
		"CONNECT to a reserved domid");
	T_ERRNO(ioctl(fd, ARGOIOCCONNECT, (void *)8), EFAULT,
		"CONNECT bad pointer");
	T_ERRNO(ioctl(fd, ARGOIOCGETSOCKNAME, (void *)8), EFAULT,
		"GETSOCKNAME bad pointer");
	T_ERRNO(ioctl(fd, ARGOIOCSETRINGSIZE, (void *)8), EFAULT,
		"SETRINGSIZE bad pointer");
	v = 0;
	T_ERRNO(ioctl(fd, ARGOIOCLISTEN, &v), EOPNOTSUPP, "LISTEN on dgram");
	T_ERRNO(ioctl(fd, ARGOIOCACCEPT, &addr), EOPNOTSUPP, "ACCEPT on dgram");
	T_ERRNO(ioctl(fd, ARGOIOCVIPTABLESLIST, &v), EOPNOTSUPP,
		"VIPTABLESLIST");
	v = 7;
	T_ERRNO(ioctl(fd, ARGOIOCSHUTDOWN, &v), EINVAL, "SHUTDOWN how=7");

	argo_bind(fd, base + 3, self);
	d.buf = (void *)8;
	d.len = 10;
	d.flags = 0;
	d.addr = &addr;
	addr.domain_id = self;
	addr.aport = base + 3;
	T_ERRNO(ioctl(tx, ARGOIOCSEND, &d), EFAULT, "SEND from a bad buffer");
	d.buf = buf;
	d.flags = 0x40000000;
	T_ERRNO(ioctl(tx, ARGOIOCSEND, &d), EINVAL, "SEND unknown flag");
	d.flags = 0;
	d.addr = (void *)8;
	T_ERRNO(ioctl(tx, ARGOIOCSEND, &d), EFAULT, "SEND bad address");
	T_ERRNO(ioctl(tx, ARGOIOCSEND, (void *)8), EFAULT, "SEND bad argument");
	argo_sendto(tx, "keep", 4, 0, self, base + 3);
	d.buf = (void *)8;
	d.len = sizeof(buf);
	d.addr = NULL;
	T_ERRNO(ioctl(fd, ARGOIOCRECV, &d), EFAULT, "RECV into a bad buffer");
	d.buf = buf;
	d.addr = (void *)8;
	T_ERRNO(ioctl(fd, ARGOIOCRECV, &d), EFAULT, "RECV to a bad address");
	T_ERRNO(argo_recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL),
		EAGAIN, "the message went with the bad address (like recvfrom)");
	argo_sendto(tx, "keep", 4, 0, self, base + 3);
	d.buf = (void *)8;
	d.addr = NULL;
	ioctl(fd, ARGOIOCRECV, &d);
	t_ok(argo_recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL) == 4 &&
	     !memcmp(buf, "keep", 4),
	     "a message is kept after RECV into a bad buffer");
	T_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek");
	close(tx);
	close(fd);
}

static void test_privileged(void)
{
	int fd, st;
	pid_t pid;

	fd = argo_open_dgram();
	t_ok(argo_bind(fd, 80, self) == 0, "root binds port 80");
	close(fd);

	pid = fork();
	if (pid == 0) {
		int a = argo_open_dgram(), b = argo_open_dgram();

		if (setgid(65534) || setuid(65534))
			_exit(3);
		if (argo_bind(a, 81, self) == 0 || errno != EACCES)
			_exit(1);
		if (argo_bind(b, base + 4, self) != 0)
			_exit(2);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	t_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	     "without CAP_NET_BIND_SERVICE: port 81 EACCES, port 0x%x ok (status %d)",
	     base + 4, WEXITSTATUS(st));
}

static void test_wildcard(const char *expect)
{
	int fd = argo_open_dgram();
	int r = argo_bind(fd, base + 5, ARGO_DOMID_ANY);
	int e = errno;

	if (!strcmp(expect, "yes"))
		t_ok(r == 0, "wildcard ring accepted (mac-permissive=1)");
	else if (!strcmp(expect, "no"))
		t_ok(r == -1 && e == EPERM,
		     "wildcard ring refused with EPERM (no mac-permissive)");
	else
		t_diag("wildcard ring: %s", r ? strerror(e) : "accepted");
	close(fd);
}

int main(int argc, char **argv)
{
	const char *wild = getenv("ARGO_EXPECT_WILDCARD");
	struct argo_ring_id id;
	int fd;

	if (argc > 1)
		base = strtoul(argv[1], NULL, 0);
	signal(SIGPIPE, SIG_IGN);
	alarm(120);

	fd = argo_open_dgram();
	argo_bind(fd, ARGO_PORT_ANY, 0);
	id = argo_name(fd);
	close(fd);
	self = id.domain_id;
	t_diag("local domain %u, ports from 0x%x", self, base);
	t_ok(self < 0x7FF0, "GETSOCKNAME reports the local domid (%u)", self);

	test_basic();
	test_send_recv();
	test_poll_filter_full();
	test_bad_args();
	test_privileged();
	test_wildcard(wild ? wild : "any");
	return t_done();
}
